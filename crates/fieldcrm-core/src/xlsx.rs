//! Tables in xlsx workbooks, as every export writes them: a bold header row
//! that stays frozen and carries an autofilter, column widths, and cells typed
//! by their column — money in yuan with thousands separators, shares as
//! percentages, dates as real Excel dates. Amounts are stored in fen and
//! written in yuan.

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Worksheet, XlsxError};

use crate::error::{Error, Result};

/// How a column's cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Fen, shown as yuan (`#,##0.00`).
    Money,
    /// Basis points, shown as a percentage (`0.0%`).
    Percent,
    Integer,
    /// A quantity (`#,##0.##`).
    Number,
    /// `YYYY-MM-DD`, written as an Excel date.
    Date,
}

#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    pub title: &'a str,
    pub kind: Kind,
    pub width: f64,
}

pub const fn col(title: &str, kind: Kind, width: f64) -> Column<'_> {
    Column { title, kind, width }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Number(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Text(v.to_string())
    }
}
impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(v)
    }
}
impl From<&String> for Cell {
    fn from(v: &String) -> Self {
        Cell::Text(v.clone())
    }
}
impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Self {
        v.map_or(Cell::Empty, Cell::Text)
    }
}
impl From<Option<&str>> for Cell {
    fn from(v: Option<&str>) -> Self {
        v.map_or(Cell::Empty, |t| Cell::Text(t.to_string()))
    }
}
impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}
impl From<u32> for Cell {
    fn from(v: u32) -> Self {
        Cell::Int(i64::from(v))
    }
}
impl From<i32> for Cell {
    fn from(v: i32) -> Self {
        Cell::Int(i64::from(v))
    }
}
impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Number(v)
    }
}
macro_rules! optional_number {
    ($($t:ty),+) => {$(
        impl From<Option<$t>> for Cell {
            fn from(v: Option<$t>) -> Self {
                v.map_or(Cell::Empty, Into::into)
            }
        }
    )+};
}
optional_number!(i64, u32, i32, f64);

/// The formats of one workbook, and how its tables print.
pub struct Formats {
    /// The page header's text (title, period, scope); empty: the sheet's name.
    pub heading: String,
    /// The page footer's page number (`第 &P 页 / 共 &N 页`).
    pub page: &'static str,
    pub header: Format,
    pub title: Format,
    pub bold: Format,
    money: Format,
    percent: Format,
    integer: Format,
    number: Format,
    date: Format,
}

