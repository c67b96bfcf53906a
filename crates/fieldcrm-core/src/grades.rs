//! Grades (客户等级 and 信用等级): the two scales head office defines, the
//! grade on each card with its history (who, when, why), the ABC suggestion
//! managers review, and what each grade implies — visit frequency for
//! customer grades, trading conditions for credit grades.

use crate::error::ProblemCode;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::clock::timestamp;
use crate::error::{Error, FieldProblem, Result};
use crate::ids::{ChangeId, CustomerId};
use crate::org::Actor;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum GradeScale {
    Customer,
    Credit,
}

impl GradeScale {
    pub fn as_str(self) -> &'static str {
        match self {
            GradeScale::Customer => "customer",
            GradeScale::Credit => "credit",
        }
    }

    /// The card column and the field name in the history.
    fn column(self) -> &'static str {
        match self {
            GradeScale::Customer => "grade",
            GradeScale::Credit => "credit_grade",
        }
    }

    pub fn field(self) -> &'static str {
        match self {
            GradeScale::Customer => "grade",
            GradeScale::Credit => "creditGrade",
        }
    }
}

/// How a customer of a credit grade settles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    /// 款到发货
    Prepayment,
    /// 货到付款
    CashOnDelivery,
    /// 月结
    MonthlyStatement,
    /// 账期 (pays within the payment term)
    CreditTerm,
}

impl Settlement {
    pub const KEYS: &'static [&'static str] = &["prepayment", "cash_on_delivery", "monthly_statement", "credit_term"];

    fn parse(text: &str) -> Option<Self> {
        serde_json::from_value(Json::from(text)).ok()
    }

    fn as_str(self) -> &'static str {
        Self::KEYS[self as usize]
    }
}

/// One grade of a scale, with what it implies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GradeLevel {
    pub scale: GradeScale,
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    pub position: i64,
    pub retired: bool,
    /// Customer grades: visit at least every this many days.
    pub visit_every_days: Option<u32>,
    /// Customer grades: share of revenue (%) the ABC rule gives this grade.
    pub revenue_share: Option<u32>,
    /// Credit grades: credit limit in yuan.
    pub credit_limit: Option<i64>,
    pub payment_term_days: Option<u32>,
    pub settlement: Option<Settlement>,
    /// Cards with this grade.
    pub cards: u32,
}

/// A grade to create or change (by scale and code). The ABC shares are set
/// with the rule, not here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GradeLevelInput {
    pub scale: GradeScale,
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    #[serde(default)]
    pub retired: bool,
    #[ts(optional)]
    pub visit_every_days: Option<u32>,
    #[ts(optional)]
    pub credit_limit: Option<i64>,
    #[ts(optional)]
    pub payment_term_days: Option<u32>,
    #[ts(optional)]
    pub settlement: Option<Settlement>,
}

/// One grade's share of revenue in the ABC rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuleShare {
    pub grade: String,
    pub share: u32,
}

/// Trading conditions that come with a credit grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreditTerms {
    pub credit_limit: Option<i64>,
    pub payment_term_days: Option<u32>,
    pub settlement: Option<Settlement>,
}

/// A grade set by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GradeChange {
    pub customer_id: CustomerId,
    pub scale: GradeScale,
    /// None clears the grade.
    #[ts(optional)]
    pub grade: Option<String>,
    /// Why (shown in the grade history).
    #[ts(optional)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GradeHistoryEntry {
    pub scale: GradeScale,
    pub old_grade: Option<String>,
    pub new_grade: Option<String>,
    pub changed_by: Option<String>,
    pub changed_at: String,
    pub reason: Option<String>,
    /// `grade` (by hand), `grade_suggestion` (accepted from the ABC suggestion), `sync` …
    pub source: String,
}

/// What the suggestion is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RevenueBasis {
    /// The card's "annual sales with us" field (until sales data is imported).
    CardField,
    /// The sales lines of the twelve months to today.
    SalesLines,
}

