import { invoke } from '@tauri-apps/api/core'
import { listen } from '@tauri-apps/api/event'
import { open, save } from '@tauri-apps/plugin-dialog'
import type { Backend, Language, PickOptions, SaveOptions } from './types'
import { SPREADSHEET_EXTENSIONS, SYNC_FILE_EXTENSION, toApiError } from './types'
import type {
  AcceptGrades,
  AcceptReport,
  ArchiveCard,
  BookStatus,
  CardEdit,
  CardSchema,
  CodeEdit,
  CodeList,
  ConflictResolution,
  ConflictView,
  CustomerPage,
  CustomerQuery,
  DemoOptions,
  DemoSummary,
  DeviceInfo,
  EnrollDevice,
  ExportResult,
  FolderFile,
  GradeChange,
  GradeHistoryEntry,
  GradeLevelInput,
  GradeScales,
  GradeSuggestion,
  GroupCount,
  HistoryEntry,
  HqMergeReport,
  ImportReport,
  NewCodeItem,
  NewCodeList,
  NewCustomer,
  NewProfile,
  NewRecord,
  NewRoute,
  NoticeView,
  OrgUnit,
  PeerSummary,
  PlanQuery,
  PlanSummary,
  Profile,
  Progress,
  RecordEdit,
  RecordKind,
  RejectionView,
  Route,
  RouteDetail,
  RouteEdit,
  RouteOrder,
  RouteProposal,
  RouteStops,
  RuleShare,
  Saved,
  Staff,
  StopMove,
  SuggestQuery,
  SyncStatus,
  TagCount,
  VisitPlan,
  Call,
  Compliance,
  ComplianceQuery,
  DutyRule,
  DutyRuleInput,
  Home,
  LoggedCall,
  LoggedVisit,
  NewCall,
  NewTask,
  NewUrgentReport,
  NewVisit,
  RecordQuery,
  Reminder,
  ReminderInput,
  Report,
  ReportLine,
  ReportListQuery,
  ReportQuery,
  ReportRef,
  ReportSummaryInput,
  Task,
  TaskQuery,
  Visit,
  AnalysisKind,
  AnalysisQuery,
  CreditAnalysis,
  CustomerSalesLine,
  ExportedList,
  GradeComposition,
  ImportKind,
  ImportPreview,
  ImportProgress,
  ImportRequest,
  MonthlySummary,
  NegativeGrowth,
  Product,
  ProductComposition,
  ProductInput,
  RegionComposition,
  SalesOverview,
  SheetImportReport,
} from '../generated/bindings'

/** The event the shell emits while it imports a changeset file. */
const SYNC_PROGRESS = 'sync-progress'

/** The event the shell emits while it imports a spreadsheet or writes a customer list. */
const IMPORT_PROGRESS = 'import-progress'

async function call<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(command, args)
  } catch (e) {
    throw toApiError(e)
  }
}

/** A call during which `onProgress` hears the shell's `import-progress` events. */
async function callWithProgress<T>(command: string, args: Record<string, unknown>, onProgress?: (p: ImportProgress) => void): Promise<T> {
  const stop = onProgress ? await listen<ImportProgress>(IMPORT_PROGRESS, (event) => onProgress(event.payload)) : undefined
  try {
    return await call<T>(command, args)
  } finally {
    stop?.()
  }
}

