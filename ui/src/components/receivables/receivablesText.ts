import type { Aging, Escalation } from '../../generated/bindings'
import { useSalesText } from '../../composables/useSalesText'

/** The aging buckets in order, by their field and their label's key. */
export const BUCKETS = [
  { field: 'notDue', key: 'notDue' },
  { field: 'upTo30', key: 'upTo30' },
  { field: 'upTo60', key: 'upTo60' },
  { field: 'upTo90', key: 'upTo90' },
  { field: 'over90', key: 'over90' },
] as const satisfies ReadonlyArray<{ field: keyof Aging; key: string }>

/** What is open in an aging, and of it what is overdue. */
export const agingTotal = (a: Aging) => a.notDue + a.upTo30 + a.upTo60 + a.upTo90 + a.over90
export const agingOverdue = (a: Aging) => a.upTo30 + a.upTo60 + a.upTo90 + a.over90

/** The sales figures' formats plus the receivables' labels. */
export function useReceivablesText() {
  const text = useSalesText()
  const t = text.t
  return {
    ...text,
    col: (key: string) => t(`receivables.columns.${key}`),
    yuanCol: (key: string) => t('sales.analysis.yuanColumn', { label: t(`receivables.columns.${key}`) }),
    bucket: (key: string) => t(`receivables.buckets.${key}`),
    step: (e: Escalation) => t(`receivables.steps.${e}`),
    stepHint: (e: Escalation) => t(`receivables.stepHint.${e}`),
    days: (d: number | null | undefined) => (d === null || d === undefined ? t('common.none') : t('receivables.collections.days', { days: d })),
  }
}
