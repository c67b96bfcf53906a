//! Approvals across books: a rep proposes offline, the regional manager and
//! head office decide after the files are exchanged, and nothing takes
//! effect before the last approval.

#[path = "sync/world.rs"]
mod world;

use fieldcrm_core::api::CardEdit;
use fieldcrm_core::approval::{ChainInput, DecisionInput, ProposalBox, ProposalInput, Terms};
use fieldcrm_core::card::FieldChange;
use fieldcrm_core::error::ProblemCode;
use fieldcrm_core::ids::CustomerId;
use fieldcrm_core::model::{ApprovalLevel, ProposalKind, ProposalStatus, Verdict};
use fieldcrm_core::money::promotion::PromotionInput;
use fieldcrm_core::sales::ProductInput;
use fieldcrm_core::Book;
use serde_json::json;
use world::{cards, customer, Person, World};

fn quiet(_: fieldcrm_core::sync::Progress) {}

/// A laptop outside `people` sends its file to head office, then imports head office's answer.
fn exchange(w: &World, laptop: &Person) -> fieldcrm_core::sync::ImportReport {
    let bytes = laptop.book.sync_export_bytes(None).expect("export");
    let report = w.office.book.sync_import_bytes(&bytes, None, &mut quiet).expect("import at head office");
    let back = w.office.book.sync_export_bytes(Some(&laptop.device_id)).expect("answer");
    laptop.book.sync_import_bytes(&back, None, &mut quiet).expect("import on the laptop");
    report
}

fn chains(office: &Book) {
    use ApprovalLevel::*;
    for (kind, levels, above) in [
        (ProposalKind::OpenCustomer, vec![Manager, Office], None),
        (ProposalKind::Eliminate, vec![Manager, Office], None),
        (ProposalKind::Promotion, vec![Manager], Some((5_000_000, vec![Manager, Office]))),
    ] {
        office
            .set_approval_chain(&ChainInput {
                kind,
                levels,
                threshold: above.as_ref().map(|a| a.0),
                above_levels: above.map(|a| a.1),
            })
            .expect("chain");
    }
}

fn open(customer: CustomerId, submit: bool) -> ProposalInput {
    ProposalInput {
        id: None,
        kind: ProposalKind::OpenCustomer,
        customer_id: Some(customer),
        title: "开设经销商：华星农业".into(),
        reason: Some("年销量可达 300 吨".into()),
        terms: Terms::default(),
        submit,
    }
}

fn promotion(budget: i64) -> ProposalInput {
    ProposalInput {
        id: None,
        kind: ProposalKind::Promotion,
        customer_id: None,
        title: "春耕复合肥买十送一".into(),
        reason: None,
        terms: Terms {
            promotion: Some(PromotionInput {
                name: "春耕买十送一".into(),
                product: "FH-15".into(),
                channel_type: None,
                customer_grade: None,
                min_units: Some(10),
                discount_percent: None,
                gift_product: Some("FH-15".into()),
                gift_units: Some(1),
                valid_from: "2027-02-01".into(),
                valid_to: "2027-03-31".into(),
            }),
            budget: Some(budget),
            ..Terms::default()
        },
        submit: true,
    }
}

fn decide(
    book: &Book,
    row: &fieldcrm_core::approval::ProposalRow,
    verdict: Verdict,
    reason: Option<&str>,
) -> ProposalStatus {
    book.decide_proposal(&DecisionInput {
        proposal_id: row.id,
        revision: row.revision,
        verdict,
        reason: reason.map(str::to_string),
    })
    .expect("decide")
    .row
    .status
}

