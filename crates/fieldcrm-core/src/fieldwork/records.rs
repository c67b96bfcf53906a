//! Visit and call records, and the follow-up tasks their next steps become.
//!
//! A record is written in one transaction with everything it implies: the
//! task of its next step, the card fields its findings change (the card's
//! history names the record as the source) and, for a visit, the card's last
//! visit date.
//!
//! A next step given without a due date still becomes a task: the book
//! chooses the date ([`default_due`]) and says so in the reply
//! ([`DefaultedDue`]), so no agreed step is lost.

use crate::error::ProblemCode;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{day, instant, text, Viewer};
use crate::card::{self, write, Actor, FieldChange};
use crate::clock::{timestamp, Zone};
use crate::error::{Error, FieldProblem, Result};
use crate::ids::{CallId, CustomerId, StaffId, TaskId, VisitId};
use crate::model::{CallDirection, TaskSource};

/// A record may be dated this far ahead of the laptop's clock (clocks drift).
const FUTURE_TOLERANCE: Duration = Duration::minutes(5);
/// The longest visit.
const MAX_VISIT_HOURS: i64 = 24;
/// The longest call, in seconds.
pub const MAX_CALL_SECONDS: i64 = 24 * 3600;
/// The visit type that is a spot-check (抽查).
pub const SPOT_CHECK: &str = "spot_check";
/// Most rows one list returns.
pub const MAX_ROWS: u32 = 5_000;
/// Work days (as the visit plan counts them) to a next step's due date when
/// none was given and no route day of the person's applies.
pub const DEFAULT_DUE_WORK_DAYS: u32 = 3;

/// A visit as the form or the CLI gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewVisit {
    pub customer_id: CustomerId,
    /// A code of the list `visit_type` (`routine`, `spot_check` …).
    pub visit_type: String,
    /// RFC 3339 (`2026-11-22T09:30:00+08:00`).
    pub checked_in_at: String,
    /// None while the visit goes on; [`check_out`] closes it.
    #[serde(default)]
    #[ts(optional)]
    pub checked_out_at: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub latitude: Option<f64>,
    #[serde(default)]
    #[ts(optional)]
    pub longitude: Option<f64>,
    #[serde(default)]
    #[ts(optional)]
    pub purpose: Option<String>,
    /// Their stock of our products.
    #[serde(default)]
    #[ts(optional)]
    pub stock_notes: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub competitor_notes: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub prices_seen: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub problems: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub requests: Option<String>,
    /// What was agreed; it becomes a follow-up task.
    #[serde(default)]
    #[ts(optional)]
    pub next_step: Option<String>,
    /// When the next step is due; without one the book chooses the day ([`default_due`]).
    #[serde(default)]
    #[ts(optional)]
    pub next_step_due: Option<String>,
    /// A stop of the visitor's route plan.
    #[serde(default)]
    pub planned: bool,
    /// Spot-checks: whether the rep's earlier report of this customer held true.
    #[serde(default)]
    #[ts(optional)]
    pub report_confirmed: Option<bool>,
    /// Card fields the visit found changed (a new phone number …), saved with it.
    #[serde(default)]
    pub card_changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Visit {
    pub id: VisitId,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub staff_id: StaffId,
    pub staff_name: String,
    pub visit_type: String,
    pub checked_in_at: String,
    pub checked_out_at: Option<String>,
    /// Minutes between check-in and check-out.
    pub minutes: Option<u32>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub purpose: Option<String>,
    pub stock_notes: Option<String>,
    pub competitor_notes: Option<String>,
    pub prices_seen: Option<String>,
    pub problems: Option<String>,
    pub requests: Option<String>,
    pub next_step: Option<String>,
    pub next_step_due: Option<String>,
    pub planned: bool,
    pub report_confirmed: Option<bool>,
}

/// A call as the form or the CLI gives it: with a customer or with a colleague.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewCall {
    #[serde(default)]
    #[ts(optional)]
    pub customer_id: Option<CustomerId>,
    #[serde(default)]
    #[ts(optional)]
    pub colleague_id: Option<StaffId>,
    pub direction: CallDirection,
    pub called_at: String,
    pub duration_seconds: i64,
    #[serde(default)]
    #[ts(optional)]
    pub summary: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub next_step: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub next_step_due: Option<String>,
    /// Card fields the call found changed (customer calls only).
    #[serde(default)]
    pub card_changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    pub id: CallId,
    pub staff_id: StaffId,
    pub staff_name: String,
    pub customer_id: Option<CustomerId>,
    pub customer_name: Option<String>,
    pub colleague_id: Option<StaffId>,
    pub colleague_name: Option<String>,
    pub direction: CallDirection,
    pub called_at: String,
    pub duration_seconds: u32,
    pub summary: Option<String>,
    pub next_step: Option<String>,
    pub next_step_due: Option<String>,
}

