//! `fieldcrm visit|call|task|report|duties|compliance|reminders|home`: field
//! work from the command line.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use fieldcrm_core::api::fieldwork::ReportRef;
use fieldcrm_core::card::FieldChange;
use fieldcrm_core::clock::Zone;
use fieldcrm_core::fieldwork::calendar::ReminderInput;
use fieldcrm_core::fieldwork::duties::{Compliance, ComplianceQuery, DutyRuleInput};
use fieldcrm_core::fieldwork::records::{
    Call, DefaultedDue, NewCall, NewTask, NewVisit, RecordQuery, Task, TaskQuery, Visit, DEFAULT_DUE_WORK_DAYS,
};
use fieldcrm_core::fieldwork::reports::{NewUrgentReport, Report, ReportListQuery, ReportQuery, ReportSummaryInput};
use fieldcrm_core::ids::{CustomerId, OrgUnitId, ReportId, StaffId, TaskId, VisitId};
use fieldcrm_core::model::{CallDirection, ChannelLevel, DutyKind, ReportKind, StaffRole, UrgentTopic};
use fieldcrm_core::{ApiError, Book};

use crate::{output, pairs, usage};

/// When a record happened: a time as given (business time, or RFC 3339 with its offset), or now.
fn at(value: Option<&String>) -> String {
    value.cloned().unwrap_or_else(|| chrono::Utc::now().to_rfc3339())
}

#[derive(Debug, Subcommand)]
pub enum VisitCommand {
    /// Log a visit. Its next step (--next) becomes a task, due --due or on a day the book chooses; --set changes the card with the visit as the source.
    Log(Box<VisitArgs>),
    /// Check out of an open visit (now, or --at).
    CheckOut {
        id: VisitId,
        #[arg(long)]
        at: Option<String>,
    },
    /// Visits of a customer (--customer), a person (--staff) or yourself, newest first.
    List(RecordArgs),
}

#[derive(Debug, Args)]
pub struct VisitArgs {
    customer: CustomerId,
    /// A code of the visit_type list (routine, spot_check, delivery, training, meeting, collection, other).
    #[arg(long = "type", default_value = "routine")]
    visit_type: String,
    /// Check-in time: 2026-11-22 09:30 in the business time zone, or RFC 3339 with an offset; now when absent.
    #[arg(long = "in")]
    checked_in: Option<String>,
    /// Check-out time; leave out to check out later.
    #[arg(long = "out")]
    checked_out: Option<String>,
    #[arg(long, requires = "longitude", allow_hyphen_values = true)]
    latitude: Option<f64>,
    #[arg(long, requires = "latitude", allow_hyphen_values = true)]
    longitude: Option<f64>,
    #[arg(long)]
    purpose: Option<String>,
    #[arg(long)]
    stock: Option<String>,
    #[arg(long)]
    competitors: Option<String>,
    #[arg(long)]
    prices: Option<String>,
    #[arg(long)]
    problems: Option<String>,
    #[arg(long)]
    requests: Option<String>,
    #[arg(long)]
    next: Option<String>,
    /// Due date of the next step (YYYY-MM-DD); without it: the next tour day of your route with the customer, else 3 work days on.
    #[arg(long)]
    due: Option<String>,
    /// The visit was a stop of your route plan.
    #[arg(long)]
    planned: bool,
    /// Spot-checks: the rep's report held true (yes) or not (no).
    #[arg(long, value_parser = ["yes", "no"])]
    confirmed: Option<String>,
    /// A card field the visit found changed: --set phone=13800000000 (repeatable).
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    set: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    #[arg(long)]
    customer: Option<CustomerId>,
    #[arg(long)]
    staff: Option<StaffId>,
    /// First day (YYYY-MM-DD).
    #[arg(long)]
    from: Option<String>,
    /// Last day.
    #[arg(long)]
    to: Option<String>,
    #[arg(long, default_value_t = 50)]
    limit: u32,
}

