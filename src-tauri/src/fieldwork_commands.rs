//! The field-work commands: visits, calls, tasks, reports, compliance and
//! reminders. Each forwards to one facade method.

use std::path::PathBuf;

use fieldcrm_core::fieldwork::calendar::{Reminder, ReminderInput};
use fieldcrm_core::fieldwork::duties::{Compliance, ComplianceQuery, DutyRule, DutyRuleInput};
use fieldcrm_core::fieldwork::records::{
    Call, LoggedCall, LoggedVisit, NewCall, NewTask, NewVisit, RecordQuery, Task, TaskQuery, Visit,
};
use fieldcrm_core::fieldwork::reports::{
    NewUrgentReport, Report, ReportLine, ReportListQuery, ReportQuery, ReportSummaryInput,
};
use fieldcrm_core::fieldwork_api::{Home, ReportRef};
use fieldcrm_core::ids::{ReportId, TaskId, VisitId};
use tauri::{AppHandle, State};

use crate::commands::{blocking, book, Reply};
use crate::AppState;

#[tauri::command]
pub async fn log_visit(state: State<'_, AppState>, visit: NewVisit) -> Reply<LoggedVisit> {
    book(&state)?.log_visit(&visit)
}

#[tauri::command]
pub async fn check_out_visit(state: State<'_, AppState>, id: VisitId, at: Option<String>) -> Reply<Visit> {
    book(&state)?.check_out_visit(id, at.as_deref())
}

#[tauri::command]
pub async fn visits(state: State<'_, AppState>, query: RecordQuery) -> Reply<Vec<Visit>> {
    book(&state)?.visits(&query)
}

#[tauri::command]
pub async fn log_call(state: State<'_, AppState>, call: NewCall) -> Reply<LoggedCall> {
    book(&state)?.log_call(&call)
}

#[tauri::command]
pub async fn calls(state: State<'_, AppState>, query: RecordQuery) -> Reply<Vec<Call>> {
    book(&state)?.calls(&query)
}

#[tauri::command]
pub async fn add_task(state: State<'_, AppState>, task: NewTask) -> Reply<Task> {
    book(&state)?.add_task(&task)
}

#[tauri::command]
pub async fn set_task_done(state: State<'_, AppState>, id: TaskId, done: bool) -> Reply<Task> {
    book(&state)?.set_task_done(id, done)
}

#[tauri::command]
pub async fn tasks(state: State<'_, AppState>, query: TaskQuery) -> Reply<Vec<Task>> {
    book(&state)?.tasks(&query)
}

#[tauri::command]
pub async fn report(state: State<'_, AppState>, query: ReportQuery) -> Reply<Report> {
    book(&state)?.report(&query)
}

#[tauri::command]
pub async fn open_report(state: State<'_, AppState>, id: ReportId) -> Reply<Report> {
    book(&state)?.open_report(id)
}

#[tauri::command]
pub async fn save_report(state: State<'_, AppState>, input: ReportSummaryInput) -> Reply<Report> {
    book(&state)?.save_report(&input)
}

#[tauri::command]
pub async fn submit_report(state: State<'_, AppState>, input: ReportSummaryInput) -> Reply<Report> {
    book(&state)?.submit_report(&input)
}

#[tauri::command]
pub async fn urgent_report(state: State<'_, AppState>, report: NewUrgentReport) -> Reply<Report> {
    book(&state)?.urgent_report(&report)
}

#[tauri::command]
pub async fn comment_report(state: State<'_, AppState>, id: ReportId, body: String) -> Reply<Report> {
    book(&state)?.comment_report(id, &body)
}

#[tauri::command]
pub async fn reports(state: State<'_, AppState>, query: ReportListQuery) -> Reply<Vec<ReportLine>> {
    book(&state)?.reports(&query)
}

#[tauri::command]
pub async fn export_report(app: AppHandle, which: ReportRef, path: PathBuf) -> Reply<PathBuf> {
    blocking(app, move |book, _| book.export_report(&which, &path)).await
}

#[tauri::command]
pub async fn duty_rules(state: State<'_, AppState>) -> Reply<Vec<DutyRule>> {
    book(&state)?.duty_rules()
}

#[tauri::command]
pub async fn save_duty_rule(state: State<'_, AppState>, rule: DutyRuleInput) -> Reply<DutyRule> {
    book(&state)?.save_duty_rule(&rule)
}

#[tauri::command]
pub async fn compliance(state: State<'_, AppState>, query: ComplianceQuery) -> Reply<Compliance> {
    book(&state)?.compliance(&query)
}

#[tauri::command]
pub async fn reminders(state: State<'_, AppState>) -> Reply<Vec<Reminder>> {
    book(&state)?.reminders()
}

#[tauri::command]
pub async fn save_reminder(state: State<'_, AppState>, reminder: ReminderInput) -> Reply<Reminder> {
    book(&state)?.save_reminder(&reminder)
}

#[tauri::command]
pub async fn home(state: State<'_, AppState>) -> Reply<Home> {
    book(&state)?.home()
}
