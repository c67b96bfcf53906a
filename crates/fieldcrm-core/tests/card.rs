//! The archive card through the facade: create, edit with field-level
//! compare-and-set, child records, history, verification, staleness.

mod common;

use chrono::Duration;
use common::{book_with_rep, fields, new_customer};
use fieldcrm_core::api::{CardEdit, NewCustomer, NewRecord, RecordEdit, RecordKind};
use fieldcrm_core::card::FieldChange;
use fieldcrm_core::search::CustomerQuery;
use fieldcrm_core::ErrorCode;
use serde_json::json;

fn change(field: &str, expected: serde_json::Value, value: serde_json::Value) -> FieldChange {
    FieldChange { field: field.into(), expected: Some(expected), value }
}

fn count(book: &fieldcrm_core::Book) -> u32 {
    book.status().expect("status").customer_count
}

#[test]
fn a_card_with_only_a_name_gets_sensible_defaults_and_a_creation_entry() {
    let (book, _) = book_with_rep();
    let saved = book.create_customer(&new_customer("华星农业")).expect("created");
    let card = &saved.card;
    assert_eq!(card.fields["lifecycle"], json!("prospect"), "new cards are prospects until they trade");
    assert_eq!(card.fields["channelLevel"], json!("retailer"));
    assert_eq!(card.owner_name, "王磊", "the rep who creates a card owns it");
    assert_eq!(card.territory_name, "寿光片区", "and it lies in their territory");
    assert!(!card.stale);
    let history = book.history(card.id, 10).expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].field.as_str(), &history[0].new_value), ("*", &json!("华星农业")));
    assert_eq!(history[0].changed_by.as_deref(), Some("王磊"));
}

#[test]
fn bad_input_is_refused_with_field_problems_and_nothing_is_saved() {
    let (book, _) = book_with_rep();
    for (input, field, code) in [
        (json!({"name": "   "}), "name", "required"),
        (json!({"name": "华".repeat(101)}), "name", "too_long"),
        (json!({"name": "x", "foundedOn": "2099-01-01"}), "foundedOn", "future_date"),
        (json!({"name": "x", "lifecycle": "gone"}), "lifecycle", "not_choice"),
        (json!({"name": "x", "ownerId": "018bfb68-5d3c-79a8-bc7d-55006874483c"}), "ownerId", "unknown_ref"),
        (json!({"name": "x", "colour": "red"}), "colour", "unknown_field"),
    ] {
        let err = book
            .create_customer(&NewCustomer { fields: fields(input.clone()), ..Default::default() })
            .expect_err("refused");
        assert_eq!(err.code, ErrorCode::Invalid, "{input}");
        assert!(err.problems.iter().any(|p| p.field == field && p.code == code), "{input}: {:?}", err.problems);
    }
    // A bad key person refuses the whole new card: nothing half-saved.
    let err = book
        .create_customer(&NewCustomer {
            fields: fields(json!({"name": "好名字"})),
            key_people: vec![fields(json!({"role": "owner", "name": ""}))],
            ..Default::default()
        })
        .expect_err("person without a name");
    assert_eq!(err.problems[0].field, "keyPeople[0].name");
    assert_eq!(count(&book), 0, "no card was left behind by refused saves");
}

#[test]
fn a_new_card_with_its_people_and_address_is_one_save() {
    let (book, _) = book_with_rep();
    let saved = book
        .create_customer(&NewCustomer {
            fields: fields(json!({"name": "华星农业"})),
            key_people: vec![fields(json!({"role": "owner", "name": "张国庆", "phone": "123"}))],
            addresses: vec![
                fields(json!({"kind": "business", "detail": "人民路18号"})),
                fields(json!({"kind": "warehouse", "detail": "物流园3号库"})),
            ],
        })
        .expect("created");
    assert_eq!(saved.card.revision, 1, "creating a card with its records is one revision, not one per record");
    assert_eq!((saved.card.key_people.len(), saved.card.addresses.len()), (1, 2));
    assert_eq!(saved.warnings[0].field, "keyPeople[0].phone", "a record's warning names the record");
    let found =
        book.search_customers(&CustomerQuery { text: "张国庆 物流园".into(), ..Default::default() }).expect("q");
    assert_eq!(found.total, 1, "the people and addresses saved with the card find it");
    let err = book
        .create_customer(&NewCustomer {
            fields: fields(json!({"name": "另一家"})),
            addresses: vec![
                fields(json!({"kind": "business", "detail": "x"})),
                fields(json!({"kind": "moon", "detail": "y"})),
            ],
            ..Default::default()
        })
        .expect_err("bad address kind");
    assert_eq!(err.problems[0].field, "addresses[1].kind", "problems name the record they belong to");
}

