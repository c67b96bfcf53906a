//! Sales data through the facade: spreadsheet imports (xlsx and csv in UTF-8
//! and GBK; dry runs that write nothing; duplicates; bad files of every kind
//! refused with the book as it was), the six analyses on figures worked out
//! by hand, their Excel exports read back with an independent reader, and
//! sales lines reaching the reps who hold the cards.

mod common;
#[path = "common/workbook.rs"]
mod workbook;
#[path = "sync/world.rs"]
mod world;

use std::path::{Path, PathBuf};

use calamine::{Data, DataType, Reader};
use fieldcrm_core::api::sales::AnalysisKind;
use fieldcrm_core::grades::{GradeChange, GradeScale};
use fieldcrm_core::import::{Cancel, DuplicateChoice, DuplicateDecision, ImportRequest, RowAction, SheetImportReport};
use fieldcrm_core::model::ImportKind;
use fieldcrm_core::sales::analysis::AnalysisQuery;
use fieldcrm_core::search::CustomerQuery;
use fieldcrm_core::{ApiError, Book, ErrorCode};
use rust_xlsxwriter::Workbook;
use serde_json::json;
use world::{customer, World};

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// An xlsx file with one sheet of text cells (a number when it parses as one
/// and `numbers` is set).
fn xlsx(path: &Path, sheet: &str, rows: &[&[&str]], numbers: bool) {
    let mut book = Workbook::new();
    let s = book.add_worksheet().set_name(sheet).expect("sheet");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) if numbers && r > 0 => s.write_number(r as u32, c as u16, n).expect("cell"),
                _ => s.write_string(r as u32, c as u16, *cell).expect("cell"),
            };
        }
    }
    book.save(path).expect("save");
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn request(path: &Path, kind: ImportKind) -> ImportRequest {
    ImportRequest::new(path.display().to_string(), kind)
}

fn import(book: &Book, req: &ImportRequest, commit: bool) -> Result<SheetImportReport, ApiError> {
    book.import(req, commit, &mut |_| {}, &Cancel::default())
}

/// What a refused import must leave exactly as it was.
fn state(book: &Book) -> serde_json::Value {
    json!({
        "cards": world::cards(book),
        "products": book.products().expect("products"),
        "sales": book.sales_overview().expect("overview"),
        "pending": book.sync_status().expect("sync").pending_total,
    })
}

fn problem_codes(e: &ApiError) -> Vec<String> {
    e.problems.iter().map(|p| p.code.to_string()).collect()
}

fn year(from: &str, to: &str) -> AnalysisQuery {
    AnalysisQuery { from: from.into(), to: to.into(), unit_id: None }
}

/// Head office of a two-rep organisation with the product list imported.
fn office_with_products(w: &World, at: &Path) {
    let file = at.join("产品.csv");
    std::fs::write(
        &file,
        gbk("产品编码,产品名称,产品线,单位,单价（元）\nP01,复合肥 15-15-15,复合肥,袋,165.00\nP02,尿素 46%,氮肥,袋,\"1,180.50\"\nP03,生物有机肥,有机肥,袋,58\n"),
    )
    .expect("write");
    let report = import(&w.office.book, &request(&file, ImportKind::Products), true).expect("products");
    assert_eq!((report.created, report.refused), (3, 0), "{report:?}");
}

#[test]
fn a_gbk_product_list_imports_and_a_second_import_changes_only_what_changed() {
    let w = World::new(2);
    let at = dir();
    office_with_products(&w, at.path());
    let products = w.office.book.products().expect("products");
    let urea = products.iter().find(|p| p.code == "P02").expect("P02");
    assert_eq!((urea.name.as_str(), urea.list_price, urea.line.as_deref()), ("尿素 46%", Some(118_050), Some("氮肥")));

    let file = at.path().join("产品2.csv");
    std::fs::write(&file, gbk("产品编码,产品名称,产品线,单位,单价（元）\nP01,复合肥 15-15-15,复合肥,袋,170\nP03,生物有机肥,有机肥,袋,58\nP04,磷酸二氢钾,水溶肥,箱,240\n"))
        .expect("write");
    let report = import(&w.office.book, &request(&file, ImportKind::Products), true).expect("again");
    assert_eq!((report.created, report.updated, report.unchanged), (1, 1, 1));
    assert_eq!(w.office.book.products().expect("products").len(), 4);

    // Reps may read the catalogue, never import it.
    let refused = import(&w.people[0].book, &request(&file, ImportKind::Products), false).expect_err("rep");
    assert_eq!(refused.code, ErrorCode::Forbidden);
}

