//! Progress against targets: for a node and a period, every node of its
//! tree with its target (as reallocations leave it), what the sales lines
//! say it sold, orders in hand, the share done against the share of the
//! period gone, the gap per working day left, the period's run rate and its
//! colour by head office's rules; and the tree × months grid.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Weekday};
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::breakdown::NodeRef;
use super::period::{months_of, Amounts, Period, XUNS};
use super::{all_shifts, effective, in_hand, org_rows, sold, By, Cards, Node, NodeKind, Org, Rag};
use crate::error::{Error, ProblemCode, Result};
use crate::model::StaffRole;
use crate::org::Viewer;

/// The key of head office's colour rules in `org_setting`.
pub const RAG_SETTING: &str = "target_rag";

/// Head office's colour rules: a node this many percentage points behind
/// the share of the period gone is amber, this many red.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RagRules {
    pub amber_behind: u32,
    pub red_behind: u32,
}

impl Default for RagRules {
    fn default() -> Self {
        Self { amber_behind: 5, red_behind: 15 }
    }
}

impl RagRules {
    pub fn load(conn: &Connection) -> Result<Self> {
        let text: Option<String> = conn
            .prepare_cached("SELECT value FROM org_setting WHERE id = ?1")?
            .query_row([RAG_SETTING], |r| r.get(0))
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default())
    }

    pub fn check(self) -> Result<Self> {
        if self.amber_behind == 0 || self.red_behind <= self.amber_behind || self.red_behind > 100 {
            return Err(Error::invalid(
                "redBehind",
                ProblemCode::OutOfRange,
                "amber starts at 1 point or more behind, red further behind than amber, at most 100",
            ));
        }
        Ok(self)
    }

    pub fn save(self, tx: &Transaction<'_>, at: chrono::DateTime<chrono::Utc>) -> Result<()> {
        let value = serde_json::to_string(&self).map_err(|e| Error::Io(std::io::Error::other(e)))?;
        let ts = crate::clock::timestamp(at);
        tx.prepare_cached(
            "INSERT INTO org_setting (id, value, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
             WHERE value IS NOT excluded.value",
        )?
        .execute(rusqlite::params![RAG_SETTING, value, ts])?;
        Ok(())
    }

    /// The colour of `done` (basis points of the target) when `elapsed`
    /// (basis points of the period) has gone.
    pub fn colour(self, done: Option<i64>, elapsed: i64) -> Rag {
        let Some(done) = done else { return Rag::None };
        let behind = elapsed - done;
        if behind >= i64::from(self.red_behind) * 100 {
            Rag::Red
        } else if behind >= i64::from(self.amber_behind) * 100 {
            Rag::Amber
        } else {
            Rag::Green
        }
    }
}

/// A rep's working day: Monday to Saturday.
pub fn work_day(day: NaiveDate) -> bool {
    day.weekday() != Weekday::Sun
}

/// One node of the tree, for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProgressRow {
    pub node: NodeRef,
    pub depth: u32,
    pub parent_id: Option<String>,
    /// It can be opened further (a unit, a person's cards).
    pub has_children: bool,
    /// None: it has no target for the year.
    #[ts(type = "number | null")]
    pub target: Option<i64>,
    #[ts(type = "number")]
    pub actual: i64,
    /// Orders approved and not invoiced yet.
    #[ts(type = "number")]
    pub in_hand: i64,
    /// Actual of target, in basis points.
    #[ts(type = "number | null")]
    pub done: Option<i64>,
    /// What is left to sell, per working day left (none: nothing left, or no day left).
    #[ts(type = "number | null")]
    pub per_work_day: Option<i64>,
    /// The period's actual at the pace so far.
    #[ts(type = "number | null")]
    pub run_rate: Option<i64>,
    pub rag: Rag,
}

/// Progress of a tree for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TargetProgress {
    pub period: String,
    pub label: String,
    pub measure: String,
    pub from: String,
    pub to: String,
    pub today: String,
    /// Share of the period gone, in basis points.
    #[ts(type = "number")]
    pub elapsed: i64,
    pub work_days_left: u32,
    pub rules: RagRules,
    pub rows: Vec<ProgressRow>,
}

/// One cell of the grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GridCell {
    #[ts(type = "number | null")]
    pub target: Option<i64>,
    #[ts(type = "number")]
    pub actual: i64,
    #[ts(type = "number | null")]
    pub done: Option<i64>,
}

/// A row of the grid: a node, its 12 months and its year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GridRow {
    pub node: NodeRef,
    pub depth: u32,
    pub parent_id: Option<String>,
    pub has_children: bool,
    pub months: Vec<GridCell>,
    pub year: GridCell,
}

/// The tree × months grid of a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TargetGrid {
    pub year: i32,
    pub measure: String,
    pub rows: Vec<GridRow>,
}

/// A node of the tree with its target and what it sold per 旬 of the range.
struct Line {
    node: Node,
    depth: u32,
    parent: Option<usize>,
    has_children: bool,
    target: Option<Amounts>,
    sold: Vec<i64>,
    in_hand: i64,
}

