// Generated from the command table by fieldcrm-core (src/api/commands.rs). Do not edit:
// run `make bindings` after changing it.

import type {
  AcceptGrades,
  AcceptReport,
  AddressSplit,
  AnalysisKind,
  AnalysisQuery,
  ArchiveCard,
  BookStatus,
  Breakdown,
  BreakdownInput,
  BreakdownRule,
  BusinessTime,
  Call,
  CardEdit,
  CardSchema,
  Chain,
  ChainInput,
  ChildTarget,
  Clocks,
  CodeEdit,
  CodeList,
  Collections,
  Complaint,
  ComplaintInput,
  ComplaintQuery,
  ComplaintStep,
  Compliance,
  ComplianceQuery,
  ConflictResolution,
  ConflictView,
  CreditAnalysis,
  CreditCheck,
  CustomerId,
  CustomerPage,
  CustomerQuery,
  CustomerSalesLine,
  Cutoff,
  Decision,
  DecisionInput,
  DeliveryAddress,
  DemoOptions,
  DemoProgress,
  DemoSummary,
  DeviceInfo,
  DivisionNode,
  DutyRule,
  DutyRuleInput,
  EnrollDevice,
  ExportResult,
  ExportedList,
  FolderCheck,
  FolderFile,
  Forecast,
  ForecastInput,
  ForecastRollup,
  Fulfilment,
  GradeChange,
  GradeComposition,
  GradeHistoryEntry,
  GradeLevelInput,
  GradeScales,
  GradeSuggestion,
  GroupCount,
  Handover,
  HandoverPlan,
  HistoryEntry,
  Home,
  HqMergeReport,
  ImportKind,
  ImportPreview,
  ImportProgress,
  ImportReport,
  ImportRequest,
  InvoiceInput,
  KeyStatus,
  LoggedCall,
  LoggedVisit,
  MonthEndQuery,
  MonthEndSummary,
  MonthlySummary,
  MoveInput,
  NegativeGrowth,
  NewCall,
  NewCodeItem,
  NewCodeList,
  NewCustomer,
  NewOrgUnit,
  NewProfile,
  NewRecord,
  NewRoute,
  NewStaff,
  NewTask,
  NewUrgentReport,
  NewVisit,
  NoticeView,
  Order,
  OrderId,
  OrderInput,
  OrderQuery,
  OrderQuote,
  OrderRow,
  OrderStatus,
  OrgUnit,
  OverdueList,
  PassphraseChange,
  PaymentInput,
  PeerSummary,
  PlanInput,
  PlanQuery,
  PlanRollup,
  PlanSummary,
  PriceRuleInput,
  Product,
  ProductComposition,
  ProductInput,
  Profile,
  Progress,
  Promotion,
  PromotionInput,
  ProposalBox,
  ProposalDetail,
  ProposalId,
  ProposalInput,
  ProposalRow,
  RagRules,
  ReceivablesAging,
  RecordEdit,
  RecordKind,
  RecordQuery,
  RegionComposition,
  RejectionView,
  Reminder,
  ReminderInput,
  Report,
  ReportId,
  ReportLine,
  ReportListQuery,
  ReportQuery,
  ReportRef,
  ReportSummaryInput,
  RetireDevice,
  Route,
  RouteDetail,
  RouteEdit,
  RouteId,
  RouteOrder,
  RouteProposal,
  RouteStops,
  RuleShare,
  SalesOverview,
  SalesPlan,
  Saved,
  SheetImportReport,
  ShipmentInput,
  ShipmentQuery,
  ShipmentRow,
  Staff,
  StaffEdit,
  StaffId,
  Statement,
  StopMove,
  SuggestQuery,
  SyncStatus,
  TagCount,
  TargetGrid,
  TargetOptions,
  TargetProgress,
  TargetQuery,
  Task,
  TaskId,
  TaskQuery,
  Visit,
  VisitId,
  VisitPlan,
} from './bindings'

/** Carries a command to the book and its answer back (Tauri's IPC, or HTTP in tests). */
export interface Transport {
  /** Runs `command`; rejects with the book's `ApiError` (or what the transport could not do). */
  call(command: CommandName, args: Record<string, unknown>): Promise<unknown>
  /** Calls `listener` with each event of that name until the returned function is called. */
  listen<E extends EventName>(event: E, listener: (payload: Events[E]) => void): Promise<() => void>
}

/** What long commands report while they run, by event name. */
export interface Events {
  'sync-progress': Progress
  'import-progress': ImportProgress
  'demo-progress': DemoProgress
}

export type EventName = keyof Events

export const SYNC_PROGRESS = 'sync-progress'
export const IMPORT_PROGRESS = 'import-progress'
export const DEMO_PROGRESS = 'demo-progress'

