//! Reading and writing breakdowns: the company's year, a node's children
//! (typed, or proposed by a rule and edited), submitting, approving and
//! returning, and the reallocations of an approved breakdown. Every write
//! asks [`super::rule`] first and writes nothing when any part is refused.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::period::{self, months_of, Amounts, Period, XUNS};
use super::rule::{self, MoveChange, TargetChange, Who};
use super::{
    amounts_text, apportion, effective, parse_amounts, shifts, sold, spread_months, target_id, By, Cards, Node,
    NodeKind, Org, TargetRow, MAX_TEXT, MAX_XUN_AMOUNT,
};
use crate::clock::timestamp;
use crate::error::{Error, FieldProblem, ProblemCode, Result};
use crate::ids::TargetMoveId;
use crate::model::{BreakdownRule, Decision, MoveStatus, StaffRole, TargetStatus};

/// A node named, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NodeRef {
    pub kind: NodeKind,
    pub id: String,
    pub name: String,
}

impl NodeRef {
    pub fn of(org: &Org, node: &Node) -> Self {
        Self { kind: node.kind, id: node.id.clone(), name: org.name(node) }
    }
}

/// One child of a breakdown: its target per month (as reallocations leave
/// it), its year, what it sold in the same months of last year, and where
/// its own breakdown stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BreakdownChild {
    pub node: NodeRef,
    #[ts(type = "number[]")]
    pub months: Vec<i64>,
    #[ts(type = "number")]
    pub total: i64,
    #[ts(type = "number")]
    pub last_year: i64,
    pub has_target: bool,
    pub status: TargetStatus,
}

/// A reallocation as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TargetMove {
    pub id: String,
    /// None: the breakdown's unallocated part.
    pub from: Option<NodeRef>,
    pub to: Option<NodeRef>,
    #[ts(type = "number[]")]
    pub months: Vec<i64>,
    #[ts(type = "number")]
    pub total: i64,
    pub reason: String,
    pub author: String,
    pub status: MoveStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision: Option<String>,
    pub created_at: String,
    pub may_decide: bool,
    pub may_withdraw: bool,
}

/// A node's breakdown to the level below.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Breakdown {
    pub year: i32,
    pub measure: String,
    pub node: NodeRef,
    pub parent: Option<NodeRef>,
    /// The node's own target per month; none: it has none yet.
    #[ts(type = "number[] | null")]
    pub months: Option<Vec<i64>>,
    pub status: TargetStatus,
    pub leave_unallocated: bool,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub note: Option<String>,
    pub children: Vec<BreakdownChild>,
    /// The node's target less its children's, per month (negative: the
    /// children are given more than the node has).
    #[ts(type = "number[]")]
    pub unallocated: Vec<i64>,
    /// The viewer may write the children's targets now.
    pub may_edit: bool,
    /// The viewer may approve or return it now.
    pub may_decide: bool,
    /// The viewer may withdraw it (submitted, and theirs to manage).
    pub may_withdraw: bool,
    /// The viewer may set the node's own target (the company's: head office).
    pub may_set: bool,
    /// The viewer may propose reallocations (approved, theirs to manage).
    pub may_move: bool,
    pub moves: Vec<TargetMove>,
}

/// A child's target per month, as typed or proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChildTarget {
    pub node: String,
    #[ts(type = "number[]")]
    pub months: Vec<i64>,
}

/// A breakdown to save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BreakdownInput {
    pub year: i32,
    pub measure: String,
    pub node: String,
    pub children: Vec<ChildTarget>,
    /// What the children do not take is left unallocated on purpose.
    #[serde(default)]
    pub leave_unallocated: bool,
    /// Submit it for approval once saved.
    #[serde(default)]
    pub submit: bool,
}

/// A reallocation to propose: `amount` of `period` moved from one child to
/// another (none: the unallocated part).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MoveInput {
    pub year: i32,
    pub measure: String,
    pub node: String,
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<String>,
    /// `2027`, `2027-Q2`, `2027-03` or `2027-03-1`.
    pub period: String,
    #[ts(type = "number")]
    pub amount: i64,
    pub reason: String,
}

fn check_year(year: i32) -> Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(Error::invalid("year", ProblemCode::OutOfRange, format!("{year} is not a year targets are set for")))
    }
}

fn check_months(field: &str, months: &[i64]) -> std::result::Result<[i64; 12], FieldProblem> {
    let months: [i64; 12] = months.try_into().map_err(|_| {
        FieldProblem::new(field, ProblemCode::BadMonth, format!("give 12 monthly amounts, not {}", months.len()))
    })?;
    if let Some((m, a)) = months.iter().enumerate().find(|(_, a)| **a < 0) {
        return Err(FieldProblem::new(
            field,
            ProblemCode::Negative,
            format!("month {}: {a} is negative; a target is zero or more", m + 1),
        ));
    }
    if months.iter().any(|a| *a > MAX_XUN_AMOUNT * 3) {
        return Err(FieldProblem::new(field, ProblemCode::OutOfRange, "an amount is larger than any target can be"));
    }
    Ok(months)
}