/// A task written by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewTask {
    pub title: String,
    pub due_on: String,
    #[serde(default)]
    #[ts(optional)]
    pub customer_id: Option<CustomerId>,
    /// Yourself when none; managers may give a task to someone in their team.
    #[serde(default)]
    #[ts(optional)]
    pub assignee_id: Option<StaffId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: TaskId,
    pub title: String,
    pub due_on: String,
    pub done_at: Option<String>,
    pub customer_id: Option<CustomerId>,
    pub customer_name: Option<String>,
    pub assignee_id: StaffId,
    pub assignee_name: String,
    pub source: TaskSource,
    /// The visit or call it came from.
    pub source_id: Option<String>,
    /// Open and due before today.
    pub overdue: bool,
}

/// Which records to list. Without a customer or a person: your own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct RecordQuery {
    #[ts(optional)]
    pub customer_id: Option<CustomerId>,
    #[ts(optional)]
    pub staff_id: Option<StaffId>,
    /// First day (YYYY-MM-DD), inclusive.
    #[ts(optional)]
    pub from: Option<String>,
    /// Last day, inclusive.
    #[ts(optional)]
    pub to: Option<String>,
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct TaskQuery {
    #[ts(optional)]
    pub customer_id: Option<CustomerId>,
    /// Yourself when neither a customer nor a person is given.
    #[ts(optional)]
    pub assignee_id: Option<StaffId>,
    /// Done tasks too.
    pub include_done: bool,
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// The due date the book chose for a next step given without one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DefaultedDue {
    /// `YYYY-MM-DD`, also the record's `nextStepDue` and the task's `dueOn`.
    pub on: String,
    /// The person's route whose next tour day it is.
    pub route_name: Option<String>,
    /// Without a route day: the work days counted ([`DEFAULT_DUE_WORK_DAYS`]).
    pub work_days: Option<u32>,
}

/// A record and the task its next step became.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LoggedVisit {
    pub visit: Visit,
    pub task: Option<Task>,
    /// Set when the next step came without a due date: the date chosen, to tell the person.
    pub defaulted_due: Option<DefaultedDue>,
    /// Card warnings (saved anyway), as for a card edit.
    pub warnings: Vec<FieldProblem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LoggedCall {
    pub call: Call,
    pub task: Option<Task>,
    /// Set when the next step came without a due date: the date chosen, to tell the person.
    pub defaulted_due: Option<DefaultedDue>,
    pub warnings: Vec<FieldProblem>,
}

/// Checks when a record happened: a real time, not in the future.
fn when(
    field: &str,
    value: &str,
    now: DateTime<Utc>,
    zone: Zone,
    problems: &mut Vec<FieldProblem>,
) -> Option<DateTime<Utc>> {
    let at = instant(field, value, zone, problems)?;
    if at > now + FUTURE_TOLERANCE {
        problems.push(FieldProblem::new(
            field,
            ProblemCode::FutureTime,
            format!("{} lies in the future; record work once it has happened", zone.show(at)),
        ));
        return None;
    }
    Some(at)
}

/// A next step and its due date: a due date needs a step, and lies on or after the record's day.
fn next_step(
    step: Option<&str>,
    due: Option<&str>,
    on: Option<NaiveDate>,
    problems: &mut Vec<FieldProblem>,
) -> (Option<String>, Option<NaiveDate>) {
    let step = text("nextStep", step, problems);
    let due = due.map(str::trim).filter(|d| !d.is_empty()).and_then(|d| day("nextStepDue", d, problems));
    if due.is_some() && step.is_none() {
        problems.push(FieldProblem::new(
            "nextStep",
            ProblemCode::Required,
            "say what the next step is, or clear its due date",
        ));
    }
    if let (Some(due), Some(on)) = (due, on) {
        if due < on {
            problems.push(FieldProblem::new(
                "nextStepDue",
                ProblemCode::BeforeRecord,
                format!("{due} is before the record's day {on}; a next step is due on or after it"),
            ));
        }
    }
    (step, due)
}

