//! The receivables analyses (issue 22): what customers owe by how long past
//! due, by part of the organisation, rep and credit grade ([`aging`]); who
//! owes overdue money and who must act on it ([`overdue`]); what was
//! invoiced and collected month by month, cash apart from marketing expenses,
//! with days sales outstanding ([`collections`]); and how completely and how
//! fast approved orders went out ([`fulfilment`]).
//!
//! Open amounts are the kept ones ([`super::open`]), the statements' own
//! matching; every day boundary is the business time zone's.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::shipping;
use super::statement::Aging;
use crate::clock::Zone;
use crate::error::Result;
use crate::org::Viewer;
use crate::sales::analysis::{share_bp, AnalysisScope, GroupLabel, Period, Reach, MAX_LISTED};

/// Who must act on an overdue debt: the rep once it is past due, the
/// regional manager past the credit grade's `manager_after_days`, head
/// office past its `office_after_days` (when new orders also go on hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Escalation {
    Rep,
    Manager,
    Office,
}

impl Escalation {
    pub const ALL: [Escalation; 3] = [Escalation::Rep, Escalation::Manager, Escalation::Office];

    pub fn as_str(self) -> &'static str {
        match self {
            Escalation::Rep => "rep",
            Escalation::Manager => "manager",
            Escalation::Office => "office",
        }
    }
}

/// Days past due after which a debt goes to the manager, and to head office,
/// when the credit grade does not say.
pub const MANAGER_AFTER_DAYS: u32 = 30;
pub const OFFICE_AFTER_DAYS: u32 = 60;

/// Who must act on a debt `days` past due, by the grade's thresholds.
pub fn escalation(days: u32, manager_after: u32, office_after: u32) -> Option<Escalation> {
    if days == 0 {
        None
    } else if days > office_after {
        Some(Escalation::Office)
    } else if days > manager_after {
        Some(Escalation::Manager)
    } else {
        Some(Escalation::Rep)
    }
}

/// One card as the receivables analyses group it.
struct Holder {
    territory: String,
    owner: String,
}

/// The cards in the analysis, by id (one pass of the covering index).
fn holders(conn: &Connection, reach: &Reach) -> Result<HashMap<String, Holder>> {
    let mut out = HashMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT id, territory_id, owner_id FROM customer INDEXED BY customer_analysis")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let territory = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let owner = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
        if reach.allows(territory, owner) {
            out.insert(r.get(0)?, Holder { territory: territory.to_string(), owner: owner.to_string() });
        }
    }
    Ok(out)
}

/// One card's open amounts on a day, as [`each_open`] gives them.
struct Open<'a> {
    customer: &'a str,
    territory: &'a str,
    owner: &'a str,
    credit_grade: Option<&'a str>,
    aging: Aging,
    /// The oldest due day among what is overdue.
    oldest: Option<NaiveDate>,
}

/// Calls `f` for every customer in `reach` with something open, with its
/// open amounts on `on` by bucket. Both the kept open amounts (summed per
/// customer) and the cards are read in customer order from covering indexes
/// and merged here: one pass of each, where a join would look every customer's
/// card up on its own (twice the time on 100,000 cards).
fn each_open(conn: &Connection, reach: &Reach, on: NaiveDate, mut f: impl FnMut(Open<'_>)) -> Result<()> {
    let back = |days: i64| (on - chrono::Duration::days(days)).to_string();
    let mut sums = conn.prepare_cached(
        "SELECT customer_id,
                sum(CASE WHEN due_on >= ?1 THEN open ELSE 0 END),
                sum(CASE WHEN due_on < ?1 AND due_on >= ?2 THEN open ELSE 0 END),
                sum(CASE WHEN due_on < ?2 AND due_on >= ?3 THEN open ELSE 0 END),
                sum(CASE WHEN due_on < ?3 AND due_on >= ?4 THEN open ELSE 0 END),
                sum(CASE WHEN due_on < ?4 THEN open ELSE 0 END),
                min(CASE WHEN due_on < ?1 THEN due_on END)
           FROM receivable_open INDEXED BY receivable_open_customer
          GROUP BY customer_id ORDER BY customer_id",
    )?;
    let mut cards = conn.prepare_cached(
        "SELECT id, territory_id, owner_id, credit_grade FROM customer INDEXED BY customer_analysis ORDER BY id",
    )?;
    let mut sums = sums.query(rusqlite::params![on.to_string(), back(30), back(60), back(90)])?;
    let mut cards = cards.query([])?;
    // The current card: id, territory, owner, credit grade (buffers reused).
    let (mut id, mut territory, mut owner, mut grade) = (String::new(), String::new(), String::new(), None::<String>);
    let mut more_cards = true;
    while let Some(r) = sums.next()? {
        let customer = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        while more_cards && id.as_str() < customer {
            match cards.next()? {
                Some(c) => {
                    let text = |i: usize| c.get_ref(i).and_then(|v| v.as_str().map_err(rusqlite::Error::from));
                    id.clear();
                    id.push_str(text(0)?);
                    territory.clear();
                    territory.push_str(text(1)?);
                    owner.clear();
                    owner.push_str(text(2)?);
                    grade = c.get_ref(3)?.as_str_or_null().map_err(rusqlite::Error::from)?.map(str::to_string);
                }
                None => more_cards = false,
            }
        }
        if id != customer || !reach.allows(&territory, &owner) {
            continue;
        }
        f(Open {
            customer,
            territory: &territory,
            owner: &owner,
            credit_grade: grade.as_deref(),
            aging: Aging {
                not_due: r.get(1)?,
                up_to_30: r.get(2)?,
                up_to_60: r.get(3)?,
                up_to_90: r.get(4)?,
                over_90: r.get(5)?,
            },
            oldest: r
                .get_ref(6)?
                .as_str_or_null()
                .ok()
                .flatten()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        });
    }
    Ok(())
}

/// What the customers in `reach` have paid ahead (their credit balances).
fn credit_balance(conn: &Connection, reach: &Reach) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.amount, c.territory_id, c.owner_id
           FROM receivable_credit r JOIN customer c INDEXED BY customer_analysis ON c.id = r.customer_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut sum = 0;
    while let Some(r) = rows.next()? {
        let text = |i: usize| r.get_ref(i).and_then(|v| v.as_str().map_err(rusqlite::Error::from));
        if reach.allows(text(1)?, text(2)?) {
            sum += r.get::<_, i64>(0)?;
        }
    }
    Ok(sum)
}

