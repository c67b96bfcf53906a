//! The facade's sync operations: this device and its enrolment, exporting and
//! importing changeset files, head office's batch merge, conflicts, refusals
//! and notices. Transport types are generated into TypeScript like the rest.

use crate::error::ProblemCode;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use super::files::write_atomically;
use crate::api::{ApiResult, Book};
use crate::card::fields::Entity;
use crate::card::{self, write, FieldChange};
use crate::changes::capture::is_office;
use crate::changes::manifest;
use crate::clock::timestamp;
use crate::error::{ApiError, Error, FieldProblem, Result};
use crate::sync::file::fingerprint;
use crate::sync::{self, office, ImportReport, Progress};

/// This laptop (or head office) as sync sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeviceInfo {
    pub device_id: String,
    /// Hex of the device's public key: what head office records when enrolling it.
    pub public_key: String,
    pub fingerprint: String,
    /// This book is head office's.
    pub is_office: bool,
    /// A laptop that has joined head office (its key is pinned).
    pub joined: bool,
    pub office_fingerprint: Option<String>,
}

/// A device this book exchanges files with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PeerSummary {
    pub device_id: String,
    pub name: Option<String>,
    pub staff_id: Option<String>,
    pub staff_name: Option<String>,
    pub is_office: bool,
    pub enrolled_at: String,
    pub last_export_at: Option<String>,
    pub last_import_at: Option<String>,
    pub files_out: i64,
    /// When head office retired the device; its files are refused since.
    pub retired_at: Option<String>,
    pub retired_reason: Option<String>,
}

/// Outgoing changes not yet confirmed by head office, per kind of data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PendingKind {
    pub table: String,
    pub label_zh: String,
    pub label_en: String,
    pub changes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub device: DeviceInfo,
    pub pending: Vec<PendingKind>,
    pub pending_total: u32,
    pub peers: Vec<PeerSummary>,
    pub open_conflicts: u32,
    pub rejections: u32,
    pub notices: u32,
    /// Removal markers kept until every device that needs them confirmed them.
    pub tombstones: u32,
}

/// Head office enrols a laptop for a staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnrollDevice {
    pub staff_id: String,
    pub device_id: String,
    pub public_key: String,
    #[ts(optional)]
    pub name: Option<String>,
}

/// Head office retires a lost or replaced laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RetireDevice {
    pub device_id: String,
    /// Why (lost, stolen, replaced …): shown with every refusal of its files.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportResult {
    pub path: String,
    pub file_name: String,
    pub recipient: String,
    pub changes: u64,
    pub bytes: u64,
    pub snapshot: bool,
}

