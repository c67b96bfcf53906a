//! The commands the UI invokes: each one forwards to one facade method. Their
//! argument and result types are generated into `ui/src/generated/bindings.ts`.
//! Sync commands that read or write files run off the async runtime's workers
//! (`spawn_blocking`); an import reports its progress as `sync-progress` events.

use std::path::PathBuf;

use fieldcrm_core::api::{
    BookStatus, CardEdit, CardSchema, NewCustomer, NewProfile, NewRecord, RecordEdit, RecordKind, Saved, TagCount,
};
use fieldcrm_core::card::{ArchiveCard, HistoryEntry};
use fieldcrm_core::classify_api::{
    AcceptGrades, AcceptReport, GradeScales, RouteOrder, RouteStops, StopMove, SuggestQuery,
};
use fieldcrm_core::codes::{CodeEdit, CodeList, NewCodeItem, NewCodeList};
use fieldcrm_core::demo::{DemoOptions, DemoSummary};
use fieldcrm_core::grades::{GradeChange, GradeHistoryEntry, GradeLevelInput, GradeSuggestion, RuleShare};
use fieldcrm_core::ids::CustomerId;
use fieldcrm_core::ids::{RouteId, StaffId};
use fieldcrm_core::org::{OrgUnit, Profile, Staff};
use fieldcrm_core::routes::plan::{PlanQuery, PlanSummary, VisitPlan};
use fieldcrm_core::routes::{NewRoute, Route, RouteDetail, RouteEdit, RouteProposal};
use fieldcrm_core::search::GroupCount;
use fieldcrm_core::search::{CustomerPage, CustomerQuery};
use fieldcrm_core::sync::{ImportReport, Progress};
use fieldcrm_core::sync_api::{
    ConflictResolution, ConflictView, DeviceInfo, EnrollDevice, ExportResult, FolderFile, HqMergeReport, NoticeView,
    PeerSummary, RejectionView, SyncStatus,
};
use fieldcrm_core::{ApiError, Book, ErrorCode};
use tauri::{AppHandle, Emitter, Manager, State};

use crate::AppState;

pub(crate) type Reply<T> = Result<T, ApiError>;

pub(crate) fn book<'a>(state: &'a State<'_, AppState>) -> Result<&'a Book, ApiError> {
    state.book.as_ref().map_err(Clone::clone)
}

#[tauri::command]
async fn book_status(state: State<'_, AppState>) -> Reply<BookStatus> {
    book(&state)?.status()
}

#[tauri::command]
async fn create_profile(state: State<'_, AppState>, profile: NewProfile) -> Reply<Profile> {
    book(&state)?.create_profile(&profile)
}

#[tauri::command]
async fn load_demo(state: State<'_, AppState>, options: DemoOptions) -> Reply<DemoSummary> {
    book(&state)?.load_demo(&options)
}

#[tauri::command]
async fn set_language(state: State<'_, AppState>, language: String) -> Reply<()> {
    book(&state)?.set_language(&language)
}

#[tauri::command]
async fn org_units(state: State<'_, AppState>) -> Reply<Vec<OrgUnit>> {
    book(&state)?.org_units()
}

#[tauri::command]
async fn staff_list(state: State<'_, AppState>) -> Reply<Vec<Staff>> {
    book(&state)?.staff()
}

#[tauri::command]
async fn card_schema(state: State<'_, AppState>) -> Reply<CardSchema> {
    Ok(book(&state)?.card_schema())
}

#[tauri::command]
async fn search_customers(state: State<'_, AppState>, query: CustomerQuery) -> Reply<CustomerPage> {
    book(&state)?.search_customers(&query)
}

#[tauri::command]
async fn customer_tags(state: State<'_, AppState>) -> Reply<Vec<TagCount>> {
    book(&state)?.tags()
}

#[tauri::command]
async fn get_customer(state: State<'_, AppState>, id: CustomerId) -> Reply<ArchiveCard> {
    book(&state)?.customer(id)
}

#[tauri::command]
async fn customer_history(state: State<'_, AppState>, id: CustomerId, limit: u32) -> Reply<Vec<HistoryEntry>> {
    book(&state)?.history(id, limit)
}