/// The due date of a next step given without one, counted from `from` (the
/// later of the record's day and today, so a visit logged late does not give a
/// task already overdue):
/// - the customer is on a route of the person's with a weekday: the next day
///   after `from` that the route is toured (1 to 7 days on);
/// - otherwise (no route, a route of someone else's or one toured any day, a
///   call with a colleague): the [`DEFAULT_DUE_WORK_DAYS`]th work day after
///   `from`, work days as the visit plan counts them (Monday to Saturday).
pub(crate) fn default_due(
    conn: &Connection,
    staff: StaffId,
    customer: Option<CustomerId>,
    from: NaiveDate,
) -> Result<(NaiveDate, Option<String>)> {
    let route: Option<(String, u8)> = match customer {
        Some(customer) => conn
            .prepare_cached(
                "SELECT r.name, r.weekday FROM customer c JOIN route r ON r.id = c.route_id
                  WHERE c.id = ?1 AND r.owner_id = ?2 AND r.retired = 0 AND r.weekday BETWEEN 1 AND 7",
            )?
            .query_row(params![customer, staff], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
        None => None,
    };
    if let Some((name, weekday)) = route {
        let today = i64::from(from.weekday().number_from_monday());
        let ahead = (i64::from(weekday) - today).rem_euclid(7);
        return Ok((from + Duration::days(if ahead == 0 { 7 } else { ahead }), Some(name)));
    }
    let mut on = from;
    let mut left = DEFAULT_DUE_WORK_DAYS;
    while left > 0 {
        on += Duration::days(1);
        if crate::routes::plan::work_day(on) {
            left -= 1;
        }
    }
    Ok((on, None))
}

/// The next step's due date: the one given, or the one the book chooses when
/// a step came without one (then also returned, to tell the person).
fn due_or_default(
    conn: &Connection,
    step: Option<&String>,
    due: Option<NaiveDate>,
    staff: StaffId,
    customer: Option<CustomerId>,
    from: NaiveDate,
) -> Result<(Option<NaiveDate>, Option<DefaultedDue>)> {
    if due.is_some() || step.is_none() {
        return Ok((due, None));
    }
    let (on, route_name) = default_due(conn, staff, customer, from)?;
    let work_days = route_name.is_none().then_some(DEFAULT_DUE_WORK_DAYS);
    Ok((Some(on), Some(DefaultedDue { on: on.to_string(), route_name, work_days })))
}

fn require_customer(conn: &Connection, viewer: &Viewer, customer: CustomerId) -> Result<()> {
    if viewer.sees_customer(conn, &customer.to_string())? {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "this customer is not yours: record work only on customers of your own part of the organisation".into(),
        ))
    }
}

fn actor(viewer: &Viewer, at: DateTime<Utc>, zone: Zone, source: &'static str, id: uuid::Uuid) -> Actor {
    Actor { staff: viewer.staff, at, source, source_id: Some(id), zone }
}

/// Moves the card's last visit forward to `on` (never back).
fn visited(tx: &Transaction<'_>, customer: CustomerId, on: NaiveDate, actor: Actor) -> Result<()> {
    tx.prepare_cached(
        "UPDATE customer SET last_visit_on = ?2, revision = revision + 1, updated_at = ?3, updated_by = ?4
          WHERE id = ?1 AND (last_visit_on IS NULL OR last_visit_on < ?2)",
    )?
    .execute(params![customer, on.to_string(), timestamp(actor.at), actor.staff])?;
    Ok(())
}

/// Applies a record's card changes; the history names the record.
fn change_card(
    tx: &Transaction<'_>,
    customer: CustomerId,
    changes: &[FieldChange],
    actor: Actor,
) -> Result<Vec<FieldProblem>> {
    if changes.is_empty() {
        return Ok(vec![]);
    }
    write::patch(tx, card::CUSTOMER_ENTITY, &customer.to_string(), changes, actor).map_err(|e| match e {
        // The card's problems belong to the record's "card changes" part of the form.
        Error::Invalid(problems) => Error::Invalid(
            problems.into_iter().map(|p| FieldProblem { field: format!("cardChanges.{}", p.field), ..p }).collect(),
        ),
        other => other,
    })
}

