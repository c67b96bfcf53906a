//! A laptop's file at head office: [`plan_from_device`] walks the staged file
//! over an [`OfficeView`] and returns the writes. Besides the merge rules
//! (`super::Merge`): who may change what (a refused change becomes a
//! rejection told back to its author), two writes of a cell that did not see
//! each other (a conflict, kept for review), and cards that change hands (a
//! move, which decides what each person's next file holds).

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use serde_json::Value as Json;

use super::{BookRows, Merge, Outcome, Side, Step, PROGRESS_EVERY};
use crate::card::fields::{stored_problem, Entity};
use crate::changes::capture::{CellClock, State};
use crate::changes::manifest::{self, Anchor, Authority, SyncTable};
use crate::error::ProblemCode;
use crate::model::{MoveStatus, OrderStatus, StaffRole, TargetStatus};
use crate::money::order::{self, Who as OrderWho};
use crate::org::PeerScope;
use crate::sync::file::{Body, Change, Header};
use crate::sync::merge::to_sql;
use crate::sync::{ImportReport, Progress};

/// Columns every edit touches; concurrent changes to them are not conflicts.
pub const QUIET_COLUMNS: &[&str] = &["updated_at", "updated_by", "reviewed_at"];
/// A laptop clock this far ahead of head office's is corrected.
pub const SKEW_TOLERANCE_MS: i64 = 5 * 60 * 1000;

/// A card's owner and territory before a move (version, old owner, old territory).
pub type OldHands = (i64, Option<String>, Option<String>);

/// What head office's import of a laptop's file may read. `book` holds every
/// row the file names with the values of the columns the file changes, every
/// card those rows belong to (owner, territory, name, route), and for a
/// route or a person's record its owner or author.
#[derive(Debug, Clone)]
pub struct OfficeView {
    pub book: BookRows,
    /// What head office had from the sending device.
    pub received_upto: i64,
    /// The person the device is enrolled for, what they hold, their role.
    pub staff: String,
    pub scope: PeerScope,
    pub role: StaffRole,
    /// Every person's unit.
    pub staff_units: HashMap<String, String>,
    /// Every unit's parent (none: the root).
    pub unit_parents: HashMap<String, Option<String>>,
    /// Each card's moves (of the cards the file names), in version order.
    pub moves: HashMap<String, Vec<OldHands>>,
    /// The person each known device writes for (head office's own included).
    pub origin_staff: HashMap<String, Option<String>>,
    /// The codes a merged value may name.
    pub codes: Codes,
    /// The orders the file names (its own and its lines'), as head office had
    /// them before the file: status and author. Who may change an order is
    /// judged against this, so a file that edits a draft and submits it is
    /// judged as the laptop judged it.
    pub orders: HashMap<String, (OrderStatus, String)>,
    /// The organisation, the approval chains, and the proposals the file's
    /// decisions name, as head office had them before the file.
    pub approvals: crate::approval::Known,
}

/// The codes of head office's code lists and grade scales, as a merged value
/// may name them: retired ones too, for a laptop may have chosen a code
/// before head office retired it (the form lets a card keep a retired code).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Codes {
    /// (list, code) of every code list.
    pub items: HashSet<(String, String)>,
    /// (scale, code) of both grade scales.
    pub grades: HashSet<(String, String)>,
}

impl Codes {
    fn has(&self, list: &str, code: &str) -> bool {
        self.items.contains(&(list.to_string(), code.to_string()))
    }
}

/// What the import does.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficePlan {
    pub report: ImportReport,
    pub steps: Vec<Step>,
    /// Cards whose revision and search entry are refreshed at the end.
    pub touched: BTreeSet<String>,
    pub state: State,
    /// The sender's `received_upto` after this file.
    pub received_upto: i64,
    /// The clock offset the laptop should use from now on.
    pub offset_ms: i64,
    /// Cards whose rep or route this file changed: each leaves a route its
    /// rep does not hold.
    pub rerouted: BTreeSet<String>,
    /// The file was refused (the last step says why).
    pub refused: bool,
}

struct Refusal {
    reason: ProblemCode,
    message: String,
}

fn refuse(reason: ProblemCode, message: impl Into<String>) -> Refusal {
    Refusal { reason, message: message.into() }
}

struct Planner {
    merge: Merge,
    view: OfficeView,
    /// Orders whose status sales administration's file changed, as it left them.
    reviewed: HashMap<String, OrderStatus>,
}

/// Plans head office's import of a laptop's file.
pub fn plan_from_device(header: &Header, body: &Body, view: OfficeView, now: DateTime<Utc>) -> OfficePlan {
    let mut view = view;
    let book = std::mem::take(&mut view.book);
    let mut p = Planner { merge: Merge::new(book), view, reviewed: HashMap::new() };
    p.merge.steps.reserve(2 * body.changes.len() + 16);
    let received = p.view.received_upto;
    let (from, to) = header.ranges.iter().find(|r| r.origin == header.sender).map_or((1, 0), |r| (r.from, r.to));
    let mut report = ImportReport::default();
    let mut rerouted = BTreeSet::new();
    let total = body.changes.len();
    let mut refused = false;
    for (i, change) in body.changes.iter().enumerate() {
        if change.o != header.sender {
            p.merge.steps.push(Step::Refuse(
                ProblemCode::Tampered,
                "a laptop's file may only hold that laptop's own changes".into(),
            ));
            refused = true;
            break;
        }
        if i % PROGRESS_EVERY == 0 {
            p.merge.steps.push(Step::Progress(Progress { done: i, total }));
        }
        if change.s <= received {
            report.already_had += 1;
            continue;
        }
        if let Err(refusal) = p.authorise(change).and_then(|()| field_limits(change, &p.view.codes)) {
            p.reject(i, change, refusal);
            report.rejected += 1;
            continue;
        }
        let outcome = match p.merge.apply(change) {
            Ok(outcome) => outcome,
            Err((reason, message)) => {
                p.merge.steps.push(Step::Refuse(reason, message));
                refused = true;
                break;
            }
        };
        if p.conflict(i, change, &outcome) {
            report.conflicts += 1;
        }
        if let Outcome::Applied { previous_value, .. } = &outcome {
            if change.t == "customer" && matches!(change.c.as_str(), "owner_id" | "route_id") {
                rerouted.insert(change.k.clone());
            }
            if change.t == "customer" && (change.c == "owner_id" || change.c == "territory_id") {
                p.moved(change, previous_value.clone());
            }
            p.reviewed(change);
            p.view.approvals.observe(&change.t, &change.k, &change.c, &change.v);
        }
        match outcome {
            Outcome::Applied { .. } => report.applied += 1,
            Outcome::Duplicate => report.already_had += 1,
            _ => report.superseded += 1,
        }
    }
    if !refused {
        p.merge.steps.push(Step::Progress(Progress { done: total, total }));
    }
    let received_upto = if from <= received + 1 { received.max(to) } else { received };
    report.gap = from > received + 1;
    let skew =
        header.created_at.parse::<DateTime<Utc>>().map(|created| (created - now).num_milliseconds()).unwrap_or(0);
    // Its own offset (the laptop sends it in the header), less how far ahead
    // of ours its file's time was.
    let offset_ms =
        if skew > SKEW_TOLERANCE_MS { header.clock_correction_ms - skew } else { header.clock_correction_ms };
    let Merge { book, steps, touched, .. } = p.merge;
    OfficePlan { report, steps, touched, state: book.state, received_upto, offset_ms, rerouted, refused }
}