#[test]
fn a_dry_run_says_what_the_commit_does_and_writes_nothing() {
    let w = World::new(2);
    let office = &w.office.book;
    let at = dir();
    let existing = office
        .create_customer(&customer(
            "华星农资有限公司",
            json!({"phone": "13800000001", "code": "C001", "ownerId": w.people[0].staff_id}),
        ))
        .expect("card")
        .card
        .id;
    let reps = office.staff().expect("staff");
    let rep = reps.iter().find(|s| s.role == fieldcrm_core::model::StaffRole::Rep).expect("rep");
    let file = at.path().join("客户.xlsx");
    let rep_name = rep.name.as_str();
    xlsx(
        &file,
        "客户名单",
        &[
            &["客户编码", "客户名称", "联系电话", "渠道级别", "业务员", "联系人", "详细地址", "成立日期", "年销售额"],
            &[
                "C001",
                "华星农资有限公司",
                "13800000001",
                "经销商",
                rep_name,
                "王建国",
                "人民路1号",
                "2010-05-01",
                "1,200,000",
            ],
            &["", "华星农资", "13800000009", "零售", rep_name, "", "", "", ""],
            &["C100", "丰收农资店", "13900000002", "零售", rep_name, "李丰收", "胜利街8号", "2015/3/9", "80000"],
            &["C101", "绿野二批", "13900000003", "二批", rep_name, "", "", "40000", ""],
            &["C102", "", "13900000004", "零售", rep_name, "", "", "", ""],
            &["C103", "金穗农资", "13900000005", "批发", rep_name, "", "", "", ""],
            &["C104", "丰收农资店", "13900000002", "零售", rep_name, "", "", "", ""],
            &["C105", "远方农资", "13900000006", "零售", "查无此人", "", "", "", ""],
        ],
        true,
    );
    let before = state(office);
    let req = request(&file, ImportKind::Customers);
    let dry = import(office, &req, false).expect("dry run");
    assert!(!dry.committed);
    assert_eq!(state(office), before, "a dry run writes nothing");
    let by_row = |r: &SheetImportReport, row: u32| r.outcomes.iter().find(|o| o.row == row).cloned().expect("row");
    assert_eq!(by_row(&dry, 2).action, RowAction::Update, "the code names an existing card");
    assert_eq!(by_row(&dry, 3).action, RowAction::Duplicate, "the same name less the legal form");
    assert_eq!(by_row(&dry, 3).candidates[0].customer_id, existing);
    assert_eq!(by_row(&dry, 3).candidates[0].reason, "similar_name");
    assert_eq!(by_row(&dry, 4).action, RowAction::Create);
    assert_eq!(by_row(&dry, 5).action, RowAction::Create, "a date as an Excel serial");
    assert_eq!(by_row(&dry, 6).problems[0].field, "客户名称", "problems name the column");
    assert_eq!(by_row(&dry, 6).problems[0].code, "required");
    assert_eq!(by_row(&dry, 7).problems[0].code, "unknown_choice");
    assert_eq!(by_row(&dry, 8).problems[0].code, "repeated", "the same customer twice in one file");
    assert_eq!(by_row(&dry, 9).problems[0].code, "unknown_person");
    assert_eq!((dry.created, dry.updated, dry.duplicates, dry.refused), (2, 1, 1, 4));
    assert_eq!(dry.outcomes[0].action, RowAction::Duplicate, "problems are listed first");

    // The commit does what the dry run said; the duplicate is decided: update it.
    let mut req = req;
    req.decisions = vec![DuplicateDecision { row: 3, choice: DuplicateChoice::Update, customer_id: Some(existing) }];
    let done = import(office, &req, true).expect("commit");
    assert!(done.committed);
    assert_eq!((done.created, done.updated, done.duplicates, done.refused), (2, 2, 0, 4));
    let card = office.customer(existing).expect("card");
    assert_eq!(card.fields["name"], json!("华星农资"), "the decided duplicate updated the card");
    assert_eq!(card.fields["phone"], json!("13800000009"));
    assert_eq!(card.fields["channelLevel"], json!("distributor"), "row 2 updated it by its code");
    assert_eq!(card.fields["annualSalesWithUs"], json!(1_200_000), "numbers stored as text, in yuan");
    let found = office.search_customers(&CustomerQuery { text: "丰收".into(), ..Default::default() }).expect("search");
    assert_eq!(found.total, 1, "imported cards are searchable at once");
    let new = office.customer(found.rows[0].id).expect("card");
    assert_eq!(new.fields["foundedOn"], json!("2015-03-09"));
    assert_eq!(new.key_people[0].fields["name"], json!("李丰收"));
    assert_eq!(new.fields["code"], json!("C100"));
    let history = office.history(found.rows[0].id, 10).expect("history");
    assert!(history.iter().all(|h| h.source == "import"), "the history names the import");

    // The same file again: the book knows it, and nothing is new.
    let again = import(office, &req, false).expect("again");
    assert!(again.previous.is_some(), "a second import of the same file is shown");
    assert_eq!(again.created, 0);
}

/// The import phases a run reported, in order, each once.
fn phases(book: &Book, req: &ImportRequest, commit: bool) -> (SheetImportReport, Vec<&'static str>) {
    let mut seen: Vec<&'static str> = vec![];
    let report = book
        .import(
            req,
            commit,
            &mut |p| {
                if seen.last() != Some(&p.phase) {
                    seen.push(p.phase)
                }
            },
            &Cancel::default(),
        )
        .expect("import");
    (report, seen)
}

