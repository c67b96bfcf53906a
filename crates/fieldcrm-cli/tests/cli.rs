//! The `fieldcrm` binary as a head-office script or a rep at a terminal uses it.

use std::process::Output;

use serde_json::Value;

mod common;

use common::{fieldcrm, ok_json};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_rep_creates_finds_edits_and_reads_the_history_of_a_card() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("book.sqlite");
    ok_json(&book, &["init", "--name", "王磊", "--role", "rep", "--company", "华丰农业", "--unit", "寿光片区"]);
    let created = ok_json(
        &book,
        &[
            "customer",
            "add",
            "--set",
            "name=华星农业",
            "--set",
            "phone=13812345678",
            "--person",
            "role=owner;name=张国庆;phone=13700001111",
            "--address",
            "kind=business;city=潍坊市;detail=古城镇人民路18号",
        ],
    );
    let id = created["id"].as_str().expect("id").to_string();
    assert_eq!(created["keyPeople"][0]["fields"]["name"], "张国庆");

    let found = ok_json(&book, &["customer", "search", "hxny"]);
    assert_eq!(found["total"], 1);
    assert_eq!(found["rows"][0]["id"], id.as_str());
    assert_eq!(ok_json(&book, &["customer", "search", "人民路"])["total"], 1, "address search");

    let edited = ok_json(&book, &["customer", "edit", &id, "--set", "creditStanding=good", "--set", "notes=周末在店"]);
    assert_eq!(edited["fields"]["creditStanding"], "good");
    let shown = ok_json(&book, &["customer", "show", &id, "--history", "20"]);
    let history = shown["history"].as_array().expect("history");
    assert!(
        history.iter().any(|h| h["field"] == "creditStanding" && h["oldValue"] == "unknown" && h["newValue"] == "good"),
        "the edit is in the history: {history:?}"
    );
    let text = fieldcrm(&book, &["customer", "show", &id]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("华星农业"), "human output shows the card");
}

