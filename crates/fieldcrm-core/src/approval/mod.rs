//! Approvals (审批): one mechanism for everything that needs one — opening a
//! customer, eliminating one (淘汰), a promotion plan, a customer's credit
//! limit. A proposal is written offline by its proposer, travels in the
//! changeset files, and is decided step by step along the chain head office
//! set for its kind ([`rule`]). It takes effect only after the last approval,
//! at head office ([`take_effect`]), in the transaction that records it or
//! merges it; the change then reaches every book like any of head office's.

pub mod rule;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::card::fields::CUSTOMER_ENTITY;
use crate::card::write::{self, FieldChange};
use crate::clock::{timestamp, Zone};
use crate::error::{Error, FieldProblem, ProblemCode, Result};
use crate::ids::{CustomerId, ProposalId, StaffId};
use crate::model::{ApprovalLevel, OpenOrders, ProposalKind, ProposalStatus, StaffRole, Verdict};
use crate::money::credit::CreditCheck;
use crate::money::promotion::PromotionInput;
use crate::org::{Actor, Viewer};
use rule::{Decider, Facts, OrgTree, Who};

/// The most characters of a proposal's title and of a reason.
pub const MAX_TITLE: usize = 80;
pub const MAX_REASON: usize = 500;
/// The chain of a kind head office has not set.
pub const DEFAULT_LEVELS: &[ApprovalLevel] = &[ApprovalLevel::Manager, ApprovalLevel::Office];

/// Head office's chain for a kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Chain {
    pub kind: ProposalKind,
    pub levels: Vec<ApprovalLevel>,
    /// Fen: above it, `above_levels` decide instead.
    #[ts(type = "number | null")]
    pub threshold: Option<i64>,
    pub above_levels: Option<Vec<ApprovalLevel>>,
}

/// Head office sets a kind's chain; no levels: the kind needs no approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChainInput {
    pub kind: ProposalKind,
    pub levels: Vec<ApprovalLevel>,
    #[serde(default)]
    #[ts(type = "number | null", optional)]
    pub threshold: Option<i64>,
    #[serde(default)]
    #[ts(optional)]
    pub above_levels: Option<Vec<ApprovalLevel>>,
}

/// What a proposal asks for, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Terms {
    /// Eliminating: what happens to the customer's open orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub open_orders: Option<OpenOrders>,
    /// A credit limit, fen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number", optional)]
    pub credit_limit: Option<i64>,
    /// A promotion plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub promotion: Option<PromotionInput>,
    /// The promotion's budget from marketing expenses, fen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number", optional)]
    pub budget: Option<i64>,
}

/// A new proposal, or a change to one (`id`): saved as a draft, or submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProposalInput {
    #[serde(default)]
    #[ts(optional)]
    pub id: Option<ProposalId>,
    pub kind: ProposalKind,
    #[serde(default)]
    #[ts(optional)]
    pub customer_id: Option<CustomerId>,
    pub title: String,
    #[serde(default)]
    #[ts(optional)]
    pub reason: Option<String>,
    #[serde(default)]
    pub terms: Terms,
    /// Send it into the chain now (else it stays a draft).
    #[serde(default)]
    pub submit: bool,
}

/// A step's decision, on the revision the decider read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecisionInput {
    pub proposal_id: ProposalId,
    pub revision: u32,
    pub verdict: Verdict,
    #[serde(default)]
    #[ts(optional)]
    pub reason: Option<String>,
}

/// Which proposals a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProposalBox {
    /// Mine (我的申请).
    Mine,
    /// Waiting for my decision (待我审批).
    ToDecide,
    /// Ones I decided.
    Decided,
    /// Every proposal this book holds.
    All,
}

/// A proposal as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProposalRow {
    pub id: ProposalId,
    pub kind: ProposalKind,
    pub status: ProposalStatus,
    pub title: String,
    pub customer_id: Option<CustomerId>,
    pub customer_name: Option<String>,
    pub proposer_id: StaffId,
    pub proposer_name: String,
    #[ts(type = "number | null")]
    pub amount: Option<i64>,
    /// The version a decision is made on (not shown).
    pub revision: u32,
    pub submitted_at: Option<String>,
    /// Pending: the step that waits, and who decides it (a unit's managers, or head office).
    pub waiting_step: Option<u32>,
    pub waiting_unit: Option<String>,
    pub waiting_office: bool,
    /// Whether the waiting step is the person using this book's to decide (their inbox).
    pub mine_to_decide: bool,
    /// Whether they may decide it (head office may decide any step).
    pub may_decide: bool,
    /// Approved and taken effect at head office.
    pub effected_at: Option<String>,
    /// Approved but could not take effect: the problem's code.
    pub effect_problem: Option<ProblemCode>,
    pub updated_at: String,
}

/// One step of the chain of the current revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepView {
    pub step: u32,
    pub unit_name: Option<String>,
    pub office: bool,
    pub verdict: Option<Verdict>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

/// A decision of any revision: the whole trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrailEntry {
    pub revision: u32,
    pub step: u32,
    pub verdict: Verdict,
    pub reason: Option<String>,
    pub decided_by: String,
    pub decided_at: String,
}