impl Default for Formats {
    fn default() -> Self {
        Self {
            heading: String::new(),
            page: "第 &P 页 / 共 &N 页",
            header: Format::new().set_bold().set_align(FormatAlign::Center).set_background_color("#E8EEF7"),
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            money: Format::new().set_num_format("#,##0.00"),
            percent: Format::new().set_num_format("0.0%"),
            integer: Format::new().set_num_format("#,##0"),
            number: Format::new().set_num_format("#,##0.##"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

impl Formats {
    /// The formats of a workbook in `language` whose pages are headed by `heading`.
    pub fn for_print(language: &str, heading: String) -> Self {
        let page = if language.starts_with("en") { "Page &P of &N" } else { "第 &P 页 / 共 &N 页" };
        Self { heading, page, ..Self::default() }
    }
}

/// Text as a page header or footer shows it: `&` doubled (it starts a
/// code there), within Excel's 255 characters with the codes around it.
fn header_text(text: &str) -> String {
    text.replace('&', "&&").chars().take(200).collect()
}

/// How every exported table prints: A4, landscape when the table is wider
/// than a portrait page, one page wide, the header row on every page, the
/// heading at the top of each page and the page number at the bottom.
pub fn print_setup(sheet: &mut Worksheet, header_row: u32, columns: &[Column<'_>], f: &Formats) -> Result<()> {
    sheet.set_paper_size(9);
    // A portrait A4 page holds about 90 characters' width at 100 %.
    if columns.iter().map(|c| c.width).sum::<f64>() > 90.0 {
        sheet.set_landscape();
    }
    sheet.set_margins(0.4, 0.4, 0.7, 0.7, 0.3, 0.3);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(header_row, header_row).map_err(failed)?;
    let heading = if f.heading.is_empty() { "&A".to_string() } else { header_text(&f.heading) };
    sheet.set_header(format!("&C{heading}"));
    sheet.set_footer(format!("&C{}", f.page));
    Ok(())
}

#[allow(clippy::needless_pass_by_value)] // used as `map_err(failed)`
pub fn failed(e: XlsxError) -> Error {
    Error::Io(std::io::Error::other(format!("the workbook could not be written: {e}")))
}

/// Writes the header at `row` and sets the widths. Returns the first data row.
pub fn header(sheet: &mut Worksheet, row: u32, columns: &[Column<'_>], f: &Formats) -> Result<u32> {
    for (i, c) in columns.iter().enumerate() {
        let i = i as u16;
        sheet.set_column_width(i, c.width).map_err(failed)?;
        sheet.write_string_with_format(row, i, c.title, &f.header).map_err(failed)?;
    }
    Ok(row + 1)
}

/// Writes one data row typed by `columns`.
pub fn write_row(sheet: &mut Worksheet, row: u32, columns: &[Column<'_>], cells: &[Cell], f: &Formats) -> Result<()> {
    for (i, (c, cell)) in columns.iter().zip(cells).enumerate() {
        let i = i as u16;
        let written = match (c.kind, cell) {
            (_, Cell::Empty) => Ok(&mut *sheet),
            (Kind::Date, Cell::Text(t)) => match ExcelDateTime::parse_from_str(t) {
                Ok(d) => sheet.write_datetime_with_format(row, i, &d, &f.date),
                Err(_) => sheet.write_string(row, i, t),
            },
            (_, Cell::Text(t)) => sheet.write_string(row, i, t),
            (Kind::Money, Cell::Int(v)) => sheet.write_number_with_format(row, i, *v as f64 / 100.0, &f.money),
            (Kind::Percent, Cell::Int(v)) => sheet.write_number_with_format(row, i, *v as f64 / 10_000.0, &f.percent),
            (Kind::Number, Cell::Int(v)) => sheet.write_number_with_format(row, i, *v as f64, &f.number),
            (_, Cell::Int(v)) => sheet.write_number_with_format(row, i, *v as f64, &f.integer),
            (Kind::Money, Cell::Number(v)) => sheet.write_number_with_format(row, i, v / 100.0, &f.money),
            (Kind::Percent, Cell::Number(v)) => sheet.write_number_with_format(row, i, v / 10_000.0, &f.percent),
            (_, Cell::Number(v)) => sheet.write_number_with_format(row, i, *v, &f.number),
        };
        written.map_err(failed)?;
    }
    Ok(())
}

/// Freezes the header at `header_row`, filters the table below it, and sets
/// up its printing ([`print_setup`]).
pub fn finish(sheet: &mut Worksheet, header_row: u32, rows: usize, columns: &[Column<'_>], f: &Formats) -> Result<()> {
    sheet.set_freeze_panes(header_row + 1, 0).map_err(failed)?;
    if !columns.is_empty() {
        sheet.autofilter(header_row, 0, header_row + rows as u32, columns.len() as u16 - 1).map_err(failed)?;
    }
    print_setup(sheet, header_row, columns, f)
}

/// A whole table: header at `row`, the rows, frozen and filtered. Returns the
/// row after the table.
pub fn table(
    sheet: &mut Worksheet,
    row: u32,
    columns: &[Column<'_>],
    rows: impl IntoIterator<Item = Vec<Cell>>,
    f: &Formats,
) -> Result<u32> {
    let mut r = header(sheet, row, columns, f)?;
    for cells in rows {
        write_row(sheet, r, columns, &cells, f)?;
        r += 1;
    }
    finish(sheet, row, (r - row - 1) as usize, columns, f)?;
    Ok(r)
}