impl RecordArgs {
    fn query(&self) -> RecordQuery {
        RecordQuery {
            customer_id: self.customer,
            staff_id: self.staff,
            from: self.from.clone(),
            to: self.to.clone(),
            limit: Some(self.limit),
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Direction {
    Outgoing,
    Incoming,
}

#[derive(Debug, Subcommand)]
pub enum CallCommand {
    /// Log a call with a customer (--customer) or a colleague (--colleague).
    Log {
        #[arg(long)]
        customer: Option<CustomerId>,
        #[arg(long)]
        colleague: Option<StaffId>,
        #[arg(long, value_enum, default_value = "outgoing")]
        direction: Direction,
        /// When: 2026-11-22 09:30 in the business time zone, or RFC 3339 with an offset; now when absent.
        #[arg(long)]
        at: Option<String>,
        /// How long, in seconds.
        #[arg(long, allow_hyphen_values = true)]
        seconds: i64,
        #[arg(long)]
        summary: Option<String>,
        #[arg(long)]
        next: Option<String>,
        /// Due date of the next step (YYYY-MM-DD); without it the book chooses one, as for a visit.
        #[arg(long)]
        due: Option<String>,
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
    },
    /// Calls of a customer, a person or yourself, newest first.
    List(RecordArgs),
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Your open tasks (or a customer's, or a team member's), by due date.
    List {
        #[arg(long)]
        customer: Option<CustomerId>,
        #[arg(long)]
        staff: Option<StaffId>,
        /// Done tasks too.
        #[arg(long)]
        all: bool,
    },
    /// Add a task by hand.
    Add {
        title: String,
        #[arg(long)]
        due: String,
        #[arg(long)]
        customer: Option<CustomerId>,
        /// Managers: give it to someone in your team.
        #[arg(long)]
        to: Option<StaffId>,
    },
    /// Mark a task done.
    Done { id: TaskId },
    /// Open a done task again.
    Reopen { id: TaskId },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Period {
    Daily,
    Weekly,
    Monthly,
}

impl From<Period> for ReportKind {
    fn from(p: Period) -> Self {
        match p {
            Period::Daily => ReportKind::Daily,
            Period::Weekly => ReportKind::Weekly,
            Period::Monthly => ReportKind::Monthly,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Topic {
    CreditRisk,
    Competitor,
    Complaint,
    Other,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Your (or a team member's) daily, weekly or monthly report: assembled now, or as submitted.
    Show {
        #[arg(value_enum, default_value = "daily")]
        period: Period,
        /// Any day of the period (YYYY-MM-DD); today when absent.
        #[arg(long)]
        day: Option<String>,
        #[arg(long)]
        staff: Option<StaffId>,
    },
    /// Save your report's summary as a draft.
    Save {
        #[arg(value_enum)]
        period: Period,
        #[arg(long)]
        day: Option<String>,
        #[arg(long)]
        summary: String,
    },
    /// Submit your report with its summary; it is final after.
    Submit {
        #[arg(value_enum)]
        period: Period,
        #[arg(long)]
        day: Option<String>,
        #[arg(long, default_value = "")]
        summary: String,
    },
    /// Write and submit an urgent report about a customer.
    Urgent {
        customer: CustomerId,
        #[arg(long, value_enum)]
        topic: Topic,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        summary: String,
    },
    /// Your team's submitted reports (a rep: your own), urgent and unread first.
    List {
        #[arg(long)]
        staff: Option<StaffId>,
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        unread: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Open a report by id (a team member's is marked read).
    Open { id: ReportId },
    /// Comment on a report.
    Comment { id: ReportId, body: String },
    /// Write a report (by id, or your period report) as an xlsx workbook.
    Export {
        #[arg(long)]
        id: Option<ReportId>,
        #[arg(long, value_enum)]
        period: Option<Period>,
        #[arg(long)]
        day: Option<String>,
        #[arg(long)]
        staff: Option<StaffId>,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Daily,
    Weekly,
    Monthly,
    Urgent,
}

#[derive(Debug, Subcommand)]
pub enum DutiesCommand {
    /// The duty rules by role.
    List,
    /// Head office: add (no --id) or change a rule.
    Set {
        #[arg(long)]
        id: Option<String>,
        #[arg(long)]
        role: StaffRole,
        #[arg(long)]
        kind: DutyKind,
        /// contact_staff: the colleagues' role.
        #[arg(long)]
        staff_role: Option<StaffRole>,
        /// The customers counted (repeatable; none: all).
        #[arg(long = "level")]
        levels: Vec<ChannelLevel>,
        #[arg(long)]
        per_target: Option<u32>,
        #[arg(long)]
        min_count: Option<u32>,
        #[arg(long)]
        min_share: Option<u32>,
        #[arg(long)]
        inactive: bool,
    },
}

#[derive(Debug, Args)]
pub struct ComplianceArgs {
    /// YYYY-MM; this month when absent.
    #[arg(long)]
    month: Option<String>,
    /// A unit of the organisation (yours when absent).
    #[arg(long)]
    unit: Option<OrgUnitId>,
    #[arg(long)]
    staff: Option<StaffId>,
    /// List customers not contacted for this many days.
    #[arg(long)]
    no_contact_days: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum RemindersCommand {
    /// The month-end reminders.
    List,
    /// Head office: add (no --id) or change a reminder.
    Set {
        #[arg(long)]
        id: Option<String>,
        #[arg(long)]
        zh: String,
        #[arg(long)]
        en: String,
        #[arg(long)]
        day: u32,
        #[arg(long)]
        due: Option<u32>,
        #[arg(long, default_value_t = 0)]
        lead: u32,
        /// Whom it concerns (repeatable; none: everyone).
        #[arg(long = "role")]
        roles: Vec<StaffRole>,
        #[arg(long)]
        inactive: bool,
    },
}

fn card_changes(set: &[String]) -> Result<Vec<FieldChange>, ApiError> {
    Ok(pairs(set.iter().map(String::as_str))?
        .into_iter()
        .map(|(field, value)| FieldChange { field, expected: None, value })
        .collect())
}

/// The book's business time zone, in which times are shown (one book per run).
static ZONE: std::sync::OnceLock<Zone> = std::sync::OnceLock::new();

pub fn use_zone(book: &Book) -> Result<(), ApiError> {
    let zone = Zone::parse(&book.business_time()?.time_zone).unwrap_or_default();
    let _ = ZONE.set(zone);
    Ok(())
}

fn time(ts: &str) -> String {
    let zone = ZONE.get().copied().unwrap_or_default();
    fieldcrm_core::clock::parse_timestamp(ts).map(|at| zone.show(at)).unwrap_or_else(|| ts.to_string())
}

fn visit_line(v: &Visit) -> String {
    format!(
        "{}  {}  {}  {}  {}{}{}",
        v.id,
        time(&v.checked_in_at),
        v.minutes.map_or_else(|| "open".to_string(), |m| format!("{m} min")),
        v.customer_name,
        v.visit_type,
        if v.planned { "  planned" } else { "" },
        v.next_step.as_deref().map(|s| format!("  next: {s}")).unwrap_or_default()
    )
}

fn call_line(c: &Call) -> String {
    format!(
        "{}  {}  {}  {}  {}s  {}",
        c.id,
        time(&c.called_at),
        c.direction,
        c.customer_name.as_deref().or(c.colleague_name.as_deref()).unwrap_or("—"),
        c.duration_seconds,
        c.summary.as_deref().unwrap_or("")
    )
}

fn task_line(t: &Task) -> String {
    format!(
        "{}  {}  {}  {}{}",
        t.id,
        t.due_on,
        if t.done_at.is_some() {
            "done"
        } else if t.overdue {
            "OVERDUE"
        } else {
            "open"
        },
        t.title,
        t.customer_name.as_deref().map(|c| format!("  ({c})")).unwrap_or_default()
    )
}

fn lines<T>(items: &[T], line: fn(&T) -> String) -> String {
    if items.is_empty() {
        return "(none)".into();
    }
    items.iter().map(line).collect::<Vec<_>>().join("\n")
}

fn report_text(r: &Report) -> String {
    let t = &r.content.totals;
    let mut out = vec![format!(
        "{} {} {}  {}  {}{}",
        r.author_name,
        r.kind,
        if r.period_start == r.period_end {
            r.period_start.clone()
        } else {
            format!("{}~{}", r.period_start, r.period_end)
        },
        r.status,
        r.submitted_at.as_deref().map(time).unwrap_or_default(),
        r.title.as_deref().map(|t| format!("  {t}")).unwrap_or_default()
    )];
    out.push(format!("id {}", r.id));
    if r.kind != ReportKind::Urgent {
        out.push(format!(
            "visits {} ({} customers, {} planned, {} spot-checks, {} min)  calls {} ({} min)  tasks done {} new {} overdue {}",
            t.visits,
            t.customers_visited,
            t.planned_visits,
            t.spot_checks,
            t.visit_minutes,
            t.calls,
            t.call_minutes,
            t.tasks_done,
            t.tasks_created,
            t.tasks_overdue
        ));
    }
    if let Some(s) = &r.summary {
        out.push(format!("summary: {s}"));
    }
    out.extend(r.content.visits.iter().map(|v| format!("  visit {}", visit_line(v))));
    out.extend(r.content.calls.iter().map(|c| format!("  call  {}", call_line(c))));
    out.extend(
        r.content
            .days
            .iter()
            .filter(|d| d.visits + d.calls > 0)
            .map(|d| format!("  {}  visits {}  customers {}  calls {}", d.day, d.visits, d.customers_visited, d.calls)),
    );
    out.extend(
        r.comments.iter().map(|c| format!("  comment by {} at {}: {}", c.author_name, time(&c.created_at), c.body)),
    );
    out.join("\n")
}

fn compliance_text(c: &Compliance) -> String {
    let mut out = vec![format!("{} (as of {})", c.month, c.as_of)];
    for p in &c.people {
        out.push(format!("{}  {}  {}  {}", p.name, p.role, p.unit_name, if p.met { "all met" } else { "BEHIND" }));
        for r in &p.rules {
            let what = match (r.kind, r.staff_role) {
                (DutyKind::ContactStaff, Some(role)) => format!("contact_staff:{role}"),
                (kind, _) => kind.to_string(),
            };
            out.push(format!(
                "    {what}  {}/{}{}{}",
                r.done,
                r.required,
                if r.met { "" } else { "  behind " },
                if r.met {
                    String::new()
                } else {
                    let names: Vec<String> = r.behind.iter().take(5).map(|b| b.name.clone()).collect();
                    format!("{} ({}{})", r.behind_count, names.join("、"), if r.behind_count > 5 { " …" } else { "" })
                }
            ));
        }
    }
    for g in c.no_contact.iter().filter(|g| g.count > 0) {
        out.push(format!("{}: {} customers without contact for {}+ days", g.name, g.count, c.no_contact_days));
    }
    out.join("\n")
}

/// Says which due date the book chose for a next step given without one.
fn defaulted_line(chosen: Option<&DefaultedDue>) -> String {
    match chosen {
        Some(DefaultedDue { on, route_name: Some(route), .. }) => {
            format!("\nno due date given: due {on}, the next tour day of route {route}")
        }
        Some(DefaultedDue { on, work_days, .. }) => {
            format!("\nno due date given: due {on}, {} work days on", work_days.unwrap_or(DEFAULT_DUE_WORK_DAYS))
        }
        None => String::new(),
    }
}

pub fn visit(book: &Book, command: &VisitCommand, json: bool) -> Result<(), ApiError> {
    match command {
        VisitCommand::Log(a) => {
            let logged = book.log_visit(&NewVisit {
                customer_id: a.customer,
                visit_type: a.visit_type.clone(),
                checked_in_at: at(a.checked_in.as_ref()),
                checked_out_at: a.checked_out.clone(),
                latitude: a.latitude,
                longitude: a.longitude,
                purpose: a.purpose.clone(),
                stock_notes: a.stock.clone(),
                competitor_notes: a.competitors.clone(),
                prices_seen: a.prices.clone(),
                problems: a.problems.clone(),
                requests: a.requests.clone(),
                next_step: a.next.clone(),
                next_step_due: a.due.clone(),
                planned: a.planned,
                report_confirmed: a.confirmed.as_deref().map(|c| c == "yes"),
                card_changes: card_changes(&a.set)?,
            })?;
            output::warnings(&logged.warnings);
            output::show(&logged, json, |l| {
                let mut text = format!("logged {}", visit_line(&l.visit));
                if let Some(t) = &l.task {
                    text.push_str(&format!("\ntask {}", task_line(t)));
                }
                text.push_str(&defaulted_line(l.defaulted_due.as_ref()));
                text
            });
        }
        VisitCommand::CheckOut { id, at } => {
            let visit = book.check_out_visit(*id, at.as_deref())?;
            output::show(&visit, json, visit_line);
        }
        VisitCommand::List(args) => output::show(&book.visits(&args.query())?, json, |v| lines(v, visit_line)),
    }
    Ok(())
}

pub fn call(book: &Book, command: &CallCommand, json: bool) -> Result<(), ApiError> {
    match command {
        CallCommand::Log { customer, colleague, direction, at: when, seconds, summary, next, due, set } => {
            let logged = book.log_call(&NewCall {
                customer_id: *customer,
                colleague_id: *colleague,
                direction: match direction {
                    Direction::Outgoing => CallDirection::Outgoing,
                    Direction::Incoming => CallDirection::Incoming,
                },
                called_at: at(when.as_ref()),
                duration_seconds: *seconds,
                summary: summary.clone(),
                next_step: next.clone(),
                next_step_due: due.clone(),
                card_changes: card_changes(set)?,
            })?;
            output::warnings(&logged.warnings);
            output::show(&logged, json, |l| {
                let mut text = format!("logged {}", call_line(&l.call));
                if let Some(t) = &l.task {
                    text.push_str(&format!("\ntask {}", task_line(t)));
                }
                text.push_str(&defaulted_line(l.defaulted_due.as_ref()));
                text
            });
        }
        CallCommand::List(args) => output::show(&book.calls(&args.query())?, json, |c| lines(c, call_line)),
    }
    Ok(())
}

pub fn task(book: &Book, command: &TaskCommand, json: bool) -> Result<(), ApiError> {
    match command {
        TaskCommand::List { customer, staff, all } => {
            let tasks = book.tasks(&TaskQuery {
                customer_id: *customer,
                assignee_id: *staff,
                include_done: *all,
                limit: None,
            })?;
            output::show(&tasks, json, |t| lines(t, task_line));
        }
        TaskCommand::Add { title, due, customer, to } => {
            let task = book.add_task(&NewTask {
                title: title.clone(),
                due_on: due.clone(),
                customer_id: *customer,
                assignee_id: *to,
            })?;
            output::show(&task, json, task_line);
        }
        TaskCommand::Done { id } => output::show(&book.set_task_done(*id, true)?, json, task_line),
        TaskCommand::Reopen { id } => output::show(&book.set_task_done(*id, false)?, json, task_line),
    }
    Ok(())
}

pub fn report(book: &Book, command: &ReportCommand, json: bool) -> Result<(), ApiError> {
    match command {
        ReportCommand::Show { period, day, staff } => {
            let report = book.report(&ReportQuery { kind: (*period).into(), day: day.clone(), staff_id: *staff })?;
            output::show(&report, json, report_text);
        }
        ReportCommand::Save { period, day, summary } => {
            let input = ReportSummaryInput { kind: (*period).into(), day: day.clone(), summary: summary.clone() };
            output::show(&book.save_report(&input)?, json, report_text);
        }
        ReportCommand::Submit { period, day, summary } => {
            let input = ReportSummaryInput { kind: (*period).into(), day: day.clone(), summary: summary.clone() };
            output::show(&book.submit_report(&input)?, json, report_text);
        }
        ReportCommand::Urgent { customer, topic, title, summary } => {
            let report = book.urgent_report(&NewUrgentReport {
                customer_id: *customer,
                topic: match topic {
                    Topic::CreditRisk => UrgentTopic::CreditRisk,
                    Topic::Competitor => UrgentTopic::Competitor,
                    Topic::Complaint => UrgentTopic::Complaint,
                    Topic::Other => UrgentTopic::Other,
                },
                title: title.clone(),
                summary: summary.clone(),
            })?;
            output::show(&report, json, report_text);
        }
        ReportCommand::List { staff, kind, from, to, unread, limit } => {
            let lines = book.reports(&ReportListQuery {
                staff_id: *staff,
                kind: kind.map(|k| match k {
                    KindArg::Daily => ReportKind::Daily,
                    KindArg::Weekly => ReportKind::Weekly,
                    KindArg::Monthly => ReportKind::Monthly,
                    KindArg::Urgent => ReportKind::Urgent,
                }),
                from: from.clone(),
                to: to.clone(),
                unread_only: *unread,
                limit: Some(*limit),
            })?;
            output::show(&lines, json, |lines| {
                if lines.is_empty() {
                    return "(none)".into();
                }
                lines
                    .iter()
                    .map(|l| {
                        format!(
                            "{}  {}{}  {}  {}  {}{}",
                            l.id,
                            if l.read { "" } else { "● " },
                            l.kind,
                            l.author_name,
                            l.period_start,
                            l.title.as_deref().or(l.summary.as_deref()).unwrap_or(""),
                            if l.comments > 0 { format!("  ({} comments)", l.comments) } else { String::new() }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        ReportCommand::Open { id } => output::show(&book.open_report(*id)?, json, report_text),
        ReportCommand::Comment { id, body } => output::show(&book.comment_report(*id, body)?, json, report_text),
        ReportCommand::Export { id, period, day, staff, out } => {
            let which = match (id, period) {
                (Some(id), None) => ReportRef { id: Some(*id), query: None },
                (None, Some(period)) => ReportRef {
                    id: None,
                    query: Some(ReportQuery { kind: (*period).into(), day: day.clone(), staff_id: *staff }),
                },
                _ => return Err(usage("name the report: --id ID, or --period daily|weekly|monthly [--day D]".into())),
            };
            let path = book.export_report(&which, out)?;
            output::show(&path, json, |p| format!("wrote {}", p.display()));
        }
    }
    Ok(())
}

pub fn duties(book: &Book, command: &DutiesCommand, json: bool) -> Result<(), ApiError> {
    match command {
        DutiesCommand::List => output::show(&book.duty_rules()?, json, |rules| {
            rules
                .iter()
                .map(|r| {
                    format!(
                        "{}  {}  {}{}{}{}{}{}{}",
                        r.id,
                        r.role,
                        r.kind,
                        r.staff_role.map(|s| format!(" {s}")).unwrap_or_default(),
                        if r.channel_levels.is_empty() {
                            String::new()
                        } else {
                            format!(" [{}]", r.channel_levels.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(","))
                        },
                        r.per_target.map(|n| format!("  ≥{n}/month each")).unwrap_or_default(),
                        r.min_count.map(|n| format!("  ≥{n}")).unwrap_or_default(),
                        r.min_share.map(|n| format!(" and ≥{n}%")).unwrap_or_default(),
                        if r.active { "" } else { "  (inactive)" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        }),
        DutiesCommand::Set { id, role, kind, staff_role, levels, per_target, min_count, min_share, inactive } => {
            let rule = book.save_duty_rule(&DutyRuleInput {
                id: id.clone(),
                role: *role,
                kind: *kind,
                staff_role: *staff_role,
                channel_levels: levels.clone(),
                per_target: *per_target,
                min_count: *min_count,
                min_share: *min_share,
                active: !inactive,
            })?;
            output::show(&rule, json, |r| format!("saved {}", r.id));
        }
    }
    Ok(())
}

pub fn compliance(book: &Book, args: &ComplianceArgs, json: bool) -> Result<(), ApiError> {
    let view = book.compliance(&ComplianceQuery {
        org_unit_id: args.unit,
        staff_id: args.staff,
        month: args.month.clone(),
        no_contact_days: args.no_contact_days,
    })?;
    output::show(&view, json, compliance_text);
    Ok(())
}

pub fn reminders(book: &Book, command: &RemindersCommand, json: bool) -> Result<(), ApiError> {
    match command {
        RemindersCommand::List => output::show(&book.reminders()?, json, |list| {
            list.iter()
                .map(|r| {
                    format!(
                        "{}  day {}{}  {}{}",
                        r.id,
                        r.day_of_month,
                        r.due_day.map(|d| format!(" (due {d})")).unwrap_or_default(),
                        r.label_zh,
                        if r.active { "" } else { "  (inactive)" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        }),
        RemindersCommand::Set { id, zh, en, day, due, lead, roles, inactive } => {
            let reminder = book.save_reminder(&ReminderInput {
                id: id.clone(),
                label_zh: zh.clone(),
                label_en: en.clone(),
                day_of_month: *day,
                due_day: *due,
                lead_days: *lead,
                roles: roles.clone(),
                active: !inactive,
            })?;
            output::show(&reminder, json, |r| format!("saved {}", r.id));
        }
    }
    Ok(())
}

pub fn home(book: &Book, json: bool) -> Result<(), ApiError> {
    let home = book.home()?;
    output::show(&home, json, |h| {
        let mut out = vec![format!(
            "{}: {} visits, {} calls today; daily report {}",
            h.today,
            h.visits_today,
            h.calls_today,
            if h.daily_submitted { "submitted" } else { "not yet submitted" }
        )];
        out.extend(h.reminders.iter().map(|r| format!("reminder  {}  {}", r.on, r.label_zh)));
        out.extend(h.tasks.iter().map(|t| format!("task  {}", task_line(t))));
        if h.overdue_tasks > 0 {
            out.push(format!("{} tasks overdue", h.overdue_tasks));
        }
        out.extend(h.urgent_unread.iter().map(|r| {
            format!(
                "URGENT  {}  {}  {}",
                r.author_name,
                r.customer_name.as_deref().unwrap_or(""),
                r.title.as_deref().unwrap_or("")
            )
        }));
        if h.unread_reports > 0 {
            out.push(format!("{} team reports unread", h.unread_reports));
        }
        out.join("\n")
    });
    Ok(())
}