/** Every command: its arguments (camelCase keys) and its result. */
export interface Commands {
  book_status: { args: {  }; result: BookStatus }
  create_profile: { args: { profile: NewProfile }; result: Profile }
  load_demo: { args: { options: DemoOptions }; result: DemoSummary }
  cancel_demo: { args: {  }; result: null }
  demo_book: { args: {  }; result: DemoOptions | null }
  reset_demo: { args: {  }; result: DemoSummary }
  set_language: { args: { language: string }; result: null }
  key_status: { args: {  }; result: KeyStatus }
  change_passphrase: { args: { change: PassphraseChange }; result: null }
  org_units: { args: {  }; result: Array<OrgUnit> }
  add_org_unit: { args: { unit: NewOrgUnit }; result: OrgUnit }
  staff_list: { args: {  }; result: Array<Staff> }
  add_staff: { args: { staff: NewStaff }; result: Staff }
  edit_staff: { args: { edit: StaffEdit }; result: Staff }
  plan_handover: { args: { handover: Handover }; result: HandoverPlan }
  hand_over: { args: { handover: Handover }; result: HandoverPlan }
  card_schema: { args: {  }; result: CardSchema }
  search_customers: { args: { query: CustomerQuery }; result: CustomerPage }
  customer_tags: { args: {  }; result: Array<TagCount> }
  get_customer: { args: { id: CustomerId }; result: ArchiveCard }
  customer_history: { args: { id: CustomerId; limit: number }; result: Array<HistoryEntry> }
  create_customer: { args: { customer: NewCustomer }; result: Saved }
  edit_customer: { args: { edit: CardEdit }; result: Saved }
  add_record: { args: { record: NewRecord }; result: Saved }
  edit_record: { args: { edit: RecordEdit }; result: Saved }
  remove_record: { args: { kind: RecordKind; id: string }; result: ArchiveCard }
  mark_reviewed: { args: { id: CustomerId }; result: ArchiveCard }
  set_stale_after_days: { args: { days: number }; result: null }
  business_time: { args: {  }; result: BusinessTime }
  set_time_zone: { args: { timeZone: string }; result: BusinessTime }
  time_zones: { args: {  }; result: Array<string> }
  divisions: { args: {  }; result: Array<DivisionNode> }
  split_address: { args: { text: string }; result: AddressSplit }
  app_ready: { args: {  }; result: null }
  measuring: { args: {  }; result: string | null }
  measured: { args: { name: string; ms: number }; result: null }
  device_info: { args: {  }; result: DeviceInfo }
  enroll_device: { args: { enroll: EnrollDevice }; result: PeerSummary }
  retire_device: { args: { retire: RetireDevice }; result: PeerSummary }
  sync_status: { args: {  }; result: SyncStatus }
  sync_export: { args: { dir: string; to?: string | null }; result: ExportResult }
  sync_import: { args: { path: string; trustOffice?: string | null }; result: ImportReport }
  hq_merge: { args: { inbox: string; outbox: string }; result: HqMergeReport }
  sync_folder: { args: { dir: string }; result: Array<FolderFile> }
  saved_sync_folder: { args: {  }; result: string | null }
  save_sync_folder: { args: { dir?: string | null }; result: string | null }
  check_sync_folder: { args: { dir?: string | null }; result: FolderCheck }
  conflicts: { args: { includeResolved: boolean }; result: Array<ConflictView> }
  resolve_conflict: { args: { resolution: ConflictResolution }; result: ConflictView }
  rejections: { args: {  }; result: Array<RejectionView> }
  notices: { args: {  }; result: Array<NoticeView> }
  customer_groups: { args: { query: CustomerQuery; by: string }; result: Array<GroupCount> }
  code_lists: { args: {  }; result: Array<CodeList> }
  add_code_list: { args: { list: NewCodeList }; result: Array<CodeList> }
  add_code: { args: { code: NewCodeItem }; result: Array<CodeList> }
  edit_code: { args: { edit: CodeEdit }; result: Array<CodeList> }
  grade_scales: { args: {  }; result: GradeScales }
  save_grade_level: { args: { level: GradeLevelInput }; result: GradeScales }
  set_grading_rule: { args: { shares: Array<RuleShare> }; result: GradeScales }
  set_grade: { args: { change: GradeChange }; result: ArchiveCard }
  grade_history: { args: { id: CustomerId }; result: Array<GradeHistoryEntry> }
  suggest_grades: { args: { query: SuggestQuery }; result: GradeSuggestion }
  accept_grades: { args: { accepted: AcceptGrades }; result: AcceptReport }
  routes: { args: { owner?: StaffId | null }; result: Array<Route> }
  route: { args: { id: RouteId }; result: RouteDetail }
  create_route: { args: { route: NewRoute }; result: RouteDetail }
  edit_route: { args: { edit: RouteEdit }; result: RouteDetail }
  add_route_stops: { args: { stops: RouteStops }; result: RouteDetail }
  remove_route_stops: { args: { customers: Array<CustomerId> }; result: null }
  move_route_stop: { args: { stop: StopMove }; result: RouteDetail }
  set_route_order: { args: { order: RouteOrder }; result: RouteDetail }
  propose_route_order: { args: { id: RouteId }; result: RouteProposal }
  write_route_sheet: { args: { id: RouteId; path: string }; result: string }
  visit_plan: { args: { query: PlanQuery }; result: VisitPlan }
  team_plan: { args: { date?: string | null }; result: Array<PlanSummary> }
  set_last_visit: { args: { id: CustomerId; date: string }; result: ArchiveCard }
  log_visit: { args: { visit: NewVisit }; result: LoggedVisit }
  check_out_visit: { args: { id: VisitId; at?: string | null }; result: Visit }
  visits: { args: { query: RecordQuery }; result: Array<Visit> }
  log_call: { args: { call: NewCall }; result: LoggedCall }
  calls: { args: { query: RecordQuery }; result: Array<Call> }
  add_task: { args: { task: NewTask }; result: Task }
  set_task_done: { args: { id: TaskId; done: boolean }; result: Task }
  tasks: { args: { query: TaskQuery }; result: Array<Task> }
  report: { args: { query: ReportQuery }; result: Report }
  open_report: { args: { id: ReportId }; result: Report }
  save_report: { args: { input: ReportSummaryInput }; result: Report }
  submit_report: { args: { input: ReportSummaryInput }; result: Report }
  urgent_report: { args: { report: NewUrgentReport }; result: Report }
  comment_report: { args: { id: ReportId; body: string }; result: Report }
  reports: { args: { query: ReportListQuery }; result: Array<ReportLine> }
  export_report: { args: { which: ReportRef; path: string }; result: string }
  duty_rules: { args: {  }; result: Array<DutyRule> }
  save_duty_rule: { args: { rule: DutyRuleInput }; result: DutyRule }
  compliance: { args: { query: ComplianceQuery }; result: Compliance }
  reminders: { args: {  }; result: Array<Reminder> }
  save_reminder: { args: { reminder: ReminderInput }; result: Reminder }
  home: { args: {  }; result: Home }
  products: { args: {  }; result: Array<Product> }
  find_products: { args: { text: string }; result: Array<Product> }
  save_product: { args: { input: ProductInput }; result: Array<Product> }
  sales_overview: { args: {  }; result: SalesOverview }
  customer_sales: { args: { id: CustomerId; limit: number }; result: Array<CustomerSalesLine> }
  import_kinds: { args: {  }; result: Array<ImportKind> }
  import_preview: { args: { path: string; kind: ImportKind; sheet?: string | null; headerRow?: number | null }; result: ImportPreview }
  run_import: { args: { request: ImportRequest; commit: boolean }; result: SheetImportReport }
  cancel_import: { args: {  }; result: null }
  sales_by_grade: { args: { query: AnalysisQuery }; result: GradeComposition }
  quote_order: { args: { input: OrderInput; order?: OrderId | null }; result: OrderQuote }
  create_order: { args: { input: OrderInput }; result: Order }
  update_order: { args: { id: OrderId; input: OrderInput }; result: Order }
  set_order_status: { args: { id: OrderId; status: OrderStatus; reason?: string | null }; result: Order }
  correct_order_line: { args: { id: OrderId; line: string; quantity?: number | null; unitPrice?: number | null; reason?: string | null }; result: Order }
  release_order_hold: { args: { id: OrderId; reason?: string | null }; result: Order }
  get_order: { args: { id: OrderId }; result: Order }
  delivery_addresses: { args: { customerId: CustomerId }; result: Array<DeliveryAddress> }
  list_orders: { args: { query: OrderQuery }; result: Array<OrderRow> }
  record_shipment: { args: { input: ShipmentInput }; result: Order }
  shipments: { args: { query: ShipmentQuery }; result: Array<ShipmentRow> }
  cancel_backorder: { args: { id: OrderId; line: string }; result: Order }
  write_shipping_list: { args: { id: OrderId; path: string }; result: string }
  customer_statement: { args: { customerId: CustomerId }; result: Statement }
  customer_credit: { args: { customerId: CustomerId }; result: CreditCheck }
  record_invoice: { args: { input: InvoiceInput }; result: boolean }
  record_payment: { args: { input: PaymentInput }; result: boolean }
  add_price_rule: { args: { input: PriceRuleInput }; result: string }
  add_promotion: { args: { input: PromotionInput }; result: Promotion }
  promotions: { args: { all: boolean }; result: Array<Promotion> }
  service_clocks: { args: {  }; result: Array<Clocks> }
  set_service_clocks: { args: { clocks: Clocks }; result: Array<Clocks> }
  log_complaint: { args: { complaint: ComplaintInput }; result: Complaint }
  complaint_step: { args: { step: ComplaintStep }; result: Complaint }
  complaints: { args: { query: ComplaintQuery }; result: Array<Complaint> }
  approval_chains: { args: {  }; result: Array<Chain> }
  set_approval_chain: { args: { chain: ChainInput }; result: Array<Chain> }
  save_proposal: { args: { proposal: ProposalInput }; result: ProposalDetail }
  withdraw_proposal: { args: { id: ProposalId }; result: ProposalDetail }
  decide_proposal: { args: { decision: DecisionInput }; result: ProposalDetail }
  proposals: { args: { which: ProposalBox; limit: number }; result: Array<ProposalRow> }
  proposal: { args: { id: ProposalId }; result: ProposalDetail }
  target_options: { args: {  }; result: TargetOptions }
  target_breakdown: { args: { year: number; measure?: string | null; node?: string | null }; result: Breakdown }
  propose_breakdown: { args: { year: number; measure?: string | null; node: string; rule: BreakdownRule }; result: Array<ChildTarget> }
  set_company_target: { args: { year: number; measure?: string | null; months: Array<number> }; result: Breakdown }
  save_breakdown: { args: { input: BreakdownInput }; result: Breakdown }
  decide_breakdown: { args: { year: number; measure?: string | null; node: string; decision: Decision; note?: string | null }; result: Breakdown }
  propose_target_move: { args: { input: MoveInput }; result: Breakdown }
  decide_target_move: { args: { id: string; decision: Decision; note?: string | null }; result: Breakdown }
  target_progress: { args: { query: TargetQuery }; result: TargetProgress }
  target_grid: { args: { year: number; measure?: string | null; node?: string | null }; result: TargetGrid }
  sales_plan: { args: { period: string; staff?: StaffId | null }; result: SalesPlan }
  save_sales_plan: { args: { input: PlanInput }; result: SalesPlan }
  comment_sales_plan: { args: { plan: string; body: string }; result: SalesPlan }
  plan_rollup: { args: { period: string; unit?: string | null }; result: PlanRollup }
  sales_forecast: { args: { month: string; staff?: StaffId | null }; result: Forecast }
  save_sales_forecast: { args: { input: ForecastInput }; result: Forecast }
  forecast_rollup: { args: { month: string; unit?: string | null }; result: ForecastRollup }
  target_rules: { args: {  }; result: RagRules }
  set_target_rules: { args: { rules: RagRules }; result: RagRules }
  write_target_progress: { args: { query: TargetQuery; path: string }; result: string }
  write_target_breakdown: { args: { year: number; measure?: string | null; node?: string | null; path: string }; result: string }
  write_sales_plan: { args: { period: string; staff?: StaffId | null; path: string }; result: string }
  write_sales_forecast: { args: { month: string; staff?: StaffId | null; path: string }; result: string }
  write_plan_rollup: { args: { period: string; unit?: string | null; path: string }; result: string }
  write_forecast_rollup: { args: { month: string; unit?: string | null; path: string }; result: string }
  month_end_summary: { args: { query: MonthEndQuery }; result: MonthEndSummary }
  write_month_end_summary: { args: { query: MonthEndQuery; analysis: string; path: string }; result: string }
  write_target_grid: { args: { year: number; measure?: string | null; node?: string | null; path: string }; result: string }
  set_credit_limit: { args: { customerId: CustomerId; limit?: number | null; reason?: string | null }; result: null }
  sales_by_product: { args: { query: AnalysisQuery }; result: ProductComposition }
  sales_by_region: { args: { query: AnalysisQuery }; result: RegionComposition }
  sales_credit: { args: { query: AnalysisQuery }; result: CreditAnalysis }
  sales_negative_growth: { args: { query: AnalysisQuery }; result: NegativeGrowth }
  sales_monthly: { args: { query: AnalysisQuery }; result: MonthlySummary }
  receivables_aging: { args: { query: AnalysisQuery }; result: ReceivablesAging }
  receivables_overdue: { args: { query: AnalysisQuery }; result: OverdueList }
  receivables_cutoff: { args: { query: AnalysisQuery }; result: Cutoff }
  receivables_collections: { args: { query: AnalysisQuery }; result: Collections }
  order_fulfilment: { args: { query: AnalysisQuery }; result: Fulfilment }
  export_analysis: { args: { kind: AnalysisKind; query: AnalysisQuery; path: string }; result: string }
  export_customers: { args: { query: CustomerQuery; path: string }; result: ExportedList }
}

