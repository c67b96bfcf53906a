//! The composition analyses of seed 004 and the monthly summary of seed 000,
//! for any period and any part of the organisation the viewer may see.
//!
//! Every analysis reads the device-local `sales_fact` (sales lines summed per
//! day, customer and product under integer keys) for its period in one pass
//! of its primary key, and sums into arrays indexed by those keys; the
//! customers' grade, channel, credit grade, territory and owner come from one
//! read of their cards. Groups follow the cards as they are now: a customer
//! regraded in June counts under its new grade for the whole year.

use crate::error::ProblemCode;
use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Months, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::StaffRole;
use crate::org::Viewer;

/// Rows of a customer list an analysis returns at most (the export has them all).
pub const MAX_LISTED: usize = 1000;
/// Longest period an analysis covers.
const MAX_PERIOD_DAYS: i64 = 3700;

/// The period (both days included) and the part of the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AnalysisQuery {
    /// First day, YYYY-MM-DD.
    pub from: String,
    /// Last day, YYYY-MM-DD.
    pub to: String,
    /// An org unit within the viewer's part (default: all of it).
    #[serde(default)]
    #[ts(optional)]
    pub unit_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    #[ts(type = "string")]
    pub from: NaiveDate,
    #[ts(type = "string")]
    pub to: NaiveDate,
}

impl Period {
    pub fn parse(query: &AnalysisQuery) -> Result<Self> {
        let mut problems = vec![];
        let from = crate::clock::day("from", &query.from, &mut problems);
        let to = crate::clock::day("to", &query.to, &mut problems);
        let (Some(from), Some(to)) = (from, to) else { return Err(Error::Invalid(problems)) };
        if to < from {
            return Err(Error::invalid(
                "to",
                ProblemCode::BeforeFrom,
                "the period ends before it begins; swap the two days",
            ));
        }
        if (to - from).num_days() > MAX_PERIOD_DAYS {
            return Err(Error::invalid("to", ProblemCode::TooLong, "a period spans at most ten years"));
        }
        Ok(Self { from, to })
    }

    /// The same days a year earlier.
    pub fn last_year(self) -> Self {
        let back = |d: NaiveDate| d.checked_sub_months(Months::new(12)).unwrap_or(d);
        Self { from: back(self.from), to: back(self.to) }
    }

    /// As many days, just before.
    pub fn previous(self) -> Self {
        let days = (self.to - self.from).num_days();
        let to = self.from.pred_opt().unwrap_or(self.from);
        Self { from: to - chrono::Duration::days(days), to }
    }

    fn days(self) -> (i64, i64) {
        (epoch_day(self.from), epoch_day(self.to))
    }

    /// The months the period touches, `YYYY-MM`.
    pub fn months(self) -> Vec<String> {
        let mut out = vec![];
        let mut month = self.from.with_day(1).unwrap_or(self.from);
        while month <= self.to {
            out.push(month.format("%Y-%m").to_string());
            month = month.checked_add_months(Months::new(1)).unwrap_or(NaiveDate::MAX);
        }
        out
    }
}

/// Days since 1970-01-01, as `sales_fact.day` counts them.
pub fn epoch_day(day: NaiveDate) -> i64 {
    (day - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days()
}

fn from_epoch_day(day: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + chrono::Duration::days(day)
}

/// A share in basis points (1/100 %), 0 when the whole is nothing.
pub fn share_bp(part: i64, whole: i64) -> u32 {
    if whole <= 0 || part <= 0 {
        0
    } else {
        (i128::from(part) * 10_000 / i128::from(whole)) as u32
    }
}

/// Growth of `now` against `before`, in basis points; none when before was nothing.
pub fn growth_bp(now: i64, before: i64) -> Option<i32> {
    (before > 0).then(|| ((i128::from(now) - i128::from(before)) * 10_000 / i128::from(before)) as i32)
}

/// A group's key with its labels in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GroupLabel {
    /// None: the group of cards without a value.
    pub key: Option<String>,
    pub label_zh: String,
    pub label_en: String,
}

/// One customer as the analyses group it.
#[derive(Debug, Clone)]
struct Dim {
    id: String,
    grade: Option<String>,
    channel_type: Option<String>,
    credit_grade: Option<String>,
    territory: String,
    owner: String,
}

/// What an analysis reads: the customers in scope by their sales key, and
/// (through [`Reach`]) the names of everything it groups by.
pub(crate) struct Context {
    /// Indexed by `sales_customer_key.key`; None when out of scope.
    customers: Vec<Option<Dim>>,
    /// The same, as flags (what a scan checks for every figure).
    in_scope: Vec<bool>,
    products: usize,
    reach: Reach,
}

impl std::ops::Deref for Context {
    type Target = Reach;
    fn deref(&self) -> &Reach {
        &self.reach
    }
}

/// The part of the organisation an analysis covers, and the names of its
/// units and people: the viewer's part, narrowed to a unit of it.
pub(crate) struct Reach {
    pub(crate) units: HashMap<String, (String, String, Option<String>)>,
    pub(crate) staff: HashMap<String, (String, String)>,
    narrowed: Option<HashSet<String>>,
    viewer_units: Option<HashSet<String>>,
    me: String,
    pub(crate) scope: AnalysisScope,
}

/// The part of the organisation an analysis covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AnalysisScope {
    pub unit_id: Option<String>,
    pub unit_name: String,
    /// A rep sees only their own customers.
    pub owner_only: bool,
}

