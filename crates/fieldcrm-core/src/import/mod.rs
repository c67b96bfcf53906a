//! Imports from the spreadsheets every sales organisation already has:
//! customers, people, products and sales lines, from xlsx, xls, ods or csv.
//!
//! An import reads the file ([`read`]), maps its columns to fields (suggested
//! from the headers, [`fields`], changed by the user), and plans every row
//! ([`plan`]): create, update, unchanged, skip, a duplicate to decide, or
//! refused with its problems. A dry run stops there and writes nothing, and
//! keeps its plan ([`Kept`]). A commit writes every row that is not refused
//! in one transaction: the dry run's plan when nothing it was checked against
//! has changed (the file, the request, the book, who imports, the day), or a
//! plan made afresh. Planning made every check the write path makes, and a
//! row refused at writing after all stops the whole import. A cancel rolls
//! the whole import back.

pub mod fields;
pub mod layout;
pub mod plan;
pub mod read;
pub mod value;

use crate::error::ProblemCode;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, FieldProblem, Result};
use crate::ids::{CustomerId, ImportBatchId};
use crate::model::{ImportKind, StaffRole};
pub use layout::Sheet;
use read::FileFormat;

/// Outcomes an import report lists row by row at most (problems first).
pub const MAX_OUTCOMES: usize = 5000;
/// Rows between two progress reports.
const PROGRESS_EVERY: usize = 500;

/// What to import, and how the columns map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportRequest {
    pub path: String,
    pub kind: ImportKind,
    /// The sheet of a workbook (default: the first with data).
    #[serde(default)]
    #[ts(optional)]
    pub sheet: Option<String>,
    /// The row number of the header (default: the row found to be it).
    #[serde(default)]
    #[ts(optional)]
    pub header_row: Option<u32>,
    /// Numbers written as text use a decimal comma (`1.234,50`); default: a
    /// decimal point (`1,234.50`).
    #[serde(default)]
    #[ts(optional, as = "Option<bool>")]
    pub decimal_comma: bool,
    /// The field of each column, in column order (default: as suggested).
    #[serde(default)]
    #[ts(optional)]
    pub mapping: Option<Vec<Option<String>>>,
    /// What to do with the rows that match existing cards.
    #[serde(default)]
    pub decisions: Vec<DuplicateDecision>,
    /// For duplicates without a decision (default: skip them).
    #[serde(default)]
    #[ts(optional)]
    pub otherwise: Option<DuplicateChoice>,
}

