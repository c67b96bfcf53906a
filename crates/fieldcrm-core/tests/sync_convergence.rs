//! Convergence: five laptops and head office, random edits, grades and route
//! stops, visits, reports and comments, and random delivery of files
//! (reordered, duplicated, delayed, lost and resent). After everyone has
//! exchanged files, every laptop holds exactly the cards its scope allows,
//! identical field by field (grades and route places included) to head
//! office's, with the same visits; every book has the same routes; each rep
//! holds exactly their own reports and the manager everyone's, with the same
//! comments; and the same orders of every card it holds, with their review,
//! holds, corrections and shipments; and the same targets of every rep it
//! sees, with their breakdowns, approvals and reallocations.

#[path = "sync/world.rs"]
mod world;

use chrono::Duration;
use fieldcrm_core::api::classify::{RouteStops, StopMove};
use fieldcrm_core::api::{CardEdit, NewRecord, RecordKind};
use fieldcrm_core::approval::{ChainInput, DecisionInput, ProposalBox, ProposalInput, Terms};
use fieldcrm_core::card::FieldChange;
use fieldcrm_core::error::ProblemCode;
use fieldcrm_core::fieldwork::records::{NewVisit, RecordQuery};
use fieldcrm_core::fieldwork::reports::{ReportListQuery, ReportQuery, ReportSummaryInput};
use fieldcrm_core::grades::{GradeChange, GradeScale};
use fieldcrm_core::ids::{CustomerId, OrderId};
use fieldcrm_core::model::ReportKind;
use fieldcrm_core::model::{ApprovalLevel, ProposalKind, Verdict};
use fieldcrm_core::model::{OrderStatus, PaymentKind};
use fieldcrm_core::money::order::{OrderInput, OrderLineInput, OrderQuery, OrderView};
use fieldcrm_core::money::shipping::{ShipmentInput, ShipmentLineInput};
use fieldcrm_core::routes::NewRoute;
use fieldcrm_core::search::CustomerQuery;
use proptest::prelude::*;
use serde_json::{json, Value};
use world::{cards, customer, World};

const REPS: usize = 4;

#[derive(Debug, Clone)]
enum Op {
    /// A rep proposes to open one of their prospects, or a credit limit for
    /// one of their cards (approvals).
    Propose {
        who: usize,
        card: usize,
        limit: bool,
    },
    /// The manager or head office approves, returns or rejects a proposal
    /// waiting for them (refusals are expected and checked).
    Decide {
        office: bool,
        pick: usize,
        step: u8,
    },
    /// A rep changes one of their proposals (a new revision, decided again).
    Revise {
        who: usize,
        pick: usize,
    },
    /// A person captures an order for a card they hold (a draft or submitted,
    /// in cash or on credit; a card without credit terms holds credit orders).
    Order {
        who: usize,
        card: usize,
        cases: u8,
        submit: bool,
        credit: bool,
    },
    /// An author moves one of their orders on: submits it, withdraws or
    /// cancels it, or rewrites it (refusals are expected and checked).
    OrderStep {
        who: usize,
        pick: usize,
        step: u8,
    },
    /// Head office's sales administration: releases a hold and approves,
    /// returns, corrects a line, ships part, cancels a backorder.
    Review {
        pick: usize,
        step: u8,
    },
    Create {
        who: usize,
        name: u8,
    },
    Edit {
        who: usize,
        card: usize,
        field: usize,
        value: u8,
    },
    AddPerson {
        who: usize,
        card: usize,
        name: u8,
    },
    RemovePerson {
        who: usize,
        card: usize,
    },
    /// The manager hands a card to a rep (maybe in the other territory).
    Reassign {
        card: usize,
        to: usize,
    },
    OfficeEdit {
        card: usize,
        field: usize,
        value: u8,
    },
    /// A rep puts one of their cards on their route (made on first use) at a place.
    Stop {
        who: usize,
        card: usize,
        position: u8,
    },
    /// The manager moves a stop of one of the team's routes.
    MoveStop {
        route: usize,
        stop: usize,
        position: u8,
    },
    /// The manager grades a card.
    Grade {
        card: usize,
        grade: usize,
    },
    /// Someone logs a visit (with a next step) on one of the cards in their book.
    Visit {
        who: usize,
        card: usize,
    },
    /// A rep submits today's daily report (once; later tries are refused).
    Report {
        who: usize,
    },
    /// The manager comments on one of the team's reports.
    Comment {
        report: usize,
        text: u8,
    },
    /// A rep works on their breakdown to their cards: saves a proposal,
    /// submits, withdraws, or proposes a reallocation between two cards
    /// (refusals are expected and checked).
    Target {
        who: usize,
        step: u8,
    },
    /// The manager (or head office) decides a rep's breakdown or reallocation.
    TargetDecision {
        office: bool,
        pick: usize,
        step: u8,
    },
    /// A rep plans the 旬 (a saved draft, or submitted), or forecasts the
    /// next three months (refusals are expected and checked).
    PlanStep {
        who: usize,
        step: u8,
    },
    /// The manager comments on a rep's plan.
    PlanComment {
        pick: usize,
        text: u8,
    },
    /// A laptop writes its file; it travels to head office later (or never).
    Export {
        who: usize,
    },
    /// Head office writes someone's file.
    OfficeExport {
        who: usize,
    },
    /// A file in transit arrives; `keep` leaves a copy in transit (it will arrive again).
    DeliverToOffice {
        pick: usize,
        keep: bool,
    },
    DeliverToLaptop {
        who: usize,
        pick: usize,
        keep: bool,
    },
    /// A file in transit is lost.
    Lose {
        pick: usize,
    },
    Wait {
        minutes: u16,
    },
    /// Someone's laptop clock jumps (wrong by up to days).
    Skew {
        who: usize,
        hours: i16,
    },
}

