import type { ApiError, FieldProblem, Route, RouteStop } from '../../generated/bindings'
import type { useFieldText } from '../../composables/useFieldText'

/** What the route components read texts through (`useFieldText()`). */
export type FieldText = ReturnType<typeof useFieldText>

/** The weekdays a route can be toured on: 0 is any day, 1 Monday … 7 Sunday. */
export const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6, 7] as const

export function weekdayLabel(text: FieldText, weekday: number | null | undefined): string {
  return weekday ? text.t(`routes.weekdays.${weekday}`) : text.t('routes.anyDay')
}

/** The base as the user types it: `36.8523, 118.7361`; null when the route has none. */
export function baseText(route: Pick<Route, 'startLatitude' | 'startLongitude'>): string | null {
  return route.startLatitude != null && route.startLongitude != null ? `${route.startLatitude}, ${route.startLongitude}` : null
}

/**
 * Reads "lat, lon" (also with a Chinese comma or spaces between). Empty text is
 * no base (null); anything but two numbers is `'bad'`. Ranges are the book's to check.
 */
export function parseBase(input: string): { lat: number; lon: number } | null | 'bad' {
  const parts = input.trim().split(/[\s,，、;；]+/).filter(Boolean)
  if (!parts.length) return null
  if (parts.length !== 2) return 'bad'
  const [lat, lon] = parts.map(Number)
  if (!parts.every((p) => /^[-+]?(\d+\.?\d*|\.\d+)$/.test(p)) || !Number.isFinite(lat) || !Number.isFinite(lon)) return 'bad'
  return { lat, lon }
}

/** What to raise at the door, as the route sheet says it: incidents, data to verify, the problems note. */
export function issueParts(text: FieldText, stop: RouteStop): string[] {
  const parts: string[] = []
  if (stop.openIncidents > 0) parts.push(text.t('routes.incidents', { n: stop.openIncidents }))
  if (stop.needsVerification) parts.push(text.t('routes.unverified'))
  const problems = stop.problems?.trim()
  if (problems) parts.push(problems)
  return parts
}

/** A field problem of a route call, in the user's language (route-specific codes first). */
export function routeProblem(text: FieldText, p: FieldProblem): string {
  const path = `routes.problems.${p.code}`
  return text.te(path) ? text.t(path) : text.problem(p)
}

/**
 * A failed route call as one line: for `invalid`, what is wrong (the generic
 * "see the fields in red" helps nobody where there are no fields); otherwise the usual text.
 * `field` names a problem's field (e.g. which customer `customers[2]` is), when it can.
 */
export function routeErrorText(text: FieldText, err: ApiError, field?: (field: string) => string | null): string {
  if (err.code !== 'invalid' || !err.problems.length) return text.error(err)
  return err.problems
    .map((p) => {
      const name = field?.(p.field) ?? null
      const problem = routeProblem(text, p)
      return name ? text.t('routes.customerProblem', { name, problem }) : problem
    })
    .join(text.t('routes.listSeparator'))
}

/** Today in the business time zone, YYYY-MM-DD. */
export { businessToday as today } from '../../composables/businessTime'

/** A file name from a route name: characters no file system takes become `_` (`fallback` for an empty name). */
export function sheetFileName(name: string, fallback: string): string {
  const safe = name.replace(/[\\/:*?"<>|\p{Cc}]/gu, '_').trim()
  return `${safe || fallback}.xlsx`
}
