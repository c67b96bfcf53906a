//! Classification through the facade: code lists, grades and the ABC
//! suggestion, routes, route optimisation, visit plans and route sheets.

mod common;

use chrono::Duration;
use common::{book_with_rep, clock, fields, new_customer};
use fieldcrm_core::api::classify::{AcceptGrades, RouteOrder, RouteStops, StopMove, SuggestQuery};
use fieldcrm_core::api::{CardEdit, NewCustomer, NewOrgUnit, NewProfile, NewStaff};
use fieldcrm_core::card::FieldChange;
use fieldcrm_core::codes::{CodeEdit, NewCodeItem, NewCodeList};
use fieldcrm_core::grades::{AcceptedGrade, GradeChange, GradeLevelInput, GradeScale, RuleShare, Settlement};
use fieldcrm_core::ids::{CustomerId, StaffId};
use fieldcrm_core::model::{OrgUnitKind, StaffRole};
use fieldcrm_core::routes::plan::{PlanQuery, StopStatus};
use fieldcrm_core::routes::{NewRoute, RouteEdit};
use fieldcrm_core::{Book, ErrorCode};
use serde_json::{json, Value};

/// Head office's book with one region, one territory, its rep and the regional manager.
struct Office {
    book: Book,
    rep: StaffId,
    other_rep: StaffId,
    manager: StaffId,
}

fn office() -> Office {
    let book = Book::open_in_memory(clock()).expect("book");
    let profile = book
        .create_profile(&NewProfile {
            name: "刘总".into(),
            role: StaffRole::HeadOffice,
            company_name: "华丰农业".into(),
            unit_name: String::new(),
            phone: None,
        })
        .expect("profile");
    let unit = |parent, kind, name: &str| {
        book.add_org_unit(&NewOrgUnit { parent_id: Some(parent), kind, name: name.into(), code: None })
            .expect("unit")
            .id
    };
    let region = unit(profile.org_unit_id, OrgUnitKind::Region, "潍坊大区");
    let territory = unit(region, OrgUnitKind::Territory, "寿光片区");
    let other = unit(region, OrgUnitKind::Territory, "青州片区");
    let staff = |name: &str, role, unit| {
        book.add_staff(&NewStaff { name: name.into(), role, org_unit_id: unit, phone: None, regions: None })
            .expect("staff")
            .id
    };
    let rep = staff("王磊", StaffRole::Rep, territory);
    let other_rep = staff("李娜", StaffRole::Rep, other);
    let manager = staff("赵经理", StaffRole::RegionalManager, region);
    Office { book, rep, other_rep, manager }
}

fn card(book: &Book, name: &str, extra: Value) -> CustomerId {
    let mut f = json!({"name": name, "lifecycle": "active"});
    let Value::Object(extra) = extra else { panic!("extra fields are an object") };
    f.as_object_mut().expect("object").extend(extra);
    // Head office names who looks after a card: the first rep unless the test says.
    if f.get("ownerId").is_none() && f.get("territoryId").is_none() {
        let rep = book.staff().expect("staff").into_iter().find(|s| s.role == StaffRole::Rep).expect("a rep");
        f["ownerId"] = json!(rep.id);
    }
    book.create_customer(&NewCustomer { fields: fields(f), ..Default::default() }).expect("card").card.id
}

fn set(book: &Book, id: CustomerId, field: &str, value: Value) -> Result<(), fieldcrm_core::ApiError> {
    book.edit_customer(&CardEdit {
        customer_id: id,
        changes: vec![FieldChange { field: field.into(), expected: None, value }],
    })
    .map(|_| ())
}

fn problem_codes(error: &fieldcrm_core::ApiError) -> Vec<String> {
    error.problems.iter().map(|p| p.code.to_string()).collect()
}