/// A proposed grade for one card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProposedGrade {
    pub customer_id: CustomerId,
    pub name: String,
    pub owner_name: String,
    pub territory_name: String,
    pub revenue: i64,
    /// This customer's share of the revenue considered, in basis points (1/100 %).
    pub share_bp: u32,
    /// Cumulative share up to and including this customer, in basis points.
    pub cumulative_bp: u32,
    pub current: Option<String>,
    pub proposed: String,
    /// The current grade was set by hand: accepting all leaves it alone.
    pub manual: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GradeSuggestion {
    pub basis: RevenueBasis,
    pub rule: Vec<RuleShare>,
    /// Cards considered (active or dormant, with revenue known).
    pub considered: u32,
    pub total_revenue: i64,
    /// Cards whose grade would change, largest revenue first.
    pub changes: Vec<ProposedGrade>,
    /// Considered cards whose grade stays.
    pub unchanged: u32,
    /// Cards left out: no revenue known, prospects and eliminated customers.
    pub left_out: u32,
}

/// Grades a manager accepts from the suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AcceptedGrade {
    pub customer_id: CustomerId,
    pub grade: String,
}

pub fn levels(conn: &Connection) -> Result<Vec<GradeLevel>> {
    let mut used: HashMap<(String, String), u32> = HashMap::new();
    for scale in [GradeScale::Customer, GradeScale::Credit] {
        let sql = format!("SELECT {0}, count(*) FROM customer WHERE {0} IS NOT NULL GROUP BY {0}", scale.column());
        let mut stmt = conn.prepare_cached(&sql)?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))? {
            let (code, n) = row?;
            used.insert((scale.as_str().to_string(), code), n);
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT scale, code, label_zh, label_en, position, retired, visit_every_days, revenue_share,
                credit_limit, payment_term_days, settlement
         FROM grade_level ORDER BY scale = 'credit', position, code",
    )?;
    let rows = stmt.query_map([], |r| {
        let scale: String = r.get(0)?;
        let code: String = r.get(1)?;
        Ok(GradeLevel {
            scale: if scale == "credit" { GradeScale::Credit } else { GradeScale::Customer },
            cards: used.get(&(scale, code.clone())).copied().unwrap_or(0),
            code,
            label_zh: r.get(2)?,
            label_en: r.get(3)?,
            position: r.get(4)?,
            retired: r.get(5)?,
            visit_every_days: r.get(6)?,
            revenue_share: r.get(7)?,
            credit_limit: r.get(8)?,
            payment_term_days: r.get(9)?,
            settlement: r.get::<_, Option<String>>(10)?.as_deref().and_then(Settlement::parse),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `retired` of a grade, if the scale has it.
fn level(conn: &Connection, scale: GradeScale, code: &str) -> Result<Option<bool>> {
    Ok(conn
        .prepare_cached("SELECT retired FROM grade_level WHERE scale = ?1 AND code = ?2")?
        .query_row([scale.as_str(), code], |r| r.get(0))
        .optional()?)
}

fn valid_grade_code(code: &str) -> bool {
    (1..=10).contains(&code.chars().count()) && code.chars().all(|c| c.is_alphanumeric() || c == '+' || c == '-')
}

/// Creates or changes a grade of a scale.
pub fn save_level(tx: &Transaction<'_>, input: &GradeLevelInput, now: DateTime<Utc>) -> Result<()> {
    let mut problems = vec![];
    if !valid_grade_code(&input.code) {
        problems.push(FieldProblem::new(
            "code",
            ProblemCode::BadCode,
            "a grade is 1–10 letters or digits (A, B, AA, B+ …)",
        ));
    }
    for (field, label) in [("labelZh", &input.label_zh), ("labelEn", &input.label_en)] {
        let label = label.trim();
        if label.is_empty() {
            problems.push(FieldProblem::new(field, ProblemCode::Required, "is required"));
        } else if label.chars().count() > 40 {
            problems.push(FieldProblem::new(field, ProblemCode::TooLong, "at most 40 characters fit"));
        }
    }
    if input.visit_every_days.is_some_and(|d| !(1..=366).contains(&d)) {
        problems.push(FieldProblem::new("visitEveryDays", ProblemCode::OutOfRange, "must be between 1 and 366 days"));
    }
    if input.credit_limit.is_some_and(|l| !(0..=1_000_000_000_000).contains(&l)) {
        problems.push(FieldProblem::new(
            "creditLimit",
            ProblemCode::OutOfRange,
            "must be between 0 and 1,000,000,000,000 yuan",
        ));
    }
    if input.payment_term_days.is_some_and(|d| d > 366) {
        problems.push(FieldProblem::new("paymentTermDays", ProblemCode::OutOfRange, "must be between 0 and 366 days"));
    }
    let is_customer = input.scale == GradeScale::Customer;
    if is_customer && (input.credit_limit.is_some() || input.payment_term_days.is_some() || input.settlement.is_some())
    {
        problems.push(FieldProblem::new(
            "creditLimit",
            ProblemCode::WrongScale,
            "trading conditions belong to credit grades, not customer grades",
        ));
    }
    if !is_customer && input.visit_every_days.is_some() {
        problems.push(FieldProblem::new(
            "visitEveryDays",
            ProblemCode::WrongScale,
            "visit frequency belongs to customer grades, not credit grades",
        ));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let ts = timestamp(now);
    if input.retired && is_customer {
        let share: Option<u32> = tx
            .query_row(
                "SELECT revenue_share FROM grade_level WHERE scale = 'customer' AND code = ?1",
                [&input.code],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        if share.is_some() {
            return Err(Error::invalid(
                "retired",
                ProblemCode::InRule,
                "this grade has a share in the ABC rule; give its share to other grades first",
            ));
        }
    }
    let settlement = input.settlement.map(Settlement::as_str);
    // A new grade goes last in its scale; an existing one keeps its place.
    tx.prepare_cached(
        "INSERT INTO grade_level (id, scale, code, label_zh, label_en, position, retired, visit_every_days,
            credit_limit, payment_term_days, settlement, created_at, updated_at)
         VALUES (?1 || '/' || ?2, ?1, ?2, ?3, ?4,
            (SELECT coalesce(max(position), 0) + 1 FROM grade_level WHERE scale = ?1), ?5, ?6, ?7, ?8, ?9, ?10, ?10)
         ON CONFLICT (scale, code) DO UPDATE SET label_zh = excluded.label_zh, label_en = excluded.label_en,
            retired = excluded.retired, visit_every_days = excluded.visit_every_days,
            credit_limit = excluded.credit_limit, payment_term_days = excluded.payment_term_days,
            settlement = excluded.settlement, updated_at = excluded.updated_at",
    )?
    .execute(params![
        input.scale.as_str(),
        input.code,
        input.label_zh.trim(),
        input.label_en.trim(),
        input.retired,
        input.visit_every_days,
        input.credit_limit,
        input.payment_term_days,
        settlement,
        ts
    ])?;
    Ok(())
}

/// The ABC rule: grades in rank order with their share of revenue.
pub fn rule(conn: &Connection) -> Result<Vec<RuleShare>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, revenue_share FROM grade_level
         WHERE scale = 'customer' AND revenue_share IS NOT NULL ORDER BY position, code",
    )?;
    let rows = stmt.query_map([], |r| Ok(RuleShare { grade: r.get(0)?, share: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replaces the ABC rule. Shares must be whole percentages adding up to 100,
/// one per existing, active customer grade, in the order the grades rank.
pub fn set_rule(tx: &Transaction<'_>, shares: &[RuleShare], now: DateTime<Utc>) -> Result<()> {
    let mut problems = vec![];
    if shares.is_empty() {
        problems.push(FieldProblem::new("rule", ProblemCode::Empty, "give at least one grade a share of revenue"));
    }
    let total: u32 = shares.iter().map(|s| s.share.min(1000)).sum();
    if !shares.is_empty() && total != 100 {
        problems.push(FieldProblem::new(
            "rule",
            ProblemCode::Not100,
            format!("the shares add up to {total}%, not 100%; adjust them so that every customer gets a grade"),
        ));
    }
    let mut positions = vec![];
    for (i, s) in shares.iter().enumerate() {
        let field = format!("rule[{i}]");
        if !(1..=100).contains(&s.share) {
            problems.push(FieldProblem::new(field.clone(), ProblemCode::OutOfRange, "a share is between 1% and 100%"));
        }
        if shares[..i].iter().any(|o| o.grade == s.grade) {
            problems.push(FieldProblem::new(
                field.clone(),
                ProblemCode::Duplicate,
                format!("{} is listed twice", s.grade),
            ));
        }
        let found: Option<(bool, i64)> = tx
            .prepare_cached("SELECT retired, position FROM grade_level WHERE scale = 'customer' AND code = ?1")?
            .query_row([&s.grade], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match found {
            None => problems.push(FieldProblem::new(
                field,
                ProblemCode::UnknownGrade,
                format!("there is no customer grade '{}'", s.grade),
            )),
            Some((true, _)) => problems.push(FieldProblem::new(
                field,
                ProblemCode::Retired,
                format!("the grade '{}' is retired", s.grade),
            )),
            Some((false, position)) => positions.push(position),
        }
    }
    if problems.is_empty() && positions.windows(2).any(|w| w[0] >= w[1]) {
        problems.push(FieldProblem::new(
            "rule",
            ProblemCode::Order,
            "list the grades from best to worst, as they rank (A before B before C)",
        ));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let ts = timestamp(now);
    tx.prepare_cached(
        "UPDATE grade_level SET revenue_share = NULL, updated_at = ?1
         WHERE scale = 'customer' AND revenue_share IS NOT NULL",
    )?
    .execute([&ts])?;
    for s in shares {
        tx.prepare_cached(
            "UPDATE grade_level SET revenue_share = ?2, updated_at = ?3 WHERE scale = 'customer' AND code = ?1",
        )?
        .execute(params![s.grade, s.share, ts])?;
    }
    Ok(())
}

/// The trading conditions of a credit grade.
pub fn credit_terms(conn: &Connection, grade: &str) -> Result<Option<CreditTerms>> {
    Ok(conn
        .prepare_cached(
            "SELECT credit_limit, payment_term_days, settlement FROM grade_level WHERE scale = 'credit' AND code = ?1",
        )?
        .query_row([grade], |r| {
            Ok(CreditTerms {
                credit_limit: r.get(0)?,
                payment_term_days: r.get(1)?,
                settlement: r.get::<_, Option<String>>(2)?.as_deref().and_then(Settlement::parse),
            })
        })
        .optional()?)
}

/// Visit frequency of each customer grade, and the one for ungraded cards
/// (the least frequent of the scale).
pub fn visit_frequencies(conn: &Connection) -> Result<(HashMap<String, u32>, u32)> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, visit_every_days FROM grade_level WHERE scale = 'customer' AND visit_every_days IS NOT NULL",
    )?;
    let map: HashMap<String, u32> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let ungraded = map.values().copied().max().unwrap_or(DEFAULT_VISIT_EVERY_DAYS);
    Ok((map, ungraded))
}

/// Visit frequency when no customer grade names one.
pub const DEFAULT_VISIT_EVERY_DAYS: u32 = 30;

/// Sets one card's grade by hand (or from the accepted suggestion). Returns
/// whether the grade itself changed.
pub fn set(tx: &Transaction<'_>, change: &GradeChange, manual: bool, actor: Actor) -> Result<bool> {
    let reason = change.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 500) {
        return Err(Error::invalid("reason", ProblemCode::TooLong, "at most 500 characters fit"));
    }
    let column = change.scale.column();
    let current: Option<(Option<String>, bool)> = tx
        .prepare_cached(&format!("SELECT {column}, grade_manual FROM customer WHERE id = ?1"))?
        .query_row([change.customer_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((old, was_manual)) = current else {
        return Err(Error::NotFound { what: "customer", id: change.customer_id.to_string() });
    };
    let grade = change.grade.as_deref().map(str::trim).filter(|g| !g.is_empty());
    if let Some(grade) = grade {
        match level(tx, change.scale, grade)? {
            None => {
                return Err(Error::invalid(
                    "grade",
                    ProblemCode::UnknownGrade,
                    format!("there is no {} grade '{grade}'", change.scale.as_str()),
                ))
            }
            Some(true) if old.as_deref() != Some(grade) => {
                return Err(Error::invalid("grade", ProblemCode::Retired, format!("the grade '{grade}' is retired")))
            }
            Some(_) => {}
        }
    }
    let manual_now = change.scale == GradeScale::Customer && manual;
    let manual_changes = change.scale == GradeScale::Customer && manual_now != was_manual;
    let changed = old.as_deref() != grade;
    if !changed && !manual_changes {
        return Ok(false);
    }
    let ts = timestamp(actor.at);
    if change.scale == GradeScale::Customer {
        tx.prepare_cached(
            "UPDATE customer SET grade = ?2, grade_manual = ?3, revision = revision + 1, updated_at = ?4, updated_by = ?5
             WHERE id = ?1",
        )?
        .execute(params![change.customer_id, grade, manual_now && grade.is_some(), ts, actor.staff])?;
    } else {
        tx.prepare_cached(
            "UPDATE customer SET credit_grade = ?2, revision = revision + 1, updated_at = ?3, updated_by = ?4
             WHERE id = ?1",
        )?
        .execute(params![change.customer_id, grade, ts, actor.staff])?;
    }
    if changed {
        let json = |v: Option<&str>| v.map(|g| Json::from(g).to_string());
        tx.prepare_cached(
            "INSERT INTO change_history (id, customer_id, entity, entity_id, field, old_value, new_value,
                changed_by, changed_at, source, reason)
             VALUES (?1, ?2, 'customer', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            ChangeId::new(),
            change.customer_id,
            change.scale.field(),
            json(old.as_deref()),
            json(grade),
            actor.staff,
            ts,
            actor.source,
            reason
        ])?;
    }
    Ok(changed)
}

/// A card's grade changes, newest first.
pub fn history(conn: &Connection, customer: CustomerId) -> Result<Vec<GradeHistoryEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.field, h.old_value, h.new_value, s.name, h.changed_at, h.reason, h.source
         FROM change_history h LEFT JOIN staff s ON s.id = h.changed_by
         WHERE h.customer_id = ?1 AND h.entity = 'customer' AND h.field IN ('grade', 'creditGrade')
         ORDER BY h.changed_at DESC, h.id DESC",
    )?;
    let text = |v: Option<String>| {
        v.and_then(|v| serde_json::from_str::<Json>(&v).ok()).and_then(|j| j.as_str().map(str::to_string))
    };
    let rows = stmt.query_map([customer], |r| {
        let field: String = r.get(0)?;
        Ok(GradeHistoryEntry {
            scale: if field == "grade" { GradeScale::Customer } else { GradeScale::Credit },
            old_grade: text(r.get(1)?),
            new_grade: text(r.get(2)?),
            changed_by: r.get(3)?,
            changed_at: r.get(4)?,
            reason: r.get(5)?,
            source: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The ABC rule's grade for each of `revenues`, which must be sorted largest
/// first: the first cards making up the first grade's share of the total get
/// it (the card that crosses the line included), and so on; cards with no
/// revenue get the rule's last grade.
pub fn abc(rule: &[RuleShare], revenues: &[i64]) -> Vec<String> {
    let Some(last) = rule.last() else { return vec![] };
    let total: i128 = revenues.iter().map(|r| i128::from((*r).max(0))).sum();
    // Cumulative thresholds in basis points: A up to 7000, B up to 9000 …
    let mut bounds = vec![];
    let mut acc = 0u32;
    for s in rule {
        acc += s.share * 100;
        bounds.push(acc);
    }
    let mut out = Vec::with_capacity(revenues.len());
    let mut cumulative: i128 = 0;
    let mut band = 0usize;
    for revenue in revenues {
        let revenue = (*revenue).max(0);
        // The share before this card decides its band.
        let before_bp = if total > 0 { (cumulative * 10_000 / total) as u32 } else { 10_000 };
        while band + 1 < bounds.len() && before_bp >= bounds[band] {
            band += 1;
        }
        out.push(if revenue == 0 { last.grade.clone() } else { rule[band].grade.clone() });
        cumulative += i128::from(revenue);
    }
    out
}

/// One considered card: id, revenue, current grade, set by hand.
struct Considered {
    id: CustomerId,
    revenue: i64,
    current: Option<String>,
    manual: bool,
}

/// Proposes customer grades by the ABC rule ([`abc`]) over the active and
/// dormant cards of `units` (all cards when None). Revenue is the sales lines
/// of the twelve months to `today` once the book has sales data (cards
/// without sales then count as nothing), else the card's "annual sales with
/// us" where it is known.
pub fn suggest(conn: &Connection, units: Option<&[String]>, today: chrono::NaiveDate) -> Result<GradeSuggestion> {
    let rule = rule(conn)?;
    if rule.is_empty() {
        return Err(Error::invalid(
            "rule",
            ProblemCode::Empty,
            "head office has not set the ABC rule: give grades a share of revenue",
        ));
    }
    let unit_filter = match units {
        Some(_) => "AND territory_id IN rarray(?1)",
        None => "AND ?1 IS NULL",
    };
    let unit_values: Option<std::rc::Rc<Vec<rusqlite::types::Value>>> =
        units.map(|u| std::rc::Rc::new(u.iter().map(|id| rusqlite::types::Value::from(id.clone())).collect()));
    let total_cards: u32 = {
        let sql = format!("SELECT count(*) FROM customer WHERE 1 {unit_filter}");
        conn.prepare_cached(&sql)?.query_row([unit_values.clone()], |r| r.get(0))?
    };
    let has_sales: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM sales_fact)", [], |r| r.get(0))?;
    let (basis, mut considered) = if has_sales {
        // Sales are in fen; the suggestion shows yuan like the card's field.
        let sales = crate::sales::analysis::trailing_year(conn, today)?;
        let sql = format!(
            "SELECT id, grade, grade_manual FROM customer WHERE lifecycle IN ('active', 'dormant') {unit_filter}"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([unit_values], |r| {
            let id: CustomerId = r.get(0)?;
            let revenue = sales.get(&id.to_string()).copied().unwrap_or(0) / 100;
            Ok(Considered { id, revenue, current: r.get(1)?, manual: r.get(2)? })
        })?;
        (RevenueBasis::SalesLines, rows.collect::<rusqlite::Result<Vec<_>>>()?)
    } else {
        let sql = format!(
            "SELECT id, annual_sales_with_us, grade, grade_manual FROM customer
             WHERE lifecycle IN ('active', 'dormant') AND annual_sales_with_us IS NOT NULL {unit_filter}"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([unit_values], |r| {
            Ok(Considered { id: r.get(0)?, revenue: r.get(1)?, current: r.get(2)?, manual: r.get(3)? })
        })?;
        (RevenueBasis::CardField, rows.collect::<rusqlite::Result<Vec<_>>>()?)
    };
    considered.sort_by(|a, b| b.revenue.cmp(&a.revenue).then_with(|| a.id.cmp(&b.id)));
    let total: i64 = considered.iter().map(|c| c.revenue.max(0)).sum();
    let revenues: Vec<i64> = considered.iter().map(|c| c.revenue).collect();
    let proposals = abc(&rule, &revenues);
    let mut unchanged = 0u32;
    let mut cumulative: i128 = 0;
    let mut picked = vec![];
    for (c, proposed) in considered.iter().zip(proposals) {
        let revenue = c.revenue.max(0);
        cumulative += i128::from(revenue);
        let share_bp = if total > 0 { (i128::from(revenue) * 10_000 / i128::from(total)) as u32 } else { 0 };
        let cumulative_bp = if total > 0 { (cumulative * 10_000 / i128::from(total)) as u32 } else { 0 };
        if c.current.as_deref() == Some(proposed.as_str()) {
            unchanged += 1;
        } else {
            picked.push((c, proposed, share_bp, cumulative_bp));
        }
    }
    let mut changes = vec![];
    let mut names = conn.prepare_cached(
        "SELECT c.name, s.name, u.name FROM customer c
         JOIN staff s ON s.id = c.owner_id JOIN org_unit u ON u.id = c.territory_id WHERE c.id = ?1",
    )?;
    for (c, proposed, share_bp, cumulative_bp) in picked {
        let (name, owner_name, territory_name): (String, String, String) =
            names.query_row([c.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        changes.push(ProposedGrade {
            customer_id: c.id,
            name,
            owner_name,
            territory_name,
            revenue: c.revenue,
            share_bp,
            cumulative_bp,
            current: c.current.clone(),
            proposed,
            manual: c.manual,
        });
    }
    Ok(GradeSuggestion {
        basis,
        rule,
        considered: considered.len() as u32,
        total_revenue: total,
        changes,
        unchanged,
        left_out: total_cards - considered.len() as u32,
    })
}
