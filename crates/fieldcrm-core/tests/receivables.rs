//! The receivables analyses (docs/ORDERS.md "Analyses") on books that really
//! exchange files: what each invoice still owes is kept in every book from
//! the statements' own matching, so head office's aging, a rep's and a
//! manager's agree with the statements of the customers each of them sees;
//! the overdue list says who must act; collections and fulfilment add up; and
//! every analysis exports a workbook that prints with its chart.

#[path = "common/workbook.rs"]
mod workbook;
#[path = "sync/world.rs"]
mod world;

use calamine::{Data, DataType, Reader};
use fieldcrm_core::api::sales::AnalysisKind;
use fieldcrm_core::grades::{GradeChange, GradeScale};
use fieldcrm_core::ids::CustomerId;
use fieldcrm_core::model::{OrderStatus, PaymentKind};
use fieldcrm_core::money::analysis::Escalation;
use fieldcrm_core::money::order::{OrderInput, OrderLineInput};
use fieldcrm_core::money::receivables::{InvoiceInput, PaymentInput, PaymentMatch};
use fieldcrm_core::money::shipping::{ShipmentInput, ShipmentLineInput};
use fieldcrm_core::money::statement::Aging;
use fieldcrm_core::sales::analysis::AnalysisQuery;
use fieldcrm_core::sales::ProductInput;
use fieldcrm_core::Book;
use serde_json::json;
use world::{customer, World};

fn query(from: &str, to: &str, unit: Option<&str>) -> AnalysisQuery {
    AnalysisQuery { from: from.into(), to: to.into(), unit_id: unit.map(str::to_string) }
}

fn card(w: &World, name: &str, rep: usize, grade: Option<&str>) -> CustomerId {
    let office = &w.office.book;
    let id = office
        .create_customer(&customer(
            name,
            json!({ "ownerId": w.people[rep].staff_id, "territoryId": w.territories[rep % 2], "channelType": "retailer" }),
        ))
        .expect("card")
        .card
        .id;
    if let Some(grade) = grade {
        office
            .set_grade(&GradeChange {
                customer_id: id,
                scale: GradeScale::Credit,
                grade: Some(grade.into()),
                reason: None,
            })
            .expect("credit grade");
    }
    id
}

fn invoice(book: &Book, customer: CustomerId, number: &str, issued: &str, due: &str, yuan: i64) {
    book.record_invoice(&InvoiceInput {
        customer_id: customer,
        number: number.into(),
        issued_on: issued.into(),
        due_on: Some(due.into()),
        amount: yuan * 100,
    })
    .expect("invoice");
}

fn payment(
    book: &Book,
    customer: CustomerId,
    number: &str,
    paid: &str,
    yuan: i64,
    kind: PaymentKind,
    to: &[(&str, i64)],
) {
    book.record_payment(&PaymentInput {
        customer_id: customer,
        number: number.into(),
        paid_on: paid.into(),
        amount: yuan * 100,
        kind,
        invoices: to.iter().map(|(n, a)| PaymentMatch { invoice_number: (*n).into(), amount: a * 100 }).collect(),
    })
    .expect("payment");
}

/// Four cards (today is Monday 2026-11-02 in the business time zone):
/// - 甲 (rep 0, 寿光, credit C): 3,000 due 08-01, 1,000 paid on it → 2,000 93 days past
///   due (over 90, head office's); 500 due 11-14, not yet due;
/// - 乙 (rep 1, 青州, credit B): 800 due 10-01 and 400 due 10-20; 300 paid without
///   naming an invoice goes to the oldest → 500 32 days past due (the manager's), 400 13 days;
/// - 丙 (rep 0, no credit grade): 100 due 10-31, 2 days past due (the rep's);
/// - 丁 (rep 1): 50 paid as marketing expenses with nothing invoiced → a credit balance.
fn receivables_world() -> (World, [CustomerId; 4]) {
    let w = World::new(2);
    let a = card(&w, "甲农资", 0, Some("C"));
    let b = card(&w, "乙农资", 1, Some("B"));
    let c = card(&w, "丙农资", 0, None);
    let d = card(&w, "丁农资", 1, None);
    let office = &w.office.book;
    invoice(office, a, "A-0701", "2026-07-01", "2026-08-01", 3_000);
    payment(office, a, "PA-0805", "2026-08-05", 1_000, PaymentKind::Cash, &[("A-0701", 1_000)]);
    invoice(office, a, "A-1015", "2026-10-15", "2026-11-14", 500);
    invoice(office, b, "B-0901", "2026-09-01", "2026-10-01", 800);
    invoice(office, b, "B-0920", "2026-09-20", "2026-10-20", 400);
    payment(office, b, "PB-1025", "2026-10-25", 300, PaymentKind::Cash, &[]);
    invoice(office, c, "C-1001", "2026-10-01", "2026-10-31", 100);
    payment(office, d, "PD-1010", "2026-10-10", 50, PaymentKind::Expense, &[]);
    (w, [a, b, c, d])
}

