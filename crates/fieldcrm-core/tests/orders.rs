//! Orders through real changeset files (docs/ORDERS.md): a rep captures an
//! order offline that the credit check holds, head office releases the hold,
//! corrects a quantity and approves it, and the rep sees it all after the
//! next file; the laptop refuses what head office would; a withdrawal that
//! crosses head office's approval is refused and shown, never lost silently.

#[path = "sync/world.rs"]
mod world;

use fieldcrm_core::grades::{GradeChange, GradeScale};
use fieldcrm_core::ids::CustomerId;
use fieldcrm_core::model::{HoldReasonKind, OrderStatus, PaymentKind};
use fieldcrm_core::money::order::{LineFlag, OrderInput, OrderLineInput, OrderQuery, OrderView};
use fieldcrm_core::money::receivables::{InvoiceInput, PaymentInput, PaymentMatch, PriceRuleInput};
use fieldcrm_core::sales::ProductInput;
use serde_json::json;
use world::{customer, World};

/// Head office's catalogue, price list and a card of rep 0's with an overdue invoice.
fn setting(w: &World) -> CustomerId {
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
    office
        .add_price_rule(&PriceRuleInput {
            product: "A01".into(),
            channel_type: Some("retailer".into()),
            customer_grade: None,
            price: 9_000,
            floor_price: Some(8_500),
            valid_from: "2026-01-01".into(),
            valid_to: None,
        })
        .expect("price");
    let card = office
        .create_customer(&customer(
            "寿光农资",
            json!({
                "ownerId": w.people[0].staff_id, "territoryId": w.territories[0],
                "channelType": "retailer",
            }),
        ))
        .expect("card")
        .card;
    let id: CustomerId = card.id;
    office
        .set_grade(&GradeChange { customer_id: id, scale: GradeScale::Credit, grade: Some("C".into()), reason: None })
        .expect("credit grade");
    // Issued in July, due in August: far past the grade's 60 days by November.
    office
        .record_invoice(&InvoiceInput {
            customer_id: id,
            number: "INV-0701".into(),
            issued_on: "2026-07-01".into(),
            due_on: Some("2026-08-01".into()),
            amount: 300_000,
        })
        .expect("invoice");
    office
        .record_payment(&PaymentInput {
            customer_id: id,
            number: "PAY-0801".into(),
            paid_on: "2026-08-05".into(),
            amount: 100_000,
            kind: PaymentKind::Cash,
            invoices: vec![PaymentMatch { invoice_number: "INV-0701".into(), amount: 100_000 }],
        })
        .expect("payment");
    id
}

/// Head office gives the card a large limit and books a payment of `paid`
/// (fen) that names no invoice: with `setting`'s 200,000 open, the customer
/// owes nothing overdue (and is `paid - 200,000` ahead).
fn good_credit(w: &World, customer: CustomerId, paid: i64) {
    w.office.book.set_credit_limit(customer, Some(10_000_000), Some("大客户")).expect("limit");
    w.office
        .book
        .record_payment(&PaymentInput {
            customer_id: customer,
            number: "PAY-1101".into(),
            paid_on: "2026-11-01".into(),
            amount: paid,
            kind: PaymentKind::Cash,
            invoices: vec![],
        })
        .expect("paid");
}

fn order(customer: CustomerId, cases: u32, units: u32, submit: bool) -> OrderInput {
    OrderInput {
        customer_id: customer,
        payment_kind: PaymentKind::Credit,
        address_id: None,
        delivery_address: Some("寿光市农圣街 18 号（仓库）".into()),
        wanted_on: Some("2026-11-05".into()),
        notes: None,
        lines: vec![OrderLineInput { product: "A01".into(), cases, units, unit_price: None, gift: false }],
        submit,
    }
}

fn problem(result: Result<impl std::fmt::Debug, fieldcrm_core::ApiError>) -> String {
    let err = result.expect_err("refused");
    err.problems.first().map(|p| p.code.to_string()).unwrap_or_else(|| {
        serde_json::to_value(err.code).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    })
}

