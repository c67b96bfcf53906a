//! Spreadsheet files into rows of cells. The file's content decides how it is
//! read, not its name: a zip container is an xlsx (or ods) workbook, a
//! compound file an xls workbook — or an encrypted one, which is refused —
//! and text is csv in UTF-8, UTF-16 or GB18030 (which covers GBK, what
//! Chinese Excel saves csv in). A file with rows in two encodings is refused.
//!
//! A file from outside costs memory in proportion to what is really in it,
//! never to what it declares. An xlsx sheet is read as a stream of its cells
//! and only rows with something in them are kept; before any of it is read,
//! every member of the zip is unpacked once into nothing, to refuse members
//! that unpack to more than [`MAX_UNZIPPED_BYTES`] or [`MAX_ZIP_RATIO`] times
//! their packed size (zip bombs) and text or tags longer than any cell (which
//! the XML reader would hold whole). Xls and ods workbooks are read whole by
//! their reader, so their cells are counted first, as the reader would lay
//! them out, and more than [`MAX_WHOLE_CELLS`] are refused. Everywhere: at
//! most Excel's own 1,048,576 rows and 16,384 columns, and cells of at most
//! 32,767 characters.

use crate::error::ProblemCode;
use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsx, XlsxError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// Largest file an import reads (a larger one is refused before reading).
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;
/// Most rows a sheet has (Excel's own limit); one import takes at most as many.
pub const MAX_ROWS: usize = 1_048_576;
/// Most columns a sheet has (Excel's own limit, XFD).
pub const MAX_SHEET_COLUMNS: u32 = 16_384;
/// Columns read from a row; cells further right are counted and reported.
pub const MAX_COLUMNS: usize = 200;
/// Longest cell text (Excel's own limit).
pub const MAX_CELL_CHARS: usize = 32_767;
/// Most bytes one member of an xlsx or ods zip, and all of them together, unpack to.
pub const MAX_UNZIPPED_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Most a zip member larger than [`RATIO_FROM_BYTES`] may unpack to per packed byte.
/// Spreadsheet XML packs 5 to 30 times; zip bombs a thousand times and more.
pub const MAX_ZIP_RATIO: u64 = 200;
const RATIO_FROM_BYTES: u64 = 1024 * 1024;
/// Most shared strings a workbook may hold: the workbook reader keeps each as
/// a string of its own (some 40 bytes however short), so millions of tiny ones
/// packed small would cost gigabytes.
pub const MAX_SHARED_STRINGS: u64 = 8_000_000;
/// Longest run of XML text or of one tag: a cell of 32,767 characters written
/// as character references (`&#x10FFFF;`) is about 330 KB.
const MAX_XML_RUN: usize = 1024 * 1024;
/// Most cells an xls or ods workbook may lay out (rows × columns of each
/// sheet's used area, every sheet together): their reader holds them all.
pub const MAX_WHOLE_CELLS: u64 = 5_000_000;

/// One cell as the file had it.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A cell Excel formats as a date (its workbook's 1900 or 1904 system already applied).
    Date(chrono::NaiveDate),
}

impl Raw {
    pub fn is_empty(&self) -> bool {
        match self {
            Raw::Empty => true,
            Raw::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, as a person reads it (`13812345678`, not `1.38e10`).
    pub fn display(&self) -> String {
        match self {
            Raw::Empty => String::new(),
            Raw::Text(t) => t.trim().to_string(),
            Raw::Number(n) => number_text(*n),
            Raw::Bool(b) => b.to_string(),
            Raw::Date(day) => day.format("%Y-%m-%d").to_string(),
        }
    }
}

pub(crate) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// What kind of file it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

/// Cells right of the columns an import reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WideCells {
    pub cells: u32,
    /// The first of them, as Excel names it (`GS12`).
    pub first: String,
}

/// A file's sheet as read: its rows with anything in them.
#[derive(Debug, Clone)]
pub struct Table {
    pub format: FileFormat,
    /// The text encoding of a csv file (`UTF-8`, `GB18030`, `UTF-16LE` …).
    pub encoding: Option<String>,
    pub sheets: Vec<String>,
    pub name: String,
    /// Rows with something in them, with their row numbers as the file shows
    /// them (1-based), in file order. A preview keeps the first rows and those
    /// that are not data (totals, footnotes) only.
    pub rows: Vec<(u32, Vec<Raw>)>,
    /// Rows with something in them in the whole sheet.
    pub filled_rows: u32,
    /// How many of `rows`, from the first, are every filled row up to the
    /// last of them (a preview keeps only some of the rows after those).
    pub contiguous: usize,
    pub wide: Option<WideCells>,
    pub hash: String,
    pub file_name: String,
}

fn refuse(code: ProblemCode, message: String) -> Error {
    Error::invalid("file", code, message)
}

/// Reads `sheet` (default: the first sheet with data) of the file at `path`, every row.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Table> {
    let (bytes, file_name) = load(path)?;
    read_bytes(&bytes, &file_name, sheet)
}

