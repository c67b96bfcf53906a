//! Ten-day and monthly sales plans (旬计划/月计划, seed 000: 按旬按月汇总上报)
//! and the rolling three-month forecast ([`forecast`], seed 003).
//!
//! Before each 旬 (or month) a rep plans, per customer, the sales and the
//! visits; the form starts from the customer's target for the period. The
//! regional manager sees the plans rolled up for the region and submits the
//! region's plan (a note on the roll-up) up the line; comments go both ways.
//! After the period, plan against actual per person and customer. Design
//! notes: docs/TARGETS.md.

pub mod forecast;
pub mod sheet;

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{timestamp, Zone};
use crate::error::{Error, FieldProblem, ProblemCode, Result};
use crate::ids::{derived_parts, CommentId, StaffId};
use crate::model::NodeKind;
use crate::org::Viewer;
use crate::targets::breakdown::NodeRef;
use crate::targets::period::Period;
use crate::targets::{self, By, Cards, Node, Org, REVENUE};

/// Most characters of a note or a comment.
pub const MAX_TEXT: usize = 500;
/// Most visits planned to one customer in a period.
pub const MAX_VISITS: u32 = 31;
/// Most lines of one plan or forecast (a rep's cards).
pub const MAX_LINES: usize = 5_000;

/// A derived id: every book names the same plan, line or forecast alike.
pub(crate) fn derived_id(key: &str) -> String {
    let (millis, random) = derived_parts(key, 0);
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid().hyphenated().to_string()
}

/// A plan's period: a 旬 (`2026-12-1`) or a month (`2026-12`).
pub fn plan_period(text: &str) -> Result<Period> {
    let period = Period::parse(text)?;
    let width = period.to - period.from;
    if width == 1 || (width == 3 && period.from % 3 == 0) {
        Ok(period)
    } else {
        Err(Error::invalid(
            "period",
            ProblemCode::BadMonth,
            format!(
                "'{text}' is not a 旬 or a month: plans are made for 2026-12-1 (上旬, -2 中旬, -3 下旬) or 2026-12"
            ),
        ))
    }
}

/// A line of a plan as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanLineInput {
    pub customer_id: String,
    #[ts(type = "number")]
    pub amount: i64,
    #[serde(default)]
    pub visits: u32,
}

/// A plan to save: the whole plan (customers left out are dropped from it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanInput {
    pub period: String,
    pub lines: Vec<PlanLineInput>,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
    #[serde(default)]
    pub submit: bool,
}

/// A customer's line of a plan, with what the period asks and what it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanLine {
    pub customer: NodeRef,
    #[ts(type = "number")]
    pub amount: i64,
    pub visits: u32,
    /// The customer's target for the period (none: no target).
    #[ts(type = "number | null")]
    pub target: Option<i64>,
    /// Sales in the same period of last year.
    #[ts(type = "number")]
    pub last_year: i64,
    /// Sales and visits in the period so far.
    #[ts(type = "number")]
    pub actual: i64,
    pub actual_visits: u32,
    /// Saved in the plan (else proposed from the target or last year).
    pub saved: bool,
    /// The customer is no longer the person's (handed over since it was
    /// planned). A submitted plan keeps the line as it was made; a draft
    /// drops it when saved again. A book that no longer holds the card
    /// gives it no name.
    pub handed_over: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanComment {
    pub author: String,
    pub body: String,
    pub at: String,
}

/// One person's plan for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SalesPlan {
    pub id: String,
    pub staff: NodeRef,
    pub period: String,
    pub label: String,
    pub from: String,
    pub to: String,
    /// None: not saved yet (the lines are a proposal).
    pub status: Option<String>,
    pub submitted_at: Option<String>,
    /// Submitted after the period had started.
    pub late: bool,
    pub note: Option<String>,
    pub lines: Vec<PlanLine>,
    #[ts(type = "number")]
    pub amount: i64,
    pub visits: u32,
    #[ts(type = "number | null")]
    pub target: Option<i64>,
    #[ts(type = "number")]
    pub actual: i64,
    pub actual_visits: u32,
    pub comments: Vec<PlanComment>,
    /// The viewer may change it (their own, not submitted, the period not over).
    pub may_edit: bool,
    pub may_comment: bool,
}