/// The credit grades' labels and escalation days.
fn grades(conn: &Connection) -> Result<Vec<(GroupLabel, u32, u32)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, label_zh, label_en, manager_after_days, office_after_days FROM grade_level
          WHERE scale = 'credit' ORDER BY position",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            GroupLabel { key: Some(r.get(0)?), label_zh: r.get(1)?, label_en: r.get(2)? },
            r.get::<_, Option<u32>>(3)?.unwrap_or(MANAGER_AFTER_DAYS),
            r.get::<_, Option<u32>>(4)?.unwrap_or(OFFICE_AFTER_DAYS),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn no_grade() -> GroupLabel {
    GroupLabel { key: None, label_zh: "未定".into(), label_en: "Not set".into() }
}

// ------------------------------------------------------------------ aging

/// A group's receivables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgingGroup {
    /// An org unit's or a rep's id, or a credit grade's code (None: not set).
    pub id: Option<String>,
    pub name: String,
    pub name_en: String,
    /// `province`, `region`, `territory` …, `rep` or `grade`.
    pub kind: String,
    /// It can be drilled into.
    pub has_children: bool,
    /// Customers who owe something.
    pub customers: u32,
    /// Of them, customers with something overdue.
    pub overdue_customers: u32,
    pub aging: Aging,
    /// Overdue as a share of what is open.
    pub overdue_bp: u32,
}

/// What the customers in scope owe on a day, by how long past due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReceivablesAging {
    pub on: String,
    pub scope: AnalysisScope,
    pub path: Vec<GroupLabel>,
    pub total: Aging,
    /// Payments no invoice took (the customers' credit balances).
    #[ts(type = "number")]
    pub credit_balance: i64,
    pub customers: u32,
    pub overdue_customers: u32,
    pub overdue_bp: u32,
    /// By the units right below the unit shown (or its reps).
    pub parts: Vec<AgingGroup>,
    /// By the reps who hold the cards.
    pub owners: Vec<AgingGroup>,
    /// By credit grade.
    pub grades: Vec<AgingGroup>,
}

#[derive(Default, Clone, Copy)]
struct Sum {
    customers: u32,
    overdue_customers: u32,
    aging: Aging,
}

impl Sum {
    fn add(&mut self, aging: &Aging) {
        self.customers += 1;
        self.overdue_customers += u32::from(aging.overdue() > 0);
        self.aging.merge(aging);
    }
}

fn group(id: Option<String>, name: String, name_en: String, kind: &str, has_children: bool, s: Sum) -> AgingGroup {
    AgingGroup {
        id,
        name,
        name_en,
        kind: kind.to_string(),
        has_children,
        customers: s.customers,
        overdue_customers: s.overdue_customers,
        overdue_bp: share_bp(s.aging.overdue(), s.aging.total()),
        aging: s.aging,
    }
}

fn by_size(groups: &mut [AgingGroup]) {
    groups.sort_by(|a, b| b.aging.total().cmp(&a.aging.total()).then_with(|| a.name.cmp(&b.name)));
}

