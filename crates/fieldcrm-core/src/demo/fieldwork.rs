//! Half a year of field work for the demo book, done as a field sales force
//! does it. Each working day (Monday to Saturday; nobody works in the 春节
//! holiday) a rep tours the route of the weekday, visiting its stops that fall
//! due before the route's next tour, then catches up on overdue customers
//! elsewhere — at a pace of their own, four to eight visits a day and never
//! more than [`MAX_VISITS_PER_DAY`]. A rep whose pace is below what the
//! grades of the territory ask falls behind, so the grade-frequency duty shows
//! some reps on track and some behind. Reps make a few customer calls a day;
//! managers call their distributors and reps, spot-check and visit (a few a
//! day at most), some months short of their duties. Next steps become tasks,
//! mostly done; a week of daily reports is submitted, with a few urgent ones
//! and managers' comments. The last visit on each card is the last visit on
//! record (or, for a card nobody visited in the half year, a day before it).
//! Its own random stream keeps the cards as they were.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rusqlite::{params, Connection, Transaction};

use super::festivals::{spring_holiday, working_day};
use super::{DemoSummary, Rng, MAX_VISITS_PER_DAY};
use crate::clock::{timestamp, Zone};
use crate::error::Result;
use crate::fieldwork::reports::{self, ReportContent};
use crate::ids::{CallId, CommentId, CustomerId, ReportId, StaffId, TaskId, VisitId};
use crate::model::{ReportKind, StaffRole};
use crate::org::Viewer;
use crate::store::BatchInsert;

/// Days of history.
const HISTORY_DAYS: i64 = 182;
/// A rep's visits a day, on average over the half year: the slowest and the keenest.
const PACE: (f64, f64) = (4.5, 7.5);
/// Most visits a manager makes on one day.
const MANAGER_VISITS_PER_DAY: usize = 6;
/// How many customer calls a rep makes on a working day, and how often.
const REP_CALLS: &[(i64, u32)] = &[(0, 10), (1, 25), (2, 30), (3, 20), (4, 10), (5, 5)];

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

/// A card as the field work needs it (from the classification pass, before
/// the cards are written).
pub(super) struct Card {
    pub id: CustomerId,
    pub owner: StaffId,
    pub territory: String,
    pub level: String,
    pub lifecycle: String,
    pub grade: Option<String>,
    /// The weekday (1 = Monday) its route is toured, and its place on the route.
    pub route: Option<(u8, f64)>,
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

/// The half year of field work, worked out but not written yet.
pub(super) struct Work {
    cards: Vec<Card>,
    /// Each card's owner, as an index into `people`.
    owners: Vec<usize>,
    people: Vec<Person>,
    records: Vec<Record>,
    last_visits: Vec<Option<NaiveDate>>,
    rng: Rng,
    today: NaiveDate,
    zone: Zone,
}

impl Work {
    /// The last day card `i` was visited: its last visit on record, or before the half year.
    pub(super) fn last_visit(&self, i: usize) -> Option<NaiveDate> {
        self.last_visits[i]
    }
}

/// A moment of a working day between 08:30 and 17:30, as milliseconds.
fn moment(rng: &mut Rng, day: NaiveDate, zone: Zone) -> i64 {
    (zone.day_start(day) + Duration::minutes(510 + rng.range(0, 540))).timestamp_millis()
}

/// A visit's type: mostly routine, some deliveries, collections and trainings.
fn visit_type(rng: &mut Rng) -> &'static str {
    rng.weighted(&[("routine", 6), ("delivery", 2), ("collection", 1), ("training", 1)])
}

