//! The demo book: deterministic, and valid by the same rules as user input.

mod common;

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use fieldcrm_core::card::fields::{check, to_json, ADDRESS_ENTITY, CUSTOMER_ENTITY, KEY_PERSON_ENTITY};
use fieldcrm_core::demo::{DemoOptions, MAX_VISITS_PER_DAY};
use fieldcrm_core::fieldwork::duties::ComplianceQuery;
use fieldcrm_core::model::DutyKind;
use fieldcrm_core::search::CustomerQuery;
use fieldcrm_core::{Book, ErrorCode};
use rusqlite::types::Value;

fn options(seed: u64) -> DemoOptions {
    DemoOptions { customers: 600, seed, as_of: Some("2026-11-22".into()) }
}

fn dump(path: &std::path::Path) -> Vec<String> {
    let conn = common::raw(path);
    let mut out = vec![];
    for table in [
        "org_unit",
        "staff",
        "customer",
        "key_person",
        "customer_address",
        "credit_incident",
        "change_history",
        "route",
        "visit",
        "call_log",
        "task",
        "report",
        "report_comment",
        "product",
        "sales_line",
    ] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY id")).expect("select");
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n).map(|i| format!("{:?}", r.get::<_, Value>(i).expect("v"))).collect::<Vec<_>>().join("|"))
            })
            .expect("rows");
        out.extend(rows.map(|r| format!("{table}:{}", r.expect("row"))));
    }
    out
}

#[test]
fn the_same_seed_gives_the_same_book_and_another_seed_another() {
    let dir = tempfile::tempdir().expect("dir");
    let mut dumps = vec![];
    for (name, seed) in [("a", 7), ("b", 7), ("c", 8)] {
        let path = dir.path().join(format!("{name}.sqlite"));
        let book = Book::open(&path, &common::access(), common::clock()).expect("book");
        let summary = book.load_demo(&options(seed)).expect("demo");
        assert_eq!(summary.customers, 600);
        drop(book);
        dumps.push(dump(&path));
    }
    assert!(dumps[0] == dumps[1], "same seed and date: identical rows");
    assert!(dumps[0] != dumps[2], "another seed: another book");
}

#[test]
fn every_demo_card_passes_the_rules_user_input_must_pass() {
    let book = Book::open_in_memory(common::clock()).expect("book");
    let summary = book.load_demo(&options(3)).expect("demo");
    assert!(summary.key_people >= summary.customers, "every card has at least its owner");
    assert!(summary.history > summary.customers, "cards have a past");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("d.sqlite");
    Book::open(&path, &common::access(), common::clock()).expect("book").load_demo(&options(3)).expect("demo");
    let conn = fieldcrm_core::api::open_connection(&path, &common::key()).expect("open");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    for entity in [CUSTOMER_ENTITY, KEY_PERSON_ENTITY, ADDRESS_ENTITY] {
        let columns: Vec<&str> = entity.fields.iter().map(|f| f.column).collect();
        let mut stmt = conn.prepare(&format!("SELECT {} FROM {}", columns.join(", "), entity.table)).expect("select");
        let mut rows = stmt.query([]).expect("rows");
        while let Some(row) = rows.next().expect("row") {
            for (i, def) in entity.fields.iter().enumerate() {
                let json = to_json(def, row.get::<_, Value>(i).expect("value"));
                let checked = check(def, &json, today);
                assert!(checked.is_ok(), "{}.{} = {json} breaks the rules: {checked:?}", entity.name, def.key);
            }
        }
    }
    // The supplier chain runs distributor → sub-distributor → retailer.
    let wrong: i64 = conn
        .query_row(
            "SELECT count(*) FROM customer c JOIN customer s ON s.id = c.supplier_id
             WHERE (c.channel_level = 'sub_distributor' AND s.channel_level <> 'distributor')
                OR (c.channel_level = 'retailer' AND s.channel_level = 'retailer')
                OR c.channel_level = 'distributor'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(wrong, 0, "suppliers sit one level up the channel");
}

#[test]
fn the_demo_fills_only_an_empty_book() {
    let book = Book::open_in_memory(common::clock()).expect("book");
    book.load_demo(&options(1)).expect("demo");
    let err = book.load_demo(&options(2)).expect_err("second demo");
    assert_eq!(err.code, ErrorCode::Invalid);
    assert_eq!(book.search_customers(&CustomerQuery::default()).expect("q").total, 600, "nothing added");
    let empty = Book::open_in_memory(common::clock()).expect("book");
    assert_eq!(
        empty.load_demo(&DemoOptions { customers: 0, seed: 1, as_of: None }).expect_err("zero").code,
        ErrorCode::Invalid
    );
}

#[test]
fn a_book_filled_with_the_demo_is_back_in_wal_mode_with_no_journal_left() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.sqlite");
    let book = Book::open(&path, &common::access(), common::clock()).expect("book");
    book.load_demo(&options(2)).expect("demo");
    let mode: String = common::raw(&path).query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal", "the demo writes past the WAL, then the book goes back to it");
    assert!(!dir.path().join("book.sqlite-journal").exists(), "the rollback journal is gone once the demo commits");
    let cards = book.search_customers(&Default::default()).expect("search").rows.len();
    assert!(cards > 0, "the demo's cards are in the book");
}

