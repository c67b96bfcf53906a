//! Targets from the command line, as head office runs them: the demo's year
//! and its progress, next year's company target set and broken down to the
//! provinces by last year's shares, a bad breakdown refused with a clear
//! message, and the grid written to Excel.

mod common;

use calamine::{Data, DataType, Reader};
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

#[test]
fn plans_and_forecasts_from_the_shell() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("book.sqlite");
    let today = chrono::Local::now().date_naive();
    ok_json(&book, &["demo", "--customers", "300", "--as-of", &today.to_string()]);
    let staff = ok_json(&book, &["staff", "list"]);
    let rep = staff.as_array().expect("staff").iter().find(|s| s["role"] == "rep").expect("a rep");
    let rep_id = rep["id"].as_str().expect("id").to_string();
    let month = today.format("%Y-%m").to_string();
    let xun = format!(
        "{month}-{}",
        if today.day() <= 10 {
            1
        } else if today.day() <= 20 {
            2
        } else {
            3
        }
    );

    // Head office reads a rep's plan of this 旬 and the company's roll-up.
    let plan = ok_json(&book, &["plan-sales", "show", "--staff", &rep_id, "--period", &xun]);
    assert_eq!(plan["staff"]["id"], rep_id.as_str());
    assert!(!plan["lines"].as_array().expect("lines").is_empty(), "the demo's reps plan every 旬");
    let rollup = ok_json(&book, &["plan-sales", "rollup", "--period", &xun]);
    assert!(rollup["total"]["people"].as_u64().expect("people") > 0);
    assert!(rollup["total"]["amount"].as_i64().expect("amount") > 0);
    let text = fieldcrm(&book, &["plan-sales", "show", "--staff", &rep_id, "--period", &xun]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("visits"));

    // Forecasts: the rep's, with last month's accuracy, and the roll-up.
    let forecast = ok_json(&book, &["forecast", "show", "--staff", &rep_id, "--month", &month]);
    assert_eq!(forecast["months"].as_array().expect("months").len(), 3);
    assert!(!forecast["accuracy"].as_array().expect("accuracy").is_empty(), "the demo forecast the months before");
    let team = ok_json(&book, &["forecast", "rollup", "--month", &month]);
    assert!(team["total"]["amounts"][0].as_i64().expect("amount") > 0);

    // Head office plans no rep's customer; a period that is no 旬 is refused.
    let card = forecast["lines"][0]["customer"]["id"].as_str().expect("card").to_string();
    let bad = fieldcrm(&book, &["forecast", "save", "--month", &month, "--line", &format!("{card}=1,2,3")]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("another rep"), "{bad:?}");
    let bad = fieldcrm(&book, &["plan-sales", "show", "--period", &format!("{month}-4")]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("is not a period")
            || String::from_utf8_lossy(&bad.stderr).contains("旬")
    );
    // Head office's own plan of the 旬: no lines, a note, submitted.
    let own = ok_json(&book, &["plan-sales", "save", "--period", &xun, "--note", "冬储重点", "--submit"]);
    assert_eq!(own["status"], "submitted");
    assert_eq!(own["note"], "冬储重点");

    // The roll-ups as workbooks: their total rows are the core's totals.
    let plans = dir.path().join("计划汇总.xlsx");
    let rollup = ok_json(&book, &["plan-sales", "rollup", "--period", &xun, "--out", path(&plans)]);
    let total = total_row(&plans, "计划汇总");
    assert_eq!(total[3].as_f64(), Some(rollup["total"]["amount"].as_f64().expect("fen") / 100.0));
    let forecasts = dir.path().join("滚动预测.xlsx");
    let team = ok_json(&book, &["forecast", "rollup", "--month", &month, "--out", path(&forecasts)]);
    let total = total_row(&forecasts, "滚动预测");
    assert_eq!(total[2].as_f64(), Some(team["total"]["amounts"][0].as_f64().expect("fen") / 100.0));

    // A rep's plan and forecast, and the company's breakdown, as workbooks.
    let file = dir.path().join("王的计划.xlsx");
    let plan = ok_json(&book, &["plan-sales", "show", "--staff", &rep_id, "--period", &xun, "--out", path(&file)]);
    assert_eq!(total_row(&file, "销售计划")[3].as_f64(), Some(plan["amount"].as_f64().expect("fen") / 100.0));
    let file = dir.path().join("王的预测.xlsx");
    let mine = ok_json(&book, &["forecast", "show", "--staff", &rep_id, "--month", &month, "--out", path(&file)]);
    assert_eq!(total_row(&file, "滚动预测")[1].as_f64(), Some(mine["totals"][0].as_f64().expect("fen") / 100.0));
    let file = dir.path().join("目标分解.xlsx");
    let year = today.year().to_string();
    let company = ok_json(&book, &["target", "show", "--year", &year, "--out", path(&file)]);
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&file).expect("open");
    let rows: Vec<Vec<Data>> =
        workbook.worksheet_range("目标分解").expect("sheet").rows().map(<[Data]>::to_vec).collect();
    let own: i64 = company["months"].as_array().expect("months").iter().map(|m| m.as_i64().expect("fen")).sum();
    assert_eq!(rows[3][13].as_f64(), Some(own as f64 / 100.0), "the company's own year, then its provinces");
    assert_eq!(rows.len(), 4 + company["children"].as_array().expect("children").len() + 1, "and the unallocated row");

    // Last month's month-end summary of the company, the analysis from a file.
    let last = today.checked_sub_months(chrono::Months::new(1)).expect("last month").format("%Y-%m").to_string();
    let analysis = dir.path().join("市场分析.txt");
    std::fs::write(&analysis, "化肥价格上涨，冬储需求提前。").expect("write");
    let out = dir.path().join("月度总结.xlsx");
    let args = ["target", "summary", "--month", &last, "--analysis-file", path(&analysis), "--out", path(&out)];
    let summary = ok_json(&book, &args);
    assert_eq!(summary["month"], last.as_str());
    assert_eq!(summary["monthProgress"]["rows"][0]["node"]["id"], rollup["node"]["id"]);
    assert!(summary["monthProgress"]["rows"][0]["actual"].as_i64().expect("actual") > 0, "the demo sold last month");
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&out).expect("open");
    let rows: Vec<Vec<Data>> =
        workbook.worksheet_range("月度总结").expect("sheet").rows().map(<[Data]>::to_vec).collect();
    assert!(rows.iter().any(|r| r[0] == Data::String("化肥价格上涨，冬储需求提前。".into())), "{rows:?}");
    let actual = rows.iter().find(|r| r[0] == Data::String("本月实际".into())).expect("actual row");
    let fen = summary["monthProgress"]["rows"][0]["actual"].as_f64().expect("fen");
    assert_eq!(actual[1].as_f64(), Some(fen / 100.0));
    let text = fieldcrm(&book, &["target", "summary", "--month", &last]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("negative growth"), "{text:?}");

    // An analysis file that is not text is refused, and nothing is written.
    std::fs::write(&analysis, [0xff, 0xfe, 0x00, 0xd8]).expect("write");
    let again = dir.path().join("再次.xlsx");
    let bad = fieldcrm(
        &book,
        &["target", "summary", "--month", &last, "--analysis-file", path(&analysis), "--out", path(&again)],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not UTF-8"), "{bad:?}");
    assert!(!again.exists());
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// The 合计 row of a workbook's sheet.
fn total_row(file: &std::path::Path, sheet: &str) -> Vec<Data> {
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(file).expect("open");
    let range = workbook.worksheet_range(sheet).expect("sheet");
    range.rows().find(|r| r[0] == Data::String("合计".into())).expect("total row").to_vec()
}
