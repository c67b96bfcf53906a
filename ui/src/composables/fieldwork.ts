import type { ApiError, Call, DefaultedDue, Task, Visit } from '../generated/bindings'

const pad = (n: number) => String(n).padStart(2, '0')

/** The month of a day (YYYY-MM). */
export const monthOf = (day: string) => day.slice(0, 7)

/** Seconds as `m:ss` (or `h:mm:ss`). */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`
}

/** A visit's findings, one line each (purpose, stock, competitors, prices, problems, requests). */
export function findings(v: Visit): string[] {
  return [v.purpose, v.stockNotes, v.competitorNotes, v.pricesSeen, v.problems, v.requests].filter((x): x is string => !!x)
}

/** A day (YYYY-MM-DD) as 11月5日, or Nov 5 in English: a calendar day, read in no time zone. */
export function monthDay(day: string, locale: string): string {
  const [y, m, d] = day.split('-').map(Number)
  if (locale !== 'en') return `${m}月${d}日`
  return new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)))
}

/**
 * What a logged visit or call says about its next step: the task created,
 * and, when the step came without a due date, the date the book chose and why.
 */
export function nextStepNotice(
  logged: { task: Task | null; defaultedDue: DefaultedDue | null },
  t: (key: string, named?: Record<string, unknown>) => string,
  locale: string,
): string | null {
  const { task, defaultedDue: chosen } = logged
  if (!task) return null
  if (!chosen) return t('fieldwork.visit.taskCreated', { title: task.title, due: task.dueOn })
  const why = chosen.routeName ? t('fieldwork.visit.dueRouteDay', { route: chosen.routeName }) : t('fieldwork.visit.dueWorkDays', { n: chosen.workDays ?? 0 })
  return t('fieldwork.visit.dueDefaulted', { date: monthDay(chosen.on, locale), why, title: task.title })
}

/** Whom a call was with. */
export const callPartner = (c: Call) => c.customerName ?? c.colleagueName ?? ''

/**
 * The form field a problem belongs to: `cardChanges.phone` shows under the
 * phone input, the other card fields under the free field.
 */
export function problemsFor(err: ApiError, translate: (p: ApiError['problems'][number]) => string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of err.problems) {
    const msg = translate(p)
    out[p.field] = out[p.field] && out[p.field] !== msg ? `${out[p.field]}；${msg}` : msg
  }
  return out
}