#[test]
fn default_code_lists_classify_cards_and_unknown_or_retired_codes_are_refused_leaving_the_card_as_it_was() {
    let o = office();
    let lists = o.book.code_lists().expect("lists");
    let ids: Vec<&str> = lists.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["ownership", "channel_type", "location_type", "industry", "visit_type"]);
    assert_eq!(lists.iter().filter(|l| !l.for_cards).map(|l| l.id.as_str()).collect::<Vec<_>>(), ["visit_type"]);
    let channel = &lists[1];
    assert_eq!(channel.field.as_deref(), Some("channelType"));
    let wholesaler = channel.items.iter().find(|i| i.code == "wholesaler").expect("default code");
    assert_eq!((wholesaler.label_zh.as_str(), wholesaler.label_en.as_str()), ("批发店", "Wholesaler"));

    let id = card(
        &o.book,
        "华星农业",
        json!({"ownerId": o.rep.to_string(), "channelType": "wholesaler", "locationType": "transport_hub", "orgForm": "private"}),
    );
    let before = o.book.customer(id).expect("card");
    assert_eq!(before.fields["channelType"], "wholesaler");

    let err = set(&o.book, id, "channelType", json!("spaceship")).expect_err("unknown code");
    assert_eq!(err.code, ErrorCode::Invalid);
    assert_eq!(problem_codes(&err), ["unknown_code"]);
    assert!(err.message.contains("spaceship") && err.message.contains("head office"), "{}", err.message);
    let err = o
        .book
        .create_customer(&NewCustomer {
            fields: fields(json!({"name": "新店", "industry": "mining", "ownerId": o.rep})),
            ..Default::default()
        })
        .expect_err("unknown code on a new card");
    assert_eq!(problem_codes(&err), ["unknown_code"]);
    assert_eq!(o.book.status().expect("status").customer_count, 1, "nothing half-saved");

    // Retiring a code keeps it on the card that has it, but it cannot be chosen again.
    o.book
        .edit_code(&CodeEdit {
            list_id: "channel_type".into(),
            code: Some("wholesaler".into()),
            retired: Some(true),
            ..Default::default()
        })
        .expect("retire");
    let after = o.book.customer(id).expect("card");
    assert_eq!(after.fields, before.fields, "the card keeps its retired code");
    set(&o.book, id, "phone", json!("13800000001")).expect("other edits still save");
    let second = card(&o.book, "古城农资店", json!({}));
    let err = set(&o.book, second, "channelType", json!("wholesaler")).expect_err("retired");
    assert_eq!(problem_codes(&err), ["retired_code"]);
    let lists = o.book.code_lists().expect("lists");
    let wholesaler = lists[1].items.iter().find(|i| i.code == "wholesaler").expect("kept");
    assert!(wholesaler.retired);
    assert_eq!(wholesaler.cards, 1, "the list says how many cards still carry it");
}

#[test]
fn head_office_adds_lists_and_codes_cards_carry_them_and_bad_keys_or_labels_change_nothing() {
    let o = office();
    let new_list =
        NewCodeList { id: "store_size".into(), label_zh: "门店规模".into(), label_en: "Store size".into() };
    o.book.add_code_list(&new_list).expect("list");
    for (code, zh, en) in [("large", "大型", "Large"), ("small", "小型", "Small")] {
        o.book
            .add_code(&NewCodeItem {
                list_id: "store_size".into(),
                code: code.into(),
                label_zh: zh.into(),
                label_en: en.into(),
            })
            .expect("code");
    }
    let before = o.book.code_lists().expect("lists");
    for (bad, problem) in [
        (
            NewCodeItem {
                list_id: "store_size".into(),
                code: "Large!".into(),
                label_zh: "x".into(),
                label_en: "x".into(),
            },
            "bad_key",
        ),
        (
            NewCodeItem {
                list_id: "store_size".into(),
                code: "large".into(),
                label_zh: "x".into(),
                label_en: "x".into(),
            },
            "duplicate",
        ),
        (
            NewCodeItem {
                list_id: "store_size".into(),
                code: "medium".into(),
                label_zh: " ".into(),
                label_en: "M".into(),
            },
            "required",
        ),
    ] {
        let err = o.book.add_code(&bad).expect_err("refused");
        assert_eq!(problem_codes(&err), [problem], "{bad:?}");
    }
    let err = o.book.add_code_list(&new_list).expect_err("the same list twice");
    assert_eq!(problem_codes(&err), ["duplicate"]);
    let err = o
        .book
        .edit_code(&CodeEdit { list_id: "channel_type".into(), retired: Some(true), ..Default::default() })
        .expect_err("built-in lists stay");
    assert_eq!(problem_codes(&err), ["builtin"]);
    assert_eq!(o.book.code_lists().expect("lists"), before, "refusals changed nothing");

    // Reordering moves one code and renumbers the rest.
    o.book
        .edit_code(&CodeEdit {
            list_id: "store_size".into(),
            code: Some("small".into()),
            position: Some(1),
            label_en: Some("Small shop".into()),
            ..Default::default()
        })
        .expect("edit");
    let lists = o.book.code_lists().expect("lists");
    let size = lists.iter().find(|l| l.id == "store_size").expect("list");
    assert_eq!(size.field, None, "custom lists live in customCodes");
    let order: Vec<(&str, i64, &str)> =
        size.items.iter().map(|i| (i.code.as_str(), i.position, i.label_en.as_str())).collect();
    assert_eq!(order, [("small", 1, "Small shop"), ("large", 2, "Large")]);

    let id = card(&o.book, "华星农业", json!({"customCodes": {"store_size": "large"}}));
    assert_eq!(o.book.customer(id).expect("card").fields["customCodes"], json!({"store_size": "large"}));
    let err = set(&o.book, id, "customCodes", json!({"store_size": "huge"})).expect_err("unknown");
    assert_eq!(problem_codes(&err), ["unknown_code"]);
    let err = set(&o.book, id, "customCodes", json!({"colour": "red"})).expect_err("no such list");
    assert_eq!(problem_codes(&err), ["unknown_list"]);
    let err = set(&o.book, id, "customCodes", json!({"channel_type": "agent"})).expect_err("built-in list");
    assert_eq!(problem_codes(&err), ["builtin_list"]);
    assert_eq!(o.book.customer(id).expect("card").fields["customCodes"], json!({"store_size": "large"}));
}