/// One conflict as the app and the CLI show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConflictView {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub entity: String,
    pub entity_id: String,
    /// Column in the book; `field_key` is the card field (for labels).
    pub field: String,
    pub field_key: Option<String>,
    #[ts(type = "JsonValue")]
    pub kept_value: Json,
    pub kept_by: Option<String>,
    pub kept_at: String,
    #[ts(type = "JsonValue")]
    pub lost_value: Json,
    pub lost_by: Option<String>,
    pub lost_at: String,
    pub detected_at: String,
    pub resolution: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConflictChoice {
    /// Keep the value the merge kept.
    Keep,
    /// Take the value that lost.
    TakeOther,
    /// Write a new value.
    Edit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConflictResolution {
    pub id: String,
    pub choice: ConflictChoice,
    #[serde(default)]
    #[ts(optional, type = "JsonValue")]
    pub value: Option<Json>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RejectionView {
    pub id: String,
    pub table: String,
    pub label_zh: String,
    pub label_en: String,
    pub column: String,
    pub record_label: Option<String>,
    #[ts(type = "JsonValue")]
    pub value: Json,
    pub reason: String,
    pub message: String,
    pub customer_id: Option<String>,
    pub rejected_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NoticeView {
    pub customer_id: String,
    pub customer_name: String,
    pub kind: String,
    pub message: String,
    pub at: String,
}

/// One file of head office's batch merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MergedFile {
    pub file: String,
    pub report: Option<ImportReport>,
    pub error: Option<ApiError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HqMergeReport {
    pub imported: Vec<MergedFile>,
    pub written: Vec<ExportResult>,
    /// Files in the inbox addressed to other devices (head office's own
    /// outgoing files in a shared folder), left alone.
    pub others: u32,
}

/// A changeset file in a folder, as its header describes it (read, not yet
/// verified: the import checks everything).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FolderFile {
    pub path: String,
    pub name: String,
    /// Addressed to this device; a shared folder holds everybody's files.
    pub for_this_device: bool,
    pub from_office: bool,
    /// The staff member whose device sent it, when this book knows the device.
    pub sender_name: Option<String>,
    pub created_at: Option<String>,
    pub changes: u64,
    pub snapshot: bool,
    /// This very file was imported here already.
    pub imported: bool,
    /// Why the file cannot be imported, when its header already shows it.
    pub problem: Option<ApiError>,
}

/// Whether a folder can serve as the sync folder (the settings' 测试 button,
/// `fieldcrm sync check-folder`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FolderCheck {
    /// The folder checked (empty when none was given and none is saved).
    pub path: String,
    /// It exists, is a folder, and a file could be written in it and removed again.
    pub ok: bool,
    /// Why not: `no_sync_folder`, `folder_missing`, `not_a_folder`,
    /// `folder_unreadable` or `folder_not_writable`, with the system's reason in the message.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<FieldProblem>,
    /// Changeset files (`.fcsync`) in it now.
    pub changeset_files: u32,
}

/// The device-local setting that holds the sync folder (a path on this computer).
const SYNC_FOLDER_SETTING: &str = "syncFolder";
/// Longest folder path kept.
const MAX_FOLDER_PATH: usize = 4096;

fn saved_folder(conn: &Connection) -> Result<Option<String>> {
    let value: Option<String> = conn
        .query_row("SELECT value FROM local_setting WHERE key = ?1", [SYNC_FOLDER_SETTING], |r| r.get(0))
        .optional()?;
    Ok(value.and_then(|v| serde_json::from_str::<String>(&v).ok()).filter(|v| !v.is_empty()))
}

/// The `.fcsync` files in `dir`, by name.
fn sync_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::Io(std::io::Error::other(format!("{} cannot be read ({e})", dir.display()))))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "fcsync"))
        .collect();
    files.sort();
    Ok(files)
}

fn device_info(conn: &Connection) -> Result<DeviceInfo> {
    let (device_id, public_key): (String, Option<Vec<u8>>) =
        conn.query_row("SELECT device_id, public_key FROM sync_state", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let office = sync::office_peer(conn)?;
    let public_key = public_key.unwrap_or_default();
    Ok(DeviceInfo {
        device_id,
        fingerprint: if public_key.is_empty() { String::new() } else { fingerprint(&public_key) },
        public_key: hex::encode(&public_key),
        is_office: is_office(conn)?,
        joined: office.is_some(),
        office_fingerprint: office.map(|o| fingerprint(&o.public_key)),
    })
}

fn staff_name(conn: &Connection, id: Option<&str>) -> Result<Option<String>> {
    match id {
        Some(id) => Ok(conn.query_row("SELECT name FROM staff WHERE id = ?1", [id], |r| r.get(0)).optional()?),
        None => Ok(None),
    }
}

/// Card columns outside the field registry that a conflict may still be resolved on.
const DIRECT_COLUMNS: &[&str] = &["grade", "grade_manual", "credit_grade", "route_id", "route_seq", "last_visit_on"];

fn field_key(table: &str, column: &str) -> Option<String> {
    Entity::of_table(table).and_then(|e| e.field_of_column(column)).map(|f| f.key.to_string())
}

fn parse_json(text: Option<String>) -> Json {
    text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Json::Null)
}