impl Reach {
    pub(crate) fn load(conn: &Connection, viewer: &Viewer, unit: Option<&str>) -> Result<Self> {
        let units: HashMap<String, (String, String, Option<String>)> = conn
            .prepare_cached("SELECT id, name, kind, parent_id FROM org_unit")?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?
            .collect::<rusqlite::Result<_>>()?;
        let staff: HashMap<String, (String, String)> = conn
            .prepare_cached("SELECT id, name, org_unit_id FROM staff")?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        let narrowed: Option<HashSet<String>> = match unit.map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(unit) => {
                if !units.contains_key(unit) {
                    return Err(Error::NotFound { what: "org unit", id: unit.to_string() });
                }
                if viewer.units.as_ref().is_some_and(|mine| !mine.contains(unit)) {
                    return Err(Error::Forbidden(format!(
                        "{} lies outside your part of the organisation; choose a unit of your own",
                        units[unit].0
                    )));
                }
                Some(crate::org::subtree(conn, unit)?)
            }
        };
        let owner_only = viewer.role == StaffRole::Rep;
        let me = viewer.staff.to_string();
        let unit_id = unit.map(str::to_string).or_else(|| {
            // The viewer's own unit: the root of what they see.
            (viewer.role != StaffRole::HeadOffice).then(|| staff.get(&me).map(|s| s.1.clone())).flatten()
        });
        let unit_name = match &unit_id {
            Some(id) => units.get(id).map(|u| u.0.clone()).unwrap_or_default(),
            None => units.values().find(|u| u.2.is_none()).map(|u| u.0.clone()).unwrap_or_default(),
        };
        Ok(Self {
            units,
            staff,
            narrowed,
            viewer_units: viewer.units.clone(),
            me,
            scope: AnalysisScope { unit_id, unit_name, owner_only },
        })
    }

    /// Is a card of this territory and owner in the analysis?
    pub(crate) fn allows(&self, territory: &str, owner: &str) -> bool {
        let owner_only = self.scope.owner_only;
        (!owner_only || owner == self.me)
            && self.viewer_units.as_ref().is_none_or(|u| owner_only || u.contains(territory))
            && self.narrowed.as_ref().is_none_or(|u| u.contains(territory))
    }

    pub(crate) fn staff_name(&self, id: &str) -> String {
        self.staff.get(id).map(|s| s.0.clone()).unwrap_or_default()
    }

    pub(crate) fn unit_name(&self, id: &str) -> String {
        self.units.get(id).map(|u| u.0.clone()).unwrap_or_default()
    }

    /// The nearest unit of `kind` at or above `unit` (else `unit` itself).
    pub(crate) fn ancestor_of_kind(&self, unit: &str, kind: &str) -> String {
        let mut current = Some(unit.to_string());
        let mut steps = 0;
        while let Some(id) = current {
            let Some((_, k, parent)) = self.units.get(&id) else { break };
            if k == kind {
                return id;
            }
            steps += 1;
            if steps > 64 {
                break;
            }
            current = parent.clone();
        }
        unit.to_string()
    }

    /// How the analysis splits into parts: the units right below the unit
    /// shown, or at the bottom of the tree (and for a rep) its reps.
    pub(crate) fn parts(&self) -> Parts<'_> {
        let root =
            self.scope.unit_id.clone().or_else(|| self.units.iter().find(|u| u.1 .2.is_none()).map(|u| u.0.clone()));
        let root = root.unwrap_or_default();
        let by_rep = self.scope.owner_only || !self.units.values().any(|u| u.2.as_deref() == Some(root.as_str()));
        Parts { reach: self, root, by_rep, part_of: HashMap::new() }
    }

    /// The way down from the viewer's top unit to the unit shown.
    pub(crate) fn path(&self, viewer: &Viewer, root: &str) -> Vec<GroupLabel> {
        let top = match viewer.role {
            StaffRole::HeadOffice => None,
            _ => self.staff.get(&viewer.staff.to_string()).map(|s| s.1.clone()),
        };
        let mut path = vec![];
        let mut current = Some(root.to_string());
        while let Some(id) = current {
            let Some(u) = self.units.get(&id) else { break };
            path.push(GroupLabel { key: Some(id.clone()), label_zh: u.0.clone(), label_en: u.0.clone() });
            if top.as_deref() == Some(id.as_str()) || path.len() > 64 {
                break;
            }
            current = u.2.clone();
        }
        path.reverse();
        path
    }
}

/// The parts an analysis splits into ([`Reach::parts`]).
pub(crate) struct Parts<'a> {
    reach: &'a Reach,
    pub(crate) root: String,
    pub(crate) by_rep: bool,
    part_of: HashMap<String, Option<String>>,
}

impl Parts<'_> {
    /// The part a card of this territory and owner falls in (the root for a
    /// territory outside every part).
    pub(crate) fn of(&mut self, territory: &str, owner: &str) -> String {
        if self.by_rep {
            return owner.to_string();
        }
        if let Some(part) = self.part_of.get(territory) {
            return part.clone().unwrap_or_else(|| self.root.clone());
        }
        let (units, root) = (&self.reach.units, &self.root);
        self.part_of
            .entry(territory.to_string())
            .or_insert_with(|| {
                let mut current = Some(territory.to_string());
                let mut steps = 0;
                while let Some(id) = current {
                    let parent = units.get(&id).and_then(|u| u.2.clone());
                    if parent.as_deref() == Some(root.as_str()) {
                        return Some(id);
                    }
                    steps += 1;
                    if steps > 64 {
                        break;
                    }
                    current = parent;
                }
                None
            })
            .clone()
            .unwrap_or_else(|| root.clone())
    }

    /// A part's name and kind (`province`, `region` … or `rep`), and whether
    /// it can be drilled into.
    pub(crate) fn describe(&self, id: &str) -> (String, String, bool) {
        if self.by_rep || !self.reach.units.contains_key(id) {
            (self.reach.staff_name(id), "rep".to_string(), false)
        } else {
            (self.reach.unit_name(id), self.reach.units[id].1.clone(), id != self.root)
        }
    }
}

impl Context {
    pub(crate) fn load(conn: &Connection, viewer: &Viewer, unit: Option<&str>) -> Result<Self> {
        let reach = Reach::load(conn, viewer, unit)?;
        let mut customers: Vec<Option<Dim>> = vec![];
        // Through the covering index: the cards' wide rows are never read.
        let mut stmt = conn.prepare_cached(
            "SELECT k.key, c.id, c.grade, c.channel_type, c.credit_grade, c.territory_id, c.owner_id
               FROM sales_customer_key k JOIN customer c INDEXED BY customer_analysis ON c.id = k.customer_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let territory = r.get_ref(5)?.as_str().map_err(rusqlite::Error::from)?;
            let owner = r.get_ref(6)?.as_str().map_err(rusqlite::Error::from)?;
            if !reach.allows(territory, owner) {
                continue;
            }
            let key = usize::try_from(r.get::<_, i64>(0)?).unwrap_or(0);
            if customers.len() <= key {
                customers.resize(key + 1, None);
            }
            customers[key] = Some(Dim {
                id: r.get(1)?,
                grade: r.get(2)?,
                channel_type: r.get(3)?,
                credit_grade: r.get(4)?,
                territory: territory.to_string(),
                owner: owner.to_string(),
            });
        }
        let products: i64 = conn.query_row("SELECT coalesce(max(key), 0) FROM sales_product_key", [], |r| r.get(0))?;
        Ok(Self {
            in_scope: customers.iter().map(Option::is_some).collect(),
            customers,
            products: usize::try_from(products).unwrap_or(0) + 1,
            reach,
        })
    }

