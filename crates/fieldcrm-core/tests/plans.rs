//! Ten-day plans and rolling forecasts through real changeset files
//! (docs/TARGETS.md): a rep plans the next 旬 from their customers' targets
//! and submits it; the regional manager sees it rolled up, comments and
//! submits the region's plan up the line; after the 旬 the plan shows what
//! was sold. A rep forecasts the next three months from the core's proposal
//! (last year's month scaled by the trend), and once a month has ended the
//! forecast's accuracy shows to the rep and the manager.

#[path = "sync/world.rs"]
mod world;

use calamine::{Data, DataType, Reader};
use chrono::Duration;
use fieldcrm_core::api::sales::AnalysisKind;
use fieldcrm_core::fieldwork::reports::ReportSummaryInput;
use fieldcrm_core::import::{Cancel, ImportRequest};
use fieldcrm_core::model::ReportKind;
use fieldcrm_core::model::{BreakdownRule, ImportKind};
use fieldcrm_core::month_end::MonthEndQuery;
use fieldcrm_core::plans::forecast::{ForecastInput, ForecastLineInput};
use fieldcrm_core::plans::{PlanInput, PlanLineInput};
use fieldcrm_core::sales::analysis::AnalysisQuery;
use fieldcrm_core::targets::breakdown::BreakdownInput;
use fieldcrm_core::{ApiError, Book};
use serde_json::json;
use world::{customer, World};

fn codes(e: &ApiError) -> Vec<String> {
    e.problems.iter().map(|p| p.code.to_string()).collect()
}

fn import(book: &Book, at: &std::path::Path, name: &str, text: &str, kind: ImportKind) {
    let path = at.join(name);
    std::fs::write(&path, text).expect("write");
    let report = book
        .import(&ImportRequest::new(path.display().to_string(), kind), true, &mut |_| {}, &Cancel::default())
        .expect("import");
    assert_eq!(report.refused, 0, "{report:?}");
}

/// Two reps with two cards each (K1, K2 rep 0; K3 rep 1), a product, and
/// 2026's targets broken down equally down to rep 0's customers.
fn setting(at: &std::path::Path) -> World {
    let w = World::new(2);
    let office = &w.office.book;
    import(office, at, "产品.csv", "产品编码,产品名称,单位,单价（元）\nP01,复合肥,袋,100\n", ImportKind::Products);
    for (name, code, rep) in [("甲农资", "K1", 0), ("乙农资", "K2", 0), ("丙农资", "K3", 1)] {
        office
            .create_customer(&customer(
                name,
                json!({"code": code, "territoryId": w.territories[rep], "ownerId": w.people[rep].staff_id}),
            ))
            .expect("card");
    }
    office.set_company_target(2026, None, &[3_600_000; 12]).expect("company");
    let mut nodes = vec![None];
    while let Some(node) = nodes.pop() {
        let b = office.target_breakdown(2026, None, node.as_deref()).expect("breakdown");
        if b.children.is_empty() || b.node.kind == fieldcrm_core::model::NodeKind::Staff {
            continue;
        }
        let children = office.propose_breakdown(2026, None, &b.node.id, BreakdownRule::Equal).expect("proposal");
        nodes.extend(children.iter().map(|c| Some(c.node.clone())));
        office
            .save_breakdown(&BreakdownInput {
                year: 2026,
                measure: "revenue".into(),
                node: b.node.id.clone(),
                children,
                leave_unallocated: false,
                submit: true,
            })
            .expect("approved");
    }
    w.settle();
    let rep = &w.people[0];
    let children = rep.book.propose_breakdown(2026, None, &rep.staff_id, BreakdownRule::Equal).expect("mine");
    rep.book
        .save_breakdown(&BreakdownInput {
            year: 2026,
            measure: "revenue".into(),
            node: rep.staff_id.clone(),
            children,
            leave_unallocated: false,
            submit: true,
        })
        .expect("to my customers");
    w.settle();
    w
}