/// Reads a changeset file whole, refusing one larger than `limit` before reading it.
fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::Io(std::io::Error::other(format!("{} cannot be read ({e})", path.display()))))?;
    if meta.is_dir() {
        return Err(Error::refused(
            ProblemCode::NotASyncFile,
            format!("{} is a folder; choose a .fcsync file", path.display()),
        ));
    }
    if meta.len() > limit {
        return Err(Error::refused(
            ProblemCode::TooBig,
            format!(
                "{} is {} MiB, more than a changeset from its sender may be ({} MiB); do not use it, ask the sender for a new file",
                path.display(),
                meta.len() >> 20,
                limit >> 20
            ),
        ));
    }
    Ok(std::fs::read(path)?)
}

impl Book {
    /// This device; creates its signing key on first use.
    pub fn device(&self) -> ApiResult<DeviceInfo> {
        self.write(|tx| {
            sync::signing_key(tx)?;
            device_info(tx)
        })
    }

    /// Head office: records a laptop (its id and public key) for a staff member.
    pub fn enroll_device(&self, enroll: &EnrollDevice) -> ApiResult<PeerSummary> {
        let now = self.clock.now();
        self.write(|tx| {
            if !is_office(tx)? {
                return Err(Error::refused(ProblemCode::NotOffice, "only head office's book enrols devices"));
            }
            sync::signing_key(tx)?;
            let key = sync::file::parse_key_hex(&enroll.public_key)?;
            if enroll.device_id.trim().parse::<uuid::Uuid>().is_err() {
                return Err(Error::invalid(
                    "deviceId",
                    ProblemCode::BadId,
                    "a device id looks like 0192f5c3-…; copy it from the laptop's Sync page",
                ));
            }
            let peer =
                office::enroll(tx, &enroll.staff_id, enroll.device_id.trim(), &key, enroll.name.as_deref(), now)?;
            peer_summary(tx, &peer)
        })
    }

    /// Head office: retires a device (lost, stolen, replaced). Its files are
    /// refused from now on and it is written none; it no longer holds back
    /// pruning. Its person enrols their new laptop, which receives everything.
    pub fn retire_device(&self, retire: &RetireDevice) -> ApiResult<PeerSummary> {
        let now = self.clock.now();
        self.write(|tx| {
            if !is_office(tx)? {
                return Err(Error::refused(ProblemCode::NotOffice, "only head office's book retires devices"));
            }
            let peer = office::retire(tx, retire.device_id.trim(), &retire.reason, now)?;
            peer_summary(tx, &peer)
        })
    }

    pub fn sync_status(&self) -> ApiResult<SyncStatus> {
        self.read(|conn| {
            let mut pending = vec![];
            let mut stmt = conn.prepare(
                "SELECT tbl, count(*) FROM sync_outbox
                  WHERE seq > coalesce((SELECT acked_upto FROM sync_peer WHERE is_office = 1), 0) GROUP BY tbl",
            )?;
            let counts = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
            for row in counts {
                let (table, changes) = row?;
                let t = manifest::table(&table);
                pending.push(PendingKind {
                    label_zh: t.map_or(table.clone(), |t| t.label_zh.to_string()),
                    label_en: t.map_or(table.clone(), |t| t.label_en.to_string()),
                    table,
                    changes,
                });
            }
            pending.sort_by_key(|p| manifest::rank(&p.table));
            let pending_total = pending.iter().map(|p| p.changes).sum();
            let peers = office::peers(conn)?.iter().map(|p| peer_summary(conn, p)).collect::<Result<Vec<_>>>()?;
            let me = crate::store::device_id(conn)?;
            Ok(SyncStatus {
                device: device_info(conn)?,
                pending,
                pending_total,
                peers,
                open_conflicts: conn
                    .query_row("SELECT count(*) FROM conflict WHERE resolved_at IS NULL", [], |r| r.get(0))?,
                rejections: conn
                    .query_row("SELECT count(*) FROM sync_rejection WHERE device_id = ?1", [&me], |r| r.get(0))?,
                notices: conn.query_row("SELECT count(*) FROM sync_notice", [], |r| r.get(0))?,
                tombstones: conn.query_row("SELECT count(*) FROM sync_clock WHERE deleted = 1", [], |r| r.get(0))?,
            })
        })
    }