impl ImportRequest {
    /// An import of the file at `path` as `kind`, every choice left to its
    /// default: the first sheet with data, the header found, a decimal point,
    /// the suggested mapping, duplicates skipped.
    pub fn new(path: impl Into<String>, kind: ImportKind) -> Self {
        Self {
            path: path.into(),
            kind,
            sheet: None,
            header_row: None,
            decimal_comma: false,
            mapping: None,
            decisions: vec![],
            otherwise: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateChoice {
    /// Leave the row out.
    Skip,
    /// Create a new card anyway.
    New,
    /// Update the matching card (the first candidate unless one is named).
    Update,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateDecision {
    /// The row number as the file shows it.
    pub row: u32,
    pub choice: DuplicateChoice,
    /// The card to update, of the row's candidates.
    #[serde(default)]
    #[ts(optional)]
    pub customer_id: Option<CustomerId>,
}

/// A file as the wizard shows it before importing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    pub file_name: String,
    pub format: FileFormat,
    pub encoding: Option<String>,
    pub sheets: Vec<String>,
    pub sheet: String,
    pub header_row: u32,
    /// False when no row among the first ones names a field: the first
    /// filled row stands in, and an import waits for the user to choose.
    pub header_found: bool,
    /// The rows the header may be chosen from: their numbers and first cells.
    pub header_choices: Vec<HeaderChoice>,
    pub headers: Vec<String>,
    /// The first data rows, as text.
    pub sample: Vec<Vec<String>>,
    /// Data rows in the sheet.
    pub rows: u32,
    /// Rows that are not imported (titles, totals, footnotes, blank rows), listed.
    pub skipped: Vec<layout::SkippedRow>,
    /// Rows that are not imported, all of them.
    pub skipped_rows: u32,
    /// Cells right of the columns an import reads.
    pub wide: Option<read::WideCells>,
    pub fields: Vec<fields::ImportFieldInfo>,
    /// The suggested field of each column.
    pub mapping: Vec<Option<String>>,
    /// The same file imported before.
    pub previous: Option<PreviousImport>,
}

/// A row the header may be chosen from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HeaderChoice {
    pub row: u32,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviousImport {
    pub imported_at: String,
    pub staff_name: String,
    pub created: u32,
    pub updated: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
    /// Already in the book as the file has it.
    Unchanged,
    /// Left out by the user's choice.
    Skip,
    /// Matches existing cards: decide before committing (skipped until then).
    Duplicate,
    Refuse,
}

/// An existing card a row may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateCandidate {
    pub customer_id: CustomerId,
    pub name: String,
    pub phone: Option<String>,
    pub owner_name: String,
    /// `same_name_phone`, `same_name`, `similar_name` or `same_phone`.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RowOutcome {
    pub row: u32,
    pub action: RowAction,
    /// What the row is (a name, a code, a document line).
    pub label: String,
    /// Why it is refused (field: the column's header), or warnings.
    pub problems: Vec<FieldProblem>,
    pub candidates: Vec<DuplicateCandidate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SheetImportReport {
    pub kind: ImportKind,
    pub committed: bool,
    pub file_name: String,
    pub sheet: String,
    pub rows: u32,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub skipped: u32,
    pub duplicates: u32,
    pub refused: u32,
    /// Row by row: refused rows and duplicates first, then the rest, up to
    /// [`MAX_OUTCOMES`].
    pub outcomes: Vec<RowOutcome>,
    pub outcomes_truncated: bool,
    /// The header's row number.
    pub header_row: u32,
    /// Rows that are not imported (titles, totals, footnotes, blank rows), listed.
    pub skipped_rows_list: Vec<layout::SkippedRow>,
    /// Rows that are not imported, all of them.
    pub skipped_rows: u32,
    pub previous: Option<PreviousImport>,
    /// File-level notes (no document numbers, cells not read …).
    pub notes: Vec<ImportNote>,
}

/// What an import says about the file as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportNoteCode {
    /// Sales lines without document numbers: a second import adds them again.
    NoDocumentNumbers,
    /// Cells right of the columns an import reads.
    WideCells,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportNote {
    pub code: ImportNoteCode,
    pub count: Option<u32>,
    /// A cell it is about, as Excel names it.
    pub cell: Option<String>,
    /// In English, for the CLI and logs.
    pub message: String,
}

/// Where an import is (sent to the UI, never read back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    /// `reading`, `checking` or `writing`.
    pub phase: &'static str,
    pub done: u32,
    pub total: u32,
}

/// Reads the file for the wizard: sheets, the header row, the first rows,
/// the rows that are not data, and the suggested mapping. Only the first
/// rows and those that are not data are kept; the rest are counted.
/// May a person of `role` import `kind`? Customers anyone in the field may (a
/// rep's own list becomes their cards); the rest is head office's data, and
/// sales administration imports nothing (it reviews and ships orders). The
/// planner refuses by this, and the wizard offers only these kinds.
pub fn may_import(role: StaffRole, kind: ImportKind) -> bool {
    match role {
        StaffRole::HeadOffice => true,
        StaffRole::SalesAdmin => false,
        _ => kind == ImportKind::Customers,
    }
}

/// The kinds a person of `role` may import, in the wizard's order.
pub fn kinds_for(role: StaffRole) -> Vec<ImportKind> {
    ImportKind::ALL.iter().copied().filter(|&k| may_import(role, k)).collect()
}

pub fn preview(
    conn: &Connection,
    path: &Path,
    kind: ImportKind,
    sheet: Option<&str>,
    header_row: Option<u32>,
) -> Result<ImportPreview> {
    let (bytes, file_name) = read::load(path)?;
    let table = read::read_head(&bytes, &file_name, sheet, layout::HEAD_KEPT, &|cells| {
        layout::not_data_anywhere(cells).is_some()
    })?;
    let choices = header_choices(&table);
    let sheet = layout::arrange(table, kind, header_row)?;
    preview_of(conn, &sheet, kind, choices)
}

/// Reads every row of a file's bytes and lays it out for `request`.
pub fn sheet_of(bytes: &[u8], file_name: &str, request: &ImportRequest) -> Result<Sheet> {
    let table = read::read_bytes(bytes, file_name, request.sheet.as_deref())?;
    layout::arrange(table, request.kind, request.header_row)
}

fn header_choices(table: &read::Table) -> Vec<HeaderChoice> {
    table
        .rows
        .iter()
        .take(layout::HEADER_SEARCH_ROWS)
        .map(|(row, cells)| {
            let texts: Vec<String> = cells.iter().map(read::Raw::display).filter(|t| !t.is_empty()).take(6).collect();
            let mut text = texts.join(" | ");
            if text.chars().count() > 80 {
                text = text.chars().take(79).chain(['…']).collect();
            }
            HeaderChoice { row: *row, text }
        })
        .collect()
}

pub fn preview_of(
    conn: &Connection,
    sheet: &Sheet,
    kind: ImportKind,
    header_choices: Vec<HeaderChoice>,
) -> Result<ImportPreview> {
    let width = sheet.headers.len();
    Ok(ImportPreview {
        file_name: sheet.file_name.clone(),
        format: sheet.format,
        encoding: sheet.encoding.clone(),
        sheets: sheet.sheets.clone(),
        sheet: sheet.name.clone(),
        header_row: sheet.header_row,
        header_found: sheet.header_found,
        header_choices,
        headers: sheet.headers.clone(),
        sample: sheet
            .rows
            .iter()
            .take(20)
            .map(|(_, cells)| (0..width).map(|i| cells.get(i).map(read::Raw::display).unwrap_or_default()).collect())
            .collect(),
        rows: sheet.data_rows,
        skipped: sheet.skipped.clone(),
        skipped_rows: sheet.skipped_rows,
        wide: sheet.wide.clone(),
        fields: fields::infos(kind),
        mapping: if sheet.header_found { fields::suggest(kind, &sheet.headers) } else { vec![None; width] },
        previous: previous_import(conn, &sheet.hash, kind)?,
    })
}

fn previous_import(conn: &Connection, hash: &str, kind: ImportKind) -> Result<Option<PreviousImport>> {
    Ok(conn
        .prepare_cached(
            "SELECT b.imported_at, coalesce(s.name, ''), b.created, b.updated FROM import_batch b
               LEFT JOIN staff s ON s.id = b.staff_id
              WHERE b.file_hash = ?1 AND b.kind = ?2 ORDER BY b.imported_at DESC LIMIT 1",
        )?
        .query_row(params![hash, kind], |r| {
            Ok(PreviousImport { imported_at: r.get(0)?, staff_name: r.get(1)?, created: r.get(2)?, updated: r.get(3)? })
        })
        .optional()?)
}

/// The mapping to use, checked: known fields, each once, the required ones present.
pub fn check_mapping(
    kind: ImportKind,
    sheet: &Sheet,
    mapping: Option<&[Option<String>]>,
) -> Result<Vec<Option<String>>> {
    if !sheet.header_found {
        return Err(Error::invalid(
            "headerRow",
            ProblemCode::NoHeader,
            format!(
                "no row among the first {} rows of '{}' names a field of this import (such as {}), so the header row is not known; choose the row that holds the headers",
                layout::HEADER_SEARCH_ROWS,
                sheet.name,
                fields::catalogue(kind).iter().take(3).map(|f| f.label_zh).collect::<Vec<_>>().join("、")
            ),
        ));
    }
    let catalogue = fields::catalogue(kind);
    let mapping: Vec<Option<String>> = match mapping {
        Some(m) => m.iter().map(|f| f.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())).collect(),
        None => fields::suggest(kind, &sheet.headers),
    };
    let mut problems = vec![];
    if mapping.len() > sheet.headers.len().max(read::MAX_COLUMNS) {
        problems.push(FieldProblem::new(
            "mapping",
            ProblemCode::TooManyColumns,
            "the mapping has more columns than the sheet",
        ));
    }
    for (i, key) in mapping.iter().enumerate() {
        let Some(key) = key else { continue };
        if !catalogue.iter().any(|f| f.key == key) {
            problems.push(FieldProblem::new(
                format!("mapping[{i}]"),
                ProblemCode::UnknownField,
                format!("'{key}' is not a field of this import"),
            ));
        } else if mapping[..i].iter().any(|k| k.as_deref() == Some(key.as_str())) {
            problems.push(FieldProblem::new(
                format!("mapping[{i}]"),
                ProblemCode::MappedTwice,
                format!("two columns are mapped to '{key}'; map it once"),
            ));
        }
    }
    if mapping.iter().all(Option::is_none) {
        let shown: Vec<&str> = sheet.headers.iter().take(8).map(String::as_str).collect();
        return Err(Error::invalid(
            "mapping",
            ProblemCode::NothingMapped,
            format!(
                "none of the headers of '{}' ({}) names a field of this import; check that the first filled row holds the headers, or map the columns by hand",
                sheet.name,
                shown.join(", ")
            ),
        ));
    }
    for f in catalogue.iter().filter(|f| f.required) {
        if !mapping.iter().any(|k| k.as_deref() == Some(f.key)) {
            problems.push(FieldProblem::new(
                f.key,
                ProblemCode::Unmapped,
                format!("no column is mapped to {} ({}); map the column that holds it", f.label_zh, f.label_en),
            ));
        }
    }
    if kind.names_customer() && !mapping.iter().any(|k| matches!(k.as_deref(), Some("customerCode" | "customerName"))) {
        problems.push(FieldProblem::new(
            "customerCode",
            ProblemCode::Unmapped,
            "map the column with the customer code (客户编码) or the customer name (客户名称)",
        ));
    }
    if problems.is_empty() {
        Ok(mapping)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// A cancel request shared with whoever may press "cancel".
#[derive(Debug, Default)]
pub struct Cancel(AtomicBool);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn reset(&self) {
        self.0.store(false, Ordering::Relaxed);
    }

    /// Whether "cancel" was pressed since the last [`reset`](Self::reset).
    pub fn requested(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.0.load(Ordering::Relaxed) {
            Err(Error::invalid("import", ProblemCode::Cancelled, "the import was cancelled; nothing was imported"))
        } else {
            Ok(())
        }
    }
}

/// A sheet's plan: what each row will do. A dry run keeps it ([`Kept`]) so
/// that the commit which usually follows writes it without planning again.
#[derive(Debug)]
pub struct Planned {
    request: ImportRequest,
    mapping: Vec<Option<String>>,
    file_name: String,
    sheet: String,
    headers: Vec<String>,
    hash: String,
    rows: u32,
    header_row: u32,
    skipped: Vec<layout::SkippedRow>,
    skipped_rows: u32,
    plans: Vec<plan::RowPlan>,
    notes: Vec<ImportNote>,
}

/// Plans an import of `sheet` inside `tx`, against the cards `known` (loaded
/// in `tx`); reads and never writes.
pub fn plan(
    tx: &Transaction<'_>,
    sheet: &Sheet,
    request: &ImportRequest,
    ctx: &plan::Context,
    known: plan::KnownCards,
    progress: &mut dyn FnMut(ImportProgress),
    cancel: &Cancel,
) -> Result<Planned> {
    let mapping = check_mapping(request.kind, sheet, request.mapping.as_deref())?;
    let total = sheet.rows.len() as u32;
    let mut planner = plan::Planner::new(tx, request, &mapping, &sheet.headers, ctx, Some(known))?;
    let mut plans = Vec::with_capacity(sheet.rows.len());
    for (i, (row, cells)) in sheet.rows.iter().enumerate() {
        if i % PROGRESS_EVERY == 0 {
            cancel.check()?;
            progress(ImportProgress { phase: "checking", done: i as u32, total });
        }
        plans.push(planner.plan(tx, *row, cells)?);
    }
    progress(ImportProgress { phase: "checking", done: total, total });
    let mut notes = planner.notes();
    if let Some(wide) = &sheet.wide {
        notes.push(ImportNote {
            code: ImportNoteCode::WideCells,
            count: Some(wide.cells),
            cell: Some(wide.first.clone()),
            message: format!(
                "{} cells right of the first {} columns (the first is {}) are not read",
                wide.cells,
                read::MAX_COLUMNS,
                wide.first
            ),
        });
    }
    Ok(Planned {
        request: request.clone(),
        mapping,
        file_name: sheet.file_name.clone(),
        sheet: sheet.name.clone(),
        headers: sheet.headers.clone(),
        hash: sheet.hash.clone(),
        rows: total,
        header_row: sheet.header_row,
        skipped: sheet.skipped.clone(),
        skipped_rows: sheet.skipped_rows,
        plans,
        notes,
    })
}

/// Writes every row of `planned` that creates or updates, inside `tx`; the
/// caller commits. Every check was made while planning; a row the write
/// path still refuses stops the whole import, so nothing is half-written.
/// The new cards' search documents are built on another thread while the
/// rows are written.
pub fn write(
    tx: &Transaction<'_>,
    planned: &Planned,
    ctx: &plan::Context,
    progress: &mut dyn FnMut(ImportProgress),
    cancel: &Cancel,
) -> Result<()> {
    let mut writer = plan::Planner::new(tx, &planned.request, &planned.mapping, &planned.headers, ctx, None)?;
    let writing: Vec<&plan::RowPlan> =
        planned.plans.iter().filter(|p| matches!(p.action, RowAction::Create | RowAction::Update)).collect();
    let writes = writing.len() as u32;
    let stopped = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let documents = scope.spawn(|| {
            let mut out = Vec::new();
            for p in &writing {
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                out.extend(p.new_document());
            }
            out
        });
        let mut rows = || -> Result<()> {
            for (n, p) in writing.iter().enumerate() {
                if n % PROGRESS_EVERY == 0 {
                    cancel.check()?;
                    progress(ImportProgress { phase: "writing", done: n as u32, total: writes });
                }
                writer.write(tx, p).map_err(|e| match e {
                    Error::Invalid(problems) => Error::Invalid(
                        problems
                            .into_iter()
                            .map(|q| FieldProblem { field: format!("row {}: {}", p.row, q.field), ..q })
                            .collect(),
                    ),
                    other => other,
                })?;
            }
            Ok(())
        };
        let written = rows();
        stopped.store(written.is_err(), Ordering::Relaxed);
        let created = documents.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        written?;
        writer.finish(tx, created)
    })?;
    progress(ImportProgress { phase: "writing", done: writes, total: writes });
    Ok(())
}

