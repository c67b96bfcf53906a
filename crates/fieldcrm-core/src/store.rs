//! The book: one SQLite file. Opening sets the pragmas, recognises (or refuses)
//! the file, and runs the append-only migrations keyed on `PRAGMA user_version`.
//!
//! To change the schema: add `schema/NNNN_what.sql` and append it to
//! [`MIGRATIONS`]; never edit a migration that has shipped. If the change needs
//! data rewritten in Rust, add a step for its version to the [`Hooks`] the
//! facade opens books with (`api::HOOKS`): the store runs the domain's steps
//! but never names them, so it imports nothing above itself. Update the
//! fixture test in `tests/upgrade.rs` when you add a version.
//!
//! Every book on disk is an SQLCipher database opened with its raw
//! [`BookKey`] (see [`crate::vault`]); a plain book of an earlier version is
//! encrypted in place by [`encrypt_in_place`] before it is opened.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, Result};
use crate::vault::{sync_folder, BookKey};

/// `PRAGMA application_id` of a fieldcrm book ("FCRM").
pub const APPLICATION_ID: i32 = 0x4643_524D;

/// The schema, one script per version, in order.
const MIGRATIONS: &[&str] = &[
    include_str!("schema/0001_initial.sql"),
    include_str!("schema/0002_search.sql"),
    include_str!("schema/0003_sync.sql"),
    include_str!("schema/0004_classification.sql"),
    include_str!("schema/0005_field_work.sql"),
    include_str!("schema/0006_sales.sql"),
    include_str!("schema/0007_capture.sql"),
    include_str!("schema/0008_customer_indexes.sql"),
    include_str!("schema/0009_bulk_writes.sql"),
    include_str!("schema/0010_org_settings.sql"),
    include_str!("schema/0011_address_divisions.sql"),
    include_str!("schema/0012_sales_totals.sql"),
    include_str!("schema/0013_orders.sql"),
    include_str!("schema/0014_shipments.sql"),
    include_str!("schema/0015_import_receivables.sql"),
    include_str!("schema/0016_order_numbers.sql"),
    include_str!("schema/0017_receivable_open.sql"),
    include_str!("schema/0018_sales_admin.sql"),
    include_str!("schema/0019_promotions.sql"),
    include_str!("schema/0020_targets.sql"),
    include_str!("schema/0021_plans_forecasts.sql"),
    include_str!("schema/0022_recovery_keys.sql"),
    include_str!("schema/0023_device_retire.sql"),
    include_str!("schema/0024_approvals.sql"),
    include_str!("schema/0025_complaints.sql"),
    include_str!("schema/0026_card_rows_index.sql"),
];

/// A step in Rust that runs inside the migrating transaction.
pub type Step = fn(&Transaction<'_>) -> Result<()>;

/// What the domain does as a book's schema moves, given by whoever opens it.
pub struct Hooks {
    /// `(version, step)`: `step` runs right after the migration to `version`
    /// (data the SQL alone cannot rewrite).
    pub after: &'static [(i64, Step)],
    /// Runs once after the migrations of an open that migrated.
    pub migrated: Step,
}

/// The schema version this program writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// This book's device id (its sync identity, made when the book was created).
pub fn device_id(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("SELECT device_id FROM sync_state", [], |r| r.get(0))?)
}

/// The first 16 bytes of every plain SQLite file.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// What is at a book's path, told from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Nothing, or an empty file: a new book goes there.
    Absent,
    /// A plain SQLite database (a book of a version before encryption, or another program's).
    Plain,
    /// Anything else: an encrypted book (or a file that is no database at all,
    /// which its key will tell).
    Encrypted,
}

/// What is at `path`.
pub fn file_kind(path: &Path) -> Result<FileKind> {
    use std::io::Read;
    let mut file = match File::open(path) {
        // A folder: opening it as a book says what is wrong.
        Ok(file) if file.metadata()?.is_dir() => return Ok(FileKind::Encrypted),
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::Absent),
        Err(e) => return Err(e.into()),
    };
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..])? {
            0 => break,
            n => read += n,
        }
    }
    Ok(match read {
        0 => FileKind::Absent,
        16 if &head == PLAIN_HEADER => FileKind::Plain,
        _ => FileKind::Encrypted,
    })
}

