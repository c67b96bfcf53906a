//! Field work from the command line: head office logs and reads records,
//! reports and the compliance view of a demo book.

mod common;

use chrono::{Duration, Utc};
use common::{fieldcrm, ok_json};

fn china(at: chrono::DateTime<Utc>) -> String {
    at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("tz")).to_rfc3339()
}

#[test]
fn visits_calls_reports_and_compliance_from_the_shell() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("book.sqlite");
    let demo = ok_json(&book, &["demo", "--customers", "600", "--as-of", "2026-11-20"]);
    assert!(demo["visits"].as_u64().expect("visits") > 1000, "{demo}");
    assert!(demo["reports"].as_u64().expect("reports") > 0, "{demo}");
    let list = ok_json(&book, &["customer", "list", "--limit", "1"]);
    let id = list["rows"][0]["id"].as_str().expect("id").to_string();
    let card = ok_json(&book, &["customer", "show", &id]);
    let rep = card["card"]["fields"]["ownerId"].as_str().expect("owner").to_string();

    let now = Utc::now();
    let due = (now + Duration::days(3)).format("%Y-%m-%d").to_string();
    let (check_in, check_out) = (china(now - Duration::hours(1)), china(now - Duration::minutes(20)));
    let logged = ok_json(
        &book,
        &[
            "visit",
            "log",
            &id,
            "--in",
            &check_in,
            "--out",
            &check_out,
            "--purpose",
            "例行拜访",
            "--stock",
            "库存偏低",
            "--next",
            "补货 50 箱",
            "--due",
            &due,
            "--set",
            "phone=13912345678",
        ],
    );
    assert_eq!(logged["visit"]["minutes"], 40);
    assert_eq!(logged["task"]["title"], "补货 50 箱");
    let history = ok_json(&book, &["customer", "history", &id]);
    let phone = history.as_array().expect("history").iter().find(|h| h["field"] == "phone").expect("phone change");
    assert_eq!(phone["source"], "visit");
    assert_eq!(phone["sourceId"], logged["visit"]["id"]);
    let tasks = ok_json(&book, &["task", "list", "--customer", &id]);
    assert!(tasks.as_array().expect("tasks").iter().any(|t| t["id"] == logged["task"]["id"]));

    // Bad input: exit code 2, a message saying what is wrong, nothing stored.
    let before = ok_json(&book, &["visit", "list", "--customer", &id]).as_array().expect("visits").len();
    let out = fieldcrm(&book, &["visit", "log", &id, "--in", &check_out, "--out", &check_in]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("check-out is before check-in"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = fieldcrm(&book, &["call", "log", "--customer", &id, "--seconds", "-5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("less than nothing"));
    assert_eq!(ok_json(&book, &["visit", "list", "--customer", &id]).as_array().expect("visits").len(), before);

    // Reports: a rep's day of the demo, an urgent report, the team list, a workbook.
    let daily = ok_json(&book, &["report", "show", "daily", "--day", "2026-11-19", "--staff", &rep]);
    assert_eq!(daily["kind"], "daily");
    assert!(daily["content"]["totals"]["visits"].as_u64().expect("visits") > 0, "{}", daily["content"]["totals"]);
    let urgent = ok_json(&book, &["report", "urgent", &id, "--topic", "credit-risk", "--title", "客户资金紧张"]);
    assert_eq!(urgent["status"], "submitted");
    let lines = ok_json(&book, &["report", "list", "--kind", "urgent"]);
    assert!(lines.as_array().expect("lines").iter().all(|l| l["kind"] == "urgent"));
    let xlsx = dir.path().join("紧急报告.xlsx");
    let id_text = urgent["id"].as_str().expect("id");
    ok_json(&book, &["report", "export", "--id", id_text, "--out", xlsx.to_str().expect("path")]);
    assert_eq!(&std::fs::read(&xlsx).expect("workbook")[..2], b"PK", "an xlsx file");

    // Compliance of last month, and the reminders.
    let view = ok_json(&book, &["compliance", "--month", "2026-10"]);
    assert!(!view["people"].as_array().expect("people").is_empty());
    let out = fieldcrm(&book, &["compliance", "--month", "2026-13"]);
    assert_eq!(out.status.code(), Some(2));
    let reminders = ok_json(&book, &["reminders", "list"]);
    assert!(reminders.as_array().expect("reminders").iter().any(|r| r["id"] == "inventory_reports"));
    ok_json(&book, &["home"]);
}
