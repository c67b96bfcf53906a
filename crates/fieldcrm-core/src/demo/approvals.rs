//! The demo's approvals: head office's chains, and proposals in every state
//! — drafts, waiting at the manager or at head office, approved (and in
//! effect), returned, rejected, withdrawn, one returned and submitted again —
//! to open prospects, eliminate customers, raise credit limits and run the
//! regions' promotions, each decided by the people its chain names.

use chrono::{Duration, NaiveDate};
use rusqlite::{params, Transaction};

use super::Rng;
use crate::approval::rule::{self, Decider, OrgTree};
use crate::approval::{decision_id, Terms};
use crate::clock::{timestamp, Zone};
use crate::demo::DemoSummary;
use crate::error::Result;
use crate::ids::ProposalId;
use crate::model::{ApprovalLevel, OpenOrders, ProposalKind, Verdict};
use crate::money::promotion::PromotionInput;

use ApprovalLevel::{Manager, Next, Office};

/// A kind's chain: its levels, and a threshold with the levels above it.
type Chain = (ProposalKind, Vec<ApprovalLevel>, Option<(i64, Vec<ApprovalLevel>)>);

/// One proposal for this many customers.
const CUSTOMERS_PER_PROPOSAL: usize = 100;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Draft,
    AtFirst,
    AtLater,
    Approved,
    Returned,
    Resubmitted,
    Rejected,
    Withdrawn,
}

