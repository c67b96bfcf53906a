//! The command table: every operation the UI may ask of the book, declared
//! once. From this one declaration come
//! - [`dispatch`], the transport-neutral entry: a command's name and its
//!   arguments as JSON in, its result as JSON out. The desktop shell's one
//!   Tauri command and the test server's HTTP route both call it, so the UI's
//!   tests run exactly the code the app runs;
//! - [`typescript`], the generated `ui/src/generated/commands.ts`: the names,
//!   argument and result types, and a typed client class (`Api`) whose
//!   methods are the only way the UI names a command;
//! - [`NAMES`], every command's name (the freshness and coverage tests).
//!
//! To add an operation: write the facade method on [`Book`], add one line
//! here, run `make bindings`. Arguments arrive as a JSON object whose keys are
//! the camelCase names of the parameters; a trailing `Option` may be left out.

use crate::error::ProblemCode;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::api::access::{KeyStatus, PassphraseChange};
use crate::api::classify::{AcceptGrades, AcceptReport, GradeScales, RouteOrder, RouteStops, StopMove, SuggestQuery};
use crate::api::divisions::AddressSplit;
use crate::api::fieldwork::{Home, ReportRef};
use crate::api::sales::{AnalysisKind, ExportedList};
use crate::api::sync::{
    ConflictResolution, ConflictView, DeviceInfo, EnrollDevice, ExportResult, FolderCheck, FolderFile, HqMergeReport,
    NoticeView, PeerSummary, RejectionView, RetireDevice, SyncStatus,
};
use crate::api::targets::{TargetOptions, TargetQuery};
use crate::api::{
    BookStatus, BusinessTime, CardEdit, CardSchema, NewCustomer, NewOrgUnit, NewProfile, NewRecord, NewStaff,
    RecordEdit, RecordKind, Saved, StaffEdit, TagCount,
};
use crate::approval::{Chain, ChainInput, DecisionInput, ProposalBox, ProposalDetail, ProposalInput, ProposalRow};
use crate::card::{ArchiveCard, HistoryEntry};
use crate::codes::{CodeEdit, CodeList, NewCodeItem, NewCodeList};
use crate::demo::{DemoOptions, DemoProgress, DemoSummary};
use crate::divisions::DivisionNode;
use crate::error::{ApiError, ErrorCode, FieldProblem};
use crate::fieldwork::calendar::{Reminder, ReminderInput};
use crate::fieldwork::duties::{Compliance, ComplianceQuery, DutyRule, DutyRuleInput};
use crate::fieldwork::records::{
    Call, LoggedCall, LoggedVisit, NewCall, NewTask, NewVisit, RecordQuery, Task, TaskQuery, Visit,
};
use crate::fieldwork::reports::{
    NewUrgentReport, Report, ReportLine, ReportListQuery, ReportQuery, ReportSummaryInput,
};
use crate::grades::{GradeChange, GradeHistoryEntry, GradeLevelInput, GradeSuggestion, RuleShare};
use crate::handover::{Handover, HandoverPlan};
use crate::ids::{CustomerId, ReportId, RouteId, StaffId, TaskId, VisitId};
use crate::ids::{OrderId, ProposalId};
use crate::import::{ImportPreview, ImportProgress, ImportRequest, SheetImportReport};
use crate::model::{BreakdownRule, Decision};
use crate::model::{ImportKind, OrderStatus};
use crate::money::analysis::{Collections, Cutoff, Fulfilment, OverdueList, ReceivablesAging};
use crate::money::credit::CreditCheck;
use crate::money::order::{DeliveryAddress, Order, OrderInput, OrderQuery, OrderQuote, OrderRow};
use crate::money::promotion::{Promotion, PromotionInput};
use crate::money::receivables::{InvoiceInput, PaymentInput, PriceRuleInput};
use crate::money::shipping::{ShipmentInput, ShipmentQuery, ShipmentRow};
use crate::money::statement::Statement;
use crate::month_end::{MonthEndQuery, MonthEndSummary};
use crate::org::{OrgUnit, Profile, Staff};
use crate::plans::forecast::{Forecast, ForecastInput, ForecastRollup};
use crate::plans::{PlanInput, PlanRollup, SalesPlan};
use crate::routes::plan::{PlanQuery, PlanSummary, VisitPlan};
use crate::routes::{NewRoute, Route, RouteDetail, RouteEdit, RouteProposal};
use crate::sales::analysis::{
    AnalysisQuery, CreditAnalysis, GradeComposition, MonthlySummary, NegativeGrowth, ProductComposition,
    RegionComposition,
};
use crate::sales::{CustomerSalesLine, Product, ProductInput, SalesOverview};
use crate::search::{CustomerPage, CustomerQuery, GroupCount};
use crate::service::clock::Clocks;
use crate::service::{Complaint, ComplaintInput, ComplaintQuery, ComplaintStep};
use crate::sync::{ImportReport, Progress};
use crate::targets::breakdown::{Breakdown, BreakdownInput, ChildTarget, MoveInput};
use crate::targets::progress::{RagRules, TargetGrid, TargetProgress};
use crate::{ApiResult, Book};

/// What a long command reports while it runs. The shell emits it to the
/// webview under [`Event::name`]; the test server hands it back with the reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Event {
    /// A changeset file's import (`sync_import`).
    SyncProgress(Progress),
    /// A spreadsheet import or a customer list being written (`run_import`, `export_customers`).
    ImportProgress(ImportProgress),
    /// A demo being built (`load_demo`).
    DemoProgress(DemoProgress),
}