/// The report of a planned import, as planned (`committed`: as written).
pub fn report(conn: &Connection, planned: &Planned, committed: bool) -> Result<SheetImportReport> {
    let plans = &planned.plans;
    let count = |a: RowAction| plans.iter().filter(|p| p.action == a).count() as u32;
    let mut report = SheetImportReport {
        kind: planned.request.kind,
        committed,
        file_name: planned.file_name.clone(),
        sheet: planned.sheet.clone(),
        rows: planned.rows,
        created: count(RowAction::Create),
        updated: count(RowAction::Update),
        unchanged: count(RowAction::Unchanged),
        skipped: count(RowAction::Skip),
        duplicates: count(RowAction::Duplicate),
        refused: count(RowAction::Refuse),
        outcomes: vec![],
        outcomes_truncated: false,
        header_row: planned.header_row,
        skipped_rows_list: planned.skipped.clone(),
        skipped_rows: planned.skipped_rows,
        previous: previous_import(conn, &planned.hash, planned.request.kind)?,
        notes: planned.notes.clone(),
    };
    // Problems first, then the rest, in file order within each.
    let mut outcomes: Vec<RowOutcome> = Vec::with_capacity(plans.len().min(MAX_OUTCOMES));
    let first = |p: &plan::RowPlan| matches!(p.action, RowAction::Refuse | RowAction::Duplicate);
    for pass in [true, false] {
        for p in plans.iter().filter(|p| first(p) == pass) {
            if outcomes.len() == MAX_OUTCOMES {
                report.outcomes_truncated = true;
                break;
            }
            outcomes.push(p.outcome());
        }
    }
    report.outcomes = outcomes;
    Ok(report)
}