/// A row of a roll-up: a person (their plan) or a unit (its people's plans).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RollupRow {
    pub node: NodeRef,
    /// A person's plan status, or the unit manager's submission of the unit's.
    pub status: Option<String>,
    pub submitted_at: Option<String>,
    pub late: bool,
    /// People with a submitted plan, of those below.
    pub submitted: u32,
    pub people: u32,
    #[ts(type = "number")]
    pub amount: i64,
    pub visits: u32,
    #[ts(type = "number | null")]
    pub target: Option<i64>,
    #[ts(type = "number")]
    pub actual: i64,
    pub actual_visits: u32,
    /// The person's plan id, to open it.
    pub plan_id: Option<String>,
}

/// A manager's roll-up of a period: their unit's plans, and their own
/// submission of it up the line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanRollup {
    pub node: NodeRef,
    pub period: String,
    pub label: String,
    pub rows: Vec<RollupRow>,
    pub total: RollupRow,
    /// The viewer's own plan (their submission of the roll-up, its note and comments).
    pub own: SalesPlan,
}

/// A plan's stored row.
struct Stored {
    id: String,
    status: String,
    note: Option<String>,
    submitted_at: Option<String>,
}

fn stored(conn: &Connection, staff: &str, period: &str) -> Result<Option<Stored>> {
    Ok(conn
        .prepare_cached("SELECT id, status, note, submitted_at FROM sales_plan WHERE staff_id = ?1 AND period = ?2")?
        .query_row([staff, period], |r| {
            Ok(Stored { id: r.get(0)?, status: r.get(1)?, note: r.get(2)?, submitted_at: r.get(3)? })
        })
        .optional()?)
}

/// The first instant of a period's first day and of the day after its last.
fn instants(period: Period, zone: Zone) -> (String, String) {
    let (first, last) = period.days();
    (timestamp(zone.day_start(first)), timestamp(zone.day_start(last + Duration::days(1))))
}

/// Visits per customer (or per person) in a period.
fn visits(
    conn: &Connection,
    staff: &[String],
    period: Period,
    zone: Zone,
    by_customer: bool,
) -> Result<HashMap<String, u32>> {
    let (from, to) = instants(period, zone);
    let group = if by_customer { "customer_id" } else { "staff_id" };
    let list: Vec<rusqlite::types::Value> = staff.iter().map(|s| rusqlite::types::Value::Text(s.clone())).collect();
    let sql = format!(
        "SELECT {group}, count(*) FROM visit WHERE staff_id IN rarray(?1) AND checked_in_at >= ?2 AND checked_in_at < ?3 GROUP BY 1"
    );
    let rows: Vec<(String, u32)> = conn
        .prepare_cached(&sql)?
        .query_map(params![std::rc::Rc::new(list), from, to], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows.into_iter().collect())
}

/// The target of these nodes for a period (as reallocations leave them).
fn targets_of(conn: &Connection, org: &Org, nodes: &[Node], period: Period) -> Result<HashMap<String, i64>> {
    let ids: Vec<String> = nodes.iter().map(|n| n.id.clone()).collect();
    let rows = targets::rows(conn, period.year, REVENUE, &ids)?;
    let mut breakdowns = vec![];
    for node in nodes {
        if let Some(parent) = org.parent(node) {
            breakdowns.push(targets::target_id(period.year, REVENUE, &parent.id).to_string());
        }
    }
    breakdowns.sort();
    breakdowns.dedup();
    let shifts = targets::shifts(conn, &breakdowns)?;
    Ok(rows
        .into_iter()
        .map(|(id, row)| (id, period.sum(&targets::effective(&row.amounts, &row.id, &shifts))))
        .collect())
}