/// What a decider sees of the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardSummary {
    pub name: String,
    pub lifecycle: Option<String>,
    pub grade: Option<String>,
    pub channel_level: Option<String>,
    pub owner_name: Option<String>,
    pub territory_name: Option<String>,
    /// Sales of the last 12 months, fen.
    #[ts(type = "number")]
    pub sales_12m: i64,
    pub credit: CreditCheck,
}

/// A proposal with its terms, its chain, its trail and the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProposalDetail {
    pub row: ProposalRow,
    pub reason: Option<String>,
    pub terms: Terms,
    pub steps: Vec<StepView>,
    pub trail: Vec<TrailEntry>,
    pub card: Option<CardSummary>,
}

fn invalid(field: &str, code: ProblemCode, message: impl Into<String>) -> Error {
    Error::Invalid(vec![FieldProblem::new(field, code, message)])
}

fn refusal((code, message): rule::Refused) -> Error {
    invalid("proposal", code, message)
}

// ---------------------------------------------------------------- chains

pub fn chains(conn: &Connection) -> Result<Vec<Chain>> {
    let mut stmt = conn.prepare_cached("SELECT id, levels, threshold, above_levels FROM approval_chain ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut out = vec![];
    for row in rows {
        let (kind, levels, threshold, above) = row?;
        let Ok(kind) = kind.parse() else { continue };
        out.push(Chain {
            kind,
            levels: rule::parse_levels(&levels).unwrap_or_default(),
            threshold,
            above_levels: above.as_deref().and_then(rule::parse_levels),
        });
    }
    Ok(out)
}

/// The kinds head office set a chain for (opening and eliminating need
/// approval only then).
pub fn chained_kinds(conn: &Connection) -> Result<HashSet<ProposalKind>> {
    Ok(chains(conn)?.into_iter().map(|c| c.kind).collect())
}

/// The levels that decide a proposal of `kind` for `amount`.
pub fn levels_for(conn: &Connection, kind: ProposalKind, amount: Option<i64>) -> Result<Vec<ApprovalLevel>> {
    let chain = chains(conn)?.into_iter().find(|c| c.kind == kind);
    Ok(match chain {
        None => DEFAULT_LEVELS.to_vec(),
        Some(Chain { threshold: Some(t), above_levels: Some(above), .. }) if amount.is_some_and(|a| a > t) => above,
        Some(chain) => chain.levels,
    })
}

/// A laptop's direct change of a card's lifecycle (`customer`: none for a
/// new card), judged as head office's merge judges it: opening or
/// eliminating goes through approval where head office set a chain for it.
pub fn check_lifecycle(conn: &Connection, role: StaffRole, customer: Option<CustomerId>, new: &Json) -> Result<()> {
    let Some(new) = new.as_str() else { return Ok(()) };
    let old: Option<String> = match customer {
        Some(c) => conn
            .prepare_cached("SELECT lifecycle FROM customer WHERE id = ?1")?
            .query_row([c], |r| r.get(0))
            .optional()?
            .flatten(),
        None => None,
    };
    let chained = chained_kinds(conn)?;
    rule::lifecycle_change(role, old.as_deref(), new, |k| chained.contains(&k))
        .map_err(|(code, message)| invalid("lifecycle", code, message))
}

/// Head office sets (or, with no levels, removes) a kind's chain.
pub fn set_chain(tx: &Transaction<'_>, viewer: &Viewer, input: &ChainInput, now: DateTime<Utc>) -> Result<Vec<Chain>> {
    if viewer.role != StaffRole::HeadOffice {
        return Err(Error::Forbidden("only head office sets who approves what".into()));
    }
    if input.levels.is_empty() {
        tx.prepare_cached("DELETE FROM approval_chain WHERE id = ?1")?.execute([input.kind])?;
        return chains(tx);
    }
    let distinct = |levels: &[ApprovalLevel]| levels.iter().collect::<HashSet<_>>().len() == levels.len();
    if !distinct(&input.levels) || input.above_levels.as_deref().is_some_and(|l| !distinct(l) || l.is_empty()) {
        return Err(invalid("levels", ProblemCode::Repeated, "name each level once"));
    }
    if input.threshold.is_some() != input.above_levels.is_some() {
        return Err(invalid("threshold", ProblemCode::Required, "a threshold and the levels above it go together"));
    }
    if input.threshold.is_some_and(|t| !(0..=crate::money::receivables::MAX_AMOUNT).contains(&t)) {
        return Err(invalid("threshold", ProblemCode::OutOfRange, "a threshold is 0 or more"));
    }
    tx.prepare_cached(
        "INSERT INTO approval_chain (id, levels, threshold, above_levels, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (id) DO UPDATE SET levels = excluded.levels, threshold = excluded.threshold,
                 above_levels = excluded.above_levels, updated_at = excluded.updated_at",
    )?
    .execute(params![
        input.kind,
        rule::levels_text(&input.levels),
        input.threshold,
        input.above_levels.as_deref().map(rule::levels_text),
        timestamp(now)
    ])?;
    chains(tx)
}

// ------------------------------------------------------------- proposals

/// A proposal row as stored, with its decisions.
#[derive(Debug, Clone, Default)]
pub struct Stored {
    pub kind: Option<ProposalKind>,
    pub customer: Option<String>,
    pub proposer: String,
    pub title: String,
    pub reason: Option<String>,
    pub payload: String,
    pub amount: Option<i64>,
    pub revision: i64,
    pub levels: Vec<ApprovalLevel>,
    pub submitted_at: Option<String>,
    pub withdrawn_at: Option<String>,
    pub effected_at: Option<String>,
    pub effect_problem: Option<String>,
    pub updated_at: String,
    /// (revision, step) → (verdict, decided by).
    pub decisions: BTreeMap<(i64, u32), (Verdict, String)>,
}

impl Stored {
    fn current(&self) -> BTreeMap<u32, Verdict> {
        self.decisions.iter().filter(|((rev, _), _)| *rev == self.revision).map(|((_, s), (v, _))| (*s, *v)).collect()
    }

    fn facts<'a>(&'a self, current: &'a BTreeMap<u32, Verdict>) -> Facts<'a> {
        Facts {
            proposer: &self.proposer,
            revision: self.revision,
            submitted: self.submitted_at.is_some(),
            withdrawn: self.withdrawn_at.is_some(),
            levels: &self.levels,
            decisions: current,
        }
    }
}

const STORED_SELECT: &str =
    "SELECT id, kind, customer_id, proposer_id, title, reason, payload, amount, revision, levels,
        submitted_at, withdrawn_at, effected_at, effect_problem, updated_at FROM proposal";

fn stored_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, Stored)> {
    Ok((
        r.get(0)?,
        Stored {
            kind: r.get::<_, String>(1)?.parse().ok(),
            customer: r.get(2)?,
            proposer: r.get(3)?,
            title: r.get(4)?,
            reason: r.get(5)?,
            payload: r.get(6)?,
            amount: r.get(7)?,
            revision: r.get(8)?,
            levels: rule::parse_levels(&r.get::<_, String>(9)?).unwrap_or_default(),
            submitted_at: r.get(10)?,
            withdrawn_at: r.get(11)?,
            effected_at: r.get(12)?,
            effect_problem: r.get(13)?,
            updated_at: r.get(14)?,
            decisions: BTreeMap::new(),
        },
    ))
}

