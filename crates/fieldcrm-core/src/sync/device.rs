//! A laptop's side: its outgoing file (every own change head office has not
//! confirmed) and importing head office's file (merge, cards that left, refused
//! changes, clock correction).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value as Json;

use super::file::{Body, Change, Header, Range, Rejection};
use super::merge::{drop_customer, to_json, to_sql, Merger};
use super::office::Peer;
use super::{ImportReport, Progress};
use crate::changes::capture::{cell_clock, put_clock, set_capture, CellClock, State};
use crate::changes::manifest::{self, Columns};
use crate::clock::timestamp;
use crate::error::Result;

/// Head office behind this laptop's clock by more than this moves our clock forward.
const BEHIND_TOLERANCE_MS: i64 = 5 * 60 * 1000;

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
    };
    tx.prepare_cached("UPDATE sync_peer SET files_out = files_out + 1, last_export_at = ?2 WHERE device_id = ?1")?
        .execute(params![office.device_id, timestamp(now)])?;
    Ok((header, Body { changes, ..Body::default() }))
}

fn customer_name(tx: &Transaction<'_>, customer: &str) -> Result<Option<String>> {
    Ok(tx.prepare_cached("SELECT name FROM customer WHERE id = ?1")?.query_row([customer], |r| r.get(0)).optional()?)
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

/// Merges head office's file into this laptop's book.
pub fn import_from_office(
    tx: &Transaction<'_>,
    office: &Peer,
    header: &Header,
    body: &Body,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    let mut report = ImportReport { snapshot: header.snapshot, ..ImportReport::default() };
    let to = header.ranges.iter().find(|r| r.origin == header.sender).map_or(0, |r| r.to);
    let acked = office.acked_upto.max(header.ack);
    // (A snapshot as new as what the book has is applied: it may be the first
    // file of a head office that has made no change under sync yet.)
    if to < office.received_upto || (to == office.received_upto && !header.snapshot) {
        // An older file than one already imported: its data is superseded; only
        // its acknowledgement can still matter.
        report.stale = true;
    } else {
        set_capture(tx, false)?;
        let mut merger = Merger::new(tx)?;
        // Head office corrects a clock that ran ahead; a clock that runs behind
        // head office's is moved forward here.
        if header.ack > 0 {
            merger.state.clock_offset_ms = header.clock_correction_ms;
        }
        if let Ok(created) = header.created_at.parse::<DateTime<Utc>>() {
            let ours = now + chrono::Duration::milliseconds(merger.state.clock_offset_ms);
            let behind = (created - ours).num_milliseconds();
            if behind > BEHIND_TOLERANCE_MS {
                merger.state.clock_offset_ms += behind;
            }
        }
        let mut leaving: Vec<String> = body.removals.clone();
        if header.snapshot {
            let keep: HashSet<&String> = body.keep.iter().collect();
            let ids: Vec<String> =
                tx.prepare("SELECT id FROM customer")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            leaving.extend(ids.into_iter().filter(|id| !keep.contains(id)));
        }
        for customer in &leaving {
            // A card created here that head office has not seen yet is not
            // missing from its file: it is on its way there.
            let unconfirmed: bool = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM sync_outbox WHERE tbl = 'customer' AND pk = ?1 AND col = '*' AND seq > ?2)",
                )?
                .query_row(params![customer, header.ack], |r| r.get(0))?;
            if unconfirmed {
                continue;
            }
            if let Some(name) = customer_name(tx, customer)? {
                notice(tx, "moved_away", customer, &name, "reassigned: the card now belongs to someone else", now)?;
                drop_customer(tx, customer)?;
                report.removed_cards += 1;
            }
        }
        let total = body.changes.len();
        for (i, change) in body.changes.iter().enumerate() {
            if i % 2000 == 0 {
                progress(Progress { done: i, total });
            }
            match merger.apply(change)? {
                super::merge::Outcome::Applied { .. } => report.applied += 1,
                super::merge::Outcome::Duplicate => report.already_had += 1,
                _ => report.superseded += 1,
            }
        }
        progress(Progress { done: total, total });
        let mut rejections: Vec<&Rejection> = body.rejections.iter().collect();
        rejections.sort_by_key(|r| std::cmp::Reverse(manifest::rank(&r.table)));
        for r in rejections {
            store_rejection(tx, r, &merger.state.device_id)?;
            revert(tx, &mut merger, r)?;
            report.rejected += 1;
        }
        merger.finish()?;
        tx.prepare_cached("UPDATE sync_peer SET received_upto = max(received_upto, ?2) WHERE device_id = ?1")?
            .execute(params![office.device_id, to])?;
        set_capture(tx, true)?;
    }
    tx.prepare_cached("UPDATE sync_peer SET acked_upto = ?2, last_import_at = ?3 WHERE device_id = ?1")?
        .execute(params![office.device_id, acked, timestamp(now)])?;
    // Confirmed by head office: never sent again.
    tx.prepare_cached("DELETE FROM sync_outbox WHERE seq <= ?1")?.execute([acked])?;
    Ok(report)
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

