import { useSalesText } from '../../composables/useSalesText'

/** The kinds of period progress is shown for. */
export type PeriodKind = 'month' | 'quarter' | 'year' | 'xun'

/** A period as the core reads it (`2026-03`, `2026-Q1`, `2026`, `2026-03-1`) and its label. */
export interface PeriodOption {
  key: string
  label: string
}

/** The texts of targets: measures, periods, states, amounts in yuan. */
export function useTargetText() {
  const text = useSalesText()
  const t = text.t
  /** `revenue`, or `volume:` and a product category. */
  const measure = (key: string) =>
    key.startsWith('volume:') ? t('targets.measures.volume', { category: key.slice('volume:'.length) }) : t('targets.measures.revenue')
  const pad = (n: number) => String(n).padStart(2, '0')
  /** The periods of a kind in a year, in order. */
  const periods = (year: number, kind: PeriodKind): PeriodOption[] => {
    const months = Array.from({ length: 12 }, (_, i) => i + 1)
    switch (kind) {
      case 'year':
        return [{ key: String(year), label: String(year) }]
      case 'quarter':
        return [1, 2, 3, 4].map((n) => ({ key: `${year}-Q${n}`, label: t('targets.period.quarter', { n }) }))
      case 'month':
        return months.map((n) => ({ key: `${year}-${pad(n)}`, label: t('targets.period.month', { n }) }))
      case 'xun':
        return months.flatMap((n) =>
          [1, 2, 3].map((x) => ({ key: `${year}-${pad(n)}-${x}`, label: `${t('targets.period.month', { n })}${t(`targets.period.xun.${x}`)}` })),
        )
    }
  }
  /** The period of `kind` that holds `day` (YYYY-MM-DD). */
  const periodOf = (day: string, kind: PeriodKind): string => {
    const [y, m, d] = day.split('-').map(Number)
    switch (kind) {
      case 'year':
        return String(y)
      case 'quarter':
        return `${y}-Q${Math.ceil(m / 3)}`
      case 'month':
        return `${y}-${pad(m)}`
      case 'xun':
        return `${y}-${pad(m)}-${d <= 10 ? 1 : d <= 20 ? 2 : 3}`
    }
  }
  return { ...text, measure, periods, periodOf }
}

/** Whole or two-decimal yuan as typed, in fen; null when it is not an amount. */
export function fenOf(typed: string | number | null | undefined): number | null {
  if (typed === null || typed === undefined) return null
  const raw = String(typed).replace(/[,，\s]/g, '')
  if (raw === '') return 0
  if (!/^\d{1,13}(\.\d{1,2})?$/.test(raw)) return null
  const [whole, part = ''] = raw.split('.')
  return Number(whole) * 100 + Number(part.padEnd(2, '0'))
}

/** Fen as yuan to type in (no separators; decimals only when there are any). */
export function typedOf(fen: number): string {
  return fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2)
}
