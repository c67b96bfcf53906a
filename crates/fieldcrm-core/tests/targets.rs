//! Targets through real changeset files (docs/TARGETS.md): head office sets
//! the year and gives it to the region, the regional manager breaks it down
//! to territories and reps, a rep to their customers by last year's shares;
//! each level approves the one below; sales arrive and progress shows on the
//! rep's and the manager's laptops. Bad breakdowns are refused whole, and a
//! withdrawal that crosses an approval is refused at head office and told
//! back, never applied over it.

#[path = "common/workbook.rs"]
mod workbook;
#[path = "sync/world.rs"]
mod world;

use fieldcrm_core::import::ImportRequest;
use fieldcrm_core::model::{
    BreakdownRule, Decision, ImportKind, MoveStatus, OrderStatus, PaymentKind, Rag, TargetStatus,
};
use fieldcrm_core::money::order::{OrderInput, OrderLineInput};
use fieldcrm_core::money::shipping::{ShipmentInput, ShipmentLineInput};
use fieldcrm_core::targets::breakdown::{Breakdown, BreakdownInput, ChildTarget, MoveInput};
use fieldcrm_core::{ApiError, Book};
use serde_json::json;
use world::{customer, World};

const YEAR: i32 = 2026;
/// 100,000 yuan a month, in fen.
const MONTH: i64 = 10_000_000;

fn codes(e: &ApiError) -> Vec<String> {
    e.problems.iter().map(|p| p.code.to_string()).collect()
}

fn import(book: &Book, path: &std::path::Path, kind: ImportKind) {
    let report = book
        .import(
            &ImportRequest::new(path.display().to_string(), kind),
            true,
            &mut |_| {},
            &fieldcrm_core::import::Cancel::default(),
        )
        .expect("import");
    assert_eq!(report.refused, 0, "{report:?}");
}

/// Head office with products, two cards for each rep, and last year's sales:
/// K1 3,000 yuan, K2 1,000 (rep 0); K3 and K4 2,000 each (rep 1).
fn setting(at: &std::path::Path) -> World {
    let w = World::new(2);
    let office = &w.office.book;
    std::fs::write(at.join("产品.csv"), "产品编码,产品名称,产品线,单位,单价（元）\nP01,复合肥,复合肥,袋,165\n")
        .expect("write");
    import(office, &at.join("产品.csv"), ImportKind::Products);
    for (name, code, rep) in [("甲农资", "K1", 0), ("乙农资", "K2", 0), ("丙农资", "K3", 1), ("丁农资", "K4", 1)]
    {
        office
            .create_customer(&customer(
                name,
                json!({"code": code, "territoryId": w.territories[rep], "ownerId": w.people[rep].staff_id}),
            ))
            .expect("card");
    }
    std::fs::write(
        at.join("去年.csv"),
        "单号,日期,客户编码,产品编码,数量,金额\nD1,2025-03-05,K1,P01,10,3000\nD2,2025-03-06,K2,P01,3,1000\n\
         D3,2025-04-01,K3,P01,6,2000\nD4,2025-04-02,K4,P01,6,2000\n",
    )
    .expect("write");
    import(office, &at.join("去年.csv"), ImportKind::Sales);
    w.settle();
    w
}

fn child<'a>(b: &'a Breakdown, name: &str) -> &'a fieldcrm_core::targets::breakdown::BreakdownChild {
    b.children.iter().find(|c| c.node.name == name).unwrap_or_else(|| panic!("{name} in {:?}", b.children))
}

fn input(b: &Breakdown, children: Vec<ChildTarget>, submit: bool) -> BreakdownInput {
    BreakdownInput {
        year: b.year,
        measure: b.measure.clone(),
        node: b.node.id.clone(),
        children,
        leave_unallocated: false,
        submit,
    }
}