/// Free text of the other tables a laptop writes, and the most characters
/// their forms take: the field-work records' texts (`fieldwork::MAX_TEXT`),
/// a report comment (`MAX_COMMENT`), a route's name.
const RECORD_TEXTS: &[(&str, &[&str], usize)] = &[
    (
        "visit",
        &["purpose", "stock_notes", "competitor_notes", "prices_seen", "problems", "requests", "next_step"],
        crate::fieldwork::MAX_TEXT,
    ),
    ("call_log", &["summary", "next_step"], crate::fieldwork::MAX_TEXT),
    ("task", &["title"], crate::fieldwork::MAX_TEXT),
    ("report", &["title", "summary"], crate::fieldwork::MAX_TEXT),
    ("report_comment", &["body"], crate::fieldwork::reports::MAX_COMMENT),
    ("route", &["name"], crate::routes::MAX_ROUTE_NAME),
];

/// Any other text a changeset carries: at most what a spreadsheet cell holds.
const MAX_STORED_TEXT: usize = 32_767;

/// A text cell of any table: its form's limit where it has one, a cell's
/// otherwise, and no control characters but line breaks and tabs.
fn text_limits(table: &str, column: &str, text: &str) -> Result<(), Refusal> {
    let max = RECORD_TEXTS
        .iter()
        .find(|(t, columns, _)| *t == table && columns.contains(&column))
        .map_or(MAX_STORED_TEXT, |(_, _, max)| *max);
    let len = text.chars().count();
    if len > max {
        return Err(refuse(ProblemCode::TooLong, format!("{column}: is {len} characters long; at most {max} fit")));
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(refuse(
            ProblemCode::ControlChars,
            format!("{column}: contains invisible control characters; retype it"),
        ));
    }
    Ok(())
}

/// Every value keeps the limits a form keeps, whoever sent it: the card's
/// fields their registry's (`stored_problem`: text length and characters,
/// ranges, choices, codes, dates, tags) and their code lists' ([`code_limits`]),
/// every other table's text its form's or a cell's ([`text_limits`]). A cell
/// that breaks them is refused alone, and the rest of the file merges.
fn field_limits(change: &Change, codes: &Codes) -> Result<(), Refusal> {
    let Some(entity) = Entity::of_table(&change.t) else {
        return match (change.c.as_str(), &change.v) {
            ("*", Json::Object(values)) => values.iter().try_for_each(|(column, value)| match value {
                Json::String(text) => text_limits(&change.t, column, text),
                _ => Ok(()),
            }),
            (column, Json::String(text)) if column != "-" => text_limits(&change.t, column, text),
            _ => Ok(()),
        };
    };
    let check = |column: &str, value: &Json| {
        if change.t == "customer" {
            grade_limits(column, value, codes)?;
        }
        let Some(def) = entity.field_of_column(column) else { return Ok(()) };
        match stored_problem(def, value) {
            Some(p) => Err(refuse(p.code, format!("{}: {}", def.key, p.message))),
            None => code_limits(def, value, codes),
        }
    };
    match (change.c.as_str(), &change.v) {
        ("*", Json::Object(values)) => {
            values.iter().try_for_each(|(column, value)| check(column, value))?;
            division_limits(&change.t, values)
        }
        ("*" | "-", _) => Ok(()),
        (column, value) => check(column, value),
    }
}

/// A new address's division codes nest, as its author's write path made
/// them (`card::address::settle`); each code's level is its cell's check.
/// A change of one cell is judged alone: two people's cells of one address
/// merge like any other cells.
fn division_limits(table: &str, values: &serde_json::Map<String, Json>) -> Result<(), Refusal> {
    if table != crate::card::ADDRESS_ENTITY.table {
        return Ok(());
    }
    let code = |column: &str| values.get(column).and_then(Json::as_str);
    match crate::divisions::nest([code("province_code"), code("city_code"), code("district_code")]) {
        Err(crate::divisions::Mismatch::NotNested(inner, outer)) => Err(refuse(
            ProblemCode::DivisionMismatch,
            format!("{}_code: does not lie in the address's {}", inner.as_str(), outer.as_str()),
        )),
        // An unknown code is its own cell's refusal.
        _ => Ok(()),
    }
}

