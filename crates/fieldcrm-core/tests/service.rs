//! Complaints across books: logged on a laptop, taken over by quality when
//! head office holds it, handled, replied, closed; the clocks and the
//! escalation are the same on every book.

#[path = "sync/world.rs"]
mod world;

use chrono::Duration;
use fieldcrm_core::error::ProblemCode;
use fieldcrm_core::model::{ComplaintKind, ServiceStage};
use fieldcrm_core::service::clock::Clocks;
use fieldcrm_core::service::{Complaint, ComplaintFilter, ComplaintInput, ComplaintQuery, ComplaintStep};
use fieldcrm_core::Book;
use serde_json::json;
use world::{customer, World};

fn query(filter: ComplaintFilter) -> ComplaintQuery {
    ComplaintQuery { filter, customer_id: None, limit: None }
}

fn only(book: &Book, filter: ComplaintFilter) -> Vec<Complaint> {
    book.complaints(&query(filter)).expect("complaints")
}

fn step(id: &str, stage: ServiceStage, note: Option<&str>, satisfaction: Option<u8>) -> ComplaintStep {
    ComplaintStep { complaint_id: id.into(), stage, note: note.map(str::to_string), satisfaction }
}

#[test]
fn a_complaint_synced_late_misses_its_two_hour_clock_escalates_and_is_handled_replied_and_closed() {
    let w = World::new(1);
    let (rep, manager) = (&w.people[0], w.manager());
    let card = rep.book.create_customer(&customer("华星农业", json!({}))).expect("card").card.id;
    w.settle();
    let refused = w.office.book.set_service_clocks(&Clocks {
        kind: ComplaintKind::Quality,
        pass_minutes: 120,
        handle_minutes: 60,
        reply_minutes: 1440,
    });
    assert_eq!(refused.expect_err("handling before passing on").problems[0].code, ProblemCode::OutOfRange);

    let empty = rep.book.log_complaint(&ComplaintInput {
        customer_id: card,
        kind: ComplaintKind::Quality,
        feedback: false,
        product: None,
        words: "  ".into(),
        attachment: None,
    });
    assert_eq!(empty.expect_err("no words").problems[0].code, ProblemCode::Required);
    let logged = rep
        .book
        .log_complaint(&ComplaintInput {
            customer_id: card,
            kind: ComplaintKind::Quality,
            feedback: false,
            product: None,
            words: "这批复合肥结块严重，农户不愿意用".into(),
            attachment: Some("结块照片.jpg".into()),
        })
        .expect("log");
    assert_eq!(
        (logged.clock.stage, logged.clock.next, logged.clock.level),
        (ServiceStage::Logged, Some(ServiceStage::PassedOn), 0)
    );
    // Only quality at head office handles it; the rep cannot reply before that.
    let handled = rep.book.complaint_step(&step(&logged.id, ServiceStage::Handled, Some("已处理"), None));
    assert_eq!(handled.expect_err("office only").problems[0].code, ProblemCode::OfficeOnly);
    let replied = rep.book.complaint_step(&step(&logged.id, ServiceStage::Replied, Some("已答复"), None));
    assert_eq!(replied.expect_err("not handled").problems[0].code, ProblemCode::BadStatusChange);

    // The rep syncs three hours later: the two-hour clock is missed, on every book.
    w.advance(Duration::hours(3));
    w.settle();
    let at_office = &only(&w.office.book, ComplaintFilter::Overdue)[0];
    assert_eq!(at_office.clock.stage, ServiceStage::PassedOn);
    assert_eq!((at_office.clock.missed.clone(), at_office.clock.level), (vec![ServiceStage::PassedOn], 1));
    let at_manager = &only(&manager.book, ComplaintFilter::Overdue)[0];
    assert_eq!(at_manager.clock, at_office.clock, "the manager's list shows it red, escalated to them");
    assert_eq!(only(&rep.book, ComplaintFilter::Overdue)[0].clock, at_office.clock);

    // Quality handles it within 12 hours of logging, the rep replies and closes it.
    w.office
        .book
        .complaint_step(&step(&logged.id, ServiceStage::Handled, Some("换货 20 袋，批次送检"), None))
        .expect("handle");
    w.settle();
    rep.book.complaint_step(&step(&logged.id, ServiceStage::Replied, Some("已告知客户换货安排"), None)).expect("reply");
    let unrated = rep.book.complaint_step(&step(&logged.id, ServiceStage::Closed, None, None));
    assert_eq!(unrated.expect_err("no satisfaction").problems[0].code, ProblemCode::Required);
    rep.book.complaint_step(&step(&logged.id, ServiceStage::Closed, None, Some(4))).expect("close");
    w.settle();
    let closed = &only(&w.office.book, ComplaintFilter::All)[0];
    assert_eq!((closed.satisfaction, closed.clock.stage, closed.clock.level), (Some(4), ServiceStage::Closed, 1));
    assert_eq!(closed.handling.as_deref(), Some("换货 20 袋，批次送检"));
    assert!(only(&manager.book, ComplaintFilter::Open).is_empty());
    assert_eq!(only(&manager.book, ComplaintFilter::All)[0].reply.as_deref(), Some("已告知客户换货安排"));
}