/// Head office gives the whole year to the region; the manager breaks the
/// region down to its territories and each territory to its rep; head
/// office approves; returns the manager's index.
fn region_broken_down(w: &World) -> usize {
    let office = &w.office.book;
    let company = office.set_company_target(YEAR, None, &[MONTH; 12]).expect("company");
    assert_eq!(company.months.as_deref(), Some(&[MONTH; 12][..]));
    let to_region = vec![ChildTarget { node: w.region.clone(), months: vec![MONTH; 12] }];
    let company = office.save_breakdown(&input(&company, to_region, true)).expect("to the region");
    assert_eq!(company.status, TargetStatus::Approved, "head office's own breakdown is approved as submitted");
    w.settle();

    let m = w.people.len() - 1;
    let manager = &w.people[m].book;
    let region = manager.target_breakdown(YEAR, None, None).expect("the manager's own node");
    assert_eq!(region.node.id, w.region);
    assert!(region.may_edit && !region.may_decide);
    let proposal = manager.propose_breakdown(YEAR, None, &w.region, BreakdownRule::LastYear).expect("proposal");
    // Both territories sold 4,000 last year: half each, every month.
    assert_eq!(proposal.iter().map(|c| c.months.iter().sum::<i64>()).collect::<Vec<_>>(), [6 * MONTH, 6 * MONTH]);
    let region = manager.save_breakdown(&input(&region, proposal, true)).expect("region");
    assert_eq!(region.status, TargetStatus::Submitted);
    assert!(!region.may_decide, "the level above approves it");
    for t in &w.territories {
        let territory = manager.target_breakdown(YEAR, None, Some(t)).expect("territory");
        assert_eq!(territory.children.len(), 1, "one rep in each territory");
        let all = vec![ChildTarget {
            node: territory.children[0].node.id.clone(),
            months: territory.months.clone().expect("its target"),
        }];
        manager.save_breakdown(&input(&territory, all, true)).expect("territory to its rep");
    }
    w.settle();
    for node in std::iter::once(&w.region).chain(&w.territories) {
        let b = office.target_breakdown(YEAR, None, Some(node)).expect("at head office");
        assert!(b.may_decide, "head office approves what the manager submitted");
        office.decide_breakdown(YEAR, None, node, Decision::Approve, None).expect("approve");
    }
    w.settle();
    m
}

