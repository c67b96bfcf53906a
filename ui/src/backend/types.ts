import type {
  ApiError,
  CustomerQuery,
} from '../generated/bindings'

export type Language = 'zh-CN' | 'en'

export { Backend } from './backend'
export type { Dialogs, PickOptions, SaveOptions } from './backend'

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

/** Head office's key fingerprint (XXXX-XXXX-XXXX-XXXX) in an `office_not_trusted` refusal: what the user confirms. */
export function officeFingerprint(e: ApiError): string | null {
  return refusalReason(e) === 'office_not_trusted' ? (e.officeFingerprint ?? null) : null
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