/// The bytes of the file at `path` and its name, refused when it is not a
/// readable file of at most [`MAX_FILE_BYTES`].
pub fn load(path: &Path) -> Result<(Vec<u8>, String)> {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let meta = std::fs::metadata(path).map_err(|e| {
        refuse(
            ProblemCode::Unreadable,
            format!("{} cannot be read ({e}); check the path and that the file is closed", path.display()),
        )
    })?;
    if !meta.is_file() {
        return Err(refuse(
            ProblemCode::NotAFile,
            format!("{} is a folder, not a file; choose a spreadsheet file", path.display()),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(refuse(
            ProblemCode::TooBig,
            format!(
                "{file_name} is {} MB; an import takes files up to {} MB. Split it (by month or region) and import the parts",
                meta.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        refuse(ProblemCode::Unreadable, format!("{file_name} cannot be read ({e}); check that it is closed"))
    })?;
    Ok((bytes, file_name))
}

/// What identifies a file's content: the hex SHA-256 of its bytes.
pub fn hash_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Reads every filled row of a file's bytes; `file_name` names it in
/// messages and says its type when the content is ambiguous.
pub fn read_bytes(bytes: &[u8], file_name: &str, sheet: Option<&str>) -> Result<Table> {
    let mut rows = vec![];
    let mut table = read_with(bytes, file_name, sheet, &mut |number, cells| {
        rows.push((number, cells));
        Ok(())
    })?;
    table.contiguous = rows.len();
    table.rows = rows;
    Ok(table)
}

/// Reads the first `head` filled rows of a file's bytes and of the rest
/// only those `keep` wants, counting them all: what the wizard shows of a
/// file, in memory for what it shows.
pub fn read_head(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<&str>,
    head: usize,
    keep: &dyn Fn(&[Raw]) -> bool,
) -> Result<Table> {
    let mut rows = vec![];
    let mut contiguous = None;
    let mut table = read_with(bytes, file_name, sheet, &mut |number, cells| {
        if rows.len() < head || keep(&cells) {
            rows.push((number, cells));
        } else {
            contiguous.get_or_insert(rows.len());
        }
        Ok(())
    })?;
    table.contiguous = contiguous.unwrap_or(rows.len());
    table.rows = rows;
    Ok(table)
}

/// Reads a file's filled rows into `sink`, in file order; the table returned
/// has no rows of its own.
fn read_with(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<&str>,
    sink: &mut dyn FnMut(u32, Vec<Raw>) -> Result<()>,
) -> Result<Table> {
    let hash = hash_of(bytes);
    if bytes.is_empty() {
        return Err(refuse(ProblemCode::EmptyFile, format!("{file_name} is empty; choose the file with the data")));
    }
    let mut rows = Rows::new(sink);
    // A reader that panics on a malformed file refuses the file, never ends the program.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let format = read_format(bytes, file_name, sheet, &mut rows)?;
        rows.flush()?;
        Ok(format)
    }))
    .unwrap_or_else(|_| Err(damaged(file_name, "its reader could not make sense of it")));
    let (format, encoding, sheets, name) = read?;
    let (filled_rows, wide) = rows.finish();
    if filled_rows == 0 {
        return Err(match wide {
            Some(wide) => refuse(
                ProblemCode::TooManyColumns,
                format!(
                    "the sheet '{name}' of {file_name} has cells only right of the first {MAX_COLUMNS} columns (the first is {}); an import reads the first {MAX_COLUMNS} columns. Move the table to the sheet's left edge",
                    wide.first
                ),
            ),
            None => refuse(
                ProblemCode::EmptySheet,
                format!("the sheet '{name}' of {file_name} is empty; choose the sheet with the data"),
            ),
        });
    }
    Ok(Table {
        format,
        encoding,
        sheets,
        name,
        rows: vec![],
        filled_rows,
        contiguous: 0,
        wide,
        hash,
        file_name: file_name.to_string(),
    })
}

type Format = (FileFormat, Option<String>, Vec<String>, String);

/// Reads the file by its content: its format, encoding, sheets and the sheet read.
fn read_format(bytes: &[u8], file_name: &str, sheet: Option<&str>, rows: &mut Rows<'_>) -> Result<Format> {
    let extension = Path::new(file_name).extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let workbook_name = matches!(extension.as_str(), "xlsx" | "xlsm" | "xls" | "ods" | "et");
    Ok(if bytes.starts_with(b"PK\x03\x04") {
        let (format, sheets, name) = read_zip(bytes, file_name, sheet, rows)?;
        (format, None, sheets, name)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        let (sheets, name) = read_compound(bytes, file_name, sheet, rows)?;
        (FileFormat::Xls, None, sheets, name)
    } else if workbook_name {
        return Err(refuse(
            ProblemCode::NotAWorkbook,
            format!(
                "{file_name} is named like an Excel workbook but is not one (its content is {}); open it in Excel or WPS and save it as .xlsx, or as .csv",
                if looks_binary(bytes) { "not a spreadsheet" } else { "text" }
            ),
        ));
    } else if looks_binary(bytes) {
        return Err(refuse(
            ProblemCode::NotASpreadsheet,
            format!("{file_name} is not a spreadsheet; import an .xlsx, .xls, .ods or .csv file"),
        ));
    } else {
        if sheet.is_some_and(|s| !s.is_empty() && s != csv_sheet_name(file_name)) {
            return Err(refuse(
                ProblemCode::UnknownSheet,
                format!("a csv file has one sheet; {file_name} has no sheet '{}'", sheet.unwrap_or("")),
            ));
        }
        let encoding = read_csv(bytes, file_name, rows)?;
        let name = csv_sheet_name(file_name).to_string();
        (FileFormat::Csv, Some(encoding), vec![name.clone()], name)
    })
}

/// Cells gathered into rows, in file order: a row is handed on when the
/// next one starts, and only if something is in it.
struct Rows<'s> {
    sink: &'s mut dyn FnMut(u32, Vec<Raw>) -> Result<()>,
    /// The row being gathered (0-based) and its cells.
    current: Option<(u32, Vec<Raw>)>,
    filled: u32,
    wide: Option<WideCells>,
}

impl<'s> Rows<'s> {
    fn new(sink: &'s mut dyn FnMut(u32, Vec<Raw>) -> Result<()>) -> Self {
        Self { sink, current: None, filled: 0, wide: None }
    }

