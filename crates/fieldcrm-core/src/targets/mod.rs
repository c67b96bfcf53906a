//! Sales targets (销售指标): head office sets the company's year, and each
//! level breaks its number down to the level below — province → region →
//! rep → customer — and across the year (months and 旬). A breakdown is
//! approved one level up; once approved it changes only by reallocation,
//! which keeps the parent's total. Progress compares the targets with the
//! sales lines. Design notes: docs/TARGETS.md.
//!
//! - [`period`]: 旬, months, quarters and years.
//! - [`rule`]: who may change what — the one rule the laptop's write paths
//!   and head office's merge both ask.
//! - [`breakdown`]: reading and writing breakdowns, proposals, reallocations.
//! - [`progress`]: progress of a tree for a period, the tree × months grid.
//! - [`sheet`]: the grids as workbooks.

pub mod breakdown;
pub mod period;
pub mod progress;
pub mod rule;
pub mod sheet;

use std::collections::{BTreeMap, HashMap};

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, ProblemCode, Result};
use crate::ids::{derived_parts, TargetId};
pub use crate::model::{BreakdownRule, MoveStatus, NodeKind, Rag, TargetStatus};
use crate::model::{OrgUnitKind, StaffRole};
use period::{Amounts, XUNS};

/// Most of one 旬's target (fen, or units): a hundred billion yuan, far
/// beyond any company's, and 36 of them still far within an i64.
pub const MAX_XUN_AMOUNT: i64 = 10_000_000_000_000;
/// Most characters of a reason or a note.
pub const MAX_TEXT: usize = 500;
/// The measure every book has: revenue in fen.
pub const REVENUE: &str = "revenue";

/// A node of the target tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    pub kind: NodeKind,
    pub id: String,
}

impl Node {
    pub fn unit(id: impl Into<String>) -> Self {
        Self { kind: NodeKind::Unit, id: id.into() }
    }

    pub fn staff(id: impl Into<String>) -> Self {
        Self { kind: NodeKind::Staff, id: id.into() }
    }

    pub fn customer(id: impl Into<String>) -> Self {
        Self { kind: NodeKind::Customer, id: id.into() }
    }
}

/// The id of a node's target for a year: every book derives the same one.
pub fn target_id(year: i32, measure: &str, node: &str) -> TargetId {
    let (millis, random) = derived_parts(&format!("target/{year}/{measure}/{node}"), 0);
    TargetId::from_parts(millis, random)
}

/// A measure as stored: `revenue`, or `volume:` and a category of the catalogue.
pub fn check_measure(conn: &Connection, measure: &str) -> Result<String> {
    let measure = measure.trim();
    if measure == REVENUE {
        return Ok(REVENUE.to_string());
    }
    let category = measure.strip_prefix("volume:").map(str::trim).filter(|c| !c.is_empty());
    let Some(category) = category else {
        return Err(Error::invalid(
            "measure",
            ProblemCode::NotChoice,
            format!("'{measure}' is not a measure: write revenue, or volume:CATEGORY (a product category)"),
        ));
    };
    let known: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM product WHERE category = ?1)")?
        .query_row([category], |r| r.get(0))?;
    if !known {
        return Err(Error::invalid(
            "measure",
            ProblemCode::UnknownGroup,
            format!("no product is in the category '{category}'; volume targets are set per product category"),
        ));
    }
    Ok(format!("volume:{category}"))
}

/// A stored amounts cell, if it is 36 amounts within bounds.
pub fn parse_amounts(text: &str) -> Option<Amounts> {
    let values: Vec<i64> = serde_json::from_str(text).ok()?;
    let amounts: Amounts = values.try_into().ok()?;
    amounts.iter().all(|a| (0..=MAX_XUN_AMOUNT).contains(a)).then_some(amounts)
}

pub fn amounts_text(amounts: &Amounts) -> String {
    serde_json::to_string(amounts.as_slice()).unwrap_or_else(|_| "[]".into())
}