pub(crate) fn aging(conn: &Connection, reach: &Reach, viewer: &Viewer, on: NaiveDate) -> Result<ReceivablesAging> {
    let mut parts_of = reach.parts();
    let mut parts: HashMap<String, Sum> = HashMap::new();
    let mut owners: HashMap<String, Sum> = HashMap::new();
    // A handful of grades: searched in a list, no key made per customer.
    let mut by_grade: Vec<(Option<String>, Sum)> = vec![];
    let mut total = Sum::default();
    each_open(conn, reach, on, |o| {
        let a = &o.aging;
        if a.total() == 0 {
            return;
        }
        total.add(a);
        parts.entry(parts_of.of(o.territory, o.owner)).or_default().add(a);
        match owners.get_mut(o.owner) {
            Some(s) => s.add(a),
            None => owners.entry(o.owner.to_string()).or_default().add(a),
        }
        match by_grade.iter_mut().find(|(g, _)| g.as_deref() == o.credit_grade) {
            Some((_, s)) => s.add(a),
            None => {
                let mut s = Sum::default();
                s.add(a);
                by_grade.push((o.credit_grade.map(str::to_string), s));
            }
        }
    })?;
    let credit_balance = credit_balance(conn, reach)?;
    let mut part_rows: Vec<AgingGroup> = parts
        .into_iter()
        .map(|(id, s)| {
            let (name, kind, drill) = parts_of.describe(&id);
            group(Some(id), name.clone(), name, &kind, drill, s)
        })
        .collect();
    by_size(&mut part_rows);
    let mut owner_rows: Vec<AgingGroup> = owners
        .into_iter()
        .map(|(id, s)| {
            let name = reach.staff_name(&id);
            group(Some(id), name.clone(), name, "rep", false, s)
        })
        .collect();
    by_size(&mut owner_rows);
    // Grades in the scale's order, those nobody owes included; then codes
    // the scale no longer has, and "not set".
    let mut grade_rows = vec![];
    for (label, _, _) in grades(conn)? {
        let s = match by_grade.iter().position(|(g, _)| *g == label.key) {
            Some(i) => by_grade.swap_remove(i).1,
            None => Sum::default(),
        };
        grade_rows.push(group(label.key, label.label_zh, label.label_en, "grade", false, s));
    }
    let mut rest = by_grade;
    rest.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, s) in rest {
        let label = key.clone().map_or_else(no_grade, |k| GroupLabel {
            key: Some(k.clone()),
            label_zh: k.clone(),
            label_en: k,
        });
        grade_rows.push(group(key, label.label_zh, label.label_en, "grade", false, s));
    }
    Ok(ReceivablesAging {
        on: on.to_string(),
        scope: reach.scope.clone(),
        path: reach.path(viewer, &parts_of.root),
        overdue_bp: share_bp(total.aging.overdue(), total.aging.total()),
        customers: total.customers,
        overdue_customers: total.overdue_customers,
        total: total.aging,
        credit_balance,
        parts: part_rows,
        owners: owner_rows,
        grades: grade_rows,
    })
}

// ---------------------------------------------------------------- overdue

/// A customer with money overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OverdueCustomer {
    pub customer_id: String,
    pub code: Option<String>,
    pub name: String,
    pub phone: Option<String>,
    pub owner_id: String,
    pub owner_name: String,
    pub territory_name: String,
    pub credit_grade: Option<String>,
    /// Everything open, and of it what is overdue.
    #[ts(type = "number")]
    pub open: i64,
    #[ts(type = "number")]
    pub overdue: i64,
    pub aging: Aging,
    pub oldest_days_past_due: u32,
    /// Who must act now.
    pub escalation: Escalation,
}

/// How many customers and how much is at each step of the escalation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EscalationStep {
    pub escalation: Escalation,
    pub customers: u32,
    #[ts(type = "number")]
    pub overdue: i64,
}

/// Who owes overdue money, most overdue first, and who must act on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OverdueList {
    pub on: String,
    pub scope: AnalysisScope,
    #[ts(type = "number")]
    pub overdue: i64,
    pub count: u32,
    pub steps: Vec<EscalationStep>,
    /// At most [`MAX_LISTED`] customers (the export has them all).
    pub customers: Vec<OverdueCustomer>,
}

