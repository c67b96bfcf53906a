//! `fieldcrm target …`: the year's targets, their breakdown down the
//! organisation and across months, approvals, reallocations, progress and
//! the tree × months grid. Amounts are typed and shown in yuan; a NODE is the
//! id of a unit, a person or a customer (`fieldcrm org list`, `staff list`,
//! `customer list`); left out, the node your pages open on.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use fieldcrm_core::api::targets::TargetQuery;
use fieldcrm_core::model::{BreakdownRule, Decision, Rag, TargetStatus};
use fieldcrm_core::month_end::{MonthEndQuery, MonthEndSummary, MAX_ANALYSIS};
use fieldcrm_core::targets::breakdown::{Breakdown, BreakdownInput, ChildTarget, MoveInput};
use fieldcrm_core::targets::progress::{RagRules, TargetGrid, TargetProgress};
use fieldcrm_core::{ApiError, Book};

use crate::money_cmd::fen;
use crate::sales_cmd::yuan;
use crate::{output, usage};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Rule {
    /// Each child's share of last year's sales, month by month.
    LastYear,
    /// Each child's share of the last twelve months' sales.
    TrailingYear,
    Equal,
    /// By the customer grades' weights.
    Grade,
}

impl From<Rule> for BreakdownRule {
    fn from(r: Rule) -> Self {
        match r {
            Rule::LastYear => BreakdownRule::LastYear,
            Rule::TrailingYear => BreakdownRule::TrailingYear,
            Rule::Equal => BreakdownRule::Equal,
            Rule::Grade => BreakdownRule::Grade,
        }
    }
}