/// A demo book on disk as of `as_of`, and a connection to read it below the facade.
fn demo_book(as_of: &str) -> (tempfile::TempDir, rusqlite::Connection) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.sqlite");
    let book = Book::open(&path, &common::access(), common::clock()).expect("book");
    book.load_demo(&DemoOptions { customers: 600, seed: 11, as_of: Some(as_of.into()) }).expect("demo");
    drop(book);
    let conn = fieldcrm_core::api::open_connection(&path, &common::key()).expect("open");
    (dir, conn)
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// The business day (Asia/Shanghai, the demo's zone) of a stored timestamp.
fn china_day(at: &str) -> NaiveDate {
    (chrono::DateTime::parse_from_rfc3339(at).expect("timestamp").with_timezone(&chrono::Utc) + Duration::hours(8))
        .date_naive()
}

/// 春节 2026 (正月初一 17 February): no field work from 除夕 to 初七.
fn spring_holiday_2026(day: NaiveDate) -> bool {
    (date("2026-02-16")..=date("2026-02-23")).contains(&day)
}

#[test]
fn reps_visit_four_to_eight_customers_a_working_day_never_more_than_the_cap_and_rest_at_spring_festival() {
    // Half a year to 20 March 2026: the Spring Festival holiday lies inside it.
    let today = date("2026-03-20");
    let (_dir, conn) = demo_book("2026-03-20");
    let reps: Vec<String> = conn
        .prepare("SELECT id FROM staff WHERE role = 'rep'")
        .expect("reps")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("reps");
    assert!(reps.len() >= 5, "600 customers need several reps, not {}", reps.len());
    let per_day = |sql: &str| -> HashMap<(String, NaiveDate), u32> {
        let mut counts = HashMap::new();
        let mut stmt = conn.prepare(sql).expect("select");
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).expect("rows");
        for row in rows {
            let (staff, at) = row.expect("row");
            *counts.entry((staff, china_day(&at))).or_default() += 1;
        }
        counts
    };
    let visits = per_day("SELECT staff_id, checked_in_at FROM visit");
    let calls = per_day("SELECT staff_id, called_at FROM call_log WHERE customer_id IS NOT NULL");
    // The half year before today, Monday to Saturday, outside the holiday.
    let first = today - Duration::days(181);
    let working: Vec<NaiveDate> = (0..181)
        .map(|d| first + Duration::days(d))
        .filter(|d| d.weekday() != Weekday::Sun && !spring_holiday_2026(*d))
        .collect();
    for rep in &reps {
        let total = |counts: &HashMap<(String, NaiveDate), u32>| -> f64 {
            working.iter().map(|d| counts.get(&(rep.clone(), *d)).copied().unwrap_or(0)).sum::<u32>() as f64
        };
        let average = total(&visits) / working.len() as f64;
        assert!((4.0..=8.0).contains(&average), "rep {rep} makes {average:.1} visits a working day, not 4 to 8");
        let calling = total(&calls) / working.len() as f64;
        assert!((1.0..=5.0).contains(&calling), "rep {rep} makes {calling:.1} customer calls a working day");
    }
    for ((staff, day), n) in &visits {
        if !reps.contains(staff) {
            continue;
        }
        assert!(*n <= MAX_VISITS_PER_DAY, "{n} visits on {day}: more than anyone makes in a day");
        assert!(day.weekday() != Weekday::Sun, "a rep visited on Sunday {day}");
        assert!(!spring_holiday_2026(*day), "a rep visited in the Spring Festival holiday, on {day}");
    }
}