#[allow(clippy::too_many_arguments)]
fn insert_task(
    tx: &Transaction<'_>,
    assignee: StaffId,
    customer: Option<CustomerId>,
    title: &str,
    due: NaiveDate,
    source: TaskSource,
    source_id: Option<&str>,
    actor: Actor,
) -> Result<TaskId> {
    let id = TaskId::new();
    let at = timestamp(actor.at);
    tx.prepare_cached(
        "INSERT INTO task (id, assignee_id, customer_id, title, due_on, source, source_id, created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![id, assignee, customer, title, due.to_string(), source, source_id, actor.staff, at])?;
    Ok(id)
}

/// Logs a visit with its task, card changes and the card's last visit date.
pub fn log_visit(tx: &Transaction<'_>, viewer: &Viewer, new: &NewVisit, now: DateTime<Utc>) -> Result<LoggedVisit> {
    require_customer(tx, viewer, new.customer_id)?;
    let zone = Zone::of(tx)?;
    let mut problems = vec![];
    let visit_type = new.visit_type.trim();
    if visit_type.is_empty() {
        problems.push(FieldProblem::new("visitType", ProblemCode::Required, "choose the kind of visit"));
    } else if let Some(p) = crate::codes::check_code(tx, "visitType", "visit_type", visit_type, None)? {
        problems.push(p);
    }
    let checked_in = when("checkedInAt", &new.checked_in_at, now, zone, &mut problems);
    let checked_out = new
        .checked_out_at
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .and_then(|t| when("checkedOutAt", t, now, zone, &mut problems));
    if let (Some(i), Some(o)) = (checked_in, checked_out) {
        check_span(i, o, &mut problems);
    }
    coordinates(new.latitude, new.longitude, &mut problems);
    let texts: Vec<(&str, Option<String>)> = [
        ("purpose", &new.purpose),
        ("stockNotes", &new.stock_notes),
        ("competitorNotes", &new.competitor_notes),
        ("pricesSeen", &new.prices_seen),
        ("problems", &new.problems),
        ("requests", &new.requests),
    ]
    .into_iter()
    .map(|(field, value)| (field, text(field, value.as_deref(), &mut problems)))
    .collect();
    let (step, due) = next_step(
        new.next_step.as_deref(),
        new.next_step_due.as_deref(),
        checked_in.map(|t| zone.day(t)),
        &mut problems,
    );
    let spot_check = visit_type == SPOT_CHECK;
    if spot_check && new.report_confirmed.is_none() {
        problems.push(FieldProblem::new(
            "reportConfirmed",
            ProblemCode::Required,
            "a spot-check records whether the rep's report of this customer held true",
        ));
    }
    if !spot_check && new.report_confirmed.is_some() {
        problems.push(FieldProblem::new(
            "reportConfirmed",
            ProblemCode::NotSpotCheck,
            "only a spot-check confirms a report",
        ));
    }
    let Some(checked_in) = checked_in.filter(|_| problems.is_empty()) else {
        return Err(Error::Invalid(problems));
    };
    let (due, defaulted_due) = due_or_default(
        tx,
        step.as_ref(),
        due,
        viewer.staff,
        Some(new.customer_id),
        zone.day(checked_in).max(zone.day(now)),
    )?;
    let id = VisitId::new();
    let actor = actor(viewer, now, zone, "visit", id.as_uuid());
    let value = |i: usize| texts[i].1.clone();
    tx.prepare_cached(
        "INSERT INTO visit (id, customer_id, staff_id, visit_type, checked_in_at, checked_out_at, latitude, longitude,
                            purpose, stock_notes, competitor_notes, prices_seen, problems, requests, next_step,
                            next_step_due, planned, report_confirmed, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)",
    )?
    .execute(params![
        id,
        new.customer_id,
        viewer.staff,
        visit_type,
        timestamp(checked_in),
        checked_out.map(timestamp),
        new.latitude,
        new.longitude,
        value(0),
        value(1),
        value(2),
        value(3),
        value(4),
        value(5),
        step,
        due.map(|d| d.to_string()),
        new.planned,
        new.report_confirmed,
        timestamp(now),
    ])?;
    let task = match (&step, due) {
        (Some(step), Some(due)) => Some(insert_task(
            tx,
            viewer.staff,
            Some(new.customer_id),
            step,
            due,
            TaskSource::Visit,
            Some(&id.to_string()),
            actor,
        )?),
        _ => None,
    };
    let warnings = change_card(tx, new.customer_id, &new.card_changes, actor)?;
    visited(tx, new.customer_id, zone.day(checked_in), actor)?;
    let today = zone.day(now);
    Ok(LoggedVisit {
        visit: visit(tx, id)?,
        task: task.map(|t| self::task(tx, t, today)).transpose()?,
        defaulted_due,
        warnings,
    })
}

