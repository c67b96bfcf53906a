//! The demo's targets for the current year, made the way the organisation
//! makes them, through the target rules themselves: head office sets the
//! company's year (last year's sales, month by month, plus 12 %), and every
//! level breaks its number down by last year's shares — province, region,
//! territory, rep, customer — each approved one level up. A few reps have
//! not had their breakdown approved yet, one in ten has it still to do, and
//! some regions reallocated part of the year between two reps.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::Transaction;

use super::Rng;
use crate::clock::Zone;
use crate::error::Result;
use crate::model::{BreakdownRule, Decision, NodeKind, OrgUnitKind, StaffRole, TargetStatus};
use crate::org::scope_of;
use crate::targets::breakdown::{self, BreakdownInput, MoveInput};
use crate::targets::period::{months_of, Period, XUNS};
use crate::targets::rule::Who;
use crate::targets::{sold, By, Cards, Node, Org, REVENUE};

/// Growth head office asks for over last year.
const GROWTH_PERCENT: i64 = 12;

/// How far a breakdown got.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// Written and submitted, waiting for the level above.
    Submitted,
    /// And approved by this person.
    Approved(String),
}

/// `by` breaks `node` down by last year's shares at `at`, and submits it;
/// the level above approves it a few hours later.
#[allow(clippy::too_many_arguments)]
fn break_down(
    tx: &Transaction<'_>,
    org: &mut Org,
    year: i32,
    node: &Node,
    by: &str,
    step: &Step,
    today: NaiveDate,
    at: DateTime<Utc>,
) -> Result<()> {
    let (scope, role) = scope_of(tx, by)?;
    let who = Who { staff: by, role, scope: &scope };
    let children = breakdown::propose(tx, org, year, REVENUE, &node.id, BreakdownRule::LastYear, today)?;
    if children.is_empty() {
        return Ok(());
    }
    let input = BreakdownInput {
        year,
        measure: REVENUE.into(),
        node: node.id.clone(),
        children,
        leave_unallocated: false,
        submit: true,
    };
    breakdown::save(tx, who, org, &input, at)?;
    if let (Step::Approved(approver), false) = (step, role == StaffRole::HeadOffice) {
        let (scope, role) = scope_of(tx, approver)?;
        let who = Who { staff: approver, role, scope: &scope };
        breakdown::decide(tx, who, org, year, REVENUE, &node.id, Decision::Approve, None, at + Duration::hours(4))?;
    }
    Ok(())
}

/// The person heading a unit (its manager), if any.
fn head(org: &Org, unit: &str, role: StaffRole) -> Option<String> {
    let mut heads: Vec<&String> =
        org.staff.iter().filter(|(_, s)| s.unit == unit && s.role == role).map(|(id, _)| id).collect();
    heads.sort();
    heads.first().map(|s| (*s).clone())
}

