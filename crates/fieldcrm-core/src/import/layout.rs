//! Where a sheet's table is. ERP and accounting exports put a title, a date
//! line or merged caption cells above the header, and totals (合计, 小计),
//! footnotes (制表人：…, 打印日期：…), blank separator rows and, when printed
//! page by page, the header again among the rows. The header is the row among
//! the first [`HEADER_SEARCH_ROWS`] filled rows whose cells best name the
//! import's fields (or the row the user chose); every row that is not data is
//! skipped and listed with its reason, never imported.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::fields;
use super::read::{FileFormat, Raw, Table, WideCells};
use crate::error::{Error, ProblemCode, Result};
use crate::model::ImportKind;

/// Filled rows the header is looked for in.
pub const HEADER_SEARCH_ROWS: usize = 20;
/// Skipped rows a sheet lists one by one at most (the count is always whole).
pub const MAX_LISTED: usize = 200;

/// Why a row is not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// A title, date line or caption above the header.
    AboveHeader,
    /// 合计, 小计, 总计 …
    Total,
    /// 制表人：, 打印日期：, 注： …
    Footnote,
    /// The header again (a multi-page export).
    RepeatedHeader,
    /// The second row of a two-row header.
    HeaderRow,
    /// Empty rows between the rows.
    Blank,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SkippedRow {
    /// The row number as the file shows it (the first of a blank run).
    pub row: u32,
    /// Rows in the run (1 unless blank).
    pub rows: u32,
    pub reason: SkipReason,
    /// What the row says (its first cells).
    pub text: String,
}

/// A file's sheet, read and laid out: its header and data rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub format: FileFormat,
    /// The text encoding of a csv file (`UTF-8`, `GB18030`, `UTF-16LE` …).
    pub encoding: Option<String>,
    pub sheets: Vec<String>,
    pub name: String,
    /// Row number (1-based, as the file shows it) of the header row.
    pub header_row: u32,
    /// Whether the header row was found (or chosen): false when no row among
    /// the first ones names a field, and the first filled row stands in.
    pub header_found: bool,
    pub headers: Vec<String>,
    /// The data rows with their file row numbers (a preview: the first ones).
    pub rows: Vec<(u32, Vec<Raw>)>,
    /// Data rows in the whole sheet.
    pub data_rows: u32,
    /// Rows that are not data, in file order (at most [`MAX_LISTED`]).
    pub skipped: Vec<SkippedRow>,
    /// Rows that are not data, all of them (blank runs count their rows).
    pub skipped_rows: u32,
    pub wide: Option<WideCells>,
    pub hash: String,
    pub file_name: String,
}