#[test]
fn a_held_order_is_reviewed_corrected_approved_and_the_rep_sees_it_after_the_next_file() {
    let w = World::new(1);
    let customer = setting(&w);
    w.settle();
    let rep = &w.people[0];

    // Offline at the customer: the price comes from the list, the check holds it.
    let quote = rep.book.quote_order(&order(customer, 2, 5, false), None).expect("quote");
    assert_eq!((quote.total, quote.lines[0].unit_price, quote.lines[0].quantity), (29 * 9_000, 9_000, 29));
    assert_eq!(quote.lines[0].flags, vec![LineFlag::NotWholeCases]);
    assert!(quote.credit.hold);
    assert_eq!(quote.credit.reasons[0].kind, HoldReasonKind::OverdueDebt);
    assert_eq!(quote.credit.overdue, 200_000, "300,000 invoiced, 100,000 paid against it");
    let captured = rep.book.create_order(&order(customer, 2, 5, true)).expect("capture");
    assert!(captured.credit_hold, "saved on hold, not refused: the rep is offline");
    assert_eq!((captured.status, captured.number.as_deref()), (OrderStatus::Submitted, None));

    // The laptop refuses what head office would, with the same codes.
    assert_eq!(problem(rep.book.set_order_status(captured.id, OrderStatus::Approved, None)), "review_by_office");
    assert_eq!(problem(rep.book.update_order(captured.id, &order(customer, 3, 0, true))), "order_under_review");
    assert_eq!(problem(rep.book.release_order_hold(captured.id, Some("熟客"))), "release_by_manager");

    w.send(0).expect("send");
    let office = &w.office.book;
    let review =
        office.list_orders(&OrderQuery { view: OrderView::Review, customer_id: None, limit: None }).expect("queue");
    assert_eq!(review.len(), 1);
    assert_eq!(review[0].number.as_deref(), Some("SO00000001"), "numbered at its first merge");
    let id = review[0].id;
    // Head office reviews the rep's order; it does not edit it as its author would.
    let at_office = office.get_order(id).expect("order");
    assert!(at_office.can_review && !at_office.can_edit);
    assert!(captured.can_cancel && !captured.can_edit && !captured.can_review, "the rep may only withdraw it now");
    assert_eq!(problem(office.set_order_status(id, OrderStatus::Approved, None)), "on_hold");
    assert_eq!(problem(office.release_order_hold(id, Some("  "))), "reason_needed");
    office.release_order_hold(id, Some("客户承诺本周回款")).expect("release");
    let line = office.get_order(id).expect("order").lines[0].id.clone();
    let corrected = office.correct_order_line(id, &line, Some(36), None, Some("按整箱发货")).expect("correct");
    assert_eq!((corrected.total, corrected.lines[0].flags.clone()), (36 * 9_000, vec![]));
    office.set_order_status(id, OrderStatus::Approved, None).expect("approve");

    w.receive(0).expect("receive");
    let seen = rep.book.get_order(id).expect("the rep's order");
    assert_eq!(seen.status, OrderStatus::Approved);
    assert_eq!(seen.number.as_deref(), Some("SO00000001"));
    assert_eq!((seen.lines[0].quantity, seen.lines[0].cases, seen.lines[0].units), (36, 3, 0));
    assert!(!seen.credit_hold);
    assert_eq!(seen.hold_release_reason.as_deref(), Some("客户承诺本周回款"));
    let changes: Vec<_> = seen
        .history
        .iter()
        .map(|n| (n.what.as_str(), n.old_value.as_deref(), n.new_value.as_deref(), n.reason.as_deref()))
        .collect();
    assert!(changes.contains(&("quantity:金装奶粉", Some("29"), Some("36"), Some("按整箱发货"))), "{changes:?}");
    assert!(changes.iter().any(|c| c.0 == "status" && c.2 == Some("approved")), "{changes:?}");
    assert_eq!(problem(rep.book.set_order_status(id, OrderStatus::Cancelled, Some("不要了"))), "order_closed");
    assert!(rep.book.rejections().expect("rejections").is_empty());
}

