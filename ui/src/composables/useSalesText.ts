import type { GroupLabel } from '../generated/bindings'
import { useFieldText } from './useFieldText'

/** Fen as yuan: two decimals and thousands separators (123456 → 1,234.56). */
export function formatFen(fen: number, locale: string): string {
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(fen / 100)
}

/** Basis points as a percent with one decimal (6666 → 66.7%); none as a dash. */
export function formatBp(bp: number | null | undefined, signed = false): string {
  if (bp === null || bp === undefined) return '—'
  const text = `${(bp / 100).toFixed(1)}%`
  return signed && bp > 0 ? `+${text}` : text
}

/**
 * The field texts plus the sales figures' formats: amounts come in fen,
 * shares and growth in basis points, groups with labels in both languages.
 */
export function useSalesText() {
  const text = useFieldText()
  const t = text.t
  const en = () => text.locale.value === 'en'
  return {
    ...text,
    /** Fen as yuan, without the unit (the column says 元). */
    fen: (fen: number) => formatFen(fen, text.locale.value),
    /** Fen as yuan, with the unit. */
    yuan: (fen: number) => `${formatFen(fen, text.locale.value)} ${t('common.yuan')}`,
    percent: (bp: number | null | undefined) => formatBp(bp),
    growth: (bp: number | null | undefined) => formatBp(bp, true),
    /**
     * Credit use in basis points, and whether it is over the limit: a percent
     * up to ten times the limit; beyond, how many times (10460% → 超额 ×104).
     */
    use: (bp: number | null | undefined) => {
      const over = bp !== null && bp !== undefined && bp > 10_000
      if (!over || bp < 100_000) return { text: formatBp(bp), over }
      return { text: t('sales.analysis.credit.overTimes', { times: Math.trunc(bp / 10_000) }), over }
    },
    /** Whether the screen speaks English (for chart axes). */
    en,
    group: (g: GroupLabel) => (en() ? g.labelEn : g.labelZh),
    line: (line: string | null) => line ?? t('sales.analysis.noLine'),
    /** A column's title. */
    col: (key: string) => t(`sales.analysis.columns.${key}`),
    /** A money column's title, with the unit. */
    yuanCol: (key: string) => t('sales.analysis.yuanColumn', { label: t(`sales.analysis.columns.${key}`) }),
  }
}
