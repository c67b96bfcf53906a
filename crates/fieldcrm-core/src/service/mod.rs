//! Customer service (客户服务): complaints and feedback with service clocks.
//! Anyone who holds a customer logs what the customer said; quality at head
//! office takes it over (the moment head office holds it) and handles it; the
//! reply goes back to the customer; the complaint closes with the customer's
//! satisfaction. [`clock`] says where each stands and how far it escalated.

pub mod clock;

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::timestamp;
use crate::error::{Error, FieldProblem, ProblemCode, Result};
use crate::ids::{ComplaintId, CustomerId};
use crate::model::{ComplaintKind, ServiceStage, StaffRole};
use crate::org::Viewer;
use clock::{ClockState, Clocks, Times};

/// The most characters of the customer's words, a handling note and a reply.
pub const MAX_TEXT: usize = 2000;
/// The most characters of an attachment's file name.
pub const MAX_ATTACHMENT: usize = 200;

/// A complaint or feedback, as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ComplaintInput {
    pub customer_id: CustomerId,
    pub kind: ComplaintKind,
    /// Feedback (意见反馈) rather than a complaint.
    #[serde(default)]
    pub feedback: bool,
    /// The product's code, when it is about one.
    #[serde(default)]
    #[ts(optional)]
    pub product: Option<String>,
    /// What the customer said, in their words.
    pub words: String,
    /// The name of a file kept with it (photos stay out of the book).
    #[serde(default)]
    #[ts(optional)]
    pub attachment: Option<String>,
}

/// The next step of a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ComplaintStep {
    pub complaint_id: String,
    /// `handled` (head office), `replied`, or `closed`.
    pub stage: ServiceStage,
    /// What quality did, or what the customer was told.
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
    /// Closing: the customer's satisfaction, 1 to 5.
    #[serde(default)]
    #[ts(optional)]
    pub satisfaction: Option<u8>,
}

/// Which complaints a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintFilter {
    /// Not closed.
    Open,
    /// Not closed and past a clock (red).
    Overdue,
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ComplaintQuery {
    pub filter: ComplaintFilter,
    #[serde(default)]
    #[ts(optional)]
    pub customer_id: Option<CustomerId>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Complaint {
    pub id: String,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub owner_name: Option<String>,
    pub territory_name: Option<String>,
    pub kind: ComplaintKind,
    pub feedback: bool,
    pub product_name: Option<String>,
    pub words: String,
    pub attachment: Option<String>,
    pub logged_by: String,
    pub logged_at: String,
    pub passed_on_at: Option<String>,
    pub handled_at: Option<String>,
    pub handled_by: Option<String>,
    pub handling: Option<String>,
    pub replied_at: Option<String>,
    pub replied_by: Option<String>,
    pub reply: Option<String>,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub satisfaction: Option<u8>,
    pub clock: ClockState,
}

fn invalid(field: &str, code: ProblemCode, message: impl Into<String>) -> Error {
    Error::Invalid(vec![FieldProblem::new(field, code, message)])
}

fn text(field: &str, value: Option<&str>, max: usize, required: bool) -> Result<Option<String>> {
    let value = value.map(str::trim).filter(|v| !v.is_empty());
    match value {
        None if required => Err(invalid(field, ProblemCode::Required, "write it down")),
        Some(v) if v.chars().count() > max => {
            Err(invalid(field, ProblemCode::TooLong, format!("at most {max} characters fit")))
        }
        Some(v) if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
            Err(invalid(field, ProblemCode::ControlCharacters, "remove the control characters"))
        }
        v => Ok(v.map(str::to_string)),
    }
}

// ----------------------------------------------------------------- clocks

/// Head office's clocks for every kind (the seed's where none is set).
pub fn clocks(conn: &Connection) -> Result<Vec<Clocks>> {
    let mut set: HashMap<String, Clocks> = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT id, pass_minutes, handle_minutes, reply_minutes FROM service_clock")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))? {
        let (kind, pass_minutes, handle_minutes, reply_minutes) = row?;
        if let Ok(kind) = kind.parse() {
            set.insert(kind_key(kind), Clocks { kind, pass_minutes, handle_minutes, reply_minutes });
        }
    }
    Ok(ComplaintKind::ALL.iter().map(|k| set.get(&kind_key(*k)).copied().unwrap_or(Clocks::default_for(*k))).collect())
}

fn kind_key(kind: ComplaintKind) -> String {
    kind.as_str().to_string()
}