/// The node the viewer's pages open on: head office the company, a
/// manager their unit, anyone else themselves.
pub fn home_node(org: &Org, viewer: &Viewer) -> Option<Node> {
    match viewer.role {
        StaffRole::HeadOffice => org.root.clone().map(Node::unit),
        StaffRole::RegionalManager | StaffRole::ProvincialManager => {
            org.staff.get(&viewer.staff.to_string()).map(|s| Node::unit(s.unit.clone()))
        }
        _ => Some(Node::staff(viewer.staff.to_string())),
    }
}

/// Refuses a node outside the viewer's part of the organisation.
pub fn require_sees(conn: &Connection, org: &mut Org, viewer: &Viewer, node: &Node) -> Result<()> {
    let sees = match node.kind {
        NodeKind::Unit => viewer.role != StaffRole::Rep && viewer.units.as_ref().is_none_or(|u| u.contains(&node.id)),
        NodeKind::Staff => {
            node.id == viewer.staff.to_string()
                || (viewer.role != StaffRole::Rep
                    && org
                        .staff
                        .get(&node.id)
                        .is_some_and(|s| viewer.units.as_ref().is_none_or(|u| u.contains(&s.unit))))
        }
        NodeKind::Customer => viewer.sees_customer(conn, &node.id)?,
    };
    if sees {
        Ok(())
    } else {
        org.load_cards(conn, std::slice::from_ref(&node.id))?;
        Err(Error::Forbidden(format!(
            "{} is outside your part of the organisation; you see your own targets and your team's",
            org.name(node)
        )))
    }
}

/// The tree under `root` (units and people; a person's cards when the root
/// is a person) with targets and sales over `period`.
fn lines(conn: &Connection, org: &mut Org, root: &Node, measure: &str, period: Period) -> Result<Vec<Line>> {
    let year = period.year;
    let targets = org_rows(conn, year, measure)?;
    let with_targets: Vec<String> =
        targets.values().filter(|r| r.node.kind == NodeKind::Staff).map(|r| r.node.id.clone()).collect();
    let mut out: Vec<Line> = vec![];
    let mut stack: Vec<(Node, u32, Option<usize>)> = vec![(root.clone(), 0, None)];
    while let Some((node, depth, parent)) = stack.pop() {
        let children = match node.kind {
            NodeKind::Unit => org.child_nodes(conn, &node, &with_targets)?,
            NodeKind::Staff if depth == 0 => org.child_nodes(conn, &node, &with_targets)?,
            _ => vec![],
        };
        let index = out.len();
        out.push(Line {
            has_children: node.kind == NodeKind::Staff || !children.is_empty(),
            node,
            depth,
            parent,
            target: None,
            sold: vec![],
            in_hand: 0,
        });
        for child in children.into_iter().rev() {
            stack.push((child, depth + 1, Some(index)));
        }
    }
    // Targets as reallocations leave them.
    let shifts = all_shifts(conn, year, measure)?;
    let cards: Vec<String> =
        out.iter().filter(|l| l.node.kind == NodeKind::Customer).map(|l| l.node.id.clone()).collect();
    let card_targets = if cards.is_empty() { HashMap::new() } else { super::rows(conn, year, measure, &cards)? };
    for line in &mut out {
        let row = targets.get(&line.node.id).or_else(|| card_targets.get(&line.node.id));
        line.target = row.map(|r| effective(&r.amounts, &r.id, &shifts));
    }
    // Sales, per person (or per card under a person), summed up the tree.
    let range = period.absolute();
    let width = period.to - period.from;
    let root_is_company = root.kind == NodeKind::Unit && org.root.as_deref() == Some(root.id.as_str());
    let (sold, hand) = if root.kind == NodeKind::Staff {
        let owner = [root.id.clone()];
        let mut by_card = sold(conn, measure, Cards::OwnedBy(&owner), By::Card, range)?;
        let total: Vec<i64> = by_card.values().fold(vec![0; width], |mut acc, v| {
            acc.iter_mut().zip(v).for_each(|(a, b)| *a += b);
            acc
        });
        by_card.insert(root.id.clone(), total);
        let mut hand = in_hand(conn, Cards::OwnedBy(&owner), By::Card)?;
        let total_hand: i64 = hand.values().sum();
        hand.insert(root.id.clone(), total_hand);
        (by_card, hand)
    } else {
        let people: Vec<String> =
            out.iter().filter(|l| l.node.kind == NodeKind::Staff).map(|l| l.node.id.clone()).collect();
        let cards = if root_is_company { Cards::All } else { Cards::OwnedBy(&people) };
        let sold = sold(conn, measure, cards, By::Owner, range)?;
        let cards = if root_is_company { Cards::All } else { Cards::OwnedBy(&people) };
        let hand = if measure == super::REVENUE { in_hand(conn, cards, By::Owner)? } else { Default::default() };
        (sold, hand)
    };
    for line in &mut out {
        if line.node.kind != NodeKind::Unit {
            line.sold = sold.get(&line.node.id).cloned().unwrap_or_else(|| vec![0; width]);
            line.in_hand = hand.get(&line.node.id).copied().unwrap_or(0);
        } else {
            line.sold = vec![0; width];
        }
    }
    // Units sum their children (children come after their parent).
    if root.kind == NodeKind::Unit {
        for i in (0..out.len()).rev() {
            if let Some(p) = out[i].parent {
                let (sold, hand) = (out[i].sold.clone(), out[i].in_hand);
                out[p].sold.iter_mut().zip(&sold).for_each(|(a, b)| *a += b);
                out[p].in_hand += hand;
            }
        }
    }
    let names: Vec<String> =
        out.iter().filter(|l| l.node.kind == NodeKind::Customer).map(|l| l.node.id.clone()).collect();
    org.load_cards(conn, &names)?;
    Ok(out)
}