impl Event {
    /// The event's name on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            Event::SyncProgress(_) => SYNC_PROGRESS,
            Event::ImportProgress(_) => IMPORT_PROGRESS,
            Event::DemoProgress(_) => DEMO_PROGRESS,
        }
    }
}

pub const SYNC_PROGRESS: &str = "sync-progress";
pub const IMPORT_PROGRESS: &str = "import-progress";
pub const DEMO_PROGRESS: &str = "demo-progress";

/// What a transport offers a command besides the book: where its progress goes,
/// and the window's "first screen shown" signal.
pub trait Host: Sync {
    /// A long command's progress. A lost event only leaves a progress bar behind.
    fn emit(&self, event: Event);
    /// The UI's first screen is on view (the start-up measurement).
    fn ready(&self) {}
    /// What the window is started to measure (`FIELDCRM_MEASURE`), if anything.
    fn measuring(&self) -> Option<String> {
        None
    }
    /// A measurement the UI took, in milliseconds.
    fn measured(&self, _name: &str, _ms: f64) {}
}

/// A host that drops every event: the CLI-like callers and plain tests.
pub struct Quiet;

impl Host for Quiet {
    fn emit(&self, _event: Event) {}
}

/// A command whose arguments could not be read: the caller's bug, never the user's.
fn bad_request(command: &str, detail: &str) -> ApiError {
    ApiError {
        problems: vec![FieldProblem::new("request", ProblemCode::BadRequest, detail.to_string())],
        ..ApiError::new(ErrorCode::Invalid, format!("the request for `{command}` could not be read ({detail})"))
    }
}

fn reply<T: Serialize>(command: &str, out: ApiResult<T>) -> ApiResult<Value> {
    let out = out?;
    serde_json::to_value(out)
        .map_err(|e| ApiError::internal(format!("the reply of `{command}` could not be written: {e}")))
}

/// One TypeScript parameter: its name and type, optional when it may be left out.
struct TsArg {
    name: &'static str,
    ty: String,
    optional: bool,
}

struct TsCommand {
    name: &'static str,
    doc: Vec<&'static str>,
    args: Vec<TsArg>,
    result: String,
}

fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