#[test]
fn a_year_broken_down_to_reps_and_customers_shows_its_progress_on_both_laptops() {
    let at = tempfile::tempdir().expect("dir");
    let w = setting(at.path());
    let m = region_broken_down(&w);
    let (rep, manager) = (&w.people[0].book, &w.people[m].book);

    // The rep breaks their year down to their customers by last year's shares.
    let mine = rep.target_breakdown(YEAR, None, None).expect("the rep's own");
    // Last year territory 0 sold in March only, territory 1 in April: those
    // months follow their shares, the rest the year's (half each).
    let mut expected = [MONTH / 2; 12];
    (expected[2], expected[3]) = (MONTH, 0);
    assert_eq!(mine.months.as_deref(), Some(&expected[..]));
    assert_eq!(mine.children.iter().map(|c| c.node.name.as_str()).collect::<Vec<_>>(), ["甲农资", "乙农资"]);
    assert_eq!(child(&mine, "甲农资").last_year, 300_000);
    let proposal = rep.propose_breakdown(YEAR, None, &w.people[0].staff_id, BreakdownRule::LastYear).expect("proposal");
    assert_eq!(proposal[0].months[2], MONTH * 3 / 4, "March: K1 sold three quarters of the rep's");
    assert_eq!(proposal.iter().map(|c| c.months.iter().sum::<i64>()).sum::<i64>(), 6 * MONTH);

    // Refused whole: a negative month, a card of another rep's.
    let before = rep.target_breakdown(YEAR, None, None).expect("before");
    let mut bad = proposal.clone();
    bad[1].months[4] = -1;
    let e = rep.save_breakdown(&input(&mine, bad, false)).expect_err("negative");
    assert_eq!(codes(&e), ["negative"]);
    let k3 = w.office.book.target_breakdown(YEAR, None, Some(&w.people[1].staff_id)).expect("rep 1").children[0]
        .node
        .id
        .clone();
    let mut bad = proposal.clone();
    bad.push(ChildTarget { node: k3, months: vec![1; 12] });
    let e = rep.save_breakdown(&input(&mine, bad, false)).expect_err("another rep's card");
    assert_eq!(codes(&e), ["not_a_child"]);
    assert_eq!(rep.target_breakdown(YEAR, None, None).expect("after"), before, "nothing half-saved");
    let e = rep.target_breakdown(YEAR, None, Some(&w.people[1].staff_id)).expect_err("a peer's targets");
    assert_eq!(e.code, fieldcrm_core::error::ErrorCode::Forbidden);

    let mine = rep.save_breakdown(&input(&mine, proposal, true)).expect("submitted");
    assert_eq!(mine.status, TargetStatus::Submitted);
    assert!(!mine.may_decide && mine.may_withdraw);
    w.settle();
    let seen = manager.target_breakdown(YEAR, None, Some(&w.people[0].staff_id)).expect("the manager's view");
    assert_eq!(seen.status, TargetStatus::Submitted);
    assert!(seen.may_decide);
    assert_eq!(seen.submitted_by.as_deref(), Some(w.people[0].name.as_str()));
    manager.decide_breakdown(YEAR, None, &w.people[0].staff_id, Decision::Approve, None).expect("approved");
    w.settle();
    let mine = rep.target_breakdown(YEAR, None, None).expect("approved on the rep's laptop");
    assert_eq!(mine.status, TargetStatus::Approved);
    assert!(!mine.may_edit && mine.may_move);
    let k1 = child(&mine, "甲农资").node.id.clone();
    let k2 = child(&mine, "乙农资").node.id.clone();
    let e = rep
        .save_breakdown(&input(&mine, vec![ChildTarget { node: k1.clone(), months: vec![1; 12] }], false))
        .expect_err("approved");
    assert_eq!(codes(&e), ["target_approved"]);

    // Three days later sales arrive: K1 bought 5,000 yuan on the 3rd.
    w.advance(chrono::Duration::days(3));
    std::fs::write(at.path().join("今年.csv"), "单号,日期,客户编码,产品编码,数量,金额\nE1,2026-11-03,K1,P01,20,5000\n")
        .expect("write");
    import(&w.office.book, &at.path().join("今年.csv"), ImportKind::Sales);
    // An order of ten bags for K1, approved, four shipped: six bags in hand.
    let office = &w.office.book;
    let order = office
        .create_order(&OrderInput {
            customer_id: k1.parse().expect("id"),
            payment_kind: PaymentKind::Cash,
            address_id: None,
            delivery_address: Some("寿光仓库".into()),
            wanted_on: None,
            notes: None,
            lines: vec![OrderLineInput { product: "P01".into(), cases: 0, units: 10, unit_price: None, gift: false }],
            submit: true,
        })
        .expect("order");
    office.set_order_status(order.id, OrderStatus::Approved, None).expect("approved");
    office
        .record_shipment(&ShipmentInput {
            order_id: order.id,
            shipped_on: None,
            number: None,
            carrier: None,
            notes: None,
            lines: vec![ShipmentLineInput { order_line_id: order.lines[0].id.clone(), quantity: 4 }],
        })
        .expect("shipped");
    w.settle();
    let query = fieldcrm_core::api::targets::TargetQuery { period: "2026-11".into(), measure: None, node: None };
    let progress = rep.target_progress(&query).expect("the rep's progress");
    let me = &progress.rows[0];
    assert_eq!((me.target, me.actual), (Some(MONTH / 2), 500_000));
    assert_eq!(me.done, Some(1_000), "10 % of the month's target");
    let k1_row = progress.rows.iter().find(|r| r.node.id == k1).expect("K1");
    assert_eq!(k1_row.actual, 500_000);
    assert_eq!(k1_row.in_hand, 6 * 16_500, "six bags at 165 yuan still to ship");
    assert_eq!(me.in_hand, 6 * 16_500);
    assert_eq!(progress.elapsed, 10_000 * 5 / 30, "the 5th of November");
    assert_eq!(me.rag, Rag::Amber, "10 % done when 17 % of the month has gone: more than 5 points behind");
    assert_eq!(progress.work_days_left, 22, "the 5th to the 30th but its four Sundays");
    assert_eq!(me.per_work_day, Some((MONTH / 2 - 500_000) / 22));
    assert!(progress.rows.iter().all(|r| r.node.name != "丙农资"), "a peer's cards are not in the rep's book");
    let team = manager.target_progress(&query).expect("the manager's progress");
    let region = &team.rows[0];
    assert_eq!((region.target, region.actual), (Some(MONTH), 500_000));
    let territory = team.rows.iter().find(|r| r.node.id == w.territories[0]).expect("territory");
    assert_eq!(territory.actual, 500_000);
    let grid = manager.target_grid(YEAR, None, None).expect("grid");
    assert_eq!(grid.rows[0].year.target, Some(12 * MONTH));
    assert_eq!(grid.rows[0].months[10].actual, 500_000);

    // Both print, in Chinese, and read back as they were computed.
    use calamine::{Data, Reader};
    let file = at.path().join("目标进度.xlsx");
    manager.write_target_progress(&query, &file).expect("progress workbook");
    let mut read: calamine::Xlsx<_> = calamine::open_workbook(&file).expect("opens");
    let sheet = read.worksheet_range("目标进度").expect("sheet");
    assert_eq!(sheet.get_value((2, 1)), Some(&Data::String("目标".into())));
    let yuan = |row: u32, col: u32| match sheet.get_value((row, col)) {
        Some(Data::Float(v)) => (v * 100.0).round() as i64,
        other => panic!("({row}, {col}): {other:?}"),
    };
    assert_eq!((yuan(3, 1), yuan(3, 2)), (region.target.expect("target"), region.actual));
    let children: i64 =
        team.rows.iter().enumerate().filter(|(_, r)| r.depth == 1).map(|(i, _)| yuan(3 + i as u32, 2)).sum();
    assert_eq!(children, yuan(3, 2), "the territories' actuals add up to the region's, read back");
    let xml = workbook::member(&file, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains(r#"paperSize="9""#) && xml.contains(r#"fitToPage="1""#) && xml.contains("第 &amp;P 页"),
        "prints"
    );
    let file = at.path().join("分月目标.xlsx");
    manager.write_target_grid(YEAR, None, None, &file).expect("grid workbook");
    let mut read: calamine::Xlsx<_> = calamine::open_workbook(&file).expect("opens");
    let sheet = read.worksheet_range("分月目标").expect("sheet");
    assert_eq!(sheet.get_value((2, 37)), Some(&Data::String("全年目标".into())));
    assert_eq!(sheet.get_value((3, 37)), Some(&Data::Float((12 * MONTH) as f64 / 100.0)));
    let months: f64 = (0..12)
        .map(|m| match sheet.get_value((3, 1 + 3 * m)) {
            Some(Data::Float(v)) => *v,
            other => panic!("month {m}: {other:?}"),
        })
        .sum();
    assert_eq!(months, (12 * MONTH) as f64 / 100.0, "the months add up to the year, read back");

    // A reallocation: what K1 has sold stays its target; the rest may move.
    let k1_nov = MONTH / 2 * 3 / 4;
    let moved = |amount: i64, period: &str| MoveInput {
        year: YEAR,
        measure: "revenue".into(),
        node: w.people[0].staff_id.clone(),
        from: Some(k1.clone()),
        to: Some(k2.clone()),
        period: period.into(),
        amount,
        reason: "乙农资新开门店".into(),
    };
    let e = rep.propose_target_move(&moved(k1_nov - 400_000, "2026-11")).expect_err("below what K1 sold");
    assert_eq!(codes(&e), ["below_sold"]);
    let e = rep.propose_target_move(&moved(1_000, "2027-01")).expect_err("another year");
    assert_eq!(codes(&e), ["out_of_range"]);
    let after = rep.propose_target_move(&moved(k1_nov - 500_000, "2026-11")).expect("down to what it sold");
    assert_eq!(after.moves[0].status, MoveStatus::Submitted);
    assert_eq!(child(&after, "甲农资").months[10], k1_nov, "nothing moves before the approval");
    w.settle();
    let seen = manager.target_breakdown(YEAR, None, Some(&w.people[0].staff_id)).expect("manager");
    assert!(seen.moves[0].may_decide);
    manager.decide_target_move(&seen.moves[0].id, Decision::Approve, None).expect("approve the move");
    w.settle();
    let mine = rep.target_breakdown(YEAR, None, None).expect("after the move");
    assert_eq!(child(&mine, "甲农资").months[10], 500_000);
    assert_eq!(mine.months.as_ref().map(|m| m[10]), Some(MONTH / 2), "the rep's total is kept");
    assert_eq!(mine.unallocated, vec![0; 12]);
    let office = w.office.book.target_breakdown(YEAR, None, Some(&w.people[0].staff_id)).expect("office");
    assert_eq!(office.children, mine.children, "head office holds the same targets");
}

#[test]
fn children_must_add_up_or_be_left_unallocated_on_purpose_and_never_take_more() {
    let w = World::new(2);
    let office = &w.office.book;
    let company = office.set_company_target(YEAR, None, &[MONTH; 12]).expect("company");
    let mut short = vec![MONTH; 12];
    short[0] = MONTH - 1;
    let region = |months: Vec<i64>| vec![ChildTarget { node: w.region.clone(), months }];
    let e = office.save_breakdown(&input(&company, region(short.clone()), true)).expect_err("short");
    assert_eq!(codes(&e), ["not_adding_up"]);
    assert_eq!(
        office.target_breakdown(YEAR, None, None).expect("after").status,
        TargetStatus::Open,
        "nothing submitted"
    );
    let mut over = vec![MONTH; 12];
    over[5] = MONTH + 1;
    let mut leave = input(&company, region(over), true);
    leave.leave_unallocated = true;
    assert_eq!(codes(&office.save_breakdown(&leave).expect_err("over")), ["over_allocated"]);
    let mut leave = input(&company, region(short), true);
    leave.leave_unallocated = true;
    let done = office.save_breakdown(&leave).expect("left unallocated on purpose");
    assert_eq!(done.unallocated[0], 1);
    assert_eq!(done.status, TargetStatus::Approved);
    // A year outside the range, a negative company month.
    assert_eq!(codes(&office.set_company_target(1999, None, &[0; 12]).expect_err("year")), ["out_of_range"]);
    assert_eq!(codes(&office.set_company_target(2027, None, &[-5; 12]).expect_err("negative")), ["negative"]);
    assert_eq!(codes(&office.set_company_target(2027, None, &[5; 11]).expect_err("eleven months")), ["bad_month"]);
    // A rep sets no company target.
    let e = w.people[0].book.set_company_target(2027, None, &[5; 12]).expect_err("a rep");
    assert_eq!(codes(&e), ["out_of_scope"]);
}

#[test]
fn a_withdrawal_that_crosses_the_approval_is_refused_at_head_office_and_told_to_the_rep() {
    let at = tempfile::tempdir().expect("dir");
    let w = setting(at.path());
    let m = region_broken_down(&w);
    let rep = &w.people[0].book;
    let mine = rep.target_breakdown(YEAR, None, None).expect("mine");
    let proposal = rep.propose_breakdown(YEAR, None, &w.people[0].staff_id, BreakdownRule::Equal).expect("equal");
    rep.save_breakdown(&input(&mine, proposal, true)).expect("submitted");
    w.settle();
    // Offline, the manager approves while the rep withdraws.
    w.people[m].book.decide_breakdown(YEAR, None, &w.people[0].staff_id, Decision::Approve, None).expect("approve");
    rep.decide_breakdown(YEAR, None, &w.people[0].staff_id, Decision::Withdraw, None).expect("withdraw");
    assert_eq!(rep.target_breakdown(YEAR, None, None).expect("mine").status, TargetStatus::Open);
    w.send(m).expect("the approval first");
    let report = w.send(0).expect("then the withdrawal");
    assert_eq!(report.rejected, 1, "{report:?}");
    w.settle();
    let rejections = rep.rejections().expect("rejections");
    assert!(rejections.iter().any(|r| r.reason == "target_approved"), "{rejections:?}");
    for book in [rep, &w.people[m].book, &w.office.book] {
        let b = book.target_breakdown(YEAR, None, Some(&w.people[0].staff_id)).expect("breakdown");
        assert_eq!(b.status, TargetStatus::Approved, "one decision everywhere");
    }
    // The rep cannot approve for the manager either: the laptop refuses it.
    let e = rep.decide_breakdown(YEAR, None, &w.people[0].staff_id, Decision::Return, Some("x")).expect_err("rep");
    assert_eq!(codes(&e), ["target_approved"]);
}