#[test]
fn a_commit_writes_its_dry_runs_plan_unless_the_file_the_request_or_the_book_changed() {
    let w = World::new(2);
    let office = &w.office.book;
    let at = dir();
    let rep = office.staff().expect("staff").into_iter().find(|s| s.name == "业务员0").expect("rep");
    let file = at.path().join("客户.xlsx");
    let rows = |names: &[&str]| {
        let mut rows: Vec<Vec<String>> = vec![vec!["客户名称".into(), "联系电话".into(), "业务员".into()]];
        for n in names {
            // A phone of its own per name: the same phone would make a row a duplicate.
            let phone = format!("139{:08}", u32::from(n.chars().next().unwrap_or('0')));
            rows.push(vec![(*n).into(), phone, rep.name.clone()]);
        }
        let rows: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
        let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
        xlsx(&file, "客户", &rows, false);
    };
    let req = request(&file, ImportKind::Customers);
    let names = |book: &Book| -> Vec<String> {
        let mut n: Vec<String> =
            world::cards(book).values().map(|c| c["fields"]["name"].as_str().unwrap_or("").to_string()).collect();
        n.sort();
        n
    };

    // A dry run, then the commit of the same file and request: the plan is written as it was checked.
    rows(&["甲农资", "乙农资"]);
    let (dry, planned) = phases(office, &req, false);
    assert_eq!(planned, ["reading", "checking"]);
    let (done, committed) = phases(office, &req, true);
    assert_eq!(committed, ["reading", "writing"], "the commit did not plan again");
    assert_eq!((done.created, done.committed, dry.created), (2, true, 2));
    assert_eq!(names(office), ["乙农资", "甲农资"]);
    let found = office.search_customers(&CustomerQuery { text: "甲农资".into(), ..Default::default() }).expect("find");
    assert_eq!(found.total, 1, "written cards are indexed");
    // The plan was written once: committing again plans afresh and finds the cards.
    let (again, replanned) = phases(office, &req, true);
    assert_eq!(replanned, ["reading", "checking", "writing"]);
    assert_eq!((again.created, again.duplicates), (0, 2));

    // The book changed after the dry run: a card like the file's first row.
    rows(&["丙农资", "丁农资"]);
    let (dry, _) = phases(office, &req, false);
    assert_eq!(dry.created, 2);
    office.create_customer(&customer("丙农资", json!({"ownerId": w.people[0].staff_id}))).expect("card");
    let (done, committed) = phases(office, &req, true);
    assert_eq!(committed, ["reading", "checking", "writing"]);
    assert_eq!((done.created, done.duplicates), (1, 1), "the new card makes row 2 a duplicate");

    // The file changed after the dry run.
    rows(&["戊农资"]);
    phases(office, &req, false);
    rows(&["己农资", "庚农资"]);
    let (done, committed) = phases(office, &req, true);
    assert_eq!(committed, ["reading", "checking", "writing"]);
    assert_eq!(done.created, 2);
    assert!(!names(office).contains(&"戊农资".to_string()));

    // The request changed after the dry run (a mapping that leaves the phone out).
    rows(&["辛农资"]);
    phases(office, &req, false);
    let other = ImportRequest { mapping: Some(vec![Some("name".into()), None, Some("owner".into())]), ..req.clone() };
    let (done, committed) = phases(office, &other, true);
    assert_eq!(committed, ["reading", "checking", "writing"]);
    assert_eq!(done.created, 1);

    // Another connection wrote to the book after the dry run.
    let path = at.path().join("book.sqlite");
    {
        let book = Book::open(&path, &common::access(), w.office.clock.clone()).expect("book");
        book.create_profile(&fieldcrm_core::api::NewProfile {
            name: "总部".into(),
            role: fieldcrm_core::model::StaffRole::HeadOffice,
            company_name: "华丰农业".into(),
            unit_name: String::new(),
            phone: None,
        })
        .expect("profile");
    }
    let one = Book::open(&path, &common::access(), w.office.clock.clone()).expect("one");
    let two = Book::open(&path, &common::access(), w.office.clock.clone()).expect("two");
    let me = one.staff().expect("staff").remove(0);
    std::fs::write(at.path().join("c.csv"), format!("客户名称,业务员\n壬农资,{}\n", me.name)).expect("csv");
    let csv = request(&at.path().join("c.csv"), ImportKind::Customers);
    assert_eq!(phases(&one, &csv, false).0.created, 1);
    two.create_customer(&customer("壬农资", json!({"ownerId": me.id}))).expect("card");
    let (done, committed) = phases(&one, &csv, true);
    assert_eq!(committed, ["reading", "checking", "writing"]);
    assert_eq!((done.created, done.duplicates), (0, 1));

    // Another program changed a card with SQL of its own (staged by the
    // capture triggers, not sealed): the file's row now has its phone.
    std::fs::write(at.path().join("d.csv"), format!("客户名称,联系电话,业务员\n癸农资,13912345678,{}\n", me.name))
        .expect("csv");
    let csv = request(&at.path().join("d.csv"), ImportKind::Customers);
    assert_eq!(phases(&one, &csv, false).0.created, 1);
    let raw = common::raw(&path);
    raw.execute("UPDATE customer SET phone = '13912345678' WHERE name = '壬农资'", []).expect("update");
    let (done, committed) = phases(&one, &csv, true);
    assert_eq!(committed, ["reading", "checking", "writing"]);
    assert_eq!((done.created, done.duplicates), (0, 1));
}

#[test]
fn a_large_import_writes_every_card_with_its_records_and_history_in_file_order() {
    let w = World::new(2);
    let office = &w.office.book;
    let at = dir();
    let existing = office
        .create_customer(&customer(
            "老客户农资店",
            json!({"code": "OLD1", "phone": "13700000000", "ownerId": w.people[0].staff_id}),
        ))
        .expect("card")
        .card
        .id;
    // Enough rows for several batches; rows with and without a contact, an
    // address or a phone (different columns), and an update of an existing
    // card in the middle.
    let n = 2_600;
    let mut csv = String::from("客户编码,客户名称,联系电话,业务员,联系人,详细地址\n");
    for i in 0..n {
        if i == 1_500 {
            csv.push_str("OLD1,老客户农资店,13700000099,业务员1,,\n");
        }
        let phone = if i % 5 == 0 { String::new() } else { format!("1590000{i:04}") };
        let contact = if i % 3 == 0 { String::new() } else { format!("联系人{i}") };
        let address = if i % 4 == 0 { String::new() } else { format!("{i}号") };
        csv.push_str(&format!("K{i:05},新店{i}号,{phone},业务员{},{contact},{address}\n", i % 2));
    }
    let file = at.path().join("客户.csv");
    std::fs::write(&file, csv).expect("csv");
    let req = request(&file, ImportKind::Customers);
    let dry = import(office, &req, false).expect("dry run");
    assert_eq!((dry.created, dry.updated, dry.refused), (n, 1, 0), "{:?}", &dry.outcomes[..3]);
    let done = import(office, &req, true).expect("commit");
    assert_eq!((done.created, done.updated), (n, 1));

    let all = office.search_customers(&CustomerQuery { limit: 1, ..Default::default() }).expect("list");
    assert_eq!(all.total, n + 1);
    assert_eq!(office.customer(existing).expect("card").fields["phone"], json!("13700000099"));
    for i in [0, 1, 2, 3, 255, 256, 257, 2_047, 2_048, 2_049, n - 1] {
        let found = office
            .search_customers(&CustomerQuery { text: format!("新店{i}号"), ..Default::default() })
            .expect("search");
        assert_eq!(found.total, 1, "K{i:05}");
        let card = office.customer(found.rows[0].id).expect("card");
        assert_eq!(card.fields["code"], json!(format!("K{i:05}")));
        let phone = if i % 5 == 0 { json!(null) } else { json!(format!("1590000{i:04}")) };
        assert_eq!(card.fields.get("phone").cloned().unwrap_or(json!(null)), phone, "K{i:05}");
        let people: Vec<&serde_json::Value> = card.key_people.iter().map(|p| &p.fields["name"]).collect();
        if i % 3 == 0 {
            assert!(people.is_empty(), "K{i:05}: {people:?}");
        } else {
            assert_eq!(people, [&json!(format!("联系人{i}"))], "K{i:05}");
        }
        assert_eq!(card.addresses.len(), usize::from(i % 4 != 0), "K{i:05}");
        let history = office.history(found.rows[0].id, 10).expect("history");
        assert_eq!(history.len(), 1, "K{i:05}: the creation, first records included");
        assert_eq!((history[0].entity.as_str(), history[0].field.as_str()), ("customer", "*"), "K{i:05}");
        assert_eq!(history[0].new_value, json!(format!("新店{i}号")), "K{i:05}");
    }
}