/// The proposals `filter` selects (an SQL condition on `proposal`), with their decisions.
fn load(conn: &Connection, filter: &str, args: impl rusqlite::Params) -> Result<Vec<(String, Stored)>> {
    let mut rows: Vec<(String, Stored)> = conn
        .prepare_cached(&format!("{STORED_SELECT} WHERE {filter} ORDER BY created_at DESC, id"))?
        .query_map(args, stored_row)?
        .collect::<rusqlite::Result<_>>()?;
    let at: HashMap<String, usize> = rows.iter().enumerate().map(|(i, (id, _))| (id.clone(), i)).collect();
    let ids = std::rc::Rc::new(rows.iter().map(|(id, _)| rusqlite::types::Value::Text(id.clone())).collect::<Vec<_>>());
    let mut stmt = conn.prepare_cached(
        "SELECT proposal_id, revision, step, decision, decided_by FROM proposal_decision WHERE proposal_id IN rarray(?1)",
    )?;
    let found = stmt.query_map([ids], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, u32>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    for row in found {
        let (id, revision, step, verdict, by) = row?;
        if let (Some(i), Ok(verdict)) = (at.get(&id), verdict.parse()) {
            rows[*i].1.decisions.insert((revision, step), (verdict, by));
        }
    }
    Ok(rows)
}

fn load_one(conn: &Connection, id: ProposalId) -> Result<Stored> {
    load(conn, "id = ?1", [id.to_string()])?
        .pop()
        .map(|(_, s)| s)
        .ok_or_else(|| Error::NotFound { what: "proposal", id: id.to_string() })
}

fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

/// Checks what a proposal asks for; returns its payload and amount.
fn check_terms(
    conn: &Connection,
    viewer: &Viewer,
    input: &ProposalInput,
    reason: Option<&str>,
) -> Result<(String, Option<i64>)> {
    let mut problems = vec![];
    let card: Option<String> = match input.customer_id {
        Some(customer) => {
            if !viewer.sees_customer(conn, &customer.to_string())? {
                return Err(Error::Forbidden("this customer is not in your part of the organisation".into()));
            }
            conn.prepare_cached("SELECT lifecycle FROM customer WHERE id = ?1")?
                .query_row([customer], |r| r.get(0))
                .optional()?
                .flatten()
        }
        None => None,
    };
    let needs_card = input.kind != ProposalKind::Promotion;
    if needs_card && input.customer_id.is_none() {
        problems.push(FieldProblem::new("customerId", ProblemCode::Required, "choose the customer"));
    }
    if !needs_card && input.customer_id.is_some() {
        problems.push(FieldProblem::new(
            "customerId",
            ProblemCode::BadValue,
            "a promotion plan is not about one customer",
        ));
    }
    let terms = &input.terms;
    let amount = match input.kind {
        ProposalKind::OpenCustomer => {
            if input.customer_id.is_some() && card.as_deref() != Some("prospect") {
                problems.push(FieldProblem::new(
                    "customerId",
                    ProblemCode::BadStatusChange,
                    "only a prospect is opened as a customer",
                ));
            }
            None
        }
        ProposalKind::Eliminate => {
            if card.as_deref() == Some("eliminated") {
                problems.push(FieldProblem::new(
                    "customerId",
                    ProblemCode::BadStatusChange,
                    "the customer is eliminated already",
                ));
            }
            if reason.is_none() {
                problems.push(FieldProblem::new(
                    "reason",
                    ProblemCode::ReasonNeeded,
                    "say why the customer is eliminated",
                ));
            }
            if terms.open_orders.is_none() {
                problems.push(FieldProblem::new(
                    "openOrders",
                    ProblemCode::Required,
                    "say whether the customer's open orders are cancelled or kept",
                ));
            }
            None
        }
        ProposalKind::CreditLimit => match terms.credit_limit {
            Some(l) if (0..=crate::money::receivables::MAX_AMOUNT).contains(&l) => Some(l),
            Some(_) => {
                problems.push(FieldProblem::new("creditLimit", ProblemCode::OutOfRange, "a limit is 0 or more"));
                None
            }
            None => {
                problems.push(FieldProblem::new("creditLimit", ProblemCode::Required, "give the new credit limit"));
                None
            }
        },
        ProposalKind::Promotion => {
            match &terms.promotion {
                Some(promotion) => {
                    if let Err(Error::Invalid(found)) = crate::money::promotion::check(conn, promotion) {
                        problems.extend(found);
                    }
                }
                None => problems.push(FieldProblem::new("promotion", ProblemCode::Required, "describe the promotion")),
            }
            match terms.budget {
                Some(b) if (0..=crate::money::receivables::MAX_AMOUNT).contains(&b) => Some(b),
                Some(_) => {
                    problems.push(FieldProblem::new("budget", ProblemCode::OutOfRange, "a budget is 0 or more"));
                    None
                }
                None => {
                    problems.push(FieldProblem::new(
                        "budget",
                        ProblemCode::Required,
                        "give the budget from marketing expenses",
                    ));
                    None
                }
            }
        }
    };
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    // Only what the kind uses is kept.
    let kept = match input.kind {
        ProposalKind::Eliminate => Terms { open_orders: terms.open_orders, ..Terms::default() },
        ProposalKind::CreditLimit => Terms { credit_limit: terms.credit_limit, ..Terms::default() },
        ProposalKind::Promotion => {
            Terms { promotion: terms.promotion.clone(), budget: terms.budget, ..Terms::default() }
        }
        ProposalKind::OpenCustomer => Terms::default(),
    };
    Ok((serde_json::to_string(&kept).unwrap_or_else(|_| "{}".into()), amount))
}

/// Writes a new proposal or changes one of the proposer's (a draft, one
/// waiting, or one returned: a submitted one changed is a new revision,
/// decided again from the first step).
pub fn save(tx: &Transaction<'_>, viewer: &Viewer, input: &ProposalInput, now: DateTime<Utc>) -> Result<ProposalId> {
    let title = input.title.trim();
    if title.is_empty() {
        return Err(invalid("title", ProblemCode::Required, "give the proposal a title"));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(invalid("title", ProblemCode::TooLong, format!("at most {MAX_TITLE} characters fit")));
    }
    let reason = clean(input.reason.as_deref());
    if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_REASON) {
        return Err(invalid("reason", ProblemCode::TooLong, format!("at most {MAX_REASON} characters fit")));
    }
    let (payload, amount) = check_terms(tx, viewer, input, reason.as_deref())?;
    let levels = rule::levels_text(&levels_for(tx, input.kind, amount)?);
    let ts = timestamp(now);
    let submitted = input.submit.then(|| ts.clone());
    let me = viewer.staff.to_string();
    match input.id {
        None => {
            let id = ProposalId::new();
            tx.prepare_cached(
                "INSERT INTO proposal (id, kind, customer_id, proposer_id, title, payload, amount, reason, revision, levels,
                                       submitted_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10, ?11, ?11)",
            )?
            .execute(params![id, input.kind, input.customer_id, me, title, payload, amount, reason, levels, submitted, ts])?;
            Ok(id)
        }
        Some(id) => {
            let stored = load_one(tx, id)?;
            if stored.proposer != me {
                return Err(Error::Forbidden("only its proposer changes a proposal".into()));
            }
            if stored.kind != Some(input.kind) || stored.customer != input.customer_id.map(|c| c.to_string()) {
                return Err(invalid(
                    "kind",
                    ProblemCode::ReadOnly,
                    "a proposal keeps its kind and customer; make a new one",
                ));
            }
            let tree = OrgTree::load(tx)?;
            let current = stored.current();
            let (status, _) = rule::status(&tree, &stored.facts(&current));
            if !matches!(status, ProposalStatus::Draft | ProposalStatus::Pending | ProposalStatus::Returned) {
                return Err(invalid(
                    "proposal",
                    ProblemCode::NotPending,
                    format!("the proposal is {status}; it no longer changes"),
                ));
            }
            let revision = if stored.submitted_at.is_some() { stored.revision + 1 } else { stored.revision };
            tx.prepare_cached(
                "UPDATE proposal SET title = ?2, payload = ?3, amount = ?4, reason = ?5, revision = ?6, levels = ?7,
                        submitted_at = ?8, updated_at = ?9 WHERE id = ?1",
            )?
            .execute(params![id, title, payload, amount, reason, revision, levels, submitted, ts])?;
            Ok(id)
        }
    }
}

