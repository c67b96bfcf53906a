import type { ApiError, ClockState, Complaint, ComplaintFilter, ComplaintKind, FieldProblem, ServiceStage } from '../../generated/bindings'
import { formatDateTime, useFieldText } from '../../composables/useFieldText'

/** The kinds in the order the screen offers them. */
export const KINDS: readonly ComplaintKind[] = ['quality', 'delivery', 'price', 'service', 'other']
/** The lists of the page, in tab order. */
export const FILTERS: readonly ComplaintFilter[] = ['open', 'overdue', 'all']
/** How many rows a list asks for. */
export const LIST_LIMIT = 500
/** How many characters of the customer's words a list shows. */
export const WORDS_SHOWN = 40

/** The escalation levels above the rep's (1, 2, 3), by their text key. */
const LEVEL_KEYS = ['region', 'province', 'office'] as const

/** The steps a person takes in the drawer. */
export type StepStage = Extract<ServiceStage, 'handled' | 'replied' | 'closed'>

/** A complaint is red on every screen when the book says a clock ran out or it escalated. */
export const isRed = (clock: ClockState) => clock.overdue || clock.level > 0

/** The customer's words cut to a list's width (the whole text is in the drawer). */
export const shorten = (words: string, max = WORDS_SHOWN) => {
  const chars = [...words.replace(/\s+/g, ' ').trim()]
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('')
}

/**
 * The texts of complaints and service: labels of kinds, stages, clocks and
 * escalation levels, clock durations, and the book's refusals in this
 * page's words. Every clock and level shown is the book's (`Complaint.clock`).
 */
export function useServiceText() {
  const text = useFieldText()
  const t = text.t

  /**
   * A problem of a service call in the user's language: this page's text for
   * the step, field and code (`byStep.replied.stage.bad_status_change`), else
   * for the field and code, else the general text of the code.
   */
  const problem = (p: FieldProblem, step?: StepStage | null): string => {
    const paths = [...(step ? [`service.problems.byStep.${step}.${p.field}.${p.code}`] : []), `service.problems.${p.field}.${p.code}`]
    const found = paths.find((path) => text.te(path))
    return found ? t(found) : text.problem(p)
  }

  /**
   * A refused call's problems by the form slot they concern (`slot` maps the
   * book's field and code to a slot, or null); the rest, and any error that
   * is not `invalid`, as `other`.
   */
  const problems = (err: ApiError, slot: (p: FieldProblem) => string | null, step?: StepStage | null): Record<string, string> => {
    if (err.code !== 'invalid' || !err.problems.length) return { other: text.error(err) }
    const out: Record<string, string> = {}
    for (const p of err.problems) {
      const key = slot(p) ?? 'other'
      const msg = problem(p, step)
      out[key] = out[key] && out[key] !== msg ? `${out[key]}；${msg}` : msg
    }
    return out
  }

  const kind = (k: ComplaintKind) => t(`service.kinds.${k}`)
  const stage = (s: ServiceStage) => t(`service.stages.${s}`)
  /** A clock, by the stage that stops it (转质量部 / 处理 / 答复客户). */
  const clockName = (s: ServiceStage) => (text.te(`service.clocks.${s}`) ? t(`service.clocks.${s}`) : stage(s))
  /** The escalation level as a label; none for the rep's own (0). */
  const level = (l: number) => (l > 0 ? t(`service.levels.${LEVEL_KEYS[Math.min(l, LEVEL_KEYS.length) - 1]}`) : null)
  const missed = (clock: ClockState) => (clock.missed.length ? clock.missed.map(clockName).join('、') : t('common.none'))
  /** The next clock and when it runs out, as the book gave them. */
  const next = (clock: ClockState) =>
    clock.next && clock.dueAt ? t('service.next.due', { clock: clockName(clock.next), at: formatDateTime(clock.dueAt) }) : t('service.next.none')
  const logged = (c: Complaint) => t('service.loggedBy', { name: c.loggedBy, at: formatDateTime(c.loggedAt) })

  /** Minutes as hours and minutes (120 → 2 小时). */
  const duration = (minutes: number) => {
    const h = Math.floor(minutes / 60)
    const m = minutes % 60
    if (!m) return t('service.clocksTab.duration.hours', { h })
    if (!h) return t('service.clocksTab.duration.minutes', { m })
    return t('service.clocksTab.duration.both', { h, m })
  }

  return { ...text, problem, problems, kind, stage, clockName, level, missed, next, logged, duration }
}

export type ServiceText = ReturnType<typeof useServiceText>
