//! `fieldcrm-bench sync`: measures the sync targets at their stated scale on
//! freshly made books, each next to plain SQLite writing the same rows.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use fieldcrm_core::api::sync::EnrollDevice;
use fieldcrm_core::api::{CardEdit, NewOrgUnit, NewProfile, NewStaff};
use fieldcrm_core::card::FieldChange;
use fieldcrm_core::model::{OrgUnitKind, StaffRole};
use fieldcrm_core::{ApiError, Book, ErrorCode};
use rusqlite::{params, TransactionBehavior};
use serde::Serialize;

#[derive(Debug, Args)]
pub struct SyncBenchArgs {
    /// Column changes in the export/import measurement.
    #[arg(long, default_value_t = 100_000)]
    changes: usize,
    /// Card edits in the file-size measurement.
    #[arg(long, default_value_t = 10_000)]
    edits: usize,
    /// Laptops' files head office merges.
    #[arg(long, default_value_t = 200)]
    files: usize,
    /// Changes in each of those files.
    #[arg(long, default_value_t = 2_000)]
    changes_per_file: usize,
    /// Edit transactions in the capture-overhead measurement.
    #[arg(long, default_value_t = 5_000)]
    writes: usize,
    /// Skip the head-office merge (the slowest part to set up).
    #[arg(long)]
    skip_merge: bool,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Figures {
    capture_write_ms: f64,
    plain_write_ms: f64,
    capture_ratio: f64,
    app_edit_capture_ms: f64,
    app_edit_plain_ms: f64,
    app_edit_ratio: f64,
    export_changes: usize,
    export_ms: f64,
    export_bytes: u64,
    import_ms: f64,
    plain_same_rows_ms: f64,
    import_ratio: f64,
    edits: usize,
    edits_file_bytes: u64,
    merge_files: usize,
    merge_changes_per_file: usize,
    merge_and_write_ms: f64,
    /// Of which importing the files (the rest: writing a file for each device).
    merge_import_ms: f64,
    merge_plain_same_rows_ms: f64,
    merge_ratio: f64,
}

pub(crate) fn io(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Io, e.to_string())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn quiet(_: fieldcrm_core::sync::Progress) {}

pub(crate) struct Org {
    pub(crate) office: Book,
    pub(crate) territory: String,
    pub(crate) dir: PathBuf,
}

pub(crate) fn office(dir: &Path) -> Result<Org, ApiError> {
    let office = crate::keys::open(&dir.join("office.sqlite"))?;
    let profile = office.create_profile(&NewProfile {
        name: "总部".into(),
        role: StaffRole::HeadOffice,
        company_name: "华丰农业".into(),
        unit_name: String::new(),
        phone: None,
    })?;
    let territory = office.add_org_unit(&NewOrgUnit {
        parent_id: Some(profile.org_unit_id),
        kind: OrgUnitKind::Territory,
        name: "寿光片区".into(),
        code: None,
    })?;
    Ok(Org { office, territory: territory.id.to_string(), dir: dir.to_path_buf() })
}

/// A rep's laptop book, enrolled and joined.
pub(crate) fn laptop(org: &Org, name: &str) -> Result<(Book, String, PathBuf), ApiError> {
    let staff = org.office.add_staff(&NewStaff {
        name: name.into(),
        role: StaffRole::Rep,
        org_unit_id: org.territory.parse().map_err(io)?,
        phone: None,
        regions: None,
    })?;
    let path = org.dir.join(format!("{name}.sqlite"));
    let book = crate::keys::open(&path)?;
    let device = book.device()?;
    org.office.enroll_device(&EnrollDevice {
        staff_id: staff.id.to_string(),
        device_id: device.device_id.clone(),
        public_key: device.public_key,
        name: None,
    })?;
    let first = org.office.sync_export_bytes(Some(&device.device_id))?;
    let fpr = org.office.device()?.fingerprint;
    book.sync_import_bytes(&first, Some(&fpr), &mut quiet)?;
    Ok((book, staff.id.to_string(), path))
}

const EDITED: &[&str] = &[
    "phone",
    "short_name",
    "notes",
    "service_area",
    "sales_capacity",
    "business_philosophy",
    "management_style",
    "sales_performance",
    "problems",
    "strengths",
];

/// Inserts `n` cards straight into the book's file (captured like any write).
fn insert_cards(path: &Path, owner: &str, territory: &str, n: usize, prefix: &str) -> Result<Vec<String>, ApiError> {
    let mut conn = crate::keys::raw(path).map_err(io)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(io)?;
    let now = chrono::Utc::now();
    let ts = fieldcrm_core::clock::timestamp(now);
    let mut ids = vec![];
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO customer (id, name, name_pinyin, channel_level, lifecycle, owner_id, territory_id,
                                       reviewed_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'retailer', 'active', ?4, ?5, ?6, ?6, ?6)",
            )
            .map_err(io)?;
        for i in 0..n {
            let id = fieldcrm_core::ids::CustomerId::new().to_string();
            stmt.execute(params![id, format!("{prefix}客户{i}"), format!("{prefix}kehu{i}"), owner, territory, ts])
                .map_err(io)?;
            ids.push(id);
        }
    }
    fieldcrm_core::changes::capture::seal(&tx, now).map_err(|e| io(ApiError::from(e)))?;
    tx.commit().map_err(io)?;
    Ok(ids)
}