const FIELDS: &[&str] = &["phone", "notes", "shortName", "serviceArea"];
const GRADES: &[&str] = &["A", "B", "C", "D"];

fn op() -> impl Strategy<Value = Op> {
    let who = 0..=REPS;
    prop_oneof![
        3 => (0..REPS, any::<u8>()).prop_map(|(who, name)| Op::Create { who, name }),
        2 => (who.clone(), any::<usize>(), any::<u8>(), any::<bool>(), any::<bool>())
            .prop_map(|(who, card, cases, submit, credit)| Op::Order { who, card, cases, submit, credit }),
        2 => (who.clone(), any::<usize>(), any::<u8>()).prop_map(|(who, pick, step)| Op::OrderStep { who, pick, step }),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(pick, step)| Op::Review { pick, step }),
        2 => (0..REPS, any::<u8>()).prop_map(|(who, step)| Op::Target { who, step }),
        2 => (any::<bool>(), any::<usize>(), any::<u8>()).prop_map(|(office, pick, step)| Op::TargetDecision { office, pick, step }),
        2 => (0..REPS, any::<u8>()).prop_map(|(who, step)| Op::PlanStep { who, step }),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(pick, text)| Op::PlanComment { pick, text }),
        2 => (0..REPS, any::<usize>(), any::<bool>()).prop_map(|(who, card, limit)| Op::Propose { who, card, limit }),
        2 => (any::<bool>(), any::<usize>(), any::<u8>()).prop_map(|(office, pick, step)| Op::Decide { office, pick, step }),
        1 => (0..REPS, any::<usize>()).prop_map(|(who, pick)| Op::Revise { who, pick }),
        6 => (who.clone(), any::<usize>(), 0..FIELDS.len(), any::<u8>()).prop_map(|(who, card, field, value)| Op::Edit { who, card, field, value }),
        2 => (who.clone(), any::<usize>(), any::<u8>()).prop_map(|(who, card, name)| Op::AddPerson { who, card, name }),
        1 => (who.clone(), any::<usize>()).prop_map(|(who, card)| Op::RemovePerson { who, card }),
        2 => (any::<usize>(), 0..REPS).prop_map(|(card, to)| Op::Reassign { card, to }),
        1 => (any::<usize>(), 0..FIELDS.len(), any::<u8>()).prop_map(|(card, field, value)| Op::OfficeEdit { card, field, value }),
        2 => (0..REPS, any::<usize>(), any::<u8>()).prop_map(|(who, card, position)| Op::Stop { who, card, position }),
        2 => (any::<usize>(), any::<usize>(), any::<u8>()).prop_map(|(route, stop, position)| Op::MoveStop { route, stop, position }),
        1 => (any::<usize>(), 0..GRADES.len()).prop_map(|(card, grade)| Op::Grade { card, grade }),
        2 => (who.clone(), any::<usize>()).prop_map(|(who, card)| Op::Visit { who, card }),
        1 => (0..REPS).prop_map(|who| Op::Report { who }),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(report, text)| Op::Comment { report, text }),
        4 => who.clone().prop_map(|who| Op::Export { who }),
        3 => who.clone().prop_map(|who| Op::OfficeExport { who }),
        5 => (any::<usize>(), any::<bool>()).prop_map(|(pick, keep)| Op::DeliverToOffice { pick, keep }),
        5 => (who.clone(), any::<usize>(), any::<bool>()).prop_map(|(who, pick, keep)| Op::DeliverToLaptop { who, pick, keep }),
        1 => any::<usize>().prop_map(|pick| Op::Lose { pick }),
        2 => (1u16..600).prop_map(|minutes| Op::Wait { minutes }),
        1 => (who, -72i16..72).prop_map(|(who, hours)| Op::Skew { who, hours }),
    ]
}

fn quiet(_: fieldcrm_core::sync::Progress) {}

fn ids(book: &fieldcrm_core::Book) -> Vec<CustomerId> {
    cards(book).keys().map(|k| k.parse().expect("id")).collect()
}

/// Every route in a book (they travel to every book), without the stop counts
/// (which count only the cards a book holds).
fn routes(book: &fieldcrm_core::Book) -> Vec<(String, String, String)> {
    book.routes(None).expect("routes").into_iter().map(|r| (r.id.to_string(), r.name, r.owner_id.to_string())).collect()
}