#[test]
fn each_card_s_last_visit_is_its_last_visit_on_record_and_stops_are_visited_on_their_route_s_day() {
    let (_dir, conn) = demo_book("2026-11-22");
    let first = date("2026-11-22") - Duration::days(181);
    let mut stmt = conn
        .prepare(
            "SELECT c.id, c.last_visit_on, max(v.checked_in_at) FROM customer c LEFT JOIN visit v ON v.customer_id = c.id
              GROUP BY c.id",
        )
        .expect("select");
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?)))
        .expect("rows");
    let mut visited = 0;
    for row in rows {
        let (id, card, record) = row.expect("row");
        match record {
            Some(at) => {
                visited += 1;
                assert_eq!(
                    card.as_deref().map(date),
                    Some(china_day(&at)),
                    "card {id}: the card's last visit is the last on record"
                );
            }
            None => assert!(
                card.as_deref().is_none_or(|d| date(d) < first),
                "card {id} says it was visited on {card:?}, in the half year with no visit on record"
            ),
        }
    }
    assert!(visited > 400, "most of the 600 cards were visited in half a year ({visited})");
    // A rep tours each route on its weekday; only catching up on an overdue stop falls elsewhere.
    let (on_day, all): (u32, u32) = conn
        .query_row(
            "SELECT sum(CAST(strftime('%w', v.checked_in_at, '+8 hours') AS INTEGER) = r.weekday % 7), count(*)
               FROM visit v JOIN customer c ON c.id = v.customer_id JOIN route r ON r.id = c.route_id
              WHERE v.staff_id = r.owner_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("route visits");
    assert!(
        all > 1000 && f64::from(on_day) >= 0.8 * f64::from(all),
        "{on_day} of {all} route visits on the route's day"
    );
}

#[test]
fn the_grade_frequency_duty_finds_some_reps_on_track_and_some_behind() {
    let dir = tempfile::tempdir().expect("dir");
    let book = Book::open(&dir.path().join("demo.sqlite"), &common::access(), common::clock()).expect("book");
    book.load_demo(&DemoOptions { customers: 600, seed: 11, as_of: Some("2026-11-22".into()) }).expect("demo");
    let view = book.compliance(&ComplianceQuery { month: Some("2026-11".into()), ..Default::default() }).expect("view");
    let shares: Vec<f64> = view
        .people
        .iter()
        .flat_map(|p| p.rules.iter())
        .filter(|r| r.kind == DutyKind::GradeFrequency && r.required > 0)
        .map(|r| f64::from(r.done) / f64::from(r.required))
        .collect();
    assert!(shares.len() >= 5, "every rep is judged: {shares:?}");
    assert!(shares.iter().any(|s| *s >= 0.95), "some reps keep their customers' rhythm: {shares:?}");
    assert!(shares.iter().any(|s| *s < 0.9), "some reps fall behind: {shares:?}");
}

#[test]
fn cards_that_owe_us_money_carry_the_debt_tag_and_never_good_credit() {
    let (_dir, conn) = demo_book("2026-11-22");
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    let tag = fieldcrm_core::demo::DEBT_TAG;
    let tagged = format!("EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = '{tag}')");
    assert!(count(&format!("SELECT count(*) FROM customer c WHERE {tagged}")) > 20, "some customers owe us");
    assert_eq!(
        count(&format!("SELECT count(*) FROM customer c WHERE {tagged} AND c.credit_standing IN ('good', 'unknown')")),
        0,
        "a customer who owes us is not in good credit (nor unknown to us)"
    );
    let open = "EXISTS (SELECT 1 FROM credit_incident i WHERE i.customer_id = c.id AND NOT i.resolved)";
    assert!(count(&format!("SELECT count(*) FROM customer c WHERE {open}")) > 5, "some incidents are still open");
    assert_eq!(
        count(&format!(
            "SELECT count(*) FROM customer c WHERE {open} AND (NOT {tagged} OR c.credit_standing NOT IN ('watch', 'bad'))"
        )),
        0,
        "an open late payment or bad debt means money owed and credit on watch or bad"
    );
}