    /// One cell at (row, column), both 0-based; rows come in ascending order.
    fn cell(&mut self, file_name: &str, row: u32, column: u32, value: Raw) -> Result<()> {
        if value.is_empty() {
            return Ok(());
        }
        if row as usize >= MAX_ROWS || column >= MAX_SHEET_COLUMNS {
            return Err(refuse(
                ProblemCode::BeyondSheet,
                format!(
                    "{file_name} has a cell at row {}, column {}, beyond the largest sheet Excel makes ({MAX_ROWS} rows × {MAX_SHEET_COLUMNS} columns); the file is damaged or was not written by a spreadsheet program. Open it in Excel or WPS, save it again, and import that copy",
                    u64::from(row) + 1,
                    u64::from(column) + 1
                ),
            ));
        }
        if column as usize >= MAX_COLUMNS {
            let wide = self.wide.get_or_insert_with(|| WideCells { cells: 0, first: cell_name(row, column) });
            wide.cells += 1;
            return Ok(());
        }
        match &mut self.current {
            Some((r, _)) if *r > row => {
                return Err(damaged(file_name, format!("row {} comes after row {}", row + 1, *r + 1)));
            }
            Some((r, _)) if *r == row => {}
            _ => {
                self.flush()?;
                self.current = Some((row, vec![]));
            }
        }
        if let Some((_, cells)) = &mut self.current {
            let i = column as usize;
            if cells.len() <= i {
                cells.resize(i + 1, Raw::Empty);
            }
            cells[i] = value;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if let Some((row, cells)) = self.current.take() {
            self.filled += 1;
            (self.sink)(row + 1, cells)?;
        }
        Ok(())
    }

    /// Rows handed on (the last one too, unless `flush` failed) and the cells right of the columns read.
    fn finish(self) -> (u32, Option<WideCells>) {
        (self.filled, self.wide)
    }
}

/// A cell's name as Excel writes it (`A1`, `XFD1048576`), from 0-based indexes.
pub fn cell_name(row: u32, column: u32) -> String {
    let mut letters = vec![];
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), u64::from(row) + 1)
}

fn csv_sheet_name(file_name: &str) -> &str {
    Path::new(file_name).file_stem().and_then(|s| s.to_str()).unwrap_or("csv")
}

fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    // UTF-16 text has NULs too; its byte-order mark says so.
    !(head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF])) && head.contains(&0)
}

fn damaged(file_name: &str, detail: impl std::fmt::Display) -> Error {
    refuse(
        ProblemCode::DamagedWorkbook,
        format!("{file_name} could not be read as a workbook ({detail}); it may be damaged — open it in Excel or WPS, save it again, and import that copy"),
    )
}