macro_rules! commands {
    (($book:ident, $host:ident) $(
        $(#[doc = $doc:literal])*
        $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $ret:ty $body:block
    )*) => {
        /// Every command's name, as the UI sends it.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Runs the command `name` with its arguments (a JSON object, camelCase
        /// keys) on `book`; its result as JSON, or the [`ApiError`] the UI shows.
        pub fn dispatch(book: &Book, host: &dyn Host, name: &str, args: Value) -> ApiResult<Value> {
            let args = if args.is_null() { Value::Object(Default::default()) } else { args };
            match name {
                $(stringify!($name) => {
                    #[derive(serde::Deserialize)]
                    #[serde(rename_all = "camelCase", deny_unknown_fields)]
                    #[allow(dead_code)]
                    struct Args { $($arg: $ty),* }
                    let Args { $($arg),* } = serde_json::from_value(args)
                        .map_err(|e| bad_request(name, &e.to_string()))?;
                    let $book = book;
                    let $host = host;
                    let _ = (&$book, &$host);
                    let out: ApiResult<$ret> = $body;
                    reply(name, out)
                })*
                _ => Err(bad_request(name, "no such command")),
            }
        }

        fn table(cfg: &ts_rs::Config) -> Vec<TsCommand> {
            vec![$(TsCommand {
                name: stringify!($name),
                doc: vec![$($doc),*],
                args: vec![$(TsArg {
                    name: stringify!($arg),
                    ty: <$ty as TS>::name(cfg),
                    optional: stringify!($ty).starts_with("Option"),
                }),*],
                result: <$ret as TS>::name(cfg),
            }),*]
        }
    };
}

commands! { (book, host)
    /// The open book: its path, schema, profile and size.
    book_status() -> BookStatus { book.status() }
    /// The first-start form: who uses this laptop.
    create_profile(profile: NewProfile) -> Profile { book.create_profile(&profile) }
    /// Builds the demo in this new book; its progress goes out as
    /// `demo-progress`. A `cancelDemo` stops it with `invalid`/`cancelled` and
    /// the book as it was.
    load_demo(options: DemoOptions) -> DemoSummary {
        book.load_demo_with(&options, &mut |progress: DemoProgress| host.emit(Event::DemoProgress(progress)))
    }
    cancel_demo() -> () {
        book.cancel_demo();
        Ok(())
    }
    /// The options this book's demo was built from; null for a book of real data.
    demo_book() -> Option<DemoOptions> { book.demo_book() }
    /// Rebuilds a demo book as it was made, keeping the language and settings;
    /// a book of real data is refused (`invalid`, problem `not_demo_book`).
    reset_demo() -> DemoSummary { book.reset_demo() }
    set_language(language: String) -> () { book.set_language(&language) }
    /// Whether the book is encrypted and has a key file (settings, 口令).
    key_status() -> KeyStatus { book.key_status() }
    /// Seals the book's key with a new passphrase (refused: `wrong_passphrase`,
    /// `passphrase_too_short`, `passphrase_too_common`); the book is not rewritten.
    change_passphrase(change: PassphraseChange) -> () { book.change_passphrase(&change) }
    org_units() -> Vec<OrgUnit> { book.org_units() }
    /// Head office: a unit of the organisation tree.
    add_org_unit(unit: NewOrgUnit) -> OrgUnit { book.add_org_unit(&unit) }
    staff_list() -> Vec<Staff> { book.staff() }
    /// Head office: a member of the sales organisation.
    add_staff(staff: NewStaff) -> Staff { book.add_staff(&staff) }
    /// Head office: changes a person (unit, role, that they left …).
    edit_staff(edit: StaffEdit) -> Staff { book.edit_staff(&edit) }
    /// Head office: who would get what in a handover (nothing written).
    plan_handover(handover: Handover) -> HandoverPlan { book.plan_handover(&handover) }
    /// Head office: hands a rep's customers, routes, open tasks and unfinished orders over.
    hand_over(handover: Handover) -> HandoverPlan { book.hand_over(&handover) }
    card_schema() -> CardSchema { Ok(book.card_schema()) }
    search_customers(query: CustomerQuery) -> CustomerPage { book.search_customers(&query) }
    /// Every tag in use, most used first.
    customer_tags() -> Vec<TagCount> { book.tags() }
    get_customer(id: CustomerId) -> ArchiveCard { book.customer(id) }
    customer_history(id: CustomerId, limit: u32) -> Vec<HistoryEntry> { book.history(id, limit) }
    create_customer(customer: NewCustomer) -> Saved { book.create_customer(&customer) }
    edit_customer(edit: CardEdit) -> Saved { book.edit_customer(&edit) }
    add_record(record: NewRecord) -> Saved { book.add_record(&record) }
    edit_record(edit: RecordEdit) -> Saved { book.edit_record(&edit) }
    remove_record(kind: RecordKind, id: String) -> ArchiveCard { book.remove_record(kind, &id) }
    mark_reviewed(id: CustomerId) -> ArchiveCard { book.mark_reviewed(id) }
    set_stale_after_days(days: u32) -> () { book.set_stale_after_days(days) }
    /// The business time zone and today in it.
    business_time() -> BusinessTime { book.business_time() }
    /// Head office: the organisation's business time zone.
    set_time_zone(time_zone: String) -> BusinessTime { book.set_time_zone(&time_zone) }
    /// The IANA names a business time zone may have.
    time_zones() -> Vec<String> { Ok(Book::time_zones()) }
    /// Every administrative division (province → city → county or district), for the address pickers.
    divisions() -> Vec<DivisionNode> { Ok(Book::divisions()) }
    /// The divisions a typed address starts with, and the rest of it.
    split_address(text: String) -> AddressSplit { Ok(Book::split_address(&text)) }
    /// Tells the shell the first screen is on view (start-up time measurement).
    app_ready() -> () {
        host.ready();
        Ok(())
    }
    /// What the window is started to measure (`FIELDCRM_MEASURE=sales`: the sales page's first chart), if anything.
    measuring() -> Option<String> { Ok(host.measuring()) }
    /// A measurement the UI took (`name`, in milliseconds); the shell reports it and quits.
    measured(name: String, ms: f64) -> () {
        host.measured(&name, ms);
        Ok(())
    }

    /// This device; creates its signing key on first use (call it before `syncStatus`).
    device_info() -> DeviceInfo { book.device() }
    /// Head office: records a laptop for a staff member.
    enroll_device(enroll: EnrollDevice) -> PeerSummary { book.enroll_device(&enroll) }
    retire_device(retire: RetireDevice) -> PeerSummary { book.retire_device(&retire) }
    sync_status() -> SyncStatus { book.sync_status() }
    /// Writes the next changeset file into `dir` (head office: for the device `to`).
    sync_export(dir: String, to: Option<String>) -> ExportResult { book.sync_export(Path::new(&dir), to.as_deref()) }
    /// Imports one changeset file. The first file from head office is refused
    /// (`sync_refused`, problem `office_not_trusted`, the office's fingerprint in
    /// the error) until it is imported again with the fingerprint the user confirmed.
    sync_import(path: String, trust_office: Option<String>) -> ImportReport {
        book.sync_import(Path::new(&path), trust_office.as_deref(), &mut |progress: Progress| {
            host.emit(Event::SyncProgress(progress));
        })
    }
    /// Head office: imports every file of `inbox`, then writes one file per device into `outbox`.
    hq_merge(inbox: String, outbox: String) -> HqMergeReport { book.hq_merge(Path::new(&inbox), Path::new(&outbox)) }
    /// The changeset files in a folder: which are for this device, and which were imported.
    sync_folder(dir: String) -> Vec<FolderFile> { book.sync_folder(Path::new(&dir)) }
    /// The sync folder saved on this laptop, if any.
    saved_sync_folder() -> Option<String> { book.saved_sync_folder() }
    /// Saves the sync folder (null or empty forgets it); returns what is saved.
    save_sync_folder(dir: Option<String>) -> Option<String> { book.save_sync_folder(dir.as_deref()) }
    /// Whether `dir` (or the saved folder) exists, is a folder and takes a file.
    check_sync_folder(dir: Option<String>) -> FolderCheck { book.check_sync_folder(dir.as_deref()) }
    conflicts(include_resolved: bool) -> Vec<ConflictView> { book.conflicts(include_resolved) }
    resolve_conflict(resolution: ConflictResolution) -> ConflictView { book.resolve_conflict(&resolution) }
    rejections() -> Vec<RejectionView> { book.rejections() }
    notices() -> Vec<NoticeView> { book.notices() }

    /// How many matching customers carry each value of a code list, `grade`, `credit_grade` or `route`.
    customer_groups(query: CustomerQuery, by: String) -> Vec<GroupCount> { book.customer_groups(&query, &by) }
    code_lists() -> Vec<CodeList> { book.code_lists() }
    /// Head office only, as the other code-list and grade-scale changes.
    add_code_list(list: NewCodeList) -> Vec<CodeList> { book.add_code_list(&list) }
    add_code(code: NewCodeItem) -> Vec<CodeList> { book.add_code(&code) }
    edit_code(edit: CodeEdit) -> Vec<CodeList> { book.edit_code(&edit) }
    grade_scales() -> GradeScales { book.grade_scales() }
    save_grade_level(level: GradeLevelInput) -> GradeScales { book.save_grade_level(&level) }
    set_grading_rule(shares: Vec<RuleShare>) -> GradeScales { book.set_grading_rule(&shares) }
    /// Managers and head office set grades by hand.
    set_grade(change: GradeChange) -> ArchiveCard { book.set_grade(&change) }
    grade_history(id: CustomerId) -> Vec<GradeHistoryEntry> { book.grade_history(id) }
    suggest_grades(query: SuggestQuery) -> GradeSuggestion { book.suggest_grades(&query) }
    accept_grades(accepted: AcceptGrades) -> AcceptReport { book.accept_grades(&accepted) }
    routes(owner: Option<StaffId>) -> Vec<Route> { book.routes(owner) }
    route(id: RouteId) -> RouteDetail { book.route(id) }
    create_route(route: NewRoute) -> RouteDetail { book.create_route(&route) }
    edit_route(edit: RouteEdit) -> RouteDetail { book.edit_route(&edit) }
    add_route_stops(stops: RouteStops) -> RouteDetail { book.add_route_stops(&stops) }
    remove_route_stops(customers: Vec<CustomerId>) -> () { book.remove_route_stops(&customers) }
    move_route_stop(stop: StopMove) -> RouteDetail { book.move_route_stop(&stop) }
    set_route_order(order: RouteOrder) -> RouteDetail { book.set_route_order(&order) }
    /// A shorter order, proposed; nothing changes until `setRouteOrder`.
    propose_route_order(id: RouteId) -> RouteProposal { book.propose_route_order(id) }
    /// Writes the route sheet (xlsx) to `path`; returns the path written.
    write_route_sheet(id: RouteId, path: String) -> String {
        book.write_route_sheet(id, Path::new(&path)).map(|p| p.display().to_string())
    }
    visit_plan(query: PlanQuery) -> VisitPlan { book.visit_plan(&query) }
    team_plan(date: Option<String>) -> Vec<PlanSummary> { book.team_plan(date.as_deref()) }
    /// Records the day of the last visit (the plan counts from it).
    set_last_visit(id: CustomerId, date: String) -> ArchiveCard { book.set_last_visit(id, &date) }

    /// Records a visit; its next step with a due date becomes a task, its card changes are saved with it.
    log_visit(visit: NewVisit) -> LoggedVisit { book.log_visit(&visit) }
    /// Closes a visit still going on (`at`: now when null).
    check_out_visit(id: VisitId, at: Option<String>) -> Visit { book.check_out_visit(id, at.as_deref()) }
    visits(query: RecordQuery) -> Vec<Visit> { book.visits(&query) }
    log_call(call: NewCall) -> LoggedCall { book.log_call(&call) }
    calls(query: RecordQuery) -> Vec<Call> { book.calls(&query) }
    add_task(task: NewTask) -> Task { book.add_task(&task) }
    set_task_done(id: TaskId, done: bool) -> Task { book.set_task_done(id, done) }
    tasks(query: TaskQuery) -> Vec<Task> { book.tasks(&query) }
    /// A person's daily, weekly or monthly report: assembled live while a draft, frozen once submitted.
    report(query: ReportQuery) -> Report { book.report(&query) }
    /// A report by id; a team member's report is marked read.
    open_report(id: ReportId) -> Report { book.open_report(id) }
    save_report(input: ReportSummaryInput) -> Report { book.save_report(&input) }
    /// Final: a submitted report cannot be submitted again (`already_submitted`).
    submit_report(input: ReportSummaryInput) -> Report { book.submit_report(&input) }
    urgent_report(report: NewUrgentReport) -> Report { book.urgent_report(&report) }
    comment_report(id: ReportId, body: String) -> Report { book.comment_report(id, &body) }
    /// The team's submitted reports: urgent unread first, then unread, then newest.
    reports(query: ReportListQuery) -> Vec<ReportLine> { book.reports(&query) }
    /// Writes a report (xlsx) to `path`; returns the path written.
    export_report(which: ReportRef, path: String) -> String {
        book.export_report(&which, Path::new(&path)).map(|p| p.display().to_string())
    }
    duty_rules() -> Vec<DutyRule> { book.duty_rules() }
    /// Head office only.
    save_duty_rule(rule: DutyRuleInput) -> DutyRule { book.save_duty_rule(&rule) }
    compliance(query: ComplianceQuery) -> Compliance { book.compliance(&query) }
    reminders() -> Vec<Reminder> { book.reminders() }
    /// Head office only.
    save_reminder(reminder: ReminderInput) -> Reminder { book.save_reminder(&reminder) }
    /// The day at a glance: reminders, open tasks, today's counts, unread reports.
    home() -> Home { book.home() }

    products() -> Vec<Product> { book.products() }
    find_products(text: String) -> Vec<Product> { book.find_products(&text) }
    /// Head office only; creates or updates the product with the input's code.
    save_product(input: ProductInput) -> Vec<Product> { book.save_product(&input) }
    sales_overview() -> SalesOverview { book.sales_overview() }
    /// A card's latest sales lines, newest first.
    customer_sales(id: CustomerId, limit: u32) -> Vec<CustomerSalesLine> { book.customer_sales(id, limit) }
    /// The wizard's first look at a spreadsheet: sheets, the header row (found,
    /// or `headerRow`), sample rows, the rows not imported, suggested mapping.
    /// The kinds of spreadsheet this person may import (head office all; others customers).
    import_kinds() -> Vec<ImportKind> { book.import_kinds() }
    import_preview(path: String, kind: ImportKind, sheet: Option<String>, header_row: Option<u32>) -> ImportPreview {
        book.import_preview(Path::new(&path), kind, sheet.as_deref(), header_row)
    }
    /// A dry run (`commit` false: nothing is written) or the import itself; its
    /// progress goes out as `import-progress`. A `cancelImport` makes it fail with
    /// `invalid`/`cancelled` and nothing written.
    run_import(request: ImportRequest, commit: bool) -> SheetImportReport {
        book.run_import(&request, commit, &mut |progress: ImportProgress| host.emit(Event::ImportProgress(progress)))
    }
    cancel_import() -> () {
        book.cancel_import();
        Ok(())
    }
    sales_by_grade(query: AnalysisQuery) -> GradeComposition { book.sales_by_grade(&query) }
    /// Prices and checks an order as typed, with the customer's credit; saves nothing.
    quote_order(input: OrderInput, order: Option<OrderId>) -> OrderQuote { book.quote_order(&input, order) }
    create_order(input: OrderInput) -> Order { book.create_order(&input) }
    update_order(id: OrderId, input: OrderInput) -> Order { book.update_order(id, &input) }
    /// Submit, withdraw or cancel, approve, return (`reason` for returns and cancellations).
    set_order_status(id: OrderId, status: OrderStatus, reason: Option<String>) -> Order {
        book.set_order_status(id, status, reason.as_deref())
    }
    correct_order_line(id: OrderId, line: String, quantity: Option<u32>, unit_price: Option<i64>, reason: Option<String>) -> Order {
        book.correct_order_line(id, &line, quantity, unit_price, reason.as_deref())
    }
    release_order_hold(id: OrderId, reason: Option<String>) -> Order { book.release_order_hold(id, reason.as_deref()) }
    get_order(id: OrderId) -> Order { book.get_order(id) }
    delivery_addresses(customer_id: CustomerId) -> Vec<DeliveryAddress> { book.delivery_addresses(customer_id) }
    list_orders(query: OrderQuery) -> Vec<OrderRow> { book.list_orders(&query) }
    /// Head office records a shipment (no lines: everything the order still lacks).
    record_shipment(input: ShipmentInput) -> Order { book.record_shipment(&input) }
    shipments(query: ShipmentQuery) -> Vec<ShipmentRow> { book.shipments(&query) }
    cancel_backorder(id: OrderId, line: String) -> Order { book.cancel_backorder(id, &line) }
    /// Writes the order's shipping list (xlsx) to `path`; returns the path written.
    write_shipping_list(id: OrderId, path: String) -> String {
        book.write_shipping_list(id, Path::new(&path)).map(|p| p.display().to_string())
    }
    customer_statement(customer_id: CustomerId) -> Statement { book.customer_statement(customer_id) }
    customer_credit(customer_id: CustomerId) -> CreditCheck { book.customer_credit(customer_id) }
    record_invoice(input: InvoiceInput) -> bool { book.record_invoice(&input) }
    record_payment(input: PaymentInput) -> bool { book.record_payment(&input) }
    add_price_rule(input: PriceRuleInput) -> String { book.add_price_rule(&input).map(|id| id.to_string()) }
    add_promotion(input: PromotionInput) -> Promotion { book.add_promotion(&input) }
    promotions(all: bool) -> Vec<Promotion> { book.promotions(all) }
    /// Head office's service clocks per complaint kind.
    service_clocks() -> Vec<Clocks> { book.service_clocks() }
    set_service_clocks(clocks: Clocks) -> Vec<Clocks> { book.set_service_clocks(&clocks) }
    /// A customer's complaint or feedback, logged at the corrected clock.
    log_complaint(complaint: ComplaintInput) -> Complaint { book.log_complaint(&complaint) }
    /// Handled (head office), replied, or closed with the satisfaction.
    complaint_step(step: ComplaintStep) -> Complaint { book.complaint_step(&step) }
    /// Open, past a clock (red), or all, with each one's clocks now.
    complaints(query: ComplaintQuery) -> Vec<Complaint> { book.complaints(&query) }
    /// Head office's approval chains.
    approval_chains() -> Vec<Chain> { book.approval_chains() }
    /// Head office sets a kind's chain (no levels: no approval needed).
    set_approval_chain(chain: ChainInput) -> Vec<Chain> { book.set_approval_chain(&chain) }
    /// A proposal saved as a draft or submitted (refused: `needs…`, `not_pending`, field codes).
    save_proposal(proposal: ProposalInput) -> ProposalDetail { book.save_proposal(&proposal) }
    withdraw_proposal(id: ProposalId) -> ProposalDetail { book.withdraw_proposal(id) }
    /// Approves, rejects or returns the step waiting for this person (refused:
    /// `proposal_changed`, `not_your_step`, `already_decided`, `self_approval`, `reason_needed`).
    decide_proposal(decision: DecisionInput) -> ProposalDetail { book.decide_proposal(&decision) }
    /// Mine, waiting for my decision (待我审批), decided by me, or all.
    proposals(which: ProposalBox, limit: u32) -> Vec<ProposalRow> { book.proposals(which, limit) }
    proposal(id: ProposalId) -> ProposalDetail { book.proposal(id) }
    /// The years with targets, the measures, and the node the viewer's target pages open on.
    target_options() -> TargetOptions { book.target_options() }
    /// A node's breakdown to the level below (none: the viewer's own node).
    target_breakdown(year: i32, measure: Option<String>, node: Option<String>) -> Breakdown {
        book.target_breakdown(year, measure.as_deref(), node.as_deref())
    }
    /// A proposal for a node's breakdown by a rule; saves nothing.
    propose_breakdown(year: i32, measure: Option<String>, node: String, rule: BreakdownRule) -> Vec<ChildTarget> {
        book.propose_breakdown(year, measure.as_deref(), &node, rule)
    }
    /// Head office sets the company's target for a year, month by month (fen).
    set_company_target(year: i32, measure: Option<String>, months: Vec<i64>) -> Breakdown {
        book.set_company_target(year, measure.as_deref(), &months)
    }
    save_breakdown(input: BreakdownInput) -> Breakdown { book.save_breakdown(&input) }
    /// Approve, return (with a note) or withdraw a submitted breakdown.
    decide_breakdown(year: i32, measure: Option<String>, node: String, decision: Decision, note: Option<String>) -> Breakdown {
        book.decide_breakdown(year, measure.as_deref(), &node, decision, note.as_deref())
    }
    propose_target_move(input: MoveInput) -> Breakdown { book.propose_target_move(&input) }
    /// Approve, reject (`return`, with a note) or withdraw a reallocation.
    decide_target_move(id: String, decision: Decision, note: Option<String>) -> Breakdown {
        book.decide_target_move(&id, decision, note.as_deref())
    }
    target_progress(query: TargetQuery) -> TargetProgress { book.target_progress(&query) }
    target_grid(year: i32, measure: Option<String>, node: Option<String>) -> TargetGrid {
        book.target_grid(year, measure.as_deref(), node.as_deref())
    }
    /// A person's 旬 or month plan (none: the viewer's own): saved, or proposed from the targets.
    sales_plan(period: String, staff: Option<StaffId>) -> SalesPlan { book.sales_plan(&period, staff) }
    save_sales_plan(input: PlanInput) -> SalesPlan { book.save_sales_plan(&input) }
    comment_sales_plan(plan: String, body: String) -> SalesPlan { book.comment_sales_plan(&plan, &body) }
    /// A unit's plans for a period rolled up (none: the viewer's unit).
    plan_rollup(period: String, unit: Option<String>) -> PlanRollup { book.plan_rollup(&period, unit.as_deref()) }
    /// A person's forecast made in a month (none: the viewer's own).
    sales_forecast(month: String, staff: Option<StaffId>) -> Forecast { book.sales_forecast(&month, staff) }
    save_sales_forecast(input: ForecastInput) -> Forecast { book.save_sales_forecast(&input) }
    forecast_rollup(month: String, unit: Option<String>) -> ForecastRollup { book.forecast_rollup(&month, unit.as_deref()) }
    target_rules() -> RagRules { book.target_rules() }
    set_target_rules(rules: RagRules) -> RagRules { book.set_target_rules(rules) }
    /// Writes the progress (xlsx) to `path`; returns the path written.
    write_target_progress(query: TargetQuery, path: String) -> String {
        book.write_target_progress(&query, Path::new(&path)).map(|p| p.display().to_string())
    }
    /// Writes a node's breakdown (xlsx) to `path`; returns the path written.
    write_target_breakdown(year: i32, measure: Option<String>, node: Option<String>, path: String) -> String {
        book.write_target_breakdown(year, measure.as_deref(), node.as_deref(), Path::new(&path)).map(|p| p.display().to_string())
    }
    /// Writes a person's plan of a period (xlsx) to `path`; returns the path written.
    write_sales_plan(period: String, staff: Option<StaffId>, path: String) -> String {
        book.write_sales_plan(&period, staff, Path::new(&path)).map(|p| p.display().to_string())
    }
    /// Writes a person's forecast made in a month (xlsx) to `path`; returns the path written.
    write_sales_forecast(month: String, staff: Option<StaffId>, path: String) -> String {
        book.write_sales_forecast(&month, staff, Path::new(&path)).map(|p| p.display().to_string())
    }
    /// Writes a unit's plans of a period (xlsx) to `path`; returns the path written.
    write_plan_rollup(period: String, unit: Option<String>, path: String) -> String {
        book.write_plan_rollup(&period, unit.as_deref(), Path::new(&path)).map(|p| p.display().to_string())
    }
    /// Writes a unit's forecasts made in a month (xlsx) to `path`; returns the path written.
    write_forecast_rollup(month: String, unit: Option<String>, path: String) -> String {
        book.write_forecast_rollup(&month, unit.as_deref(), Path::new(&path)).map(|p| p.display().to_string())
    }
    /// A unit's month-end summary (月度总结) of a month (none: the viewer's unit).
    month_end_summary(query: MonthEndQuery) -> MonthEndSummary { book.month_end_summary(&query) }
    /// Writes the month-end summary with the market analysis (xlsx) to `path`; returns the path written.
    write_month_end_summary(query: MonthEndQuery, analysis: String, path: String) -> String {
        book.write_month_end_summary(&query, &analysis, Path::new(&path)).map(|p| p.display().to_string())
    }
    /// Writes the tree × months grid (xlsx) to `path`; returns the path written.
    write_target_grid(year: i32, measure: Option<String>, node: Option<String>, path: String) -> String {
        book.write_target_grid(year, measure.as_deref(), node.as_deref(), Path::new(&path)).map(|p| p.display().to_string())
    }
    set_credit_limit(customer_id: CustomerId, limit: Option<i64>, reason: Option<String>) -> () {
        book.set_credit_limit(customer_id, limit, reason.as_deref())
    }
    sales_by_product(query: AnalysisQuery) -> ProductComposition { book.sales_by_product(&query) }
    sales_by_region(query: AnalysisQuery) -> RegionComposition { book.sales_by_region(&query) }
    sales_credit(query: AnalysisQuery) -> CreditAnalysis { book.sales_credit(&query) }
    sales_negative_growth(query: AnalysisQuery) -> NegativeGrowth { book.sales_negative_growth(&query) }
    sales_monthly(query: AnalysisQuery) -> MonthlySummary { book.sales_monthly(&query) }
    /// What customers owe today by how long past due, by part, rep and credit grade.
    receivables_aging(query: AnalysisQuery) -> ReceivablesAging { book.receivables_aging(&query) }
    /// Who owes overdue money today, and who must act on it.
    receivables_overdue(query: AnalysisQuery) -> OverdueList { book.receivables_overdue(&query) }
    /// Who still owes what by the next payment cut-off (the 25th).
    receivables_cutoff(query: AnalysisQuery) -> Cutoff { book.receivables_cutoff(&query) }
    /// Invoicing and collection by month: cash, marketing expenses, DSO.
    receivables_collections(query: AnalysisQuery) -> Collections { book.receivables_collections(&query) }
    /// Order fill rate and shipping on time for the orders approved in the period.
    order_fulfilment(query: AnalysisQuery) -> Fulfilment { book.order_fulfilment(&query) }
    /// Writes an analysis (xlsx, with its chart) to `path`; returns the path written.
    export_analysis(kind: AnalysisKind, query: AnalysisQuery, path: String) -> String {
        book.export_analysis(kind, &query, Path::new(&path)).map(|p| p.display().to_string())
    }
    /// Writes every card the query matches (all pages, not just `limit`) to an
    /// xlsx list; its progress goes out as `import-progress`.
    export_customers(query: CustomerQuery, path: String) -> ExportedList {
        book.export_customers(&query, Path::new(&path), &mut |progress: ImportProgress| {
            host.emit(Event::ImportProgress(progress));
        })
    }
}

/// The type names a TypeScript type string refers to (to import them).
fn referenced_types(ty: &str, into: &mut std::collections::BTreeSet<String>) {
    const BUILT_IN: &[&str] = &["Array", "Record", "Partial", "Promise"];
    let mut word = String::new();
    for c in ty.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            if word.starts_with(|c: char| c.is_ascii_uppercase()) && !BUILT_IN.contains(&word.as_str()) {
                into.insert(std::mem::take(&mut word));
            }
            word.clear();
        }
    }
}