/// A rep's book in a file.
fn file_book(at: &Path) -> Book {
    let clock = std::sync::Arc::new(fieldcrm_core::FixedClock::new(world::start()));
    let book = Book::open(&at.join("book.sqlite"), &common::access(), clock).expect("book");
    book.create_profile(&fieldcrm_core::api::NewProfile {
        name: "王磊".into(),
        role: fieldcrm_core::model::StaffRole::Rep,
        company_name: "华丰农业".into(),
        unit_name: "寿光片区".into(),
        phone: None,
    })
    .expect("profile");
    book
}

/// A csv of `rows` new cards with a contact and an address, named with
/// `prefix`; phone numbers from `1590` and `first`.
fn new_cards(at: &Path, prefix: &str, first: u32, rows: u32) -> ImportRequest {
    let mut csv = String::from("客户名称,联系电话,联系人,详细地址\n");
    for i in 0..rows {
        csv.push_str(&format!("{prefix}{i}号农资店,1590{:07},联系人{i},{i}号\n", first + i));
    }
    let file = at.join(format!("{prefix}.csv"));
    std::fs::write(&file, csv).expect("csv");
    request(&file, ImportKind::Customers)
}

fn wal_bytes(at: &Path) -> u64 {
    std::fs::metadata(at.join("book.sqlite-wal")).map_or(0, |m| m.len())
}

/// Every card's list row and every token of its documents in both
/// full-text tables, by card id (rowids are the index's own).
fn search_entries(conn: &rusqlite::Connection) -> Vec<String> {
    let mut out: Vec<String> = conn
        .prepare(
            "SELECT customer_id || '|' || name_pinyin || '|' || lifecycle || '|' || channel_level || '|' ||
                    credit_standing || '|' || owner_id || '|' || territory_id || '|' || needs_verification || '|' ||
                    reviewed_at || '|' || created_at || '|' || updated_at FROM search_doc",
        )
        .expect("docs")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("docs");
    for table in ["search_trigram", "search_char"] {
        conn.execute_batch(&format!(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_v USING fts5vocab(main, {table}, 'instance')"
        ))
        .expect("vocab");
        let tokens: Vec<String> = conn
            .prepare(&format!(
                "SELECT '{table}|' || d.customer_id || '|' || v.offset || '|' || v.term
                   FROM temp.{table}_v v JOIN search_doc d ON d.rowid = v.doc"
            ))
            .expect("tokens")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("tokens");
        out.extend(tokens);
    }
    out.sort();
    out
}

#[test]
fn an_imports_search_entries_are_those_the_book_builds_from_its_cards() {
    // The import builds its new cards' documents from what it writes; a
    // rebuild builds them from the book. Both sizes: a bulk import (merge
    // later) and a small one.
    for rows in [5_200, 40] {
        let at = dir();
        let book = file_book(at.path());
        let mut csv = String::from("客户名称,简称,联系电话,联系人,省份,城市,区县,详细地址\n");
        for i in 0..rows {
            let short = if i % 3 == 0 { format!("简{i}") } else { String::new() };
            let phone = if i % 4 == 0 { String::new() } else { format!("1380{:07}", i) };
            let contact = if i % 5 == 0 { String::new() } else { format!("Li Ming {i}") };
            let (province, city) = if i % 2 == 0 { ("山东", "潍坊") } else { ("", "") };
            let district = if i % 7 == 0 { "寿光" } else { "" };
            let detail = if i % 6 == 0 { String::new() } else { format!("农圣街{i}号") };
            let name = if i % 10 == 0 { format!("Green Farm {i}") } else { format!("丰源{i}号农资店") };
            csv.push_str(&format!("{name},{short},{phone},{contact},{province},{city},{district},{detail}\n"));
        }
        let file = at.path().join("cards.csv");
        std::fs::write(&file, csv).expect("csv");
        let done = import(&book, &request(&file, ImportKind::Customers), true).expect("commit");
        assert_eq!(done.created, rows, "{:?}", done.outcomes.first());
        let mut raw = common::raw(at.path().join("book.sqlite"));
        let imported = search_entries(&raw);
        assert!(imported.len() > rows as usize * 20, "{} entries", imported.len());
        let tx = raw.transaction().expect("tx");
        fieldcrm_core::search::rebuild_all(&tx).expect("rebuild");
        let rebuilt = search_entries(&tx);
        let first_difference = imported.iter().zip(&rebuilt).find(|(a, b)| a != b);
        assert_eq!(first_difference, None, "{rows} rows");
        assert_eq!(imported.len(), rebuilt.len(), "{rows} rows");
    }
}