fn check_span(checked_in: DateTime<Utc>, checked_out: DateTime<Utc>, problems: &mut Vec<FieldProblem>) {
    if checked_out < checked_in {
        problems.push(FieldProblem::new(
            "checkedOutAt",
            ProblemCode::BeforeCheckIn,
            "check-out is before check-in; correct one of the two times",
        ));
    } else if checked_out - checked_in > Duration::hours(MAX_VISIT_HOURS) {
        problems.push(FieldProblem::new(
            "checkedOutAt",
            ProblemCode::TooLong,
            format!("a visit lasts at most {MAX_VISIT_HOURS} hours; check the check-out time"),
        ));
    }
}

fn coordinates(latitude: Option<f64>, longitude: Option<f64>, problems: &mut Vec<FieldProblem>) {
    match (latitude, longitude) {
        (Some(lat), Some(lon)) => {
            if !(-90.0..=90.0).contains(&lat) {
                problems.push(FieldProblem::new(
                    "latitude",
                    ProblemCode::OutOfRange,
                    "a latitude lies between -90 and 90",
                ));
            }
            if !(-180.0..=180.0).contains(&lon) {
                problems.push(FieldProblem::new(
                    "longitude",
                    ProblemCode::OutOfRange,
                    "a longitude lies between -180 and 180",
                ));
            }
        }
        (None, None) => {}
        _ => problems.push(FieldProblem::new(
            "latitude",
            ProblemCode::HalfCoordinates,
            "give both latitude and longitude, or neither",
        )),
    }
}

/// Closes an open visit (or corrects its check-out). Only its visitor may.
pub fn check_out(tx: &Transaction<'_>, viewer: &Viewer, id: VisitId, at: &str, now: DateTime<Utc>) -> Result<Visit> {
    let current = visit(tx, id)?;
    if current.staff_id != viewer.staff {
        return Err(Error::Forbidden(format!("this is {}'s visit; only they check out of it", current.staff_name)));
    }
    let mut problems = vec![];
    let out = when("checkedOutAt", at, now, Zone::of(tx)?, &mut problems);
    let checked_in = crate::clock::parse_timestamp(&current.checked_in_at).unwrap_or(now);
    if let Some(out) = out {
        check_span(checked_in, out, &mut problems);
    }
    let Some(out) = out.filter(|_| problems.is_empty()) else { return Err(Error::Invalid(problems)) };
    tx.prepare_cached("UPDATE visit SET checked_out_at = ?2, updated_at = ?3 WHERE id = ?1")?.execute(params![
        id,
        timestamp(out),
        timestamp(now)
    ])?;
    visit(tx, id)
}

