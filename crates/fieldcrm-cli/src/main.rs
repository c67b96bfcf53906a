//! `fieldcrm`: every job of the app, headless, over the same facade
//! ([`fieldcrm_core::Book`]) that the desktop shell calls. Each subcommand parses
//! its input, makes one facade call and prints the result (as a table, or as
//! JSON with `--json`). Bad input exits non-zero with a message that says what
//! to do.

#[macro_use]
mod terminal;
mod approval_cmd;
mod classify_cmd;
mod fieldwork_cmd;
mod money_cmd;
mod output;
mod plans_cmd;
mod sales_cmd;
mod service_cmd;
mod sync_cmd;
mod targets_cmd;
mod unlock;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use fieldcrm_core::api::{
    CardEdit, Handover, HandoverPart, NewCustomer, NewOrgUnit, NewProfile, NewRecord, NewStaff, RecordEdit, RecordKind,
    StaffEdit,
};
use fieldcrm_core::card::{FieldChange, Fields};
use fieldcrm_core::demo::DemoOptions;
use fieldcrm_core::ids::{CustomerId, OrgUnitId, RouteId, StaffId};
use fieldcrm_core::model::{ChannelLevel, CreditStanding, Lifecycle, OrgUnitKind, StaffRole};
use fieldcrm_core::search::{CustomerQuery, SortKey};
use fieldcrm_core::{ApiError, Book, ErrorCode};
use serde_json::Value as Json;

