//! Sync between laptops and head office, end to end through the facade.

#[path = "sync/world.rs"]
mod world;

use chrono::Duration;
use fieldcrm_core::api::CardEdit;
use fieldcrm_core::card::FieldChange;
use fieldcrm_core::error::ProblemCode;
use serde_json::{json, Value};
use world::{cards, customer, HandWritten, Person, World};

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

fn snapshot(book: &fieldcrm_core::Book) -> String {
    let mut status = book.sync_status().expect("status");
    status.peers.sort_by(|a, b| a.device_id.cmp(&b.device_id));
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}",
        cards(book),
        status,
        book.conflicts(true).expect("c"),
        book.rejections().expect("r")
    )
}

fn refused(result: Result<fieldcrm_core::sync::ImportReport, fieldcrm_core::ApiError>) -> String {
    let error = result.expect_err("the file must be refused");
    assert_eq!(error.code, fieldcrm_core::ErrorCode::SyncRefused, "{error:?}");
    assert!(!error.message.is_empty());
    error.problems[0].code.to_string()
}

fn quiet(_: fieldcrm_core::sync::Progress) {}

#[test]
fn bad_files_are_refused_with_a_reason_and_change_nothing() {
    let w = World::new(2);
    w.people[0].book.create_customer(&customer("华星农业", json!({}))).expect("create");
    let good = w.people[0].book.sync_export_bytes(None).expect("export");
    let office = &w.office.book;
    let for_rep0 = office.sync_export_bytes(Some(&w.people[0].device_id)).expect("export");
    let before = snapshot(&w.office.book);
    let try_import = |bytes: &[u8]| office.sync_import_bytes(bytes, None, &mut quiet);

    let mut unsigned = good.clone();
    let header_len = u32::from_le_bytes([good[12], good[13], good[14], good[15]]) as usize;
    for b in &mut unsigned[16 + header_len..16 + header_len + 64] {
        *b = 0;
    }
    assert_eq!(refused(try_import(&unsigned)), "bad_signature");

    let mut tampered_body = good.clone();
    let last = tampered_body.len() - 1;
    tampered_body[last] ^= 0x55;
    assert_eq!(refused(try_import(&tampered_body)), "tampered");

    let text = String::from_utf8_lossy(&good[16..16 + header_len]).into_owned();
    let forged = text.replacen("\"fileNo\":1", "\"fileNo\":7", 1);
    assert_ne!(forged, text, "the header names its file number");
    let mut tampered_header = good[..16].to_vec();
    tampered_header.extend_from_slice(forged.as_bytes());
    tampered_header.extend_from_slice(&good[16 + header_len..]);
    assert_eq!(refused(try_import(&tampered_header)), "bad_signature");

    assert_eq!(refused(try_import(&good[..good.len() - 10])), "tampered", "cut inside the body: fails its signed hash");
    assert_eq!(refused(try_import(&good[..16 + header_len / 2])), "truncated", "cut inside the header");
    assert_eq!(refused(try_import(&good[..20])), "truncated");
    assert_eq!(refused(try_import(b"PK\x03\x04 a zip file, not ours")), "not_a_sync_file");

    let mut newer = good.clone();
    newer[8] = 3;
    assert_eq!(refused(try_import(&newer)), "newer_format");
    let mut older = good.clone();
    older[8] = 1;
    assert_eq!(refused(try_import(&older)), "older_format", "format 1 carried bodies in the clear");

    // A file for someone else.
    assert_eq!(refused(w.people[1].book.sync_import_bytes(&for_rep0, None, &mut quiet)), "wrong_recipient");
    let before_rep1 = snapshot(&w.people[1].book);

    // A device head office never enrolled.
    let stranger = fieldcrm_core::Book::open_in_memory(w.office.clock.clone()).expect("book");
    let stranger_id = stranger.device().expect("device").device_id;
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let (header, body) = {
        let unverified = fieldcrm_core::sync::file::open(&good).expect("frame");
        let mut h = unverified.header;
        h.sender = stranger_id;
        h.sender_key = hex::encode(key.verifying_key().to_bytes());
        (h, fieldcrm_core::sync::file::Body::default())
    };
    let forged = fieldcrm_core::sync::file::encode(header, &body, &key, &world::office_key(&w)).expect("encode");
    assert_eq!(refused(try_import(&forged)), "unknown_device");

    assert_eq!(snapshot(office), before, "refused files changed nothing at head office");
    assert_eq!(snapshot(&w.people[1].book), before_rep1, "nor on the laptop");
    // The good file still imports, and a second time is a no-op.
    assert!(try_import(&good).expect("good file").applied > 0);
    assert!(try_import(&good).expect("again").duplicate_file);
}

#[test]
fn a_card_handed_to_another_rep_arrives_whole_with_its_history_and_leaves_the_old_holder_with_a_notice() {
    let w = World::new(2);
    let id = w.people[0]
        .book
        .create_customer(&customer("华星农业", json!({"phone": "13800000001"})))
        .expect("create")
        .card
        .id;
    w.advance(Duration::minutes(1));
    w.people[0]
        .book
        .edit_customer(&CardEdit {
            customer_id: id,
            changes: vec![FieldChange { field: "notes".into(), expected: None, value: json!("老客户") }],
        })
        .expect("edit");
    w.settle();
    let manager = w.people.len() - 1;
    let changes = vec![
        FieldChange { field: "ownerId".into(), expected: None, value: json!(w.people[1].staff_id) },
        FieldChange { field: "territoryId".into(), expected: None, value: json!(w.territories[1]) },
    ];
    w.people[manager].book.edit_customer(&CardEdit { customer_id: id, changes }).expect("reassign");
    w.settle();
    assert!(w.people[0].book.customer(id).is_err(), "the old holder no longer has the card");
    let notices = w.people[0].book.notices().expect("notices");
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].customer_name, "华星农业");
    let card = w.people[1].book.customer(id).expect("the new holder has the card");
    assert_eq!(card.fields.get("notes"), Some(&json!("老客户")));
    let history = w.people[1].book.history(id, 100).expect("history");
    assert_eq!(history, w.office.book.history(id, 100).expect("office history"), "the whole history came along");
    assert!(history.len() >= 3, "creation, the note and the reassignment: {history:?}");
}

