import { afterEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import ShippingPage from '../views/ShippingPage.vue'
import { mountWith, until } from './helpers'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined

afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  document.body.innerHTML = ''
})

const q = (selector: string) => document.querySelector(selector) as HTMLElement | null
const qa = (selector: string) => [...document.querySelectorAll(selector)] as HTMLElement[]

describe('shipping', () => {
  it('lists what waits to ship with the day it must leave by, and the shipments of the last 30 days', async () => {
    const backend = await TestBook.create({ as: 'office', customers: ['华星农业', '青州种子站'] })
    await backend.fixture('sales_catalogue')
    const [first, second] = backend.customers
    const take = async (customerId: string, cases: number) => {
      const order = await backend.createOrder({
        customerId,
        paymentKind: 'cash',
        deliveryAddress: '寿光市农圣街 18 号',
        lines: [{ product: 'NY-LQ', cases, units: 0, gift: false }],
        submit: true,
      })
      return backend.setOrderStatus(order.id, 'approved', null)
    }
    const shipped = await take(first, 2)
    await take(second, 1)
    await backend.recordShipment({ orderId: shipped.id, number: 'FH-0009', lines: [{ orderLineId: shipped.lines[0].id, quantity: 20 }] })

    ;({ wrapper } = await mountWith(ShippingPage, backend))
    // Both wait: one case of the first still lacks, the second has not left at all.
    await until(() => qa('[data-testid=to-ship-customer]').length === 2)
    expect(qa('[data-testid=to-ship-customer]').map((e) => e.textContent).sort()).toEqual(['华星农业', '青州种子站'])
    // Approved on Sunday 2026-11-22 (the books' today): out by Wednesday.
    expect(qa('[data-testid=to-ship-by]').map((e) => e.textContent)).toEqual(['2026-11-25', '2026-11-25'])
    q('[data-testid=shipping-tab-late]')!.click()
    await until(() => q('[data-testid=shipping-empty]')?.textContent?.includes('没有超期未发的订单') ?? false)

    q('[data-testid=shipping-tab-shipments]')!.click()
    await until(() => q('[data-testid=shipments-table]') !== null)
    const rows = qa('[data-testid=shipments-table] .el-table__row').map((r) => r.textContent ?? '')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toContain('FH-0009')
    expect(q('[data-testid=shipments-customer]')!.textContent).toBe('华星农业')
    expect(q('[data-testid=shipments-units]')!.textContent).toBe('20')
    // A shipment opens its order.
    qa('[data-testid=shipments-table] .el-table__row')[0].click()
    await until(() => q('[data-testid=order-status]')?.textContent === '已审批')
    expect(q('[data-testid=order-shipments]')!.textContent).toContain('FH-0009')
  })
})
