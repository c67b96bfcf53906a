import type { ApiError, ApprovalLevel, FieldProblem, ProblemCode, ProposalBox, ProposalKind, ProposalRow, ProposalStatus, Verdict } from '../../generated/bindings'
import { useSalesText } from '../../composables/useSalesText'

/** The kinds in the order the screen offers them. */
export const KINDS: readonly ProposalKind[] = ['open_customer', 'eliminate', 'credit_limit', 'promotion']
/** The levels a chain is built of, lowest first. */
export const LEVELS: readonly ApprovalLevel[] = ['manager', 'next', 'office']
/** The lists of the page, in tab order; `all` is head office's. */
export const BOXES: readonly ProposalBox[] = ['to_decide', 'mine', 'decided', 'all']
/** How many rows a list asks for. */
export const LIST_LIMIT = 500

/** Kinds about one customer's card (a promotion plan is about none). */
export const aboutCard = (kind: ProposalKind) => kind !== 'promotion'

/**
 * The texts of approvals: labels of kinds, states, levels and verdicts,
 * amounts in yuan, and the book's refusals in this page's words.
 */
export function useApprovalText() {
  const text = useSalesText()
  const t = text.t

  /**
   * A problem of an approvals call in the user's language: this page's text
   * for the kind, field and code (`byKind.open_customer.customerId.bad_status_change`),
   * else for the field and code, else the general text of the code.
   */
  const problem = (p: FieldProblem, kind?: ProposalKind | null): string => {
    const paths = [...(kind ? [`approvals.problems.byKind.${kind}.${p.field}.${p.code}`] : []), `approvals.problems.${p.field}.${p.code}`]
    const found = paths.find((path) => text.te(path))
    return found ? t(found) : text.problem(p)
  }

  /**
   * A refused call's problems by the form slot they concern (`slot` maps the
   * book's field and code to one of the form's slots, or null); the rest, and
   * any error that is not `invalid`, as `other`.
   */
  const problems = (err: ApiError, slot: (p: FieldProblem) => string | null, kind?: ProposalKind | null): Record<string, string> => {
    if (err.code !== 'invalid' || !err.problems.length) return { other: text.error(err) }
    const out: Record<string, string> = {}
    for (const p of err.problems) {
      const key = slot(p) ?? 'other'
      const msg = problem(p, kind)
      out[key] = out[key] && out[key] !== msg ? `${out[key]}；${msg}` : msg
    }
    return out
  }

  const kind = (k: ProposalKind) => t(`approvals.kinds.${k}`)
  const status = (s: ProposalStatus) => t(`approvals.status.${s}`)
  const level = (l: ApprovalLevel) => t(`approvals.levels.${l}`)
  const verdict = (v: Verdict) => t(`approvals.verdicts.${v}`)
  const chain = (levels: readonly ApprovalLevel[]) => levels.map(level).join(' → ')

  /** Who the waiting step waits for: a unit's managers (by the unit's name), or head office. */
  const waiting = (row: ProposalRow) => {
    if (row.status !== 'pending') return t('common.none')
    if (row.waitingUnit) return row.waitingUnit
    return row.waitingOffice ? t('approvals.office') : t('common.none')
  }

  /** Why an approved proposal did not take effect, from the code head office kept. */
  const effectProblem = (code: ProblemCode, k?: ProposalKind | null) => {
    const paths = [...(k ? [`approvals.effectProblems.byKind.${k}.${code}`] : []), `approvals.effectProblems.${code}`]
    const found = paths.find((path) => text.te(path))
    const why = found ? t(found) : text.problem({ field: '', code, message: code })
    return t('approvals.effect.failed', { problem: why })
  }

  /**
   * What became of an approved proposal: in effect, not able to take effect
   * (and why), or — on a laptop — approved and waiting for head office's
   * next file. Null for any other state.
   */
  const effect = (row: ProposalRow, laptop: boolean): { text: string; short: string; type: 'success' | 'danger' | 'warning' } | null => {
    if (row.effectProblem) return { text: effectProblem(row.effectProblem, row.kind), short: t('approvals.effect.short.failed'), type: 'danger' }
    if (row.effectedAt) return { text: t('approvals.effect.done'), short: t('approvals.effect.short.done'), type: 'success' }
    if (row.status === 'approved' && laptop) return { text: t('approvals.effect.waitingSync'), short: t('approvals.effect.short.waiting'), type: 'warning' }
    return null
  }

  return { ...text, problem, problems, kind, status, level, verdict, chain, waiting, effect }
}

export type ApprovalText = ReturnType<typeof useApprovalText>

/** The tag colour of a state. */
export const STATUS_TYPE: Record<ProposalStatus, 'info' | 'primary' | 'success' | 'danger' | 'warning'> = {
  draft: 'info',
  pending: 'primary',
  approved: 'success',
  rejected: 'danger',
  returned: 'warning',
  withdrawn: 'info',
}

/**
 * Yuan as MoneyInput gives them (a whole number, or the text as typed) in fen;
 * `not_number` for text that is no amount (reading the input, not a rule: the
 * book judges the amount).
 */
export function yuanToFen(value: number | string | null): number | null | 'not_number' {
  if (value === null || value === '') return null
  if (typeof value === 'number') return value * 100
  const raw = value.replace(/[,，\s]/g, '')
  if (!/^\d+(\.\d{1,2})?$/.test(raw)) return 'not_number'
  return Math.round(Number(raw) * 100)
}

/** Fen as whole yuan for MoneyInput (amounts the page sets are whole yuan). */
export function fenToYuan(fen: number | null | undefined): number | string | null {
  if (fen === null || fen === undefined) return null
  return fen % 100 === 0 ? fen / 100 : String(fen / 100)
}