const fn aging(not_due: i64, up_to_30: i64, up_to_60: i64, up_to_90: i64, over_90: i64) -> Aging {
    Aging {
        not_due: not_due * 100,
        up_to_30: up_to_30 * 100,
        up_to_60: up_to_60 * 100,
        up_to_90: up_to_90 * 100,
        over_90: over_90 * 100,
    }
}

/// The aging of `book` must be the sum of the statements of `customers`.
fn assert_agrees_with_statements(book: &Book, customers: &[CustomerId], q: &AnalysisQuery) {
    let mut sum = Aging::default();
    let mut credit = 0;
    for c in customers {
        let s = book.customer_statement(*c).expect("statement");
        sum.merge(&s.aging);
        credit += s.credit_balance;
    }
    let a = book.receivables_aging(q).expect("aging");
    assert_eq!((a.total, a.credit_balance), (sum, credit));
}

#[test]
fn head_office_a_manager_and_each_rep_see_the_aging_their_statements_add_up_to() {
    let (w, [a, b, c, d]) = receivables_world();
    let office = &w.office.book;
    let all = query("2026-07-01", "2026-11-02", None);
    let at_office = office.receivables_aging(&all).expect("aging");
    assert_eq!(at_office.total, aging(500, 500, 500, 0, 2_000));
    assert_eq!(
        (at_office.customers, at_office.overdue_customers, at_office.credit_balance),
        (3, 3, 5_000),
        "丁 owes nothing and has paid ahead"
    );
    assert_agrees_with_statements(office, &[a, b, c, d], &all);
    // The region's parts are its territories; the reps hold what their cards owe.
    let region = office.receivables_aging(&query("2026-07-01", "2026-11-02", Some(&w.region))).expect("region");
    let parts: Vec<(&str, i64)> = region.parts.iter().map(|p| (p.name.as_str(), p.aging.total())).collect();
    assert_eq!(parts, [("寿光片区", 2_600 * 100), ("青州片区", 900 * 100)]);
    let owners: Vec<(&str, i64)> = at_office.owners.iter().map(|p| (p.name.as_str(), p.aging.overdue())).collect();
    assert_eq!(owners, [("业务员0", 2_100 * 100), ("业务员1", 900 * 100)]);
    let grades: Vec<(Option<&str>, i64)> =
        at_office.grades.iter().map(|g| (g.id.as_deref(), g.aging.total())).filter(|g| g.1 > 0).collect();
    assert_eq!(grades, [(Some("B"), 900 * 100), (Some("C"), 2_500 * 100), (None, 100 * 100)]);

    // Every laptop keeps its own open amounts from what the files bring.
    w.settle();
    let rep0 = &w.people[0].book;
    assert_eq!(rep0.receivables_aging(&all).expect("rep 0").total, aging(500, 100, 0, 0, 2_000));
    assert_agrees_with_statements(rep0, &[a, c], &all);
    let rep1 = &w.people[1].book;
    let theirs = rep1.receivables_aging(&all).expect("rep 1");
    assert_eq!((theirs.total, theirs.credit_balance), (aging(0, 400, 500, 0, 0), 5_000));
    let manager = &w.manager().book;
    assert_eq!(manager.receivables_aging(&all).expect("manager").total, at_office.total);

    // 甲 pays the old invoice at head office: the next file settles the rep's book too.
    payment(office, a, "PA-1102", "2026-11-02", 2_000, PaymentKind::Cash, &[("A-0701", 2_000)]);
    assert_eq!(office.receivables_aging(&all).expect("aging").total, aging(500, 500, 500, 0, 0));
    w.receive(0).expect("receive");
    assert_eq!(rep0.receivables_aging(&all).expect("rep 0").total, aging(500, 100, 0, 0, 0));
    assert_agrees_with_statements(rep0, &[a, c], &all);
}

