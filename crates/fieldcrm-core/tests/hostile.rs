//! Spreadsheets built to hurt, each a few kilobytes made here: a cell at the
//! sheet's far corner, rows beyond Excel's last, a 1.1 GB cell, a zip bomb,
//! xls and ods workbooks whose repeated rows and columns lay out billions of
//! cells, an unclosed csv quote, a cell over Excel's 32,767 characters, more
//! rows than a sheet has. Each is refused by the wizard's preview, a dry run
//! and a commit alike, with a message naming the limit, while the memory it
//! costs stays in proportion to the file; the book is as it was.
//!
//! One test: the peak of what the allocator holds is measured per file, and
//! nothing else may run meanwhile.

#[path = "sync/world.rs"]
mod world;

use std::io::{Cursor, Write};
use std::path::Path;

use fieldcrm_alloc::{Metered, MiMalloc};
use fieldcrm_core::import::{Cancel, ImportRequest};
use fieldcrm_core::model::ImportKind;
use fieldcrm_core::{ApiError, Book};
use serde_json::json;
use world::World;
use zip::write::SimpleFileOptions;

#[global_allocator]
static ALLOCATOR: Metered<MiMalloc> = Metered(MiMalloc);

const MIB: usize = 1024 * 1024;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SST_OPEN: &str =
    r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

fn cell(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

fn row(number: u64, cells: &[String]) -> String {
    format!(r#"<row r="{number}">{}</row>"#, cells.concat())
}

/// A customer list's first rows: a header and one card.
fn table() -> String {
    row(1, &[cell("A1", "客户名称"), cell("B1", "电话")])
        + &row(2, &[cell("A2", "华星农资"), cell("B2", "13800000001")])
}

/// An xlsx workbook with one sheet, written by hand: its dimension and rows
/// as given, and its shared strings written by `strings` (none by default).
/// Writes a workbook's shared strings.
type Strings<'a> = &'a dyn Fn(&mut dyn Write);

fn xlsx(dimension: &str, rows: &str, strings: Option<Strings<'_>>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(vec![]));
    let deflated = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    );
    for (name, text) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", &sheet),
    ] {
        zip.start_file(name, deflated).expect("member");
        zip.write_all(text.as_bytes()).expect("write");
    }
    zip.start_file("xl/sharedStrings.xml", deflated.compression_level(Some(9))).expect("member");
    zip.write_all(SST_OPEN.as_bytes()).expect("write");
    if let Some(strings) = strings {
        strings(&mut zip);
    }
    zip.write_all(b"</sst>").expect("write");
    zip.finish().expect("zip").into_inner()
}

/// Writes `bytes` `times` times.
fn repeat(out: &mut dyn Write, bytes: &[u8], times: usize) {
    for _ in 0..times {
        out.write_all(bytes).expect("write");
    }
}

/// An ods workbook whose one row, repeated to Excel's last, holds a value
/// repeated across every column.
fn ods_spread() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(vec![]));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).expect("member");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").expect("write");
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="客户"><table:table-row><table:table-cell office:value-type="string"><text:p>客户名称</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    zip.start_file("content.xml", SimpleFileOptions::default()).expect("member");
    zip.write_all(content.as_bytes()).expect("write");
    zip.finish().expect("zip").into_inner()
}

/// A BIFF8 record.
fn record(out: &mut Vec<u8>, id: u16, data: &[u8]) {
    out.extend(id.to_le_bytes());
    out.extend((data.len() as u16).to_le_bytes());
    out.extend(data);
}

/// An xls workbook whose one sheet has a number in its first cell and one in
/// its last (row 65,536, column 256).
fn xls_corners() -> Vec<u8> {
    let bof = |kind: u16| [&0x0600u16.to_le_bytes()[..], &kind.to_le_bytes(), &[0; 12]].concat();
    let number =
        |row: u16, col: u16| [&row.to_le_bytes()[..], &col.to_le_bytes(), &[0, 0], &1.0f64.to_le_bytes()].concat();
    let mut globals = vec![];
    record(&mut globals, 0x0809, &bof(0x0005));
    // BOUNDSHEET: the sheet's offset is patched in below.
    let sheet_name = [&[0u8; 4][..], &[0, 0, 1, 0], b"S"].concat();
    let at = globals.len() + 4;
    record(&mut globals, 0x0085, &sheet_name);
    record(&mut globals, 0x000A, &[]);
    let offset = globals.len() as u32;
    globals[at..at + 4].copy_from_slice(&offset.to_le_bytes());
    record(&mut globals, 0x0809, &bof(0x0010));
    record(&mut globals, 0x0203, &number(0, 0));
    record(&mut globals, 0x0203, &number(65_535, 255));
    record(&mut globals, 0x000A, &[]);
    let mut file = cfb::CompoundFile::create(Cursor::new(vec![])).expect("cfb");
    file.create_stream("/Workbook").expect("stream").write_all(&globals).expect("write");
    file.flush().expect("flush");
    file.into_inner().into_inner()
}

fn request(path: &Path) -> ImportRequest {
    ImportRequest::new(path.display().to_string(), ImportKind::Customers)
}

fn state(book: &Book) -> serde_json::Value {
    json!({
        "cards": world::cards(book),
        "pending": book.sync_status().expect("sync").pending_total,
        "imports": book.sales_overview().expect("overview"),
    })
}