fn apply_key(conn: &Connection, key: &BookKey, shown: &str) -> Result<()> {
    // SQLCipher would print its own lines for a wrong key or a damaged page;
    // the error we return says it for the user.
    conn.execute_batch(&format!("PRAGMA cipher_log_level = NONE; PRAGMA key = \"{}\";", key.pragma().as_str()))
        .map_err(|e| classify(e, shown))
}

/// Opens (creating if absent) the encrypted book at `path` with its `key` and
/// brings it to [`SCHEMA_VERSION`]. A plain book is refused: it is encrypted
/// first ([`encrypt_in_place`]).
pub fn open(path: &Path, key: &BookKey, hooks: &Hooks) -> Result<Connection> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let shown = path.display().to_string();
    if file_kind(path)? == FileKind::Plain {
        return Err(Error::NotABook {
            path: shown,
            reason: "it is not encrypted; open it with fieldcrm to encrypt it".into(),
        });
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| classify(e, &shown))?;
    apply_key(&conn, key, &shown)?;
    prepare(conn, &shown).and_then(|mut conn| {
        configure(&conn).map_err(|e| classify(e, &shown))?;
        migrate(&mut conn, &shown, hooks)?;
        Ok(conn)
    })
}

/// A connection for reads of the book at `path`, which [`open`] has already
/// opened and migrated. It may not write (`query_only`): reads only.
pub fn open_reader(path: &Path, key: &BookKey) -> Result<Connection> {
    let shown = path.display().to_string();
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| classify(e, &shown))?;
    apply_key(&conn, key, &shown)?;
    configure(&conn).map_err(|e| classify(e, &shown))?;
    // Every page read from the file is decrypted and authenticated again: a
    // reader keeps up to 256 MiB of them (an analysis's year of sales lines)
    // instead of the writer's 32 MB. The cache grows only as far as it is used.
    conn.pragma_update(None, "cache_size", -262_144).map_err(|e| classify(e, &shown))?;
    conn.pragma_update(None, "query_only", true).map_err(|e| classify(e, &shown))?;
    Ok(conn)
}

/// The steps of [`encrypt_in_place`], reported as each is done: a crash
/// after any of them leaves a book that opens (tests kill a real process at each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpgradeStep {
    /// The plain book's pages are in the new encrypted file beside it.
    Exported,
    /// The new file opened with the key and holds every row the old one did.
    Verified,
    /// The key file for the new key is written.
    KeyWritten,
    /// The plain book has a second name, for wiping after the swap.
    Linked,
    /// The encrypted book is in the plain one's place.
    Swapped,
    /// The plain book's bytes are overwritten and the file removed.
    Wiped,
}

impl UpgradeStep {
    pub const ALL: [UpgradeStep; 6] = [
        UpgradeStep::Exported,
        UpgradeStep::Verified,
        UpgradeStep::KeyWritten,
        UpgradeStep::Linked,
        UpgradeStep::Swapped,
        UpgradeStep::Wiped,
    ];

    pub fn name(self) -> &'static str {
        match self {
            UpgradeStep::Exported => "exported",
            UpgradeStep::Verified => "verified",
            UpgradeStep::KeyWritten => "key-written",
            UpgradeStep::Linked => "linked",
            UpgradeStep::Swapped => "swapped",
            UpgradeStep::Wiped => "wiped",
        }
    }
}

fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The encrypted copy being made of a plain book.
fn encrypting_path(path: &Path) -> PathBuf {
    beside(path, ".encrypting")
}

/// The plain book's second name between the swap and its wiping.
fn plain_path(path: &Path) -> PathBuf {
    beside(path, ".plain")
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// Overwrites the file at `path` with zeros, syncs it and removes it.
fn wipe(path: &Path) -> Result<()> {
    use std::io::{Seek, Write};
    let mut file = match OpenOptions::new().write(true).open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let mut left = file.metadata()?.len();
    file.seek(std::io::SeekFrom::Start(0))?;
    let zeros = vec![0u8; 1 << 20];
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        file.write_all(&zeros[..n])?;
        left -= n as u64;
    }
    file.sync_all()?;
    drop(file);
    std::fs::remove_file(path)?;
    sync_folder(path)
}

