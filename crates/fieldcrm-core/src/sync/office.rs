//! Head office's side: enrolled devices, whose scope is what, merging a
//! laptop's file (authority, conflicts, moves), and writing each person's file.

use crate::error::ProblemCode;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value as Json;

use super::file::{Body, Change, Header, Range, Rejection};
use super::merge::{read_row, to_json, Merger, Outcome};
use super::{ImportReport, Progress};
use crate::changes::capture::{self, record_move, set_capture, CellClock, State};
use crate::changes::hlc;
use crate::changes::manifest::{self, Anchor, Authority, Columns, Scope, SYNCED};
use crate::clock::timestamp;
use crate::error::{Error, Result};
use crate::model::StaffRole;
pub use crate::org::{scope_of, staff_in_scope, subtree, PeerScope};

/// Columns every edit touches; concurrent changes to them are not conflicts.
const QUIET_COLUMNS: &[&str] = &["updated_at", "updated_by", "reviewed_at"];
/// A laptop clock this far ahead of head office's is corrected.
const SKEW_TOLERANCE_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone)]
pub struct Peer {
    pub device_id: String,
    pub staff_id: Option<String>,
    pub name: Option<String>,
    pub public_key: Vec<u8>,
    pub acked_upto: i64,
    pub received_upto: i64,
    pub files_out: i64,
    pub skew_ms: i64,
    pub scope_sig: Option<String>,
    pub is_office: bool,
    pub enrolled_at: String,
    pub last_export_at: Option<String>,
    pub last_import_at: Option<String>,
}

const PEER_COLUMNS: &str = "device_id, staff_id, name, public_key, acked_upto, received_upto, files_out, skew_ms,
    scope_sig, is_office, enrolled_at, last_export_at, last_import_at";

fn peer_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Peer> {
    Ok(Peer {
        device_id: r.get(0)?,
        staff_id: r.get(1)?,
        name: r.get(2)?,
        public_key: r.get(3)?,
        acked_upto: r.get(4)?,
        received_upto: r.get(5)?,
        files_out: r.get(6)?,
        skew_ms: r.get(7)?,
        scope_sig: r.get(8)?,
        is_office: r.get(9)?,
        enrolled_at: r.get(10)?,
        last_export_at: r.get(11)?,
        last_import_at: r.get(12)?,
    })
}

pub fn peer(conn: &Connection, device: &str) -> Result<Option<Peer>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {PEER_COLUMNS} FROM sync_peer WHERE device_id = ?1"))?
        .query_row([device], peer_row)
        .optional()?)
}