    /// Calls `f(customer_key, row)` for every figure of the period whose
    /// customer is in scope; the row holds `customer_key` and then `columns`
    /// of `sales_fact` (only what the analysis needs is read).
    fn scan(
        &self,
        conn: &Connection,
        period: Period,
        columns: &str,
        mut f: impl FnMut(usize, &rusqlite::Row<'_>) -> rusqlite::Result<()>,
    ) -> Result<()> {
        let (from, to) = period.days();
        let sql = format!("SELECT customer_key, {columns} FROM sales_fact WHERE day BETWEEN ?1 AND ?2");
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([from, to])?;
        while let Some(r) = rows.next()? {
            let customer = usize::try_from(r.get::<_, i64>(0)?).unwrap_or(usize::MAX);
            if self.in_scope.get(customer).copied().unwrap_or(false) {
                f(customer, r)?;
            }
        }
        Ok(())
    }

    /// Each in-scope customer's revenue in the period, by customer key.
    fn revenue(&self, conn: &Connection, period: Period) -> Result<Vec<i64>> {
        let mut out = vec![0i64; self.customers.len()];
        self.scan(conn, period, "amount", |c, r| {
            out[c] += r.get::<_, i64>(1)?;
            Ok(())
        })?;
        Ok(out)
    }

    /// The names of the customers with these ids (the few an analysis lists).
    fn names<'a>(&self, conn: &Connection, ids: impl IntoIterator<Item = &'a str>) -> Result<HashMap<String, String>> {
        let mut stmt = conn.prepare_cached("SELECT name FROM customer WHERE id = ?1")?;
        let mut out = HashMap::new();
        for id in ids {
            if let Some(name) = stmt.query_row([id], |r| r.get::<_, String>(0)).optional()? {
                out.insert(id.to_string(), name);
            }
        }
        Ok(out)
    }

    fn dim(&self, key: usize) -> Option<&Dim> {
        self.customers.get(key).and_then(Option::as_ref)
    }
}