/// Unpacks every member of a zip into nothing, refusing members that unpack
/// to too much, too much per packed byte, or hold text or tags longer than
/// any cell.
fn check_zip(bytes: &[u8], file_name: &str) -> Result<()> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(file_name, e))?;
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut member = match zip.by_index(i) {
            Ok(member) => member,
            // An encrypted or unsupported member: the workbook reader says what it is.
            Err(_) => continue,
        };
        let name = member.name().to_string();
        let packed = member.compressed_size().max(1);
        let bomb = || {
            refuse(
                ProblemCode::UnzipsTooBig,
                format!(
                    "{file_name} unpacks {name} to more than {MAX_ZIP_RATIO} times its packed size, as files built to exhaust memory do; it is not imported. Open the data in Excel or WPS, save it again, and import that copy"
                ),
            )
        };
        // What the zip says first (it may lie: what unpacks is counted below).
        if member.size() > RATIO_FROM_BYTES && member.size() / packed > MAX_ZIP_RATIO {
            return Err(bomb());
        }
        let xml = name.ends_with(".xml") || name.ends_with(".rels");
        let shared = name.ends_with("sharedStrings.xml");
        let (mut size, mut run, mut strings) = (0u64, 0usize, 0u64);
        // The end of the last chunk, where a `<si>` may begin.
        let mut tail: Vec<u8> = Vec::with_capacity(3);
        loop {
            let n = match member.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => return Err(damaged(file_name, format!("{name}: {e}"))),
            };
            size += n as u64;
            total += n as u64;
            if size > MAX_UNZIPPED_BYTES || total > MAX_UNZIPPED_BYTES {
                return Err(refuse(
                    ProblemCode::UnzipsTooBig,
                    format!(
                        "{file_name} unpacks to more than {} GB ({name}); a workbook that large is not a spreadsheet an import can take. Split the data into several files",
                        MAX_UNZIPPED_BYTES >> 30
                    ),
                ));
            }
            if size > RATIO_FROM_BYTES && size / packed > MAX_ZIP_RATIO {
                return Err(bomb());
            }
            if !xml {
                continue;
            }
            let chunk = &buf[..n];
            // A chunk is far shorter than the longest run allowed: only runs
            // that go on from the chunks before can be too long.
            match memchr::memchr2(b'<', b'>', chunk) {
                None => run += n,
                Some(first) => {
                    run += first;
                    if run <= MAX_XML_RUN {
                        run = n - 1 - memchr::memrchr2(b'<', b'>', chunk).unwrap_or(first);
                    }
                }
            }
            if run > MAX_XML_RUN {
                return Err(refuse(
                    ProblemCode::CellTooLong,
                    format!(
                        "{file_name} holds a cell (or a tag in {name}) of more than {} KB, longer than any cell of a spreadsheet ({MAX_CELL_CHARS} characters); it is not imported",
                        MAX_XML_RUN / 1024
                    ),
                ));
            }
            if shared {
                strings += shared_strings(&tail, chunk);
                tail = chunk[n.saturating_sub(3)..].to_vec();
                if strings > MAX_SHARED_STRINGS {
                    return Err(refuse(
                        ProblemCode::TooManyCells,
                        format!(
                            "{file_name} holds more than {MAX_SHARED_STRINGS} different texts, more than an import reads; split the data into several files"
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The shared strings (`<si>` and `<si …>` tags) that end in `chunk`, which
/// follows the three bytes `before`.
fn shared_strings(before: &[u8], chunk: &[u8]) -> u64 {
    let whole = |text: &[u8]| {
        memchr::memmem::find_iter(text, b"<si").filter(|&at| matches!(text.get(at + 3), Some(b'>' | b' '))).count()
    };
    // Those that begin before the chunk: in the bytes where the two meet.
    let seam: Vec<u8> = before.iter().chain(chunk.iter().take(3)).copied().collect();
    let across = memchr::memmem::find_iter(&seam, b"<si")
        .filter(|&at| at < before.len() && matches!(seam.get(at + 3), Some(b'>' | b' ')))
        .count();
    (whole(chunk) + across) as u64
}

fn read_zip(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<&str>,
    rows: &mut Rows<'_>,
) -> Result<(FileFormat, Vec<String>, String)> {
    check_zip(bytes, file_name)?;
    match Xlsx::new(Cursor::new(bytes)) {
        Ok(mut book) => {
            let sheets = book.sheet_names();
            let name = pick_xlsx(&mut book, &sheets, file_name, sheet)?;
            stream_xlsx(&mut book, &name, file_name, rows)?;
            Ok((FileFormat::Xlsx, sheets, name))
        }
        Err(xlsx_error) => {
            count_ods_cells(bytes, file_name)?;
            match Ods::new(Cursor::new(bytes)) {
                Ok(mut book) => {
                    let (sheets, name) = pick(&mut book, file_name, sheet, rows)?;
                    Ok((FileFormat::Ods, sheets, name))
                }
                Err(_) => Err(damaged(file_name, xlsx_error)),
            }
        }
    }
}

fn unknown_sheet(file_name: &str, name: &str, sheets: &[String]) -> Error {
    refuse(
        ProblemCode::UnknownSheet,
        format!("{file_name} has no sheet '{name}'; its sheets are: {}", sheets.join(", ")),
    )
}

fn all_empty(file_name: &str, sheets: &[String]) -> Error {
    refuse(
        ProblemCode::EmptySheet,
        format!("every sheet of {file_name} is empty ({}); choose the file with the data", sheets.join(", ")),
    )
}

/// The sheet of an xlsx workbook to read: the one asked for, or the first
/// with a filled cell (found by reading each only that far).
fn pick_xlsx<R: std::io::Read + std::io::Seek>(
    book: &mut Xlsx<R>,
    sheets: &[String],
    file_name: &str,
    sheet: Option<&str>,
) -> Result<String> {
    if sheets.is_empty() {
        return Err(refuse(ProblemCode::EmptyWorkbook, format!("{file_name} has no sheets")));
    }
    if let Some(name) = sheet.map(str::trim).filter(|s| !s.is_empty()) {
        return sheets.iter().find(|s| *s == name).cloned().ok_or_else(|| unknown_sheet(file_name, name, sheets));
    }
    for name in sheets {
        let mut cells = book.worksheet_cells_reader(name).map_err(|e| damaged(file_name, e))?;
        while let Some(cell) = cells.next_cell().map_err(|e| damaged(file_name, e))? {
            if !raw_ref(cell.get_value()).is_empty() {
                return Ok(name.clone());
            }
        }
    }
    Err(all_empty(file_name, sheets))
}

/// Streams one xlsx sheet's cells into `rows`.
fn stream_xlsx<R: std::io::Read + std::io::Seek>(
    book: &mut Xlsx<R>,
    name: &str,
    file_name: &str,
    rows: &mut Rows<'_>,
) -> Result<()> {
    let mut cells = book.worksheet_cells_reader(name).map_err(|e| damaged(file_name, e))?;
    let declared = cells.dimensions();
    if declared.end.0 as usize >= MAX_ROWS || declared.end.1 >= MAX_SHEET_COLUMNS {
        return Err(refuse(
            ProblemCode::BeyondSheet,
            format!(
                "the sheet '{name}' of {file_name} says it reaches row {}, column {}, beyond the largest sheet Excel makes ({MAX_ROWS} rows × {MAX_SHEET_COLUMNS} columns); the file is damaged or was not written by a spreadsheet program. Open it in Excel or WPS, save it again, and import that copy",
                u64::from(declared.end.0) + 1,
                u64::from(declared.end.1) + 1
            ),
        ));
    }
    while let Some(cell) = cells.next_cell().map_err(|e| damaged(file_name, e))? {
        let (row, column) = cell.get_position();
        let value = raw_ref(cell.get_value());
        check_length(&value, file_name, row, column)?;
        rows.cell(file_name, row, column, value)?;
    }
    Ok(())
}

fn check_length(value: &Raw, file_name: &str, row: u32, column: u32) -> Result<()> {
    if let Raw::Text(text) = value {
        // Bytes bound characters from above: count only when it could matter.
        if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
            return Err(refuse(
                ProblemCode::CellTooLong,
                format!(
                    "cell {} of {file_name} holds {} characters; a cell holds at most {MAX_CELL_CHARS} (Excel's own limit). Shorten it and import again",
                    cell_name(row, column),
                    text.chars().count()
                ),
            ));
        }
    }
    Ok(())
}

/// Counts the cells the ods reader would lay out, every sheet's used area
/// with its repeated rows and columns spelled out, and refuses more than
/// [`MAX_WHOLE_CELLS`] before it runs.
fn count_ods_cells(bytes: &[u8], file_name: &str) -> Result<()> {
    use quick_xml::events::Event;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    let Ok(content) = zip.by_name("content.xml") else { return Ok(()) };
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    xml.config_mut().expand_empty_elements = true;
    let repeat = |e: &quick_xml::events::BytesStart<'_>, key: &str| -> u64 {
        e.try_get_attribute(key)
            .ok()
            .flatten()
            .and_then(|a| std::str::from_utf8(&a.value).ok().and_then(|v| v.trim().parse().ok()))
            .unwrap_or(1)
    };
    let mut buf = vec![];
    let mut total: u64 = 0;
    // The sheet's expanded rows so far, its used rows (first, last) and width.
    let (mut row_at, mut used, mut width) = (0u64, None::<(u64, u64)>, 0u64);
    // The row being read: its repeat, its expanded width so far and to its last filled cell.
    let (mut row_repeat, mut row_width, mut row_filled) = (1u64, 0u64, 0u64);
    let mut cell: Option<(u64, bool)> = None;
    loop {
        let event = match xml.read_event_into(&mut buf) {
            Ok(event) => event,
            // The ods reader reports what is wrong with its XML.
            Err(_) => return Ok(()),
        };
        match event {
            Event::Start(e) => match e.name().as_ref() {
                b"table:table" => (row_at, used, width) = (0, None, 0),
                b"table:table-row" => {
                    (row_repeat, row_width, row_filled) = (repeat(&e, "table:number-rows-repeated"), 0, 0);
                }
                b"table:table-cell" | b"table:covered-table-cell" => {
                    let filled = e.try_get_attribute("office:value-type").ok().flatten().is_some();
                    cell = Some((repeat(&e, "table:number-columns-repeated"), filled));
                }
                _ => {
                    if let Some((_, filled)) = &mut cell {
                        // Text in a cell.
                        *filled = true;
                    }
                }
            },
            Event::End(e) => match e.name().as_ref() {
                b"table:table-cell" | b"table:covered-table-cell" => {
                    if let Some((n, filled)) = cell.take() {
                        row_width = row_width.saturating_add(n);
                        if filled {
                            row_filled = row_width;
                        }
                    }
                }
                b"table:table-row" => {
                    if row_filled > 0 {
                        let last = row_at.saturating_add(row_repeat - 1);
                        used = Some((used.map_or(row_at, |u| u.0), last));
                        width = width.max(row_filled);
                    }
                    row_at = row_at.saturating_add(row_repeat.max(1));
                }
                b"table:table" => {
                    if let Some((first, last)) = used {
                        let area = (last - first + 1).saturating_mul(width);
                        total = total.saturating_add(area);
                    }
                    if total > MAX_WHOLE_CELLS {
                        return Err(too_many_cells(file_name, total));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        // Repeated rows and cells are cheap to write and costly to lay out.
        if row_at.saturating_mul(width.max(1)) > MAX_WHOLE_CELLS.saturating_mul(4) && used.is_some() {
            return Err(too_many_cells(file_name, row_at.saturating_mul(width)));
        }
        buf.clear();
    }
    Ok(())
}

fn too_many_cells(file_name: &str, cells: u64) -> Error {
    refuse(
        ProblemCode::TooManyCells,
        format!(
            "{file_name} lays out {cells} cells (rows × columns of its sheets); an .xls or .ods import takes up to {MAX_WHOLE_CELLS}. Save it as .xlsx (which is read row by row) or split it, and import that"
        ),
    )
}

/// Counts the cells the xls reader would lay out: each sheet's used area
/// (rows × columns between its first and last cell, and again for formulas).
fn count_xls_cells(bytes: &[u8], file_name: &str) -> Result<()> {
    let Ok(mut cfb) = cfb::CompoundFile::open(Cursor::new(bytes)) else { return Ok(()) };
    let mut stream = vec![];
    let opened = match cfb.open_stream("/Workbook") {
        Ok(s) => Ok(s),
        Err(_) => cfb.open_stream("/Book"),
    };
    let Ok(mut opened) = opened else { return Ok(()) };
    if opened.read_to_end(&mut stream).is_err() {
        return Ok(());
    }
    #[derive(Default, Clone, Copy)]
    struct Area(Option<(u32, u32, u32, u32)>);
    impl Area {
        fn add(&mut self, row: u32, first: u32, last: u32) {
            let (r0, r1, c0, c1) = self.0.unwrap_or((row, row, first, last));
            self.0 = Some((r0.min(row), r1.max(row), c0.min(first), c1.max(last)));
        }
        fn cells(self) -> u64 {
            self.0.map_or(0, |(r0, r1, c0, c1)| u64::from(r1 - r0 + 1) * u64::from(c1.saturating_sub(c0) + 1))
        }
    }
    let (mut cells, mut formulas) = (Area::default(), Area::default());
    let mut total: u64 = 0;
    let mut at = 0usize;
    while at + 4 <= stream.len() {
        let id = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        let data = &stream[at + 4..(at + 4 + len).min(stream.len())];
        at += 4 + len;
        let word = |i: usize| data.get(i..i + 2).map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])));
        match id {
            // EOF of a substream: the sheet's areas are laid out.
            0x000A => {
                total = total.saturating_add(cells.cells()).saturating_add(formulas.cells());
                (cells, formulas) = (Area::default(), Area::default());
            }
            // NUMBER, RK, LABELSST, LABEL, BOOLERR, RSTRING.
            0x0203 | 0x027E | 0x00FD | 0x0204 | 0x0205 | 0x00D6 => {
                if let (Some(row), Some(col)) = (word(0), word(2)) {
                    cells.add(row, col, col);
                }
            }
            // FORMULA: a value and a formula.
            0x0006 => {
                if let (Some(row), Some(col)) = (word(0), word(2)) {
                    cells.add(row, col, col);
                    formulas.add(row, col, col);
                }
            }
            // MULRK: a row's run of numbers.
            0x00BD => {
                if let (Some(row), Some(first), Some(last)) = (word(0), word(2), word(len.saturating_sub(2))) {
                    cells.add(row, first, last.max(first));
                }
            }
            _ => {}
        }
        if total.saturating_add(cells.cells()).saturating_add(formulas.cells()) > MAX_WHOLE_CELLS {
            return Err(too_many_cells(file_name, total.saturating_add(cells.cells())));
        }
    }
    Ok(())
}

fn read_compound(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<&str>,
    rows: &mut Rows<'_>,
) -> Result<(Vec<String>, String)> {
    let protected = || {
        refuse(
            ProblemCode::PasswordProtected,
            format!("{file_name} is protected by a password; open it in Excel or WPS, remove the password (save a copy without it), and import that copy"),
        )
    };
    // An encrypted xlsx is a compound file holding the encrypted package.
    if let Err(XlsxError::Password) = Xlsx::new(Cursor::new(bytes)) {
        return Err(protected());
    }
    count_xls_cells(bytes, file_name)?;
    match Xls::new(Cursor::new(bytes)) {
        Ok(mut book) => pick(&mut book, file_name, sheet, rows),
        Err(calamine::XlsError::Password) => Err(protected()),
        Err(e) => Err(damaged(file_name, e)),
    }
}

/// Reads the sheet asked for, or the first with data, of a workbook its
/// reader holds whole (xls, ods).
fn pick<R, B>(book: &mut B, file_name: &str, sheet: Option<&str>, rows: &mut Rows<'_>) -> Result<(Vec<String>, String)>
where
    R: std::io::Read + std::io::Seek,
    B: Reader<R>,
    B::Error: std::fmt::Display,
{
    let sheets = book.sheet_names();
    if sheets.is_empty() {
        return Err(refuse(ProblemCode::EmptyWorkbook, format!("{file_name} has no sheets")));
    }
    let wanted = sheet.map(str::trim).filter(|s| !s.is_empty());
    let chosen = match wanted {
        Some(name) => {
            let name = sheets.iter().find(|s| *s == name).ok_or_else(|| unknown_sheet(file_name, name, &sheets))?;
            Some((name.clone(), book.worksheet_range(name).map_err(|e| damaged(file_name, e))?))
        }
        None => {
            let mut found = None;
            for name in &sheets {
                let range = book.worksheet_range(name).map_err(|e| damaged(file_name, e))?;
                if range.used_cells().any(|(_, _, c)| !raw(c).is_empty()) {
                    found = Some((name.clone(), range));
                    break;
                }
            }
            found
        }
    };
    let Some((name, range)) = chosen else { return Err(all_empty(file_name, &sheets)) };
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    for (r, c, cell) in range.used_cells() {
        let (row, column) = (first_row + r as u32, first_col + c as u32);
        let value = raw(cell);
        check_length(&value, file_name, row, column)?;
        rows.cell(file_name, row, column, value)?;
    }
    Ok((sheets, name))
}

fn date_cell(d: &calamine::ExcelDateTime) -> Raw {
    if !d.is_datetime() {
        return Raw::Number(d.as_f64());
    }
    // calamine applies the workbook's date system.
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    match chrono::NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(day)) {
        Some(date) => Raw::Date(date),
        None => Raw::Number(d.as_f64()),
    }
}

fn raw(cell: &Data) -> Raw {
    match cell {
        Data::Empty | Data::Error(_) => Raw::Empty,
        Data::String(s) => Raw::Text(s.clone()),
        Data::Int(i) => Raw::Number(*i as f64),
        Data::Float(f) => Raw::Number(*f),
        Data::Bool(b) => Raw::Bool(*b),
        Data::DateTime(d) => date_cell(d),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Raw::Text(s.clone()),
    }
}

fn raw_ref(cell: &DataRef<'_>) -> Raw {
    match cell {
        DataRef::Empty | DataRef::Error(_) => Raw::Empty,
        DataRef::String(s) => Raw::Text(s.clone()),
        DataRef::SharedString(s) => Raw::Text((*s).to_string()),
        DataRef::Int(i) => Raw::Number(*i as f64),
        DataRef::Float(f) => Raw::Number(*f),
        DataRef::Bool(b) => Raw::Bool(*b),
        DataRef::DateTime(d) => date_cell(d),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Raw::Text(s.clone()),
    }
}

/// Decodes csv text and hands its rows to `rows`; returns the encoding's name.
fn read_csv(bytes: &[u8], file_name: &str, rows: &mut Rows<'_>) -> Result<String> {
    let (text, encoding) = decode(bytes, file_name)?;
    let delimiter = delimiter_of(&text);
    if let Some(line) = unclosed_quote(text.as_bytes(), delimiter) {
        return Err(refuse(
            ProblemCode::UnclosedQuote,
            format!(
                "in {file_name} the quote (\") that opens a cell on line {line} is never closed, so everything after it would be one cell; close or remove that quote and import again"
            ),
        ));
    }
    let reader = || {
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes())
    };
    // More lines than a sheet has rows: count the rows before holding any.
    if text.bytes().filter(|b| *b == b'\n').count() >= MAX_ROWS {
        let mut record = csv::ByteRecord::new();
        let mut counting = reader();
        let mut rows = 0usize;
        while counting.read_byte_record(&mut record).unwrap_or(false) {
            rows += 1;
            if rows > MAX_ROWS {
                return Err(too_many_rows(file_name));
            }
        }
    }
    let mut reader = reader();
    let mut record = csv::StringRecord::new();
    let mut row = 0u32;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(refuse(
                    ProblemCode::BadCsv,
                    format!("row {} of {file_name} cannot be read as csv ({e}); check its quotes", row + 1),
                ))
            }
        }
        if row as usize >= MAX_ROWS {
            return Err(too_many_rows(file_name));
        }
        for (column, text) in record.iter().enumerate() {
            if text.trim().is_empty() {
                continue;
            }
            let value = Raw::Text(text.to_string());
            check_length(&value, file_name, row, column as u32)?;
            rows.cell(file_name, row, column.min(u32::MAX as usize) as u32, value)?;
        }
        row += 1;
    }
    Ok(encoding)
}