/// Head office sets a kind's clocks.
pub fn set_clocks(tx: &Transaction<'_>, viewer: &Viewer, input: &Clocks, now: DateTime<Utc>) -> Result<Vec<Clocks>> {
    if viewer.role != StaffRole::HeadOffice {
        return Err(Error::Forbidden("only head office sets the service clocks".into()));
    }
    let year = 525_600;
    for (field, minutes) in [
        ("passMinutes", input.pass_minutes),
        ("handleMinutes", input.handle_minutes),
        ("replyMinutes", input.reply_minutes),
    ] {
        if !(1..=year).contains(&minutes) {
            return Err(invalid(field, ProblemCode::OutOfRange, "a clock is a minute to a year"));
        }
    }
    if input.handle_minutes < input.pass_minutes || input.reply_minutes < input.handle_minutes {
        return Err(invalid(
            "handleMinutes",
            ProblemCode::OutOfRange,
            "the clocks run from the time of logging: passing on, then handling, then the reply",
        ));
    }
    tx.prepare_cached(
        "INSERT INTO service_clock (id, pass_minutes, handle_minutes, reply_minutes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (id) DO UPDATE SET pass_minutes = excluded.pass_minutes, handle_minutes = excluded.handle_minutes,
                 reply_minutes = excluded.reply_minutes, updated_at = excluded.updated_at",
    )?
    .execute(params![
        input.kind,
        input.pass_minutes,
        input.handle_minutes,
        input.reply_minutes,
        timestamp(now)
    ])?;
    clocks(tx)
}

// ----------------------------------------------------------------- writes

/// Logs a complaint at this laptop's clock as sync corrects it. Logged at
/// head office, it is with quality at once.
pub fn log(tx: &Transaction<'_>, viewer: &Viewer, input: &ComplaintInput, now: DateTime<Utc>) -> Result<String> {
    if !viewer.sees_customer(tx, &input.customer_id.to_string())? {
        return Err(Error::Forbidden("this customer is not in your part of the organisation".into()));
    }
    let words = text("words", Some(&input.words), MAX_TEXT, true)?;
    let attachment = text("attachment", input.attachment.as_deref(), MAX_ATTACHMENT, false)?;
    if attachment.as_ref().is_some_and(|a| a.contains(['/', '\\'])) {
        return Err(invalid("attachment", ProblemCode::BadValue, "give the file's name, without its folder"));
    }
    let product: Option<String> = match input.product.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(code) => Some(
            tx.prepare_cached("SELECT id FROM product WHERE id = ?1 OR code = ?1")?
                .query_row([code], |r| r.get(0))
                .optional()?
                .ok_or_else(|| {
                    invalid("product", ProblemCode::UnknownProduct, format!("there is no product '{code}'"))
                })?,
        ),
        None => None,
    };
    let offset: i64 = tx.query_row("SELECT clock_offset_ms FROM sync_state", [], |r| r.get(0)).optional()?.unwrap_or(0);
    let logged = timestamp(now + Duration::milliseconds(offset));
    let passed_on = (viewer.role == StaffRole::HeadOffice).then(|| logged.clone());
    let id = ComplaintId::new().to_string();
    tx.prepare_cached(
        "INSERT INTO complaint (id, customer_id, kind, feedback, product_id, words, attachment, logged_by, logged_at,
                                passed_on_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    )?
    .execute(params![
        id,
        input.customer_id,
        input.kind,
        input.feedback,
        product,
        words,
        attachment,
        viewer.staff,
        logged,
        passed_on,
        timestamp(now)
    ])?;
    Ok(id)
}

