//! An address's 省/市/区 as division codes through the facade: a new card's
//! address and an address record keep their three codes nested and their
//! texts the codes' names, edits move the levels below, refusals name the
//! field at fault, and an import fills the codes from its columns or from
//! the address itself.

mod common;
#[path = "sync/world.rs"]
mod world;

use common::{book_with_rep, fields};
use fieldcrm_core::api::{NewCustomer, NewRecord, RecordEdit, RecordKind};
use fieldcrm_core::card::{FieldChange, Fields};
use fieldcrm_core::import::{Cancel, ImportRequest};
use fieldcrm_core::model::ImportKind;
use fieldcrm_core::search::CustomerQuery;
use fieldcrm_core::{Book, ErrorCode};
use serde_json::{json, Value};

fn with_address(book: &Book, address: Value) -> Result<fieldcrm_core::api::Saved, fieldcrm_core::ApiError> {
    book.create_customer(&NewCustomer {
        fields: fields(json!({"name": "南山农资店"})),
        addresses: vec![fields(address)],
        ..Default::default()
    })
}

/// The six division fields of an address, in order.
fn divisions(address: &Fields) -> [Value; 6] {
    ["provinceCode", "cityCode", "districtCode", "province", "city", "district"]
        .map(|k| address.get(k).cloned().unwrap_or(Value::Null))
}

fn set(field: &str, value: Value) -> FieldChange {
    FieldChange { field: field.into(), expected: None, value }
}

#[test]
fn a_new_address_with_its_codes_names_its_divisions_and_is_found_by_them() {
    let (book, _) = book_with_rep();
    let saved = with_address(
        &book,
        json!({"kind": "business", "provinceCode": "44", "cityCode": "4403", "districtCode": "440305", "detail": "科技园8栋"}),
    )
    .expect("created");
    assert_eq!(
        divisions(&saved.card.addresses[0].fields),
        [json!("44"), json!("4403"), json!("440305"), json!("广东省"), json!("深圳市"), json!("南山区")],
        "the texts are the list's names, so everything that shows them keeps working"
    );
    let found = book.search_customers(&CustomerQuery { text: "南山区".into(), ..Default::default() }).expect("search");
    assert_eq!(found.total, 1, "the district's name is searchable like a typed one");

    // The district alone is enough: it decides its city and province.
    let saved = with_address(&book, json!({"kind": "business", "districtCode": "110105", "detail": "建国路88号"}))
        .expect("created");
    assert_eq!(
        divisions(&saved.card.addresses[0].fields),
        [json!("11"), json!("1101"), json!("110105"), json!("北京市"), Value::Null, json!("朝阳区")],
        "a municipality's 市辖区 has a code but no address writes it"
    );
}

#[test]
fn codes_of_the_wrong_level_or_that_do_not_nest_are_refused_at_their_field() {
    let (book, _) = book_with_rep();
    for (address, field, code) in [
        (json!({"provinceCode": "4403"}), "addresses[0].provinceCode", "unknown_division"),
        (json!({"cityCode": "440305"}), "addresses[0].cityCode", "unknown_division"),
        (json!({"districtCode": "999999"}), "addresses[0].districtCode", "unknown_division"),
        (
            json!({"provinceCode": "44", "cityCode": "4401", "districtCode": "440305"}),
            "addresses[0].cityCode",
            "division_mismatch",
        ),
        (json!({"provinceCode": "11", "districtCode": "440305"}), "addresses[0].provinceCode", "division_mismatch"),
    ] {
        let mut address = address.clone();
        address["kind"] = json!("business");
        address["detail"] = json!("科技园");
        let err = with_address(&book, address.clone()).expect_err("refused");
        assert_eq!(err.code, ErrorCode::Invalid, "{address}");
        assert!(err.problems.iter().any(|p| p.field == field && p.code == code), "{address}: {:?}", err.problems);
    }
    assert_eq!(book.status().expect("status").customer_count, 0, "nothing half-saved");
}

#[test]
fn an_address_record_edit_moves_the_levels_below_and_keeps_the_history() {
    let (book, _) = book_with_rep();
    let card = with_address(&book, json!({"kind": "business", "detail": "人民路1号"})).expect("created").card;
    let id = card.addresses[0].id.clone();
    let edit = |changes: Vec<FieldChange>| {
        book.edit_record(&RecordEdit { kind: RecordKind::Address, id: id.clone(), changes })
    };

    // An address typed by hand gets its codes: its texts follow.
    let saved = edit(vec![
        set("provinceCode", json!("44")),
        set("cityCode", json!("4403")),
        set("districtCode", json!("440305")),
    ])
    .expect("coded");
    assert_eq!(divisions(&saved.card.addresses[0].fields)[5], json!("南山区"));
    // Another city of the province: the district no longer lies in it and goes.
    let saved = edit(vec![set("cityCode", json!("4401"))]).expect("moved");
    assert_eq!(
        divisions(&saved.card.addresses[0].fields),
        [json!("44"), json!("4401"), Value::Null, json!("广东省"), json!("广州市"), Value::Null]
    );
    let history = book.history(card.id, 50).expect("history");
    let changed: Vec<&str> = history.iter().map(|h| h.field.as_str()).collect();
    for field in ["cityCode", "city", "districtCode", "district"] {
        assert!(changed.contains(&field), "{field} in the history: {changed:?}");
    }
    // A text of a level with a code is its name: to change it, change the code.
    let err = edit(vec![set("city", json!("深圳市"))]).expect_err("the code says 广州市");
    assert_eq!((err.problems[0].field.as_str(), err.problems[0].code.as_str()), ("city", "division_mismatch"));
    // Emptying the province empties the whole place.
    let saved = edit(vec![set("provinceCode", Value::Null)]).expect("emptied");
    assert_eq!(divisions(&saved.card.addresses[0].fields), [(); 6].map(|_| Value::Null));
    // A record added later is checked the same way.
    let err = book
        .add_record(&NewRecord {
            customer_id: card.id,
            kind: RecordKind::Address,
            fields: fields(
                json!({"kind": "warehouse", "detail": "3号库", "cityCode": "4403", "districtCode": "110105"}),
            ),
        })
        .expect_err("朝阳区 is not in 深圳市");
    assert_eq!(err.problems[0].code.as_str(), "division_mismatch");
}

