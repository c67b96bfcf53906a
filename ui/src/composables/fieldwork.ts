import type { ApiError, Call, Visit } from '../generated/bindings'

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
