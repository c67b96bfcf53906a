//! Sync between laptops and head office, end to end through the facade.

#[path = "sync/world.rs"]
mod world;

use chrono::Duration;
use fieldcrm_core::api::CardEdit;
use fieldcrm_core::card::FieldChange;
use serde_json::json;
use world::{cards, customer, World};

#[test]
fn a_reps_new_card_reaches_head_office_and_their_manager_but_not_the_other_rep() {
    let w = World::new(2);
    let saved =
        w.people[0].book.create_customer(&customer("华星农业", json!({"phone": "13800000001"}))).expect("create");
    let id = saved.card.id;
    w.advance(Duration::minutes(5));
    w.settle();
    assert!(w.office.book.customer(id).is_ok(), "head office has the card");
    assert!(w.manager().book.customer(id).is_ok(), "the manager has the card");
    assert!(w.people[1].book.customer(id).is_err(), "the other rep does not");
    assert_eq!(
        cards(&w.people[0].book),
        cards(&w.manager().book).into_iter().filter(|(k, _)| *k == id.to_string()).collect()
    );
    let status = w.people[0].book.sync_status().expect("status");
    assert_eq!(status.pending_total, 0, "everything was confirmed: {:?}", status.pending);
}

#[test]
fn concurrent_edits_of_different_fields_both_survive_and_same_field_is_a_visible_conflict() {
    let w = World::new(2);
    let id = w.people[0].book.create_customer(&customer("华星农业", json!({}))).expect("create").card.id;
    w.settle();
    let edit = |who: usize, field: &str, value: &str| {
        w.people[who]
            .book
            .edit_customer(&CardEdit {
                customer_id: id,
                changes: vec![FieldChange { field: field.into(), expected: None, value: json!(value) }],
            })
            .expect("edit");
    };
    let manager = w.people.len() - 1;
    edit(0, "phone", "13800000002");
    w.advance(Duration::minutes(1));
    edit(manager, "shortName", "华星");
    w.advance(Duration::minutes(1));
    edit(0, "notes", "rep's note");
    edit(manager, "notes", "manager's note");
    w.settle();
    let office = w.office.book.customer(id).expect("card");
    let rep = w.people[0].book.customer(id).expect("card");
    let mgr = w.manager().book.customer(id).expect("card");
    assert_eq!(office.fields.get("phone"), Some(&json!("13800000002")));
    assert_eq!(office.fields.get("shortName"), Some(&json!("华星")));
    assert_eq!(office.fields.get("notes"), Some(&json!("manager's note")), "the later write wins");
    assert_eq!(rep.fields, office.fields);
    assert_eq!(mgr.fields, office.fields);
    let conflicts = w.people[0].book.conflicts(false).expect("conflicts");
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].field, "notes");
    assert_eq!(conflicts[0].lost_value, json!("rep's note"));
    assert_eq!(conflicts[0].kept_value, json!("manager's note"));
    assert_eq!(w.manager().book.conflicts(false).expect("conflicts").len(), 1, "the manager sees it too");
}