/// Finishes or undoes an [`encrypt_in_place`] that a crash interrupted, so
/// that `path` holds one whole book again: before the swap the plain book is
/// kept and the partial copy removed; after it, the plain book's second name
/// is wiped. Nothing to do (and nothing done) when no upgrade was under way.
pub fn finish_interrupted_upgrade(path: &Path) -> Result<()> {
    let plain = plain_path(path);
    if plain.exists() {
        match file_kind(path)? {
            // Not swapped yet: the second name is the live plain book's own; unlink it only.
            FileKind::Plain => {
                std::fs::remove_file(&plain)?;
                sync_folder(path)?;
            }
            _ => wipe(&plain)?,
        }
    }
    let encrypting = encrypting_path(path);
    if encrypting.exists() && file_kind(path)? == FileKind::Plain {
        remove_if_present(&beside(&encrypting, "-journal"))?;
        std::fs::remove_file(&encrypting)?;
        sync_folder(path)?;
    }
    Ok(())
}

/// Encrypts the plain book at `path` in place with `key`: its pages are
/// exported into a new encrypted file beside it (`sqlcipher_export`), which
/// is verified (it opens with the key and holds as many rows in every table),
/// then `write_key` stores the key (the key file), the new file is renamed
/// over the plain one (atomic), and the plain one's bytes are overwritten
/// before it is removed. Killed at any point, the path holds either the old
/// plain book or the new encrypted one ([`finish_interrupted_upgrade`] tidies
/// the rest on the next open). `step` hears of each step as it is done.
pub fn encrypt_in_place(
    path: &Path,
    key: &BookKey,
    write_key: impl FnOnce() -> Result<()>,
    step: &mut dyn FnMut(UpgradeStep),
) -> Result<()> {
    let shown = path.display().to_string();
    finish_interrupted_upgrade(path)?;
    let encrypting = encrypting_path(path);
    let counts = {
        // CREATE: the attached encrypted file is made through this connection.
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| classify(e, &shown))?;
        let conn = prepare(conn, &shown)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // One file: the WAL's pages go into the book and the WAL goes away.
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "delete", |r| r.get(0))
            .map_err(|e| classify(e, &shown))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(Error::Locked { path: shown });
        }
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let application_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        conn.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            rusqlite::params![encrypting.to_string_lossy(), key.pragma().as_str()],
        )?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        conn.execute_batch(&format!(
            "PRAGMA encrypted.user_version = {version}; PRAGMA encrypted.application_id = {application_id};"
        ))?;
        conn.execute_batch("DETACH DATABASE encrypted")?;
        row_counts(&conn)?
    };
    File::open(&encrypting)?.sync_all()?;
    step(UpgradeStep::Exported);
    {
        let conn = Connection::open_with_flags(
            &encrypting,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        apply_key(&conn, key, &shown)?;
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(|e| classify(e, &shown))?;
        if check != "ok" || row_counts(&conn)? != counts {
            drop(conn);
            remove_if_present(&encrypting)?;
            return Err(Error::Corrupt {
                path: shown,
                detail: format!("its encrypted copy did not match it ({check}); the book was left as it was"),
            });
        }
    }
    step(UpgradeStep::Verified);
    write_key()?;
    step(UpgradeStep::KeyWritten);
    let plain = plain_path(path);
    std::fs::hard_link(path, &plain)?;
    sync_folder(path)?;
    step(UpgradeStep::Linked);
    std::fs::rename(&encrypting, path)?;
    sync_folder(path)?;
    step(UpgradeStep::Swapped);
    wipe(&plain)?;
    step(UpgradeStep::Wiped);
    Ok(())
}

/// Every table's name and row count, in name order.
fn row_counts(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    tables
        .into_iter()
        .map(|t| {
            let n = conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))?;
            Ok((t, n))
        })
        .collect()
}