/// Lays out `table` for an import of `kind`: its header (`header_row`, or the
/// best row found), the rows above it, and below it the data rows and those
/// that are not data.
pub fn arrange(table: Table, kind: ImportKind, header_row: Option<u32>) -> Result<Sheet> {
    let Table { format, encoding, sheets, name, rows, filled_rows, contiguous, wide, hash, file_name } = table;
    // Every filled row is here unless a preview left some out.
    let complete = rows.len() as u32 == filled_rows;
    let texts = |cells: &[Raw]| cells.iter().map(Raw::display).collect::<Vec<String>>();
    let (header_at, header_found) = match header_row {
        Some(chosen) => match rows.iter().position(|(n, _)| *n == chosen) {
            Some(i) => (i, true),
            None => {
                let filled: Vec<String> = rows.iter().take(HEADER_SEARCH_ROWS).map(|(n, _)| n.to_string()).collect();
                return Err(Error::invalid(
                    "headerRow",
                    ProblemCode::NoHeader,
                    format!(
                        "row {chosen} of '{name}' is empty or beyond the first rows; choose the header among rows {}",
                        filled.join(", ")
                    ),
                ));
            }
        },
        None => {
            let best = rows
                .iter()
                .take(HEADER_SEARCH_ROWS)
                .enumerate()
                .map(|(i, (_, cells))| (fields::header_score(kind, &texts(cells)), i))
                // The best score, the earliest row among equals.
                .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            match best {
                Some((score, i)) if score > 0 => (i, true),
                _ => (0, false),
            }
        }
    };
    let Some((header_number, header_cells)) = rows.get(header_at) else {
        return Err(Error::invalid(
            "file",
            ProblemCode::EmptySheet,
            format!("the sheet '{name}' of {file_name} is empty; choose the sheet with the data"),
        ));
    };
    let header_number = *header_number;
    let mut headers = texts(header_cells);
    // A two-row header (captions merged over several columns above their
    // fields, or names merged down over both rows): the row right above or
    // right below lends the names of fields to the header's blank cells, or
    // to cells that name no field.
    let neighbour = |i: Option<usize>, step: i64| {
        i.and_then(|i| rows.get(i)).filter(|(n, _)| i64::from(*n) == i64::from(header_number) + step)
    };
    let above = neighbour(header_at.checked_sub(1), -1);
    let below = neighbour(Some(header_at + 1), 1);
    let mut header_rows = 1;
    for (part, is_below) in [(above, false), (below, true)] {
        let Some((_, cells)) = part else { continue };
        if is_below && not_data_anywhere(cells).is_some() {
            continue;
        }
        let lent = lend_names(kind, &mut headers, cells);
        if is_below && lent {
            header_rows = 2;
        }
    }
    let mut layout = Layout { skipped: vec![], skipped_rows: 0, not_data: 0 };
    for (number, cells) in &rows[..header_at] {
        layout.skip(*number, 1, SkipReason::AboveHeader, cells);
    }
    let mut data = vec![];
    let mut previous = header_number;
    let mut rows = rows.into_iter().enumerate().skip(header_at + 1);
    if header_rows == 2 {
        if let Some((_, (number, cells))) = rows.next() {
            layout.skip(number, 1, SkipReason::HeaderRow, &cells);
            previous = number;
        }
    }
    for (i, (number, cells)) in rows {
        if i < contiguous && number > previous + 1 && !data.is_empty() {
            layout.skip(previous + 1, number - previous - 1, SkipReason::Blank, &[]);
        }
        previous = number;
        match not_data(&cells, &headers) {
            Some(reason) => {
                layout.not_data += 1;
                layout.skip(number, 1, reason, &cells);
            }
            None => data.push((number, cells)),
        }
    }
    // Blank rows after the last data row are the end of the table, not separators.
    if let Some(last) = data.last().map(|(n, _)| *n) {
        while layout.skipped.last().is_some_and(|s| s.reason == SkipReason::Blank && s.row > last) {
            if let Some(s) = layout.skipped.pop() {
                layout.skipped_rows -= s.rows;
            }
        }
    }
    let data_rows = if complete {
        data.len() as u32
    } else {
        filled_rows.saturating_sub(header_at as u32 + header_rows).saturating_sub(layout.not_data)
    };
    if data_rows == 0 && header_found {
        return Err(Error::invalid(
            "file",
            ProblemCode::NoRows,
            format!(
                "the sheet '{name}' of {file_name} has a header row (row {header_number}) but no rows of data below it; nothing to import"
            ),
        ));
    }
    Ok(Sheet {
        format,
        encoding,
        sheets,
        name,
        header_row: header_number,
        header_found,
        headers,
        rows: data,
        data_rows,
        skipped: layout.skipped,
        skipped_rows: layout.skipped_rows,
        wide,
        hash,
        file_name,
    })
}

/// Gives the header's blank cells, and those naming no field, the names of
/// fields that `cells` (a row next to it) holds in their columns; whether it
/// gave any.
fn lend_names(kind: ImportKind, headers: &mut Vec<String>, cells: &[Raw]) -> bool {
    let mut lent = false;
    for (i, cell) in cells.iter().enumerate() {
        let text = cell.display();
        if text.is_empty() {
            continue;
        }
        let named = fields::suggest(kind, headers);
        if named.get(i).is_some_and(Option::is_some) {
            continue;
        }
        let mut trial = headers.clone();
        trial.resize(trial.len().max(i + 1), String::new());
        trial[i] = text;
        let field = fields::suggest(kind, &trial)[i].clone();
        if field.is_some() && !named.contains(&field) {
            *headers = trial;
            lent = true;
        }
    }
    lent
}

/// Rows a preview keeps in full from the top of a sheet.
pub const HEAD_KEPT: usize = 60;

struct Layout {
    skipped: Vec<SkippedRow>,
    skipped_rows: u32,
    /// Filled rows below the header that are not data.
    not_data: u32,
}

