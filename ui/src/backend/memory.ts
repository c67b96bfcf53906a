import type { Backend, Language, PickOptions, SaveOptions } from './types'
import type {
  AcceptGrades,
  AcceptReport,
  ApiError,
  ArchiveCard,
  Block,
  BookStatus,
  CardEdit,
  CardRecord,
  CardSchema,
  CodeEdit,
  CodeList,
  ConflictResolution,
  ConflictView,
  CustomerPage,
  CustomerQuery,
  CustomerRow,
  DemoOptions,
  DemoSummary,
  DeviceInfo,
  EnrollDevice,
  ExportResult,
  FieldProblem,
  FieldSpec,
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
  JsonValue,
  MergedFile,
  NewCodeItem,
  NewCodeList,
  NewCustomer,
  NewProfile,
  NewRecord,
  NewRoute,
  NoticeView,
  OrgUnit,
  PeerSummary,
  PendingKind,
  PlanDay,
  PlanQuery,
  PlanStop,
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
  Behind,
  Call,
  ChannelLevel,
  Compliance,
  ComplianceQuery,
  CustomerTotals,
  DayTotals,
  DutyRule,
  DutyRuleInput,
  FieldChange,
  Home,
  LoggedCall,
  LoggedVisit,
  NewCall,
  NewTask,
  NewUrgentReport,
  NewVisit,
  RecordQuery,
  Reminder,
  ReminderDue,
  ReminderInput,
  Report,
  ReportComment,
  ReportContent,
  ReportKind,
  ReportLine,
  ReportListQuery,
  ReportQuery,
  ReportRef,
  ReportStatus,
  ReportSummaryInput,
  RuleResult,
  Task,
  TaskQuery,
  UrgentTopic,
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
  Period,
  PreviousImport,
  Product,
  ProductComposition,
  ProductInput,
  RegionComposition,
  SalesOverview,
  SheetImportReport,
} from '../generated/bindings'
import { MEMORY_PRODUCTS, byGrade, byProduct, byRegion, credit, demoSales, monthly, negativeGrowth, type MemorySale, type SalesCard, type SalesView } from './memorySales'
import { MEMORY_SPREADSHEETS, checkMapping, planRows, preview, sheetOf, type MemorySpreadsheet, type RowPlan } from './memoryImport'
import { CARD_SCHEMA, DEFAULT_CODE_LISTS, DEFAULT_DUTY_RULES, DEFAULT_GRADE_SCALES, DEFAULT_REMINDERS } from '../generated/bindings'

/*
 * An in-memory book for component tests and for previewing the UI in a plain
 * browser. It follows the real book's contract (codes, defaults, compare-and-set,
 * history) closely enough for the UI to be exercised, not its every rule.
 */

/** The registry's fields, generated from the Rust field registry. */
export const MEMORY_SCHEMA: CardSchema = CARD_SCHEMA

const BLOCKS: Block[] = ['basic', 'characteristics', 'business', 'trading']
const RECORD_FIELDS: Record<RecordKind, FieldSpec[]> = {
  key_person: MEMORY_SCHEMA.keyPerson,
  address: MEMORY_SCHEMA.address,
  credit_incident: MEMORY_SCHEMA.creditIncident,
}
const LIST_NAME: Record<RecordKind, 'keyPeople' | 'addresses' | 'creditIncidents'> = {
  key_person: 'keyPeople',
  address: 'addresses',
  credit_incident: 'creditIncidents',
}

function apiError(code: ApiError['code'], message: string, problems: FieldProblem[] = []): ApiError {
  return { code, message, problems }
}

/** A `sync_refused` error as the book gives it: the reason is the first problem's code. */
function refused(reason: string, message: string): ApiError {
  return apiError('sync_refused', message, [{ field: 'file', code: reason, message }])
}

/** The kinds of data sync carries, in the book's order, with their labels. */
const SYNC_TABLES: Array<[table: string, zh: string, en: string]> = [
  ['org_unit', '组织', 'organisation'],
  ['staff', '人员', 'staff'],
  ['customer', '客户档案', 'customer cards'],
  ['key_person', '关键人物', 'key people'],
  ['address', '地址', 'addresses'],
  ['credit_incident', '信用事件', 'credit incidents'],
]

/** Head office's key fingerprint in the memory book's files. */
export const MEMORY_OFFICE_FINGERPRINT = '3F2A-9C41-7E05-B6D8'
const MEMORY_OFFICE_DEVICE = '0192f5c3-0000-7000-8000-00000000000f'
/** Where the memory book's pickers point unless a test queues other answers. */
export const MEMORY_SYNC_FOLDER = '/home/fieldcrm/sync'
export const MEMORY_OFFICE_FILE = `${MEMORY_SYNC_FOLDER}/office-to-device-1.fcsync`

/** A changeset file the memory book can import, staged by path. */
export interface MemorySyncFile {
  /** Head office's file (for a laptop), or a laptop's (for head office). */
  fromOffice: boolean
  /** The sending device (a laptop's file): must be enrolled at head office. */
  sender?: string
  /** How many changes it carries. */
  changes: number
  /** Customer ids of cards that move away from this laptop. */
  movesAway?: string[]
  /** Refused instead of imported (`bad_signature`, `wrong_recipient` …). */
  refuse?: { reason: string; message: string }
}

const normaliseFingerprint = (f: string) => f.replace(/[^0-9a-z]/gi, '').toUpperCase()
const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1)

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T
}

interface StoredCard {
  id: string
  revision: number
  fields: Record<string, JsonValue>
  keyPeople: CardRecord[]
  addresses: CardRecord[]
  creditIncidents: CardRecord[]
  reviewedAt: string
  createdAt: string
  updatedAt: string
  grading: {
    grade: string | null
    gradeManual: boolean
    creditGrade: string | null
    lastVisitOn: string | null
    routeId: string | null
    routeSeq: number | null
  }
}

interface StoredRoute {
  id: string
  name: string
  ownerId: string
  territoryId: string
  startLatitude: number | null
  startLongitude: number | null
  weekday: number | null
  retired: boolean
}

/** Great-circle distance in km. */
function km(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180
  const h =
    Math.sin(((b[0] - a[0]) * rad) / 2) ** 2 +
    Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(((b[1] - a[1]) * rad) / 2) ** 2
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)))
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

export interface MemoryOptions {
  /** Start with a profile (the default) or on the first-start screen. */
  withProfile?: boolean
  /** Customers to start with: names, or partial field maps. */
  customers?: Array<string | Record<string, JsonValue>>
  /** Today, for stale checks and future dates (YYYY-MM-DD). */
  today?: string
}

interface StoredReport {
  id: string
  authorId: string
  kind: ReportKind
  periodStart: string
  periodEnd: string
  status: ReportStatus
  submittedAt: string | null
  summary: string | null
  customerId: string | null
  topic: UrgentTopic | null
  title: string | null
  /** The snapshot taken at submission; assembled live while a draft. */
  content: ReportContent | null
  comments: ReportComment[]
  /** Who of the team has read it. */
  readBy: Set<string>
}

interface MemoryPeer {
  deviceId: string
  name: string | null
  staffId: string | null
  isOffice: boolean
  enrolledAt: string
  lastExportAt: string | null
  lastImportAt: string | null
  filesOut: number
}

export class MemoryBackend implements Backend {
  private cards = new Map<string, StoredCard>()
  private history: Array<HistoryEntry & { customerId: string }> = []
  private profile: Profile | null = null
  private staleAfterDays = 180
  private nextId = 1
  private clock = 0
  readonly today: string
  readonly units: OrgUnit[]
  readonly staff: Staff[]
  /** How often `appReady` was called (a test may check it is called once). */
  appReadyCalls = 0
  language: Language = 'zh-CN'
  // Sync: changes not yet confirmed by head office, per table; the devices this book exchanges files with.
  private pending = new Map<string, number>()
  private peers: MemoryPeer[] = []
  private officeFingerprint: string | null = null
  private conflictList: ConflictView[] = []
  private rejectionList: RejectionView[] = []
  private noticeList: NoticeView[] = []
  private progressListeners = new Set<(p: Progress) => void>()
  private files = new Map<string, MemorySyncFile>()
  private imported = new Set<string>()
  /** Answers the pickers give, first in first out; once empty they point to `MEMORY_SYNC_FOLDER`. */
  readonly picks: Array<string | null> = []
  private lists: CodeList[] = clone(DEFAULT_CODE_LISTS)
  private scales: GradeScales = clone(DEFAULT_GRADE_SCALES)
  private routeList = new Map<string, StoredRoute>()
  /** Route sheets written, by path. */
  readonly sheets = new Map<string, string>()
  // Sales data: the catalogue, the lines, the spreadsheets an import can read, the imports done.
  private productList: Product[] = clone(MEMORY_PRODUCTS)
  private salesLines: MemorySale[] = []
  private spreadsheets = new Map<string, MemorySpreadsheet>(Object.entries(clone(MEMORY_SPREADSHEETS)))
  private importsDone = new Map<string, PreviousImport>()
  private importCancelled = false
  /** Analyses and customer lists written, by path: what each holds. */
  readonly workbooks = new Map<string, string>()

  constructor(options: MemoryOptions = {}) {
    this.today = options.today ?? '2026-11-22'
    this.units = [
      { id: 'u-hq', parentId: null, kind: 'head_office', name: '华丰农资总部', code: null, depth: 0 },
      { id: 'u-sd', parentId: 'u-hq', kind: 'province', name: '山东省', code: 'SD', depth: 1 },
      { id: 'u-wf', parentId: 'u-sd', kind: 'region', name: '潍坊区', code: 'WF', depth: 2 },
      { id: 'u-sg', parentId: 'u-wf', kind: 'territory', name: '寿光片区', code: 'SG', depth: 3 },
    ]
    this.staff = [
      { id: 's-rep', name: '王强', role: 'rep', orgUnitId: 'u-sg', orgUnitName: '寿光片区', phone: '13800000001', active: true },
      { id: 's-rm', name: '李敏', role: 'regional_manager', orgUnitId: 'u-wf', orgUnitName: '潍坊区', phone: null, active: true },
    ]
    if (options.withProfile !== false) {
      this.profile = this.profileFor(this.staff[0])
    }
    for (const c of options.customers ?? []) {
      const fields = typeof c === 'string' ? { name: c } : c
      this.insert(this.withDefaults(fields), 'demo')
    }
    this.files.set(MEMORY_OFFICE_FILE, { fromOffice: true, changes: 3 })
  }

  private profileFor(s: Staff): Profile {
    return {
      staffId: s.id,
      name: s.name,
      role: s.role,
      orgUnitId: s.orgUnitId,
      orgUnitName: s.orgUnitName,
      deviceId: 'device-1',
      language: this.language,
    }
  }

  private now(): string {
    this.clock += 1
    return `${this.today}T08:${String(Math.floor(this.clock / 60) % 60).padStart(2, '0')}:${String(this.clock % 60).padStart(2, '0')}Z`
  }

  private newId(prefix: string): string {
    return `${prefix}-${String(this.nextId++).padStart(4, '0')}`
  }

  private requireProfile(): Profile {
    if (!this.profile) throw apiError('no_profile', 'create your profile first')
    return this.profile
  }