/// Every customer in scope with money overdue on `on`, longest overdue
/// first (the whole list; [`overdue`] cuts it for the screen). Their code,
/// name and phone are left for [`name`], called on the rows shown.
pub(crate) fn overdue_customers(conn: &Connection, reach: &Reach, on: NaiveDate) -> Result<Vec<OverdueCustomer>> {
    let thresholds: HashMap<String, (u32, u32)> =
        grades(conn)?.into_iter().filter_map(|(l, m, o)| l.key.map(|k| (k, (m, o)))).collect();
    let mut out = vec![];
    each_open(conn, reach, on, |o| {
        let Some(oldest) = o.oldest else { return };
        if o.aging.overdue() == 0 {
            return;
        }
        let days = u32::try_from((on - oldest).num_days()).unwrap_or(0);
        let (manager, office) =
            o.credit_grade.and_then(|g| thresholds.get(g)).copied().unwrap_or((MANAGER_AFTER_DAYS, OFFICE_AFTER_DAYS));
        let Some(step) = escalation(days, manager, office) else { return };
        out.push(OverdueCustomer {
            customer_id: o.customer.to_string(),
            code: None,
            name: String::new(),
            phone: None,
            owner_name: reach.staff_name(o.owner),
            owner_id: o.owner.to_string(),
            territory_name: reach.unit_name(o.territory),
            credit_grade: o.credit_grade.map(str::to_string),
            open: o.aging.total(),
            overdue: o.aging.overdue(),
            aging: o.aging,
            oldest_days_past_due: days,
            escalation: step,
        });
    })?;
    out.sort_by(|a, b| {
        b.escalation
            .cmp(&a.escalation)
            .then_with(|| b.overdue.cmp(&a.overdue))
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    Ok(out)
}

/// Fills in the code, name and phone of these customers from their cards.
pub(crate) fn name(conn: &Connection, customers: &mut [OverdueCustomer]) -> Result<()> {
    let mut stmt = conn.prepare_cached("SELECT code, name, phone FROM customer WHERE id = ?1")?;
    for c in customers {
        let (code, name, phone) = stmt.query_row([&c.customer_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        (c.code, c.name, c.phone) = (code, name, phone);
    }
    Ok(())
}

pub(crate) fn overdue(conn: &Connection, reach: &Reach, on: NaiveDate) -> Result<OverdueList> {
    let mut list = listed(overdue_customers(conn, reach, on)?, reach, on);
    name(conn, &mut list.customers)?;
    Ok(list)
}

/// The list of these customers: the steps' sums and the first [`MAX_LISTED`].
pub(crate) fn listed(mut customers: Vec<OverdueCustomer>, reach: &Reach, on: NaiveDate) -> OverdueList {
    let steps = Escalation::ALL
        .into_iter()
        .rev()
        .map(|step| {
            let these = customers.iter().filter(|c| c.escalation == step);
            EscalationStep {
                escalation: step,
                customers: these.clone().count() as u32,
                overdue: these.map(|c| c.overdue).sum(),
            }
        })
        .collect();
    let overdue = customers.iter().map(|c| c.overdue).sum();
    let count = customers.len() as u32;
    customers.truncate(MAX_LISTED);
    OverdueList { on: on.to_string(), scope: reach.scope.clone(), overdue, count, steps, customers }
}

/// The lowest step of the escalation a person acts on: a rep on every debt
/// of their customers, a manager from the manager's step, head office (and
/// its sales administration, in their regions) from its own.
pub fn acts_from(role: crate::model::StaffRole) -> Escalation {
    match role {
        crate::model::StaffRole::Rep => Escalation::Rep,
        crate::model::StaffRole::HeadOffice | crate::model::StaffRole::SalesAdmin => Escalation::Office,
        _ => Escalation::Manager,
    }
}

/// The debts `viewer` must act on today (their part of the organisation, from
/// their step of the escalation up): the `first` most urgent, named, with how
/// many there are and how much they owe overdue.
pub(crate) fn debts_to_act(
    conn: &Connection,
    viewer: &Viewer,
    today: NaiveDate,
    first: usize,
) -> Result<(Vec<OverdueCustomer>, u32, i64)> {
    let reach = Reach::load(conn, viewer, None)?;
    let from = acts_from(viewer.role);
    let mut debts: Vec<OverdueCustomer> =
        overdue_customers(conn, &reach, today)?.into_iter().filter(|c| c.escalation >= from).collect();
    let (count, overdue) = (debts.len() as u32, debts.iter().map(|d| d.overdue).sum());
    debts.truncate(first);
    name(conn, &mut debts)?;
    Ok((debts, count, overdue))
}

// -------------------------------------------------------------- month end

/// The payment cut-off of seed 002 (每月25日为截账期): head office's
/// `payment_cutoff` reminder says the day (25 unless it changed it); the
/// distributors' stock reports of the 18th–20th are its `inventory_reports`
/// reminder ([`crate::fieldwork::calendar`]).
pub const PAYMENT_CUTOFF: u32 = 25;
pub const CUTOFF_REMINDER: &str = "payment_cutoff";

/// The cut-off's day of the month as head office set it.
fn cutoff_day(conn: &Connection) -> Result<u32> {
    let day: Option<u32> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT day_of_month FROM reminder WHERE id = ?1 AND active = 1",
        [CUTOFF_REMINDER],
        |r| r.get(0),
    ))?;
    Ok(day.unwrap_or(PAYMENT_CUTOFF).clamp(1, 31))
}

/// `day` of `month`'s month, or its last day when the month is shorter.
fn day_of(month: NaiveDate, day: u32) -> NaiveDate {
    (0..4).find_map(|back| month.with_day(day.saturating_sub(back))).unwrap_or(month)
}

/// The next payment cut-off on or after `today`, on day `day` of the month.
pub fn next_cutoff(today: NaiveDate, day: u32) -> NaiveDate {
    let this = day_of(today, day);
    if today <= this {
        this
    } else {
        let next = today.with_day(1).and_then(|d| d.checked_add_months(Months::new(1))).unwrap_or(today);
        day_of(next, day)
    }
}

/// The cut-off reminder on the home page: what is still owed by then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonthEnd {
    pub cutoff: String,
    /// Customers (of the viewer's part) with money due by the cut-off still open, and how much.
    pub customers: u32,
    #[ts(type = "number")]
    pub amount: i64,
}

/// Who still owes money due by the next payment cut-off, as the overdue list
/// counts it on the cut-off day: what falls due by then and is not paid yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Cutoff {
    pub today: String,
    pub cutoff: String,
    pub list: OverdueList,
}

