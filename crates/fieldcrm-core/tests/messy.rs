//! Messy but honest spreadsheets, as ERPs, accounting programs and offices
//! export them: a title and a date line above a two-row header with merged
//! cells, subtotals, totals and footnotes among the rows, full-width phone
//! numbers and country codes, grades written as their labels, names that
//! differ only by brackets or the legal form, a GBK csv of sales lines with a
//! title and European decimals. Each imports exactly the cards and sales lines
//! it holds, with the problems of its rows, and nothing of what is not data.

#[path = "sync/world.rs"]
mod world;

use std::path::Path;

use fieldcrm_core::import::layout::SkipReason;
use fieldcrm_core::import::{Cancel, ImportRequest, RowAction, SheetImportReport};
use fieldcrm_core::model::ImportKind;
use fieldcrm_core::{ApiError, Book};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;
use world::World;

fn request(path: &Path, kind: ImportKind) -> ImportRequest {
    ImportRequest::new(path.display().to_string(), kind)
}

fn import(book: &Book, req: &ImportRequest, commit: bool) -> Result<SheetImportReport, ApiError> {
    book.import(req, commit, &mut |_| {}, &Cancel::default())
}

fn outcome(report: &SheetImportReport, row: u32) -> (RowAction, Vec<String>) {
    let o = report.outcomes.iter().find(|o| o.row == row).unwrap_or_else(|| panic!("row {row}: {report:#?}"));
    (o.action, o.problems.iter().map(|p| p.code.to_string()).collect())
}

fn skipped(report: &SheetImportReport) -> Vec<(u32, SkipReason)> {
    report.skipped_rows_list.iter().map(|s| (s.row, s.reason)).collect()
}

/// An ERP's customer export: a merged title, a date line, a header over rows
/// 3–4 (客户名称, 客户等级, 信用等级 and 负责人 merged down; 联系方式 a caption
/// merged across 电话 and 地址), a subtotal, a blank row, the total and a footnote.
fn customers_workbook(path: &Path, rep: &str) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("客户档案").expect("sheet");
    let plain = Format::new();
    sheet.merge_range(0, 0, 0, 5, "华丰农业 客户档案", &plain).expect("title");
    sheet.write_string(1, 0, "导出日期：2026-11-30").expect("date");
    sheet.write_string(1, 4, "单位：元").expect("unit");
    for (col, name) in [(0, "客户名称"), (3, "客户等级"), (4, "信用等级"), (5, "负责人")] {
        sheet.merge_range(2, col, 3, col, name, &plain).expect("merged name");
    }
    sheet.merge_range(2, 1, 2, 2, "联系方式", &plain).expect("caption");
    sheet.write_string(3, 1, "电话").expect("phone");
    sheet.write_string(3, 2, "地址").expect("address");
    let rows: [&[&str]; 8] = [
        &["华星农资（寿光）有限公司", "１３８ ０００１ ２２２２", "寿光市农圣街 1 号", "A类", "信用 B", rep],
        &["华星农资(寿光)有限责任公司", "+86 138-0001-3333", "寿光市农圣街 9 号", "b", "A", rep],
        &["丰收商行", "0536-1234567", "", "重点", "", rep],
        &["小计", "", "", "", "", ""],
        &[],
        &["绿野农资", "0086 13800014444", "", "C 类", "信用C", rep],
        &["合 计", "", "", "", "", ""],
        &["制表人：王芳"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(4 + r as u32, c as u16, *cell).expect("cell");
        }
    }
    book.save(path).expect("save");
}