#[test]
fn reps_cannot_maintain_code_lists_grade_scales_or_grades() {
    let (book, _) = book_with_rep();
    let id = book.create_customer(&new_customer("华星农业")).expect("card").card.id;
    let before = (book.code_lists().expect("lists"), book.grade_scales().expect("scales"));
    let err = book
        .add_code_list(&NewCodeList { id: "size".into(), label_zh: "规模".into(), label_en: "Size".into() })
        .expect_err("rep");
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = book.set_grading_rule(&[RuleShare { grade: "A".into(), share: 100 }]).expect_err("rep");
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = book
        .set_grade(&GradeChange { customer_id: id, scale: GradeScale::Customer, grade: Some("A".into()), reason: None })
        .expect_err("rep");
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(err.message.contains("manager"), "{}", err.message);
    assert_eq!((book.code_lists().expect("lists"), book.grade_scales().expect("scales")), before);
    assert_eq!(book.customer(id).expect("card").grading.grade, None);
}

#[test]
fn a_grading_rule_that_does_not_add_up_is_refused_and_the_old_rule_stays() {
    let o = office();
    let before = o.book.grade_scales().expect("scales");
    let rule: Vec<(&str, u32)> = before.rule.iter().map(|s| (s.grade.as_str(), s.share)).collect();
    assert_eq!(rule, [("A", 70), ("B", 20), ("C", 10)], "the default ABC rule");
    let share = |g: &str, s: u32| RuleShare { grade: g.into(), share: s };
    for (bad, code) in [
        (vec![share("A", 70), share("B", 20)], "not_100"),
        (vec![share("A", 80), share("B", 20), share("C", 10)], "not_100"),
        (vec![share("A", 70), share("Z", 30)], "unknown_grade"),
        (vec![share("A", 50), share("A", 50)], "duplicate"),
        (vec![share("B", 30), share("A", 70)], "order"),
        (vec![share("A", 0), share("B", 100)], "out_of_range"),
        (vec![], "empty"),
    ] {
        let err = o.book.set_grading_rule(&bad).expect_err("refused");
        assert_eq!(err.code, ErrorCode::Invalid);
        assert!(problem_codes(&err).contains(&code.to_string()), "{bad:?}: {:?}", err.problems);
    }
    assert_eq!(o.book.grade_scales().expect("scales"), before, "nothing changed");
    let scales = o.book.set_grading_rule(&[share("A", 80), share("B", 20)]).expect("a valid rule");
    let rule: Vec<(&str, u32)> = scales.rule.iter().map(|s| (s.grade.as_str(), s.share)).collect();
    assert_eq!(rule, [("A", 80), ("B", 20)]);
}