export type CommandName = keyof Commands

export const COMMAND_NAMES: readonly CommandName[] = [
  'book_status',
  'create_profile',
  'load_demo',
  'cancel_demo',
  'demo_book',
  'reset_demo',
  'set_language',
  'key_status',
  'change_passphrase',
  'org_units',
  'add_org_unit',
  'staff_list',
  'add_staff',
  'edit_staff',
  'plan_handover',
  'hand_over',
  'card_schema',
  'search_customers',
  'customer_tags',
  'get_customer',
  'customer_history',
  'create_customer',
  'edit_customer',
  'add_record',
  'edit_record',
  'remove_record',
  'mark_reviewed',
  'set_stale_after_days',
  'business_time',
  'set_time_zone',
  'time_zones',
  'divisions',
  'split_address',
  'app_ready',
  'measuring',
  'measured',
  'device_info',
  'enroll_device',
  'retire_device',
  'sync_status',
  'sync_export',
  'sync_import',
  'hq_merge',
  'sync_folder',
  'saved_sync_folder',
  'save_sync_folder',
  'check_sync_folder',
  'conflicts',
  'resolve_conflict',
  'rejections',
  'notices',
  'customer_groups',
  'code_lists',
  'add_code_list',
  'add_code',
  'edit_code',
  'grade_scales',
  'save_grade_level',
  'set_grading_rule',
  'set_grade',
  'grade_history',
  'suggest_grades',
  'accept_grades',
  'routes',
  'route',
  'create_route',
  'edit_route',
  'add_route_stops',
  'remove_route_stops',
  'move_route_stop',
  'set_route_order',
  'propose_route_order',
  'write_route_sheet',
  'visit_plan',
  'team_plan',
  'set_last_visit',
  'log_visit',
  'check_out_visit',
  'visits',
  'log_call',
  'calls',
  'add_task',
  'set_task_done',
  'tasks',
  'report',
  'open_report',
  'save_report',
  'submit_report',
  'urgent_report',
  'comment_report',
  'reports',
  'export_report',
  'duty_rules',
  'save_duty_rule',
  'compliance',
  'reminders',
  'save_reminder',
  'home',
  'products',
  'find_products',
  'save_product',
  'sales_overview',
  'customer_sales',
  'import_kinds',
  'import_preview',
  'run_import',
  'cancel_import',
  'sales_by_grade',
  'quote_order',
  'create_order',
  'update_order',
  'set_order_status',
  'correct_order_line',
  'release_order_hold',
  'get_order',
  'delivery_addresses',
  'list_orders',
  'record_shipment',
  'shipments',
  'cancel_backorder',
  'write_shipping_list',
  'customer_statement',
  'customer_credit',
  'record_invoice',
  'record_payment',
  'add_price_rule',
  'add_promotion',
  'promotions',
  'service_clocks',
  'set_service_clocks',
  'log_complaint',
  'complaint_step',
  'complaints',
  'approval_chains',
  'set_approval_chain',
  'save_proposal',
  'withdraw_proposal',
  'decide_proposal',
  'proposals',
  'proposal',
  'target_options',
  'target_breakdown',
  'propose_breakdown',
  'set_company_target',
  'save_breakdown',
  'decide_breakdown',
  'propose_target_move',
  'decide_target_move',
  'target_progress',
  'target_grid',
  'sales_plan',
  'save_sales_plan',
  'comment_sales_plan',
  'plan_rollup',
  'sales_forecast',
  'save_sales_forecast',
  'forecast_rollup',
  'target_rules',
  'set_target_rules',
  'write_target_progress',
  'write_target_breakdown',
  'write_sales_plan',
  'write_sales_forecast',
  'write_plan_rollup',
  'write_forecast_rollup',
  'month_end_summary',
  'write_month_end_summary',
  'write_target_grid',
  'set_credit_limit',
  'sales_by_product',
  'sales_by_region',
  'sales_credit',
  'sales_negative_growth',
  'sales_monthly',
  'receivables_aging',
  'receivables_overdue',
  'receivables_cutoff',
  'receivables_collections',
  'order_fulfilment',
  'export_analysis',
  'export_customers',
]