#[test]
fn a_laptop_refuses_what_head_office_would_refuse_with_the_same_code() {
    let w = World::new(2);
    let rep = &w.people[0];
    let id = rep.book.create_customer(&customer("华星农业", json!({}))).expect("create").card.id;
    w.settle();
    let before = rep.book.customer(id).expect("card");
    // A rep may not hand a card to someone else, nor change the organisation:
    // head office's merge refuses both, so the laptop refuses them first.
    let reassign = rep
        .book
        .edit_customer(&CardEdit {
            customer_id: id,
            changes: vec![FieldChange { field: "ownerId".into(), expected: None, value: json!(w.people[1].staff_id) }],
        })
        .expect_err("a rep does not reassign");
    assert_eq!(reassign.problems[0].code, ProblemCode::ReassignByManager, "{reassign:?}");
    assert_eq!(reassign.problems[0].field, "ownerId");
    let unit = rep
        .book
        .add_org_unit(&fieldcrm_core::api::NewOrgUnit {
            parent_id: Some(w.territories[0].parse().expect("id")),
            kind: fieldcrm_core::model::OrgUnitKind::Other,
            name: "私设网点".into(),
            code: None,
        })
        .expect_err("only head office changes the organisation");
    assert_eq!(unit.problems[0].code, ProblemCode::OfficeOnly, "{unit:?}");
    // Nor make a new card out to another rep, or to a territory not theirs.
    let theirs = rep
        .book
        .create_customer(&customer("他人的客户", json!({"ownerId": w.people[1].staff_id})))
        .expect_err("a new card is the rep's own");
    assert_eq!((theirs.problems[0].code, theirs.problems[0].field.as_str()), (ProblemCode::OutOfScope, "ownerId"));
    let manager = w.people.len() - 1;
    let units = w.people[manager].book.org_units().expect("units");
    let root = units.iter().find(|u| u.parent_id.is_none()).expect("head office's unit").id.to_string();
    let elsewhere = w.people[manager]
        .book
        .create_customer(&customer("外区客户", json!({"territoryId": root})))
        .expect_err("a manager makes cards for their own region");
    assert_eq!(elsewhere.problems[0].code, ProblemCode::OutOfScope, "{elsewhere:?}");
    assert!(
        w.people.iter().all(|p| p.book.search_customers(&Default::default()).expect("cards").rows.len() <= 1),
        "neither refused card was kept"
    );
    assert_eq!(rep.book.customer(id).expect("card"), before, "nothing of the refused edit was kept");
    assert!(
        !rep.book.org_units().expect("units").iter().any(|u| u.name == "私设网点"),
        "the refused unit is not there"
    );
    rep.book
        .edit_customer(&CardEdit {
            customer_id: id,
            changes: vec![FieldChange { field: "phone".into(), expected: None, value: json!("13800000009") }],
        })
        .expect("allowed edit");
    let report = w.send(0).expect("send");
    assert_eq!(report.rejected, 0, "nothing the laptop accepted is refused: {report:?}");
    w.receive(0).expect("receive");
    assert!(rep.book.rejections().expect("rejections").is_empty());
    let card = rep.book.customer(id).expect("card");
    assert_eq!(card.fields.get("phone"), Some(&json!("13800000009")));
    assert_eq!(w.office.book.customer(id).expect("office").fields, card.fields);

    // The manager hands cards over within the region, and not outside it.
    let manager = w.manager();
    manager
        .book
        .edit_customer(&CardEdit {
            customer_id: id,
            changes: vec![FieldChange { field: "ownerId".into(), expected: None, value: json!(w.people[1].staff_id) }],
        })
        .expect("a manager reassigns within the region");
    let outside =
        w.office.book.org_units().expect("units").into_iter().find(|u| u.depth == 0).expect("head office unit");
    let refused = manager
        .book
        .edit_customer(&CardEdit {
            customer_id: id,
            changes: vec![FieldChange { field: "territoryId".into(), expected: None, value: json!(outside.id) }],
        })
        .expect_err("not outside the region");
    assert_eq!(refused.problems[0].code, ProblemCode::OutOfScope, "{refused:?}");
    let report = w.send(w.people.len() - 1).expect("send");
    assert_eq!(report.rejected, 0, "{report:?}");
    assert_eq!(w.office.book.customer(id).expect("office").fields.get("ownerId"), Some(&json!(w.people[1].staff_id)));
}

#[test]
fn a_laptop_clock_days_ahead_is_corrected_and_does_not_win_later_conflicts() {
    let w = World::new(2);
    let id = w.people[0].book.create_customer(&customer("华星农业", json!({}))).expect("create").card.id;
    w.settle();
    let manager = w.people.len() - 1;
    let note = |who: usize, text: &str| {
        w.people[who]
            .book
            .edit_customer(&CardEdit {
                customer_id: id,
                changes: vec![FieldChange { field: "notes".into(), expected: None, value: json!(text) }],
            })
            .expect("edit");
    };
    w.people[0].clock.advance(Duration::days(3));
    note(0, "from a fast clock");
    w.settle();
    // Real time passes the fast clock's stamp; then both edit without seeing each other.
    w.advance(Duration::days(3) + Duration::hours(1));
    note(0, "rep, earlier");
    w.advance(Duration::minutes(30));
    note(manager, "manager, later");
    w.settle();
    let office = w.office.book.customer(id).expect("card");
    assert_eq!(
        office.fields.get("notes"),
        Some(&json!("manager, later")),
        "the later edit wins once the clock is corrected"
    );
    assert_eq!(w.people[0].book.customer(id).expect("card").fields, office.fields);
}

#[test]
fn confirmed_changes_are_not_sent_again_and_removal_markers_are_pruned_once_everyone_confirmed() {
    let w = World::new(2);
    let rep = &w.people[0];
    let fields = serde_json::from_value(json!({"name": "张三", "role": "contact"})).expect("fields");
    let id = rep.book.create_customer(&customer("华星农业", json!({}))).expect("create").card.id;
    let card = rep
        .book
        .add_record(&fieldcrm_core::api::NewRecord {
            customer_id: id,
            kind: fieldcrm_core::api::RecordKind::KeyPerson,
            fields,
        })
        .expect("add")
        .card;
    w.settle();
    rep.book.remove_record(fieldcrm_core::api::RecordKind::KeyPerson, &card.key_people[0].id).expect("remove");
    w.send(0).expect("send");
    assert!(
        w.office.book.sync_status().expect("status").tombstones >= 1,
        "head office keeps the removal until all confirmed"
    );
    w.settle();
    assert_eq!(w.office.book.sync_status().expect("status").tombstones, 0, "pruned after everyone confirmed");
    assert!(w.office.book.customer(id).expect("card").key_people.is_empty());
    assert!(
        w.manager().book.customer(id).expect("card").key_people.is_empty(),
        "the manager's copy lost the person too"
    );
    let dir = tempfile::tempdir().expect("dir");
    assert_eq!(
        rep.book.sync_export(dir.path(), None).expect("export").changes,
        0,
        "nothing unconfirmed is left to send"
    );
}

