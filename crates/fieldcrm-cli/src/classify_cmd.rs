//! `fieldcrm codes|grade|route|plan`: classification, grades, routes and visit
//! plans from the command line.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use fieldcrm_core::api::classify::{AcceptGrades, RouteOrder, RouteStops, StopMove, SuggestQuery};
use fieldcrm_core::codes::{CodeEdit, CodeList, NewCodeItem, NewCodeList};
use fieldcrm_core::grades::{
    AcceptedGrade, GradeChange, GradeLevelInput, GradeScale, GradeSuggestion, RuleShare, Settlement,
};
use fieldcrm_core::ids::{CustomerId, OrgUnitId, RouteId, StaffId};
use fieldcrm_core::routes::plan::{PlanQuery, StopStatus, VisitPlan};
use fieldcrm_core::routes::{NewRoute, RouteDetail, RouteEdit};
use fieldcrm_core::{ApiError, Book};

use crate::{output, usage};

#[derive(Debug, Subcommand)]
pub enum CodesCommand {
    /// Every code list with its codes (retired ones marked) and how many cards carry each.
    List,
    /// Head office: add a code list (its key: lower-case letters, digits, _).
    AddList {
        id: String,
        #[arg(long)]
        zh: String,
        #[arg(long)]
        en: String,
    },
    /// Head office: add a code to a list.
    Add {
        list: String,
        code: String,
        #[arg(long)]
        zh: String,
        #[arg(long)]
        en: String,
    },
    /// Head office: relabel, reorder, retire or bring back a list (no CODE) or a code.
    Edit {
        list: String,
        code: Option<String>,
        #[arg(long)]
        zh: Option<String>,
        #[arg(long)]
        en: Option<String>,
        /// New place, 1 = first.
        #[arg(long)]
        position: Option<i64>,
        #[arg(long, conflicts_with = "restore")]
        retire: bool,
        #[arg(long)]
        restore: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Scale {
    Customer,
    Credit,
}

impl From<Scale> for GradeScale {
    fn from(scale: Scale) -> Self {
        match scale {
            Scale::Customer => GradeScale::Customer,
            Scale::Credit => GradeScale::Credit,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SettlementArg {
    Prepayment,
    CashOnDelivery,
    MonthlyStatement,
    CreditTerm,
}

impl From<SettlementArg> for Settlement {
    fn from(s: SettlementArg) -> Self {
        match s {
            SettlementArg::Prepayment => Settlement::Prepayment,
            SettlementArg::CashOnDelivery => Settlement::CashOnDelivery,
            SettlementArg::MonthlyStatement => Settlement::MonthlyStatement,
            SettlementArg::CreditTerm => Settlement::CreditTerm,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum GradeCommand {
    /// Both grade scales, what each grade implies, and the ABC rule.
    Scales,
    /// Head office: create or change a grade of a scale.
    SetLevel {
        #[arg(long, value_enum)]
        scale: Scale,
        code: String,
        #[arg(long)]
        zh: String,
        #[arg(long)]
        en: String,
        /// Customer grades: visit at least every N days.
        #[arg(long)]
        visit_every: Option<u32>,
        /// Credit grades: credit limit in yuan.
        #[arg(long)]
        credit_limit: Option<i64>,
        /// Credit grades: payment term in days.
        #[arg(long)]
        term_days: Option<u32>,
        #[arg(long, value_enum)]
        settlement: Option<SettlementArg>,
        #[arg(long)]
        retire: bool,
    },
    /// Head office: the ABC rule, best grade first: `fieldcrm grade rule A=70 B=20 C=10`.
    Rule {
        #[arg(required = true, value_name = "GRADE=SHARE")]
        shares: Vec<String>,
    },
    /// Managers: set a card's grade by hand (`--credit` for the credit grade).
    Set {
        customer: CustomerId,
        grade: String,
        #[arg(long)]
        credit: bool,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Managers: clear a card's grade.
    Clear {
        customer: CustomerId,
        #[arg(long)]
        credit: bool,
        #[arg(long)]
        reason: Option<String>,
    },
    /// A card's grade changes: who, when, why.
    History { customer: CustomerId },
    /// Managers: the grades the ABC rule proposes (changes nothing).
    Suggest {
        /// Grade the cards of this unit and below (default: your part of the organisation).
        #[arg(long)]
        unit: Option<OrgUnitId>,
        /// Show at most this many proposed changes (all are counted).
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Managers: accept proposed grades — all (grades set by hand stay unless
    /// --include-manual), or only the cards named.
    Accept {
        #[arg(long)]
        unit: Option<OrgUnitId>,
        #[arg(long, conflicts_with = "customers")]
        all: bool,
        #[arg(long)]
        include_manual: bool,
        #[arg(long = "customer", value_name = "ID")]
        customers: Vec<CustomerId>,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RouteCommand {
    /// Routes (of one rep with --owner).
    List {
        #[arg(long)]
        owner: Option<StaffId>,
    },
    /// A route's stops in order.
    Show { id: RouteId },
    /// Create a route for a rep (you, by default).
    Create {
        name: String,
        #[arg(long)]
        owner: Option<StaffId>,
        #[arg(long)]
        territory: Option<OrgUnitId>,
        /// The rep's base, where tours start: LAT,LON.
        #[arg(long, value_name = "LAT,LON")]
        start: Option<String>,
        /// The weekday it is toured on: 1 (Monday) to 7.
        #[arg(long)]
        weekday: Option<u8>,
    },
    /// Rename a route, move its base, change its weekday (0 = any), retire or restore it.
    Edit {
        id: RouteId,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_name = "LAT,LON")]
        start: Option<String>,
        #[arg(long)]
        clear_start: bool,
        #[arg(long)]
        weekday: Option<u8>,
        #[arg(long, conflicts_with = "restore")]
        retire: bool,
        #[arg(long)]
        restore: bool,
    },
    /// Put customers on a route (at a 1-based place; the end by default).
    Add {
        id: RouteId,
        #[arg(required = true)]
        customers: Vec<CustomerId>,
        #[arg(long)]
        at: Option<u32>,
    },
    /// Take customers off their route.
    Remove {
        #[arg(required = true)]
        customers: Vec<CustomerId>,
    },
    /// Move one stop to a new 1-based place on its route.
    Move { customer: CustomerId, position: u32 },
    /// Set the whole order: every stop of the route, once.
    Order {
        id: RouteId,
        #[arg(required = true)]
        customers: Vec<CustomerId>,
    },
    /// Propose a shorter order; --accept applies it.
    Optimise {
        id: RouteId,
        #[arg(long)]
        accept: bool,
    },
    /// Write the route sheet (xlsx, A4) to a file.
    Sheet {
        id: RouteId,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The rep (you, by default).
    #[arg(long)]
    rep: Option<StaffId>,
    /// First day (YYYY-MM-DD); today by default.
    #[arg(long)]
    date: Option<String>,
    /// The week from that day.
    #[arg(long, conflicts_with = "days")]
    week: bool,
    #[arg(long, default_value_t = 1)]
    days: u32,
    /// Every rep of your team for the day, in numbers.
    #[arg(long, conflicts_with_all = ["rep", "week"])]
    team: bool,
}

fn lists_text(lists: &[CodeList]) -> String {
    let mut out = vec![];
    for list in lists {
        let field = list.field.as_deref().map_or_else(|| "customCodes".to_string(), str::to_string);
        out.push(format!(
            "{} {} / {}  (card field {field}){}",
            list.id,
            list.label_zh,
            list.label_en,
            if list.retired { "  [retired]" } else { "" }
        ));
        for item in &list.items {
            out.push(format!(
                "  {:>3}. {}  {} / {}  {} cards{}",
                item.position,
                item.code,
                item.label_zh,
                item.label_en,
                item.cards,
                if item.retired { "  [retired]" } else { "" }
            ));
        }
    }
    out.join("\n")
}

pub fn codes(book: &Book, command: &CodesCommand, json: bool) -> Result<(), ApiError> {
    let lists = match command {
        CodesCommand::List => book.code_lists()?,
        CodesCommand::AddList { id, zh, en } => {
            book.add_code_list(&NewCodeList { id: id.clone(), label_zh: zh.clone(), label_en: en.clone() })?
        }
        CodesCommand::Add { list, code, zh, en } => book.add_code(&NewCodeItem {
            list_id: list.clone(),
            code: code.clone(),
            label_zh: zh.clone(),
            label_en: en.clone(),
        })?,
        CodesCommand::Edit { list, code, zh, en, position, retire, restore } => book.edit_code(&CodeEdit {
            list_id: list.clone(),
            code: code.clone(),
            label_zh: zh.clone(),
            label_en: en.clone(),
            position: *position,
            retired: if *retire {
                Some(true)
            } else if *restore {
                Some(false)
            } else {
                None
            },
        })?,
    };
    output::show(&lists, json, |l| lists_text(l));
    Ok(())
}

fn scales_text(scales: &fieldcrm_core::api::classify::GradeScales) -> String {
    let mut out = vec![];
    for level in &scales.levels {
        let mut implies = vec![];
        if let Some(days) = level.visit_every_days {
            implies.push(format!("visit every {days} days"));
        }
        if let Some(share) = level.revenue_share {
            implies.push(format!("ABC share {share}%"));
        }
        if let Some(limit) = level.credit_limit {
            implies.push(format!("limit {limit} yuan"));
        }
        if let Some(days) = level.payment_term_days {
            implies.push(format!("term {days} days"));
        }
        if let Some(s) = level.settlement {
            implies.push(format!("{s:?}"));
        }
        out.push(format!(
            "{:<8} {:<4} {} / {}  {}  {} cards{}",
            level.scale.as_str(),
            level.code,
            level.label_zh,
            level.label_en,
            implies.join(", "),
            level.cards,
            if level.retired { "  [retired]" } else { "" }
        ));
    }
    let rule: Vec<String> = scales.rule.iter().map(|s| format!("{} {}%", s.grade, s.share)).collect();
    out.push(format!("ABC rule: {}", rule.join(" / ")));
    out.join("\n")
}

fn suggestion_text(s: &GradeSuggestion, limit: usize) -> String {
    let mut out = vec![format!(
        "{} cards considered ({} left out: no revenue, prospects, eliminated), revenue {} yuan; {} would change, {} stay",
        s.considered,
        s.left_out,
        s.total_revenue,
        s.changes.len(),
        s.unchanged
    )];
    for p in s.changes.iter().take(limit) {
        out.push(format!(
            "{}  {}  {} yuan  cum {:.1}%  {} → {}{}",
            p.customer_id,
            p.name,
            p.revenue,
            f64::from(p.cumulative_bp) / 100.0,
            p.current.as_deref().unwrap_or("—"),
            p.proposed,
            if p.manual { "  [set by hand]" } else { "" }
        ));
    }
    if s.changes.len() > limit {
        out.push(format!("… and {} more (--limit, or --json for all)", s.changes.len() - limit));
    }
    out.join("\n")
}

pub fn grade(book: &Book, command: &GradeCommand, json: bool) -> Result<(), ApiError> {
    match command {
        GradeCommand::Scales => output::show(&book.grade_scales()?, json, scales_text),
        GradeCommand::SetLevel { scale, code, zh, en, visit_every, credit_limit, term_days, settlement, retire } => {
            let scales = book.save_grade_level(&GradeLevelInput {
                scale: (*scale).into(),
                code: code.clone(),
                label_zh: zh.clone(),
                label_en: en.clone(),
                retired: *retire,
                visit_every_days: *visit_every,
                credit_limit: *credit_limit,
                payment_term_days: *term_days,
                settlement: settlement.map(Into::into),
            })?;
            output::show(&scales, json, scales_text);
        }
        GradeCommand::Rule { shares } => {
            let shares = shares
                .iter()
                .map(|pair| {
                    let (grade, share) = pair
                        .split_once('=')
                        .ok_or_else(|| usage(format!("'{pair}' is not GRADE=SHARE (e.g. A=70)")))?;
                    let share = share
                        .trim()
                        .trim_end_matches('%')
                        .parse()
                        .map_err(|_| usage(format!("'{share}' is not a whole percentage")))?;
                    Ok(RuleShare { grade: grade.trim().to_string(), share })
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            output::show(&book.set_grading_rule(&shares)?, json, scales_text);
        }
        GradeCommand::Set { customer, grade, credit, reason } => {
            let card = book.set_grade(&GradeChange {
                customer_id: *customer,
                scale: if *credit { GradeScale::Credit } else { GradeScale::Customer },
                grade: Some(grade.clone()),
                reason: reason.clone(),
            })?;
            output::show(&card.grading, json, |g| {
                format!(
                    "grade {}, credit grade {}",
                    g.grade.as_deref().unwrap_or("—"),
                    g.credit_grade.as_deref().unwrap_or("—")
                )
            });
        }
        GradeCommand::Clear { customer, credit, reason } => {
            let card = book.set_grade(&GradeChange {
                customer_id: *customer,
                scale: if *credit { GradeScale::Credit } else { GradeScale::Customer },
                grade: None,
                reason: reason.clone(),
            })?;
            output::show(&card.grading, json, |_| "cleared".into());
        }
        GradeCommand::History { customer } => output::show(&book.grade_history(*customer)?, json, |entries| {
            entries
                .iter()
                .map(|e| {
                    format!(
                        "{}  {}  {} → {}  by {}  ({}){}",
                        e.changed_at,
                        e.scale.as_str(),
                        e.old_grade.as_deref().unwrap_or("—"),
                        e.new_grade.as_deref().unwrap_or("—"),
                        e.changed_by.as_deref().unwrap_or("?"),
                        e.source,
                        e.reason.as_deref().map(|r| format!("  {r}")).unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        }),
        GradeCommand::Suggest { unit, limit } => {
            let suggestion = book.suggest_grades(&SuggestQuery { org_unit_id: *unit })?;
            output::show(&suggestion, json, |s| suggestion_text(s, *limit));
        }
        GradeCommand::Accept { unit, all, include_manual, customers, reason } => {
            if !*all && customers.is_empty() {
                return Err(usage("name the cards to accept with --customer ID, or accept all with --all".into()));
            }
            let suggestion = book.suggest_grades(&SuggestQuery { org_unit_id: *unit })?;
            for id in customers {
                if !suggestion.changes.iter().any(|p| p.customer_id == *id) {
                    return Err(usage(format!("no grade change is proposed for {id}; nothing was accepted")));
                }
            }
            let grades: Vec<AcceptedGrade> = suggestion
                .changes
                .iter()
                .filter(|p| if *all { !p.manual || *include_manual } else { customers.contains(&p.customer_id) })
                .map(|p| AcceptedGrade { customer_id: p.customer_id, grade: p.proposed.clone() })
                .collect();
            let report = book.accept_grades(&AcceptGrades { grades, reason: reason.clone() })?;
            output::show(&report, json, |r| format!("{} grades changed", r.changed));
        }
    }
    Ok(())
}

fn point(text: &str) -> Result<(f64, f64), ApiError> {
    let bad = || usage(format!("'{text}' is not LAT,LON (e.g. 36.85,118.73)"));
    let (lat, lon) = text.split_once(',').ok_or_else(bad)?;
    Ok((lat.trim().parse().map_err(|_| bad())?, lon.trim().parse().map_err(|_| bad())?))
}

fn route_text(d: &RouteDetail) -> String {
    let r = &d.route;
    let mut out = vec![format!(
        "{}  {}  rep {}  {}  {} stops{}{}",
        r.id,
        r.name,
        r.owner_name,
        r.territory_name,
        r.stops,
        r.weekday.map(|w| format!("  weekday {w}")).unwrap_or_default(),
        if r.retired { "  [retired]" } else { "" }
    )];
    for s in &d.stops {
        out.push(format!(
            "{:>3}. {}  {}  {}  {}  last visit {}",
            s.position,
            s.customer_id,
            s.name,
            s.grade.as_deref().unwrap_or("—"),
            s.address.as_deref().unwrap_or("—"),
            s.last_visit_on.as_deref().unwrap_or("—")
        ));
    }
    out.join("\n")
}

pub fn route(book: &Book, command: &RouteCommand, json: bool) -> Result<(), ApiError> {
    match command {
        RouteCommand::List { owner } => output::show(&book.routes(*owner)?, json, |routes| {
            routes
                .iter()
                .map(|r| {
                    format!(
                        "{}  {}  {}  {} stops{}",
                        r.id,
                        r.name,
                        r.owner_name,
                        r.stops,
                        if r.retired { "  [retired]" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        }),
        RouteCommand::Show { id } => output::show(&book.route(*id)?, json, route_text),
        RouteCommand::Create { name, owner, territory, start, weekday } => {
            let start = start.as_deref().map(point).transpose()?;
            let detail = book.create_route(&NewRoute {
                name: name.clone(),
                owner_id: *owner,
                territory_id: *territory,
                start_latitude: start.map(|p| p.0),
                start_longitude: start.map(|p| p.1),
                weekday: *weekday,
            })?;
            output::show(&detail, json, route_text);
        }
        RouteCommand::Edit { id, name, start, clear_start, weekday, retire, restore } => {
            let start = start.as_deref().map(point).transpose()?;
            let detail = book.edit_route(&RouteEdit {
                id: Some(*id),
                name: name.clone(),
                start_latitude: start.map(|p| p.0),
                start_longitude: start.map(|p| p.1),
                clear_start: *clear_start,
                weekday: *weekday,
                retired: if *retire {
                    Some(true)
                } else if *restore {
                    Some(false)
                } else {
                    None
                },
            })?;
            output::show(&detail, json, route_text);
        }
        RouteCommand::Add { id, customers, at } => {
            let detail = book.add_route_stops(&RouteStops { route_id: *id, customers: customers.clone(), at: *at })?;
            output::show(&detail, json, route_text);
        }
        RouteCommand::Remove { customers } => {
            book.remove_route_stops(customers)?;
            output::show(&serde_json::json!({"removed": customers.len()}), json, |_| {
                format!("{} customers taken off their route", customers.len())
            });
        }
        RouteCommand::Move { customer, position } => {
            let detail = book.move_route_stop(&StopMove { customer_id: *customer, position: *position })?;
            output::show(&detail, json, route_text);
        }
        RouteCommand::Order { id, customers } => {
            let detail = book.set_route_order(&RouteOrder { route_id: *id, order: customers.clone() })?;
            output::show(&detail, json, route_text);
        }
        RouteCommand::Optimise { id, accept } => {
            let proposal = book.propose_route_order(*id)?;
            if *accept {
                book.set_route_order(&RouteOrder { route_id: *id, order: proposal.order.clone() })?;
            }
            output::show(&proposal, json, |p| {
                let mut text = format!(
                    "{:.1} km → {:.1} km ({}){}",
                    p.before_km,
                    p.after_km,
                    if p.from_base { "from the rep's base and back" } else { "from the first stop" },
                    if *accept { "; the new order is saved" } else { "; nothing changed (--accept saves it)" }
                );
                if !p.without_coordinates.is_empty() {
                    text.push_str(&format!(
                        "\nwithout coordinates, kept in place: {}",
                        p.without_coordinates.join("、")
                    ));
                }
                text
            });
        }
        RouteCommand::Sheet { id, out } => {
            let path = book.write_route_sheet(*id, out)?;
            output::show(&serde_json::json!({"path": path}), json, |_| format!("wrote {}", path.display()));
        }
    }
    Ok(())
}

fn plan_text(plan: &VisitPlan) -> String {
    let mut out = vec![format!("{}: {} customers", plan.staff_name, plan.customers)];
    let status = |s: StopStatus, days: u32| match s {
        StopStatus::Overdue => format!("overdue {days} d"),
        StopStatus::Due => "due".into(),
        StopStatus::NeverVisited => "never visited".into(),
    };
    for day in &plan.days {
        out.push(format!("{} (weekday {})", day.date, day.weekday));
        for s in &day.overdue {
            out.push(format!(
                "  ! {}  {}  {}  {}",
                s.name,
                s.grade.as_deref().unwrap_or("—"),
                status(s.status, s.overdue_days),
                s.route_name.as_deref().unwrap_or("no route")
            ));
        }
        if day.more_overdue > 0 {
            out.push(format!("  ! … {} more overdue", day.more_overdue));
        }
        for r in &day.routes {
            out.push(format!(
                "  {} {}  ({} stops, {} not due)",
                r.name,
                if r.scheduled { "[scheduled]" } else { "[most due]" },
                r.stops.len(),
                r.not_due
            ));
            for s in &r.stops {
                out.push(format!(
                    "    {:>3}. {}  {}  {}",
                    s.position.unwrap_or(0),
                    s.name,
                    s.grade.as_deref().unwrap_or("—"),
                    status(s.status, s.overdue_days)
                ));
            }
        }
        if day.routes.is_empty() && day.overdue.is_empty() {
            out.push("  nothing planned".into());
        }
    }
    out.join("\n")
}

pub fn plan(book: &Book, args: &PlanArgs, json: bool) -> Result<(), ApiError> {
    if args.team {
        let team = book.team_plan(args.date.as_deref())?;
        output::show(&team, json, |team| {
            team.iter()
                .map(|t| {
                    format!(
                        "{}  {}  routes {}  {} stops  {} overdue",
                        t.staff_name,
                        t.territory_name,
                        if t.routes.is_empty() { "—".into() } else { t.routes.join("、") },
                        t.stops,
                        t.overdue
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
        return Ok(());
    }
    let plan = book.visit_plan(&PlanQuery {
        staff_id: args.rep,
        date: args.date.clone(),
        days: if args.week { 7 } else { args.days },
    })?;
    output::show(&plan, json, plan_text);
    Ok(())
}