#[test]
fn a_reps_proposals_are_decided_by_the_manager_then_head_office_and_take_effect_only_after_the_last_approval() {
    let w = World::new(2);
    chains(&w.office.book);
    w.office
        .book
        .save_product(&ProductInput {
            code: "FH-15".into(),
            name: "复合肥 15-15-15".into(),
            category: None,
            line: None,
            unit: None,
            case_size: None,
            list_price: Some(12_000),
            retired: None,
        })
        .expect("product");
    w.settle();
    let rep = &w.people[0];
    let manager = w.manager();
    let card = rep.book.create_customer(&customer("华星农业", json!({}))).expect("a prospect").card.id;

    // Opening the card directly is refused on the laptop, as head office would.
    let direct = rep.book.edit_customer(&CardEdit {
        customer_id: card,
        changes: vec![FieldChange { field: "lifecycle".into(), expected: None, value: json!("active") }],
    });
    assert_eq!(direct.expect_err("needs approval").problems[0].code, ProblemCode::NeedsApproval);
    let active_card = rep.book.create_customer(&customer("丰收农资", json!({"lifecycle": "active"})));
    assert_eq!(active_card.expect_err("needs approval").problems[0].code, ProblemCode::NeedsApproval);

    // Offline, the rep proposes the new distributor and a promotion over the threshold.
    let opening = rep.book.save_proposal(&open(card, true)).expect("propose");
    assert_eq!(opening.row.status, ProposalStatus::Pending);
    assert_eq!(opening.steps.len(), 2, "the manager, then head office");
    let missing = rep.book.save_proposal(&ProposalInput { terms: Terms::default(), ..promotion(8_000_000) });
    assert_eq!(missing.expect_err("no promotion").problems[0].code, ProblemCode::Required);
    let promo = rep.book.save_proposal(&promotion(8_000_000)).expect("propose");
    assert_eq!(promo.steps.iter().map(|s| s.office).collect::<Vec<_>>(), vec![false, true]);
    w.settle();

    // The manager's inbox holds both, with the card's summary for the opening.
    let inbox = manager.book.proposals(ProposalBox::ToDecide, 50).expect("inbox");
    assert_eq!(inbox.len(), 2, "{inbox:?}");
    let detail = manager.book.proposal(opening.row.id).expect("detail");
    assert_eq!(detail.card.as_ref().map(|c| c.name.as_str()), Some("华星农业"));
    assert!(rep.book.proposals(ProposalBox::ToDecide, 50).expect("rep's inbox").is_empty());
    let row = |book: &Book, id| {
        book.proposals(ProposalBox::All, 50).expect("list").into_iter().find(|r| r.id == id).expect("row")
    };

    // A rep does not decide; the manager approves one and returns the other.
    let by_rep = rep.book.decide_proposal(&DecisionInput {
        proposal_id: opening.row.id,
        revision: 1,
        verdict: Verdict::Approve,
        reason: None,
    });
    assert_eq!(by_rep.expect_err("own").problems[0].code, ProblemCode::SelfApproval);
    assert_eq!(
        decide(&manager.book, &row(&manager.book, opening.row.id), Verdict::Approve, None),
        ProposalStatus::Pending
    );
    let returned =
        decide(&manager.book, &row(&manager.book, promo.row.id), Verdict::Return, Some("预算太高，减到五万以内"));
    assert_eq!(returned, ProposalStatus::Returned);
    w.settle();

    // Head office's inbox: the opening, waiting at its last step. Nothing took effect yet.
    let office_inbox = w.office.book.proposals(ProposalBox::ToDecide, 50).expect("inbox");
    assert_eq!(office_inbox.iter().map(|r| r.id).collect::<Vec<_>>(), vec![opening.row.id]);
    let lifecycle = |book: &Book| cards(book)[&card.to_string()]["fields"]["lifecycle"].clone();
    assert_eq!(lifecycle(&w.office.book), json!("prospect"));
    assert_eq!(decide(&w.office.book, &office_inbox[0], Verdict::Approve, None), ProposalStatus::Approved);
    assert_eq!(lifecycle(&w.office.book), json!("active"), "the last approval takes effect at once");

    // The rep sees the promotion returned with the reason, lowers the budget
    // under the threshold and submits again: a new revision, for the manager alone.
    w.settle();
    assert_eq!(lifecycle(&rep.book), json!("active"));
    let history = rep.book.history(card, 50).expect("history");
    assert!(history.iter().any(|h| h.field == "lifecycle" && h.source == "approval"), "{history:?}");
    let back = rep.book.proposal(promo.row.id).expect("detail");
    assert_eq!(back.row.status, ProposalStatus::Returned);
    assert_eq!(back.trail[0].reason.as_deref(), Some("预算太高，减到五万以内"));
    let again =
        rep.book.save_proposal(&ProposalInput { id: Some(promo.row.id), ..promotion(4_000_000) }).expect("again");
    assert_eq!((again.row.status, again.row.revision, again.steps.len()), (ProposalStatus::Pending, 2, 1));
    w.settle();
    assert_eq!(
        decide(&manager.book, &row(&manager.book, promo.row.id), Verdict::Approve, None),
        ProposalStatus::Approved
    );
    assert!(w.office.book.promotions(true).expect("promotions").is_empty(), "not before head office has the approval");
    w.settle();
    let promotions = w.office.book.promotions(true).expect("promotions");
    assert_eq!(promotions.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), vec!["春耕买十送一"]);
    let done = rep.book.proposal(promo.row.id).expect("detail");
    assert!(done.row.effected_at.is_some() && done.row.effect_problem.is_none());
    assert_eq!(done.trail.len(), 2, "the whole trail: the return of revision 1 and the approval of revision 2");
}