#[test]
fn a_large_import_writes_its_pages_into_the_file_once_and_the_book_keeps_its_wal() {
    let at = dir();
    let book = file_book(at.path());
    let req = new_cards(at.path(), "新店", 0, 6_000);
    import(&book, &req, false).expect("dry run");
    let before = wal_bytes(at.path());
    let (done, committed) = phases(&book, &req, true);
    assert_eq!(committed, ["reading", "writing"], "the commit wrote the dry run's plan");
    assert_eq!(done.created, 6_000);
    // Written with a rollback journal: nothing of it went through the WAL.
    assert!(wal_bytes(at.path()) <= before, "WAL grew from {before} to {} bytes", wal_bytes(at.path()));
    let raw = common::raw(at.path().join("book.sqlite"));
    let mode: String = raw.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal");
    // Its full-text segments were written without merging; merging is back on for the next write.
    for table in ["search_trigram", "search_char"] {
        let automerge: i64 = raw
            .query_row(&format!("SELECT v FROM {table}_config WHERE k = 'automerge'"), [], |r| r.get(0))
            .expect("automerge");
        assert_eq!(automerge, 4, "{table}");
    }
    for text in ["新店5999号", "新店0号", "xd", "新", "联系人4321"] {
        let found = book.search_customers(&CustomerQuery { text: text.into(), ..Default::default() });
        let expected = if ["xd", "新"].contains(&text) { 6_000 } else { 1 };
        assert_eq!(found.expect("search").total, expected, "{text}");
    }

    // Cancelled while writing: the journal rolls it back, and the WAL is back.
    let more = new_cards(at.path(), "又一店", 6_000, 6_000);
    drop(raw);
    let cancel = Cancel::default();
    let cancelled = book.import(
        &more,
        true,
        &mut |p| {
            if p.phase == "writing" && p.done > 1_000 {
                cancel.cancel();
            }
        },
        &cancel,
    );
    let e = match cancelled {
        Ok(done) => panic!("not cancelled: {} created", done.created),
        Err(e) => e,
    };
    assert_eq!(problem_codes(&e), ["cancelled"]);
    let all = book.search_customers(&CustomerQuery { limit: 1, ..Default::default() }).expect("list");
    assert_eq!(all.total, 6_000);

    // With the book open elsewhere the journal cannot change: the import goes
    // through the WAL as every other write, and still lands whole.
    let raw = common::raw(at.path().join("book.sqlite"));
    let count = |raw: &rusqlite::Connection| -> i64 {
        raw.query_row("SELECT count(*) FROM customer", [], |r| r.get(0)).expect("count")
    };
    assert_eq!(count(&raw), 6_000);
    assert_eq!(import(&book, &more, true).expect("commit").created, 6_000);
    assert!(wal_bytes(at.path()) > 1_000_000, "{} bytes", wal_bytes(at.path()));
    assert_eq!(count(&raw), 12_000);
    let mode: String = raw.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal");
}

#[test]
fn bad_files_are_refused_with_a_clear_error_and_the_book_as_it_was() {
    let w = World::new(1);
    let office = &w.office.book;
    let at = dir();
    office_with_products(&w, at.path());
    let before = state(office);
    let refused = |name: &str, bytes: &[u8], kind: ImportKind| -> ApiError {
        let path = at.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        // The wizard's dry run (which reads the file beside loading the
        // book's cards) and a commit (which reads it first) refuse alike.
        let dry = import(office, &request(&path, kind), false).expect_err(name);
        let e = import(office, &request(&path, kind), true).expect_err(name);
        assert_eq!((dry.code, &dry.message, problem_codes(&dry)), (e.code, &e.message, problem_codes(&e)), "{name}");
        assert_eq!(state(office), before, "{name} left the book as it was");
        e
    };
    // Wrong file type: a picture named like a workbook, and one named as itself.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    assert_eq!(problem_codes(&refused("客户.xlsx", png, ImportKind::Customers)), ["not_a_workbook"]);
    assert_eq!(problem_codes(&refused("客户.png", png, ImportKind::Customers)), ["not_a_spreadsheet"]);
    // A password-protected workbook (Excel's encryption).
    let protected =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/protected.xlsx")).expect("fixture");
    let e = refused("加密.xlsx", &protected, ImportKind::Customers);
    assert_eq!(problem_codes(&e), ["password_protected"]);
    assert!(e.message.contains("password"), "{}", e.message);
    // A corrupt workbook: a real one cut in half.
    let good = at.path().join("good.xlsx");
    xlsx(&good, "客户", &[&["客户名称"], &["甲"]], false);
    let bytes = std::fs::read(&good).expect("read");
    assert_eq!(
        problem_codes(&refused("坏.xlsx", &bytes[..bytes.len() / 2], ImportKind::Customers)),
        ["damaged_workbook"]
    );
    // An empty sheet, and a header with no rows.
    let empty = at.path().join("empty.xlsx");
    let mut book = Workbook::new();
    book.add_worksheet().set_name("空").expect("sheet");
    book.save(&empty).expect("save");
    assert_eq!(
        problem_codes(&refused("空.xlsx", &std::fs::read(&empty).expect("read"), ImportKind::Customers)),
        ["empty_sheet"]
    );
    assert_eq!(problem_codes(&refused("表头.csv", "客户名称,电话\n".as_bytes(), ImportKind::Customers)), ["no_rows"]);
    // No row that names a field: the header is not known.
    let e = refused("乱.csv", "甲,乙,丙\n1,2,3\n".as_bytes(), ImportKind::Customers);
    assert_eq!(problem_codes(&e), ["no_header"]);
    // The header chosen by hand, and it maps to nothing.
    let chosen = ImportRequest { header_row: Some(1), ..request(&at.path().join("乱.csv"), ImportKind::Customers) };
    let e = import(office, &chosen, false).expect_err("nothing mapped");
    assert_eq!(problem_codes(&e), ["nothing_mapped"]);
    // A required field without a column.
    assert_eq!(problem_codes(&refused("缺.csv", "产品名称\n尿素\n".as_bytes(), ImportKind::Products)), ["unmapped"]);
    // Mixed encodings: one row UTF-8, the next GBK.
    let mut mixed = "客户名称,电话\n华星农资,1\n".as_bytes().to_vec();
    mixed.extend(gbk("丰收农资,2\n"));
    let e = refused("混合.csv", &mixed, ImportKind::Customers);
    assert_eq!(problem_codes(&e), ["mixed_encoding"]);
    assert!(e.message.contains("row 3"), "{}", e.message);
    // A 500 MB file is refused before it is read.
    let huge = at.path().join("巨大.csv");
    std::fs::File::create(&huge).expect("create").set_len(500 * 1024 * 1024).expect("size");
    let e = import(office, &request(&huge, ImportKind::Sales), true).expect_err("huge");
    assert_eq!(problem_codes(&e), ["too_big"]);
    assert!(e.message.contains("500 MB"), "{}", e.message);
    // A cancelled import leaves nothing.
    let ok = at.path().join("ok.csv");
    std::fs::write(&ok, "产品编码,产品名称\nP09,新品\n").expect("write");
    let cancel = Cancel::default();
    cancel.cancel();
    let e = office.import(&request(&ok, ImportKind::Products), true, &mut |_| {}, &cancel).expect_err("cancelled");
    assert_eq!(problem_codes(&e), ["cancelled"]);
    assert_eq!(state(office), before);
}