#[test]
fn resolving_a_conflict_is_an_ordinary_change_that_reaches_everyone() {
    let w = World::new(2);
    let id = w.people[0].book.create_customer(&customer("华星农业", json!({}))).expect("create").card.id;
    w.settle();
    let manager = w.people.len() - 1;
    for (who, text) in [(0, "rep"), (manager, "manager")] {
        w.people[who]
            .book
            .edit_customer(&CardEdit {
                customer_id: id,
                changes: vec![FieldChange { field: "phone".into(), expected: None, value: json!(text) }],
            })
            .expect("edit");
        w.advance(Duration::minutes(1));
    }
    w.settle();
    let conflict = w.people[0].book.conflicts(false).expect("list").pop().expect("one conflict");
    assert_eq!(conflict.lost_value, json!("rep"));
    w.people[0]
        .book
        .resolve_conflict(&fieldcrm_core::api::sync::ConflictResolution {
            id: conflict.id,
            choice: fieldcrm_core::api::sync::ConflictChoice::TakeOther,
            value: None,
        })
        .expect("resolve");
    w.settle();
    for book in [&w.office.book, &w.manager().book, &w.people[0].book] {
        assert_eq!(book.customer(id).expect("card").fields.get("phone"), Some(&json!("rep")));
        assert!(book.conflicts(false).expect("open").is_empty(), "resolved everywhere");
    }
}

impl HandWritten {
    /// A new card of the world's first person, as a laptop sends it (change `s` of its stream).
    fn new_card(&self, w: &World, id: &str, name: &str, s: i64) -> fieldcrm_core::sync::file::Change {
        let card = json!({"id": id, "name": name, "channel_level": "retailer", "lifecycle": "active",
                              "owner_id": w.people[0].staff_id, "territory_id": w.territories[0],
                              "reviewed_at": "2026-11-01T00:00:00.000Z",
                              "created_at": "2026-11-01T00:00:00.000Z", "updated_at": "2026-11-01T00:00:00.000Z"});
        fieldcrm_core::sync::file::Change {
            t: "customer".into(),
            k: id.into(),
            c: "*".into(),
            v: card,
            h: (1 << 40) + s as u64,
            o: self.device.device_id.clone(),
            s,
            bh: 0,
            bo: None,
            n: 0,
        }
    }

    /// The signed file of `changes` (numbered 1..) for head office, from a book of `columns`.
    fn file(
        &self,
        w: &World,
        columns: fieldcrm_core::changes::manifest::Columns,
        changes: Vec<fieldcrm_core::sync::file::Change>,
    ) -> Vec<u8> {
        let header = fieldcrm_core::sync::file::Header { columns, ..self.header(w, 1, changes.len() as i64) };
        let body = fieldcrm_core::sync::file::Body { changes, ..Default::default() };
        fieldcrm_core::sync::file::encode(header, &body, &self.key, &world::office_key(w)).expect("encode")
    }
}

#[test]
fn a_file_from_an_older_schema_is_accepted_and_missing_fields_take_their_defaults() {
    let w = World::new(1);
    let old = HandWritten::enrolled(&w);
    let mut columns = fieldcrm_core::changes::manifest::Columns::default();
    let old_customer: Vec<String> = [
        "id",
        "name",
        "channel_level",
        "lifecycle",
        "owner_id",
        "territory_id",
        "reviewed_at",
        "created_at",
        "updated_at",
    ]
    .iter()
    .map(|c| (*c).to_string())
    .collect();
    columns.0.insert("customer".into(), old_customer);
    let card_id = fieldcrm_core::ids::CustomerId::new().to_string();
    let change = old.new_card(&w, &card_id, "老版本客户", 1);
    let bytes = old.file(&w, columns, vec![change]);
    let report = w.office.book.sync_import_bytes(&bytes, None, &mut quiet).expect("an older schema's file is accepted");
    assert_eq!(report.applied, 1);
    let card = w.office.book.customer(card_id.parse().expect("id")).expect("card");
    assert_eq!(card.fields.get("creditStanding"), Some(&json!("unknown")), "the default of a field the old file lacks");
    assert_eq!(card.fields.get("name"), Some(&json!("老版本客户")));
}

/// A signed file from an enrolled laptop whose values no form would take (a
/// 40,000-character name with a NUL in it): head office refuses that card
/// alone, merges the rest, and its customer list still exports.
#[test]
fn values_no_form_would_take_are_refused_alone_and_the_rest_merges() {
    let w = World::new(1);
    let laptop = HandWritten::enrolled(&w);
    let new_id = || fieldcrm_core::ids::CustomerId::new().to_string();
    let hostile = format!("{}\u{0}", "华".repeat(40_000));
    let mut changes = vec![laptop.new_card(&w, &new_id(), &hostile, 1), laptop.new_card(&w, &new_id(), "华星农资", 2)];
    // Cells no form takes, beside the name: a tag of 500 characters, a code set that is
    // no JSON, a founding date that is no date, a channel type head office does not have.
    for (s, (column, value)) in [
        ("tags", json!(format!("[\"{}\"]", "标".repeat(500)))),
        ("custom_codes", json!("{not json")),
        ("founded_on", json!("去年春天")),
        ("channel_type", json!("casino")),
    ]
    .into_iter()
    .enumerate()
    {
        let mut change = laptop.new_card(&w, &new_id(), &format!("农资{s}"), 3 + s as i64);
        change.v[column] = value;
        changes.push(change);
    }
    let bytes = laptop.file(&w, fieldcrm_core::changes::manifest::Columns::default(), changes);
    let report = w.office.book.sync_import_bytes(&bytes, None, &mut quiet).expect("the file merges");
    assert_eq!((report.applied, report.rejected), (1, 5), "{report:?}");
    let names: Vec<String> = w
        .office
        .book
        .search_customers(&fieldcrm_core::search::CustomerQuery::default())
        .expect("list")
        .rows
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(names.contains(&"华星农资".to_string()));
    assert!(names.iter().all(|n| n.chars().count() <= 100), "no card with the hostile name");
    let dir = tempfile::tempdir().expect("dir");
    let exported = w
        .office
        .book
        .export_customers(&fieldcrm_core::search::CustomerQuery::default(), &dir.path().join("list.xlsx"), &mut |_| {})
        .expect("the list exports");
    assert!(exported.rows >= 1);
}

#[test]
fn a_laptop_joins_a_head_office_whose_data_predates_sync() {
    let clock = std::sync::Arc::new(fieldcrm_core::FixedClock::new(world::start()));
    let office = fieldcrm_core::Book::open_in_memory(clock.clone()).expect("office");
    office
        .load_demo(&fieldcrm_core::demo::DemoOptions { customers: 20, seed: 5, as_of: None })
        .expect("demo head office");
    let status = office.status().expect("status");
    assert_eq!(status.profile.as_ref().map(|p| p.role), Some(fieldcrm_core::model::StaffRole::HeadOffice));
    let rep = office
        .staff()
        .expect("staff")
        .into_iter()
        .find(|s| s.role == fieldcrm_core::model::StaffRole::Rep)
        .expect("a rep");
    let laptop = fieldcrm_core::Book::open_in_memory(clock).expect("laptop");
    let device = laptop.device().expect("device");
    office
        .enroll_device(&fieldcrm_core::api::sync::EnrollDevice {
            staff_id: rep.id.to_string(),
            device_id: device.device_id.clone(),
            public_key: device.public_key,
            name: None,
        })
        .expect("enroll");
    let first = office.sync_export_bytes(Some(&device.device_id)).expect("first file");
    let fpr = office.device().expect("office").fingerprint;
    let report = laptop.sync_import_bytes(&first, Some(&fpr), &mut quiet).expect("join");
    assert!(!report.stale && report.applied > 0, "{report:?}");
    let mine = laptop.status().expect("status").customer_count;
    assert!(mine > 0, "the rep's demo cards arrived");
    assert_eq!(laptop.status().expect("status").profile.map(|p| p.staff_id), Some(rep.id));
}