    /// Writes this book's next file into `dir`: a laptop's file for head office,
    /// or head office's file for the device `to`.
    pub fn sync_export(&self, dir: &Path, to: Option<&str>) -> ApiResult<ExportResult> {
        let now = self.clock.now();
        // The file is written only after the transaction commits, so an export
        // that fails leaves the book as it was and no file behind.
        let exported = self.write(|tx| sync::export(tx, now, to, self.key.as_ref()))?;
        std::fs::create_dir_all(dir).map_err(Error::from).map_err(|e| self.public(e))?;
        let path = dir.join(&exported.file_name);
        write_atomically(&path, &exported.bytes).map_err(|e| self.public(e))?;
        Ok(ExportResult {
            path: path.display().to_string(),
            file_name: exported.file_name,
            recipient: exported.recipient,
            changes: exported.changes,
            bytes: exported.bytes.len() as u64,
            snapshot: exported.snapshot,
        })
    }

    /// Imports one file in one transaction: all of it or nothing.
    pub fn sync_import(
        &self,
        path: &Path,
        trust_office: Option<&str>,
        progress: &mut dyn FnMut(Progress),
    ) -> ApiResult<ImportReport> {
        // Head office reads laptops' files; a laptop reads head office's.
        let limits =
            if self.read(is_office)? { sync::file::Limits::FROM_DEVICE } else { sync::file::Limits::FROM_OFFICE };
        let bytes = read_file(path, limits.file).map_err(|e| self.public(e))?;
        self.sync_import_bytes(&bytes, trust_office, progress)
    }

    pub fn sync_import_bytes(
        &self,
        bytes: &[u8],
        trust_office: Option<&str>,
        progress: &mut dyn FnMut(Progress),
    ) -> ApiResult<ImportReport> {
        let now = self.clock.now();
        self.write(|tx| sync::import(tx, bytes, now, trust_office, progress))
    }

    /// Writes the next file for `to` and returns it (tests, benchmarks).
    pub fn sync_export_bytes(&self, to: Option<&str>) -> ApiResult<Vec<u8>> {
        let now = self.clock.now();
        Ok(self.write(|tx| sync::export(tx, now, to, self.key.as_ref()))?.bytes)
    }

    /// Head office: imports every `.fcsync` file in `inbox` (each on its own, so
    /// one bad file costs only itself), then writes one file per enrolled device
    /// into `outbox`.
    pub fn hq_merge(&self, inbox: &Path, outbox: &Path) -> ApiResult<HqMergeReport> {
        if !self.read(is_office)? {
            return Err(Error::refused(ProblemCode::NotOffice, "only head office's book merges laptops' files").into());
        }
        let me = self.read(crate::store::device_id)?;
        let mut imported = vec![];
        let mut others = 0;
        for file in sync_files(inbox).map_err(|e| self.public(e))? {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if sync::file::peek(&file).is_ok_and(|h| h.recipient != me) {
                others += 1;
                continue;
            }
            match self.sync_import(&file, None, &mut |_| {}) {
                Ok(report) => imported.push(MergedFile { file: name, report: Some(report), error: None }),
                Err(error) => imported.push(MergedFile { file: name, report: None, error: Some(error) }),
            }
        }
        let peers = self.read(office::peers)?;
        let mut written = vec![];
        for peer in peers.iter().filter(|p| p.receives_files()) {
            written.push(self.sync_export(outbox, Some(&peer.device_id))?);
        }
        Ok(HqMergeReport { imported, written, others })
    }