/// `staff`'s plan for `period`, as `viewer` sees it: the saved lines, or a
/// proposal (each of their customers at its target for the period, or last
/// year's sales of the same period when it has none), with actuals so far.
/// The customers of saved lines that are no longer the person's, after
/// `own` (the person's cards), in a fixed order. A card this book no longer
/// holds (it left the territory) is still listed: the line is the person's.
pub(crate) fn handed_over<'a>(
    conn: &Connection,
    org: &mut Org,
    own: &[Node],
    saved: impl Iterator<Item = &'a String>,
) -> Result<Vec<Node>> {
    let mine: std::collections::HashSet<&str> = own.iter().map(|n| n.id.as_str()).collect();
    let mut extra: Vec<String> = saved.filter(|c| !mine.contains(c.as_str())).cloned().collect();
    extra.sort_unstable();
    org.load_cards(conn, &extra)?;
    Ok(extra.into_iter().map(Node::customer).collect())
}

pub fn plan(
    conn: &Connection,
    viewer: &Viewer,
    org: &mut Org,
    staff: StaffId,
    period: &str,
    zone: Zone,
    today: NaiveDate,
) -> Result<SalesPlan> {
    viewer.require_staff(conn, staff)?;
    let period = plan_period(period)?;
    let key = period.key();
    let me = staff.to_string();
    let saved = stored(conn, &me, &key)?;
    let node = Node::staff(me.clone());
    let cards = org.child_nodes(conn, &node, &[])?;
    let mut lines_saved: HashMap<String, (i64, u32)> = HashMap::new();
    if let Some(s) = &saved {
        let mut stmt =
            conn.prepare_cached("SELECT customer_id, amount, visits FROM sales_plan_line WHERE plan_id = ?1")?;
        let rows =
            stmt.query_map([&s.id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, u32>(2)?)))?;
        for row in rows {
            let (c, a, v) = row?;
            lines_saved.insert(c, (a, v));
        }
    }
    let mut customers: Vec<Node> = cards;
    let own = customers.len();
    customers.extend(handed_over(conn, org, &customers, lines_saved.keys())?);
    let ids: Vec<String> = customers.iter().map(|c| c.id.clone()).collect();
    let target = targets_of(conn, org, &customers, period)?;
    let own_target = targets_of(conn, org, std::slice::from_ref(&node), period)?.get(&me).copied();
    let last = targets::sold(conn, REVENUE, Cards::These(&ids), By::Card, period.year_before().absolute())?;
    let now = targets::sold(conn, REVENUE, Cards::These(&ids), By::Card, period.absolute())?;
    let visited = visits(conn, std::slice::from_ref(&me), period, zone, true)?;
    let lines: Vec<PlanLine> = customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let last_year: i64 = last.get(&c.id).map_or(0, |v| v.iter().sum());
            let (amount, visits, saved) = match lines_saved.get(&c.id) {
                Some((a, v)) => (*a, *v, true),
                None if saved.is_some() => (0, 0, false),
                None => (target.get(&c.id).copied().unwrap_or(last_year).max(0), 0, false),
            };
            PlanLine {
                customer: NodeRef::of(org, c),
                amount,
                visits,
                target: target.get(&c.id).copied(),
                last_year,
                actual: now.get(&c.id).map_or(0, |v| v.iter().sum()),
                actual_visits: visited.get(&c.id).copied().unwrap_or(0),
                saved,
                handed_over: i >= own,
            }
        })
        .collect();
    let comments = match &saved {
        Some(s) => comments(conn, org, &s.id)?,
        None => vec![],
    };
    let (first, last_day) = period.days();
    let submitted = saved.as_ref().is_some_and(|s| s.status == "submitted");
    let late = saved
        .as_ref()
        .and_then(|s| s.submitted_at.as_deref())
        .and_then(|at| zone.read_time(at))
        .is_some_and(|at| zone.day(at) >= first);
    Ok(SalesPlan {
        id: saved.as_ref().map_or_else(|| plan_id(&me, &key), |s| s.id.clone()),
        staff: NodeRef::of(org, &node),
        period: key,
        label: period.label_zh(),
        from: first.to_string(),
        to: last_day.to_string(),
        status: saved.as_ref().map(|s| s.status.clone()),
        submitted_at: saved.as_ref().and_then(|s| s.submitted_at.clone()),
        late,
        note: saved.as_ref().and_then(|s| s.note.clone()),
        amount: lines.iter().map(|l| l.amount).sum(),
        visits: lines.iter().map(|l| l.visits).sum(),
        target: own_target,
        actual: lines.iter().map(|l| l.actual).sum(),
        actual_visits: lines.iter().map(|l| l.actual_visits).sum(),
        lines,
        comments,
        may_edit: viewer.staff == staff && !submitted && today <= last_day,
        may_comment: saved.is_some(),
    })
}