#[test]
fn the_overdue_list_says_who_must_act_and_the_credit_analysis_reads_real_balances() {
    let (w, [a, b, c, _]) = receivables_world();
    let office = &w.office.book;
    let q = query("2026-07-01", "2026-11-02", None);
    let list = office.receivables_overdue(&q).expect("overdue");
    let rows: Vec<(CustomerId, Escalation, u32, i64)> = list
        .customers
        .iter()
        .map(|r| (r.customer_id.parse().expect("id"), r.escalation, r.oldest_days_past_due, r.overdue))
        .collect();
    assert_eq!(
        rows,
        [
            (a, Escalation::Office, 93, 2_000 * 100),
            (b, Escalation::Manager, 32, 900 * 100),
            (c, Escalation::Rep, 2, 100 * 100)
        ]
    );
    assert_eq!((list.count, list.overdue), (3, 3_000 * 100));
    assert_eq!(list.customers[0].owner_name, "业务员0");
    assert_eq!(list.customers[0].territory_name, "寿光片区");

    // The credit analysis compares what 甲 owes (2,500) with its limit: credit
    // C's 50,000 yuan, until head office gives the card its own 1,000.
    let credit = office.sales_credit(&q).expect("credit");
    assert!(!credit.estimated, "the book holds invoices");
    assert!(credit.over_limit.is_empty());
    let c_grade = credit.grades.iter().find(|g| g.grade.key.as_deref() == Some("C")).expect("grade C");
    assert_eq!((c_grade.customers, c_grade.balance, c_grade.overdue), (1, 2_500 * 100, 2_000 * 100));
    office.set_credit_limit(a, Some(1_000 * 100), Some("欠款过多")).expect("own limit");
    let credit = office.sales_credit(&q).expect("credit");
    let over: Vec<(String, i64, i64, u32)> =
        credit.over_limit.iter().map(|c| (c.customer_id.clone(), c.balance, c.credit_limit, c.use_bp)).collect();
    assert_eq!(over, [(a.to_string(), 2_500 * 100, 1_000 * 100, 25_000)]);
}

#[test]
fn collections_add_up_month_by_month_with_cash_and_expenses_apart() {
    let (w, _) = receivables_world();
    let office = &w.office.book;
    let c = office.receivables_collections(&query("2026-08-01", "2026-10-31", None)).expect("collections");
    // July's 3,000 was owed when the period began.
    assert_eq!(c.opening_balance, 3_000 * 100);
    let months: Vec<(&str, i64, i64, i64, i64)> = c
        .months
        .iter()
        .map(|m| (m.month.as_str(), m.invoiced / 100, m.paid_cash / 100, m.paid_expense / 100, m.balance / 100))
        .collect();
    assert_eq!(
        months,
        [("2026-08", 0, 1_000, 0, 2_000), ("2026-09", 1_200, 0, 0, 3_200), ("2026-10", 600, 300, 50, 3_450)]
    );
    assert_eq!(c.balance, c.opening_balance + c.invoiced - c.paid_cash - c.paid_expense);
    // 3,450 owed against 600 invoiced in October's 31 days: 178 days of sales.
    assert_eq!((c.months[2].dso_days, c.months[0].dso_days), (Some(178), None));
    assert_eq!(c.expense_bp, 50 * 10_000 / 1_350);
    let parts: i64 = c.parts.iter().map(|p| p.paid_cash + p.paid_expense).sum();
    assert_eq!(parts, c.paid_cash + c.paid_expense);
}

#[test]
fn fulfilment_counts_what_went_out_and_what_is_late() {
    let (w, [_, b, _, _]) = receivables_world();
    let office = &w.office.book;
    office
        .save_product(&ProductInput {
            code: "A01".into(),
            name: "金装奶粉".into(),
            unit: Some("罐".into()),
            case_size: Some(12),
            list_price: Some(10_000),
            ..serde_json::from_value(json!({ "code": "A01", "name": "x" })).expect("input")
        })
        .expect("product");
    w.settle();
    let rep = &w.people[1].book;
    let order = rep
        .create_order(&OrderInput {
            customer_id: b,
            lines: vec![OrderLineInput { product: "A01".into(), cases: 3, units: 0, unit_price: None, gift: false }],
            payment_kind: PaymentKind::Cash,
            address_id: None,
            delivery_address: Some("青州市云门山路 6 号".into()),
            wanted_on: None,
            notes: None,
            submit: true,
        })
        .expect("order");
    w.send(1).expect("send");
    let approved = office.set_order_status(order.id, OrderStatus::Approved, None).expect("approve");
    office
        .record_shipment(&ShipmentInput {
            order_id: order.id,
            shipped_on: None,
            number: None,
            carrier: None,
            notes: None,
            lines: vec![ShipmentLineInput { order_line_id: approved.lines[0].id.clone(), quantity: 24 }],
        })
        .expect("ship two cases of three");
    let q = query("2026-11-01", "2026-11-30", None);
    let f = office.order_fulfilment(&q).expect("fulfilment").total;
    assert_eq!((f.orders, f.ordered, f.shipped, f.fill_bp), (1, 36, 24, 6_666));
    assert_eq!((f.due, f.late_open), (0, 0), "not due before Thursday");
    // Friday: the third case has not gone.
    w.advance(chrono::Duration::days(4));
    let f = office.order_fulfilment(&q).expect("fulfilment").total;
    assert_eq!((f.due, f.on_time, f.late_open, f.on_time_bp), (1, 0, 1, 0));
    // Head office cancels the rest: complete, four work days after approval, late.
    office.cancel_backorder(order.id, &approved.lines[0].id).expect("cancel the rest");
    let f = office.order_fulfilment(&q).expect("fulfilment").total;
    assert_eq!((f.complete, f.on_time, f.late_open, f.cancelled), (1, 0, 0, 12));
}