#[test]
fn an_import_fills_the_codes_from_its_columns_or_from_the_address() {
    let (book, _) = book_with_rep();
    let dir = tempfile::tempdir().expect("dir");
    let csv = "客户名称,省份,城市,区县,详细地址\n\
               甲店,广东,深圳,南山区,科技园8栋\n\
               乙店,,,,广东省深圳市南山区科技园9栋\n\
               丙店,山东,潍坊,寿光,山东省潍坊市寿光市农圣街1号\n\
               丁店,,,,朝阳区建国路88号\n\
               戊店,火星,,,奥林匹斯山1号\n\
               己店,广东,深圳,科技园片区,南山大道1号\n";
    let file = dir.path().join("cards.csv");
    std::fs::write(&file, csv).expect("csv");
    let req = ImportRequest::new(file.display().to_string(), ImportKind::Customers);
    let done = book.import(&req, true, &mut |_| {}, &Cancel::default()).expect("imported");
    assert_eq!(done.created, 6, "no row is refused for its address: {:?}", done.outcomes);
    let address = |name: &str| -> Fields {
        let found = book.search_customers(&CustomerQuery { text: name.into(), ..Default::default() }).expect("search");
        let card = book.customer(found.rows[0].id).expect("card");
        card.addresses[0].fields.clone()
    };
    let nanshan = [json!("44"), json!("4403"), json!("440305"), json!("广东省"), json!("深圳市"), json!("南山区")];
    assert_eq!(divisions(&address("甲店")), nanshan, "short names in the columns");
    assert_eq!(address("甲店")["detail"], json!("科技园8栋"));
    assert_eq!(divisions(&address("乙店")), nanshan, "split from the address");
    assert_eq!(address("乙店")["detail"], json!("科技园9栋"), "the street's rest is the detail");
    assert_eq!(divisions(&address("丙店"))[..3], [json!("37"), json!("3707"), json!("370783")]);
    assert_eq!(address("丙店")["detail"], json!("农圣街1号"), "an address repeating the columns keeps its rest");
    // 朝阳区 alone could be Beijing's or Changchun's: no guess, the text stays.
    assert_eq!(divisions(&address("丁店")), [(); 6].map(|_| Value::Null));
    assert_eq!(address("丁店")["detail"], json!("朝阳区建国路88号"));
    // Unknown text stays as written, without codes.
    assert_eq!(
        divisions(&address("戊店")),
        [Value::Null, Value::Null, Value::Null, json!("火星"), Value::Null, Value::Null]
    );
    // A district column naming nothing keeps its text, and the levels above their codes.
    assert_eq!(
        divisions(&address("己店")),
        [json!("44"), json!("4403"), Value::Null, json!("广东省"), json!("深圳市"), json!("科技园片区")]
    );
}

#[test]
fn the_codes_travel_with_the_address_and_an_edit_elsewhere_follows() {
    let world = world::World::new(1);
    let rep = &world.people[0].book;
    let mut new = world::customer("南山农资店", json!({}));
    new.addresses = vec![fields(json!({"kind": "business", "districtCode": "440305", "detail": "科技园8栋"}))];
    let id = rep.create_customer(&new).expect("created").card.id;
    world.send(0).expect("send");
    let at_office = world.office.book.customer(id).expect("at head office");
    assert_eq!(
        divisions(&at_office.addresses[0].fields),
        [json!("44"), json!("4403"), json!("440305"), json!("广东省"), json!("深圳市"), json!("南山区")],
        "the new columns travel in the changeset file with the row"
    );
    // Head office moves the address to another district; the rep's book follows.
    let address = at_office.addresses[0].id.clone();
    world
        .office
        .book
        .edit_record(&RecordEdit {
            kind: RecordKind::Address,
            id: address,
            changes: vec![set("districtCode", json!("440304"))],
        })
        .expect("moved");
    world.settle();
    let at_rep = rep.customer(id).expect("card");
    assert_eq!(
        divisions(&at_rep.addresses[0].fields)[2..6],
        [json!("440304"), json!("广东省"), json!("深圳市"), json!("福田区")]
    );
    assert_eq!(world::cards(rep)[&id.to_string()], world::cards(&world.office.book)[&id.to_string()]);
}