/** The book's operations, one typed method per command. */
export class Api {
  constructor(protected readonly transport: Transport) {}

  protected run<K extends CommandName>(command: K, args: Commands[K]['args']): Promise<Commands[K]['result']> {
    return this.transport.call(command, args) as Promise<Commands[K]['result']>
  }

  /** The open book: its path, schema, profile and size. */
  bookStatus(): Promise<BookStatus> {
    return this.run('book_status', {  })
  }

  /** The first-start form: who uses this laptop. */
  createProfile(profile: NewProfile): Promise<Profile> {
    return this.run('create_profile', { profile })
  }

  /** Builds the demo in this new book; its progress goes out as `demo-progress`. A `cancelDemo` stops it with `invalid`/`cancelled` and the book as it was. */
  loadDemo(options: DemoOptions): Promise<DemoSummary> {
    return this.run('load_demo', { options })
  }

  cancelDemo(): Promise<null> {
    return this.run('cancel_demo', {  })
  }

  /** The options this book's demo was built from; null for a book of real data. */
  demoBook(): Promise<DemoOptions | null> {
    return this.run('demo_book', {  })
  }

  /** Rebuilds a demo book as it was made, keeping the language and settings; a book of real data is refused (`invalid`, problem `not_demo_book`). */
  resetDemo(): Promise<DemoSummary> {
    return this.run('reset_demo', {  })
  }

  setLanguage(language: string): Promise<null> {
    return this.run('set_language', { language })
  }

  /** Whether the book is encrypted and has a key file (settings, 口令). */
  keyStatus(): Promise<KeyStatus> {
    return this.run('key_status', {  })
  }

  /** Seals the book's key with a new passphrase (refused: `wrong_passphrase`, `passphrase_too_short`, `passphrase_too_common`); the book is not rewritten. */
  changePassphrase(change: PassphraseChange): Promise<null> {
    return this.run('change_passphrase', { change })
  }

  orgUnits(): Promise<Array<OrgUnit>> {
    return this.run('org_units', {  })
  }

  /** Head office: a unit of the organisation tree. */
  addOrgUnit(unit: NewOrgUnit): Promise<OrgUnit> {
    return this.run('add_org_unit', { unit })
  }

  staffList(): Promise<Array<Staff>> {
    return this.run('staff_list', {  })
  }

  /** Head office: a member of the sales organisation. */
  addStaff(staff: NewStaff): Promise<Staff> {
    return this.run('add_staff', { staff })
  }

  /** Head office: changes a person (unit, role, that they left …). */
  editStaff(edit: StaffEdit): Promise<Staff> {
    return this.run('edit_staff', { edit })
  }

  /** Head office: who would get what in a handover (nothing written). */
  planHandover(handover: Handover): Promise<HandoverPlan> {
    return this.run('plan_handover', { handover })
  }

  /** Head office: hands a rep's customers, routes, open tasks and unfinished orders over. */
  handOver(handover: Handover): Promise<HandoverPlan> {
    return this.run('hand_over', { handover })
  }

  cardSchema(): Promise<CardSchema> {
    return this.run('card_schema', {  })
  }

  searchCustomers(query: CustomerQuery): Promise<CustomerPage> {
    return this.run('search_customers', { query })
  }

  /** Every tag in use, most used first. */
  customerTags(): Promise<Array<TagCount>> {
    return this.run('customer_tags', {  })
  }

  getCustomer(id: CustomerId): Promise<ArchiveCard> {
    return this.run('get_customer', { id })
  }

  customerHistory(id: CustomerId, limit: number): Promise<Array<HistoryEntry>> {
    return this.run('customer_history', { id, limit })
  }

