//! `fieldcrm complaint …`: customers' complaints and feedback with their
//! service clocks; head office's clocks per kind.

use clap::Subcommand;
use fieldcrm_core::ids::CustomerId;
use fieldcrm_core::model::{ComplaintKind, ServiceStage};
use fieldcrm_core::service::clock::Clocks;
use fieldcrm_core::service::{Complaint, ComplaintFilter, ComplaintInput, ComplaintQuery, ComplaintStep};
use fieldcrm_core::{ApiError, Book};

use crate::output;

#[derive(Debug, Subcommand)]
pub enum ComplaintCommand {
    /// Log what a customer complained about (or --feedback), in their words.
    Log {
        customer: CustomerId,
        #[arg(long)]
        kind: ComplaintKind,
        #[arg(long)]
        words: String,
        #[arg(long)]
        feedback: bool,
        /// The product's code.
        #[arg(long)]
        product: Option<String>,
        /// The name of a file kept with it.
        #[arg(long)]
        attachment: Option<String>,
    },
    /// Complaints with their clocks: open (default), past a clock (--overdue), or --all.
    List {
        #[arg(long, conflicts_with = "all")]
        overdue: bool,
        #[arg(long)]
        all: bool,
        #[arg(long)]
        customer: Option<CustomerId>,
    },
    /// Head office (quality): what was done about it.
    Handle {
        id: String,
        #[arg(long)]
        note: String,
    },
    /// What the customer was told.
    Reply {
        id: String,
        #[arg(long)]
        note: String,
    },
    /// Close it with the customer's satisfaction (1–5).
    Close {
        id: String,
        #[arg(long)]
        satisfaction: u8,
    },
    /// Head office's clocks (minutes from logging); with --kind, sets that kind's.
    Clocks {
        #[arg(long, requires_all = ["pass", "handle", "reply"])]
        kind: Option<ComplaintKind>,
        #[arg(long)]
        pass: Option<u32>,
        #[arg(long)]
        handle: Option<u32>,
        #[arg(long)]
        reply: Option<u32>,
    },
}

pub fn complaint(book: &Book, command: &ComplaintCommand, json: bool) -> Result<(), ApiError> {
    let step = |id: &String, stage, note: Option<&String>, satisfaction| {
        book.complaint_step(&ComplaintStep { complaint_id: id.clone(), stage, note: note.cloned(), satisfaction })
    };
    match command {
        ComplaintCommand::Log { customer, kind, words, feedback, product, attachment } => {
            let logged = book.log_complaint(&ComplaintInput {
                customer_id: *customer,
                kind: *kind,
                feedback: *feedback,
                product: product.clone(),
                words: words.clone(),
                attachment: attachment.clone(),
            })?;
            output::show(&logged, json, |c| lines(std::slice::from_ref(c)));
        }
        ComplaintCommand::List { overdue, all, customer } => {
            let filter = match (overdue, all) {
                (true, _) => ComplaintFilter::Overdue,
                (_, true) => ComplaintFilter::All,
                _ => ComplaintFilter::Open,
            };
            let list = book.complaints(&ComplaintQuery { filter, customer_id: *customer, limit: None })?;
            output::show(&list, json, |l| lines(l));
        }
        ComplaintCommand::Handle { id, note } => {
            output::show(&step(id, ServiceStage::Handled, Some(note), None)?, json, |c| lines(std::slice::from_ref(c)))
        }
        ComplaintCommand::Reply { id, note } => {
            output::show(&step(id, ServiceStage::Replied, Some(note), None)?, json, |c| lines(std::slice::from_ref(c)))
        }
        ComplaintCommand::Close { id, satisfaction } => {
            output::show(&step(id, ServiceStage::Closed, None, Some(*satisfaction))?, json, |c| {
                lines(std::slice::from_ref(c))
            })
        }
        ComplaintCommand::Clocks { kind: None, .. } => output::show(&book.service_clocks()?, json, |c| clocks(c)),
        ComplaintCommand::Clocks { kind: Some(kind), pass, handle, reply } => {
            let set = book.set_service_clocks(&Clocks {
                kind: *kind,
                pass_minutes: pass.unwrap_or_default(),
                handle_minutes: handle.unwrap_or_default(),
                reply_minutes: reply.unwrap_or_default(),
            })?;
            output::show(&set, json, |c| clocks(c));
        }
    }
    Ok(())
}

fn clocks(clocks: &[Clocks]) -> String {
    clocks
        .iter()
        .map(|c| {
            format!(
                "{}: passed on within {} min, handled within {} min, replied within {} min",
                c.kind, c.pass_minutes, c.handle_minutes, c.reply_minutes
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn lines(list: &[Complaint]) -> String {
    if list.is_empty() {
        return "no complaints".into();
    }
    list.iter()
        .map(|c| {
            let clock = match (&c.clock.next, &c.clock.due_at) {
                (Some(next), Some(due)) => {
                    format!("{next} due {due}{}", if c.clock.overdue { " — OVERDUE" } else { "" })
                }
                _ => c.clock.stage.to_string(),
            };
            let escalated = if c.clock.level > 0 {
                format!(
                    "  escalated {} level(s): missed {}",
                    c.clock.level,
                    c.clock.missed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                )
            } else {
                String::new()
            };
            format!(
                "{}  {}  {}{}  logged {} by {}  {}{}\n    “{}”{}",
                c.id,
                c.customer_name,
                c.kind,
                if c.feedback { " (feedback)" } else { "" },
                c.logged_at,
                c.logged_by,
                clock,
                escalated,
                c.words,
                c.satisfaction.map(|s| format!("  satisfaction {s}/5")).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