#[test]
fn an_odd_phone_number_is_saved_with_a_warning() {
    let (book, _) = book_with_rep();
    let saved = book
        .create_customer(&NewCustomer { fields: fields(json!({"name": "x", "phone": "12345"})), ..Default::default() })
        .expect("saved anyway");
    assert_eq!(saved.card.fields["phone"], json!("12345"));
    assert_eq!(saved.warnings[0].code, "phone_format");
}

#[test]
fn two_windows_editing_different_fields_both_keep_their_changes() {
    let (book, _) = book_with_rep();
    let card = book.create_customer(&new_customer("华星农业")).expect("created").card;
    // Window A and window B both opened the card at this state.
    let seen = card.fields.clone();
    book.edit_customer(&CardEdit {
        customer_id: card.id,
        changes: vec![change("phone", seen["phone"].clone(), json!("13812345678"))],
    })
    .expect("A saves the phone");
    let after_b = book
        .edit_customer(&CardEdit {
            customer_id: card.id,
            changes: vec![change("notes", seen["notes"].clone(), json!("老板周末在店"))],
        })
        .expect("B saves the notes: a different field, no conflict")
        .card;
    assert_eq!(after_b.fields["phone"], json!("13812345678"), "B's save kept A's phone");
    assert_eq!(after_b.fields["notes"], json!("老板周末在店"));
}

#[test]
fn a_stale_save_of_the_same_field_is_refused_and_writes_nothing() {
    let (book, _) = book_with_rep();
    let card = book.create_customer(&new_customer("华星农业")).expect("created").card;
    let seen = card.fields.clone();
    book.edit_customer(&CardEdit {
        customer_id: card.id,
        changes: vec![change("phone", seen["phone"].clone(), json!("13812345678"))],
    })
    .expect("A saves");
    let err = book
        .edit_customer(&CardEdit {
            customer_id: card.id,
            changes: vec![
                change("phone", seen["phone"].clone(), json!("13900000000")),
                change("notes", seen["notes"].clone(), json!("B's note")),
            ],
        })
        .expect_err("B based its phone on an old value");
    assert_eq!(err.code, ErrorCode::EditConflict);
    assert_eq!(err.problems[0].field, "phone");
    let now = book.customer(card.id).expect("card");
    assert_eq!(now.fields["phone"], json!("13812345678"), "A's value survives");
    assert_eq!(now.fields["notes"], json!(null), "nothing of B's refused save was written");
    // Saving the value that is already there is not a conflict.
    book.edit_customer(&CardEdit {
        customer_id: card.id,
        changes: vec![change("phone", seen["phone"].clone(), json!("13812345678"))],
    })
    .expect("same value: no conflict");
}

#[test]
fn every_change_is_in_the_history_with_old_and_new_values() {
    let (book, clock) = book_with_rep();
    let card = book.create_customer(&new_customer("华星农业")).expect("created").card;
    clock.advance(Duration::minutes(5));
    book.edit_customer(&CardEdit {
        customer_id: card.id,
        changes: vec![change("creditStanding", json!("unknown"), json!("good"))],
    })
    .expect("edit");
    let saved = book
        .add_record(&NewRecord {
            customer_id: card.id,
            kind: RecordKind::KeyPerson,
            fields: fields(json!({"role": "owner", "name": "张国庆", "phone": "13712345678"})),
        })
        .expect("person");
    let person = saved.card.key_people[0].id.clone();
    book.edit_record(&RecordEdit {
        kind: RecordKind::KeyPerson,
        id: person.clone(),
        changes: vec![change("hobbies", json!(null), json!("钓鱼"))],
    })
    .expect("person edit");
    book.remove_record(RecordKind::KeyPerson, &person).expect("removed");
    let history = book.history(card.id, 100).expect("history");
    let credit = history.iter().find(|h| h.field == "creditStanding").expect("credit change recorded");
    assert_eq!((&credit.old_value, &credit.new_value), (&json!("unknown"), &json!("good")));
    let hobby = history.iter().find(|h| h.field == "hobbies").expect("person change recorded");
    assert_eq!(hobby.entity, "key_person");
    assert_eq!(hobby.new_value, json!("钓鱼"));
    let removed = history.iter().find(|h| h.field == "*" && h.new_value.is_null()).expect("removal recorded");
    assert_eq!(removed.old_value, json!("张国庆"), "a removed person's name stays in the history");
    assert!(history.windows(2).all(|w| w[0].changed_at >= w[1].changed_at), "newest first");
}