#[test]
fn sales_peak_in_the_weeks_before_spring_festival_and_mid_autumn_and_stop_in_the_holiday() {
    let (_dir, conn) = demo_book("2026-11-22");
    let mut by_day: HashMap<NaiveDate, i64> = HashMap::new();
    let mut stmt = conn.prepare("SELECT sold_on, sum(amount) FROM sales_line GROUP BY sold_on").expect("select");
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).expect("rows") {
        let (day, amount) = row.expect("row");
        by_day.insert(date(&day), amount);
    }
    let per_day = |from: &str, to: &str| -> f64 {
        let (from, to) = (date(from), date(to));
        let days = (to - from).num_days() + 1;
        (0..days).map(|d| by_day.get(&(from + Duration::days(d))).copied().unwrap_or(0)).sum::<i64>() as f64
            / days as f64
    };
    let year = per_day("2025-11-22", "2026-11-21");
    let stocking = per_day("2026-01-13", "2026-02-09");
    assert!(stocking > 1.5 * year, "the month before 春节 (2026-02-17) sells {stocking:.0} a day, the year {year:.0}");
    let holiday = per_day("2026-02-16", "2026-02-23");
    assert!(holiday < 0.3 * year, "the holiday sells {holiday:.0} a day, the year {year:.0}");
    let mid_autumn = per_day("2026-09-04", "2026-09-24");
    assert!(
        mid_autumn > 1.2 * year,
        "the weeks before 中秋 (2026-09-25) sell {mid_autumn:.0} a day, the year {year:.0}"
    );
}

#[test]
fn building_the_demo_reports_its_progress_and_a_cancel_leaves_the_book_as_it_was() {
    let book = Book::open_in_memory(common::clock()).expect("book");
    let mut heard = vec![];
    let err = book
        .load_demo_with(&DemoOptions { customers: 1200, seed: 3, as_of: Some("2026-11-22".into()) }, &mut |p| {
            heard.push((p.phase, p.done, p.total));
            if p.phase == "fieldwork" {
                book.cancel_demo();
            }
        })
        .expect_err("cancelled");
    assert_eq!(err.problems[0].code, fieldcrm_core::error::ProblemCode::Cancelled, "{err:?}");
    assert_eq!(heard.first(), Some(&("customers", 0, 1200)));
    assert!(heard.contains(&("customers", 1000, 1200)), "the cards are counted as they are written: {heard:?}");
    assert_eq!(heard.last().map(|h| h.0), Some("fieldwork"), "nothing more after the cancel: {heard:?}");
    let status = book.status().expect("status");
    assert_eq!((status.customer_count, status.profile.is_some()), (0, false), "the book is as it was");

    // The next build starts afresh and runs to the end.
    let mut phases = vec![];
    let summary = book
        .load_demo_with(&DemoOptions { customers: 300, seed: 3, as_of: Some("2026-11-22".into()) }, &mut |p| {
            if phases.last() != Some(&p.phase) {
                phases.push(p.phase);
            }
        })
        .expect("demo");
    assert_eq!(summary.customers, 300);
    assert_eq!(phases, ["customers", "routes", "fieldwork", "sales", "targets", "index"]);
}