  createCustomer(customer: NewCustomer): Promise<Saved> {
    return this.run('create_customer', { customer })
  }

  editCustomer(edit: CardEdit): Promise<Saved> {
    return this.run('edit_customer', { edit })
  }

  addRecord(record: NewRecord): Promise<Saved> {
    return this.run('add_record', { record })
  }

  editRecord(edit: RecordEdit): Promise<Saved> {
    return this.run('edit_record', { edit })
  }

  removeRecord(kind: RecordKind, id: string): Promise<ArchiveCard> {
    return this.run('remove_record', { kind, id })
  }

  markReviewed(id: CustomerId): Promise<ArchiveCard> {
    return this.run('mark_reviewed', { id })
  }

  setStaleAfterDays(days: number): Promise<null> {
    return this.run('set_stale_after_days', { days })
  }

  /** The business time zone and today in it. */
  businessTime(): Promise<BusinessTime> {
    return this.run('business_time', {  })
  }

  /** Head office: the organisation's business time zone. */
  setTimeZone(timeZone: string): Promise<BusinessTime> {
    return this.run('set_time_zone', { timeZone })
  }

  /** The IANA names a business time zone may have. */
  timeZones(): Promise<Array<string>> {
    return this.run('time_zones', {  })
  }

  /** Every administrative division (province → city → county or district), for the address pickers. */
  divisions(): Promise<Array<DivisionNode>> {
    return this.run('divisions', {  })
  }

  /** The divisions a typed address starts with, and the rest of it. */
  splitAddress(text: string): Promise<AddressSplit> {
    return this.run('split_address', { text })
  }

  /** Tells the shell the first screen is on view (start-up time measurement). */
  appReady(): Promise<null> {
    return this.run('app_ready', {  })
  }

  /** What the window is started to measure (`FIELDCRM_MEASURE=sales`: the sales page's first chart), if anything. */
  measuring(): Promise<string | null> {
    return this.run('measuring', {  })
  }

  /** A measurement the UI took (`name`, in milliseconds); the shell reports it and quits. */
  measured(name: string, ms: number): Promise<null> {
    return this.run('measured', { name, ms })
  }

  /** This device; creates its signing key on first use (call it before `syncStatus`). */
  deviceInfo(): Promise<DeviceInfo> {
    return this.run('device_info', {  })
  }

  /** Head office: records a laptop for a staff member. */
  enrollDevice(enroll: EnrollDevice): Promise<PeerSummary> {
    return this.run('enroll_device', { enroll })
  }

  retireDevice(retire: RetireDevice): Promise<PeerSummary> {
    return this.run('retire_device', { retire })
  }

  syncStatus(): Promise<SyncStatus> {
    return this.run('sync_status', {  })
  }

  /** Writes the next changeset file into `dir` (head office: for the device `to`). */
  syncExport(dir: string, to?: string | null): Promise<ExportResult> {
    return this.run('sync_export', { dir, to: to ?? null })
  }

  /** Imports one changeset file. The first file from head office is refused (`sync_refused`, problem `office_not_trusted`, the office's fingerprint in the error) until it is imported again with the fingerprint the user confirmed. */
  syncImport(path: string, trustOffice?: string | null): Promise<ImportReport> {
    return this.run('sync_import', { path, trustOffice: trustOffice ?? null })
  }

  /** Head office: imports every file of `inbox`, then writes one file per device into `outbox`. */
  hqMerge(inbox: string, outbox: string): Promise<HqMergeReport> {
    return this.run('hq_merge', { inbox, outbox })
  }

  /** The changeset files in a folder: which are for this device, and which were imported. */
  syncFolder(dir: string): Promise<Array<FolderFile>> {
    return this.run('sync_folder', { dir })
  }

  /** The sync folder saved on this laptop, if any. */
  savedSyncFolder(): Promise<string | null> {
    return this.run('saved_sync_folder', {  })
  }

  /** Saves the sync folder (null or empty forgets it); returns what is saved. */
  saveSyncFolder(dir?: string | null): Promise<string | null> {
    return this.run('save_sync_folder', { dir: dir ?? null })
  }

  /** Whether `dir` (or the saved folder) exists, is a folder and takes a file. */
  checkSyncFolder(dir?: string | null): Promise<FolderCheck> {
    return this.run('check_sync_folder', { dir: dir ?? null })
  }

  conflicts(includeResolved: boolean): Promise<Array<ConflictView>> {
    return this.run('conflicts', { includeResolved })
  }

  resolveConflict(resolution: ConflictResolution): Promise<ConflictView> {
    return this.run('resolve_conflict', { resolution })
  }

  rejections(): Promise<Array<RejectionView>> {
    return this.run('rejections', {  })
  }

  notices(): Promise<Array<NoticeView>> {
    return this.run('notices', {  })
  }

  /** How many matching customers carry each value of a code list, `grade`, `credit_grade` or `route`. */
  customerGroups(query: CustomerQuery, by: string): Promise<Array<GroupCount>> {
    return this.run('customer_groups', { query, by })
  }

  codeLists(): Promise<Array<CodeList>> {
    return this.run('code_lists', {  })
  }

  /** Head office only, as the other code-list and grade-scale changes. */
  addCodeList(list: NewCodeList): Promise<Array<CodeList>> {
    return this.run('add_code_list', { list })
  }

  addCode(code: NewCodeItem): Promise<Array<CodeList>> {
    return this.run('add_code', { code })
  }

  editCode(edit: CodeEdit): Promise<Array<CodeList>> {
    return this.run('edit_code', { edit })
  }

  gradeScales(): Promise<GradeScales> {
    return this.run('grade_scales', {  })
  }

  saveGradeLevel(level: GradeLevelInput): Promise<GradeScales> {
    return this.run('save_grade_level', { level })
  }

  setGradingRule(shares: Array<RuleShare>): Promise<GradeScales> {
    return this.run('set_grading_rule', { shares })
  }

  /** Managers and head office set grades by hand. */
  setGrade(change: GradeChange): Promise<ArchiveCard> {
    return this.run('set_grade', { change })
  }

  gradeHistory(id: CustomerId): Promise<Array<GradeHistoryEntry>> {
    return this.run('grade_history', { id })
  }

  suggestGrades(query: SuggestQuery): Promise<GradeSuggestion> {
    return this.run('suggest_grades', { query })
  }

  acceptGrades(accepted: AcceptGrades): Promise<AcceptReport> {
    return this.run('accept_grades', { accepted })
  }

  routes(owner?: StaffId | null): Promise<Array<Route>> {
    return this.run('routes', { owner: owner ?? null })
  }