#[tauri::command]
async fn create_customer(state: State<'_, AppState>, customer: NewCustomer) -> Reply<Saved> {
    book(&state)?.create_customer(&customer)
}

#[tauri::command]
async fn edit_customer(state: State<'_, AppState>, edit: CardEdit) -> Reply<Saved> {
    book(&state)?.edit_customer(&edit)
}

#[tauri::command]
async fn add_record(state: State<'_, AppState>, record: NewRecord) -> Reply<Saved> {
    book(&state)?.add_record(&record)
}

#[tauri::command]
async fn edit_record(state: State<'_, AppState>, edit: RecordEdit) -> Reply<Saved> {
    book(&state)?.edit_record(&edit)
}

#[tauri::command]
async fn remove_record(state: State<'_, AppState>, kind: RecordKind, id: String) -> Reply<ArchiveCard> {
    book(&state)?.remove_record(kind, &id)
}

#[tauri::command]
async fn mark_reviewed(state: State<'_, AppState>, id: CustomerId) -> Reply<ArchiveCard> {
    book(&state)?.mark_reviewed(id)
}

#[tauri::command]
async fn set_stale_after_days(state: State<'_, AppState>, days: u32) -> Reply<()> {
    book(&state)?.set_stale_after_days(days)
}

#[tauri::command]
async fn device_info(state: State<'_, AppState>) -> Reply<DeviceInfo> {
    book(&state)?.device()
}

#[tauri::command]
async fn enroll_device(state: State<'_, AppState>, enroll: EnrollDevice) -> Reply<PeerSummary> {
    book(&state)?.enroll_device(&enroll)
}

#[tauri::command]
async fn sync_status(state: State<'_, AppState>) -> Reply<SyncStatus> {
    book(&state)?.sync_status()
}

/// The event an import emits as it goes (payload: [`Progress`]).
const SYNC_PROGRESS: &str = "sync-progress";

/// Runs `work` on the book on a thread meant for blocking work, so a long
/// import or merge leaves the async runtime's workers free.
pub(crate) async fn blocking<T, F>(app: AppHandle, work: F) -> Reply<T>
where
    T: Send + 'static,
    F: FnOnce(&Book, &AppHandle) -> Reply<T> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        work(book(&state)?, &app)
    })
    .await
    .map_err(|e| ApiError {
        code: ErrorCode::Internal,
        message: format!("the task stopped: {e}"),
        problems: vec![],
    })?
}

#[tauri::command]
async fn sync_export(app: AppHandle, dir: PathBuf, to: Option<String>) -> Reply<ExportResult> {
    blocking(app, move |book, _| book.sync_export(&dir, to.as_deref())).await
}

#[tauri::command]
async fn sync_import(app: AppHandle, path: PathBuf, trust_office: Option<String>) -> Reply<ImportReport> {
    blocking(app, move |book, app| {
        book.sync_import(&path, trust_office.as_deref(), &mut |progress: Progress| {
            // A lost progress event only leaves the bar behind; the import goes on.
            let _ = app.emit(SYNC_PROGRESS, progress);
        })
    })
    .await
}

#[tauri::command]
async fn hq_merge(app: AppHandle, inbox: PathBuf, outbox: PathBuf) -> Reply<HqMergeReport> {
    blocking(app, move |book, _| book.hq_merge(&inbox, &outbox)).await
}

#[tauri::command]
async fn sync_folder(app: AppHandle, dir: PathBuf) -> Reply<Vec<FolderFile>> {
    blocking(app, move |book, _| book.sync_folder(&dir)).await
}

#[tauri::command]
async fn conflicts(state: State<'_, AppState>, include_resolved: bool) -> Reply<Vec<ConflictView>> {
    book(&state)?.conflicts(include_resolved)
}

#[tauri::command]
async fn resolve_conflict(state: State<'_, AppState>, resolution: ConflictResolution) -> Reply<ConflictView> {
    book(&state)?.resolve_conflict(&resolution)
}

#[tauri::command]
async fn rejections(state: State<'_, AppState>) -> Reply<Vec<RejectionView>> {
    book(&state)?.rejections()
}