#[test]
fn a_withdrawal_that_crosses_the_approval_is_refused_and_shown_to_the_rep() {
    let w = World::new(1);
    let customer = setting(&w);
    good_credit(&w, customer, 250_000);
    w.settle();
    let rep = &w.people[0];
    let credit = rep.book.customer_credit(customer).expect("credit");
    assert_eq!((credit.balance, credit.overdue, credit.limit), (-50_000, 0, Some(10_000_000)));
    let captured = rep.book.create_order(&order(customer, 3, 0, true)).expect("capture");
    assert!(!captured.credit_hold, "{:?}", captured.hold_reasons);
    w.send(0).expect("send");
    w.office.book.set_order_status(captured.id, OrderStatus::Approved, None).expect("approve");
    // Offline, before head office's file: the rep withdraws it.
    rep.book
        .set_order_status(captured.id, OrderStatus::Cancelled, Some("客户改主意"))
        .expect("withdrawn on the laptop");
    let report = w.send(0).expect("send");
    assert!(report.rejected >= 1, "{report:?}");
    assert_eq!(w.office.book.get_order(captured.id).expect("order").status, OrderStatus::Approved);
    w.receive(0).expect("receive");
    assert_eq!(
        rep.book.get_order(captured.id).expect("order").status,
        OrderStatus::Approved,
        "head office's approval stands"
    );
    let told = rep.book.rejections().expect("rejections");
    assert!(told.iter().any(|r| r.table == "sales_order" && r.reason == "order_closed"), "{told:?}");
}

#[test]
fn bad_orders_are_refused_whole_and_leave_the_book_as_it_was() {
    let w = World::new(1);
    let customer = setting(&w);
    w.settle();
    let rep = &w.people[0];
    let mut bad = order(customer, 0, 0, true);
    bad.lines.push(OrderLineInput { product: "NOPE".into(), cases: 1, units: 0, unit_price: None, gift: false });
    bad.lines.push(OrderLineInput { product: "A01".into(), cases: 1, units: 0, unit_price: Some(8_000), gift: false });
    bad.wanted_on = Some("2026-10-01".into());
    let err = rep.book.create_order(&bad).expect_err("refused");
    let codes: Vec<_> = err.problems.iter().map(|p| (p.field.as_str(), p.code.to_string())).collect();
    assert_eq!(
        codes,
        vec![
            ("lines.0", "required".to_string()),
            ("lines.1", "unknown_product".to_string()),
            ("lines.2", "below_floor".to_string()),
            ("wantedOn", "before_today".to_string()),
        ]
    );
    assert!(rep
        .book
        .list_orders(&OrderQuery { view: OrderView::All, customer_id: None, limit: None })
        .expect("list")
        .is_empty());
    // An address of another customer.
    let other = w.office.book.create_customer(&customer_with_address(&w)).expect("other").card;
    w.settle();
    let address = other.addresses[0].id.to_string();
    let mut wrong = order(customer, 1, 0, false);
    wrong.delivery_address = None;
    wrong.address_id = Some(address);
    assert_eq!(problem(rep.book.create_order(&wrong)), "other_customers_address");
    // A payment naming more than it pays, an invoice due before it was issued.
    let office = &w.office.book;
    let err = office
        .record_payment(&PaymentInput {
            customer_id: customer,
            number: "PAY-X".into(),
            paid_on: "2026-11-02".into(),
            amount: 100,
            kind: PaymentKind::Cash,
            invoices: vec![PaymentMatch { invoice_number: "INV-0701".into(), amount: 200 }],
        })
        .expect_err("refused");
    assert_eq!(err.problems[0].code.to_string(), "out_of_range");
    let err = office
        .record_invoice(&InvoiceInput {
            customer_id: customer,
            number: "INV-X".into(),
            issued_on: "2026-11-02".into(),
            due_on: Some("2026-11-01".into()),
            amount: 100,
        })
        .expect_err("refused");
    assert_eq!(err.problems[0].code.to_string(), "before_from");
    assert_eq!(office.customer_statement(customer).expect("statement").entries.len(), 2, "nothing half-saved");
    // Receivables are head office's data: a laptop refuses to write them.
    assert!(rep
        .book
        .record_invoice(&InvoiceInput {
            customer_id: customer,
            number: "INV-R".into(),
            issued_on: "2026-11-02".into(),
            due_on: None,
            amount: 100,
        })
        .is_err());
}

fn customer_with_address(w: &World) -> fieldcrm_core::api::NewCustomer {
    let mut c = customer("青州农资", json!({ "ownerId": w.people[0].staff_id, "territoryId": w.territories[0] }));
    c.addresses =
        vec![serde_json::from_value(json!({ "kind": "delivery", "detail": "青州市云门山路 1 号" })).expect("address")];
    c
}