/// The proposer withdraws a proposal still in the chain (or a draft).
pub fn withdraw(tx: &Transaction<'_>, viewer: &Viewer, id: ProposalId, now: DateTime<Utc>) -> Result<()> {
    let stored = load_one(tx, id)?;
    if stored.proposer != viewer.staff.to_string() {
        return Err(Error::Forbidden("only its proposer withdraws a proposal".into()));
    }
    let tree = OrgTree::load(tx)?;
    let current = stored.current();
    let (status, _) = rule::status(&tree, &stored.facts(&current));
    if !matches!(status, ProposalStatus::Draft | ProposalStatus::Pending | ProposalStatus::Returned) {
        return Err(invalid(
            "proposal",
            ProblemCode::NotPending,
            format!("the proposal is {status}; it is not withdrawn"),
        ));
    }
    tx.prepare_cached("UPDATE proposal SET withdrawn_at = ?2, updated_at = ?2 WHERE id = ?1")?
        .execute(params![id, timestamp(now)])?;
    Ok(())
}

/// The decision row's id: two decisions of one step meet on it.
pub fn decision_id(proposal: &str, revision: i64, step: u32) -> String {
    format!("{proposal}:{revision}:{step}")
}

/// The person using this book decides the step that waits. On head office's
/// book the last approval takes effect in the same transaction.
pub fn decide(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    input: &DecisionInput,
    now: DateTime<Utc>,
) -> Result<ProposalStatus> {
    let stored = load_one(tx, input.proposal_id)?;
    let tree = OrgTree::load(tx)?;
    let current = stored.current();
    let facts = stored.facts(&current);
    let reason = clean(input.reason.as_deref());
    if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_REASON) {
        return Err(invalid("reason", ProblemCode::TooLong, format!("at most {MAX_REASON} characters fit")));
    }
    let staff = viewer.staff.to_string();
    let who = Who { staff: &staff, role: viewer.role };
    let step = match rule::status(&tree, &facts) {
        (ProposalStatus::Pending, Some((step, _))) => step,
        _ => current.keys().max().copied().unwrap_or(0) + 1,
    };
    rule::may_decide(who, &tree, &facts, i64::from(input.revision), step, input.verdict, reason.as_deref())
        .map_err(refusal)?;
    let ts = timestamp(now);
    tx.prepare_cached(
        "INSERT INTO proposal_decision (id, proposal_id, customer_id, proposer_id, revision, step, decision, reason,
                                        decided_by, decided_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?10)",
    )?
    .execute(params![
        decision_id(&input.proposal_id.to_string(), stored.revision, step),
        input.proposal_id,
        stored.customer,
        stored.proposer,
        stored.revision,
        step,
        input.verdict,
        reason,
        staff,
        ts
    ])?;
    if crate::changes::capture::is_office(tx)? {
        take_effect(tx, now)?;
    }
    let stored = load_one(tx, input.proposal_id)?;
    let current = stored.current();
    Ok(rule::status(&tree, &stored.facts(&current)).0)
}

