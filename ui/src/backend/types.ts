import type {
  AcceptGrades,
  AcceptReport,
  ApiError,
  ArchiveCard,
  BookStatus,
  CardEdit,
  CardSchema,
  CodeEdit,
  CodeList,
  ConflictResolution,
  ConflictView,
  CustomerId,
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
  RouteId,
  RouteOrder,
  RouteProposal,
  RouteStops,
  RuleShare,
  Saved,
  Staff,
  StaffId,
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

export type Language = 'zh-CN' | 'en'

/**
 * Everything the UI asks of the book. One method per Tauri command; a failed
 * call rejects with an {@link ApiError} (branch on `code`, never on `message`).
 * Implemented by `TauriBackend` (the app) and `MemoryBackend` (component tests,
 * plain-browser previews).
 */
export interface Backend {
  bookStatus(): Promise<BookStatus>
  createProfile(profile: NewProfile): Promise<Profile>
  loadDemo(options: DemoOptions): Promise<DemoSummary>
  setLanguage(language: Language): Promise<null>
  orgUnits(): Promise<OrgUnit[]>
  staffList(): Promise<Staff[]>
  cardSchema(): Promise<CardSchema>
  searchCustomers(query: CustomerQuery): Promise<CustomerPage>
  /** Every tag in use, most used first. */
  customerTags(): Promise<TagCount[]>
  getCustomer(id: CustomerId): Promise<ArchiveCard>
  customerHistory(id: CustomerId, limit: number): Promise<HistoryEntry[]>
  createCustomer(customer: NewCustomer): Promise<Saved>
  editCustomer(edit: CardEdit): Promise<Saved>
  addRecord(record: NewRecord): Promise<Saved>
  editRecord(edit: RecordEdit): Promise<Saved>
  removeRecord(kind: RecordKind, id: string): Promise<ArchiveCard>
  markReviewed(id: CustomerId): Promise<ArchiveCard>
  setStaleAfterDays(days: number): Promise<null>
  /** Tells the shell the first screen is on view (start-up time measurement). */
  appReady(): Promise<null>

  // --- Sync ---
  /** This device; creates its signing key on first use (call it before `syncStatus`). */
  deviceInfo(): Promise<DeviceInfo>
  /** Head office: records a laptop for a staff member. */
  enrollDevice(enroll: EnrollDevice): Promise<PeerSummary>
  syncStatus(): Promise<SyncStatus>
  /** Writes the next changeset file into `dir` (head office: for the device `to`). */
  syncExport(dir: string, to?: string): Promise<ExportResult>
  /**
   * Imports one changeset file. The first file from head office is refused with
   * `sync_refused`/`office_not_trusted` until it is called again with the
   * fingerprint the user confirmed as `trustOffice`.
   */
  syncImport(path: string, trustOffice?: string): Promise<ImportReport>
  /** Head office: imports every file of `inbox`, then writes one file per device into `outbox`. */
  hqMerge(inbox: string, outbox: string): Promise<HqMergeReport>
  /** The changeset files in a folder: which are for this device, and which were imported. */
  syncFolder(dir: string): Promise<FolderFile[]>
  conflicts(includeResolved: boolean): Promise<ConflictView[]>
  resolveConflict(resolution: ConflictResolution): Promise<ConflictView>
  rejections(): Promise<RejectionView[]>
  notices(): Promise<NoticeView[]>
  /** Calls `listener` with an import's progress until the returned function is called. */
  onSyncProgress(listener: (progress: Progress) => void): Promise<() => void>
  /** Asks the user for a changeset file to import; null if they cancel. */
  pickSyncFile(options: PickOptions): Promise<string | null>
  /** Asks the user for a folder; null if they cancel. */
  pickFolder(options: PickOptions): Promise<string | null>
  /** Asks the user where to save a file; null if they cancel. */
  pickSavePath(options: SaveOptions): Promise<string | null>

  // --- Classification, grades, routes, plans ---
  /** How many matching customers carry each value of a code list, `grade`, `credit_grade` or `route`. */
  customerGroups(query: CustomerQuery, by: string): Promise<GroupCount[]>
  codeLists(): Promise<CodeList[]>
  /** Head office only, as the other code-list and grade-scale changes. */
  addCodeList(list: NewCodeList): Promise<CodeList[]>
  addCode(code: NewCodeItem): Promise<CodeList[]>
  editCode(edit: CodeEdit): Promise<CodeList[]>
  gradeScales(): Promise<GradeScales>
  saveGradeLevel(level: GradeLevelInput): Promise<GradeScales>
  setGradingRule(shares: RuleShare[]): Promise<GradeScales>
  /** Managers and head office set grades by hand. */
  setGrade(change: GradeChange): Promise<ArchiveCard>
  gradeHistory(id: CustomerId): Promise<GradeHistoryEntry[]>
  suggestGrades(query: SuggestQuery): Promise<GradeSuggestion>
  acceptGrades(accepted: AcceptGrades): Promise<AcceptReport>
  routes(owner?: StaffId): Promise<Route[]>
  route(id: RouteId): Promise<RouteDetail>
  createRoute(route: NewRoute): Promise<RouteDetail>
  editRoute(edit: RouteEdit): Promise<RouteDetail>
  addRouteStops(stops: RouteStops): Promise<RouteDetail>
  removeRouteStops(customers: CustomerId[]): Promise<null>
  moveRouteStop(stop: StopMove): Promise<RouteDetail>
  setRouteOrder(order: RouteOrder): Promise<RouteDetail>
  /** A shorter order, proposed; nothing changes until `setRouteOrder`. */
  proposeRouteOrder(id: RouteId): Promise<RouteProposal>
  /** Writes the route sheet (xlsx) to `path`; returns the path written. */
  writeRouteSheet(id: RouteId, path: string): Promise<string>
  visitPlan(query: PlanQuery): Promise<VisitPlan>
  teamPlan(date?: string): Promise<PlanSummary[]>
  /** Records the day of the last visit (the plan counts from it). */
  setLastVisit(id: CustomerId, date: string): Promise<ArchiveCard>

  // --- Field work: visits, calls, tasks, reports, duties ---
  /** Records a visit; its next step with a due date becomes a task, its card changes are saved with it. */
  logVisit(visit: NewVisit): Promise<LoggedVisit>
  /** Closes a visit still going on (`at`: now when null). */
  checkOutVisit(id: string, at: string | null): Promise<Visit>
  visits(query: RecordQuery): Promise<Visit[]>
  logCall(call: NewCall): Promise<LoggedCall>
  calls(query: RecordQuery): Promise<Call[]>
  addTask(task: NewTask): Promise<Task>
  setTaskDone(id: string, done: boolean): Promise<Task>
  tasks(query: TaskQuery): Promise<Task[]>
  /** A person's daily, weekly or monthly report: assembled live while a draft, frozen once submitted. */
  report(query: ReportQuery): Promise<Report>
  /** A report by id; a team member's report is marked read. */
  openReport(id: string): Promise<Report>
  saveReport(input: ReportSummaryInput): Promise<Report>
  /** Final: a submitted report cannot be submitted again (`already_submitted`). */
  submitReport(input: ReportSummaryInput): Promise<Report>
  urgentReport(report: NewUrgentReport): Promise<Report>
  commentReport(id: string, body: string): Promise<Report>
  /** The team's submitted reports: urgent unread first, then unread, then newest. */
  reports(query: ReportListQuery): Promise<ReportLine[]>
  /** Writes a report (xlsx) to `path`; returns the path written. */
  exportReport(which: ReportRef, path: string): Promise<string>
  dutyRules(): Promise<DutyRule[]>
  /** Head office only. */
  saveDutyRule(rule: DutyRuleInput): Promise<DutyRule>
  compliance(query: ComplianceQuery): Promise<Compliance>
  reminders(): Promise<Reminder[]>
  /** Head office only. */
  saveReminder(reminder: ReminderInput): Promise<Reminder>
  /** The day at a glance: reminders, open tasks, today's counts, unread reports. */
  home(): Promise<Home>

  // --- Sales data: products, spreadsheet imports, analyses, Excel exports ---
  products(): Promise<Product[]>
  /** Head office only; creates or updates the product with the input's code. */
  saveProduct(input: ProductInput): Promise<Product[]>
  salesOverview(): Promise<SalesOverview>
  /** A card's latest sales lines, newest first. */
  customerSales(id: CustomerId, limit: number): Promise<CustomerSalesLine[]>
  /** The wizard's first look at a spreadsheet: sheets, headers, sample rows, suggested mapping. */
  importPreview(path: string, kind: ImportKind, sheet?: string | null): Promise<ImportPreview>
  /**
   * A dry run (`commit` false: nothing is written) or the import itself;
   * `onProgress` hears how far it got. A `cancelImport` makes it fail with
   * `invalid`/`cancelled` and nothing written.
   */
  runImport(request: ImportRequest, commit: boolean, onProgress?: (progress: ImportProgress) => void): Promise<SheetImportReport>
  cancelImport(): Promise<null>
  salesByGrade(query: AnalysisQuery): Promise<GradeComposition>
  salesByProduct(query: AnalysisQuery): Promise<ProductComposition>
  salesByRegion(query: AnalysisQuery): Promise<RegionComposition>
  salesCredit(query: AnalysisQuery): Promise<CreditAnalysis>
  salesNegativeGrowth(query: AnalysisQuery): Promise<NegativeGrowth>
  salesMonthly(query: AnalysisQuery): Promise<MonthlySummary>
  /** Writes an analysis (xlsx, with its chart) to `path`; returns the path written. */
  exportAnalysis(kind: AnalysisKind, query: AnalysisQuery, path: string): Promise<string>
  /** Writes every card the query matches (all pages, not just `limit`) to an xlsx list. */
  exportCustomers(query: CustomerQuery, path: string, onProgress?: (progress: ImportProgress) => void): Promise<ExportedList>
  /** Asks the user for a spreadsheet (xlsx, xls, ods, csv) to import; null if they cancel. */
  pickSpreadsheet(options: PickOptions): Promise<string | null>
}

/** A customer search: no filters, by name, first page of 100, with the given fields on top. */
export function customerQuery(fields: Partial<CustomerQuery> = {}): CustomerQuery {
  return {
    text: '',
    lifecycle: [],
    channelLevel: [],
    creditStanding: [],
    staleOnly: false,
    needsVerificationOnly: false,
    codes: {},
    grades: [],
    creditGrades: [],
    sort: 'name',
    offset: 0,
    limit: 100,
    ...fields,
  }
}

/** Texts and the suggested file name of a save dialog. */
export interface SaveOptions {
  title: string
  defaultName: string
  filterName: string
  extension: string
}

/** Texts of a file or folder picker (the UI's language). */
export interface PickOptions {
  title: string
  /** Name of the file type filter (file pickers). */
  filterName?: string
}

/** The files a spreadsheet import reads. */
export const SPREADSHEET_EXTENSIONS = ['xlsx', 'xls', 'ods', 'csv']

/** True when a failed import was stopped by `cancelImport` (nothing was written). */
export function isCancelled(e: ApiError): boolean {
  return e.code === 'invalid' && e.problems[0]?.code === 'cancelled'
}

/** The extension of changeset files. */
export const SYNC_FILE_EXTENSION = 'fcsync'

/** The reason of a `sync_refused` error (`office_not_trusted`, `bad_signature` …), if it is one. */
export function refusalReason(e: ApiError): string | null {
  return e.code === 'sync_refused' ? (e.problems[0]?.code ?? null) : null
}

/** Head office's key fingerprint (XXXX-XXXX-XXXX-XXXX) in an `office_not_trusted` refusal. */
export function officeFingerprint(e: ApiError): string | null {
  if (refusalReason(e) !== 'office_not_trusted') return null
  return /\b[0-9A-F]{4}(?:-[0-9A-F]{4}){3}\b/.exec(e.message)?.[0] ?? null
}

/** Codes after which the book cannot be used at all: the UI shows a full-page error. */
export const FATAL_CODES: ReadonlyArray<ApiError['code']> = ['locked', 'corrupt', 'not_a_book', 'book_too_new']

export function isApiError(e: unknown): e is ApiError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as ApiError).code === 'string' &&
    typeof (e as ApiError).message === 'string'
  )
}

/** Normalises whatever a rejected call gave us (the ApiError, or a bare string from the IPC layer). */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return { ...e, problems: Array.isArray(e.problems) ? e.problems : [] }
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e)
  return { code: 'internal', message, problems: [] }
}

export function isFatal(e: ApiError): boolean {
  return FATAL_CODES.includes(e.code)
}
