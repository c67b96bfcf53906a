//! Field work through the facade, in a small organisation whose books sync:
//! visits and calls with what they imply (tasks, card changes, the last
//! visit), bad records refused with nothing changed, reports assembled,
//! submitted once and read by managers, comments, the compliance view and
//! the month-end reminders.

#[path = "sync/world.rs"]
mod world;

use chrono::{Duration, TimeZone, Utc};
use fieldcrm_core::api::classify::RouteStops;
use fieldcrm_core::card::FieldChange;
use fieldcrm_core::fieldwork::calendar::ReminderInput;
use fieldcrm_core::fieldwork::duties::{ComplianceQuery, DutyRuleInput};
use fieldcrm_core::fieldwork::records::{NewCall, NewTask, NewVisit, RecordQuery, TaskQuery};
use fieldcrm_core::fieldwork::reports::{NewUrgentReport, ReportListQuery, ReportQuery, ReportSummaryInput};
use fieldcrm_core::grades::{GradeChange, GradeScale};
use fieldcrm_core::ids::{CustomerId, StaffId};
use fieldcrm_core::model::{CallDirection, DutyKind, ReportKind, ReportStatus, StaffRole, TaskSource, UrgentTopic};
use fieldcrm_core::routes::NewRoute;
use fieldcrm_core::{ApiError, Book, ErrorCode};
use serde_json::json;
use world::{customer, World};

thread_local! {
    /// The world's clocks all start at the same instant and move together.
    static NOW: std::cell::RefCell<chrono::DateTime<Utc>> = std::cell::RefCell::new(world::start());
}

/// A time `minutes` before the books' clock, as a form sends it (China time).
fn ago(minutes: i64) -> String {
    (now() - Duration::minutes(minutes))
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("tz"))
        .to_rfc3339()
}

fn now() -> chrono::DateTime<Utc> {
    NOW.with(|n| *n.borrow())
}

fn advance(w: &World, by: Duration) {
    w.advance(by);
    NOW.with(|n| *n.borrow_mut() += by);
}

/// A routine visit that began `minutes_ago` and lasted `length` minutes.
fn visit_at(customer: CustomerId, minutes_ago: i64, length: i64) -> NewVisit {
    NewVisit {
        customer_id: customer,
        visit_type: "routine".into(),
        checked_in_at: ago(minutes_ago),
        checked_out_at: Some(ago(minutes_ago - length)),
        latitude: None,
        longitude: None,
        purpose: None,
        stock_notes: None,
        competitor_notes: None,
        prices_seen: None,
        problems: None,
        requests: None,
        next_step: None,
        next_step_due: None,
        planned: false,
        report_confirmed: None,
        card_changes: vec![],
    }
}

fn call_at(customer: Option<CustomerId>, colleague: Option<StaffId>, minutes_ago: i64) -> NewCall {
    NewCall {
        customer_id: customer,
        colleague_id: colleague,
        direction: CallDirection::Outgoing,
        called_at: ago(minutes_ago),
        duration_seconds: 180,
        summary: Some("确认订货数量".into()),
        next_step: None,
        next_step_due: None,
        card_changes: vec![],
    }
}

fn codes(e: &ApiError) -> Vec<String> {
    e.problems.iter().map(|p| p.code.to_string()).collect()
}

fn new_card(book: &Book, name: &str, extra: serde_json::Value) -> CustomerId {
    book.create_customer(&customer(name, extra)).expect("card").card.id
}

fn staff(id: &str) -> StaffId {
    id.parse().expect("staff id")
}

fn today() -> String {
    fieldcrm_core::clock::Zone::DEFAULT.day(now()).to_string()
}