/// What the book was when an import was planned. This connection's writes
/// move its change count. Every other connection's change to what a plan
/// reads (cards, staff, organisation, codes, products, sales lines: all
/// synced tables) leaves a trace the capture triggers put in the schema: a
/// staged change in `sync_pending`, then, once sealed, a later clock and
/// version in `sync_state`, as a merge of a changeset also leaves. (SQLite's
/// `data_version` would do for other connections too, but a large import
/// changes the journal mode, which resets it.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookState {
    changes: u64,
    clock: i64,
    version: i64,
    staged: Option<i64>,
}

impl BookState {
    pub fn of(conn: &Connection) -> Result<Self> {
        let (clock, version, staged) = conn
            .prepare_cached("SELECT hlc, version, (SELECT max(id) FROM sync_pending) FROM sync_state")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(Self { changes: conn.total_changes(), clock, version, staged })
    }
}

/// A dry run's plan kept for the commit: valid while the file, the request,
/// the book, who imports and the day are as they were when it was planned.
#[derive(Debug)]
pub struct Kept {
    planned: Planned,
    book: BookState,
    staff: crate::ids::StaffId,
    today: chrono::NaiveDate,
}

impl Kept {
    pub fn new(planned: Planned, book: BookState, ctx: &plan::Context) -> Self {
        Self { planned, book, staff: ctx.viewer.staff, today: ctx.today }
    }