/// Now on a person's clock, as a form sends it.
fn visit_now(person: &world::Person) -> String {
    use fieldcrm_core::Clock;
    person.clock.now().to_rfc3339()
}

/// A card's visits in a book: who logged them and what they found.
fn visits(book: &fieldcrm_core::Book, id: CustomerId) -> Vec<(String, String, Option<String>)> {
    let query = RecordQuery { customer_id: Some(id), limit: Some(5000), ..Default::default() };
    let mut list: Vec<_> = book
        .visits(&query)
        .expect("visits")
        .into_iter()
        .map(|v| (v.id.to_string(), v.staff_id.to_string(), v.purpose))
        .collect();
    list.sort();
    list
}

/// An author's submitted reports in a book, with their comments.
fn reports(book: &fieldcrm_core::Book, author: &str) -> Vec<(String, Option<String>, Vec<String>)> {
    let query =
        ReportListQuery { staff_id: Some(author.parse().expect("staff")), limit: Some(5000), ..Default::default() };
    let mut list: Vec<_> = book
        .reports(&query)
        .expect("reports")
        .into_iter()
        .map(|line| {
            let report = book
                .report(&ReportQuery {
                    kind: line.kind,
                    day: Some(line.period_start.clone()),
                    staff_id: Some(line.author_id),
                })
                .expect("report");
            (line.id.to_string(), line.summary, report.comments.into_iter().map(|c| c.body).collect())
        })
        .collect();
    list.sort();
    list
}

/// An order as every book that holds its card must show it: what was
/// ordered, its review, holds and shipments (not what depends on the book's
/// clock or on who looks).
fn order_view(book: &fieldcrm_core::Book, id: OrderId) -> Value {
    let o = book.get_order(id).expect("order");
    json!({
        "number": o.number, "status": o.status, "kind": o.payment_kind, "total": o.total,
        "hold": o.credit_hold, "reasons": o.hold_reasons, "released": o.hold_release_reason,
        "address": o.delivery_address, "returned": o.return_reason, "cancelled": o.cancel_reason,
        "lines": o.lines.iter().map(|l| json!([l.product_code, l.quantity, l.unit_price, l.shipped, l.cancelled])).collect::<Vec<_>>(),
        "notes": o.history.iter().map(|n| json!([n.what, n.old_value, n.new_value, n.reason])).collect::<Vec<_>>(),
        "shipments": o.shipments.iter().map(|s| s.lines.iter().map(|l| l.quantity).sum::<u32>()).collect::<Vec<_>>(),
    })
}

/// The orders of a card in a book, by id.
fn card_orders(book: &fieldcrm_core::Book, card: CustomerId) -> std::collections::BTreeMap<String, Value> {
    let query = OrderQuery { view: OrderView::All, customer_id: Some(card), limit: None };
    book.list_orders(&query).expect("orders").into_iter().map(|r| (r.id.to_string(), order_view(book, r.id))).collect()
}

/// A refusal the rules allow for a step taken on a stale view of an order.
fn expected_refusal(e: &fieldcrm_core::ApiError) -> bool {
    const CODES: &[&str] = &[
        "bad_status_change",
        "order_under_review",
        "order_closed",
        "review_by_office",
        "not_author",
        "not_submitted",
        "on_hold",
        "not_approved",
        "more_than_ordered",
        "nothing_to_ship",
        "not_on_hold",
    ];
    e.problems.iter().any(|p| CODES.contains(&p.code.as_str()))
}

fn order_input(card: CustomerId, cases: u32, submit: bool, credit: bool) -> OrderInput {
    OrderInput {
        customer_id: card,
        payment_kind: if credit { PaymentKind::Credit } else { PaymentKind::Cash },
        address_id: None,
        delivery_address: Some("仓库".into()),
        wanted_on: None,
        notes: None,
        lines: vec![OrderLineInput { product: "A01".into(), cases, units: 0, unit_price: None, gift: false }],
        submit,
    }
}

/// The year every book's targets are for.
const YEAR: i32 = 2026;

/// A rep's breakdown as every book that sees it must show it (not what
/// depends on who looks).
fn target_view(book: &fieldcrm_core::Book, rep: &str) -> Value {
    let b = book.target_breakdown(YEAR, None, Some(rep)).expect("breakdown");
    json!({
        "months": b.months, "status": b.status, "leave": b.leave_unallocated, "note": b.note,
        "submitted": b.submitted_by, "decided": b.decided_by, "unallocated": b.unallocated,
        "children": b.children.iter().map(|c| json!([c.node.id, c.months, c.has_target, c.status])).collect::<Vec<_>>(),
        "moves": b.moves.iter().map(|m| json!([m.id, m.from.as_ref().map(|n| &n.id), m.to.as_ref().map(|n| &n.id), m.months, m.status, m.decided_by])).collect::<Vec<_>>(),
    })
}

/// The 旬 the reps plan and the month they forecast in (the world's clock
/// starts on 2026-11-02 and moves at most days).
const PLAN_PERIOD: &str = "2026-12-2";
const FORECAST_MONTH: &str = "2026-12";