#[test]
fn a_visit_brings_its_task_its_card_changes_and_the_last_visit_in_one_step() {
    let w = World::new(2);
    let rep = &w.people[0].book;
    let id = new_card(rep, "华星农资", json!({"phone": "13800000001"}));
    let mut v = visit_at(id, 120, 45);
    v.next_step = Some("补货 50 箱".into());
    v.next_step_due = Some((fieldcrm_core::clock::Zone::DEFAULT.day(now()) + Duration::days(3)).to_string());
    v.stock_notes = Some("主销品种库存偏低".into());
    v.planned = true;
    v.card_changes = vec![FieldChange { field: "phone".into(), expected: None, value: json!("13911112222") }];
    let logged = rep.log_visit(&v).expect("visit");
    assert_eq!(logged.visit.minutes, Some(45));
    assert_eq!(logged.visit.stock_notes.as_deref(), Some("主销品种库存偏低"));
    let task = logged.task.expect("the next step became a task");
    assert_eq!(
        (task.title.as_str(), task.source, task.source_id.clone()),
        ("补货 50 箱", TaskSource::Visit, Some(logged.visit.id.to_string()))
    );
    let tasks = rep.tasks(&TaskQuery { customer_id: Some(id), ..Default::default() }).expect("tasks");
    assert_eq!(tasks.iter().map(|t| t.id).collect::<Vec<_>>(), [task.id], "the task is on the card's list");

    let card = rep.customer(id).expect("card");
    assert_eq!(card.fields["phone"], "13911112222");
    assert_eq!(card.grading.last_visit_on.as_deref(), Some(today().as_str()), "the visit moved the last visit");
    let history = rep.history(id, 50).expect("history");
    let change = history.iter().find(|h| h.field == "phone").expect("phone change in history");
    assert_eq!(change.source, "visit");
    assert_eq!(change.source_id.as_deref(), Some(logged.visit.id.to_string().as_str()), "history names the visit");

    // An older visit logged later does not move the last visit back.
    let older = visit_at(id, 3 * 24 * 60, 30);
    rep.log_visit(&older).expect("older visit");
    assert_eq!(rep.customer(id).expect("card").grading.last_visit_on.as_deref(), Some(today().as_str()));
    assert_eq!(rep.visits(&RecordQuery { customer_id: Some(id), ..Default::default() }).expect("visits").len(), 2);

    // A call with its own next step; done, the task leaves the open list.
    let mut c = call_at(Some(id), None, 10);
    c.next_step = Some("回复价格政策".into());
    c.next_step_due = Some(today());
    let call_task = rep.log_call(&c).expect("call").task.expect("task");
    rep.set_task_done(call_task.id, true).expect("done");
    let open = rep.tasks(&TaskQuery::default()).expect("tasks");
    assert_eq!(open.iter().map(|t| t.id).collect::<Vec<_>>(), [task.id]);
    let manual = rep
        .add_task(&NewTask {
            title: "准备月度会议".into(), due_on: today(), customer_id: None, assignee_id: None
        })
        .expect("manual task");
    assert_eq!(manual.source, TaskSource::Manual);
}

