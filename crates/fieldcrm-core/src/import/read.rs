//! Spreadsheet files into rows of cells. The file's content decides how it is
//! read, not its name: a zip container is an xlsx (or ods) workbook, a
//! compound file an xls workbook — or an encrypted one, which is refused —
//! and text is csv in UTF-8, UTF-16 or GB18030 (which covers GBK, what
//! Chinese Excel saves csv in). A file with rows in two encodings is refused.

use crate::error::ProblemCode;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Ods, Reader, Xls, Xlsx, XlsxError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// Largest file an import reads (a larger one is refused before reading).
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;
/// Most data rows one import takes (an Excel sheet holds 1,048,576).
pub const MAX_ROWS: usize = 1_100_000;
/// Most columns read from a row.
pub const MAX_COLUMNS: usize = 200;
/// Longest cell text kept.
const MAX_CELL_CHARS: usize = 10_000;

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

/// A file's sheet, read.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub format: FileFormat,
    /// The text encoding of a csv file (`UTF-8`, `GB18030`, `UTF-16LE` …).
    pub encoding: Option<String>,
    pub sheets: Vec<String>,
    pub name: String,
    /// Row number (1-based, as the file shows it) of the header row.
    pub header_row: u32,
    pub headers: Vec<String>,
    /// The rows below the header with their file row numbers; blank rows dropped.
    pub rows: Vec<(u32, Vec<Raw>)>,
    pub hash: String,
    pub file_name: String,
}

fn refuse(code: ProblemCode, message: String) -> Error {
    Error::invalid("file", code, message)
}

/// Reads `sheet` (default: the first sheet with data) of the file at `path`.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Sheet> {
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

/// Reads a file's bytes; `file_name` names it in messages and says its type
/// when the content is ambiguous.
pub fn read_bytes(bytes: &[u8], file_name: &str, sheet: Option<&str>) -> Result<Sheet> {
    let hash = hash_of(bytes);
    if bytes.is_empty() {
        return Err(refuse(ProblemCode::EmptyFile, format!("{file_name} is empty; choose the file with the data")));
    }
    let extension = Path::new(file_name).extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let workbook_name = matches!(extension.as_str(), "xlsx" | "xlsm" | "xls" | "ods" | "et");
    let (format, encoding, sheets, name, grid) = if bytes.starts_with(b"PK\x03\x04") {
        let (format, sheets, name, grid) = read_zip(bytes, file_name, sheet)?;
        (format, None, sheets, name, grid)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        let (sheets, name, grid) = read_compound(bytes, file_name, sheet)?;
        (FileFormat::Xls, None, sheets, name, grid)
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
        let (encoding, grid) = read_csv(bytes, file_name)?;
        let name = csv_sheet_name(file_name).to_string();
        (FileFormat::Csv, Some(encoding), vec![name.clone()], name, grid)
    };
    let mut rows = grid.into_iter().enumerate().filter(|(_, r)| r.iter().any(|c| !c.is_empty()));
    let Some((header_index, header)) = rows.next() else {
        return Err(refuse(
            ProblemCode::EmptySheet,
            format!("the sheet '{name}' of {file_name} is empty; choose the sheet with the data"),
        ));
    };
    let headers: Vec<String> = header.iter().map(Raw::display).collect();
    let rows: Vec<(u32, Vec<Raw>)> = rows.map(|(i, r)| (i as u32 + 1, r)).collect();
    if rows.is_empty() {
        return Err(refuse(
            ProblemCode::NoRows,
            format!("the sheet '{name}' of {file_name} has a header row but no rows below it; nothing to import"),
        ));
    }
    if rows.len() > MAX_ROWS {
        return Err(refuse(
            ProblemCode::TooManyRows,
            format!(
                "'{name}' has {} rows; an import takes up to {MAX_ROWS}. Split the file and import the parts",
                rows.len()
            ),
        ));
    }
    Ok(Sheet {
        format,
        encoding,
        sheets,
        name,
        header_row: header_index as u32 + 1,
        headers,
        rows,
        hash,
        file_name: file_name.to_string(),
    })
}

fn csv_sheet_name(file_name: &str) -> &str {
    Path::new(file_name).file_stem().and_then(|s| s.to_str()).unwrap_or("csv")
}

fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    // UTF-16 text has NULs too; its byte-order mark says so.
    !(head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF])) && head.contains(&0)
}

type Grid = Vec<Vec<Raw>>;

fn damaged(file_name: &str, detail: impl std::fmt::Display) -> Error {
    refuse(
        ProblemCode::DamagedWorkbook,
        format!("{file_name} could not be read as a workbook ({detail}); it may be damaged — open it in Excel or WPS, save it again, and import that copy"),
    )
}