/// A part of a whole in basis points, cut to the basis point (none without a positive whole).
pub(crate) fn share(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| ((part as i128 * 10_000) / whole as i128) as i64)
}

/// Progress of `root`'s tree for `period`, on `today` (the business day).
pub fn progress(
    conn: &Connection,
    org: &mut Org,
    root: &Node,
    measure: &str,
    period: Period,
    today: NaiveDate,
) -> Result<TargetProgress> {
    let rules = RagRules::load(conn)?;
    let lines = lines(conn, org, root, measure, period)?;
    let (first, last) = period.days();
    let days = (last - first).num_days() + 1;
    let gone = if today < first {
        0
    } else if today > last {
        days
    } else {
        (today - first).num_days() + 1
    };
    let elapsed = gone * 10_000 / days.max(1);
    let start = today.max(first);
    let work_days_left = if today > last {
        0
    } else {
        start.iter_days().take_while(|d| *d <= last).filter(|d| work_day(*d)).count() as u32
    };
    let rows = lines
        .iter()
        .map(|l| {
            let target = l.target.as_ref().map(|t| period.sum(t));
            let actual: i64 = l.sold.iter().sum();
            let done = target.and_then(|t| share(actual, t));
            let left = target.map_or(0, |t| (t - actual).max(0));
            ProgressRow {
                node: NodeRef::of(org, &l.node),
                depth: l.depth,
                parent_id: l.parent.map(|p| lines[p].node.id.clone()),
                has_children: l.has_children,
                target,
                actual,
                in_hand: l.in_hand,
                done,
                per_work_day: (left > 0 && work_days_left > 0).then(|| left / i64::from(work_days_left)),
                run_rate: (gone > 0).then(|| actual * days / gone),
                rag: rules.colour(done, elapsed),
            }
        })
        .collect();
    Ok(TargetProgress {
        period: period.key(),
        label: period.label_zh(),
        measure: measure.to_string(),
        from: first.to_string(),
        to: last.to_string(),
        today: today.to_string(),
        elapsed,
        work_days_left,
        rules,
        rows,
    })
}

/// The tree × months grid of `root` for a year.
pub fn grid(conn: &Connection, org: &mut Org, root: &Node, measure: &str, year: i32) -> Result<TargetGrid> {
    let lines = lines(conn, org, root, measure, Period::year(year))?;
    let cell =
        |target: Option<i64>, actual: i64| GridCell { target, actual, done: target.and_then(|t| share(actual, t)) };
    let rows = lines
        .iter()
        .map(|l| {
            let sold: Amounts = l.sold.clone().try_into().unwrap_or([0; XUNS]);
            let sold_months = months_of(&sold);
            let target_months = l.target.as_ref().map(months_of);
            GridRow {
                node: NodeRef::of(org, &l.node),
                depth: l.depth,
                parent_id: l.parent.map(|p| lines[p].node.id.clone()),
                has_children: l.has_children,
                months: (0..12).map(|m| cell(target_months.map(|t| t[m]), sold_months[m])).collect(),
                year: cell(l.target.as_ref().map(|t| t.iter().sum()), sold.iter().sum()),
            }
        })
        .collect();
    Ok(TargetGrid { year, measure: measure.to_string(), rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_colour_follows_how_far_behind_the_period_gone_a_node_is() {
        let rules = RagRules::default();
        assert_eq!(rules.colour(None, 5_000), Rag::None);
        assert_eq!(rules.colour(Some(5_000), 5_000), Rag::Green);
        assert_eq!(rules.colour(Some(4_600), 5_000), Rag::Green);
        assert_eq!(rules.colour(Some(4_500), 5_000), Rag::Amber);
        assert_eq!(rules.colour(Some(3_600), 5_000), Rag::Amber);
        assert_eq!(rules.colour(Some(3_500), 5_000), Rag::Red);
        assert_eq!(rules.colour(Some(12_000), 5_000), Rag::Green);
        assert!(RagRules { amber_behind: 10, red_behind: 10 }.check().is_err());
        assert!(RagRules { amber_behind: 0, red_behind: 10 }.check().is_err());
        assert!(RagRules { amber_behind: 3, red_behind: 10 }.check().is_ok());
    }
}