/// A code field names a code of its list, and a code set codes of lists head
/// office keeps, as the form's `codes::check_code` and `check_custom` ask.
fn code_limits(def: &crate::card::fields::FieldDef, value: &Json, codes: &Codes) -> Result<(), Refusal> {
    use crate::card::fields::Kind;
    let unknown = |list: &str, code: &str| {
        refuse(ProblemCode::UnknownCode, format!("{}: '{code}' is not a code of the list '{list}'", def.key))
    };
    match (def.kind, value) {
        (Kind::Code(list), Json::String(code)) if !codes.has(list, code) => Err(unknown(list, code)),
        (Kind::Codes, Json::String(text)) => {
            let Ok(Json::Object(set)) = serde_json::from_str::<Json>(text) else { return Ok(()) };
            match set.iter().find(|(list, code)| code.as_str().is_some_and(|c| !codes.has(list, c))) {
                Some((list, code)) => Err(unknown(list, code.as_str().unwrap_or_default())),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// A card's customer or credit grade is a grade of its scale.
fn grade_limits(column: &str, value: &Json, codes: &Codes) -> Result<(), Refusal> {
    let scale = match column {
        "grade" => "customer",
        "credit_grade" => "credit",
        _ => return Ok(()),
    };
    match value {
        Json::String(code) if !codes.grades.contains(&(scale.to_string(), code.clone())) => {
            Err(refuse(ProblemCode::UnknownGrade, format!("{column}: there is no {scale} grade '{code}'")))
        }
        _ => Ok(()),
    }
}

/// What the target rule reads of the organisation at head office.
struct OfficeOrg<'a>(&'a Planner);

impl crate::targets::rule::OrgFacts for OfficeOrg<'_> {
    fn unit_parent(&self, unit: &str) -> Option<Option<String>> {
        self.0.view.unit_parents.get(unit).cloned()
    }

    fn staff_unit(&self, staff: &str) -> Option<String> {
        self.0.view.staff_units.get(staff).cloned()
    }

    fn card_owner(&self, customer: &str) -> Option<String> {
        self.0.merge.row("customer", customer).and_then(|c| c.text("owner_id")).map(str::to_string)
    }
}

impl Planner {
    /// A card's owner and territory (`None`: not at head office).
    fn hands(&self, customer: &str) -> Option<(Option<&str>, Option<&str>)> {
        let card = self.merge.row("customer", customer)?;
        Some((card.text("owner_id"), card.text("territory_id")))
    }

    /// The customer a row belongs to (None for reference data, a person's rows or unknown rows).
    fn customer_anchor(&self, table: Option<&SyncTable>, change: &Change) -> Option<String> {
        let anchor = self.merge.anchor_of(table?, change)?;
        matches!(Anchor::parse(&anchor), Anchor::Customer(_)).then_some(anchor)
    }

    /// Does the scope hold this person's own rows?
    fn holds_staff(&self, person: &str) -> bool {
        match &self.view.scope {
            PeerScope::All => true,
            PeerScope::Owner(staff) => staff == person,
            PeerScope::Units(units) => self.view.staff_units.get(person).is_some_and(|unit| units.contains(unit)),
        }
    }

    /// The author changed a card they held before it moved away and before
    /// they had seen the move (`seen` is the head-office version they had imported).
    fn moved_away_later(&self, customer: &str, seen: i64) -> bool {
        self.view.moves.get(customer).is_some_and(|moves| {
            moves.iter().any(|(version, o, t)| *version > seen && self.view.scope.holds(o.as_deref(), t.as_deref()))
        })
    }

    /// An order or order line: `money::order::may_change`, against the
    /// order as head office had it before this file.
    fn authorise_order(&self, table: &SyncTable, change: &Change) -> Result<(), Refusal> {
        let order = if table.name == "sales_order" {
            Some(change.k.clone())
        } else if change.c == "*" {
            change.v.get("order_id").and_then(Json::as_str).map(str::to_string)
        } else {
            self.merge.row(table.name, &change.k).and_then(|r| r.text("order_id")).map(str::to_string)
        };
        let known = order.as_deref().and_then(|o| self.view.orders.get(o));
        let author = match known {
            Some((_, author)) => Some(author.as_str()),
            None if table.name == "sales_order" && change.c == "*" => change.v.get("author_id").and_then(Json::as_str),
            // A line of an order new in this file: its order's insert said who wrote it.
            None => order.as_deref().and_then(|o| self.merge.row("sales_order", o)).and_then(|r| r.text("author_id")),
        };
        let who = OrderWho { role: self.view.role, is_author: author == Some(self.view.staff.as_str()) };
        let before = known.map(|k| k.0);
        let after = order.as_deref().and_then(|o| self.reviewed.get(o)).copied();
        let judged = match (table.name, change.c.as_str(), change.v.as_object()) {
            ("sales_order", "*", Some(values)) if known.is_none() => order::may_insert(who, values),
            ("sales_order", "status", _) => {
                let status = change.v.as_str().and_then(|s| s.parse::<OrderStatus>().ok());
                order::may_change(who, after.or(before), table.name, &change.c, status)
            }
            _ => order::may_change(who, before, table.name, &change.c, None).or_else(|refused| match after {
                Some(after) => order::may_change(who, Some(after), table.name, &change.c, None).map_err(|_| refused),
                None => Err(refused),
            }),
        };
        judged.map_err(|(code, message)| refuse(code, message))
    }

    /// Sales administration's status change, applied. Its file's later
    /// status changes of the order are judged against the status it left,
    /// and its other changes pass under either (the approval's own columns
    /// under the status before it, a backorder cancelled after the approval
    /// under the status after it), as the administrator's laptop judged
    /// them. An author's file is judged against the order as head office had
    /// it before the file (see `OfficeView::orders`).
    fn reviewed(&mut self, change: &Change) {
        if change.t != "sales_order" || change.c != "status" || !self.view.role.reviews_orders() {
            return;
        }
        if let Some(status) = change.v.as_str().and_then(|s| s.parse::<OrderStatus>().ok()) {
            self.reviewed.insert(change.k.clone(), status);
        }
    }

    /// Notes of an order's review: `money::order::may_note`.
    fn authorise_note(&self, change: &Change) -> Result<(), Refusal> {
        let signed = change.v.get("staff_id").and_then(Json::as_str);
        order::may_note(self.view.role, signed == Some(self.view.staff.as_str()))
            .map_err(|(code, message)| refuse(code, message))
    }

    /// May the sender (a person with a scope and a role) make this change?
    /// Judged against head office's book as the earlier changes left it.
    fn authorise(&self, change: &Change) -> Result<(), Refusal> {
        let Some(table) = manifest::table(&change.t) else {
            return Err(refuse(ProblemCode::UnknownTable, format!("'{}' is not synced", change.t)));
        };
        let (scope, role) = (&self.view.scope, self.view.role);
        if let Some((code, message)) = manifest::refusal(role, table) {
            return Err(refuse(code, message));
        }
        match table.authority {
            Authority::ScopedInsertOnly if change.c != "*" => {
                return Err(refuse(
                    ProblemCode::ReadOnly,
                    format!("{} is never changed after it is written", table.label_en),
                ));
            }
            Authority::OfficeCreates(columns) if !columns.contains(&change.c.as_str()) => {
                return Err(refuse(ProblemCode::OfficeOnly, format!("only head office records {}", table.label_en)));
            }
            _ => {}
        }
        if table.authority == Authority::Owned {
            return self.authorise_owned(table, change);
        }
        if table.authority == Authority::Target {
            return self.authorise_target(table, change);
        }
        if table.authority == Authority::Order {
            self.authorise_order(table, change)?;
        }
        if table.authority == Authority::Decision {
            self.authorise_decision(change)?;
        }
        if table.name == "proposal" {
            let effect = |c: &str| matches!(c, "effected_at" | "effect_problem");
            let sets_effect = match change.v.as_object() {
                Some(values) if change.c == "*" => values.iter().any(|(c, v)| effect(c) && !v.is_null()),
                _ => effect(&change.c),
            };
            if sets_effect {
                return Err(refuse(ProblemCode::OfficeOnly, "only head office puts an approved proposal into effect"));
            }
            if change.c != "*" {
                self.view.approvals.judge_change(&change.k).map_err(|(code, message)| refuse(code, message))?;
            }
        }
        if table.name == "complaint" {
            self.authorise_complaint(change)?;
        }
        if table.name == "customer" && (change.c == "lifecycle" || change.c == "*") {
            self.authorise_lifecycle(change)?;
        }
        if table.name == "order_note" && change.c == "*" {
            self.authorise_note(change)?;
        }
        if let Authority::Authored(column) = table.authority {
            self.authorise_author(table, column, change)?;
        }
        if table.name == "customer"
            && matches!(change.c.as_str(), "grade" | "grade_manual" | "credit_grade")
            && role == StaffRole::Rep
        {
            return Err(refuse(ProblemCode::GradeByManager, "only a manager or head office sets a customer's grades"));
        }
        if table.name == "customer" && change.c == "-" {
            return Err(refuse(
                ProblemCode::CardsAreKept,
                "cards are never deleted; set the lifecycle to 'eliminated' instead",
            ));
        }
        if table.name == "customer" && change.c == "*" {
            let owner = change.v.get("owner_id").and_then(Json::as_str);
            let territory = change.v.get("territory_id").and_then(Json::as_str);
            return crate::org::check_new_card(scope, owner, territory)
                .map_err(|(reason, message)| refuse(reason, message));
        }
        let Some(anchor) = self.merge.anchor_of(table, change) else { return Ok(()) };
        let customer = match Anchor::parse(&anchor) {
            Anchor::Staff(person) => {
                return if self.holds_staff(person) {
                    Ok(())
                } else {
                    Err(refuse(
                        ProblemCode::OutOfScope,
                        format!("these {} belong to someone outside your part of the organisation", table.label_en),
                    ))
                };
            }
            Anchor::Customer(customer) => customer,
        };
        let Some((owner, territory)) = self.hands(customer) else {
            return Err(refuse(
                ProblemCode::UnknownCard,
                "the card this belongs to is not at head office (it was refused or never sent)",
            ));
        };
        if !scope.holds(owner, territory) && !self.moved_away_later(customer, change.n) {
            return Err(refuse(
                ProblemCode::OutOfScope,
                "this card is not yours: it belongs to another rep or territory",
            ));
        }
        if table.name == "customer" && (change.c == "owner_id" || change.c == "territory_id") {
            crate::org::check_handover(role, scope, (owner, territory), &change.c, change.v.as_str(), |person| {
                self.view.staff_units.get(person).cloned()
            })
            .map_err(|(reason, message)| refuse(reason, message))?;
        }
        Ok(())
    }

    /// A decision on a proposal: `approval::rule`, against the proposal as
    /// head office has it (a step decided already, or a proposal changed
    /// since, is refused with its code).
    fn authorise_decision(&self, change: &Change) -> Result<(), Refusal> {
        if change.c != "*" {
            return Err(refuse(ProblemCode::ReadOnly, "a decision is never changed after it is written"));
        }
        let values =
            change.v.as_object().ok_or_else(|| refuse(ProblemCode::BadValue, "a decision's row is not a row"))?;
        let who = crate::approval::rule::Who { staff: &self.view.staff, role: self.view.role };
        self.view.approvals.judge_decision(who, &change.k, values).map_err(|(code, message)| refuse(code, message))
    }

    /// A complaint: logged by the sender, taken over and handled by head
    /// office only, replied to once handled, closed once replied
    /// (`service::clock::may_set`, which the laptop's write path asks too).
    fn authorise_complaint(&self, change: &Change) -> Result<(), Refusal> {
        if change.c == "-" {
            return Err(refuse(ProblemCode::ReadOnly, "a complaint is kept; close it instead"));
        }
        if change.c == "*" {
            let values =
                change.v.as_object().ok_or_else(|| refuse(ProblemCode::BadValue, "a complaint's row is not a row"))?;
            if values.get("logged_by").and_then(Json::as_str) != Some(self.view.staff.as_str()) {
                return Err(refuse(ProblemCode::NotAuthor, "a complaint is logged by the person who sends it"));
            }
            for (column, value) in values {
                if !value.is_null() {
                    crate::service::clock::may_set(self.view.role, column, false, false)
                        .map_err(|(code, message)| refuse(code, message))?;
                }
            }
            return Ok(());
        }
        if change.c == "logged_by" || change.c == "logged_at" {
            return Err(refuse(ProblemCode::ReadOnly, "who logged a complaint, and when, stays as logged"));
        }
        let row = self.merge.row("complaint", &change.k);
        let handled = row.as_ref().is_some_and(|r| r.text("handled_at").is_some());
        let replied = row.as_ref().is_some_and(|r| r.text("replied_at").is_some());
        crate::service::clock::may_set(self.view.role, &change.c, handled, replied)
            .map_err(|(code, message)| refuse(code, message))
    }

    /// Opening or eliminating a customer by setting its lifecycle directly:
    /// refused where head office set a chain for it (`approval::rule`).
    fn authorise_lifecycle(&self, change: &Change) -> Result<(), Refusal> {
        let (old, new) = if change.c == "*" {
            (None, change.v.get("lifecycle").and_then(Json::as_str))
        } else {
            let old = self.merge.row("customer", &change.k).and_then(|r| r.text("lifecycle")).map(str::to_string);
            (old, change.v.as_str())
        };
        let Some(new) = new else { return Ok(()) };
        let chained = &self.view.approvals.chained;
        crate::approval::rule::lifecycle_change(self.view.role, old.as_deref(), new, |k| chained.contains(&k))
            .map_err(|(code, message)| refuse(code, message))
    }

    /// A target or a reallocation: `targets::rule`, against the breakdown
    /// as head office has it after the file's earlier changes.
    fn authorise_target(&self, table: &SyncTable, change: &Change) -> Result<(), Refusal> {
        use crate::targets::rule::{self, MoveChange, TargetChange, Who};
        let who = Who { staff: &self.view.staff, role: self.view.role, scope: &self.view.scope };
        let org = OfficeOrg(self);
        let facts = |id: &str| -> Option<(crate::targets::Node, i32, String, TargetStatus, Option<String>)> {
            let row = self.merge.row("target", id)?;
            let node =
                crate::targets::Node { kind: row.text("node_kind")?.parse().ok()?, id: row.text("node_id")?.into() };
            let year = match row.cells.get("year") {
                Some(SqlValue::Integer(y)) => i32::try_from(*y).ok()?,
                _ => return None,
            };
            let status = row.text("status").and_then(|s| s.parse().ok()).unwrap_or(TargetStatus::Open);
            Some((node, year, row.text("measure")?.to_string(), status, row.text("submitted_by").map(str::to_string)))
        };
        let bad = |what: &str| refuse(ProblemCode::BadValue, format!("{what} is not a target's"));
        let judged = if table.name == "target" {
            let (node, year, measure, state, submitted_by) = if change.c == "*" {
                let values = change.v.as_object().ok_or_else(|| bad("a new row"))?;
                let text = |c: &str| values.get(c).and_then(Json::as_str);
                let node = crate::targets::Node {
                    kind: text("node_kind").and_then(|k| k.parse().ok()).ok_or_else(|| bad("node_kind"))?,
                    id: text("node_id").ok_or_else(|| bad("node_id"))?.to_string(),
                };
                let year = values.get("year").and_then(Json::as_i64).and_then(|y| i32::try_from(y).ok());
                let year = year.ok_or_else(|| bad("year"))?;
                let measure = text("measure").ok_or_else(|| bad("measure"))?.to_string();
                if crate::targets::target_id(year, &measure, &node.id).to_string() != change.k {
                    return Err(refuse(ProblemCode::BadId, "a target's id derives from its year, measure and node"));
                }
                let named = |kind: crate::targets::NodeKind, column: &str| {
                    (node.kind == kind) == (text(column) == Some(node.id.as_str()))
                };
                if !named(crate::targets::NodeKind::Staff, "staff_id")
                    || !named(crate::targets::NodeKind::Customer, "customer_id")
                {
                    return Err(bad("the node's person or card"));
                }
                if text("amounts").and_then(crate::targets::parse_amounts).is_none() {
                    return Err(bad("amounts"));
                }
                (node, year, measure, None, None)
            } else {
                let (node, year, measure, state, submitted_by) = facts(&change.k)
                    .ok_or_else(|| refuse(ProblemCode::UnknownRow, "this target is not at head office"))?;
                if change.c == "amounts" && change.v.as_str().and_then(crate::targets::parse_amounts).is_none() {
                    return Err(bad("amounts"));
                }
                (node, year, measure, Some(state), submitted_by)
            };
            let parent_state = rule::parent(&org, &node)
                .flatten()
                .and_then(|p| facts(&crate::targets::target_id(year, &measure, &p.id).to_string()))
                .map(|f| f.3);
            let new_status = match change.c.as_str() {
                "status" => Some(change.v.as_str().and_then(|s| s.parse().ok()).ok_or_else(|| bad("status"))?),
                _ => None,
            };
            let judged = rule::may_change_target(
                who,
                &org,
                TargetChange {
                    node: &node,
                    state,
                    parent_state,
                    submitted_by: submitted_by.as_deref(),
                    column: &change.c,
                    new_status,
                },
            );
            // A new row that arrives submitted or decided was moved on in the
            // transaction that made it: judged as that step from open.
            let inserted_status = change.v.get("status").and_then(Json::as_str).and_then(|s| s.parse().ok());
            match (judged, change.c.as_str(), inserted_status) {
                (Ok(()), "*", Some(status)) if status != TargetStatus::Open => rule::may_change_target(
                    who,
                    &org,
                    TargetChange {
                        node: &node,
                        state: Some(TargetStatus::Open),
                        parent_state,
                        submitted_by: Some(&self.view.staff),
                        column: "status",
                        new_status: Some(status),
                    },
                ),
                (judged, ..) => judged,
            }
        } else {
            let (breakdown, state) = if change.c == "*" {
                let values = change.v.as_object().ok_or_else(|| bad("a new row"))?;
                if values.get("amounts").and_then(Json::as_str).and_then(crate::targets::parse_amounts).is_none() {
                    return Err(bad("amounts"));
                }
                (values.get("target_id").and_then(Json::as_str).map(str::to_string), None)
            } else {
                let row = self
                    .merge
                    .row(table.name, &change.k)
                    .ok_or_else(|| refuse(ProblemCode::UnknownRow, "this reallocation is not at head office"))?;
                let status = row.text("status").and_then(|s| s.parse::<MoveStatus>().ok());
                let author = row.text("author_id").map(str::to_string);
                (row.text("target_id").map(str::to_string), status.zip(author))
            };
            let (node, _, _, breakdown_state, _) = breakdown.as_deref().and_then(facts).ok_or_else(|| {
                refuse(ProblemCode::UnknownRow, "the breakdown this reallocates is not at head office")
            })?;
            let new_status = match change.c.as_str() {
                "status" | "*" => change
                    .v
                    .as_str()
                    .or_else(|| change.v.get("status").and_then(Json::as_str))
                    .and_then(|s| s.parse().ok()),
                _ => None,
            };
            rule::may_change_move(
                who,
                &org,
                MoveChange {
                    node: &node,
                    breakdown: Some(breakdown_state),
                    state: state.as_ref().map(|(s, a)| (*s, a.as_str())),
                    author: change.v.get("author_id").and_then(Json::as_str),
                    column: &change.c,
                    new_status,
                },
            )
        };
        judged.map_err(|(code, message)| refuse(code, message))
    }

    /// A rep's row (a route): the sender's scope must hold its rep or
    /// territory, before and after the change.
    fn authorise_owned(&self, table: &SyncTable, change: &Change) -> Result<(), Refusal> {
        let scope = &self.view.scope;
        let out_of_scope = || {
            refuse(
                ProblemCode::OutOfScope,
                format!("these {} belong to a rep outside your part of the organisation", table.label_en),
            )
        };
        if change.c == "*" {
            let owner = change.v.get("owner_id").and_then(Json::as_str);
            let territory = change.v.get("territory_id").and_then(Json::as_str);
            return if scope.holds(owner, territory) { Ok(()) } else { Err(out_of_scope()) };
        }
        let current = self.merge.row(table.name, &change.k).and_then(|row| {
            let owner = row.text("owner_id")?;
            let territory = row.text("territory_id")?;
            Some((owner, territory))
        });
        let Some((owner, territory)) = current else {
            return Err(refuse(ProblemCode::UnknownRow, format!("these {} are not at head office", table.label_en)));
        };
        if !scope.holds(Some(owner), Some(territory)) {
            return Err(out_of_scope());
        }
        let moved_to_scope = match change.c.as_str() {
            "owner_id" => scope.holds(change.v.as_str(), Some(territory)),
            "territory_id" => scope.holds(Some(owner), change.v.as_str()),
            _ => true,
        };
        if moved_to_scope {
            Ok(())
        } else {
            Err(out_of_scope())
        }
    }

    /// A person's record (a visit, a call, a report, a comment): only the
    /// person the author column names creates, changes or removes it, and the
    /// author never changes.
    fn authorise_author(&self, table: &SyncTable, column: &str, change: &Change) -> Result<(), Refusal> {
        let staff = self.view.staff.as_str();
        let not_author = || {
            refuse(
                ProblemCode::NotAuthor,
                format!("{} are written only by the person they are of; you may not write another's", table.label_en),
            )
        };
        if change.c == "*" {
            return if change.v.get(column).and_then(Json::as_str) == Some(staff) { Ok(()) } else { Err(not_author()) };
        }
        if change.c == column {
            return Err(not_author());
        }
        match self.merge.row(table.name, &change.k).and_then(|row| row.text(column)) {
            Some(author) if author != staff => Err(not_author()),
            _ => Ok(()),
        }
    }

    /// A refused change: the rejection told back to its author.
    fn reject(&mut self, i: usize, change: &Change, refusal: Refusal) {
        self.merge.book.state.observe(change.h);
        let table = manifest::table(&change.t);
        let customer = self.customer_anchor(table, change);
        // The card's name, or the refused row's own (a new card head office does not have).
        let label = customer
            .as_deref()
            .and_then(|c| self.merge.row("customer", c))
            .and_then(|card| card.text("name"))
            .map(str::to_string)
            .or_else(|| change.v.get("name").and_then(Json::as_str).map(str::to_string));
        let version = self.merge.book.state.next_version();
        self.merge.steps.push(Step::Reject {
            change: i,
            reason: refusal.reason,
            message: refusal.message,
            customer,
            label,
            version,
        });
    }

    fn side(&self, value: SqlValue, origin: &str, hlc: u64) -> Side {
        Side { value, staff: self.view.origin_staff.get(origin).cloned().flatten(), hlc }
    }

    /// Two writes of a cell that did not see each other, on a card: the
    /// conflict is kept for review. True when one is recorded.
    fn conflict(&mut self, i: usize, change: &Change, outcome: &Outcome) -> bool {
        let table = manifest::table(&change.t);
        let quiet = QUIET_COLUMNS.contains(&change.c.as_str())
            || !matches!(table.map(|t| t.authority), Some(Authority::Scoped));
        if quiet {
            return false;
        }
        let seen_base = |c: &CellClock| c.hlc == change.bh && Some(&c.origin) == change.bo.as_ref();
        let incoming = || to_sql(&change.v);
        let met = match outcome {
            Outcome::Applied { previous: Some(prev), previous_value }
                if change.c != "-" && prev.origin != change.o && !seen_base(prev) && *previous_value != incoming() =>
            {
                Some((
                    self.side(incoming(), &change.o, change.h),
                    self.side(previous_value.clone(), &prev.origin, prev.hlc),
                ))
            }
            Outcome::Older { current, current_value }
                if current.origin != change.o && !seen_base(current) && *current_value != incoming() =>
            {
                Some((
                    self.side(current_value.clone(), &current.origin, current.hlc),
                    self.side(incoming(), &change.o, change.h),
                ))
            }
            // An edit of a row someone removed: the removal stands, the edit is kept here.
            Outcome::Removed if change.c != "*" && change.c != "-" => {
                let (origin, hlc) = self
                    .merge
                    .own_clock(&change.t, &change.k, "*")
                    .map_or((String::new(), 0), |s| (s.clock.origin.clone(), s.clock.hlc));
                Some((self.side(SqlValue::Null, &origin, hlc), self.side(incoming(), &change.o, change.h)))
            }
            _ => None,
        };
        let Some((kept, lost)) = met else { return false };
        let Some(customer) = self.customer_anchor(table, change) else { return false };
        self.merge.steps.push(Step::Conflict { change: i, customer, kept, lost });
        true
    }

    /// A card's owner or territory changed: the move, with the other column
    /// as it stands.
    fn moved(&mut self, change: &Change, previous: SqlValue) {
        let other = |column| self.merge.row("customer", &change.k).and_then(|c| c.cells.get(column).cloned());
        let (old_owner, old_territory) = if change.c == "owner_id" {
            (previous, other("territory_id").unwrap_or(SqlValue::Null))
        } else {
            (other("owner_id").unwrap_or(SqlValue::Null), previous)
        };
        let version = self.merge.book.state.next_version();
        let text = |v: &SqlValue| match v {
            SqlValue::Text(s) => Some(s.clone()),
            _ => None,
        };
        self.view.moves.entry(change.k.clone()).or_default().push((version, text(&old_owner), text(&old_territory)));
        self.merge.steps.push(Step::Move { customer: change.k.clone(), old_owner, old_territory, version });
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};

    use serde_json::json;

    use super::super::{key, Map, RowView, Stamp};
    use super::*;
    use crate::changes::manifest::Columns;

    const DEV: &str = "dev";
    use super::super::tests::CREATED;

    fn now() -> DateTime<Utc> {
        CREATED.parse().expect("time")
    }

    fn header(from: i64, to: i64) -> Header {
        super::super::tests::header(DEV, "office", from, to, false)
    }

    /// Head office's view for the rep `r1` (territory `t1`); `r2` works in
    /// `t2`, the manager `m1` in the region `g1` above `t1`.
    fn view() -> OfficeView {
        let cols = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut columns = BTreeMap::new();
        columns.insert(
            "customer".to_string(),
            cols(&[
                "id",
                "name",
                "phone",
                "notes",
                "lifecycle",
                "employees",
                "basic_verified",
                "owner_id",
                "territory_id",
                "grade",
                "credit_grade",
                "channel_type",
                "custom_codes",
                "route_id",
                "updated_at",
            ]),
        );
        columns.insert("key_person".to_string(), cols(&["id", "customer_id", "name", "phone"]));
        columns.insert("visit".to_string(), cols(&["id", "customer_id", "staff_id", "note"]));
        columns.insert("route".to_string(), cols(&["id", "name", "owner_id", "territory_id"]));
        let units = [("r1", "t1"), ("r2", "t2"), ("m1", "g1")];
        OfficeView {
            book: BookRows {
                state: State { device_id: "office".into(), hlc: 100, version: 10, clock_offset_ms: 0 },
                columns: Columns(columns),
                rows: Map::new(),
                clocks: Map::new(),
                keep_values: true,
            },
            received_upto: 0,
            staff: "r1".into(),
            scope: PeerScope::Owner("r1".into()),
            role: StaffRole::Rep,
            staff_units: units.iter().map(|(s, u)| (s.to_string(), u.to_string())).collect(),
            unit_parents: HashMap::new(),
            moves: HashMap::new(),
            orders: HashMap::new(),
            approvals: Default::default(),
            origin_staff: [(DEV, "r1"), ("other", "r2"), ("office", "boss")]
                .iter()
                .map(|(d, s)| (d.to_string(), Some(s.to_string())))
                .collect(),
            codes: Codes {
                items: [("channel_type", "retail"), ("region_tier", "county")]
                    .iter()
                    .map(|(l, c)| (l.to_string(), c.to_string()))
                    .collect(),
                grades: [("customer", "A"), ("customer", "B"), ("credit", "A")]
                    .iter()
                    .map(|(l, c)| (l.to_string(), c.to_string()))
                    .collect(),
            },
        }
    }

    /// The manager `m1`'s view: their units are the region and its territory.
    fn manager_view() -> OfficeView {
        let mut v = view();
        v.staff = "m1".into();
        v.scope = PeerScope::Units(HashSet::from(["g1".to_string(), "t1".to_string()]));
        v.role = StaffRole::RegionalManager;
        v
    }

    fn text(s: &str) -> SqlValue {
        SqlValue::Text(s.into())
    }

    fn card(v: &mut OfficeView, id: &str, owner: &str, territory: &str) {
        let cells = [("owner_id", owner), ("territory_id", territory), ("name", "华星"), ("phone", "138")]
            .iter()
            .map(|(c, value)| (c.to_string(), text(value)))
            .collect();
        v.book.rows.insert(key("customer", id), RowView { customer: Some(id.into()), staff: None, cells });
    }

    fn child(v: &mut OfficeView, table: &str, pk: &str, customer: &str, cells: &[(&str, &str)]) {
        let cells = cells.iter().map(|(c, value)| (c.to_string(), text(value))).collect();
        v.book.rows.insert(key(table, pk), RowView { customer: Some(customer.into()), staff: None, cells });
    }

    fn clock(h: u64, o: &str) -> CellClock {
        CellClock { hlc: h, origin: o.into(), base_hlc: 0, base_origin: None, deleted: false }
    }

    fn stamp(v: &mut OfficeView, table: &str, pk: &str, col: &str, c: CellClock, anchor: &str) {
        let stamp = Stamp { clock: c, anchor: Some(anchor.into()) };
        v.book.clocks.entry(key(table, pk)).or_default().insert(col.into(), stamp);
    }

    fn change(t: &str, k: &str, c: &str, v: Json, h: u64, s: i64) -> Change {
        Change { t: t.into(), k: k.into(), c: c.into(), v, h, o: DEV.into(), s, bh: 0, bo: None, n: 0 }
    }

    fn plan(v: OfficeView, changes: Vec<Change>) -> OfficePlan {
        let to = changes.iter().map(|c| c.s).max().unwrap_or(0);
        plan_from_device(&header(1, to), &Body { changes, ..Body::default() }, v, now())
    }

    /// The reasons of the rejections, in order.
    fn refused(p: &OfficePlan) -> Vec<&'static str> {
        p.steps
            .iter()
            .filter_map(|s| if let Step::Reject { reason, .. } = s { Some(reason.as_str()) } else { None })
            .collect()
    }

    fn conflicts(p: &OfficePlan) -> Vec<(String, Side, Side)> {
        p.steps
            .iter()
            .filter_map(|s| match s {
                Step::Conflict { customer, kept, lost, .. } => Some((customer.clone(), kept.clone(), lost.clone())),
                _ => None,
            })
            .collect()
    }

    fn moves(p: &OfficePlan) -> Vec<(SqlValue, SqlValue, i64)> {
        p.steps
            .iter()
            .filter_map(|s| match s {
                Step::Move { old_owner, old_territory, version, .. } => {
                    Some((old_owner.clone(), old_territory.clone(), *version))
                }
                _ => None,
            })
            .collect()
    }

    fn side(value: SqlValue, staff: &str, hlc: u64) -> Side {
        Side { value, staff: Some(staff.into()), hlc }
    }

    #[test]
    fn a_change_of_another_device_refuses_the_whole_file() {
        let mut foreign = change("customer", "c1", "phone", json!("1"), 200, 1);
        foreign.o = "other".into();
        let p = plan(view(), vec![foreign]);
        assert!(p.refused);
        assert!(matches!(p.steps.last(), Some(Step::Refuse(ProblemCode::Tampered, _))));
    }

    #[test]
    fn changes_already_had_are_skipped_unobserved_and_a_gap_keeps_the_range() {
        let mut v = view();
        card(&mut v, "c1", "r1", "t1");
        v.received_upto = 5;
        let p = plan(v.clone(), vec![change("customer", "c1", "phone", json!("1"), 900, 5)]);
        assert_eq!((p.report.already_had, p.state.hlc, p.received_upto), (1, 100, 5));
        assert!(!p.report.gap);
        let p = plan_from_device(&header(6, 9), &Body::default(), v.clone(), now());
        assert_eq!((p.received_upto, p.report.gap), (9, false));
        let p = plan_from_device(&header(8, 9), &Body::default(), v, now());
        assert_eq!((p.received_upto, p.report.gap), (5, true), "a file after a missing one keeps the range");
    }

    #[test]
    fn a_laptop_clock_ahead_is_told_its_correction() {
        let mut h = header(1, 0);
        h.clock_correction_ms = 500;
        let p = plan_from_device(&h, &Body::default(), view(), now());
        assert_eq!(p.offset_ms, 500);
        let behind = now() - chrono::Duration::minutes(10);
        let p = plan_from_device(&h, &Body::default(), view(), behind);
        assert_eq!(p.offset_ms, 500 - 10 * 60 * 1000);
    }

    #[test]
    fn reference_data_and_history_are_head_offices_and_a_rejection_carries_its_card() {
        let mut v = view();
        card(&mut v, "c1", "r1", "t1");
        child(&mut v, "change_history", "h1", "c1", &[]);
        let p = plan(
            v,
            vec![
                change("code_item", "x", "label_zh", json!("零售"), 300, 1),
                change("change_history", "h1", "field", json!("x"), 120, 2),
                change("customer", "c1", "grade", json!("A"), 130, 3),
                change("customer", "c1", "-", Json::Null, 140, 4),
            ],
        );
        assert_eq!(refused(&p), ["office_only", "read_only", "grade_by_manager", "cards_are_kept"]);
        assert_eq!(p.report.rejected, 4);
        let Some(Step::Reject { customer, label, version, .. }) =
            p.steps.iter().find(|s| matches!(s, Step::Reject { reason: ProblemCode::GradeByManager, .. }))
        else {
            panic!("a rejection")
        };
        assert_eq!((customer.as_deref(), label.as_deref(), *version), (Some("c1"), Some("华星"), 13));
        assert_eq!((p.state.hlc, p.state.version), (300, 14), "a refused change is still observed");
        assert!(p.touched.is_empty());
    }

    #[test]
    fn a_manager_sets_grades_and_hands_cards_within_their_units() {
        let mut v = manager_view();
        card(&mut v, "c1", "r1", "t1");
        let p = plan(
            v,
            vec![
                change("customer", "c1", "grade", json!("A"), 200, 1),
                change("customer", "c1", "owner_id", json!("r2"), 201, 2),
                change("customer", "c1", "territory_id", json!("t2"), 202, 3),
                change("customer", "c1", "owner_id", json!("m1"), 203, 4),
            ],
        );
        assert_eq!(refused(&p), ["out_of_scope", "out_of_scope"], "r2 and t2 are outside the region");
        assert_eq!(p.report.applied, 2);
        assert_eq!(moves(&p), [(text("r1"), text("t1"), 15)], "the old owner and the territory as it stands");
        assert!(p.rerouted.contains("c1"));
    }

    #[test]
    fn a_rep_works_only_their_own_cards_unless_the_card_left_them_after_the_change() {
        let mut v = view();
        card(&mut v, "c1", "r1", "t1");
        card(&mut v, "c2", "r2", "t2");
        card(&mut v, "c3", "r2", "t2");
        v.moves.insert("c3".into(), vec![(8, Some("r1".into()), Some("t1".into()))]);
        let mut seen_before = change("customer", "c3", "phone", json!("3"), 203, 3);
        seen_before.n = 7;
        let mut seen_after = change("customer", "c3", "phone", json!("4"), 204, 4);
        seen_after.n = 8;
        let p = plan(
            v,
            vec![
                change("customer", "c1", "owner_id", json!("r2"), 200, 1),
                change("customer", "c2", "phone", json!("2"), 202, 2),
                seen_before,
                seen_after,
                change("customer", "c9", "*", json!({"id": "c9", "owner_id": "r2", "name": "新"}), 205, 5),
                change("key_person", "k1", "*", json!({"id": "k1", "customer_id": "c8"}), 206, 6),
            ],
        );
        assert_eq!(
            refused(&p),
            ["reassign_by_manager", "out_of_scope", "out_of_scope", "out_of_scope", "unknown_card"]
        );
        assert_eq!(p.report.applied, 1, "the edit made before the card moved away");
        let Some(Step::Reject { label, .. }) = p.steps.iter().find(|s| matches!(s, Step::Reject { change: 4, .. }))
        else {
            panic!("the new card's rejection")
        };
        assert_eq!(label.as_deref(), Some("新"), "a new card is named by its own name");
    }

    #[test]
    fn a_new_card_and_its_rows_in_one_file_are_judged_as_the_file_goes() {
        let p = plan(
            view(),
            vec![
                change("customer", "c9", "*", json!({"id": "c9", "owner_id": "r1", "name": "新"}), 200, 1),
                change("key_person", "k1", "*", json!({"id": "k1", "customer_id": "c9", "name": "王"}), 201, 2),
                change("key_person", "k1", "phone", json!("139"), 202, 3),
            ],
        );
        assert!(refused(&p).is_empty(), "{:?}", p.steps);
        assert_eq!(p.report.applied, 3);
        assert_eq!(p.touched.iter().collect::<Vec<_>>(), ["c9"]);
    }

    #[test]
    fn records_are_their_authors_and_routes_their_reps() {
        let mut v = view();
        card(&mut v, "c1", "r1", "t1");
        child(&mut v, "visit", "v1", "c1", &[("staff_id", "r2")]);
        v.book.rows.insert(
            key("route", "ro1"),
            RowView {
                cells: [("owner_id", "r1"), ("territory_id", "t1")]
                    .iter()
                    .map(|(c, value)| (c.to_string(), text(value)))
                    .collect(),
                ..RowView::default()
            },
        );
        let p = plan(
            v,
            vec![
                change("visit", "v2", "*", json!({"id": "v2", "customer_id": "c1", "staff_id": "r2"}), 200, 1),
                change("visit", "v1", "note", json!("好"), 201, 2),
                change("visit", "v3", "staff_id", json!("r1"), 202, 3),
                change("route", "ro1", "owner_id", json!("r2"), 203, 4),
                change("route", "ro9", "name", json!("西线"), 204, 5),
                change("route", "ro1", "name", json!("东线"), 205, 6),
            ],
        );
        assert_eq!(refused(&p), ["not_author", "not_author", "not_author", "out_of_scope", "unknown_row"]);
        assert_eq!(p.report.applied, 1);
    }

    #[test]
    fn writes_that_did_not_see_each_other_are_kept_as_conflicts() {
        let mut v = view();
        card(&mut v, "c1", "r1", "t1");
        stamp(&mut v, "customer", "c1", "phone", clock(150, "other"), "c1");
        stamp(&mut v, "customer", "c1", "name", clock(300, "other"), "c1");
        let p = plan(
            v.clone(),
            vec![
                change("customer", "c1", "phone", json!("139"), 200, 1),
                change("customer", "c1", "name", json!("华星二"), 250, 2),
            ],
        );
        assert_eq!(
            conflicts(&p),
            [
                ("c1".to_string(), side(text("139"), "r1", 200), side(text("138"), "r2", 150)),
                ("c1".to_string(), side(text("华星"), "r2", 300), side(text("华星二"), "r1", 250)),
            ],
            "the later write is kept, the earlier one lost, each with its person"
        );
        assert_eq!((p.report.conflicts, p.report.applied, p.report.superseded), (2, 1, 1));

        // Seen, the same value, a quiet column, a record of its author: no conflict.
        let mut seen = change("customer", "c1", "phone", json!("139"), 200, 1);
        (seen.bh, seen.bo) = (150, Some("other".into()));
        let same = change("customer", "c1", "phone", json!("138"), 200, 1);
        let quiet = change("customer", "c1", "updated_at", json!("x"), 200, 1);
        for c in [seen, same, quiet] {
            assert_eq!(plan(v.clone(), vec![c.clone()]).report.conflicts, 0, "{c:?}");
        }
        child(&mut v, "visit", "v1", "c1", &[("staff_id", "r1"), ("note", "a")]);
        stamp(&mut v, "visit", "v1", "note", clock(150, "other"), "c1");
        assert_eq!(plan(v, vec![change("visit", "v1", "note", json!("b"), 200, 1)]).report.conflicts, 0);
    }

    #[test]
    fn an_edit_of_a_removed_row_is_kept_as_a_conflict_with_the_removal() {
        let mut v = view();
        card(&mut v, "c1", "r1", "t1");
        stamp(&mut v, "key_person", "k1", "*", CellClock { deleted: true, ..clock(150, "office") }, "c1");
        let p = plan(v, vec![change("key_person", "k1", "phone", json!("139"), 200, 1)]);
        assert_eq!(
            conflicts(&p),
            [("c1".to_string(), side(SqlValue::Null, "boss", 150), side(text("139"), "r1", 200))]
        );
        assert_eq!(p.report.superseded, 1);
    }

    #[test]
    fn owner_and_territory_in_one_file_are_two_moves_in_order() {
        let mut v = manager_view();
        card(&mut v, "c1", "r1", "t1");
        let p = plan(
            v,
            vec![
                change("customer", "c1", "territory_id", json!("g1"), 200, 1),
                change("customer", "c1", "owner_id", json!("m1"), 201, 2),
            ],
        );
        assert!(refused(&p).is_empty(), "{:?}", p.steps);
        assert_eq!(moves(&p), [(text("r1"), text("t1"), 12), (text("r1"), text("g1"), 14)]);
    }

    #[test]
    fn a_value_a_form_would_refuse_is_refused_alone_and_the_rest_merges() {
        let mut v = view();
        card(&mut v, "c1", "r1", "t1");
        let long_name = "华".repeat(40_000);
        let p = plan(
            v,
            vec![
                change("customer", "c9", "*", json!({"id": "c9", "owner_id": "r1", "name": long_name}), 200, 1),
                change("customer", "c1", "name", json!("华星\u{0}农资"), 201, 2),
                change("customer", "c1", "phone", json!("1".repeat(41)), 202, 3),
                change("customer", "c1", "notes", json!("门店扩建\n二期"), 203, 4),
                change("customer", "c1", "lifecycle", json!("sleeping"), 205, 6),
                change("customer", "c1", "employees", json!(-3), 206, 7),
                change("customer", "c1", "basic_verified", json!(1), 207, 8),
                change("key_person", "k1", "*", json!({"id": "k1", "customer_id": "c1", "name": "王\u{7}"}), 204, 5),
            ],
        );
        assert_eq!(
            refused(&p),
            ["too_long", "control_chars", "too_long", "not_choice", "out_of_range", "control_chars"]
        );
        assert_eq!(p.report.applied, 2, "the notes, with a line break, and a yes as stored (1) merge");
        let Some(Step::Reject { message, .. }) = p.steps.iter().find(|s| matches!(s, Step::Reject { change: 1, .. }))
        else {
            panic!("the name's rejection")
        };
        assert!(message.starts_with("name: "), "{message}");
    }

    #[test]
    fn a_code_or_grade_head_office_does_not_have_is_refused_alone() {
        let mut v = manager_view();
        card(&mut v, "c1", "r1", "t1");
        let p = plan(
            v,
            vec![
                change("customer", "c1", "channel_type", json!("retail"), 200, 1),
                change("customer", "c1", "channel_type", json!("casino"), 201, 2),
                change("customer", "c1", "custom_codes", json!(r#"{"region_tier":"county"}"#), 202, 3),
                change("customer", "c1", "custom_codes", json!(r#"{"region_tier":"moon"}"#), 203, 4),
                change("customer", "c1", "grade", json!("B"), 204, 5),
                change("customer", "c1", "grade", json!("Z"), 205, 6),
                change("customer", "c1", "credit_grade", json!("B"), 206, 7),
            ],
        );
        assert_eq!(refused(&p), ["unknown_code", "unknown_code", "unknown_grade", "unknown_grade"]);
        assert_eq!(p.report.applied, 3, "the codes and the grade head office has merge");
    }

    #[test]
    fn an_address_division_code_a_form_would_refuse_is_refused_alone() {
        let mut v = view();
        card(&mut v, "c1", "r1", "t1");
        let columns =
            ["id", "customer_id", "kind", "detail", "province", "province_code", "city_code", "district_code"];
        v.book.columns.0.insert("customer_address".into(), columns.iter().map(|c| c.to_string()).collect());
        child(&mut v, "customer_address", "a1", "c1", &[("province_code", "44"), ("city_code", "4403")]);
        let row = |id: &str, p: &str, c: &str, d: &str| {
            json!({"id": id, "customer_id": "c1", "kind": "business", "detail": "科技园",
                   "province_code": p, "city_code": c, "district_code": d})
        };
        let p = plan(
            v,
            vec![
                // The laptop's write path nests and names them: so does head office's check.
                change("customer_address", "a2", "*", row("a2", "44", "4403", "440305"), 200, 1),
                change("customer_address", "a3", "*", row("a3", "44", "4401", "440305"), 201, 2),
                change("customer_address", "a1", "district_code", json!("440305"), 202, 3),
                change("customer_address", "a1", "city_code", json!("44"), 203, 4),
                change("customer_address", "a1", "province_code", json!("99"), 204, 5),
            ],
        );
        assert_eq!(refused(&p), ["division_mismatch", "unknown_division", "unknown_division"]);
        assert_eq!(p.report.applied, 2, "the nested new address and the district's code merge");
    }

    #[test]
    fn records_keep_their_forms_limits_and_any_text_a_cells() {
        let v = view();
        let p = plan(
            v,
            vec![
                change("visit", "v1", "problems", json!("缺货".repeat(1001)), 200, 1),
                change("report_comment", "m1", "body", json!("好"), 201, 2),
                change("call_log", "l1", "summary", json!("回款\u{0}"), 202, 3),
                change("staff", "s1", "phone", json!("1".repeat(40_000)), 203, 4),
            ],
        );
        let refusals: Vec<&str> = refused(&p);
        assert!(refusals.starts_with(&["too_long"]), "{refusals:?}");
        assert!(refusals.contains(&"control_chars"), "{refusals:?}");
        let Some(Step::Reject { message, .. }) = p.steps.iter().find(|s| matches!(s, Step::Reject { change: 0, .. }))
        else {
            panic!("the visit's rejection")
        };
        assert!(message.starts_with("problems: is 2002 characters long; at most 2000 fit"), "{message}");
    }

    #[test]
    fn ten_cells_of_a_card_are_ten_updates_judged_against_the_book() {
        let mut v = view();
        card(&mut v, "c1", "r1", "t1");
        stamp(&mut v, "customer", "c1", "*", clock(50, "office"), "c1");
        let changes: Vec<Change> =
            (0..10).map(|i| change("customer", "c1", "phone", json!(i), 200 + i, i as i64 + 1)).collect();
        let p = plan(v, changes);
        assert_eq!(p.report.applied, 10);
        let last = p.steps.iter().rev().find_map(|s| match s {
            Step::Update { value, .. } => Some(value.clone()),
            _ => None,
        });
        assert_eq!(last, Some(SqlValue::Integer(9)));
        assert_eq!(p.state.version, 20);
    }
}