#[test]
fn the_demo_s_running_sales_totals_and_figures_are_its_lines_summed() {
    let (_dir, conn) = demo_book("2026-11-22");
    let lines: (i64, i64) = conn
        .query_row("SELECT count(*), sum(amount) FROM sales_line", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("lines");
    let totals: (i64, i64) =
        conn.query_row("SELECT lines, amount FROM sales_total", [], |r| Ok((r.get(0)?, r.get(1)?))).expect("totals");
    let figures: (i64, i64) = conn
        .query_row("SELECT sum(lines), sum(amount) FROM sales_fact", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("figures");
    assert!(lines.0 > 0, "the demo has sales");
    assert_eq!(totals, lines, "the running totals the demo wrote");
    assert_eq!(figures, lines, "the figures the demo summed");
    // The sales per 旬 and card, summed from the lines' dates.
    let by_xun = |sql: &str| -> Vec<(i64, String, i64)> {
        let mut stmt = conn.prepare(sql).expect("sql");
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).expect("rows");
        rows.collect::<Result<_, _>>().expect("rows")
    };
    let kept = "SELECT x.xun, k.customer_id, x.amount FROM sales_xun x
                  JOIN sales_customer_key k ON k.key = x.customer_key ORDER BY 1, 2";
    let summed = "SELECT CAST(substr(sold_on, 1, 4) AS INTEGER) * 36 + (CAST(substr(sold_on, 6, 2) AS INTEGER) - 1) * 3
                         + CASE WHEN CAST(substr(sold_on, 9, 2) AS INTEGER) <= 10 THEN 0
                                WHEN CAST(substr(sold_on, 9, 2) AS INTEGER) <= 20 THEN 1 ELSE 2 END,
                         customer_id, sum(amount)
                    FROM sales_line GROUP BY 1, 2 ORDER BY 1, 2";
    assert_eq!(by_xun(kept), by_xun(summed), "the sales per 旬 the demo kept");
    // The triggers keep them when lines go and change.
    conn.execute_batch(
        "DELETE FROM sales_line WHERE rowid IN (SELECT rowid FROM sales_line ORDER BY id LIMIT 50);
         UPDATE sales_line SET sold_on = '2026-01-21', amount = amount + 7 WHERE rowid IN (SELECT rowid FROM sales_line ORDER BY id DESC LIMIT 50);",
    )
    .expect("change lines");
    assert_eq!(by_xun(kept), by_xun(summed), "the sales per 旬 after lines went and changed");
}

#[test]
fn a_demo_book_on_disk_is_rebuilt_in_place_as_it_was_made_and_a_real_book_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.sqlite");
    let book = Book::open(&path, &common::access(), common::clock()).expect("book");
    let options = DemoOptions { customers: 40, seed: 9, as_of: Some("2026-11-20".into()) };
    let made = book.load_demo(&options).expect("demo");
    let names = |book: &Book| -> Vec<String> {
        book.search_customers(&CustomerQuery::default()).expect("list").rows.into_iter().map(|r| r.name).collect()
    };
    let before = names(&book);
    // The user plays with the demo: renames a card, sets a preference of this laptop.
    let first = book.search_customers(&CustomerQuery::default()).expect("list").rows[0].clone();
    book.edit_customer(&fieldcrm_core::api::CardEdit {
        customer_id: first.id,
        changes: vec![fieldcrm_core::card::FieldChange {
            field: "name".into(),
            expected: Some(first.name.into()),
            value: "改过名字的客户".into(),
        }],
    })
    .expect("rename");
    book.set_stale_after_days(30).expect("stale days");
    assert_ne!(names(&book), before);

    let again = book.reset_demo().expect("reset");
    assert_eq!(again, made, "the same size, seed and day give the same demo");
    assert_eq!(names(&book), before, "the open book reads the new demo at once");
    assert_eq!(book.status().expect("status").stale_after_days, 30, "the laptop's settings stay");
    assert!(book.check().is_ok(), "the book is sound after the copy");
    assert!(!dir.path().join("demo.sqlite.demo-reset").exists(), "the scratch book is gone");
    drop(book);
    let reopened = Book::open(&path, &common::access(), common::clock()).expect("reopen");
    assert_eq!(names(&reopened), before, "the file holds the new demo");
    assert_eq!(reopened.demo_book().expect("asked"), Some(options));

    let real = Book::open(&dir.path().join("real.sqlite"), &common::access(), common::clock()).expect("real");
    real.create_profile(&fieldcrm_core::api::NewProfile {
        name: "赵总".into(),
        role: fieldcrm_core::model::StaffRole::HeadOffice,
        company_name: "华丰农业".into(),
        unit_name: String::new(),
        phone: None,
    })
    .expect("profile");
    let refused = real.reset_demo().expect_err("a book of real data");
    assert_eq!((refused.code, refused.problems[0].code.as_str()), (ErrorCode::Invalid, "not_demo_book"));
}

