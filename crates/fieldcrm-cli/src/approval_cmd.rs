//! `fieldcrm approval …`: proposals that need approval (opening a customer,
//! eliminating one, a promotion plan, a credit limit), the inbox, decisions,
//! and head office's chains. Amounts are typed and shown in yuan.

use clap::{Args, Subcommand};
use fieldcrm_core::approval::{
    Chain, ChainInput, DecisionInput, ProposalBox, ProposalDetail, ProposalInput, ProposalRow, Terms,
};
use fieldcrm_core::ids::{CustomerId, ProposalId};
use fieldcrm_core::model::{ApprovalLevel, OpenOrders, ProposalKind, Verdict};
use fieldcrm_core::money::promotion::PromotionInput;
use fieldcrm_core::{ApiError, Book};

use crate::money_cmd::fen;
use crate::sales_cmd::yuan;
use crate::{output, usage};

#[derive(Debug, Subcommand)]
pub enum ApprovalCommand {
    /// Proposals: yours (default), waiting for your decision (--to-decide),
    /// decided by you (--decided), or all this book holds (--all).
    List {
        #[arg(long, conflicts_with_all = ["decided", "all"])]
        to_decide: bool,
        #[arg(long, conflicts_with = "all")]
        decided: bool,
        #[arg(long)]
        all: bool,
        #[arg(long, default_value_t = 200)]
        limit: u32,
    },
    /// One proposal: its terms, its chain step by step, the whole trail, and
    /// the customer's card summary, sales and debts.
    Show { id: ProposalId },
    /// Propose (submitted into its chain; --draft keeps it a draft). With
    /// --id, changes your proposal: a submitted one is decided again from the first step.
    Propose(Box<ProposeArgs>),
    /// Approve the step waiting for you.
    Approve {
        id: ProposalId,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Reject it, saying why.
    Reject {
        id: ProposalId,
        #[arg(long)]
        reason: String,
    },
    /// Return it to the proposer for changes, saying what to change.
    Return {
        id: ProposalId,
        #[arg(long)]
        reason: String,
    },
    /// Withdraw your proposal.
    Withdraw { id: ProposalId },
    /// Head office's chains; with --kind, sets that kind's chain (no
    /// --levels: the kind needs no approval).
    Chain {
        #[arg(long)]
        kind: Option<ProposalKind>,
        /// The levels in turn: manager, next, office (comma-separated).
        #[arg(long, value_delimiter = ',', requires = "kind")]
        levels: Vec<ApprovalLevel>,
        /// Yuan: above it, --above decides instead (a promotion's budget, a credit limit).
        #[arg(long, requires = "above")]
        threshold: Option<String>,
        #[arg(long, value_delimiter = ',', requires = "threshold")]
        above: Vec<ApprovalLevel>,
    },
}

#[derive(Debug, Args)]
pub struct ProposeArgs {
    #[arg(long)]
    kind: ProposalKind,
    /// Change this proposal of yours instead of making a new one.
    #[arg(long)]
    id: Option<ProposalId>,
    #[arg(long)]
    customer: Option<CustomerId>,
    #[arg(long)]
    title: String,
    #[arg(long)]
    reason: Option<String>,
    /// Keep it a draft.
    #[arg(long)]
    draft: bool,
    /// Eliminating: cancel or keep the customer's open orders.
    #[arg(long)]
    open_orders: Option<OpenOrders>,
    /// A credit limit (yuan).
    #[arg(long)]
    credit_limit: Option<String>,
    /// A promotion: its budget from marketing expenses (yuan) …
    #[arg(long)]
    budget: Option<String>,
    /// … its name as reps see it (the title when not given) …
    #[arg(long)]
    promotion_name: Option<String>,
    /// … the product (code) …
    #[arg(long)]
    product: Option<String>,
    /// … percent off (1–99), or a gift: --gift PRODUCT --gift-units N …
    #[arg(long, conflicts_with = "gift")]
    discount: Option<u32>,
    #[arg(long, requires = "gift_units")]
    gift: Option<String>,
    #[arg(long)]
    gift_units: Option<u32>,
    /// … for every MIN_UNITS bought …
    #[arg(long)]
    min_units: Option<u32>,
    /// … for customers of a channel type and/or a grade …
    #[arg(long)]
    channel: Option<String>,
    #[arg(long)]
    grade: Option<String>,
    /// … from and to (YYYY-MM-DD).
    #[arg(long)]
    from: Option<String>,
    #[arg(long)]
    to: Option<String>,
}

impl ProposeArgs {
    fn input(&self) -> Result<ProposalInput, ApiError> {
        let promotion = match (&self.product, self.kind) {
            (Some(product), _) => Some(PromotionInput {
                name: self.promotion_name.clone().unwrap_or_else(|| self.title.clone()),
                product: product.clone(),
                channel_type: self.channel.clone(),
                customer_grade: self.grade.clone(),
                min_units: self.min_units,
                discount_percent: self.discount,
                gift_product: self.gift.clone(),
                gift_units: self.gift_units,
                valid_from: self.from.clone().unwrap_or_default(),
                valid_to: self.to.clone().unwrap_or_default(),
            }),
            (None, ProposalKind::Promotion) => {
                return Err(usage("a promotion needs --product, --from, --to and --discount or --gift".into()))
            }
            (None, _) => None,
        };
        Ok(ProposalInput {
            id: self.id,
            kind: self.kind,
            customer_id: self.customer,
            title: self.title.clone(),
            reason: self.reason.clone(),
            terms: Terms {
                open_orders: self.open_orders,
                credit_limit: self.credit_limit.as_deref().map(fen).transpose()?,
                promotion,
                budget: self.budget.as_deref().map(fen).transpose()?,
            },
            submit: !self.draft,
        })
    }
}

pub fn approval(book: &Book, command: &ApprovalCommand, json: bool) -> Result<(), ApiError> {
    let decide = |id: &ProposalId, verdict: Verdict, reason: Option<&String>| -> Result<ProposalDetail, ApiError> {
        // The decision is made on the version this book holds now.
        let revision = book.proposal(*id)?.row.revision;
        book.decide_proposal(&DecisionInput { proposal_id: *id, revision, verdict, reason: reason.cloned() })
    };
    match command {
        ApprovalCommand::List { to_decide, decided, all, limit } => {
            let which = match (to_decide, decided, all) {
                (true, _, _) => ProposalBox::ToDecide,
                (_, true, _) => ProposalBox::Decided,
                (_, _, true) => ProposalBox::All,
                _ => ProposalBox::Mine,
            };
            output::show(&book.proposals(which, *limit)?, json, |rows| list_text(rows));
        }
        ApprovalCommand::Show { id } => output::show(&book.proposal(*id)?, json, detail_text),
        ApprovalCommand::Propose(args) => output::show(&book.save_proposal(&args.input()?)?, json, detail_text),
        ApprovalCommand::Approve { id, reason } => {
            output::show(&decide(id, Verdict::Approve, reason.as_ref())?, json, detail_text)
        }
        ApprovalCommand::Reject { id, reason } => {
            output::show(&decide(id, Verdict::Reject, Some(reason))?, json, detail_text)
        }
        ApprovalCommand::Return { id, reason } => {
            output::show(&decide(id, Verdict::Return, Some(reason))?, json, detail_text)
        }
        ApprovalCommand::Withdraw { id } => output::show(&book.withdraw_proposal(*id)?, json, detail_text),
        ApprovalCommand::Chain { kind: None, .. } => output::show(&book.approval_chains()?, json, |c| chains_text(c)),
        ApprovalCommand::Chain { kind: Some(kind), levels, threshold, above } => {
            let chains = book.set_approval_chain(&ChainInput {
                kind: *kind,
                levels: levels.clone(),
                threshold: threshold.as_deref().map(fen).transpose()?,
                above_levels: (!above.is_empty()).then(|| above.clone()),
            })?;
            output::show(&chains, json, |c| chains_text(c));
        }
    }
    Ok(())
}

fn levels_text(levels: &[ApprovalLevel]) -> String {
    levels.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(" → ")
}

fn chains_text(chains: &[Chain]) -> String {
    if chains.is_empty() {
        return "no approval chains: opening and eliminating customers need no approval; proposals go to the manager, then head office".into();
    }
    chains
        .iter()
        .map(|c| {
            let mut line = format!("{}: {}", c.kind, levels_text(&c.levels));
            if let (Some(t), Some(above)) = (c.threshold, &c.above_levels) {
                line.push_str(&format!("; above {}: {}", yuan(t), levels_text(above)));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn waiting(r: &ProposalRow) -> String {
    match (r.waiting_step, &r.waiting_unit, r.waiting_office) {
        (Some(step), _, true) => format!(" (step {step}: head office)"),
        (Some(step), Some(unit), _) => format!(" (step {step}: {unit})"),
        _ => String::new(),
    }
}

fn list_text(rows: &[ProposalRow]) -> String {
    if rows.is_empty() {
        return "no proposals".into();
    }
    rows.iter()
        .map(|r| {
            format!(
                "{}  {}  {}{}  {}  {}{}{}",
                r.id,
                r.kind,
                r.status,
                waiting(r),
                r.title,
                r.proposer_name,
                r.customer_name.as_deref().map(|c| format!("  {c}")).unwrap_or_default(),
                r.amount.map(|a| format!("  {}", yuan(a))).unwrap_or_default(),
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn detail_text(d: &ProposalDetail) -> String {
    let r = &d.row;
    let mut out = vec![format!("{} [{}] {}{}", r.title, r.kind, r.status, waiting(r))];
    out.push(format!(
        "proposed by {}{}",
        r.proposer_name,
        r.submitted_at.as_deref().map(|s| format!(" on {s}")).unwrap_or_default()
    ));
    if let Some(reason) = &d.reason {
        out.push(format!("reason: {reason}"));
    }
    if let Some(o) = d.terms.open_orders {
        out.push(format!("open orders: {o}"));
    }
    if let Some(l) = d.terms.credit_limit {
        out.push(format!("credit limit: {}", yuan(l)));
    }
    if let Some(p) = &d.terms.promotion {
        out.push(format!(
            "promotion: {} on {} from {} to {}{}",
            p.name,
            p.product,
            p.valid_from,
            p.valid_to,
            d.terms.budget.map(|b| format!(", budget {}", yuan(b))).unwrap_or_default()
        ));
    }
    if let Some(card) = &d.card {
        out.push(format!(
            "customer: {} ({}), sales in the last 12 months {}, owes {} ({} overdue)",
            card.name,
            card.lifecycle.as_deref().unwrap_or("-"),
            yuan(card.sales_12m),
            yuan(card.credit.balance),
            yuan(card.credit.overdue)
        ));
    }
    for s in &d.steps {
        let who = if s.office { "head office".to_string() } else { s.unit_name.clone().unwrap_or_default() };
        let decided = match (&s.verdict, &s.decided_by) {
            (Some(v), Some(by)) => format!(
                "{v} by {by} on {}{}",
                s.decided_at.as_deref().unwrap_or_default(),
                s.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default()
            ),
            _ => "waiting".into(),
        };
        out.push(format!("  step {} ({who}): {decided}", s.step));
    }
    let earlier: Vec<_> = d.trail.iter().filter(|t| t.revision < r.revision).collect();
    if !earlier.is_empty() {
        out.push("earlier versions:".into());
        for t in earlier {
            out.push(format!(
                "  version {} step {}: {} by {} on {}{}",
                t.revision,
                t.step,
                t.verdict,
                t.decided_by,
                t.decided_at,
                t.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default()
            ));
        }
    }
    if let Some(at) = &r.effected_at {
        out.push(match r.effect_problem {
            Some(p) => format!("approved, but could not take effect: {}", p.as_str()),
            None => format!("in effect since {at}"),
        });
    }
    out.join("\n")
}
