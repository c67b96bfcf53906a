import type { Backend, Language, PickOptions } from './types'
import type {
  ApiError,
  ArchiveCard,
  Block,
  BookStatus,
  CardEdit,
  CardRecord,
  CardSchema,
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
  HistoryEntry,
  HqMergeReport,
  ImportReport,
  JsonValue,
  MergedFile,
  NewCustomer,
  NewProfile,
  NewRecord,
  NoticeView,
  OrgUnit,
  PeerSummary,
  PendingKind,
  Profile,
  Progress,
  RecordEdit,
  RecordKind,
  RejectionView,
  Saved,
  Staff,
  SyncStatus,
  TagCount,
} from '../generated/bindings'
import { CARD_SCHEMA } from '../generated/bindings'

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
}

export interface MemoryOptions {
  /** Start with a profile (the default) or on the first-start screen. */
  withProfile?: boolean
  /** Customers to start with: names, or partial field maps. */
  customers?: Array<string | Record<string, JsonValue>>
  /** Today, for stale checks and future dates (YYYY-MM-DD). */
  today?: string
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
        out[s.key] = null
        continue
      }
      if (s.maxLen != null && typeof v === 'string' && [...v].length > s.maxLen) {
        problems.push({ field, code: 'too_long', message: `at most ${s.maxLen} characters fit` })
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

  private log(customerId: string, entity: string, entityId: string, label: string | null, field: string, oldValue: JsonValue, newValue: JsonValue, source: string) {
    this.history.unshift({
      id: this.newId('h'),
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
    }
    this.cards.set(card.id, card)
    this.log(card.id, 'customer', card.id, null, '*', null, checked.name, source)
    return card
  }

  private stale(c: StoredCard): boolean {
    const days = (Date.parse(`${this.today}T23:59:59Z`) - Date.parse(c.reviewedAt)) / 86_400_000
    return days > this.staleAfterDays
  }

  private grading(_c: StoredCard): ArchiveCard['grading'] {
    return {
      grade: null,
      gradeManual: false,
      creditGrade: null,
      creditTerms: null,
      visitEveryDays: 60,
      lastVisitOn: null,
      nextVisitDue: null,
      routeId: null,
      routeName: null,
      routePosition: null,
    }
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
    }
  }

  private card(id: string): StoredCard {
    const c = this.cards.get(id)
    if (!c) throw apiError('not_found', `customer ${id} does not exist`)
    return c
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

  private addChild(card: StoredCard, kind: RecordKind, fields: Record<string, JsonValue>, prefix = ''): FieldProblem[] {
    const values = kind === 'credit_incident' ? { resolved: false, ...fields } : fields
    const checked = this.check(RECORD_FIELDS[kind], values, false, prefix)
    const record = { id: this.newId(kind), fields: checked }
    card[LIST_NAME[kind]].push(record)
    this.log(card.id, kind, record.id, this.recordLabel(kind, checked), '*', null, this.recordLabel(kind, checked), 'edit')
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
    const names = ['华星农业', '绿丰农资', '寿光种业', '金穗化肥', '鲁丰农药']
    for (let i = 0; i < Math.min(options.customers, 200); i++) {
      const card = this.insert(
        this.withDefaults({
          name: `${names[i % names.length]}${i + 1}号店`,
          phone: `1380000${String(i).padStart(4, '0')}`,
          lifecycle: (['active', 'active', 'prospect', 'dormant', 'eliminated'] as const)[i % 5],
          channelLevel: (['retailer', 'retailer', 'sub_distributor', 'distributor'] as const)[i % 4],
          characteristicsSource: i % 7 === 0 ? 'customer_form' : 'rep_visit',
          tags: i % 3 === 0 ? ['重点'] : [],
        }),
        'demo',
      )
      if (i % 6 === 0) card.reviewedAt = '2025-01-01T08:00:00Z'
    }
    return { orgUnits: this.units.length, staff: this.staff.length, customers: this.cards.size, keyPeople: 0, addresses: 0, creditIncidents: 0, history: this.history.length, routes: 0 }
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
    const words = q.text.trim().toLowerCase().split(/\s+/).filter(Boolean)
    const units = q.orgUnitId ? this.unitAndBelow(q.orgUnitId) : null
    let rows = [...this.cards.values()].filter((c) => {
      const f = c.fields
      const hay = `${f.name} ${f.shortName ?? ''} ${f.phone ?? ''}`.toLowerCase()
      if (!words.every((w) => hay.includes(w))) return false
      if (q.lifecycle.length && !q.lifecycle.includes(f.lifecycle as never)) return false
      if (q.channelLevel.length && !q.channelLevel.includes(f.channelLevel as never)) return false
      if (q.creditStanding.length && !q.creditStanding.includes(f.creditStanding as never)) return false
      if (q.ownerId && f.ownerId !== q.ownerId) return false
      if (units && !units.has(String(f.territoryId))) return false
      if (q.tag && !((f.tags as string[] | null) ?? []).includes(q.tag)) return false
      return true
    }).map((c) => this.row(c))
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
    n.keyPeople.forEach((p, i) => warnings.push(...this.addChild(card, 'key_person', p, `keyPeople[${i}].`)))
    n.addresses.forEach((a, i) => warnings.push(...this.addChild(card, 'address', a, `addresses[${i}].`)))
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
