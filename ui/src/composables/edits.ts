import type { FieldChange, JsonValue } from '../generated/bindings'

type Values = Record<string, JsonValue | undefined>

/** Empty text, empty lists and missing values all mean "no value". */
export function normalise(value: JsonValue | undefined): JsonValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'string' && value.trim() === '') return null
  if (Array.isArray(value) && value.length === 0) return null
  return value
}

export function sameValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b))
}

/**
 * The field-level compare-and-set edit for a form: one change per field the
 * user changed, with `expected` = the value the record had when the form
 * opened, so the book can refuse the save if someone else changed it meanwhile.
 */
export function diffFields(original: Values, draft: Values, keys: string[]): FieldChange[] {
  const changes: FieldChange[] = []
  for (const key of keys) {
    if (sameValue(original[key], draft[key])) continue
    const value = normalise(draft[key])
    changes.push({ field: key, expected: original[key] ?? null, value: Array.isArray(draft[key]) ? (draft[key] as JsonValue) : value })
  }
  return changes
}

/**
 * After an edit conflict the form is rebased on the reloaded record: fields the
 * user did not touch take the fresh values; fields the user changed keep the
 * user's input (and will be sent with the fresh value as `expected`).
 */
export function rebase(oldOriginal: Values, fresh: Values, draft: Values, keys: string[]): Values {
  const next: Values = { ...draft }
  for (const key of keys) {
    if (sameValue(oldOriginal[key], draft[key])) next[key] = fresh[key] ?? null
  }
  return next
}