/// Head office with products, three cards of known grades, and their sales.
fn sales_world(at: &Path) -> (World, Vec<fieldcrm_core::ids::CustomerId>) {
    let w = World::new(2);
    office_with_products(&w, at);
    let office = &w.office.book;
    let mut ids = vec![];
    for (name, code, grade, credit, channel, territory) in [
        ("甲农资", "K1", "A", "A", "wholesaler", 0),
        ("乙农资", "K2", "B", "B", "retailer", 0),
        ("丙农资", "K3", "C", "C", "retailer", 1),
    ] {
        let id = office
            .create_customer(&customer(
                name,
                json!({
                    "code": code,
                    "channelType": channel,
                    "territoryId": w.territories[territory],
                    "ownerId": w.people[territory].staff_id,
                }),
            ))
            .expect("card")
            .card
            .id;
        for (scale, g) in [(GradeScale::Customer, grade), (GradeScale::Credit, credit)] {
            office
                .set_grade(&GradeChange { customer_id: id, scale, grade: Some(g.into()), reason: None })
                .expect("grade");
        }
        ids.push(id);
    }
    // Sales: K1 buys 600 + 200 this year, 1000 last year; K2 300 this year, 100 last
    // year; K3 100 this year, 400 last year (yuan).
    let file = at.join("销售.csv");
    std::fs::write(
        &file,
        "单号,日期,客户编码,产品编码,数量,金额\n\
         D1,2026-03-05,K1,P01,3,600\n\
         D2,2026-07-15,K1,P02,1,200\n\
         D3,46162,K2,P01,2,300\n\
         D4,2026年1月20日,K3,P03,1,100\n\
         D5,2025-03-10,K1,P01,5,1000\n\
         D6,2025-06-01,K2,P03,1,100\n\
         D7,2025/08/08,K3,P01,2,400\n",
    )
    .expect("write");
    let report = import(office, &request(&file, ImportKind::Sales), true).expect("sales");
    assert_eq!((report.created, report.refused), (7, 0), "{:?}", report.outcomes);
    (w, ids)
}

#[test]
fn the_analyses_add_up_on_figures_worked_out_by_hand() {
    let at = dir();
    let (w, ids) = sales_world(at.path());
    let office = &w.office.book;
    let q = year("2026-01-01", "2026-11-01");
    let g = office.sales_by_grade(&q).expect("grades");
    assert_eq!((g.total_revenue, g.customers), (120_000, 3));
    let shares: Vec<(Option<String>, i64, u32)> =
        g.grades.iter().filter(|s| s.customers > 0).map(|s| (s.grade.key.clone(), s.revenue, s.share_bp)).collect();
    assert_eq!(
        shares,
        [(Some("A".into()), 80_000, 6666), (Some("B".into()), 30_000, 2500), (Some("C".into()), 10_000, 833)]
    );
    assert_eq!(g.pareto.first().map(|p| p.revenue_bp), Some(0));
    assert_eq!(g.pareto.last().map(|p| p.revenue_bp), Some(10_000));
    assert_eq!(g.customers_for_80, 2, "甲 alone makes 66.7 %, with 乙 91.7 %");
    assert_eq!(g.top[0].customer_id, ids[0].to_string());

    let p = office.sales_by_product(&q).expect("products");
    let lines: Vec<(Option<String>, i64)> = p.lines.iter().map(|l| (l.line.clone(), l.revenue)).collect();
    assert_eq!(
        lines,
        [(Some("复合肥".into()), 90_000), (Some("氮肥".into()), 20_000), (Some("有机肥".into()), 10_000)]
    );
    let channels: Vec<Option<String>> = p.channels.iter().map(|c| c.key.clone()).collect();
    let p01 = p.products.iter().find(|x| x.code == "P01").expect("P01");
    let by_channel: std::collections::BTreeMap<_, _> = channels.iter().zip(&p01.by_channel).collect();
    assert_eq!(by_channel[&Some("wholesaler".to_string())], &60_000);
    assert_eq!(by_channel[&Some("retailer".to_string())], &30_000);
    assert_eq!(p01.quantity, 5.0);

    let r = office.sales_by_region(&q).expect("regions");
    assert_eq!(r.path.len(), 1, "the company");
    assert_eq!((r.parts.len(), r.parts[0].revenue, r.parts[0].last_year), (1, 120_000, 150_000));
    assert_eq!(r.parts[0].growth_bp, Some(-2000));
    let region = office.sales_by_region(&AnalysisQuery { unit_id: Some(w.region.clone()), ..q.clone() }).expect("down");
    let parts: Vec<i64> = region.parts.iter().map(|p| p.revenue).collect();
    assert_eq!(parts, [110_000, 10_000], "the two territories");

    let growth = office.sales_negative_growth(&q).expect("growth");
    let names: Vec<&str> = growth.customers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["丙农资", "甲农资"], "the largest fall against last year first");
    assert_eq!((growth.customers[0].current, growth.customers[0].last_year), (10_000, 40_000));
    assert_eq!(growth.customers[0].vs_last_year_bp, Some(-7500));
    assert_eq!(growth.lost_vs_last_year, 30_000 + 20_000);

    let m = office.sales_monthly(&q).expect("monthly");
    assert_eq!(m.months.len(), 11);
    assert_eq!(m.total, 120_000);
    assert_eq!(m.totals[0], 10_000, "January: 丙's 100 yuan");
    assert_eq!(m.totals[2], 60_000, "March");
    assert_eq!(m.reps.iter().map(|r| r.total).sum::<i64>(), 120_000);

    let c = office.sales_credit(&q).expect("credit");
    let a = c.grades.iter().find(|g| g.grade.key.as_deref() == Some("A")).expect("A");
    assert_eq!((a.customers, a.revenue), (1, 80_000));

    // A rep sees only their own cards' sales; a unit outside a rep's part is refused.
    w.settle();
    let rep = &w.people[0].book;
    let mine = rep.sales_by_grade(&q).expect("rep");
    assert!(mine.total_revenue < 120_000, "{}", mine.total_revenue);
    let other = w.territories[1].clone();
    let e = rep.sales_by_grade(&AnalysisQuery { unit_id: Some(other), ..q }).expect_err("outside");
    assert_eq!(e.code, ErrorCode::Forbidden);
}