fn plan_id(staff: &str, period: &str) -> String {
    derived_id(&format!("plan/{staff}/{period}"))
}

fn comments(conn: &Connection, org: &Org, plan: &str) -> Result<Vec<PlanComment>> {
    let rows: Vec<(String, String, String)> = conn
        .prepare_cached(
            "SELECT author_id, body, created_at FROM sales_plan_comment WHERE plan_id = ?1 ORDER BY created_at, id",
        )?
        .query_map([plan], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .map(|(author, body, at)| PlanComment { author: org.name(&Node::staff(author)), body, at })
        .collect())
}

fn check_text(field: &str, text: Option<&str>) -> Result<Option<String>> {
    let text = text.map(str::trim).filter(|t| !t.is_empty());
    match text {
        Some(t) if t.chars().count() > MAX_TEXT => {
            Err(Error::invalid(field, ProblemCode::TooLong, format!("at most {MAX_TEXT} characters fit")))
        }
        Some(t) if t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) => {
            Err(Error::invalid(field, ProblemCode::ControlChars, "contains invisible control characters; retype it"))
        }
        _ => Ok(text.map(str::to_string)),
    }
}

/// The problems of the customers a plan or forecast names, line by line:
/// each must be in the book, the author's (`me`), and named once.
pub(crate) fn own_customers(conn: &Connection, me: &str, ids: &[&str], what: &str) -> Result<Vec<FieldProblem>> {
    let list: Vec<rusqlite::types::Value> =
        ids.iter().map(|c| rusqlite::types::Value::Text(c.trim().to_string())).collect();
    let owners: HashMap<String, String> = conn
        .prepare_cached("SELECT id, owner_id FROM customer WHERE id IN rarray(?1)")?
        .query_map([std::rc::Rc::new(list)], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut problems = vec![];
    let mut seen = std::collections::HashSet::new();
    for (i, id) in ids.iter().map(|c| c.trim()).enumerate() {
        let field = format!("lines[{i}]");
        match owners.get(id) {
            None => problems.push(FieldProblem::new(
                &field,
                ProblemCode::UnknownCustomer,
                format!("no customer {id} in this book"),
            )),
            Some(owner) if owner != me => problems.push(FieldProblem::new(
                &field,
                ProblemCode::OtherRep,
                format!("this customer is another rep's; {what} your own customers"),
            )),
            Some(_) => {}
        }
        if !seen.insert(id) {
            problems.push(FieldProblem::new(
                &field,
                ProblemCode::Repeated,
                format!("the customer is named twice in the {what}"),
            ));
        }
    }
    Ok(problems)
}

/// Saves the viewer's plan for a period (the whole plan: customers left out
/// are dropped from it), and submits it when asked. A submitted plan is
/// final; a period that is over takes no plan; every customer must be the
/// viewer's. Nothing is written when anything is refused.
pub fn save(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    input: &PlanInput,
    zone: Zone,
    now: DateTime<Utc>,
) -> Result<String> {
    let period = plan_period(&input.period)?;
    let key = period.key();
    let me = viewer.staff.to_string();
    let today = zone.day(now);
    if period.days().1 < today {
        return Err(Error::invalid(
            "period",
            ProblemCode::OutOfRange,
            format!("{} is over; plans are made for the present and coming periods", period.label_zh()),
        ));
    }
    let existing = stored(tx, &me, &key)?;
    if existing.as_ref().is_some_and(|s| s.status == "submitted") {
        return Err(Error::invalid("status", ProblemCode::AlreadySubmitted, "this plan is submitted; it is final"));
    }
    if input.lines.len() > MAX_LINES {
        return Err(Error::invalid("lines", ProblemCode::TooMany, format!("at most {MAX_LINES} lines fit")));
    }
    let note = check_text("note", input.note.as_deref())?;
    let ids: Vec<&str> = input.lines.iter().map(|l| l.customer_id.as_str()).collect();
    let mut problems = own_customers(tx, &me, &ids, "plan")?;
    let seen: std::collections::HashSet<String> = ids.iter().map(|c| c.trim().to_string()).collect();
    for (i, line) in input.lines.iter().enumerate() {
        let field = format!("lines[{i}]");
        if line.amount < 0 {
            problems.push(FieldProblem::new(&field, ProblemCode::Negative, "plan zero or more"));
        }
        if line.amount > targets::MAX_XUN_AMOUNT {
            problems.push(FieldProblem::new(
                &field,
                ProblemCode::OutOfRange,
                "the amount is larger than any plan can be",
            ));
        }
        if line.visits > MAX_VISITS {
            problems.push(FieldProblem::new(
                &field,
                ProblemCode::OutOfRange,
                format!("at most {MAX_VISITS} visits to one customer in a period"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let ts = timestamp(now);
    let id = existing.as_ref().map_or_else(|| plan_id(&me, &key), |s| s.id.clone());
    if existing.is_none() {
        tx.prepare_cached(
            "INSERT INTO sales_plan (id, staff_id, period, status, note, created_at, updated_at) VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?5)",
        )?
        .execute(params![id, me, key, note, ts])?;
    } else if existing.as_ref().and_then(|s| s.note.clone()) != note {
        tx.prepare_cached("UPDATE sales_plan SET note = ?1, updated_at = ?2 WHERE id = ?3")?
            .execute(params![note, ts, id])?;
    }
    let kept: Vec<(String, String, i64, u32)> = tx
        .prepare_cached("SELECT id, customer_id, amount, visits FROM sales_plan_line WHERE plan_id = ?1")?
        .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (line_id, customer, ..) in &kept {
        if !seen.contains(customer) {
            tx.prepare_cached("DELETE FROM sales_plan_line WHERE id = ?1")?.execute([line_id])?;
        }
    }
    for line in &input.lines {
        let customer = line.customer_id.trim();
        match kept.iter().find(|k| k.1 == customer) {
            Some((_, _, a, v)) if *a == line.amount && *v == line.visits => {}
            Some((line_id, ..)) => {
                tx.prepare_cached(
                    "UPDATE sales_plan_line SET amount = ?1, visits = ?2, updated_at = ?3 WHERE id = ?4",
                )?
                .execute(params![line.amount, line.visits, ts, line_id])?;
            }
            None => {
                tx.prepare_cached(
                    "INSERT INTO sales_plan_line (id, plan_id, staff_id, customer_id, amount, visits, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                )?
                .execute(params![
                    derived_id(&format!("plan-line/{id}/{customer}")),
                    id,
                    me,
                    customer,
                    line.amount,
                    line.visits,
                    ts
                ])?;
            }
        }
    }
    if input.submit {
        tx.prepare_cached(
            "UPDATE sales_plan SET status = 'submitted', submitted_at = ?1, updated_at = ?1 WHERE id = ?2",
        )?
        .execute(params![ts, id])?;
    }
    Ok(id)
}

/// Comments on a plan: its author, or a manager up the line.
pub fn comment(tx: &Transaction<'_>, viewer: &Viewer, plan: &str, body: &str, now: DateTime<Utc>) -> Result<()> {
    let author: Option<String> = tx
        .prepare_cached("SELECT staff_id FROM sales_plan WHERE id = ?1")?
        .query_row([plan], |r| r.get(0))
        .optional()?;
    let author = author.ok_or_else(|| Error::NotFound { what: "plan", id: plan.to_string() })?;
    let staff: StaffId = author.parse().map_err(|_| Error::NotFound { what: "plan", id: plan.to_string() })?;
    viewer.require_staff(tx, staff)?;
    let body = check_text("body", Some(body))?
        .ok_or_else(|| Error::invalid("body", ProblemCode::Required, "write the comment"))?;
    let ts = timestamp(now);
    tx.prepare_cached(
        "INSERT INTO sales_plan_comment (id, plan_id, plan_author_id, author_id, body, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![CommentId::new().to_string(), plan, author, viewer.staff.to_string(), body, ts])?;
    Ok(())
}

/// What these people planned to sell over the days `from..=to`, from their
/// submitted plans: per month the month's plan where they made one, else the
/// sum of that month's 旬 plans (a month plan and its 旬 plans tell the same
/// sales twice); a plan the days cut through counts by its share of days, as
/// a target does ([`crate::targets::over_days`]). People without a submitted
/// plan touching the days are left out.
pub fn planned(conn: &Connection, staff: &[String], from: NaiveDate, to: NaiveDate) -> Result<HashMap<String, i64>> {
    let list: Vec<rusqlite::types::Value> = staff.iter().map(|s| rusqlite::types::Value::Text(s.clone())).collect();
    let mut stmt = conn.prepare_cached(
        "SELECT p.staff_id, p.period, coalesce(sum(l.amount), 0)
           FROM sales_plan p LEFT JOIN sales_plan_line l ON l.plan_id = p.id
          WHERE p.staff_id IN rarray(?1) AND p.status = 'submitted'
          GROUP BY p.id",
    )?;
    let rows = stmt.query_map([std::rc::Rc::new(list)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    // (person, month) → (the month's plan, its 旬 plans), each as much as lies in the days.
    let mut months: HashMap<(String, i32, usize), (Option<f64>, f64)> = HashMap::new();
    for row in rows {
        let (person, period, amount): (String, String, i64) = row?;
        let Ok(period) = plan_period(&period) else { continue };
        let (first, last) = period.days();
        let inside = (last.min(to) - first.max(from)).num_days() + 1;
        if inside <= 0 {
            continue;
        }
        let part = amount as f64 * inside as f64 / ((last - first).num_days() + 1) as f64;
        let slot = months.entry((person, period.year, period.from / 3)).or_default();
        if period.to - period.from == 1 {
            slot.1 += part;
        } else {
            slot.0 = Some(part);
        }
    }
    let mut sums: HashMap<String, f64> = HashMap::new();
    for ((person, _, _), (month, xuns)) in months {
        *sums.entry(person).or_default() += month.unwrap_or(xuns);
    }
    Ok(sums.into_iter().map(|(person, sum)| (person, sum.round() as i64)).collect())
}

/// The plans of a unit's people for a period, rolled up by the unit's
/// children (child units, reps), with the viewer's own submission.
#[allow(clippy::too_many_arguments)]
pub fn rollup(
    conn: &Connection,
    viewer: &Viewer,
    org: &mut Org,
    unit: &Node,
    period: &str,
    zone: Zone,
    today: NaiveDate,
) -> Result<PlanRollup> {
    let period = plan_period(period)?;
    let key = period.key();
    crate::targets::progress::require_sees(conn, org, viewer, unit)?;
    if unit.kind != NodeKind::Unit {
        return Err(Error::invalid("node", ProblemCode::NotAChild, "a roll-up is of a unit of the organisation"));
    }
    let children = org.child_nodes(conn, unit, &[])?;
    // Every person under the unit, with their plan.
    let people: Vec<String> = org.staff_under(&unit.id);
    let list: Vec<rusqlite::types::Value> = people.iter().map(|p| rusqlite::types::Value::Text(p.clone())).collect();
    #[allow(clippy::type_complexity)]
    let plans: HashMap<String, (String, String, Option<String>, i64, u32)> = conn
        .prepare_cached(
            "SELECT p.staff_id, p.id, p.status, p.submitted_at,
                    coalesce((SELECT sum(amount) FROM sales_plan_line l WHERE l.plan_id = p.id), 0),
                    coalesce((SELECT sum(visits) FROM sales_plan_line l WHERE l.plan_id = p.id), 0)
               FROM sales_plan p WHERE p.staff_id IN rarray(?1) AND p.period = ?2",
        )?
        .query_map(params![std::rc::Rc::new(list), key], |r| {
            Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let sold = targets::sold(conn, REVENUE, Cards::OwnedBy(&people), By::Owner, period.absolute())?;
    let visited = visits(conn, &people, period, zone, false)?;
    let (first, _) = period.days();
    let late_of =
        |at: &Option<String>| at.as_deref().and_then(|a| zone.read_time(a)).is_some_and(|a| zone.day(a) >= first);
    let mut nodes = children.clone();
    nodes.push(unit.clone());
    let target = targets_of(conn, org, &nodes, period)?;
    let people_of = |org: &Org, node: &Node| -> Vec<String> {
        match node.kind {
            NodeKind::Unit => org.staff_under(&node.id),
            _ => vec![node.id.clone()],
        }
    };
    let row_of = |org: &Org, node: &Node, below: Vec<String>| -> RollupRow {
        let reps: Vec<&String> = below
            .iter()
            .filter(|p| {
                org.staff.get(*p).is_some_and(|s| s.role == crate::model::StaffRole::Rep && s.active) || **p == node.id
            })
            .collect();
        let mut row = RollupRow {
            node: NodeRef::of(org, node),
            status: None,
            submitted_at: None,
            late: false,
            submitted: 0,
            people: reps.len() as u32,
            amount: 0,
            visits: 0,
            target: target.get(&node.id).copied(),
            actual: 0,
            actual_visits: 0,
            plan_id: None,
        };
        for person in &below {
            if let Some((_, status, _, amount, visits)) = plans.get(person) {
                row.amount += amount;
                row.visits += visits;
                if status == "submitted" && reps.contains(&person) {
                    row.submitted += 1;
                }
            }
            row.actual += sold.get(person).map_or(0, |v| v.iter().sum::<i64>());
            row.actual_visits += visited.get(person).copied().unwrap_or(0);
        }
        // A person's own plan; a unit's manager's submission of the unit's.
        let head = match node.kind {
            NodeKind::Staff => Some(node.id.clone()),
            _ => org
                .staff
                .iter()
                .filter(|(_, s)| s.unit == node.id && s.role.is_manager())
                .map(|(id, _)| id.clone())
                .min(),
        };
        if let Some((id, status, at, ..)) = head.as_ref().and_then(|h| plans.get(h)) {
            row.status = Some(status.clone());
            row.submitted_at = at.clone();
            row.late = late_of(at);
            row.plan_id = Some(id.clone());
        }
        row
    };
    let rows: Vec<RollupRow> = children.iter().map(|c| row_of(org, c, people_of(org, c))).collect();
    // The total is the rows': the people of the unit's children.
    let everyone: Vec<String> = children.iter().flat_map(|c| people_of(org, c)).collect();
    let mut total = row_of(org, unit, everyone);
    total.status = None;
    total.plan_id = None;
    let own = plan(conn, viewer, org, viewer.staff, &key, zone, today)?;
    Ok(PlanRollup { node: NodeRef::of(org, unit), period: key, label: period.label_zh(), rows, total, own })
}