#[test]
fn a_supplier_link_that_would_form_a_cycle_is_refused() {
    let (book, _) = book_with_rep();
    let distributor = book
        .create_customer(&NewCustomer {
            fields: fields(json!({"name": "经销商", "channelLevel": "distributor"})),
            ..Default::default()
        })
        .expect("d")
        .card;
    let sub = book
        .create_customer(&NewCustomer {
            fields: fields(
                json!({"name": "二批商", "channelLevel": "sub_distributor", "supplierId": distributor.id.to_string()}),
            ),
            ..Default::default()
        })
        .expect("s")
        .card;
    let retailer = book
        .create_customer(&NewCustomer {
            fields: fields(json!({"name": "零售商", "supplierId": sub.id.to_string()})),
            ..Default::default()
        })
        .expect("r")
        .card;
    assert_eq!(retailer.supplier_name.as_deref(), Some("二批商"));
    for supplier in [retailer.id, distributor.id] {
        let err = book
            .edit_customer(&CardEdit {
                customer_id: distributor.id,
                changes: vec![FieldChange {
                    field: "supplierId".into(),
                    expected: None,
                    value: json!(supplier.to_string()),
                }],
            })
            .expect_err("cycle");
        assert_eq!(err.problems[0].code, "supplier_cycle");
    }
    assert_eq!(book.customer(distributor.id).expect("d").fields["supplierId"], json!(null), "unchanged");
}

#[test]
fn customer_filled_data_needs_a_reps_confirmation() {
    let (book, _) = book_with_rep();
    let card = book.create_customer(&new_customer("华星农业")).expect("created").card;
    let card = book
        .edit_customer(&CardEdit {
            customer_id: card.id,
            changes: vec![change("characteristicsSource", json!("rep_visit"), json!("customer_form"))],
        })
        .expect("source")
        .card;
    let block = card.blocks.iter().find(|b| b.block.as_str() == "characteristics").expect("block");
    assert!(block.needs_verification, "customer-filled data is not trusted until confirmed");
    let page =
        book.search_customers(&CustomerQuery { needs_verification_only: true, ..Default::default() }).expect("q");
    assert_eq!(page.total, 1, "the list can show what awaits confirmation");
    let card = book
        .edit_customer(&CardEdit {
            customer_id: card.id,
            changes: vec![change("characteristicsVerified", json!(false), json!(true))],
        })
        .expect("confirm")
        .card;
    assert!(card.blocks.iter().all(|b| !b.needs_verification));
}

#[test]
fn a_card_not_reviewed_for_the_stale_period_shows_as_stale_until_reviewed() {
    let (book, clock) = book_with_rep();
    let card = book.create_customer(&new_customer("华星农业")).expect("created").card;
    book.set_stale_after_days(30).expect("setting");
    clock.advance(Duration::days(29));
    assert!(!book.customer(card.id).expect("card").stale);
    clock.advance(Duration::days(2));
    assert!(book.customer(card.id).expect("card").stale, "31 days without review");
    assert_eq!(book.search_customers(&CustomerQuery { stale_only: true, ..Default::default() }).expect("q").total, 1);
    assert!(!book.mark_reviewed(card.id).expect("reviewed").stale);
    assert_eq!(book.set_stale_after_days(0).expect_err("0 days").code, ErrorCode::Invalid);
}

#[test]
fn writing_without_a_profile_is_refused() {
    let book = fieldcrm_core::Book::open_in_memory(common::clock()).expect("book");
    let err = book.create_customer(&new_customer("x")).expect_err("no profile");
    assert_eq!(err.code, ErrorCode::NoProfile);
}

#[test]
fn unknown_cards_are_reported_as_not_found() {
    let (book, _) = book_with_rep();
    let id = fieldcrm_core::ids::CustomerId::new();
    assert_eq!(book.customer(id).expect_err("missing").code, ErrorCode::NotFound);
    assert_eq!(book.history(id, 5).expect_err("missing").code, ErrorCode::NotFound);
}