#[test]
fn sales_lines_reach_the_reps_who_hold_the_cards_and_re_imports_do_not_double_them() {
    let at = dir();
    let (w, ids) = sales_world(at.path());
    w.settle();
    // Whoever holds a card receives its lines; their own figures follow.
    for person in &w.people {
        let cards = world::cards(&person.book);
        let lines: usize = ids
            .iter()
            .filter(|id| cards.contains_key(&id.to_string()))
            .map(|id| person.book.customer_sales(*id, 100).expect("lines").len())
            .sum();
        assert_eq!(person.book.sales_overview().expect("overview").lines as usize, lines);
        let q = year("2025-01-01", "2026-11-01");
        assert_eq!(
            person.book.sales_by_grade(&q).expect("grades").total_revenue,
            person.book.sales_overview().expect("overview").amount
        );
    }
    let total: u32 = w.people.iter().take(2).map(|p| p.book.sales_overview().expect("o").lines).sum();
    assert_eq!(total, 7, "each line reached the one rep who holds its card");
    // The same ERP export again: every line is already there.
    let again = import(&w.office.book, &request(&at.path().join("销售.csv"), ImportKind::Sales), true).expect("again");
    assert_eq!((again.created, again.unchanged), (0, 7));
    assert_eq!(w.office.book.sales_overview().expect("overview").lines, 7);
}

#[test]
fn a_card_handed_to_another_rep_takes_its_sales_lines_along() {
    use fieldcrm_core::api::CardEdit;
    use fieldcrm_core::card::FieldChange;

    let at = dir();
    let (w, ids) = sales_world(at.path());
    w.settle();
    let (old, new) = (&w.people[0].book, &w.people[1].book);
    let lines = |book: &Book| book.customer_sales(ids[0], 100).expect("lines").len();
    assert_eq!((lines(old), new.sales_overview().expect("overview").lines), (3, 2), "甲 has three lines, 丙 two");
    let manager = w.people.len() - 1;
    let changes = vec![
        FieldChange { field: "ownerId".into(), expected: None, value: json!(w.people[1].staff_id) },
        FieldChange { field: "territoryId".into(), expected: None, value: json!(w.territories[1]) },
    ];
    w.people[manager].book.edit_customer(&CardEdit { customer_id: ids[0], changes }).expect("reassign");
    w.settle();
    assert_eq!(lines(new), 3, "the new rep has 甲's lines");
    assert_eq!(new.sales_overview().expect("overview").lines, 5);
    assert_eq!(old.sales_overview().expect("overview").lines, 2, "the old rep keeps only 乙's two lines");
    let q = year("2025-01-01", "2026-11-01");
    let total = |book: &Book| book.sales_by_grade(&q).expect("grades").total_revenue;
    assert_eq!(total(new) + total(old), total(&w.office.book), "every line is counted once across the two reps");
}

#[test]
fn every_analysis_exports_a_workbook_that_prints_with_its_charts_in_chinese() {
    let at = dir();
    let (w, _) = sales_world(at.path());
    let office = &w.office.book;
    let q = year("2026-01-01", "2026-11-01");
    for kind in AnalysisKind::SALES {
        let path = at.path().join(format!("{}.xlsx", kind.as_str()));
        office.export_analysis(kind, &q, &path).expect("export");
        workbook::assert_prints(&path, &format!("{kind:?}"));
    }
    // The grade workbook's figures, as Excel reads them: yuan and shares.
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(at.path().join("grades.xlsx")).expect("open");
    let range = book.worksheet_range("等级构成").expect("sheet");
    let row: Vec<Data> = range.rows().find(|r| r[0] == Data::String("A 类".into())).expect("A row").to_vec();
    assert_eq!(row[2], Data::Float(800.0));
    assert!(matches!(row[3], Data::Float(s) if (s - 0.6666).abs() < 1e-9));
}

#[test]
fn the_customer_list_exports_every_page_with_chinese_intact() {
    let office =
        Book::open_in_memory(std::sync::Arc::new(fieldcrm_core::FixedClock::new(world::start()))).expect("book");
    let at = dir();
    let demo = office
        .load_demo(&fieldcrm_core::demo::DemoOptions { customers: 1500, seed: 3, as_of: Some("2026-11-01".into()) })
        .expect("demo");
    // The demo's sales add up in its figures.
    let overview = office.sales_overview().expect("overview");
    assert_eq!((overview.lines, overview.products), (demo.sales_lines, demo.products));
    assert!(overview.lines > 30_000, "{}", overview.lines);
    let all = year(overview.first_day.as_deref().expect("first"), overview.last_day.as_deref().expect("last"));
    assert_eq!(office.sales_by_grade(&all).expect("grades").total_revenue, overview.amount);
    let page = office.search_customers(&CustomerQuery::default()).expect("list");
    let path: PathBuf = at.path().join("客户.xlsx");
    let mut seen = 0;
    let exported = office.export_customers(&CustomerQuery::default(), &path, &mut |p| seen = p.done).expect("export");
    assert_eq!((exported.rows, seen), (page.total, page.total));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("open");
    let range = book.worksheet_range("客户").expect("sheet");
    assert_eq!(range.height() as u32, page.total + 1, "a header and every card");
    let header: Vec<String> = range.rows().next().expect("header").iter().map(ToString::to_string).collect();
    assert_eq!(&header[..2], ["客户编码", "客户名称"], "the code beside the name, for a re-import");
    let names: Vec<String> = range.rows().skip(1).map(|r| r[1].to_string()).collect();
    let first_page: Vec<String> = page.rows.iter().map(|r| r.name.clone()).collect();
    assert_eq!(&names[..first_page.len()], first_page.as_slice(), "in the list's order, Chinese intact");
    // Grades and credit standings by their Chinese labels, never their codes.
    let column = |title: &str| header.iter().position(|h| h == title).unwrap_or_else(|| panic!("{title}"));
    let values =
        |i: usize| -> std::collections::BTreeSet<String> { range.rows().skip(1).map(|r| r[i].to_string()).collect() };
    let credit = values(column("信用"));
    assert!(credit.iter().all(|v| ["良好", "一般", "关注", "差", "未评估"].contains(&v.as_str())), "{credit:?}");
    let grades = values(column("客户等级"));
    assert!(grades.iter().all(|v| v.is_empty() || v.ends_with(" 类")), "{grades:?}");
    // Rows 11–15 of the list only, as `--offset 10 --limit 5` asks.
    let part = at.path().join("部分.xlsx");
    let exported =
        office.export_customer_rows(&CustomerQuery::default(), Some(10..15), &part, &mut |_| {}).expect("part");
    assert_eq!(exported.rows, 5);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&part).expect("open");
    let range = book.worksheet_range("客户").expect("sheet");
    let names: Vec<String> = range.rows().skip(1).map(|r| r[1].to_string()).collect();
    let all: Vec<String> = office
        .search_customers(&CustomerQuery { offset: 10, limit: 5, ..Default::default() })
        .expect("page")
        .rows
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, all);
    // A folder that does not exist is named, and nothing is written.
    let e = office
        .export_customers(&CustomerQuery::default(), &at.path().join("没有/客户.xlsx"), &mut |_| {})
        .expect_err("no folder");
    assert_eq!(problem_codes(&e), ["no_folder"]);
    assert!(e.message.contains("没有"), "{}", e.message);
}