/// Head office: every approved proposal not yet in effect takes effect now,
/// as head office's own change (history source `approval`, naming the
/// proposal). One that cannot (its customer was eliminated meanwhile, its
/// product retired) is marked with the problem's code and changes nothing.
/// Returns how many took effect.
pub fn take_effect(tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<u32> {
    let open = load(tx, "withdrawn_at IS NULL AND effected_at IS NULL AND submitted_at IS NOT NULL", [])?;
    if open.is_empty() {
        return Ok(0);
    }
    let tree = OrgTree::load(tx)?;
    let viewer = Viewer::of(tx)?;
    if viewer.role != StaffRole::HeadOffice {
        return Ok(0);
    }
    let mut done = 0;
    for (id, stored) in open {
        let current = stored.current();
        if rule::status(&tree, &stored.facts(&current)).0 != ProposalStatus::Approved {
            continue;
        }
        let Ok(proposal) = id.parse::<ProposalId>() else { continue };
        let actor = Actor {
            staff: viewer.staff,
            at: now,
            source: "approval",
            source_id: Some(proposal.as_uuid()),
            zone: Zone::of(tx)?,
        };
        tx.execute_batch("SAVEPOINT take_effect")?;
        let problem = match apply(tx, &viewer, &stored, actor) {
            Ok(()) => None,
            Err(Error::Invalid(problems)) => Some(problems.first().map_or(ProblemCode::BadValue, |p| p.code)),
            Err(Error::NotFound { .. }) => Some(ProblemCode::UnknownRow),
            Err(Error::Forbidden(_)) => Some(ProblemCode::OutOfScope),
            Err(other) => {
                tx.execute_batch("ROLLBACK TO take_effect; RELEASE take_effect")?;
                return Err(other);
            }
        };
        if problem.is_some() {
            tx.execute_batch("ROLLBACK TO take_effect")?;
        }
        tx.execute_batch("RELEASE take_effect")?;
        tx.prepare_cached("UPDATE proposal SET effected_at = ?2, effect_problem = ?3, updated_at = ?2 WHERE id = ?1")?
            .execute(params![id, timestamp(now), problem.map(ProblemCode::as_str)])?;
        done += u32::from(problem.is_none());
    }
    Ok(done)
}

/// What an approved proposal does.
fn apply(tx: &Transaction<'_>, viewer: &Viewer, stored: &Stored, actor: Actor) -> Result<()> {
    let terms: Terms = serde_json::from_str(&stored.payload).unwrap_or_default();
    let customer = || {
        stored
            .customer
            .as_deref()
            .and_then(|c| c.parse::<CustomerId>().ok())
            .ok_or_else(|| Error::NotFound { what: "customer", id: String::new() })
    };
    let lifecycle = |to: &str| FieldChange { field: "lifecycle".into(), expected: None, value: Json::from(to) };
    match stored.kind {
        Some(ProposalKind::OpenCustomer) => {
            let card = customer()?;
            let now_is: Option<String> =
                tx.prepare_cached("SELECT lifecycle FROM customer WHERE id = ?1")?.query_row([card], |r| r.get(0))?;
            if now_is.as_deref() != Some("prospect") {
                return Err(invalid(
                    "customerId",
                    ProblemCode::BadStatusChange,
                    "the customer is no longer a prospect",
                ));
            }
            write::patch(tx, CUSTOMER_ENTITY, &card.to_string(), &[lifecycle("active")], actor)?;
        }
        Some(ProposalKind::Eliminate) => {
            let card = customer()?;
            write::patch(tx, CUSTOMER_ENTITY, &card.to_string(), &[lifecycle("eliminated")], actor)?;
            if terms.open_orders == Some(OpenOrders::Cancel) {
                tx.prepare_cached(
                    "UPDATE sales_order SET status = 'cancelled', cancel_reason = ?2, updated_at = ?3
                      WHERE customer_id = ?1 AND status IN ('draft', 'submitted', 'returned')",
                )?
                .execute(params![
                    card,
                    format!("淘汰：{}", stored.reason.as_deref().unwrap_or(&stored.title)),
                    timestamp(actor.at)
                ])?;
            }
        }
        Some(ProposalKind::CreditLimit) => {
            let limit = terms.credit_limit.ok_or_else(|| invalid("creditLimit", ProblemCode::Required, "no limit"))?;
            crate::money::receivables::set_credit_limit(
                tx,
                viewer,
                customer()?,
                Some(limit),
                Some(stored.reason.as_deref().unwrap_or(&stored.title)),
                actor.at,
            )?;
        }
        Some(ProposalKind::Promotion) => {
            let promotion =
                terms.promotion.ok_or_else(|| invalid("promotion", ProblemCode::Required, "no promotion"))?;
            crate::money::promotion::add(tx, viewer, &promotion, actor.at)?;
        }
        None => return Err(invalid("kind", ProblemCode::BadValue, "an unknown kind of proposal")),
    }
    Ok(())
}

// ----------------------------------------------------------------- reads

struct Names {
    staff: HashMap<String, String>,
    units: HashMap<String, String>,
}

impl Names {
    fn load(conn: &Connection) -> Result<Self> {
        let pairs = |sql: &str| -> Result<HashMap<String, String>> {
            Ok(conn
                .prepare_cached(sql)?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?)
        };
        Ok(Names { staff: pairs("SELECT id, name FROM staff")?, units: pairs("SELECT id, name FROM org_unit")? })
    }

    fn staff(&self, id: &str) -> String {
        self.staff.get(id).cloned().unwrap_or_default()
    }
}

fn row_of(
    conn: &Connection,
    id: &str,
    stored: &Stored,
    tree: &OrgTree,
    names: &Names,
    who: Who<'_>,
) -> Result<ProposalRow> {
    let current = stored.current();
    let (status, waiting) = rule::status(tree, &stored.facts(&current));
    let customer_name: Option<String> = match &stored.customer {
        Some(c) => {
            conn.prepare_cached("SELECT name FROM customer WHERE id = ?1")?.query_row([c], |r| r.get(0)).optional()?
        }
        None => None,
    };
    Ok(ProposalRow {
        id: id.parse().map_err(|_| Error::NotFound { what: "proposal", id: id.to_string() })?,
        kind: stored.kind.unwrap_or(ProposalKind::OpenCustomer),
        status,
        title: stored.title.clone(),
        customer_id: stored.customer.as_deref().and_then(|c| c.parse().ok()),
        customer_name,
        proposer_id: stored
            .proposer
            .parse()
            .map_err(|_| Error::NotFound { what: "staff", id: stored.proposer.clone() })?,
        proposer_name: names.staff(&stored.proposer),
        amount: stored.amount,
        revision: u32::try_from(stored.revision).unwrap_or(1),
        submitted_at: stored.submitted_at.clone(),
        waiting_step: waiting.as_ref().map(|(s, _)| *s),
        waiting_unit: match &waiting {
            Some((_, Decider::Unit(u))) => names.units.get(u).cloned(),
            _ => None,
        },
        waiting_office: matches!(waiting, Some((_, Decider::Office))),
        mine_to_decide: waiting.as_ref().is_some_and(|(_, d)| {
            who.is_decider(tree, d) && (who.staff != stored.proposer || who.role == StaffRole::HeadOffice)
        }),
        may_decide: waiting.as_ref().is_some_and(|(_, d)| {
            who.decides(tree, d) && (who.staff != stored.proposer || who.role == StaffRole::HeadOffice)
        }),
        effected_at: stored.effected_at.clone(),
        effect_problem: stored
            .effect_problem
            .as_deref()
            .and_then(|c| ProblemCode::ALL.iter().copied().find(|p| p.as_str() == c)),
        updated_at: stored.updated_at.clone(),
    })
}

/// Proposals of a box, newest first.
pub fn list(conn: &Connection, viewer: &Viewer, which: ProposalBox, limit: u32) -> Result<Vec<ProposalRow>> {
    let me = viewer.staff.to_string();
    let stored = match which {
        ProposalBox::Mine => load(conn, "proposer_id = ?1", [&me])?,
        ProposalBox::ToDecide => {
            load(conn, "submitted_at IS NOT NULL AND withdrawn_at IS NULL AND effected_at IS NULL", [])?
        }
        ProposalBox::Decided => {
            load(conn, "id IN (SELECT proposal_id FROM proposal_decision WHERE decided_by = ?1)", [&me])?
        }
        ProposalBox::All => load(conn, "1", [])?,
    };
    let tree = OrgTree::load(conn)?;
    let names = Names::load(conn)?;
    let who = Who { staff: &me, role: viewer.role };
    let mut out = vec![];
    for (id, s) in &stored {
        let row = row_of(conn, id, s, &tree, &names, who)?;
        if which == ProposalBox::ToDecide && !row.mine_to_decide {
            continue;
        }
        out.push(row);
        if out.len() >= limit as usize {
            break;
        }
    }
    Ok(out)
}

/// One proposal with its terms, chain, trail and the customer's summary.
pub fn detail(conn: &Connection, viewer: &Viewer, id: ProposalId, today: chrono::NaiveDate) -> Result<ProposalDetail> {
    let stored = load_one(conn, id)?;
    let tree = OrgTree::load(conn)?;
    let names = Names::load(conn)?;
    let me = viewer.staff.to_string();
    let row = row_of(conn, &id.to_string(), &stored, &tree, &names, Who { staff: &me, role: viewer.role })?;
    let mut decisions: BTreeMap<(i64, u32), TrailEntry> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT revision, step, decision, reason, decided_by, decided_at FROM proposal_decision WHERE proposal_id = ?1",
    )?;
    for r in stmt.query_map([id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, u32>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })? {
        let (revision, step, verdict, reason, by, at) = r?;
        let Ok(verdict) = verdict.parse() else { continue };
        decisions.insert(
            (revision, step),
            TrailEntry {
                revision: u32::try_from(revision).unwrap_or(1),
                step,
                verdict,
                reason,
                decided_by: names.staff(&by),
                decided_at: at,
            },
        );
    }
    let steps = rule::deciders(&tree, &stored.proposer, &stored.levels)
        .into_iter()
        .enumerate()
        .map(|(i, decider)| {
            let step = i as u32 + 1;
            let decided = decisions.get(&(stored.revision, step));
            StepView {
                step,
                unit_name: match &decider {
                    Decider::Unit(u) => names.units.get(u).cloned(),
                    Decider::Office => None,
                },
                office: decider == Decider::Office,
                verdict: decided.map(|d| d.verdict),
                reason: decided.and_then(|d| d.reason.clone()),
                decided_by: decided.map(|d| d.decided_by.clone()),
                decided_at: decided.map(|d| d.decided_at.clone()),
            }
        })
        .collect();
    let card = match &stored.customer {
        Some(customer) => Some(card_summary(conn, customer, today)?),
        None => None,
    };
    Ok(ProposalDetail {
        row,
        reason: stored.reason.clone(),
        terms: serde_json::from_str(&stored.payload).unwrap_or_default(),
        steps,
        trail: decisions.into_values().collect(),
        card,
    })
}