#[derive(Debug, Parser)]
#[command(
    name = "fieldcrm",
    version,
    about = "fieldcrm: customer archive cards for field sales, from the command line"
)]
struct Cli {
    /// The book (SQLite file) to use. Defaults to the desktop app's book.
    #[arg(long, global = true, env = "FIELDCRM_DB")]
    db: Option<PathBuf>,
    /// Print results as JSON.
    #[arg(long, global = true)]
    json: bool,
    /// A file holding the book's passphrase (its first line). Without it the
    /// passphrase is `FIELDCRM_PASSPHRASE`, else typed at a prompt — unless
    /// the operating system's secret store already holds the book's key.
    #[arg(long, global = true, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// Neither read nor keep the book's key in the operating system's secret store.
    #[arg(long, global = true, env = "FIELDCRM_NO_KEYRING", value_parser = clap::builder::BoolishValueParser::new())]
    no_keyring: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the book (if needed) and, given a name, the profile of who uses this laptop.
    Init(InitArgs),
    /// Show the book: path, schema version, profile, size.
    Status,
    /// Run a full integrity check of the book.
    Check,
    /// The passphrase that seals the book's key.
    #[command(subcommand)]
    Passphrase(PassphraseCommand),
    /// Fill an empty book with deterministic, realistic demo data (`demo reset`:
    /// rebuild a demo book as it was made).
    #[command(args_conflicts_with_subcommands = true)]
    Demo {
        #[arg(long, default_value_t = 2000)]
        customers: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The day the demo treats as today (YYYY-MM-DD); defaults to today.
        #[arg(long)]
        as_of: Option<String>,
        #[command(subcommand)]
        action: Option<DemoCommand>,
    },
    /// Customer archive cards.
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// Key people, addresses and credit incidents on a card.
    #[command(subcommand)]
    Record(RecordCommand),
    /// The organisation tree: list it, or add a unit.
    #[command(subcommand)]
    Org(OrgCommand),
    /// The sales staff: list them, or add a person.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Book settings.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// This device's identity; head office enrols laptops.
    #[command(subcommand)]
    Device(sync_cmd::DeviceCommand),
    /// Export and import changeset files.
    #[command(subcommand)]
    Sync(sync_cmd::SyncCommand),
    /// Head office's batch jobs.
    #[command(subcommand)]
    Hq(sync_cmd::HqCommand),
    /// Fields two people changed at the same time.
    #[command(subcommand)]
    Conflicts(sync_cmd::ConflictsCommand),
    /// Code lists that classify cards (ownership, channel type …).
    #[command(subcommand)]
    Codes(classify_cmd::CodesCommand),
    /// Customer and credit grades, the ABC suggestion.
    #[command(subcommand)]
    Grade(classify_cmd::GradeCommand),
    /// Reps' routes and their ordered stops.
    #[command(subcommand)]
    Route(classify_cmd::RouteCommand),
    /// A rep's visit plan for a day or a week (or the team's day with --team).
    Plan(classify_cmd::PlanArgs),
    /// Orders: capture (priced, with the credit check), review, holds.
    #[command(subcommand)]
    Order(money_cmd::OrderCommand),
    /// Shipping (发货): what waits to ship, the shipments, shipping lists.
    #[command(subcommand)]
    Ship(money_cmd::ShipCommand),
    /// A customer's statement (对账单): invoices, payments, balance, aging.
    Statement { customer: fieldcrm_core::ids::CustomerId },
    /// A customer's credit: limit, balance, overdue, open orders.
    Credit { customer: fieldcrm_core::ids::CustomerId },
    /// Head office's receivables and price list: invoices, payments, credit limits, prices.
    #[command(subcommand)]
    Receivables(money_cmd::ReceivablesCommand),
    /// Approvals (审批): proposals to open or eliminate a customer, promotion
    /// plans, credit limits; the inbox, decisions, head office's chains.
    #[command(subcommand)]
    Approval(approval_cmd::ApprovalCommand),
    /// Customers' complaints and feedback (客户投诉) with their service clocks.
    #[command(subcommand)]
    Complaint(service_cmd::ComplaintCommand),
    /// Sales targets: the company's year, breakdowns down the organisation and
    /// over the months, approvals, reallocations, progress, the grid.
    #[command(subcommand)]
    Target(targets_cmd::TargetCommand),
    /// Ten-day (旬) and monthly sales plans: yours, your team's rolled up, comments.
    #[command(subcommand, name = "plan-sales")]
    PlanSales(plans_cmd::PlanCommand),
    /// The rolling three-month sales forecast.
    #[command(subcommand)]
    Forecast(plans_cmd::ForecastCommand),
    /// Visit records: log, check out, list.
    #[command(subcommand)]
    Visit(fieldwork_cmd::VisitCommand),
    /// Call records with customers and colleagues.
    #[command(subcommand)]
    Call(fieldwork_cmd::CallCommand),
    /// Follow-up tasks.
    #[command(subcommand)]
    Task(fieldwork_cmd::TaskCommand),
    /// Daily, weekly, monthly and urgent reports; the team's reports and comments.
    #[command(subcommand)]
    Report(fieldwork_cmd::ReportCommand),
    /// The contact and coverage duty rules.
    #[command(subcommand)]
    Duties(fieldwork_cmd::DutiesCommand),
    /// Who keeps their duties this month (or --month), per person and rule.
    Compliance(fieldwork_cmd::ComplianceArgs),
    /// The month-end reminders.
    #[command(subcommand)]
    Reminders(fieldwork_cmd::RemindersCommand),
    /// Today: reminders, tasks due, unread urgent reports.
    Home,
    /// Import customers, people, products, sales lines, invoices or payments from a spreadsheet
    /// (a dry run unless --commit).
    Import(sales_cmd::ImportArgs),
    /// The product catalogue.
    Products,
    /// A sales analysis for a period (default: the last twelve months).
    Analyse(sales_cmd::AnalyseArgs),
    /// Write the customer list (any filter, every page) to an xlsx file.
    ExportCustomers(sales_cmd::ExportCustomersArgs),
}

#[derive(Debug, Args)]
struct InitArgs {
    /// Your name (creates your profile).
    #[arg(long)]
    name: Option<String>,
    #[arg(long, default_value = "rep")]
    role: StaffRole,
    /// Company (head office) name, for a book without an organisation.
    #[arg(long, default_value = "")]
    company: String,
    /// Your territory, region or province.
    #[arg(long, default_value = "")]
    unit: String,
    #[arg(long)]
    phone: Option<String>,
}