/// The encrypted book at `path` opened with `key` as it is: not migrated,
/// nothing set (tools and tests that look at the file below the facade).
pub fn open_raw(path: &Path, key: &BookKey) -> Result<Connection> {
    let shown = path.display().to_string();
    let conn = Connection::open(path).map_err(|e| classify(e, &shown))?;
    apply_key(&conn, key, &shown)?;
    Ok(conn)
}

/// A private in-memory book (tests, benchmarks).
pub fn open_in_memory(hooks: &Hooks) -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", true)?;
    rusqlite::vtab::array::load_module(&conn)?;
    migrate(&mut conn, ":memory:", hooks)?;
    Ok(conn)
}

/// A private in-memory book with the pages of `fresh`, another (a copy of a
/// migrated book, instead of migrating again).
pub fn copy_in_memory(fresh: &Connection) -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", true)?;
    rusqlite::vtab::array::load_module(&conn)?;
    // Every page in one step (-1): nothing else writes to either book meanwhile.
    let step = rusqlite::backup::Backup::new(fresh, &mut conn)?.step(-1)?;
    debug_assert_eq!(step, rusqlite::backup::StepResult::Done);
    Ok(conn)
}

fn prepare(conn: Connection, shown: &str) -> Result<Connection> {
    // Reading the header is the first thing that touches the file: a file that is
    // not SQLite at all fails here.
    let application_id: i32 =
        conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(|e| classify(e, shown))?;
    let tables: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(|e| classify(e, shown))?;
    if application_id != APPLICATION_ID && !(application_id == 0 && tables == 0) {
        return Err(Error::NotABook {
            path: shown.to_string(),
            reason: if application_id == 0 {
                "it is an SQLite database of another program".to_string()
            } else {
                format!("its application id is {application_id:#x}")
            },
        });
    }
    Ok(conn)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    // A merge cycles through a few hundred statements (one update per synced
    // column, each compiled with its capture triggers); re-preparing them
    // costs more than running them.
    conn.set_prepared_statement_cache_capacity(512);
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "cache_size", -32_000)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    rusqlite::vtab::array::load_module(conn)?;
    Ok(())
}

/// Maps SQLite's view of a bad file to the book's.
pub(crate) fn classify(error: rusqlite::Error, path: &str) -> Error {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            Error::NotABook { path: path.to_string(), reason: "it is not an SQLite database".to_string() }
        }
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            Error::Corrupt { path: path.to_string(), detail: error.to_string() }
        }
        Some(
            rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::PermissionDenied,
        ) => Error::Io(std::io::Error::other(format!(
            "{path} cannot be opened for writing ({error}); check that it is a file in a folder you may write to"
        ))),
        _ => Error::Sqlite(error),
    }
}

fn migrate(conn: &mut Connection, shown: &str, hooks: &Hooks) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::BookTooNew { found, supported: SCHEMA_VERSION });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| classify(e, shown))?;
    // Re-read inside the write lock: another process may have migrated meanwhile.
    let found: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(found).unwrap_or(0)) {
        let version = index as i64 + 1;
        tx.execute_batch(sql).map_err(|e| classify(e, shown))?;
        for (_, step) in hooks.after.iter().filter(|(v, _)| *v == version) {
            step(&tx)?;
        }
        tx.pragma_update(None, "user_version", version)?;
    }
    (hooks.migrated)(&tx)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(())
}