/// The separator a csv's first rows use alike: for each of `, \t ; |`, how
/// many times it stands outside quotes in each row (a quoted cell may hold
/// line breaks) that has it; the one that most rows have the same number of
/// times wins (a title line above the header has none, a `;` inside a name
/// changes nothing), `,` among equals.
fn delimiter_of(text: &str) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];
    let mut rows: Vec<[usize; 4]> = vec![];
    let (mut row, mut quoted) = ([0usize; 4], false);
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                if row.iter().any(|n| *n > 0) {
                    rows.push(row);
                }
                row = [0; 4];
                if rows.len() == 20 {
                    break;
                }
            }
            _ if !quoted => {
                if let Some(i) = CANDIDATES.iter().position(|c| *c == b) {
                    row[i] += 1;
                }
            }
            _ => {}
        }
    }
    if row.iter().any(|n| *n > 0) && rows.len() < 20 {
        rows.push(row);
    }
    let score = |i: usize| {
        let mut counts: Vec<usize> = rows.iter().map(|r| r[i]).filter(|n| *n > 0).collect();
        counts.sort_unstable();
        // How many rows have the most frequent count, and that count.
        let mut best = (0usize, 0usize);
        for run in counts.chunk_by(|a, b| a == b) {
            best = best.max((run.len(), run[0]));
        }
        best
    };
    (0..CANDIDATES.len()).rev().max_by_key(|i| score(*i)).map_or(b',', |i| CANDIDATES[i])
}