/// Moves a complaint on: handled (head office), replied, or closed with the
/// customer's satisfaction.
pub fn step(tx: &Transaction<'_>, viewer: &Viewer, input: &ComplaintStep, now: DateTime<Utc>) -> Result<()> {
    type Stages = (String, Option<String>, Option<String>, Option<String>, Option<String>);
    let row: Option<Stages> = tx
        .prepare_cached(
            "SELECT customer_id, passed_on_at, handled_at, replied_at, closed_at FROM complaint WHERE id = ?1",
        )?
        .query_row([&input.complaint_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    let Some((customer, _passed_on, handled, replied, closed)) = row else {
        return Err(Error::NotFound { what: "complaint", id: input.complaint_id.clone() });
    };
    if !viewer.sees_customer(tx, &customer)? {
        return Err(Error::Forbidden("this customer is not in your part of the organisation".into()));
    }
    if closed.is_some() {
        return Err(invalid("stage", ProblemCode::BadStatusChange, "the complaint is closed"));
    }
    let ts = timestamp(now);
    let (column, done) = match input.stage {
        ServiceStage::Handled => ("handling", handled.is_some()),
        ServiceStage::Replied => ("reply", replied.is_some()),
        ServiceStage::Closed => ("satisfaction", false),
        _ => return Err(invalid("stage", ProblemCode::BadValue, "a complaint is handled, replied to, or closed")),
    };
    if done {
        return Err(invalid("stage", ProblemCode::BadStatusChange, "this step is done already"));
    }
    clock::may_set(viewer.role, column, handled.is_some(), replied.is_some())
        .map_err(|(code, message)| invalid("stage", code, message))?;
    match input.stage {
        ServiceStage::Handled => {
            let note = text("note", input.note.as_deref(), MAX_TEXT, true)?;
            tx.prepare_cached(
                "UPDATE complaint SET passed_on_at = coalesce(passed_on_at, ?2), handled_at = ?2, handled_by = ?3,
                        handling = ?4, updated_at = ?2 WHERE id = ?1",
            )?
            .execute(params![input.complaint_id, ts, viewer.staff, note])?;
        }
        ServiceStage::Replied => {
            let note = text("note", input.note.as_deref(), MAX_TEXT, true)?;
            tx.prepare_cached(
                "UPDATE complaint SET replied_at = ?2, replied_by = ?3, reply = ?4, updated_at = ?2 WHERE id = ?1",
            )?
            .execute(params![input.complaint_id, ts, viewer.staff, note])?;
        }
        _ => {
            let satisfaction = input.satisfaction.ok_or_else(|| {
                invalid("satisfaction", ProblemCode::Required, "ask the customer how satisfied they are")
            })?;
            if !(1..=5).contains(&satisfaction) {
                return Err(invalid("satisfaction", ProblemCode::OutOfRange, "satisfaction is 1 to 5"));
            }
            tx.prepare_cached(
                "UPDATE complaint SET closed_at = ?2, closed_by = ?3, satisfaction = ?4, updated_at = ?2 WHERE id = ?1",
            )?
            .execute(params![input.complaint_id, ts, viewer.staff, satisfaction])?;
        }
    }
    Ok(())
}

/// Head office: the complaints it now holds for the first time are with
/// quality from now (the merge that received them calls this).
pub fn pass_on_arrived(tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<usize> {
    Ok(tx
        .prepare_cached("UPDATE complaint SET passed_on_at = ?1, updated_at = ?1 WHERE passed_on_at IS NULL")?
        .execute([timestamp(now)])?)
}

// ------------------------------------------------------------------ reads

fn parse_time(text: &Option<String>) -> Option<DateTime<Utc>> {
    text.as_deref().and_then(|t| t.parse().ok())
}

/// The complaints this book holds (the person's scope), newest first, with
/// their clocks at `now`.
pub fn list(conn: &Connection, query: &ComplaintQuery, now: DateTime<Utc>) -> Result<Vec<Complaint>> {
    let clocks: HashMap<String, Clocks> = clocks(conn)?.into_iter().map(|c| (kind_key(c.kind), c)).collect();
    let open = match query.filter {
        ComplaintFilter::All => "1",
        _ => "k.closed_at IS NULL",
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT k.id, k.customer_id, c.name, o.name, u.name, k.kind, k.feedback, p.name, k.words, k.attachment,
                lb.name, k.logged_at, k.passed_on_at, k.handled_at, hb.name, k.handling, k.replied_at, rb.name, k.reply,
                k.closed_at, cb.name, k.satisfaction
           FROM complaint k JOIN customer c ON c.id = k.customer_id
           LEFT JOIN staff o ON o.id = c.owner_id LEFT JOIN org_unit u ON u.id = c.territory_id
           LEFT JOIN product p ON p.id = k.product_id LEFT JOIN staff lb ON lb.id = k.logged_by
           LEFT JOIN staff hb ON hb.id = k.handled_by LEFT JOIN staff rb ON rb.id = k.replied_by
           LEFT JOIN staff cb ON cb.id = k.closed_by
          WHERE {open} AND (?1 IS NULL OR k.customer_id = ?1)
          ORDER BY k.logged_at DESC, k.id"
    ))?;
    let rows = stmt.query_map([query.customer_id.map(|c| c.to_string())], |r| {
        let kind: String = r.get(5)?;
        Ok((kind, {
            Complaint {
                id: r.get(0)?,
                customer_id: r.get(1)?,
                customer_name: r.get(2)?,
                owner_name: r.get(3)?,
                territory_name: r.get(4)?,
                kind: ComplaintKind::Other,
                feedback: r.get(6)?,
                product_name: r.get(7)?,
                words: r.get(8)?,
                attachment: r.get(9)?,
                logged_by: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
                logged_at: r.get(11)?,
                passed_on_at: r.get(12)?,
                handled_at: r.get(13)?,
                handled_by: r.get(14)?,
                handling: r.get(15)?,
                replied_at: r.get(16)?,
                replied_by: r.get(17)?,
                reply: r.get(18)?,
                closed_at: r.get(19)?,
                closed_by: r.get(20)?,
                satisfaction: r.get(21)?,
                clock: ClockState {
                    stage: ServiceStage::Logged,
                    next: None,
                    due_at: None,
                    overdue: false,
                    missed: vec![],
                    level: 0,
                },
            }
        }))
    })?;
    let limit = query.limit.unwrap_or(500) as usize;
    let mut out = vec![];
    for row in rows {
        let (kind, mut complaint) = row?;
        complaint.kind = kind.parse().unwrap_or(ComplaintKind::Other);
        let clocks = clocks.get(&kind).copied().unwrap_or(Clocks::default_for(complaint.kind));
        let times = Times {
            logged: parse_time(&Some(complaint.logged_at.clone())),
            passed_on: parse_time(&complaint.passed_on_at),
            handled: parse_time(&complaint.handled_at),
            replied: parse_time(&complaint.replied_at),
            closed: parse_time(&complaint.closed_at),
        };
        complaint.clock = clock::state(&clocks, &times, now);
        if query.filter == ComplaintFilter::Overdue && complaint.clock.level == 0 && !complaint.clock.overdue {
            continue;
        }
        out.push(complaint);
        if out.len() >= limit {
            break;
        }
    }
    Ok(out)
}