#[test]
fn every_receivables_analysis_exports_a_workbook_that_prints_with_its_chart_and_totals_that_read_back() {
    let (w, _) = receivables_world();
    let office = &w.office.book;
    let at = tempfile::tempdir().expect("dir");
    let q = query("2026-07-01", "2026-11-02", None);
    for kind in AnalysisKind::RECEIVABLES {
        let path = at.path().join(format!("{}.xlsx", kind.as_str()));
        office.export_analysis(kind, &q, &path).expect("export");
        if kind == AnalysisKind::Fulfilment {
            // No orders yet: the sheet still opens, with its header and totals row.
            let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("open");
            let first = book.sheet_names()[0].clone();
            assert!(book.worksheet_range(&first).expect("sheet").height() > 1);
            continue;
        }
        workbook::assert_prints(&path, kind.as_str());
    }
    // The aging's totals row, as Excel reads it, is what the analysis says.
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(at.path().join("aging.xlsx")).expect("open");
    let range = book.worksheet_range("按区域").expect("sheet");
    let total = range.rows().find(|r| r[0] == Data::String("合计".into())).expect("total row").to_vec();
    assert_eq!(total[8].as_f64(), Some(3_500.0), "{total:?}");
    assert_eq!(total[6].as_f64(), Some(0.0));
    assert_eq!(total[7].as_f64(), Some(2_000.0));
    // The overdue list names who must act in words, not codes.
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(at.path().join("overdue.xlsx")).expect("open");
    let range = book.worksheet_range("逾期客户").expect("sheet");
    let text: Vec<String> = range.rows().flat_map(|r| r.iter().map(ToString::to_string)).collect();
    assert!(text.iter().any(|t| t == "总部处理（新订单冻结）"), "{text:?}");
    assert!(text.iter().any(|t| t == "甲农资"), "{text:?}");
    let total = range.rows().find(|r| r[0] == Data::String("合计".into())).expect("total row").to_vec();
    assert_eq!(total[7].as_f64(), Some(3_000.0));
}

#[test]
fn each_person_sees_the_debts_of_their_step_and_the_month_end_cutoff_on_their_home_page() {
    let (w, [a, b, c, _]) = receivables_world();
    w.settle();
    // Saturday 2026-11-21: the payment cut-off on the 25th is near.
    w.advance(chrono::Duration::days(19));
    let debts = |book: &Book| -> Vec<(CustomerId, Escalation)> {
        let home = book.home().expect("home");
        assert_eq!(home.debts_count as usize, home.debts.len());
        home.debts.iter().map(|d| (d.customer_id.parse().expect("id"), d.escalation)).collect()
    };
    // 甲 112 days past due (head office's), 乙 51 (past credit B's 30: the manager's), 丙 21 (the rep's).
    assert_eq!(debts(&w.office.book), [(a, Escalation::Office)]);
    assert_eq!(debts(&w.manager().book), [(a, Escalation::Office), (b, Escalation::Manager)]);
    assert_eq!(debts(&w.people[0].book), [(a, Escalation::Office), (c, Escalation::Rep)]);
    assert_eq!(debts(&w.people[1].book), [(b, Escalation::Manager)]);

    // The cut-off's reminder is shown from the 22nd (three days ahead): nothing yet.
    assert!(w.office.book.home().expect("home").month_end.is_none());
    w.advance(chrono::Duration::days(1));
    // Everything due by the 25th that is still open: 甲's July and November invoices, 乙's, 丙's.
    let month_end = w.office.book.home().expect("home").month_end.expect("the cut-off is near");
    assert_eq!((month_end.cutoff.as_str(), month_end.customers, month_end.amount), ("2026-11-25", 3, 3_500 * 100));
    let rep1 = w.people[1].book.home().expect("home").month_end.expect("reminder");
    assert_eq!((rep1.customers, rep1.amount), (1, 900 * 100), "a rep counts their own customers");
    let cutoff = w.office.book.receivables_cutoff(&query("2026-11-01", "2026-11-22", None)).expect("cutoff");
    assert_eq!((cutoff.cutoff.as_str(), cutoff.list.count, cutoff.list.overdue), ("2026-11-25", 3, 3_500 * 100));
    // After the 25th the next cut-off is December's, and the reminder is gone.
    w.advance(chrono::Duration::days(4));
    assert!(w.office.book.home().expect("home").month_end.is_none());
    let next = w.office.book.receivables_cutoff(&query("2026-11-01", "2026-11-26", None)).expect("cutoff");
    assert_eq!(next.cutoff, "2026-12-25");
}