#[test]
fn partial_shipments_leave_a_backorder_the_rep_sees_and_a_late_order_shows_on_the_lists() {
    use calamine::{Data, DataType, Reader};
    use fieldcrm_core::money::shipping::{ShipmentInput, ShipmentLineInput, ShippingState};

    let w = World::new(1);
    let customer = setting(&w);
    w.settle();
    let rep = &w.people[0];
    let captured = rep.book.create_order(&order(customer, 3, 0, true)).expect("capture");
    w.send(0).expect("send");
    let office = &w.office.book;
    office.release_order_hold(captured.id, Some("老客户")).expect("release");
    let approved = office.set_order_status(captured.id, OrderStatus::Approved, None).expect("approve");
    // Approved on Monday 2026-11-02 (business day): out by Thursday.
    assert_eq!(
        (approved.shipping, approved.ship_by.as_deref(), approved.late),
        (Some(ShippingState::NotShipped), Some("2026-11-05"), false)
    );
    let line = approved.lines[0].id.clone();
    let part = |units: u32| ShipmentInput {
        order_id: captured.id,
        shipped_on: None,
        number: Some("FH-001".into()),
        carrier: Some("顺丰".into()),
        notes: None,
        lines: vec![ShipmentLineInput { order_line_id: line.clone(), quantity: units }],
    };
    assert_eq!(problem(rep.book.record_shipment(&part(24))), "forbidden", "a laptop does not record shipments");
    let shipped = office.record_shipment(&part(24)).expect("ship two cases");
    assert_eq!(
        (shipped.shipping, shipped.lines[0].shipped, shipped.lines[0].backorder),
        (Some(ShippingState::Partly), 24, 12)
    );
    assert_eq!(problem(office.record_shipment(&part(13))), "more_than_ordered");
    let credit = office.customer_credit(customer).expect("credit");
    assert_eq!(credit.open_orders, 12 * 9_000, "what is still to ship counts against the limit, not what was shipped");

    // The shipping list: the receiving details, the real address in brackets, totals that add up.
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("发货清单.xlsx");
    office.write_shipping_list(captured.id, &path).expect("sheet");
    let mut book = calamine::open_workbook_auto(&path).expect("open");
    let range = book.worksheet_range("发货清单").expect("sheet");
    let text: Vec<String> = range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(text.iter().any(|t| t == "（寿光市农圣街 18 号（仓库））"), "{text:?}");
    assert!(text.iter().any(|t| t.contains("SO00000001")), "{text:?}");
    let total_row =
        range.rows().find(|r| matches!(r.first(), Some(Data::String(s)) if s == "合计")).expect("total row");
    assert_eq!((total_row[6].as_f64(), total_row[8].as_f64()), (Some(36.0), Some(36.0 * 90.0)));
    assert!(text.iter().any(|t| t.contains("欠货 12")), "{text:?}");

    w.receive(0).expect("receive");
    let seen = rep.book.get_order(captured.id).expect("order");
    assert_eq!((seen.lines[0].shipped, seen.lines[0].backorder, seen.shipments.len()), (24, 12, 1));
    let backorders = rep
        .book
        .list_orders(&OrderQuery { view: OrderView::Backorders, customer_id: None, limit: None })
        .expect("list");
    assert_eq!(backorders.len(), 1);

    // Friday: the rest has not left by Thursday, so the order is late.
    w.advance(chrono::Duration::days(4));
    let late = office.list_orders(&OrderQuery { view: OrderView::Late, customer_id: None, limit: None }).expect("late");
    assert_eq!((late.len(), late[0].late), (1, true));
    let done = office.cancel_backorder(captured.id, &line).expect("cancel the rest");
    assert_eq!((done.shipping, done.lines[0].cancelled, done.late), (Some(ShippingState::Shipped), 12, false));
    assert_eq!(problem(office.record_shipment(&ShipmentInput { lines: vec![], ..part(1) })), "nothing_to_ship");
    assert!(office
        .list_orders(&OrderQuery { view: OrderView::Late, customer_id: None, limit: None })
        .expect("late")
        .is_empty());
}

