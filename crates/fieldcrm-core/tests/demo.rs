//! The demo book: deterministic, and valid by the same rules as user input.

mod common;

use fieldcrm_core::card::fields::{check, to_json, ADDRESS_ENTITY, CUSTOMER_ENTITY, KEY_PERSON_ENTITY};
use fieldcrm_core::demo::DemoOptions;
use fieldcrm_core::search::CustomerQuery;
use fieldcrm_core::{Book, ErrorCode};
use rusqlite::types::Value;

fn options(seed: u64) -> DemoOptions {
    DemoOptions { customers: 600, seed, as_of: Some("2026-11-22".into()) }
}

fn dump(path: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let mut out = vec![];
    for table in [
        "org_unit",
        "staff",
        "customer",
        "key_person",
        "customer_address",
        "credit_incident",
        "change_history",
        "route",
        "visit",
        "call_log",
        "task",
        "report",
        "report_comment",
        "product",
        "sales_line",
    ] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY id")).expect("select");
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n).map(|i| format!("{:?}", r.get::<_, Value>(i).expect("v"))).collect::<Vec<_>>().join("|"))
            })
            .expect("rows");
        out.extend(rows.map(|r| format!("{table}:{}", r.expect("row"))));
    }
    out
}

#[test]
fn the_same_seed_gives_the_same_book_and_another_seed_another() {
    let dir = tempfile::tempdir().expect("dir");
    let mut dumps = vec![];
    for (name, seed) in [("a", 7), ("b", 7), ("c", 8)] {
        let path = dir.path().join(format!("{name}.sqlite"));
        let book = Book::open(&path, common::clock()).expect("book");
        let summary = book.load_demo(&options(seed)).expect("demo");
        assert_eq!(summary.customers, 600);
        drop(book);
        dumps.push(dump(&path));
    }
    assert!(dumps[0] == dumps[1], "same seed and date: identical rows");
    assert!(dumps[0] != dumps[2], "another seed: another book");
}

#[test]
fn every_demo_card_passes_the_rules_user_input_must_pass() {
    let book = Book::open_in_memory(common::clock()).expect("book");
    let summary = book.load_demo(&options(3)).expect("demo");
    assert!(summary.key_people >= summary.customers, "every card has at least its owner");
    assert!(summary.history > summary.customers, "cards have a past");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("d.sqlite");
    Book::open(&path, common::clock()).expect("book").load_demo(&options(3)).expect("demo");
    let conn = fieldcrm_core::api::open_connection(&path).expect("open");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    for entity in [CUSTOMER_ENTITY, KEY_PERSON_ENTITY, ADDRESS_ENTITY] {
        let columns: Vec<&str> = entity.fields.iter().map(|f| f.column).collect();
        let mut stmt = conn.prepare(&format!("SELECT {} FROM {}", columns.join(", "), entity.table)).expect("select");
        let mut rows = stmt.query([]).expect("rows");
        while let Some(row) = rows.next().expect("row") {
            for (i, def) in entity.fields.iter().enumerate() {
                let json = to_json(def, row.get::<_, Value>(i).expect("value"));
                let checked = check(def, &json, today);
                assert!(checked.is_ok(), "{}.{} = {json} breaks the rules: {checked:?}", entity.name, def.key);
            }
        }
    }
    // The supplier chain runs distributor → sub-distributor → retailer.
    let wrong: i64 = conn
        .query_row(
            "SELECT count(*) FROM customer c JOIN customer s ON s.id = c.supplier_id
             WHERE (c.channel_level = 'sub_distributor' AND s.channel_level <> 'distributor')
                OR (c.channel_level = 'retailer' AND s.channel_level = 'retailer')
                OR c.channel_level = 'distributor'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(wrong, 0, "suppliers sit one level up the channel");
}

#[test]
fn the_demo_fills_only_an_empty_book() {
    let book = Book::open_in_memory(common::clock()).expect("book");
    book.load_demo(&options(1)).expect("demo");
    let err = book.load_demo(&options(2)).expect_err("second demo");
    assert_eq!(err.code, ErrorCode::Invalid);
    assert_eq!(book.search_customers(&CustomerQuery::default()).expect("q").total, 600, "nothing added");
    let empty = Book::open_in_memory(common::clock()).expect("book");
    assert_eq!(
        empty.load_demo(&DemoOptions { customers: 0, seed: 1, as_of: None }).expect_err("zero").code,
        ErrorCode::Invalid
    );
}

#[test]
fn a_book_filled_with_the_demo_is_back_in_wal_mode_with_no_journal_left() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.sqlite");
    let book = Book::open(&path, common::clock()).expect("book");
    book.load_demo(&options(2)).expect("demo");
    let mode: String = rusqlite::Connection::open(&path)
        .expect("open")
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal", "the demo writes past the WAL, then the book goes back to it");
    assert!(!dir.path().join("book.sqlite-journal").exists(), "the rollback journal is gone once the demo commits");
    let cards = book.search_customers(&Default::default()).expect("search").rows.len();
    assert!(cards > 0, "the demo's cards are in the book");
}
