//! Half a year of field work for the demo book: each customer's visits at its
//! grade's rhythm (ending on the card's last visit), calls with customers and
//! between colleagues, managers' spot-checks and visits, the follow-up tasks
//! of next steps, a week of submitted daily reports with a few urgent ones,
//! and managers' comments. About twenty records per customer in all. Its own
//! random stream keeps the cards as they were.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rusqlite::{params, Transaction};

use super::{DemoSummary, Rng};
use crate::clock::{timestamp, Zone};
use crate::error::Result;
use crate::fieldwork::reports::{self, ReportContent};
use crate::ids::{CallId, CommentId, CustomerId, ReportId, StaffId, TaskId, VisitId};
use crate::model::{ReportKind, StaffRole};
use crate::org::Viewer;
use crate::store::BatchInsert;

/// Visit and call records per customer the demo aims at.
const RECORDS_PER_CUSTOMER: usize = 20;
/// Days of history.
const HISTORY_DAYS: i64 = 182;

const PURPOSES: &[&str] = &[
    "例行拜访，了解库存和销售情况",
    "送货并核对账目",
    "催收货款",
    "新品推广",
    "处理客户投诉",
    "培训店员",
    "商谈下季度订货",
];
const STOCK: &[&str] = &["库存充足", "主销品种库存偏低，建议补货", "库存偏高，需促销消化", "新品已上架"];
const COMPETITORS: &[&str] = &["竞品降价促销", "竞品新进铺货", "无明显竞品活动", "竞品加大返利"];
const PRICES: &[&str] = &["复合肥零售 2850 元/吨", "尿素零售 2300 元/吨", "价格稳定", "二批出货价下调 3%"];
const PROBLEMS: &[&str] = &["部分货品包装破损", "回款拖延", "送货不及时", "促销物料不足"];
const REQUESTS: &[&str] = &["要求增加返利", "希望加快送货", "需要更多促销物料", "申请延长账期"];
const STEPS: &[&str] = &["补货 50 箱", "送促销物料", "跟进回款", "安排店员培训", "回复价格政策", "核对对账单"];
const CALLS: &[&str] = &["确认订货数量", "沟通回款安排", "了解库存", "通知促销政策", "处理客户投诉", "预约拜访时间"];
const COLLEAGUE_CALLS: &[&str] = &["了解片区销售进度", "布置本月任务", "沟通重点客户问题", "汇报回款情况"];
const SUMMARIES: &[&str] = &[
    "今天按路线完成拜访，重点客户库存正常。",
    "拜访中发现竞品促销力度加大，需要跟进。",
    "回款情况良好，新品铺货顺利。",
    "部分客户反映送货不及时，已与销管沟通。",
];
const COMMENTS: &[&str] =
    &["收到，注意跟进回款。", "竞品情况请详细汇报。", "做得好，继续保持。", "下周一起去拜访重点客户。"];
const URGENT: &[(&str, &str, &str)] = &[
    ("credit_risk", "客户资金紧张，回款可能逾期", "老板透露近期资金周转困难，建议暂停赊销。"),
    ("competitor", "竞品在片区大幅降价", "竞品复合肥降价 8%，二批商开始转向。"),
    ("complaint", "客户投诉产品结块", "两批货出现结块，客户要求退换。"),
];

struct Card {
    id: CustomerId,
    owner: usize,
    territory: String,
    level: String,
    lifecycle: String,
    grade: Option<String>,
    last_visit: Option<NaiveDate>,
}

struct Person {
    id: StaffId,
    role: StaffRole,
    unit: String,
    /// Region of a rep or regional manager, province of anyone: indexes into the unit lists.
    parent: Option<String>,
}