#[test]
fn the_abc_suggestion_follows_the_pareto_rule_and_never_overwrites_a_manual_grade_unasked() {
    let o = office();
    // Revenues 500, 200, 100, 80, 60, 30, 20, 10 (total 1000): the cumulative
    // share before each is 0, 50, 70, 80, 88, 94, 97, 99 % — A while under 70 %,
    // B while under 90 %, C after.
    let revenues = [500, 200, 100, 80, 60, 30, 20, 10];
    let ids: Vec<CustomerId> = revenues
        .iter()
        .enumerate()
        .map(|(i, r)| card(&o.book, &format!("客户{i}"), json!({"annualSalesWithUs": r * 10_000})))
        .collect();
    card(&o.book, "潜在客户", json!({"lifecycle": "prospect"}));
    card(&o.book, "没有销售额", json!({}));
    let suggestion = o.book.suggest_grades(&SuggestQuery::default()).expect("suggest");
    assert_eq!(suggestion.considered, 8);
    assert_eq!(suggestion.left_out, 2, "a prospect and a card without revenue are left out");
    assert_eq!(suggestion.total_revenue, 10_000_000);
    let proposed: Vec<&str> = ids
        .iter()
        .map(|id| suggestion.changes.iter().find(|p| p.customer_id == *id).expect("proposed").proposed.as_str())
        .collect();
    assert_eq!(proposed, ["A", "A", "B", "B", "B", "C", "C", "C"]);
    assert_eq!(suggestion.changes[1].cumulative_bp, 7000);

    // A manager set one grade by hand, with a reason.
    o.book
        .set_grade(&GradeChange {
            customer_id: ids[5],
            scale: GradeScale::Customer,
            grade: Some("A".into()),
            reason: Some("新开乡镇网点，重点扶持".into()),
        })
        .expect("manual grade");
    let suggestion = o.book.suggest_grades(&SuggestQuery::default()).expect("suggest");
    let manual = suggestion.changes.iter().find(|p| p.customer_id == ids[5]).expect("still proposed");
    assert!(manual.manual && manual.current.as_deref() == Some("A") && manual.proposed == "C");
    // "Accept all" sends the proposals that are not manual.
    let accepted: Vec<AcceptedGrade> = suggestion
        .changes
        .iter()
        .filter(|p| !p.manual)
        .map(|p| AcceptedGrade { customer_id: p.customer_id, grade: p.proposed.clone() })
        .collect();
    let report = o.book.accept_grades(&AcceptGrades { grades: accepted, reason: None }).expect("accept");
    assert_eq!(report.changed, 7);
    let kept = o.book.customer(ids[5]).expect("card").grading;
    assert_eq!((kept.grade.as_deref(), kept.grade_manual), (Some("A"), true), "the manual grade stands");
    let first = o.book.customer(ids[0]).expect("card").grading;
    assert_eq!((first.grade.as_deref(), first.grade_manual), (Some("A"), false));
    assert_eq!(first.visit_every_days, 7, "A customers are visited weekly");
    let again = o.book.suggest_grades(&SuggestQuery::default()).expect("suggest");
    assert_eq!(again.changes.len(), 1, "only the manual grade still differs: {:?}", again.changes);
    assert_eq!(again.unchanged, 7);

    let history = o.book.grade_history(ids[5]).expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].new_grade.as_deref(), Some("A"));
    assert_eq!(history[0].changed_by.as_deref(), Some("刘总"));
    assert_eq!(history[0].reason.as_deref(), Some("新开乡镇网点，重点扶持"));
    assert_eq!(history[0].source, "grade");
    let history = o.book.grade_history(ids[0]).expect("history");
    assert_eq!(history[0].source, "grade_suggestion");
    assert_eq!(history[0].reason.as_deref(), Some("ABC: A 70% / B 20% / C 10%"));

    // An unknown grade in an accepted list refuses the whole list.
    let before = o.book.customer(ids[1]).expect("card").grading;
    let err = o
        .book
        .accept_grades(&AcceptGrades {
            grades: vec![
                AcceptedGrade { customer_id: ids[1], grade: "C".into() },
                AcceptedGrade { customer_id: ids[2], grade: "Q".into() },
            ],
            reason: None,
        })
        .expect_err("unknown grade");
    assert_eq!(err.problems[0].field, "grades[1]");
    assert_eq!(o.book.customer(ids[1]).expect("card").grading, before, "nothing changed");
}

#[test]
fn a_credit_grade_brings_its_trading_conditions_to_the_card() {
    let o = office();
    let id = card(&o.book, "华星农业", json!({}));
    let card = o
        .book
        .set_grade(&GradeChange { customer_id: id, scale: GradeScale::Credit, grade: Some("B".into()), reason: None })
        .expect("credit grade");
    let terms = card.grading.credit_terms.expect("terms");
    assert_eq!(
        (terms.credit_limit, terms.payment_term_days, terms.settlement),
        (Some(200_000), Some(30), Some(Settlement::MonthlyStatement))
    );
    o.book
        .save_grade_level(&GradeLevelInput {
            scale: GradeScale::Credit,
            code: "B".into(),
            label_zh: "信用 B".into(),
            label_en: "Credit B".into(),
            retired: false,
            visit_every_days: None,
            credit_limit: Some(300_000),
            payment_term_days: Some(45),
            settlement: Some(Settlement::CreditTerm),
        })
        .expect("head office changes the terms");
    let terms = o.book.customer(id).expect("card").grading.credit_terms.expect("terms");
    assert_eq!(terms.credit_limit, Some(300_000), "the card shows the grade's current terms");
    let err = o
        .book
        .save_grade_level(&GradeLevelInput {
            scale: GradeScale::Customer,
            code: "A".into(),
            label_zh: "A".into(),
            label_en: "A".into(),
            retired: false,
            visit_every_days: Some(400),
            credit_limit: Some(1),
            payment_term_days: None,
            settlement: None,
        })
        .expect_err("bad level");
    let mut codes = problem_codes(&err);
    codes.sort();
    assert_eq!(codes, ["out_of_range", "wrong_scale"]);
    let err = o
        .book
        .set_grade(&GradeChange { customer_id: id, scale: GradeScale::Credit, grade: Some("AAA".into()), reason: None })
        .expect_err("unknown");
    assert_eq!(problem_codes(&err), ["unknown_grade"]);
}