fn card_summary(conn: &Connection, customer: &str, today: chrono::NaiveDate) -> Result<CardSummary> {
    let since = (today - chrono::Duration::days(365)).to_string();
    let sales_12m: i64 = conn
        .prepare_cached("SELECT coalesce(sum(amount), 0) FROM sales_line WHERE customer_id = ?1 AND sold_on > ?2")?
        .query_row(params![customer, since], |r| r.get(0))?;
    let credit = crate::money::credit::check(conn, customer, None, 0, crate::model::PaymentKind::Credit, today)?;
    conn.prepare_cached(
        "SELECT c.name, c.lifecycle, c.grade, c.channel_level, s.name, u.name FROM customer c
           LEFT JOIN staff s ON s.id = c.owner_id LEFT JOIN org_unit u ON u.id = c.territory_id WHERE c.id = ?1",
    )?
    .query_row([customer], |r| {
        Ok(CardSummary {
            name: r.get(0)?,
            lifecycle: r.get(1)?,
            grade: r.get(2)?,
            channel_level: r.get(3)?,
            owner_name: r.get(4)?,
            territory_name: r.get(5)?,
            sales_12m,
            credit: credit.clone(),
        })
    })
    .optional()?
    .ok_or_else(|| Error::NotFound { what: "customer", id: customer.to_string() })
}