#[derive(Clone, Copy)]
enum Kind {
    Visit { visit_type: &'static str, minutes: i64, planned: bool, confirmed: Option<bool> },
    CustomerCall { incoming: bool, seconds: i64 },
    ColleagueCall { colleague: usize, incoming: bool, seconds: i64 },
}

#[derive(Clone, Copy)]
struct Record {
    at_ms: i64,
    staff: usize,
    customer: usize,
    kind: Kind,
    text: u32,
    step: bool,
}

fn work_day(day: NaiveDate) -> NaiveDate {
    if day.weekday() == Weekday::Sun {
        day - Duration::days(1)
    } else {
        day
    }
}

/// A moment of a working day between 08:30 and 17:30, as milliseconds.
fn moment(rng: &mut Rng, day: NaiveDate, zone: Zone) -> i64 {
    (zone.day_start(day) + Duration::minutes(510 + rng.range(0, 540))).timestamp_millis()
}

pub(super) fn generate(tx: &Transaction<'_>, today: NaiveDate, seed: u64, summary: &mut DemoSummary) -> Result<()> {
    let mut rng = Rng(seed ^ 0x6669_656C_6477_6F72);
    let zone = Zone::of(tx)?;
    let first = today - Duration::days(HISTORY_DAYS - 1);
    let people: Vec<Person> = tx
        .prepare(
            "SELECT s.id, s.role, s.org_unit_id, u.parent_id FROM staff s JOIN org_unit u ON u.id = s.org_unit_id
              ORDER BY s.id",
        )?
        .query_map([], |r| Ok(Person { id: r.get(0)?, role: r.get(1)?, unit: r.get(2)?, parent: r.get(3)? }))?
        .collect::<rusqlite::Result<_>>()?;
    let index: HashMap<StaffId, usize> = people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let cards: Vec<Card> = tx
        .prepare(
            "SELECT id, owner_id, territory_id, channel_level, lifecycle, grade, last_visit_on FROM customer ORDER BY id",
        )?
        .query_map([], |r| {
            let owner: StaffId = r.get(1)?;
            Ok(Card {
                id: r.get(0)?,
                owner: index.get(&owner).copied().unwrap_or(0),
                territory: r.get(2)?,
                level: r.get(3)?,
                lifecycle: r.get(4)?,
                grade: r.get(5)?,
                last_visit: r
                    .get::<_, Option<String>>(6)?
                    .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if cards.is_empty() {
        return Ok(());
    }
    // territory → region (its parent), region → province
    let parents: HashMap<String, String> = tx
        .prepare("SELECT id, parent_id FROM org_unit WHERE parent_id IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let region_of = |territory: &str| parents.get(territory).cloned().unwrap_or_default();
    let (every, ungraded) = crate::grades::visit_frequencies(tx)?;
    let mut records: Vec<Record> = Vec::with_capacity(cards.len() * RECORDS_PER_CUSTOMER);

    // Reps: visits at the grade's rhythm, back from the card's last visit.
    for (ci, card) in cards.iter().enumerate() {
        let Some(last) = card.last_visit else { continue };
        if card.lifecycle == "eliminated" {
            continue;
        }
        let freq = i64::from(card.grade.as_ref().and_then(|g| every.get(g).copied()).unwrap_or(ungraded)).max(2);
        let mut day = last;
        while day >= first {
            let visit_type = *rng.pick(&[
                "routine",
                "routine",
                "routine",
                "routine",
                "routine",
                "routine",
                "delivery",
                "delivery",
                "collection",
                "training",
            ]);
            records.push(Record {
                at_ms: moment(&mut rng, work_day(day), zone),
                staff: card.owner,
                customer: ci,
                kind: Kind::Visit { visit_type, minutes: rng.range(10, 70), planned: rng.chance(0.7), confirmed: None },
                text: rng.next() as u32,
                step: rng.chance(0.12),
            });
            day -= Duration::days(freq + rng.range(-freq / 4, freq / 4));
        }
    }
    // Managers: regional managers call their distributors, spot-check
    // sub-distributors and retailers and call their reps; provincial managers
    // call and visit. Some months fall short of the duties, as in life.
    // In a fixed order: a provincial manager's customers are their regions' in turn.
    let mut by_region: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (ci, card) in cards.iter().enumerate().filter(|(_, c)| c.lifecycle != "eliminated") {
        by_region.entry(region_of(&card.territory)).or_default().push(ci);
    }
    let months: Vec<NaiveDate> =
        (0..6).filter_map(|m| today.with_day(1).and_then(|d| d.checked_sub_months(chrono::Months::new(m)))).collect();
    let random_day = |rng: &mut Rng, month: NaiveDate| -> Option<NaiveDate> {
        let last = month.checked_add_months(chrono::Months::new(1))?.pred_opt()?.min(today);
        if last < month {
            return None;
        }
        Some(work_day(month + Duration::days(rng.range(0, (last - month).num_days()))).max(month))
    };
    for (mi, manager) in people.iter().enumerate() {
        let units_customers: Vec<usize> = match manager.role {
            StaffRole::RegionalManager => by_region.get(&manager.unit).cloned().unwrap_or_default(),
            StaffRole::ProvincialManager => by_region
                .iter()
                .filter(|(region, _)| parents.get(*region) == Some(&manager.unit))
                .flat_map(|(_, c)| c.iter().copied())
                .collect(),
            _ => continue,
        };
        let team: Vec<usize> = people
            .iter()
            .enumerate()
            .filter(|(_, p)| match manager.role {
                StaffRole::RegionalManager => p.role == StaffRole::Rep && p.parent.as_deref() == Some(&manager.unit),
                _ => {
                    (p.role == StaffRole::RegionalManager && p.parent.as_deref() == Some(&manager.unit))
                        || (p.role == StaffRole::Rep
                            && p.parent.as_ref().and_then(|r| parents.get(r)) == Some(&manager.unit))
                }
            })
            .map(|(i, _)| i)
            .collect();
        for &month in &months {
            let diligent = rng.chance(0.7);
            let distributors: Vec<usize> =
                units_customers.iter().copied().filter(|&c| cards[c].level == "distributor").collect();
            let per = if manager.role == StaffRole::RegionalManager { 3 } else { 1 };
            for &c in &distributors {
                let calls = if diligent { rng.range(per, per + 1) } else { rng.range(0, per) };
                for _ in 0..calls {
                    let Some(day) = random_day(&mut rng, month) else { continue };
                    records.push(Record {
                        at_ms: moment(&mut rng, day, zone),
                        staff: mi,
                        customer: c,
                        kind: Kind::CustomerCall { incoming: rng.chance(0.3), seconds: rng.range(60, 900) },
                        text: rng.next() as u32,
                        step: false,
                    });
                }
            }
            for &colleague in &team {
                let per = match (manager.role, people[colleague].role) {
                    (StaffRole::RegionalManager, _) => 3,
                    (_, StaffRole::RegionalManager) => 5,
                    _ => 1,
                };
                let calls = if diligent { rng.range(per, per + 1) } else { rng.range(0, per) };
                for _ in 0..calls {
                    let Some(day) = random_day(&mut rng, month) else { continue };
                    records.push(Record {
                        at_ms: moment(&mut rng, day, zone),
                        staff: mi,
                        customer: 0,
                        kind: Kind::ColleagueCall {
                            colleague,
                            incoming: rng.chance(0.2),
                            seconds: rng.range(60, 1200),
                        },
                        text: rng.next() as u32,
                        step: false,
                    });
                }
            }
            let (pool, visit_type): (Vec<usize>, &'static str) = match manager.role {
                StaffRole::RegionalManager => (
                    units_customers
                        .iter()
                        .copied()
                        .filter(|&c| cards[c].level == "sub_distributor" || cards[c].level == "retailer")
                        .collect(),
                    "spot_check",
                ),
                _ => (units_customers.clone(), "routine"),
            };
            if pool.is_empty() {
                continue;
            }
            let wanted = ((pool.len() * 3).div_ceil(10)).max(10).min(pool.len());
            let visits = if diligent { wanted } else { wanted * rng.range(40, 90) as usize / 100 };
            for _ in 0..visits {
                let Some(day) = random_day(&mut rng, month) else { continue };
                let customer = *rng.pick(&pool);
                records.push(Record {
                    at_ms: moment(&mut rng, day, zone),
                    staff: mi,
                    customer,
                    kind: Kind::Visit {
                        visit_type,
                        minutes: rng.range(15, 90),
                        planned: false,
                        confirmed: (visit_type == "spot_check").then(|| rng.chance(0.85)),
                    },
                    text: rng.next() as u32,
                    step: rng.chance(0.1),
                });
            }
        }
    }
    // Reps' calls with their customers make up the rest.
    let callable: Vec<usize> = (0..cards.len()).filter(|&c| cards[c].lifecycle != "eliminated").collect();
    let target = cards.len() * RECORDS_PER_CUSTOMER;
    while records.len() < target && !callable.is_empty() {
        let customer = *rng.pick(&callable);
        let day = work_day(first + Duration::days(rng.range(0, HISTORY_DAYS - 1)));
        records.push(Record {
            at_ms: moment(&mut rng, day, zone),
            staff: cards[customer].owner,
            customer,
            kind: Kind::CustomerCall { incoming: rng.chance(0.4), seconds: rng.range(20, 900) },
            text: rng.next() as u32,
            step: rng.chance(0.05),
        });
    }
    records.sort_by_key(|r| r.at_ms);
    // Nothing later than now (today's records end at the demo's morning).
    let now_ms = (zone.day_start(today) + Duration::hours(9)).timestamp_millis();
    records.retain(|r| r.at_ms <= now_ms);
    crate::store::bulk_load(tx, &["visit", "call_log", "task"], true, |tx| {
        write(tx, &records, &cards, &people, (today, zone), &mut rng, summary)
    })?;
    reports_and_comments(tx, &people, &cards, (today, zone), &mut rng, summary)
}

fn pick(items: &[&'static str], n: u32) -> &'static str {
    items[n as usize % items.len()]
}

fn write(
    tx: &Transaction<'_>,
    records: &[Record],
    cards: &[Card],
    people: &[Person],
    (today, zone): (NaiveDate, Zone),
    rng: &mut Rng,
    summary: &mut DemoSummary,
) -> Result<()> {
    let mut visit = BatchInsert::new(
        tx,
        "visit",
        &[
            "id",
            "customer_id",
            "staff_id",
            "visit_type",
            "checked_in_at",
            "checked_out_at",
            "purpose",
            "stock_notes",
            "competitor_notes",
            "prices_seen",
            "problems",
            "requests",
            "next_step",
            "next_step_due",
            "planned",
            "report_confirmed",
            "created_at",
            "updated_at",
        ],
    )?;
    let mut call = BatchInsert::new(
        tx,
        "call_log",
        &[
            "id",
            "staff_id",
            "customer_id",
            "colleague_id",
            "direction",
            "called_at",
            "duration_seconds",
            "summary",
            "next_step",
            "next_step_due",
            "created_at",
            "updated_at",
        ],
    )?;
    let mut task = BatchInsert::new(
        tx,
        "task",
        &[
            "id",
            "assignee_id",
            "customer_id",
            "title",
            "due_on",
            "done_at",
            "done_by",
            "source",
            "source_id",
            "created_by",
            "created_at",
            "updated_at",
        ],
    )?;
    for r in records {
        let at = chrono::DateTime::from_timestamp_millis(r.at_ms).unwrap_or_default();
        let staff = people[r.staff].id;
        let n = r.text;
        let step = r.step.then(|| pick(STEPS, n >> 3));
        let due = step.map(|_| zone.day(at) + Duration::days(rng.range(2, 14)));
        let (source, source_id, customer, created) = match r.kind {
            Kind::Visit { visit_type, minutes, planned, confirmed } => {
                let id = VisitId::from_parts(r.at_ms as u64, rng.bytes());
                let out = at + Duration::minutes(minutes);
                let detail = n % 3 == 0;
                let out_at = timestamp(out);
                visit.push(params![
                    id,
                    cards[r.customer].id,
                    staff,
                    visit_type,
                    timestamp(at),
                    out_at,
                    pick(PURPOSES, n),
                    detail.then(|| pick(STOCK, n >> 5)),
                    detail.then(|| pick(COMPETITORS, n >> 7)),
                    (n % 5 == 0).then(|| pick(PRICES, n >> 9)),
                    (n % 7 == 0).then(|| pick(PROBLEMS, n >> 11)),
                    (n % 11 == 0).then(|| pick(REQUESTS, n >> 13)),
                    step,
                    due.map(|d| d.to_string()),
                    planned,
                    confirmed,
                    out_at,
                    out_at,
                ])?;
                summary.visits += 1;
                ("visit", id.to_string(), Some(cards[r.customer].id), out)
            }
            Kind::CustomerCall { incoming, seconds } => {
                let id = CallId::from_parts(r.at_ms as u64, rng.bytes());
                let end = at + Duration::seconds(seconds);
                let end_at = timestamp(end);
                call.push(params![
                    id,
                    staff,
                    cards[r.customer].id,
                    None::<String>,
                    if incoming { "incoming" } else { "outgoing" },
                    timestamp(at),
                    seconds,
                    pick(CALLS, n),
                    step,
                    due.map(|d| d.to_string()),
                    end_at,
                    end_at,
                ])?;
                summary.calls += 1;
                ("call", id.to_string(), Some(cards[r.customer].id), end)
            }
            Kind::ColleagueCall { colleague, incoming, seconds } => {
                let id = CallId::from_parts(r.at_ms as u64, rng.bytes());
                let end = at + Duration::seconds(seconds);
                let end_at = timestamp(end);
                call.push(params![
                    id,
                    staff,
                    None::<String>,
                    people[colleague].id,
                    if incoming { "incoming" } else { "outgoing" },
                    timestamp(at),
                    seconds,
                    pick(COLLEAGUE_CALLS, n),
                    None::<String>,
                    None::<String>,
                    end_at,
                    end_at,
                ])?;
                summary.calls += 1;
                ("call", id.to_string(), None, end)
            }
        };
        if let (Some(step), Some(due)) = (step, due) {
            // Most past tasks were done around their due date; recent ones are open.
            let done = (due < today - Duration::days(2) && rng.chance(0.9))
                .then(|| timestamp(zone.day_start(due - Duration::days(rng.range(0, 2))) + Duration::hours(15)));
            let created_at = timestamp(created);
            task.push(params![
                TaskId::from_parts(r.at_ms as u64, rng.bytes()),
                staff,
                customer,
                step,
                due.to_string(),
                done,
                done.as_ref().map(|_| staff),
                source,
                source_id,
                staff,
                created_at,
                created_at,
            ])?;
            summary.tasks += 1;
        }
    }
    visit.finish()?;
    call.finish()?;
    task.finish()
}

/// A week of submitted daily reports per rep (assembled from the records as
/// the app does), some urgent reports, and managers' comments on some.
fn reports_and_comments(
    tx: &Transaction<'_>,
    people: &[Person],
    cards: &[Card],
    (today, zone): (NaiveDate, Zone),
    rng: &mut Rng,
    summary: &mut DemoSummary,
) -> Result<()> {
    let Some(office) = people.iter().find(|p| p.role == StaffRole::HeadOffice) else { return Ok(()) };
    let viewer = Viewer { staff: office.id, role: StaffRole::HeadOffice, name: String::new(), units: None };
    let managers: HashMap<&str, StaffId> =
        people.iter().filter(|p| p.role == StaffRole::RegionalManager).map(|p| (p.unit.as_str(), p.id)).collect();
    let mut insert = tx.prepare_cached(
        "INSERT INTO report (id, author_id, kind, period_start, period_end, customer_id, topic, title, summary, content,
                             status, submitted_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, 'submitted', ?10, ?10, ?10)",
    )?;
    let mut comment = tx.prepare_cached(
        "INSERT INTO report_comment (id, report_id, report_author_id, author_id, body, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?;
    for rep in people.iter().filter(|p| p.role == StaffRole::Rep) {
        let manager = rep.parent.as_deref().and_then(|r| managers.get(r)).copied();
        for back in 1..=7 {
            let day = today - Duration::days(back);
            if day.weekday() == Weekday::Sun || rng.chance(0.1) {
                continue;
            }
            let content: ReportContent = reports::assemble(tx, &viewer, rep.id, ReportKind::Daily, (day, day), today)?;
            let at = zone.day_start(day) + Duration::hours(18) + Duration::minutes(rng.range(0, 120));
            let id = reports::report_id(rep.id, ReportKind::Daily, day);
            insert.execute(params![
                id,
                rep.id,
                "daily",
                day.to_string(),
                None::<String>,
                None::<String>,
                None::<String>,
                *rng.pick(SUMMARIES),
                serde_json::to_string(&content).unwrap_or_else(|_| "{}".into()),
                timestamp(at),
            ])?;
            summary.reports += 1;
            if let Some(manager) = manager.filter(|_| rng.chance(0.3)) {
                let when = at + Duration::hours(14);
                comment.execute(params![
                    CommentId::from_parts(when.timestamp_millis() as u64, rng.bytes()),
                    id,
                    rep.id,
                    manager,
                    *rng.pick(COMMENTS),
                    timestamp(when)
                ])?;
            }
        }
        if rng.chance(0.15) {
            let mine: Vec<&Card> = cards.iter().filter(|c| people[c.owner].id == rep.id).collect();
            if mine.is_empty() {
                continue;
            }
            let card = *rng.pick(&mine);
            let (topic, title, body) = *rng.pick(URGENT);
            let day = today - Duration::days(rng.range(0, 3));
            let at = zone.day_start(day) + Duration::hours(rng.range(9, 17));
            insert.execute(params![
                ReportId::from_parts(at.timestamp_millis() as u64, rng.bytes()),
                rep.id,
                "urgent",
                day.min(today).to_string(),
                card.id,
                topic,
                title,
                body,
                "{}",
                timestamp(at),
            ])?;
            summary.reports += 1;
        }
    }
    Ok(())
}
