import type { DutyRule, RuleResult } from '../../generated/bindings'
import type { Translate } from '../../composables/useFieldText'

/** A duty's readable name: its kind, and for staff contacts the colleagues' role. */
export function dutyLabel(t: Translate, rule: Pick<RuleResult | DutyRule, 'kind' | 'staffRole'>, role: (r: string) => string): string {
  if (rule.kind === 'contact_staff' && rule.staffRole) return t('fieldwork.duties.contactStaff', { role: role(rule.staffRole) })
  return t(`fieldwork.duties.kinds.${rule.kind}`)
}

/** What a rule asks, in a few words (`3 times each a month`, `at least 10 or 30%`). */
export function dutyTarget(t: Translate, rule: Pick<DutyRule, 'perTarget' | 'minCount' | 'minShare'>): string {
  if (rule.perTarget != null) return t('fieldwork.duties.perTarget', { n: rule.perTarget })
  if (rule.minCount != null || rule.minShare != null) return t('fieldwork.duties.minimum', { count: rule.minCount ?? 0, share: rule.minShare ?? 0 })
  return ''
}

export const percent = (r: RuleResult) => (r.required ? Math.min(100, Math.round((r.done / r.required) * 100)) : 100)