/// Works out the half year before `today` for `cards` (in the order the
/// classification pass holds them).
pub(super) fn plan(conn: &Connection, cards: Vec<Card>, today: NaiveDate, seed: u64) -> Result<Work> {
    let mut rng = Rng(seed ^ 0x6669_656C_6477_6F72);
    let zone = Zone::of(conn)?;
    let first = today - Duration::days(HISTORY_DAYS - 1);
    let people: Vec<Person> = conn
        .prepare(
            "SELECT s.id, s.role, s.org_unit_id, u.parent_id FROM staff s JOIN org_unit u ON u.id = s.org_unit_id
              ORDER BY s.id",
        )?
        .query_map([], |r| Ok(Person { id: r.get(0)?, role: r.get(1)?, unit: r.get(2)?, parent: r.get(3)? }))?
        .collect::<rusqlite::Result<_>>()?;
    let index: HashMap<StaffId, usize> = people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let owners: Vec<usize> = cards.iter().map(|c| index.get(&c.owner).copied().unwrap_or(0)).collect();
    let (every, ungraded) = crate::grades::visit_frequencies(conn)?;
    let every: Vec<i64> = cards
        .iter()
        .map(|c| i64::from(c.grade.as_ref().and_then(|g| every.get(g).copied()).unwrap_or(ungraded)).max(2))
        .collect();
    // Where things stood half a year ago: most customers in their rhythm,
    // dormant ones slipping, some prospects never visited.
    let mut last: Vec<Option<NaiveDate>> = cards
        .iter()
        .zip(&every)
        .map(|(c, &e)| match c.lifecycle.as_str() {
            "active" => Some(first - Duration::days(rng.range(1, e))),
            "dormant" => Some(first - Duration::days(rng.range(1, 2 * e))),
            "prospect" if rng.chance(0.6) => Some(first - Duration::days(rng.range(1, 90))),
            "eliminated" if rng.chance(0.5) => Some(first - Duration::days(rng.range(30, 500))),
            _ => None,
        })
        .collect();
    let days: Vec<NaiveDate> = (0..HISTORY_DAYS - 1).map(|d| first + Duration::days(d)).collect();
    let mut records: Vec<Record> = Vec::with_capacity(cards.len() * 12);

    // Reps: the route of the day, then overdue customers, at the rep's pace.
    let mut mine: Vec<Vec<usize>> = vec![vec![]; people.len()];
    for (ci, _) in cards.iter().enumerate().filter(|(_, c)| c.lifecycle != "eliminated") {
        mine[owners[ci]].push(ci);
    }
    let mut rep_number = seed;
    for (pi, _) in people.iter().enumerate().filter(|(_, p)| p.role == StaffRole::Rep) {
        let cards_of_rep = &mine[pi];
        if cards_of_rep.is_empty() {
            continue;
        }
        // The stops of each weekday's route, in route order.
        let mut routes: [Vec<usize>; 8] = Default::default();
        for &c in cards_of_rep {
            if let Some((weekday, _)) = cards[c].route {
                routes[usize::from(weekday).min(7)].push(c);
            }
        }
        for stops in &mut routes {
            stops.sort_by(|&a, &b| {
                let seq = |c: usize| cards[c].route.map_or(0.0, |r| r.1);
                seq(a).total_cmp(&seq(b)).then(a.cmp(&b))
            });
        }
        // What the territory's grades ask, a day; one rep in three works below it.
        let asked: f64 = cards_of_rep.iter().map(|&c| 7.0 / 6.0 / every[c] as f64).sum();
        rep_number = rep_number.wrapping_add(1);
        let keen = if rep_number.is_multiple_of(3) { rng.range(70, 80) } else { rng.range(115, 135) };
        let pace = (asked * keen as f64 / 100.0).clamp(PACE.0, PACE.1);
        for &day in days.iter().filter(|d| working_day(**d)) {
            // The day's pace, give or take one or two, rounded to whole visits.
            let tenths = (pace * 10.0).round() as i64 + rng.range(-15, 15);
            let can = ((tenths + 5).div_euclid(10)).clamp(2, i64::from(MAX_VISITS_PER_DAY)) as usize;
            let due = |c: usize, last: &[Option<NaiveDate>]| last[c].map(|l| l + Duration::days(every[c]));
            let weekday = day.weekday().number_from_monday() as usize;
            // The route's stops due before its next tour (never visited first), in route order.
            let mut on_route: Vec<(usize, usize)> = routes[weekday]
                .iter()
                .enumerate()
                .filter(|(_, &c)| due(c, &last).is_none_or(|d| d < day + Duration::days(7)))
                .map(|(pos, &c)| (pos, c))
                .collect();
            on_route.sort_by_key(|&(pos, c)| (due(c, &last), pos));
            on_route.truncate(can);
            on_route.sort_unstable();
            // Then the most overdue customers off the route.
            let mut overdue: Vec<usize> = vec![];
            if on_route.len() < can {
                overdue = cards_of_rep
                    .iter()
                    .copied()
                    .filter(|&c| cards[c].route.is_none_or(|r| usize::from(r.0) != weekday))
                    .filter(|&c| due(c, &last).is_none_or(|d| d < day))
                    .collect();
                overdue.sort_by_key(|&c| (due(c, &last), c));
                overdue.truncate(can - on_route.len());
            }
            let visits: Vec<(usize, bool)> =
                on_route.iter().map(|&(_, c)| (c, true)).chain(overdue.iter().map(|&c| (c, false))).collect();
            if visits.is_empty() {
                continue;
            }
            // The day in slots, one visit after another from about half past eight.
            let slot = 540 / visits.len() as i64;
            let start = zone.day_start(day) + Duration::minutes(510 + rng.range(0, 20));
            for (n, &(c, planned)) in visits.iter().enumerate() {
                let at = start + Duration::minutes(n as i64 * slot + rng.range(0, slot / 4));
                records.push(Record {
                    at_ms: at.timestamp_millis(),
                    staff: pi,
                    customer: c,
                    kind: Kind::Visit {
                        visit_type: visit_type(&mut rng),
                        minutes: rng.range(10, (slot * 2 / 3).clamp(15, 70)),
                        planned: planned && rng.chance(0.9),
                        confirmed: None,
                    },
                    text: rng.next() as u32,
                    step: rng.chance(0.12),
                });
                last[c] = Some(day);
            }
        }
        // A few calls a day with the rep's customers, half of them the bigger ones.
        let bigger: Vec<usize> =
            cards_of_rep.iter().copied().filter(|&c| matches!(cards[c].grade.as_deref(), Some("A" | "B"))).collect();
        for &day in days.iter().filter(|d| working_day(**d)) {
            for _ in 0..rng.weighted(REP_CALLS) {
                let customer =
                    if !bigger.is_empty() && rng.chance(0.5) { *rng.pick(&bigger) } else { *rng.pick(cards_of_rep) };
                records.push(Record {
                    at_ms: moment(&mut rng, day, zone),
                    staff: pi,
                    customer,
                    kind: Kind::CustomerCall { incoming: rng.chance(0.4), seconds: rng.range(20, 900) },
                    text: rng.next() as u32,
                    step: rng.chance(0.05),
                });
            }
        }
    }
    // Managers: regional managers call their distributors, spot-check
    // sub-distributors and retailers and call their reps; provincial managers
    // call and visit. Some months fall short of the duties, as in life.
    // territory → region (its parent), region → province
    let parents: HashMap<String, String> = conn
        .prepare("SELECT id, parent_id FROM org_unit WHERE parent_id IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let region_of = |territory: &str| parents.get(territory).cloned().unwrap_or_default();
    // In a fixed order: a provincial manager's customers are their regions' in turn.
    let mut by_region: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (ci, card) in cards.iter().enumerate().filter(|(_, c)| c.lifecycle != "eliminated") {
        by_region.entry(region_of(&card.territory)).or_default().push(ci);
    }
    let months: Vec<NaiveDate> =
        (0..6).filter_map(|m| today.with_day(1).and_then(|d| d.checked_sub_months(chrono::Months::new(m)))).collect();
    // The working days of a month in the half year, before today.
    let month_days = |month: NaiveDate| -> Vec<NaiveDate> {
        days.iter()
            .copied()
            .filter(|d| d.year() == month.year() && d.month() == month.month() && working_day(*d))
            .collect()
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
        let distributors: Vec<usize> =
            units_customers.iter().copied().filter(|&c| cards[c].level == "distributor").collect();
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
        for &month in &months {
            let mut work_days = month_days(month);
            if work_days.is_empty() {
                continue;
            }
            let diligent = rng.chance(0.7);
            let per = if manager.role == StaffRole::RegionalManager { 3 } else { 1 };
            for &c in &distributors {
                let calls = if diligent { rng.range(per, per + 1) } else { rng.range(0, per) };
                for _ in 0..calls {
                    let day = *rng.pick(&work_days);
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
                    let day = *rng.pick(&work_days);
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
            if pool.is_empty() {
                continue;
            }
            // The duty asks for 30 % (at least 10) of the customers a month; a
            // manager visits a few a day at most, so a large region falls short.
            let wanted = ((pool.len() * 3).div_ceil(10)).max(10).min(pool.len());
            let visits = if diligent { wanted } else { wanted * rng.range(40, 90) as usize / 100 };
            let visits = visits.min(MANAGER_VISITS_PER_DAY * work_days.len());
            // Spread over the month's days in a shuffled order, so no day holds more than its share.
            for i in (1..work_days.len()).rev() {
                work_days.swap(i, rng.below(i + 1));
            }
            for v in 0..visits {
                let day = work_days[v % work_days.len()];
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
    records.sort_by_key(|r| r.at_ms);
    // Whoever visited last, the card says so (as logging a visit does).
    let mut last_visits: Vec<Option<NaiveDate>> = last;
    for r in &records {
        if let Kind::Visit { .. } = r.kind {
            let day = zone.day(chrono::DateTime::from_timestamp_millis(r.at_ms).unwrap_or_default());
            let known = &mut last_visits[r.customer];
            *known = (*known).max(Some(day));
        }
    }
    Ok(Work { cards, owners, people, records, last_visits, rng, today, zone })
}

/// Writes the worked-out field work: records, tasks, reports and comments.
pub(super) fn write(tx: &Transaction<'_>, work: Work, summary: &mut DemoSummary) -> Result<()> {
    let Work { cards, owners, people, records, mut rng, today, zone, .. } = work;
    if cards.is_empty() {
        return Ok(());
    }
    crate::store::bulk_load(tx, &["visit", "call_log", "task"], true, |tx| {
        write_records(tx, &records, &cards, &people, (today, zone), &mut rng, summary)
    })?;
    reports_and_comments(tx, &people, &cards, &owners, (today, zone), &mut rng, summary)
}

fn pick(items: &[&'static str], n: u32) -> &'static str {
    items[n as usize % items.len()]
}

fn write_records(
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
    owners: &[usize],
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
            if day.weekday() == Weekday::Sun || spring_holiday(day) || rng.chance(0.1) {
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
            let mine: Vec<&Card> =
                cards.iter().zip(owners).filter(|(_, &o)| people[o].id == rep.id).map(|(c, _)| c).collect();
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