fn refusal((code, message): rule::Refused, field: &str) -> Error {
    Error::invalid(field, code, message)
}

fn new_row(
    tx: &Transaction<'_>,
    year: i32,
    measure: &str,
    node: &Node,
    amounts: &Amounts,
    by: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let ts = timestamp(at);
    let staff = (node.kind == NodeKind::Staff).then_some(node.id.as_str());
    let customer = (node.kind == NodeKind::Customer).then_some(node.id.as_str());
    tx.prepare_cached(
        "INSERT INTO target (id, year, measure, node_kind, node_id, staff_id, customer_id, amounts, set_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
    )?
    .execute(params![
        target_id(year, measure, &node.id).to_string(),
        year,
        measure,
        node.kind,
        node.id,
        staff,
        customer,
        amounts_text(amounts),
        by,
        ts
    ])?;
    Ok(())
}

/// A node's row, refused with `no_target` when it has none.
fn require_row(conn: &Connection, org: &Org, year: i32, measure: &str, node: &Node) -> Result<TargetRow> {
    super::row(conn, year, measure, &node.id)?.ok_or_else(|| {
        Error::invalid(
            "node",
            ProblemCode::NoTarget,
            format!("{} has no {measure} target for {year} yet: the level above sets it first", org.name(node)),
        )
    })
}

/// The node's own target as its reallocations leave it.
fn effective_of(conn: &Connection, org: &Org, row: &TargetRow) -> Result<Amounts> {
    let parent = org.parent(&row.node);
    let breakdown = parent.map(|p| target_id(row.year, &row.measure, &p.id).to_string());
    let moves = match breakdown {
        Some(b) => shifts(conn, &[b])?,
        None => vec![],
    };
    Ok(effective(&row.amounts, &row.id, &moves))
}

/// The children's targets as reallocations leave them, by child id.
fn children_effective(
    conn: &Connection,
    row: &TargetRow,
    children: &[Node],
) -> Result<std::collections::HashMap<String, (TargetRow, Amounts)>> {
    let ids: Vec<String> = children.iter().map(|c| c.id.clone()).collect();
    let rows = super::rows(conn, row.year, &row.measure, &ids)?;
    let moves = shifts(conn, std::slice::from_ref(&row.id))?;
    Ok(rows
        .into_iter()
        .map(|(id, child)| {
            let amounts = effective(&child.amounts, &child.id, &moves);
            (id, (child, amounts))
        })
        .collect())
}

/// Head office sets the company's target for a year, month by month; each
/// month is spread over its 旬 as last year's sales fell in them.
#[allow(clippy::too_many_arguments)]
pub fn set_company(
    tx: &Transaction<'_>,
    who: Who<'_>,
    org: &Org,
    year: i32,
    measure: &str,
    months: &[i64],
    at: DateTime<Utc>,
) -> Result<()> {
    check_year(year)?;
    let months = check_months("months", months).map_err(|p| Error::Invalid(vec![p]))?;
    let Some(root) = org.root.clone() else {
        return Err(Error::NotFound { what: "organisation", id: "head office".into() });
    };
    let node = Node::unit(root);
    let existing = super::row(tx, year, measure, &node.id)?;
    rule::may_change_target(
        who,
        org,
        TargetChange {
            node: &node,
            state: existing.as_ref().map(|r| r.status),
            parent_state: None,
            submitted_by: None,
            column: if existing.is_some() { "amounts" } else { "*" },
            new_status: None,
        },
    )
    .map_err(|r| refusal(r, "months"))?;
    let last_year = Period::year(year - 1).absolute();
    let sold = sold(tx, measure, Cards::All, By::Owner, last_year)?;
    let mut profile = [0; XUNS];
    for per_owner in sold.values() {
        for (x, a) in per_owner.iter().enumerate() {
            profile[x] += a;
        }
    }
    let amounts = spread_months(year, &months, Some(&profile));
    match existing {
        Some(_) => {
            tx.prepare_cached("UPDATE target SET amounts = ?1, set_by = ?2, updated_at = ?3 WHERE id = ?4")?.execute(
                params![
                    amounts_text(&amounts),
                    who.staff,
                    timestamp(at),
                    target_id(year, measure, &node.id).to_string()
                ],
            )?;
        }
        None => new_row(tx, year, measure, &node, &amounts, who.staff, at)?,
    }
    Ok(())
}

