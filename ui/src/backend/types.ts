import type {
  ApiError,
  ArchiveCard,
  BookStatus,
  CardEdit,
  CardSchema,
  CustomerId,
  CustomerPage,
  CustomerQuery,
  DemoOptions,
  DemoSummary,
  HistoryEntry,
  NewCustomer,
  NewProfile,
  NewRecord,
  OrgUnit,
  Profile,
  RecordEdit,
  RecordKind,
  Saved,
  Staff,
  TagCount,
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