fn address(book: &Book, id: CustomerId, lat: f64, lon: f64) {
    book.add_record(&fieldcrm_core::api::NewRecord {
        customer_id: id,
        kind: fieldcrm_core::api::RecordKind::Address,
        fields: fields(json!({"kind": "business", "detail": "人民路1号", "latitude": lat, "longitude": lon})),
    })
    .expect("address");
}

#[test]
fn routes_hold_a_reps_customers_in_order_and_refuse_other_reps_stops_and_bad_coordinates() {
    let o = office();
    let err = o
        .book
        .create_route(&NewRoute {
            name: "东线".into(),
            owner_id: Some(o.rep),
            start_latitude: Some(95.0),
            start_longitude: Some(119.0),
            ..Default::default()
        })
        .expect_err("latitude out of range");
    assert_eq!(problem_codes(&err), ["out_of_range"]);
    let err = o
        .book
        .create_route(&NewRoute { name: "东线".into(), owner_id: Some(o.manager), ..Default::default() })
        .expect_err("managers have no routes");
    assert_eq!(problem_codes(&err), ["not_a_rep"]);
    assert!(o.book.routes(None).expect("routes").is_empty(), "nothing created");

    let route = o
        .book
        .create_route(&NewRoute {
            name: "东线".into(), owner_id: Some(o.rep), weekday: Some(1), ..Default::default()
        })
        .expect("route")
        .route;
    assert_eq!((route.owner_name.as_str(), route.territory_name.as_str()), ("王磊", "寿光片区"));
    let mine: Vec<CustomerId> =
        (0..4).map(|i| card(&o.book, &format!("客户{i}"), json!({"ownerId": o.rep.to_string()}))).collect();
    let theirs = card(&o.book, "别人的客户", json!({"ownerId": o.other_rep.to_string()}));
    let detail =
        o.book.add_route_stops(&RouteStops { route_id: route.id, customers: mine.clone(), at: None }).expect("stops");
    let order: Vec<CustomerId> = detail.stops.iter().map(|s| s.customer_id).collect();
    assert_eq!(order, mine);

    let err = o
        .book
        .add_route_stops(&RouteStops { route_id: route.id, customers: vec![theirs], at: None })
        .expect_err("another rep's customer");
    assert_eq!(problem_codes(&err), ["other_rep"]);
    assert!(err.message.contains("李娜"), "{}", err.message);
    assert_eq!(o.book.route(route.id).expect("route").stops.len(), 4, "nothing changed");

    // Moving a stop; the card shows its place.
    let detail = o.book.move_route_stop(&StopMove { customer_id: mine[3], position: 1 }).expect("move");
    let order: Vec<CustomerId> = detail.stops.iter().map(|s| s.customer_id).collect();
    assert_eq!(order, [mine[3], mine[0], mine[1], mine[2]]);
    let detail = o.book.move_route_stop(&StopMove { customer_id: mine[3], position: 3 }).expect("move");
    let order: Vec<CustomerId> = detail.stops.iter().map(|s| s.customer_id).collect();
    assert_eq!(order, [mine[0], mine[1], mine[3], mine[2]]);
    let grading = o.book.customer(mine[3]).expect("card").grading;
    assert_eq!((grading.route_name.as_deref(), grading.route_position), (Some("东线"), Some(3)));

    // A customer is on one route at most: adding it to another moves it.
    let west = o
        .book
        .create_route(&NewRoute { name: "西线".into(), owner_id: Some(o.rep), ..Default::default() })
        .expect("route")
        .route;
    o.book.add_route_stops(&RouteStops { route_id: west.id, customers: vec![mine[0]], at: None }).expect("move over");
    assert_eq!(o.book.route(route.id).expect("route").stops.len(), 3);
    assert_eq!(o.book.customer(mine[0]).expect("card").grading.route_name.as_deref(), Some("西线"));
    let history = o.book.history(mine[0], 10).expect("history");
    assert_eq!(history.iter().filter(|h| h.field == "routeId").count(), 2, "both moves are in the card's history");

    // A new order must hold exactly the route's stops.
    let err = o
        .book
        .set_route_order(&RouteOrder { route_id: route.id, order: vec![mine[1], mine[2]] })
        .expect_err("a stop missing");
    assert_eq!(problem_codes(&err), ["not_the_stops"]);
    let err = o
        .book
        .edit_route(&RouteEdit { id: Some(route.id), retired: Some(true), ..Default::default() })
        .expect_err("a route with stops");
    assert_eq!(problem_codes(&err), ["has_stops"]);
    o.book.remove_route_stops(&[mine[1]]).expect("remove");
    assert_eq!(o.book.customer(mine[1]).expect("card").grading.route_id, None);

    // A card handed to another rep leaves its old rep's route.
    set(&o.book, mine[2], "ownerId", json!(o.other_rep.to_string())).expect("reassign");
    let grading = o.book.customer(mine[2]).expect("card").grading;
    assert_eq!((grading.route_id, grading.route_name, grading.route_position), (None, None, None));
    assert!(!o.book.route(route.id).expect("route").stops.iter().any(|s| s.customer_id == mine[2]));
    let history = o.book.history(mine[2], 10).expect("history");
    assert!(
        history.iter().any(|h| h.field == "routeId" && h.new_value.is_null()),
        "the card's history says it left the route"
    );
}