/// Puts back head office's value of a cell (or removes a row head office
/// refused) — unless this laptop changed it again since.
fn revert(tx: &Transaction<'_>, merger: &mut Merger<'_, '_>, r: &Rejection) -> Result<()> {
    let me = merger.state.device_id.clone();
    let Some(table) = manifest::table(&r.table) else { return Ok(()) };
    let cell = if r.column == "-" { "*" } else { r.column.as_str() };
    let mine = cell_clock(tx, &r.table, &r.pk, cell)?;
    let still_mine = mine.as_ref().is_some_and(|c| c.hlc == r.hlc && c.origin == me);
    if !still_mine {
        return Ok(());
    }
    let anchor = match table.scope {
        manifest::Scope::Global => None,
        manifest::Scope::Customer(_) => r.customer_id.clone(),
        _ => super::merge::row_anchor(tx, table, &r.pk)?.flatten(),
    };
    let clock_of = |c: &Option<(u64, String)>| CellClock {
        hlc: c.as_ref().map_or(0, |c| c.0),
        origin: c.as_ref().map_or_else(String::new, |c| c.1.clone()),
        base_hlc: 0,
        base_origin: None,
        deleted: false,
    };
    match r.column.as_str() {
        "*" => {
            if r.current.is_none() {
                if table.name == "customer" {
                    drop_customer(tx, &r.pk)?;
                } else {
                    tx.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", table.name))?.execute([&r.pk])?;
                    tx.prepare_cached("DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2")?
                        .execute(params![r.table, r.pk])?;
                }
            }
        }
        "-" => {
            // A removal head office refused: the row comes back as head office has it.
            if let Some(row) = &r.current {
                tx.prepare_cached("DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2")?
                    .execute(params![r.table, r.pk])?;
                let clock = clock_of(&r.current_clock);
                merger.apply(&Change {
                    t: r.table.clone(),
                    k: r.pk.clone(),
                    c: "*".into(),
                    v: row.clone(),
                    h: clock.hlc,
                    o: clock.origin,
                    s: 0,
                    bh: 0,
                    bo: None,
                    n: 0,
                })?;
            }
        }
        column => {
            let value = r.current.clone().unwrap_or(Json::Null);
            tx.prepare_cached(&format!("UPDATE {} SET {column} = ?1 WHERE id = ?2", table.name))?
                .execute(params![to_sql(&value), r.pk])?;
            if table.name == "customer" && column == "name" {
                tx.prepare_cached("UPDATE customer SET name_pinyin = ?1 WHERE id = ?2")?
                    .execute(params![crate::search::sort_key(value.as_str().unwrap_or_default()), r.pk])?;
            }
            match &r.current_clock {
                Some(_) => {
                    let version = merger.state.next_version();
                    put_clock(tx, &r.table, &r.pk, column, &clock_of(&r.current_clock), version, anchor.as_deref())?;
                }
                None => {
                    tx.prepare_cached("DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2 AND col = ?3")?
                        .execute(params![r.table, r.pk, column])?;
                }
            }
            if let Some(manifest::Anchor::Customer(customer)) = anchor.as_deref().map(manifest::Anchor::parse) {
                merger.touch(customer);
            }
        }
    }
    Ok(())
}