#[test]
fn a_rep_plans_the_next_xun_the_manager_rolls_it_up_and_both_see_plan_against_actual() {
    let at = tempfile::tempdir().expect("dir");
    let w = setting(at.path());
    let m = w.people.len() - 1;
    let rep = &w.people[0].book;
    // 中旬 of November: the 11th to the 20th.
    let proposed = rep.sales_plan("2026-11-2", None).expect("proposal");
    assert_eq!(proposed.status, None, "not saved: proposed");
    assert_eq!((proposed.from.as_str(), proposed.to.as_str()), ("2026-11-11", "2026-11-20"));
    assert_eq!(proposed.lines.len(), 2);
    // Rep 0's month is half the region's 36,000 yuan, 18,000, a third in each
    // 旬 of November's thirty days; half of it to each card.
    assert_eq!(proposed.target, Some(600_000));
    assert_eq!(proposed.lines.iter().map(|l| l.amount).collect::<Vec<_>>(), [300_000, 300_000]);
    assert!(proposed.lines.iter().all(|l| l.target == Some(300_000)));

    // Refused whole: a peer's card, a negative amount, a period that is over.
    let k3 = w
        .office
        .book
        .search_customers(&Default::default())
        .expect("cards")
        .rows
        .iter()
        .find(|r| r.name == "丙农资")
        .expect("K3")
        .id
        .to_string();
    let lines: Vec<PlanLineInput> = proposed
        .lines
        .iter()
        .map(|l| PlanLineInput { customer_id: l.customer.id.clone(), amount: l.amount, visits: 2 })
        .collect();
    let input = |lines: Vec<PlanLineInput>, period: &str, submit: bool| PlanInput {
        period: period.into(),
        lines,
        note: Some("乙农资新开两家门店".into()),
        submit,
    };
    let mut bad = lines.clone();
    bad.push(PlanLineInput { customer_id: k3, amount: 1, visits: 0 });
    let e = rep.save_sales_plan(&input(bad.clone(), "2026-11-2", false)).expect_err("a peer's card");
    assert_eq!(codes(&e), ["unknown_customer"], "a peer's card is not in the rep's book");
    let e = w.people[m].book.save_sales_plan(&input(bad, "2026-11-2", false)).expect_err("the team's cards");
    assert_eq!(codes(&e), ["other_rep", "other_rep", "other_rep"], "a manager plans their own cards, not the reps'");
    let mut bad = lines.clone();
    bad[0].amount = -5;
    assert_eq!(codes(&rep.save_sales_plan(&input(bad, "2026-11-2", false)).expect_err("negative")), ["negative"]);
    let e = rep.save_sales_plan(&input(lines.clone(), "2026-10-3", false)).expect_err("over");
    assert_eq!(codes(&e), ["out_of_range"]);
    assert_eq!(rep.sales_plan("2026-11-2", None).expect("still"), proposed, "nothing half-saved");
    let e = rep.save_sales_plan(&input(lines.clone(), "2026-11-4", false)).expect_err("no such 旬");
    assert_eq!(codes(&e), ["bad_month"]);

    let mut mine = lines.clone();
    mine[1].amount = 400_000;
    let saved = rep.save_sales_plan(&input(mine, "2026-11-2", true)).expect("submitted");
    assert_eq!(saved.status.as_deref(), Some("submitted"));
    assert!(!saved.late && !saved.may_edit);
    assert_eq!((saved.amount, saved.visits), (700_000, 4));
    let e = rep.save_sales_plan(&input(lines, "2026-11-2", false)).expect_err("final");
    assert_eq!(codes(&e), ["already_submitted"]);

    // The manager sees it rolled up, comments, and submits the region's plan up the line.
    w.settle();
    let manager = &w.people[m].book;
    let region = manager.plan_rollup("2026-11-2", None).expect("roll-up");
    assert_eq!(region.node.id, w.region);
    assert_eq!((region.total.submitted, region.total.people), (1, 2));
    assert_eq!(region.total.amount, 700_000);
    let territory = region.rows.iter().find(|r| r.node.id == w.territories[0]).expect("territory 0");
    assert_eq!((territory.amount, territory.visits, territory.submitted), (700_000, 4, 1));
    let theirs = manager.sales_plan("2026-11-2", Some(w.people[0].staff_id.parse().expect("id"))).expect("rep's plan");
    assert_eq!(theirs.note.as_deref(), Some("乙农资新开两家门店"));
    manager.comment_sales_plan(&theirs.id, "乙农资的计划偏高，注意回款").expect("comment");
    let own = manager
        .save_sales_plan(&PlanInput {
            period: "2026-11-2".into(),
            lines: vec![],
            note: Some("本旬重点：冬储".into()),
            submit: true,
        })
        .expect("the region's plan");
    assert_eq!(own.status.as_deref(), Some("submitted"));
    let e = w.people[1]
        .book
        .sales_plan("2026-11-2", Some(w.people[0].staff_id.parse().expect("id")))
        .expect_err("a peer's plan");
    assert_eq!(e.code, fieldcrm_core::error::ErrorCode::Forbidden);
    w.settle();
    let read = rep.sales_plan("2026-11-2", None).expect("with the comment");
    assert_eq!(read.comments.len(), 1);
    assert_eq!(read.comments[0].body, "乙农资的计划偏高，注意回款");
    let company = w.office.book.plan_rollup("2026-11-2", None).expect("head office");
    assert_eq!(company.rows[0].node.id, w.region);
    assert_eq!(company.rows[0].status.as_deref(), Some("submitted"), "head office sees the region's plan submitted");

    // After the 旬: what was sold and visited, against the plan.
    w.advance(Duration::days(20));
    import(
        &w.office.book,
        at.path(),
        "销售.csv",
        "单号,日期,客户编码,产品编码,数量,金额\nX1,2026-11-12,K1,P01,12,1200\nX2,2026-11-15,K2,P01,3,300\n",
        ImportKind::Sales,
    );
    w.settle();
    let after = rep.sales_plan("2026-11-2", None).expect("after");
    assert_eq!(after.actual, 150_000);
    assert_eq!(after.lines.iter().map(|l| l.actual).collect::<Vec<_>>(), [120_000, 30_000]);
    let rolled = manager.plan_rollup("2026-11-2", None).expect("after");
    assert_eq!((rolled.total.amount, rolled.total.actual), (700_000, 150_000));

    // The monthly summary of November: each rep's and the region's target and
    // plan beside the sales. Rep 0 planned one 旬: that is their month's plan.
    let q = AnalysisQuery { from: "2026-11-01".into(), to: "2026-11-30".into(), unit_id: None };
    let office = &w.office.book;
    let month = office.sales_monthly(&q).expect("monthly");
    let row = |m: &fieldcrm_core::sales::analysis::MonthlySummary, person: usize| {
        m.reps.iter().find(|r| r.id == w.people[person].staff_id).cloned().expect("rep row")
    };
    let mine = row(&month, 0);
    assert_eq!(
        (mine.total, mine.target, mine.plan, mine.done_bp),
        (150_000, Some(1_800_000), Some(700_000), Some(833))
    );
    let peer = row(&month, 1);
    assert_eq!((peer.total, peer.target, peer.plan), (0, Some(1_800_000), None), "a target shows without a sale");
    assert_eq!((month.regions[0].target, month.regions[0].plan), (Some(3_600_000), Some(700_000)));
    // A month plan is the month's plan; its 旬 plans told the same sales twice.
    let lines = after
        .lines
        .iter()
        .map(|l| PlanLineInput { customer_id: l.customer.id.clone(), amount: 1_000_000, visits: 4 })
        .collect();
    rep.save_sales_plan(&PlanInput { period: "2026-11".into(), lines, note: None, submit: true }).expect("month");
    w.settle();
    let month = office.sales_monthly(&q).expect("monthly");
    assert_eq!((row(&month, 0).plan, month.plan, month.target), (Some(2_000_000), Some(2_000_000), Some(3_600_000)));
    let october = AnalysisQuery { from: "2026-10-16".into(), to: "2026-11-05".into(), unit_id: None };
    let part = office.sales_monthly(&october).expect("part");
    // Half of 中旬 of October (the 16th to the 20th), all of 下旬, half of 上旬 of
    // November (to the 5th): a 旬 the days cut through by its share of days.
    // The month's plan counts the same way: 5 of November's 30 days.
    let xun = |period: &str| rep.sales_plan(period, None).expect(period).target.expect("target") as f64;
    let expected = (xun("2026-10-2") / 2.0 + xun("2026-10-3") + xun("2026-11-1") / 2.0).round() as i64;
    assert_eq!((row(&part, 0).target, row(&part, 0).plan), (Some(expected), Some(333_333)), "{part:?}");

    // The workbook: the target and plan columns, and the total row adding up.
    let path = at.path().join("月度汇总.xlsx");
    office.export_analysis(AnalysisKind::Monthly, &q, &path).expect("export");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("open");
    let name = book.sheet_names()[0].clone();
    let rows: Vec<Vec<Data>> = book.worksheet_range(&name).expect("sheet").rows().map(<[Data]>::to_vec).collect();
    let header = rows.iter().position(|r| r.contains(&Data::String("目标（元）".into()))).expect("header");
    let at_column = |title: &str| rows[header].iter().position(|c| c == &Data::String(title.into())).expect(title);
    let total = rows.iter().position(|r| r[0] == Data::String("合计".into())).expect("total row");
    for (title, yuan) in [("目标（元）", 36_000.0), ("计划（元）", 20_000.0), ("合计（元）", 1_500.0)] {
        let c = at_column(title);
        let sum: f64 = rows[header + 1..total].iter().map(|r| r[c].as_f64().unwrap_or(0.0)).sum();
        assert_eq!((rows[total][c].as_f64(), sum), (Some(yuan), yuan), "{title}");
    }
    assert_eq!(
        rows[total][at_column("完成率")].as_f64(),
        Some(0.0416),
        "1,500 of 36,000 yuan, cut to the basis point as progress counts it"
    );
}

