//! Synchronisation by changeset files between laptops and head office.
//!
//! - [`capture`]: triggers stage every change; `seal` stamps it with a hybrid
//!   logical clock ([`hlc`]) and a gap-free per-device sequence number.
//! - [`merge`]: per-cell last writer wins by (clock, device id); removals are final.
//! - [`office`]: head office's merge (authority, conflicts, cards changing hands)
//!   and the per-person files cut to each person's scope ([`manifest`]).
//! - [`device`]: a laptop's outgoing file and its import of head office's file.
//! - [`file`]: the signed file format.
//!
//! docs/SYNC.md describes the protocol and the format for people.

pub mod device;
pub mod file;
pub mod merge;
pub mod office;

use crate::error::ProblemCode;
use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::changes::capture::{self, is_office, set_capture};
use crate::clock::timestamp;
use crate::error::{Error, Result};
use crate::store::SCHEMA_VERSION;
use file::{fingerprint, Header};

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
    let secret: Option<Vec<u8>> = tx.query_row("SELECT secret_key FROM sync_state", [], |r| r.get(0))?;
    if let Some(secret) = secret {
        let bytes: [u8; 32] = secret.as_slice().try_into().map_err(|_| {
            Error::refused(ProblemCode::BadKey, "this book's device key is damaged; restore the book from a backup")
        })?;
        return Ok(SigningKey::from_bytes(&bytes));
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
pub fn export(tx: &Transaction<'_>, now: DateTime<Utc>, to: Option<&str>) -> Result<Exported> {
    let key = signing_key(tx)?;
    capture::seal(tx, now)?;
    let (mut header, body, recipient_label) = if is_office(tx)? {
        let to = to.ok_or_else(|| {
            Error::refused(
                ProblemCode::RecipientNeeded,
                "head office writes one file per device: name the device to write for",
            )
        })?;
        let peer = office::peer(tx, to)?.ok_or_else(|| {
            Error::refused(ProblemCode::UnknownDevice, format!("no device {to} is enrolled here; enroll it first"))
        })?;
        let (h, b) = office::export_to_peer(tx, &peer, now)?;
        (h, b, staff_name(tx, peer.staff_id.as_deref())?)
    } else {
        let office = office_peer(tx)?.ok_or_else(|| {
            Error::refused(
                ProblemCode::NotEnrolled,
                "this laptop has not joined head office yet: give head office your device key (Sync page, or `fieldcrm device show`), then import the first file head office sends you",
            )
        })?;
        let (h, b) = device::export_to_office(tx, &office, now)?;
        (h, b, "head-office".to_string())
    };
    header.sender_key = hex::encode(key.verifying_key().to_bytes());
    let me: Option<String> = tx
        .query_row("SELECT s.name FROM local_profile p JOIN staff s ON s.id = p.staff_id", [], |r| r.get(0))
        .optional()?;
    let name = file_name(&me.unwrap_or_else(|| "device".into()), &recipient_label, header.file_no);
    let changes = header.change_count;
    let snapshot = header.snapshot;
    let recipient = header.recipient.clone();
    let bytes = file::encode(header, &body, &key)?;
    Ok(Exported { file_name: name, bytes, recipient, changes, snapshot })
}

fn normalise_fingerprint(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_uppercase()
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
    let h = &unverified.header;
    if h.schema_version > SCHEMA_VERSION {
        return Err(Error::refused(
            ProblemCode::NewerSchema,
            format!(
                "the file comes from a newer fieldcrm (book version {}, this program has {SCHEMA_VERSION}); update fieldcrm, then import it again",
                h.schema_version
            ),
        ));
    }
    let me = device_id(tx)?;
    if h.recipient != me {
        return Err(Error::refused(
            ProblemCode::WrongRecipient,
            "this file was written for another device; import it on the laptop it is addressed to (its name says who it is for)",
        ));
    }
    let office_here = is_office(tx)?;
    let (peer, key) = if office_here {
        let peer = office::peer(tx, &h.sender)?.filter(|p| !p.is_office).ok_or_else(|| {
            Error::refused(
                ProblemCode::UnknownDevice,
                format!("the file comes from device {}, which is not enrolled here; enroll the device first", h.sender),
            )
        })?;
        let key = file::verifying_key(&peer.public_key)?;
        (Some(peer), key)
    } else {
        match office_peer(tx)? {
            Some(office) => {
                if h.sender != office.device_id {
                    return Err(Error::refused(
                        ProblemCode::UnknownDevice,
                        "this file does not come from your head office; laptops exchange files only with head office",
                    ));
                }
                let key = file::verifying_key(&office.public_key)?;
                (Some(office), key)
            }
            None => {
                let key_bytes = file::parse_key_hex(&h.sender_key)?;
                let expected = fingerprint(&key_bytes);
                match trust {
                    Some(t) if normalise_fingerprint(t) == normalise_fingerprint(&expected) => {}
                    Some(_) => {
                        return Err(Error::refused(
                            ProblemCode::OfficeKeyMismatch,
                            format!("head office's key in this file has fingerprint {expected}, not the one you confirmed; do not import it and call head office"),
                        ))
                    }
                    None => {
                        return Err(Error::SyncRefused {
                            reason: ProblemCode::OfficeNotTrusted,
                            message: format!("this is the first file from head office. Check with head office that their key fingerprint is {expected}, then import it again confirming it"),
                            fingerprint: Some(expected),
                        })
                    }
                }
                (None, file::verifying_key(&key_bytes)?)
            }
        }
    };
    let (header, body) = unverified.verify(&key)?;
    let seen: Option<String> = tx
        .prepare_cached("SELECT body_hash FROM sync_received_file WHERE sender = ?1 AND file_no = ?2")?
        .query_row(params![header.sender, header.file_no], |r| r.get(0))
        .optional()?;
    match seen {
        Some(hash) if hash == header.body_hash => {
            return Ok(ImportReport { duplicate_file: true, sender: header.sender.clone(), ..ImportReport::default() });
        }
        Some(_) => {
            return Err(Error::refused(
                ProblemCode::Replayed,
                format!(
                    "a different file numbered {} from this sender was already imported; this one was altered or comes from a restored copy of the sender's book. Ask the sender to export again",
                    header.file_no
                ),
            ))
        }
        None => {}
    }
    let mut report = if office_here {
        let peer = peer.ok_or_else(|| Error::refused(ProblemCode::UnknownDevice, "the sender is not enrolled"))?;
        let report = office::import_from_device(tx, &peer, &header, &body, now, progress)?;
        prune(tx)?;
        report
    } else {
        let office = match peer {
            Some(p) => p,
            None => join(tx, &header, now)?,
        };
        let report = device::import_from_office(tx, &office, &header, &body, now, progress)?;
        if let Some(staff) = &header.recipient_staff {
            set_profile_staff(tx, staff, now)?;
        }
        report
    };
    tx.prepare_cached(
        "INSERT INTO sync_received_file (sender, file_no, body_hash, imported_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![header.sender, header.file_no, header.body_hash, timestamp(now)])?;
    report.sender = header.sender;
    Ok(report)
}

/// First file from head office: pins its key and makes this book head office's
/// copy of this person's scope. Only a book without cards can join.
fn join(tx: &Transaction<'_>, header: &Header, now: DateTime<Utc>) -> Result<office::Peer> {
    if !header.snapshot {
        return Err(Error::refused(
            ProblemCode::JoinNeedsFirstFile,
            "this laptop has not joined head office yet, and this is not a first file; ask head office to write your first file again",
        ));
    }
    let cards: i64 = tx.query_row("SELECT count(*) FROM customer", [], |r| r.get(0))?;
    if cards > 0 {
        return Err(Error::refused(
            ProblemCode::JoinNeedsNewBook,
            "this book already holds cards of its own; join head office with a new, empty book (start fieldcrm with another book file)",
        ));
    }
    // The organisation a first start created locally is replaced by head office's.
    set_capture(tx, false)?;
    tx.execute_batch(
        "DELETE FROM local_profile; DELETE FROM staff; DELETE FROM org_unit;
         DELETE FROM sync_outbox; DELETE FROM sync_clock; DELETE FROM sync_pending;",
    )?;
    set_capture(tx, true)?;
    let key = file::parse_key_hex(&header.sender_key)?;
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

/// Head office: drops what every device has confirmed and no longer needs —
/// removal markers, records of cards changing hands, refusals already told.
pub fn prune(tx: &Transaction<'_>) -> Result<()> {
    let horizon: Option<i64> =
        tx.query_row("SELECT min(acked_upto) FROM sync_peer WHERE is_office = 0", [], |r| r.get(0))?;
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