  route(id: RouteId): Promise<RouteDetail> {
    return this.run('route', { id })
  }

  createRoute(route: NewRoute): Promise<RouteDetail> {
    return this.run('create_route', { route })
  }

  editRoute(edit: RouteEdit): Promise<RouteDetail> {
    return this.run('edit_route', { edit })
  }

  addRouteStops(stops: RouteStops): Promise<RouteDetail> {
    return this.run('add_route_stops', { stops })
  }

  removeRouteStops(customers: Array<CustomerId>): Promise<null> {
    return this.run('remove_route_stops', { customers })
  }

  moveRouteStop(stop: StopMove): Promise<RouteDetail> {
    return this.run('move_route_stop', { stop })
  }

  setRouteOrder(order: RouteOrder): Promise<RouteDetail> {
    return this.run('set_route_order', { order })
  }

  /** A shorter order, proposed; nothing changes until `setRouteOrder`. */
  proposeRouteOrder(id: RouteId): Promise<RouteProposal> {
    return this.run('propose_route_order', { id })
  }

  /** Writes the route sheet (xlsx) to `path`; returns the path written. */
  writeRouteSheet(id: RouteId, path: string): Promise<string> {
    return this.run('write_route_sheet', { id, path })
  }

  visitPlan(query: PlanQuery): Promise<VisitPlan> {
    return this.run('visit_plan', { query })
  }

  teamPlan(date?: string | null): Promise<Array<PlanSummary>> {
    return this.run('team_plan', { date: date ?? null })
  }

  /** Records the day of the last visit (the plan counts from it). */
  setLastVisit(id: CustomerId, date: string): Promise<ArchiveCard> {
    return this.run('set_last_visit', { id, date })
  }

  /** Records a visit; its next step with a due date becomes a task, its card changes are saved with it. */
  logVisit(visit: NewVisit): Promise<LoggedVisit> {
    return this.run('log_visit', { visit })
  }

  /** Closes a visit still going on (`at`: now when null). */
  checkOutVisit(id: VisitId, at?: string | null): Promise<Visit> {
    return this.run('check_out_visit', { id, at: at ?? null })
  }

  visits(query: RecordQuery): Promise<Array<Visit>> {
    return this.run('visits', { query })
  }

  logCall(call: NewCall): Promise<LoggedCall> {
    return this.run('log_call', { call })
  }

  calls(query: RecordQuery): Promise<Array<Call>> {
    return this.run('calls', { query })
  }

  addTask(task: NewTask): Promise<Task> {
    return this.run('add_task', { task })
  }

  setTaskDone(id: TaskId, done: boolean): Promise<Task> {
    return this.run('set_task_done', { id, done })
  }

  tasks(query: TaskQuery): Promise<Array<Task>> {
    return this.run('tasks', { query })
  }

  /** A person's daily, weekly or monthly report: assembled live while a draft, frozen once submitted. */
  report(query: ReportQuery): Promise<Report> {
    return this.run('report', { query })
  }

  /** A report by id; a team member's report is marked read. */
  openReport(id: ReportId): Promise<Report> {
    return this.run('open_report', { id })
  }

  saveReport(input: ReportSummaryInput): Promise<Report> {
    return this.run('save_report', { input })
  }

  /** Final: a submitted report cannot be submitted again (`already_submitted`). */
  submitReport(input: ReportSummaryInput): Promise<Report> {
    return this.run('submit_report', { input })
  }

  urgentReport(report: NewUrgentReport): Promise<Report> {
    return this.run('urgent_report', { report })
  }

  commentReport(id: ReportId, body: string): Promise<Report> {
    return this.run('comment_report', { id, body })
  }

  /** The team's submitted reports: urgent unread first, then unread, then newest. */
  reports(query: ReportListQuery): Promise<Array<ReportLine>> {
    return this.run('reports', { query })
  }

  /** Writes a report (xlsx) to `path`; returns the path written. */
  exportReport(which: ReportRef, path: string): Promise<string> {
    return this.run('export_report', { which, path })
  }

  dutyRules(): Promise<Array<DutyRule>> {
    return this.run('duty_rules', {  })
  }

  /** Head office only. */
  saveDutyRule(rule: DutyRuleInput): Promise<DutyRule> {
    return this.run('save_duty_rule', { rule })
  }

  compliance(query: ComplianceQuery): Promise<Compliance> {
    return this.run('compliance', { query })
  }

  reminders(): Promise<Array<Reminder>> {
    return this.run('reminders', {  })
  }

  /** Head office only. */
  saveReminder(reminder: ReminderInput): Promise<Reminder> {
    return this.run('save_reminder', { reminder })
  }

  /** The day at a glance: reminders, open tasks, today's counts, unread reports. */
  home(): Promise<Home> {
    return this.run('home', {  })
  }

  products(): Promise<Array<Product>> {
    return this.run('products', {  })
  }

  findProducts(text: string): Promise<Array<Product>> {
    return this.run('find_products', { text })
  }

  /** Head office only; creates or updates the product with the input's code. */
  saveProduct(input: ProductInput): Promise<Array<Product>> {
    return this.run('save_product', { input })
  }

  salesOverview(): Promise<SalesOverview> {
    return this.run('sales_overview', {  })
  }

  /** A card's latest sales lines, newest first. */
  customerSales(id: CustomerId, limit: number): Promise<Array<CustomerSalesLine>> {
    return this.run('customer_sales', { id, limit })
  }

  /** The wizard's first look at a spreadsheet: sheets, the header row (found, or `headerRow`), sample rows, the rows not imported, suggested mapping. The kinds of spreadsheet this person may import (head office all; others customers). */
  importKinds(): Promise<Array<ImportKind>> {
    return this.run('import_kinds', {  })
  }

  importPreview(path: string, kind: ImportKind, sheet?: string | null, headerRow?: number | null): Promise<ImportPreview> {
    return this.run('import_preview', { path, kind, sheet: sheet ?? null, headerRow: headerRow ?? null })
  }

  /** A dry run (`commit` false: nothing is written) or the import itself; its progress goes out as `import-progress`. A `cancelImport` makes it fail with `invalid`/`cancelled` and nothing written. */
  runImport(request: ImportRequest, commit: boolean): Promise<SheetImportReport> {
    return this.run('run_import', { request, commit })
  }

  cancelImport(): Promise<null> {
    return this.run('cancel_import', {  })
  }

  salesByGrade(query: AnalysisQuery): Promise<GradeComposition> {
    return this.run('sales_by_grade', { query })
  }

  /** Prices and checks an order as typed, with the customer's credit; saves nothing. */
  quoteOrder(input: OrderInput, order?: OrderId | null): Promise<OrderQuote> {
    return this.run('quote_order', { input, order: order ?? null })
  }