/// A person's plan and forecast as every book that sees them must show them.
fn plan_view(book: &fieldcrm_core::Book, staff: &str) -> Value {
    let id = staff.parse().expect("staff");
    let p = book.sales_plan(PLAN_PERIOD, Some(id)).expect("plan");
    let f = book.sales_forecast(FORECAST_MONTH, Some(id)).expect("forecast");
    json!({
        "plan": [p.id, p.status, p.note, p.submitted_at],
        "lines": p.lines.iter().filter(|l| l.saved).map(|l| json!([l.customer.id, l.amount, l.visits])).collect::<Vec<_>>(),
        "comments": p.comments.iter().map(|c| json!([c.author, c.body])).collect::<Vec<_>>(),
        "forecast": [f.status, f.submitted_at],
        "forecastLines": f.lines.iter().filter(|l| l.saved).map(|l| json!([l.customer.id, l.amounts])).collect::<Vec<_>>(),
    })
}

/// A refusal the target rules allow for a step taken on a stale view.
fn expected_target_refusal(e: &fieldcrm_core::ApiError) -> bool {
    const CODES: &[&str] = &[
        "target_approved",
        "already_submitted",
        "not_submitted",
        "not_approved",
        "not_adding_up",
        "over_allocated",
        "incomplete",
        "below_sold",
        "bad_status_change",
        "already_resolved",
        "self_approval",
        "not_a_child",
        "no_target",
        "required",
    ];
    e.problems.iter().any(|p| CODES.contains(&p.code.as_str()))
}

/// Head office gives the year to the region, the region to its territories
/// and each territory to its reps, all approved.
fn targets_set(w: &World) {
    use fieldcrm_core::targets::breakdown::{BreakdownInput, ChildTarget};
    let office = &w.office.book;
    office.set_company_target(YEAR, None, &[1_200_000; 12]).expect("company");
    let mut nodes = vec![None];
    while let Some(node) = nodes.pop() {
        let b = office.target_breakdown(YEAR, None, node.as_deref()).expect("breakdown");
        if b.node.kind != fieldcrm_core::model::NodeKind::Unit || b.children.is_empty() {
            continue;
        }
        let children = office
            .propose_breakdown(YEAR, None, &b.node.id, fieldcrm_core::model::BreakdownRule::Equal)
            .expect("proposal");
        nodes.extend(children.iter().map(|c| Some(c.node.clone())));
        let children: Vec<ChildTarget> = children;
        office
            .save_breakdown(&BreakdownInput {
                year: YEAR,
                measure: "revenue".into(),
                node: b.node.id.clone(),
                children,
                leave_unallocated: false,
                submit: true,
            })
            .expect("breakdown approved");
    }
}

/// Head office's chains: a prospect is opened, and a credit limit set, by
/// the regional manager then head office.
fn approval_chains(w: &World) {
    for kind in [ProposalKind::OpenCustomer, ProposalKind::CreditLimit] {
        w.office
            .book
            .set_approval_chain(&ChainInput {
                kind,
                levels: vec![ApprovalLevel::Manager, ApprovalLevel::Office],
                threshold: None,
                above_levels: None,
            })
            .expect("chain");
    }
}

/// A proposal as every book that holds it must show it: status, version,
/// title, whether it took effect, and its whole trail.
type ProposalView = (String, Option<String>, u32, String, bool, Vec<(u32, u32, String, String)>);

fn proposal_view(book: &fieldcrm_core::Book) -> std::collections::BTreeMap<String, ProposalView> {
    book.proposals(ProposalBox::All, 10_000)
        .expect("proposals")
        .into_iter()
        .map(|row| {
            let detail = book.proposal(row.id).expect("detail");
            let trail = detail
                .trail
                .iter()
                .map(|t| (t.revision, t.step, t.verdict.to_string(), t.decided_by.clone()))
                .collect();
            (
                row.id.to_string(),
                (
                    row.status.to_string(),
                    row.customer_id.map(|c| c.to_string()),
                    row.revision,
                    row.title,
                    row.effected_at.is_some(),
                    trail,
                ),
            )
        })
        .collect()
}