#[test]
fn the_monthly_summarys_totals_add_up_when_read_back() {
    let at = dir();
    let (w, _) = sales_world(at.path());
    let office = &w.office.book;
    let q = year("2026-01-01", "2026-11-01");
    let path = at.path().join("monthly.xlsx");
    office.export_analysis(AnalysisKind::Monthly, &q, &path).expect("export");
    // The monthly summary's total counts each buying customer once: K1 bought in two months.
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("open");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("sheet");
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    let header = rows.iter().position(|r| r.iter().any(|c| c == &Data::String("购买客户数".into()))).expect("header");
    let total = rows.iter().find(|r| r[0] == Data::String("合计".into())).expect("total row");
    let summary = office.sales_monthly(&q).expect("monthly");
    assert_eq!(summary.customers, 3);
    assert_eq!(total[1], Data::Float(3.0), "distinct buyers, not a sum of months");
    // Each month's total is the sum of the region rows above it, and the grand total that of the lines.
    let regions = &rows[header + 1..rows.iter().position(|r| r == total).expect("total")];
    for column in 2..total.len() {
        let sum: f64 = regions.iter().map(|r| r[column].as_f64().unwrap_or(0.0)).sum();
        assert!((total[column].as_f64().unwrap_or(0.0) - sum).abs() < 1e-6, "column {column}");
    }
    let sum = rows[header].iter().position(|c| c == &Data::String("合计（元）".into())).expect("total column");
    assert_eq!(total[sum].as_f64(), Some(1200.0), "600 + 200 + 300 + 100 yuan");
    let target = rows[header].iter().position(|c| c == &Data::String("目标（元）".into())).expect("target column");
    assert_eq!(total[target], Data::Empty, "a book without targets leaves the target blank, not 0");

    // The grade workbook: its 合计 row is the sum of the grades above it, and its
    // customers carry their grade's label, not its code.
    let path = at.path().join("grades.xlsx");
    office.export_analysis(AnalysisKind::Grades, &q, &path).expect("export");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("open");
    let rows: Vec<Vec<Data>> = book.worksheet_range("等级构成").expect("sheet").rows().map(<[Data]>::to_vec).collect();
    let header = rows.iter().position(|r| r[0] == Data::String("客户等级".into())).expect("header");
    let end = rows.iter().position(|r| r[0] == Data::String("合计".into())).expect("total");
    let grades = &rows[header + 1..end];
    for column in [1, 2, 3] {
        let sum: f64 = grades.iter().map(|r| r[column].as_f64().unwrap_or(0.0)).sum();
        // Shares are rounded to a basis point each; their total is the whole.
        let slack = if column == 3 { grades.len() as f64 * 0.000_05 } else { 1e-6 };
        assert!((rows[end][column].as_f64().unwrap_or(0.0) - sum).abs() <= slack, "column {column}: {sum}");
    }
    let top = book.worksheet_range("大客户").expect("top");
    let grades: Vec<String> = top.rows().skip(1).map(|r| r[2].to_string()).collect();
    assert_eq!(grades, ["A 类", "B 类", "C 类"], "labels in the order of revenue");
}

/// Pages of a PDF file: its page objects (`/Type /Page`, not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    ["/Type/Page", "/Type /Page"]
        .iter()
        .map(|needle| text.match_indices(needle).filter(|(i, m)| !text[i + m.len()..].starts_with('s')).count())
        .sum()
}

/// With LibreOffice installed (`apt-get install libreoffice-calc-nogui`; see
/// the README), an analysis workbook converted to PDF prints each table sheet
/// on a page and each chart on a page of its own: had a page break cut a
/// chart, it would take two. Without it the test says so and passes.
#[test]
fn an_analysis_workbook_prints_to_pdf_with_no_chart_cut_by_a_page() {
    let Some(soffice) = ["soffice", "libreoffice"]
        .into_iter()
        .find(|b| std::process::Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
    else {
        eprintln!("LibreOffice (soffice) is not installed: the PDF check is skipped");
        return;
    };
    let at = dir();
    let (w, _) = sales_world(at.path());
    let q = year("2026-01-01", "2026-11-01");
    // Analyses whose tables here are short enough for a page each (the grade
    // analysis's Pareto curve has 101 rows: two pages of its own).
    for kind in [AnalysisKind::Products, AnalysisKind::Regions, AnalysisKind::Credit, AnalysisKind::Monthly] {
        let path = at.path().join(format!("{}.xlsx", kind.as_str()));
        w.office.book.export_analysis(kind, &q, &path).expect("export");
        let sheets = workbook::members(&path, "xl/worksheets/sheet").len();
        let charts = workbook::members(&path, "xl/chartsheets/sheet").len();
        assert!(charts > 0);
        // Its own profile in the test's folder: the user's is never touched.
        let profile = format!("-env:UserInstallation=file://{}", at.path().join("lo-profile").display());
        let out = std::process::Command::new(soffice)
            .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
            .arg(at.path())
            .arg(&path)
            .output()
            .expect("soffice");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let pdf = std::fs::read(path.with_extension("pdf")).expect("the PDF");
        assert_eq!(pdf_pages(&pdf), sheets + charts, "{kind:?}: a page per table sheet and per chart");
    }
}
