//! Head office's side: enrolled devices, whose scope is what, merging a
//! laptop's file (authority, conflicts, moves), and writing each person's file.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value as Json;

use super::apply::Writer;
use super::file::{Body, Change, Header, Range, Rejection};
use super::merge::{read_row, to_json};
use super::plan::office::{Codes, OldHands};
use super::plan::{plan_from_device, BookRows, OfficePlan, OfficeView, Side, Step};
use super::view;
use super::{ImportReport, Progress};
use crate::changes::capture::{self, set_capture, CellClock, State};
use crate::changes::hlc;
use crate::changes::manifest::{self, Anchor, Authority, Columns, Scope, SyncTable, SYNCED};
use crate::clock::timestamp;
use crate::error::{Error, ProblemCode, Result};
use crate::model::StaffRole;
pub use crate::org::{scope_of, staff_in_scope, subtree, PeerScope};

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
    /// When head office retired the device (lost, replaced): its files are
    /// refused and it is written none.
    pub retired_at: Option<String>,
    pub retired_reason: Option<String>,
}

const PEER_COLUMNS: &str = "device_id, staff_id, name, public_key, acked_upto, received_upto, files_out, skew_ms,
    scope_sig, is_office, enrolled_at, last_export_at, last_import_at, retired_at, retired_reason";

impl Peer {
    /// A laptop head office writes files for: enrolled and not retired.
    pub fn receives_files(&self) -> bool {
        !self.is_office && self.retired_at.is_none()
    }
}

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
        retired_at: r.get(13)?,
        retired_reason: r.get(14)?,
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

fn sql_json_text(value: &SqlValue) -> Option<String> {
    match value {
        SqlValue::Null => None,
        other => Some(to_json(other.clone()).to_string()),
    }
}

/// Records that two writes of a cell met without either having seen the
/// other (a captured change: it reaches the managers who review it).
fn record_conflict(
    tx: &Transaction<'_>,
    customer: &str,
    change: &Change,
    kept: &Side,
    lost: &Side,
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
        sql_json_text(&kept.value),
        kept.staff,
        timestamp(hlc::to_time(kept.hlc)),
        sql_json_text(&lost.value),
        lost.staff,
        timestamp(hlc::to_time(lost.hlc)),
        timestamp(now),
    ])?;
    set_capture(tx, false)?;
    Ok(())
}

/// Merges one laptop's file into head office's book: loads what the file
/// touches, plans the import ([`plan_from_device`]) and makes its writes.
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
    set_capture(tx, false)?;
    let view = load_view(tx, peer, staff, body)?;
    let OfficePlan { report, steps, touched, state, received_upto, offset_ms, rerouted, .. } =
        plan_from_device(header, body, view, now);
    let mut writer = Writer::new(tx, &touched);
    for step in steps {
        match writer.write(step)? {
            None => {}
            Some(Step::Progress(p)) => progress(p),
            Some(Step::Reject { change, reason, message, customer, label, version }) => {
                let change = &body.changes[change];
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
                    reason.as_str(),
                    message,
                    customer,
                    label,
                    timestamp(now),
                    change.h as i64,
                    version,
                ])?;
            }
            Some(Step::Conflict { change, customer, kept, lost }) => {
                record_conflict(tx, &customer, &body.changes[change], &kept, &lost, now)?;
            }
            Some(Step::Move { customer, old_owner, old_territory, version }) => {
                tx.prepare_cached(
                    "INSERT INTO sync_move (version, customer_id, old_owner, old_territory) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![version, customer, old_owner, old_territory])?;
            }
            Some(Step::Refuse(reason, message)) => return Err(Error::refused(reason, message)),
            // A laptop's steps (notices, its stored rejections): never in head office's plan.
            Some(_) => {}
        }
    }
    writer.finish(&state)?;
    tx.prepare_cached(
        "UPDATE sync_peer SET received_upto = ?2, acked_upto = max(acked_upto, min(?3, ?4)), last_import_at = ?5, skew_ms = ?6
         WHERE device_id = ?1",
    )?
    .execute(params![peer.device_id, received_upto, header.ack, state.version, timestamp(now), offset_ms])?;
    set_capture(tx, true)?;
    leave_others_routes(tx, &rerouted, now)?;
    number_new_cards(tx, body, now)?;
    // Complaints head office holds for the first time are with quality from now.
    if body.changes.iter().any(|c| c.t == "complaint" && c.c == "*") {
        crate::service::pass_on_arrived(tx, now)?;
    }
    // Proposals the file's decisions approved at last take effect, as head office's changes.
    if body.changes.iter().any(|c| c.t == "proposal_decision") {
        crate::approval::take_effect(tx, now)?;
    }
    let orders: Vec<String> =
        body.changes.iter().filter(|c| c.t == "sales_order" && c.c == "*").map(|c| c.k.clone()).collect();
    crate::money::order::number_missing(tx, &orders, now)?;
    let submitted: BTreeSet<String> = body
        .changes
        .iter()
        .filter(|c| c.t == "sales_order" && (c.c == "*" || c.c == "status"))
        .map(|c| c.k.clone())
        .collect();
    let today = crate::clock::Zone::of(tx)?.day(now);
    crate::money::order::recheck_arrivals(tx, &submitted.into_iter().collect::<Vec<_>>(), today, now)?;
    Ok(report)
}