#[test]
fn the_demo_bills_what_customers_bought_and_only_those_tagged_as_owing_are_long_overdue() {
    let (_dir, conn) = demo_book("2026-11-20");
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    // Every invoice bills a month of the customer's sales lines, to the fen.
    let mismatched = count(
        "SELECT count(*) FROM invoice i
          WHERE i.amount <> (SELECT sum(s.amount) FROM sales_line s
                              WHERE s.customer_id = i.customer_id AND substr(s.sold_on, 1, 7) = substr(i.number, 3, 4) || '-' || substr(i.number, 7, 2))",
    );
    assert_eq!(mismatched, 0);
    assert!(count("SELECT count(*) FROM invoice") > 600, "six months of invoices");
    // Paid in cash and, now and then, against marketing expenses.
    assert!(count("SELECT count(*) FROM payment WHERE kind = 'expense'") > 0);
    // More than 30 days past due and still open: only customers tagged 有欠款, and some of them.
    let open_overdue = "SELECT DISTINCT i.customer_id FROM invoice i
          WHERE i.due_on < date('2026-11-20', '-30 days')
            AND i.amount > coalesce((SELECT sum(a.amount) FROM payment_allocation a WHERE a.invoice_id = i.id), 0)";
    let untagged = count(&format!(
        "SELECT count(*) FROM ({open_overdue}) o JOIN customer c ON c.id = o.customer_id WHERE c.tags NOT LIKE '%有欠款%'"
    ));
    assert_eq!(untagged, 0, "a customer who owes nothing is never long overdue");
    assert!(count(&format!("SELECT count(*) FROM ({open_overdue})")) > 5);
    // A year of the distributors' monthly orders, each what the month's sales lines say they bought.
    let months = count(
        "SELECT count(DISTINCT substr(submitted_at, 1, 7)) FROM sales_order o JOIN customer c ON c.id = o.customer_id
          WHERE c.channel_level IN ('distributor', 'sub_distributor') AND o.submitted_at < '2026-11-01'",
    );
    assert_eq!(months, 12);
    let unlike_their_sales = count(
        "SELECT count(*) FROM sales_order o JOIN customer c ON c.id = o.customer_id
          WHERE o.submitted_at < '2026-11-01' AND (c.channel_level NOT IN ('distributor', 'sub_distributor')
             OR o.total > (SELECT sum(s.amount) FROM sales_line s
                            WHERE s.customer_id = o.customer_id AND substr(s.sold_on, 1, 7) = substr(o.submitted_at, 1, 7))
             OR o.total < (SELECT sum(s.amount) FROM sales_line s
                            WHERE s.customer_id = o.customer_id AND substr(s.sold_on, 1, 7) = substr(o.submitted_at, 1, 7)) * 0.95)",
    );
    assert_eq!(unlike_their_sales, 0, "an order is its month's sales, to the fen a unit rounds away");
    let not_shipped = count(
        "SELECT count(*) FROM sales_order o WHERE o.submitted_at < '2026-11-01'
            AND NOT EXISTS (SELECT 1 FROM shipment h WHERE h.order_id = o.id)",
    );
    assert_eq!(not_shipped, 0, "the year's orders went out");
    // A fortnight of orders: waiting for review, approved and shipped, late, held.
    for status in ["submitted", "approved"] {
        assert!(count(&format!("SELECT count(*) FROM sales_order WHERE status = '{status}'")) > 0, "{status}");
    }
    assert!(count("SELECT count(*) FROM shipment") > 0);
    // Orders of customers who owe us were held.
    let held_not_owing = count(
        "SELECT count(*) FROM sales_order o JOIN customer c ON c.id = o.customer_id
          WHERE o.hold_reasons IS NOT NULL AND c.tags NOT LIKE '%有欠款%'",
    );
    assert_eq!(held_not_owing, 0);
}