// ------------------------------------------------- head office's merge

/// What head office's merge knows of proposals to judge a laptop's
/// decisions and lifecycle changes: the organisation, the kinds with a
/// chain, and the proposals the file's decisions name, as head office has them.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub tree: OrgTree,
    pub chained: HashSet<ProposalKind>,
    pub proposals: HashMap<String, Stored>,
}

impl Known {
    pub fn load(conn: &Connection, proposals: &[String]) -> Result<Self> {
        let ids =
            std::rc::Rc::new(proposals.iter().map(|p| rusqlite::types::Value::Text(p.clone())).collect::<Vec<_>>());
        let found = if proposals.is_empty() { vec![] } else { load(conn, "id IN rarray(?1)", [ids])? };
        // The organisation is needed only to judge the proposals named: most
        // files name none, and the merge reads a view per file.
        let tree = if found.is_empty() { OrgTree::default() } else { OrgTree::load(conn)? };
        Ok(Known { tree, chained: chained_kinds(conn)?, proposals: found.into_iter().collect() })
    }

    /// May `who` insert this decision row (`values`, with its id `key`)?
    pub fn judge_decision(
        &self,
        who: Who<'_>,
        key: &str,
        values: &serde_json::Map<String, Json>,
    ) -> std::result::Result<(), rule::Refused> {
        let text = |c: &str| values.get(c).and_then(Json::as_str);
        let int = |c: &str| values.get(c).and_then(Json::as_i64);
        let bad = |what: &str| (ProblemCode::BadValue, format!("{what} is not a decision's"));
        let proposal = text("proposal_id").ok_or_else(|| bad("proposal_id"))?;
        let revision = int("revision").ok_or_else(|| bad("revision"))?;
        let step = int("step").and_then(|s| u32::try_from(s).ok()).ok_or_else(|| bad("step"))?;
        let verdict: Verdict = text("decision").and_then(|d| d.parse().ok()).ok_or_else(|| bad("decision"))?;
        if decision_id(proposal, revision, step) != key {
            return Err((ProblemCode::BadId, "a decision's id derives from its proposal, revision and step".into()));
        }
        if text("decided_by") != Some(who.staff) {
            return Err((ProblemCode::NotAuthor, "a decision is written by the person who decides".into()));
        }
        let Some(stored) = self.proposals.get(proposal) else {
            return Err((ProblemCode::UnknownRow, "this proposal is not at head office".into()));
        };
        if text("proposer_id") != Some(stored.proposer.as_str()) || text("customer_id") != stored.customer.as_deref() {
            return Err(bad("the proposer or customer"));
        }
        if let Some((_, by)) = stored.decisions.get(&(revision, step)) {
            return Err((ProblemCode::AlreadyDecided, format!("this step was decided already, by {by}")));
        }
        let current = stored.current();
        rule::may_decide(who, &self.tree, &stored.facts(&current), revision, step, verdict, text("reason"))
    }

