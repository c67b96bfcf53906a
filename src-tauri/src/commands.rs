//! The commands the UI invokes: each one forwards to one facade method. Their
//! argument and result types are generated into `ui/src/generated/bindings.ts`.

use fieldcrm_core::api::{
    BookStatus, CardEdit, CardSchema, NewCustomer, NewProfile, NewRecord, RecordEdit, RecordKind, Saved, TagCount,
};
use fieldcrm_core::card::{ArchiveCard, HistoryEntry};
use fieldcrm_core::demo::{DemoOptions, DemoSummary};
use fieldcrm_core::ids::CustomerId;
use fieldcrm_core::org::{OrgUnit, Profile, Staff};
use fieldcrm_core::search::{CustomerPage, CustomerQuery};
use fieldcrm_core::{ApiError, Book};
use tauri::State;

use crate::AppState;

type Reply<T> = Result<T, ApiError>;

fn book<'a>(state: &'a State<'_, AppState>) -> Result<&'a Book, ApiError> {
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
        app_ready,
    ]
}