/// Head office's own changes after a merge are made as head office.
fn office_actor(tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<crate::org::Actor> {
    let profile = crate::org::profile(tx)?.ok_or(Error::NoProfile)?;
    let zone = crate::clock::Zone::of(tx)?;
    Ok(crate::org::Actor { staff: profile.staff_id, at: now, source: "sync", source_id: None, zone })
}

/// Gives the cards of the file that have no customer code yet (a laptop
/// created them) the next codes of head office's series; the codes travel
/// back like any change head office makes.
fn number_new_cards(tx: &Transaction<'_>, body: &Body, now: DateTime<Utc>) -> Result<()> {
    let cards: BTreeSet<crate::ids::CustomerId> =
        body.changes.iter().filter(|c| c.t == "customer").filter_map(|c| c.k.parse().ok()).collect();
    if cards.is_empty() {
        return Ok(());
    }
    let cards: Vec<_> = cards.into_iter().collect();
    crate::card::code::assign_missing(tx, &cards, office_actor(tx, now)?)?;
    Ok(())
}

/// Reads what [`plan_from_device`] needs: every row the file names with the
/// values of the columns it changes and of who owns or wrote it; the cards
/// those rows belong to; their moves; every person's unit; whom each device
/// writes for.
pub fn load_view(conn: &Connection, peer: &Peer, staff: String, body: &Body) -> Result<OfficeView> {
    let (scope, role) = scope_of(conn, &staff)?;
    let mut view = load_view_for(conn, staff, scope, role, body)?;
    view.received_upto = peer.received_upto;
    Ok(view)
}

/// [`load_view`] for a person with `scope` and `role`.
fn load_view_for(
    conn: &Connection,
    staff: String,
    scope: PeerScope,
    role: StaffRole,
    body: &Body,
) -> Result<OfficeView> {
    let mut book =
        BookRows { state: State::load(conn)?, columns: Columns::read(conn)?, keep_values: true, ..BookRows::default() };
    let mut keys = view::keys(body.changes.iter().map(|c| (&c.t, &c.k)));
    let mut changed: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for change in &body.changes {
        if let Some(table) = manifest::table(&change.t) {
            if change.c != "*" && change.c != "-" && change.c != "id" && book.columns.has(table.name, &change.c) {
                changed.entry(table.name).or_default().insert(change.c.as_str());
            }
        }
    }
    let values = |table: &SyncTable, book: &BookRows| -> Vec<String> {
        let mut wanted: BTreeSet<&str> = changed.get(table.name).cloned().unwrap_or_default();
        match (table.name, table.authority) {
            ("customer", _) => wanted.extend(["owner_id", "territory_id", "name"]),
            ("complaint", _) => wanted.extend(["handled_at", "replied_at", "logged_by"]),
            (_, Authority::Owned) => wanted.extend(["owner_id", "territory_id"]),
            (_, Authority::Order) => wanted.extend(["status", "author_id", "order_id"]),
            (_, Authority::Target) => wanted.extend([
                "year",
                "measure",
                "node_kind",
                "node_id",
                "status",
                "submitted_by",
                "target_id",
                "author_id",
            ]),
            (_, Authority::Authored(column)) => {
                wanted.insert(column);
            }
            _ => {}
        }
        // Only the book's own column names reach the statement.
        book.columns.of(table.name).iter().filter(|c| wanted.contains(c.as_str())).cloned().collect()
    };
    // Cards last: the rows before them name the cards they belong to.
    let mut cards = keys.remove("customer").unwrap_or_default();
    for (name, pks) in &keys {
        let Some(table) = manifest::table(name) else { continue };
        let wanted = values(table, &book);
        view::load_rows(conn, table, pks, &wanted, &mut book)?;
    }
    for (_, row) in book.rows.iter() {
        cards.extend(row.customer.iter().cloned());
    }
    for stamps in book.clocks.values() {
        for stamp in stamps.values() {
            if let Some(Anchor::Customer(c)) = stamp.anchor.as_deref().map(Anchor::parse) {
                cards.insert(c.to_string());
            }
        }
    }
    for change in body.changes.iter().filter(|c| c.c == "*") {
        if let (Some(table), Some(values)) = (manifest::table(&change.t), change.v.as_object()) {
            if let Some(Anchor::Customer(c)) = table.scope.anchor_of(values).as_deref().map(Anchor::parse) {
                cards.insert(c.to_string());
            }
        }
    }
    let customer =
        manifest::table("customer").ok_or_else(|| Error::NotFound { what: "table", id: "customer".into() })?;
    let wanted = values(customer, &book);
    view::load_rows(conn, customer, &cards, &wanted, &mut book)?;
    let unit_parents: HashMap<String, Option<String>> = conn
        .prepare_cached("SELECT id, parent_id FROM org_unit")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    load_breakdowns(conn, body, &unit_parents, &values, &mut book)?;
    let mut moves: HashMap<String, Vec<OldHands>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT customer_id, version, old_owner, old_territory FROM sync_move WHERE customer_id IN rarray(?1) ORDER BY version",
    )?;
    let mut found = stmt.query([view::texts(&cards)])?;
    while let Some(r) = found.next()? {
        moves.entry(r.get(0)?).or_default().push((r.get(1)?, r.get(2)?, r.get(3)?));
    }
    let staff_units: HashMap<String, String> = conn
        .prepare_cached("SELECT id, org_unit_id FROM staff")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut origin_staff: HashMap<String, Option<String>> = conn
        .prepare_cached("SELECT device_id, staff_id FROM sync_peer")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if !origin_staff.contains_key(&book.state.device_id) {
        let me = crate::org::profile(conn)?.map(|p| p.staff_id.to_string());
        origin_staff.insert(book.state.device_id.clone(), me);
    }
    let codes = Codes {
        items: conn
            .prepare_cached("SELECT list_id, code FROM code_item")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?,
        grades: conn
            .prepare_cached("SELECT scale, code FROM grade_level")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?,
    };
    // The orders the file names, directly or through their lines, as they are
    // before the file.
    let mut order_ids: BTreeSet<String> = BTreeSet::new();
    for change in &body.changes {
        match change.t.as_str() {
            "sales_order" => {
                order_ids.insert(change.k.clone());
            }
            "order_line" => {
                let named = match change.c.as_str() {
                    "*" => change.v.get("order_id").and_then(serde_json::Value::as_str),
                    _ => book.rows.get(&("order_line".to_string(), change.k.clone())).and_then(|r| r.text("order_id")),
                };
                order_ids.extend(named.map(str::to_string));
            }
            _ => {}
        }
    }
    let orders = crate::money::order::statuses(conn, &order_ids.into_iter().collect::<Vec<_>>())?;
    let decided: BTreeSet<String> = body
        .changes
        .iter()
        .filter_map(|c| match (c.t.as_str(), c.c.as_str()) {
            ("proposal_decision", "*") => {
                c.v.get("proposal_id").and_then(serde_json::Value::as_str).map(str::to_string)
            }
            ("proposal", column) if column != "*" => Some(c.k.clone()),
            _ => None,
        })
        .collect();
    let approvals = crate::approval::Known::load(conn, &decided.into_iter().collect::<Vec<_>>())?;
    Ok(OfficeView {
        book,
        received_upto: 0,
        staff,
        scope,
        role,
        staff_units,
        unit_parents,
        moves,
        origin_staff,
        codes,
        orders,
        approvals,
    })
}