#[test]
fn bad_records_are_refused_with_the_reason_and_nothing_changes() {
    let w = World::new(2);
    let rep = &w.people[0].book;
    let id = new_card(rep, "华星农资", json!({}));
    let before = |book: &Book| {
        (
            book.visits(&RecordQuery::default()).expect("visits").len(),
            book.calls(&RecordQuery::default()).expect("calls").len(),
            book.tasks(&TaskQuery { include_done: true, ..Default::default() }).expect("tasks").len(),
            book.history(id, 1000).expect("history").len(),
            book.customer(id).expect("card").revision,
            book.sync_status().expect("sync").pending_total,
        )
    };
    let start = before(rep);

    let mut v = visit_at(id, 60, 30);
    v.checked_out_at = Some(ago(90));
    assert_eq!(codes(&rep.log_visit(&v).expect_err("check-out before check-in")), ["before_check_in"]);
    let v = visit_at(id, -60, 30);
    let err = rep.log_visit(&v).expect_err("a visit in the future");
    assert!(codes(&err).contains(&"future_time".to_string()), "{err:?}");
    let mut v = visit_at(id, 60, 30);
    v.visit_type = "spot_check".into();
    assert_eq!(codes(&rep.log_visit(&v).expect_err("spot-check without the verdict")), ["required"]);
    v.visit_type = "picnic".into();
    assert_eq!(codes(&rep.log_visit(&v).expect_err("unknown type")), ["unknown_code"]);
    let mut v = visit_at(id, 60, 30);
    v.next_step = Some("回访".into());
    v.next_step_due = Some("2020-01-01".into());
    assert_eq!(codes(&rep.log_visit(&v).expect_err("due before the visit")), ["before_record"]);
    let mut v = visit_at(id, 60, 30);
    v.latitude = Some(36.7);
    assert_eq!(codes(&rep.log_visit(&v).expect_err("half coordinates")), ["half_coordinates"]);
    // A bad card change refuses the whole visit: the visit row written first is rolled back.
    let mut v = visit_at(id, 60, 30);
    v.card_changes = vec![FieldChange { field: "nope".into(), expected: None, value: json!("x") }];
    let err = rep.log_visit(&v).expect_err("unknown card field");
    assert_eq!(err.problems[0].field, "cardChanges.nope");
    let mut v = visit_at(id, 60, 30);
    v.checked_in_at = "yesterday morning".into();
    assert_eq!(codes(&rep.log_visit(&v).expect_err("not a time")), ["bad_time"]);

    let mut c = call_at(Some(id), None, 5);
    c.duration_seconds = -30;
    assert_eq!(codes(&rep.log_call(&c).expect_err("negative duration")), ["negative"]);
    let c = call_at(Some(id), None, 5);
    let both = NewCall { colleague_id: Some(staff(&w.manager().staff_id)), ..c.clone() };
    assert_eq!(codes(&rep.log_call(&both).expect_err("customer and colleague")), ["both"]);
    let neither = NewCall { customer_id: None, ..c };
    assert_eq!(codes(&rep.log_call(&neither).expect_err("nobody")), ["required"]);
    // Another rep's card is not in this book at all.
    let elsewhere = new_card(&w.people[1].book, "远方农资", json!({}));
    let err = rep.log_visit(&visit_at(elsewhere, 60, 30)).expect_err("not my card");
    assert_eq!(err.code, ErrorCode::NotFound);

    assert_eq!(before(rep), start, "no record, task, history, card change or sync change was left behind");
}

#[test]
fn a_next_step_without_a_due_date_gets_the_route_day_or_three_work_days_and_says_so() {
    let w = World::new(2);
    let rep = &w.people[0].book;
    let (off_route, on_route) = (new_card(rep, "华星农资", json!({})), new_card(rep, "丰收农资", json!({})));
    // The world starts on Monday 2026-11-02, 16:00 in China.
    assert_eq!(today(), "2026-11-02");
    let route = rep
        .create_route(&NewRoute { name: "寿光周三线".into(), weekday: Some(3), ..Default::default() })
        .expect("route")
        .route;
    rep.add_route_stops(&RouteStops { route_id: route.id, customers: vec![on_route], at: None }).expect("stop");

    // Off any route: the third work day (Tuesday, Wednesday, Thursday).
    let mut v = visit_at(off_route, 60, 30);
    v.next_step = Some("送样品".into());
    let logged = rep.log_visit(&v).expect("visit");
    let chosen = logged.defaulted_due.expect("the reply says a date was chosen");
    assert_eq!((chosen.on.as_str(), chosen.route_name, chosen.work_days), ("2026-11-05", None, Some(3)));
    let task = logged.task.expect("the next step still became a task");
    assert_eq!((task.title.as_str(), task.due_on.as_str()), ("送样品", "2026-11-05"));
    assert_eq!(logged.visit.next_step_due.as_deref(), Some("2026-11-05"), "the record keeps the date its task has");

    // On the rep's Wednesday route: the route's next Wednesday.
    let mut v = visit_at(on_route, 60, 30);
    v.next_step = Some("收回货款".into());
    let logged = rep.log_visit(&v).expect("visit");
    let chosen = logged.defaulted_due.expect("chosen");
    assert_eq!(
        (chosen.on.as_str(), chosen.route_name.as_deref(), chosen.work_days),
        ("2026-11-04", Some("寿光周三线"), None)
    );
    assert_eq!(logged.task.expect("task").due_on, "2026-11-04");

    // A date given is kept and nothing is said about it.
    let mut v = visit_at(on_route, 50, 10);
    v.next_step = Some("回访".into());
    v.next_step_due = Some("2026-11-20".into());
    let logged = rep.log_visit(&v).expect("visit");
    assert_eq!((logged.defaulted_due, logged.task.expect("task").due_on.as_str()), (None, "2026-11-20"));
    // No next step, no task and no date.
    let logged = rep.log_visit(&visit_at(on_route, 40, 10)).expect("visit");
    assert_eq!((logged.defaulted_due, logged.task, logged.visit.next_step_due), (None, None, None));

    // On the route's own day the next tour is a week on.
    advance(&w, Duration::days(2));
    let mut c = call_at(Some(on_route), None, 10);
    c.next_step = Some("确认订单".into());
    let logged = rep.log_call(&c).expect("call");
    assert_eq!(logged.defaulted_due.expect("chosen").on, "2026-11-11");
    assert_eq!(logged.call.next_step_due.as_deref(), Some("2026-11-11"));

    // From Thursday, three work days skip Sunday: Friday, Saturday, Monday. A call with a colleague has no route.
    advance(&w, Duration::days(1));
    let mut c = call_at(None, Some(staff(&w.manager().staff_id)), 10);
    c.next_step = Some("报送库存表".into());
    let logged = rep.log_call(&c).expect("call");
    assert_eq!(logged.defaulted_due.expect("chosen").on, "2026-11-09");
    assert_eq!(logged.task.expect("task").due_on, "2026-11-09");

    // A visit logged three days late counts from today (Thursday), not from its day, so its task is not born overdue.
    let mut v = visit_at(off_route, 3 * 24 * 60, 30);
    v.next_step = Some("补签合同".into());
    let logged = rep.log_visit(&v).expect("late visit");
    assert_eq!(logged.defaulted_due.expect("chosen").on, "2026-11-09");
    assert!(!logged.task.expect("task").overdue);

    // Days are business days: at 04:00 on Friday in China it is still Thursday in UTC, and the count starts on Friday.
    advance(&w, Duration::hours(12));
    assert_eq!(now().date_naive().to_string(), "2026-11-05", "UTC is a day behind");
    let mut v = visit_at(off_route, 30, 10);
    v.next_step = Some("寄送发票".into());
    let logged = rep.log_visit(&v).expect("visit");
    assert_eq!(logged.defaulted_due.expect("chosen").on, "2026-11-10", "Saturday, Monday, Tuesday after Friday");

    let open = rep.tasks(&TaskQuery::default()).expect("tasks");
    assert_eq!(open.len(), 7, "every next step became a task: {open:?}");
}