/// The whole of `ui/src/generated/commands.ts`.
pub fn typescript() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let table = table(&cfg);
    let mut types = std::collections::BTreeSet::new();
    for command in &table {
        referenced_types(&command.result, &mut types);
        for arg in &command.args {
            referenced_types(&arg.ty, &mut types);
        }
    }
    types.extend(["DemoProgress".to_string(), "ImportProgress".to_string(), "Progress".to_string()]);
    let mut out = String::from(
        "// Generated from the command table by fieldcrm-core (src/api/commands.rs). Do not edit:\n\
         // run `make bindings` after changing it.\n\n",
    );
    out.push_str(&format!(
        "import type {{\n{}}} from './bindings'\n\n",
        types.iter().map(|t| format!("  {t},\n")).collect::<String>()
    ));
    out.push_str(
        "/** Carries a command to the book and its answer back (Tauri's IPC, or HTTP in tests). */\n\
         export interface Transport {\n  \
         /** Runs `command`; rejects with the book's `ApiError` (or what the transport could not do). */\n  \
         call(command: CommandName, args: Record<string, unknown>): Promise<unknown>\n  \
         /** Calls `listener` with each event of that name until the returned function is called. */\n  \
         listen<E extends EventName>(event: E, listener: (payload: Events[E]) => void): Promise<() => void>\n}\n\n",
    );
    out.push_str(&format!(
        "/** What long commands report while they run, by event name. */\n\
         export interface Events {{\n  '{SYNC_PROGRESS}': Progress\n  '{IMPORT_PROGRESS}': ImportProgress\n  '{DEMO_PROGRESS}': DemoProgress\n}}\n\n\
         export type EventName = keyof Events\n\n\
         export const SYNC_PROGRESS = '{SYNC_PROGRESS}'\nexport const IMPORT_PROGRESS = '{IMPORT_PROGRESS}'\nexport const DEMO_PROGRESS = '{DEMO_PROGRESS}'\n\n"
    ));
    out.push_str("/** Every command: its arguments (camelCase keys) and its result. */\nexport interface Commands {\n");
    for command in &table {
        let args: Vec<String> = command
            .args
            .iter()
            .map(|a| format!("{}{}: {}", camel(a.name), if a.optional { "?" } else { "" }, a.ty))
            .collect();
        out.push_str(&format!(
            "  {}: {{ args: {{ {} }}; result: {} }}\n",
            command.name,
            args.join("; "),
            command.result
        ));
    }
    out.push_str("}\n\nexport type CommandName = keyof Commands\n\n");
    out.push_str(&format!(
        "export const COMMAND_NAMES: readonly CommandName[] = [\n{}]\n\n",
        table.iter().map(|c| format!("  '{}',\n", c.name)).collect::<String>()
    ));
    out.push_str(
        "/** The book's operations, one typed method per command. */\n\
         export class Api {\n  constructor(protected readonly transport: Transport) {}\n\n  \
         protected run<K extends CommandName>(command: K, args: Commands[K]['args']): Promise<Commands[K]['result']> {\n    \
         return this.transport.call(command, args) as Promise<Commands[K]['result']>\n  }\n",
    );
    for command in &table {
        out.push('\n');
        if !command.doc.is_empty() {
            let lines: Vec<&str> = command.doc.iter().map(|d| d.trim()).collect();
            out.push_str(&format!("  /** {} */\n", lines.join(" ")));
        }
        // A trailing optional parameter may be left out; one before a required
        // parameter is passed as null.
        let required_after = |i: usize| command.args[i + 1..].iter().any(|a| !a.optional);
        let params: Vec<String> = command
            .args
            .iter()
            .enumerate()
            .map(|(i, a)| {
                if a.optional && !required_after(i) {
                    format!("{}?: {}", camel(a.name), a.ty)
                } else {
                    format!("{}: {}", camel(a.name), a.ty)
                }
            })
            .collect();
        let args: Vec<String> = command
            .args
            .iter()
            .map(|a| if a.optional { format!("{0}: {0} ?? null", camel(a.name)) } else { camel(a.name) })
            .collect();
        out.push_str(&format!(
            "  {}({}): Promise<{}> {{\n    return this.run('{}', {{ {} }})\n  }}\n",
            camel(command.name),
            params.join(", "),
            command.result,
            command.name,
            args.join(", ")
        ));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use chrono::TimeZone;
    use serde_json::json;

    use super::*;
    use crate::FixedClock;

    fn book() -> Book {
        let clock = FixedClock::new(chrono::Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap());
        Book::open_in_memory(Arc::new(clock)).expect("book")
    }

    #[test]
    fn commands_ts_is_fresh() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/generated/commands.ts");
        let fresh = typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).expect("write commands.ts");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == fresh, "ui/src/generated/commands.ts is stale: run `make bindings` and commit it");
    }

    #[test]
    fn every_name_is_unique_and_dispatches() {
        let mut seen = std::collections::HashSet::new();
        for name in NAMES {
            assert!(seen.insert(*name), "{name} is declared twice");
        }
        let book = book();
        for name in NAMES {
            // Arguments that cannot be read are the transport's error, not an unknown command.
            if let Err(e) = dispatch(&book, &Quiet, name, json!({ "no_such_argument": 1 })) {
                assert_ne!(e.message, bad_request(name, "no such command").message, "{name}");
            }
        }
    }

    #[test]
    fn dispatch_runs_the_facade_and_answers_in_json() {
        let book = book();
        let profile = dispatch(
            &book,
            &Quiet,
            "create_profile",
            json!({ "profile": { "name": "王强", "role": "rep", "companyName": "华丰农资", "unitName": "寿光片区" } }),
        )
        .expect("profile");
        assert_eq!(profile["name"], "王强");
        let saved =
            dispatch(&book, &Quiet, "create_customer", json!({ "customer": { "fields": { "name": "华星农业" } } }))
                .expect("customer");
        let id = saved["card"]["id"].as_str().expect("id").to_string();
        let card = dispatch(&book, &Quiet, "get_customer", json!({ "id": id })).expect("card");
        assert_eq!(card["fields"]["name"], "华星农业");
        // A trailing optional argument may be left out.
        let routes = dispatch(&book, &Quiet, "routes", json!({})).expect("routes");
        assert_eq!(routes, json!([]));
        // The facade's own errors come through unchanged.
        let refused = dispatch(&book, &Quiet, "create_customer", json!({ "customer": { "fields": { "name": "" } } }))
            .expect_err("an empty name is refused");
        assert_eq!(refused.code, ErrorCode::Invalid);
        assert_eq!(refused.problems[0].code, "required");
    }

    #[test]
    fn malformed_requests_are_refused_with_what_is_wrong() {
        let book = book();
        let unknown = dispatch(&book, &Quiet, "no_such_command", json!({})).expect_err("unknown");
        assert_eq!(unknown.problems[0].code, "bad_request");
        let misspelt = dispatch(&book, &Quiet, "get_customer", json!({ "customerId": "x" })).expect_err("misspelt");
        assert!(misspelt.message.contains("customerId"), "{}", misspelt.message);
        let missing = dispatch(&book, &Quiet, "customer_history", json!({ "limit": 3 })).expect_err("missing");
        assert!(missing.message.contains("id"), "{}", missing.message);
    }

    #[test]
    fn progress_goes_to_the_host() {
        struct Collect(std::sync::Mutex<Vec<&'static str>>);
        impl Host for Collect {
            fn emit(&self, event: Event) {
                self.0.lock().unwrap().push(event.name());
            }
        }
        let book = book();
        dispatch(
            &book,
            &Quiet,
            "create_profile",
            json!({ "profile": { "name": "王强", "role": "rep", "companyName": "华丰农资", "unitName": "寿光片区" } }),
        )
        .expect("profile");
        dispatch(&book, &Quiet, "create_customer", json!({ "customer": { "fields": { "name": "华星农业" } } }))
            .expect("customer");
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("list.xlsx");
        let host = Collect(Default::default());
        dispatch(
            &book,
            &host,
            "export_customers",
            json!({ "query": serde_json::to_value(crate::search::CustomerQuery::default()).unwrap(), "path": path }),
        )
        .expect("export");
        assert!(host.0.lock().unwrap().contains(&IMPORT_PROGRESS));
    }
}
