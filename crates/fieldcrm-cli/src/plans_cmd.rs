//! `fieldcrm plan-sales …` (旬 and month sales plans; `plan` is the visit
//! plan) and `fieldcrm forecast …` (the rolling three-month forecast).
//! Amounts are typed and shown in yuan. A plan starts from what is saved, or
//! from the core's proposal (each customer's target for the period), and the
//! lines given replace those customers' lines.

use std::path::PathBuf;

use clap::Subcommand;
use fieldcrm_core::ids::StaffId;
use fieldcrm_core::plans::forecast::{Forecast, ForecastInput, ForecastLineInput, ForecastRollup};
use fieldcrm_core::plans::{PlanInput, PlanLineInput, PlanRollup, SalesPlan};
use fieldcrm_core::{ApiError, Book};

use crate::money_cmd::fen;
use crate::sales_cmd::yuan;
use crate::{output, usage};

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// A plan for a 旬 or a month (default: this 旬), yours or a team member's.
    Show {
        /// 2026-12-1 (上旬; -2 中旬, -3 下旬) or 2026-12.
        #[arg(long)]
        period: Option<String>,
        #[arg(long)]
        staff: Option<StaffId>,
        /// Write it to this xlsx file too.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Save your plan: what is saved (or proposed), with these customers' lines instead.
    Save {
        #[arg(long)]
        period: Option<String>,
        /// CUSTOMER=AMOUNT (yuan), or CUSTOMER=AMOUNT:VISITS; repeat.
        #[arg(long = "line", value_name = "CUSTOMER=AMOUNT[:VISITS]")]
        lines: Vec<String>,
        #[arg(long)]
        note: Option<String>,
        /// Submit it too (final).
        #[arg(long)]
        submit: bool,
    },
    /// Comment on a plan (yours, or a team member's).
    Comment { plan: String, text: String },
    /// Your unit's plans for a period, rolled up by its units and reps.
    Rollup {
        #[arg(long)]
        period: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        /// Write it to this xlsx file too.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ForecastCommand {
    /// A forecast made in a month (default: this month) for the three after it.
    Show {
        #[arg(long)]
        month: Option<String>,
        #[arg(long)]
        staff: Option<StaffId>,
        /// Write it to this xlsx file too.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Save your forecast: what is saved (or proposed), with these customers' lines instead.
    Save {
        #[arg(long)]
        month: Option<String>,
        /// CUSTOMER=FIRST,SECOND,THIRD (yuan); repeat.
        #[arg(long = "line", value_name = "CUSTOMER=A,B,C")]
        lines: Vec<String>,
        #[arg(long)]
        submit: bool,
    },
    /// Your unit's forecasts made in a month, rolled up, with last month's accuracy.
    Rollup {
        #[arg(long)]
        month: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        /// Write it to this xlsx file too.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn today(book: &Book) -> Result<String, ApiError> {
    Ok(book.status()?.business_time.today)
}

/// This 旬, from today (`2026-12-07` → `2026-12-1`).
fn this_xun(today: &str) -> String {
    let day: u32 = today.get(8..10).and_then(|d| d.parse().ok()).unwrap_or(1);
    format!(
        "{}-{}",
        &today[..7],
        if day <= 10 {
            1
        } else if day <= 20 {
            2
        } else {
            3
        }
    )
}

fn plan_text(p: &SalesPlan) -> String {
    let status = match p.status.as_deref() {
        Some("submitted") if p.late => "submitted late",
        Some("submitted") => "submitted",
        Some(_) => "draft",
        None => "not saved: proposed from the targets",
    };
    let mut out = vec![format!(
        "{} — {} ({} to {}): {status}; plan {}, {} visits; target {}; so far {}, {} visits",
        p.staff.name,
        p.label,
        p.from,
        p.to,
        yuan(p.amount),
        p.visits,
        p.target.map_or("-".into(), yuan),
        yuan(p.actual),
        p.actual_visits
    )];
    if let Some(note) = &p.note {
        out.push(format!("  note: {note}"));
    }
    for l in &p.lines {
        out.push(format!(
            "  {:<20} plan {:>14} {:>2} visits   target {:>14}   last year {:>14}   so far {:>14}   {}",
            l.customer.name,
            yuan(l.amount),
            l.visits,
            l.target.map_or("-".into(), yuan),
            yuan(l.last_year),
            yuan(l.actual),
            l.customer.id
        ));
    }
    for c in &p.comments {
        out.push(format!("  {} ({}): {}", c.author, c.at, c.body));
    }
    out.push(format!("plan id: {}", p.id));
    out.join("\n")
}

fn rollup_text(r: &PlanRollup) -> String {
    let mut out = vec![format!("{} — {}", r.node.name, r.label)];
    for row in r.rows.iter().chain(std::iter::once(&r.total)) {
        out.push(format!(
            "  {:<20} {:<10} {}/{} submitted   plan {:>14} ({} visits)   target {:>14}   actual {:>14} ({} visits)",
            row.node.name,
            row.status.as_deref().unwrap_or("-"),
            row.submitted,
            row.people,
            yuan(row.amount),
            row.visits,
            row.target.map_or("-".into(), yuan),
            yuan(row.actual),
            row.actual_visits
        ));
    }
    out.push(format!("your submission: {}", r.own.status.as_deref().unwrap_or("not saved")));
    out.join("\n")
}

fn forecast_text(f: &Forecast) -> String {
    let mut out = vec![format!(
        "{} — made in {} for {}: {}",
        f.staff.name,
        f.month,
        f.months.join(", "),
        f.status.as_deref().unwrap_or("not saved: proposed from trend and seasonality")
    )];
    for l in &f.lines {
        out.push(format!(
            "  {:<20} {}   (last year {})   {}",
            l.customer.name,
            l.amounts.iter().map(|a| format!("{:>12}", yuan(*a))).collect::<Vec<_>>().join(" "),
            l.last_year.iter().map(|a| yuan(*a)).collect::<Vec<_>>().join(" / "),
            l.customer.id
        ));
    }
    out.push(format!("  total {}", f.totals.iter().map(|a| yuan(*a)).collect::<Vec<_>>().join(" / ")));
    for a in &f.accuracy {
        out.push(format!(
            "  accuracy for {} (made in {}): forecast {}, actual {}, {}",
            a.month,
            a.made_in,
            yuan(a.forecast),
            yuan(a.actual),
            a.accuracy.map_or("-".into(), |b| format!("{:.1}%", b as f64 / 100.0))
        ));
    }
    out.join("\n")
}

fn forecast_rollup_text(r: &ForecastRollup) -> String {
    let mut out = vec![format!("{} — made in {} for {}", r.node.name, r.month, r.months.join(", "))];
    for row in r.rows.iter().chain(std::iter::once(&r.total)) {
        out.push(format!(
            "  {:<20} {}/{} submitted   {}   last month's accuracy {}",
            row.node.name,
            row.submitted,
            row.people,
            row.amounts.iter().map(|a| format!("{:>12}", yuan(*a))).collect::<Vec<_>>().join(" "),
            row.accuracy.as_ref().and_then(|a| a.accuracy).map_or("-".into(), |b| format!("{:.1}%", b as f64 / 100.0))
        ));
    }
    out.join("\n")
}

pub fn plan(book: &Book, command: &PlanCommand, json: bool) -> Result<(), ApiError> {
    match command {
        PlanCommand::Show { period, staff, out } => {
            let period = match period {
                Some(p) => p.clone(),
                None => this_xun(&today(book)?),
            };
            if let Some(out) = out {
                book.write_sales_plan(&period, *staff, out)?;
            }
            output::show(&book.sales_plan(&period, *staff)?, json, plan_text);
        }
        PlanCommand::Save { period, lines, note, submit } => {
            let period = match period {
                Some(p) => p.clone(),
                None => this_xun(&today(book)?),
            };
            let current = book.sales_plan(&period, None)?;
            let mut out: Vec<PlanLineInput> = current
                .lines
                .iter()
                .map(|l| PlanLineInput { customer_id: l.customer.id.clone(), amount: l.amount, visits: l.visits })
                .collect();
            for line in lines {
                let (customer, value) =
                    line.split_once('=').ok_or_else(|| usage(format!("'{line}': write CUSTOMER=AMOUNT[:VISITS]")))?;
                let (amount, visits) = value.split_once(':').unwrap_or((value, "0"));
                let visits: u32 =
                    visits.trim().parse().map_err(|_| usage(format!("'{visits}' is not a number of visits")))?;
                let amount = fen(amount)?;
                match out.iter_mut().find(|l| l.customer_id == customer.trim()) {
                    Some(l) => (l.amount, l.visits) = (amount, visits),
                    None => out.push(PlanLineInput { customer_id: customer.trim().to_string(), amount, visits }),
                }
            }
            let input = PlanInput { period, lines: out, note: note.clone().or(current.note), submit: *submit };
            output::show(&book.save_sales_plan(&input)?, json, plan_text);
        }
        PlanCommand::Comment { plan, text } => output::show(&book.comment_sales_plan(plan, text)?, json, plan_text),
        PlanCommand::Rollup { period, unit, out } => {
            let period = match period {
                Some(p) => p.clone(),
                None => this_xun(&today(book)?),
            };
            if let Some(out) = out {
                book.write_plan_rollup(&period, unit.as_deref(), out)?;
            }
            output::show(&book.plan_rollup(&period, unit.as_deref())?, json, rollup_text);
        }
    }
    Ok(())
}

pub fn forecast(book: &Book, command: &ForecastCommand, json: bool) -> Result<(), ApiError> {
    let month = |given: &Option<String>| -> Result<String, ApiError> {
        match given {
            Some(m) => Ok(m.clone()),
            None => Ok(today(book)?[..7].to_string()),
        }
    };
    match command {
        ForecastCommand::Show { month: m, staff, out } => {
            let m = month(m)?;
            if let Some(out) = out {
                book.write_sales_forecast(&m, *staff, out)?;
            }
            output::show(&book.sales_forecast(&m, *staff)?, json, forecast_text);
        }
        ForecastCommand::Save { month: m, lines, submit } => {
            let month = month(m)?;
            let current = book.sales_forecast(&month, None)?;
            let mut out: Vec<ForecastLineInput> = current
                .lines
                .iter()
                .map(|l| ForecastLineInput { customer_id: l.customer.id.clone(), amounts: l.amounts.clone() })
                .collect();
            for line in lines {
                let (customer, value) = line
                    .split_once('=')
                    .ok_or_else(|| usage(format!("'{line}': write CUSTOMER=FIRST,SECOND,THIRD")))?;
                let amounts = value.split(',').map(fen).collect::<Result<Vec<_>, _>>()?;
                match out.iter_mut().find(|l| l.customer_id == customer.trim()) {
                    Some(l) => l.amounts = amounts,
                    None => out.push(ForecastLineInput { customer_id: customer.trim().to_string(), amounts }),
                }
            }
            let input = ForecastInput { month, lines: out, submit: *submit };
            output::show(&book.save_sales_forecast(&input)?, json, forecast_text);
        }
        ForecastCommand::Rollup { month: m, unit, out } => {
            let m = month(m)?;
            if let Some(out) = out {
                book.write_forecast_rollup(&m, unit.as_deref(), out)?;
            }
            output::show(&book.forecast_rollup(&m, unit.as_deref())?, json, forecast_rollup_text);
        }
    }
    Ok(())
}