/// [`overdue_customers`] as they will stand at the end of the next cut-off day.
pub(crate) fn cutoff_customers(
    conn: &Connection,
    reach: &Reach,
    today: NaiveDate,
) -> Result<(NaiveDate, Vec<OverdueCustomer>)> {
    let cutoff = next_cutoff(today, cutoff_day(conn)?);
    let after = cutoff.succ_opt().unwrap_or(cutoff);
    Ok((cutoff, overdue_customers(conn, reach, after)?))
}

pub(crate) fn cutoff(conn: &Connection, reach: &Reach, today: NaiveDate) -> Result<Cutoff> {
    let (cutoff, customers) = cutoff_customers(conn, reach, today)?;
    let mut list = listed(customers, reach, cutoff);
    name(conn, &mut list.customers)?;
    Ok(Cutoff { today: today.to_string(), cutoff: cutoff.to_string(), list })
}

/// While the cut-off's reminder is on the home page (its `reminders`): what
/// `viewer`'s customers still owe by the cut-off.
pub(crate) fn month_end(
    conn: &Connection,
    viewer: &Viewer,
    today: NaiveDate,
    reminders: &[crate::fieldwork::calendar::ReminderDue],
) -> Result<Option<MonthEnd>> {
    if !reminders.iter().any(|r| r.id == CUTOFF_REMINDER) {
        return Ok(None);
    }
    let reach = Reach::load(conn, viewer, None)?;
    let (cutoff, owing) = cutoff_customers(conn, &reach, today)?;
    Ok(Some(MonthEnd {
        cutoff: cutoff.to_string(),
        customers: owing.len() as u32,
        amount: owing.iter().map(|c| c.overdue).sum(),
    }))
}

// ------------------------------------------------------------ collections

/// A month's invoicing and collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CollectionMonth {
    /// `YYYY-MM`.
    pub month: String,
    #[ts(type = "number")]
    pub invoiced: i64,
    /// Payments in cash (现金款) and charged to marketing expenses (费用款).
    #[ts(type = "number")]
    pub paid_cash: i64,
    #[ts(type = "number")]
    pub paid_expense: i64,
    /// What the customers owed at the month's end (or the period's last day).
    #[ts(type = "number")]
    pub balance: i64,
    /// Days sales outstanding: the month-end balance against the month's
    /// invoicing, per day of the month (none when nothing was invoiced).
    pub dso_days: Option<u32>,
}

/// A part's collection in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CollectionPart {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub has_children: bool,
    #[ts(type = "number")]
    pub invoiced: i64,
    #[ts(type = "number")]
    pub paid_cash: i64,
    #[ts(type = "number")]
    pub paid_expense: i64,
    /// Marketing expenses as a share of everything paid.
    pub expense_bp: u32,
    #[ts(type = "number")]
    pub balance: i64,
    pub dso_days: Option<u32>,
}