#[test]
fn optimising_proposes_a_shorter_tour_keeps_stops_without_coordinates_in_place_and_changes_nothing_until_accepted() {
    let o = office();
    let route = o
        .book
        .create_route(&NewRoute {
            name: "东线".into(),
            owner_id: Some(o.rep),
            start_latitude: Some(36.70),
            start_longitude: Some(119.10),
            ..Default::default()
        })
        .expect("route")
        .route;
    // Stops along a line east of the base, signed up in a zigzag order; the third has no coordinates.
    let lons = [Some(119.30), Some(119.12), None, Some(119.25), Some(119.16), Some(119.20)];
    let ids: Vec<CustomerId> = lons
        .iter()
        .enumerate()
        .map(|(i, lon)| {
            let id = card(&o.book, &format!("站{i}"), json!({"ownerId": o.rep.to_string()}));
            if let Some(lon) = lon {
                address(&o.book, id, 36.70, *lon);
            }
            id
        })
        .collect();
    o.book.add_route_stops(&RouteStops { route_id: route.id, customers: ids.clone(), at: None }).expect("stops");
    let proposal = o.book.propose_route_order(route.id).expect("proposal");
    assert!(proposal.after_km < proposal.before_km, "{proposal:?}");
    assert!(proposal.from_base);
    assert_eq!(proposal.without_coordinates, ["站2"]);
    assert_eq!(proposal.order[2], ids[2], "a stop without coordinates keeps its place");
    let with_coordinates: Vec<CustomerId> = proposal.order.iter().copied().filter(|id| *id != ids[2]).collect();
    assert!(
        with_coordinates == [ids[1], ids[4], ids[5], ids[3], ids[0]]
            || with_coordinates == [ids[0], ids[3], ids[5], ids[4], ids[1]],
        "out along the line and back: {with_coordinates:?}"
    );
    let unchanged: Vec<CustomerId> =
        o.book.route(route.id).expect("route").stops.iter().map(|s| s.customer_id).collect();
    assert_eq!(unchanged, ids, "proposing changes nothing");
    let accepted =
        o.book.set_route_order(&RouteOrder { route_id: route.id, order: proposal.order.clone() }).expect("accept");
    let order: Vec<CustomerId> = accepted.stops.iter().map(|s| s.customer_id).collect();
    assert_eq!(order, proposal.order);
    let again = o.book.propose_route_order(route.id).expect("proposal");
    assert!((again.before_km - proposal.after_km).abs() < 1e-9, "the accepted tour is the route's length now");
}