fn codes(e: &ApiError) -> Vec<String> {
    e.problems.iter().map(|p| p.code.to_string()).collect()
}

/// Runs `f`, returning its result and the most memory it held at once beyond
/// what was held before.
fn measured<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = Metered::<MiMalloc>::held();
    Metered::<MiMalloc>::reset_peak();
    let out = f();
    (out, Metered::<MiMalloc>::peak().saturating_sub(before))
}

#[test]
fn files_built_to_hurt_are_refused_in_memory_bounded_by_what_they_hold() {
    let w = World::new(1);
    let office = &w.office.book;
    let dir = tempfile::tempdir().expect("tempdir");
    let before = state(office);

    let made = std::time::Instant::now();
    let huge_cell = |out: &mut dyn Write| {
        out.write_all(b"<si><t>").expect("write");
        repeat(out, &[b'x'; 1024 * 1024], 1100);
        out.write_all(b"</t></si>").expect("write");
    };
    let digits = |out: &mut dyn Write| {
        let text: String = (0..300_000u32).map(|i| i.to_string()).collect();
        out.write_all(format!("<si><t>{text}</t></si>").as_bytes()).expect("write");
    };
    // 300 MB of empty tags packed a thousand times.
    let bomb = |out: &mut dyn Write| repeat(out, &b"<x/>".repeat(4096), 19_200);
    // Nine million short texts, each different: they pack only about ten times.
    let strings = |out: &mut dyn Write| {
        let mut chunk = String::new();
        for i in 0..9_000_000u32 {
            chunk.push_str(&format!("<si><t>{i:x}</t></si>"));
            if chunk.len() > 1 << 20 {
                out.write_all(chunk.as_bytes()).expect("write");
                chunk.clear();
            }
        }
        out.write_all(chunk.as_bytes()).expect("write");
    };
    let long_text = "长".repeat(40_000);
    let mut many_rows = String::from("客户名称\n");
    for i in 0..1_048_577 {
        many_rows.push_str(&format!("{i}\n"));
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "角落.xlsx",
            xlsx(
                "A1:XFD1048576",
                &(row(1, &[cell("A1", "客户名称")]) + &row(1_048_576, &[cell("XFD1048576", "x")])),
                None,
            ),
            "no_rows",
        ),
        ("声明.xlsx", xlsx("A1:Z13600000", &table(), None), "beyond_sheet"),
        ("远行.xlsx", xlsx("A1:B2", &(table() + &row(10_000_000, &[cell("A10000000", "x")])), None), "beyond_sheet"),
        (
            "长格.xlsx",
            xlsx("A1:B2", &(table() + r#"<row r="3"><c r="A3" t="s"><v>0</v></c></row>"#), Some(&huge_cell)),
            "unzips_too_big",
        ),
        // A 2 MB cell that packs as text does.
        (
            "长字.xlsx",
            xlsx("A1:B2", &(table() + r#"<row r="3"><c r="A3" t="s"><v>0</v></c></row>"#), Some(&digits)),
            "cell_too_long",
        ),
        ("炸弹.xlsx", xlsx("A1:B2", &table(), Some(&bomb)), "unzips_too_big"),
        ("多串.xlsx", xlsx("A1:B2", &table(), Some(&strings)), "too_many_cells"),
        ("铺满.ods", ods_spread(), "too_many_cells"),
        ("两角.xls", xls_corners(), "too_many_cells"),
        ("引号.csv", "客户名称,电话\n\"华星农资,1380000\n丰收,1\n".as_bytes().to_vec(), "unclosed_quote"),
        ("超长.csv", format!("客户名称,备注\n华星农资,{long_text}\n").into_bytes(), "cell_too_long"),
        ("行多.csv", many_rows.into_bytes(), "too_many_rows"),
    ];
    eprintln!("files made in {} ms", made.elapsed().as_millis());
    let mut report = vec![];
    for (name, bytes, code) in cases {
        let started = std::time::Instant::now();
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).expect("write");
        let size = bytes.len();
        drop(bytes);
        // What the file may cost: what is in it several times over, and a little.
        let bound = 16 * MIB + 8 * size;
        let (preview, peak) =
            measured(|| office.import_preview(&path, ImportKind::Customers, None, None).expect_err(name));
        assert_eq!(codes(&preview), [code], "{name} preview: {}", preview.message);
        assert!(peak < bound, "{name}: the preview held {peak} bytes of a {size}-byte file");
        for commit in [false, true] {
            let (e, run_peak) =
                measured(|| office.import(&request(&path), commit, &mut |_| {}, &Cancel::default()).expect_err(name));
            assert_eq!(codes(&e), [code], "{name}: {}", e.message);
            assert_eq!(e.message, preview.message, "{name}: the preview and the import say the same");
            assert!(run_peak < bound, "{name}: the import held {run_peak} bytes of a {size}-byte file");
        }
        assert!(!preview.message.is_empty() && preview.message.contains(name.split('.').next().unwrap_or(name)));
        report.push(format!(
            "{name:<12} {size:>10} bytes  preview peak {:>6} KB  {code}  ({} ms)",
            peak / 1024,
            started.elapsed().as_millis()
        ));
        assert_eq!(state(office), before, "{name} left the book as it was");
    }
    eprintln!("{}", report.join("\n"));
}