/// Invoicing and collection over a period, month by month and by part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Collections {
    pub period: Period,
    pub scope: AnalysisScope,
    pub path: Vec<GroupLabel>,
    pub months: Vec<CollectionMonth>,
    pub parts: Vec<CollectionPart>,
    #[ts(type = "number")]
    pub invoiced: i64,
    #[ts(type = "number")]
    pub paid_cash: i64,
    #[ts(type = "number")]
    pub paid_expense: i64,
    pub expense_bp: u32,
    /// What the customers owed when the period began and at its end.
    #[ts(type = "number")]
    pub opening_balance: i64,
    #[ts(type = "number")]
    pub balance: i64,
    /// Over the whole period.
    pub dso_days: Option<u32>,
}

/// Days sales outstanding: `balance` against `invoiced` over `days` days.
pub fn dso(balance: i64, invoiced: i64, days: i64) -> Option<u32> {
    (invoiced > 0).then(|| {
        let d = i128::from(balance.max(0)) * i128::from(days) / i128::from(invoiced);
        u32::try_from(d).unwrap_or(u32::MAX)
    })
}

pub(crate) fn collections(conn: &Connection, reach: &Reach, viewer: &Viewer, period: Period) -> Result<Collections> {
    let holders = holders(conn, reach)?;
    let months = period.months();
    let month_index = |day: &str| -> Option<usize> { months.iter().position(|m| day.starts_with(m.as_str())) };
    let mut parts_of = reach.parts();
    let n = months.len();
    // Per month: invoiced, cash, expense; per part: the same and the balance.
    let mut by_month = vec![(0i64, 0i64, 0i64); n];
    let mut parts: HashMap<String, (i64, i64, i64, i64)> = HashMap::new();
    let (mut opening, from, to) = (0i64, period.from.to_string(), period.to.to_string());
    let mut invoices = conn.prepare_cached(
        "SELECT customer_id, issued_on, sum(amount) FROM invoice WHERE issued_on <= ?1 GROUP BY customer_id, issued_on",
    )?;
    let mut rows = invoices.query([&to])?;
    while let Some(r) = rows.next()? {
        let customer = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let Some(h) = holders.get(customer) else { continue };
        let day = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let amount: i64 = r.get(2)?;
        let part = parts.entry(parts_of.of(&h.territory, &h.owner)).or_default();
        part.3 += amount;
        if day < from.as_str() {
            opening += amount;
        } else if let Some(m) = month_index(day) {
            by_month[m].0 += amount;
            part.0 += amount;
        }
    }
    let mut payments = conn.prepare_cached(
        "SELECT customer_id, paid_on, kind, sum(amount) FROM payment WHERE paid_on <= ?1 GROUP BY customer_id, paid_on, kind",
    )?;
    let mut rows = payments.query([&to])?;
    while let Some(r) = rows.next()? {
        let customer = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let Some(h) = holders.get(customer) else { continue };
        let day = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let expense = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)? == "expense";
        let amount: i64 = r.get(3)?;
        let part = parts.entry(parts_of.of(&h.territory, &h.owner)).or_default();
        part.3 -= amount;
        if day < from.as_str() {
            opening -= amount;
        } else if let Some(m) = month_index(day) {
            if expense {
                by_month[m].2 += amount;
                part.2 += amount;
            } else {
                by_month[m].1 += amount;
                part.1 += amount;
            }
        }
    }
    let mut balance = opening;
    let mut month_rows = Vec::with_capacity(n);
    for (i, month) in months.iter().enumerate() {
        let (invoiced, cash, expense) = by_month[i];
        balance += invoiced - cash - expense;
        let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").unwrap_or(period.from);
        let last = first.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first);
        let days = (last.min(period.to) - first.max(period.from)).num_days() + 1;
        month_rows.push(CollectionMonth {
            month: month.clone(),
            invoiced,
            paid_cash: cash,
            paid_expense: expense,
            balance,
            dso_days: dso(balance, invoiced, days),
        });
    }
    let days = (period.to - period.from).num_days() + 1;
    let mut part_rows: Vec<CollectionPart> = parts
        .into_iter()
        .filter(|(_, p)| p.0 != 0 || p.1 != 0 || p.2 != 0 || p.3 != 0)
        .map(|(id, (invoiced, cash, expense, balance))| {
            let (name, kind, has_children) = parts_of.describe(&id);
            CollectionPart {
                id,
                name,
                kind,
                has_children,
                invoiced,
                paid_cash: cash,
                paid_expense: expense,
                expense_bp: share_bp(expense, cash + expense),
                balance,
                dso_days: dso(balance, invoiced, days),
            }
        })
        .collect();
    part_rows.sort_by(|a, b| b.invoiced.cmp(&a.invoiced).then_with(|| a.name.cmp(&b.name)));
    let invoiced: i64 = by_month.iter().map(|m| m.0).sum();
    let paid_cash: i64 = by_month.iter().map(|m| m.1).sum();
    let paid_expense: i64 = by_month.iter().map(|m| m.2).sum();
    Ok(Collections {
        period,
        scope: reach.scope.clone(),
        path: reach.path(viewer, &parts_of.root),
        months: month_rows,
        parts: part_rows,
        invoiced,
        paid_cash,
        paid_expense,
        expense_bp: share_bp(paid_expense, paid_cash + paid_expense),
        opening_balance: opening,
        balance,
        dso_days: dso(balance, invoiced, days),
    })
}