#[test]
fn merged_edits_are_found_by_search_in_every_book_and_the_old_text_is_not() {
    let w = World::new(2);
    let first = w.people[0].book.create_customer(&customer("华星农业", json!({"phone": "13800000001"}))).expect("a");
    let second = w.people[0].book.create_customer(&customer("丰收农资", json!({}))).expect("b");
    w.settle();
    let found = |book: &fieldcrm_core::Book, text: &str| -> Vec<String> {
        let query = fieldcrm_core::search::CustomerQuery { text: text.into(), limit: 100, ..Default::default() };
        let mut ids: Vec<String> =
            book.search_customers(&query).expect("search").rows.iter().map(|r| r.id.to_string()).collect();
        ids.sort();
        ids
    };
    for book in [&w.office.book, &w.manager().book] {
        assert_eq!(found(book, "华星"), vec![first.card.id.to_string()], "the new card is indexed on arrival");
        assert_eq!(found(book, "hx"), vec![first.card.id.to_string()], "and by its initials");
    }
    // The rep renames one card and changes the other's phone; the manager adds a tag.
    w.people[0]
        .book
        .edit_customer(&CardEdit {
            customer_id: first.card.id,
            changes: vec![FieldChange { field: "name".into(), expected: None, value: json!("金穗种业") }],
        })
        .expect("rename");
    w.people[0]
        .book
        .edit_customer(&CardEdit {
            customer_id: second.card.id,
            changes: vec![FieldChange { field: "phone".into(), expected: None, value: json!("13912345678") }],
        })
        .expect("phone");
    w.settle();
    for book in [&w.office.book, &w.manager().book, &w.people[0].book] {
        assert_eq!(found(book, "金穗"), vec![first.card.id.to_string()]);
        assert_eq!(found(book, "jinsui"), vec![first.card.id.to_string()]);
        assert!(found(book, "华星").is_empty(), "the old name is no longer found");
        assert_eq!(found(book, "12345678"), vec![second.card.id.to_string()]);
        let everyone =
            book.search_customers(&fieldcrm_core::search::CustomerQuery { limit: 100, ..Default::default() });
        assert_eq!(everyone.expect("list").total, 2, "one list row per card, none doubled");
    }
    assert!(found(&w.people[1].book, "金穗").is_empty(), "the other rep never sees it");
}

#[test]
fn a_shared_folder_lists_each_persons_files_and_head_office_merges_from_it_leaving_others_alone() {
    let w = World::new(1);
    let dir = tempfile::tempdir().expect("dir");
    let folder = dir.path();
    std::fs::write(folder.join("broken.fcsync"), b"not a changeset").expect("junk");
    let id = w.people[0].book.create_customer(&customer("华星农业", json!({}))).expect("create").card.id;
    w.people[0].book.sync_export(folder, None).expect("export");

    let at_office = w.office.book.sync_folder(folder).expect("list");
    let rep_file = at_office.iter().find(|f| f.for_this_device).expect("the rep's file is for head office");
    assert_eq!(rep_file.sender_name.as_deref(), Some(w.people[0].name.as_str()));
    assert!(!rep_file.from_office && !rep_file.imported && rep_file.changes > 0);
    let broken = at_office.iter().find(|f| f.name == "broken.fcsync").expect("listed");
    assert_eq!(broken.problem.as_ref().map(|p| p.code), Some(fieldcrm_core::ErrorCode::SyncRefused));
    assert!(!broken.for_this_device);

    // The folder is head office's inbox and outbox at once.
    let merged = w.office.book.hq_merge(folder, folder).expect("merge");
    assert_eq!(merged.others, 0);
    assert_eq!(merged.imported.len(), 2, "the rep's file and the broken one: {:?}", merged.imported);
    assert!(merged.imported.iter().any(|m| m.report.as_ref().is_some_and(|r| r.applied > 0)));
    assert!(merged.imported.iter().any(|m| m.file == "broken.fcsync" && m.error.is_some()));
    assert!(w.office.book.customer(id).is_ok());
    assert!(w.office.book.sync_folder(folder).expect("list").iter().any(|f| f.for_this_device && f.imported));

    let at_rep = w.people[0].book.sync_folder(folder).expect("list");
    let mine: Vec<_> = at_rep.iter().filter(|f| f.for_this_device).collect();
    assert_eq!(mine.len(), 1, "one file from head office for this laptop: {at_rep:?}");
    assert!(mine[0].from_office && !mine[0].imported);
    w.people[0].book.sync_import(std::path::Path::new(&mine[0].path), None, &mut quiet).expect("import");
    assert!(w.people[0].book.sync_folder(folder).expect("list").iter().any(|f| f.for_this_device && f.imported));

    // Head office's own outgoing files stay where they are, unreported.
    let again = w.office.book.hq_merge(folder, folder).expect("merge again");
    assert_eq!(again.others as usize, w.people.len(), "{again:?}");
    assert!(again
        .imported
        .iter()
        .all(|m| m.file == "broken.fcsync" || m.report.as_ref().is_some_and(|r| r.duplicate_file)));
}

