//! The sales commands: products, spreadsheet imports (with progress events
//! and a cancel), the analyses and the Excel exports. Each forwards to one
//! facade method.

use std::path::PathBuf;

use fieldcrm_core::ids::CustomerId;
use fieldcrm_core::import::{ImportPreview, ImportProgress, ImportRequest, SheetImportReport};
use fieldcrm_core::model::ImportKind;
use fieldcrm_core::sales::analysis::{
    AnalysisQuery, CreditAnalysis, GradeComposition, MonthlySummary, NegativeGrowth, ProductComposition,
    RegionComposition,
};
use fieldcrm_core::sales::{CustomerSalesLine, Product, ProductInput, SalesOverview};
use fieldcrm_core::sales_api::{AnalysisKind, ExportedList};
use fieldcrm_core::search::CustomerQuery;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::commands::{blocking, book, Reply};
use crate::AppState;

/// The event imports and list exports emit as they go (payload: [`ImportProgress`]).
const IMPORT_PROGRESS: &str = "import-progress";

#[tauri::command]
pub async fn products(state: State<'_, AppState>) -> Reply<Vec<Product>> {
    book(&state)?.products()
}

#[tauri::command]
pub async fn save_product(state: State<'_, AppState>, input: ProductInput) -> Reply<Vec<Product>> {
    book(&state)?.save_product(&input)
}

#[tauri::command]
pub async fn sales_overview(state: State<'_, AppState>) -> Reply<SalesOverview> {
    book(&state)?.sales_overview()
}

#[tauri::command]
pub async fn customer_sales(state: State<'_, AppState>, id: CustomerId, limit: u32) -> Reply<Vec<CustomerSalesLine>> {
    book(&state)?.customer_sales(id, limit)
}

#[tauri::command]
pub async fn import_preview(
    app: AppHandle,
    path: PathBuf,
    kind: ImportKind,
    sheet: Option<String>,
) -> Reply<ImportPreview> {
    blocking(app, move |book, _| book.import_preview(&path, kind, sheet.as_deref())).await
}

/// A dry run (`commit` false) or the import itself. A cancel from
/// [`cancel_import`] stops it with nothing written.
#[tauri::command]
pub async fn run_import(app: AppHandle, request: ImportRequest, commit: bool) -> Reply<SheetImportReport> {
    blocking(app, move |book, app| {
        let cancel = app.state::<AppState>().cancel.clone();
        cancel.reset();
        book.import(
            &request,
            commit,
            &mut |progress: ImportProgress| {
                // A lost progress event only leaves the bar behind.
                let _ = app.emit(IMPORT_PROGRESS, progress);
            },
            &cancel,
        )
    })
    .await
}

#[tauri::command]
pub async fn cancel_import(state: State<'_, AppState>) -> Reply<()> {
    state.cancel.cancel();
    Ok(())
}

#[tauri::command]
pub async fn sales_by_grade(app: AppHandle, query: AnalysisQuery) -> Reply<GradeComposition> {
    blocking(app, move |book, _| book.sales_by_grade(&query)).await
}

#[tauri::command]
pub async fn sales_by_product(app: AppHandle, query: AnalysisQuery) -> Reply<ProductComposition> {
    blocking(app, move |book, _| book.sales_by_product(&query)).await
}

#[tauri::command]
pub async fn sales_by_region(app: AppHandle, query: AnalysisQuery) -> Reply<RegionComposition> {
    blocking(app, move |book, _| book.sales_by_region(&query)).await
}

#[tauri::command]
pub async fn sales_credit(app: AppHandle, query: AnalysisQuery) -> Reply<CreditAnalysis> {
    blocking(app, move |book, _| book.sales_credit(&query)).await
}

#[tauri::command]
pub async fn sales_negative_growth(app: AppHandle, query: AnalysisQuery) -> Reply<NegativeGrowth> {
    blocking(app, move |book, _| book.sales_negative_growth(&query)).await
}

#[tauri::command]
pub async fn sales_monthly(app: AppHandle, query: AnalysisQuery) -> Reply<MonthlySummary> {
    blocking(app, move |book, _| book.sales_monthly(&query)).await
}

#[tauri::command]
pub async fn export_analysis(app: AppHandle, kind: AnalysisKind, query: AnalysisQuery, path: PathBuf) -> Reply<String> {
    blocking(app, move |book, _| book.export_analysis(kind, &query, &path).map(|p| p.display().to_string())).await
}

#[tauri::command]
pub async fn export_customers(app: AppHandle, query: CustomerQuery, path: PathBuf) -> Reply<ExportedList> {
    blocking(app, move |book, app| {
        book.export_customers(&query, &path, &mut |progress: ImportProgress| {
            let _ = app.emit(IMPORT_PROGRESS, progress);
        })
    })
    .await
}