    /// Rows in the file planned.
    pub fn rows(&self) -> usize {
        self.planned.rows as usize
    }

    /// Whether this is the plan of `request` on a file whose bytes hash to `hash`.
    pub fn is_for(&self, request: &ImportRequest, hash: &str) -> bool {
        self.planned.request == *request && self.planned.hash == hash
    }

    /// The plan, when nothing it was checked against has changed since.
    pub fn still_valid(self, book: BookState, ctx: &plan::Context) -> Option<Planned> {
        (self.book == book && self.staff == ctx.viewer.staff && self.today == ctx.today).then_some(self.planned)
    }
}

/// Notes the import in the book (device-local), for the next import of the same file.
pub fn record_batch(
    tx: &Transaction<'_>,
    planned: &Planned,
    report: &SheetImportReport,
    staff: &str,
    at: &str,
) -> Result<ImportBatchId> {
    let id = ImportBatchId::new();
    tx.prepare_cached(
        "INSERT INTO import_batch (id, kind, file_name, file_hash, sheet, created, updated, skipped, refused, staff_id, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        id,
        report.kind,
        planned.file_name,
        planned.hash,
        planned.sheet,
        report.created,
        report.updated,
        report.skipped + report.duplicates,
        report.refused,
        staff,
        at
    ])?;
    Ok(id)
}