/// `per_card` column updates on each card in one transaction; `capture` off
/// measures plain SQLite writing the same rows.
fn update_cards(
    path: &Path,
    ids: &[String],
    per_card: usize,
    round: usize,
    capture: bool,
) -> Result<Duration, ApiError> {
    let mut conn = crate::keys::raw(path).map_err(io)?;
    conn.pragma_update(None, "synchronous", "NORMAL").map_err(io)?;
    let started = Instant::now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(io)?;
    tx.execute("UPDATE sync_state SET capture = ?1", [i64::from(capture)]).map_err(io)?;
    for column in EDITED.iter().take(per_card) {
        let mut stmt = tx.prepare_cached(&format!("UPDATE customer SET {column} = ?1 WHERE id = ?2")).map_err(io)?;
        for (i, id) in ids.iter().enumerate() {
            stmt.execute(params![format!("{column} {round} {i}"), id]).map_err(io)?;
        }
    }
    if capture {
        fieldcrm_core::changes::capture::seal(&tx, chrono::Utc::now()).map_err(|e| io(ApiError::from(e)))?;
    }
    tx.execute("UPDATE sync_state SET capture = 1", []).map_err(io)?;
    tx.commit().map_err(io)?;
    Ok(started.elapsed())
}

/// A local card edit as the app makes it: one field, who and when, one history
/// row; on cards `first..first + n`, `salt` keeps the values new.
fn edit_transactions(
    path: &Path,
    ids: &[String],
    first: usize,
    n: usize,
    salt: u8,
    capture: bool,
) -> Result<Duration, ApiError> {
    let mut conn = crate::keys::raw(path).map_err(io)?;
    conn.pragma_update(None, "synchronous", "NORMAL").map_err(io)?;
    let staff: String = conn.query_row("SELECT staff_id FROM local_profile", [], |r| r.get(0)).map_err(io)?;
    conn.execute("UPDATE sync_state SET capture = ?1", [i64::from(capture)]).map_err(io)?;
    let started = Instant::now();
    for i in first..first + n {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(io)?;
        let id = &ids[i % ids.len()];
        let now = chrono::Utc::now();
        let ts = fieldcrm_core::clock::timestamp(now);
        let phone = format!("138{i:08}{salt}");
        tx.prepare_cached("UPDATE customer SET phone = ?1, updated_at = ?2, updated_by = ?3 WHERE id = ?4")
            .map_err(io)?
            .execute(params![phone, ts, staff, id])
            .map_err(io)?;
        tx.prepare_cached(
            "INSERT INTO change_history (id, customer_id, entity, entity_id, field, old_value, new_value, changed_by, changed_at, source)
             VALUES (?1, ?2, 'customer', ?2, 'phone', NULL, ?3, ?4, ?5, 'edit')",
        )
        .map_err(io)?
        .execute(params![fieldcrm_core::ids::ChangeId::new().to_string(), id, format!("\"{phone}\""), staff, ts])
        .map_err(io)?;
        if capture {
            fieldcrm_core::changes::capture::seal(&tx, now).map_err(|e| io(ApiError::from(e)))?;
        }
        tx.commit().map_err(io)?;
    }
    let elapsed = started.elapsed();
    conn.execute("UPDATE sync_state SET capture = 1", []).map_err(io)?;
    Ok(elapsed)
}