  private withDefaults(fields: Record<string, JsonValue>): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {
      channelLevel: 'retailer',
      lifecycle: 'prospect',
      creditStanding: 'unknown',
      ownerId: this.profile?.staffId ?? this.staff[0].id,
      tags: [],
      ...Object.fromEntries(BLOCKS.map((bl) => [`${bl}Source`, 'rep_visit'])),
      ...fields,
    }
    if (out.territoryId == null) {
      out.territoryId = this.staff.find((s) => s.id === out.ownerId)?.orgUnitId ?? 'u-sg'
    }
    for (const bl of BLOCKS) {
      if (out[`${bl}Verified`] == null) out[`${bl}Verified`] = out[`${bl}Source`] !== 'customer_form'
    }
    return out
  }

  /** Checks values against the specs; returns the canonical values or throws `invalid`. */
  private check(specs: FieldSpec[], values: Record<string, JsonValue>, partial: boolean, prefix = ''): Record<string, JsonValue> {
    const problems: FieldProblem[] = []
    const out: Record<string, JsonValue> = {}
    for (const s of specs) {
      if (partial && !(s.key in values)) continue
      let v = values[s.key] ?? null
      if (typeof v === 'string' && s.kind !== 'tags') v = v.trim() === '' ? null : v.trim()
      const field = prefix + s.key
      if (v === null) {
        if (s.required) problems.push({ field, code: 'required', message: 'is required' })
        out[s.key] = s.kind === 'codes' ? {} : null
        continue
      }
      if (s.maxLen != null && typeof v === 'string' && [...v].length > s.maxLen) {
        problems.push({ field, code: 'too_long', message: `at most ${s.maxLen} characters fit` })
      }
      if (s.kind === 'code' && s.codeList) {
        const item = this.lists.find((l) => l.id === s.codeList)?.items.find((i) => i.code === v)
        if (!item) problems.push({ field, code: 'unknown_code', message: `'${v}' is not a code of the list '${s.codeList}'` })
      }
      if (s.kind === 'choice' && !s.options.includes(String(v))) {
        problems.push({ field, code: 'not_choice', message: `'${v}' is not one of: ${s.options.join(', ')}` })
      }
      if (s.kind === 'date' && typeof v === 'string' && v > this.today) {
        problems.push({ field, code: 'future_date', message: `${v} lies in the future; this date cannot` })
      }
      if ((s.kind === 'integer' || s.kind === 'real') && typeof v === 'number') {
        if ((s.min != null && v < s.min) || (s.max != null && v > s.max)) {
          problems.push({ field, code: 'out_of_range', message: `must be between ${s.min} and ${s.max}` })
        }
      }
      out[s.key] = v
    }
    if (problems.length) throw apiError('invalid', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems)
    return out
  }

  private warnings(specs: FieldSpec[], values: Record<string, JsonValue>, prefix = ''): FieldProblem[] {
    return specs
      .filter((s) => s.kind === 'phone' && typeof values[s.key] === 'string')
      .filter((s) => !/^(\+86)?[\d\s\-()转#xX]{7,}$/.test(String(values[s.key])))
      .map((s) => ({
        field: prefix + s.key,
        code: 'phone_format',
        message: `'${values[s.key]}' does not look like a Chinese mobile (11 digits) or landline number; saved anyway`,
      }))
  }

  private log(customerId: string, entity: string, entityId: string, label: string | null, field: string, oldValue: JsonValue, newValue: JsonValue, source: string, sourceId: string | null = null) {
    this.history.unshift({
      id: this.newId('h'),
      sourceId,
      customerId,
      entity,
      entityId,
      entityLabel: label,
      field,
      oldValue,
      newValue,
      changedBy: this.profile?.name ?? null,
      changedAt: this.now(),
      source,
    })
    // Every change made here waits for head office (demo data and what sync brought do not).
    if (source !== 'demo' && source !== 'sync') this.pending.set(entity, (this.pending.get(entity) ?? 0) + 1)
  }

  private insert(fields: Record<string, JsonValue>, source: string): StoredCard {
    const checked = this.check(MEMORY_SCHEMA.customer, fields, false)
    const at = this.now()
    const card: StoredCard = {
      id: this.newId('c'),
      revision: 1,
      fields: checked,
      keyPeople: [],
      addresses: [],
      creditIncidents: [],
      reviewedAt: at,
      createdAt: at,
      updatedAt: at,
      grading: { grade: null, gradeManual: false, creditGrade: null, lastVisitOn: null, routeId: null, routeSeq: null },
    }
    this.cards.set(card.id, card)
    this.log(card.id, 'customer', card.id, null, '*', null, checked.name, source)
    return card
  }

  private stale(c: StoredCard): boolean {
    const days = (Date.parse(`${this.today}T23:59:59Z`) - Date.parse(c.reviewedAt)) / 86_400_000
    return days > this.staleAfterDays
  }

  private grading(c: StoredCard): ArchiveCard['grading'] {
    const g = c.grading
    const level = (scale: string, code: string | null) => this.scales.levels.find((l) => l.scale === scale && l.code === code)
    const credit = level('credit', g.creditGrade)
    const every = level('customer', g.grade)?.visitEveryDays ?? this.ungradedEvery()
    const route = g.routeId ? this.routeList.get(g.routeId) : undefined
    return {
      grade: g.grade,
      gradeManual: g.gradeManual,
      creditGrade: g.creditGrade,
      creditTerms: credit ? { creditLimit: credit.creditLimit, paymentTermDays: credit.paymentTermDays, settlement: credit.settlement } : null,
      visitEveryDays: every,
      lastVisitOn: g.lastVisitOn,
      nextVisitDue: g.lastVisitOn ? addDays(g.lastVisitOn, every) : null,
      routeId: g.routeId,
      routeName: route?.name ?? null,
      routePosition: route ? this.stopsOf(route.id).findIndex((s) => s.id === c.id) + 1 : null,
    }
  }

  private ungradedEvery(): number {
    return Math.max(30, ...this.scales.levels.filter((l) => l.scale === 'customer').map((l) => l.visitEveryDays ?? 0))
  }

  private view(c: StoredCard): ArchiveCard {
    const f = c.fields
    const supplier = typeof f.supplierId === 'string' ? this.cards.get(f.supplierId) : undefined
    return clone({
      id: c.id,
      revision: c.revision,
      fields: f,
      ownerName: this.staff.find((s) => s.id === f.ownerId)?.name ?? '',
      territoryName: this.units.find((u) => u.id === f.territoryId)?.name ?? '',
      supplierName: supplier ? String(supplier.fields.name) : null,
      downstreamCount: [...this.cards.values()].filter((o) => o.fields.supplierId === c.id).length,
      blocks: BLOCKS.map((block) => {
        const source = f[`${block}Source`] as ArchiveCard['blocks'][number]['source']
        const verified = f[`${block}Verified`] === true
        return { block, source, verified, needsVerification: source === 'customer_form' && !verified }
      }),
      keyPeople: c.keyPeople,
      addresses: c.addresses,
      creditIncidents: c.creditIncidents,
      grading: this.grading(c),
      reviewedAt: c.reviewedAt,
      stale: this.stale(c),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    })
  }

  private row(c: StoredCard): CustomerRow {
    const v = this.view(c)
    const f = c.fields
    const addr = c.addresses[0]?.fields.detail
    return {
      id: c.id,
      name: String(f.name),
      shortName: (f.shortName as string | null) ?? null,
      phone: (f.phone as string | null) ?? null,
      channelLevel: f.channelLevel as CustomerRow['channelLevel'],
      lifecycle: f.lifecycle as CustomerRow['lifecycle'],
      creditStanding: f.creditStanding as CustomerRow['creditStanding'],
      ownerName: v.ownerName,
      territoryName: v.territoryName,
      address: typeof addr === 'string' ? addr : null,
      tags: (f.tags as string[] | null) ?? [],
      stale: v.stale,
      needsVerification: v.blocks.some((bl) => bl.needsVerification),
      updatedAt: c.updatedAt,
      grade: c.grading.grade,
    }
  }

  private card(id: string): StoredCard {
    const c = this.cards.get(id)
    if (!c) throw apiError('not_found', `customer ${id} does not exist`)
    return c
  }

  /** A rep sees the customers they own; a manager those of their part of the organisation; head office all. */
  private seesCustomer(me: Profile, card: StoredCard): boolean {
    if (me.role === 'rep') return card.fields.ownerId === me.staffId
    if (me.role === 'head_office') return true
    return this.unitAndBelow(me.orgUnitId).has(String(card.fields.territoryId))
  }

  private unitAndBelow(id: string): Set<string> {
    const out = new Set([id])
    let grew = true
    while (grew) {
      grew = false
      for (const u of this.units) {
        if (u.parentId && out.has(u.parentId) && !out.has(u.id)) {
          out.add(u.id)
          grew = true
        }
      }
    }
    return out
  }

  private touch(c: StoredCard) {
    c.revision += 1
    c.updatedAt = this.now()
  }

  /** Compare-and-set field changes, as the real book does. */
  private patch(specs: FieldSpec[], target: Record<string, JsonValue>, changes: CardEdit['changes']): Record<string, [JsonValue, JsonValue]> {
    const values = Object.fromEntries(changes.map((ch) => [ch.field, ch.value]))
    const unknown = changes.filter((ch) => !specs.some((s) => s.key === ch.field))
    if (unknown.length) {
      throw apiError('invalid', 'unknown fields', unknown.map((ch) => ({ field: ch.field, code: 'unknown_field', message: `has no field '${ch.field}'` })))
    }
    const checked = this.check(specs, values, true)
    const conflicts: string[] = []
    const writes: Record<string, [JsonValue, JsonValue]> = {}
    for (const ch of changes) {
      const old = target[ch.field] ?? null
      const next = checked[ch.field]
      if (JSON.stringify(next) === JSON.stringify(old)) continue
      if (ch.expected !== undefined && JSON.stringify(ch.expected ?? null) !== JSON.stringify(old)) {
        conflicts.push(ch.field)
        continue
      }
      writes[ch.field] = [old, next]
    }
    if (conflicts.length) {
      throw apiError(
        'edit_conflict',
        `someone else changed ${conflicts.join(', ')} meanwhile`,
        conflicts.map((field) => ({ field, code: 'changed_elsewhere', message: 'was changed by someone else meanwhile' })),
      )
    }
    return writes
  }

  private findRecord(kind: RecordKind, id: string): { card: StoredCard; record: CardRecord } {
    for (const card of this.cards.values()) {
      const record = card[LIST_NAME[kind]].find((r) => r.id === id)
      if (record) return { card, record }
    }
    throw apiError('not_found', `record ${id} does not exist`)
  }

  private recordLabel(kind: RecordKind, fields: Record<string, JsonValue>): string {
    const key = kind === 'key_person' ? 'name' : kind === 'address' ? 'detail' : 'occurredOn'
    return String(fields[key] ?? '')
  }

  /** A record added to a card, with its history entry unless it is one of a new card's first records (`first`). */
  private addChild(card: StoredCard, kind: RecordKind, fields: Record<string, JsonValue>, prefix = '', first = false): FieldProblem[] {
    const values = kind === 'credit_incident' ? { resolved: false, ...fields } : fields
    const checked = this.check(RECORD_FIELDS[kind], values, false, prefix)
    const record = { id: this.newId(kind), fields: checked }
    card[LIST_NAME[kind]].push(record)
    if (!first) this.log(card.id, kind, record.id, this.recordLabel(kind, checked), '*', null, this.recordLabel(kind, checked), 'edit')
    return this.warnings(RECORD_FIELDS[kind], checked, prefix)
  }

  // --- Backend ---

  async bookStatus(): Promise<BookStatus> {
    return {
      path: ':memory:',
      schemaVersion: 2,
      profile: this.profile ? { ...this.profile, language: this.language } : null,
      customerCount: this.cards.size,
      staleAfterDays: this.staleAfterDays,
    }
  }

  async createProfile(p: NewProfile): Promise<Profile> {
    if (this.profile) throw apiError('profile_exists', 'this book already has a profile')
    const problems: FieldProblem[] = []
    if (!p.name.trim()) problems.push({ field: 'name', code: 'required', message: 'is required' })
    if (!p.companyName.trim()) problems.push({ field: 'companyName', code: 'required', message: 'is required' })
    if (p.role !== 'head_office' && !p.unitName.trim()) problems.push({ field: 'unitName', code: 'required', message: 'is required' })
    if (problems.length) throw apiError('invalid', 'the profile is incomplete', problems)
    const unit: OrgUnit = { id: this.newId('u'), parentId: 'u-hq', kind: 'territory', name: p.unitName || p.companyName, code: null, depth: 1 }
    if (p.role !== 'head_office') this.units.push(unit)
    const staff: Staff = {
      id: this.newId('s'),
      name: p.name.trim(),
      role: p.role,
      orgUnitId: p.role === 'head_office' ? 'u-hq' : unit.id,
      orgUnitName: p.role === 'head_office' ? this.units[0].name : unit.name,
      phone: p.phone ?? null,
      active: true,
    }
    this.staff.push(staff)
    this.profile = this.profileFor(staff)
    return clone(this.profile)
  }

  async loadDemo(options: DemoOptions): Promise<DemoSummary> {
    this.profile = this.profileFor(this.staff[0])
    // A second region with its own rep, so the region analysis has something to compare.
    this.units.push({ id: 'u-ly', parentId: 'u-sd', kind: 'region', name: '临沂区', code: 'LY', depth: 2 }, { id: 'u-ls', parentId: 'u-ly', kind: 'territory', name: '兰山片区', code: 'LS', depth: 3 })
    this.staff.push({ id: 's-rep2', name: '赵刚', role: 'rep', orgUnitId: 'u-ls', orgUnitName: '兰山片区', phone: null, active: true })
    const names = ['华星农业', '绿丰农资', '寿光种业', '金穗化肥', '鲁丰农药']
    const cards: StoredCard[] = []
    for (let i = 0; i < Math.min(options.customers, 200); i++) {
      const card = this.insert(
        this.withDefaults({
          name: `${names[i % names.length]}${i + 1}号店`,
          phone: `1380000${String(i).padStart(4, '0')}`,
          lifecycle: (['active', 'active', 'prospect', 'dormant', 'eliminated'] as const)[i % 5],
          channelLevel: (['retailer', 'retailer', 'sub_distributor', 'distributor'] as const)[i % 4],
          channelType: (['wholesaler', 'retailer', 'chain', 'specialty'] as const)[i % 4],
          characteristicsSource: i % 7 === 0 ? 'customer_form' : 'rep_visit',
          tags: i % 3 === 0 ? ['重点'] : [],
          ...(i % 3 === 2 ? { ownerId: 's-rep2' } : {}),
        }),
        'demo',
      )
      card.grading.grade = i < 3 ? 'A' : i < 10 ? 'B' : i < 30 ? 'C' : 'D'
      card.grading.creditGrade = (['A', 'B', 'C', 'C', 'D'] as const)[i % 5]
      if (i % 6 === 0) card.reviewedAt = '2025-01-01T08:00:00Z'
      cards.push(card)
    }
    this.salesLines = demoSales(cards.map((c) => this.salesCard(c)), this.productList, this.today, () => this.newId('sl'))
    return {
      orgUnits: this.units.length,
      staff: this.staff.length,
      customers: this.cards.size,
      keyPeople: 0,
      addresses: 0,
      creditIncidents: 0,
      history: this.history.length,
      routes: 0,
      visits: 0,
      calls: 0,
      tasks: 0,
      reports: 0,
      products: this.productList.length,
      salesLines: this.salesLines.length,
    }
  }

  async setLanguage(language: Language): Promise<null> {
    this.language = language
    if (this.profile) this.profile.language = language
    return null
  }

  async orgUnits(): Promise<OrgUnit[]> {
    return clone(this.units)
  }

  async staffList(): Promise<Staff[]> {
    return clone(this.staff)
  }

  async customerTags(): Promise<TagCount[]> {
    const counts = new Map<string, number>()
    for (const c of this.cards.values()) {
      for (const tag of (c.fields.tags as string[] | null) ?? []) counts.set(tag, (counts.get(tag) ?? 0) + 1)
    }
    return [...counts.entries()]
      .map(([tag, customers]) => ({ tag, customers }))
      .sort((a, b) => b.customers - a.customers || a.tag.localeCompare(b.tag))
  }

  async cardSchema(): Promise<CardSchema> {
    return clone(MEMORY_SCHEMA)
  }

  async searchCustomers(q: CustomerQuery): Promise<CustomerPage> {
    let rows = this.matching(q).map((c) => this.row(c))
    if (q.staleOnly) rows = rows.filter((r) => r.stale)
    if (q.needsVerificationOnly) rows = rows.filter((r) => r.needsVerification)
    const by: Record<CustomerQuery['sort'], (a: CustomerRow, b: CustomerRow) => number> = {
      name: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
      updated: (a, b) => b.updatedAt.localeCompare(a.updatedAt),
      reviewed: (a, b) => this.card(a.id).reviewedAt.localeCompare(this.card(b.id).reviewedAt),
      created: (a, b) => this.card(b.id).createdAt.localeCompare(this.card(a.id).createdAt),
    }
    rows.sort(by[q.sort])
    const limit = q.limit || 100
    return { total: rows.length, offset: q.offset, rows: rows.slice(q.offset, q.offset + limit) }
  }

  private matching(q: CustomerQuery): StoredCard[] {
    const words = q.text.trim().toLowerCase().split(/\s+/).filter(Boolean)
    const units = q.orgUnitId ? this.unitAndBelow(q.orgUnitId) : null
    return [...this.cards.values()].filter((c) => {
      const f = c.fields
      const hay = `${f.name} ${f.shortName ?? ''} ${f.phone ?? ''}`.toLowerCase()
      if (!words.every((w) => hay.includes(w))) return false
      if (q.lifecycle.length && !q.lifecycle.includes(f.lifecycle as never)) return false
      if (q.channelLevel.length && !q.channelLevel.includes(f.channelLevel as never)) return false
      if (q.creditStanding.length && !q.creditStanding.includes(f.creditStanding as never)) return false
      if (q.ownerId && f.ownerId !== q.ownerId) return false
      if (units && !units.has(String(f.territoryId))) return false
      if (q.tag && !((f.tags as string[] | null) ?? []).includes(q.tag)) return false
      for (const [list, codes] of Object.entries(q.codes ?? {})) {
        if (codes?.length && !codes.includes(String(this.codeOf(c, list)))) return false
      }
      if (q.grades?.length && !q.grades.includes(String(c.grading.grade))) return false
      if (q.creditGrades?.length && !q.creditGrades.includes(String(c.grading.creditGrade))) return false
      if (q.routeId && c.grading.routeId !== q.routeId) return false
      return true
    })
  }

  /** The card's code of a list (built-in lists are card fields). */
  private codeOf(c: StoredCard, list: string): string | null {
    const field = this.lists.find((l) => l.id === list)?.field
    if (field) return (c.fields[field] as string | null) ?? null
    const custom = (c.fields.customCodes ?? {}) as Record<string, string>
    return custom[list] ?? null
  }

  async getCustomer(id: string): Promise<ArchiveCard> {
    return this.view(this.card(id))
  }

  async customerHistory(id: string, limit: number): Promise<HistoryEntry[]> {
    this.card(id)
    return clone(
      this.history
        .filter((h) => h.customerId === id)
        .slice(0, limit)
        .map(({ customerId: _omit, ...h }) => h),
    )
  }

  async createCustomer(n: NewCustomer): Promise<Saved> {
    this.requireProfile()
    // Check the children first so that every problem comes back in one answer.
    const problems: FieldProblem[] = []
    const attempt = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        problems.push(...(e as ApiError).problems)
      }
    }
    const fields = this.withDefaults(Object.fromEntries(Object.entries(n.fields).filter(([, v]) => v !== null)))
    attempt(() => this.check(MEMORY_SCHEMA.customer, fields, false))
    n.keyPeople.forEach((p, i) => attempt(() => this.check(MEMORY_SCHEMA.keyPerson, p, false, `keyPeople[${i}].`)))
    n.addresses.forEach((a, i) => attempt(() => this.check(MEMORY_SCHEMA.address, a, false, `addresses[${i}].`)))
    if (problems.length) throw apiError('invalid', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems)
    const card = this.insert(fields, 'create')
    const warnings = this.warnings(MEMORY_SCHEMA.customer, card.fields)
    n.keyPeople.forEach((p, i) => warnings.push(...this.addChild(card, 'key_person', p, `keyPeople[${i}].`, true)))
    n.addresses.forEach((a, i) => warnings.push(...this.addChild(card, 'address', a, `addresses[${i}].`, true)))
    return { card: this.view(card), warnings }
  }

  async editCustomer(edit: CardEdit): Promise<Saved> {
    this.requireProfile()
    const card = this.card(edit.customerId)
    const writes = this.patch(MEMORY_SCHEMA.customer, card.fields, edit.changes)
    if (typeof writes.supplierId?.[1] === 'string') {
      let at: string | null = writes.supplierId[1]
      while (at) {
        if (at === card.id) {
          throw apiError('invalid', 'supplier cycle', [{ field: 'supplierId', code: 'supplier_cycle', message: 'would make this customer its own supplier' }])
        }
        const next: JsonValue | undefined = this.cards.get(at)?.fields.supplierId
        at = typeof next === 'string' ? next : null
      }
    }
    for (const [field, [old, next]] of Object.entries(writes)) {
      card.fields[field] = next
      this.log(card.id, 'customer', card.id, null, field, old, next, 'edit')
      const source = /^(basic|characteristics|business|trading)Source$/.exec(field)
      if (source && !(`${source[1]}Verified` in writes)) {
        card.fields[`${source[1]}Verified`] = next !== 'customer_form'
      }
    }
    if (Object.keys(writes).length) this.touch(card)
    return { card: this.view(card), warnings: this.warnings(MEMORY_SCHEMA.customer, Object.fromEntries(Object.entries(writes).map(([k, v]) => [k, v[1]]))) }
  }

  async addRecord(r: NewRecord): Promise<Saved> {
    this.requireProfile()
    const card = this.card(r.customerId)
    const warnings = this.addChild(card, r.kind, r.fields)
    this.touch(card)
    return { card: this.view(card), warnings }
  }

  async editRecord(e: RecordEdit): Promise<Saved> {
    this.requireProfile()
    const { card, record } = this.findRecord(e.kind, e.id)
    const writes = this.patch(RECORD_FIELDS[e.kind], record.fields, e.changes)
    for (const [field, [old, next]] of Object.entries(writes)) {
      record.fields[field] = next
      this.log(card.id, e.kind, record.id, this.recordLabel(e.kind, record.fields), field, old, next, 'edit')
    }
    if (Object.keys(writes).length) this.touch(card)
    return { card: this.view(card), warnings: [] }
  }

  async removeRecord(kind: RecordKind, id: string): Promise<ArchiveCard> {
    this.requireProfile()
    const { card, record } = this.findRecord(kind, id)
    card[LIST_NAME[kind]] = card[LIST_NAME[kind]].filter((r) => r.id !== id)
    const label = this.recordLabel(kind, record.fields)
    this.log(card.id, kind, id, label, '*', label, null, 'edit')
    this.touch(card)
    return this.view(card)
  }

  async markReviewed(id: string): Promise<ArchiveCard> {
    this.requireProfile()
    const card = this.card(id)
    const old = card.reviewedAt
    card.reviewedAt = this.now()
    this.log(card.id, 'customer', card.id, null, 'reviewedAt', old, card.reviewedAt, 'review')
    return this.view(card)
  }

  async setStaleAfterDays(days: number): Promise<null> {
    if (!Number.isInteger(days) || days < 1 || days > 3650) {
      throw apiError('invalid', 'days out of range', [{ field: 'days', code: 'out_of_range', message: 'must be between 1 and 3650' }])
    }
    this.staleAfterDays = days
    return null
  }

  async appReady(): Promise<null> {
    this.appReadyCalls += 1
    return null
  }

  // --- Sync ---

  private isOffice(): boolean {
    return this.profile?.role === 'head_office'
  }

  private peerSummary(p: MemoryPeer): PeerSummary {
    return { ...p, staffName: this.staff.find((s) => s.id === p.staffId)?.name ?? null }
  }

  async deviceInfo(): Promise<DeviceInfo> {
    return {
      deviceId: this.profile?.deviceId ?? 'device-1',
      publicKey: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
      fingerprint: '7D21-04B9-C3E8-5A6F',
      isOffice: this.isOffice(),
      joined: this.officeFingerprint !== null,
      officeFingerprint: this.officeFingerprint,
    }
  }

  async enrollDevice(e: EnrollDevice): Promise<PeerSummary> {
    if (!this.isOffice()) throw refused('not_office', "only head office's book enrols devices")
    if (!this.staff.some((s) => s.id === e.staffId)) throw apiError('not_found', `staff ${e.staffId} does not exist`)
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(e.deviceId.trim())) {
      throw apiError('invalid', 'deviceId: bad id', [{ field: 'deviceId', code: 'bad_id', message: "a device id looks like 0192f5c3-…; copy it from the laptop's Sync page" }])
    }
    if (!/^[0-9a-f]{64}$/i.test(e.publicKey.trim())) throw refused('bad_key', 'a public key is 64 hex characters')
    const deviceId = e.deviceId.trim()
    const peer: MemoryPeer = {
      deviceId,
      name: e.name?.trim() || null,
      staffId: e.staffId,
      isOffice: false,
      enrolledAt: this.now(),
      lastExportAt: null,
      lastImportAt: null,
      filesOut: 0,
    }
    this.peers = [...this.peers.filter((p) => p.deviceId !== deviceId), peer]
    return this.peerSummary(peer)
  }

  async syncStatus(): Promise<SyncStatus> {
    const pending: PendingKind[] = SYNC_TABLES.filter(([table]) => this.pending.get(table)).map(([table, labelZh, labelEn]) => ({
      table,
      labelZh,
      labelEn,
      changes: this.pending.get(table) ?? 0,
    }))
    return {
      device: await this.deviceInfo(),
      pending,
      pendingTotal: pending.reduce((n, p) => n + p.changes, 0),
      peers: this.peers.map((p) => this.peerSummary(p)),
      openConflicts: this.conflictList.filter((c) => !c.resolvedAt).length,
      rejections: this.rejectionList.length,
      notices: this.noticeList.length,
      tombstones: 0,
    }
  }

  async syncExport(dir: string, to?: string): Promise<ExportResult> {
    let peer: MemoryPeer | undefined
    if (this.isOffice()) {
      if (!to) throw refused('recipient_needed', 'head office writes one file per device: name the device to write for')
      peer = this.peers.find((p) => p.deviceId === to && !p.isOffice)
      if (!peer) throw refused('unknown_device', `no device ${to} is enrolled here; enroll it first`)
    } else {
      peer = this.peers.find((p) => p.isOffice)
      if (!peer) throw refused('not_enrolled', 'this laptop has not joined head office yet')
    }
    const me = (await this.deviceInfo()).deviceId
    const snapshot = this.isOffice() && peer.filesOut === 0
    peer.filesOut += 1
    peer.lastExportAt = this.now()
    const fileName = `${me}-to-${peer.deviceId}-${String(peer.filesOut).padStart(6, '0')}.fcsync`
    const changes = snapshot ? this.cards.size : [...this.pending.values()].reduce((a, b) => a + b, 0)
    const path = `${dir.replace(/\/$/, '')}/${fileName}`
    return {
      path,
      fileName,
      recipient: this.isOffice() ? (this.staff.find((s) => s.id === peer.staffId)?.name ?? peer.deviceId) : 'head office',
      changes,
      bytes: 512 + changes * 96,
      snapshot,
    }
  }

  async syncImport(path: string, trustOffice?: string): Promise<ImportReport> {
    const file = this.files.get(path)
    if (!file) throw apiError('io', `${path} cannot be read (no such file)`)
    if (file.refuse) throw refused(file.refuse.reason, file.refuse.message)
    let peer: MemoryPeer | undefined
    if (this.isOffice()) {
      if (file.fromOffice) throw refused('unknown_device', 'this file comes from head office itself')
      peer = this.peers.find((p) => p.deviceId === file.sender && !p.isOffice)
      if (!peer) throw refused('unknown_device', `the file comes from device ${file.sender}, which is not enrolled here; enroll the device first`)
    } else {
      if (!file.fromOffice) throw refused('unknown_device', 'laptops exchange files only with head office')
      peer = this.peers.find((p) => p.isOffice)
      if (!peer) {
        if (!trustOffice) {
          throw refused(
            'office_not_trusted',
            `this is the first file from head office. Check with head office that their key fingerprint is ${MEMORY_OFFICE_FINGERPRINT}, then import it again confirming it`,
          )
        }
        if (normaliseFingerprint(trustOffice) !== normaliseFingerprint(MEMORY_OFFICE_FINGERPRINT)) {
          throw refused('office_key_mismatch', `head office's key in this file has fingerprint ${MEMORY_OFFICE_FINGERPRINT}, not the one you confirmed`)
        }
        this.officeFingerprint = MEMORY_OFFICE_FINGERPRINT
        peer = { deviceId: MEMORY_OFFICE_DEVICE, name: this.units[0].name, staffId: null, isOffice: true, enrolledAt: this.now(), lastExportAt: null, lastImportAt: null, filesOut: 0 }
        this.peers.push(peer)
      }
    }
    const report: ImportReport = {
      applied: 0,
      alreadyHad: 0,
      superseded: 0,
      rejected: 0,
      conflicts: 0,
      removedCards: 0,
      stale: false,
      duplicateFile: false,
      snapshot: false,
      gap: false,
      sender: file.fromOffice ? MEMORY_OFFICE_DEVICE : (file.sender ?? ''),
    }
    if (this.imported.has(path)) {
      report.duplicateFile = true
      report.alreadyHad = file.changes
      return report
    }
    const step = Math.max(1, Math.ceil(file.changes / 4))
    for (let done = 0; done < file.changes; done += step) {
      this.progress({ done, total: file.changes })
      await new Promise((r) => setTimeout(r, 0))
    }
    this.progress({ done: file.changes, total: file.changes })
    report.applied = file.changes
    for (const id of file.movesAway ?? []) {
      const card = this.cards.get(id)
      if (!card) continue
      this.cards.delete(id)
      this.noticeList.unshift({ customerId: id, customerName: String(card.fields.name), kind: 'moved_away', message: 'reassigned: the card now belongs to someone else', at: this.now() })
      report.removedCards += 1
    }
    // Head office's file confirms everything this laptop sent before.
    if (!this.isOffice()) this.pending.clear()
    this.imported.add(path)
    peer.lastImportAt = this.now()
    return report
  }

  private progress(p: Progress) {
    for (const listener of this.progressListeners) listener(p)
  }

  async hqMerge(inbox: string, outbox: string): Promise<HqMergeReport> {
    if (!this.isOffice()) throw refused('not_office', "only head office's book merges laptops' files")
    const imported: MergedFile[] = []
    let others = 0
    for (const path of this.filesIn(inbox)) {
      if (this.files.get(path)?.fromOffice) {
        others += 1
        continue
      }
      const file = fileName(path)
      try {
        imported.push({ file, report: await this.syncImport(path), error: null })
      } catch (e) {
        imported.push({ file, report: null, error: e as ApiError })
      }
    }
    const written: ExportResult[] = []
    for (const peer of this.peers.filter((p) => !p.isOffice)) written.push(await this.syncExport(outbox, peer.deviceId))
    return { imported, written, others }
  }

  private filesIn(dir: string): string[] {
    const prefix = `${dir.replace(/\/$/, '')}/`
    return [...this.files.keys()].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && p.endsWith('.fcsync')).sort()
  }

  async syncFolder(dir: string): Promise<FolderFile[]> {
    return this.filesIn(dir).map((path) => {
      const file = this.files.get(path)!
      const unreadable = file.refuse && ['not_a_sync_file', 'newer_format'].includes(file.refuse.reason)
      return {
        path,
        name: fileName(path),
        forThisDevice: !unreadable && file.fromOffice !== this.isOffice(),
        fromOffice: Boolean(file.fromOffice),
        senderName: file.fromOffice ? null : (this.staff.find((s) => this.peers.some((p) => p.deviceId === file.sender && p.staffId === s.id))?.name ?? null),
        createdAt: null,
        changes: file.changes,
        snapshot: false,
        imported: this.imported.has(path),
        problem: unreadable ? refused(file.refuse!.reason, file.refuse!.message) : null,
      }
    })
  }

  async conflicts(includeResolved: boolean): Promise<ConflictView[]> {
    const list = this.conflictList.filter((c) => includeResolved || !c.resolvedAt)
    return clone([...list.filter((c) => !c.resolvedAt), ...list.filter((c) => c.resolvedAt)])
  }

  async resolveConflict(r: ConflictResolution): Promise<ConflictView> {
    const profile = this.requireProfile()
    const conflict = this.conflictList.find((c) => c.id === r.id)
    if (!conflict) throw apiError('not_found', `conflict ${r.id} does not exist`)
    if (conflict.resolvedAt) throw refused('already_resolved', 'this conflict was already resolved (perhaps by your manager)')
    let value: JsonValue | undefined
    if (r.choice === 'take_other') value = conflict.lostValue
    if (r.choice === 'edit') {
      if (r.value === undefined) throw apiError('invalid', 'value: required', [{ field: 'value', code: 'required', message: 'give the value to write' }])
      value = r.value
    }
    if (value !== undefined) {
      if (!conflict.fieldKey) throw refused('not_editable', `${conflict.field} cannot be edited from a conflict`)
      const change = [{ field: conflict.fieldKey, value }]
      if (conflict.entity === 'customer') await this.editCustomer({ customerId: conflict.entityId, changes: change })
      else await this.editRecord({ kind: conflict.entity as RecordKind, id: conflict.entityId, changes: change })
    }
    conflict.resolution = r.choice === 'keep' ? 'kept' : r.choice === 'take_other' ? 'took_other' : 'edited'
    conflict.resolvedBy = profile.name
    conflict.resolvedAt = this.now()
    return clone(conflict)
  }

  async rejections(): Promise<RejectionView[]> {
    return clone(this.rejectionList)
  }

  async notices(): Promise<NoticeView[]> {
    return clone(this.noticeList)
  }

  async onSyncProgress(listener: (p: Progress) => void): Promise<() => void> {
    this.progressListeners.add(listener)
    return () => this.progressListeners.delete(listener)
  }

  async pickSyncFile(_options: PickOptions): Promise<string | null> {
    return this.picks.length ? this.picks.shift()! : MEMORY_OFFICE_FILE
  }

  async pickFolder(_options: PickOptions): Promise<string | null> {
    return this.picks.length ? this.picks.shift()! : MEMORY_SYNC_FOLDER
  }

  async pickSavePath(options: SaveOptions): Promise<string | null> {
    return this.picks.length ? this.picks.shift()! : `${MEMORY_SYNC_FOLDER}/${options.defaultName}`
  }

  // --- Classification, grades, routes, plans ---

  private requireOffice(what: string) {
    if (this.requireProfile().role !== 'head_office') throw apiError('forbidden', `only head office maintains ${what}; ask head office to change it`)
  }

  private requireManager() {
    if (this.requireProfile().role === 'rep') throw apiError('forbidden', 'grades are set by managers and head office; ask your manager')
  }

  private listsView(): CodeList[] {
    const lists = clone(this.lists)
    for (const list of lists) {
      for (const item of list.items) item.cards = [...this.cards.values()].filter((c) => this.codeOf(c, list.id) === item.code).length
    }
    return lists
  }

  async customerGroups(query: CustomerQuery, by: string): Promise<GroupCount[]> {
    const value = (c: StoredCard): string | null =>
      by === 'grade' ? c.grading.grade : by === 'credit_grade' ? c.grading.creditGrade : by === 'route' ? c.grading.routeId : this.codeOf(c, by)
    if (!['grade', 'credit_grade', 'route'].includes(by) && !this.lists.some((l) => l.id === by)) {
      throw apiError('invalid', `cannot group by '${by}'`, [{ field: 'by', code: 'unknown_group', message: `cannot group by '${by}'` }])
    }
    const counts = new Map<string | null, number>()
    for (const c of this.matching(query)) counts.set(value(c), (counts.get(value(c)) ?? 0) + 1)
    return [...counts.entries()]
      .map(([key, customers]) => ({ key, customers }))
      .sort((a, b) => b.customers - a.customers || String(a.key).localeCompare(String(b.key)))
  }

  async codeLists(): Promise<CodeList[]> {
    return this.listsView()
  }

  async addCodeList(list: NewCodeList): Promise<CodeList[]> {
    this.requireOffice('code lists')
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(list.id)) throw apiError('invalid', 'bad key', [{ field: 'id', code: 'bad_key', message: 'not a valid key' }])
    if (this.lists.some((l) => l.id === list.id)) throw apiError('invalid', 'duplicate', [{ field: 'id', code: 'duplicate', message: 'exists' }])
    this.lists.push({ id: list.id, labelZh: list.labelZh, labelEn: list.labelEn, position: this.lists.length + 1, retired: false, field: null, forCards: true, items: [] })
    return this.listsView()
  }

  async addCode(code: NewCodeItem): Promise<CodeList[]> {
    this.requireOffice('code lists')
    const list = this.lists.find((l) => l.id === code.listId)
    if (!list) throw apiError('not_found', `code list ${code.listId} does not exist in this book`)
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(code.code)) throw apiError('invalid', 'bad key', [{ field: 'code', code: 'bad_key', message: 'not a valid key' }])
    if (list.items.some((i) => i.code === code.code)) throw apiError('invalid', 'duplicate', [{ field: 'code', code: 'duplicate', message: 'exists' }])
    if (!code.labelZh.trim() || !code.labelEn.trim()) throw apiError('invalid', 'label required', [{ field: code.labelZh.trim() ? 'labelEn' : 'labelZh', code: 'required', message: 'is required' }])
    list.items.push({ code: code.code, labelZh: code.labelZh.trim(), labelEn: code.labelEn.trim(), position: list.items.length + 1, retired: false, cards: 0 })
    return this.listsView()
  }

  async editCode(edit: CodeEdit): Promise<CodeList[]> {
    this.requireOffice('code lists')
    const list = this.lists.find((l) => l.id === edit.listId)
    if (!list) throw apiError('not_found', `code list ${edit.listId} does not exist in this book`)
    const target = edit.code ? list.items.find((i) => i.code === edit.code) : list
    if (!target) throw apiError('not_found', `code ${edit.listId}/${edit.code} does not exist in this book`)
    if (!edit.code && edit.retired && list.field) throw apiError('invalid', 'built-in', [{ field: 'retired', code: 'builtin', message: 'built-in lists stay' }])
    if (edit.labelZh != null) target.labelZh = edit.labelZh.trim()
    if (edit.labelEn != null) target.labelEn = edit.labelEn.trim()
    if (edit.retired != null) target.retired = edit.retired
    if (edit.position != null) {
      const siblings: Array<{ position: number }> = edit.code ? list.items : this.lists
      const rest = siblings.filter((x) => x !== target).sort((a, b) => a.position - b.position)
      rest.splice(Math.max(0, Math.min(rest.length, edit.position - 1)), 0, target)
      rest.forEach((x, i) => (x.position = i + 1))
      if (edit.code) list.items.sort((a, b) => a.position - b.position)
      else this.lists.sort((a, b) => a.position - b.position)
    }
    return this.listsView()
  }

  private scalesView(): GradeScales {
    const scales = clone(this.scales)
    for (const l of scales.levels) {
      l.cards = [...this.cards.values()].filter((c) => (l.scale === 'customer' ? c.grading.grade : c.grading.creditGrade) === l.code).length
    }
    return scales
  }

  async gradeScales(): Promise<GradeScales> {
    return this.scalesView()
  }

  async saveGradeLevel(input: GradeLevelInput): Promise<GradeScales> {
    this.requireOffice('the grade scales')
    const existing = this.scales.levels.find((l) => l.scale === input.scale && l.code === input.code)
    const values = {
      labelZh: input.labelZh,
      labelEn: input.labelEn,
      retired: input.retired,
      visitEveryDays: input.visitEveryDays ?? null,
      creditLimit: input.creditLimit ?? null,
      paymentTermDays: input.paymentTermDays ?? null,
      settlement: input.settlement ?? null,
    }
    if (existing) Object.assign(existing, values)
    else {
      const position = this.scales.levels.filter((l) => l.scale === input.scale).length + 1
      this.scales.levels.push({ scale: input.scale, code: input.code, position, revenueShare: null, cards: 0, ...values })
    }
    return this.scalesView()
  }

  async setGradingRule(shares: RuleShare[]): Promise<GradeScales> {
    this.requireOffice('the grading rule')
    const total = shares.reduce((a, s) => a + s.share, 0)
    if (!shares.length || total !== 100) {
      throw apiError('invalid', `the shares add up to ${total}%, not 100%`, [{ field: 'rule', code: shares.length ? 'not_100' : 'empty', message: `the shares add up to ${total}%, not 100%` }])
    }
    for (const l of this.scales.levels) if (l.scale === 'customer') l.revenueShare = shares.find((s) => s.grade === l.code)?.share ?? null
    this.scales.rule = clone(shares)
    return this.scalesView()
  }

  private gradeLog: Array<GradeHistoryEntry & { customerId: string }> = []

  private applyGrade(change: GradeChange, manual: boolean, source: string) {
    const card = this.card(change.customerId)
    const grade = change.grade?.trim() || null
    if (grade && !this.scales.levels.some((l) => l.scale === change.scale && l.code === grade)) {
      throw apiError('invalid', `there is no ${change.scale} grade '${grade}'`, [{ field: 'grade', code: 'unknown_grade', message: `there is no ${change.scale} grade '${grade}'` }])
    }
    const old = change.scale === 'customer' ? card.grading.grade : card.grading.creditGrade
    if (change.scale === 'customer') {
      card.grading.grade = grade
      card.grading.gradeManual = manual && grade !== null
    } else card.grading.creditGrade = grade
    if (old !== grade) {
      this.gradeLog.unshift({
        customerId: card.id,
        scale: change.scale,
        oldGrade: old,
        newGrade: grade,
        changedBy: this.profile?.name ?? null,
        changedAt: this.now(),
        reason: change.reason ?? null,
        source,
      })
      this.log(card.id, 'customer', card.id, null, change.scale === 'customer' ? 'grade' : 'creditGrade', old, grade, source)
    }
    this.touch(card)
  }

  async setGrade(change: GradeChange): Promise<ArchiveCard> {
    this.requireManager()
    this.applyGrade(change, true, 'grade')
    return this.view(this.card(change.customerId))
  }

  async gradeHistory(id: string): Promise<GradeHistoryEntry[]> {
    this.card(id)
    return clone(this.gradeLog.filter((g) => g.customerId === id).map(({ customerId: _omit, ...g }) => g))
  }

  async suggestGrades(_query: SuggestQuery): Promise<GradeSuggestion> {
    this.requireManager()
    const rule = this.scales.rule
    const considered = [...this.cards.values()]
      .filter((c) => ['active', 'dormant'].includes(String(c.fields.lifecycle)) && typeof c.fields.annualSalesWithUs === 'number')
      .sort((a, b) => Number(b.fields.annualSalesWithUs) - Number(a.fields.annualSalesWithUs) || a.id.localeCompare(b.id))
    const total = considered.reduce((a, c) => a + Number(c.fields.annualSalesWithUs), 0)
    let cumulative = 0
    let unchanged = 0
    const changes: GradeSuggestion['changes'] = []
    for (const c of considered) {
      const revenue = Number(c.fields.annualSalesWithUs)
      const before = total > 0 ? (cumulative * 10_000) / total : 10_000
      let bound = 0
      let proposed = rule[rule.length - 1]?.grade ?? ''
      for (const s of rule) {
        bound += s.share * 100
        if (before < bound) {
          proposed = s.grade
          break
        }
      }
      if (revenue === 0) proposed = rule[rule.length - 1]?.grade ?? ''
      cumulative += revenue
      if (c.grading.grade === proposed) {
        unchanged += 1
        continue
      }
      changes.push({
        customerId: c.id,
        name: String(c.fields.name),
        ownerName: this.staff.find((s) => s.id === c.fields.ownerId)?.name ?? '',
        territoryName: this.units.find((u) => u.id === c.fields.territoryId)?.name ?? '',
        revenue,
        shareBp: total ? Math.floor((revenue * 10_000) / total) : 0,
        cumulativeBp: total ? Math.floor((cumulative * 10_000) / total) : 0,
        current: c.grading.grade,
        proposed,
        manual: c.grading.gradeManual,
      })
    }
    return { basis: 'card_field', rule: clone(rule), considered: considered.length, totalRevenue: total, changes, unchanged, leftOut: this.cards.size - considered.length }
  }

  async acceptGrades(accepted: AcceptGrades): Promise<AcceptReport> {
    this.requireManager()
    let changed = 0
    let unchanged = 0
    for (const a of accepted.grades) {
      const before = this.card(a.customerId).grading.grade
      this.applyGrade({ customerId: a.customerId, scale: 'customer', grade: a.grade, reason: accepted.reason ?? 'ABC' }, false, 'grade_suggestion')
      if (before === a.grade) unchanged += 1
      else changed += 1
    }
    return { changed, unchanged }
  }

  private stopsOf(routeId: string): StoredCard[] {
    return [...this.cards.values()]
      .filter((c) => c.grading.routeId === routeId)
      .sort((a, b) => (a.grading.routeSeq ?? 0) - (b.grading.routeSeq ?? 0) || String(a.fields.name).localeCompare(String(b.fields.name)))
  }

  private routeView(r: StoredRoute): Route {
    return {
      ...r,
      ownerName: this.staff.find((s) => s.id === r.ownerId)?.name ?? '',
      territoryName: this.units.find((u) => u.id === r.territoryId)?.name ?? '',
      stops: this.stopsOf(r.id).length,
    }
  }

  private position(c: StoredCard): [number, number] | null {
    const a = c.addresses.find((x) => typeof x.fields.latitude === 'number' && typeof x.fields.longitude === 'number')
    return a ? [Number(a.fields.latitude), Number(a.fields.longitude)] : null
  }

  private detail(id: string): RouteDetail {
    const r = this.routeList.get(id)
    if (!r) throw apiError('not_found', `route ${id} does not exist in this book`)
    return {
      route: this.routeView(r),
      stops: this.stopsOf(id).map((c, i) => {
        const at = this.position(c)
        const address = c.addresses[0]?.fields
        return {
          position: i + 1,
          customerId: c.id,
          name: String(c.fields.name),
          grade: c.grading.grade,
          address: address ? `${address.city ?? ''}${address.district ?? ''}${address.detail ?? ''}` : null,
          latitude: at?.[0] ?? null,
          longitude: at?.[1] ?? null,
          contactName: (c.keyPeople[0]?.fields.name as string | undefined) ?? null,
          phone: (c.fields.phone as string | null) ?? null,
          lastVisitOn: c.grading.lastVisitOn,
          openIncidents: c.creditIncidents.filter((i) => i.fields.resolved !== true).length,
          needsVerification: BLOCKS.some((bl) => c.fields[`${bl}Verified`] === false),
          problems: (c.fields.problems as string | null) ?? null,
        }
      }),
    }
  }

  async routes(owner?: string): Promise<Route[]> {
    return [...this.routeList.values()].filter((r) => !owner || r.ownerId === owner).map((r) => this.routeView(r))
  }

  async route(id: string): Promise<RouteDetail> {
    return this.detail(id)
  }

  async createRoute(n: NewRoute): Promise<RouteDetail> {
    const me = this.requireProfile()
    const owner = this.staff.find((s) => s.id === (n.ownerId ?? me.staffId))
    if (!owner || owner.role !== 'rep') throw apiError('invalid', 'routes belong to reps', [{ field: 'ownerId', code: 'not_a_rep', message: 'routes belong to reps' }])
    if (!n.name.trim()) throw apiError('invalid', 'name: is required', [{ field: 'name', code: 'required', message: 'is required' }])
    if (n.startLatitude != null && (n.startLatitude < -90 || n.startLatitude > 90)) {
      throw apiError('invalid', 'startLatitude: a latitude is between -90 and 90', [{ field: 'startLatitude', code: 'out_of_range', message: 'a latitude is between -90 and 90' }])
    }
    const id = this.newId('r')
    this.routeList.set(id, {
      id,
      name: n.name.trim(),
      ownerId: owner.id,
      territoryId: n.territoryId ?? owner.orgUnitId,
      startLatitude: n.startLatitude ?? null,
      startLongitude: n.startLongitude ?? null,
      weekday: n.weekday || null,
      retired: false,
    })
    return this.detail(id)
  }

  async editRoute(e: RouteEdit): Promise<RouteDetail> {
    const r = e.id ? this.routeList.get(e.id) : undefined
    if (!r) throw apiError('not_found', `route ${e.id} does not exist in this book`)
    if (e.name != null) r.name = e.name.trim()
    if (e.startLatitude != null && e.startLongitude != null) {
      r.startLatitude = e.startLatitude
      r.startLongitude = e.startLongitude
    } else if (e.clearStart) {
      r.startLatitude = null
      r.startLongitude = null
    }
    if (e.weekday != null) r.weekday = e.weekday || null
    if (e.retired != null) r.retired = e.retired
    return this.detail(r.id)
  }

  private renumber(order: StoredCard[]) {
    order.forEach((c, i) => (c.grading.routeSeq = i + 1))
  }

  async addRouteStops(stops: RouteStops): Promise<RouteDetail> {
    const r = this.routeList.get(stops.routeId)
    if (!r) throw apiError('not_found', `route ${stops.routeId} does not exist in this book`)
    const problems: FieldProblem[] = []
    const moving = stops.customers.map((id, i) => {
      const c = this.card(id)
      if (c.fields.ownerId !== r.ownerId) problems.push({ field: `customers[${i}]`, code: 'other_rep', message: `${c.fields.name} belongs to another rep` })
      return c
    })
    if (problems.length) throw apiError('invalid', problems.map((p) => p.message).join('; '), problems)
    const order = this.stopsOf(r.id).filter((c) => !moving.includes(c))
    const at = stops.at ? Math.min(order.length, Math.max(0, stops.at - 1)) : order.length
    order.splice(at, 0, ...moving)
    for (const c of moving) {
      if (c.grading.routeId !== r.id) this.log(c.id, 'customer', c.id, null, 'routeId', c.grading.routeId, r.id, 'route')
      c.grading.routeId = r.id
    }
    this.renumber(order)
    return this.detail(r.id)
  }

  async removeRouteStops(customers: string[]): Promise<null> {
    for (const id of customers) {
      const c = this.card(id)
      if (c.grading.routeId) this.log(c.id, 'customer', c.id, null, 'routeId', c.grading.routeId, null, 'route')
      c.grading.routeId = null
      c.grading.routeSeq = null
    }
    return null
  }

  async moveRouteStop(stop: StopMove): Promise<RouteDetail> {
    const c = this.card(stop.customerId)
    if (!c.grading.routeId) throw apiError('invalid', 'this customer is on no route', [{ field: 'customerId', code: 'not_on_route', message: 'on no route' }])
    const order = this.stopsOf(c.grading.routeId).filter((x) => x !== c)
    order.splice(Math.min(order.length, Math.max(0, stop.position - 1)), 0, c)
    this.renumber(order)
    return this.detail(c.grading.routeId)
  }

  async setRouteOrder(o: RouteOrder): Promise<RouteDetail> {
    const current = this.stopsOf(o.routeId).map((c) => c.id).sort()
    if (JSON.stringify(current) !== JSON.stringify([...o.order].sort())) {
      throw apiError('invalid', 'the new order must list every stop of the route exactly once', [{ field: 'order', code: 'not_the_stops', message: 'not the stops' }])
    }
    this.renumber(o.order.map((id) => this.card(id)))
    return this.detail(o.routeId)
  }

  async proposeRouteOrder(id: string): Promise<RouteProposal> {
    const d = this.detail(id)
    const r = this.routeList.get(id)!
    const start: [number, number] | null = r.startLatitude != null && r.startLongitude != null ? [r.startLatitude, r.startLongitude] : null
    const at = (s: RouteDetail['stops'][number]): [number, number] | null => (s.latitude != null && s.longitude != null ? [s.latitude, s.longitude] : null)
    const length = (order: RouteDetail['stops']) => {
      let total = 0
      let prev = start
      for (const s of order) {
        const p = at(s)
        if (!p) continue
        if (prev) total += km(prev, p)
        prev = p
      }
      if (start && prev) total += km(prev, start)
      return total
    }
    // Nearest neighbour among stops with coordinates; the others keep their places.
    const placed = d.stops.filter((s) => at(s))
    const tour: typeof placed = []
    let here = start ?? (placed[0] ? at(placed[0]) : null)
    const left = [...placed]
    if (!start && left.length) tour.push(left.shift()!)
    while (left.length) {
      left.sort((a, b) => km(here!, at(a)!) - km(here!, at(b)!))
      const next = left.shift()!
      tour.push(next)
      here = at(next)
    }
    const order = d.stops.map((s) => (at(s) ? tour.shift()! : s))
    const better = length(order) < length(d.stops) ? order : d.stops
    return {
      routeId: id,
      beforeKm: length(d.stops),
      afterKm: length(better),
      order: better.map((s) => s.customerId),
      withoutCoordinates: d.stops.filter((s) => !at(s)).map((s) => s.name),
      fromBase: start !== null,
    }
  }

  async writeRouteSheet(id: string, path: string): Promise<string> {
    const d = this.detail(id)
    this.sheets.set(path, d.stops.map((s) => s.name).join('\n'))
    return path
  }

  async setLastVisit(id: string, date: string): Promise<ArchiveCard> {
    const c = this.card(id)
    if (date > this.today) throw apiError('invalid', `${date} lies in the future; a visit cannot`, [{ field: 'date', code: 'future_date', message: 'in the future' }])
    if (!c.grading.lastVisitOn || c.grading.lastVisitOn < date) c.grading.lastVisitOn = date
    this.touch(c)
    return this.view(c)
  }

  async visitPlan(q: PlanQuery): Promise<VisitPlan> {
    const me = this.requireProfile()
    const staffId = q.staffId ?? me.staffId
    const rep = this.staff.find((s) => s.id === staffId)
    if (!rep) throw apiError('not_found', `staff ${staffId} does not exist in this book`)
    if (q.days < 1 || q.days > 14) throw apiError('invalid', 'a plan covers 1 to 14 days', [{ field: 'days', code: 'out_of_range', message: 'a plan covers 1 to 14 days' }])
    const routes = [...this.routeList.values()].filter((r) => r.ownerId === staffId && !r.retired)
    const cards = [...this.cards.values()].filter((c) => c.fields.ownerId === staffId && c.fields.lifecycle !== 'eliminated')
    const last = new Map(cards.map((c) => [c.id, c.grading.lastVisitOn]))
    const every = (c: StoredCard) => this.scales.levels.find((l) => l.scale === 'customer' && l.code === c.grading.grade)?.visitEveryDays ?? this.ungradedEvery()
    const stop = (c: StoredCard, day: string): PlanStop | null => {
      const lv = last.get(c.id) ?? null
      const due = lv ? addDays(lv, every(c)) : null
      if (due && due > day) return null
      const route = c.grading.routeId ? this.routeList.get(c.grading.routeId) : undefined
      return {
        customerId: c.id,
        name: String(c.fields.name),
        grade: c.grading.grade,
        routeName: route?.name ?? null,
        position: route ? this.stopsOf(route.id).indexOf(c) + 1 : null,
        lastVisitOn: lv,
        dueOn: due,
        overdueDays: due ? Math.max(0, daysBetween(due, day)) : 0,
        status: !due ? 'never_visited' : due < day ? 'overdue' : 'due',
      }
    }
    const days: PlanDay[] = []
    for (let i = 0; i < q.days; i++) {
      const day = addDays(q.date ?? this.today, i)
      const weekday = ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1
      let chosen = routes.filter((r) => r.weekday === weekday).map((r) => ({ r, scheduled: true }))
      if (!chosen.length && weekday <= 6) {
        const best = routes
          .filter((r) => r.weekday == null)
          .map((r) => ({ r, due: this.stopsOf(r.id).filter((c) => stop(c, day)).length }))
          .filter((x) => x.due > 0)
          .sort((a, b) => b.due - a.due)[0]
        if (best) chosen = [{ r: best.r, scheduled: false }]
      }
      const planned = new Set<string>()
      const planRoutes = chosen.map(({ r, scheduled }) => {
        const stops: PlanStop[] = []
        let notDue = 0
        for (const c of this.stopsOf(r.id)) {
          const s = stop(c, day)
          if (s) {
            stops.push(s)
            planned.add(c.id)
          } else notDue += 1
        }
        return { routeId: r.id, name: r.name, scheduled, stops, notDue }
      })
      const working = weekday <= 6 || planRoutes.length > 0
      const overdue = working
        ? cards
            .filter((c) => !planned.has(c.id))
            .map((c) => stop(c, day))
            .filter((s): s is PlanStop => s !== null && s.status === 'overdue')
            .sort((a, b) => b.overdueDays - a.overdueDays || a.name.localeCompare(b.name))
        : []
      const listed = overdue.slice(0, 30)
      for (const s of listed) planned.add(s.customerId)
      for (const id of planned) last.set(id, day)
      days.push({ date: day, weekday, overdue: listed, moreOverdue: overdue.length - listed.length, routes: planRoutes })
    }
    return { staffId, staffName: rep.name, customers: cards.length, days }
  }

  async teamPlan(date?: string): Promise<PlanSummary[]> {
    const out: PlanSummary[] = []
    for (const rep of this.staff.filter((s) => s.role === 'rep')) {
      const plan = await this.visitPlan({ staffId: rep.id, date: date ?? this.today, days: 1 })
      const day = plan.days[0]
      out.push({
        staffId: rep.id,
        staffName: rep.name,
        territoryName: rep.orgUnitName,
        routes: day.routes.map((r) => r.name),
        stops: day.routes.reduce((a, r) => a + r.stops.length, 0),
        overdue: day.overdue.length + day.moreOverdue,
      })
    }
    return out
  }

  // --- Field work: visits, calls, tasks, reports, duties ---

  private visitList: Visit[] = []
  private callList: Call[] = []
  private taskList: Array<Omit<Task, 'overdue'> & { createdOn: string }> = []
  private reportList = new Map<string, StoredReport>()
  private dutyRuleList: DutyRule[] = clone(DEFAULT_DUTY_RULES)
  private reminderList: Reminder[] = clone(DEFAULT_REMINDERS)
  /** Reports written, by path. */
  readonly reportFiles = new Map<string, string>()

  private staffName(id: string): string {
    return this.staff.find((s) => s.id === id)?.name ?? ''
  }

  /** Problems of a timestamp: unreadable, or later than now. */
  private timeProblems(field: string, at: string | undefined | null, problems: FieldProblem[]): number | null {
    if (at == null) return null
    const ms = Date.parse(at)
    if (!/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(ms)) {
      problems.push({ field, code: 'bad_time', message: 'is not a time (RFC 3339)' })
      return null
    }
    if (at.slice(0, 10) > this.today || ms > Date.now() + 60_000) {
      problems.push({ field, code: 'future_time', message: 'lies in the future' })
    }
    return ms
  }

  private nextStepProblems(nextStep: string | undefined, due: string | undefined, day: string, problems: FieldProblem[]) {
    if (due == null || due === '') return
    if (!nextStep?.trim()) problems.push({ field: 'nextStep', code: 'required', message: 'a due date needs a step' })
    if (!/^\d{4}-\d{2}-\d{2}$/.test(due)) problems.push({ field: 'nextStepDue', code: 'bad_date', message: 'is not a date' })
    else if (due < day) problems.push({ field: 'nextStepDue', code: 'before_record', message: 'lies before the visit or call' })
  }

  /** Card changes found by a visit or call, checked; problems under `cardChanges.<field>`. */
  private cardChangeWrites(card: StoredCard, changes: FieldChange[], problems: FieldProblem[]): Record<string, [JsonValue, JsonValue]> {
    if (!changes.length) return {}
    try {
      return this.patch(MEMORY_SCHEMA.customer, card.fields, changes)
    } catch (e) {
      const err = e as ApiError
      problems.push(...err.problems.map((p) => ({ ...p, field: `cardChanges.${p.field}` })))
      return {}
    }
  }

  private applyCardWrites(card: StoredCard, writes: Record<string, [JsonValue, JsonValue]>, source: 'visit' | 'call', sourceId: string): FieldProblem[] {
    for (const [field, [old, next]] of Object.entries(writes)) {
      card.fields[field] = next
      this.log(card.id, 'customer', card.id, null, field, old, next, source, sourceId)
    }
    if (Object.keys(writes).length) this.touch(card)
    const values = Object.fromEntries(Object.entries(writes).map(([k, v]) => [k, v[1]]))
    return this.warnings(MEMORY_SCHEMA.customer, values).map((p) => ({ ...p, field: `cardChanges.${p.field}` }))
  }

  private followUp(title: string, due: string, customerId: string | null, source: 'visit' | 'call', sourceId: string): Task {
    const me = this.requireProfile()
    const task = {
      id: this.newId('task'),
      title,
      dueOn: due,
      doneAt: null,
      customerId,
      customerName: customerId ? String(this.card(customerId).fields.name) : null,
      assigneeId: me.staffId,
      assigneeName: me.name,
      source,
      sourceId,
      createdOn: this.today,
    }
    this.taskList.push(task)
    return this.taskView(task)
  }

  private taskView(t: Omit<Task, 'overdue'> & { createdOn?: string }): Task {
    const { createdOn: _omit, ...task } = t
    return clone({ ...task, overdue: !t.doneAt && t.dueOn < this.today })
  }

  private invalid(problems: FieldProblem[]) {
    if (problems.length) throw apiError('invalid', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems)
  }

  async logVisit(v: NewVisit): Promise<LoggedVisit> {
    const me = this.requireProfile()
    const card = this.card(v.customerId)
    const problems: FieldProblem[] = []
    const item = this.lists.find((l) => l.id === 'visit_type')?.items.find((i) => i.code === v.visitType)
    if (!v.visitType) problems.push({ field: 'visitType', code: 'required', message: 'is required' })
    else if (!item) problems.push({ field: 'visitType', code: 'unknown_code', message: `'${v.visitType}' is not a visit type` })
    else if (item.retired) problems.push({ field: 'visitType', code: 'retired_code', message: 'is retired' })
    const inMs = this.timeProblems('checkedInAt', v.checkedInAt, problems)
    const outMs = this.timeProblems('checkedOutAt', v.checkedOutAt, problems)
    if (inMs !== null && outMs !== null) {
      if (outMs < inMs) problems.push({ field: 'checkedOutAt', code: 'before_check_in', message: 'lies before the check-in' })
      else if (outMs - inMs > 24 * 3_600_000) problems.push({ field: 'checkedOutAt', code: 'too_long', message: 'a visit lasts at most a day' })
    }
    if (v.visitType === 'spot_check' && v.reportConfirmed == null) {
      problems.push({ field: 'reportConfirmed', code: 'required', message: "a spot-check says whether the rep's report held true" })
    }
    if (v.visitType !== 'spot_check' && v.reportConfirmed != null) {
      problems.push({ field: 'reportConfirmed', code: 'not_spot_check', message: 'only spot-checks confirm reports' })
    }
    if ((v.latitude == null) !== (v.longitude == null)) problems.push({ field: 'latitude', code: 'half_coordinates', message: 'give both or neither' })
    const day = v.checkedInAt.slice(0, 10)
    this.nextStepProblems(v.nextStep, v.nextStepDue, day, problems)
    const writes = this.cardChangeWrites(card, v.cardChanges, problems)
    this.invalid(problems)
    const text = (s: string | undefined) => (s?.trim() ? s.trim() : null)
    const visit: Visit = {
      id: this.newId('visit'),
      customerId: card.id,
      customerName: String(card.fields.name),
      staffId: me.staffId,
      staffName: me.name,
      visitType: v.visitType,
      checkedInAt: v.checkedInAt,
      checkedOutAt: v.checkedOutAt ?? null,
      minutes: inMs !== null && outMs !== null ? Math.round((outMs - inMs) / 60_000) : null,
      latitude: v.latitude ?? null,
      longitude: v.longitude ?? null,
      purpose: text(v.purpose),
      stockNotes: text(v.stockNotes),
      competitorNotes: text(v.competitorNotes),
      pricesSeen: text(v.pricesSeen),
      problems: text(v.problems),
      requests: text(v.requests),
      nextStep: text(v.nextStep),
      nextStepDue: v.nextStepDue || null,
      planned: v.planned,
      reportConfirmed: v.reportConfirmed ?? null,
    }
    this.visitList.push(visit)
    if (!card.grading.lastVisitOn || card.grading.lastVisitOn < day) card.grading.lastVisitOn = day
    this.touch(card)
    const warnings = this.applyCardWrites(card, writes, 'visit', visit.id)
    const task = visit.nextStep && visit.nextStepDue ? this.followUp(visit.nextStep, visit.nextStepDue, card.id, 'visit', visit.id) : null
    return { visit: clone(visit), task, warnings }
  }

  async checkOutVisit(id: string, at: string | null): Promise<Visit> {
    const visit = this.visitList.find((v) => v.id === id)
    if (!visit) throw apiError('not_found', `visit ${id} does not exist`)
    const problems: FieldProblem[] = []
    const when = at ?? new Date().toISOString()
    const outMs = this.timeProblems('checkedOutAt', when, problems)
    if (outMs !== null && outMs < Date.parse(visit.checkedInAt)) problems.push({ field: 'checkedOutAt', code: 'before_check_in', message: 'lies before the check-in' })
    this.invalid(problems)
    visit.checkedOutAt = when
    visit.minutes = Math.round((Date.parse(when) - Date.parse(visit.checkedInAt)) / 60_000)
    return clone(visit)
  }

  private inRange(day: string, q: RecordQuery): boolean {
    return (!q.from || day >= q.from) && (!q.to || day <= q.to)
  }

  async visits(q: RecordQuery): Promise<Visit[]> {
    return clone(
      this.visitList
        .filter((v) => (!q.customerId || v.customerId === q.customerId) && (!q.staffId || v.staffId === q.staffId) && this.inRange(v.checkedInAt.slice(0, 10), q))
        .sort((a, b) => Date.parse(b.checkedInAt) - Date.parse(a.checkedInAt))
        .slice(0, q.limit ?? 200),
    )
  }

  async logCall(c: NewCall): Promise<LoggedCall> {
    const me = this.requireProfile()
    const problems: FieldProblem[] = []
    if (!c.customerId && !c.colleagueId) problems.push({ field: 'customerId', code: 'required', message: 'a call is with a customer or a colleague' })
    if (c.customerId && c.colleagueId) problems.push({ field: 'colleagueId', code: 'both', message: 'a customer or a colleague, not both' })
    if (c.colleagueId === me.staffId) problems.push({ field: 'colleagueId', code: 'self', message: 'not yourself' })
    else if (c.colleagueId && !this.staff.some((s) => s.id === c.colleagueId)) problems.push({ field: 'colleagueId', code: 'unknown_ref', message: 'no such colleague' })
    const card = c.customerId ? this.card(c.customerId) : null
    this.timeProblems('calledAt', c.calledAt, problems)
    if (c.durationSeconds < 0) problems.push({ field: 'durationSeconds', code: 'negative', message: 'cannot be negative' })
    else if (c.durationSeconds > 86_400) problems.push({ field: 'durationSeconds', code: 'too_long', message: 'at most a day' })
    if (c.summary && [...c.summary].length > 2000) problems.push({ field: 'summary', code: 'too_long', message: 'too long' })
    this.nextStepProblems(c.nextStep, c.nextStepDue, c.calledAt.slice(0, 10), problems)
    const writes = card ? this.cardChangeWrites(card, c.cardChanges, problems) : {}
    this.invalid(problems)
    const text = (s: string | undefined) => (s?.trim() ? s.trim() : null)
    const call: Call = {
      id: this.newId('call'),
      staffId: me.staffId,
      staffName: me.name,
      customerId: card?.id ?? null,
      customerName: card ? String(card.fields.name) : null,
      colleagueId: c.colleagueId ?? null,
      colleagueName: c.colleagueId ? this.staffName(c.colleagueId) : null,
      direction: c.direction,
      calledAt: c.calledAt,
      durationSeconds: c.durationSeconds,
      summary: text(c.summary),
      nextStep: text(c.nextStep),
      nextStepDue: c.nextStepDue || null,
    }
    this.callList.push(call)
    const warnings = card ? this.applyCardWrites(card, writes, 'call', call.id) : []
    const task = call.nextStep && call.nextStepDue ? this.followUp(call.nextStep, call.nextStepDue, call.customerId, 'call', call.id) : null
    return { call: clone(call), task, warnings }
  }

  async calls(q: RecordQuery): Promise<Call[]> {
    return clone(
      this.callList
        .filter((c) => (!q.customerId || c.customerId === q.customerId) && (!q.staffId || c.staffId === q.staffId) && this.inRange(c.calledAt.slice(0, 10), q))
        .sort((a, b) => Date.parse(b.calledAt) - Date.parse(a.calledAt))
        .slice(0, q.limit ?? 200),
    )
  }

  async addTask(n: NewTask): Promise<Task> {
    const me = this.requireProfile()
    const problems: FieldProblem[] = []
    if (!n.title.trim()) problems.push({ field: 'title', code: 'required', message: 'is required' })
    if (!/^\d{4}-\d{2}-\d{2}$/.test(n.dueOn)) problems.push({ field: 'dueOn', code: 'bad_date', message: 'is not a date' })
    this.invalid(problems)
    const assignee = this.staff.find((s) => s.id === (n.assigneeId ?? me.staffId))
    if (!assignee) throw apiError('not_found', 'no such person')
    const task = {
      id: this.newId('task'),
      title: n.title.trim(),
      dueOn: n.dueOn,
      doneAt: null,
      customerId: n.customerId ?? null,
      customerName: n.customerId ? String(this.card(n.customerId).fields.name) : null,
      assigneeId: assignee.id,
      assigneeName: assignee.name,
      source: 'manual' as const,
      sourceId: null,
      createdOn: this.today,
    }
    this.taskList.push(task)
    return this.taskView(task)
  }

  async setTaskDone(id: string, done: boolean): Promise<Task> {
    const task = this.taskList.find((t) => t.id === id)
    if (!task) throw apiError('not_found', `task ${id} does not exist`)
    task.doneAt = done ? (task.doneAt ?? this.now()) : null
    return this.taskView(task)
  }

  async tasks(q: TaskQuery): Promise<Task[]> {
    const me = this.requireProfile()
    const assignee = q.assigneeId ?? (q.customerId ? undefined : me.staffId)
    return this.taskList
      .filter((t) => (!q.customerId || t.customerId === q.customerId) && (!assignee || t.assigneeId === assignee) && (q.includeDone || !t.doneAt))
      .sort((a, b) => Number(!!a.doneAt) - Number(!!b.doneAt) || a.dueOn.localeCompare(b.dueOn))
      .slice(0, q.limit ?? 200)
      .map((t) => this.taskView(t))
  }

  // Reports

  private period(kind: ReportKind, day: string): [string, string] {
    if (kind === 'weekly') {
      const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7
      const start = addDays(day, -weekday)
      return [start, addDays(start, 6)]
    }
    if (kind === 'monthly') {
      const start = `${day.slice(0, 7)}-01`
      const next = new Date(`${start}T00:00:00Z`)
      next.setUTCMonth(next.getUTCMonth() + 1)
      return [start, addDays(next.toISOString().slice(0, 10), -1)]
    }
    return [day, day]
  }

  private assemble(staffId: string, start: string, end: string): ReportContent {
    const within = (d: string | null | undefined) => !!d && d >= start && d <= end
    const visits = this.visitList.filter((v) => v.staffId === staffId && within(v.checkedInAt.slice(0, 10)))
    const calls = this.callList.filter((c) => c.staffId === staffId && within(c.calledAt.slice(0, 10)))
    const mine = this.taskList.filter((t) => t.assigneeId === staffId)
    const tasksDone = mine.filter((t) => within(t.doneAt?.slice(0, 10))).map((t) => this.taskView(t))
    const tasksCreated = mine.filter((t) => within(t.createdOn)).map((t) => this.taskView(t))
    const tasksOverdue = mine.filter((t) => !t.doneAt && t.dueOn < end).map((t) => this.taskView(t))
    const minutes = (s: number) => Math.round(s / 60)
    const days: DayTotals[] = []
    for (let d = start; d <= end; d = addDays(d, 1)) {
      const dv = visits.filter((v) => v.checkedInAt.startsWith(d))
      const dc = calls.filter((c) => c.calledAt.startsWith(d))
      if (dv.length || dc.length) {
        days.push({ day: d, visits: dv.length, customersVisited: new Set(dv.map((v) => v.customerId)).size, calls: dc.length, callMinutes: minutes(dc.reduce((a, c) => a + c.durationSeconds, 0)) })
      }
    }
    const customers = new Map<string, CustomerTotals>()
    const touchCustomer = (id: string, name: string, at: string, visit: boolean) => {
      const c = customers.get(id) ?? { customerId: id, customerName: name, visits: 0, calls: 0, lastContact: at.slice(0, 10) }
      if (visit) c.visits += 1
      else c.calls += 1
      if (at.slice(0, 10) > c.lastContact) c.lastContact = at.slice(0, 10)
      customers.set(id, c)
    }
    for (const v of visits) touchCustomer(v.customerId, v.customerName, v.checkedInAt, true)
    for (const c of calls) if (c.customerId) touchCustomer(c.customerId, c.customerName ?? '', c.calledAt, false)
    return clone({
      totals: {
        visits: visits.length,
        customersVisited: new Set(visits.map((v) => v.customerId)).size,
        plannedVisits: visits.filter((v) => v.planned).length,
        spotChecks: visits.filter((v) => v.visitType === 'spot_check').length,
        visitMinutes: visits.reduce((a, v) => a + (v.minutes ?? 0), 0),
        calls: calls.length,
        customerCalls: calls.filter((c) => c.customerId).length,
        colleagueCalls: calls.filter((c) => c.colleagueId).length,
        callMinutes: minutes(calls.reduce((a, c) => a + c.durationSeconds, 0)),
        tasksDone: tasksDone.length,
        tasksCreated: tasksCreated.length,
        tasksOverdue: tasksOverdue.length,
      },
      visits,
      calls,
      tasksDone,
      tasksCreated,
      tasksOverdue,
      days,
      customers: [...customers.values()].sort((a, b) => b.visits + b.calls - (a.visits + a.calls)),
    })
  }

  private reportView(r: StoredReport): Report {
    const me = this.requireProfile()
    const content = r.content ?? this.assemble(r.authorId, r.periodStart, r.periodEnd)
    return clone({
      id: r.id,
      authorId: r.authorId,
      authorName: this.staffName(r.authorId),
      kind: r.kind,
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
      status: r.status,
      submittedAt: r.submittedAt,
      summary: r.summary,
      customerId: r.customerId,
      customerName: r.customerId ? String(this.cards.get(r.customerId)?.fields.name ?? '') : null,
      topic: r.topic,
      title: r.title,
      content,
      comments: r.comments,
      editable: r.authorId === me.staffId && r.status === 'draft' && r.periodStart <= this.today,
    })
  }

  /** The stored report of a period, or a fresh draft (not stored until saved). */
  private periodReport(kind: ReportKind, day: string | undefined, staffId: string): StoredReport {
    const [start, end] = this.period(kind, day ?? this.today)
    const id = `report-${staffId}-${kind}-${start}`
    return (
      this.reportList.get(id) ?? {
        id,
        authorId: staffId,
        kind,
        periodStart: start,
        periodEnd: end,
        status: 'draft',
        submittedAt: null,
        summary: null,
        customerId: null,
        topic: null,
        title: null,
        content: null,
        comments: [],
        readBy: new Set(),
      }
    )
  }

  async report(q: ReportQuery): Promise<Report> {
    const me = this.requireProfile()
    return this.reportView(this.periodReport(q.kind, q.day, q.staffId ?? me.staffId))
  }

  private teamOf(me: Profile): Set<string> {
    const units = this.unitAndBelow(me.orgUnitId)
    return new Set(this.staff.filter((s) => s.id !== me.staffId && units.has(s.orgUnitId)).map((s) => s.id))
  }

  async openReport(id: string): Promise<Report> {
    const me = this.requireProfile()
    const r = this.reportList.get(id)
    if (!r) throw apiError('not_found', `report ${id} does not exist`)
    if (r.authorId !== me.staffId) {
      if (me.role === 'rep' || !this.teamOf(me).has(r.authorId)) throw apiError('forbidden', 'only the author and their managers read a report')
      r.readBy.add(me.staffId)
    }
    return this.reportView(r)
  }

  private writable(input: ReportSummaryInput): StoredReport {
    const me = this.requireProfile()
    const r = this.periodReport(input.kind, input.day, me.staffId)
    if (r.periodStart > this.today) throw apiError('invalid', 'the period has not begun', [{ field: 'day', code: 'period_not_started', message: 'the period has not begun' }])
    if (r.status === 'submitted') throw apiError('invalid', 'already submitted', [{ field: 'report', code: 'already_submitted', message: 'was submitted already' }])
    if ([...input.summary].length > 4000) throw apiError('invalid', 'too long', [{ field: 'summary', code: 'too_long', message: 'at most 4000 characters' }])
    return r
  }

  async saveReport(input: ReportSummaryInput): Promise<Report> {
    const r = this.writable(input)
    r.summary = input.summary.trim() || null
    this.reportList.set(r.id, r)
    return this.reportView(r)
  }

  async submitReport(input: ReportSummaryInput): Promise<Report> {
    const r = this.writable(input)
    if (input.kind === 'daily' && !input.summary.trim()) {
      throw apiError('invalid', 'a daily report needs a summary', [{ field: 'summary', code: 'required', message: 'is required' }])
    }
    r.summary = input.summary.trim() || null
    r.status = 'submitted'
    r.submittedAt = this.now()
    r.content = this.assemble(r.authorId, r.periodStart, r.periodEnd)
    this.reportList.set(r.id, r)
    return this.reportView(r)
  }

  async urgentReport(n: NewUrgentReport): Promise<Report> {
    const me = this.requireProfile()
    const problems: FieldProblem[] = []
    if (!n.customerId) this.invalid([{ field: 'customerId', code: 'required', message: 'is required' }])
    if (!this.seesCustomer(me, this.card(n.customerId))) {
      throw apiError('forbidden', 'this customer is not yours: report on customers of your own part of the organisation')
    }
    if (!n.title.trim()) problems.push({ field: 'title', code: 'required', message: 'say in a line what is urgent' })
    else if ([...n.title.trim()].length > 2000) problems.push({ field: 'title', code: 'too_long', message: 'at most 2000 characters fit' })
    if ([...n.summary.trim()].length > 2000) problems.push({ field: 'summary', code: 'too_long', message: 'at most 2000 characters fit' })
    this.invalid(problems)
    const r: StoredReport = {
      id: this.newId('report'),
      authorId: me.staffId,
      kind: 'urgent',
      periodStart: this.today,
      periodEnd: this.today,
      status: 'submitted',
      submittedAt: this.now(),
      summary: n.summary.trim() || null,
      customerId: n.customerId,
      topic: n.topic,
      title: n.title.trim(),
      content: this.assemble(me.staffId, this.today, this.today),
      comments: [],
      readBy: new Set(),
    }
    this.reportList.set(r.id, r)
    return this.reportView(r)
  }

  async commentReport(id: string, body: string): Promise<Report> {
    const me = this.requireProfile()
    const r = this.reportList.get(id)
    if (!r) throw apiError('not_found', `report ${id} does not exist`)
    if (r.authorId !== me.staffId && (me.role === 'rep' || !this.teamOf(me).has(r.authorId))) {
      throw apiError('forbidden', 'only the author and their managers comment on a report')
    }
    if (!body.trim()) throw apiError('invalid', 'empty comment', [{ field: 'body', code: 'required', message: 'is required' }])
    if (r.status !== 'submitted') throw apiError('invalid', 'not submitted', [{ field: 'report', code: 'not_submitted', message: 'is not submitted yet' }])
    r.comments.push({ id: this.newId('comment'), authorId: me.staffId, authorName: me.name, body: body.trim(), createdAt: this.now() })
    return this.reportView(r)
  }

  async reports(q: ReportListQuery): Promise<ReportLine[]> {
    const me = this.requireProfile()
    // A rep's list is their own reports; a manager's, their team's.
    const team = me.role === 'rep' ? new Set([me.staffId]) : this.teamOf(me)
    return [...this.reportList.values()]
      .filter((r) => r.status === 'submitted' && team.has(r.authorId))
      .filter((r) => (!q.staffId || r.authorId === q.staffId) && (!q.kind || r.kind === q.kind))
      .filter((r) => (!q.from || r.periodStart >= q.from) && (!q.to || r.periodStart <= q.to))
      .filter((r) => !q.unreadOnly || !r.readBy.has(me.staffId))
      .map((r) => {
        const v = this.reportView(r)
        return {
          id: v.id,
          authorId: v.authorId,
          authorName: v.authorName,
          kind: v.kind,
          periodStart: v.periodStart,
          periodEnd: v.periodEnd,
          submittedAt: v.submittedAt ?? '',
          title: v.title,
          topic: v.topic,
          customerName: v.customerName,
          summary: v.summary,
          totals: v.content.totals,
          read: r.readBy.has(me.staffId),
          comments: v.comments.length,
        }
      })
      .sort((a, b) => {
        const rank = (l: ReportLine) => (l.read ? 2 : l.kind === 'urgent' ? 0 : 1)
        return rank(a) - rank(b) || b.submittedAt.localeCompare(a.submittedAt)
      })
      .slice(0, q.limit ?? 200)
  }

  async exportReport(which: ReportRef, path: string): Promise<string> {
    const r = which.id ? await this.openReport(which.id) : await this.report(which.query ?? { kind: 'daily' })
    this.reportFiles.set(path, r.id)
    return path
  }

  // Duties

  async dutyRules(): Promise<DutyRule[]> {
    return clone(this.dutyRuleList)
  }

  async saveDutyRule(input: DutyRuleInput): Promise<DutyRule> {
    this.requireOffice('duty rules')
    const problems: FieldProblem[] = []
    const need = (field: string, value: number | null | undefined, min: number, max: number, what: string) => {
      if (value == null) problems.push({ field, code: 'required', message: `this kind of rule needs ${what}` })
      else if (value < min || value > max) problems.push({ field, code: 'out_of_range', message: `must be between ${min} and ${max}` })
    }
    switch (input.kind) {
      case 'contact_customers':
        need('perTarget', input.perTarget, 1, 100, 'contacts per customer')
        break
      case 'contact_staff':
        need('perTarget', input.perTarget, 1, 100, 'calls per colleague')
        if (!input.staffRole || input.staffRole === 'head_office') problems.push({ field: 'staffRole', code: 'required', message: "choose the colleagues' role" })
        break
      case 'visit_customers':
      case 'spot_checks':
        need('minCount', input.minCount, 0, 100_000, 'a least number of customers')
        need('minShare', input.minShare, 0, 100, 'a least share of customers (%)')
        break
      case 'grade_frequency':
        break
    }
    if (input.kind !== 'contact_staff' && input.staffRole != null) {
      problems.push({ field: 'staffRole', code: 'not_used', message: 'only a rule on contacting colleagues names their role' })
    }
    this.invalid(problems)
    const at = input.id ? this.dutyRuleList.findIndex((r) => r.id === input.id) : -1
    if (input.id && at < 0) throw apiError('not_found', `duty rule ${input.id} does not exist`)
    const rule: DutyRule = {
      id: input.id ?? `${input.role}/${input.kind}-${this.nextId++}`,
      role: input.role,
      kind: input.kind,
      staffRole: input.staffRole ?? null,
      channelLevels: input.channelLevels,
      perTarget: input.perTarget ?? null,
      minCount: input.minCount ?? null,
      minShare: input.minShare ?? null,
      position: at >= 0 ? this.dutyRuleList[at].position : this.dutyRuleList.length + 1,
      active: input.active,
    }
    if (at >= 0) this.dutyRuleList[at] = rule
    else this.dutyRuleList.push(rule)
    return clone(rule)
  }

  /** The last contact (visit or call) of a person with a customer, or of anyone when `staffId` is null. */
  private contactsIn(staffId: string | null, month: string) {
    const visits = this.visitList.filter((v) => (!staffId || v.staffId === staffId) && v.checkedInAt.startsWith(month))
    const calls = this.callList.filter((c) => (!staffId || c.staffId === staffId) && c.calledAt.startsWith(month))
    return { visits, calls }
  }

  private lastContact(customerId: string): string | null {
    const days = [
      ...this.visitList.filter((v) => v.customerId === customerId).map((v) => v.checkedInAt.slice(0, 10)),
      ...this.callList.filter((c) => c.customerId === customerId).map((c) => c.calledAt.slice(0, 10)),
      this.cards.get(customerId)?.grading.lastVisitOn ?? '',
    ].filter(Boolean)
    return days.sort().pop() ?? null
  }

  private ruleResult(person: Staff, rule: DutyRule, month: string, asOf: string): RuleResult {
    const units = this.unitAndBelow(person.orgUnitId)
    const scope = [...this.cards.values()].filter(
      (c) => units.has(String(c.fields.territoryId)) && (!rule.channelLevels.length || rule.channelLevels.includes(c.fields.channelLevel as ChannelLevel)),
    )
    const { visits, calls } = this.contactsIn(person.id, month)
    const result = (done: number, required: number, behind: Behind[]): RuleResult => ({
      ruleId: rule.id,
      kind: rule.kind,
      staffRole: rule.staffRole,
      perTarget: rule.perTarget,
      done,
      required,
      met: done >= required,
      behind: behind.slice(0, 20),
      behindCount: behind.length,
    })
    if (rule.kind === 'contact_customers' || rule.kind === 'contact_staff') {
      const per = rule.perTarget ?? 1
      const targets =
        rule.kind === 'contact_customers'
          ? scope.map((c) => ({ id: c.id, name: String(c.fields.name) }))
          : this.staff.filter((s) => s.id !== person.id && s.role === rule.staffRole && units.has(s.orgUnitId)).map((s) => ({ id: s.id, name: s.name }))
      const count = (id: string) =>
        rule.kind === 'contact_customers'
          ? visits.filter((v) => v.customerId === id).length + calls.filter((c) => c.customerId === id).length
          : calls.filter((c) => c.colleagueId === id).length
      const last = (id: string) => (rule.kind === 'contact_customers' ? this.lastContact(id) : calls.filter((c) => c.colleagueId === id).map((c) => c.calledAt.slice(0, 10)).sort().pop() ?? null)
      const behind = targets
        .map((t) => ({ id: t.id, name: t.name, count: count(t.id), needed: per, lastContact: last(t.id) }))
        .filter((b) => b.count < per)
        .sort((a, b) => a.count - b.count)
      return result(targets.length - behind.length, targets.length, behind)
    }
    if (rule.kind === 'visit_customers' || rule.kind === 'spot_checks') {
      const counted = visits.filter((v) => rule.kind === 'visit_customers' || v.visitType === 'spot_check')
      const seen = new Set(counted.filter((v) => scope.some((c) => c.id === v.customerId)).map((v) => v.customerId))
      const required = Math.min(scope.length, Math.max(rule.minCount ?? 0, Math.ceil(((rule.minShare ?? 0) * scope.length) / 100)))
      const behind = scope
        .filter((c) => !seen.has(c.id))
        .map((c) => ({ id: c.id, name: String(c.fields.name), count: 0, needed: 1, lastContact: this.lastContact(c.id) }))
      return result(seen.size, required, seen.size >= required ? [] : behind)
    }
    // grade_frequency: the person's customers, each visited as often as its grade asks.
    const own = [...this.cards.values()].filter((c) => c.fields.ownerId === person.id && c.fields.lifecycle !== 'eliminated')
    const behind = own
      .map((c) => {
        const every = this.grading(c).visitEveryDays
        const last = c.grading.lastVisitOn
        return { id: c.id, name: String(c.fields.name), count: last ? daysBetween(last, asOf) : 9999, needed: every, lastContact: last }
      })
      .filter((b) => b.count > b.needed)
      .sort((a, b) => b.count - a.count)
    return result(own.length - behind.length, own.length, behind)
  }

  async compliance(q: ComplianceQuery): Promise<Compliance> {
    const me = this.requireProfile()
    const thisMonth = this.today.slice(0, 7)
    const month = q.month ?? thisMonth
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw apiError('invalid', 'not a month', [{ field: 'month', code: 'bad_month', message: 'is not a month (YYYY-MM)' }])
    if (month > thisMonth) throw apiError('invalid', 'future month', [{ field: 'month', code: 'future_month', message: 'lies in the future' }])
    const [, end] = this.period('monthly', `${month}-01`)
    const asOf = month === thisMonth ? this.today : end
    const orgUnitId = q.orgUnitId ?? me.orgUnitId
    const units = this.unitAndBelow(orgUnitId)
    const people = this.staff.filter((s) => s.active && (q.staffId ? s.id === q.staffId : units.has(s.orgUnitId)) && s.role !== 'head_office')
    const rules = this.dutyRuleList.filter((r) => r.active).sort((a, b) => a.position - b.position)
    const noContactDays = q.noContactDays ?? 30
    return clone({
      month,
      asOf,
      orgUnitId,
      noContactDays,
      people: people.map((p) => {
        const results = rules.filter((r) => r.role === p.role).map((r) => this.ruleResult(p, r, month, asOf))
        return { staffId: p.id, name: p.name, role: p.role, unitName: p.orgUnitName, rules: results, met: results.every((r) => r.met) }
      }),
      noContact: people
        .filter((p) => p.role === 'rep')
        .map((p) => {
          const customers = [...this.cards.values()]
            .filter((c) => c.fields.ownerId === p.id && c.fields.lifecycle !== 'eliminated')
            .map((c) => {
              const last = this.lastContact(c.id)
              return { customerId: c.id, name: String(c.fields.name), grade: c.grading.grade, lastContact: last, days: last ? daysBetween(last, asOf) : null }
            })
            .filter((c) => c.days === null || c.days >= noContactDays)
            .sort((a, b) => (b.days ?? 1e9) - (a.days ?? 1e9))
          return { staffId: p.id, name: p.name, customers: customers.slice(0, 20), count: customers.length }
        })
        .filter((g) => g.count > 0),
    })
  }

  async reminders(): Promise<Reminder[]> {
    return clone(this.reminderList)
  }

  async saveReminder(input: ReminderInput): Promise<Reminder> {
    this.requireOffice('reminders')
    const problems: FieldProblem[] = []
    for (const [field, label] of [['labelZh', input.labelZh], ['labelEn', input.labelEn]] as const) {
      const n = [...label.trim()].length
      if (n === 0) problems.push({ field, code: 'required', message: 'is required' })
      else if (n > 120) problems.push({ field, code: 'too_long', message: 'at most 120 characters fit' })
    }
    if (input.dayOfMonth < 1 || input.dayOfMonth > 31) problems.push({ field: 'dayOfMonth', code: 'out_of_range', message: 'a day of the month is 1 to 31' })
    if (input.dueDay != null && (input.dueDay < 1 || input.dueDay > 31 || input.dueDay < input.dayOfMonth)) {
      problems.push({ field: 'dueDay', code: 'out_of_range', message: "the due day lies in the same month, on or after the reminder's day" })
    }
    if (input.leadDays > 14) problems.push({ field: 'leadDays', code: 'out_of_range', message: 'show a reminder at most 14 days ahead' })
    this.invalid(problems)
    const at = input.id ? this.reminderList.findIndex((r) => r.id === input.id) : -1
    const reminder: Reminder = {
      id: input.id ?? this.newId('reminder'),
      labelZh: input.labelZh.trim(),
      labelEn: input.labelEn.trim(),
      dayOfMonth: input.dayOfMonth,
      dueDay: input.dueDay ?? null,
      leadDays: input.leadDays,
      roles: input.roles,
      active: input.active,
    }
    if (at >= 0) this.reminderList[at] = reminder
    else this.reminderList.push(reminder)
    return clone(reminder)
  }

  /** A reminder's day in the month of `day` (past the month's end: its last day). */
  private dayIn(day: string, dom: number): string {
    const [, last] = this.period('monthly', day)
    return `${day.slice(0, 8)}${String(Math.min(dom, Number(last.slice(8, 10)))).padStart(2, '0')}`
  }

  async home(): Promise<Home> {
    const me = this.requireProfile()
    const today = this.today
    const reminders: ReminderDue[] = []
    for (const r of this.reminderList) {
      if (!r.active || (r.roles.length && !r.roles.includes(me.role))) continue
      for (const month of [addDays(`${today.slice(0, 7)}-01`, -1), today, addDays(this.period('monthly', today)[1], 1)]) {
        const on = this.dayIn(month, r.dayOfMonth)
        const due = r.dueDay && r.dueDay > r.dayOfMonth ? this.dayIn(month, r.dueDay) : on
        const inDays = daysBetween(today, on)
        if (inDays <= r.leadDays && today <= due) {
          reminders.push({ id: r.id, labelZh: r.labelZh, labelEn: r.labelEn, on, due, inDays })
          break
        }
      }
    }
    reminders.sort((a, b) => a.inDays - b.inDays)
    const soon = addDays(today, 7)
    const open = this.taskList.filter((t) => t.assigneeId === me.staffId && !t.doneAt)
    const team = me.role === 'rep' ? [] : await this.reports({ unreadOnly: true })
    return {
      today,
      reminders,
      tasks: open
        .filter((t) => t.dueOn <= soon)
        .sort((a, b) => a.dueOn.localeCompare(b.dueOn))
        .map((t) => this.taskView(t)),
      overdueTasks: open.filter((t) => t.dueOn < today).length,
      visitsToday: this.visitList.filter((v) => v.staffId === me.staffId && v.checkedInAt.startsWith(today)).length,
      callsToday: this.callList.filter((c) => c.staffId === me.staffId && c.calledAt.startsWith(today)).length,
      dailySubmitted: this.reportList.get(`report-${me.staffId}-daily-${today}`)?.status === 'submitted',
      urgentUnread: team.filter((l) => l.kind === 'urgent'),
      unreadReports: team.length,
    }
  }

  // --- Sales data: products, spreadsheet imports, analyses, Excel exports ---

  private salesCard(c: StoredCard): SalesCard {
    return {
      id: c.id,
      name: String(c.fields.name),
      grade: c.grading.grade,
      creditGrade: c.grading.creditGrade,
      channelType: this.codeOf(c, 'channel_type'),
      ownerId: String(c.fields.ownerId),
      territoryId: String(c.fields.territoryId),
    }
  }

  /** The cards an analysis covers (the viewer's, narrowed to a unit) and its period, checked. */
  private salesView(q: AnalysisQuery): [SalesView, Period] {
    const me = this.requireProfile()
    const problems: FieldProblem[] = (['from', 'to'] as const)
      .filter((k) => !/^\d{4}-\d{2}-\d{2}$/.test(q[k]))
      .map((k) => ({ field: k, code: 'not_date', message: 'write the day as YYYY-MM-DD' }))
    if (!problems.length && q.to < q.from) problems.push({ field: 'to', code: 'before_from', message: 'the period ends before it begins; swap the two days' })
    if (problems.length) throw apiError('invalid', problems[0].message, problems)
    const unit = q.unitId ? this.units.find((u) => u.id === q.unitId) : undefined
    if (q.unitId && !unit) throw apiError('not_found', `org unit ${q.unitId} does not exist`)
    if (unit && me.role !== 'head_office' && !this.unitAndBelow(me.orgUnitId).has(unit.id)) {
      throw apiError('forbidden', `${unit.name} lies outside your part of the organisation; choose a unit of your own`)
    }
    const below = unit ? this.unitAndBelow(unit.id) : null
    const unitId = unit?.id ?? (me.role === 'head_office' ? null : me.orgUnitId)
    const channels = this.lists.find((l) => l.id === 'channel_type')?.items ?? []
    const view: SalesView = {
      cards: [...this.cards.values()].filter((c) => this.seesCustomer(me, c) && (!below || below.has(String(c.fields.territoryId)))).map((c) => this.salesCard(c)),
      lines: this.salesLines,
      products: this.productList,
      staff: this.staff,
      units: this.units,
      scales: this.scales,
      channelTypes: channels.map((i) => ({ key: i.code, labelZh: i.labelZh, labelEn: i.labelEn })),
      scope: { unitId, unitName: this.units.find((u) => u.id === (unitId ?? this.units[0].id))?.name ?? '', ownerOnly: me.role === 'rep' },
      top: me.role === 'head_office' ? null : me.orgUnitId,
    }
    return [view, { from: q.from, to: q.to }]
  }

  async products(): Promise<Product[]> {
    return clone(this.productList)
  }

  async saveProduct(input: ProductInput): Promise<Product[]> {
    this.requireOffice('the product catalogue')
    this.upsertProduct(input)
    return this.products()
  }

  private upsertProduct(input: ProductInput) {
    const problems: FieldProblem[] = (['code', 'name'] as const).filter((k) => !input[k]?.trim()).map((field) => ({ field, code: 'required', message: 'this field is required' }))
    if (input.caseSize != null && (input.caseSize < 1 || input.caseSize > 100_000)) problems.push({ field: 'caseSize', code: 'out_of_range', message: 'a case holds between 1 and 100000 units' })
    if (input.listPrice != null && (input.listPrice < 0 || input.listPrice > 1_000_000_000_000)) problems.push({ field: 'listPrice', code: 'out_of_range', message: 'a list price is between 0 and 10 billion yuan' })
    if (problems.length) throw apiError('invalid', problems[0].message, problems)
    const known = this.productList.find((p) => p.code === input.code.trim())
    // As the book does: what the input leaves out is cleared, except whether the product is retired.
    const product: Product = {
      id: known?.id ?? this.newId('p'),
      code: input.code.trim(),
      name: input.name.trim(),
      category: input.category?.trim() || null,
      line: input.line?.trim() || null,
      unit: input.unit?.trim() || '件',
      caseSize: input.caseSize ?? null,
      listPrice: input.listPrice ?? null,
      retired: input.retired ?? known?.retired ?? false,
    }
    this.productList = known ? this.productList.map((p) => (p.id === known.id ? product : p)) : [...this.productList, product]
  }

  async salesOverview(): Promise<SalesOverview> {
    const days = this.salesLines.map((l) => l.soldOn).sort()
    return {
      products: this.productList.length,
      lines: this.salesLines.length,
      customers: new Set(this.salesLines.map((l) => l.customerId)).size,
      firstDay: days[0] ?? null,
      lastDay: days[days.length - 1] ?? null,
      amount: this.salesLines.reduce((t, l) => t + l.amount, 0),
    }
  }

  async customerSales(id: string, limit: number): Promise<CustomerSalesLine[]> {
    if (!this.seesCustomer(this.requireProfile(), this.card(id))) throw apiError('forbidden', 'this customer is outside your part of the organisation')
    return this.salesLines
      .filter((l) => l.customerId === id)
      .sort((a, b) => b.soldOn.localeCompare(a.soldOn) || b.id.localeCompare(a.id))
      .slice(0, limit)
      .map((l) => {
        const p = this.productList.find((x) => x.id === l.productId)
        return { id: l.id, soldOn: l.soldOn, productCode: p?.code ?? '', productName: p?.name ?? '', unit: p?.unit ?? '', quantity: l.quantity, amount: l.amount, kind: l.kind, document: l.document }
      })
  }

  private spreadsheet(path: string): MemorySpreadsheet {
    const file = this.spreadsheets.get(path)
    if (!file) throw apiError('invalid', `${path} does not exist`, [{ field: 'file', code: 'not_a_file', message: `${path} does not exist; check the path` }])
    return file
  }

  async importPreview(path: string, kind: ImportKind, sheet?: string | null): Promise<ImportPreview> {
    return { ...preview(path, this.spreadsheet(path), kind, sheet), previous: clone(this.importsDone.get(`${kind} ${path}`) ?? null) }
  }

  async runImport(request: ImportRequest, commit: boolean, onProgress?: (p: ImportProgress) => void): Promise<SheetImportReport> {
    const me = this.requireProfile()
    if (request.kind !== 'customers' && me.role !== 'head_office') {
      throw apiError('forbidden', 'only head office imports people, products and sales lines; send the file to head office')
    }
    this.importCancelled = false
    onProgress?.({ phase: 'reading', done: 0, total: 0 })
    const [sheet, [headers, ...rows]] = sheetOf(this.spreadsheet(request.path), request.sheet)
    const mapping = checkMapping(request.kind, headers, request.mapping)
    // The real import checks for a cancel between rows; here, once, after a turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 0))
    if (this.importCancelled) throw apiError('invalid', 'the import was cancelled; nothing was imported', [{ field: 'import', code: 'cancelled', message: 'the import was cancelled; nothing was imported' }])
    const cards = [...this.cards.values()].map((c) => ({ ...this.salesCard(c), phone: (c.fields.phone as string | null) ?? null, code: (c.fields.code as string | null) ?? null, ownerName: this.staffName(String(c.fields.ownerId)) }))
    const plans = planRows(request.kind, headers, rows, mapping, request, { cards, staff: this.staff, products: this.productList, today: this.today })
    onProgress?.({ phase: 'checking', done: rows.length, total: rows.length })
    const count = (a: RowPlan['outcome']['action']) => plans.filter((p) => p.outcome.action === a).length
    const key = `${request.kind} ${request.path}`
    const report: SheetImportReport = {
      kind: request.kind,
      committed: commit,
      fileName: request.path.slice(request.path.lastIndexOf('/') + 1),
      sheet,
      rows: rows.length,
      created: count('create'),
      updated: count('update'),
      unchanged: count('unchanged'),
      skipped: count('skip'),
      duplicates: count('duplicate'),
      refused: count('refuse'),
      outcomes: [...plans.filter((p) => ['refuse', 'duplicate'].includes(p.outcome.action)), ...plans.filter((p) => !['refuse', 'duplicate'].includes(p.outcome.action))].map((p) => p.outcome),
      outcomesTruncated: false,
      previous: clone(this.importsDone.get(key) ?? null),
      notes: [],
    }
    if (commit) {
      const writes = plans.filter((p) => p.outcome.action === 'create' || p.outcome.action === 'update')
      writes.forEach((p, i) => {
        onProgress?.({ phase: 'writing', done: i, total: writes.length })
        this.writeRow(request.kind, p)
      })
      onProgress?.({ phase: 'writing', done: writes.length, total: writes.length })
      this.importsDone.set(key, { importedAt: this.now(), staffName: me.name, created: report.created, updated: report.updated })
    }
    return clone(report)
  }

  /** Writes one planned row (create or update). */
  private writeRow(kind: ImportKind, { outcome, values: v, target }: RowPlan) {
    if (kind === 'customers') {
      const owner = this.staff.find((s) => s.name === v.owner)
      const fields = { name: v.name, code: v.code ?? null, phone: v.phone ?? null, notes: v.notes ?? null, ...(owner ? { ownerId: owner.id, territoryId: owner.orgUnitId } : {}) }
      if (outcome.action === 'create') this.insert(this.withDefaults(fields), 'import')
      else if (target) {
        const card = this.card(target)
        Object.assign(card.fields, Object.fromEntries(Object.entries(fields).filter(([, x]) => x != null)))
        this.touch(card)
      }
    } else if (kind === 'products') {
      const listPrice = v.listPrice ? Math.round(Number(v.listPrice) * 100) : undefined
      this.upsertProduct({ code: v.code, name: v.name, line: v.line, unit: v.unit, category: v.category, caseSize: v.caseSize ? Number(v.caseSize) : undefined, listPrice })
    } else if (kind === 'sales' && target) {
      const product = this.productList.find((p) => p.code === v.productCode)!
      this.salesLines.push({ id: this.newId('sl'), customerId: target, productId: product.id, soldOn: v.date, quantity: Number(v.quantity), amount: Math.round(Number(v.amount) * 100), kind: 'shipment', document: v.document ?? null })
    } else if (kind === 'people') {
      const unit = this.units.find((u) => u.name === v.unit) ?? this.units[0]
      this.staff.push({ id: this.newId('s'), name: v.name, role: 'rep', orgUnitId: unit.id, orgUnitName: unit.name, phone: v.phone ?? null, active: true })
    }
  }

  async cancelImport(): Promise<null> {
    this.importCancelled = true
    return null
  }

  async salesByGrade(q: AnalysisQuery): Promise<GradeComposition> {
    return clone(byGrade(...this.salesView(q)))
  }

  async salesByProduct(q: AnalysisQuery): Promise<ProductComposition> {
    return clone(byProduct(...this.salesView(q)))
  }

  async salesByRegion(q: AnalysisQuery): Promise<RegionComposition> {
    return clone(byRegion(...this.salesView(q)))
  }

  async salesCredit(q: AnalysisQuery): Promise<CreditAnalysis> {
    return clone(credit(...this.salesView(q)))
  }

  async salesNegativeGrowth(q: AnalysisQuery): Promise<NegativeGrowth> {
    return clone(negativeGrowth(...this.salesView(q)))
  }

  async salesMonthly(q: AnalysisQuery): Promise<MonthlySummary> {
    return clone(monthly(...this.salesView(q)))
  }

  async exportAnalysis(kind: AnalysisKind, query: AnalysisQuery, path: string): Promise<string> {
    this.salesView(query)
    this.workbooks.set(path, kind)
    return path
  }

  async exportCustomers(query: CustomerQuery, path: string, onProgress?: (p: ImportProgress) => void): Promise<ExportedList> {
    const { total } = await this.searchCustomers({ ...query, offset: 0, limit: Number.MAX_SAFE_INTEGER })
    onProgress?.({ phase: 'writing', done: total, total })
    this.workbooks.set(path, 'customers')
    return { path, rows: total }
  }

  async pickSpreadsheet(_options: PickOptions): Promise<string | null> {
    return this.picks.length ? this.picks.shift()! : [...this.spreadsheets.keys()][0]
  }

  /** Test helper: a spreadsheet the user can then import by its path. */
  stageSpreadsheet(path: string, file: MemorySpreadsheet) {
    this.spreadsheets.set(path, file)
  }

  /** Test helper: records a sales line (amount in fen) of a product in the catalogue. */
  addSale(customerId: string, productCode: string, soldOn: string, quantity: number, amount: number, document: string | null = null) {
    const product = this.productList.find((p) => p.code === productCode)
    if (!product) throw new Error(`no product ${productCode}`)
    this.card(customerId)
    this.salesLines.push({ id: this.newId('sl'), customerId, productId: product.id, soldOn, quantity, amount, kind: amount < 0 ? 'return' : 'shipment', document })
  }

  /** Test helper: sets a card's annual sales, last visit or grades directly. */
  setGrading(id: string, values: Partial<StoredCard['grading']> & { annualSalesWithUs?: number }) {
    const c = this.card(id)
    const { annualSalesWithUs, ...grading } = values
    Object.assign(c.grading, grading)
    if (annualSalesWithUs !== undefined) c.fields.annualSalesWithUs = annualSalesWithUs
  }

  /** Test helper: switches who uses this book (a manager, head office). */
  actAs(staff: Staff) {
    if (!this.staff.some((s) => s.id === staff.id)) this.staff.push(staff)
    this.profile = this.profileFor(staff)
  }

  /** Test helper: a file the user can then pick and import. */
  stageSyncFile(path: string, file: MemorySyncFile) {
    this.files.set(path, file)
  }

  /**
   * Test helper: a conflict on a customer field as head office's merge records
   * it. The card keeps `kept`; `lost` is the other side's value.
   */
  addConflict(customerId: string, fieldKey: string, lost: JsonValue, lostBy = '李敏'): ConflictView {
    const card = this.card(customerId)
    const conflict: ConflictView = {
      id: this.newId('conflict'),
      customerId,
      customerName: String(card.fields.name),
      entity: 'customer',
      entityId: customerId,
      field: fieldKey.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      fieldKey,
      keptValue: card.fields[fieldKey] ?? null,
      keptBy: this.profile?.name ?? null,
      keptAt: card.updatedAt,
      lostValue: lost,
      lostBy,
      lostAt: this.now(),
      detectedAt: this.now(),
      resolution: null,
      resolvedBy: null,
      resolvedAt: null,
    }
    this.conflictList.unshift(conflict)
    return clone(conflict)
  }

  /** Test helper: a change of this laptop that head office refused. */
  addRejection(customerId: string | null, column: string, value: JsonValue, reason: string, message: string): RejectionView {
    const [table, labelZh, labelEn] = SYNC_TABLES[2]
    const rejection: RejectionView = {
      id: this.newId('rejection'),
      table,
      labelZh,
      labelEn,
      column,
      recordLabel: customerId ? String(this.cards.get(customerId)?.fields.name ?? '') : null,
      value,
      reason,
      message,
      customerId,
      rejectedAt: this.now(),
    }
    this.rejectionList.unshift(rejection)
    return clone(rejection)
  }

  /** Test helper: a card that moved away from this laptop (the card is removed, a notice left). */
  moveAway(customerId: string): NoticeView {
    const card = this.card(customerId)
    this.cards.delete(customerId)
    const notice: NoticeView = { customerId, customerName: String(card.fields.name), kind: 'moved_away', message: 'reassigned: the card now belongs to someone else', at: this.now() }
    this.noticeList.unshift(notice)
    return clone(notice)
  }

  /** Test helper: backdates a card's last review so it shows as stale. */
  backdateReview(id: string, isoDate: string) {
    this.card(id).reviewedAt = isoDate
  }
}
