//! A book written by an older fieldcrm opens in this one: the migrations bring
//! it to the current schema, its data intact and searchable, and the result has
//! exactly the schema of a book created fresh.

mod common;

use fieldcrm_core::ids::CustomerId;
use fieldcrm_core::search::CustomerQuery;
use fieldcrm_core::{store, Book};
use rusqlite::Connection;

fn schema(conn: &Connection) -> Vec<(String, String)> {
    let mut stmt = conn
        .prepare("SELECT name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        .expect("schema");
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("rows");
    rows.map(|r| r.expect("row")).collect()
}

#[test]
fn a_version_1_book_upgrades_to_the_current_schema_with_its_data() {
    let dir = tempfile::tempdir().expect("dir");
    let old = dir.path().join("old.sqlite");
    let conn = Connection::open(&old).expect("create");
    conn.execute_batch(include_str!("fixtures/book_v1.sql")).expect("fixture");
    // Industry was free text before code lists.
    conn.execute_batch(
        "UPDATE customer SET industry = '农资' WHERE id = '0190a000-0000-7000-8000-000000000100';
         UPDATE customer SET industry = '种子化肥门市' WHERE id = '0190a000-0000-7000-8000-000000000101';",
    )
    .expect("free-text industries");
    drop(conn);

    let book = Book::open(&old, &common::access(), common::clock()).expect("an old book opens");
    let status = book.status().expect("status");
    assert_eq!(status.schema_version, store::SCHEMA_VERSION);
    assert_eq!(status.customer_count, 2, "no card lost");
    let profile = status.profile.expect("profile kept");
    assert_eq!(profile.name, "李强");
    // Schema 18 admits sales administration to the staff, in the very
    // connection that migrated (its definition of the table is reloaded).
    let region =
        book.org_units().expect("units").into_iter().find(|u| u.parent_id.is_some()).expect("a unit below the root");
    let admin = book
        .add_staff(&fieldcrm_core::api::NewStaff {
            name: "刘销管".into(),
            role: fieldcrm_core::model::StaffRole::SalesAdmin,
            org_unit_id: profile.org_unit_id,
            phone: None,
            regions: Some(vec![region.id]),
        })
        .expect("a sales administrator");
    assert_eq!(admin.regions.iter().map(|r| r.id).collect::<Vec<_>>(), vec![region.id]);
    let card = book.customer("0190a000-0000-7000-8000-000000000101".parse::<CustomerId>().expect("id")).expect("card");
    assert_eq!(card.supplier_name.as_deref(), Some("华星农业"), "links kept");
    let address = &card.addresses[0].fields;
    assert_eq!((&address["city"], &address["district"]), (&serde_json::json!("潍坊市"), &serde_json::json!("寿光市")));
    assert!(
        address["cityCode"].is_null(),
        "an address typed before division codes (schema 11) keeps its text, no code"
    );
    let found = book.search_customers(&CustomerQuery { text: "hxny".into(), ..Default::default() }).expect("search");
    assert_eq!(found.rows.len(), 1, "cards written before the search index existed are indexed on upgrade");
    let found = book.search_customers(&CustomerQuery { text: "人民路".into(), ..Default::default() }).expect("search");
    assert_eq!(found.rows[0].name, "古城镇王记农资店");
    assert_eq!(card.fields["industry"], "legacy_e9b6a2a8", "an unknown industry text becomes a code of its own");
    let lists = book.code_lists().expect("lists");
    let industry = lists.iter().find(|l| l.id == "industry").expect("industry list");
    let adopted = industry.items.iter().find(|i| i.code == "legacy_e9b6a2a8").expect("adopted code");
    assert_eq!((adopted.label_zh.as_str(), adopted.cards), ("种子化肥门市", 1), "keeping the text as its label");
    let supplier = book.customer(card.fields["supplierId"].as_str().expect("id").parse().expect("id")).expect("card");
    assert_eq!(supplier.fields["industry"], "agri_inputs", "a text matching a default code's label takes that code");
    let pending: i64 =
        common::raw(&old).query_row("SELECT count(*) FROM sync_pending", [], |r| r.get(0)).expect("pending");
    assert_eq!(pending, 0, "the conversion is every book's own, not a change to send");
    drop(book);

    let fresh = dir.path().join("fresh.sqlite");
    drop(fieldcrm_core::api::open_connection(&fresh, &common::key()).expect("fresh"));
    let upgraded = schema(&common::raw(&old));
    let created = schema(&common::raw(&fresh));
    assert_eq!(upgraded, created, "an upgraded book has exactly the schema of a new one");
}