#[test]
fn invoices_and_payments_come_from_the_erps_spreadsheets_with_a_dry_run_and_refusals_by_row() {
    use fieldcrm_core::import::{Cancel, ImportRequest, RowAction};
    use fieldcrm_core::model::ImportKind;

    let w = World::new(1);
    let customer = setting(&w);
    let office = &w.office.book;
    let code = office.customer(customer).expect("card").fields["code"].as_str().expect("code").to_string();
    let dir = tempfile::tempdir().expect("dir");
    let invoices = dir.path().join("应收发票.csv");
    std::fs::write(
        &invoices,
        format!(
            "客户编码,发票号,开票日期,到期日,价税合计\n\
             {code},INV-0901,2026-09-01,2026-10-01,\"1,500.00\"\n\
             {code},INV-1001,2026-10-01,,800\n\
             C9999999,INV-1002,2026-10-02,,100\n\
             {code},INV-1003,2026-10-03,2026-10-01,100\n\
             {code},INV-0901,2026-09-01,2026-10-01,1500\n"
        ),
    )
    .expect("file");
    let request = ImportRequest::new(invoices.display().to_string(), ImportKind::Invoices);
    let dry = office.import(&request, false, &mut |_| {}, &Cancel::default()).expect("dry run");
    assert_eq!((dry.created, dry.refused, dry.committed), (2, 3, false));
    let refused: Vec<(u32, String, String)> = dry
        .outcomes
        .iter()
        .filter(|o| o.action == RowAction::Refuse)
        .map(|o| (o.row, o.problems[0].field.clone(), o.problems[0].code.to_string()))
        .collect();
    assert_eq!(
        refused,
        vec![
            (4, "客户编码".into(), "unknown_customer".into()),
            (5, "到期日".into(), "before_from".into()),
            (6, "发票号".into(), "repeated".into()),
        ]
    );
    assert_eq!(office.customer_statement(customer).expect("statement").entries.len(), 2, "a dry run writes nothing");
    let done = office.import(&request, true, &mut |_| {}, &Cancel::default()).expect("commit");
    assert_eq!((done.created, done.refused), (2, 3));
    let again = office.import(&request, true, &mut |_| {}, &Cancel::default()).expect("again");
    assert_eq!((again.created, again.unchanged), (0, 2), "the same invoices again change nothing");

    let payments = dir.path().join("回款.csv");
    std::fs::write(
        &payments,
        "客户名称,收款单号,收款日期,收款金额,款项类型,核销发票号\n\
         寿光农资,PAY-0910,2026-10-10,500,现金,INV-1001\n\
         寿光农资,PAY-0920,2026-10-20,300,费用,\n\
         寿光农资,PAY-0930,2026-10-30,300,现金,INV-9999\n\
         寿光农资,PAY-0940,2026-10-30,300,赊账,\n",
    )
    .expect("file");
    let request = ImportRequest::new(payments.display().to_string(), ImportKind::Payments);
    let done = office.import(&request, true, &mut |_| {}, &Cancel::default()).expect("payments");
    assert_eq!((done.created, done.refused), (2, 2));
    let refused: Vec<(String, String)> = done
        .outcomes
        .iter()
        .filter(|o| o.action == RowAction::Refuse)
        .map(|o| (o.problems[0].field.clone(), o.problems[0].code.to_string()))
        .collect();
    assert_eq!(
        refused,
        vec![("核销发票号".into(), "unknown_ref".into()), ("款项类型".into(), "unknown_choice".into())]
    );
    let statement = office.customer_statement(customer).expect("statement");
    let open: Vec<(String, Option<i64>)> =
        statement.entries.iter().filter(|e| e.open.is_some()).map(|e| (e.number.clone(), e.open)).collect();
    // PAY-0910 pays INV-1001 as the file says; PAY-0920 (expenses) goes to the oldest, INV-0701.
    assert_eq!(
        open,
        vec![("INV-0701".into(), Some(170_000)), ("INV-0901".into(), Some(150_000)), ("INV-1001".into(), Some(30_000))]
    );
    assert_eq!((statement.paid_cash, statement.paid_expense), (150_000, 30_000));
    // A laptop does not import head office's receivables.
    w.settle();
    let err = w.people[0].book.import(&request, false, &mut |_| {}, &Cancel::default()).expect_err("refused");
    assert_eq!(err.code, fieldcrm_core::ErrorCode::Forbidden);
}

