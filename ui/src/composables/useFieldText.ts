import { useI18n } from 'vue-i18n'
import type { ApiError, FieldProblem, FieldSpec, JsonValue } from '../generated/bindings'
import { inject } from 'vue'
import { BOOK, type SchemaEntity } from './useBook'

/** Whole-yuan fields: shown with thousands separators and the unit. */
export const MONEY_FIELDS = new Set(['registeredCapital', 'totalAssets', 'annualRevenue', 'annualSalesWithUs', 'amount'])

/** History names entities in snake_case; the schema in camelCase. */
export const HISTORY_ENTITY: Record<string, SchemaEntity> = {
  customer: 'customer',
  key_person: 'keyPerson',
  address: 'address',
  credit_incident: 'creditIncident',
}

/** Which option list translates a choice field. */
export function optionSet(entity: SchemaEntity, key: string): string | null {
  if (entity === 'customer') {
    if (/Source$/.test(key)) return 'dataSource'
    const sets: Record<string, string> = {
      lifecycle: 'lifecycle',
      channelLevel: 'channelLevel',
      creditStanding: 'creditStanding',
      orgForm: 'orgForm',
      developmentPotential: 'potential',
      cooperationAttitude: 'attitude',
    }
    return sets[key] ?? null
  }
  if (entity === 'keyPerson') return ({ role: 'keyPersonRole', gender: 'gender', education: 'education' } as Record<string, string>)[key] ?? null
  if (entity === 'address' && key === 'kind') return 'addressKind'
  if (entity === 'creditIncident' && key === 'kind') return 'incidentKind'
  return null
}

export function formatMoney(value: number, locale: string): string {
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: 0 }).format(value)
}

/** A stored timestamp in business time, to the minute. */
export { formatDateTime } from './businessTime'

export type RefResolver = (table: string, id: string) => string | undefined

export type Translate = (key: string, named?: Record<string, unknown>) => string

export function useFieldText() {
  // Code and grade labels come from the book's reference data, when a book is provided.
  const book = inject(BOOK, null)
  const i18n = useI18n()
  const { te, locale } = i18n
  // Keys are built at run time (field keys, option keys), so a plain signature serves better than the typed one.
  const t = i18n.t as unknown as Translate

  const label = (entity: SchemaEntity, key: string): string => {
    const path = `fields.${entity}.${key}`
    return te(path) ? t(path) : key
  }

  const option = (set: string, value: string): string => {
    const path = `options.${set}.${value}`
    return te(path) ? t(path) : value
  }

  const choice = (entity: SchemaEntity, key: string, value: string): string => {
    const set = optionSet(entity, key)
    return set ? option(set, value) : value
  }

  const en = () => locale.value === 'en'
  /** A code list's name in the user's language. */
  const listLabel = (list: string): string => {
    const l = book?.codeLists.value.find((x) => x.id === list)
    return l ? (en() ? l.labelEn : l.labelZh) : list
  }
  /** A code's label in the user's language (the code itself if the list does not know it). */
  const codeLabel = (list: string, code: string): string => {
    const item = book?.codeLists.value.find((x) => x.id === list)?.items.find((i) => i.code === code)
    if (!item) return code
    const label = en() ? item.labelEn : item.labelZh
    return item.retired ? `${label}${t('codes.retiredMark')}` : label
  }
  /** A grade's label (`A 类`, `信用 B` …). */
  const gradeLabel = (scale: 'customer' | 'credit', code: string | null | undefined): string => {
    if (!code) return t('common.none')
    const level = book?.gradeScales.value?.levels.find((l) => l.scale === scale && l.code === code)
    return level ? (en() ? level.labelEn : level.labelZh) : code
  }

  const money = (value: number) => `${formatMoney(value, locale.value)} ${t('common.yuan')}`

  /** A value as the user reads it; `ref` fields go through `resolve` (ids are never shown if a name is known). */
  const display = (entity: SchemaEntity, spec: FieldSpec | undefined, key: string, value: JsonValue | undefined, resolve?: RefResolver): string => {
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return t('common.none')
    if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no')
    if (typeof value === 'number' && MONEY_FIELDS.has(key)) return money(value)
    if (Array.isArray(value)) return value.map(String).join('、')
    if (typeof value === 'string' && spec?.kind === 'choice') return choice(entity, key, value)
    if (typeof value === 'string' && spec?.kind === 'code' && spec.codeList) return codeLabel(spec.codeList, value)
    if (spec?.kind === 'codes' && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, JsonValue>).filter(([, v]) => typeof v === 'string')
      if (!entries.length) return t('common.none')
      return entries.map(([list, code]) => `${listLabel(list)}${t('common.colon')}${codeLabel(list, String(code))}`).join('；')
    }
    if (typeof value === 'string' && spec?.kind === 'ref' && spec.refTable) return resolve?.(spec.refTable, value) ?? value
    if (typeof value === 'object') return JSON.stringify(value)
    return String(value)
  }

  /** A field problem in the user's language, falling back to the book's English message. */
  const problem = (p: FieldProblem): string => {
    const path = `problems.${p.code}`
    return te(path) ? t(path) : p.message
  }

  /** What went wrong with a call, in the user's language. */
  const error = (e: ApiError): string => {
    // The book's key: the problem says which (wrong passphrase, key file missing …).
    if (e.code === 'passphrase' && e.problems[0]) return problem(e.problems[0])
    const path = `errors.codes.${e.code}`
    const head = te(path) ? t(path) : e.message
    // The book's message (English) adds the detail in the English UI only.
    if (e.code === 'invalid' || e.code === 'edit_conflict' || !te(path) || locale.value !== 'en') return head
    return `${head} (${e.message})`
  }

  return { t, te, locale, label, option, choice, money, display, problem, error, listLabel, codeLabel, gradeLabel }
}
