import { inject, ref, type InjectionKey, type Ref } from 'vue'
import type { Backend } from '../backend/types'
import { setBusinessTime } from './businessTime'
import type { ApiError, BookStatus, CardSchema, CodeList, FieldSpec, GradeScales, OrgUnit, Staff } from '../generated/bindings'

/** Reference data every screen needs, loaded once per book and shared. */
export interface Book {
  status: Ref<BookStatus | null>
  staff: Ref<Staff[]>
  orgUnits: Ref<OrgUnit[]>
  schema: Ref<CardSchema | null>
  /** Code lists that classify cards, with their codes (retired ones too: cards may still carry them). */
  codeLists: Ref<CodeList[]>
  gradeScales: Ref<GradeScales | null>
  /** A fatal error (book locked, corrupt, too new …): the app shows a full-page error. */
  fatal: Ref<ApiError | null>
  refreshStatus(): Promise<BookStatus>
  loadReference(): Promise<void>
  /** Re-reads code lists and grade scales (after head office changed them, or a sync). */
  loadClassification(): Promise<void>
  spec(entity: SchemaEntity, key: string): FieldSpec | undefined
}

export type SchemaEntity = keyof CardSchema

export const BOOK: InjectionKey<Book> = Symbol('book')

export function createBook(backend: Backend): Book {
  const book: Book = {
    status: ref(null),
    staff: ref([]),
    orgUnits: ref([]),
    schema: ref(null),
    codeLists: ref([]),
    gradeScales: ref(null),
    fatal: ref(null),
    async refreshStatus() {
      const status = await backend.bookStatus()
      setBusinessTime(status.businessTime)
      book.status.value = status
      return status
    },
    async loadReference() {
      const [staff, orgUnits, schema] = await Promise.all([
        backend.staffList(),
        backend.orgUnits(),
        backend.cardSchema(),
        book.loadClassification(),
      ])
      book.staff.value = staff
      book.orgUnits.value = orgUnits
      book.schema.value = schema
    },
    async loadClassification() {
      const [lists, scales] = await Promise.all([backend.codeLists(), backend.gradeScales()])
      book.codeLists.value = lists
      book.gradeScales.value = scales
    },
    spec(entity, key) {
      return book.schema.value?.[entity].find((s) => s.key === key)
    },
  }
  return book
}

export function useBook(): Book {
  const book = inject(BOOK)
  if (!book) throw new Error('no book provided: app.provide(BOOK, createBook(backend))')
  return book
}

/** Names for ids of staff, units and (known) customers, for showing ref fields. */
export function refResolver(book: Book, customers: Record<string, string | null> = {}) {
  return (table: string, id: string): string | undefined => {
    if (table === 'staff') return book.staff.value.find((s) => s.id === id)?.name
    if (table === 'org_unit') return book.orgUnits.value.find((u) => u.id === id)?.name
    return customers[id] ?? undefined
  }
}