#[tauri::command]
async fn notices(state: State<'_, AppState>) -> Reply<Vec<NoticeView>> {
    book(&state)?.notices()
}

#[tauri::command]
async fn customer_groups(state: State<'_, AppState>, query: CustomerQuery, by: String) -> Reply<Vec<GroupCount>> {
    book(&state)?.customer_groups(&query, &by)
}

#[tauri::command]
async fn code_lists(state: State<'_, AppState>) -> Reply<Vec<CodeList>> {
    book(&state)?.code_lists()
}

#[tauri::command]
async fn add_code_list(state: State<'_, AppState>, list: NewCodeList) -> Reply<Vec<CodeList>> {
    book(&state)?.add_code_list(&list)
}

#[tauri::command]
async fn add_code(state: State<'_, AppState>, code: NewCodeItem) -> Reply<Vec<CodeList>> {
    book(&state)?.add_code(&code)
}

#[tauri::command]
async fn edit_code(state: State<'_, AppState>, edit: CodeEdit) -> Reply<Vec<CodeList>> {
    book(&state)?.edit_code(&edit)
}

#[tauri::command]
async fn grade_scales(state: State<'_, AppState>) -> Reply<GradeScales> {
    book(&state)?.grade_scales()
}

#[tauri::command]
async fn save_grade_level(state: State<'_, AppState>, level: GradeLevelInput) -> Reply<GradeScales> {
    book(&state)?.save_grade_level(&level)
}

#[tauri::command]
async fn set_grading_rule(state: State<'_, AppState>, shares: Vec<RuleShare>) -> Reply<GradeScales> {
    book(&state)?.set_grading_rule(&shares)
}

#[tauri::command]
async fn set_grade(state: State<'_, AppState>, change: GradeChange) -> Reply<ArchiveCard> {
    book(&state)?.set_grade(&change)
}

#[tauri::command]
async fn grade_history(state: State<'_, AppState>, id: CustomerId) -> Reply<Vec<GradeHistoryEntry>> {
    book(&state)?.grade_history(id)
}

#[tauri::command]
async fn suggest_grades(app: AppHandle, query: SuggestQuery) -> Reply<GradeSuggestion> {
    blocking(app, move |book, _| book.suggest_grades(&query)).await
}

#[tauri::command]
async fn accept_grades(app: AppHandle, accepted: AcceptGrades) -> Reply<AcceptReport> {
    blocking(app, move |book, _| book.accept_grades(&accepted)).await
}

#[tauri::command]
async fn routes(state: State<'_, AppState>, owner: Option<StaffId>) -> Reply<Vec<Route>> {
    book(&state)?.routes(owner)
}

#[tauri::command]
async fn route(state: State<'_, AppState>, id: RouteId) -> Reply<RouteDetail> {
    book(&state)?.route(id)
}

#[tauri::command]
async fn create_route(state: State<'_, AppState>, route: NewRoute) -> Reply<RouteDetail> {
    book(&state)?.create_route(&route)
}

#[tauri::command]
async fn edit_route(state: State<'_, AppState>, edit: RouteEdit) -> Reply<RouteDetail> {
    book(&state)?.edit_route(&edit)
}

#[tauri::command]
async fn add_route_stops(state: State<'_, AppState>, stops: RouteStops) -> Reply<RouteDetail> {
    book(&state)?.add_route_stops(&stops)
}

#[tauri::command]
async fn remove_route_stops(state: State<'_, AppState>, customers: Vec<CustomerId>) -> Reply<()> {
    book(&state)?.remove_route_stops(&customers)
}

#[tauri::command]
async fn move_route_stop(state: State<'_, AppState>, stop: StopMove) -> Reply<RouteDetail> {
    book(&state)?.move_route_stop(&stop)
}

#[tauri::command]
async fn set_route_order(state: State<'_, AppState>, order: RouteOrder) -> Reply<RouteDetail> {
    book(&state)?.set_route_order(&order)
}

#[tauri::command]
async fn propose_route_order(state: State<'_, AppState>, id: RouteId) -> Reply<RouteProposal> {
    book(&state)?.propose_route_order(id)
}