  createOrder(input: OrderInput): Promise<Order> {
    return this.run('create_order', { input })
  }

  updateOrder(id: OrderId, input: OrderInput): Promise<Order> {
    return this.run('update_order', { id, input })
  }

  /** Submit, withdraw or cancel, approve, return (`reason` for returns and cancellations). */
  setOrderStatus(id: OrderId, status: OrderStatus, reason?: string | null): Promise<Order> {
    return this.run('set_order_status', { id, status, reason: reason ?? null })
  }

  correctOrderLine(id: OrderId, line: string, quantity?: number | null, unitPrice?: number | null, reason?: string | null): Promise<Order> {
    return this.run('correct_order_line', { id, line, quantity: quantity ?? null, unitPrice: unitPrice ?? null, reason: reason ?? null })
  }

  releaseOrderHold(id: OrderId, reason?: string | null): Promise<Order> {
    return this.run('release_order_hold', { id, reason: reason ?? null })
  }

  getOrder(id: OrderId): Promise<Order> {
    return this.run('get_order', { id })
  }

  deliveryAddresses(customerId: CustomerId): Promise<Array<DeliveryAddress>> {
    return this.run('delivery_addresses', { customerId })
  }

  listOrders(query: OrderQuery): Promise<Array<OrderRow>> {
    return this.run('list_orders', { query })
  }

  /** Head office records a shipment (no lines: everything the order still lacks). */
  recordShipment(input: ShipmentInput): Promise<Order> {
    return this.run('record_shipment', { input })
  }

  shipments(query: ShipmentQuery): Promise<Array<ShipmentRow>> {
    return this.run('shipments', { query })
  }

  cancelBackorder(id: OrderId, line: string): Promise<Order> {
    return this.run('cancel_backorder', { id, line })
  }

  /** Writes the order's shipping list (xlsx) to `path`; returns the path written. */
  writeShippingList(id: OrderId, path: string): Promise<string> {
    return this.run('write_shipping_list', { id, path })
  }

  customerStatement(customerId: CustomerId): Promise<Statement> {
    return this.run('customer_statement', { customerId })
  }

  customerCredit(customerId: CustomerId): Promise<CreditCheck> {
    return this.run('customer_credit', { customerId })
  }

  recordInvoice(input: InvoiceInput): Promise<boolean> {
    return this.run('record_invoice', { input })
  }

  recordPayment(input: PaymentInput): Promise<boolean> {
    return this.run('record_payment', { input })
  }

  addPriceRule(input: PriceRuleInput): Promise<string> {
    return this.run('add_price_rule', { input })
  }

  addPromotion(input: PromotionInput): Promise<Promotion> {
    return this.run('add_promotion', { input })
  }

  promotions(all: boolean): Promise<Array<Promotion>> {
    return this.run('promotions', { all })
  }

  /** Head office's service clocks per complaint kind. */
  serviceClocks(): Promise<Array<Clocks>> {
    return this.run('service_clocks', {  })
  }

  setServiceClocks(clocks: Clocks): Promise<Array<Clocks>> {
    return this.run('set_service_clocks', { clocks })
  }

  /** A customer's complaint or feedback, logged at the corrected clock. */
  logComplaint(complaint: ComplaintInput): Promise<Complaint> {
    return this.run('log_complaint', { complaint })
  }

  /** Handled (head office), replied, or closed with the satisfaction. */
  complaintStep(step: ComplaintStep): Promise<Complaint> {
    return this.run('complaint_step', { step })
  }

  /** Open, past a clock (red), or all, with each one's clocks now. */
  complaints(query: ComplaintQuery): Promise<Array<Complaint>> {
    return this.run('complaints', { query })
  }

  /** Head office's approval chains. */
  approvalChains(): Promise<Array<Chain>> {
    return this.run('approval_chains', {  })
  }

  /** Head office sets a kind's chain (no levels: no approval needed). */
  setApprovalChain(chain: ChainInput): Promise<Array<Chain>> {
    return this.run('set_approval_chain', { chain })
  }

  /** A proposal saved as a draft or submitted (refused: `needs…`, `not_pending`, field codes). */
  saveProposal(proposal: ProposalInput): Promise<ProposalDetail> {
    return this.run('save_proposal', { proposal })
  }

  withdrawProposal(id: ProposalId): Promise<ProposalDetail> {
    return this.run('withdraw_proposal', { id })
  }

  /** Approves, rejects or returns the step waiting for this person (refused: `proposal_changed`, `not_your_step`, `already_decided`, `self_approval`, `reason_needed`). */
  decideProposal(decision: DecisionInput): Promise<ProposalDetail> {
    return this.run('decide_proposal', { decision })
  }

  /** Mine, waiting for my decision (待我审批), decided by me, or all. */
  proposals(which: ProposalBox, limit: number): Promise<Array<ProposalRow>> {
    return this.run('proposals', { which, limit })
  }

  proposal(id: ProposalId): Promise<ProposalDetail> {
    return this.run('proposal', { id })
  }

  /** The years with targets, the measures, and the node the viewer's target pages open on. */
  targetOptions(): Promise<TargetOptions> {
    return this.run('target_options', {  })
  }

  /** A node's breakdown to the level below (none: the viewer's own node). */
  targetBreakdown(year: number, measure?: string | null, node?: string | null): Promise<Breakdown> {
    return this.run('target_breakdown', { year, measure: measure ?? null, node: node ?? null })
  }

  /** A proposal for a node's breakdown by a rule; saves nothing. */
  proposeBreakdown(year: number, measure: string | null, node: string, rule: BreakdownRule): Promise<Array<ChildTarget>> {
    return this.run('propose_breakdown', { year, measure: measure ?? null, node, rule })
  }

  /** Head office sets the company's target for a year, month by month (fen). */
  setCompanyTarget(year: number, measure: string | null, months: Array<number>): Promise<Breakdown> {
    return this.run('set_company_target', { year, measure: measure ?? null, months })
  }

  saveBreakdown(input: BreakdownInput): Promise<Breakdown> {
    return this.run('save_breakdown', { input })
  }

  /** Approve, return (with a note) or withdraw a submitted breakdown. */
  decideBreakdown(year: number, measure: string | null, node: string, decision: Decision, note?: string | null): Promise<Breakdown> {
    return this.run('decide_breakdown', { year, measure: measure ?? null, node, decision, note: note ?? null })
  }

  proposeTargetMove(input: MoveInput): Promise<Breakdown> {
    return this.run('propose_target_move', { input })
  }

