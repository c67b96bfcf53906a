//! Synchronisation by changeset files between laptops and head office.
//!
//! - [`capture`]: triggers stage every change; `seal` stamps it with a hybrid
//!   logical clock ([`hlc`]) and a gap-free per-device sequence number.
//! - [`merge`]: per-cell last writer wins by (clock, device id); removals are final.
//! - [`office`]: head office's merge (authority, conflicts, cards changing hands)
//!   and the per-person files cut to each person's scope ([`manifest`]).
//! - [`device`]: a laptop's outgoing file and its import of head office's file.
//! - [`file`]: the signed file format.
//! - [`plan`]: a laptop's import of head office's file, decided without a
//!   database and then written by [`device`].
//! - [`stage`]: admitting a received file (sender, trust, signature, replay)
//!   before anything of it touches the book.
//!
//! docs/SYNC.md describes the protocol and the format for people.

pub mod apply;
pub mod device;
pub mod file;
pub mod merge;
pub mod office;
pub mod plan;
pub mod stage;
pub mod view;

use crate::error::ProblemCode;
use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::changes::capture::{self, is_office, set_capture};
use crate::clock::timestamp;
use crate::error::{Error, Result};
use file::Header;
use stage::{Admitted, Source, Staged};

/// How far an import has got (for a progress bar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Changes that are now the book's values.
    pub applied: u32,
    /// Changes the book already had (a file imported twice, or overlapping files).
    pub already_had: u32,
    /// Changes older than what the book holds (a later write of the same field won).
    pub superseded: u32,
    /// Changes head office refused (at head office: refused now; on a laptop: told now).
    pub rejected: u32,
    /// New conflicts found (head office).
    pub conflicts: u32,
    /// Cards that left this book because they moved to someone else.
    pub removed_cards: u32,
    /// The file was older than one already imported; nothing but its acknowledgement was used.
    pub stale: bool,
    /// This file was imported before; nothing changed.
    pub duplicate_file: bool,
    /// Head office's file held the whole scope.
    pub snapshot: bool,
    /// The laptop's file skipped some of its changes (an older file is missing);
    /// they will come with its next file.
    pub gap: bool,
    /// Who sent the file.
    pub sender: String,
}

/// A written file.
#[derive(Debug, Clone)]
pub struct Exported {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub recipient: String,
    pub changes: u64,
    pub snapshot: bool,
}

