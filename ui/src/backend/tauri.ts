import { invoke } from '@tauri-apps/api/core'
import { listen } from '@tauri-apps/api/event'
import { open } from '@tauri-apps/plugin-dialog'
import type { Backend, Language, PickOptions } from './types'
import { SYNC_FILE_EXTENSION, toApiError } from './types'
import type {
  ArchiveCard,
  BookStatus,
  CardEdit,
  CardSchema,
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
  HistoryEntry,
  HqMergeReport,
  ImportReport,
  NewCustomer,
  NewProfile,
  NewRecord,
  NoticeView,
  OrgUnit,
  PeerSummary,
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

/** The event the shell emits while it imports a changeset file. */
const SYNC_PROGRESS = 'sync-progress'

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
}

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window
}
