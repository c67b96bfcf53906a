//! One business time zone: the same work, recorded and reported on machines
//! whose clocks are set to different zones, gives the same days, the same
//! report and the same due tasks. Only the organisation's setting moves a
//! day boundary.

mod common;

use std::path::Path;

use common::fieldcrm_with;
use serde_json::Value;

/// Runs `args` under the machine time zone `tz`; returns stdout, failing on error.
fn run(book: &Path, tz: &str, args: &[&str]) -> String {
    let out = fieldcrm_with(book, args, &[("TZ", tz)]);
    assert!(out.status.success(), "{args:?} under {tz} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn json(book: &Path, tz: &str, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&run(book, tz, &all)).expect("JSON output")
}

/// A rep's evening and the small hours after it, recorded with wall-clock
/// times (business time) and one RFC 3339 time; what the book reports.
fn evening(dir: &Path, tz: &str) -> Vec<String> {
    let book = dir.join(format!("{}.sqlite", tz.replace('/', "_")));
    json(&book, tz, &["init", "--name", "王磊", "--company", "华丰农业", "--unit", "寿光片区"]);
    let card = json(&book, tz, &["customer", "add", "--set", "name=华星农资"]);
    let id = card["id"].as_str().expect("id").to_string();
    let visit = |at_in: &str, at_out: &str, extra: &[&str]| {
        let mut args = vec!["visit", "log", id.as_str(), "--in", at_in, "--out", at_out];
        args.extend_from_slice(extra);
        json(&book, tz, &args)
    };
    let first = visit("2026-12-01 23:10", "2026-12-01 23:30", &["--next", "送货 20 箱", "--due", "2026-12-03"]);
    // 15:40 UTC is 23:40 in China: the same evening.
    visit("2026-12-01T15:40:00Z", "2026-12-01T15:50:00Z", &[]);
    // Ten past midnight: the next day.
    visit("2026-12-02 00:10", "2026-12-02 00:30", &[]);
    assert_eq!(first["task"]["dueOn"], "2026-12-03");

    let daily = json(&book, tz, &["report", "show", "daily", "--day", "2026-12-01"]);
    assert_eq!(daily["content"]["totals"]["visits"], 2, "under {tz}: {}", daily["content"]["totals"]);
    let next = json(&book, tz, &["report", "show", "daily", "--day", "2026-12-02"]);
    assert_eq!(next["content"]["totals"]["visits"], 1, "under {tz}: {}", next["content"]["totals"]);

    let shown = [
        run(&book, tz, &["report", "show", "daily", "--day", "2026-12-01"]),
        run(&book, tz, &["report", "show", "weekly", "--day", "2026-12-01"]),
        run(&book, tz, &["report", "show", "monthly", "--day", "2026-12-01"]),
        run(&book, tz, &["visit", "list", "--customer", &id]),
        run(&book, tz, &["task", "list"]),
    ];
    // Ids differ between the two books; nothing else may.
    shown.iter().map(|text| without_ids(text)).collect()
}

/// `text` with every id (a UUID) replaced by `<id>`.
fn without_ids(text: &str) -> String {
    let is_id = |word: &str| {
        let parts: Vec<&str> = word.split('-').collect();
        parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
            && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
    };
    text.split_inclusive(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .map(|piece| {
            let word = piece.trim_end_matches(|c: char| c.is_whitespace() || c == '(' || c == ')');
            if is_id(word) {
                piece.replacen(word, "<id>", 1)
            } else {
                piece.to_string()
            }
        })
        .collect()
}

#[test]
fn the_same_evening_reports_alike_whatever_zone_the_machine_is_set_to() {
    let dir = tempfile::tempdir().expect("dir");
    let new_york = evening(dir.path(), "America/New_York");
    let shanghai = evening(dir.path(), "Asia/Shanghai");
    assert_eq!(new_york, shanghai);
    let visits = &shanghai[3];
    assert!(visits.contains("2026-12-01 23:40"), "times show in business time: {visits}");
    assert!(visits.contains("2026-12-02 00:10"), "{visits}");
}

#[test]
fn head_office_moves_the_day_boundary_with_the_business_time_zone() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("office.sqlite");
    let tz = "Europe/London";
    json(&book, tz, &["init", "--name", "赵总", "--role", "head-office", "--company", "华丰农业"]);
    let status = json(&book, tz, &["status"]);
    assert_eq!(status["businessTime"]["timeZone"], "Asia/Shanghai", "the default");
    // Head office names who looks after a card it creates: here, itself.
    let me = format!("ownerId={}", status["profile"]["staffId"].as_str().expect("staff id"));
    let card = json(&book, tz, &["customer", "add", "--set", "name=天山农资", "--set", &me]);
    let id = card["id"].as_str().expect("id").to_string();
    // 17:30 UTC: 01:30 the next day in Shanghai, 23:30 the same day in Ürümqi.
    json(&book, tz, &["visit", "log", &id, "--in", "2026-12-01T17:30:00Z", "--out", "2026-12-01T17:50:00Z"]);
    let visits_on = |day: &str| {
        json(&book, tz, &["report", "show", "daily", "--day", day])["content"]["totals"]["visits"].as_u64().expect("n")
    };
    assert_eq!((visits_on("2026-12-01"), visits_on("2026-12-02")), (0, 1));

    let set = json(&book, tz, &["settings", "time-zone", "Asia/Urumqi"]);
    assert_eq!(set["timeZone"], "Asia/Urumqi");
    assert_eq!(set["offsetMinutes"], 360);
    assert_eq!((visits_on("2026-12-01"), visits_on("2026-12-02")), (1, 0));
    let listed = run(&book, tz, &["visit", "list", "--customer", &id]);
    assert!(listed.contains("2026-12-01 23:30"), "{listed}");

    // A name that is no time zone: refused, exit 2, the setting unchanged.
    let out = fieldcrm_with(&book, &["settings", "time-zone", "Asia/Beijing"], &[("TZ", tz)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'Asia/Beijing' is not a time zone"), "{err}");
    assert_eq!(json(&book, tz, &["settings", "time-zone"])["timeZone"], "Asia/Urumqi");
}