/// The targets whose breakdown the file's targets and reallocations belong
/// to (each target's parent's, each reallocation's own), so that who may
/// change them is judged against that breakdown's state.
fn load_breakdowns(
    conn: &Connection,
    body: &Body,
    unit_parents: &HashMap<String, Option<String>>,
    values: &dyn Fn(&SyncTable, &BookRows) -> Vec<String>,
    book: &mut BookRows,
) -> Result<()> {
    let Some(target) = manifest::table("target") else { return Ok(()) };
    let cell = |row: Option<&super::plan::RowView>, column: &str| -> Option<String> {
        row.and_then(|r| match r.cells.get(column) {
            Some(SqlValue::Text(t)) => Some(t.clone()),
            Some(SqlValue::Integer(i)) => Some(i.to_string()),
            _ => None,
        })
    };
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for change in &body.changes {
        let named = |column: &str| -> Option<String> {
            match change.c.as_str() {
                "*" => change.v.get(column).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)),
                _ => cell(book.rows.get(&(change.t.clone(), change.k.clone())), column),
            }
        };
        match change.t.as_str() {
            "target" => {
                let (Some(kind), Some(node), Some(year), Some(measure)) =
                    (named("node_kind"), named("node_id"), named("year"), named("measure"))
                else {
                    continue;
                };
                let parent = match kind.as_str() {
                    "unit" => unit_parents.get(&node).cloned().flatten(),
                    "staff" => conn
                        .prepare_cached("SELECT org_unit_id FROM staff WHERE id = ?1")?
                        .query_row([&node], |r| r.get(0))
                        .optional()?,
                    _ => conn
                        .prepare_cached("SELECT owner_id FROM customer WHERE id = ?1")?
                        .query_row([&node], |r| r.get(0))
                        .optional()?,
                };
                if let (Some(parent), Ok(year)) = (parent, year.parse::<i32>()) {
                    wanted.insert(crate::targets::target_id(year, &measure, &parent).to_string());
                }
            }
            "target_move" => wanted.extend(named("target_id")),
            _ => {}
        }
    }
    wanted.retain(|id| !book.rows.contains_key(&("target".to_string(), id.clone())));
    let columns = values(target, book);
    view::load_rows(conn, target, &wanted, &columns, book)
}