/// Times `writes` writes with capture and as many without, in alternating
/// rounds on the same cards (which of the two goes first alternates too), so
/// that the book growing during the measurement (history rows, index
/// segments, the write-ahead log) weighs on both alike.
fn alternate(
    writes: usize,
    mut run: impl FnMut(usize, usize, u8, bool) -> Result<Duration, ApiError>,
) -> Result<(Duration, Duration), ApiError> {
    const ROUNDS: usize = 20;
    let per = writes.div_ceil(ROUNDS);
    let (mut with, mut without) = (Duration::ZERO, Duration::ZERO);
    for round in 0..ROUNDS {
        let salt = (round % 5) as u8 * 2;
        let order = if round % 2 == 0 { [true, false] } else { [false, true] };
        for capture in order {
            let took = run(round * per, per, salt + u8::from(capture), capture)?;
            if capture {
                with += took;
            } else {
                without += took;
            }
        }
    }
    Ok((with, without))
}

pub fn run(args: &SyncBenchArgs, json: bool) -> Result<(), ApiError> {
    let dir = std::env::temp_dir().join(format!("fieldcrm-bench-sync-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(io)?;
    let result = measure(args, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    let f = result?;
    if json {
        crate::terminal::print_json(&f);
        return Ok(());
    }
    outln!(
        "capture overhead ({} edit transactions): {:.0} ms with capture, {:.0} ms without → {:.2}×",
        args.writes,
        f.capture_write_ms,
        f.plain_write_ms,
        f.capture_ratio
    );
    outln!(
        "capture overhead ({} card edits through the app): {:.0} ms with capture, {:.0} ms without → {:.2}×",
        args.writes,
        f.app_edit_capture_ms,
        f.app_edit_plain_ms,
        f.app_edit_ratio
    );
    outln!("export of {} column changes: {:.0} ms, file {} KiB", f.export_changes, f.export_ms, f.export_bytes / 1024);
    outln!(
        "import + merge of {} column changes: {:.0} ms; plain SQLite writing the same rows: {:.0} ms → {:.1}×",
        f.export_changes,
        f.import_ms,
        f.plain_same_rows_ms,
        f.import_ratio
    );
    outln!("file of {} card edits: {} KiB", f.edits, f.edits_file_bytes / 1024);
    if f.merge_files > 0 {
        outln!(
            "head office merging {} files of {} changes and writing {} files: {:.0} ms (importing {:.0} ms, writing {:.0} ms); plain SQLite writing the same rows: {:.0} ms → {:.1}×",
            f.merge_files,
            f.merge_changes_per_file,
            f.merge_files,
            f.merge_and_write_ms,
            f.merge_import_ms,
            f.merge_and_write_ms - f.merge_import_ms,
            f.merge_plain_same_rows_ms,
            f.merge_ratio
        );
    }
    Ok(())
}

fn measure(args: &SyncBenchArgs, dir: &Path) -> Result<Figures, ApiError> {
    let mut f = Figures::default();
    let org = office(dir)?;
    let (rep, rep_staff, rep_path) = laptop(&org, "rep")?;
    let cards = (args.changes / EDITED.len()).max(1);
    let ids = insert_cards(&rep_path, &rep_staff, &org.territory, cards, "甲")?;
    // The cards reach head office first (not measured).
    let first = rep.sync_export_bytes(None)?;
    org.office.sync_import_bytes(&first, None, &mut quiet)?;
    let back = org.office.sync_export_bytes(Some(&rep.device()?.device_id))?;
    rep.sync_import_bytes(&back, None, &mut quiet)?;

    // Capture overhead on the app's kind of write, then through the app's own
    // edit (validation, history, search index).
    let (with, without) =
        alternate(args.writes, |first, n, salt, capture| edit_transactions(&rep_path, &ids, first, n, salt, capture))?;
    f.capture_write_ms = ms(with);
    f.plain_write_ms = ms(without);
    f.capture_ratio = f.capture_write_ms / f.plain_write_ms;
    let raw = crate::keys::raw(&rep_path).map_err(io)?;
    let (with, without) = alternate(args.writes, |first, n, salt, capture| {
        raw.execute("UPDATE sync_state SET capture = ?1", [i64::from(capture)]).map_err(io)?;
        let started = Instant::now();
        for i in first..first + n {
            let id = ids[i % ids.len()].parse().map_err(io)?;
            rep.edit_customer(&CardEdit {
                customer_id: id,
                changes: vec![FieldChange {
                    field: "phone".into(),
                    expected: None,
                    value: serde_json::json!(format!("137{i:08}{salt}")),
                }],
            })?;
        }
        let elapsed = started.elapsed();
        raw.execute("UPDATE sync_state SET capture = 1", []).map_err(io)?;
        Ok(elapsed)
    })?;
    f.app_edit_capture_ms = ms(with);
    f.app_edit_plain_ms = ms(without);
    f.app_edit_ratio = f.app_edit_capture_ms / f.app_edit_plain_ms;
    let flush = rep.sync_export_bytes(None)?;
    org.office.sync_import_bytes(&flush, None, &mut quiet)?;
    let back = org.office.sync_export_bytes(Some(&rep.device()?.device_id))?;
    rep.sync_import_bytes(&back, None, &mut quiet)?;

    // 100,000 column changes: export, then head office imports and merges.
    f.plain_same_rows_ms = ms(update_cards(&rep_path, &ids, EDITED.len(), 1, false)?);
    update_cards(&rep_path, &ids, EDITED.len(), 2, true)?;
    let out = dir.join("out");
    let started = Instant::now();
    let exported = rep.sync_export(&out, None)?;
    f.export_ms = ms(started.elapsed());
    f.export_changes = exported.changes as usize;
    f.export_bytes = exported.bytes;
    let started = Instant::now();
    org.office.sync_import(Path::new(&exported.path), None, &mut quiet)?;
    f.import_ms = ms(started.elapsed());
    f.import_ratio = f.import_ms / f.plain_same_rows_ms;
    let back = org.office.sync_export_bytes(Some(&rep.device()?.device_id))?;
    rep.sync_import_bytes(&back, None, &mut quiet)?;

    // A file of 10,000 card edits made in the app.
    for i in 0..args.edits {
        let id = ids[i % ids.len()].parse().map_err(io)?;
        rep.edit_customer(&CardEdit {
            customer_id: id,
            changes: vec![FieldChange {
                field: "phone".into(),
                expected: None,
                value: serde_json::json!(format!("139{i:08}")),
            }],
        })?;
    }
    f.edits = args.edits;
    f.edits_file_bytes = rep.sync_export(&out, None)?.bytes;

    if !args.skip_merge {
        let inbox = dir.join("inbox");
        let outbox = dir.join("outbox");
        let mut total_rows = 0;
        let per_card = EDITED.len();
        let cards_per_file = (args.changes_per_file / (per_card + 1)).max(1);
        let mut plain = Duration::ZERO;
        for n in 0..args.files {
            let (book, staff, path) = laptop(&org, &format!("rep{n:03}"))?;
            let ids = insert_cards(&path, &staff, &org.territory, cards_per_file, &format!("{n}"))?;
            update_cards(&path, &ids, per_card, 1, true)?;
            plain += update_cards(&path, &ids, per_card, 2, false)?;
            book.sync_export(&inbox, None)?;
            total_rows += cards_per_file * (per_card + 1);
        }
        // What `hq merge` does, in its two halves: each file imported, then
        // a file written for each device (a merge of an empty inbox).
        let mut files: Vec<PathBuf> = std::fs::read_dir(&inbox)
            .map_err(io)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(io)?;
        files.sort();
        let started = Instant::now();
        for file in &files {
            org.office
                .sync_import(file, None, &mut quiet)
                .map_err(|e| io(format!("{} was refused: {e:?}", file.display())))?;
        }
        f.merge_import_ms = ms(started.elapsed());
        let empty = dir.join("empty");
        std::fs::create_dir_all(&empty).map_err(io)?;
        let report = org.office.hq_merge(&empty, &outbox)?;
        f.merge_and_write_ms = ms(started.elapsed());
        if report.written.len() < args.files {
            return Err(io(format!("{} files written for {} laptops", report.written.len(), args.files)));
        }
        f.merge_files = args.files;
        f.merge_changes_per_file = total_rows / args.files.max(1);
        f.merge_plain_same_rows_ms = ms(plain);
        f.merge_ratio = f.merge_and_write_ms / f.merge_plain_same_rows_ms.max(0.001);
    }
    Ok(f)
}
