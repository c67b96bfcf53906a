//! Classification, grades, routes and plans from the command line, as head
//! office scripts them.

mod common;

use common::{fieldcrm, ok_json};
use serde_json::Value;

fn ids(value: &Value) -> Vec<String> {
    value["stops"]
        .as_array()
        .expect("stops")
        .iter()
        .map(|s| s["customerId"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn head_office_classifies_grades_and_routes_a_demo_book_from_the_shell() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("book.sqlite");
    let demo = ok_json(&book, &["demo", "--customers", "600", "--as-of", "2026-11-20"]);
    assert!(demo["routes"].as_u64().expect("routes") >= 2, "{demo}");

    // Code lists.
    ok_json(&book, &["codes", "add-list", "store_size", "--zh", "门店规模", "--en", "Store size"]);
    let lists = ok_json(&book, &["codes", "add", "store_size", "large", "--zh", "大型", "--en", "Large"]);
    let size = lists.as_array().expect("lists").iter().find(|l| l["id"] == "store_size").expect("list");
    assert_eq!(size["items"][0]["code"], "large");
    let groups = ok_json(&book, &["customer", "groups", "--by", "channel_type"]);
    let total: u64 = groups.as_array().expect("groups").iter().map(|g| g["customers"].as_u64().expect("n")).sum();
    assert_eq!(total, 600, "every card is in one group");
    let wholesalers = ok_json(&book, &["customer", "list", "--code", "channel_type=distributor", "--limit", "500"]);
    assert!(wholesalers["total"].as_u64().expect("total") > 0);

    // A rule that does not add up is refused with exit code 2 and a message.
    let out = fieldcrm(&book, &["grade", "rule", "A=70", "B=20"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("100%"), "{}", String::from_utf8_lossy(&out.stderr));
    let scales = ok_json(&book, &["grade", "scales"]);
    assert_eq!(scales["rule"][0]["share"], 70, "the old rule stands");
    let suggestion = ok_json(&book, &["grade", "suggest"]);
    assert!(suggestion["considered"].as_u64().expect("n") > 0);

    // A route: optimise, accept, move a stop, write the sheet.
    let routes = ok_json(&book, &["route", "list"]);
    let route = routes[0]["id"].as_str().expect("id").to_string();
    let before = ok_json(&book, &["route", "show", &route]);
    let proposal = ok_json(&book, &["route", "optimise", &route, "--accept"]);
    assert!(proposal["afterKm"].as_f64() <= proposal["beforeKm"].as_f64());
    let after = ok_json(&book, &["route", "show", &route]);
    let mut a = ids(&after);
    let mut b = ids(&before);
    assert_eq!(a.len(), b.len());
    assert_eq!(
        ids(&after),
        proposal["order"]
            .as_array()
            .expect("order")
            .iter()
            .map(|v| v.as_str().expect("id").to_string())
            .collect::<Vec<_>>()
    );
    a.sort();
    b.sort();
    assert_eq!(a, b, "the same stops, in a new order");
    let last = ids(&after).last().expect("a stop").clone();
    let moved = ok_json(&book, &["route", "move", &last, "1"]);
    assert_eq!(ids(&moved)[0], last);
    let sheet = dir.path().join("东线.xlsx");
    ok_json(&book, &["route", "sheet", &route, "--out", sheet.to_str().expect("path")]);
    assert!(std::fs::metadata(&sheet).expect("sheet written").len() > 5_000);

    // Plans: a rep's week and the team's day.
    let rep = routes[0]["ownerId"].as_str().expect("rep").to_string();
    let week = ok_json(&book, &["plan", "--rep", &rep, "--date", "2026-11-23", "--week"]);
    assert_eq!(week["days"].as_array().expect("days").len(), 7);
    assert_eq!(week["days"][0]["weekday"], 1);
    let team = ok_json(&book, &["plan", "--team", "--date", "2026-11-23"]);
    assert!(team.as_array().expect("team").iter().any(|t| t["staffId"] == rep.as_str()));
    let out = fieldcrm(&book, &["plan", "--rep", &rep, "--date", "next monday"]);
    assert_eq!(out.status.code(), Some(2), "a date that is not a date");
}