/// A route is one rep's tour. A card handed to another rep while its old rep
/// put it on their route (neither having seen the other's change) would sit
/// on a route its rep does not hold: it leaves the route here, as head
/// office's change, which reaches every book that holds the card.
fn leave_others_routes(tx: &Transaction<'_>, cards: &BTreeSet<String>, now: DateTime<Utc>) -> Result<()> {
    if cards.is_empty() {
        return Ok(());
    }
    let actor = office_actor(tx, now)?;
    for card in cards.iter().filter_map(|c| c.parse().ok()) {
        crate::card::write::leave_others_route(tx, card, actor)?;
    }
    Ok(())
}

/// Writes the file for one enrolled device: everything in its scope it has not
/// confirmed, or its whole scope when it is new or its scope changed.
pub fn export_to_peer(tx: &Transaction<'_>, peer: &Peer, now: DateTime<Utc>) -> Result<(Header, Body)> {
    let recipient =
        peer.staff_id.clone().ok_or_else(|| Error::NotFound { what: "staff of device", id: peer.device_id.clone() })?;
    let (scope, _) = scope_of(tx, &recipient)?;
    let staff = staff_in_scope(tx, &scope)?;
    // A manager's scope is their units and the people in them: a rep who
    // moves into the region brings their earlier rows (reports, plans) with a
    // snapshot, as a change of units does.
    let signature = match &scope {
        PeerScope::Units(_) => {
            let mut people: Vec<&str> = staff.iter().map(String::as_str).collect();
            people.sort_unstable();
            format!("{};people:{}", scope.signature(), people.join(","))
        }
        _ => scope.signature(),
    };
    let state = State::load(tx)?;
    let pruned_upto: i64 = tx.query_row("SELECT pruned_upto FROM sync_state", [], |r| r.get(0))?;
    let snapshot =
        peer.acked_upto == 0 || peer.scope_sig.as_deref() != Some(&signature) || peer.acked_upto < pruned_upto;
    let columns = Columns::read(tx)?;
    let in_scope = scope.customers(tx)?;
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
        // Rows of a scoped table that belong to no card and no person (a
        // unit's target): everyone's, as their changes are.
        for table in SYNCED.iter().filter(|t| matches!(t.scope, Scope::Staff(_) | Scope::CustomerOrStaff(..))) {
            let nobody = [table.scope.customer_column(), table.scope.staff_column()]
                .into_iter()
                .flatten()
                .map(|c| format!("{c} IS NULL"))
                .collect::<Vec<_>>()
                .join(" AND ");
            let ids: Vec<String> = tx
                .prepare(&format!("SELECT id FROM {} WHERE {nobody}", table.name))?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in ids {
                out.row(table.name, &id)?;
            }
        }
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
        // The device's own changes it has already: left out by the query.
        let me = &peer.device_id;
        let mut rows: Vec<Clocked> = tx
            .prepare_cached(&format!("{CLOCK} WHERE anchor IS NULL AND version > ?1 AND origin <> ?2"))?
            .query_map(params![from, me], read)?
            .collect::<rusqlite::Result<_>>()?;
        let anchors: Vec<String> = in_scope
            .iter()
            .filter(|c| !whole.contains(*c))
            .cloned()
            .chain(staff.iter().map(|person| manifest::staff_anchor(person)))
            .collect();
        let mut by_anchor =
            tx.prepare_cached(&format!("{CLOCK} WHERE anchor IN rarray(?1) AND version > ?2 AND origin <> ?3"))?;
        for row in by_anchor.query_map(params![view::texts(&anchors), from, me], read)? {
            rows.push(row?);
        }
        rows.sort_by_key(|r| r.4);
        for (tbl, pk, col, clock, version, _anchor) in rows {
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
        ephemeral: String::new(),
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

/// A cell's clock as `sync_clock` keeps it: row, column, hlc, origin, base hlc, base origin, version.
type ClockRow = (String, String, u64, String, u64, Option<String>, i64);

fn clock_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ClockRow> {
    Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64, r.get(3)?, r.get::<_, i64>(4)? as u64, r.get(5)?, r.get(6)?))
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
        if self.emitted_rows.contains(&(table.to_string(), pk.to_string())) {
            return Ok(());
        }
        let Some(values) = read_row(self.tx, self.columns, table, pk)? else { return Ok(()) };
        let clocks = self
            .tx
            .prepare_cached(
                "SELECT pk, col, hlc, origin, base_hlc, base_origin, version FROM sync_clock WHERE tbl = ?1 AND pk = ?2",
            )?
            .query_map(params![table, pk], clock_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.push_row(table, pk, values, clocks);
        Ok(())
    }

    /// Every row of `table` whose `column` names `customer`, each with the
    /// clocks of its cells: two statements for the table, however many rows
    /// (a moved card carries hundreds: its history, sales lines, visits).
    fn rows_of_card(&mut self, table: &str, column: &str, customer: &str) -> Result<()> {
        let cols = self.columns.of(table);
        let Some(id_at) = cols.iter().position(|c| c == "id") else { return Ok(()) };
        let rows: Vec<(String, Json)> = self
            .tx
            .prepare_cached(&format!("SELECT {} FROM {table} WHERE {column} = ?1", cols.join(", ")))?
            .query_map([customer], |r| {
                let mut map = serde_json::Map::new();
                for (i, c) in cols.iter().enumerate() {
                    map.insert(c.clone(), to_json(r.get::<_, SqlValue>(i)?));
                }
                let id = map.get(&cols[id_at]).and_then(Json::as_str).unwrap_or_default().to_string();
                Ok((id, Json::Object(map)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut clocks: HashMap<String, Vec<ClockRow>> = HashMap::new();
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT pk, col, hlc, origin, base_hlc, base_origin, version FROM sync_clock
              WHERE tbl = ?1 AND pk IN (SELECT id FROM {table} WHERE {column} = ?2)"
        ))?;
        for clock in stmt.query_map(params![table, customer], clock_row)? {
            let clock = clock?;
            clocks.entry(clock.0.clone()).or_default().push(clock);
        }
        for (pk, values) in rows {
            if self.emitted_rows.contains(&(table.to_string(), pk.clone())) {
                continue;
            }
            let of_row = clocks.remove(&pk).unwrap_or_default();
            self.push_row(table, &pk, values, of_row);
        }
        Ok(())
    }

    /// The row's change (`*`, with the row's clock) and one change per clocked cell.
    fn push_row(&mut self, table: &str, pk: &str, values: Json, clocks: Vec<ClockRow>) {
        self.emitted_rows.insert((table.to_string(), pk.to_string()));
        let row_clock = clocks.iter().find(|c| c.1 == "*");
        let (h, o, bh, bo, s) =
            row_clock.map_or((0, String::new(), 0, None, 0), |c| (c.2, c.3.clone(), c.4, c.5.clone(), c.6));
        let cells: Vec<ClockRow> = clocks.into_iter().filter(|c| c.1 != "*").collect();
        for (_, col, h, o, bh, bo, s) in cells.iter().cloned() {
            let v = values.get(&col).cloned().unwrap_or(Json::Null);
            self.changes.push(Change { t: table.into(), k: pk.into(), c: col, v, h, o, s, bh, bo, n: 0 });
        }
        // The row first, then its cells (a cell's change needs its row).
        let at = self.changes.len() - cells.len();
        self.changes
            .insert(at, Change { t: table.into(), k: pk.into(), c: "*".into(), v: values, h, o, s, bh, bo, n: 0 });
    }

    /// A card with everything that belongs to it (history included).
    fn card(&mut self, customer: &str) -> Result<()> {
        self.row("customer", customer)?;
        for table in SYNCED {
            if let Some(column) = table.scope.customer_column() {
                if table.name == "customer" {
                    continue;
                }
                self.rows_of_card(table.name, column, customer)?;
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
        if let Some(at) = &existing.retired_at {
            return Err(Error::refused(
                ProblemCode::DeviceRetired,
                format!(
                    "this device was retired on {}; a retired device is not enrolled again: enrol the new laptop with its own device id",
                    day_of(at)
                ),
            ));
        }
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

/// The day of a stored timestamp, for messages.
fn day_of(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}

/// Refuses a file from, or for, a device head office retired.
pub fn refuse_retired(peer: &Peer) -> Result<()> {
    match &peer.retired_at {
        None => Ok(()),
        Some(at) => Err(Error::refused(
            ProblemCode::DeviceRetired,
            format!(
                "this device was retired by head office on {}{}; its files are no longer accepted. Its user enrols their new laptop, which receives all their data",
                day_of(at),
                peer.retired_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
            ),
        )),
    }
}

/// Head office retires a device (lost, stolen, replaced): from now on its
/// files are refused, head office writes it none, and it no longer holds back
/// pruning. What it sent before stays merged; its person enrols a new laptop.
pub fn retire(tx: &Transaction<'_>, device: &str, reason: &str, now: DateTime<Utc>) -> Result<Peer> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid(
            "reason",
            ProblemCode::Required,
            "say why the device is retired (lost, replaced …)",
        ));
    }
    if reason.chars().count() > 200 {
        return Err(Error::invalid("reason", ProblemCode::TooLong, "at most 200 characters fit"));
    }
    let existing = peer(tx, device)?.ok_or_else(|| Error::NotFound { what: "device", id: device.to_string() })?;
    if existing.is_office {
        return Err(Error::refused(
            ProblemCode::NotOffice,
            "head office's own book is not a device that can be retired",
        ));
    }
    refuse_retired(&existing)?;
    tx.execute(
        "UPDATE sync_peer SET retired_at = ?2, retired_reason = ?3 WHERE device_id = ?1",
        params![device, timestamp(now), reason],
    )?;
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

    /// Head office's verdict on a file of `change` from `staff` with `scope`
    /// and `role`, loaded from the book and planned: None if allowed, else the reason.
    fn judge(book: &Book, staff: &str, scope: &PeerScope, role: StaffRole, change: &Change) -> Option<&'static str> {
        let body = Body { changes: vec![change.clone()], ..Body::default() };
        let view = book.read(|conn| load_view_for(conn, staff.to_string(), scope.clone(), role, &body)).expect("view");
        let mut header = crate::sync::plan::tests::header("device", "office", 1, 1, false);
        header.created_at = "2026-11-22T01:00:00Z".into();
        let plan = plan_from_device(&header, &body, view, chrono::Utc::now());
        plan.steps.iter().find_map(|s| match s {
            Step::Reject { reason, .. } => Some(reason.as_str()),
            _ => None,
        })
    }

    /// [`judge`] of someone whose scope is their own cards, or a manager's units.
    fn verdict(book: &Book, scope: &PeerScope, role: StaffRole, change: &Change) -> Option<&'static str> {
        let staff = match scope {
            PeerScope::Owner(staff) => staff.clone(),
            _ => String::new(),
        };
        judge(book, &staff, scope, role, change)
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
            book.add_staff(&NewStaff { name: name.into(), role, org_unit_id: unit, phone: None, regions: None })
                .expect("staff")
                .id
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
        let judge =
            |staff: &str, scope: &PeerScope, role: StaffRole, change: &Change| judge(&book, staff, scope, role, change);
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