    /// May the proposer change this proposal of theirs? Not once it is
    /// approved, rejected or withdrawn at head office (the laptop may not
    /// have heard yet).
    pub fn judge_change(&self, key: &str) -> std::result::Result<(), rule::Refused> {
        let Some(stored) = self.proposals.get(key) else { return Ok(()) };
        let current = stored.current();
        match rule::status(&self.tree, &stored.facts(&current)).0 {
            ProposalStatus::Draft | ProposalStatus::Pending | ProposalStatus::Returned
                if stored.effected_at.is_none() =>
            {
                Ok(())
            }
            status => {
                Err((ProblemCode::NotPending, format!("the proposal is {status} at head office; it no longer changes")))
            }
        }
    }

    /// A change applied by the merge: later decisions in the same file see it.
    pub fn observe(&mut self, table: &str, key: &str, column: &str, value: &Json) {
        match (table, column) {
            ("proposal_decision", "*") => {
                let text = |c: &str| value.get(c).and_then(Json::as_str);
                let (Some(p), Some(rev), Some(step), Some(verdict), Some(by)) = (
                    text("proposal_id"),
                    value.get("revision").and_then(Json::as_i64),
                    value.get("step").and_then(Json::as_i64).and_then(|s| u32::try_from(s).ok()),
                    text("decision").and_then(|d| d.parse().ok()),
                    text("decided_by"),
                ) else {
                    return;
                };
                if let Some(stored) = self.proposals.get_mut(p) {
                    stored.decisions.insert((rev, step), (verdict, by.to_string()));
                }
            }
            ("proposal", "revision") => {
                if let (Some(stored), Some(rev)) = (self.proposals.get_mut(key), value.as_i64()) {
                    stored.revision = rev;
                }
            }
            ("proposal", "submitted_at") => {
                if let Some(stored) = self.proposals.get_mut(key) {
                    stored.submitted_at = value.as_str().map(str::to_string);
                }
            }
            ("proposal", "withdrawn_at") => {
                if let Some(stored) = self.proposals.get_mut(key) {
                    stored.withdrawn_at = value.as_str().map(str::to_string);
                }
            }
            _ => {}
        }
    }
}