/// Logs a call with its task and card changes.
pub fn log_call(tx: &Transaction<'_>, viewer: &Viewer, new: &NewCall, now: DateTime<Utc>) -> Result<LoggedCall> {
    let zone = Zone::of(tx)?;
    let mut problems = vec![];
    match (new.customer_id, new.colleague_id) {
        (Some(customer), None) => require_customer(tx, viewer, customer)?,
        (None, Some(colleague)) => {
            if colleague == viewer.staff {
                problems.push(FieldProblem::new(
                    "colleagueId",
                    ProblemCode::SelfReference,
                    "a call is with someone else",
                ));
            } else {
                crate::org::staff_member(tx, colleague).map_err(|_| {
                    Error::invalid(
                        "colleagueId",
                        ProblemCode::UnknownRef,
                        format!("{colleague} is not in this book's staff"),
                    )
                })?;
            }
            if !new.card_changes.is_empty() {
                problems.push(FieldProblem::new(
                    "cardChanges",
                    ProblemCode::NoCard,
                    "a call with a colleague changes no card",
                ));
            }
        }
        (Some(_), Some(_)) => problems.push(FieldProblem::new(
            "colleagueId",
            ProblemCode::Both,
            "a call is with a customer or with a colleague, not both",
        )),
        (None, None) => problems.push(FieldProblem::new(
            "customerId",
            ProblemCode::Required,
            "choose the customer or colleague you spoke to",
        )),
    }
    let called = when("calledAt", &new.called_at, now, zone, &mut problems);
    if new.duration_seconds < 0 {
        problems.push(FieldProblem::new(
            "durationSeconds",
            ProblemCode::Negative,
            "a call cannot last less than nothing; give its length in seconds",
        ));
    } else if new.duration_seconds > MAX_CALL_SECONDS {
        problems.push(FieldProblem::new("durationSeconds", ProblemCode::TooLong, "a call lasts at most 24 hours"));
    }
    let summary = text("summary", new.summary.as_deref(), &mut problems);
    let (step, due) =
        next_step(new.next_step.as_deref(), new.next_step_due.as_deref(), called.map(|t| zone.day(t)), &mut problems);
    let Some(called) = called.filter(|_| problems.is_empty()) else { return Err(Error::Invalid(problems)) };
    let (due, defaulted_due) =
        due_or_default(tx, step.as_ref(), due, viewer.staff, new.customer_id, zone.day(called).max(zone.day(now)))?;
    let id = CallId::new();
    let actor = actor(viewer, now, zone, "call", id.as_uuid());
    tx.prepare_cached(
        "INSERT INTO call_log (id, staff_id, customer_id, colleague_id, direction, called_at, duration_seconds,
                               summary, next_step, next_step_due, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    )?
    .execute(params![
        id,
        viewer.staff,
        new.customer_id,
        new.colleague_id,
        new.direction,
        timestamp(called),
        new.duration_seconds,
        summary,
        step,
        due.map(|d| d.to_string()),
        timestamp(now),
    ])?;
    let task = match (&step, due) {
        (Some(step), Some(due)) => Some(insert_task(
            tx,
            viewer.staff,
            new.customer_id,
            step,
            due,
            TaskSource::Call,
            Some(&id.to_string()),
            actor,
        )?),
        _ => None,
    };
    let warnings = match new.customer_id {
        Some(customer) => change_card(tx, customer, &new.card_changes, actor)?,
        None => vec![],
    };
    let today = zone.day(now);
    Ok(LoggedCall {
        call: call(tx, id)?,
        task: task.map(|t| self::task(tx, t, today)).transpose()?,
        defaulted_due,
        warnings,
    })
}

/// Adds a task by hand.
pub fn add_task(tx: &Transaction<'_>, viewer: &Viewer, new: &NewTask, now: DateTime<Utc>) -> Result<Task> {
    let mut problems = vec![];
    let title = text("title", Some(&new.title), &mut problems);
    if title.is_none() && problems.is_empty() {
        problems.push(FieldProblem::new("title", ProblemCode::Required, "say what is to be done"));
    }
    let due = day("dueOn", &new.due_on, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let assignee = new.assignee_id.unwrap_or(viewer.staff);
    viewer.require_staff(tx, assignee)?;
    if let Some(customer) = new.customer_id {
        require_customer(tx, viewer, customer)?;
    }
    let (Some(title), Some(due)) = (title, due) else { return Err(Error::Invalid(problems)) };
    let zone = Zone::of(tx)?;
    let actor = Actor { staff: viewer.staff, at: now, source: "task", source_id: None, zone };
    let id = insert_task(tx, assignee, new.customer_id, &title, due, TaskSource::Manual, None, actor)?;
    task(tx, id, zone.day(now))
}

/// Marks a task done (or open again).
pub fn set_task_done(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    id: TaskId,
    done: bool,
    now: DateTime<Utc>,
) -> Result<Task> {
    let today = Zone::of(tx)?.day(now);
    let current = task(tx, id, today)?;
    viewer.require_staff(tx, current.assignee_id)?;
    if done == current.done_at.is_some() {
        return Ok(current);
    }
    let at = timestamp(now);
    tx.prepare_cached("UPDATE task SET done_at = ?2, done_by = ?3, updated_at = ?4 WHERE id = ?1")?
        .execute(params![id, done.then_some(&at), done.then_some(viewer.staff), at])?;
    task(tx, id, today)
}

const VISIT_SELECT: &str = "SELECT v.id, v.customer_id, c.name, v.staff_id, s.name, v.visit_type, v.checked_in_at,
        v.checked_out_at, v.latitude, v.longitude, v.purpose, v.stock_notes, v.competitor_notes, v.prices_seen,
        v.problems, v.requests, v.next_step, v.next_step_due, v.planned, v.report_confirmed
   FROM visit v JOIN customer c ON c.id = v.customer_id LEFT JOIN staff s ON s.id = v.staff_id";

fn visit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Visit> {
    let checked_in: String = r.get(6)?;
    let checked_out: Option<String> = r.get(7)?;
    let minutes = checked_out.as_deref().and_then(crate::clock::parse_timestamp).and_then(|out| {
        let minutes = (out - crate::clock::parse_timestamp(&checked_in)?).num_minutes();
        u32::try_from(minutes).ok()
    });
    Ok(Visit {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        customer_name: r.get(2)?,
        staff_id: r.get(3)?,
        staff_name: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
        visit_type: r.get(5)?,
        checked_in_at: checked_in,
        checked_out_at: checked_out,
        minutes,
        latitude: r.get(8)?,
        longitude: r.get(9)?,
        purpose: r.get(10)?,
        stock_notes: r.get(11)?,
        competitor_notes: r.get(12)?,
        prices_seen: r.get(13)?,
        problems: r.get(14)?,
        requests: r.get(15)?,
        next_step: r.get(16)?,
        next_step_due: r.get(17)?,
        planned: r.get(18)?,
        report_confirmed: r.get(19)?,
    })
}

pub fn visit(conn: &Connection, id: VisitId) -> Result<Visit> {
    conn.prepare_cached(&format!("{VISIT_SELECT} WHERE v.id = ?1"))?
        .query_row([id], visit_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "visit", id: id.to_string() })
}