#[test]
fn the_daily_report_is_assembled_submitted_once_and_keeps_its_figures() {
    let w = World::new(2);
    let rep = &w.people[0].book;
    let a = new_card(rep, "华星农资", json!({}));
    let b = new_card(rep, "丰收农资", json!({}));
    let mut v = visit_at(a, 90, 30);
    v.next_step = Some("送促销物料".into());
    v.next_step_due = Some(today());
    rep.log_visit(&v).expect("visit a");
    rep.log_visit(&visit_at(b, 40, 20)).expect("visit b");
    rep.log_call(&call_at(Some(a), None, 10)).expect("call");
    let query = ReportQuery { kind: ReportKind::Daily, day: None, staff_id: None };
    let draft = rep.report(&query).expect("assembled");
    assert_eq!(draft.status, ReportStatus::Draft);
    assert!(draft.editable);
    let t = &draft.content.totals;
    assert_eq!((t.visits, t.customers_visited, t.calls, t.tasks_created, t.visit_minutes), (2, 2, 1, 1, 50));
    assert_eq!(
        draft.content.visits.iter().map(|v| v.customer_name.as_str()).collect::<Vec<_>>(),
        ["华星农资", "丰收农资"]
    );

    let input = |summary: &str| ReportSummaryInput { kind: ReportKind::Daily, day: None, summary: summary.into() };
    assert_eq!(codes(&rep.submit_report(&input("")).expect_err("no summary")), ["required"]);
    let saved = rep.save_report(&input("草稿")).expect("draft");
    assert_eq!((saved.status, saved.summary.as_deref()), (ReportStatus::Draft, Some("草稿")));
    let submitted = rep.submit_report(&input("今天拜访两家，库存正常。")).expect("submit");
    assert_eq!(submitted.status, ReportStatus::Submitted);
    assert!(!submitted.editable);
    assert_eq!(submitted.id, saved.id, "one report per person and day");

    let again = rep.submit_report(&input("再交一次")).expect_err("submitted twice");
    assert_eq!(codes(&again), ["already_submitted"]);
    assert_eq!(codes(&rep.save_report(&input("改一下")).expect_err("edit after submit")), ["already_submitted"]);
    rep.log_visit(&visit_at(b, 5, 3)).expect("a later visit");
    let kept = rep.report(&query).expect("report");
    assert_eq!(kept.content.totals.visits, 2, "a submitted report keeps the figures it was submitted with");
    assert_eq!(kept.summary.as_deref(), Some("今天拜访两家，库存正常。"));

    let tomorrow = fieldcrm_core::clock::Zone::DEFAULT.day(now()) + Duration::days(1);
    let future = ReportSummaryInput { kind: ReportKind::Daily, day: Some(tomorrow.to_string()), summary: "x".into() };
    assert_eq!(codes(&rep.submit_report(&future).expect_err("tomorrow")), ["period_not_started"]);

    let week = rep.report(&ReportQuery { kind: ReportKind::Weekly, day: None, staff_id: None }).expect("week");
    assert_eq!(week.content.days.len(), 7);
    assert_eq!(week.content.totals.visits, 3);
    assert_eq!(week.content.customers.len(), 2);

    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("日报.xlsx");
    rep.export_report(&fieldcrm_core::api::fieldwork::ReportRef { id: Some(submitted.id), query: None }, &path)
        .expect("export");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).expect("file")).expect("an xlsx is a zip");
    let mut sheet = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").expect("strings"), &mut sheet)
        .expect("read");
    assert!(sheet.contains("今天拜访两家") && sheet.contains("华星农资"), "the workbook holds the report");
    // It prints: A4, one page wide, numbered pages; the visit list landscape with its header on every page.
    let mut visits = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet2.xml").expect("visits"), &mut visits)
        .expect("read");
    assert!(visits.contains(r#"paperSize="9""#) && visits.contains(r#"orientation="landscape""#), "{visits}");
    assert!(visits.contains(r#"fitToPage="1""#) && visits.contains("第 &amp;P 页 / 共 &amp;N 页"));
    let mut workbook = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").expect("workbook"), &mut workbook).expect("read");
    assert!(workbook.contains("_xlnm.Print_Titles"), "the header row repeats");
}

#[test]
fn reports_reach_the_manager_urgent_first_and_only_the_team_may_comment() {
    let w = World::new(2);
    let (rep, other, manager) = (&w.people[0].book, &w.people[1].book, &w.manager().book);
    let a = new_card(rep, "华星农资", json!({}));
    rep.log_visit(&visit_at(a, 60, 30)).expect("visit");
    let daily = rep
        .submit_report(&ReportSummaryInput { kind: ReportKind::Daily, day: None, summary: "正常".into() })
        .expect("daily");
    advance(&w, Duration::minutes(5));
    let urgent = rep
        .urgent_report(&NewUrgentReport {
            customer_id: a,
            topic: UrgentTopic::CreditRisk,
            title: "客户资金紧张".into(),
            summary: "建议暂停赊销".into(),
        })
        .expect("urgent");
    assert_eq!(urgent.status, ReportStatus::Submitted);
    w.settle();

    let list = manager.reports(&ReportListQuery::default()).expect("team reports");
    assert_eq!(list.iter().map(|l| (l.id, l.read)).collect::<Vec<_>>(), [(urgent.id, false), (daily.id, false)]);
    assert_eq!(list[0].customer_name.as_deref(), Some("华星农资"));
    assert_eq!(list[1].totals.visits, 1, "the list shows the daily report's figures as submitted");
    assert!(other.reports(&ReportListQuery::default()).expect("own").is_empty(), "another rep gets none of them");
    assert_eq!(other.open_report(daily.id).expect_err("not in that book").code, ErrorCode::NotFound);

    manager.open_report(urgent.id).expect("read");
    let list = manager.reports(&ReportListQuery::default()).expect("team reports");
    assert_eq!(
        list.iter().map(|l| (l.id, l.read)).collect::<Vec<_>>(),
        [(daily.id, false), (urgent.id, true)],
        "unread first"
    );
    let commented = manager.comment_report(daily.id, "注意回款").expect("comment");
    assert_eq!(commented.comments.len(), 1);
    assert_eq!(codes(&manager.comment_report(daily.id, "   ").expect_err("empty")), ["required"]);
    w.settle();
    let seen = rep.open_report(daily.id).expect("own report");
    assert_eq!(
        seen.comments.iter().map(|c| c.body.as_str()).collect::<Vec<_>>(),
        ["注意回款"],
        "the comment reached the rep"
    );
    assert_eq!(seen.content.totals.visits, 1);

    // A draft is not commented on.
    rep.save_report(&ReportSummaryInput { kind: ReportKind::Weekly, day: None, summary: "本周".into() })
        .expect("draft");
    let weekly = rep.report(&ReportQuery { kind: ReportKind::Weekly, day: None, staff_id: None }).expect("week");
    assert_eq!(codes(&rep.comment_report(weekly.id, "自评").expect_err("draft")), ["not_submitted"]);
    // The other rep's view of their team: only themselves.
    let err = other
        .report(&ReportQuery { kind: ReportKind::Daily, day: None, staff_id: Some(staff(&w.people[0].staff_id)) })
        .expect_err("another rep's report");
    assert_eq!(err.code, ErrorCode::Forbidden);
}

#[test]
fn compliance_shows_done_against_required_per_rule_and_who_is_behind() {
    let w = World::new(2);
    let office = &w.office.book;
    let rep0 = staff(&w.people[0].staff_id);
    let rep1 = staff(&w.people[1].staff_id);
    let owned = |name: &str, level: &str| {
        office
            .create_customer(&customer(
                name,
                json!({"ownerId": rep0.to_string(), "channelLevel": level, "lifecycle": "active"}),
            ))
            .expect("card")
            .card
            .id
    };
    let dist_a = owned("甲经销商", "distributor");
    let dist_b = owned("乙经销商", "distributor");
    let retailers: Vec<CustomerId> = (0..3).map(|i| owned(&format!("零售店{i}"), "retailer")).collect();
    office
        .set_grade(&GradeChange {
            customer_id: dist_a,
            scale: GradeScale::Customer,
            grade: Some("A".into()),
            reason: None,
        })
        .expect("grade");
    w.settle();

    let manager = &w.manager().book;
    for _ in 0..3 {
        manager.log_call(&call_at(Some(dist_a), None, 30)).expect("call a");
    }
    manager.log_call(&call_at(Some(dist_b), None, 30)).expect("call b");
    for _ in 0..3 {
        manager.log_call(&call_at(None, Some(rep0), 20)).expect("call rep0");
    }
    // A call the rep logged with the manager counts for the manager too.
    w.people[1].book.log_call(&call_at(None, Some(staff(&w.manager().staff_id)), 20)).expect("rep1 calls");
    let mut spot = visit_at(retailers[0], 60, 20);
    spot.visit_type = "spot_check".into();
    spot.report_confirmed = Some(true);
    manager.log_visit(&spot).expect("spot-check");
    w.settle();

    let view = manager.compliance(&ComplianceQuery::default()).expect("compliance");
    let me = view.people.iter().find(|p| p.role == StaffRole::RegionalManager).expect("manager judged");
    let rule = |kind: DutyKind, role: Option<StaffRole>| {
        me.rules.iter().find(|r| r.kind == kind && r.staff_role == role).unwrap_or_else(|| panic!("{kind} rule"))
    };
    let contact = rule(DutyKind::ContactCustomers, None);
    assert_eq!((contact.done, contact.required, contact.met), (1, 2, false));
    assert_eq!(contact.behind.iter().map(|b| (b.name.as_str(), b.count)).collect::<Vec<_>>(), [("乙经销商", 1)]);
    let reps = rule(DutyKind::ContactStaff, Some(StaffRole::Rep));
    assert_eq!((reps.done, reps.required), (1, 2));
    assert_eq!(reps.behind.iter().map(|b| (b.id.clone(), b.count)).collect::<Vec<_>>(), [(rep1.to_string(), 1)]);
    let spot = rule(DutyKind::SpotChecks, None);
    assert_eq!((spot.done, spot.required, spot.met), (1, 3, false), "at least 10, so all three retailers");
    assert!(!me.met);

    let rep_view = view.people.iter().find(|p| p.staff_id == rep0).expect("rep judged");
    let freq = &rep_view.rules[0];
    assert_eq!((freq.kind, freq.done, freq.required), (DutyKind::GradeFrequency, 0, 1), "the A customer is due");
    let quiet = view.no_contact.iter().find(|g| g.staff_id == rep0).expect("rep's list");
    // Nobody visited or called the retailers but the spot-checked one.
    assert_eq!(quiet.count, 2);

    let rep = &w.people[0].book;
    rep.log_visit(&visit_at(dist_a, 60, 30)).expect("visit");
    w.settle();
    let view = manager.compliance(&ComplianceQuery::default()).expect("compliance");
    let rep_view = view.people.iter().find(|p| p.staff_id == rep0).expect("rep judged");
    assert_eq!((rep_view.rules[0].done, rep_view.rules[0].required, rep_view.met), (1, 1, true));

    // A rep sees only themselves; a future month is refused.
    let own = rep.compliance(&ComplianceQuery::default()).expect("own");
    assert_eq!(own.people.iter().map(|p| p.staff_id).collect::<Vec<_>>(), [rep0]);
    let future = ComplianceQuery { month: Some("2099-01".into()), ..Default::default() };
    assert_eq!(codes(&manager.compliance(&future).expect_err("future")), ["future_month"]);
    let bad = ComplianceQuery { month: Some("November".into()), ..Default::default() };
    assert_eq!(codes(&manager.compliance(&bad).expect_err("not a month")), ["bad_month"]);
}

#[test]
fn duty_rules_and_reminders_are_head_office_data_and_reminders_show_around_their_day() {
    let w = World::new(2);
    let office = &w.office.book;
    let bad = DutyRuleInput {
        id: None,
        role: StaffRole::RegionalManager,
        kind: DutyKind::ContactStaff,
        staff_role: None,
        channel_levels: vec![],
        per_target: Some(2),
        min_count: None,
        min_share: None,
        active: true,
    };
    assert_eq!(codes(&office.save_duty_rule(&bad).expect_err("no colleagues' role")), ["required"]);
    let rules_before = office.duty_rules().expect("rules").len();
    let rule = office.save_duty_rule(&DutyRuleInput { staff_role: Some(StaffRole::Rep), ..bad.clone() }).expect("rule");
    assert_eq!(office.duty_rules().expect("rules").len(), rules_before + 1);
    let edited = DutyRuleInput {
        id: Some(rule.id.clone()),
        staff_role: Some(StaffRole::Rep),
        per_target: Some(4),
        active: false,
        ..bad.clone()
    };
    let saved = office.save_duty_rule(&edited).expect("edit");
    assert_eq!(
        (saved.per_target, saved.active, saved.position),
        (Some(4), false, rule.position),
        "an edit keeps the rule's place"
    );
    assert_eq!(office.duty_rules().expect("rules").len(), rules_before + 1);
    let unknown = DutyRuleInput { id: Some("no-such-rule".into()), ..edited };
    assert_eq!(office.save_duty_rule(&unknown).expect_err("unknown").code, ErrorCode::NotFound);
    let rep = &w.people[0].book;
    assert_eq!(rep.save_duty_rule(&bad).expect_err("a rep").code, ErrorCode::Forbidden);
    let month_end = ReminderInput {
        id: None,
        label_zh: "月底盘点".into(),
        label_en: "Month-end stocktake".into(),
        day_of_month: 31,
        due_day: None,
        lead_days: 0,
        roles: vec![],
        active: true,
    };
    assert_eq!(
        codes(
            &office
                .save_reminder(&ReminderInput { due_day: Some(3), ..month_end.clone() })
                .expect_err("due before day")
        ),
        ["out_of_range"]
    );
    let saved = office.save_reminder(&month_end).expect("reminder");
    let moved = office
        .save_reminder(&ReminderInput { id: Some("payment_cutoff".into()), day_of_month: 26, ..month_end.clone() })
        .expect("edit a default reminder");
    assert_eq!((moved.id.as_str(), moved.day_of_month), ("payment_cutoff", 26));
    office
        .save_reminder(&ReminderInput {
            id: Some("payment_cutoff".into()),
            label_zh: "截账日：督促经销商按时回款".into(),
            label_en: "Payment cut-off".into(),
            day_of_month: 25,
            lead_days: 3,
            ..month_end
        })
        .expect("back to the 25th");
    assert_ne!(saved.id, "payment_cutoff");
    w.settle();
    assert!(rep.duty_rules().expect("rules").iter().any(|r| r.id == rule.id), "rules reach every book");

    let on = |day: u32| {
        let at = Utc.with_ymd_and_hms(2026, 11, day, 1, 0, 0).single().expect("time");
        for p in w.people.iter().chain([&w.office]) {
            p.clock.set(at);
        }
    };
    let shown = |book: &Book| book.home().expect("home").reminders.into_iter().map(|r| r.id).collect::<Vec<_>>();
    on(17);
    assert!(!shown(rep).contains(&"inventory_reports".to_string()));
    on(18);
    assert!(shown(rep).contains(&"inventory_reports".to_string()), "asked for on the 18th");
    on(20);
    assert!(shown(rep).contains(&"inventory_reports".to_string()), "due by the 20th");
    on(21);
    assert!(!shown(rep).contains(&"inventory_reports".to_string()));
    on(22);
    assert!(shown(rep).contains(&"payment_cutoff".to_string()), "three days ahead of the 25th");
    on(26);
    assert!(shown(&w.manager().book).contains(&"rep_meeting".to_string()));
    assert!(!shown(rep).contains(&"rep_meeting".to_string()), "managers' meetings are not the rep's");
    on(30);
    let due = rep.home().expect("home").reminders;
    let stocktake = due.iter().find(|r| r.label_zh == "月底盘点").expect("the 31st falls on November's last day");
    assert_eq!(stocktake.on, "2026-11-30");
}

#[test]
fn head_office_sets_the_business_time_zone_and_every_book_counts_its_days_in_it() {
    let w = World::new(1);
    let rep = &w.people[0].book;
    let office = &w.office.book;
    assert_eq!(rep.business_time().expect("time").time_zone, "Asia/Shanghai");
    let err = rep.set_time_zone("Asia/Urumqi").expect_err("a rep");
    assert_eq!(err.code, ErrorCode::Forbidden, "the laptop refuses what head office would");
    assert_eq!(codes(&office.set_time_zone("China/Beijing").expect_err("no such zone")), ["not_choice"]);

    let id = new_card(rep, "天山农资", json!({}));
    // 17:30 UTC: 01:30 on the 2nd in Shanghai, 23:30 on the 1st in Ürümqi.
    let mut late = visit_at(id, 0, 0);
    late.checked_in_at = "2026-11-01T17:30:00Z".into();
    late.checked_out_at = Some("2026-11-01T17:50:00Z".into());
    rep.log_visit(&late).expect("visit");
    let visits_on = |day: &str| {
        let query = ReportQuery { kind: ReportKind::Daily, day: Some(day.into()), staff_id: None };
        rep.report(&query).expect("report").content.totals.visits
    };
    assert_eq!((visits_on("2026-11-01"), visits_on("2026-11-02")), (0, 1));

    let set = office.set_time_zone("Asia/Urumqi").expect("head office sets it");
    assert_eq!((set.time_zone.as_str(), set.offset_minutes), ("Asia/Urumqi", 360));
    w.settle();
    let time = rep.business_time().expect("time");
    assert_eq!(time.time_zone, "Asia/Urumqi", "the setting travels in the files");
    assert_eq!(time.today, "2026-11-02", "08:00 UTC is 14:00 in Ürümqi");
    assert_eq!((visits_on("2026-11-01"), visits_on("2026-11-02")), (1, 0));
    // A wall-clock time is read in the business time zone.
    let mut noon = visit_at(id, 0, 0);
    noon.checked_in_at = "2026-11-02 12:00".into();
    noon.checked_out_at = Some("2026-11-02 12:20".into());
    let logged = rep.log_visit(&noon).expect("visit");
    assert_eq!(logged.visit.checked_in_at, "2026-11-02T06:00:00.000Z");
    assert_eq!(rep.status().expect("status").business_time, time);
}