fn pick<T: Clone>(items: &[T], i: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[i % items.len()].clone())
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let w = World::new(REPS);
    let manager = REPS;
    // The catalogue every order names, in every book before the first op.
    let product = serde_json::from_value(
        json!({ "code": "A01", "name": "奶粉", "unit": "罐", "caseSize": 12, "listPrice": 9000 }),
    )
    .expect("product");
    w.office.book.save_product(&product).expect("product");
    targets_set(&w);
    approval_chains(&w);
    w.settle();
    let mut to_office: Vec<Vec<u8>> = vec![];
    let mut to_laptop: Vec<Vec<Vec<u8>>> = vec![vec![]; REPS + 1];
    for op in ops {
        match op.clone() {
            Op::Create { who, name } => {
                w.people[who].book.create_customer(&customer(&format!("客户{name}"), json!({}))).expect("create");
            }
            Op::Edit { who, card, field, value } => {
                if let Some(id) = pick(&ids(&w.people[who].book), card) {
                    let change =
                        FieldChange { field: FIELDS[field].into(), expected: None, value: json!(format!("v{value}")) };
                    w.people[who]
                        .book
                        .edit_customer(&CardEdit { customer_id: id, changes: vec![change] })
                        .expect("edit");
                }
            }
            Op::AddPerson { who, card, name } => {
                if let Some(id) = pick(&ids(&w.people[who].book), card) {
                    let fields =
                        serde_json::from_value(json!({"name": format!("联系人{name}"), "role": "contact"})).expect("f");
                    w.people[who]
                        .book
                        .add_record(&NewRecord { customer_id: id, kind: RecordKind::KeyPerson, fields })
                        .expect("add");
                }
            }
            Op::RemovePerson { who, card } => {
                if let Some(id) = pick(&ids(&w.people[who].book), card) {
                    let card = w.people[who].book.customer(id).expect("card");
                    if let Some(p) = card.key_people.first() {
                        w.people[who].book.remove_record(RecordKind::KeyPerson, &p.id).expect("remove");
                    }
                }
            }
            Op::Reassign { card, to } => {
                if let Some(id) = pick(&ids(&w.people[manager].book), card) {
                    let changes = vec![
                        FieldChange { field: "ownerId".into(), expected: None, value: json!(w.people[to].staff_id) },
                        FieldChange {
                            field: "territoryId".into(),
                            expected: None,
                            value: json!(w.territories[to % 2]),
                        },
                    ];
                    w.people[manager].book.edit_customer(&CardEdit { customer_id: id, changes }).expect("reassign");
                }
            }
            Op::OfficeEdit { card, field, value } => {
                if let Some(id) = pick(&ids(&w.office.book), card) {
                    let change =
                        FieldChange { field: FIELDS[field].into(), expected: None, value: json!(format!("hq{value}")) };
                    w.office.book.edit_customer(&CardEdit { customer_id: id, changes: vec![change] }).expect("edit");
                }
            }
            Op::Stop { who, card, position } => {
                let book = &w.people[who].book;
                let staff: fieldcrm_core::ids::StaffId = w.people[who].staff_id.parse().expect("staff id");
                let query = CustomerQuery { owner_id: Some(staff), limit: 500, ..Default::default() };
                let mine: Vec<CustomerId> =
                    book.search_customers(&query).expect("list").rows.into_iter().map(|r| r.id).collect();
                if let Some(id) = pick(&mine, card) {
                    let route = match book.routes(Some(staff)).expect("routes").first() {
                        Some(r) => r.id,
                        None => {
                            let new = NewRoute { name: format!("线路{who}"), ..Default::default() };
                            book.create_route(&new).expect("route").route.id
                        }
                    };
                    let at = Some(u32::from(position) % 8 + 1);
                    book.add_route_stops(&RouteStops { route_id: route, customers: vec![id], at }).expect("stop");
                }
            }
            Op::MoveStop { route, stop, position } => {
                let book = &w.people[manager].book;
                let routes: Vec<_> = book.routes(None).expect("routes").into_iter().filter(|r| r.stops > 0).collect();
                if let Some(r) = pick(&routes, route) {
                    let stops = book.route(r.id).expect("route").stops;
                    if let Some(s) = pick(&stops, stop) {
                        let to = StopMove { customer_id: s.customer_id, position: u32::from(position) % 8 + 1 };
                        book.move_route_stop(&to).expect("move");
                    }
                }
            }
            Op::Grade { card, grade } => {
                if let Some(id) = pick(&ids(&w.people[manager].book), card) {
                    let change = GradeChange {
                        customer_id: id,
                        scale: GradeScale::Customer,
                        grade: Some(GRADES[grade].into()),
                        reason: None,
                    };
                    w.people[manager].book.set_grade(&change).expect("grade");
                }
            }
            Op::Visit { who, card } => {
                let book = &w.people[who].book;
                if let Some(id) = pick(&ids(book), card) {
                    let now = visit_now(&w.people[who]);
                    let visit = NewVisit {
                        customer_id: id,
                        visit_type: "routine".into(),
                        checked_in_at: now.clone(),
                        checked_out_at: Some(now),
                        latitude: None,
                        longitude: None,
                        purpose: Some(format!("拜访{who}")),
                        stock_notes: None,
                        competitor_notes: None,
                        prices_seen: None,
                        problems: None,
                        requests: None,
                        next_step: Some("回访".into()),
                        next_step_due: Some("2099-01-01".into()),
                        planned: false,
                        report_confirmed: None,
                        card_changes: vec![],
                    };
                    book.log_visit(&visit).expect("visit");
                }
            }
            Op::Report { who } => {
                let input = ReportSummaryInput { kind: ReportKind::Daily, day: None, summary: format!("日报{who}") };
                match w.people[who].book.submit_report(&input) {
                    Ok(_) => {}
                    Err(e) => {
                        prop_assert!(e.problems.iter().any(|p| p.code == "already_submitted"), "submitting: {e:?}")
                    }
                }
            }
            Op::Comment { report, text } => {
                let book = &w.people[manager].book;
                let lines = book.reports(&ReportListQuery::default()).expect("reports");
                if let Some(line) = pick(&lines, report) {
                    book.comment_report(line.id, &format!("批注{text}")).expect("comment");
                }
            }
            Op::Order { who, card, cases, submit, credit } => {
                let book = &w.people[who].book;
                if let Some(id) = pick(&ids(book), card) {
                    book.create_order(&order_input(id, u32::from(cases % 4) + 1, submit, credit)).expect("order");
                }
            }
            Op::OrderStep { who, pick: i, step } => {
                let book = &w.people[who].book;
                let mine = book
                    .list_orders(&OrderQuery { view: OrderView::Mine, customer_id: None, limit: None })
                    .expect("mine");
                if let Some(row) = pick(&mine, i) {
                    let done = match step % 3 {
                        0 => book.set_order_status(row.id, OrderStatus::Submitted, None).map(|_| ()),
                        1 => book.set_order_status(row.id, OrderStatus::Cancelled, Some("客户不要了")).map(|_| ()),
                        _ => {
                            let card: CustomerId = row.customer_id.parse().expect("card");
                            book.update_order(row.id, &order_input(card, u32::from(step % 5) + 1, false, true))
                                .map(|_| ())
                        }
                    };
                    if let Err(e) = done {
                        prop_assert!(expected_refusal(&e), "order step {step}: {e:?}");
                    }
                }
            }
            Op::Target { who, step } => {
                use fieldcrm_core::model::{BreakdownRule, Decision};
                use fieldcrm_core::targets::breakdown::{BreakdownInput, MoveInput};
                let person = &w.people[who];
                let book = &person.book;
                let me = person.staff_id.as_str();
                let done = match step % 4 {
                    0 | 1 => book.propose_breakdown(YEAR, None, me, BreakdownRule::Equal).and_then(|children| {
                        book.save_breakdown(&BreakdownInput {
                            year: YEAR,
                            measure: "revenue".into(),
                            node: me.into(),
                            children,
                            leave_unallocated: step % 8 < 4,
                            submit: step % 4 == 1,
                        })
                    }),
                    2 => book.decide_breakdown(YEAR, None, me, Decision::Withdraw, None),
                    _ => {
                        let mine = book.target_breakdown(YEAR, None, Some(me)).expect("mine");
                        let with: Vec<_> = mine.children.iter().filter(|c| c.has_target).collect();
                        if with.len() < 2 {
                            continue;
                        }
                        book.propose_target_move(&MoveInput {
                            year: YEAR,
                            measure: "revenue".into(),
                            node: me.into(),
                            from: Some(with[usize::from(step) % with.len()].node.id.clone()),
                            to: Some(with[(usize::from(step) + 1) % with.len()].node.id.clone()),
                            period: "2026-12".into(),
                            amount: 1 + i64::from(step),
                            reason: "调整".into(),
                        })
                    }
                };
                if let Err(e) = done {
                    prop_assert!(expected_target_refusal(&e), "target step {step}: {e:?}");
                }
            }
            Op::PlanStep { who, step } => {
                use fieldcrm_core::plans::forecast::{ForecastInput, ForecastLineInput};
                use fieldcrm_core::plans::{PlanInput, PlanLineInput};
                let book = &w.people[who].book;
                let done = if step % 3 == 2 {
                    let f = book.sales_forecast(FORECAST_MONTH, None).expect("forecast");
                    let lines = f
                        .lines
                        .iter()
                        .map(|l| ForecastLineInput {
                            customer_id: l.customer.id.clone(),
                            amounts: vec![i64::from(step) * 100; 3],
                        })
                        .collect();
                    book.save_sales_forecast(&ForecastInput {
                        month: FORECAST_MONTH.into(),
                        lines,
                        submit: step % 2 == 0,
                    })
                    .map(drop)
                } else {
                    let p = book.sales_plan(PLAN_PERIOD, None).expect("plan");
                    let lines = p
                        .lines
                        .iter()
                        .map(|l| PlanLineInput {
                            customer_id: l.customer.id.clone(),
                            amount: i64::from(step) * 100,
                            visits: u32::from(step % 4),
                        })
                        .collect();
                    let note = Some(format!("计划{step}"));
                    book.save_sales_plan(&PlanInput {
                        period: PLAN_PERIOD.into(),
                        lines,
                        note,
                        submit: step % 3 == 1 && step % 2 == 1,
                    })
                    .map(drop)
                };
                if let Err(e) = done {
                    prop_assert!(e.problems.iter().any(|p| p.code == "already_submitted"), "plan step {step}: {e:?}");
                }
            }
            Op::Propose { who, card, limit } => {
                let book = &w.people[who].book;
                if let Some(id) = pick(&ids(book), card) {
                    let prospect = cards(book)[&id.to_string()]["fields"]["lifecycle"] == json!("prospect");
                    let input = ProposalInput {
                        id: None,
                        kind: if limit || !prospect { ProposalKind::CreditLimit } else { ProposalKind::OpenCustomer },
                        customer_id: Some(id),
                        title: "申请".into(),
                        reason: None,
                        terms: Terms { credit_limit: Some(1_000_000), ..Terms::default() },
                        submit: true,
                    };
                    book.save_proposal(&input).expect("propose");
                }
            }
            Op::Decide { office, pick: i, step } => {
                let book = if office { &w.office.book } else { &w.people[manager].book };
                // Head office may decide any step, a manager's too.
                let inbox: Vec<_> = if office {
                    book.proposals(ProposalBox::All, 500).expect("all").into_iter().filter(|r| r.may_decide).collect()
                } else {
                    book.proposals(ProposalBox::ToDecide, 500).expect("inbox")
                };
                if let Some(row) = pick(&inbox, i) {
                    let verdict =
                        [Verdict::Approve, Verdict::Approve, Verdict::Return, Verdict::Reject][usize::from(step % 4)];
                    let done = book.decide_proposal(&DecisionInput {
                        proposal_id: row.id,
                        revision: row.revision,
                        verdict,
                        reason: Some("核实".into()),
                    });
                    prop_assert!(done.is_ok(), "decision {step}: {done:?}");
                }
            }
            Op::Revise { who, pick: i } => {
                let book = &w.people[who].book;
                let mine = book.proposals(ProposalBox::Mine, 500).expect("mine");
                if let Some(row) = pick(&mine, i) {
                    let detail = book.proposal(row.id).expect("detail");
                    let input = ProposalInput {
                        id: Some(row.id),
                        kind: row.kind,
                        customer_id: row.customer_id,
                        title: format!("{}（改）", row.title),
                        reason: detail.reason,
                        terms: detail.terms,
                        submit: true,
                    };
                    if let Err(e) = book.save_proposal(&input) {
                        prop_assert!(
                            e.problems
                                .iter()
                                .any(|p| matches!(p.code, ProblemCode::NotPending | ProblemCode::BadStatusChange)),
                            "revise: {e:?}"
                        );
                    }
                }
            }
            Op::PlanComment { pick: i, text } => {
                let book = &w.people[manager].book;
                let rep = w.people[i % REPS].staff_id.parse().expect("staff");
                let plan = book.sales_plan(PLAN_PERIOD, Some(rep)).expect("plan");
                if plan.status.is_some() {
                    book.comment_sales_plan(&plan.id, &format!("批注{text}")).expect("comment");
                }
            }
            Op::TargetDecision { office, pick: i, step } => {
                use fieldcrm_core::model::Decision;
                let book = if office { &w.office.book } else { &w.people[manager].book };
                let rep = &w.people[i % REPS].staff_id;
                let b = book.target_breakdown(YEAR, None, Some(rep)).expect("breakdown");
                let decision = if step % 3 == 0 { Decision::Return } else { Decision::Approve };
                let done = match b.moves.iter().find(|m| m.may_decide) {
                    Some(m) if step % 2 == 0 => book.decide_target_move(&m.id, decision, Some("核实")),
                    _ => book.decide_breakdown(YEAR, None, rep, decision, Some("核实")),
                };
                if let Err(e) = done {
                    prop_assert!(expected_target_refusal(&e), "target decision {step}: {e:?}");
                }
            }
            Op::Review { pick: i, step } => {
                let office = &w.office.book;
                let all = office
                    .list_orders(&OrderQuery { view: OrderView::All, customer_id: None, limit: None })
                    .expect("all");
                if let Some(row) = pick(&all, i) {
                    let order = office.get_order(row.id).expect("order");
                    let line = order.lines.first().map(|l| l.id.clone()).unwrap_or_default();
                    let done = match step % 5 {
                        0 => {
                            if order.credit_hold && order.status == OrderStatus::Submitted {
                                office.release_order_hold(row.id, Some("已担保")).expect("release");
                            }
                            office.set_order_status(row.id, OrderStatus::Approved, None).map(|_| ())
                        }
                        1 => office.set_order_status(row.id, OrderStatus::Returned, Some("请按整箱")).map(|_| ()),
                        2 => office
                            .correct_order_line(row.id, &line, Some(u32::from(step) + 12), None, Some("改量"))
                            .map(|_| ()),
                        3 => office
                            .record_shipment(&ShipmentInput {
                                order_id: row.id,
                                shipped_on: None,
                                number: None,
                                carrier: None,
                                notes: None,
                                lines: vec![ShipmentLineInput { order_line_id: line, quantity: 1 }],
                            })
                            .map(|_| ()),
                        _ => office.cancel_backorder(row.id, &line).map(|_| ()),
                    };
                    if let Err(e) = done {
                        prop_assert!(expected_refusal(&e), "review step {step}: {e:?}");
                    }
                }
            }
            Op::Export { who } => to_office.push(w.people[who].book.sync_export_bytes(None).expect("export")),
            Op::OfficeExport { who } => {
                to_laptop[who].push(w.office.book.sync_export_bytes(Some(&w.people[who].device_id)).expect("export"));
            }
            Op::DeliverToOffice { pick, keep } => {
                if !to_office.is_empty() {
                    let i = pick % to_office.len();
                    let file = if keep { to_office[i].clone() } else { to_office.remove(i) };
                    w.office.book.sync_import_bytes(&file, None, &mut quiet).expect("office import");
                }
            }
            Op::DeliverToLaptop { who, pick, keep } => {
                let queue = &mut to_laptop[who];
                if !queue.is_empty() {
                    let i = pick % queue.len();
                    let file = if keep { queue[i].clone() } else { queue.remove(i) };
                    w.people[who].book.sync_import_bytes(&file, None, &mut quiet).expect("laptop import");
                }
            }
            Op::Lose { pick } => {
                if !to_office.is_empty() {
                    to_office.remove(pick % to_office.len());
                }
            }
            Op::Wait { minutes } => w.advance(Duration::minutes(i64::from(minutes))),
            Op::Skew { who, hours } => w.people[who].clock.advance(Duration::hours(i64::from(hours))),
        }
    }
    // Late files still in transit arrive after everything else.
    w.settle();
    for file in &to_office {
        w.office.book.sync_import_bytes(file, None, &mut quiet).expect("late laptop file");
    }
    for (who, queue) in to_laptop.iter().enumerate() {
        for file in queue {
            w.people[who].book.sync_import_bytes(file, None, &mut quiet).expect("late file");
        }
    }
    w.settle();
    let office = cards(&w.office.book);
    let office_proposals = proposal_view(&w.office.book);
    for (who, person) in w.people.iter().enumerate() {
        let expected: std::collections::BTreeMap<String, Value> = office
            .iter()
            .filter(|(_, card)| {
                let fields = &card["fields"];
                if who == manager {
                    w.territories.iter().any(|t| fields["territoryId"] == json!(t))
                        || fields["territoryId"] == json!(w.region)
                } else {
                    fields["ownerId"] == json!(person.staff_id)
                }
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let held = cards(&person.book);
        prop_assert_eq!(
            held.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "cards held by {}",
            person.name
        );
        for (id, card) in &expected {
            prop_assert_eq!(&held[id], card, "card {} on {}", id, person.name);
        }
        prop_assert_eq!(routes(&person.book), routes(&w.office.book), "routes on {}", person.name);
        for id in expected.keys() {
            let id: CustomerId = id.parse().expect("id");
            prop_assert_eq!(
                visits(&person.book, id),
                visits(&w.office.book, id),
                "visits of {} on {}",
                id,
                person.name
            );
            prop_assert_eq!(
                card_orders(&person.book, id),
                card_orders(&w.office.book, id),
                "orders of {} on {}",
                id,
                person.name
            );
        }
        let authors: Vec<String> = if who == manager {
            w.people[..manager].iter().map(|p| p.staff_id.clone()).collect()
        } else {
            vec![person.staff_id.clone()]
        };
        let mut held_reports = vec![];
        for author in &authors {
            held_reports.extend(reports(&person.book, author));
        }
        let mut office_reports = vec![];
        for author in &authors {
            office_reports.extend(reports(&w.office.book, author));
        }
        prop_assert_eq!(held_reports, office_reports, "reports and comments on {}", person.name);
        let reps: Vec<&str> = if who == manager {
            w.people[..manager].iter().map(|p| p.staff_id.as_str()).collect()
        } else {
            vec![person.staff_id.as_str()]
        };
        for rep in &reps {
            prop_assert_eq!(
                plan_view(&person.book, rep),
                plan_view(&w.office.book, rep),
                "plans of {} on {}",
                rep,
                person.name
            );
        }
        for rep in reps {
            prop_assert_eq!(
                target_view(&person.book, rep),
                target_view(&w.office.book, rep),
                "targets of {} on {}",
                rep,
                person.name
            );
        }
        // Every proposal the laptop holds is head office's, decision by
        // decision; it holds those of every card it holds.
        let held_proposals = proposal_view(&person.book);
        for (id, view) in &held_proposals {
            prop_assert_eq!(Some(view), office_proposals.get(id), "proposal {} on {}", id, person.name);
        }
        for (id, view) in &office_proposals {
            if view.1.as_ref().is_some_and(|c| expected.contains_key(c)) {
                prop_assert!(held_proposals.contains_key(id), "proposal {} missing on {}", id, person.name);
            }
        }
        let pending = person.book.sync_status().expect("status").pending_total;
        prop_assert_eq!(pending, 0, "{} has unconfirmed changes after settling", person.name);
    }
    Ok(())
}

/// The cases (`PROPTEST_CASES`, 2,000 unless set) run as two halves at once,
/// one per core: the test binary runs its tests in parallel.
fn half_of_the_cases() -> ProptestConfig {
    let cases: u32 = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2000);
    ProptestConfig { cases: cases.div_ceil(2), max_shrink_iters: 2000, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(half_of_the_cases())]

    #[test]
    fn every_laptop_ends_with_exactly_its_scope_identical_to_head_office(ops in prop::collection::vec(op(), 1..60)) {
        run(&ops)?;
    }

    #[test]
    fn every_laptop_ends_with_exactly_its_scope_identical_to_head_office_other_half(
        ops in prop::collection::vec(op(), 1..60),
    ) {
        run(&ops)?;
    }
}
