//! How every analysis workbook must print, checked in the xlsx package itself.
#![allow(dead_code)]

use std::io::Read;
use std::path::Path;

use calamine::Reader;

/// A member of an xlsx package, as text.
pub fn member(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in {}", path.display()))
        .read_to_string(&mut text)
        .expect("read");
    text
}

/// The members whose names start with `prefix`, sorted.
pub fn members(path: &Path, prefix: &str) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let mut names: Vec<String> = zip.file_names().filter(|n| n.starts_with(prefix)).map(str::to_string).collect();
    names.sort();
    names
}

/// The analysis workbook at `path` opens, has rows and a native chart on a
/// chart sheet of its own, prints on A4 one page wide with its header row
/// repeated and numbered pages, and shows no internal code.
pub fn assert_prints(path: &Path, kind: &str) {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).expect("a workbook calamine opens");
    let first = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&first).expect("sheet");
    assert!(range.height() > 1, "{kind} has rows");
    // A native chart, in the package.
    assert!(!members(path, "xl/charts/chart").is_empty(), "{kind} has a chart");
    let sheet = member(path, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<pane") && sheet.contains("autoFilter"), "{kind}: frozen header and filter");
    // Every table sheet prints on A4, one page wide, its header row on every page, numbered pages.
    for sheet in members(path, "xl/worksheets/sheet") {
        let xml = member(path, &sheet);
        assert!(xml.contains(r#"paperSize="9""#), "{kind} {sheet}: A4");
        // fitToWidth 1 is the default and is left out.
        assert!(
            xml.contains(r#"fitToPage="1""#) && xml.contains(r#"fitToHeight="0""#),
            "{kind} {sheet}: one page wide"
        );
        assert!(xml.contains("第 &amp;P 页 / 共 &amp;N 页"), "{kind} {sheet}: page numbers");
        assert!(!xml.contains("<drawing"), "{kind} {sheet}: no chart among the rows, where a page break would cut it");
    }
    let workbook = member(path, "xl/workbook.xml");
    assert!(workbook.contains("_xlnm.Print_Titles"), "{kind}: the header row repeats");
    // Each chart on a sheet of its own, which prints as one page.
    assert!(!members(path, "xl/chartsheets/sheet").is_empty(), "{kind}: a chart sheet");
    // No internal code where a Chinese label belongs.
    let strings = member(path, "xl/sharedStrings.xml");
    for code in [
        "head_office",
        "territory",
        "region",
        "credit_term",
        "monthly_statement",
        "cash_on_delivery",
        "prepayment",
        "CreditTerm",
        "MonthlyStatement",
        "office",
        "manager",
        "expense",
    ] {
        assert!(!strings.contains(&format!(">{code}<")), "{kind}: the code {code} is shown");
    }
}