impl Layout {
    fn skip(&mut self, row: u32, rows: u32, reason: SkipReason, cells: &[Raw]) {
        self.skipped_rows += rows;
        if self.skipped.len() < MAX_LISTED {
            let text: Vec<String> = cells.iter().map(Raw::display).filter(|t| !t.is_empty()).take(4).collect();
            let mut text = text.join(" ");
            if text.chars().count() > 60 {
                text = text.chars().take(59).chain(['…']).collect();
            }
            self.skipped.push(SkippedRow { row, rows, reason, text });
        }
    }
}

/// Text as compared for totals and footnotes: no spaces of any width, ASCII
/// letters and digits, lower case.
fn plain(text: &str) -> String {
    super::value::ascii_width(text).chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

const TOTAL_WORDS: &[&str] = &["合计", "小计", "总计", "共计", "总合计", "累计"];
const TOTAL_WORDS_EN: &[&str] = &["total", "subtotal", "grandtotal", "sum", "totals"];
const FOOTNOTE_WORDS: &[&str] = &[
    "制表人",
    "制表日期",
    "制表时间",
    "制表",
    "制单人",
    "制单",
    "填表人",
    "填报人",
    "打印日期",
    "打印时间",
    "打印人",
    "审核人",
    "审核",
    "复核人",
    "复核",
    "经办人",
    "财务主管",
    "报表日期",
    "导出日期",
    "导出时间",
    "数据来源",
    "单位",
    "注",
    "说明",
    "备注",
];

/// Whether a cell's text marks a total row: 合计, 本月小计, 合计（元）, Total …
pub fn is_total(text: &str) -> bool {
    let t = plain(text);
    let t = t.trim_end_matches([':', '：']);
    if TOTAL_WORDS.contains(&t) || TOTAL_WORDS_EN.contains(&t) {
        return true;
    }
    let short = t.chars().count() <= 8;
    let ends = TOTAL_WORDS.iter().any(|w| t.ends_with(w));
    let opens = TOTAL_WORDS
        .iter()
        .any(|w| t.strip_prefix(w).is_some_and(|rest| rest.starts_with(['(', '（', ':', '：', '[', '【'])));
    (short && ends) || opens
}

/// Whether a cell's text is a footnote's: 制表人：张三, 打印日期：2026-11-30, 注：…
pub fn is_footnote(text: &str) -> bool {
    let t = plain(text);
    FOOTNOTE_WORDS.iter().any(|w| t.strip_prefix(w).is_some_and(|rest| rest.starts_with([':', '：'])))
}

/// Whether a row is not data whatever the import: a total or a footnote.
pub fn not_data_anywhere(cells: &[Raw]) -> Option<SkipReason> {
    let filled: Vec<String> = cells.iter().filter(|c| !c.is_empty()).map(Raw::display).collect();
    if filled.iter().take(3).any(|t| is_total(t)) {
        return Some(SkipReason::Total);
    }
    if filled.len() <= 3 && filled.first().is_some_and(|t| is_footnote(t)) {
        return Some(SkipReason::Footnote);
    }
    None
}

fn not_data(cells: &[Raw], headers: &[String]) -> Option<SkipReason> {
    if let Some(reason) = not_data_anywhere(cells) {
        return Some(reason);
    }
    let named: Vec<&String> = headers.iter().filter(|h| !h.is_empty()).collect();
    let same = headers.iter().zip(cells).filter(|(h, c)| !h.is_empty() && c.display() == **h).count();
    (named.len() >= 2 && same * 2 >= named.len() || named.len() == 1 && same == 1).then_some(SkipReason::RepeatedHeader)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(u32, &[&str])]) -> Table {
        Table {
            format: FileFormat::Csv,
            encoding: None,
            sheets: vec!["s".into()],
            name: "s".into(),
            rows: rows
                .iter()
                .map(|(n, cells)| {
                    (
                        *n,
                        cells
                            .iter()
                            .map(|c| if c.is_empty() { Raw::Empty } else { Raw::Text(c.to_string()) })
                            .collect(),
                    )
                })
                .collect(),
            filled_rows: rows.len() as u32,
            contiguous: rows.len(),
            wide: None,
            hash: String::new(),
            file_name: "f.csv".into(),
        }
    }

    #[test]
    fn the_header_below_a_title_and_a_date_line_is_found_and_totals_and_footnotes_are_skipped() {
        let t = table(&[
            (1, &["2026年11月客户档案"]),
            (2, &["制表日期：2026-11-30", "", "单位：元"]),
            (4, &["客户名称", "客户编码", "联系电话"]),
            (5, &["华星农资", "C001", "13800000001"]),
            (7, &["丰收商行", "C002", "13800000002"]),
            (8, &["合计", "", ""]),
            (9, &["制表人：王芳"]),
        ]);
        let s = arrange(t, ImportKind::Customers, None).expect("arranged");
        assert_eq!(s.header_row, 4);
        assert!(s.header_found);
        assert_eq!(s.headers, ["客户名称", "客户编码", "联系电话"]);
        assert_eq!(s.rows.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [5, 7]);
        let reasons: Vec<(u32, SkipReason)> = s.skipped.iter().map(|k| (k.row, k.reason)).collect();
        assert_eq!(
            reasons,
            [
                (1, SkipReason::AboveHeader),
                (2, SkipReason::AboveHeader),
                (6, SkipReason::Blank),
                (8, SkipReason::Total),
                (9, SkipReason::Footnote)
            ]
        );
        assert_eq!(s.data_rows, 2);
    }

    #[test]
    fn a_chosen_header_row_wins_and_a_sheet_naming_no_field_has_no_header() {
        let rows: &[(u32, &[&str])] = &[(1, &["甲", "乙"]), (2, &["x", "y"]), (3, &["a", "b"])];
        let s = arrange(table(rows), ImportKind::Customers, None).expect("arranged");
        assert!(!s.header_found);
        let s = arrange(table(rows), ImportKind::Customers, Some(2)).expect("arranged");
        assert!(s.header_found);
        assert_eq!(s.header_row, 2);
        assert_eq!(s.rows.len(), 1);
        let Err(Error::Invalid(p)) = arrange(table(rows), ImportKind::Customers, Some(9)) else { panic!("row 9") };
        assert_eq!(p[0].code, "no_header");
    }

    #[test]
    fn a_two_row_header_takes_the_names_merged_above_and_a_repeated_header_is_skipped() {
        let t = table(&[
            (1, &["客户名称", "联系方式", ""]),
            (2, &["", "电话", "地址"]),
            (3, &["华星农资", "13800000001", "临沂"]),
            (4, &["", "电话", "地址"]),
            (5, &["丰收商行", "13800000002", "兰陵"]),
        ]);
        let s = arrange(t, ImportKind::Customers, None).expect("arranged");
        assert_eq!(s.header_row, 2);
        assert_eq!(s.headers, ["客户名称", "电话", "地址"]);
        assert_eq!(s.rows.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [3, 5]);
        assert_eq!(s.skipped.iter().filter(|k| k.reason == SkipReason::RepeatedHeader).count(), 1);
    }

    #[test]
    fn a_header_whose_names_are_merged_down_takes_the_fields_under_its_captions() {
        // 客户名称 merged over rows 3–4; 联系方式 a caption over 电话 and 地址.
        let t = table(&[
            (1, &["客户档案"]),
            (3, &["客户名称", "联系方式", "", "客户等级"]),
            (4, &["", "电话", "地址", ""]),
            (5, &["华星农资", "13800000001", "临沂", "A"]),
        ]);
        let s = arrange(t, ImportKind::Customers, None).expect("arranged");
        assert_eq!(s.header_row, 3);
        assert_eq!(s.headers, ["客户名称", "电话", "地址", "客户等级"]);
        assert_eq!(s.rows.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [5]);
        let reasons: Vec<(u32, SkipReason)> = s.skipped.iter().map(|k| (k.row, k.reason)).collect();
        assert_eq!(reasons, [(1, SkipReason::AboveHeader), (4, SkipReason::HeaderRow)]);
    }

    #[test]
    fn totals_and_footnotes_are_told_from_names() {
        for t in ["合计", "合 计", "本月合计", "合计（元）", "小计:", "总计", "Total", "Grand Total"] {
            assert!(is_total(t), "{t}");
        }
        for t in ["合计农资有限公司", "华星农资合计销售有限责任公司", "累计积分商行"] {
            assert!(!is_total(t), "{t}");
        }
        for t in ["制表人：王芳", "打印日期: 2026-11-30", "注：金额含税", "单位：元"] {
            assert!(is_footnote(t), "{t}");
        }
        for t in ["制表印刷厂", "注塑五金店", "单位名称"] {
            assert!(!is_footnote(t), "{t}");
        }
    }
}