/// Saves a node's breakdown: each child's target per month (the ones named;
/// the others stay as they are), spread over 旬 as the node's own target is.
/// With `submit`, submits it too.
pub fn save(
    tx: &Transaction<'_>,
    who: Who<'_>,
    org: &mut Org,
    input: &BreakdownInput,
    at: DateTime<Utc>,
) -> Result<()> {
    check_year(input.year)?;
    let measure = super::check_measure(tx, &input.measure)?;
    let node = org.node(tx, &input.node)?;
    if node.kind == NodeKind::Customer {
        return Err(Error::invalid("node", ProblemCode::NotAChild, "a customer's target is not broken down further"));
    }
    let row = require_row(tx, org, input.year, &measure, &node)?;
    rule::open_for_change(Some(row.status)).map_err(|r| refusal(r, "status"))?;
    let own = effective_of(tx, org, &row)?;
    let children = org.child_nodes(tx, &node, &[])?;
    let existing = children_effective(tx, &row, &children)?;
    let mut problems = vec![];
    let mut seen = std::collections::HashSet::new();
    let mut writes = vec![];
    for (i, child) in input.children.iter().enumerate() {
        let field = format!("children[{i}]");
        let Some(child_node) = children.iter().find(|c| c.id == child.node.trim()) else {
            problems.push(FieldProblem::new(
                &field,
                ProblemCode::NotAChild,
                format!("'{}' is not one of {}'s children in the organisation", child.node, org.name(&node)),
            ));
            continue;
        };
        if !seen.insert(child_node.id.clone()) {
            problems.push(FieldProblem::new(
                &field,
                ProblemCode::Repeated,
                format!("{} is named twice", org.name(child_node)),
            ));
            continue;
        }
        let months = match check_months(&field, &child.months) {
            Ok(m) => m,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let current = existing.get(&child_node.id);
        if let Err(refused) = rule::may_change_target(
            who,
            org,
            TargetChange {
                node: child_node,
                state: current.map(|c| c.0.status),
                parent_state: Some(row.status),
                submitted_by: None,
                column: if current.is_some() { "amounts" } else { "*" },
                new_status: None,
            },
        ) {
            problems.push(FieldProblem::new(&field, refused.0, refused.1));
            continue;
        }
        writes.push((child_node.clone(), months, current.map(|c| c.0.clone())));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    for (child, months, current) in writes {
        let amounts = spread_months(input.year, &months, Some(&own));
        match current {
            Some(current) if current.amounts == amounts => {}
            Some(current) => {
                tx.prepare_cached("UPDATE target SET amounts = ?1, set_by = ?2, updated_at = ?3 WHERE id = ?4")?
                    .execute(params![amounts_text(&amounts), who.staff, timestamp(at), current.id])?;
            }
            None => new_row(tx, input.year, &measure, &child, &amounts, who.staff, at)?,
        }
    }
    if input.leave_unallocated != row.leave_unallocated {
        rule::may_change_target(
            who,
            org,
            TargetChange {
                node: &node,
                state: Some(row.status),
                parent_state: None,
                submitted_by: None,
                column: "leave_unallocated",
                new_status: None,
            },
        )
        .map_err(|r| refusal(r, "leaveUnallocated"))?;
        tx.prepare_cached("UPDATE target SET leave_unallocated = ?1, updated_at = ?2 WHERE id = ?3")?
            .execute(params![input.leave_unallocated, timestamp(at), row.id])?;
    }
    if input.submit {
        submit(tx, who, org, input.year, &measure, &node.id, input.leave_unallocated, at)?;
    }
    Ok(())
}

/// The node's target less its children's, per month.
fn unallocated(own: &Amounts, children: &std::collections::HashMap<String, (TargetRow, Amounts)>) -> [i64; 12] {
    let mut left = months_of(own);
    for (_, amounts) in children.values() {
        for (l, c) in left.iter_mut().zip(months_of(amounts)) {
            *l -= c;
        }
    }
    left
}

/// Submits a node's breakdown for approval one level up. Its children must
/// add up to it month by month, or what they leave must be left unallocated
/// on purpose; they may never take more than it has. Head office's own
/// breakdowns are approved as they are submitted.
#[allow(clippy::too_many_arguments)]
pub fn submit(
    tx: &Transaction<'_>,
    who: Who<'_>,
    org: &mut Org,
    year: i32,
    measure: &str,
    node: &str,
    leave_unallocated: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    let node = org.node(tx, node)?;
    let row = require_row(tx, org, year, measure, &node)?;
    rule::may_change_target(
        who,
        org,
        TargetChange {
            node: &node,
            state: Some(row.status),
            parent_state: None,
            submitted_by: row.submitted_by.as_deref(),
            column: "status",
            new_status: Some(TargetStatus::Submitted),
        },
    )
    .map_err(|r| refusal(r, "status"))?;
    let own = effective_of(tx, org, &row)?;
    let children = org.child_nodes(tx, &node, &[])?;
    let existing = children_effective(tx, &row, &children)?;
    if existing.is_empty() {
        return Err(Error::invalid(
            "children",
            ProblemCode::Incomplete,
            format!("{} has no child with a target yet: break it down first", org.name(&node)),
        ));
    }
    let left = unallocated(&own, &existing);
    let mut problems = vec![];
    for (m, l) in left.iter().enumerate() {
        if *l < 0 {
            problems.push(FieldProblem::new(
                format!("months[{m}]"),
                ProblemCode::OverAllocated,
                format!("month {}: the children are given {} more than {} has", m + 1, -l, org.name(&node)),
            ));
        } else if *l > 0 && !leave_unallocated {
            problems.push(FieldProblem::new(
                format!("months[{m}]"),
                ProblemCode::NotAddingUp,
                format!(
                    "month {}: {} of {}'s target is not given to any child; give it, or leave it unallocated on purpose",
                    m + 1,
                    l,
                    org.name(&node)
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let ts = timestamp(at);
    tx.prepare_cached(
        "UPDATE target SET status = 'submitted', leave_unallocated = ?1, submitted_by = ?2, submitted_at = ?3,
                decided_by = NULL, decided_at = NULL, updated_at = ?3 WHERE id = ?4",
    )?
    .execute(params![leave_unallocated, who.staff, ts, row.id])?;
    if who.role == StaffRole::HeadOffice {
        decide(tx, who, org, year, measure, &node.id, Decision::Approve, None, at)?;
    }
    Ok(())
}

/// Approves or returns a submitted breakdown (one level up), or withdraws
/// it (its manager). A return says why.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    tx: &Transaction<'_>,
    who: Who<'_>,
    org: &mut Org,
    year: i32,
    measure: &str,
    node: &str,
    decision: Decision,
    note: Option<&str>,
    at: DateTime<Utc>,
) -> Result<()> {
    let node = org.node(tx, node)?;
    let row = require_row(tx, org, year, measure, &node)?;
    let note = check_note(note)?;
    let status = match decision {
        Decision::Approve => TargetStatus::Approved,
        Decision::Return => TargetStatus::Returned,
        Decision::Withdraw => TargetStatus::Open,
    };
    if decision == Decision::Return && note.is_none() {
        return Err(Error::invalid("note", ProblemCode::ReasonNeeded, "say why the breakdown goes back"));
    }
    rule::may_change_target(
        who,
        org,
        TargetChange {
            node: &node,
            state: Some(row.status),
            parent_state: None,
            submitted_by: row.submitted_by.as_deref(),
            column: "status",
            new_status: Some(status),
        },
    )
    .map_err(|r| refusal(r, "status"))?;
    let ts = timestamp(at);
    match decision {
        Decision::Withdraw => {
            tx.prepare_cached("UPDATE target SET status = 'open', updated_at = ?1 WHERE id = ?2")?
                .execute(params![ts, row.id])?;
        }
        _ => {
            tx.prepare_cached(
                "UPDATE target SET status = ?1, decided_by = ?2, decided_at = ?3, note = coalesce(?4, note), updated_at = ?3
                  WHERE id = ?5",
            )?
            .execute(params![status, who.staff, ts, note, row.id])?;
        }
    }
    Ok(())
}

fn check_note(note: Option<&str>) -> Result<Option<String>> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = note {
        if n.chars().count() > MAX_TEXT {
            return Err(Error::invalid("note", ProblemCode::TooLong, format!("at most {MAX_TEXT} characters fit")));
        }
    }
    Ok(note.map(str::to_string))
}

/// Proposes a node's breakdown to its children by a rule: each month of the
/// node's target shared by the children's weights. Saves nothing.
pub fn propose(
    conn: &Connection,
    org: &mut Org,
    year: i32,
    measure: &str,
    node: &str,
    rule: BreakdownRule,
    today: NaiveDate,
) -> Result<Vec<ChildTarget>> {
    let node = org.node(conn, node)?;
    let row = require_row(conn, org, year, measure, &node)?;
    let own = months_of(&effective_of(conn, org, &row)?);
    let children = org.child_nodes(conn, &node, &[])?;
    if children.is_empty() {
        return Ok(vec![]);
    }
    // weights[child][month]
    let weights: Vec<[f64; 12]> = match rule {
        BreakdownRule::Equal => vec![[1.0; 12]; children.len()],
        BreakdownRule::LastYear => {
            let per = child_sales(conn, org, &children, measure, Period::year(year - 1).absolute())?;
            let yearly: Vec<f64> = per.iter().map(|v| v.iter().sum::<i64>() as f64).collect();
            let mut out: Vec<[f64; 12]> =
                per.iter().map(|v| std::array::from_fn(|m| v[m * 3..m * 3 + 3].iter().sum::<i64>() as f64)).collect();
            // A month nobody sold in follows the year's shares.
            for m in 0..12 {
                if out.iter().map(|w| w[m].max(0.0)).sum::<f64>() <= 0.0 {
                    for (w, y) in out.iter_mut().zip(&yearly) {
                        w[m] = *y;
                    }
                }
            }
            out
        }
        BreakdownRule::TrailingYear => {
            let this = period::absolute_xun(NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today));
            let per = child_sales(conn, org, &children, measure, (this - XUNS as i64, this))?;
            per.iter().map(|v| [v.iter().sum::<i64>() as f64; 12]).collect()
        }
        BreakdownRule::Grade => {
            let weights = grade_weights(conn, org, &children)?;
            weights.into_iter().map(|w| [w; 12]).collect()
        }
    };
    let mut months = vec![[0i64; 12]; children.len()];
    for m in 0..12 {
        let column: Vec<f64> = weights.iter().map(|w| w[m]).collect();
        for (c, part) in apportion(own[m], &column).into_iter().enumerate() {
            months[c][m] = part;
        }
    }
    Ok(children.into_iter().zip(months).map(|(n, m)| ChildTarget { node: n.id, months: m.to_vec() }).collect())
}

/// Each child's sales per 旬 over `range` (absolute): a card's own, a
/// person's cards', a unit's people's.
pub(crate) fn child_sales(
    conn: &Connection,
    org: &Org,
    children: &[Node],
    measure: &str,
    range: (i64, i64),
) -> Result<Vec<Vec<i64>>> {
    let width = (range.1 - range.0) as usize;
    let zero = vec![0; width];
    match children.first().map(|c| c.kind) {
        Some(NodeKind::Customer) => {
            let ids: Vec<String> = children.iter().map(|c| c.id.clone()).collect();
            let sold = sold(conn, measure, Cards::These(&ids), By::Card, range)?;
            Ok(children.iter().map(|c| sold.get(&c.id).cloned().unwrap_or_else(|| zero.clone())).collect())
        }
        _ => {
            let owners_of = |c: &Node| -> Vec<String> {
                match c.kind {
                    NodeKind::Unit => org.staff_under(&c.id),
                    _ => vec![c.id.clone()],
                }
            };
            let all: Vec<String> = children.iter().flat_map(owners_of).collect();
            let sold = sold(conn, measure, Cards::OwnedBy(&all), By::Owner, range)?;
            Ok(children
                .iter()
                .map(|c| {
                    let mut sum = zero.clone();
                    for owner in owners_of(c) {
                        if let Some(v) = sold.get(&owner) {
                            for (s, a) in sum.iter_mut().zip(v) {
                                *s += a;
                            }
                        }
                    }
                    sum
                })
                .collect())
        }
    }
}

/// Each child's weight by its cards' customer grades (`revenue_share` of the
/// grade scale; a card without a grade weighs as the lowest grade).
fn grade_weights(conn: &Connection, org: &Org, children: &[Node]) -> Result<Vec<f64>> {
    let shares: Vec<(String, Option<i64>)> = conn
        .prepare_cached(
            "SELECT code, revenue_share FROM grade_level WHERE scale = 'customer' AND retired = 0 ORDER BY position",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let lowest = shares.iter().filter_map(|s| s.1).min().unwrap_or(1).max(1) as f64;
    let weight = |grade: Option<String>| -> f64 {
        grade.and_then(|g| shares.iter().find(|s| s.0 == g).and_then(|s| s.1)).map_or(lowest, |s| s.max(1) as f64)
    };
    let mut by_card = conn.prepare_cached("SELECT grade FROM customer WHERE id = ?1")?;
    let mut by_owner =
        conn.prepare_cached("SELECT grade FROM customer WHERE owner_id = ?1 AND lifecycle <> 'eliminated'")?;
    let mut out = vec![];
    for child in children {
        let w = match child.kind {
            NodeKind::Customer => weight(by_card.query_row([&child.id], |r| r.get(0)).optional()?.flatten()),
            NodeKind::Staff | NodeKind::Unit => {
                let owners = match child.kind {
                    NodeKind::Unit => org.staff_under(&child.id),
                    _ => vec![child.id.clone()],
                };
                let mut sum = 0.0;
                for owner in owners {
                    let grades: Vec<Option<String>> =
                        by_owner.query_map([&owner], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
                    sum += grades.into_iter().map(weight).sum::<f64>();
                }
                sum
            }
        };
        out.push(w);
    }
    Ok(out)
}

/// A node's breakdown as the viewer (`who`) sees it.
pub fn breakdown(
    conn: &Connection,
    who: Who<'_>,
    org: &mut Org,
    year: i32,
    measure: &str,
    node: &str,
) -> Result<Breakdown> {
    check_year(year)?;
    let measure = super::check_measure(conn, measure)?;
    let node = org.node(conn, node)?;
    let row = super::row(conn, year, &measure, &node.id)?;
    let own = match &row {
        Some(r) => Some(effective_of(conn, org, r)?),
        None => None,
    };
    let children = org.child_nodes(conn, &node, &[])?;
    let existing = match &row {
        Some(r) => children_effective(conn, r, &children)?,
        None => Default::default(),
    };
    let last_year = child_sales(conn, org, &children, &measure, Period::year(year - 1).absolute())?;
    let parent = org.parent(&node);
    let status = row.as_ref().map_or(TargetStatus::Open, |r| r.status);
    let parent_status = match &parent {
        Some(p) => super::row(conn, year, &measure, &p.id)?.map(|r| r.status),
        None => None,
    };
    let is_root = parent.is_none();
    let child_refs = children
        .iter()
        .zip(last_year)
        .map(|(c, sold)| {
            let (months, has, status) = match existing.get(&c.id) {
                Some((child, amounts)) => (months_of(amounts).to_vec(), true, child.status),
                None => (vec![0; 12], false, TargetStatus::Open),
            };
            BreakdownChild {
                node: NodeRef::of(org, c),
                total: months.iter().sum(),
                months,
                last_year: sold.iter().sum(),
                has_target: has,
                status,
            }
        })
        .collect::<Vec<_>>();
    let left = own.as_ref().map_or([0; 12], |o| unallocated(o, &existing));
    let open = matches!(status, TargetStatus::Open | TargetStatus::Returned);
    let manages = who.manages(org, &node);
    let approves = who.approves(org, &node);
    let self_submitted = row.as_ref().and_then(|r| r.submitted_by.as_deref()) == Some(who.staff);
    let moves = match &row {
        Some(r) => moves_of(conn, who, org, r, approves)?,
        None => vec![],
    };
    let name_of = |staff: &Option<String>| staff.as_ref().map(|s| org.name(&Node::staff(s.clone())));
    let governing = if is_root { Some(status) } else { parent_status };
    Ok(Breakdown {
        year,
        measure,
        node: NodeRef::of(org, &node),
        parent: parent.as_ref().map(|p| NodeRef::of(org, p)),
        months: own.map(|o| months_of(&o).to_vec()),
        status,
        leave_unallocated: row.as_ref().is_some_and(|r| r.leave_unallocated),
        submitted_by: name_of(&row.as_ref().and_then(|r| r.submitted_by.clone())),
        submitted_at: row.as_ref().and_then(|r| r.submitted_at.clone()),
        decided_by: name_of(&row.as_ref().and_then(|r| r.decided_by.clone())),
        decided_at: row.as_ref().and_then(|r| r.decided_at.clone()),
        note: row.as_ref().and_then(|r| r.note.clone()),
        unallocated: left.to_vec(),
        may_edit: row.is_some() && manages && open && node.kind != NodeKind::Customer && !children.is_empty(),
        may_decide: status == TargetStatus::Submitted
            && approves
            && (who.role == StaffRole::HeadOffice || !self_submitted),
        may_withdraw: status == TargetStatus::Submitted && manages,
        may_set: who.sets(org, &node) && !matches!(governing, Some(TargetStatus::Submitted | TargetStatus::Approved)),
        may_move: status == TargetStatus::Approved && manages,
        children: child_refs,
        moves,
    })
}

fn moves_of(
    conn: &Connection,
    who: Who<'_>,
    org: &mut Org,
    row: &TargetRow,
    approves: bool,
) -> Result<Vec<TargetMove>> {
    #[allow(clippy::type_complexity)]
    let raw: Vec<(String, Option<String>, Option<String>, String, String, String, MoveStatus, Option<String>, Option<String>, Option<String>, String)> = conn
        .prepare_cached(
            "SELECT id, from_id, to_id, amounts, reason, author_id, status, decided_by, decided_at, decision, created_at
               FROM target_move WHERE target_id = ?1 ORDER BY created_at, id",
        )?
        .query_map([&row.id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    // target row id → node
    let mut nodes: std::collections::HashMap<String, Node> = std::collections::HashMap::new();
    let ids: Vec<String> = raw.iter().flat_map(|m| [m.1.clone(), m.2.clone()]).flatten().collect();
    if !ids.is_empty() {
        let list: Vec<rusqlite::types::Value> = ids.iter().map(|i| rusqlite::types::Value::Text(i.clone())).collect();
        let mut stmt = conn.prepare_cached("SELECT id, node_kind, node_id FROM target WHERE id IN rarray(?1)")?;
        let mut rows = stmt.query([std::rc::Rc::new(list)])?;
        while let Some(r) = rows.next()? {
            nodes.insert(r.get(0)?, Node { kind: r.get(1)?, id: r.get(2)? });
        }
    }
    let cards: Vec<String> = nodes.values().filter(|n| n.kind == NodeKind::Customer).map(|n| n.id.clone()).collect();
    org.load_cards(conn, &cards)?;
    let node_ref = |id: &Option<String>| id.as_ref().and_then(|i| nodes.get(i)).map(|n| NodeRef::of(org, n));
    Ok(raw
        .into_iter()
        .map(|(id, from, to, amounts, reason, author, status, decided_by, decided_at, decision, created_at)| {
            let amounts = parse_amounts(&amounts).unwrap_or([0; XUNS]);
            let months = months_of(&amounts).to_vec();
            let waiting = status == MoveStatus::Submitted;
            TargetMove {
                id,
                from: node_ref(&from),
                to: node_ref(&to),
                total: months.iter().sum(),
                months,
                reason,
                author: org.name(&Node::staff(author.clone())),
                status,
                decided_by: decided_by.map(|s| org.name(&Node::staff(s))),
                decided_at,
                decision,
                created_at,
                may_decide: waiting && approves && (who.role == StaffRole::HeadOffice || author != who.staff),
                may_withdraw: waiting && author == who.staff,
            }
        })
        .collect())
}

/// Proposes a reallocation of an approved breakdown. It may not take a
/// child below zero in any 旬, nor below what it has already sold in the
/// period; it waits for approval one level up (head office's is approved at
/// once). Returns its id.
pub fn propose_move(
    tx: &Transaction<'_>,
    who: Who<'_>,
    org: &mut Org,
    input: &MoveInput,
    today: NaiveDate,
    at: DateTime<Utc>,
) -> Result<TargetMoveId> {
    check_year(input.year)?;
    let measure = super::check_measure(tx, &input.measure)?;
    let node = org.node(tx, &input.node)?;
    let row = require_row(tx, org, input.year, &measure, &node)?;
    let period = Period::parse(&input.period)?;
    if period.year != input.year {
        return Err(Error::invalid(
            "period",
            ProblemCode::OutOfRange,
            format!("{} is outside the target's year {}", period.key(), input.year),
        ));
    }
    let reason = input.reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid("reason", ProblemCode::ReasonNeeded, "say why the target is reallocated"));
    }
    if reason.chars().count() > MAX_TEXT {
        return Err(Error::invalid("reason", ProblemCode::TooLong, format!("at most {MAX_TEXT} characters fit")));
    }
    if input.amount <= 0 {
        return Err(Error::invalid("amount", ProblemCode::Negative, "move an amount greater than zero"));
    }
    let status = if who.role == StaffRole::HeadOffice { MoveStatus::Approved } else { MoveStatus::Submitted };
    rule::may_change_move(
        who,
        org,
        MoveChange {
            node: &node,
            breakdown: Some(row.status),
            state: None,
            author: Some(who.staff),
            column: "*",
            new_status: Some(status),
        },
    )
    .map_err(|r| refusal(r, "node"))?;
    let children = org.child_nodes(tx, &node, &[])?;
    let existing = children_effective(tx, &row, &children)?;
    let side = |field: &str, id: &Option<String>| -> Result<Option<(Node, TargetRow, Amounts)>> {
        let Some(id) = id.as_deref().map(str::trim).filter(|i| !i.is_empty()) else { return Ok(None) };
        let Some(child) = children.iter().find(|c| c.id == id) else {
            return Err(Error::invalid(
                field,
                ProblemCode::NotAChild,
                format!("'{id}' is not one of {}'s children", org.name(&node)),
            ));
        };
        match existing.get(id) {
            Some((r, a)) => Ok(Some((child.clone(), r.clone(), *a))),
            None => Err(Error::invalid(
                field,
                ProblemCode::NoTarget,
                format!("{} has no target in this breakdown", org.name(child)),
            )),
        }
    };
    let from = side("from", &input.from)?;
    let to = side("to", &input.to)?;
    if from.is_none() && to.is_none() {
        return Err(Error::invalid("to", ProblemCode::Required, "name whom the target moves from and to"));
    }
    if from.as_ref().map(|f| &f.0) == to.as_ref().map(|t| &t.0) {
        return Err(Error::invalid("to", ProblemCode::SelfReference, "a target moves between two different children"));
    }
    let own = effective_of(tx, org, &row)?;
    // What the move takes, per 旬: the giver's target in the period shares it.
    let source: Amounts = match &from {
        Some((_, _, amounts)) => *amounts,
        None => {
            let mut left = own;
            for (_, amounts) in existing.values() {
                for (l, a) in left.iter_mut().zip(amounts) {
                    *l -= a;
                }
            }
            left.map(|l| l.max(0))
        }
    };
    let available = period.sum(&source);
    if input.amount > available {
        let whose = from.as_ref().map_or("the unallocated part".to_string(), |f| org.name(&f.0));
        return Err(Error::invalid(
            "amount",
            ProblemCode::OverAllocated,
            format!("{whose} has {available} in {}; it cannot give {}", period.key(), input.amount),
        ));
    }
    let weights: Vec<f64> = source[period.from..period.to].iter().map(|a| *a as f64).collect();
    let mut amounts = [0; XUNS];
    for (i, part) in apportion(input.amount, &weights).into_iter().enumerate() {
        amounts[period.from + i] = part;
    }
    if let Some((node, _, target)) = &from {
        check_sold(tx, org, &measure, node, target, &amounts, period, today)?;
    }
    let id = TargetMoveId::new();
    let ts = timestamp(at);
    let staff = (node.kind == NodeKind::Staff).then_some(node.id.as_str());
    let decided = (status == MoveStatus::Approved).then_some(ts.as_str());
    tx.prepare_cached(
        "INSERT INTO target_move (id, target_id, from_id, to_id, amounts, reason, author_id, staff_id, status,
                                  decided_by, decided_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
    )?
    .execute(params![
        id,
        row.id,
        from.as_ref().map(|f| f.1.id.clone()),
        to.as_ref().map(|t| t.1.id.clone()),
        amounts_text(&amounts),
        reason,
        who.staff,
        staff,
        status,
        decided.map(|_| who.staff),
        decided,
        ts
    ])?;
    Ok(id)
}

/// A child may not be given a target below what it has already sold in the
/// period once the move takes `amounts` from it.
#[allow(clippy::too_many_arguments)]
fn check_sold(
    conn: &Connection,
    org: &Org,
    measure: &str,
    node: &Node,
    target: &Amounts,
    amounts: &Amounts,
    period: Period,
    today: NaiveDate,
) -> Result<()> {
    let sold = child_sales(conn, org, std::slice::from_ref(node), measure, period.absolute())?;
    let sold: i64 = sold.first().map_or(0, |v| v.iter().sum());
    let left = period.sum(target) - period.sum(amounts);
    if left < sold {
        return Err(Error::invalid(
            "amount",
            ProblemCode::BelowSold,
            format!(
                "{} has sold {sold} in {} by {today}; its target there cannot go below that (it would be {left})",
                org.name(node),
                period.key()
            ),
        ));
    }
    Ok(())
}

/// Approves or rejects a reallocation (one level up), or withdraws it (its
/// author). Approving checks again that it takes nobody below zero or below
/// what they sold.
#[allow(clippy::too_many_arguments)]
pub fn decide_move(
    tx: &Transaction<'_>,
    who: Who<'_>,
    org: &mut Org,
    id: &str,
    decision: Decision,
    note: Option<&str>,
    today: NaiveDate,
    at: DateTime<Utc>,
) -> Result<()> {
    let found: Option<(String, Option<String>, String, String, MoveStatus)> = tx
        .prepare_cached("SELECT target_id, from_id, amounts, author_id, status FROM target_move WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    let Some((target, from, amounts, author, state)) = found else {
        return Err(Error::NotFound { what: "reallocation", id: id.to_string() });
    };
    let row: TargetRow = tx
        .prepare_cached(&format!("{} WHERE id = ?1", super::ROW_SELECT))?
        .query_row([&target], super::read_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "target", id: target.clone() })?;
    let note = check_note(note)?;
    let status = match decision {
        Decision::Approve => MoveStatus::Approved,
        Decision::Return => MoveStatus::Rejected,
        Decision::Withdraw => MoveStatus::Withdrawn,
    };
    if decision == Decision::Return && note.is_none() {
        return Err(Error::invalid("note", ProblemCode::ReasonNeeded, "say why the reallocation is rejected"));
    }
    rule::may_change_move(
        who,
        org,
        MoveChange {
            node: &row.node,
            breakdown: Some(row.status),
            state: Some((state, &author)),
            author: None,
            column: "status",
            new_status: Some(status),
        },
    )
    .map_err(|r| refusal(r, "status"))?;
    if status == MoveStatus::Approved {
        if let Some(from) = from {
            let giver: TargetRow = tx
                .prepare_cached(&format!("{} WHERE id = ?1", super::ROW_SELECT))?
                .query_row([&from], super::read_row)?;
            let moves = shifts(tx, std::slice::from_ref(&row.id))?;
            let target = effective(&giver.amounts, &giver.id, &moves);
            let amounts = parse_amounts(&amounts).unwrap_or([0; XUNS]);
            if target.iter().zip(amounts.iter()).any(|(t, a)| t < a) {
                return Err(Error::invalid(
                    "amount",
                    ProblemCode::OverAllocated,
                    format!("{} no longer has what this reallocation takes", org.name(&giver.node)),
                ));
            }
            let from_x = amounts.iter().position(|a| *a > 0).unwrap_or(0);
            let to_x = amounts.iter().rposition(|a| *a > 0).map_or(XUNS, |x| x + 1);
            let period = Period { year: row.year, from: from_x, to: to_x };
            if let Some(card) = (giver.node.kind == NodeKind::Customer).then(|| giver.node.id.clone()) {
                org.load_cards(tx, &[card])?;
            }
            check_sold(tx, org, &row.measure, &giver.node, &target, &amounts, period, today)?;
        }
    }
    let ts = timestamp(at);
    match status {
        MoveStatus::Withdrawn => {
            tx.prepare_cached("UPDATE target_move SET status = 'withdrawn', updated_at = ?1 WHERE id = ?2")?
                .execute(params![ts, id])?;
        }
        _ => {
            tx.prepare_cached(
                "UPDATE target_move SET status = ?1, decided_by = ?2, decided_at = ?3, decision = ?4, updated_at = ?3 WHERE id = ?5",
            )?
            .execute(params![status, who.staff, ts, note, id])?;
        }
    }
    Ok(())
}