  /** Approve, reject (`return`, with a note) or withdraw a reallocation. */
  decideTargetMove(id: string, decision: Decision, note?: string | null): Promise<Breakdown> {
    return this.run('decide_target_move', { id, decision, note: note ?? null })
  }

  targetProgress(query: TargetQuery): Promise<TargetProgress> {
    return this.run('target_progress', { query })
  }

  targetGrid(year: number, measure?: string | null, node?: string | null): Promise<TargetGrid> {
    return this.run('target_grid', { year, measure: measure ?? null, node: node ?? null })
  }

  /** A person's 旬 or month plan (none: the viewer's own): saved, or proposed from the targets. */
  salesPlan(period: string, staff?: StaffId | null): Promise<SalesPlan> {
    return this.run('sales_plan', { period, staff: staff ?? null })
  }

  saveSalesPlan(input: PlanInput): Promise<SalesPlan> {
    return this.run('save_sales_plan', { input })
  }

  commentSalesPlan(plan: string, body: string): Promise<SalesPlan> {
    return this.run('comment_sales_plan', { plan, body })
  }

  /** A unit's plans for a period rolled up (none: the viewer's unit). */
  planRollup(period: string, unit?: string | null): Promise<PlanRollup> {
    return this.run('plan_rollup', { period, unit: unit ?? null })
  }

  /** A person's forecast made in a month (none: the viewer's own). */
  salesForecast(month: string, staff?: StaffId | null): Promise<Forecast> {
    return this.run('sales_forecast', { month, staff: staff ?? null })
  }

  saveSalesForecast(input: ForecastInput): Promise<Forecast> {
    return this.run('save_sales_forecast', { input })
  }

  forecastRollup(month: string, unit?: string | null): Promise<ForecastRollup> {
    return this.run('forecast_rollup', { month, unit: unit ?? null })
  }

  targetRules(): Promise<RagRules> {
    return this.run('target_rules', {  })
  }

  setTargetRules(rules: RagRules): Promise<RagRules> {
    return this.run('set_target_rules', { rules })
  }

  /** Writes the progress (xlsx) to `path`; returns the path written. */
  writeTargetProgress(query: TargetQuery, path: string): Promise<string> {
    return this.run('write_target_progress', { query, path })
  }

  /** Writes a node's breakdown (xlsx) to `path`; returns the path written. */
  writeTargetBreakdown(year: number, measure: string | null, node: string | null, path: string): Promise<string> {
    return this.run('write_target_breakdown', { year, measure: measure ?? null, node: node ?? null, path })
  }

  /** Writes a person's plan of a period (xlsx) to `path`; returns the path written. */
  writeSalesPlan(period: string, staff: StaffId | null, path: string): Promise<string> {
    return this.run('write_sales_plan', { period, staff: staff ?? null, path })
  }

  /** Writes a person's forecast made in a month (xlsx) to `path`; returns the path written. */
  writeSalesForecast(month: string, staff: StaffId | null, path: string): Promise<string> {
    return this.run('write_sales_forecast', { month, staff: staff ?? null, path })
  }

  /** Writes a unit's plans of a period (xlsx) to `path`; returns the path written. */
  writePlanRollup(period: string, unit: string | null, path: string): Promise<string> {
    return this.run('write_plan_rollup', { period, unit: unit ?? null, path })
  }

  /** Writes a unit's forecasts made in a month (xlsx) to `path`; returns the path written. */
  writeForecastRollup(month: string, unit: string | null, path: string): Promise<string> {
    return this.run('write_forecast_rollup', { month, unit: unit ?? null, path })
  }

  /** A unit's month-end summary (月度总结) of a month (none: the viewer's unit). */
  monthEndSummary(query: MonthEndQuery): Promise<MonthEndSummary> {
    return this.run('month_end_summary', { query })
  }

  /** Writes the month-end summary with the market analysis (xlsx) to `path`; returns the path written. */
  writeMonthEndSummary(query: MonthEndQuery, analysis: string, path: string): Promise<string> {
    return this.run('write_month_end_summary', { query, analysis, path })
  }

  /** Writes the tree × months grid (xlsx) to `path`; returns the path written. */
  writeTargetGrid(year: number, measure: string | null, node: string | null, path: string): Promise<string> {
    return this.run('write_target_grid', { year, measure: measure ?? null, node: node ?? null, path })
  }

  setCreditLimit(customerId: CustomerId, limit?: number | null, reason?: string | null): Promise<null> {
    return this.run('set_credit_limit', { customerId, limit: limit ?? null, reason: reason ?? null })
  }

  salesByProduct(query: AnalysisQuery): Promise<ProductComposition> {
    return this.run('sales_by_product', { query })
  }

  salesByRegion(query: AnalysisQuery): Promise<RegionComposition> {
    return this.run('sales_by_region', { query })
  }

  salesCredit(query: AnalysisQuery): Promise<CreditAnalysis> {
    return this.run('sales_credit', { query })
  }

  salesNegativeGrowth(query: AnalysisQuery): Promise<NegativeGrowth> {
    return this.run('sales_negative_growth', { query })
  }

  salesMonthly(query: AnalysisQuery): Promise<MonthlySummary> {
    return this.run('sales_monthly', { query })
  }

  /** What customers owe today by how long past due, by part, rep and credit grade. */
  receivablesAging(query: AnalysisQuery): Promise<ReceivablesAging> {
    return this.run('receivables_aging', { query })
  }

  /** Who owes overdue money today, and who must act on it. */
  receivablesOverdue(query: AnalysisQuery): Promise<OverdueList> {
    return this.run('receivables_overdue', { query })
  }

  /** Who still owes what by the next payment cut-off (the 25th). */
  receivablesCutoff(query: AnalysisQuery): Promise<Cutoff> {
    return this.run('receivables_cutoff', { query })
  }

  /** Invoicing and collection by month: cash, marketing expenses, DSO. */
  receivablesCollections(query: AnalysisQuery): Promise<Collections> {
    return this.run('receivables_collections', { query })
  }

  /** Order fill rate and shipping on time for the orders approved in the period. */
  orderFulfilment(query: AnalysisQuery): Promise<Fulfilment> {
    return this.run('order_fulfilment', { query })
  }

  /** Writes an analysis (xlsx, with its chart) to `path`; returns the path written. */
  exportAnalysis(kind: AnalysisKind, query: AnalysisQuery, path: string): Promise<string> {
    return this.run('export_analysis', { kind, query, path })
  }

  /** Writes every card the query matches (all pages, not just `limit`) to an xlsx list; its progress goes out as `import-progress`. */
  exportCustomers(query: CustomerQuery, path: string): Promise<ExportedList> {
    return this.run('export_customers', { query, path })
  }
}