#[test]
fn the_visit_plan_tours_the_days_route_puts_overdue_customers_first_and_a_week_does_not_repeat_stops() {
    let o = office();
    let today = fieldcrm_core::Clock::now(clock().as_ref()).date_naive();
    let days_ago = |d: i64| (today - Duration::days(d)).to_string();
    let monday_route = o
        .book
        .create_route(&NewRoute {
            name: "东线".into(),
            owner_id: Some(o.rep),
            weekday: Some(chrono::Datelike::weekday(&today).number_from_monday() as u8),
            ..Default::default()
        })
        .expect("route")
        .route;
    let owner = o.rep.to_string();
    // Grades set directly give the visit frequency: A weekly, C monthly.
    let a_due = card(&o.book, "A到期", json!({"ownerId": owner}));
    let c_recent = card(&o.book, "C刚去过", json!({"ownerId": owner}));
    let never = card(&o.book, "从未拜访", json!({"ownerId": owner}));
    let off_route_overdue = card(&o.book, "路线外逾期", json!({"ownerId": owner}));
    let others = card(&o.book, "别人的", json!({"ownerId": o.other_rep.to_string()}));
    for (id, grade) in [(a_due, "A"), (c_recent, "C"), (off_route_overdue, "A")] {
        o.book
            .set_grade(&GradeChange {
                customer_id: id,
                scale: GradeScale::Customer,
                grade: Some(grade.into()),
                reason: None,
            })
            .expect("grade");
    }
    o.book.set_last_visit(a_due, &days_ago(7)).expect("visit");
    o.book.set_last_visit(c_recent, &days_ago(3)).expect("visit");
    o.book.set_last_visit(off_route_overdue, &days_ago(20)).expect("visit");
    o.book.set_last_visit(others, &days_ago(90)).expect("visit");
    o.book
        .add_route_stops(&RouteStops { route_id: monday_route.id, customers: vec![c_recent, a_due, never], at: None })
        .expect("stops");

    let plan = o.book.visit_plan(&PlanQuery { staff_id: Some(o.rep), date: None, days: 1 }).expect("plan");
    let day = &plan.days[0];
    assert_eq!(day.overdue.len(), 1, "{day:?}");
    assert_eq!((day.overdue[0].name.as_str(), day.overdue[0].overdue_days), ("路线外逾期", 13));
    assert_eq!(day.routes.len(), 1);
    assert!(day.routes[0].scheduled);
    let stops: Vec<(&str, StopStatus)> = day.routes[0].stops.iter().map(|s| (s.name.as_str(), s.status)).collect();
    assert_eq!(stops, [("A到期", StopStatus::Due), ("从未拜访", StopStatus::NeverVisited)]);
    assert_eq!(day.routes[0].not_due, 1, "the C customer seen three days ago waits");

    let week = o.book.visit_plan(&PlanQuery { staff_id: Some(o.rep), date: None, days: 7 }).expect("week");
    assert_eq!(week.days.len(), 7);
    let planned: Vec<&str> = week
        .days
        .iter()
        .flat_map(|d| d.routes.iter().flat_map(|r| r.stops.iter()).chain(d.overdue.iter()))
        .map(|s| s.name.as_str())
        .collect();
    let mut unique = planned.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(planned.len(), unique.len(), "no customer planned twice in a week: {planned:?}");

    let err = o
        .book
        .visit_plan(&PlanQuery { staff_id: Some(o.rep), date: Some("22/11/2026".into()), days: 1 })
        .expect_err("bad date");
    assert_eq!(problem_codes(&err), ["bad_date"]);
    let err = o.book.visit_plan(&PlanQuery { staff_id: Some(o.rep), date: None, days: 40 }).expect_err("too long");
    assert_eq!(problem_codes(&err), ["out_of_range"]);
    let team = o.book.team_plan(None).expect("team");
    let rep = team.iter().find(|t| t.staff_id == o.rep).expect("rep in the team view");
    assert_eq!((rep.stops, rep.overdue), (2, 1));

    // On a Sunday without a route nothing is proposed, but the customer seen 90 days ago is still late.
    let sunday = (1..=7)
        .map(|k| today + Duration::days(k))
        .find(|d| chrono::Datelike::weekday(d) == chrono::Weekday::Sun)
        .expect("a Sunday within a week");
    let query = PlanQuery { staff_id: Some(o.other_rep), date: Some(sunday.to_string()), days: 1 };
    let off = &o.book.visit_plan(&query).expect("Sunday").days[0];
    assert!(off.overdue.is_empty() && off.routes.is_empty(), "{off:?}");
    assert_eq!(off.overdue_count, 1, "{off:?}");
}

