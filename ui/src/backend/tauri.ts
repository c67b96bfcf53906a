import { invoke } from '@tauri-apps/api/core'
import type { Backend, Language } from './types'
import { toApiError } from './types'
import type {
  ArchiveCard,
  BookStatus,
  CardEdit,
  CardSchema,
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

async function call<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(command, args)
  } catch (e) {
    throw toApiError(e)
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
}

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window
}