pub(super) fn generate(tx: &Transaction<'_>, today: NaiveDate, seed: u64, summary: &mut DemoSummary) -> Result<()> {
    let mut rng = Rng(seed ^ 0x6170_7072_6f76_616c);
    let zone = Zone::of(tx)?;
    let written = timestamp(zone.day_start(today) - Duration::days(40));
    let chains: [Chain; 4] = [
        (ProposalKind::OpenCustomer, vec![Manager, Office], None),
        (ProposalKind::Eliminate, vec![Manager, Next, Office], None),
        (ProposalKind::Promotion, vec![Manager], Some((5_000_000, vec![Manager, Office]))),
        (ProposalKind::CreditLimit, vec![Manager, Office], None),
    ];
    for (kind, levels, above) in &chains {
        tx.prepare_cached(
            "INSERT INTO approval_chain (id, levels, threshold, above_levels, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        )?
        .execute(params![
            kind,
            rule::levels_text(levels),
            above.as_ref().map(|a| a.0),
            above.as_ref().map(|a| rule::levels_text(&a.1)),
            written
        ])?;
    }
    let tree = OrgTree::load(tx)?;
    let office: String =
        tx.query_row("SELECT id FROM staff WHERE role = 'head_office' ORDER BY id LIMIT 1", [], |r| r.get(0))?;
    let cards: Vec<(String, String, String, String)> = tx
        .prepare("SELECT id, owner_id, name, lifecycle FROM customer WHERE lifecycle <> 'eliminated' ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let managers: Vec<String> = tx
        .prepare("SELECT id FROM staff WHERE role = 'regional_manager' AND active ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let product: Option<String> =
        tx.query_row("SELECT code FROM product WHERE NOT retired ORDER BY code LIMIT 1", [], |r| r.get(0)).ok();
    let levels_of = |kind: ProposalKind, amount: Option<i64>| -> Vec<ApprovalLevel> {
        let (_, levels, above) = chains.iter().find(|c| c.0 == kind).expect("every kind has a chain");
        match above {
            Some((t, above)) if amount.is_some_and(|a| a > *t) => above.clone(),
            _ => levels.clone(),
        }
    };
    let count = (cards.len() / CUSTOMERS_PER_PROPOSAL).max(12);
    for i in 0..count {
        let state = [
            State::Draft,
            State::AtFirst,
            State::AtLater,
            State::Approved,
            State::Returned,
            State::Resubmitted,
            State::Rejected,
            State::Withdrawn,
        ][if i < 8 { i } else { rng.weighted(&[(0, 5), (1, 25), (2, 15), (3, 25), (4, 8), (5, 4), (6, 10), (7, 5)]) }];
        let promotion = (i % 10 == 9 || i == 11) && product.is_some() && !managers.is_empty();
        let (kind, customer, proposer, title, terms, amount, reason) = if promotion {
            let manager = rng.pick(&managers).clone();
            let budget = rng.range(1_000, 90_000) * 100;
            let start = today + Duration::days(rng.range(10, 60));
            let input = PromotionInput {
                name: format!("{}促销", ["春耕", "夏管", "秋播", "冬储"][rng.below(4)]),
                product: product.clone().unwrap_or_default(),
                channel_type: None,
                customer_grade: None,
                min_units: Some(10),
                discount_percent: Some(u32::try_from(rng.range(3, 12)).unwrap_or(5)),
                gift_product: None,
                gift_units: None,
                valid_from: start.to_string(),
                valid_to: (start + Duration::days(45)).to_string(),
            };
            let title = format!("{}方案", input.name);
            let terms = Terms { promotion: Some(input), budget: Some(budget), ..Terms::default() };
            (ProposalKind::Promotion, None, manager, title, terms, Some(budget), Some("提升旺季铺货率".to_string()))
        } else {
            let (id, owner, name, lifecycle) = rng.pick(&cards).clone();
            let kind = if lifecycle == "prospect" {
                ProposalKind::OpenCustomer
            } else if rng.chance(0.4) {
                ProposalKind::Eliminate
            } else {
                ProposalKind::CreditLimit
            };
            let (title, terms, amount, reason) = match kind {
                ProposalKind::OpenCustomer => (format!("开户：{name}"), Terms::default(), None, "有稳定的进货意向"),
                ProposalKind::Eliminate => (
                    format!("淘汰：{name}"),
                    Terms {
                        open_orders: Some(if rng.chance(0.5) { OpenOrders::Cancel } else { OpenOrders::Keep }),
                        ..Terms::default()
                    },
                    None,
                    "连续半年未进货，窜货",
                ),
                _ => {
                    let limit = rng.range(5, 80) * 1_000_000;
                    (
                        format!("调整信用额度：{name}"),
                        Terms { credit_limit: Some(limit), ..Terms::default() },
                        Some(limit),
                        "旺季备货",
                    )
                }
            };
            (kind, Some(id), owner, title, terms, amount, Some(reason.to_string()))
        };
        let levels = levels_of(kind, amount);
        let deciders = rule::deciders(&tree, &proposer, &levels);
        let submitted_day = today - Duration::days(rng.range(1, 30));
        let submitted = zone.day_start(submitted_day) + Duration::minutes(rng.range(8 * 60, 18 * 60));
        let id = ProposalId::from_parts(u64::try_from(submitted.timestamp_millis()).unwrap_or(0), rng.bytes());
        let revision = if state == State::Resubmitted { 2 } else { 1 };
        let decider_of = |rng: &mut Rng, d: &Decider| match d {
            Decider::Office => office.clone(),
            Decider::Unit(u) => {
                let m = tree.managers_of(u);
                if m.is_empty() {
                    office.clone()
                } else {
                    m[rng.below(m.len())].clone()
                }
            }
        };
        // The decisions: (revision, step, verdict, reason).
        let mut decisions: Vec<(i64, u32, Verdict, Option<&str>)> = vec![];
        let all = deciders.len() as u32;
        match state {
            State::Draft | State::AtFirst | State::Withdrawn => {}
            State::AtLater if all > 1 => decisions.push((1, 1, Verdict::Approve, None)),
            State::AtLater => {}
            State::Approved => decisions.extend((1..=all).map(|s| (1, s, Verdict::Approve, None))),
            State::Returned => decisions.push((1, 1, Verdict::Return, Some("请补充客户近三个月的进货记录"))),
            State::Resubmitted => decisions.push((1, 1, Verdict::Return, Some("金额偏高，请下调后再报"))),
            State::Rejected => {
                decisions.extend((1..all).map(|s| (1, s, Verdict::Approve, None)));
                decisions.push((1, all, Verdict::Reject, Some("不符合公司网点布局")));
            }
        }
        let at = |step: i64| timestamp(submitted + Duration::hours(6 * step));
        let last = decisions.len() as i64;
        let effected = (state == State::Approved).then(|| at(last + 1));
        let payload = serde_json::to_string(&terms).unwrap_or_else(|_| "{}".into());
        tx.prepare_cached(
            "INSERT INTO proposal (id, kind, customer_id, proposer_id, title, payload, amount, reason, revision, levels,
                                   submitted_at, withdrawn_at, effected_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?
        .execute(params![
            id,
            kind,
            customer,
            proposer,
            title,
            payload,
            amount,
            reason,
            revision,
            rule::levels_text(&levels),
            (state != State::Draft).then(|| timestamp(submitted)),
            (state == State::Withdrawn).then(|| at(1)),
            effected,
            timestamp(submitted - Duration::hours(1)),
            effected.clone().unwrap_or_else(|| at(last.max(1)))
        ])?;
        for (rev, step, verdict, why) in decisions {
            let by = decider_of(&mut rng, &deciders[step as usize - 1]);
            tx.prepare_cached(
                "INSERT INTO proposal_decision (id, proposal_id, customer_id, proposer_id, revision, step, decision, reason,
                                                decided_by, decided_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?10)",
            )?
            .execute(params![
                decision_id(&id.to_string(), rev, step),
                id,
                customer,
                proposer,
                rev,
                step,
                verdict,
                why,
                by,
                at(i64::from(step))
            ])?;
        }
        if state == State::Approved {
            match (kind, &customer) {
                (ProposalKind::OpenCustomer, Some(c)) => {
                    tx.execute("UPDATE customer SET lifecycle = 'active' WHERE id = ?1", [c])?;
                }
                (ProposalKind::Eliminate, Some(c)) => {
                    tx.execute("UPDATE customer SET lifecycle = 'eliminated' WHERE id = ?1", [c])?;
                }
                (ProposalKind::CreditLimit, Some(c)) => {
                    tx.execute(
                        "INSERT INTO credit_override (id, customer_id, credit_limit, reason, set_by, created_at, updated_at)
                         VALUES (?1, ?1, ?2, '旺季备货', ?3, ?4, ?4)
                         ON CONFLICT (id) DO UPDATE SET credit_limit = excluded.credit_limit",
                        params![c, amount, office, effected],
                    )?;
                }
                _ => {}
            }
        }
        summary.proposals += 1;
    }
    Ok(())
}