/// A sales administrator paired with the region (对口销管), on a book of
/// their own: head office adds them and enrols their laptop.
fn administrator(w: &mut World) -> usize {
    let root = w.office.book.status().expect("status").profile.expect("profile").org_unit_id;
    w.join(&fieldcrm_core::api::NewStaff {
        name: "销管小刘".into(),
        role: fieldcrm_core::model::StaffRole::SalesAdmin,
        org_unit_id: root,
        phone: None,
        regions: Some(vec![w.region.parse().expect("region id")]),
    })
}

#[test]
fn a_sales_administrator_reviews_and_ships_their_regions_orders_on_their_own_book() {
    use fieldcrm_core::money::shipping::{ShipmentInput, ShipmentLineInput};

    let mut w = World::new(1);
    let customer = setting(&w);
    // A card of another region, with an order head office captured for it.
    let office = &w.office.book;
    let root = office.status().expect("status").profile.expect("profile").org_unit_id;
    let elsewhere = office
        .add_org_unit(&fieldcrm_core::api::NewOrgUnit {
            parent_id: Some(root),
            kind: fieldcrm_core::model::OrgUnitKind::Territory,
            name: "临沂片区".into(),
            code: None,
        })
        .expect("unit");
    let other = office
        .create_customer(&world::customer(
            "临沂农资",
            json!({ "ownerId": w.office.staff_id, "territoryId": elsewhere.id, "channelType": "retailer" }),
        ))
        .expect("card")
        .card;
    let mut theirs = order(other.id, 1, 0, true);
    theirs.payment_kind = PaymentKind::Cash;
    let elsewhere_order = office.create_order(&theirs).expect("another region's order").id;
    let admin = administrator(&mut w);
    w.settle();
    let (rep, clerk) = (&w.people[0], &w.people[admin]);
    assert!(clerk.book.status().expect("status").reviews_orders);
    assert!(!rep.book.status().expect("status").reviews_orders);

    let captured = rep.book.create_order(&order(customer, 2, 5, true)).expect("capture");
    assert!(captured.credit_hold);
    w.send(0).expect("send");
    w.receive(admin).expect("the administrator's file");
    let queue =
        clerk.book.list_orders(&OrderQuery { view: OrderView::Review, customer_id: None, limit: None }).expect("queue");
    assert_eq!(
        queue.iter().map(|o| o.customer_name.as_str()).collect::<Vec<_>>(),
        vec!["寿光农资"],
        "their region's orders only"
    );
    // The other region's order and card never reach the administrator's book.
    assert_eq!(problem(clerk.book.get_order(elsewhere_order)), "not_found");
    assert_eq!(problem(clerk.book.customer(other.id)), "not_found");
    let id = queue[0].id;
    let at_admin = clerk.book.get_order(id).expect("order");
    assert!(at_admin.can_review && at_admin.can_release && !at_admin.can_edit);

    // Released, corrected, approved, shipped in part, on the administrator's laptop.
    clerk.book.release_order_hold(id, Some("客户承诺本周回款")).expect("release");
    let line = at_admin.lines[0].id.clone();
    clerk.book.correct_order_line(id, &line, Some(36), None, Some("按整箱发货")).expect("correct");
    clerk.book.set_order_status(id, OrderStatus::Approved, None).expect("approve");
    clerk
        .book
        .record_shipment(&ShipmentInput {
            order_id: id,
            shipped_on: None,
            number: Some("FH-1".into()),
            carrier: None,
            notes: None,
            lines: vec![ShipmentLineInput { order_line_id: line.clone(), quantity: 24 }],
        })
        .expect("ship two cases");
    // The third case will not come: cancelled in the same file as the approval.
    clerk.book.cancel_backorder(id, &line).expect("cancel the rest");
    // What is not sales administration's is refused on the laptop, as head office would.
    assert_eq!(
        problem(clerk.book.record_invoice(&InvoiceInput {
            customer_id: customer,
            number: "INV-9".into(),
            issued_on: "2026-11-02".into(),
            due_on: None,
            amount: 100,
        })),
        "forbidden"
    );
    let edit: fieldcrm_core::api::CardEdit = serde_json::from_value(json!({
        "customerId": customer, "changes": [{ "field": "phone", "value": "13900000000" }],
    }))
    .expect("edit");
    assert_eq!(problem(clerk.book.edit_customer(&edit)), "fields_data");

    let report = w.send(admin).expect("the administrator's file");
    assert_eq!(report.rejected, 0, "{report:?}");
    let at_office = w.office.book.get_order(id).expect("at head office");
    assert_eq!(
        (at_office.status, at_office.lines[0].quantity, at_office.lines[0].shipped, at_office.lines[0].cancelled),
        (OrderStatus::Approved, 36, 24, 12)
    );
    w.receive(0).expect("the rep's file");
    let seen = rep.book.get_order(id).expect("the rep's order");
    assert_eq!(
        (seen.status, seen.lines[0].shipped, seen.lines[0].cancelled, seen.lines[0].backorder),
        (OrderStatus::Approved, 24, 12, 0)
    );
    assert_eq!(seen.shipments.len(), 1);
    let changes: Vec<_> = seen.history.iter().map(|n| (n.what.as_str(), n.staff_name.as_str())).collect();
    assert!(changes.contains(&("quantity:金装奶粉", "销管小刘")), "{changes:?}");
}