#[test]
fn code_lists_grades_and_routes_travel_like_the_rest_and_two_people_moving_different_stops_never_collide() {
    use fieldcrm_core::api::classify::{RouteStops, StopMove};
    use fieldcrm_core::codes::{NewCodeItem, NewCodeList};
    use fieldcrm_core::grades::{GradeChange, GradeScale};
    use fieldcrm_core::routes::NewRoute;

    let w = World::new(2);
    let rep = &w.people[0];
    let manager = w.people.len() - 1;
    // Head office adds a list; the rep uses it on a new card.
    w.office
        .book
        .add_code_list(&NewCodeList {
            id: "store_size".into(),
            label_zh: "门店规模".into(),
            label_en: "Store size".into(),
        })
        .expect("list");
    w.office
        .book
        .add_code(&NewCodeItem {
            list_id: "store_size".into(),
            code: "large".into(),
            label_zh: "大型".into(),
            label_en: "Large".into(),
        })
        .expect("code");
    w.settle();
    assert!(rep.book.code_lists().expect("lists").iter().any(|l| l.id == "store_size"), "the list reached the rep");
    let ids: Vec<_> = (0..4)
        .map(|i| {
            rep.book
                .create_customer(&customer(&format!("客户{i}"), json!({"customCodes": {"store_size": "large"}})))
                .expect("card")
                .card
                .id
        })
        .collect();
    // The rep lays out a route.
    let route = rep.book.create_route(&NewRoute { name: "东线".into(), ..Default::default() }).expect("route").route;
    rep.book.add_route_stops(&RouteStops { route_id: route.id, customers: ids.clone(), at: None }).expect("stops");
    w.advance(Duration::minutes(5));
    w.settle();
    let order = |book: &fieldcrm_core::Book| -> Vec<_> {
        book.route(route.id).expect("route").stops.iter().map(|s| s.customer_id).collect()
    };
    assert_eq!(order(&w.office.book), ids, "head office has the route in the rep's order");
    assert_eq!(order(&w.people[manager].book), ids, "so has the manager");
    assert!(order(&w.people[1].book).is_empty(), "the other rep has none of its stops");
    assert_eq!(w.office.book.customer(ids[0]).expect("card").fields["customCodes"], json!({"store_size": "large"}));

    // Offline, the rep moves the last stop first while the manager moves the second last;
    // the manager also grades a card.
    rep.book.move_route_stop(&StopMove { customer_id: ids[3], position: 1 }).expect("rep moves");
    w.people[manager].book.move_route_stop(&StopMove { customer_id: ids[1], position: 3 }).expect("manager moves");
    w.people[manager]
        .book
        .set_grade(&GradeChange {
            customer_id: ids[0],
            scale: GradeScale::Customer,
            grade: Some("A".into()),
            reason: Some("年度重点".into()),
        })
        .expect("grade");
    w.advance(Duration::minutes(5));
    w.settle();
    let expected = vec![ids[3], ids[0], ids[2], ids[1]];
    assert_eq!(order(&w.office.book), expected, "both moves survive");
    assert_eq!(order(&rep.book), expected);
    assert_eq!(order(&w.people[manager].book), expected);
    assert!(rep.book.conflicts(false).expect("conflicts").is_empty(), "moving different stops is no conflict");
    let grading = rep.book.customer(ids[0]).expect("card").grading;
    assert_eq!((grading.grade.as_deref(), grading.grade_manual), (Some("A"), true));
    let history = rep.book.grade_history(ids[0]).expect("history");
    assert_eq!(history[0].reason.as_deref(), Some("年度重点"), "the reason travels with the grade");
}

/// Offline, a rep puts a card on their route while the manager hands the same
/// card to another rep. Whichever file head office merges first, the card
/// ends on no route in every book (a route is one rep's tour), the card's
/// history says sync took it off, and the old rep's route keeps its order.
#[test]
fn a_card_handed_to_another_rep_while_its_old_rep_routes_it_leaves_the_route_everywhere() {
    use fieldcrm_core::api::classify::RouteStops;
    use fieldcrm_core::routes::NewRoute;

    for manager_first in [false, true] {
        let w = World::new(2);
        let manager = w.people.len() - 1;
        let rep = &w.people[0];
        let make = |name: &str| rep.book.create_customer(&customer(name, json!({}))).expect("card").card.id;
        let (kept, handed) = (make("华星农业"), make("丰收农资"));
        let route = rep.book.create_route(&NewRoute { name: "东线".into(), ..Default::default() }).expect("route");
        let route = route.route.id;
        rep.book.add_route_stops(&RouteStops { route_id: route, customers: vec![kept], at: None }).expect("stop");
        w.advance(Duration::minutes(1));
        w.settle();

        rep.book.add_route_stops(&RouteStops { route_id: route, customers: vec![handed], at: Some(1) }).expect("stop");
        let changes = vec![
            FieldChange { field: "ownerId".into(), expected: None, value: json!(w.people[1].staff_id) },
            FieldChange { field: "territoryId".into(), expected: None, value: json!(w.territories[1]) },
        ];
        w.people[manager].book.edit_customer(&CardEdit { customer_id: handed, changes }).expect("reassign");
        w.advance(Duration::minutes(1));
        let order = if manager_first { [manager, 0] } else { [0, manager] };
        for who in order {
            w.send(who).expect("send");
        }
        w.settle();

        for (name, book) in
            [("head office", &w.office.book), ("new rep", &w.people[1].book), ("manager", &w.people[manager].book)]
        {
            let card = book.customer(handed).expect("card");
            assert_eq!(card.fields["ownerId"], json!(w.people[1].staff_id), "{name}, manager first: {manager_first}");
            assert_eq!(card.grading.route_id, None, "{name} has the card on no route (manager first: {manager_first})");
        }
        for (name, book) in
            [("head office", &w.office.book), ("old rep", &rep.book), ("manager", &w.people[manager].book)]
        {
            let stops: Vec<_> =
                book.route(route).expect("route").stops.iter().map(|s| (s.position, s.customer_id)).collect();
            assert_eq!(stops, vec![(1, kept)], "{name}'s copy of the route (manager first: {manager_first})");
        }
        let history = w.office.book.history(handed, 100).expect("history");
        let left = history.iter().find(|h| h.field == "routeId" && h.new_value.is_null() && h.source == "sync");
        assert!(left.is_some(), "the card's history says sync took it off the route: {history:?}");
        assert_eq!(
            history,
            w.people[1].book.history(handed, 100).expect("history"),
            "the new rep has the same history"
        );
    }
}