pub(super) fn generate(tx: &Transaction<'_>, today: NaiveDate, seed: u64) -> Result<()> {
    let mut rng = Rng(seed ^ 0x7461_7267_6574_7321);
    let zone = Zone::of(tx)?;
    let year = today.year();
    let mut org = Org::load(tx)?;
    let Some(root) = org.root.clone() else { return Ok(()) };
    let Some(office) = head(&org, &root, StaffRole::HeadOffice) else { return Ok(()) };
    // Set in the first days of January, broken down over the next week.
    let start = NaiveDate::from_ymd_opt(year, 1, 3).unwrap_or(today).min(today);
    let latest = zone.day_start(today) + Duration::hours(8);
    let at = |days: i64| (zone.day_start(start) + Duration::hours(9) + Duration::days(days)).min(latest);
    let last_year = Period::year(year - 1).absolute();
    let mut company = [0i64; XUNS];
    for per_owner in sold(tx, REVENUE, Cards::All, By::Owner, last_year)?.values() {
        for (c, a) in company.iter_mut().zip(per_owner) {
            *c += a;
        }
    }
    // Rounded to 10,000 yuan a month.
    let months: Vec<i64> = months_of(&company)
        .iter()
        .map(|m| (m * (100 + GROWTH_PERCENT) / 100).div_euclid(1_000_000).max(1) * 1_000_000)
        .collect();
    let (scope, role) = scope_of(tx, &office)?;
    breakdown::set_company(tx, Who { staff: &office, role, scope: &scope }, &org, year, REVENUE, &months, at(0))?;
    // Level by level, parents first.
    let mut level = vec![Node::unit(root)];
    let mut depth = 0;
    while !level.is_empty() {
        let mut next = vec![];
        for node in &level {
            let children = org.child_nodes(tx, node, &[])?;
            let (by, step) = match node.kind {
                NodeKind::Unit => {
                    let Some(info) = org.units.get(&node.id).cloned() else { continue };
                    let parent = info.parent.clone().unwrap_or_default();
                    let grandparent = org.units.get(&parent).and_then(|u| u.parent.clone()).unwrap_or_default();
                    let (by, approver) = match info.kind {
                        OrgUnitKind::HeadOffice => (Some(office.clone()), None),
                        OrgUnitKind::Province => (head(&org, &node.id, StaffRole::ProvincialManager), None),
                        OrgUnitKind::Region => (
                            head(&org, &node.id, StaffRole::RegionalManager),
                            head(&org, &parent, StaffRole::ProvincialManager),
                        ),
                        // A territory is broken down by its region's manager
                        // and approved by the province's.
                        _ => (
                            head(&org, &parent, StaffRole::RegionalManager),
                            head(&org, &grandparent, StaffRole::ProvincialManager),
                        ),
                    };
                    (by.unwrap_or_else(|| office.clone()), Step::Approved(approver.unwrap_or_else(|| office.clone())))
                }
                NodeKind::Staff => {
                    let region =
                        org.staff.get(&node.id).and_then(|s| org.units.get(&s.unit)).and_then(|t| t.parent.clone());
                    let manager = region.and_then(|r| head(&org, &r, StaffRole::RegionalManager));
                    // One rep in ten has not broken their year down yet; one
                    // in ten waits for the manager's approval.
                    match rng.below(10) {
                        0 => continue,
                        1 => (node.id.clone(), Step::Submitted),
                        _ => (node.id.clone(), Step::Approved(manager.unwrap_or_else(|| office.clone()))),
                    }
                }
                NodeKind::Customer => continue,
            };
            break_down(tx, &mut org, year, node, &by, &step, today, at(depth + 1))?;
            next.extend(children.into_iter().filter(|c| c.kind != NodeKind::Customer));
        }
        level = next;
        depth += 1;
    }
    reallocations(tx, &mut org, year, today, &mut rng, at(20))?;
    plans_and_forecasts(tx, &mut org, today, &mut rng)?;
    Ok(())
}