const CALL_SELECT: &str = "SELECT k.id, k.staff_id, s.name, k.customer_id, c.name, k.colleague_id, g.name, k.direction,
        k.called_at, k.duration_seconds, k.summary, k.next_step, k.next_step_due
   FROM call_log k LEFT JOIN staff s ON s.id = k.staff_id LEFT JOIN customer c ON c.id = k.customer_id
   LEFT JOIN staff g ON g.id = k.colleague_id";

fn call_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Call> {
    Ok(Call {
        id: r.get(0)?,
        staff_id: r.get(1)?,
        staff_name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        customer_id: r.get(3)?,
        customer_name: r.get(4)?,
        colleague_id: r.get(5)?,
        colleague_name: r.get(6)?,
        direction: r.get(7)?,
        called_at: r.get(8)?,
        duration_seconds: r.get(9)?,
        summary: r.get(10)?,
        next_step: r.get(11)?,
        next_step_due: r.get(12)?,
    })
}

pub fn call(conn: &Connection, id: CallId) -> Result<Call> {
    conn.prepare_cached(&format!("{CALL_SELECT} WHERE k.id = ?1"))?
        .query_row([id], call_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "call", id: id.to_string() })
}

const TASK_SELECT: &str = "SELECT t.id, t.title, t.due_on, t.done_at, t.customer_id, c.name, t.assignee_id, s.name,
        t.source, t.source_id
   FROM task t LEFT JOIN customer c ON c.id = t.customer_id LEFT JOIN staff s ON s.id = t.assignee_id";

fn task_row(today: String) -> impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<Task> {
    move |r| {
        let due_on: String = r.get(2)?;
        let done_at: Option<String> = r.get(3)?;
        Ok(Task {
            id: r.get(0)?,
            title: r.get(1)?,
            overdue: done_at.is_none() && due_on < today,
            due_on,
            done_at,
            customer_id: r.get(4)?,
            customer_name: r.get(5)?,
            assignee_id: r.get(6)?,
            assignee_name: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
            source: r.get(8)?,
            source_id: r.get(9)?,
        })
    }
}

pub fn task(conn: &Connection, id: TaskId, today: NaiveDate) -> Result<Task> {
    conn.prepare_cached(&format!("{TASK_SELECT} WHERE t.id = ?1"))?
        .query_row([id], task_row(today.to_string()))
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "task", id: id.to_string() })
}

/// The time range of a query's days, as stored timestamps.
fn range(query: &RecordQuery, zone: Zone) -> Result<(String, String)> {
    let mut problems = vec![];
    let from = query.from.as_deref().and_then(|d| day("from", d, &mut problems));
    let to = query.to.as_deref().and_then(|d| day("to", d, &mut problems));
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let start = from.map_or_else(|| "0000".to_string(), |d| timestamp(zone.day_start(d)));
    let end = to.and_then(|d| d.succ_opt()).map_or_else(|| "9999".to_string(), |d| timestamp(zone.day_start(d)));
    Ok((start, end))
}

