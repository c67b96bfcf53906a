//! The demo's complaints (客户投诉): some closed with the customer's
//! satisfaction, some on their clocks, some past them — not passed on to
//! quality within two hours, not handled within twelve, not replied to.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, Transaction};

use super::Rng;
use crate::clock::{timestamp, Zone};
use crate::demo::DemoSummary;
use crate::error::Result;
use crate::ids::ComplaintId;

/// One complaint for this many customers.
const CUSTOMERS_PER_COMPLAINT: usize = 200;

const WORDS: &[(&str, &str)] = &[
    ("quality", "这批货结块严重，农户反映不好用"),
    ("quality", "包装破损，部分受潮"),
    ("delivery", "说好周三到货，周五才到，耽误了销售"),
    ("delivery", "到货数量比订单少了 5 箱"),
    ("price", "隔壁县的批发价比我们低，窜货严重"),
    ("service", "业务员很久没来拜访，电话也不接"),
    ("other", "希望公司多做一些田间示范"),
];

pub(super) fn generate(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    today: NaiveDate,
    seed: u64,
    summary: &mut DemoSummary,
) -> Result<()> {
    let mut rng = Rng(seed ^ 0x636f_6d70_6c61_696e);
    let zone = Zone::of(tx)?;
    let office: String =
        tx.query_row("SELECT id FROM staff WHERE role = 'head_office' ORDER BY id LIMIT 1", [], |r| r.get(0))?;
    let cards: Vec<(String, String)> = tx
        .prepare("SELECT id, owner_id FROM customer WHERE lifecycle = 'active' ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if cards.is_empty() {
        return Ok(());
    }
    // The demo's "now": the end of its day when it is built for another day.
    let now = if zone.day(now) == today { now } else { zone.day_start(today) + Duration::hours(17) };
    let count = (cards.len() / CUSTOMERS_PER_COMPLAINT).max(8);
    for i in 0..count {
        let (customer, owner) = rng.pick(&cards).clone();
        let (kind, words) = *rng.pick(WORDS);
        // 0 closed · 1 replied · 2 handled · 3 with quality, on time · 4 with quality, past 12 h ·
        // 5 just logged · 6 logged 3 h ago, not passed on (past its 2-hour clock)
        let stage = if i < 7 { i } else { rng.weighted(&[(0, 50), (1, 10), (2, 10), (3, 10), (4, 8), (5, 6), (6, 6)]) };
        let ago = match stage {
            0 => Duration::days(rng.range(3, 60)),
            1 | 2 => Duration::hours(rng.range(14, 40)),
            3 => Duration::minutes(rng.range(130, 600)),
            4 => Duration::hours(rng.range(13, 30)),
            5 => Duration::minutes(rng.range(10, 90)),
            _ => Duration::minutes(rng.range(150, 240)),
        };
        let logged = now - ago;
        let passed = (stage != 5 && stage != 6).then(|| logged + Duration::minutes(rng.range(20, 150)));
        let handled = (stage <= 2).then(|| logged + Duration::hours(rng.range(3, 14)));
        let replied = (stage <= 1).then(|| logged + Duration::hours(rng.range(14, 30)));
        let closed = (stage == 0).then(|| logged + Duration::hours(rng.range(30, 60)));
        let id = ComplaintId::from_parts(u64::try_from(logged.timestamp_millis()).unwrap_or(0), rng.bytes());
        let t = |at: Option<DateTime<Utc>>| at.map(timestamp);
        tx.prepare_cached(
            "INSERT INTO complaint (id, customer_id, kind, feedback, words, logged_by, logged_at, passed_on_at, handled_at,
                                    handled_by, handling, replied_at, replied_by, reply, closed_at, closed_by, satisfaction,
                                    created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?7, ?18)",
        )?
        .execute(params![
            id,
            customer,
            kind,
            kind == "other",
            words,
            owner,
            timestamp(logged),
            t(passed),
            t(handled),
            handled.map(|_| office.clone()),
            handled.map(|_| "已安排换货并送检同批次产品"),
            t(replied),
            replied.map(|_| owner.clone()),
            replied.map(|_| "已向客户说明处理结果"),
            t(closed),
            closed.map(|_| owner.clone()),
            closed.map(|_| rng.range(2, 5)),
            timestamp(closed.or(replied).or(handled).or(passed).unwrap_or(logged)),
        ])?;
        summary.complaints += 1;
    }
    Ok(())
}