#[test]
fn head_office_names_who_looks_after_a_new_card_and_every_card_gets_the_next_code() {
    let w = World::new(2);
    let office = &w.office.book;
    let refused = office.create_customer(&customer("无主农资", json!({}))).expect_err("head office names an owner");
    assert_eq!(refused.problems[0].code, ProblemCode::OwnerNeeded, "{refused:?}");
    assert_eq!(refused.problems[0].field, "ownerId");

    let by_rep = office
        .create_customer(&customer("华星农业", json!({"ownerId": w.people[0].staff_id})))
        .expect("owned by a rep")
        .card;
    assert_eq!(by_rep.fields["code"], json!("C0000001"));
    assert_eq!(by_rep.fields["territoryId"], json!(w.territories[0]), "the territory follows the rep");
    // Only a region: its person in charge, the regional manager, looks after it.
    let by_region = office
        .create_customer(&customer("丰收农资", json!({"territoryId": w.region})))
        .expect("owned by a region")
        .card;
    assert_eq!(by_region.fields["ownerId"], json!(w.manager().staff_id));
    assert_eq!(by_region.fields["code"], json!("C0000002"));
    // A territory whose one rep looks after it.
    let by_territory = office
        .create_customer(&customer("绿野农资", json!({"territoryId": w.territories[1]})))
        .expect("territory")
        .card;
    assert_eq!(by_territory.fields["ownerId"], json!(w.people[1].staff_id));
    assert_eq!(by_territory.fields["code"], json!("C0000003"));
    // A code typed in (the ERP's) is kept and does not move the series.
    let typed = office
        .create_customer(&customer("老客户", json!({"ownerId": w.people[0].staff_id, "code": "ERP-77"})))
        .expect("typed code")
        .card;
    assert_eq!(typed.fields["code"], json!("ERP-77"));

    // A card a rep creates offline has no code until head office merges it;
    // the code head office gives it travels back.
    let offline = w.people[0].book.create_customer(&customer("新开农资店", json!({}))).expect("rep card").card;
    assert_eq!(offline.fields["code"], Value::Null, "{:?}", offline.fields);
    let second = w.people[0].book.create_customer(&customer("第二家农资店", json!({}))).expect("rep card").card;
    w.send(0).expect("send");
    assert_eq!(office.customer(offline.id).expect("merged").fields["code"], json!("C0000004"));
    assert_eq!(office.customer(second.id).expect("merged").fields["code"], json!("C0000005"), "one file, two numbers");
    w.receive(0).expect("receive");
    assert_eq!(w.people[0].book.customer(offline.id).expect("back").fields["code"], json!("C0000004"));
    w.settle();
    let (held, at_office) = (cards(&w.people[0].book), cards(office));
    for (id, card) in &held {
        assert_eq!(Some(card), at_office.get(id), "the rep's card {id} is head office's");
    }
}

/// A file left on a USB stick shows who sent it to whom, and nothing of the cards.
#[test]
fn a_changeset_file_holds_none_of_its_cards_text() {
    let holds = |bytes: &[u8], text: &str| bytes.windows(text.len()).any(|w| w == text.as_bytes());
    let w = World::new(2);
    w.people[0].book.create_customer(&customer("丰收农资经营部", json!({"phone": "13966668888"}))).expect("create");
    let upload = w.people[0].book.sync_export_bytes(None).expect("export");
    assert!(!holds(&upload, "丰收农资经营部") && !holds(&upload, "13966668888"), "the laptop's file shows the card");
    w.office.book.sync_import_bytes(&upload, None, &mut quiet).expect("head office opens it");
    let download = w.office.book.sync_export_bytes(Some(&w.people[0].device_id)).expect("export");
    assert!(
        !holds(&download, "丰收农资经营部") && !holds(&download, "13966668888"),
        "head office's file shows the card"
    );
    // Sealed to its recipient: another laptop of the same organisation cannot open it.
    let other = w.people[1].book.sync_import_bytes(&download, None, &mut quiet).expect_err("not for rep 2");
    assert_eq!(other.problems[0].code.to_string(), "wrong_recipient");
    let report = w.people[0].book.sync_import_bytes(&download, None, &mut quiet).expect("the rep opens it");
    assert!(!report.duplicate_file);
}

#[test]
fn a_retired_laptop_is_refused_holds_back_no_pruning_and_its_person_starts_again_on_a_new_one() {
    use fieldcrm_core::api::sync::RetireDevice;
    let mut w = World::new(2);
    let id = w.people[0].book.create_customer(&customer("华星农业", json!({}))).expect("create").card.id;
    let fields = serde_json::from_value(json!({"name": "张三", "role": "contact"})).expect("fields");
    let record =
        fieldcrm_core::api::NewRecord { customer_id: id, kind: fieldcrm_core::api::RecordKind::KeyPerson, fields };
    let person = w.people[0].book.add_record(&record).expect("add").card.key_people[0].id.clone();
    w.settle();
    // The rep's laptop is lost holding a change head office never received.
    let lost = &w.people[0];
    lost.book
        .edit_customer(&CardEdit {
            customer_id: id,
            changes: vec![FieldChange { field: "phone".into(), expected: None, value: json!("13800000000") }],
        })
        .expect("edit");
    let unsent = lost.book.sync_export_bytes(None).expect("the file it would have sent");
    let lost_device = lost.device_id.clone();
    // The manager removes the key person: head office keeps the removal until
    // every device confirmed it, and the lost laptop never will.
    w.manager().book.remove_record(fieldcrm_core::api::RecordKind::KeyPerson, &person).expect("remove");
    let manager = w.people.len() - 1;
    w.send(manager).expect("send");
    for i in 1..w.people.len() {
        w.receive(i).expect("receive");
        w.send(i).expect("confirm");
    }
    assert!(w.office.book.sync_status().expect("status").tombstones >= 1, "the lost laptop holds the removal back");

    // Head office retires it, with why.
    let missing = w.office.book.retire_device(&RetireDevice { device_id: lost_device.clone(), reason: String::new() });
    assert_eq!(missing.expect_err("no reason").problems[0].code, ProblemCode::Required);
    let retired = w
        .office
        .book
        .retire_device(&RetireDevice { device_id: lost_device.clone(), reason: "出租车上丢失".into() })
        .expect("retire");
    assert!(retired.retired_at.is_some());
    assert_eq!(retired.retired_reason.as_deref(), Some("出租车上丢失"));
    let again = w.office.book.retire_device(&RetireDevice { device_id: lost_device.clone(), reason: "again".into() });
    assert_eq!(again.expect_err("retired twice").problems[0].code, ProblemCode::DeviceRetired);
    let laptop = w.people[1].book.retire_device(&RetireDevice { device_id: lost_device.clone(), reason: "x".into() });
    assert_eq!(laptop.expect_err("only head office").problems[0].code, ProblemCode::NotOffice);

    // Its file is refused, whoever brings it, and head office is as it was.
    let before = cards(&w.office.book);
    let refused = w.office.book.sync_import_bytes(&unsent, None, &mut |_| {}).expect_err("a retired device's file");
    assert_eq!(refused.problems[0].code, ProblemCode::DeviceRetired, "{refused:?}");
    assert!(refused.message.contains("出租车上丢失"), "{}", refused.message);
    assert_eq!(cards(&w.office.book), before);
    // Head office writes it nothing, and merges without it.
    let to_retired = w.office.book.sync_export_bytes(Some(&lost_device)).expect_err("no file for it");
    assert_eq!(to_retired.problems[0].code, ProblemCode::DeviceRetired);
    let inbox = tempfile::tempdir().expect("inbox");
    let outbox = tempfile::tempdir().expect("outbox");
    let merged = w.office.book.hq_merge(inbox.path(), outbox.path()).expect("merge");
    assert_eq!(merged.written.len(), w.people.len() - 1, "a file for every device still in use");
    // It no longer holds pruning back: the next import prunes the removal.
    w.send(manager).expect("send");
    assert_eq!(w.office.book.sync_status().expect("status").tombstones, 0, "pruned without the retired laptop");
    // A retired device is not enrolled again.
    let old = w.people[0].book.device().expect("device");
    let reenrol = w.office.book.enroll_device(&fieldcrm_core::api::sync::EnrollDevice {
        staff_id: w.people[0].staff_id.clone(),
        device_id: old.device_id,
        public_key: old.public_key,
        name: None,
    });
    assert_eq!(reenrol.expect_err("retired").problems[0].code, ProblemCode::DeviceRetired);

    // The rep's new laptop receives everything of theirs: the card, without
    // the removed person, and without the change lost with the old laptop.
    w.replace_laptop(0);
    let card = w.people[0].book.customer(id).expect("the card on the new laptop");
    assert!(card.key_people.is_empty());
    assert_ne!(card.fields.get("phone"), Some(&json!("13800000000")));
    let office = cards(&w.office.book);
    for (id, card) in cards(&w.people[0].book) {
        assert_eq!(Some(&card), office.get(&id), "the new laptop's card is head office's");
    }
    w.settle();
    let status = w.office.book.sync_status().expect("status");
    let peers: Vec<_> =
        status.peers.iter().filter(|p| p.staff_id.as_deref() == Some(w.people[0].staff_id.as_str())).collect();
    assert_eq!(peers.len(), 2, "the retired laptop stays on record beside the new one");
    assert_eq!(peers.iter().filter(|p| p.retired_at.is_some()).count(), 1);
}