fn too_many_rows(file_name: &str) -> Error {
    refuse(
        ProblemCode::TooManyRows,
        format!("{file_name} has more than {MAX_ROWS} rows, more than a sheet holds; split it and import the parts"),
    )
}

/// The line on which a quoted cell opens that is never closed (quotes open a
/// cell only at its start, and `""` inside one is a quote), as the csv
/// reader would otherwise take the rest of the file into that cell.
fn unclosed_quote(text: &[u8], delimiter: u8) -> Option<usize> {
    let (mut line, mut opened) = (1usize, None);
    let mut at_start = true;
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if opened.is_some() {
            if b == b'"' {
                if text.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    opened = None;
                }
            } else if b == b'\n' {
                line += 1;
            }
        } else if b == b'"' && at_start {
            opened = Some(line);
            at_start = false;
        } else if b == b'\n' {
            line += 1;
            at_start = true;
        } else if b == delimiter {
            at_start = true;
        } else if b != b'\r' {
            at_start = false;
        }
        i += 1;
    }
    opened
}

/// The text of a csv file and its encoding's name.
pub fn decode(bytes: &[u8], file_name: &str) -> Result<(String, String)> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(mixed_error(bytes, bom, file_name, encoding.name()));
        }
        return Ok((text.into_owned(), encoding.name().to_string()));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), "UTF-8".into()));
    }
    // Not UTF-8 as a whole. If some lines are plainly UTF-8 Chinese and
    // others are not UTF-8 at all, the file was pasted together from two
    // sources.
    let mut utf8_line = None;
    let mut other_line = None;
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.is_ascii() {
            continue;
        }
        match std::str::from_utf8(line) {
            Ok(text) if plainly_chinese(text) => {
                utf8_line.get_or_insert(i + 1);
            }
            Ok(_) => {}
            Err(_) => {
                other_line.get_or_insert(i + 1);
            }
        }
        if utf8_line.is_some() && other_line.is_some() {
            break;
        }
    }
    if let (Some(utf8), Some(other)) = (utf8_line, other_line) {
        return Err(refuse(
            ProblemCode::MixedEncoding,
            format!(
                "{file_name} mixes two text encodings: row {utf8} is UTF-8 but row {other} is not (probably GBK). Open it in Excel or WPS and save it again as one csv (UTF-8), or as .xlsx"
            ),
        ));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(mixed_error(bytes, 0, file_name, "GB18030"));
    }
    Ok((text.into_owned(), "GB18030".into()))
}