// ------------------------------------------------------------- fulfilment

/// How approved orders went out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FulfilmentFigures {
    /// Orders approved in the period (and not cancelled since).
    pub orders: u32,
    /// Units ordered, shipped, and cancelled as backorders.
    #[ts(type = "number")]
    pub ordered: i64,
    #[ts(type = "number")]
    pub shipped: i64,
    #[ts(type = "number")]
    pub cancelled: i64,
    /// Shipped as a share of ordered.
    pub fill_bp: u32,
    /// Orders whose time is up (shipped in full, or past their ship-by day),
    /// and of them those shipped in full by the ship-by day.
    pub due: u32,
    pub on_time: u32,
    pub on_time_bp: u32,
    /// Orders still lacking something after their ship-by day.
    pub late_open: u32,
    /// Orders shipped in full, and their office work days from approval to
    /// the last shipment, in tenths of a day on average.
    pub complete: u32,
    pub average_days_tenths: Option<u32>,
}

impl FulfilmentFigures {
    fn finish(mut self, days_sum: u64) -> Self {
        self.fill_bp = share_bp(self.shipped, self.ordered);
        self.on_time_bp = share_bp(i64::from(self.on_time), i64::from(self.due));
        self.average_days_tenths =
            (self.complete > 0).then(|| u32::try_from(days_sum * 10 / u64::from(self.complete)).unwrap_or(u32::MAX));
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FulfilmentPart {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub has_children: bool,
    pub figures: FulfilmentFigures,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Fulfilment {
    pub period: Period,
    pub scope: AnalysisScope,
    pub path: Vec<GroupLabel>,
    pub total: FulfilmentFigures,
    pub parts: Vec<FulfilmentPart>,
    /// By the month of approval.
    pub months: Vec<FulfilmentMonth>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FulfilmentMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub figures: FulfilmentFigures,
}

/// One approved order as the fulfilment counts it.
struct Outcome {
    ordered: i64,
    shipped: i64,
    cancelled: i64,
    /// Shipped in full: by its ship-by day, and after how many work days.
    done: Option<(bool, u64)>,
    late_open: bool,
}

impl Outcome {
    /// Adds to figures and their sum of days to ship.
    fn add(&self, to: &mut (FulfilmentFigures, u64)) {
        let f = &mut to.0;
        f.orders += 1;
        f.ordered += self.ordered;
        f.shipped += self.shipped;
        f.cancelled += self.cancelled;
        if let Some((on_time, days)) = self.done {
            f.due += 1;
            f.on_time += u32::from(on_time);
            f.complete += 1;
            to.1 += days;
        } else if self.late_open {
            f.due += 1;
            f.late_open += 1;
        }
    }
}

/// Office work days (Monday–Friday) after `from` up to and including `to`.
fn work_days_between(from: NaiveDate, to: NaiveDate) -> u64 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        d = d.succ_opt().unwrap_or(to);
        n += u64::from(shipping::office_work_day(d));
    }
    n
}

pub(crate) fn fulfilment(
    conn: &Connection,
    reach: &Reach,
    viewer: &Viewer,
    period: Period,
    zone: Zone,
    today: NaiveDate,
) -> Result<Fulfilment> {
    let holders = holders(conn, reach)?;
    // Approval timestamps are UTC; a day either side, then the business day decides.
    let after = (period.from - chrono::Duration::days(1)).to_string();
    let before = (period.to + chrono::Duration::days(2)).to_string();
    let mut stmt = conn.prepare_cached(
        "SELECT o.customer_id, o.reviewed_at,
                (SELECT coalesce(sum(l.quantity), 0) FROM order_line l WHERE l.order_id = o.id),
                (SELECT coalesce(sum(l.cancelled), 0) FROM order_line l WHERE l.order_id = o.id),
                (SELECT coalesce(sum(s.quantity), 0) FROM shipment_line s JOIN order_line l ON l.id = s.order_line_id
                  WHERE l.order_id = o.id),
                (SELECT max(shipped_on) FROM shipment WHERE order_id = o.id),
                (SELECT max(updated_at) FROM order_line l WHERE l.order_id = o.id AND l.cancelled > 0)
           FROM sales_order o INDEXED BY sales_order_status
          WHERE o.status = 'approved' AND o.reviewed_at >= ?1 AND o.reviewed_at < ?2",
    )?;
    let months = period.months();
    let mut parts_of = reach.parts();
    let mut total = (FulfilmentFigures::default(), 0u64);
    let mut parts: HashMap<String, (FulfilmentFigures, u64)> = HashMap::new();
    let mut by_month: Vec<(FulfilmentFigures, u64)> = vec![Default::default(); months.len()];
    let mut rows = stmt.query([&after, &before])?;
    while let Some(r) = rows.next()? {
        let customer = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let Some(h) = holders.get(customer) else { continue };
        let Some(approved) = r.get_ref(1)?.as_str().ok().and_then(crate::clock::parse_timestamp).map(|at| zone.day(at))
        else {
            continue;
        };
        if approved < period.from || approved > period.to {
            continue;
        }
        let (ordered, cancelled, shipped): (i64, i64, i64) = (r.get(2)?, r.get(3)?, r.get(4)?);
        let last: Option<NaiveDate> =
            r.get::<_, Option<String>>(5)?.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
        // What was not shipped was cancelled on the day its line last changed.
        let cancelled_on = r.get_ref(6)?.as_str().ok().and_then(crate::clock::parse_timestamp).map(|at| zone.day(at));
        let by = shipping::ship_by(approved);
        let done =
            (shipped + cancelled >= ordered).then(|| last.into_iter().chain(cancelled_on).max().unwrap_or(approved));
        let outcome = Outcome {
            ordered,
            shipped,
            cancelled,
            done: done.map(|day| (day <= by, work_days_between(approved, day))),
            late_open: done.is_none() && today > by,
        };
        let month = format!("{:04}-{:02}", approved.year(), approved.month());
        outcome.add(&mut total);
        outcome.add(parts.entry(parts_of.of(&h.territory, &h.owner)).or_default());
        if let Some(m) = months.iter().position(|x| *x == month) {
            outcome.add(&mut by_month[m]);
        }
    }
    let mut part_rows: Vec<FulfilmentPart> = parts
        .into_iter()
        .map(|(id, (f, days))| {
            let (name, kind, has_children) = parts_of.describe(&id);
            FulfilmentPart { id, name, kind, has_children, figures: f.finish(days) }
        })
        .collect();
    part_rows.sort_by(|a, b| b.figures.ordered.cmp(&a.figures.ordered).then_with(|| a.name.cmp(&b.name)));
    Ok(Fulfilment {
        period,
        scope: reach.scope.clone(),
        path: reach.path(viewer, &parts_of.root),
        total: total.0.finish(total.1),
        parts: part_rows,
        months: months
            .into_iter()
            .zip(by_month)
            .map(|(month, (f, d))| FulfilmentMonth { month, figures: f.finish(d) })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_debt_goes_up_the_line_as_it_ages() {
        assert_eq!(escalation(0, 30, 60), None);
        assert_eq!(escalation(1, 30, 60), Some(Escalation::Rep));
        assert_eq!(escalation(30, 30, 60), Some(Escalation::Rep));
        assert_eq!(escalation(31, 30, 60), Some(Escalation::Manager));
        assert_eq!(escalation(60, 30, 60), Some(Escalation::Manager));
        assert_eq!(escalation(61, 30, 60), Some(Escalation::Office));
        // A grade that sends everything to head office at once.
        assert_eq!(escalation(5, 0, 0), Some(Escalation::Office));
    }

    #[test]
    fn the_next_cutoff_is_this_months_until_it_passes_and_short_months_end_early() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day");
        assert_eq!(next_cutoff(d("2026-11-25"), 25), d("2026-11-25"));
        assert_eq!(next_cutoff(d("2026-11-26"), 25), d("2026-12-25"));
        assert_eq!(next_cutoff(d("2026-12-31"), 25), d("2027-01-25"));
        assert_eq!(next_cutoff(d("2027-02-01"), 31), d("2027-02-28"));
        assert_eq!(next_cutoff(d("2027-01-31"), 31), d("2027-01-31"));
    }

    #[test]
    fn days_sales_outstanding() {
        // 30,000 owed against 90,000 invoiced in 30 days: ten days of sales.
        assert_eq!(dso(30_000, 90_000, 30), Some(10));
        assert_eq!(dso(-5, 90_000, 30), Some(0));
        assert_eq!(dso(30_000, 0, 30), None);
    }

    #[test]
    fn office_work_days_count_weekdays_after_the_first_day() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day");
        // Friday 2026-12-04 → Monday 12-07: one work day.
        assert_eq!(work_days_between(d("2026-12-04"), d("2026-12-07")), 1);
        assert_eq!(work_days_between(d("2026-12-07"), d("2026-12-07")), 0);
        assert_eq!(work_days_between(d("2026-12-07"), d("2026-12-11")), 4);
    }
}