#[test]
fn head_office_edits_a_person_every_book_receives_it_and_someone_with_customers_cannot_leave() {
    use fieldcrm_core::api::StaffEdit;
    use fieldcrm_core::model::StaffRole;
    let w = World::new(2);
    let edit = |staff: &str| StaffEdit {
        staff_id: staff.parse().expect("staff id"),
        name: None,
        phone: None,
        org_unit_id: None,
        role: None,
        active: None,
        regions: None,
    };
    let (rep, other) = (&w.people[0], &w.people[1]);
    let card = rep.book.create_customer(&customer("华星农业", json!({}))).expect("create").card.id;
    w.settle();

    // Only head office changes people, and not its own role.
    let refused = w.manager().book.edit_staff(&StaffEdit { name: Some("改名".into()), ..edit(&rep.staff_id) });
    assert_eq!(refused.expect_err("a manager").code, fieldcrm_core::error::ErrorCode::Forbidden);
    let own = w.office.book.edit_staff(&StaffEdit { role: Some(StaffRole::Rep), ..edit(&w.office.staff_id) });
    assert_eq!(own.expect_err("own role").problems[0].code, ProblemCode::BadRole);

    // A rep who still looks after a card neither leaves nor stops being a rep.
    let left = w.office.book.edit_staff(&StaffEdit { active: Some(false), ..edit(&rep.staff_id) });
    let left = left.expect_err("owns a card");
    assert_eq!((left.problems[0].code, left.problems[0].field.as_str()), (ProblemCode::OwnsCustomers, "active"));
    let promoted =
        w.office.book.edit_staff(&StaffEdit { role: Some(StaffRole::RegionalManager), ..edit(&rep.staff_id) });
    assert_eq!(promoted.expect_err("owns a card").problems[0].code, ProblemCode::OwnsCustomers);
    let admin = w.office.book.edit_staff(&StaffEdit { role: Some(StaffRole::SalesAdmin), ..edit(&other.staff_id) });
    assert_eq!(admin.expect_err("no regions").problems[0].code, ProblemCode::Required);

    // The other rep, who has no cards, moves to the first territory with a new
    // phone, then leaves; every book receives each change.
    let moved = w
        .office
        .book
        .edit_staff(&StaffEdit {
            org_unit_id: Some(w.territories[0].parse().expect("unit")),
            phone: Some(" 13900001111 ".into()),
            name: Some("李娜".into()),
            ..edit(&other.staff_id)
        })
        .expect("move");
    assert_eq!((moved.name.as_str(), moved.phone.as_deref()), ("李娜", Some("13900001111")));
    assert_eq!(moved.org_unit_id.to_string(), w.territories[0]);
    let gone = w.office.book.edit_staff(&StaffEdit { active: Some(false), ..edit(&other.staff_id) }).expect("left");
    assert!(!gone.active);
    w.settle();
    for person in &w.people {
        let seen = person.book.staff().expect("staff");
        let lina = seen.iter().find(|s| s.id.to_string() == other.staff_id).expect("on every book");
        assert_eq!((lina.name.as_str(), lina.active), ("李娜", false), "on {}'s book", person.name);
        assert_eq!(lina.org_unit_id.to_string(), w.territories[0]);
    }
    // The rep's card is where it was.
    assert!(rep.book.customer(card).is_ok());
}