/// Splits `total` in proportion to `weights` (largest remainder), so the
/// parts add up to it exactly; no weight at all: evenly.
pub fn apportion(total: i64, weights: &[f64]) -> Vec<i64> {
    if weights.is_empty() {
        return vec![];
    }
    let sum: f64 = weights.iter().filter(|w| w.is_finite() && **w > 0.0).sum();
    let weights: Vec<f64> = if sum > 0.0 {
        weights.iter().map(|w| if w.is_finite() && *w > 0.0 { *w } else { 0.0 }).collect()
    } else {
        vec![1.0; weights.len()]
    };
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut parts: Vec<i64> = exact.iter().map(|e| e.floor() as i64).collect();
    let mut left = total - parts.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().cycle() {
        if left <= 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

/// Splits each month of `months` into its 旬 following `profile`'s 旬 within
/// the month (the parent's), or the days of the 旬 where the profile has nothing.
pub fn spread_months(year: i32, months: &[i64; 12], profile: Option<&Amounts>) -> Amounts {
    let days = period::xun_day_counts(year);
    let mut out = [0; XUNS];
    for (m, total) in months.iter().enumerate() {
        let range = m * 3..m * 3 + 3;
        let from_profile: Vec<f64> =
            profile.map(|p| p[range.clone()].iter().map(|a| *a as f64).collect()).unwrap_or_default();
        let weights = if from_profile.iter().sum::<f64>() > 0.0 {
            from_profile
        } else {
            days[range.clone()].iter().map(|d| *d as f64).collect()
        };
        for (i, part) in apportion(*total, &weights).into_iter().enumerate() {
            out[m * 3 + i] = part;
        }
    }
    out
}

#[derive(Debug, Clone)]
pub struct UnitInfo {
    pub parent: Option<String>,
    pub name: String,
    pub kind: OrgUnitKind,
}

#[derive(Debug, Clone)]
pub struct StaffInfo {
    pub unit: String,
    pub name: String,
    pub role: StaffRole,
    pub active: bool,
}

/// The organisation as targets see it: units, people, and the cards looked at.
#[derive(Debug, Clone, Default)]
pub struct Org {
    pub units: HashMap<String, UnitInfo>,
    pub staff: HashMap<String, StaffInfo>,
    /// Cards loaded so far: owner and name.
    pub cards: HashMap<String, (String, String)>,
    pub root: Option<String>,
}

impl rule::OrgFacts for Org {
    fn unit_parent(&self, unit: &str) -> Option<Option<String>> {
        self.units.get(unit).map(|u| u.parent.clone())
    }

    fn staff_unit(&self, staff: &str) -> Option<String> {
        self.staff.get(staff).map(|s| s.unit.clone())
    }

    fn card_owner(&self, customer: &str) -> Option<String> {
        self.cards.get(customer).map(|c| c.0.clone())
    }
}

impl Org {
    pub fn load(conn: &Connection) -> Result<Self> {
        let mut org = Org::default();
        let mut stmt = conn.prepare_cached("SELECT id, parent_id, name, kind FROM org_unit ORDER BY created_at, id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let parent: Option<String> = r.get(1)?;
            if parent.is_none() && org.root.is_none() {
                org.root = Some(id.clone());
            }
            org.units.insert(id, UnitInfo { parent, name: r.get(2)?, kind: r.get(3)? });
        }
        let mut stmt = conn.prepare_cached("SELECT id, org_unit_id, name, role, active FROM staff")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            org.staff
                .insert(r.get(0)?, StaffInfo { unit: r.get(1)?, name: r.get(2)?, role: r.get(3)?, active: r.get(4)? });
        }
        Ok(org)
    }

    /// Loads these cards' owners and names (the ones not loaded yet).
    pub fn load_cards(&mut self, conn: &Connection, ids: &[String]) -> Result<()> {
        let wanted: Vec<SqlValue> =
            ids.iter().filter(|id| !self.cards.contains_key(*id)).map(|id| SqlValue::Text(id.clone())).collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let mut stmt = conn.prepare_cached("SELECT id, owner_id, name FROM customer WHERE id IN rarray(?1)")?;
        let mut rows = stmt.query([std::rc::Rc::new(wanted)])?;
        while let Some(r) = rows.next()? {
            self.cards.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        }
        Ok(())
    }

    /// Which kind of node an id names (a unit, a person, a card).
    pub fn node(&mut self, conn: &Connection, id: &str) -> Result<Node> {
        let id = id.trim();
        if self.units.contains_key(id) {
            return Ok(Node::unit(id));
        }
        if self.staff.contains_key(id) {
            return Ok(Node::staff(id));
        }
        self.load_cards(conn, &[id.to_string()])?;
        if self.cards.contains_key(id) {
            return Ok(Node::customer(id));
        }
        Err(Error::NotFound { what: "unit, person or customer", id: id.to_string() })
    }

    pub fn name(&self, node: &Node) -> String {
        match node.kind {
            NodeKind::Unit => self.units.get(&node.id).map(|u| u.name.clone()),
            NodeKind::Staff => self.staff.get(&node.id).map(|s| s.name.clone()),
            NodeKind::Customer => self.cards.get(&node.id).map(|c| c.1.clone()),
        }
        .unwrap_or_default()
    }

    /// The node one level up (none for the company).
    pub fn parent(&self, node: &Node) -> Option<Node> {
        rule::parent(self, node).flatten()
    }

    /// A node's children in order: a unit's child units by name, then its
    /// reps (and anyone of it with a target in `with_targets`) by name; a
    /// person's cards (but the eliminated) by pinyin; a card has none.
    pub fn child_nodes(&mut self, conn: &Connection, node: &Node, with_targets: &[String]) -> Result<Vec<Node>> {
        match node.kind {
            NodeKind::Unit => {
                let mut units: Vec<(&String, &UnitInfo)> =
                    self.units.iter().filter(|(_, u)| u.parent.as_deref() == Some(node.id.as_str())).collect();
                units.sort_by(|a, b| a.1.name.cmp(&b.1.name).then(a.0.cmp(b.0)));
                let mut people: Vec<(&String, &StaffInfo)> = self
                    .staff
                    .iter()
                    .filter(|(id, s)| {
                        s.unit == node.id
                            && ((s.role == StaffRole::Rep && s.active) || with_targets.iter().any(|t| t == *id))
                    })
                    .collect();
                people.sort_by(|a, b| a.1.name.cmp(&b.1.name).then(a.0.cmp(b.0)));
                Ok(units
                    .into_iter()
                    .map(|(id, _)| Node::unit(id.clone()))
                    .chain(people.into_iter().map(|(id, _)| Node::staff(id.clone())))
                    .collect())
            }
            NodeKind::Staff => {
                let mut stmt = conn.prepare_cached(
                    "SELECT id, name FROM customer WHERE owner_id = ?1 AND lifecycle <> 'eliminated' ORDER BY name_pinyin, id",
                )?;
                let cards: Vec<(String, String)> =
                    stmt.query_map([&node.id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
                Ok(cards
                    .into_iter()
                    .map(|(id, name)| {
                        self.cards.insert(id.clone(), (node.id.clone(), name));
                        Node::customer(id)
                    })
                    .collect())
            }
            NodeKind::Customer => Ok(vec![]),
        }
    }

    /// The people of a unit's subtree (every unit under it, itself included).
    pub fn staff_under(&self, unit: &str) -> Vec<String> {
        self.staff.iter().filter(|(_, s)| self.is_under(&s.unit, unit)).map(|(id, _)| id.clone()).collect()
    }

    /// Is `unit` in `ancestor`'s subtree?
    pub fn is_under(&self, unit: &str, ancestor: &str) -> bool {
        let mut at = Some(unit.to_string());
        let mut steps = 0;
        while let Some(u) = at {
            if u == ancestor {
                return true;
            }
            steps += 1;
            if steps > 64 {
                return false;
            }
            at = self.units.get(&u).and_then(|i| i.parent.clone());
        }
        false
    }
}

/// A target row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    pub id: String,
    pub year: i32,
    pub measure: String,
    pub node: Node,
    pub amounts: Amounts,
    pub set_by: String,
    pub status: TargetStatus,
    pub leave_unallocated: bool,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub note: Option<String>,
}

pub(crate) const ROW_SELECT: &str =
    "SELECT id, year, measure, node_kind, node_id, amounts, set_by, status, leave_unallocated,
        submitted_by, submitted_at, decided_by, decided_at, note FROM target";

pub(crate) fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TargetRow> {
    let text: String = r.get(5)?;
    Ok(TargetRow {
        id: r.get(0)?,
        year: r.get(1)?,
        measure: r.get(2)?,
        node: Node { kind: r.get(3)?, id: r.get(4)? },
        amounts: parse_amounts(&text).unwrap_or([0; XUNS]),
        set_by: r.get(6)?,
        status: r.get(7)?,
        leave_unallocated: r.get(8)?,
        submitted_by: r.get(9)?,
        submitted_at: r.get(10)?,
        decided_by: r.get(11)?,
        decided_at: r.get(12)?,
        note: r.get(13)?,
    })
}

/// A node's target for a year, if it has one.
pub fn row(conn: &Connection, year: i32, measure: &str, node: &str) -> Result<Option<TargetRow>> {
    Ok(conn
        .prepare_cached(&format!("{ROW_SELECT} WHERE node_id = ?1 AND year = ?2 AND measure = ?3"))?
        .query_row(params![node, year, measure], read_row)
        .optional()?)
}

/// The targets of these nodes for a year, by node id.
pub fn rows(conn: &Connection, year: i32, measure: &str, nodes: &[String]) -> Result<HashMap<String, TargetRow>> {
    let list: Vec<SqlValue> = nodes.iter().map(|n| SqlValue::Text(n.clone())).collect();
    let mut stmt =
        conn.prepare_cached(&format!("{ROW_SELECT} WHERE node_id IN rarray(?1) AND year = ?2 AND measure = ?3"))?;
    let rows = stmt.query_map(params![std::rc::Rc::new(list), year, measure], read_row)?;
    let mut out = HashMap::new();
    for row in rows {
        let row = row?;
        out.insert(row.node.id.clone(), row);
    }
    Ok(out)
}

/// Every unit's and person's target of a year (not the cards').
pub fn org_rows(conn: &Connection, year: i32, measure: &str) -> Result<HashMap<String, TargetRow>> {
    let mut stmt = conn
        .prepare_cached(&format!("{ROW_SELECT} WHERE year = ?1 AND measure = ?2 AND node_kind IN ('unit', 'staff')"))?;
    let rows = stmt.query_map(params![year, measure], read_row)?;
    let mut out = HashMap::new();
    for row in rows {
        let row = row?;
        out.insert(row.node.id.clone(), row);
    }
    Ok(out)
}

/// An approved reallocation's effect: what it takes from one target row and
/// gives to another (none: the breakdown's unallocated part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub from: Option<String>,
    pub to: Option<String>,
    pub amounts: Amounts,
}

/// The approved reallocations of these breakdowns (target row ids).
pub fn shifts(conn: &Connection, targets: &[String]) -> Result<Vec<Shift>> {
    let list: Vec<SqlValue> = targets.iter().map(|n| SqlValue::Text(n.clone())).collect();
    let mut stmt = conn.prepare_cached(
        "SELECT from_id, to_id, amounts FROM target_move WHERE target_id IN rarray(?1) AND status = 'approved'",
    )?;
    let rows = stmt.query_map([std::rc::Rc::new(list)], |r| {
        let text: String = r.get(2)?;
        Ok(Shift { from: r.get(0)?, to: r.get(1)?, amounts: parse_amounts(&text).unwrap_or([0; XUNS]) })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every approved reallocation of a year and measure (the few reallocations
/// lead: the planner would otherwise walk the year's targets).
pub fn all_shifts(conn: &Connection, year: i32, measure: &str) -> Result<Vec<Shift>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.from_id, m.to_id, m.amounts FROM target_move m CROSS JOIN target t ON t.id = m.target_id
          WHERE t.year = ?1 AND t.measure = ?2 AND m.status = 'approved'",
    )?;
    let rows = stmt.query_map(params![year, measure], |r| {
        let text: String = r.get(2)?;
        Ok(Shift { from: r.get(0)?, to: r.get(1)?, amounts: parse_amounts(&text).unwrap_or([0; XUNS]) })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A target row's amounts as the approved reallocations leave them.
pub fn effective(base: &Amounts, row_id: &str, shifts: &[Shift]) -> Amounts {
    let mut out = *base;
    for shift in shifts {
        let sign = match (shift.from.as_deref() == Some(row_id), shift.to.as_deref() == Some(row_id)) {
            (true, false) => -1,
            (false, true) => 1,
            _ => 0,
        };
        if sign != 0 {
            for (o, a) in out.iter_mut().zip(shift.amounts.iter()) {
                *o += sign * a;
            }
        }
    }
    out
}

/// The revenue targets of these nodes over the days `from..=to`, which may
/// span years, as approved reallocations leave them: each 旬 inside the days
/// in full, a 旬 the days cut through by its share of days, rounded once per
/// node to the fen. Nodes without a target in those years are left out.
pub fn over_days(
    conn: &Connection,
    nodes: &[String],
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<HashMap<String, i64>> {
    use chrono::Datelike;
    let mut sums: HashMap<String, f64> = HashMap::new();
    for year in from.year()..=to.year() {
        let rows = rows(conn, year, REVENUE, nodes)?;
        if rows.is_empty() {
            continue;
        }
        let shifts = all_shifts(conn, year, REVENUE)?;
        // Each 旬's share of its days inside the period.
        let shares: [f64; XUNS] = std::array::from_fn(|x| {
            let (first, last) = period::xun_days(year, x);
            let inside = (last.min(to) - first.max(from)).num_days() + 1;
            (inside.max(0) as f64) / (((last - first).num_days() + 1) as f64)
        });
        for (node, row) in rows {
            let amounts = effective(&row.amounts, &row.id, &shifts);
            let part: f64 = amounts.iter().zip(shares).map(|(a, s)| *a as f64 * s).sum();
            *sums.entry(node).or_default() += part;
        }
    }
    Ok(sums.into_iter().map(|(node, sum)| (node, sum.round() as i64)).collect())
}

/// Whose sales [`sold`] and [`in_hand`] read: every card's, the cards of
/// these people, or these cards.
#[derive(Debug, Clone, Copy)]
pub enum Cards<'a> {
    All,
    OwnedBy(&'a [String]),
    These(&'a [String]),
}

/// How sales are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Owner,
    Card,
}

/// Sales of `cards` per 旬 from `from` (absolute, inclusive) to `to`, summed
/// per owner or per card: revenue from `sales_xun`, volume from the day's
/// figures of the measure's category.
pub fn sold(
    conn: &Connection,
    measure: &str,
    cards: Cards<'_>,
    by: By,
    (from, to): (i64, i64),
) -> Result<HashMap<String, Vec<i64>>> {
    let width = (to - from).max(0) as usize;
    let mut out: HashMap<String, Vec<i64>> = HashMap::new();
    // card key → group
    let group_sql = match by {
        By::Owner => "c.owner_id",
        By::Card => "c.id",
    };
    if let (Cards::All, None) = (cards, measure.strip_prefix("volume:")) {
        // A period of every card: one range of the 旬, each card's group looked up once.
        let sql = format!(
            "SELECT {group_sql}, x.xun, sum(x.amount) FROM sales_xun x
               JOIN sales_customer_key k ON k.key = x.customer_key JOIN customer c ON c.id = k.customer_id
              WHERE x.xun >= ?1 AND x.xun < ?2 GROUP BY 1, 2"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params![from, to])?;
        while let Some(r) = rows.next()? {
            let xun: i64 = r.get(1)?;
            out.entry(r.get(0)?).or_insert_with(|| vec![0; width])[(xun - from) as usize] += r.get::<_, i64>(2)?;
        }
        return Ok(out);
    }
    let keys: HashMap<i64, String> = match cards {
        Cards::All => {
            let sql =
                format!("SELECT k.key, {group_sql} FROM sales_customer_key k JOIN customer c ON c.id = k.customer_id");
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        }
        Cards::OwnedBy(owners) => {
            let list: Vec<SqlValue> = owners.iter().map(|n| SqlValue::Text(n.clone())).collect();
            let sql = format!(
                "SELECT k.key, {group_sql} FROM customer c JOIN sales_customer_key k ON k.customer_id = c.id
                  WHERE c.owner_id IN rarray(?1)"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([std::rc::Rc::new(list)], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        }
        Cards::These(ids) => {
            let list: Vec<SqlValue> = ids.iter().map(|n| SqlValue::Text(n.clone())).collect();
            let sql = format!(
                "SELECT k.key, {group_sql} FROM customer c JOIN sales_customer_key k ON k.customer_id = c.id
                  WHERE c.id IN rarray(?1)"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([std::rc::Rc::new(list)], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        }
    };
    let mut add = |key: i64, xun: i64, amount: i64| {
        if let Some(group) = keys.get(&key) {
            if (from..to).contains(&xun) {
                out.entry(group.clone()).or_insert_with(|| vec![0; width])[(xun - from) as usize] += amount;
            }
        }
    };
    if let Some(category) = measure.strip_prefix("volume:") {
        let (first, _) = day_of_xun(from);
        let (_, last) = day_of_xun(to - 1);
        let mut stmt = conn.prepare_cached(
            "SELECT f.customer_key, date(f.day + 2440587.5), sum(f.quantity) FROM sales_fact f
               JOIN sales_product_key p ON p.key = f.product_key JOIN product pr ON pr.id = p.product_id
              WHERE f.day BETWEEN CAST(julianday(?1) - 2440587.5 AS INTEGER) AND CAST(julianday(?2) - 2440587.5 AS INTEGER)
                AND pr.category = ?3
              GROUP BY 1, 2",
        )?;
        let mut rows = stmt.query(params![first.to_string(), last.to_string(), category])?;
        while let Some(r) = rows.next()? {
            let day: String = r.get(1)?;
            let quantity: f64 = r.get(2)?;
            if let Ok(day) = day.parse() {
                add(r.get(0)?, period::absolute_xun(day), quantity.round() as i64);
            }
        }
        return Ok(out);
    }
    let mut stmt =
        conn.prepare_cached("SELECT xun, amount FROM sales_xun WHERE customer_key = ?1 AND xun >= ?2 AND xun < ?3")?;
    let mut ordered: Vec<i64> = keys.keys().copied().collect();
    ordered.sort_unstable();
    for key in ordered {
        let mut rows = stmt.query(params![key, from, to])?;
        while let Some(r) = rows.next()? {
            add(key, r.get(0)?, r.get(1)?);
        }
    }
    Ok(out)
}

/// The first and last day of an absolute 旬.
pub fn day_of_xun(absolute: i64) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let year = absolute.div_euclid(XUNS as i64) as i32;
    period::xun_days(year, absolute.rem_euclid(XUNS as i64) as usize)
}

/// Orders in hand (在手订单, `money::in_hand`) per card's owner or per card.
/// The few open orders lead (`CROSS JOIN`): the planner would otherwise walk
/// every card to probe them.
pub fn in_hand(conn: &Connection, cards: Cards<'_>, by: By) -> Result<BTreeMap<String, i64>> {
    let group_sql = match by {
        By::Owner => "c.owner_id",
        By::Card => "c.id",
    };
    let filter = match cards {
        Cards::All => "",
        Cards::OwnedBy(_) => "WHERE c.owner_id IN rarray(?1)",
        Cards::These(_) => "WHERE c.id IN rarray(?1)",
    };
    let sql = format!(
        "SELECT {group_sql}, sum(o.amount) FROM order_open o CROSS JOIN customer c ON c.id = o.customer_id {filter} GROUP BY 1"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let list = |ids: &[String]| std::rc::Rc::new(ids.iter().map(|n| SqlValue::Text(n.clone())).collect::<Vec<_>>());
    let rows: Vec<(String, i64)> = match cards {
        Cards::All => stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?,
        Cards::OwnedBy(ids) | Cards::These(ids) => {
            stmt.query_map([list(ids)], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
        }
    };
    Ok(rows.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportioned_parts_add_up_to_the_total_and_follow_the_weights() {
        assert_eq!(apportion(100, &[1.0, 1.0, 1.0]), vec![34, 33, 33]);
        assert_eq!(apportion(10, &[0.0, 0.0]), vec![5, 5]);
        assert_eq!(apportion(7, &[3.0, 0.0, 1.0]), vec![5, 0, 2]);
        assert_eq!(apportion(0, &[1.0, 2.0]), vec![0, 0]);
        assert!(apportion(5, &[]).is_empty());
        for total in [0, 1, 99, 1_000_003] {
            let parts = apportion(total, &[0.3, 2.7, f64::NAN, 5.0]);
            assert_eq!(parts.iter().sum::<i64>(), total);
            assert_eq!(parts[2], 0, "a weight that is not a number gets nothing");
        }
    }

    #[test]
    fn a_month_spreads_over_its_xun_by_the_profile_or_by_days() {
        let mut months = [0; 12];
        months[1] = 2_800;
        let by_days = spread_months(2027, &months, None);
        assert_eq!(&by_days[3..6], &[1_000, 1_000, 800], "February 2027: 10, 10 and 8 days");
        let mut profile = [0; XUNS];
        profile[3] = 1;
        profile[5] = 3;
        let by_profile = spread_months(2027, &months, Some(&profile));
        assert_eq!(&by_profile[3..6], &[700, 0, 2_100]);
        assert_eq!(by_profile.iter().sum::<i64>(), 2_800);
    }

    #[test]
    fn a_target_id_is_the_same_in_every_book_and_differs_by_year_measure_and_node() {
        let a = target_id(2027, REVENUE, "n1");
        assert_eq!(a, target_id(2027, REVENUE, "n1"));
        assert_ne!(a, target_id(2028, REVENUE, "n1"));
        assert_ne!(a, target_id(2027, "volume:奶粉", "n1"));
        assert_ne!(a, target_id(2027, REVENUE, "n2"));
    }

    #[test]
    fn stored_amounts_are_36_amounts_within_bounds() {
        let good = amounts_text(&[5; XUNS]);
        assert_eq!(parse_amounts(&good), Some([5; XUNS]));
        assert_eq!(parse_amounts("[1,2,3]"), None);
        assert_eq!(parse_amounts(&good.replacen('5', "-5", 1)), None);
        assert_eq!(parse_amounts("not json"), None);
        let too_big = amounts_text(&[MAX_XUN_AMOUNT + 1; XUNS]);
        assert_eq!(parse_amounts(&too_big), None);
    }
}