pub fn peers(conn: &Connection) -> Result<Vec<Peer>> {
    let mut stmt = conn.prepare(&format!("SELECT {PEER_COLUMNS} FROM sync_peer ORDER BY is_office DESC, name"))?;
    let rows = stmt.query_map([], peer_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn owner_and_territory(conn: &Connection, customer: &str) -> Result<Option<(Option<String>, Option<String>)>> {
    Ok(conn
        .prepare_cached("SELECT owner_id, territory_id FROM customer WHERE id = ?1")?
        .query_row([customer], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// A row's anchor: the customer it belongs to, `staff:<id>` for a person's
/// rows, None for reference data or rows this book does not know.
fn anchor_of(conn: &Connection, change: &Change) -> Result<Option<String>> {
    let Some(table) = manifest::table(&change.t) else { return Ok(None) };
    match table.scope {
        Scope::Global => Ok(None),
        Scope::Customer("id") => Ok(Some(change.k.clone())),
        scope => {
            if change.c == "*" {
                return Ok(change.v.as_object().and_then(|values| scope.anchor_of(values)));
            }
            match super::merge::row_anchor(conn, table, &change.k)? {
                Some(anchor) => Ok(anchor),
                None => Ok(conn
                    .prepare_cached("SELECT anchor FROM sync_clock WHERE tbl = ?1 AND pk = ?2 AND col = '*'")?
                    .query_row(params![change.t, change.k], |r| r.get(0))
                    .optional()?
                    .flatten()),
            }
        }
    }
}

/// The customer a row belongs to (None for reference data, a person's rows or unknown rows).
fn customer_anchor(conn: &Connection, change: &Change) -> Result<Option<String>> {
    Ok(anchor_of(conn, change)?.filter(|a| matches!(Anchor::parse(a), Anchor::Customer(_))))
}

/// Does the scope hold this person's own rows?
fn holds_staff(conn: &Connection, scope: &PeerScope, person: &str) -> Result<bool> {
    Ok(match scope {
        PeerScope::All => true,
        PeerScope::Owner(staff) => staff == person,
        PeerScope::Units(units) => conn
            .prepare_cached("SELECT org_unit_id FROM staff WHERE id = ?1")?
            .query_row([person], |r| r.get::<_, String>(0))
            .optional()?
            .is_some_and(|unit| units.contains(&unit)),
    })
}

/// A value, the device that wrote it and its clock.
type Write = (SqlValue, String, u64);

struct Refusal {
    reason: ProblemCode,
    message: String,
}

fn refuse(reason: ProblemCode, message: impl Into<String>) -> Refusal {
    Refusal { reason, message: message.into() }
}

/// May `scope` (of a person with `role`) make this change? Checked against
/// head office's book before the change is applied.
fn authorise(
    conn: &Connection,
    staff: &str,
    scope: &PeerScope,
    role: StaffRole,
    change: &Change,
) -> Result<Result<(), Refusal>> {
    let Some(table) = manifest::table(&change.t) else {
        return Ok(Err(refuse(ProblemCode::UnknownTable, format!("'{}' is not synced", change.t))));
    };
    match table.authority {
        Authority::OfficeOnly => {
            return Ok(Err(refuse(
                ProblemCode::OfficeOnly,
                format!("only head office changes the {}", table.label_en),
            )));
        }
        Authority::ScopedInsertOnly if change.c != "*" => {
            return Ok(Err(refuse(
                ProblemCode::ReadOnly,
                format!("{} is never changed after it is written", table.label_en),
            )));
        }
        Authority::OfficeCreates(columns) if !columns.contains(&change.c.as_str()) => {
            return Ok(Err(refuse(ProblemCode::OfficeOnly, format!("only head office records {}", table.label_en))));
        }
        _ => {}
    }
    if table.authority == Authority::Owned {
        return authorise_owned(conn, scope, table, change);
    }
    if let Authority::Authored(column) = table.authority {
        if let Err(refusal) = authorise_author(conn, staff, table, column, change)? {
            return Ok(Err(refusal));
        }
    }
    if table.name == "customer"
        && matches!(change.c.as_str(), "grade" | "grade_manual" | "credit_grade")
        && role == StaffRole::Rep
    {
        return Ok(Err(refuse(ProblemCode::GradeByManager, "only a manager or head office sets a customer's grades")));
    }
    if table.name == "customer" && change.c == "-" {
        return Ok(Err(refuse(
            ProblemCode::CardsAreKept,
            "cards are never deleted; set the lifecycle to 'eliminated' instead",
        )));
    }
    if table.name == "customer" && change.c == "*" {
        let owner = change.v.get("owner_id").and_then(Json::as_str);
        let territory = change.v.get("territory_id").and_then(Json::as_str);
        return Ok(if scope.holds(owner, territory) {
            Ok(())
        } else {
            Err(refuse(ProblemCode::OutOfScope, "a new card must belong to you (reps) or to a territory you manage"))
        });
    }
    let Some(anchor) = anchor_of(conn, change)? else { return Ok(Ok(())) };
    let customer = match Anchor::parse(&anchor) {
        Anchor::Staff(person) => {
            return Ok(if holds_staff(conn, scope, person)? {
                Ok(())
            } else {
                Err(refuse(
                    ProblemCode::OutOfScope,
                    format!("these {} belong to someone outside your part of the organisation", table.label_en),
                ))
            });
        }
        Anchor::Customer(customer) => customer.to_string(),
    };
    let Some((owner, territory)) = owner_and_territory(conn, &customer)? else {
        return Ok(Err(refuse(
            ProblemCode::UnknownCard,
            "the card this belongs to is not at head office (it was refused or never sent)",
        )));
    };
    let held =
        scope.holds(owner.as_deref(), territory.as_deref()) || moved_away_later(conn, scope, &customer, change.n)?;
    if !held {
        return Ok(Err(refuse(
            ProblemCode::OutOfScope,
            "this card is not yours: it belongs to another rep or territory",
        )));
    }
    if table.name == "customer" && (change.c == "owner_id" || change.c == "territory_id") {
        if role == StaffRole::Rep {
            return Ok(Err(refuse(ProblemCode::ReassignByManager, "only a manager or head office reassigns a card")));
        }
        let value = change.v.as_str();
        let keeps = match change.c.as_str() {
            "territory_id" => scope.holds(owner.as_deref(), value),
            _ => match scope {
                PeerScope::Units(units) => {
                    let unit: Option<String> = conn
                        .prepare_cached("SELECT org_unit_id FROM staff WHERE id = ?1")?
                        .query_row([value.unwrap_or_default()], |r| r.get(0))
                        .optional()?;
                    unit.is_some_and(|u| units.contains(&u))
                }
                other => other.holds(value, territory.as_deref()),
            },
        };
        if !keeps {
            return Ok(Err(refuse(
                ProblemCode::OutOfScope,
                "a card can only be handed to someone in your own part of the organisation",
            )));
        }
    }
    Ok(Ok(()))
}

/// A rep's row (a route): the sender's scope must hold its rep or territory,
/// before and after the change.
fn authorise_owned(
    conn: &Connection,
    scope: &PeerScope,
    table: &manifest::SyncTable,
    change: &Change,
) -> Result<Result<(), Refusal>> {
    let out_of_scope = || {
        refuse(
            ProblemCode::OutOfScope,
            format!("these {} belong to a rep outside your part of the organisation", table.label_en),
        )
    };
    if change.c == "*" {
        let owner = change.v.get("owner_id").and_then(Json::as_str);
        let territory = change.v.get("territory_id").and_then(Json::as_str);
        return Ok(if scope.holds(owner, territory) { Ok(()) } else { Err(out_of_scope()) });
    }
    let current: Option<(String, String)> = conn
        .prepare_cached(&format!("SELECT owner_id, territory_id FROM {} WHERE id = ?1", table.name))?
        .query_row([&change.k], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((owner, territory)) = current else {
        return Ok(Err(refuse(ProblemCode::UnknownRow, format!("these {} are not at head office", table.label_en))));
    };
    if !scope.holds(Some(&owner), Some(&territory)) {
        return Ok(Err(out_of_scope()));
    }
    let moved_to_scope = match change.c.as_str() {
        "owner_id" => scope.holds(change.v.as_str(), Some(&territory)),
        "territory_id" => scope.holds(Some(&owner), change.v.as_str()),
        "-" => true,
        _ => true,
    };
    Ok(if moved_to_scope { Ok(()) } else { Err(out_of_scope()) })
}

/// A person's record (a visit, a call, a report, a comment): only the person
/// the author column names creates, changes or removes it, and the author
/// never changes.
fn authorise_author(
    conn: &Connection,
    staff: &str,
    table: &manifest::SyncTable,
    column: &str,
    change: &Change,
) -> Result<Result<(), Refusal>> {
    let not_author = || {
        refuse(
            ProblemCode::NotAuthor,
            format!("{} are written only by the person they are of; you may not write another's", table.label_en),
        )
    };
    if change.c == "*" {
        return Ok(if change.v.get(column).and_then(Json::as_str) == Some(staff) { Ok(()) } else { Err(not_author()) });
    }
    if change.c == column {
        return Ok(Err(not_author()));
    }
    let author: Option<String> = conn
        .prepare_cached(&format!("SELECT {column} FROM {} WHERE id = ?1", table.name))?
        .query_row([&change.k], |r| r.get(0))
        .optional()?;
    Ok(match author {
        Some(author) if author != staff => Err(not_author()),
        _ => Ok(()),
    })
}

/// The author changed a card they held before it moved away and before they
/// had seen the move (`seen` is the head-office version they had imported).
fn moved_away_later(conn: &Connection, scope: &PeerScope, customer: &str, seen: i64) -> Result<bool> {
    let mut stmt = conn.prepare_cached(
        "SELECT old_owner, old_territory FROM sync_move WHERE customer_id = ?1 AND version > ?2 ORDER BY version",
    )?;
    let olds = stmt
        .query_map(params![customer, seen], |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<String>>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(olds.iter().any(|(o, t)| scope.holds(o.as_deref(), t.as_deref())))
}

fn staff_of_origin(conn: &Connection, origin: &str) -> Result<Option<String>> {
    let peer: Option<Option<String>> = conn
        .prepare_cached("SELECT staff_id FROM sync_peer WHERE device_id = ?1")?
        .query_row([origin], |r| r.get(0))
        .optional()?;
    if let Some(staff) = peer {
        return Ok(staff);
    }
    let me: String = conn.query_row("SELECT device_id FROM sync_state", [], |r| r.get(0))?;
    if me == origin {
        return Ok(conn.query_row("SELECT staff_id FROM local_profile", [], |r| r.get(0)).optional()?);
    }
    Ok(None)
}

fn sql_json_text(value: &SqlValue) -> Option<String> {
    match value {
        SqlValue::Null => None,
        other => Some(to_json(other.clone()).to_string()),
    }
}

/// Records that two writes of a cell met without either having seen the other.
#[allow(clippy::too_many_arguments)]
fn record_conflict(
    tx: &Transaction<'_>,
    customer: &str,
    change: &Change,
    kept: (&SqlValue, &str, u64),
    lost: (&SqlValue, &str, u64),
    now: DateTime<Utc>,
) -> Result<()> {
    set_capture(tx, true)?;
    tx.prepare_cached(
        "INSERT INTO conflict (id, customer_id, entity, entity_id, field, kept_value, kept_by, kept_at,
                               lost_value, lost_by, lost_at, detected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        uuid::Uuid::now_v7().to_string(),
        customer,
        change.t,
        change.k,
        change.c,
        sql_json_text(kept.0),
        staff_of_origin(tx, kept.1)?,
        timestamp(hlc::to_time(kept.2)),
        sql_json_text(lost.0),
        staff_of_origin(tx, lost.1)?,
        timestamp(hlc::to_time(lost.2)),
        timestamp(now),
    ])?;
    set_capture(tx, false)?;
    Ok(())
}

/// Merges one laptop's file into head office's book.
pub fn import_from_device(
    tx: &Transaction<'_>,
    peer: &Peer,
    header: &Header,
    body: &Body,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    let staff = peer.staff_id.clone().ok_or_else(|| {
        Error::refused(ProblemCode::NotEnrolled, "this device is not enrolled for a staff member; enroll it again")
    })?;
    let (scope, role) = scope_of(tx, &staff)?;
    let range = header.ranges.iter().find(|r| r.origin == header.sender).cloned().unwrap_or(Range {
        origin: header.sender.clone(),
        from: 1,
        to: 0,
    });
    set_capture(tx, false)?;
    let mut merger = Merger::new(tx)?;
    let mut report = ImportReport::default();
    // Cards whose rep or route this file changed.
    let mut rerouted = BTreeSet::new();
    let total = body.changes.len();
    for (i, change) in body.changes.iter().enumerate() {
        if change.o != header.sender {
            return Err(Error::refused(
                ProblemCode::Tampered,
                "a laptop's file may only hold that laptop's own changes",
            ));
        }
        if i % 2000 == 0 {
            progress(Progress { done: i, total });
        }
        if change.s <= peer.received_upto {
            report.already_had += 1;
            continue;
        }
        if let Err(refusal) = authorise(tx, &staff, &scope, role, change)? {
            reject(tx, &mut merger, peer, change, &refusal, now)?;
            report.rejected += 1;
            continue;
        }
        let quiet = QUIET_COLUMNS.contains(&change.c.as_str())
            || !matches!(manifest::table(&change.t).map(|t| t.authority), Some(Authority::Scoped));
        let outcome = merger.apply(change)?;
        let seen_base = |c: &CellClock| c.hlc == change.bh && Some(&c.origin) == change.bo.as_ref();
        let incoming = super::merge::to_sql(&change.v);
        // The write that was kept, then the one that lost.
        let met: Option<(Write, Write)> = match &outcome {
            _ if quiet => None,
            Outcome::Applied { previous: Some(prev), previous_value }
                if change.c != "-" && prev.origin != change.o && !seen_base(prev) && *previous_value != incoming =>
            {
                Some(((incoming, change.o.clone(), change.h), (previous_value.clone(), prev.origin.clone(), prev.hlc)))
            }
            Outcome::Older { current, current_value }
                if current.origin != change.o && !seen_base(current) && *current_value != incoming =>
            {
                Some((
                    (current_value.clone(), current.origin.clone(), current.hlc),
                    (incoming, change.o.clone(), change.h),
                ))
            }
            // An edit of a row someone removed: the removal stands, the edit is kept here.
            Outcome::Removed if change.c != "*" && change.c != "-" => {
                let (origin, hlc) = cell_removed_clock(tx, change)?;
                Some(((SqlValue::Null, origin, hlc), (incoming, change.o.clone(), change.h)))
            }
            _ => None,
        };
        if let (Some((kept, lost)), Some(customer)) = (&met, customer_anchor(tx, change)?) {
            record_conflict(tx, &customer, change, (&kept.0, &kept.1, kept.2), (&lost.0, &lost.1, lost.2), now)?;
            report.conflicts += 1;
        }
        if let Outcome::Applied { previous_value, .. } = &outcome {
            if change.t == "customer" && matches!(change.c.as_str(), "owner_id" | "route_id") {
                rerouted.insert(change.k.clone());
            }
            if change.t == "customer" && (change.c == "owner_id" || change.c == "territory_id") {
                let old = Some(previous_value.clone());
                let (o, t) = if change.c == "owner_id" { (old, None) } else { (None, old) };
                let version = merger.state.next_version();
                record_move(tx, &change.k, o, t, version)?;
            }
        }
        match outcome {
            Outcome::Applied { .. } => report.applied += 1,
            Outcome::Duplicate => report.already_had += 1,
            _ => report.superseded += 1,
        }
    }
    progress(Progress { done: total, total });
    let received_upto =
        if range.from <= peer.received_upto + 1 { peer.received_upto.max(range.to) } else { peer.received_upto };
    let skew =
        header.created_at.parse::<DateTime<Utc>>().map(|created| (created - now).num_milliseconds()).unwrap_or(0);
    // The clock offset the laptop should use from now on: its own (it sends
    // it in the header), less how far ahead of ours its file's time was.
    let offset = if skew > SKEW_TOLERANCE_MS { header.clock_correction_ms - skew } else { header.clock_correction_ms };
    let state: State = merger.finish()?;
    tx.prepare_cached(
        "UPDATE sync_peer SET received_upto = ?2, acked_upto = max(acked_upto, min(?3, ?4)), last_import_at = ?5, skew_ms = ?6
         WHERE device_id = ?1",
    )?
    .execute(params![peer.device_id, received_upto, header.ack, state.version, timestamp(now), offset])?;
    set_capture(tx, true)?;
    leave_others_routes(tx, &rerouted, now)?;
    report.gap = range.from > peer.received_upto + 1;
    Ok(report)
}

/// A route is one rep's tour. A card handed to another rep while its old rep
/// put it on their route (neither having seen the other's change) would sit
/// on a route its rep does not hold: it leaves the route here, as head
/// office's change, which reaches every book that holds the card.
fn leave_others_routes(tx: &Transaction<'_>, cards: &BTreeSet<String>, now: DateTime<Utc>) -> Result<()> {
    if cards.is_empty() {
        return Ok(());
    }
    let profile = crate::org::profile(tx)?.ok_or(Error::NoProfile)?;
    let actor = crate::org::Actor { staff: profile.staff_id, at: now, source: "sync", source_id: None };
    for card in cards.iter().filter_map(|c| c.parse().ok()) {
        crate::card::write::leave_others_route(tx, card, actor)?;
    }
    Ok(())
}

fn cell_removed_clock(conn: &Connection, change: &Change) -> Result<(String, u64)> {
    Ok(conn
        .prepare_cached("SELECT origin, hlc FROM sync_clock WHERE tbl = ?1 AND pk = ?2 AND col = '*'")?
        .query_row(params![change.t, change.k], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
        .optional()?
        .unwrap_or_default())
}

fn reject(
    tx: &Transaction<'_>,
    merger: &mut Merger<'_, '_>,
    peer: &Peer,
    change: &Change,
    refusal: &Refusal,
    now: DateTime<Utc>,
) -> Result<()> {
    merger.state.observe(change.h);
    let customer = customer_anchor(tx, change)?;
    // The card's name, or the refused row's own (a new card head office does not have).
    let label: Option<String> = match &customer {
        Some(c) => {
            tx.prepare_cached("SELECT name FROM customer WHERE id = ?1")?.query_row([c], |r| r.get(0)).optional()?
        }
        None => None,
    }
    .or_else(|| change.v.get("name").and_then(Json::as_str).map(str::to_string));
    let version = merger.state.next_version();
    tx.prepare_cached(
        "INSERT INTO sync_rejection (id, device_id, seq, tbl, pk, col, value, reason, message, customer_id, label, rejected_at, hlc, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        uuid::Uuid::now_v7().to_string(),
        peer.device_id,
        change.s,
        change.t,
        change.k,
        change.c,
        change.v.to_string(),
        refusal.reason.as_str(),
        refusal.message,
        customer,
        label,
        timestamp(now),
        change.h as i64,
        version,
    ])?;
    Ok(())
}

/// Writes the file for one enrolled device: everything in its scope it has not
/// confirmed, or its whole scope when it is new or its scope changed.
pub fn export_to_peer(tx: &Transaction<'_>, peer: &Peer, now: DateTime<Utc>) -> Result<(Header, Body)> {
    let recipient =
        peer.staff_id.clone().ok_or_else(|| Error::NotFound { what: "staff of device", id: peer.device_id.clone() })?;
    let (scope, _) = scope_of(tx, &recipient)?;
    let signature = scope.signature();
    let state = State::load(tx)?;
    let pruned_upto: i64 = tx.query_row("SELECT pruned_upto FROM sync_state", [], |r| r.get(0))?;
    let snapshot =
        peer.acked_upto == 0 || peer.scope_sig.as_deref() != Some(&signature) || peer.acked_upto < pruned_upto;
    let columns = Columns::read(tx)?;
    let in_scope = scope.customers(tx)?;
    let staff = staff_in_scope(tx, &scope)?;
    let mut out = Emitter { tx, columns: &columns, changes: vec![], emitted_rows: HashSet::new() };
    let mut body = Body::default();
    let from = if snapshot { 0 } else { peer.acked_upto };
    if snapshot {
        for table in SYNCED.iter().filter(|t| t.scope == Scope::Global) {
            let ids: Vec<String> = tx
                .prepare(&format!("SELECT id FROM {}", table.name))?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in ids {
                out.row(table.name, &id)?;
            }
        }
        let mut keep: Vec<String> = in_scope.iter().cloned().collect();
        keep.sort();
        for customer in &keep {
            out.card(customer)?;
        }
        body.keep = keep;
        // People's own rows: reports, comments, calls with colleagues, tasks of no customer.
        let people: Vec<SqlValue> = staff.iter().map(|s| SqlValue::Text(s.clone())).collect();
        let people = std::rc::Rc::new(people);
        for table in SYNCED {
            let Some(column) = table.scope.staff_column() else { continue };
            let no_customer = table.scope.customer_column().map_or(String::new(), |c| format!(" AND {c} IS NULL"));
            let ids: Vec<String> = tx
                .prepare(&format!("SELECT id FROM {} WHERE {column} IN rarray(?1){no_customer}", table.name))?
                .query_map([people.clone()], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in ids {
                out.row(table.name, &id)?;
            }
        }
    } else {
        // Cards that changed hands since the device's last confirmed file.
        let mut first_old: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
        let mut stmt = tx.prepare(
            "SELECT customer_id, old_owner, old_territory FROM sync_move WHERE version > ?1 ORDER BY version",
        )?;
        for row in stmt.query_map([from], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))? {
            let (c, o, t) = row?;
            first_old.entry(c).or_insert((o, t));
        }
        let mut whole: HashSet<String> = HashSet::new();
        for (customer, (o, t)) in &first_old {
            let had = scope.holds(o.as_deref(), t.as_deref());
            let has = in_scope.contains(customer);
            if had && !has {
                body.removals.push(customer.clone());
            } else if has && !had {
                whole.insert(customer.clone());
            }
        }
        for customer in &whole {
            out.card(customer)?;
        }
        // What changed since the device's acknowledgement: reference data, then
        // card by card in its scope (an index lookup each, not a scan of the log).
        type Clocked = (String, String, String, CellClock, i64, Option<String>);
        let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Clocked> {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                CellClock {
                    hlc: r.get::<_, i64>(3)? as u64,
                    origin: r.get(4)?,
                    base_hlc: r.get::<_, i64>(5)? as u64,
                    base_origin: r.get(6)?,
                    deleted: r.get(9)?,
                },
                r.get::<_, i64>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        };
        const CLOCK: &str =
            "SELECT tbl, pk, col, hlc, origin, base_hlc, base_origin, version, anchor, deleted FROM sync_clock";
        let mut rows: Vec<Clocked> = tx
            .prepare_cached(&format!("{CLOCK} WHERE anchor IS NULL AND version > ?1"))?
            .query_map([from], read)?
            .collect::<rusqlite::Result<_>>()?;
        let mut by_card = tx.prepare_cached(&format!("{CLOCK} WHERE anchor = ?1 AND version > ?2"))?;
        for customer in in_scope.iter().filter(|c| !whole.contains(*c)) {
            for row in by_card.query_map(params![customer, from], read)? {
                rows.push(row?);
            }
        }
        for person in &staff {
            for row in by_card.query_map(params![manifest::staff_anchor(person), from], read)? {
                rows.push(row?);
            }
        }
        rows.sort_by_key(|r| r.4);
        for (tbl, pk, col, clock, version, _anchor) in rows {
            if clock.origin == peer.device_id {
                continue;
            }
            if col == "*" {
                if clock.deleted {
                    out.changes.push(Change {
                        t: tbl,
                        k: pk,
                        c: "-".into(),
                        v: Json::Null,
                        h: clock.hlc,
                        o: clock.origin,
                        s: version,
                        bh: clock.base_hlc,
                        bo: clock.base_origin,
                        n: 0,
                    });
                } else {
                    out.row(&tbl, &pk)?;
                }
            } else if !out.emitted_rows.contains(&(tbl.clone(), pk.clone())) {
                let value = read_cell(tx, &tbl, &pk, &col)?;
                if let Some(value) = value {
                    out.changes.push(Change {
                        t: tbl,
                        k: pk,
                        c: col,
                        v: value,
                        h: clock.hlc,
                        o: clock.origin,
                        s: version,
                        bh: clock.base_hlc,
                        bo: clock.base_origin,
                        n: 0,
                    });
                }
            }
        }
    }
    // Rows before their children, so every reference resolves as it is applied.
    let mut changes = out.changes;
    changes.sort_by_key(|c| manifest::rank(&c.t));
    body.changes = changes;
    let mut stmt = tx.prepare(
        "SELECT id, seq, tbl, pk, col, value, reason, message, customer_id, label, rejected_at, hlc
           FROM sync_rejection WHERE device_id = ?1 AND version > ?2 ORDER BY version",
    )?;
    let rejected = stmt
        .query_map(params![peer.device_id, from], |r| {
            Ok(Rejection {
                id: r.get(0)?,
                seq: r.get(1)?,
                table: r.get(2)?,
                pk: r.get(3)?,
                column: r.get(4)?,
                value: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or(Json::Null),
                reason: r.get(6)?,
                message: r.get(7)?,
                customer_id: r.get(8)?,
                label: r.get(9)?,
                rejected_at: r.get(10)?,
                hlc: r.get::<_, i64>(11)? as u64,
                current: None,
                current_clock: None,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for mut r in rejected {
        // What the cell or row is at head office, so the author's book returns to it.
        if r.column == "*" || r.column == "-" {
            r.current = read_row(tx, &columns, &r.table, &r.pk)?;
            r.current_clock = capture::cell_clock(tx, &r.table, &r.pk, "*")?.map(|c| (c.hlc, c.origin));
        } else {
            r.current = read_cell(tx, &r.table, &r.pk, &r.column)?;
            r.current_clock = capture::cell_clock(tx, &r.table, &r.pk, &r.column)?.map(|c| (c.hlc, c.origin));
        }
        body.rejections.push(r);
    }
    let header = Header {
        format_minor: super::file::FORMAT_MINOR,
        schema_version: crate::store::SCHEMA_VERSION,
        columns,
        sender: state.device_id.clone(),
        sender_key: String::new(),
        recipient: peer.device_id.clone(),
        recipient_staff: Some(recipient),
        file_no: peer.files_out + 1,
        ranges: vec![Range { origin: state.device_id.clone(), from: from + 1, to: state.version }],
        ack: peer.received_upto,
        created_at: timestamp(now),
        snapshot,
        clock_correction_ms: peer.skew_ms,
        change_count: body.changes.len() as u64,
        body_len: 0,
        body_hash: String::new(),
    };
    tx.prepare_cached(
        "UPDATE sync_peer SET files_out = files_out + 1, last_export_at = ?2, scope_sig = ?3 WHERE device_id = ?1",
    )?
    .execute(params![peer.device_id, timestamp(now), signature])?;
    Ok((header, body))
}

fn read_cell(conn: &Connection, table: &str, pk: &str, column: &str) -> Result<Option<Json>> {
    let sql = format!("SELECT {column} FROM {table} WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([pk], |r| r.get::<_, SqlValue>(0)).optional()?.map(to_json))
}

/// Collects whole rows and cards for a file.
struct Emitter<'a, 't> {
    tx: &'a Transaction<'t>,
    columns: &'a Columns,
    changes: Vec<Change>,
    emitted_rows: HashSet<(String, String)>,
}

impl Emitter<'_, '_> {
    /// A whole row with the clock of each of its cells.
    fn row(&mut self, table: &str, pk: &str) -> Result<()> {
        if !self.emitted_rows.insert((table.to_string(), pk.to_string())) {
            return Ok(());
        }
        let Some(values) = read_row(self.tx, self.columns, table, pk)? else { return Ok(()) };
        let mut stmt = self.tx.prepare_cached(
            "SELECT col, hlc, origin, base_hlc, base_origin, version FROM sync_clock WHERE tbl = ?1 AND pk = ?2 ORDER BY col = '*' DESC",
        )?;
        let clocks = stmt
            .query_map(params![table, pk], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)? as u64,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)? as u64,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let row_clock = clocks.iter().find(|c| c.0 == "*");
        let (h, o, bh, bo, s) =
            row_clock.map_or((0, String::new(), 0, None, 0), |c| (c.1, c.2.clone(), c.3, c.4.clone(), c.5));
        self.changes.push(Change {
            t: table.into(),
            k: pk.into(),
            c: "*".into(),
            v: values.clone(),
            h,
            o,
            s,
            bh,
            bo,
            n: 0,
        });
        for (col, h, o, bh, bo, s) in clocks.into_iter().filter(|c| c.0 != "*") {
            let v = values.get(&col).cloned().unwrap_or(Json::Null);
            self.changes.push(Change { t: table.into(), k: pk.into(), c: col, v, h, o, s, bh, bo, n: 0 });
        }
        Ok(())
    }

    /// A card with everything that belongs to it (history included).
    fn card(&mut self, customer: &str) -> Result<()> {
        self.row("customer", customer)?;
        for table in SYNCED {
            if let Some(column) = table.scope.customer_column() {
                if table.name == "customer" {
                    continue;
                }
                let ids: Vec<String> = self
                    .tx
                    .prepare_cached(&format!("SELECT id FROM {} WHERE {column} = ?1", table.name))?
                    .query_map([customer], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for id in ids {
                    self.row(table.name, &id)?;
                }
            }
        }
        Ok(())
    }
}

/// Records a device at head office.
pub fn enroll(
    tx: &Transaction<'_>,
    staff: &str,
    device: &str,
    key: &[u8],
    name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Peer> {
    scope_of(tx, staff)?;
    if let Some(existing) = peer(tx, device)? {
        if existing.public_key != key {
            return Err(Error::refused(
                ProblemCode::DeviceKeyMismatch,
                "this device id is already enrolled with a different key; check the key shown on the laptop",
            ));
        }
        tx.execute(
            "UPDATE sync_peer SET staff_id = ?2, name = coalesce(?3, name) WHERE device_id = ?1",
            params![device, staff, name],
        )?;
    } else {
        tx.execute(
            "INSERT INTO sync_peer (device_id, staff_id, name, public_key, enrolled_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![device, staff, name, key, timestamp(now)],
        )?;
    }
    peer(tx, device)?.ok_or_else(|| Error::NotFound { what: "device", id: device.to_string() })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::api::{NewCustomer, NewOrgUnit, NewProfile, NewStaff};
    use crate::model::OrgUnitKind;
    use crate::routes::NewRoute;
    use crate::{Book, FixedClock};

    fn change(t: &str, k: &str, c: &str, v: Json) -> Change {
        Change { t: t.into(), k: k.into(), c: c.into(), v, h: 1, o: "device".into(), s: 1, bh: 0, bo: None, n: 0 }
    }

    /// Head office's verdict on `change` from someone with `scope` and `role`: None if allowed, else the reason.
    fn verdict(book: &Book, scope: &PeerScope, role: StaffRole, change: &Change) -> Option<&'static str> {
        let staff = match scope {
            PeerScope::Owner(staff) => staff.clone(),
            _ => String::new(),
        };
        book.read(|conn| authorise(conn, &staff, scope, role, change))
            .expect("authorise")
            .err()
            .map(|r| r.reason.as_str())
    }

    /// Head office's book: a region with one territory, a territory outside it,
    /// a rep in each and the region's manager.
    struct Org {
        book: Book,
        region: crate::ids::OrgUnitId,
        mine: crate::ids::OrgUnitId,
        rep: crate::ids::StaffId,
        other: crate::ids::StaffId,
        manager: crate::ids::StaffId,
    }

    fn org() -> Org {
        let book = Book::open_in_memory(Arc::new(FixedClock::new(chrono::Utc::now()))).expect("book");
        let profile = book
            .create_profile(&NewProfile {
                name: "总部".into(),
                role: StaffRole::HeadOffice,
                company_name: "华丰".into(),
                unit_name: String::new(),
                phone: None,
            })
            .expect("profile");
        let unit = |parent, kind, name: &str| {
            book.add_org_unit(&NewOrgUnit { parent_id: Some(parent), kind, name: name.into(), code: None })
                .expect("unit")
                .id
        };
        let region = unit(profile.org_unit_id, OrgUnitKind::Region, "潍坊");
        let mine = unit(region, OrgUnitKind::Territory, "寿光");
        let theirs = unit(profile.org_unit_id, OrgUnitKind::Territory, "别处");
        let staff = |name: &str, role, unit| {
            book.add_staff(&NewStaff { name: name.into(), role, org_unit_id: unit, phone: None }).expect("staff").id
        };
        let rep = staff("王磊", StaffRole::Rep, mine);
        let other = staff("李娜", StaffRole::Rep, theirs);
        let manager = staff("赵经理", StaffRole::RegionalManager, region);
        Org { book, region, mine, rep, other, manager }
    }

    #[test]
    fn grades_are_set_by_managers_and_routes_changed_only_within_their_reps_part_of_the_organisation() {
        let Org { book, region, mine, rep, other, .. } = org();
        let card = book
            .create_customer(&NewCustomer {
                fields: serde_json::from_value(json!({"name": "华星农业", "ownerId": rep.to_string()}))
                    .expect("fields"),
                ..Default::default()
            })
            .expect("card")
            .card
            .id
            .to_string();
        let route = book
            .create_route(&NewRoute { name: "东线".into(), owner_id: Some(rep), ..Default::default() })
            .expect("route")
            .route
            .id
            .to_string();
        let rep_scope = PeerScope::Owner(rep.to_string());
        let other_scope = PeerScope::Owner(other.to_string());
        let manager_scope = book.read(|conn| subtree(conn, &region.to_string())).map(PeerScope::Units).expect("scope");

        let grade = change("customer", &card, "grade", json!("A"));
        assert_eq!(verdict(&book, &rep_scope, StaffRole::Rep, &grade), Some("grade_by_manager"));
        let credit = change("customer", &card, "credit_grade", json!("A"));
        assert_eq!(verdict(&book, &rep_scope, StaffRole::Rep, &credit), Some("grade_by_manager"));
        assert_eq!(verdict(&book, &manager_scope, StaffRole::RegionalManager, &grade), None);
        let route_stop = change("customer", &card, "route_id", json!(route));
        assert_eq!(verdict(&book, &rep_scope, StaffRole::Rep, &route_stop), None, "a rep lays out their own routes");

        let rename = change("route", &route, "name", json!("新东线"));
        assert_eq!(verdict(&book, &rep_scope, StaffRole::Rep, &rename), None);
        assert_eq!(verdict(&book, &manager_scope, StaffRole::RegionalManager, &rename), None);
        assert_eq!(verdict(&book, &other_scope, StaffRole::Rep, &rename), Some("out_of_scope"));
        let hand_over = change("route", &route, "owner_id", json!(other.to_string()));
        assert_eq!(verdict(&book, &rep_scope, StaffRole::Rep, &hand_over), Some("out_of_scope"));
        let forged = change(
            "route",
            "0190a000-0000-7000-8000-00000000beef",
            "*",
            json!({"id": "0190a000-0000-7000-8000-00000000beef", "name": "假路线", "owner_id": rep.to_string(), "territory_id": mine.to_string()}),
        );
        assert_eq!(verdict(&book, &other_scope, StaffRole::Rep, &forged), Some("out_of_scope"));
        assert_eq!(verdict(&book, &rep_scope, StaffRole::Rep, &forged), None);
        let code = change("code_item", "channel_type/retailer", "label_zh", json!("零售"));
        assert_eq!(verdict(&book, &manager_scope, StaffRole::RegionalManager, &code), Some("office_only"));
    }

    #[test]
    fn records_are_written_only_by_their_author_and_reach_only_their_part_of_the_organisation() {
        let Org { book, region, rep, other, manager, .. } = org();
        let (rep, other, manager) = (rep.to_string(), other.to_string(), manager.to_string());
        let card = book
            .create_customer(&NewCustomer {
                fields: serde_json::from_value(json!({"name": "华星农业", "ownerId": rep})).expect("fields"),
                ..Default::default()
            })
            .expect("card")
            .card
            .id
            .to_string();
        let rep_scope = PeerScope::Owner(rep.clone());
        let other_scope = PeerScope::Owner(other.clone());
        let manager_scope = book.read(|conn| subtree(conn, &region.to_string())).map(PeerScope::Units).expect("scope");
        let judge = |staff: &str, scope: &PeerScope, role: StaffRole, change: &Change| {
            book.read(|conn| authorise(conn, staff, scope, role, change))
                .expect("authorise")
                .err()
                .map(|r| r.reason.as_str())
        };
        let id = "0190a000-0000-7000-8000-00000000f001";
        let visit = |by: &str| {
            change(
                "visit",
                id,
                "*",
                json!({"id": id, "customer_id": card, "staff_id": by, "visit_type": "routine",
                       "checked_in_at": "2026-11-22T01:00:00.000Z", "created_at": "x", "updated_at": "x"}),
            )
        };
        assert_eq!(judge(&rep, &rep_scope, StaffRole::Rep, &visit(&rep)), None);
        assert_eq!(judge(&manager, &manager_scope, StaffRole::RegionalManager, &visit(&manager)), None);
        assert_eq!(
            judge(&other, &other_scope, StaffRole::Rep, &visit(&rep)),
            Some("not_author"),
            "a visit in another's name"
        );
        assert_eq!(
            judge(&other, &other_scope, StaffRole::Rep, &visit(&other)),
            Some("out_of_scope"),
            "another rep's card"
        );

        let report = |author: &str| {
            change(
                "report",
                id,
                "*",
                json!({"id": id, "author_id": author, "kind": "daily", "period_start": "2026-11-22",
                       "period_end": "2026-11-22", "status": "submitted", "content": "{}"}),
            )
        };
        assert_eq!(judge(&rep, &rep_scope, StaffRole::Rep, &report(&rep)), None);
        assert_eq!(
            judge(&manager, &manager_scope, StaffRole::RegionalManager, &report(&rep)),
            Some("not_author"),
            "a manager does not write a rep's report"
        );
        let comment = |author: &str, on: &str| {
            change(
                "report_comment",
                id,
                "*",
                json!({"id": id, "report_id": id, "report_author_id": on, "author_id": author, "body": "好"}),
            )
        };
        assert_eq!(judge(&manager, &manager_scope, StaffRole::RegionalManager, &comment(&manager, &rep)), None);
        assert_eq!(judge(&other, &other_scope, StaffRole::Rep, &comment(&other, &rep)), Some("out_of_scope"));
        let colleague_call = change(
            "call_log",
            id,
            "*",
            json!({"id": id, "staff_id": rep, "colleague_id": manager, "direction": "outgoing",
                   "called_at": "2026-11-22T01:00:00.000Z", "duration_seconds": 60}),
        );
        assert_eq!(judge(&rep, &rep_scope, StaffRole::Rep, &colleague_call), None);
        assert_eq!(judge(&manager, &manager_scope, StaffRole::RegionalManager, &colleague_call), Some("not_author"));

        // Once written, the author stays: their own edits pass, anyone else's and a change of author do not.
        book.write(|tx| {
            tx.execute(
                "INSERT INTO report (id, author_id, kind, period_start, period_end, status, created_at, updated_at)
                 VALUES (?1, ?2, 'daily', '2026-11-22', '2026-11-22', 'draft', 'x', 'x')",
                [id, rep.as_str()],
            )?;
            Ok(())
        })
        .expect("report row");
        let summary = change("report", id, "summary", json!("今天"));
        assert_eq!(judge(&rep, &rep_scope, StaffRole::Rep, &summary), None);
        assert_eq!(judge(&manager, &manager_scope, StaffRole::RegionalManager, &summary), Some("not_author"));
        let hand_over = change("report", id, "author_id", json!(other));
        assert_eq!(judge(&rep, &rep_scope, StaffRole::Rep, &hand_over), Some("not_author"));
        let rule = change("duty_rule", "rep/grade_frequency", "active", json!(0));
        assert_eq!(judge(&manager, &manager_scope, StaffRole::RegionalManager, &rule), Some("office_only"));
    }
}