#[test]
fn a_leaving_reps_customers_routes_and_tasks_are_handed_over_and_reach_the_new_reps_with_history() {
    use fieldcrm_core::api::classify::RouteStops;
    use fieldcrm_core::api::{Handover, HandoverPart};
    use fieldcrm_core::fieldwork::records::{NewTask, TaskQuery};
    use fieldcrm_core::routes::NewRoute;
    // Reps 0 and 2 work in the first territory, rep 1 in the second.
    let w = World::new(3);
    let (leaving, same, other) = (&w.people[0], &w.people[2], &w.people[1]);
    let staff = |p: &Person| p.staff_id.parse::<fieldcrm_core::ids::StaffId>().expect("staff id");
    let ids: Vec<_> = ["华星农业", "丰收农资", "绿野种业", "金穗化肥"]
        .iter()
        .map(|n| leaving.book.create_customer(&customer(n, json!({}))).expect("create").card.id)
        .collect();
    let route = leaving.book.create_route(&NewRoute { name: "周一线".into(), ..Default::default() }).expect("route");
    leaving
        .book
        .add_route_stops(&RouteStops { route_id: route.route.id, customers: ids[..3].to_vec(), at: None })
        .expect("stops");
    let task = leaving
        .book
        .add_task(&NewTask {
            title: "回款跟进".into(),
            due_on: "2026-11-20".into(),
            customer_id: Some(ids[3]),
            assignee_id: None,
        })
        .expect("task");
    w.settle();

    // Refused, nothing written: a manager; a recipient who is not a rep; a
    // card of someone else; leaving while a card would stay.
    let to_same = |customers: Vec<_>| HandoverPart { to: staff(same), routes: vec![], customers };
    let all_to = |to| Handover { from: staff(leaving), parts: vec![], rest_to: Some(to), leaves: false };
    let manager = w.manager().book.hand_over(&all_to(staff(same)));
    assert_eq!(manager.expect_err("a manager").code, fieldcrm_core::error::ErrorCode::Forbidden);
    let to_manager = w.office.book.hand_over(&all_to(staff(w.manager())));
    assert_eq!(to_manager.expect_err("not a rep").problems[0].code, ProblemCode::NotARep);
    let elsewhere = other.book.create_customer(&customer("远方商贸", json!({}))).expect("create").card.id;
    w.settle();
    let foreign = Handover { parts: vec![to_same(vec![elsewhere])], ..all_to(staff(same)) };
    assert_eq!(w.office.book.hand_over(&foreign).expect_err("not theirs").problems[0].code, ProblemCode::OtherRep);
    let half = Handover { parts: vec![to_same(vec![ids[0]])], rest_to: None, leaves: true, ..all_to(staff(same)) };
    assert_eq!(w.office.book.hand_over(&half).expect_err("cards stay").problems[0].code, ProblemCode::OwnsCustomers);
    assert_eq!(cards(&w.office.book).values().filter(|c| c["fields"]["ownerId"] == json!(leaving.staff_id)).count(), 4);

    // The route and two of its cards go to the rep of the same territory; the
    // third card on it and the card with the task go to the other territory's
    // rep; the leaving rep is marked as left, all in one step.
    let handover = Handover {
        from: staff(leaving),
        parts: vec![HandoverPart { to: staff(other), routes: vec![], customers: vec![ids[2], ids[3]] }],
        rest_to: Some(staff(same)),
        leaves: true,
    };
    let preview = w.office.book.plan_handover(&handover).expect("preview");
    assert_eq!(cards(&w.office.book).values().filter(|c| c["fields"]["ownerId"] == json!(leaving.staff_id)).count(), 4);
    let done = w.office.book.hand_over(&handover).expect("hand over");
    assert_eq!(preview, done, "the preview is what is done");
    let share = |p: &Person| done.shares.iter().find(|s| s.to == staff(p)).expect("a share");
    assert_eq!((share(same).customers, share(same).routes, share(same).tasks), (2, 1, 0));
    assert_eq!((share(other).customers, share(other).routes, share(other).tasks), (2, 0, 1));
    assert_eq!((done.staying, done.leave_routes, done.leaves), (0, 1, true));

    let office = cards(&w.office.book);
    let owner = |id: &fieldcrm_core::ids::CustomerId| office[&id.to_string()]["fields"]["ownerId"].clone();
    assert_eq!([owner(&ids[0]), owner(&ids[1])], [json!(same.staff_id), json!(same.staff_id)]);
    assert_eq!([owner(&ids[2]), owner(&ids[3])], [json!(other.staff_id), json!(other.staff_id)]);
    assert_eq!(
        office[&ids[2].to_string()]["fields"]["territoryId"],
        json!(w.territories[1]),
        "moves to its new rep's territory"
    );
    let stops = w.office.book.route(route.route.id).expect("route");
    assert_eq!(stops.route.owner_id, staff(same), "the route went with most of its cards");
    let on_route: Vec<_> = stops.stops.iter().map(|s| s.customer_id).collect();
    assert_eq!(on_route, ids[..2].to_vec(), "the card that went elsewhere left the route");
    let history = w.office.book.history(ids[3], 50).expect("history");
    let entry = history.iter().find(|h| h.field == "ownerId").expect("the owner's change");
    assert_eq!((entry.source.as_str(), entry.old_value.clone()), ("handover", json!(leaving.staff_id)));
    assert!(entry.source_id.is_some(), "the history names the handover");
    let gone = w.office.book.staff().expect("staff");
    assert!(!gone.iter().find(|s| s.id == staff(leaving)).expect("still on record").active);

    // The new reps' laptops receive the cards whole, with their history, the
    // route and the task; the leaving rep's laptop loses them.
    w.settle();
    for (rep, theirs) in [(same, &ids[..2]), (other, &ids[2..])] {
        let held = cards(&rep.book);
        for id in theirs {
            assert_eq!(held.get(&id.to_string()), office.get(&id.to_string()), "{} holds the card", rep.name);
            let history = rep.book.history(*id, 50).expect("history");
            assert!(history.iter().any(|h| h.source == "handover"), "{} sees the handover", rep.name);
            assert!(history.iter().any(|h| h.source == "create"), "{} sees the card's earlier history", rep.name);
        }
    }
    let routes = same.book.routes(Some(staff(same))).expect("routes");
    assert_eq!(routes.iter().map(|r| (r.id, r.stops)).collect::<Vec<_>>(), vec![(route.route.id, 2)]);
    let tasks = other.book.tasks(&TaskQuery { assignee_id: Some(staff(other)), ..Default::default() }).expect("tasks");
    assert_eq!(tasks.iter().map(|t| t.id).collect::<Vec<_>>(), vec![task.id]);
    assert!(cards(&leaving.book).is_empty(), "the leaving rep's laptop keeps none of the cards");
}

#[test]
fn a_rep_moved_into_a_region_brings_their_earlier_rows_to_its_manager() {
    use fieldcrm_core::api::{NewOrgUnit, NewStaff, StaffEdit};
    use fieldcrm_core::fieldwork::records::{NewTask, TaskQuery};
    use fieldcrm_core::model::{OrgUnitKind, StaffRole};
    let mut w = World::new(1);
    let root = w.office.book.org_units().expect("units").into_iter().find(|u| u.parent_id.is_none()).expect("root").id;
    let unit = |parent, kind, name: &str| {
        w.office
            .book
            .add_org_unit(&NewOrgUnit { parent_id: Some(parent), kind, name: name.into(), code: None })
            .expect("unit")
            .id
    };
    let far = unit(root, OrgUnitKind::Region, "临沂大区");
    let far_territory = unit(far, OrgUnitKind::Territory, "兰山片区");
    let new = NewStaff {
        name: "新来的".into(),
        role: StaffRole::Rep,
        org_unit_id: far_territory,
        phone: None,
        regions: None,
    };
    let rep = w.join(&new);
    let rep_id: fieldcrm_core::ids::StaffId = w.people[rep].staff_id.parse().expect("id");
    // A task of no card: the rep's own row, which goes to their managers.
    let task = w.people[rep]
        .book
        .add_task(&NewTask {
            title: "整理客户名单".into(),
            due_on: "2026-11-30".into(),
            customer_id: None,
            assignee_id: None,
        })
        .expect("task");
    w.settle();
    let manager = w.people.iter().position(|p| p.name == "经理").expect("manager");
    let seen = |w: &World| {
        w.people[manager]
            .book
            .tasks(&TaskQuery { assignee_id: Some(rep_id), ..Default::default() })
            .map(|t| t.into_iter().map(|t| t.id).collect::<Vec<_>>())
    };
    assert!(seen(&w).map_or(true, |t| t.is_empty()), "not the manager's person yet");

    let moved = StaffEdit {
        staff_id: rep_id,
        name: None,
        phone: None,
        org_unit_id: Some(w.territories[0].parse().expect("unit")),
        role: None,
        active: None,
        regions: None,
    };
    w.office.book.edit_staff(&moved).expect("move");
    w.settle();
    assert_eq!(seen(&w).expect("the manager's person now"), vec![task.id], "the earlier task reached the manager");
}