/// Runs `write`, a write of a large part of the book (the demo, an import of
/// thousands of rows), with a rollback journal instead of the WAL. Its new
/// pages then go into the file once, where the WAL takes every one of them
/// and the checkpoint copies them all again (a 100,000-card import writes
/// 690 MB); the journal holds only the pages that existed before and change.
/// `synchronous = FULL` while it runs: what a rollback journal needs for its
/// commit to survive a power cut. Back to the WAL and `NORMAL` afterwards,
/// whatever `write` returned. When another connection has the book open the
/// switch is refused and `write` runs with the WAL as every other write.
pub fn with_rollback_journal<T>(conn: &mut Connection, write: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
    let switch = |conn: &Connection, mode: &str| {
        conn.pragma_update_and_check(None, "journal_mode", mode, |r| r.get::<_, String>(0))
            .is_ok_and(|now| now.eq_ignore_ascii_case(mode))
    };
    if !switch(conn, "delete") {
        return write(conn);
    }
    let out = conn.pragma_update(None, "synchronous", "FULL").map_err(Error::from).and_then(|()| write(conn));
    // Both journals keep the book whole; if the WAL cannot come back now,
    // this connection goes on with the rollback journal (and FULL) and the
    // next open of the book returns to the WAL.
    if switch(conn, "wal") {
        let _ = conn.pragma_update(None, "synchronous", "NORMAL");
    }
    out
}

/// Writes many rows into `tables` at once: their indexes (and, with
/// `triggers`, their triggers other than sync capture) are dropped first and
/// built once after the rows are in — a sort, rather than one random insert
/// per row and index — with a page cache large enough to hold them (restored
/// afterwards). All of it happens in the caller's transaction, so a failure
/// rolls the drop back too. `load` must not look rows up by the dropped
/// indexes, and must make good what dropped triggers would have derived.
pub fn bulk_load<T>(
    tx: &Transaction<'_>,
    tables: &[&str],
    triggers: bool,
    load: impl FnOnce(&Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let list = tables.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
    let kinds = if triggers { "'index', 'trigger'" } else { "'index'" };
    let schema: Vec<(String, String, String)> = tx
        .prepare(&format!(
            "SELECT type, name, sql FROM sqlite_schema WHERE type IN ({kinds}) AND sql IS NOT NULL
               AND tbl_name IN ({list}) AND name NOT LIKE 'sync_%'"
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (kind, name, _) in &schema {
        tx.execute_batch(&format!("DROP {} {name}", kind.to_uppercase()))?;
    }
    let cache: i64 = tx.pragma_query_value(None, "cache_size", |r| r.get(0))?;
    // At most 2 GiB: a 100,000-card demo's three million sales lines with their key.
    tx.pragma_update(None, "cache_size", -2_097_152)?;
    let loaded = load(tx);
    let rebuilt = schema.iter().try_for_each(|(_, _, sql)| tx.execute_batch(sql));
    tx.pragma_update(None, "cache_size", cache)?;
    let out = loaded?;
    rebuilt?;
    Ok(out)
}

/// Rows of one table written 128 to a statement, for a bulk load: a
/// statement's own cost (its cursors, its foreign key lookups set up, its
/// statement journal) is paid once per batch instead of once per row.
pub(crate) struct BatchInsert<'c> {
    conn: &'c Connection,
    head: String,
    width: usize,
    full: rusqlite::Statement<'c>,
    values: Vec<rusqlite::types::Value>,
}

impl<'c> BatchInsert<'c> {
    const ROWS: usize = 128;

    pub fn new(conn: &'c Connection, table: &str, columns: &[&str]) -> Result<Self> {
        let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let width = columns.len();
        let full = conn.prepare(&format!("{head}{}", value_rows(width, Self::ROWS)))?;
        Ok(Self { conn, head, width, full, values: Vec::with_capacity(width * Self::ROWS) })
    }

    /// Adds a row, its values in the order of the columns.
    pub fn push(&mut self, row: &[&dyn rusqlite::ToSql]) -> Result<()> {
        use rusqlite::types::ToSqlOutput;
        debug_assert_eq!(row.len(), self.width);
        for value in row {
            self.values.push(match value.to_sql()? {
                ToSqlOutput::Borrowed(v) => v.into(),
                ToSqlOutput::Owned(v) => v,
                _ => return Err(rusqlite::Error::ToSqlConversionFailure("not a plain value".into()).into()),
            });
        }
        if self.values.len() == self.width * Self::ROWS {
            self.full.execute(rusqlite::params_from_iter(self.values.drain(..)))?;
        }
        Ok(())
    }

    /// Writes the rows of the last, partial batch.
    pub fn finish(mut self) -> Result<()> {
        if !self.values.is_empty() {
            let rows = self.values.len() / self.width;
            self.conn
                .prepare(&format!("{}{}", self.head, value_rows(self.width, rows)))?
                .execute(rusqlite::params_from_iter(self.values.drain(..)))?;
        }
        Ok(())
    }
}

/// The `VALUES` list of a statement that writes `rows` rows of `width`
/// parameters each: `(?, ?), (?, ?)`.
pub(crate) fn value_rows(width: usize, rows: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(", "));
    vec![row; rows].join(", ")
}

/// Runs SQLite's full integrity check; `Ok(())` when the book is sound.
pub fn check_integrity(conn: &Connection, path: &str) -> Result<()> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let lines: Vec<String> =
        stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>().map_err(|e| classify(e, path))?;
    if lines.len() == 1 && lines[0] == "ok" {
        Ok(())
    } else {
        Err(Error::Corrupt { path: path.to_string(), detail: lines.join("; ") })
    }
}