/// A card handed to another rep after it was planned: the submitted plan
/// keeps its line as it was made (on the rep's laptop, which no longer holds
/// the card, without a name), and a draft drops it when saved again; the
/// laptop and head office show the same plan all along.
#[test]
fn a_customer_handed_over_stays_on_a_submitted_plan_and_leaves_a_draft() {
    use fieldcrm_core::api::CardEdit;
    use fieldcrm_core::card::FieldChange;
    let at = tempfile::tempdir().expect("dir");
    let w = setting(at.path());
    let rep = &w.people[0].book;
    let staff = w.people[0].staff_id.parse().expect("id");
    let save = |period: &str, amount: i64, submit: bool| {
        let lines = rep
            .sales_plan(period, None)
            .expect("plan")
            .lines
            .iter()
            .map(|l| PlanLineInput { customer_id: l.customer.id.clone(), amount, visits: 1 })
            .collect();
        rep.save_sales_plan(&PlanInput { period: period.into(), lines, note: None, submit }).expect("saved")
    };
    assert_eq!(save("2026-11-2", 100_000, true).amount, 200_000);
    assert_eq!(save("2026-11-3", 50_000, false).amount, 100_000);
    w.settle();
    let office = &w.office.book;
    let k2 = office.search_customers(&Default::default()).expect("cards").rows.into_iter().find(|r| r.name == "乙农资");
    let k2 = k2.expect("K2").id;
    let changes = vec![
        FieldChange { field: "ownerId".into(), expected: None, value: json!(w.people[1].staff_id) },
        FieldChange { field: "territoryId".into(), expected: None, value: json!(w.territories[1]) },
    ];
    office.edit_customer(&CardEdit { customer_id: k2, changes }).expect("handed over");
    w.settle();
    assert!(rep.customer(k2).is_err(), "the rep's laptop no longer holds the card");

    let view = |book: &Book, period: &str| {
        let p = book.sales_plan(period, Some(staff)).expect("plan");
        let lines: Vec<_> = p.lines.iter().map(|l| (l.customer.id.clone(), l.amount, l.saved, l.handed_over)).collect();
        (p.amount, lines)
    };
    let submitted = rep.sales_plan("2026-11-2", None).expect("submitted");
    assert_eq!(submitted.amount, 200_000, "the plan as it was made");
    let gone = submitted.lines.iter().find(|l| l.handed_over).expect("the handed-over line");
    assert_eq!((gone.customer.id.as_str(), gone.customer.name.as_str(), gone.amount), (&*k2.to_string(), "", 100_000));
    assert_eq!(view(rep, "2026-11-2"), view(office, "2026-11-2"), "the laptop and head office agree");
    let named = office.sales_plan("2026-11-2", Some(staff)).expect("at head office");
    assert!(named.lines.iter().any(|l| l.handed_over && l.customer.name == "乙农资"), "head office still names it");

    let draft = rep.sales_plan("2026-11-3", None).expect("draft");
    assert!(draft.may_edit);
    assert_eq!(draft.lines.iter().filter(|l| l.handed_over).count(), 1, "the draft shows it until saved");
    assert_eq!(view(rep, "2026-11-3"), view(office, "2026-11-3"));
    let with_it: Vec<PlanLineInput> = draft
        .lines
        .iter()
        .map(|l| PlanLineInput { customer_id: l.customer.id.clone(), amount: 60_000, visits: 1 })
        .collect();
    let input = |lines: Vec<PlanLineInput>| PlanInput { period: "2026-11-3".into(), lines, note: None, submit: false };
    let e = rep.save_sales_plan(&input(with_it.clone())).expect_err("not the rep's any more");
    assert_eq!(codes(&e), ["unknown_customer"]);
    let own: Vec<PlanLineInput> = with_it.into_iter().filter(|l| l.customer_id != k2.to_string()).collect();
    let saved = rep.save_sales_plan(&input(own)).expect("saved again");
    assert_eq!((saved.amount, saved.lines.len()), (60_000, 1), "the handed-over line left the draft");
    w.settle();
    assert_eq!(view(rep, "2026-11-3"), view(office, "2026-11-3"));
    let theirs = office.sales_plan("2026-11-3", Some(w.people[1].staff_id.parse().expect("id"))).expect("rep 1");
    assert!(theirs.lines.iter().any(|l| l.customer.id == k2.to_string() && !l.handed_over), "the card is rep 1's now");
}