#[test]
fn a_review_of_an_order_withdrawn_meanwhile_is_refused_at_head_office_and_shown() {
    let mut w = World::new(1);
    let customer = setting(&w);
    let admin = administrator(&mut w);
    good_credit(&w, customer, 250_000);
    w.settle();
    let (rep, clerk) = (&w.people[0], &w.people[admin]);
    let captured = rep.book.create_order(&order(customer, 3, 0, true)).expect("capture");
    w.send(0).expect("send");
    w.receive(admin).expect("receive");
    // The rep withdraws it, and head office has that, while the administrator,
    // offline, approves it.
    rep.book.set_order_status(captured.id, OrderStatus::Cancelled, Some("客户改主意")).expect("withdraw");
    w.send(0).expect("send");
    clerk.book.set_order_status(captured.id, OrderStatus::Approved, None).expect("approved on the laptop");
    let report = w.send(admin).expect("send");
    assert!(report.rejected >= 1, "{report:?}");
    assert_eq!(w.office.book.get_order(captured.id).expect("order").status, OrderStatus::Cancelled);
    w.receive(admin).expect("receive");
    assert_eq!(
        clerk.book.get_order(captured.id).expect("order").status,
        OrderStatus::Cancelled,
        "the withdrawal stands"
    );
    let told = clerk.book.rejections().expect("rejections");
    assert!(told.iter().any(|r| r.table == "sales_order" && r.reason == "order_closed"), "{told:?}");
}

#[test]
fn head_office_runs_the_credit_check_again_when_an_order_arrives() {
    let w = World::new(1);
    let customer = setting(&w);
    good_credit(&w, customer, 200_000);
    w.settle();
    let rep = &w.people[0];
    // Head office records an invoice long overdue that the rep's laptop has not received.
    w.office
        .book
        .record_invoice(&InvoiceInput {
            customer_id: customer,
            number: "INV-0601".into(),
            issued_on: "2026-06-01".into(),
            due_on: Some("2026-07-01".into()),
            amount: 50_000,
        })
        .expect("invoice");
    let captured = rep.book.create_order(&order(customer, 3, 0, true)).expect("capture");
    assert!(!captured.credit_hold, "the laptop knows of no overdue debt: {:?}", captured.hold_reasons);
    w.send(0).expect("send");
    let at_office = w.office.book.get_order(captured.id).expect("order");
    assert!(at_office.credit_hold, "held on arrival");
    assert_eq!(at_office.hold_reasons[0].kind, HoldReasonKind::OverdueDebt);
    w.receive(0).expect("receive");
    let seen = rep.book.get_order(captured.id).expect("the rep's order");
    assert!(seen.credit_hold);
    assert!(seen.history.iter().any(|n| n.what == "hold" && n.new_value.as_deref() == Some("1")), "{:?}", seen.history);
}