/// The year and measure of a target.
#[derive(Debug, Args)]
pub struct Which {
    #[arg(long)]
    year: i32,
    /// `revenue` (default), or `volume:CATEGORY` for a product category.
    #[arg(long)]
    measure: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TargetCommand {
    /// The years with targets, the measures, and the node your pages open on.
    Options,
    /// Head office: the company's target for a year, month by month.
    Company {
        #[command(flatten)]
        which: Which,
        /// Twelve amounts in yuan, January first, separated by commas.
        #[arg(long, conflicts_with = "each")]
        months: Option<String>,
        /// The same amount in yuan every month.
        #[arg(long)]
        each: Option<String>,
    },
    /// A node's breakdown to the level below.
    Show {
        node: Option<String>,
        #[command(flatten)]
        which: Which,
        /// Write it to this xlsx file too.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Propose a node's breakdown by a rule (nothing is saved).
    Propose {
        node: String,
        #[command(flatten)]
        which: Which,
        #[arg(long, value_enum, default_value = "last-year")]
        rule: Rule,
    },
    /// Save a node's breakdown: the rule's proposal, with CHILD=12 monthly amounts
    /// (yuan, commas between) for the children typed instead.
    Breakdown {
        node: String,
        #[command(flatten)]
        which: Which,
        /// Start from this rule's proposal (else only the children given are written).
        #[arg(long, value_enum)]
        rule: Option<Rule>,
        /// CHILD=JAN,FEB,…,DEC (yuan); repeat for each child typed.
        #[arg(long = "set", value_name = "CHILD=AMOUNTS")]
        set: Vec<String>,
        /// What the children do not take is left unallocated on purpose.
        #[arg(long)]
        leave_unallocated: bool,
        /// Submit it for approval too.
        #[arg(long)]
        submit: bool,
    },
    /// Submit a node's breakdown for approval one level up.
    Submit {
        node: String,
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        leave_unallocated: bool,
    },
    /// Approve a submitted breakdown (one level up).
    Approve {
        node: String,
        #[command(flatten)]
        which: Which,
    },
    /// Return a submitted breakdown for changes, saying why.
    Return {
        node: String,
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        reason: String,
    },
    /// Withdraw your submitted breakdown.
    Withdraw {
        node: String,
        #[command(flatten)]
        which: Which,
    },
    /// Propose a reallocation of an approved breakdown: AMOUNT of PERIOD from
    /// one child to another (left out: the unallocated part).
    Move {
        node: String,
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// 2026, 2026-Q2, 2026-03 or 2026-03-1 (上旬; -2 中旬, -3 下旬).
        #[arg(long)]
        period: String,
        /// Yuan.
        #[arg(long)]
        amount: String,
        #[arg(long)]
        reason: String,
    },
    /// Approve, reject (with --reason) or withdraw a reallocation.
    DecideMove {
        id: String,
        #[arg(long, value_enum)]
        decision: DecisionArg,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Progress of a tree for a period (default: this month).
    Progress {
        node: Option<String>,
        /// 2026, 2026-Q2, 2026-03 or 2026-03-1; this month when left out.
        #[arg(long)]
        period: Option<String>,
        #[arg(long)]
        measure: Option<String>,
        /// Write it to this xlsx file too.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The tree × months grid of a year.
    Grid {
        node: Option<String>,
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The month-end summary (月度总结) of a unit: the month and the year
    /// against the targets, the forecasts, the negative-growth customers, the
    /// duties and the market analysis (your monthly report's, unless given).
    Summary {
        /// A unit; yours when left out.
        unit: Option<String>,
        /// 2026-11; this month when left out.
        #[arg(long)]
        month: Option<String>,
        /// The market analysis for the workbook.
        #[arg(long, conflicts_with = "analysis_file")]
        analysis: Option<String>,
        /// The market analysis, read from a UTF-8 text file.
        #[arg(long)]
        analysis_file: Option<PathBuf>,
        /// Write it to this xlsx file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Head office's colour rules: amber and red at so many points behind the
    /// share of the period gone. Without values: show them.
    Rules {
        #[arg(long, requires = "red")]
        amber: Option<u32>,
        #[arg(long, requires = "amber")]
        red: Option<u32>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DecisionArg {
    Approve,
    Reject,
    Withdraw,
}

/// Twelve monthly amounts in yuan.
fn months(text: &str) -> Result<Vec<i64>, ApiError> {
    let months: Vec<i64> = text.split(',').map(|m| fen(m.trim())).collect::<Result<_, _>>()?;
    if months.len() != 12 {
        return Err(usage(format!("give 12 monthly amounts separated by commas, not {}", months.len())));
    }
    Ok(months)
}

fn status_label(status: TargetStatus) -> &'static str {
    match status {
        TargetStatus::Open => "being broken down",
        TargetStatus::Submitted => "submitted for approval",
        TargetStatus::Approved => "approved",
        TargetStatus::Returned => "returned for changes",
    }
}

fn breakdown_text(b: &Breakdown) -> String {
    let total = b.months.as_ref().map_or("no target yet".to_string(), |m| yuan(m.iter().sum()));
    let mut out = vec![format!("{} — {} {}: {total} ({})", b.node.name, b.year, b.measure, status_label(b.status))];
    if let Some(note) = &b.note {
        out.push(format!("  note: {note}"));
    }
    for c in &b.children {
        out.push(format!(
            "  {:<20} {:>16}   last year {:>14}{}   {}",
            c.node.name,
            yuan(c.total),
            yuan(c.last_year),
            if c.has_target { "" } else { "   (no target)" },
            c.node.id
        ));
    }
    let left: i64 = b.unallocated.iter().sum();
    if left != 0 {
        let months: Vec<String> = b
            .unallocated
            .iter()
            .enumerate()
            .filter(|(_, a)| **a != 0)
            .map(|(m, a)| format!("{}: {}", m + 1, yuan(*a)))
            .collect();
        let what = if left > 0 { "unallocated" } else { "over-allocated" };
        out.push(format!("  {what}: {}", months.join(", ")));
    }
    for m in &b.moves {
        out.push(format!(
            "  move {} → {}: {} ({}) {} — {}   {}",
            m.from.as_ref().map_or("unallocated", |n| n.name.as_str()),
            m.to.as_ref().map_or("unallocated", |n| n.name.as_str()),
            yuan(m.total),
            m.status,
            m.author,
            m.reason,
            m.id
        ));
    }
    out.join("\n")
}

fn rag_mark(rag: Rag) -> &'static str {
    match rag {
        Rag::Green => "green",
        Rag::Amber => "AMBER",
        Rag::Red => "RED",
        Rag::None => "",
    }
}

fn percent(bp: Option<i64>) -> String {
    bp.map_or("-".into(), |b| format!("{:.1}%", b as f64 / 100.0))
}

fn progress_text(p: &TargetProgress) -> String {
    let mut out = vec![format!(
        "{} ({} to {}), {} gone, {} working days left",
        p.label,
        p.from,
        p.to,
        percent(Some(p.elapsed)),
        p.work_days_left
    )];
    for r in &p.rows {
        out.push(format!(
            "{:<26} target {:>16}  actual {:>16}  {:>7}  in hand {:>14}  per day {:>12}  {}",
            format!("{}{}", "  ".repeat(r.depth as usize), r.node.name),
            r.target.map_or("-".into(), yuan),
            yuan(r.actual),
            percent(r.done),
            yuan(r.in_hand),
            r.per_work_day.map_or("-".into(), yuan),
            rag_mark(r.rag)
        ));
    }
    out.join("\n")
}

/// A text file of the user's: refused when it is not one, or far beyond
/// what a market analysis holds.
fn read_text(file: &std::path::Path) -> Result<String, ApiError> {
    let limit = 4 * MAX_ANALYSIS as u64 + 4;
    let size = std::fs::metadata(file).map_err(|e| usage(format!("{} cannot be read: {e}", file.display())))?.len();
    if size > limit {
        return Err(usage(format!(
            "{} holds {size} bytes; a market analysis holds at most {MAX_ANALYSIS} characters",
            file.display()
        )));
    }
    let bytes = std::fs::read(file).map_err(|e| usage(format!("{} cannot be read: {e}", file.display())))?;
    String::from_utf8(bytes).map_err(|_| usage(format!("{} is not UTF-8 text; save it as UTF-8", file.display())))
}

fn summary_text(s: &MonthEndSummary) -> String {
    let root = |p: &TargetProgress| p.rows.iter().find(|r| r.depth == 0).cloned();
    let mut out = vec![format!("{} {} — {} {}", s.unit.name, s.label, s.author, s.made_on)];
    if let Some(m) = root(&s.month_progress) {
        out.push(format!(
            "month: target {}  actual {}  {}  in hand {}  ({} gone)",
            m.target.map_or("-".into(), yuan),
            yuan(m.actual),
            percent(m.done),
            yuan(m.in_hand),
            percent(Some(s.month_progress.elapsed))
        ));
    }
    if let Some(y) = root(&s.year_progress) {
        out.push(format!(
            "year:  target {}  actual {}  {}  run rate {}",
            y.target.map_or("-".into(), yuan),
            yuan(y.actual),
            percent(y.done),
            y.run_rate.map_or("-".into(), yuan)
        ));
    }
    let months: Vec<String> =
        s.forecast.months.iter().zip(&s.forecast.total.amounts).map(|(m, a)| format!("{m} {}", yuan(*a))).collect();
    out.push(format!(
        "forecast made in {} ({}/{} submitted): {}",
        s.forecast.month,
        s.forecast.total.submitted,
        s.forecast.total.people,
        months.join(", ")
    ));
    if let Some(a) = &s.forecast.total.accuracy {
        out.push(format!(
            "forecast of {} made in {}: {} against {} sold, accuracy {}",
            a.month,
            a.made_in,
            yuan(a.forecast),
            yuan(a.actual),
            percent(a.accuracy)
        ));
    }
    out.push(format!(
        "negative growth: {} customers, {} less than last year",
        s.growth.count,
        yuan(s.growth.lost_vs_last_year)
    ));
    let met = s.compliance.people.iter().filter(|p| p.met).count();
    out.push(format!("duties: {met} of {} people met every duty", s.compliance.people.len()));
    out.push(format!("market analysis: {}", if s.analysis.is_empty() { "-" } else { s.analysis.as_str() }));
    out.join("\n")
}

fn grid_text(g: &TargetGrid) -> String {
    let mut out = vec![format!(
        "{:<26} {}  year",
        format!("{} {}", g.year, g.measure),
        (1..=12).map(|m| format!("{m:>6}")).collect::<String>()
    )];
    for r in &g.rows {
        out.push(format!(
            "{:<26} {}  {} of {}",
            format!("{}{}", "  ".repeat(r.depth as usize), r.node.name),
            r.months.iter().map(|c| format!("{:>6}", percent(c.done).trim_end_matches('%'))).collect::<String>(),
            yuan(r.year.actual),
            r.year.target.map_or("-".into(), yuan)
        ));
    }
    out.join("\n")
}

pub fn target(book: &Book, command: &TargetCommand, json: bool) -> Result<(), ApiError> {
    let show = |b: Breakdown| output::show(&b, json, breakdown_text);
    match command {
        TargetCommand::Options => output::show(&book.target_options()?, json, |o| {
            format!(
                "years: {}\nmeasures: {}\nyour node: {}",
                o.years.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                o.measures.join(", "),
                o.home.as_ref().map_or("-".into(), |h| format!("{} {}", h.name, h.id))
            )
        }),
        TargetCommand::Company { which, months: typed, each } => {
            let months = match (typed, each) {
                (Some(typed), _) => months(typed)?,
                (None, Some(each)) => vec![fen(each)?; 12],
                (None, None) => return Err(usage("give --months JAN,…,DEC or --each AMOUNT (yuan)".into())),
            };
            show(book.set_company_target(which.year, which.measure.as_deref(), &months)?);
        }
        TargetCommand::Show { node, which, out } => {
            if let Some(out) = out {
                book.write_target_breakdown(which.year, which.measure.as_deref(), node.as_deref(), out)?;
            }
            show(book.target_breakdown(which.year, which.measure.as_deref(), node.as_deref())?);
        }
        TargetCommand::Propose { node, which, rule } => {
            let proposal = book.propose_breakdown(which.year, which.measure.as_deref(), node, (*rule).into())?;
            let current = book.target_breakdown(which.year, which.measure.as_deref(), Some(node))?;
            output::show(&proposal, json, |p| {
                p.iter()
                    .map(|c| {
                        let name = current.children.iter().find(|n| n.node.id == c.node).map_or("", |n| &n.node.name);
                        format!("{name:<20} {:>16}   {}", yuan(c.months.iter().sum()), c.node)
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        TargetCommand::Breakdown { node, which, rule, set, leave_unallocated, submit } => {
            let mut children: Vec<ChildTarget> = match rule {
                Some(rule) => book.propose_breakdown(which.year, which.measure.as_deref(), node, (*rule).into())?,
                None => vec![],
            };
            for item in set {
                let (child, amounts) =
                    item.split_once('=').ok_or_else(|| usage(format!("'{item}': write CHILD=JAN,FEB,…,DEC")))?;
                let months = months(amounts)?;
                match children.iter_mut().find(|c| c.node == child.trim()) {
                    Some(c) => c.months = months,
                    None => children.push(ChildTarget { node: child.trim().to_string(), months }),
                }
            }
            if children.is_empty() {
                return Err(usage("give --rule, or --set CHILD=… for the children to write".into()));
            }
            show(book.save_breakdown(&BreakdownInput {
                year: which.year,
                measure: which.measure.clone().unwrap_or_else(|| "revenue".into()),
                node: node.clone(),
                children,
                leave_unallocated: *leave_unallocated,
                submit: *submit,
            })?);
        }
        TargetCommand::Submit { node, which, leave_unallocated } => {
            let current = book.target_breakdown(which.year, which.measure.as_deref(), Some(node))?;
            let children = current
                .children
                .iter()
                .filter(|c| c.has_target)
                .map(|c| ChildTarget { node: c.node.id.clone(), months: c.months.clone() })
                .collect();
            show(book.save_breakdown(&BreakdownInput {
                year: which.year,
                measure: current.measure,
                node: node.clone(),
                children,
                leave_unallocated: *leave_unallocated,
                submit: true,
            })?);
        }
        TargetCommand::Approve { node, which } => {
            show(book.decide_breakdown(which.year, which.measure.as_deref(), node, Decision::Approve, None)?);
        }
        TargetCommand::Return { node, which, reason } => {
            show(book.decide_breakdown(which.year, which.measure.as_deref(), node, Decision::Return, Some(reason))?);
        }
        TargetCommand::Withdraw { node, which } => {
            show(book.decide_breakdown(which.year, which.measure.as_deref(), node, Decision::Withdraw, None)?);
        }
        TargetCommand::Move { node, which, from, to, period, amount, reason } => {
            show(book.propose_target_move(&MoveInput {
                year: which.year,
                measure: which.measure.clone().unwrap_or_else(|| "revenue".into()),
                node: node.clone(),
                from: from.clone(),
                to: to.clone(),
                period: period.clone(),
                amount: fen(amount)?,
                reason: reason.clone(),
            })?);
        }
        TargetCommand::DecideMove { id, decision, reason } => {
            let decision = match decision {
                DecisionArg::Approve => Decision::Approve,
                DecisionArg::Reject => Decision::Return,
                DecisionArg::Withdraw => Decision::Withdraw,
            };
            show(book.decide_target_move(id, decision, reason.as_deref())?);
        }
        TargetCommand::Progress { node, period, measure, out } => {
            let period = match period {
                Some(p) => p.clone(),
                None => book.status()?.business_time.today.chars().take(7).collect(),
            };
            let query = TargetQuery { period, measure: measure.clone(), node: node.clone() };
            if let Some(out) = out {
                book.write_target_progress(&query, out)?;
            }
            output::show(&book.target_progress(&query)?, json, progress_text);
        }
        TargetCommand::Summary { unit, month, analysis, analysis_file, out } => {
            let month = match month {
                Some(m) => m.clone(),
                None => book.status()?.business_time.today.chars().take(7).collect(),
            };
            let query = MonthEndQuery { month, unit: unit.clone() };
            let summary = book.month_end_summary(&query)?;
            if let Some(out) = out {
                let read;
                let analysis = match (analysis, analysis_file) {
                    (Some(text), _) => text.as_str(),
                    (None, Some(file)) => {
                        read = read_text(file)?;
                        read.as_str()
                    }
                    (None, None) => summary.analysis.as_str(),
                };
                book.write_month_end_workbook(&summary, analysis, out)?;
            }
            output::show(&summary, json, summary_text);
        }
        TargetCommand::Grid { node, which, out } => {
            if let Some(out) = out {
                book.write_target_grid(which.year, which.measure.as_deref(), node.as_deref(), out)?;
            }
            output::show(&book.target_grid(which.year, which.measure.as_deref(), node.as_deref())?, json, grid_text);
        }
        TargetCommand::Rules { amber, red } => {
            let rules = match (amber, red) {
                (Some(amber), Some(red)) => {
                    book.set_target_rules(RagRules { amber_behind: *amber, red_behind: *red })?
                }
                _ => book.target_rules()?,
            };
            output::show(&rules, json, |r| {
                format!("amber at {} points behind the period gone, red at {}", r.amber_behind, r.red_behind)
            });
        }
    }
    Ok(())
}