/** The book behind the Tauri shell. */
export class TauriBackend implements Backend {
  bookStatus() {
    return call<BookStatus>('book_status')
  }
  createProfile(profile: NewProfile) {
    return call<Profile>('create_profile', { profile })
  }
  loadDemo(options: DemoOptions) {
    return call<DemoSummary>('load_demo', { options })
  }
  setLanguage(language: Language) {
    return call<null>('set_language', { language })
  }
  orgUnits() {
    return call<OrgUnit[]>('org_units')
  }
  staffList() {
    return call<Staff[]>('staff_list')
  }
  cardSchema() {
    return call<CardSchema>('card_schema')
  }
  searchCustomers(query: CustomerQuery) {
    return call<CustomerPage>('search_customers', { query })
  }
  customerTags() {
    return call<TagCount[]>('customer_tags')
  }
  getCustomer(id: string) {
    return call<ArchiveCard>('get_customer', { id })
  }
  customerHistory(id: string, limit: number) {
    return call<HistoryEntry[]>('customer_history', { id, limit })
  }
  createCustomer(customer: NewCustomer) {
    return call<Saved>('create_customer', { customer })
  }
  editCustomer(edit: CardEdit) {
    return call<Saved>('edit_customer', { edit })
  }
  addRecord(record: NewRecord) {
    return call<Saved>('add_record', { record })
  }
  editRecord(edit: RecordEdit) {
    return call<Saved>('edit_record', { edit })
  }
  removeRecord(kind: RecordKind, id: string) {
    return call<ArchiveCard>('remove_record', { kind, id })
  }
  markReviewed(id: string) {
    return call<ArchiveCard>('mark_reviewed', { id })
  }
  setStaleAfterDays(days: number) {
    return call<null>('set_stale_after_days', { days })
  }
  appReady() {
    return call<null>('app_ready')
  }
  deviceInfo() {
    return call<DeviceInfo>('device_info')
  }
  enrollDevice(enroll: EnrollDevice) {
    return call<PeerSummary>('enroll_device', { enroll })
  }
  syncStatus() {
    return call<SyncStatus>('sync_status')
  }
  syncExport(dir: string, to?: string) {
    return call<ExportResult>('sync_export', { dir, to: to ?? null })
  }
  syncImport(path: string, trustOffice?: string) {
    return call<ImportReport>('sync_import', { path, trustOffice: trustOffice ?? null })
  }
  hqMerge(inbox: string, outbox: string) {
    return call<HqMergeReport>('hq_merge', { inbox, outbox })
  }
  syncFolder(dir: string) {
    return call<FolderFile[]>('sync_folder', { dir })
  }
  conflicts(includeResolved: boolean) {
    return call<ConflictView[]>('conflicts', { includeResolved })
  }
  resolveConflict(resolution: ConflictResolution) {
    return call<ConflictView>('resolve_conflict', { resolution })
  }
  rejections() {
    return call<RejectionView[]>('rejections')
  }
  notices() {
    return call<NoticeView[]>('notices')
  }
  async onSyncProgress(listener: (progress: Progress) => void) {
    return listen<Progress>(SYNC_PROGRESS, (event) => listener(event.payload))
  }
  async pickSyncFile({ title, filterName }: PickOptions) {
    const picked = await open({
      title,
      multiple: false,
      directory: false,
      filters: [{ name: filterName ?? SYNC_FILE_EXTENSION, extensions: [SYNC_FILE_EXTENSION] }],
    })
    return picked ?? null
  }
  async pickFolder({ title }: PickOptions) {
    const picked = await open({ title, multiple: false, directory: true })
    return picked ?? null
  }
  async pickSavePath({ title, defaultName, filterName, extension }: SaveOptions) {
    const picked = await save({ title, defaultPath: defaultName, filters: [{ name: filterName, extensions: [extension] }] })
    return picked ?? null
  }
  customerGroups(query: CustomerQuery, by: string) {
    return call<GroupCount[]>('customer_groups', { query, by })
  }
  codeLists() {
    return call<CodeList[]>('code_lists')
  }
  addCodeList(list: NewCodeList) {
    return call<CodeList[]>('add_code_list', { list })
  }
  addCode(code: NewCodeItem) {
    return call<CodeList[]>('add_code', { code })
  }
  editCode(edit: CodeEdit) {
    return call<CodeList[]>('edit_code', { edit })
  }
  gradeScales() {
    return call<GradeScales>('grade_scales')
  }
  saveGradeLevel(level: GradeLevelInput) {
    return call<GradeScales>('save_grade_level', { level })
  }
  setGradingRule(shares: RuleShare[]) {
    return call<GradeScales>('set_grading_rule', { shares })
  }
  setGrade(change: GradeChange) {
    return call<ArchiveCard>('set_grade', { change })
  }
  gradeHistory(id: string) {
    return call<GradeHistoryEntry[]>('grade_history', { id })
  }
  suggestGrades(query: SuggestQuery) {
    return call<GradeSuggestion>('suggest_grades', { query })
  }
  acceptGrades(accepted: AcceptGrades) {
    return call<AcceptReport>('accept_grades', { accepted })
  }
  routes(owner?: string) {
    return call<Route[]>('routes', { owner: owner ?? null })
  }
  route(id: string) {
    return call<RouteDetail>('route', { id })
  }
  createRoute(route: NewRoute) {
    return call<RouteDetail>('create_route', { route })
  }
  editRoute(edit: RouteEdit) {
    return call<RouteDetail>('edit_route', { edit })
  }
  addRouteStops(stops: RouteStops) {
    return call<RouteDetail>('add_route_stops', { stops })
  }
  removeRouteStops(customers: string[]) {
    return call<null>('remove_route_stops', { customers })
  }
  moveRouteStop(stop: StopMove) {
    return call<RouteDetail>('move_route_stop', { stop })
  }
  setRouteOrder(order: RouteOrder) {
    return call<RouteDetail>('set_route_order', { order })
  }
  proposeRouteOrder(id: string) {
    return call<RouteProposal>('propose_route_order', { id })
  }
  writeRouteSheet(id: string, path: string) {
    return call<string>('write_route_sheet', { id, path })
  }
  visitPlan(query: PlanQuery) {
    return call<VisitPlan>('visit_plan', { query })
  }
  teamPlan(date?: string) {
    return call<PlanSummary[]>('team_plan', { date: date ?? null })
  }
  setLastVisit(id: string, date: string) {
    return call<ArchiveCard>('set_last_visit', { id, date })
  }
  logVisit(visit: NewVisit) {
    return call<LoggedVisit>('log_visit', { visit })
  }
  checkOutVisit(id: string, at: string | null) {
    return call<Visit>('check_out_visit', { id, at })
  }
  visits(query: RecordQuery) {
    return call<Visit[]>('visits', { query })
  }
  logCall(call_: NewCall) {
    return call<LoggedCall>('log_call', { call: call_ })
  }
  calls(query: RecordQuery) {
    return call<Call[]>('calls', { query })
  }
  addTask(task: NewTask) {
    return call<Task>('add_task', { task })
  }
  setTaskDone(id: string, done: boolean) {
    return call<Task>('set_task_done', { id, done })
  }
  tasks(query: TaskQuery) {
    return call<Task[]>('tasks', { query })
  }
  report(query: ReportQuery) {
    return call<Report>('report', { query })
  }
  openReport(id: string) {
    return call<Report>('open_report', { id })
  }
  saveReport(input: ReportSummaryInput) {
    return call<Report>('save_report', { input })
  }
  submitReport(input: ReportSummaryInput) {
    return call<Report>('submit_report', { input })
  }
  urgentReport(report: NewUrgentReport) {
    return call<Report>('urgent_report', { report })
  }
  commentReport(id: string, body: string) {
    return call<Report>('comment_report', { id, body })
  }
  reports(query: ReportListQuery) {
    return call<ReportLine[]>('reports', { query })
  }
  exportReport(which: ReportRef, path: string) {
    return call<string>('export_report', { which, path })
  }
  dutyRules() {
    return call<DutyRule[]>('duty_rules')
  }
  saveDutyRule(rule: DutyRuleInput) {
    return call<DutyRule>('save_duty_rule', { rule })
  }
  compliance(query: ComplianceQuery) {
    return call<Compliance>('compliance', { query })
  }
  reminders() {
    return call<Reminder[]>('reminders')
  }
  saveReminder(reminder: ReminderInput) {
    return call<Reminder>('save_reminder', { reminder })
  }
  home() {
    return call<Home>('home')
  }
  products() {
    return call<Product[]>('products')
  }
  saveProduct(input: ProductInput) {
    return call<Product[]>('save_product', { input })
  }
  salesOverview() {
    return call<SalesOverview>('sales_overview')
  }
  customerSales(id: string, limit: number) {
    return call<CustomerSalesLine[]>('customer_sales', { id, limit })
  }
  importPreview(path: string, kind: ImportKind, sheet?: string | null) {
    return call<ImportPreview>('import_preview', { path, kind, sheet: sheet ?? null })
  }
  runImport(request: ImportRequest, commit: boolean, onProgress?: (p: ImportProgress) => void) {
    return callWithProgress<SheetImportReport>('run_import', { request, commit }, onProgress)
  }
  cancelImport() {
    return call<null>('cancel_import')
  }
  salesByGrade(query: AnalysisQuery) {
    return call<GradeComposition>('sales_by_grade', { query })
  }
  salesByProduct(query: AnalysisQuery) {
    return call<ProductComposition>('sales_by_product', { query })
  }
  salesByRegion(query: AnalysisQuery) {
    return call<RegionComposition>('sales_by_region', { query })
  }
  salesCredit(query: AnalysisQuery) {
    return call<CreditAnalysis>('sales_credit', { query })
  }
  salesNegativeGrowth(query: AnalysisQuery) {
    return call<NegativeGrowth>('sales_negative_growth', { query })
  }
  salesMonthly(query: AnalysisQuery) {
    return call<MonthlySummary>('sales_monthly', { query })
  }
  exportAnalysis(kind: AnalysisKind, query: AnalysisQuery, path: string) {
    return call<string>('export_analysis', { kind, query, path })
  }
  exportCustomers(query: CustomerQuery, path: string, onProgress?: (p: ImportProgress) => void) {
    return callWithProgress<ExportedList>('export_customers', { query, path }, onProgress)
  }
  async pickSpreadsheet({ title, filterName }: PickOptions) {
    const picked = await open({
      title,
      multiple: false,
      directory: false,
      filters: [{ name: filterName ?? SPREADSHEET_EXTENSIONS.join('/'), extensions: SPREADSHEET_EXTENSIONS }],
    })
    return picked ?? null
  }
}

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window
}