/// This device's signing key, created on first use.
pub fn signing_key(tx: &Transaction<'_>) -> Result<SigningKey> {
    if let Some(key) = own_key(tx)? {
        return Ok(key);
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
    let key = SigningKey::from_bytes(&seed);
    tx.execute(
        "UPDATE sync_state SET secret_key = ?1, public_key = ?2",
        params![seed.to_vec(), key.verifying_key().to_bytes().to_vec()],
    )?;
    Ok(key)
}

/// This device's signing key, if it has made one ([`signing_key`] makes it).
pub fn own_key(conn: &Connection) -> Result<Option<SigningKey>> {
    let secret: Option<Vec<u8>> = conn.query_row("SELECT secret_key FROM sync_state", [], |r| r.get(0))?;
    secret
        .map(|secret| {
            let bytes: [u8; 32] = secret.as_slice().try_into().map_err(|_| {
                Error::refused(ProblemCode::BadKey, "this book's device key is damaged; restore the book from a backup")
            })?;
            Ok(SigningKey::from_bytes(&bytes))
        })
        .transpose()
}

pub use crate::store::device_id;

pub fn office_peer(conn: &Connection) -> Result<Option<office::Peer>> {
    let id: Option<String> =
        conn.query_row("SELECT device_id FROM sync_peer WHERE is_office = 1", [], |r| r.get(0)).optional()?;
    match id {
        Some(id) => office::peer(conn, &id),
        None => Ok(None),
    }
}

fn file_name(sender_label: &str, recipient_label: &str, file_no: i64) -> String {
    let clean = |s: &str| -> String {
        s.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect::<String>()
    };
    format!("{}-to-{}-{:05}.fcsync", clean(sender_label), clean(recipient_label), file_no)
}

fn staff_name(conn: &Connection, staff: Option<&str>) -> Result<String> {
    Ok(match staff {
        Some(id) => conn
            .query_row("SELECT name FROM staff WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| id.to_string()),
        None => String::new(),
    })
}

/// Writes this book's next file: to head office from a laptop, or — at head
/// office — to the enrolled device `to`.
/// A laptop's file carries `recovery`, its book's key, for head office's
/// recovery copy (sealed to head office with the rest of the body).
pub fn export(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    to: Option<&str>,
    recovery: Option<&crate::vault::BookKey>,
) -> Result<Exported> {
    let key = signing_key(tx)?;
    capture::seal(tx, now)?;
    let (mut header, body, recipient_label, recipient_key) = if is_office(tx)? {
        let to = to.ok_or_else(|| {
            Error::refused(
                ProblemCode::RecipientNeeded,
                "head office writes one file per device: name the device to write for",
            )
        })?;
        let peer = office::peer(tx, to)?.ok_or_else(|| {
            Error::refused(ProblemCode::UnknownDevice, format!("no device {to} is enrolled here; enroll it first"))
        })?;
        office::refuse_retired(&peer)?;
        let (h, b) = office::export_to_peer(tx, &peer, now)?;
        (h, b, staff_name(tx, peer.staff_id.as_deref())?, file::verifying_key(&peer.public_key)?)
    } else {
        let office = office_peer(tx)?.ok_or_else(|| {
            Error::refused(
                ProblemCode::NotEnrolled,
                "this laptop has not joined head office yet: give head office your device key (Sync page, or `fieldcrm device show`), then import the first file head office sends you",
            )
        })?;
        let (h, mut b) = device::export_to_office(tx, &office, now)?;
        b.recovery = recovery.map(|key| hex::encode(key.bytes()));
        (h, b, "head-office".to_string(), file::verifying_key(&office.public_key)?)
    };
    header.sender_key = hex::encode(key.verifying_key().to_bytes());
    let me: Option<String> = tx
        .query_row("SELECT s.name FROM local_profile p JOIN staff s ON s.id = p.staff_id", [], |r| r.get(0))
        .optional()?;
    let name = file_name(&me.unwrap_or_else(|| "device".into()), &recipient_label, header.file_no);
    let changes = header.change_count;
    let snapshot = header.snapshot;
    let recipient = header.recipient.clone();
    let bytes = file::encode(header, &body, &key, &recipient_key)?;
    Ok(Exported { file_name: name, bytes, recipient, changes, snapshot })
}

/// Imports one file in the caller's transaction. `trust` is head office's key
/// fingerprint, needed only for the first file a laptop receives (it pins the key).
pub fn import(
    tx: &Transaction<'_>,
    bytes: &[u8],
    now: DateTime<Utc>,
    trust: Option<&str>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    let unverified = file::open(bytes)?;
    let known = stage::Known::load(tx, &unverified.header)?;
    let Staged { header, body, from } = match stage::admit(unverified, &known, trust)? {
        Admitted::Duplicate(sender) => {
            return Ok(ImportReport { duplicate_file: true, sender, ..ImportReport::default() });
        }
        Admitted::File(staged) => *staged,
    };
    let mut report = match from {
        Source::Device(peer) => {
            if let Some(key) = body.recovery.as_deref().and_then(|k| hex::decode(k).ok()).filter(|k| k.len() == 32) {
                tx.prepare_cached(
                    "INSERT INTO device_recovery_key (device_id, book_key, received_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (device_id) DO UPDATE SET book_key = excluded.book_key, received_at = excluded.received_at",
                )?
                .execute(params![peer.device_id, key, timestamp(now)])?;
            }
            let report = office::import_from_device(tx, &peer, &header, &body, now, progress)?;
            prune(tx)?;
            report
        }
        Source::Office(office) => from_office(tx, &office, &header, &body, now, progress)?,
        Source::Joining { key } => {
            let office = join(tx, &header, &key, now)?;
            from_office(tx, &office, &header, &body, now, progress)?
        }
    };
    tx.prepare_cached(
        "INSERT INTO sync_received_file (sender, file_no, body_hash, imported_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![header.sender, header.file_no, header.body_hash, timestamp(now)])?;
    report.sender = header.sender;
    Ok(report)
}

/// A laptop imports its head office's file.
fn from_office(
    tx: &Transaction<'_>,
    office: &office::Peer,
    header: &Header,
    body: &file::Body,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    let report = device::import_from_office(tx, office, header, body, now, progress)?;
    if let Some(staff) = &header.recipient_staff {
        set_profile_staff(tx, staff, now)?;
    }
    Ok(report)
}

/// First file from head office (admitted by [`stage::admit`], which checked it
/// may join): pins its key and makes this book head office's copy of this
/// person's scope.
fn join(tx: &Transaction<'_>, header: &Header, key: &[u8], now: DateTime<Utc>) -> Result<office::Peer> {
    // The organisation a first start created locally is replaced by head office's.
    set_capture(tx, false)?;
    tx.execute_batch(
        "DELETE FROM local_profile; DELETE FROM staff; DELETE FROM org_unit;
         DELETE FROM sync_outbox; DELETE FROM sync_clock; DELETE FROM sync_pending;",
    )?;
    set_capture(tx, true)?;
    tx.execute(
        "INSERT INTO sync_peer (device_id, is_office, name, public_key, enrolled_at) VALUES (?1, 1, 'head office', ?2, ?3)",
        params![header.sender, key, timestamp(now)],
    )?;
    office_peer(tx)?.ok_or_else(|| Error::NotFound { what: "head office", id: header.sender.clone() })
}

fn set_profile_staff(tx: &Transaction<'_>, staff: &str, now: DateTime<Utc>) -> Result<()> {
    let exists: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM staff WHERE id = ?1)", [staff], |r| r.get(0))?;
    if !exists {
        return Ok(());
    }
    let device = device_id(tx)?;
    tx.execute(
        "INSERT INTO local_profile (singleton, staff_id, device_id, created_at) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (singleton) DO UPDATE SET staff_id = excluded.staff_id, device_id = excluded.device_id",
        params![staff, device, timestamp(now)],
    )?;
    Ok(())
}

/// Head office: drops what every device in use has confirmed and no longer
/// needs — removal markers, records of cards changing hands, refusals already
/// told. A retired device holds nothing back.
pub fn prune(tx: &Transaction<'_>) -> Result<()> {
    let horizon: Option<i64> =
        tx.query_row("SELECT min(acked_upto) FROM sync_peer WHERE is_office = 0 AND retired_at IS NULL", [], |r| {
            r.get(0)
        })?;
    let Some(horizon) = horizon else { return Ok(()) };
    tx.execute("DELETE FROM sync_clock WHERE deleted = 1 AND version <= ?1", [horizon])?;
    tx.execute("DELETE FROM sync_move WHERE version <= ?1", [horizon])?;
    tx.execute(
        "DELETE FROM sync_rejection WHERE version <= (SELECT acked_upto FROM sync_peer p WHERE p.device_id = sync_rejection.device_id)",
        [],
    )?;
    tx.execute("UPDATE sync_state SET pruned_upto = max(pruned_upto, ?1)", [horizon])?;
    Ok(())
}
