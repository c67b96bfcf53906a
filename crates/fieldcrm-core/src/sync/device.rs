//! A laptop's side: its outgoing file (every own change head office has not
//! confirmed) and importing head office's file (merge, cards that left, refused
//! changes, clock correction).

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value as Json;

use super::apply::Writer;
use super::file::{Body, Change, Header, Range, Rejection};
use super::merge::to_json;
use super::office::Peer;
use super::plan::{self, plan_from_office, BookRows, LaptopPlan, LaptopView, Step};
use super::view;
use super::{ImportReport, Progress};
use crate::changes::capture::{set_capture, State};
use crate::changes::manifest::{self, Columns};
use crate::clock::timestamp;
use crate::error::{Error, Result};

struct OutRow {
    seq: i64,
    tbl: String,
    pk: String,
    col: String,
    hlc: i64,
    base_hlc: i64,
    base_origin: Option<String>,
    seen: i64,
    value: SqlValue,
}

pub fn export_to_office(tx: &Transaction<'_>, office: &Peer, now: DateTime<Utc>) -> Result<(Header, Body)> {
    let state = State::load(tx)?;
    let mut stmt = tx.prepare(
        "SELECT seq, tbl, pk, col, hlc, base_hlc, base_origin, seen, value FROM sync_outbox WHERE seq > ?1 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map([office.acked_upto], |r| {
            Ok(OutRow {
                seq: r.get(0)?,
                tbl: r.get(1)?,
                pk: r.get(2)?,
                col: r.get(3)?,
                hlc: r.get(4)?,
                base_hlc: r.get(5)?,
                base_origin: r.get(6)?,
                seen: r.get(7)?,
                value: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let last_seq: i64 = tx
        .query_row("SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'", [], |r| r.get(0))
        .optional()?
        .unwrap_or(0)
        .max(office.acked_upto);
    // A cell changed twice travels once, with its latest value; the range in
    // the header still says which sequence numbers the file accounts for.
    let mut latest: HashSet<(&str, &str, &str)> = HashSet::new();
    let mut keep = vec![false; rows.len()];
    for (i, r) in rows.iter().enumerate().rev() {
        let single = r.col == "*" || r.col == "-";
        keep[i] = single || latest.insert((&r.tbl, &r.pk, &r.col));
    }
    let changes: Vec<Change> = rows
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(r, _)| {
            let v = match (&r.col[..], r.value) {
                ("*", SqlValue::Text(json)) => serde_json::from_str(&json).unwrap_or(Json::Null),
                (_, value) => to_json(value),
            };
            Change {
                t: r.tbl,
                k: r.pk,
                c: r.col,
                v,
                h: r.hlc as u64,
                o: state.device_id.clone(),
                s: r.seq,
                bh: r.base_hlc as u64,
                bo: r.base_origin,
                n: r.seen,
            }
        })
        .collect();
    let header = Header {
        format_minor: super::file::FORMAT_MINOR,
        schema_version: crate::store::SCHEMA_VERSION,
        columns: Columns::read(tx)?,
        sender: state.device_id.clone(),
        sender_key: String::new(),
        recipient: office.device_id.clone(),
        recipient_staff: None,
        file_no: office.files_out + 1,
        ranges: vec![Range { origin: state.device_id.clone(), from: office.acked_upto + 1, to: last_seq }],
        ack: office.received_upto,
        created_at: timestamp(now + chrono::Duration::milliseconds(state.clock_offset_ms)),
        snapshot: false,
        clock_correction_ms: state.clock_offset_ms,
        change_count: changes.len() as u64,
        body_len: 0,
        body_hash: String::new(),
        ephemeral: String::new(),
    };
    tx.prepare_cached("UPDATE sync_peer SET files_out = files_out + 1, last_export_at = ?2 WHERE device_id = ?1")?
        .execute(params![office.device_id, timestamp(now)])?;
    Ok((header, Body { changes, ..Body::default() }))
}

fn notice(
    tx: &Transaction<'_>,
    kind: &str,
    customer: &str,
    name: &str,
    message: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_notice (kind, customer_id, customer_name, message, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![kind, customer, name, message, timestamp(now)])?;
    Ok(())
}

/// Merges head office's file into this laptop's book: loads what the file
/// touches, plans the import ([`plan_from_office`]) and makes its writes.
pub fn import_from_office(
    tx: &Transaction<'_>,
    office: &Peer,
    header: &Header,
    body: &Body,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    let plan = if plan::is_stale(header, office.received_upto) {
        plan::stale_plan(header, office.acked_upto)
    } else {
        set_capture(tx, false)?;
        let view = load_view(tx, office, header, body)?;
        plan_from_office(header, body, view, now)
    };
    let report = plan.report.clone();
    apply_plan(tx, office, body, plan, now, progress)?;
    Ok(report)
}

/// Reads what [`plan_from_office`] needs: the rows and clocks of every row the
/// file names, and the cards it may take away.
pub fn load_view(tx: &Transaction<'_>, office: &Peer, header: &Header, body: &Body) -> Result<LaptopView> {
    let mut book =
        BookRows { state: State::load(tx)?, columns: Columns::read(tx)?, keep_values: false, ..BookRows::default() };
    let named = body.changes.iter().map(|c| (&c.t, &c.k)).chain(body.rejections.iter().map(|r| (&r.table, &r.pk)));
    for (name, pks) in &view::keys(named) {
        let Some(table) = manifest::table(name) else { continue };
        view::load_rows(tx, table, pks, &[], &mut book)?;
    }
    let all_cards: Vec<String> = if header.snapshot {
        tx.prepare("SELECT id FROM customer")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
    } else {
        vec![]
    };
    let keep: HashSet<&String> = body.keep.iter().collect();
    let leaving: BTreeSet<&String> =
        body.removals.iter().chain(all_cards.iter().filter(|c| header.snapshot && !keep.contains(c))).collect();
    let leaving = view::texts(leaving);
    let names: HashMap<String, String> = tx
        .prepare_cached("SELECT id, name FROM customer WHERE id IN rarray(?1)")?
        .query_map([leaving.clone()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let unconfirmed: HashSet<String> = tx
        .prepare_cached(
            "SELECT DISTINCT pk FROM sync_outbox WHERE tbl = 'customer' AND col = '*' AND seq > ?2 AND pk IN rarray(?1)",
        )?
        .query_map(params![leaving, header.ack], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(LaptopView {
        book,
        acked_upto: office.acked_upto,
        received_upto: office.received_upto,
        all_cards,
        names,
        unconfirmed,
    })
}

/// Makes a plan's writes, then saves the state and what head office confirmed.
fn apply_plan(
    tx: &Transaction<'_>,
    office: &Peer,
    body: &Body,
    plan: LaptopPlan,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Result<()> {
    let LaptopPlan { steps, touched, state, to, acked, .. } = plan;
    let me = state.as_ref().map_or("", |s| s.device_id.as_str());
    let mut writer = Writer::new(tx, &touched);
    for step in steps {
        match writer.write(step)? {
            None => {}
            Some(Step::Progress(p)) => progress(p),
            Some(Step::Notice { customer, name }) => {
                notice(tx, "moved_away", &customer, &name, "reassigned: the card now belongs to someone else", now)?;
            }
            Some(Step::StoreRejection(i)) => store_rejection(tx, &body.rejections[i], me)?,
            Some(Step::Refuse(reason, message)) => return Err(Error::refused(reason, message)),
            // Head office's steps (rejections, conflicts, moves): never in a laptop's plan.
            Some(_) => {}
        }
    }
    if let Some(state) = &state {
        writer.finish(state)?;
        tx.prepare_cached("UPDATE sync_peer SET received_upto = max(received_upto, ?2) WHERE device_id = ?1")?
            .execute(params![office.device_id, to])?;
        set_capture(tx, true)?;
    }
    tx.prepare_cached("UPDATE sync_peer SET acked_upto = ?2, last_import_at = ?3 WHERE device_id = ?1")?
        .execute(params![office.device_id, acked, timestamp(now)])?;
    // Confirmed by head office: never sent again.
    tx.prepare_cached("DELETE FROM sync_outbox WHERE seq <= ?1")?.execute([acked])?;
    Ok(())
}

fn store_rejection(tx: &Transaction<'_>, r: &Rejection, me: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO sync_rejection (id, device_id, seq, tbl, pk, col, value, reason, message, customer_id, label, rejected_at, hlc, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 0)",
    )?
    .execute(params![
        r.id,
        me,
        r.seq,
        r.table,
        r.pk,
        r.column,
        r.value.to_string(),
        r.reason,
        r.message,
        r.customer_id,
        r.label,
        r.rejected_at,
        r.hlc as i64
    ])?;
    Ok(())
}