/// Labels of the codes of a grade scale or code list.
fn labels(conn: &Connection, sql: &str, key: &str) -> Result<Vec<GroupLabel>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows =
        stmt.query_map([key], |r| Ok(GroupLabel { key: Some(r.get(0)?), label_zh: r.get(1)?, label_en: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn grade_labels(conn: &Connection, scale: &str) -> Result<Vec<GroupLabel>> {
    labels(conn, "SELECT code, label_zh, label_en FROM grade_level WHERE scale = ?1 ORDER BY position", scale)
}

fn code_labels(conn: &Connection, list: &str) -> Result<Vec<GroupLabel>> {
    labels(conn, "SELECT code, label_zh, label_en FROM code_item WHERE list_id = ?1 ORDER BY position", list)
}

fn none_label() -> GroupLabel {
    GroupLabel { key: None, label_zh: "未定".into(), label_en: "Not set".into() }
}

/// Index of `key` among `groups`, adding a group for an unknown code (and the
/// "not set" group for none).
fn group_index(groups: &mut Vec<GroupLabel>, key: Option<&str>) -> usize {
    if let Some(i) = groups.iter().position(|g| g.key.as_deref() == key) {
        return i;
    }
    groups.push(match key {
        None => none_label(),
        Some(k) => GroupLabel { key: Some(k.to_string()), label_zh: k.to_string(), label_en: k.to_string() },
    });
    groups.len() - 1
}

// ---------------------------------------------------------------- 1. grades

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GradeSlice {
    pub grade: GroupLabel,
    pub customers: u32,
    #[ts(type = "number")]
    pub revenue: i64,
    pub share_bp: u32,
}

/// A point of the Pareto curve: the first `customers_bp` of the customers
/// (largest first) make `revenue_bp` of the revenue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ParetoPoint {
    pub customers_bp: u32,
    pub revenue_bp: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RankedCustomer {
    pub customer_id: String,
    pub name: String,
    pub grade: Option<String>,
    pub owner_name: String,
    #[ts(type = "number")]
    pub revenue: i64,
    pub share_bp: u32,
    pub cumulative_bp: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GradeComposition {
    pub period: Period,
    pub scope: AnalysisScope,
    #[ts(type = "number")]
    pub total_revenue: i64,
    /// Customers who bought in the period.
    pub customers: u32,
    pub grades: Vec<GradeSlice>,
    /// 101 points, at every percent of the customers.
    pub pareto: Vec<ParetoPoint>,
    /// How many of the largest customers make 80 % of the revenue.
    pub customers_for_80: u32,
    /// The largest customers, with their cumulative share.
    pub top: Vec<RankedCustomer>,
}

pub(crate) fn by_grade(conn: &Connection, cx: &Context, period: Period) -> Result<GradeComposition> {
    let revenue = cx.revenue(conn, period)?;
    let mut grades = grade_labels(conn, "customer")?;
    let mut sums: Vec<(u32, i64)> = vec![(0, 0); grades.len()];
    let mut ranked: Vec<(i64, usize)> = vec![];
    for (key, &amount) in revenue.iter().enumerate() {
        let Some(dim) = cx.dim(key) else { continue };
        if amount == 0 {
            continue;
        }
        let g = group_index(&mut grades, dim.grade.as_deref());
        if sums.len() < grades.len() {
            sums.resize(grades.len(), (0, 0));
        }
        sums[g].0 += 1;
        sums[g].1 += amount;
        ranked.push((amount, key));
    }
    let total: i64 = ranked.iter().map(|r| r.0.max(0)).sum();
    ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let n = ranked.len();
    let mut pareto = Vec::with_capacity(101);
    let mut cumulative = vec![0i64; n + 1];
    for (i, r) in ranked.iter().enumerate() {
        cumulative[i + 1] = cumulative[i] + r.0.max(0);
    }
    for pct in 0..=100u32 {
        let count = (n * pct as usize).div_ceil(100);
        pareto.push(ParetoPoint { customers_bp: pct * 100, revenue_bp: share_bp(cumulative[count], total) });
    }
    let customers_for_80 = cumulative.iter().position(|&c| share_bp(c, total) >= 8000).unwrap_or(n) as u32;
    let names = cx.names(conn, ranked.iter().take(50).filter_map(|r| cx.dim(r.1)).map(|d| d.id.as_str()))?;
    let top = ranked
        .iter()
        .take(50)
        .enumerate()
        .filter_map(|(i, &(amount, key))| {
            let dim = cx.dim(key)?;
            Some(RankedCustomer {
                customer_id: dim.id.clone(),
                name: names.get(&dim.id).cloned().unwrap_or_default(),
                grade: dim.grade.clone(),
                owner_name: cx.staff_name(&dim.owner),
                revenue: amount,
                share_bp: share_bp(amount, total),
                cumulative_bp: share_bp(cumulative[i + 1], total),
            })
        })
        .collect();
    let grades = grades
        .into_iter()
        .zip(sums)
        .filter(|(g, (count, _))| *count > 0 || g.key.is_some())
        .map(|(grade, (customers, revenue))| GradeSlice {
            grade,
            customers,
            revenue,
            share_bp: share_bp(revenue, total),
        })
        .collect();
    Ok(GradeComposition {
        period,
        scope: cx.scope.clone(),
        total_revenue: total,
        customers: n as u32,
        grades,
        pareto,
        customers_for_80,
        top,
    })
}

// -------------------------------------------------------------- 2. products

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProductSlice {
    pub product_id: String,
    pub code: String,
    pub name: String,
    pub line: Option<String>,
    pub unit: String,
    pub quantity: f64,
    #[ts(type = "number")]
    pub revenue: i64,
    pub share_bp: u32,
    /// Revenue by channel type, in the order of `channels`.
    #[ts(type = "Array<number>")]
    pub by_channel: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LineSlice {
    /// None: products without a line.
    pub line: Option<String>,
    #[ts(type = "number")]
    pub revenue: i64,
    pub share_bp: u32,
    #[ts(type = "Array<number>")]
    pub by_channel: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProductComposition {
    pub period: Period,
    pub scope: AnalysisScope,
    #[ts(type = "number")]
    pub total_revenue: i64,
    /// The channel types, with each one's revenue.
    pub channels: Vec<GroupLabel>,
    #[ts(type = "Array<number>")]
    pub channel_revenue: Vec<i64>,
    pub lines: Vec<LineSlice>,
    /// Products sold in the period, largest first.
    pub products: Vec<ProductSlice>,
}

pub(crate) fn by_product(conn: &Connection, cx: &Context, period: Period) -> Result<ProductComposition> {
    let mut channels = code_labels(conn, "channel_type")?;
    // Each customer's channel group, resolved once.
    let mut channel_of: Vec<usize> = vec![0; cx.customers.len()];
    for (key, dim) in cx.customers.iter().enumerate() {
        if let Some(dim) = dim {
            channel_of[key] = group_index(&mut channels, dim.channel_type.as_deref());
        }
    }
    let width = channels.len();
    let mut cells = vec![0i64; cx.products * width];
    let mut quantity = vec![0f64; cx.products];
    cx.scan(conn, period, "product_key, quantity, amount", |c, r| {
        let p = usize::try_from(r.get::<_, i64>(1)?).unwrap_or(usize::MAX);
        if p < quantity.len() {
            cells[p * width + channel_of[c]] += r.get::<_, i64>(3)?;
            quantity[p] += r.get::<_, f64>(2)?;
        }
        Ok(())
    })?;
    let mut stmt = conn.prepare_cached(
        "SELECT k.key, p.id, p.code, p.name, p.line, p.unit FROM sales_product_key k JOIN product p ON p.id = k.product_id",
    )?;
    let mut products = vec![];
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key = usize::try_from(r.get::<_, i64>(0)?).unwrap_or(usize::MAX);
        let Some(row) = cells.get(key * width..(key + 1) * width) else { continue };
        let revenue: i64 = row.iter().sum();
        if revenue == 0 && quantity[key] == 0.0 {
            continue;
        }
        products.push(ProductSlice {
            product_id: r.get(1)?,
            code: r.get(2)?,
            name: r.get(3)?,
            line: r.get(4)?,
            unit: r.get(5)?,
            quantity: quantity[key],
            revenue,
            share_bp: 0,
            by_channel: row.to_vec(),
        });
    }
    let total: i64 = products.iter().map(|p| p.revenue).sum();
    products.sort_by(|a, b| b.revenue.cmp(&a.revenue).then_with(|| a.code.cmp(&b.code)));
    let mut lines: Vec<LineSlice> = vec![];
    let mut channel_revenue = vec![0i64; width];
    for p in &mut products {
        p.share_bp = share_bp(p.revenue, total);
        let i = match lines.iter().position(|l| l.line == p.line) {
            Some(i) => i,
            None => {
                lines.push(LineSlice { line: p.line.clone(), revenue: 0, share_bp: 0, by_channel: vec![0; width] });
                lines.len() - 1
            }
        };
        lines[i].revenue += p.revenue;
        for (ch, amount) in p.by_channel.iter().enumerate() {
            lines[i].by_channel[ch] += amount;
            channel_revenue[ch] += amount;
        }
    }
    for l in &mut lines {
        l.share_bp = share_bp(l.revenue, total);
    }
    lines.sort_by_key(|l| std::cmp::Reverse(l.revenue));
    // Channel types nobody bought through are left out, with their columns.
    let keep: Vec<usize> = (0..width).filter(|&i| channel_revenue[i] != 0).collect();
    let pick = |v: &[i64]| keep.iter().map(|&i| v[i]).collect::<Vec<_>>();
    for p in &mut products {
        p.by_channel = pick(&p.by_channel);
    }
    for l in &mut lines {
        l.by_channel = pick(&l.by_channel);
    }
    Ok(ProductComposition {
        period,
        scope: cx.scope.clone(),
        total_revenue: total,
        channels: keep.iter().map(|&i| channels[i].clone()).collect(),
        channel_revenue: pick(&channel_revenue),
        lines,
        products,
    })
}

// --------------------------------------------------------------- 3. regions

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegionSlice {
    /// An org unit's id, or a rep's id when the unit has no units below it.
    pub id: String,
    pub name: String,
    /// `province`, `region`, `territory` … or `rep`.
    pub kind: String,
    /// It can be drilled into: to its units, or at the bottom of the tree to its reps.
    pub has_children: bool,
    pub customers: u32,
    #[ts(type = "number")]
    pub revenue: i64,
    pub share_bp: u32,
    #[ts(type = "number")]
    pub last_year: i64,
    pub growth_bp: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegionComposition {
    pub period: Period,
    pub scope: AnalysisScope,
    /// From the top of what the viewer sees down to the unit shown.
    pub path: Vec<GroupLabel>,
    #[ts(type = "number")]
    pub total_revenue: i64,
    #[ts(type = "number")]
    pub last_year_revenue: i64,
    pub parts: Vec<RegionSlice>,
}

pub(crate) fn by_region(conn: &Connection, cx: &Context, viewer: &Viewer, period: Period) -> Result<RegionComposition> {
    let now = cx.revenue(conn, period)?;
    let before = cx.revenue(conn, period.last_year())?;
    let mut parts_of = cx.parts();
    let mut sums: HashMap<String, (u32, i64, i64)> = HashMap::new();
    for (key, dim) in cx.customers.iter().enumerate() {
        let Some(dim) = dim else { continue };
        let (a, b) = (now[key], before[key]);
        if a == 0 && b == 0 {
            continue;
        }
        let entry = sums.entry(parts_of.of(&dim.territory, &dim.owner)).or_default();
        entry.0 += u32::from(a != 0);
        entry.1 += a;
        entry.2 += b;
    }
    let total: i64 = sums.values().map(|s| s.1).sum();
    let last_year_total: i64 = sums.values().map(|s| s.2).sum();
    let mut parts: Vec<RegionSlice> = sums
        .into_iter()
        .map(|(id, (customers, revenue, last_year))| {
            // A unit drills down to its units, or at the bottom to its reps.
            let (name, kind, has_children) = parts_of.describe(&id);
            RegionSlice {
                has_children,
                id,
                name,
                kind,
                customers,
                revenue,
                share_bp: share_bp(revenue, total),
                last_year,
                growth_bp: growth_bp(revenue, last_year),
            }
        })
        .collect();
    parts.sort_by(|a, b| b.revenue.cmp(&a.revenue).then_with(|| a.name.cmp(&b.name)));
    let path = cx.path(viewer, &parts_of.root);
    Ok(RegionComposition {
        period,
        scope: cx.scope.clone(),
        path,
        total_revenue: total,
        last_year_revenue: last_year_total,
        parts,
    })
}

// ---------------------------------------------------------------- 4. credit

/// A credit grade's limit (fen), payment term (days) and settlement.
type Terms = (Option<i64>, Option<u32>, Option<String>);

/// A credit grade's customers as the analysis sums them.
#[derive(Debug, Clone, Default)]
struct GradeSum {
    customers: u32,
    revenue: i64,
    balance: i64,
    overdue: i64,
    over_limit: u32,
    use_sum: u64,
    with_limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreditSlice {
    pub grade: GroupLabel,
    pub customers: u32,
    #[ts(type = "number")]
    pub revenue: i64,
    pub share_bp: u32,
    /// The grade's trading conditions (the limit in fen).
    #[ts(type = "number | null")]
    pub credit_limit: Option<i64>,
    pub payment_term_days: Option<u32>,
    pub settlement: Option<String>,
    /// What the grade's customers owe now, and of it what is overdue.
    #[ts(type = "number")]
    pub balance: i64,
    #[ts(type = "number")]
    pub overdue: i64,
    /// Customers who owe more than their limit (the busiest month in an
    /// estimate).
    pub over_limit: u32,
    /// What they owe against their limit, averaged over the grade's customers.
    pub average_use_bp: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreditCustomer {
    pub customer_id: String,
    pub name: String,
    pub credit_grade: Option<String>,
    pub owner_name: String,
    #[ts(type = "number")]
    pub revenue: i64,
    #[ts(type = "number")]
    pub peak_month: i64,
    /// What the customer owes now (its statement's balance), and of it what is overdue.
    #[ts(type = "number")]
    pub balance: i64,
    #[ts(type = "number")]
    pub overdue: i64,
    /// The card's own limit, else its credit grade's.
    #[ts(type = "number")]
    pub credit_limit: i64,
    pub use_bp: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreditAnalysis {
    pub period: Period,
    pub scope: AnalysisScope,
    #[ts(type = "number")]
    pub total_revenue: i64,
    pub grades: Vec<CreditSlice>,
    /// Customers who owe more than their limit, highest use first.
    pub over_limit: Vec<CreditCustomer>,
    pub over_limit_count: u32,
    /// The book holds no invoices: the busiest month's sales stand in for
    /// what customers owe (what a monthly statement would have asked at once).
    pub estimated: bool,
}

/// `today` (the business day) decides what is overdue.
pub(crate) fn credit(conn: &Connection, cx: &Context, period: Period, today: NaiveDate) -> Result<CreditAnalysis> {
    // Revenue per customer and per (customer, month): the busiest month is
    // what the customer would have owed at once on a monthly statement.
    let first_month = period.from.year() * 12 + period.from.month0() as i32;
    let months = period.months().len();
    // Figures come in day order, so each customer's months come in order:
    // one running month per customer is enough.
    let n = cx.customers.len();
    let mut revenue = vec![0i64; n];
    let mut peak = vec![0i64; n];
    let mut running: Vec<(usize, i64)> = vec![(usize::MAX, 0); n];
    let (mut last_day, mut month) = (i64::MIN, 0usize);
    cx.scan(conn, period, "day, amount", |c, r| {
        let (day, amount): (i64, i64) = (r.get(1)?, r.get(2)?);
        revenue[c] += amount;
        if day != last_day {
            let d = from_epoch_day(day);
            month = usize::try_from(d.year() * 12 + d.month0() as i32 - first_month).unwrap_or(0).min(months);
            last_day = day;
        }
        if running[c].0 != month {
            peak[c] = peak[c].max(running[c].1);
            running[c] = (month, 0);
        }
        running[c].1 += amount;
        Ok(())
    })?;
    for (c, (_, amount)) in running.into_iter().enumerate() {
        peak[c] = peak[c].max(amount);
    }
    // Limits are whole yuan on the grade scale; fen here, like the sales.
    let terms: HashMap<String, Terms> = conn
        .prepare_cached(
            "SELECT code, credit_limit * 100, payment_term_days, settlement FROM grade_level WHERE scale = 'credit'",
        )?
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?
        .collect::<rusqlite::Result<_>>()?;
    // What customers owe now: the kept open amounts (the statements' own
    // matching) less their credit balances; the card's own limit first.
    let estimated: bool = !conn.query_row("SELECT EXISTS (SELECT 1 FROM invoice)", [], |r| r.get(0))?;
    let mut owed: HashMap<String, (i64, i64)> = HashMap::new();
    if !estimated {
        let mut stmt = conn.prepare_cached(
            "SELECT customer_id, sum(open), sum(CASE WHEN due_on < ?1 THEN open ELSE 0 END)
               FROM receivable_open GROUP BY customer_id",
        )?;
        let mut rows = stmt.query([today.to_string()])?;
        while let Some(r) = rows.next()? {
            owed.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        }
        let mut stmt = conn.prepare_cached("SELECT customer_id, amount FROM receivable_credit")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            owed.entry(r.get(0)?).or_default().0 -= r.get::<_, i64>(1)?;
        }
    }
    let own_limits: HashMap<String, i64> = conn
        .prepare_cached("SELECT customer_id, credit_limit FROM credit_override")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut grades = grade_labels(conn, "credit")?;
    let mut sums: Vec<GradeSum> = vec![GradeSum::default(); grades.len()];
    let mut over = vec![];
    let total: i64 = revenue.iter().copied().filter(|r| *r > 0).sum();
    // The customers with sales in the period or money owed: those without a
    // sales line ever are read from their cards.
    let mut credit_customers: Vec<(Dim, i64, i64)> = vec![];
    let mut seen = HashSet::new();
    for (key, &amount) in revenue.iter().enumerate() {
        let Some(dim) = cx.dim(key) else { continue };
        seen.insert(dim.id.as_str());
        if amount != 0 || owed.get(&dim.id).is_some_and(|o| o.0 != 0) {
            credit_customers.push((dim.clone(), amount, peak[key]));
        }
    }
    let mut card = conn.prepare_cached(
        "SELECT grade, channel_type, credit_grade, territory_id, owner_id FROM customer WHERE id = ?1",
    )?;
    let mut unsold: Vec<&String> =
        owed.iter().filter(|(id, o)| o.0 != 0 && !seen.contains(id.as_str())).map(|(id, _)| id).collect();
    unsold.sort();
    for id in unsold {
        let Some(dim) = card
            .query_row([id], |r| {
                Ok(Dim {
                    id: id.clone(),
                    grade: r.get(0)?,
                    channel_type: r.get(1)?,
                    credit_grade: r.get(2)?,
                    territory: r.get(3)?,
                    owner: r.get(4)?,
                })
            })
            .optional()?
        else {
            continue;
        };
        if cx.allows(&dim.territory, &dim.owner) {
            credit_customers.push((dim, 0, 0));
        }
    }
    for (dim, amount, peak) in &credit_customers {
        let (amount, peak) = (*amount, *peak);
        let (balance, overdue) = owed.get(&dim.id).copied().unwrap_or_default();
        let g = group_index(&mut grades, dim.credit_grade.as_deref());
        if sums.len() < grades.len() {
            sums.resize(grades.len(), GradeSum::default());
        }
        let sum = &mut sums[g];
        sum.customers += 1;
        sum.revenue += amount;
        sum.balance += balance;
        sum.overdue += overdue;
        let grade_limit = dim.credit_grade.as_ref().and_then(|g| terms.get(g)).and_then(|t| t.0);
        let limit = own_limits.get(&dim.id).copied().or(grade_limit);
        let used = if estimated { peak } else { balance.max(0) };
        if let Some(limit) = limit.filter(|l| *l > 0) {
            let use_bp = share_bp(used, limit);
            sum.use_sum += u64::from(use_bp);
            sum.with_limit += 1;
            if used > limit {
                sum.over_limit += 1;
                over.push(CreditCustomer {
                    customer_id: dim.id.clone(),
                    name: String::new(),
                    credit_grade: dim.credit_grade.clone(),
                    owner_name: cx.staff_name(&dim.owner),
                    revenue: amount,
                    peak_month: peak,
                    balance,
                    overdue,
                    credit_limit: limit,
                    use_bp,
                });
            }
        }
    }
    over.sort_by(|a, b| b.use_bp.cmp(&a.use_bp).then_with(|| b.peak_month.cmp(&a.peak_month)));
    let over_limit_count = over.len() as u32;
    over.truncate(MAX_LISTED);
    let names = cx.names(conn, over.iter().map(|c| c.customer_id.as_str()))?;
    for c in &mut over {
        c.name = names.get(&c.customer_id).cloned().unwrap_or_default();
    }
    let grades = grades
        .into_iter()
        .zip(sums)
        .filter(|(g, s)| s.customers > 0 || g.key.is_some())
        .map(|(grade, s)| {
            let t = grade.key.as_ref().and_then(|k| terms.get(k)).cloned().unwrap_or_default();
            CreditSlice {
                grade,
                customers: s.customers,
                revenue: s.revenue,
                share_bp: share_bp(s.revenue, total),
                credit_limit: t.0,
                payment_term_days: t.1,
                settlement: t.2,
                balance: s.balance,
                overdue: s.overdue,
                over_limit: s.over_limit,
                average_use_bp: (s.with_limit > 0).then(|| (s.use_sum / u64::from(s.with_limit)) as u32),
            }
        })
        .collect();
    Ok(CreditAnalysis {
        period,
        scope: cx.scope.clone(),
        total_revenue: total,
        grades,
        over_limit: over,
        over_limit_count,
        estimated,
    })
}

// ------------------------------------------------------- 5. negative growth

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrowthRow {
    pub customer_id: String,
    pub name: String,
    pub grade: Option<String>,
    pub owner_id: String,
    pub owner_name: String,
    pub territory_name: String,
    #[ts(type = "number")]
    pub current: i64,
    #[ts(type = "number")]
    pub last_year: i64,
    #[ts(type = "number")]
    pub previous: i64,
    pub vs_last_year_bp: Option<i32>,
    pub vs_previous_bp: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NegativeGrowth {
    pub period: Period,
    pub last_year: Period,
    pub previous: Period,
    pub scope: AnalysisScope,
    /// Customers who bought less than in the same period last year or in the
    /// period before; the largest fall against last year first.
    pub customers: Vec<GrowthRow>,
    pub count: u32,
    /// Their revenue lost against last year.
    #[ts(type = "number")]
    pub lost_vs_last_year: i64,
    /// Such customers per owner: (owner, name, customers, lost vs last year).
    pub by_owner: Vec<OwnerLoss>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OwnerLoss {
    pub owner_id: String,
    pub owner_name: String,
    pub customers: u32,
    #[ts(type = "number")]
    pub lost: i64,
}

pub(crate) fn negative_growth(conn: &Connection, cx: &Context, period: Period) -> Result<NegativeGrowth> {
    let (last_year, previous) = (period.last_year(), period.previous());
    let current = cx.revenue(conn, period)?;
    let before = cx.revenue(conn, last_year)?;
    let prior = if previous == last_year { before.clone() } else { cx.revenue(conn, previous)? };
    let mut rows = vec![];
    for (key, dim) in cx.customers.iter().enumerate() {
        let Some(dim) = dim else { continue };
        let (now, ly, pp) = (current[key], before[key], prior[key]);
        if now < ly || now < pp {
            rows.push(GrowthRow {
                customer_id: dim.id.clone(),
                name: String::new(),
                grade: dim.grade.clone(),
                owner_id: dim.owner.clone(),
                owner_name: cx.staff_name(&dim.owner),
                territory_name: cx.unit_name(&dim.territory),
                current: now,
                last_year: ly,
                previous: pp,
                vs_last_year_bp: growth_bp(now, ly),
                vs_previous_bp: growth_bp(now, pp),
            });
        }
    }
    rows.sort_by(|a, b| {
        (b.last_year - b.current).cmp(&(a.last_year - a.current)).then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    let lost: i64 = rows.iter().map(|r| (r.last_year - r.current).max(0)).sum();
    let mut owners: HashMap<&str, (u32, i64)> = HashMap::new();
    for r in &rows {
        let e = owners.entry(r.owner_id.as_str()).or_default();
        e.0 += 1;
        e.1 += (r.last_year - r.current).max(0);
    }
    let mut by_owner: Vec<OwnerLoss> = owners
        .into_iter()
        .map(|(id, (customers, lost))| OwnerLoss {
            owner_id: id.to_string(),
            owner_name: cx.staff_name(id),
            customers,
            lost,
        })
        .collect();
    by_owner.sort_by(|a, b| b.lost.cmp(&a.lost).then_with(|| a.owner_name.cmp(&b.owner_name)));
    let count = rows.len() as u32;
    rows.truncate(MAX_LISTED);
    let names = cx.names(conn, rows.iter().map(|r| r.customer_id.as_str()))?;
    for r in &mut rows {
        r.name = names.get(&r.customer_id).cloned().unwrap_or_default();
    }
    Ok(NegativeGrowth {
        period,
        last_year,
        previous,
        scope: cx.scope.clone(),
        customers: rows,
        count,
        lost_vs_last_year: lost,
        by_owner,
    })
}

// --------------------------------------------------------- 6. monthly summary

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonthlyRow {
    /// A rep's id, or a region's.
    pub id: String,
    pub name: String,
    /// The rep's region (empty on a region's row).
    pub region_id: String,
    pub region_name: String,
    pub customers: u32,
    #[ts(type = "Array<number>")]
    pub months: Vec<i64>,
    #[ts(type = "number")]
    pub total: i64,
    /// The period's revenue target (none: no target in the book).
    #[ts(type = "number | null")]
    pub target: Option<i64>,
    /// What the submitted 旬 and month plans of the period planned (none: no plan).
    #[ts(type = "number | null")]
    pub plan: Option<i64>,
    /// The total against the target, in basis points.
    #[ts(type = "number | null")]
    pub done_bp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonthlySummary {
    pub period: Period,
    pub scope: AnalysisScope,
    pub months: Vec<String>,
    /// One row per owner of customers, grouped by region (regions by revenue).
    pub reps: Vec<MonthlyRow>,
    pub regions: Vec<MonthlyRow>,
    #[ts(type = "Array<number>")]
    pub totals: Vec<i64>,
    #[ts(type = "number")]
    pub total: i64,
    /// Customers who bought in the period, each once (not a sum of months or rows).
    pub customers: u32,
    /// The regions' targets and plans summed.
    #[ts(type = "number | null")]
    pub target: Option<i64>,
    #[ts(type = "number | null")]
    pub plan: Option<i64>,
    #[ts(type = "number | null")]
    pub done_bp: Option<i64>,
}

/// A total against its target, in basis points, as the targets' progress counts it.
fn done_bp(total: i64, target: Option<i64>) -> Option<i64> {
    target.and_then(|t| crate::targets::progress::share(total, t))
}

/// Adds an optional figure to an optional sum: none only while both are none.
fn add_some(sum: &mut Option<i64>, v: Option<i64>) {
    if let Some(v) = v {
        *sum = Some(sum.unwrap_or(0) + v);
    }
}

pub(crate) fn monthly(conn: &Connection, cx: &Context, period: Period) -> Result<MonthlySummary> {
    let months = period.months();
    let width = months.len();
    let first_month = period.from.year() * 12 + period.from.month0() as i32;
    // Owners and their rows.
    let mut owner_row: HashMap<&str, usize> = HashMap::new();
    let mut row_of = vec![usize::MAX; cx.customers.len()];
    let mut owners: Vec<&str> = vec![];
    for (key, dim) in cx.customers.iter().enumerate() {
        let Some(dim) = dim else { continue };
        let next = owners.len();
        let row = *owner_row.entry(dim.owner.as_str()).or_insert(next);
        if row == next {
            owners.push(dim.owner.as_str());
        }
        row_of[key] = row;
    }
    // The people's and regions' targets of the period, and the plans: a
    // person in scope with a target and no card that bought is a row too.
    let mut people: Vec<String> = owners.iter().map(|o| o.to_string()).collect();
    let mut others: Vec<&str> = cx
        .staff
        .iter()
        .filter(|(id, (_, unit))| !owner_row.contains_key(id.as_str()) && cx.allows(unit, id))
        .map(|(id, _)| id.as_str())
        .collect();
    others.sort_unstable();
    people.extend(others.iter().map(|o| o.to_string()));
    let region_of =
        |person: &str| cx.ancestor_of_kind(&cx.staff.get(person).map(|s| s.1.clone()).unwrap_or_default(), "region");
    let mut nodes = people.clone();
    nodes.extend(people.iter().map(|p| region_of(p)));
    nodes.sort();
    nodes.dedup();
    let targets = crate::targets::over_days(conn, &nodes, period.from, period.to)?;
    owners.extend(others.into_iter().filter(|o| targets.contains_key(*o)));
    let plans = crate::plans::planned(conn, &people, period.from, period.to)?;
    let mut cells = vec![0i64; owners.len() * width];
    let mut bought = vec![false; cx.customers.len()];
    let (mut last_day, mut m) = (i64::MIN, 0usize);
    cx.scan(conn, period, "day, amount", |c, r| {
        let (day, amount): (i64, i64) = (r.get(1)?, r.get(2)?);
        if day != last_day {
            let d = from_epoch_day(day);
            m = usize::try_from(d.year() * 12 + d.month0() as i32 - first_month).unwrap_or(0).min(width - 1);
            last_day = day;
        }
        let row = row_of[c];
        cells[row * width + m] += amount;
        bought[c] = true;
        Ok(())
    })?;
    let mut buyers = vec![0u32; owners.len()];
    let regions_of: Vec<String> = owners.iter().map(|o| region_of(o)).collect();
    for (c, &b) in bought.iter().enumerate() {
        if b {
            buyers[row_of[c]] += 1;
        }
    }
    let customers = bought.iter().filter(|b| **b).count() as u32;
    let mut reps: Vec<MonthlyRow> = owners
        .iter()
        .enumerate()
        .map(|(i, owner)| {
            let region = regions_of[i].clone();
            let row = cells[i * width..(i + 1) * width].to_vec();
            let total = row.iter().sum();
            let target = targets.get(*owner).copied();
            MonthlyRow {
                id: owner.to_string(),
                name: cx.staff_name(owner),
                region_name: cx.unit_name(&region),
                region_id: region,
                customers: buyers[i],
                total,
                months: row,
                target,
                plan: plans.get(*owner).copied(),
                done_bp: done_bp(total, target),
            }
        })
        // A rep with a target or a plan shows even without a sale.
        .filter(|r| r.total != 0 || r.target.is_some() || r.plan.is_some())
        .collect();
    let mut regions: Vec<MonthlyRow> = vec![];
    for r in &reps {
        let i = match regions.iter().position(|g| g.id == r.region_id) {
            Some(i) => i,
            None => {
                regions.push(MonthlyRow {
                    id: r.region_id.clone(),
                    name: r.region_name.clone(),
                    region_id: String::new(),
                    region_name: String::new(),
                    customers: 0,
                    months: vec![0; width],
                    total: 0,
                    target: targets.get(&r.region_id).copied(),
                    plan: None,
                    done_bp: None,
                });
                regions.len() - 1
            }
        };
        regions[i].customers += r.customers;
        regions[i].total += r.total;
        add_some(&mut regions[i].plan, r.plan);
        for (m, v) in r.months.iter().enumerate() {
            regions[i].months[m] += v;
        }
    }
    regions.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.name.cmp(&b.name)));
    let rank: HashMap<String, usize> = regions.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
    reps.sort_by(|a, b| {
        rank[&a.region_id]
            .cmp(&rank[&b.region_id])
            .then_with(|| b.total.cmp(&a.total))
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut totals = vec![0i64; width];
    let (mut target, mut plan) = (None, None);
    for r in &mut regions {
        r.done_bp = done_bp(r.total, r.target);
        for (m, v) in r.months.iter().enumerate() {
            totals[m] += v;
        }
        add_some(&mut target, r.target);
        add_some(&mut plan, r.plan);
    }
    let total = totals.iter().sum();
    Ok(MonthlySummary {
        period,
        scope: cx.scope.clone(),
        months,
        total,
        totals,
        reps,
        regions,
        customers,
        target,
        plan,
        done_bp: done_bp(total, target),
    })
}

/// Each customer's revenue over the trailing twelve months to `today` (the
/// ABC suggestion's basis once sales lines exist), by customer id.
pub fn trailing_year(conn: &Connection, today: NaiveDate) -> Result<HashMap<String, i64>> {
    let from = today.checked_sub_months(Months::new(12)).unwrap_or(today).succ_opt().unwrap_or(today);
    let mut sums: Vec<i64> = vec![];
    let mut stmt = conn.prepare_cached("SELECT customer_key, amount FROM sales_fact WHERE day BETWEEN ?1 AND ?2")?;
    let mut rows = stmt.query([epoch_day(from), epoch_day(today)])?;
    while let Some(r) = rows.next()? {
        let key = usize::try_from(r.get::<_, i64>(0)?).unwrap_or(0);
        if sums.len() <= key {
            sums.resize(key + 1, 0);
        }
        sums[key] += r.get::<_, i64>(1)?;
    }
    let mut out = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT key, customer_id FROM sales_customer_key")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key = usize::try_from(r.get::<_, i64>(0)?).unwrap_or(usize::MAX);
        if let Some(&amount) = sums.get(key).filter(|a| **a != 0) {
            out.insert(r.get(1)?, amount);
        }
    }
    Ok(out)
}
