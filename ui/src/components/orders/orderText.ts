import type { HoldReason, OrderNote } from '../../generated/bindings'
import { useSalesText } from '../../composables/useSalesText'

/** The texts of orders: labels of their states, kinds, flags and hold reasons, and amounts in yuan. */
export function useOrderText() {
  const text = useSalesText()
  const t = text.t
  const hold = (r: HoldReason) =>
    t(`orders.holdReasons.${r.kind}`, {
      exposure: text.yuan(r.exposure ?? 0),
      limit: text.yuan(r.limit ?? 0),
      overdue: text.yuan(r.overdue ?? 0),
      days: r.days ?? 0,
    })
  /** A review note as the rep reads it: what changed (the product for a line), from → to. */
  const note = (n: OrderNote) => {
    const [what, product] = n.what.split(':', 2)
    if (what === 'hold') return t(n.newValue === '1' ? 'orders.detail.holdSet' : 'orders.detail.holdReleased')
    const label = text.te(`orders.detail.what.${what}`) ? t(`orders.detail.what.${what}`) : what
    const value = (v: string | null) => {
      if (v === null) return t('common.none')
      if (what === 'status') return t(`orders.status.${v}`)
      if (what === 'price') return text.yuan(Number(v))
      if (what === 'hold') return v === '1' ? t('orders.hold') : t('common.none')
      return v
    }
    return `${label}${product ? ` · ${product}` : ''}${t('common.colon')}${value(n.oldValue)} → ${value(n.newValue)}`
  }
  return { ...text, hold, note }
}