#[tauri::command]
async fn write_route_sheet(app: AppHandle, id: RouteId, path: PathBuf) -> Reply<PathBuf> {
    blocking(app, move |book, _| book.write_route_sheet(id, &path)).await
}

#[tauri::command]
async fn visit_plan(state: State<'_, AppState>, query: PlanQuery) -> Reply<VisitPlan> {
    book(&state)?.visit_plan(&query)
}

#[tauri::command]
async fn team_plan(state: State<'_, AppState>, date: Option<String>) -> Reply<Vec<PlanSummary>> {
    book(&state)?.team_plan(date.as_deref())
}

#[tauri::command]
async fn set_last_visit(state: State<'_, AppState>, id: CustomerId, date: String) -> Reply<ArchiveCard> {
    book(&state)?.set_last_visit(id, &date)
}

/// The UI calls this once its first screen has rendered. With
/// `FIELDCRM_MEASURE_STARTUP=1` the app prints the time since start and quits.
#[tauri::command]
#[allow(clippy::needless_pass_by_value)] // Tauri hands commands their arguments by value
fn app_ready(app: tauri::AppHandle, state: State<'_, AppState>) {
    if std::env::var_os("FIELDCRM_MEASURE_STARTUP").is_some() {
        println!("startup_ms {:.1}", state.started.elapsed().as_secs_f64() * 1000.0);
        app.exit(0);
    }
}

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        book_status,
        create_profile,
        load_demo,
        set_language,
        org_units,
        staff_list,
        card_schema,
        search_customers,
        customer_tags,
        get_customer,
        customer_history,
        create_customer,
        edit_customer,
        add_record,
        edit_record,
        remove_record,
        mark_reviewed,
        set_stale_after_days,
        device_info,
        enroll_device,
        sync_status,
        sync_export,
        sync_import,
        hq_merge,
        sync_folder,
        conflicts,
        resolve_conflict,
        rejections,
        notices,
        customer_groups,
        code_lists,
        add_code_list,
        add_code,
        edit_code,
        grade_scales,
        save_grade_level,
        set_grading_rule,
        set_grade,
        grade_history,
        suggest_grades,
        accept_grades,
        routes,
        route,
        create_route,
        edit_route,
        add_route_stops,
        remove_route_stops,
        move_route_stop,
        set_route_order,
        propose_route_order,
        write_route_sheet,
        visit_plan,
        team_plan,
        set_last_visit,
        crate::fieldwork_commands::log_visit,
        crate::fieldwork_commands::check_out_visit,
        crate::fieldwork_commands::visits,
        crate::fieldwork_commands::log_call,
        crate::fieldwork_commands::calls,
        crate::fieldwork_commands::add_task,
        crate::fieldwork_commands::set_task_done,
        crate::fieldwork_commands::tasks,
        crate::fieldwork_commands::report,
        crate::fieldwork_commands::open_report,
        crate::fieldwork_commands::save_report,
        crate::fieldwork_commands::submit_report,
        crate::fieldwork_commands::urgent_report,
        crate::fieldwork_commands::comment_report,
        crate::fieldwork_commands::reports,
        crate::fieldwork_commands::export_report,
        crate::fieldwork_commands::duty_rules,
        crate::fieldwork_commands::save_duty_rule,
        crate::fieldwork_commands::compliance,
        crate::fieldwork_commands::reminders,
        crate::fieldwork_commands::save_reminder,
        crate::fieldwork_commands::home,
        crate::sales_commands::products,
        crate::sales_commands::save_product,
        crate::sales_commands::sales_overview,
        crate::sales_commands::customer_sales,
        crate::sales_commands::import_preview,
        crate::sales_commands::run_import,
        crate::sales_commands::cancel_import,
        crate::sales_commands::sales_by_grade,
        crate::sales_commands::sales_by_product,
        crate::sales_commands::sales_by_region,
        crate::sales_commands::sales_credit,
        crate::sales_commands::sales_negative_growth,
        crate::sales_commands::sales_monthly,
        crate::sales_commands::export_analysis,
        crate::sales_commands::export_customers,
        app_ready,
    ]
}