/// An exclusive claim on a book by one running app, held until dropped.
/// The operating system releases it if the app dies, so a crash never leaves a
/// book locked.
#[derive(Debug)]
pub struct BookLock {
    _file: File,
    path: PathBuf,
}

impl BookLock {
    pub fn acquire(book: &Path) -> Result<Self> {
        let mut name = book.as_os_str().to_owned();
        name.push(".lock");
        let path = PathBuf::from(name);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file, path }),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::Locked { path: book.display().to_string() }),
            Err(std::fs::TryLockError::Error(e)) => Err(Error::Io(e)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> BookKey {
        BookKey::from_bytes(&[7; 32]).expect("key")
    }

    #[test]
    fn a_fresh_file_becomes_a_book_at_the_current_version() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("book.sqlite");
        let conn = open(&path, &key(), &crate::api::HOOKS).expect("fresh book opens");
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).expect("version");
        assert_eq!(version, SCHEMA_VERSION, "all migrations ran");
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).expect("mode");
        assert_eq!(mode, "wal", "books run in WAL mode");
        let fk: bool = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).expect("fk");
        assert!(fk, "foreign keys are enforced");
        drop(conn);
        assert_eq!(file_kind(&path).expect("kind"), FileKind::Encrypted);
        let other = BookKey::from_bytes(&[8; 32]).expect("key");
        let err = open(&path, &other, &crate::api::HOOKS).expect_err("another key");
        assert!(matches!(err, Error::NotABook { .. }), "{err}");
    }

    #[test]
    fn a_book_from_a_newer_program_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("book.sqlite");
        drop(open(&path, &key(), &crate::api::HOOKS).expect("open"));
        let raw = open_raw(&path, &key()).expect("raw");
        raw.pragma_update(None, "user_version", SCHEMA_VERSION + 1).expect("bump");
        drop(raw);
        let err = open(&path, &key(), &crate::api::HOOKS).expect_err("newer book must be refused");
        assert!(matches!(err, Error::BookTooNew { found, .. } if found == SCHEMA_VERSION + 1), "{err}");
        let raw = open_raw(&path, &key()).expect("raw");
        let version: i64 = raw.pragma_query_value(None, "user_version", |r| r.get(0)).expect("v");
        assert_eq!(version, SCHEMA_VERSION + 1, "refusing must not touch the file");
    }

    #[test]
    fn files_that_are_not_books_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "这不是数据库 — just some text that is long enough to be a header".repeat(20))
            .expect("write");
        let err = open(&text, &key(), &crate::api::HOOKS).expect_err("a text file is not a book");
        assert!(matches!(err, Error::NotABook { .. }), "{err}");

        let other = dir.path().join("other.sqlite");
        let raw = Connection::open(&other).expect("raw");
        raw.execute_batch("CREATE TABLE songs(title TEXT); INSERT INTO songs VALUES ('x');").expect("other db");
        drop(raw);
        let err = open(&other, &key(), &crate::api::HOOKS).expect_err("another program's database is not a book");
        assert!(matches!(err, Error::NotABook { .. }), "{err}");
        let raw = Connection::open(&other).expect("raw");
        let n: i64 = raw.query_row("SELECT count(*) FROM songs", [], |r| r.get(0)).expect("count");
        assert_eq!(n, 1, "the other program's data is untouched");
    }

    #[test]
    fn a_folder_is_not_a_book() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = open(dir.path(), &key(), &crate::api::HOOKS).expect_err("a directory cannot be a book");
        assert!(matches!(err, Error::Io(_)), "{err}");
        assert!(err.to_string().contains("cannot be opened"), "{err}");
    }

    #[test]
    fn a_second_lock_on_the_same_book_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let book = dir.path().join("book.sqlite");
        let first = BookLock::acquire(&book).expect("first lock");
        let second = BookLock::acquire(&book);
        assert!(matches!(second, Err(Error::Locked { .. })), "second instance must be refused");
        drop(first);
        BookLock::acquire(&book).expect("lock is free again after the first app quits");
    }

    fn plain_book(path: &Path) {
        let conn = Connection::open(path).expect("plain");
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE customer (name TEXT, phone TEXT);
             INSERT INTO customer VALUES ('丰收农资店', '13912345678');",
        )
        .expect("rows");
        conn.pragma_update(None, "application_id", APPLICATION_ID).expect("id");
        conn.pragma_update(None, "user_version", 1).expect("version");
    }

    fn contains(path: &Path, needle: &str) -> bool {
        let bytes = std::fs::read(path).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    #[test]
    fn a_plain_book_is_encrypted_in_place_and_its_bytes_are_gone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("book.sqlite");
        plain_book(&path);
        assert_eq!(file_kind(&path).expect("kind"), FileKind::Plain);
        assert!(contains(&path, "13912345678") || contains(&beside(&path, "-wal"), "13912345678"));
        let mut steps = vec![];
        encrypt_in_place(&path, &key(), || Ok(()), &mut |s| steps.push(s)).expect("encrypted");
        assert_eq!(steps, UpgradeStep::ALL);
        assert_eq!(file_kind(&path).expect("kind"), FileKind::Encrypted);
        for leftover in [".plain", ".encrypting", "-wal", "-shm"] {
            assert!(!beside(&path, leftover).exists(), "{leftover} left behind");
        }
        assert!(!contains(&path, "13912345678"));
        assert!(!contains(&path, "丰收农资店"));
        let conn = open_raw(&path, &key()).expect("opens");
        let name: String = conn.query_row("SELECT name FROM customer", [], |r| r.get(0)).expect("row");
        assert_eq!(name, "丰收农资店");
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).expect("v");
        assert_eq!(version, 1);
    }

    #[test]
    fn an_interrupted_upgrade_is_finished_or_undone() {
        for stop in UpgradeStep::ALL {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("book.sqlite");
            plain_book(&path);
            let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                encrypt_in_place(&path, &key(), || Ok(()), &mut |s| {
                    if s == stop {
                        std::panic::resume_unwind(Box::new("crash"));
                    }
                })
            }));
            assert!(stopped.is_err(), "{stop:?}");
            finish_interrupted_upgrade(&path).expect("tidied");
            assert!(!beside(&path, ".plain").exists(), "{stop:?}");
            let kind = file_kind(&path).expect("kind");
            let swapped = matches!(stop, UpgradeStep::Swapped | UpgradeStep::Wiped);
            assert_eq!(kind, if swapped { FileKind::Encrypted } else { FileKind::Plain }, "{stop:?}");
            let conn =
                if swapped { open_raw(&path, &key()).expect("raw") } else { Connection::open(&path).expect("plain") };
            let name: String = conn.query_row("SELECT name FROM customer", [], |r| r.get(0)).expect("row");
            assert_eq!(name, "丰收农资店", "{stop:?}");
            drop(conn);
            if !swapped {
                encrypt_in_place(&path, &key(), || Ok(()), &mut |_| {}).expect("the upgrade runs again");
                assert_eq!(file_kind(&path).expect("kind"), FileKind::Encrypted);
            }
            assert!(!contains(&path, "13912345678"), "{stop:?}");
        }
    }
}