#[test]
fn one_step_approved_on_two_laptops_offline_is_one_decision_and_a_changed_proposal_is_not_decided_on_its_old_version() {
    let w = World::new(1);
    chains(&w.office.book);
    w.settle();
    let (rep, manager) = (&w.people[0], w.manager());
    let desktop = w.another_laptop(1);
    let card = rep.book.create_customer(&customer("华星农业", json!({}))).expect("a prospect").card.id;
    let opening = rep.book.save_proposal(&open(card, true)).expect("propose");
    w.settle();
    exchange(&w, &desktop);

    // The manager approves on both laptops, offline.
    let seen = desktop.book.proposals(ProposalBox::ToDecide, 10).expect("inbox");
    assert_eq!(seen.len(), 1);
    decide(&manager.book, &seen[0], Verdict::Approve, None);
    decide(&desktop.book, &seen[0], Verdict::Reject, Some("信用不好"));
    let first = w.send(1).expect("notebook");
    assert_eq!(first.rejected, 0);
    let second = exchange(&w, &desktop);
    assert_eq!(second.rejected, 1, "the second decision of the step is refused");
    let refused = desktop.book.rejections().expect("rejections");
    assert_eq!(refused.iter().map(|r| r.reason.as_str()).collect::<Vec<_>>(), vec!["already_decided"]);
    let on_desktop = desktop.book.proposal(opening.row.id).expect("detail");
    assert_eq!(on_desktop.trail.len(), 1, "one decision");
    assert_eq!(on_desktop.trail[0].verdict, Verdict::Approve, "the first to reach head office");
    assert_eq!(on_desktop.row.status, ProposalStatus::Pending);

    // The rep changes the proposal while head office decides the version it
    // had: the rep's arrives first, and head office's own decision is made on the new one.
    let returned = w.office.book.proposal(opening.row.id).expect("detail");
    assert!(returned.row.waiting_office);
    let changed = rep.book.save_proposal(&ProposalInput {
        id: Some(opening.row.id),
        title: "开设经销商：华星农业（改）".into(),
        ..open(card, true)
    });
    assert_eq!(changed.expect("change").row.revision, 2);
    w.settle();
    let stale = w.office.book.decide_proposal(&DecisionInput {
        proposal_id: opening.row.id,
        revision: returned.row.revision,
        verdict: Verdict::Approve,
        reason: None,
    });
    assert_eq!(stale.expect_err("changed").problems[0].code, ProblemCode::ProposalChanged);
    // The manager decides the new revision on the desktop before its file
    // with the change arrives at the notebook; the notebook's stale approval is refused.
    exchange(&w, &desktop);
    let now = desktop.book.proposals(ProposalBox::ToDecide, 10).expect("inbox");
    assert_eq!(now[0].revision, 2);
    let stale_row = fieldcrm_core::approval::ProposalRow { revision: 1, ..now[0].clone() };
    let on_old = manager.book.decide_proposal(&DecisionInput {
        proposal_id: stale_row.id,
        revision: stale_row.revision,
        verdict: Verdict::Approve,
        reason: None,
    });
    assert_eq!(on_old.expect_err("old revision").problems[0].code, ProblemCode::ProposalChanged);
}