#[derive(Debug, Subcommand)]
enum CustomerCommand {
    /// List customers, filtered and sorted, one page at a time.
    List(ListArgs),
    /// Find customers by name, pinyin, initials, phone, address or contact name.
    Search {
        text: String,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Show one archive card.
    Show {
        id: CustomerId,
        /// Also show this many history entries.
        #[arg(long, default_value_t = 0)]
        history: u32,
    },
    /// Create a card: --set key=value for its fields (see `customer fields`).
    Add {
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// A key person: "role=owner;name=王建国;phone=13812345678".
        #[arg(long = "person", value_name = "KEY=VALUE;…")]
        people: Vec<String>,
        /// An address: "kind=business;city=潍坊市;detail=人民路1号".
        #[arg(long = "address", value_name = "KEY=VALUE;…")]
        addresses: Vec<String>,
    },
    /// Change fields of a card: --set key=value (an empty value clears the field).
    Edit {
        id: CustomerId,
        #[arg(long = "set", value_name = "KEY=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Mark a card as reviewed today.
    Review { id: CustomerId },
    /// The card's change history, newest first.
    History {
        id: CustomerId,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// The card's fields: keys, kinds and allowed values.
    Fields,
    /// Every tag in use, with how many cards carry it.
    Tags,
    /// How many (matching) customers carry each value of a classification:
    /// a code list's key, grade, credit_grade or route.
    Groups {
        #[arg(long)]
        by: String,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Record the day of the last visit to a customer (today by default).
    Visited {
        id: CustomerId,
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Kind {
    KeyPerson,
    Address,
    CreditIncident,
}

impl From<Kind> for RecordKind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::KeyPerson => RecordKind::KeyPerson,
            Kind::Address => RecordKind::Address,
            Kind::CreditIncident => RecordKind::CreditIncident,
        }
    }
}

#[derive(Debug, Subcommand)]
enum RecordCommand {
    /// Add a key person, address or credit incident to a card.
    Add {
        customer: CustomerId,
        #[arg(long, value_enum)]
        kind: Kind,
        #[arg(long = "set", value_name = "KEY=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Change fields of a record (an empty value clears the field).
    Edit {
        id: String,
        #[arg(long, value_enum)]
        kind: Kind,
        #[arg(long = "set", value_name = "KEY=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Remove a record; the card's history keeps its last values.
    Remove {
        id: String,
        #[arg(long, value_enum)]
        kind: Kind,
    },
}

#[derive(Debug, Subcommand)]
enum OrgCommand {
    /// The tree, depth first.
    List,
    /// Add a unit under a parent (or a root without one).
    Add {
        name: String,
        #[arg(long)]
        kind: OrgUnitKind,
        #[arg(long)]
        parent: Option<OrgUnitId>,
        #[arg(long)]
        code: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum StaffCommand {
    List,
    /// Add a person to a unit.
    Add {
        name: String,
        #[arg(long)]
        role: StaffRole,
        #[arg(long)]
        unit: OrgUnitId,
        #[arg(long)]
        phone: Option<String>,
        /// Sales administration (--role sales-admin): a region paired with
        /// them (对口销管); repeat for each.
        #[arg(long = "region")]
        regions: Vec<OrgUnitId>,
    },
    /// Head office: change a person — name, phone, unit, role — or mark that
    /// they left (--left; hand their customers over first).
    Edit {
        staff: StaffId,
        #[arg(long)]
        name: Option<String>,
        /// An empty text clears it.
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        unit: Option<OrgUnitId>,
        #[arg(long)]
        role: Option<StaffRole>,
        /// They left the company.
        #[arg(long, conflicts_with = "back")]
        left: bool,
        /// They are back (undoes --left).
        #[arg(long)]
        back: bool,
        /// Sales administration: a region paired with them; repeat for each.
        #[arg(long = "region")]
        regions: Vec<OrgUnitId>,
    },
    /// Head office: hand a rep's customers over (移交) — with their routes,
    /// open tasks and unfinished orders — to one or several reps in one step.
    /// Each card's history names the handover.
    Handover {
        /// The rep whose customers are handed over.
        from: StaffId,
        /// Every card not given below goes to this rep.
        #[arg(long)]
        to: Option<StaffId>,
        /// A whole route and its cards to a rep: ROUTE=REP; repeat for each.
        #[arg(long = "route", value_parser = pair::<RouteId>)]
        routes: Vec<(RouteId, StaffId)>,
        /// One card to a rep: CUSTOMER=REP; repeat for each.
        #[arg(long = "customer", value_parser = pair::<CustomerId>)]
        customers: Vec<(CustomerId, StaffId)>,
        /// Then mark the rep as left (refused if any card would stay with them).
        #[arg(long)]
        leaves: bool,
        /// Show who would get what, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Head office: pair a sales administrator with these regions (replaces
    /// the earlier pairing).
    Regions {
        staff: StaffId,
        #[arg(required = true)]
        regions: Vec<OrgUnitId>,
    },
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Rebuild this demo book from scratch with the size and seed it was made
    /// with (your edits to it go; the language and settings stay). A book of
    /// real data is refused.
    Reset,
}

#[derive(Debug, Subcommand)]
enum SettingsCommand {
    /// Days without review after which a card shows as stale.
    StaleAfterDays { days: u32 },
    /// The business time zone days are counted in (head office sets it; every
    /// book follows with the next files). Without a name: show it.
    TimeZone {
        /// An IANA name, such as Asia/Shanghai.
        name: Option<String>,
    },
}

#[derive(Debug, Args, Default)]
pub(crate) struct ListArgs {
    #[arg(long)]
    lifecycle: Vec<Lifecycle>,
    #[arg(long)]
    channel: Vec<ChannelLevel>,
    #[arg(long)]
    credit: Vec<CreditStanding>,
    #[arg(long)]
    owner: Option<StaffId>,
    /// An org unit: its customers and those of every unit below it.
    #[arg(long)]
    unit: Option<OrgUnitId>,
    #[arg(long)]
    tag: Option<String>,
    /// Only cards not reviewed within the stale period.
    #[arg(long)]
    stale: bool,
    /// Only cards with customer-filled data awaiting a rep's confirmation.
    #[arg(long)]
    unverified: bool,
    /// A code a card must carry: LIST=CODE (repeat for more; codes of one list are alternatives).
    #[arg(long = "code", value_name = "LIST=CODE")]
    codes: Vec<String>,
    #[arg(long)]
    grade: Vec<String>,
    #[arg(long)]
    credit_grade: Vec<String>,
    #[arg(long)]
    route: Option<fieldcrm_core::ids::RouteId>,
    #[arg(long, default_value = "name", value_parser = parse_sort)]
    sort: SortKey,
    /// Rows to leave out at the start (default: none).
    #[arg(long)]
    offset: Option<u32>,
    /// Rows to show (default: 50 in a list, every row in an export).
    #[arg(long)]
    limit: Option<u32>,
}

impl ListArgs {
    /// The rows `--offset` and `--limit` ask for, when either was given.
    pub(crate) fn rows(&self) -> Option<std::ops::Range<usize>> {
        if self.offset.is_none() && self.limit.is_none() {
            return None;
        }
        let start = self.offset.unwrap_or(0) as usize;
        Some(start..self.limit.map_or(usize::MAX, |l| start.saturating_add(l as usize)))
    }
}

/// `THING=REP`: a route or card and the rep it goes to.
fn pair<T: std::str::FromStr>(text: &str) -> Result<(T, StaffId), String> {
    let (thing, rep) = text.split_once('=').ok_or_else(|| format!("'{text}' is not ID=REP"))?;
    let thing = thing.trim().parse().map_err(|_| format!("'{}' is not an id", thing.trim()))?;
    let rep = rep.trim().parse().map_err(|_| format!("'{}' is not a person's id", rep.trim()))?;
    Ok((thing, rep))
}

fn parse_sort(text: &str) -> Result<SortKey, String> {
    serde_json::from_value(Json::from(text)).map_err(|_| "use one of: name, updated, reviewed, created".to_string())
}

impl ListArgs {
    pub(crate) fn query(&self, text: String) -> Result<CustomerQuery, ApiError> {
        let mut codes: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for pair in &self.codes {
            let (list, code) = pair
                .split_once('=')
                .ok_or_else(|| usage(format!("'{pair}' is not LIST=CODE (e.g. channel_type=wholesaler)")))?;
            codes.entry(list.trim().to_string()).or_default().push(code.trim().to_string());
        }
        Ok(CustomerQuery {
            text,
            lifecycle: self.lifecycle.clone(),
            channel_level: self.channel.clone(),
            credit_standing: self.credit.clone(),
            owner_id: self.owner,
            org_unit_id: self.unit,
            tag: self.tag.clone(),
            stale_only: self.stale,
            needs_verification_only: self.unverified,
            codes,
            grades: self.grade.clone(),
            credit_grades: self.credit_grade.clone(),
            route_id: self.route,
            sort: self.sort,
            offset: self.offset.unwrap_or(0),
            limit: self.limit.unwrap_or(50),
        })
    }
}

/// Parses `key=value` pairs into card fields. Values stay text; the field
/// registry converts and checks them.
pub(crate) fn pairs<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Fields, ApiError> {
    let mut fields = Fields::new();
    for item in items {
        let Some((key, value)) = item.split_once('=') else {
            return Err(usage(format!("'{item}' is not KEY=VALUE (e.g. phone=13812345678)")));
        };
        fields.insert(key.trim().to_string(), Json::from(value.trim()));
    }
    Ok(fields)
}

pub(crate) fn usage(message: String) -> ApiError {
    ApiError::new(ErrorCode::Invalid, message)
}

fn default_book() -> Result<PathBuf, ApiError> {
    dirs::data_dir()
        .map(|dir| dir.join(fieldcrm_core::APP_IDENTIFIER).join(fieldcrm_core::BOOK_FILE))
        .ok_or_else(|| usage("no data directory is known for this user; pass --db PATH or set FIELDCRM_DB".into()))
}

/// Rust's allocations from mimalloc; SQLite's too, from the start of `main`.
#[global_allocator]
static ALLOCATOR: fieldcrm_alloc::MiMalloc = fieldcrm_alloc::MiMalloc;

fn main() -> ExitCode {
    // Before anything opens a book (SQLite keeps its allocator once started).
    fieldcrm_alloc::sqlite_uses_mimalloc();
    fieldcrm_alloc::sqlite_counts_no_memory();
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => terminal::fail(&error, cli.json),
    }
}

#[derive(Debug, Subcommand)]
enum PassphraseCommand {
    /// Seal the book's key with a new passphrase (the book itself is not rewritten).
    Change {
        /// A file holding the new passphrase; without it, it is typed twice at a prompt.
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
}

fn key_source(cli: &Cli) -> unlock::KeySource {
    unlock::KeySource {
        passphrase_file: cli.passphrase_file.clone(),
        passphrase_env: std::env::var("FIELDCRM_PASSPHRASE").ok(),
        keyring: !cli.no_keyring,
    }
}

fn change_passphrase(book: &Book, source: &unlock::KeySource, new_file: Option<&Path>) -> Result<(), ApiError> {
    let old = match source.given()? {
        Some(old) => old,
        None if book.key_status()?.has_key_file => zeroize::Zeroizing::new(
            rpassword::prompt_password("Present passphrase: ")
                .map_err(|e| ApiError::new(ErrorCode::Io, format!("cannot read the passphrase: {e}")))?,
        ),
        None => zeroize::Zeroizing::new(String::new()),
    };
    let new = match new_file {
        Some(file) => unlock::read_passphrase_file(file)?,
        None => unlock::prompt_new()?,
    };
    book.change_passphrase(&fieldcrm_core::api::access::PassphraseChange { old: old.to_string(), new: new.to_string() })
}

fn run(cli: &Cli) -> Result<(), ApiError> {
    let path = match &cli.db {
        Some(path) => path.clone(),
        None => default_book()?,
    };
    let source = key_source(cli);
    let book = unlock::open(&path, &source)?;
    let json = cli.json;
    fieldwork_cmd::use_zone(&book)?;
    match &cli.command {
        Command::Init(args) => {
            if let Some(name) = &args.name {
                let profile = book.create_profile(&NewProfile {
                    name: name.clone(),
                    role: args.role,
                    company_name: args.company.clone(),
                    unit_name: args.unit.clone(),
                    phone: args.phone.clone(),
                })?;
                // With --json only the status (which holds the profile) is printed.
                if !json {
                    outln!("profile created: {} ({}), {}", profile.name, profile.role, profile.org_unit_name);
                }
            }
            let status = book.status()?;
            output::show(&status, json, output::status);
        }
        Command::Status => output::show(&book.status()?, json, output::status),
        Command::Passphrase(PassphraseCommand::Change { new_passphrase_file }) => {
            change_passphrase(&book, &source, new_passphrase_file.as_deref())?;
            output::show(&serde_json::json!({"ok": true}), json, |_| {
                "the passphrase is changed: the key file beside the book is sealed with the new one".into()
            });
        }
        Command::Check => {
            book.check()?;
            output::show(&serde_json::json!({"ok": true}), json, |_| "the book is sound".into());
        }
        Command::Demo { customers, seed, as_of, action } => {
            let summary = match action {
                Some(DemoCommand::Reset) => book.reset_demo()?,
                None => book.load_demo(&DemoOptions { customers: *customers, seed: *seed, as_of: as_of.clone() })?,
            };
            output::show(&summary, json, |s| {
                format!(
                    "demo book ready: {} customers, {} key people, {} addresses, {} credit incidents, {} history entries, {} staff in {} org units; {} sales lines, {} invoices, {} payments, {} orders",
                    s.customers, s.key_people, s.addresses, s.credit_incidents, s.history, s.staff, s.org_units,
                    s.sales_lines, s.invoices, s.payments, s.orders
                )
            });
        }
        Command::Record(command) => record(&book, command, json)?,
        Command::Org(OrgCommand::List) => output::show(&book.org_units()?, json, |u| output::org_units(u)),
        Command::Org(OrgCommand::Add { name, kind, parent, code }) => {
            let unit = book.add_org_unit(&NewOrgUnit {
                parent_id: *parent,
                kind: *kind,
                name: name.clone(),
                code: code.clone(),
            })?;
            output::show(&unit, json, |u| format!("added {} [{}] {}", u.name, u.kind, u.id));
        }
        Command::Staff(StaffCommand::List) => output::show(&book.staff()?, json, |s| output::staff(s)),
        Command::Staff(StaffCommand::Add { name, role, unit, phone, regions }) => {
            let staff = book.add_staff(&NewStaff {
                name: name.clone(),
                role: *role,
                org_unit_id: *unit,
                phone: phone.clone(),
                regions: (!regions.is_empty()).then(|| regions.clone()),
            })?;
            output::show(&staff, json, |s| format!("added {} ({}) in {} {}", s.name, s.role, s.org_unit_name, s.id));
        }
        Command::Staff(StaffCommand::Edit { staff, name, phone, unit, role, left, back, regions }) => {
            let staff = book.edit_staff(&StaffEdit {
                staff_id: *staff,
                name: name.clone(),
                phone: phone.clone(),
                org_unit_id: *unit,
                role: *role,
                active: if *left { Some(false) } else { back.then_some(true) },
                regions: (!regions.is_empty()).then(|| regions.clone()),
            })?;
            output::show(&staff, json, |s| output::staff(std::slice::from_ref(s)));
        }
        Command::Staff(StaffCommand::Handover { from, to, routes, customers, leaves, dry_run }) => {
            fn part_of(parts: &mut Vec<HandoverPart>, to: StaffId) -> &mut HandoverPart {
                let at = parts.iter().position(|p| p.to == to).unwrap_or_else(|| {
                    parts.push(HandoverPart { to, routes: vec![], customers: vec![] });
                    parts.len() - 1
                });
                &mut parts[at]
            }
            let mut parts: Vec<HandoverPart> = vec![];
            for (route, to) in routes {
                part_of(&mut parts, *to).routes.push(*route);
            }
            for (customer, to) in customers {
                part_of(&mut parts, *to).customers.push(*customer);
            }
            let handover = Handover { from: *from, parts, rest_to: *to, leaves: *leaves };
            let plan = if *dry_run { book.plan_handover(&handover)? } else { book.hand_over(&handover)? };
            output::show(&plan, json, |p| output::handover(p, *dry_run));
        }
        Command::Staff(StaffCommand::Regions { staff, regions }) => {
            let staff = book.set_staff_regions(*staff, regions)?;
            output::show(&staff, json, |s| output::staff(std::slice::from_ref(s)));
        }
        Command::Settings(SettingsCommand::StaleAfterDays { days }) => {
            book.set_stale_after_days(*days)?;
            output::show(&book.status()?, json, output::status);
        }
        Command::Settings(SettingsCommand::TimeZone { name }) => {
            let time = match name {
                Some(name) => book.set_time_zone(name)?,
                None => book.business_time()?,
            };
            output::show(&time, json, |t| format!("time zone: {} (today {})", t.time_zone, t.today));
        }
        Command::Customer(command) => customer(&book, command, json)?,
        Command::Device(command) => sync_cmd::device(&book, command, json)?,
        Command::Sync(command) => sync_cmd::sync(&book, command, json)?,
        Command::Hq(command) => sync_cmd::hq(&book, command, json)?,
        Command::Conflicts(command) => sync_cmd::conflicts(&book, command, json)?,
        Command::Codes(command) => classify_cmd::codes(&book, command, json)?,
        Command::Grade(command) => classify_cmd::grade(&book, command, json)?,
        Command::Route(command) => classify_cmd::route(&book, command, json)?,
        Command::Plan(args) => classify_cmd::plan(&book, args, json)?,
        Command::Order(command) => money_cmd::order(&book, command, json)?,
        Command::Ship(command) => money_cmd::shipping(&book, command, json)?,
        Command::Statement { customer } => money_cmd::statement(&book, *customer, json)?,
        Command::Credit { customer } => money_cmd::credit(&book, *customer, json)?,
        Command::Receivables(command) => money_cmd::receivables(&book, command, json)?,
        Command::Approval(command) => approval_cmd::approval(&book, command, json)?,
        Command::Complaint(command) => service_cmd::complaint(&book, command, json)?,
        Command::Target(command) => targets_cmd::target(&book, command, json)?,
        Command::PlanSales(command) => plans_cmd::plan(&book, command, json)?,
        Command::Forecast(command) => plans_cmd::forecast(&book, command, json)?,
        Command::Visit(command) => fieldwork_cmd::visit(&book, command, json)?,
        Command::Call(command) => fieldwork_cmd::call(&book, command, json)?,
        Command::Task(command) => fieldwork_cmd::task(&book, command, json)?,
        Command::Report(command) => fieldwork_cmd::report(&book, command, json)?,
        Command::Duties(command) => fieldwork_cmd::duties(&book, command, json)?,
        Command::Compliance(args) => fieldwork_cmd::compliance(&book, args, json)?,
        Command::Import(args) => sales_cmd::import(&book, args, json)?,
        Command::Products => sales_cmd::products(&book, json)?,
        Command::Analyse(args) => sales_cmd::analyse(&book, args, json)?,
        Command::ExportCustomers(args) => sales_cmd::export_customers(&book, args, json)?,
        Command::Reminders(command) => fieldwork_cmd::reminders(&book, command, json)?,
        Command::Home => fieldwork_cmd::home(&book, json)?,
    }
    Ok(())
}

fn record(book: &Book, command: &RecordCommand, json: bool) -> Result<(), ApiError> {
    let (saved, kind) = match command {
        RecordCommand::Add { customer, kind, set } => {
            let new = NewRecord {
                customer_id: *customer,
                kind: (*kind).into(),
                fields: pairs(set.iter().map(String::as_str))?,
            };
            (book.add_record(&new)?, *kind)
        }
        RecordCommand::Edit { id, kind, set } => {
            let kind_: RecordKind = (*kind).into();
            let fields = pairs(set.iter().map(String::as_str))?;
            // As for cards: the values read now are what the edit is based on.
            let card = book.customer(book.customer_of(kind_, id)?)?;
            let records = match kind_ {
                RecordKind::KeyPerson => &card.key_people,
                RecordKind::Address => &card.addresses,
                RecordKind::CreditIncident => &card.credit_incidents,
            };
            let current = records.iter().find(|r| &r.id == id).map(|r| r.fields.clone()).unwrap_or_default();
            let changes = fields
                .into_iter()
                .map(|(field, value)| FieldChange { expected: current.get(&field).cloned(), field, value })
                .collect();
            (book.edit_record(&RecordEdit { kind: kind_, id: id.clone(), changes })?, *kind)
        }
        RecordCommand::Remove { id, kind } => {
            let card = book.remove_record((*kind).into(), id)?;
            output::show(&card, json, |c| format!("removed {id} from {}", c.id));
            return Ok(());
        }
    };
    output::warnings(&saved.warnings);
    output::show(&saved.card, json, |c| format!("saved {:?} on {} (revision {})", kind, c.id, c.revision));
    Ok(())
}

fn customer(book: &Book, command: &CustomerCommand, json: bool) -> Result<(), ApiError> {
    match command {
        CustomerCommand::List(args) => {
            output::show(&book.search_customers(&args.query(String::new())?)?, json, output::page)
        }
        CustomerCommand::Search { text, list } => {
            output::show(&book.search_customers(&list.query(text.clone())?)?, json, output::page)
        }
        CustomerCommand::Show { id, history } => {
            let card = book.customer(*id)?;
            let entries = if *history > 0 { book.history(*id, *history)? } else { vec![] };
            if json {
                output::print_json(&serde_json::json!({"card": card, "history": entries}));
            } else {
                outln!("{}", output::card(&card, &book.card_schema()));
                if !entries.is_empty() {
                    outln!("{}", output::history(&entries));
                }
            }
        }
        CustomerCommand::Add { set, people, addresses } => {
            let records = |items: &Vec<String>| -> Result<Vec<Fields>, ApiError> {
                items.iter().map(|item| pairs(item.split(';'))).collect()
            };
            let new = NewCustomer {
                fields: pairs(set.iter().map(String::as_str))?,
                key_people: records(people)?,
                addresses: records(addresses)?,
            };
            let saved = book.create_customer(&new)?;
            output::warnings(&saved.warnings);
            output::show(&saved.card, json, |c| {
                format!("created {} {}", c.id, c.fields["name"].as_str().unwrap_or_default())
            });
        }
        CustomerCommand::Edit { id, set } => {
            let fields = pairs(set.iter().map(String::as_str))?;
            // The values on the card now are what this edit was based on: a
            // concurrent change between this read and the save is still caught.
            let card = book.customer(*id)?;
            let changes = fields
                .into_iter()
                .map(|(field, value)| FieldChange { expected: card.fields.get(&field).cloned(), field, value })
                .collect();
            let saved = book.edit_customer(&CardEdit { customer_id: *id, changes })?;
            output::warnings(&saved.warnings);
            output::show(&saved.card, json, |c| format!("saved {} (revision {})", c.id, c.revision));
        }
        CustomerCommand::Review { id } => {
            let card = book.mark_reviewed(*id)?;
            output::show(&card, json, |c| format!("reviewed {} at {}", c.id, c.reviewed_at));
        }
        CustomerCommand::History { id, limit } => {
            output::show(&book.history(*id, *limit)?, json, |h| output::history(h))
        }
        CustomerCommand::Fields => output::show(&book.card_schema(), json, output::schema),
        CustomerCommand::Tags => output::show(&book.tags()?, json, |tags| {
            tags.iter().map(|t| format!("{}  {}", t.tag, t.customers)).collect::<Vec<_>>().join("\n")
        }),
        CustomerCommand::Groups { by, list } => {
            output::show(&book.customer_groups(&list.query(String::new())?, by)?, json, |groups| {
                groups
                    .iter()
                    .map(|g| format!("{}  {}", g.key.as_deref().unwrap_or("(none)"), g.customers))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        CustomerCommand::Visited { id, date } => {
            let date = match date {
                Some(date) => date.clone(),
                None => book.business_time()?.today,
            };
            let card = book.set_last_visit(*id, &date)?;
            output::show(&card.grading, json, |g| {
                format!(
                    "last visit {}, next due {}",
                    g.last_visit_on.as_deref().unwrap_or("—"),
                    g.next_visit_due.as_deref().unwrap_or("—")
                )
            });
        }
    }
    Ok(())
}
