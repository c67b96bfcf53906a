//! Targets from the command line, as head office runs them: the demo's year
//! and its progress, next year's company target set and broken down to the
//! provinces by last year's shares, a bad breakdown refused with a clear
//! message, and the grid written to Excel.

mod common;

use chrono::Datelike;
use common::{fieldcrm, ok_json};

#[test]
fn head_office_sets_breaks_down_and_follows_the_targets_from_the_shell() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("book.sqlite");
    let today = chrono::Local::now().date_naive();
    ok_json(&book, &["demo", "--customers", "300", "--as-of", &today.to_string()]);
    let year = today.year();
    let options = ok_json(&book, &["target", "options"]);
    assert_eq!(options["years"], serde_json::json!([year]));
    let root = options["home"]["id"].as_str().expect("home").to_string();

    // The demo's year is broken down and approved at the top.
    let company = ok_json(&book, &["target", "show", "--year", &year.to_string()]);
    assert_eq!(company["status"], "approved");
    let total: i64 = company["months"].as_array().expect("months").iter().map(|m| m.as_i64().expect("fen")).sum();
    let given: i64 =
        company["children"].as_array().expect("provinces").iter().map(|c| c["total"].as_i64().expect("total")).sum();
    assert_eq!(given, total, "the provinces' targets add up to the company's");
    let progress = ok_json(&book, &["target", "progress"]);
    assert_eq!(progress["rows"][0]["node"]["id"], root.as_str());
    assert!(progress["rows"][0]["target"].as_i64().expect("target") > 0);
    let text = fieldcrm(&book, &["target", "progress"]);
    assert!(text.status.success());
    assert!(String::from_utf8_lossy(&text.stdout).contains("working days left"));

    // Next year: 1,000,000 yuan a month, to the provinces by last year's shares.
    let next = (year + 1).to_string();
    let set = ok_json(&book, &["target", "company", "--year", &next, "--each", "1000000"]);
    assert_eq!(set["months"][0], 100_000_000);
    let done = ok_json(&book, &["target", "breakdown", &root, "--year", &next, "--rule", "last-year", "--submit"]);
    assert_eq!(done["status"], "approved", "head office's own breakdown is approved as submitted");
    assert_eq!(done["unallocated"], serde_json::json!(vec![0; 12]));

    // Refused with a message that says what is wrong, and nothing changed.
    let bad = fieldcrm(&book, &["target", "company", "--year", &next, "--months", "1,2,3"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("12 monthly amounts"), "{bad:?}");
    let bad = fieldcrm(&book, &["target", "breakdown", &root, "--year", &next, "--rule", "equal"]);
    assert!(!bad.status.success());
    let message = String::from_utf8_lossy(&bad.stderr);
    assert!(message.contains("reallocation"), "{message}");
    assert_eq!(ok_json(&book, &["target", "show", "--year", &next]), done, "the approved breakdown is as it was");
    let bad = fieldcrm(&book, &["target", "progress", "--period", &format!("{next}-13")]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a period"));

    // Colour rules, and the grid as a workbook.
    let rules = ok_json(&book, &["target", "rules", "--amber", "3", "--red", "10"]);
    assert_eq!((rules["amberBehind"].as_u64(), rules["redBehind"].as_u64()), (Some(3), Some(10)));
    assert!(!fieldcrm(&book, &["target", "rules", "--amber", "10", "--red", "5"]).status.success());
    let xlsx = dir.path().join("分月目标.xlsx");
    let grid = ok_json(&book, &["target", "grid", "--year", &year.to_string(), "--out", xlsx.to_str().expect("path")]);
    assert!(grid["rows"].as_array().expect("rows").len() > 5);
    assert!(std::fs::metadata(&xlsx).expect("written").len() > 5_000);
}