#[test]
fn an_erp_customer_export_imports_its_customers_and_nothing_else() {
    let w = World::new(1);
    let office = &w.office.book;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("客户档案.xlsx");
    customers_workbook(&file, &w.people[0].name);

    let preview = office.import_preview(&file, ImportKind::Customers, None, None).expect("preview");
    assert_eq!(preview.header_row, 3);
    assert!(preview.header_found);
    assert_eq!(preview.headers, ["客户名称", "电话", "地址", "客户等级", "信用等级", "负责人"]);
    assert_eq!(preview.rows, 4);

    let dry = import(office, &request(&file, ImportKind::Customers), false).expect("dry run");
    assert_eq!((dry.rows, dry.created, dry.refused), (4, 3, 1), "{dry:#?}");
    assert_eq!(dry.header_row, 3);
    assert_eq!(
        skipped(&dry),
        [
            (1, SkipReason::AboveHeader),
            (2, SkipReason::AboveHeader),
            (4, SkipReason::HeaderRow),
            (8, SkipReason::Total),
            (9, SkipReason::Blank),
            (11, SkipReason::Total),
            (12, SkipReason::Footnote),
        ]
    );
    // Row 6 differs from row 5 only by brackets and the legal form.
    assert_eq!(outcome(&dry, 6), (RowAction::Create, vec!["duplicate".to_string()]));
    // 重点 is no customer grade; the message names those there are.
    let (action, codes) = outcome(&dry, 7);
    assert_eq!((action, codes), (RowAction::Refuse, vec!["unknown_code".to_string()]));
    let refused = dry.outcomes.iter().find(|o| o.row == 7).expect("row 7");
    assert!(refused.problems[0].message.contains("A 类"), "{}", refused.problems[0].message);

    let done = import(office, &request(&file, ImportKind::Customers), true).expect("import");
    assert_eq!((done.created, done.refused), (3, 1));
    let cards = world::cards(office);
    let by_name = |name: &str| -> &Value {
        cards.values().find(|c| c["fields"]["name"] == name).unwrap_or_else(|| panic!("no card {name}"))
    };
    let cases = [
        ("华星农资（寿光）有限公司", "13800012222", "A", "B"),
        ("华星农资(寿光)有限责任公司", "13800013333", "B", "A"),
        ("绿野农资", "13800014444", "C", "C"),
    ];
    for (name, phone, grade, credit) in cases {
        let card = by_name(name);
        assert_eq!(card["fields"]["phone"], phone, "{name}: the phone as the book keeps it");
        assert_eq!(card["grading"]["grade"], grade, "{name}");
        assert_eq!(card["grading"]["gradeManual"], true, "{name}: an imported grade is a decision");
        assert_eq!(card["grading"]["creditGrade"], credit, "{name}");
    }
    assert_eq!(cards.len(), 3, "no card for a subtotal, a total or a footnote");
    // Found by the digits typed in full width.
    let found = office
        .search_customers(&fieldcrm_core::search::CustomerQuery { text: "13800012222".into(), ..Default::default() })
        .expect("search");
    assert_eq!(found.total, 1);
}

#[test]
fn a_rep_may_not_set_grades_by_import() {
    let w = World::new(1);
    let rep = &w.people[0].book;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("客户.csv");
    std::fs::write(&file, "客户名称,电话,客户等级\n金穗农资,13700000001,A\n田丰种业,13700000002,\n").expect("write");
    let dry = import(rep, &request(&file, ImportKind::Customers), false).expect("dry run");
    assert_eq!(outcome(&dry, 2), (RowAction::Refuse, vec!["grade_by_manager".to_string()]));
    assert_eq!(outcome(&dry, 3).0, RowAction::Create);
}

/// Head office with the product the sales lines name, and their customer.
fn office_with_a_customer(w: &World, at: &Path) {
    let products = at.join("产品.csv");
    std::fs::write(&products, "产品编码,产品名称,单位\nP01,复合肥 15-15-15,袋\n").expect("write");
    import(&w.office.book, &request(&products, ImportKind::Products), true).expect("products");
    let customers = at.join("客户.csv");
    std::fs::write(&customers, format!("客户名称,负责人\n华星农资,{}\n", w.people[0].name)).expect("write");
    let r = import(&w.office.book, &request(&customers, ImportKind::Customers), true).expect("customers");
    assert_eq!(r.created, 1);
}

#[test]
fn a_gbk_sales_file_with_european_decimals_imports_only_when_its_convention_is_chosen() {
    let w = World::new(1);
    let office = &w.office.book;
    let dir = tempfile::tempdir().expect("tempdir");
    office_with_a_customer(&w, dir.path());
    let file = dir.path().join("销售明细.csv");
    let text = "销售明细（2026 年 10 月）\n\
                客户名称;产品编码;日期;数量;金额;单号\n\
                华星农资;P01;2026-10-08;10;1.650,00;D1\n\
                华星农资;P01;2026-10-09;2,5;412,50;D2\n\
                合计;;;12,5;2.062,50;\n";
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    std::fs::write(&file, &bytes).expect("write");

    // Read with a decimal point, each amount reads another way only: refused, row by row, with its text.
    let dry = import(office, &request(&file, ImportKind::Sales), false).expect("dry run");
    assert_eq!((dry.rows, dry.refused), (2, 2), "{dry:#?}");
    let (_, codes) = outcome(&dry, 3);
    assert!(codes.iter().all(|c| c == "ambiguous_decimal"), "{codes:?}");
    let message = &dry.outcomes.iter().find(|o| o.row == 3).expect("row 3").problems[0].message;
    assert!(message.contains("1.650,00"), "{message}");
    assert_eq!(skipped(&dry), [(1, SkipReason::AboveHeader), (5, SkipReason::Total)]);

    let comma = ImportRequest { decimal_comma: true, ..request(&file, ImportKind::Sales) };
    let done = import(office, &comma, true).expect("import");
    assert_eq!((done.created, done.refused), (2, 0), "{done:#?}");
    let overview = office.sales_overview().expect("overview");
    assert_eq!((overview.lines, overview.amount), (2, 206_250), "1,650.00 + 412.50 yuan, no total line");
}
