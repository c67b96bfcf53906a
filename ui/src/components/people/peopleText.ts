import type { ApiError, FieldProblem, StaffRole } from '../../generated/bindings'
import type { useFieldText } from '../../composables/useFieldText'

/** What the people components read texts through (`useFieldText()`). */
export type FieldText = ReturnType<typeof useFieldText>

/** The roles in the order the screen offers them, head office first. */
export const ROLES: readonly StaffRole[] = ['head_office', 'sales_admin', 'provincial_manager', 'regional_manager', 'rep']

/**
 * A problem of a people call in the user's language: this screen's text for
 * the field and code the book names (`to` + `not_a_rep` …), else the general
 * text of the code.
 */
export function peopleProblem(text: FieldText, p: FieldProblem): string {
  const path = `people.problems.${p.field}.${p.code}`
  return text.te(path) ? text.t(path) : text.problem(p)
}

/** An `invalid` error's problems by field, translated (several on one field joined). */
export function peopleProblems(text: FieldText, err: ApiError): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of err.problems) {
    const msg = peopleProblem(text, p)
    out[p.field] = out[p.field] && out[p.field] !== msg ? `${out[p.field]}；${msg}` : msg
  }
  return out
}

/**
 * A refused call's problems for a form: those of the form's `fields` by
 * field, everything else (and any error that is not `invalid`) as `other`.
 */
export function formProblems(text: FieldText, err: ApiError, fields: readonly string[]): Record<string, string> {
  if (err.code !== 'invalid' || !err.problems.length) return { other: text.error(err) }
  const out: Record<string, string> = {}
  const other: string[] = []
  for (const [field, msg] of Object.entries(peopleProblems(text, err))) {
    if (fields.includes(field)) out[field] = msg
    else other.push(msg)
  }
  if (other.length) out.other = other.join('；')
  return out
}