#[test]
fn the_route_sheet_is_an_a4_workbook_with_every_stop_in_order() {
    let o = office();
    let route = o
        .book
        .create_route(&NewRoute { name: "寿光/东线".into(), owner_id: Some(o.rep), ..Default::default() })
        .expect("route")
        .route;
    let ids: Vec<CustomerId> = ["华星农业", "古城镇王记农资店"]
        .iter()
        .map(|n| card(&o.book, n, json!({"ownerId": o.rep.to_string(), "phone": "13800000001"})))
        .collect();
    o.book.add_route_stops(&RouteStops { route_id: route.id, customers: ids, at: None }).expect("stops");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("sheet.xlsx");
    o.book.write_route_sheet(route.id, &path).expect("sheet");
    let bytes = std::fs::read(&path).expect("read");
    assert_eq!(&bytes[..4], b"PK\x03\x04", "an xlsx file is a zip archive");
    let xml = unzip_text(&bytes);
    assert!(xml.contains("华星农业") && xml.contains("古城镇王记农资店"), "the stops are in it");
    assert!(xml.contains("<pageSetup paperSize=\"9\"") && xml.contains("orientation=\"landscape\""), "A4 landscape");
    assert!(xml.contains("寿光东线"), "the sheet is named after the route, without characters Excel refuses");
    assert!(!dir.path().join("sheet.xlsx.part").exists());
}

/// The text of every file in a zip archive, concatenated.
fn unzip_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut text = String::new();
    for i in 0..archive.len() {
        archive.by_index(i).expect("entry").read_to_string(&mut text).expect("utf-8 xml");
    }
    text
}

#[test]
fn the_customer_list_filters_and_groups_by_any_classification() {
    use fieldcrm_core::search::CustomerQuery;
    let o = office();
    o.book
        .add_code_list(&NewCodeList {
            id: "store_size".into(), label_zh: "门店规模".into(), label_en: "Size".into()
        })
        .expect("list");
    o.book
        .add_code(&NewCodeItem {
            list_id: "store_size".into(),
            code: "large".into(),
            label_zh: "大".into(),
            label_en: "L".into(),
        })
        .expect("code");
    card(&o.book, "甲批发", json!({"channelType": "wholesaler", "customCodes": {"store_size": "large"}}));
    card(&o.book, "乙批发", json!({"channelType": "wholesaler", "locationType": "residential"}));
    let c = card(&o.book, "丙零售", json!({"channelType": "retailer", "locationType": "residential"}));
    card(&o.book, "丁未分类", json!({}));
    o.book
        .set_grade(&GradeChange { customer_id: c, scale: GradeScale::Customer, grade: Some("A".into()), reason: None })
        .expect("grade");
    let names = |query: CustomerQuery| -> Vec<String> {
        o.book.search_customers(&query).expect("search").rows.into_iter().map(|r| r.name).collect()
    };
    let codes = |pairs: &[(&str, &[&str])]| {
        pairs.iter().map(|(l, c)| (l.to_string(), c.iter().map(|c| c.to_string()).collect())).collect()
    };
    let mut wholesalers =
        names(CustomerQuery { codes: codes(&[("channel_type", &["wholesaler"])]), ..Default::default() });
    wholesalers.sort();
    assert_eq!(wholesalers, ["乙批发", "甲批发"]);
    assert_eq!(
        names(CustomerQuery {
            codes: codes(&[("channel_type", &["wholesaler"]), ("location_type", &["residential"])]),
            ..Default::default()
        }),
        ["乙批发"],
        "every list named must match"
    );
    assert_eq!(names(CustomerQuery { codes: codes(&[("store_size", &["large"])]), ..Default::default() }), ["甲批发"]);
    assert_eq!(names(CustomerQuery { grades: vec!["A".into()], ..Default::default() }), ["丙零售"]);
    assert_eq!(
        names(CustomerQuery { text: "批发".into(), grades: vec!["A".into()], ..Default::default() }),
        Vec::<String>::new()
    );

    let groups = o.book.customer_groups(&CustomerQuery::default(), "channel_type").expect("groups");
    let groups: Vec<(Option<&str>, u32)> = groups.iter().map(|g| (g.key.as_deref(), g.customers)).collect();
    assert_eq!(groups, [(Some("wholesaler"), 2), (None, 1), (Some("retailer"), 1)]);
    let groups = o
        .book
        .customer_groups(&CustomerQuery { text: "批发".into(), ..Default::default() }, "store_size")
        .expect("groups");
    let groups: Vec<(Option<&str>, u32)> = groups.iter().map(|g| (g.key.as_deref(), g.customers)).collect();
    assert_eq!(groups, [(None, 1), (Some("large"), 1)], "groups follow the search text too");
    let err = o.book.customer_groups(&CustomerQuery::default(), "Robert'); DROP TABLE customer;--").expect_err("bad");
    assert_eq!(problem_codes(&err), ["unknown_group"]);
}