    /// One round of `fieldcrm hq watch`: imports the files in `inbox`
    /// addressed to head office that it has not imported yet (each on its
    /// own, as [`Book::hq_merge`] does), then writes a file for each device
    /// that has something new — a file it sent was just read (its
    /// acknowledgement, or why it was refused), or head office's book changed
    /// since `since` (its version after the previous round; none: the first
    /// round) and the device's file carries changes. Returns the report and
    /// the book's version now. Every import and every export is a transaction
    /// of its own and a file is renamed into place only after its export
    /// committed, so the loop may be killed at any point.
    ///
    /// `refused` holds the files (path, size, modification time) a round
    /// could not import; later rounds leave them alone until they change.
    pub fn hq_watch_round(
        &self,
        inbox: &Path,
        outbox: &Path,
        since: Option<i64>,
        refused: &mut std::collections::HashSet<(PathBuf, u64, Option<std::time::SystemTime>)>,
    ) -> ApiResult<(HqMergeReport, i64)> {
        if !self.read(is_office)? {
            return Err(Error::refused(ProblemCode::NotOffice, "only head office's book merges laptops' files").into());
        }
        let me = self.read(crate::store::device_id)?;
        let (mut imported, mut others, mut senders) = (vec![], 0, std::collections::HashSet::new());
        for file in sync_files(inbox).map_err(|e| self.public(e))? {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let stamp = std::fs::metadata(&file).map(|m| (file.clone(), m.len(), m.modified().ok())).ok();
            if stamp.as_ref().is_some_and(|s| refused.contains(s)) {
                continue;
            }
            let header = sync::file::peek(&file).ok();
            if let Some(h) = &header {
                if h.recipient != me {
                    others += 1;
                    continue;
                }
                let seen: bool = self.read(|conn| {
                    Ok(conn
                        .prepare_cached(
                            "SELECT EXISTS (SELECT 1 FROM sync_received_file
                                             WHERE sender = ?1 AND file_no = ?2 AND body_hash = ?3)",
                        )?
                        .query_row(params![h.sender, h.file_no, h.body_hash], |r| r.get(0))?)
                })?;
                if seen {
                    continue;
                }
                senders.insert(h.sender.clone());
            }
            match self.sync_import(&file, None, &mut |_| {}) {
                Ok(report) => imported.push(MergedFile { file: name, report: Some(report), error: None }),
                Err(error) => {
                    refused.extend(stamp);
                    imported.push(MergedFile { file: name, report: None, error: Some(error) })
                }
            }
        }
        let version = |book: &Book| {
            book.read(|conn| Ok(conn.query_row("SELECT version FROM sync_state", [], |r| r.get::<_, i64>(0))?))
        };
        let changed = since != Some(version(self)?);
        let mut written = vec![];
        if changed || !senders.is_empty() {
            let now = self.clock.now();
            for peer in self.read(office::peers)?.iter().filter(|p| p.receives_files()) {
                let answers = senders.contains(&peer.device_id);
                if !changed && !answers {
                    continue;
                }
                let exported = self.write(|tx| sync::export(tx, now, Some(&peer.device_id), self.key.as_ref()))?;
                // A file with nothing new for a device that sent nothing is not
                // written: its next file carries all it has not confirmed.
                if exported.changes == 0 && !exported.snapshot && !answers && since.is_some() {
                    continue;
                }
                std::fs::create_dir_all(outbox).map_err(Error::from).map_err(|e| self.public(e))?;
                let path = outbox.join(&exported.file_name);
                write_atomically(&path, &exported.bytes).map_err(|e| self.public(e))?;
                written.push(ExportResult {
                    path: path.display().to_string(),
                    file_name: exported.file_name,
                    recipient: exported.recipient,
                    changes: exported.changes,
                    bytes: exported.bytes.len() as u64,
                    snapshot: exported.snapshot,
                });
            }
        }
        Ok((HqMergeReport { imported, written, others }, version(self)?))
    }

    /// The changeset files in a folder (a USB stick, a shared folder): which
    /// are for this device, from whom, and whether they were imported already.
    pub fn sync_folder(&self, dir: &Path) -> ApiResult<Vec<FolderFile>> {
        let files = sync_files(dir).map_err(|e| self.public(e))?;
        self.read(|conn| {
            let me = crate::store::device_id(conn)?;
            let peers = office::peers(conn)?;
            let mut listed = vec![];
            for path in files {
                let mut file = FolderFile {
                    path: path.to_string_lossy().into_owned(),
                    name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    ..FolderFile::default()
                };
                let h = match sync::file::peek(&path) {
                    Ok(header) => header,
                    Err(e) => {
                        file.problem = Some(e.into());
                        listed.push(file);
                        continue;
                    }
                };
                let sender = peers.iter().find(|p| p.device_id == h.sender);
                file.for_this_device = h.recipient == me;
                file.from_office = sender.is_some_and(|p| p.is_office);
                file.sender_name = match sender.and_then(|p| p.staff_id.as_deref()) {
                    Some(staff) => conn
                        .prepare_cached("SELECT name FROM staff WHERE id = ?1")?
                        .query_row([staff], |r| r.get(0))
                        .optional()?,
                    None => None,
                };
                file.imported = conn
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM sync_received_file
                                         WHERE sender = ?1 AND file_no = ?2 AND body_hash = ?3)",
                    )?
                    .query_row(params![h.sender, h.file_no, h.body_hash], |r| r.get(0))?;
                file.created_at = Some(h.created_at);
                file.changes = h.change_count;
                file.snapshot = h.snapshot;
                listed.push(file);
            }
            Ok(listed)
        })
    }

    /// The sync folder this laptop exchanges files through (a USB stick, a
    /// shared folder), if one is saved. Device-local: it never travels.
    pub fn saved_sync_folder(&self) -> ApiResult<Option<String>> {
        self.read(saved_folder)
    }

    /// Saves the sync folder (trimmed; empty or None forgets it). The folder
    /// need not exist yet: a USB stick may be out; [`Book::check_sync_folder`] says.
    pub fn save_sync_folder(&self, dir: Option<&str>) -> ApiResult<Option<String>> {
        let dir = dir.map(str::trim).filter(|d| !d.is_empty());
        if dir.is_some_and(|d| d.len() > MAX_FOLDER_PATH) {
            return Err(Error::invalid(
                "folder",
                ProblemCode::TooLong,
                format!("a folder path of at most {MAX_FOLDER_PATH} bytes fits"),
            )
            .into());
        }
        self.write(|tx| {
            match dir {
                Some(dir) => tx.execute(
                    "INSERT INTO local_setting (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![SYNC_FOLDER_SETTING, Json::from(dir).to_string()],
                )?,
                None => tx.execute("DELETE FROM local_setting WHERE key = ?1", [SYNC_FOLDER_SETTING])?,
            };
            saved_folder(tx)
        })
    }

    /// Checks a folder for use as the sync folder: `dir`, or the saved one when
    /// `dir` is None or empty. It must exist, be a folder, and take a file (a
    /// probe written and removed). The answer is never an error: a folder
    /// that fails says why in `problem`.
    pub fn check_sync_folder(&self, dir: Option<&str>) -> ApiResult<FolderCheck> {
        let dir = match dir.map(str::trim).filter(|d| !d.is_empty()) {
            Some(dir) => dir.to_string(),
            None => match self.saved_sync_folder()? {
                Some(dir) => dir,
                None => return Ok(FolderCheck {
                    path: String::new(),
                    ok: false,
                    problem: Some(FieldProblem::new(
                        "folder",
                        ProblemCode::NoSyncFolder,
                        "no sync folder is saved; choose the folder (a USB stick, a shared folder) files go through",
                    )),
                    changeset_files: 0,
                }),
            },
        };
        Ok(match super::files::check_folder(Path::new(&dir)) {
            Ok(changeset_files) => FolderCheck { path: dir, ok: true, problem: None, changeset_files },
            Err(problem) => FolderCheck { path: dir, ok: false, problem: Some(problem), changeset_files: 0 },
        })
    }

    /// Conflicts of the cards in this book (open ones first).
    pub fn conflicts(&self, include_resolved: bool) -> ApiResult<Vec<ConflictView>> {
        self.read(|conn| conflict_rows(conn, include_resolved, None))
    }

    /// Resolves a conflict: keep the kept value, take the lost one, or write a
    /// new one. The value is an ordinary edit (history, sync); so is the resolution.
    pub fn resolve_conflict(&self, resolution: &ConflictResolution) -> ApiResult<ConflictView> {
        let id = resolution.id.clone();
        self.write(|tx| {
            let actor = self.actor(tx, "conflict")?;
            let (entity, entity_id, field, lost, resolved): (String, String, String, Option<String>, Option<String>) =
                tx.query_row(
                    "SELECT entity, entity_id, field, lost_value, resolved_at FROM conflict WHERE id = ?1",
                    [&id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()?
                .ok_or_else(|| Error::NotFound { what: "conflict", id: id.clone() })?;
            if resolved.is_some() {
                return Err(Error::refused(
                    ProblemCode::AlreadyResolved,
                    "this conflict was already resolved (perhaps by your manager)",
                ));
            }
            let value = match resolution.choice {
                ConflictChoice::Keep => None,
                ConflictChoice::TakeOther => Some(parse_json(lost)),
                ConflictChoice::Edit => Some(
                    resolution
                        .value
                        .clone()
                        .ok_or_else(|| Error::invalid("value", ProblemCode::Required, "give the value to write"))?,
                ),
            };
            let direct = entity == "customer" && DIRECT_COLUMNS.contains(&field.as_str());
            if let (Some(value), true) = (&value, direct) {
                // Grades, route and last visit have their own operations, not
                // registry fields; the value taken was valid where it was written.
                let sql = format!(
                    "UPDATE customer SET {field} = ?2, revision = revision + 1, updated_at = ?3, updated_by = ?4 WHERE id = ?1"
                );
                tx.execute(
                    &sql,
                    params![entity_id, crate::sync::merge::to_sql(value), timestamp(actor.at), actor.staff.to_string()],
                )?;
            } else if let Some(value) = value {
                let entity_def = Entity::of_table(&entity).ok_or_else(|| {
                    Error::refused(ProblemCode::NotEditable, format!("{entity} cannot be edited from a conflict"))
                })?;
                let key = field_key(&entity, &field).ok_or_else(|| {
                    Error::refused(ProblemCode::NotEditable, format!("{field} cannot be edited from a conflict"))
                })?;
                let value = card::fields::to_json(
                    entity_def.field(&key).ok_or_else(|| Error::NotFound { what: "field", id: key.clone() })?,
                    crate::sync::merge::to_sql(&value),
                );
                write::patch(tx, entity_def, &entity_id, &[FieldChange { field: key, expected: None, value }], actor)?;
            }
            let choice = match resolution.choice {
                ConflictChoice::Keep => "kept",
                ConflictChoice::TakeOther => "took_other",
                ConflictChoice::Edit => "edited",
            };
            tx.execute(
                "UPDATE conflict SET resolution = ?2, resolved_by = ?3, resolved_at = ?4 WHERE id = ?1",
                params![id, choice, actor.staff.to_string(), timestamp(actor.at)],
            )?;
            Ok(())
        })?;
        self.read(|conn| conflict_rows(conn, true, Some(&resolution.id)))?
            .pop()
            .ok_or_else(|| Error::NotFound { what: "conflict", id: resolution.id.clone() }.into())
    }

    /// Changes head office refused, newest first.
    pub fn rejections(&self) -> ApiResult<Vec<RejectionView>> {
        self.read(|conn| {
            let me = crate::store::device_id(conn)?;
            let mut stmt = conn.prepare(
                "SELECT id, tbl, col, label, value, reason, message, customer_id, rejected_at
                   FROM sync_rejection WHERE device_id = ?1 ORDER BY rejected_at DESC, seq DESC",
            )?;
            let rows = stmt.query_map([me], |r| {
                let table: String = r.get(1)?;
                let t = manifest::table(&table);
                Ok(RejectionView {
                    id: r.get(0)?,
                    label_zh: t.map_or(table.clone(), |t| t.label_zh.to_string()),
                    label_en: t.map_or(table.clone(), |t| t.label_en.to_string()),
                    table,
                    column: r.get(2)?,
                    record_label: r.get(3)?,
                    value: parse_json(r.get(4)?),
                    reason: r.get(5)?,
                    message: r.get(6)?,
                    customer_id: r.get(7)?,
                    rejected_at: r.get(8)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Cards that left this book, newest first.
    pub fn notices(&self) -> ApiResult<Vec<NoticeView>> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT customer_id, customer_name, kind, message, at FROM sync_notice ORDER BY at DESC, id DESC",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(NoticeView {
                    customer_id: r.get(0)?,
                    customer_name: r.get(1)?,
                    kind: r.get(2)?,
                    message: r.get(3)?,
                    at: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}

/// Conflicts with the names of who wrote each value (one, when `id` is given).
fn conflict_rows(conn: &Connection, include_resolved: bool, id: Option<&str>) -> Result<Vec<ConflictView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, f.customer_id, c.name, f.entity, f.entity_id, f.field, f.kept_value,
                coalesce(k.name, f.kept_by), f.kept_at, f.lost_value, coalesce(l.name, f.lost_by), f.lost_at,
                f.detected_at, f.resolution, coalesce(r.name, f.resolved_by), f.resolved_at
           FROM conflict f JOIN customer c ON c.id = f.customer_id
           LEFT JOIN staff k ON k.id = f.kept_by
           LEFT JOIN staff l ON l.id = f.lost_by
           LEFT JOIN staff r ON r.id = f.resolved_by
          WHERE (?1 OR f.resolved_at IS NULL) AND (?2 IS NULL OR f.id = ?2)
          ORDER BY f.resolved_at IS NOT NULL, f.detected_at DESC",
    )?;
    let rows = stmt.query_map(params![include_resolved, id], |r| {
        let entity: String = r.get(3)?;
        let field: String = r.get(5)?;
        Ok(ConflictView {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            customer_name: r.get(2)?,
            field_key: field_key(&entity, &field),
            entity,
            entity_id: r.get(4)?,
            field,
            kept_value: parse_json(r.get(6)?),
            kept_by: r.get(7)?,
            kept_at: r.get(8)?,
            lost_value: parse_json(r.get(9)?),
            lost_by: r.get(10)?,
            lost_at: r.get(11)?,
            detected_at: r.get(12)?,
            resolution: r.get(13)?,
            resolved_by: r.get(14)?,
            resolved_at: r.get(15)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn peer_summary(conn: &Connection, p: &office::Peer) -> Result<PeerSummary> {
    Ok(PeerSummary {
        device_id: p.device_id.clone(),
        name: p.name.clone(),
        staff_id: p.staff_id.clone(),
        staff_name: staff_name(conn, p.staff_id.as_deref())?,
        is_office: p.is_office,
        enrolled_at: p.enrolled_at.clone(),
        last_export_at: p.last_export_at.clone(),
        last_import_at: p.last_import_at.clone(),
        files_out: p.files_out,
        retired_at: p.retired_at.clone(),
        retired_reason: p.retired_reason.clone(),
    })
}