/// Whose records a query asks for, checked against what the viewer may see.
fn subject(
    conn: &Connection,
    viewer: &Viewer,
    customer: Option<CustomerId>,
    staff: Option<StaffId>,
) -> Result<(Option<CustomerId>, Option<StaffId>)> {
    if let Some(customer) = customer {
        require_customer(conn, viewer, customer)?;
    }
    if let Some(staff) = staff {
        viewer.require_staff(conn, staff)?;
    }
    Ok(match (customer, staff) {
        (None, None) => (None, Some(viewer.staff)),
        other => other,
    })
}

/// `column = ?` conditions for the subject of a query (each uses its index).
fn conditions(pairs: &[(&str, Option<String>)]) -> (String, Vec<rusqlite::types::Value>) {
    let mut sql = String::new();
    let mut values = vec![];
    for (condition, value) in pairs {
        if let Some(value) = value {
            values.push(rusqlite::types::Value::Text(value.clone()));
            sql.push_str(&format!(" AND {}", condition.replace('?', &format!("?{}", values.len()))));
        }
    }
    (sql, values)
}

/// Visits, newest first.
pub fn visits(conn: &Connection, viewer: &Viewer, query: &RecordQuery) -> Result<Vec<Visit>> {
    let (customer, staff) = subject(conn, viewer, query.customer_id, query.staff_id)?;
    let (start, end) = range(query, Zone::of(conn)?)?;
    let limit = query.limit.unwrap_or(500).clamp(1, MAX_ROWS);
    let (filter, mut values) = conditions(&[
        ("v.customer_id = ?", customer.map(|c| c.to_string())),
        ("v.staff_id = ?", staff.map(|s| s.to_string())),
        ("v.checked_in_at >= ?", Some(start)),
        ("v.checked_in_at < ?", Some(end)),
    ]);
    values.push(rusqlite::types::Value::Integer(i64::from(limit)));
    let mut stmt = conn.prepare_cached(&format!(
        "{VISIT_SELECT} WHERE 1{filter} ORDER BY v.checked_in_at DESC LIMIT ?{}",
        values.len()
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values), visit_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Calls, newest first. A person's calls include those with them as the colleague.
pub fn calls(conn: &Connection, viewer: &Viewer, query: &RecordQuery) -> Result<Vec<Call>> {
    use rusqlite::types::Value;
    let (customer, staff) = subject(conn, viewer, query.customer_id, query.staff_id)?;
    let (start, end) = range(query, Zone::of(conn)?)?;
    let limit = query.limit.unwrap_or(500).clamp(1, MAX_ROWS);
    let mut values = vec![Value::Text(start), Value::Text(end)];
    let mut sql = format!("{CALL_SELECT} WHERE k.called_at >= ?1 AND k.called_at < ?2");
    if let Some(staff) = staff {
        // Each branch reads its own index over the time range.
        values.push(Value::Text(staff.to_string()));
        let n = values.len();
        sql.push_str(&format!(
            " AND k.id IN (SELECT id FROM call_log WHERE staff_id = ?{n} AND called_at >= ?1 AND called_at < ?2
                           UNION ALL
                           SELECT id FROM call_log WHERE colleague_id = ?{n} AND called_at >= ?1 AND called_at < ?2)"
        ));
    }
    if let Some(customer) = customer {
        values.push(Value::Text(customer.to_string()));
        sql.push_str(&format!(" AND k.customer_id = ?{}", values.len()));
    }
    values.push(Value::Integer(i64::from(limit)));
    sql.push_str(&format!(" ORDER BY k.called_at DESC LIMIT ?{}", values.len()));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values), call_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Tasks: open ones by due date, then done ones newest first.
pub fn tasks(conn: &Connection, viewer: &Viewer, query: &TaskQuery, today: NaiveDate) -> Result<Vec<Task>> {
    let (customer, assignee) = subject(conn, viewer, query.customer_id, query.assignee_id)?;
    let limit = query.limit.unwrap_or(500).clamp(1, MAX_ROWS);
    let (filter, mut values) = conditions(&[
        ("t.customer_id = ?", customer.map(|c| c.to_string())),
        ("t.assignee_id = ?", assignee.map(|s| s.to_string())),
    ]);
    let open = if query.include_done { "" } else { " AND t.done_at IS NULL" };
    values.push(rusqlite::types::Value::Integer(i64::from(limit)));
    let mut stmt = conn.prepare_cached(&format!(
        "{TASK_SELECT} WHERE 1{filter}{open} ORDER BY t.done_at IS NOT NULL, t.due_on, t.done_at DESC LIMIT ?{}",
        values.len()
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values), task_row(today.to_string()))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