#[test]
fn head_offices_promotions_discount_the_price_and_add_gift_lines_while_the_rep_types() {
    use fieldcrm_core::money::promotion::PromotionInput;
    let w = World::new(1);
    let customer = setting(&w);
    let office = &w.office.book;
    office
        .save_product(&ProductInput {
            code: "G01".into(),
            name: "奶粉试用装".into(),
            unit: Some("袋".into()),
            case_size: None,
            list_price: Some(500),
            ..serde_json::from_value(json!({ "code": "G01", "name": "x" })).expect("input")
        })
        .expect("gift product");
    // The order form finds products by code, name or pinyin, best first.
    let found =
        |text: &str| -> Vec<String> { office.find_products(text).expect("find").into_iter().map(|p| p.code).collect() };
    assert_eq!(found("g01"), vec!["G01"], "the code itself");
    assert_eq!(
        found("nf"),
        vec!["G01", "A01"],
        "initials starting with it (奶粉试用装) before initials holding it (金装奶粉)"
    );
    assert_eq!(found("jinzhuang"), vec!["A01"], "full pinyin");
    assert_eq!(found("试用"), vec!["G01"], "the name");
    assert!(found("zzz").is_empty());
    let promotion = |extra: serde_json::Value| -> PromotionInput {
        let mut v = json!({ "name": "双十一", "product": "A01", "validFrom": "2026-11-01", "validTo": "2026-11-30" });
        v.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        serde_json::from_value(v).expect("input")
    };
    // A discount for retailers, and a gift for every whole case.
    office.add_promotion(&promotion(json!({ "discountPercent": 10, "channelType": "retailer" }))).expect("discount");
    office
        .add_promotion(&promotion(
            json!({ "name": "买一箱送两袋", "minUnits": 12, "giftProduct": "G01", "giftUnits": 2 }),
        ))
        .expect("gift");
    // What is wrong is refused whole, with every problem named.
    let err = office
        .add_promotion(&promotion(json!({ "discountPercent": 120, "validTo": "2026-10-01", "channelType": "nope" })))
        .expect_err("refused");
    let fields: Vec<_> = err.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, vec!["discountPercent", "validTo", "channelType"]);
    assert_eq!(problem(office.add_promotion(&promotion(json!({})))), "required", "neither a discount nor a gift");
    assert_eq!(office.promotions(true).expect("list").len(), 2);
    w.settle();
    let rep = &w.people[0];
    assert_eq!(problem(rep.book.add_promotion(&promotion(json!({ "discountPercent": 5 })))), "forbidden");

    // 2 cases and 5 loose tins: 9,000 less 10 %, and 2 × 2 bags free.
    let quote = rep.book.quote_order(&order(customer, 2, 5, false), None).expect("quote");
    let lines: Vec<_> = quote
        .lines
        .iter()
        .map(|l| (l.product_code.as_str(), l.quantity, l.unit_price, l.gift, l.promotion.as_deref()))
        .collect();
    assert_eq!(lines, vec![("A01", 29, 8_100, false, Some("双十一")), ("G01", 4, 0, true, Some("买一箱送两袋"))]);
    assert_eq!(quote.lines[0].flags, vec![LineFlag::NotWholeCases], "the promotion's price is no price difference");
    assert_eq!(quote.total, 29 * 8_100);
    // A typed price is the rep's own: no discount on it, and the review sees it differs.
    let mut typed = order(customer, 2, 0, false);
    typed.lines[0].unit_price = Some(8_800);
    let quote = rep.book.quote_order(&typed, None).expect("quote");
    assert_eq!(
        (quote.lines[0].promotion.as_deref(), quote.lines[0].flags.clone()),
        (None, vec![LineFlag::PriceDiffers])
    );

    let captured = rep.book.create_order(&order(customer, 2, 5, true)).expect("capture");
    assert_eq!(captured.lines.len(), 2);
    w.send(0).expect("send");
    let at_office = w.office.book.get_order(captured.id).expect("order");
    assert_eq!(
        at_office.lines.iter().map(|l| (l.unit_price, l.flags.clone(), l.promotion.clone())).collect::<Vec<_>>(),
        vec![
            (8_100, vec![LineFlag::NotWholeCases], Some("双十一".to_string())),
            (0, vec![], Some("买一箱送两袋".to_string()))
        ]
    );
}