/// Each rep's plan of this 旬 (submitted the day before it began; one in
/// eight late, on its first day) and of the next (a draft for most, a few
/// submitted already), each customer at its target give or take a tenth,
/// with a visit or two; and the forecasts each rep made in the last three
/// months and this one (this month's a draft for one in four), the core's
/// proposal give or take a fifth — so last month's accuracy shows.
fn plans_and_forecasts(tx: &Transaction<'_>, org: &mut Org, today: NaiveDate, rng: &mut Rng) -> Result<()> {
    use crate::plans::forecast::{self, ForecastInput, ForecastLineInput};
    use crate::plans::{self, PlanInput, PlanLineInput};
    let zone = Zone::of(tx)?;
    let mut reps: Vec<(String, String, String)> = org
        .staff
        .iter()
        .filter(|(_, s)| s.role == StaffRole::Rep && s.active)
        .map(|(id, s)| (id.clone(), s.name.clone(), s.unit.clone()))
        .collect();
    reps.sort();
    let xun = crate::targets::period::xun_of(today);
    let this = format!("{}-{:02}-{}", today.year(), xun / 3 + 1, xun % 3 + 1);
    let (first, _) = crate::targets::period::xun_days(today.year(), xun);
    let next_day = crate::targets::period::xun_days(today.year(), xun).1 + Duration::days(1);
    let next_xun = crate::targets::period::xun_of(next_day);
    let next = format!("{}-{:02}-{}", next_day.year(), next_xun / 3 + 1, next_xun % 3 + 1);
    let scale = |rng: &mut Rng, amount: i64, spread: i64| -> i64 {
        (amount * (100 + rng.range(-spread, spread)) / 100).div_euclid(100).max(0) * 100
    };
    for (staff, name, unit) in reps {
        let id: crate::ids::StaffId = match staff.parse() {
            Ok(id) => id,
            Err(_) => continue,
        };
        let viewer =
            crate::org::Viewer { staff: id, role: StaffRole::Rep, name, units: Some(crate::org::subtree(tx, &unit)?) };
        // Plans: this 旬's the evening before it began (or late), the next one's today.
        for (period, submit, day) in [
            (this.as_str(), true, if rng.below(8) == 0 { first } else { first - Duration::days(1) }),
            (next.as_str(), rng.below(4) == 0, today),
        ] {
            let proposal = plans::plan(tx, &viewer, org, id, period, zone, day)?;
            if proposal.lines.is_empty() {
                continue;
            }
            let lines = proposal
                .lines
                .iter()
                .map(|l| PlanLineInput {
                    customer_id: l.customer.id.clone(),
                    amount: scale(rng, l.amount, 10),
                    visits: u32::try_from(rng.range(0, 2)).unwrap_or(0),
                })
                .collect();
            let at = zone.day_start(day) + Duration::hours(20);
            plans::save(tx, &viewer, &PlanInput { period: period.into(), lines, note: None, submit }, zone, at)?;
        }
        // Forecasts: made on the 25th of the last three months and today.
        for back in (0..=3).rev() {
            let month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
                .and_then(|d| d.checked_sub_months(chrono::Months::new(back)))
                .unwrap_or(today);
            let day = if back == 0 { today } else { month.with_day(25).unwrap_or(month) };
            let key = format!("{}-{:02}", month.year(), month.month());
            let proposal = forecast::forecast(tx, &viewer, org, id, &key, day)?;
            let lines = proposal
                .lines
                .iter()
                .map(|l| ForecastLineInput {
                    customer_id: l.customer.id.clone(),
                    amounts: l.proposed.iter().map(|a| scale(rng, *a, 20)).collect(),
                })
                .collect();
            let submit = back > 0 || rng.below(4) != 0;
            let at = zone.day_start(day) + Duration::hours(18);
            forecast::save(tx, &viewer, &ForecastInput { month: key, lines, submit }, day, at)?;
        }
    }
    Ok(())
}

/// In one region in three, the regional manager moves part of the last
/// quarter from one territory to another (a new distributor opened there),
/// approved by the province.
fn reallocations(
    tx: &Transaction<'_>,
    org: &mut Org,
    year: i32,
    today: NaiveDate,
    rng: &mut Rng,
    at: DateTime<Utc>,
) -> Result<()> {
    let mut regions: Vec<String> =
        org.units.iter().filter(|(_, u)| u.kind == OrgUnitKind::Region).map(|(id, _)| id.clone()).collect();
    regions.sort();
    for region in regions {
        if rng.below(3) != 0 {
            continue;
        }
        let b = breakdown::breakdown(
            tx,
            Who { staff: "", role: StaffRole::HeadOffice, scope: &crate::org::PeerScope::All },
            org,
            year,
            REVENUE,
            &region,
        )?;
        if b.children.len() < 2 || b.status != TargetStatus::Approved {
            continue;
        }
        let (Some(manager), Some(province)) =
            (head(org, &region, StaffRole::RegionalManager), org.units.get(&region).and_then(|u| u.parent.clone()))
        else {
            continue;
        };
        let Some(approver) = head(org, &province, StaffRole::ProvincialManager) else { continue };
        let from = &b.children[0];
        let to = &b.children[1];
        let amount = (from.months[11] / 10).div_euclid(100_000) * 100_000;
        if amount <= 0 {
            continue;
        }
        let (scope, role) = scope_of(tx, &manager)?;
        let who = Who { staff: &manager, role, scope: &scope };
        let input = MoveInput {
            year,
            measure: REVENUE.into(),
            node: region.clone(),
            from: Some(from.node.id.clone()),
            to: Some(to.node.id.clone()),
            period: format!("{year}-12"),
            amount,
            reason: format!("{}新开经销商，12月任务相应调增", to.node.name),
        };
        let Ok(id) = breakdown::propose_move(tx, who, org, &input, today, at) else { continue };
        let (scope, role) = scope_of(tx, &approver)?;
        let who = Who { staff: &approver, role, scope: &scope };
        breakdown::decide_move(tx, who, org, &id.to_string(), Decision::Approve, None, today, at + Duration::hours(4))?;
    }
    Ok(())
}