fn read_zip(bytes: &[u8], file_name: &str, sheet: Option<&str>) -> Result<(FileFormat, Vec<String>, String, Grid)> {
    match Xlsx::new(Cursor::new(bytes)) {
        Ok(mut book) => {
            let (sheets, name, grid) = pick(&mut book, file_name, sheet)?;
            Ok((FileFormat::Xlsx, sheets, name, grid))
        }
        Err(xlsx_error) => match Ods::new(Cursor::new(bytes)) {
            Ok(mut book) => {
                let (sheets, name, grid) = pick(&mut book, file_name, sheet)?;
                Ok((FileFormat::Ods, sheets, name, grid))
            }
            Err(_) => Err(damaged(file_name, xlsx_error)),
        },
    }
}

fn read_compound(bytes: &[u8], file_name: &str, sheet: Option<&str>) -> Result<(Vec<String>, String, Grid)> {
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
    match Xls::new(Cursor::new(bytes)) {
        Ok(mut book) => pick(&mut book, file_name, sheet),
        Err(calamine::XlsError::Password) => Err(protected()),
        Err(e) => Err(damaged(file_name, e)),
    }
}

fn pick<R, B>(book: &mut B, file_name: &str, sheet: Option<&str>) -> Result<(Vec<String>, String, Grid)>
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
    if let Some(name) = wanted {
        if !sheets.iter().any(|s| s == name) {
            return Err(refuse(
                ProblemCode::UnknownSheet,
                format!("{file_name} has no sheet '{name}'; its sheets are: {}", sheets.join(", ")),
            ));
        }
        let range = book.worksheet_range(name).map_err(|e| damaged(file_name, e))?;
        return Ok((sheets.clone(), name.to_string(), grid(&range)));
    }
    // The first sheet with anything in it.
    for name in &sheets {
        let range = book.worksheet_range(name).map_err(|e| damaged(file_name, e))?;
        if range.used_cells().next().is_some() {
            return Ok((sheets.clone(), name.clone(), grid(&range)));
        }
    }
    Err(refuse(
        ProblemCode::EmptySheet,
        format!("every sheet of {file_name} is empty ({}); choose the file with the data", sheets.join(", ")),
    ))
}

fn grid(range: &calamine::Range<Data>) -> Grid {
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut out: Grid = Vec::with_capacity(range.height() + first_row as usize);
    // Rows above the range are empty; keep the file's row numbers.
    out.resize(first_row as usize, vec![]);
    for row in range.rows() {
        let mut cells = vec![Raw::Empty; first_col as usize];
        cells.extend(row.iter().take(MAX_COLUMNS.saturating_sub(first_col as usize)).map(raw));
        while cells.last().is_some_and(Raw::is_empty) {
            cells.pop();
        }
        out.push(cells);
    }
    out
}

fn clip(text: &str) -> String {
    if text.chars().count() > MAX_CELL_CHARS {
        text.chars().take(MAX_CELL_CHARS).collect()
    } else {
        text.to_string()
    }
}

fn raw(cell: &Data) -> Raw {
    match cell {
        Data::Empty | Data::Error(_) => Raw::Empty,
        Data::String(s) => Raw::Text(clip(s)),
        Data::Int(i) => Raw::Number(*i as f64),
        Data::Float(f) => Raw::Number(*f),
        Data::Bool(b) => Raw::Bool(*b),
        Data::DateTime(d) if d.is_datetime() => {
            // calamine applies the workbook's date system.
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            match chrono::NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(day)) {
                Some(date) => Raw::Date(date),
                None => Raw::Number(d.as_f64()),
            }
        }
        Data::DateTime(d) => Raw::Number(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Raw::Text(clip(s)),
    }
}

/// Decodes csv text and splits it into rows.
fn read_csv(bytes: &[u8], file_name: &str) -> Result<(String, Grid)> {
    let (text, encoding) = decode(bytes, file_name)?;
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = [b',', b'\t', b';', b'|']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut grid = vec![];
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            refuse(
                ProblemCode::BadCsv,
                format!("row {} of {file_name} cannot be read as csv ({e}); check its quotes", i + 1),
            )
        })?;
        if grid.len() > MAX_ROWS + 1 {
            return Err(refuse(
                ProblemCode::TooManyRows,
                format!("{file_name} has more than {MAX_ROWS} rows; split it and import the parts"),
            ));
        }
        grid.push(
            record
                .iter()
                .take(MAX_COLUMNS)
                .map(|c| if c.trim().is_empty() { Raw::Empty } else { Raw::Text(clip(c)) })
                .collect(),
        );
    }
    Ok((encoding, grid))
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

    fn cells(sheet: &Sheet) -> Vec<Vec<String>> {
        let mut out = vec![sheet.headers.clone()];
        out.extend(sheet.rows.iter().map(|(_, r)| r.iter().map(Raw::display).collect()));
        out
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