/// Whether a line that is valid UTF-8 reads as Chinese text in UTF-8: four or
/// more Chinese characters, and hardly anything else outside ASCII.
///
/// GBK text is valid UTF-8 by chance more often than one would think: about
/// one Chinese character in eleven (一, 业, 专, 为, 之 among them) has GBK
/// bytes that are a two-byte UTF-8 sequence, which decodes to Cyrillic,
/// Hebrew or Arabic, never to a Chinese character. A Chinese character in
/// UTF-8 takes three bytes that GBK would have to split across two characters
/// in one particular way, so four of them by chance practically never happen.
fn plainly_chinese(text: &str) -> bool {
    let (mut chinese, mut other) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        match c {
            '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' => chinese += 1,
            // Chinese punctuation, full-width forms, dashes and quotes.
            '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' | '\u{2010}'..='\u{206F}' | '\u{00B7}' => {}
            _ => other += 1,
        }
    }
    chinese >= 4 && other * 4 <= chinese
}

fn mixed_error(bytes: &[u8], bom: usize, file_name: &str, encoding: &str) -> Error {
    let line = bytes[bom..]
        .split(|b| *b == b'\n')
        .position(|l| {
            encoding_rs::Encoding::for_label(encoding.as_bytes()).is_some_and(|e| e.decode_without_bom_handling(l).1)
        })
        .map_or(1, |i| i + 1);
    refuse(
        ProblemCode::BadEncoding,
        format!(
            "row {line} of {file_name} is not valid {encoding} text; the file may mix encodings or be damaged. Save it again from Excel or WPS as csv (UTF-8) or .xlsx"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cells(table: &Table) -> Vec<Vec<String>> {
        table.rows.iter().map(|(_, r)| r.iter().map(Raw::display).collect()).collect()
    }

    fn cell() -> impl Strategy<Value = String> {
        // Chinese, digits, and the characters csv must quote.
        "[a-z0-9一-龥,\"；;\n ]{0,8}".prop_map(|s| s.trim().to_string())
    }

    #[test]
    fn a_gbk_row_that_happens_to_be_valid_utf8_is_read_as_gbk() {
        // 一, 业, 专 and 为 in GBK are two-byte UTF-8 sequences (һ ҵ ר Ϊ).
        let row = encoding_rs::GB18030.encode("一业专为,13800000000\n").0.into_owned();
        assert!(std::str::from_utf8(&row).is_ok());
        let mut bytes = encoding_rs::GB18030.encode("客户名称,电话\n").0.into_owned();
        bytes.extend(&row);
        let sheet = read_bytes(&bytes, "表.csv", None).expect("read");
        assert_eq!(cells(&sheet), [vec!["客户名称", "电话"], vec!["一业专为", "13800000000"]]);
        // A UTF-8 row among GBK rows is still refused, with its number.
        let mut mixed = bytes.clone();
        mixed.extend("华星农资有限公司,1\n".as_bytes());
        let Err(Error::Invalid(problems)) = read_bytes(&mixed, "表.csv", None) else { panic!("mixed read") };
        assert_eq!(problems[0].code, "mixed_encoding");
        assert!(problems[0].message.contains("row 3"), "{}", problems[0].message);
    }

    #[test]
    fn utf16_with_its_byte_order_mark_is_read_and_an_unclosed_quote_is_refused_with_its_line() {
        let text = "客户名称\t电话\n华星农资\t13800000001\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let table = read_bytes(&bytes, "表.csv", None).expect("read");
        assert_eq!(table.encoding.as_deref(), Some("UTF-16LE"));
        assert_eq!(cells(&table), [vec!["客户名称", "电话"], vec!["华星农资", "13800000001"]]);
        // A quoted cell may hold a line break; one never closed is refused where it opened.
        let fine =
            read_bytes("名称,地址\n甲,\"寿光\n农圣街\"\n乙,\"a\"\"b\"\n".as_bytes(), "a.csv", None).expect("read");
        assert_eq!(cells(&fine)[1], ["甲", "寿光\n农圣街"]);
        assert_eq!(cells(&fine)[2], ["乙", "a\"b"]);
        let Err(Error::Invalid(p)) = read_bytes("名称,地址\n甲,1\n乙,\"寿光\n丙,2\n".as_bytes(), "a.csv", None)
        else {
            panic!("unclosed")
        };
        assert_eq!(p[0].code, "unclosed_quote");
        assert!(p[0].message.contains("line 3"), "{}", p[0].message);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(120))]

        /// A table written as csv reads back the same in UTF-8, UTF-8 with a
        /// byte-order mark, and GB18030 (GBK).
        #[test]
        fn csv_reads_back_in_every_encoding(
            rows in proptest::collection::vec(proptest::collection::vec(cell(), 3), 1..12),
            encoding in 0usize..3,
        ) {
            let mut table = vec![vec!["客户名称".to_string(), "电话".to_string(), "备注".to_string()]];
            table.extend(rows.into_iter().filter(|r| r.iter().any(|c| !c.is_empty())));
            prop_assume!(table.len() > 1);
            let mut writer = csv::Writer::from_writer(vec![]);
            for r in &table {
                writer.write_record(r).expect("row");
            }
            let text = String::from_utf8(writer.into_inner().expect("csv")).expect("utf-8");
            let bytes = match encoding {
                0 => text.into_bytes(),
                1 => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
                _ => encoding_rs::GB18030.encode(&text).0.into_owned(),
            };
            let sheet = read_bytes(&bytes, "表.csv", None).expect("read");
            let want: Vec<Vec<String>> = table
                .iter()
                .map(|r| {
                    let mut r: Vec<String> = r.clone();
                    while r.last().is_some_and(String::is_empty) { r.pop(); }
                    r
                })
                .collect();
            let mut got = cells(&sheet);
            for r in &mut got {
                while r.last().is_some_and(String::is_empty) { r.pop(); }
            }
            prop_assert_eq!(got, want);
        }

        /// Bytes that are not a spreadsheet never panic the reader and never
        /// come back as rows of a workbook.
        #[test]
        fn arbitrary_bytes_are_refused_or_read_as_text(bytes in proptest::collection::vec(any::<u8>(), 0..400), zip: bool) {
            let bytes = if zip { [&b"PK\x03\x04"[..], &bytes].concat() } else { bytes };
            match read_bytes(&bytes, "x.xlsx", None) {
                Ok(_) => prop_assert!(false, "random bytes named .xlsx read as a workbook"),
                Err(Error::Invalid(problems)) => prop_assert!(!problems[0].message.is_empty()),
                Err(other) => prop_assert!(false, "unexpected error {other}"),
            }
            let _ = read_bytes(&bytes, "x.csv", None);
        }
    }
}