#[test]
fn a_forecast_starts_from_trend_and_season_and_its_accuracy_shows_once_the_month_ends() {
    let at = tempfile::tempdir().expect("dir");
    let w = setting(at.path());
    let m = w.people.len() - 1;
    // K1: 1,000 yuan a month in August to October 2025, 1,500 in 2026 (the
    // trend is 1.5), and 2,000 in December 2025. K2 bought only in October 2026.
    let mut csv = String::from("单号,日期,客户编码,产品编码,数量,金额\n");
    for (i, (day, code, amount)) in [
        ("2025-08-10", "K1", 1000),
        ("2025-09-10", "K1", 1000),
        ("2025-10-10", "K1", 1000),
        ("2025-12-10", "K1", 2000),
        ("2026-08-10", "K1", 1500),
        ("2026-09-10", "K1", 1500),
        ("2026-10-10", "K1", 1500),
        ("2026-10-20", "K2", 900),
    ]
    .iter()
    .enumerate()
    {
        csv.push_str(&format!("F{i},{day},{code},P01,1,{amount}\n"));
    }
    import(&w.office.book, at.path(), "历史.csv", &csv, ImportKind::Sales);
    w.settle();
    let rep = &w.people[0].book;
    let f = rep.sales_forecast("2026-11", None).expect("proposal");
    assert_eq!(f.months, ["2026-12", "2027-01", "2027-02"]);
    let k1 = f.lines.iter().find(|l| l.customer.name == "甲农资").expect("K1");
    assert_eq!(k1.proposed, [300_000, 150_000, 150_000], "December: last year's 2,000 × 1.5; then the recent average");
    assert_eq!(k1.last_year, [200_000, 0, 0]);
    let k2 = f.lines.iter().find(|l| l.customer.name == "乙农资").expect("K2");
    assert_eq!(k2.proposed, [30_000, 30_000, 30_000], "no history to scale: the last three months' average");
    // The rep corrects K1's December and submits.
    let lines = f
        .lines
        .iter()
        .map(|l| ForecastLineInput {
            customer_id: l.customer.id.clone(),
            amounts: if l.customer.name == "甲农资" { vec![250_000, 150_000, 150_000] } else { l.amounts.clone() },
        })
        .collect::<Vec<_>>();
    let mut bad = lines.clone();
    bad[0].amounts = vec![1, 2];
    let e = rep
        .save_sales_forecast(&ForecastInput { month: "2026-11".into(), lines: bad, submit: true })
        .expect_err("two months");
    assert_eq!(codes(&e), ["bad_month"]);
    let e = rep
        .save_sales_forecast(&ForecastInput { month: "2026-10".into(), lines: lines.clone(), submit: true })
        .expect_err("over");
    assert_eq!(codes(&e), ["out_of_range"]);
    let saved =
        rep.save_sales_forecast(&ForecastInput { month: "2026-11".into(), lines, submit: true }).expect("saved");
    assert_eq!(saved.totals, [280_000, 180_000, 180_000]);
    w.settle();
    let team = w.people[m].book.forecast_rollup("2026-11", None).expect("roll-up");
    assert_eq!(team.total.amounts, [280_000, 180_000, 180_000]);
    assert_eq!((team.total.submitted, team.total.people), (1, 2));

    // December ends: K1 bought 2,000 and K2 800. In January the accuracy of November's forecast shows.
    w.advance(Duration::days(64));
    import(
        &w.office.book,
        at.path(),
        "十二月.csv",
        // The ERP also sends K2's December of last year, late.
        "单号,日期,客户编码,产品编码,数量,金额\nD1,2026-12-05,K1,P01,1,2000\nD2,2026-12-15,K2,P01,1,800\nD0,2025-12-20,K2,P01,1,1000\n",
        ImportKind::Sales,
    );
    w.settle();
    let january = rep.sales_forecast("2027-01", None).expect("january");
    let accuracy = january.accuracy.iter().find(|a| a.made_in == "2026-11").expect("November's");
    assert_eq!((accuracy.month.as_str(), accuracy.forecast, accuracy.actual), ("2026-12", 280_000, 280_000));
    assert_eq!(accuracy.accuracy, Some(10_000));
    let team = w.people[m].book.forecast_rollup("2027-01", None).expect("the team's");
    let seen = team.total.accuracy.as_ref().expect("accuracy");
    assert_eq!((seen.forecast, seen.actual, seen.accuracy), (280_000, 280_000, Some(10_000)));

    // The manager's month-end summary of December, from their monthly report's analysis.
    let manager = &w.people[m].book;
    manager
        .save_report(&ReportSummaryInput {
            kind: ReportKind::Monthly,
            day: Some("2026-12-31".into()),
            summary: "冬储启动偏晚，乙农资受竞品低价冲击。".into(),
        })
        .expect("report");
    let query = MonthEndQuery { month: "2026-12".into(), unit: None };
    let summary = manager.month_end_summary(&query).expect("summary");
    assert_eq!((summary.unit.id.as_str(), summary.label.as_str()), (w.region.as_str(), "2026年12月"));
    assert_eq!(summary.analysis, "冬储启动偏晚，乙农资受竞品低价冲击。");
    let root = |p: &fieldcrm_core::targets::progress::TargetProgress| p.rows[0].clone();
    let december = root(&summary.month_progress);
    assert_eq!((december.target, december.actual, december.done), (Some(3_600_000), 280_000, Some(777)));
    let year = root(&summary.year_progress);
    assert_eq!((year.target, year.actual), (Some(43_200_000), 820_000), "1,500 × 3 + 900 + 2,000 + 800 yuan");
    // The forecasts made in December (none yet), and how well November's foresaw December.
    assert_eq!((summary.forecast.month.as_str(), summary.forecast.total.submitted), ("2026-12", 0));
    let foresaw = summary.forecast.total.accuracy.as_ref().expect("December's accuracy");
    assert_eq!(
        (foresaw.month.as_str(), foresaw.made_in.as_str(), foresaw.accuracy),
        ("2026-12", "2026-11", Some(10_000))
    );
    // 乙农资 bought 800 against 1,000 in December of last year.
    let names: Vec<&str> = summary.growth.customers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!((names, summary.growth.lost_vs_last_year), (vec!["乙农资"], 20_000));
    assert_eq!(summary.compliance.month, "2026-12");

    // A month that is not one, a rep's own node, and an analysis too long are refused; nothing is written.
    let bad = MonthEndQuery { month: "2026-13".into(), unit: None };
    assert_eq!(codes(&manager.month_end_summary(&bad).expect_err("month")), ["bad_month"]);
    let mine = MonthEndQuery { month: "2026-12".into(), unit: Some(w.people[0].staff_id.clone()) };
    assert_eq!(codes(&manager.month_end_summary(&mine).expect_err("a person")), ["not_a_unit"]);
    let path = at.path().join("月度总结.xlsx");
    let long = "长".repeat(5_001);
    let e = manager.write_month_end_summary(&query, &long, &path).expect_err("too long");
    assert_eq!(codes(&e), ["too_long"]);
    assert!(!path.exists());

    // The workbook: the figures as the summary has them, the analysis as written for it.
    manager.write_month_end_summary(&query, "冬储启动偏晚。\n下月重点：回款。", &path).expect("written");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("open");
    assert_eq!(book.sheet_names(), ["月度总结", "目标进度", "滚动预测", "负增长客户", "工作考核"]);
    let rows: Vec<Vec<Data>> = book.worksheet_range("月度总结").expect("sheet").rows().map(<[Data]>::to_vec).collect();
    let item = |name: &str| rows.iter().find(|r| r[0] == Data::String(name.into())).cloned().expect(name);
    assert_eq!((item("本月目标")[1].as_f64(), item("本月实际")[1].as_f64()), (Some(36_000.0), Some(2_800.0)));
    assert_eq!(item("本月实际")[2].as_f64(), Some(0.0777));
    assert_eq!(item("负增长客户比去年少")[1].as_f64(), Some(200.0));
    assert_eq!(item("预测准确率 2026-12")[2].as_f64(), Some(1.0));
    let at_analysis = rows.iter().position(|r| r[0] == Data::String("市场分析".into())).expect("analysis");
    assert_eq!(rows[at_analysis + 1][0], Data::String("冬储启动偏晚。\n下月重点：回款。".into()));
    let progress: Vec<Vec<Data>> =
        book.worksheet_range("目标进度").expect("progress").rows().map(<[Data]>::to_vec).collect();
    assert_eq!(progress.len(), 3 + summary.month_progress.rows.len(), "title, gap, header and the tree");
    let duties = book.worksheet_range("工作考核").expect("duties");
    assert_eq!(duties.rows().count(), 1 + summary.compliance.people.len());
}
