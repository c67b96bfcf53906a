import { computed, ref } from 'vue'
import type { AnalysisQuery } from '../generated/bindings'
import { businessToday } from './businessTime'

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * The months and unit an analysis page asks about: by default the twelve
 * months up to this one, as days from the first of the first month to the
 * end of the last, but not past today (the business time zone's).
 */
export function usePeriodQuery() {
  const todayText = businessToday()
  /** `YYYY-MM` of the month `back` months before this one. */
  const monthBefore = (back: number) => {
    const [year, month] = todayText.split('-').map(Number)
    const index = year * 12 + (month - 1) - back
    return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`
  }
  const months = ref<[string, string]>([monthBefore(11), monthBefore(0)])
  const unitId = ref<string | null>(null)
  const query = computed<AnalysisQuery>(() => {
    const [first, last] = months.value
    const [y, m] = last.split('-').map(Number)
    const from = `${first}-01`
    const end = `${last}-${pad(new Date(y, m, 0).getDate())}`
    // A range wholly in the future keeps its own end.
    const cap = todayText < from ? end : todayText
    return { from, to: end < cap ? end : cap, ...(unitId.value ? { unitId: unitId.value } : {}) }
  })
  return { months, unitId, query }
}