#[test]
fn bad_input_exits_non_zero_with_a_message_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("book.sqlite");
    ok_json(&book, &["init", "--name", "王磊", "--company", "华丰农业", "--unit", "寿光片区"]);

    let out = fieldcrm(&book, &["customer", "add", "--set", "name="]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("name: is required"), "{}", stderr(&out));

    let out = fieldcrm(&book, &["customer", "add", "--set", "name"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("KEY=VALUE"), "{}", stderr(&out));

    let out = fieldcrm(&book, &["customer", "add", "--set", "name=x", "--set", "foundedOn=2999-01-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("future"), "{}", stderr(&out));

    let out = fieldcrm(&book, &["customer", "show", "0190a000-0000-7000-8000-000000000100"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));

    let out = fieldcrm(&book, &["customer", "show", "not-an-id"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses a malformed id");

    assert_eq!(ok_json(&book, &["status"])["customerCount"], 0, "nothing was saved");
}

#[test]
fn a_file_that_is_not_a_book_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    let text = dir.path().join("notes.sqlite");
    let content = "客户名单\n".repeat(500);
    std::fs::write(&text, &content).expect("write");
    let out = fieldcrm(&text, &["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not a fieldcrm book"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&text).expect("read"), content, "the file is untouched");
}

#[test]
fn a_book_from_a_newer_fieldcrm_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("book.sqlite");
    ok_json(&book, &["init"]);
    common::raw(&book).pragma_update(None, "user_version", 999).expect("bump");
    let out = fieldcrm(&book, &["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("install the newer fieldcrm"), "{}", stderr(&out));
}

#[test]
fn demo_books_are_reproducible_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let pages: Vec<Value> = ["a.sqlite", "b.sqlite"]
        .iter()
        .map(|name| {
            let book = dir.path().join(name);
            ok_json(&book, &["demo", "--customers", "300", "--seed", "42", "--as-of", "2026-11-22"]);
            ok_json(&book, &["customer", "list", "--limit", "300"])
        })
        .collect();
    assert_eq!(pages[0]["total"], 300);
    let strip = |page: &Value| -> Vec<Value> {
        page["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| serde_json::json!([r["id"], r["name"], r["phone"]]))
            .collect()
    };
    assert_eq!(strip(&pages[0]), strip(&pages[1]), "same seed, same customers");
}

#[test]
fn head_office_sets_up_the_organisation_and_keeps_cards_headless() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("book.sqlite");
    ok_json(&book, &["init", "--name", "赵总", "--role", "head-office", "--company", "华丰农业"]);
    let root = ok_json(&book, &["org", "list"])[0]["id"].as_str().expect("root").to_string();
    let region = ok_json(&book, &["org", "add", "潍坊区域", "--kind", "region", "--parent", &root]);
    let region = region["id"].as_str().expect("region");
    let territory = ok_json(&book, &["org", "add", "寿光片区", "--kind", "territory", "--parent", region]);
    let territory = territory["id"].as_str().expect("territory");
    let rep = ok_json(&book, &["staff", "add", "王磊", "--role", "rep", "--unit", territory]);
    assert_eq!(rep["orgUnitName"], "寿光片区");
    let rep = rep["id"].as_str().expect("rep");

    let card = ok_json(&book, &["customer", "add", "--set", "name=华星农业", "--set", &format!("ownerId={rep}")]);
    assert_eq!(card["territoryName"], "寿光片区", "a card lies in its owner's territory by default");
    let id = card["id"].as_str().expect("id");
    let region_list = ok_json(&book, &["customer", "list", "--unit", region]);
    assert_eq!(region_list["total"], 1, "the region's list includes its territories' cards");

    let card =
        ok_json(&book, &["record", "add", id, "--kind", "key-person", "--set", "role=owner", "--set", "name=张国庆"]);
    let person = card["keyPeople"][0]["id"].as_str().expect("person").to_string();
    let card = ok_json(&book, &["record", "edit", &person, "--kind", "key-person", "--set", "hobbies=钓鱼"]);
    assert_eq!(card["keyPeople"][0]["fields"]["hobbies"], "钓鱼");
    let out = fieldcrm(&book, &["record", "edit", &person, "--kind", "key-person", "--set", "birthYear=1850"]);
    assert_eq!(out.status.code(), Some(2), "an impossible birth year is refused");
    let card = ok_json(&book, &["record", "remove", &person, "--kind", "key-person"]);
    assert_eq!(card["keyPeople"].as_array().expect("people").len(), 0);
    assert_eq!(
        ok_json(&book, &["customer", "search", "张国庆"])["total"],
        0,
        "a removed person no longer finds the card"
    );

    assert_eq!(ok_json(&book, &["settings", "stale-after-days", "30"])["staleAfterDays"], 30);
    let out = fieldcrm(&book, &["settings", "stale-after-days", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_reader_that_stops_early_ends_the_listing_quietly() {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("book.sqlite");
    let out = fieldcrm(&book, &["demo", "--customers", "400", "--seed", "1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Far more than a pipe holds, so the program is still writing when the reader leaves.
    let mut child = common::command(&book)
        .args(["--json", "customer", "list", "--limit", "400"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 16];
    child.stdout.take().expect("stdout").read_exact(&mut first).expect("the listing starts");
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    let status = child.wait().expect("wait");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(status.success(), "{status:?}: {stderr}");
}

#[test]
fn a_demo_book_is_reset_from_the_command_line_and_a_real_book_is_not() {
    let dir = tempfile::tempdir().expect("dir");
    let demo = dir.path().join("demo.sqlite");
    let made = ok_json(&demo, &["demo", "--customers", "60", "--seed", "4", "--as-of", "2026-11-22"]);
    let names = |book: &std::path::Path| ok_json(book, &["customer", "list", "--limit", "60"])["rows"].clone();
    let before = names(&demo);
    let reset = ok_json(&demo, &["demo", "reset"]);
    assert_eq!(reset, made, "the same size, seed and day give the same demo");
    assert_eq!(names(&demo), before);

    let real = dir.path().join("real.sqlite");
    ok_json(&real, &["init", "--name", "赵总", "--role", "head-office", "--company", "华丰农业"]);
    let out = fieldcrm(&real, &["demo", "reset"]);
    assert_eq!(out.status.code(), Some(2), "a book of real data is never reset");
    assert!(stderr(&out).contains("not a demo book"), "{}", stderr(&out));
}

#[test]
fn the_sync_folder_is_saved_and_checked_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("book.sqlite");
    ok_json(&book, &["init", "--name", "王磊", "--role", "rep", "--company", "华丰农业", "--unit", "寿光片区"]);
    let out = fieldcrm(&book, &["sync", "check-folder"]);
    assert_eq!(out.status.code(), Some(2), "no folder saved yet");
    let folder = dir.path().join("同步");
    std::fs::create_dir(&folder).expect("folder");
    let folder_text = folder.to_str().expect("path");
    assert_eq!(ok_json(&book, &["sync", "folder", folder_text]), Value::from(folder_text));
    let check = ok_json(&book, &["sync", "check-folder"]);
    assert_eq!((check["ok"].as_bool(), check["path"].as_str()), (Some(true), Some(folder_text)), "{check}");
    let missing = dir.path().join("U盘");
    let out = fieldcrm(&book, &["--json", "sync", "check-folder", missing.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("folder_missing"), "the problem's code: {}", stderr(&out));
    assert_eq!(ok_json(&book, &["sync", "folder", "--clear"]), Value::Null);
}
