import { afterEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { ElInputNumber, ElSelect } from 'element-plus'
import OrdersPage from '../views/OrdersPage.vue'
import CustomerCard from '../views/CustomerCard.vue'
import CustomerSelect from '../components/CustomerSelect.vue'
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
const bodyText = () => document.body.textContent ?? ''

/**
 * Head office's book with the catalogue, a card of the rep's (华星农业) with
 * credit grade C and an invoice of July still half open: far overdue by
 * 2026-11-22, the books' today.
 */
async function world() {
  const backend = await TestBook.create({ as: 'office', customers: ['华星农业'] })
  await backend.fixture('sales_catalogue')
  const customer = backend.customers[0]
  await backend.setGrade({ customerId: customer, scale: 'credit', grade: 'C' })
  await backend.recordInvoice({ customerId: customer, number: 'INV-0701', issuedOn: '2026-07-01', dueOn: '2026-08-01', amount: 300_000 })
  await backend.recordPayment({ customerId: customer, number: 'PAY-0801', paidOn: '2026-08-05', amount: 100_000, kind: 'cash', invoices: [] })
  return { backend, customer }
}


async function openFirstOrder() {
  await until(() => qa('[data-testid=orders-table] .el-table__row').length > 0)
  qa('[data-testid=orders-table] .el-table__row')[0].click()
  await until(() => q('[data-testid=order-status]') !== null)
}

async function dialog(reason: string) {
  await until(() => q('textarea[data-testid=order-dialog-reason], [data-testid=order-dialog-reason] textarea') !== null)
  const area = q('textarea[data-testid=order-dialog-reason], [data-testid=order-dialog-reason] textarea') as HTMLTextAreaElement
  area.value = reason
  area.dispatchEvent(new Event('input'))
  q('[data-testid=order-dialog-confirm]')!.click()
}

describe('orders', () => {
  it('a rep takes an order the credit check holds; head office releases and approves it; the rep sees it approved with the reason', async () => {
    const { backend, customer } = await world()
    await backend.actAs('rep')
    ;({ wrapper } = await mountWith(OrdersPage, backend))
    const w = wrapper

    // The rep's form: the core prices the lines and checks the credit while they type.
    await w.find('[data-testid=new-order]').trigger('click')
    await until(() => q('[data-testid=order-form]') !== null)
    w.findComponent(CustomerSelect).vm.$emit('update:modelValue', customer)
    const product = w.findAllComponents(ElSelect).find((s) => s.element.closest('[data-testid=order-line]'))!
    product.vm.$emit('update:modelValue', 'NY-LQ')
    await until(() => q('[data-testid=order-total]') !== null)
    // One case of 20 bottles at 28.00 yuan, and no loose bottles yet.
    expect(q('[data-testid=order-total]')!.textContent).toContain('560.00')
    expect(q('[data-testid=order-will-hold]')!.textContent).toContain('该订单会被信用冻结')
    expect(q('[data-testid=order-hold-reason]')!.textContent).toContain('有逾期欠款 2,000.00 元，最长逾期 113 天')
    const units = w.findAllComponents(ElInputNumber).find((n) => n.element.matches('[data-testid=order-line-units]'))!
    units.vm.$emit('update:modelValue', 5)
    await until(() => (q('[data-testid=order-total]')?.textContent ?? '').includes('700.00'))
    expect(qa('[data-testid=order-line-flag]').map((e) => e.textContent)).toEqual(['非整箱'])
    // The card has no address: the quote says so before anything is saved.
    expect(q('[data-testid=order-quote-problem]')!.textContent).toBe('档案上没有地址，请填写送货地址')
    const address = q('input[data-testid=order-address], [data-testid=order-address] input') as HTMLInputElement
    address.value = '寿光市农圣街 18 号'
    address.dispatchEvent(new Event('input'))
    await until(() => q('[data-testid=order-quote-problem]') === null)

    q('[data-testid=order-submit]')!.click()
    await until(() => q('[data-testid=order-status]')?.textContent === '已提交')
    expect(q('[data-testid=order-hold]')!.textContent).toBe('信用冻结')
    expect(q('[data-testid=order-number]')!.textContent).toBe('待总部编号')
    // The rep may still withdraw it, but neither reviews nor releases it.
    expect(q('[data-testid=order-cancel]')!.textContent).toContain('撤回订单')
    expect(q('[data-testid=order-approve]')).toBeNull()
    expect(q('[data-testid=order-release]')).toBeNull()
    wrapper.unmount()
    document.body.innerHTML = ''

    // Head office: the order waits in the review queue, held, with its number.
    await backend.actAs('office')
    ;({ wrapper } = await mountWith(OrdersPage, backend))
    await openFirstOrder()
    expect(q('[data-testid=order-number]')!.textContent).toBe('SO00000001')
    expect(q('[data-testid=order-hold-reason]')!.textContent).toContain('有逾期欠款')
    q('[data-testid=order-approve]')!.click()
    await until(() => q('[data-testid=order-detail-problems]') !== null)
    expect(q('[data-testid=order-detail-problems]')!.textContent).toContain('订单处于信用冻结')
    q('[data-testid=order-release]')!.click()
    await dialog('客户承诺本周回款')
    await until(() => q('[data-testid=order-released]') !== null)
    q('[data-testid=order-approve]')!.click()
    await until(() => q('[data-testid=order-status]')?.textContent === '已审批')
    expect(q('[data-testid=order-shipping]')!.textContent).toBe('未发货')
    wrapper.unmount()
    document.body.innerHTML = ''

    // The rep, after the next round of files.
    await backend.actAs('rep')
    ;({ wrapper } = await mountWith(OrdersPage, backend))
    await openFirstOrder()
    expect(q('[data-testid=order-status]')!.textContent).toBe('已审批')
    expect(q('[data-testid=order-number]')!.textContent).toBe('SO00000001')
    expect(q('[data-testid=order-released]')!.textContent).toContain('客户承诺本周回款')
    expect(q('[data-testid=order-history]')!.textContent).toContain('状态：已提交 → 已审批')
    expect(q('[data-testid=order-history]')!.textContent).toContain('解除信用冻结（客户承诺本周回款）')
    expect(bodyText()).not.toMatch(/approved|submitted|over_limit|overdue_debt/)
  })

  it("the region's sales administrator reviews, approves and ships on a book of their own; the rep sees it after the next files", async () => {
    const { backend, customer } = await world()
    await backend.actAs('rep')
    await backend.createOrder({
      customerId: customer,
      paymentKind: 'expense',
      deliveryAddress: '寿光市农圣街 18 号',
      lines: [{ product: 'NY-LQ', cases: 2, units: 0, gift: false }],
      submit: true,
    })
    await backend.actAs('admin')
    ;({ wrapper } = await mountWith(OrdersPage, backend))
    // Sales administration works from the review queue, as head office does.
    await until(() => q('[data-testid=orders-tab-review]') !== null)
    expect(qa('[data-testid^=orders-tab-]').map((e) => e.textContent)).toEqual(['待审核', '信用冻结', '逾期未发', '欠货', '全部'])
    expect(q('[data-testid=new-order]')).not.toBeNull()
    await openFirstOrder()
    expect(q('[data-testid=order-number]')!.textContent).toBe('SO00000001')
    q('[data-testid=order-approve]')!.click()
    await until(() => q('[data-testid=order-status]')?.textContent === '已审批')
    q('[data-testid=order-ship]')!.click()
    await until(() => q('[data-testid=order-dialog-confirm]') !== null)
    q('[data-testid=order-dialog-confirm]')!.click()
    await until(() => q('[data-testid=order-shipping]')?.textContent === '已发完')
    wrapper.unmount()
    document.body.innerHTML = ''

    // The rep, after the administrator's file and head office's answer.
    await backend.actAs('rep')
    ;({ wrapper } = await mountWith(OrdersPage, backend))
    await openFirstOrder()
    expect(q('[data-testid=order-status]')!.textContent).toBe('已审批')
    expect(q('[data-testid=order-shipping]')!.textContent).toBe('已发完')
    expect(q('[data-testid=order-history]')!.textContent).toContain('刘敏')
  })

  it("offers the card's addresses, the delivery one first, and shows head office's promotions while the rep types", async () => {
    const { backend, customer } = await world()
    await backend.addRecord({ customerId: customer, kind: 'address', fields: { kind: 'business', detail: '农圣街 18 号' } })
    await backend.addRecord({ customerId: customer, kind: 'address', fields: { kind: 'delivery', detail: '仓储路 6 号' } })
    const month = { validFrom: '2026-11-01', validTo: '2026-11-30' }
    await backend.addPromotion({ name: '秋季让利', product: 'NY-LQ', discountPercent: 10, ...month })
    await backend.addPromotion({ name: '满箱赠', product: 'NY-LQ', minUnits: 20, giftProduct: 'NY-LQ', giftUnits: 2, ...month })
    await backend.actAs('rep')
    ;({ wrapper } = await mountWith(OrdersPage, backend))
    const w = wrapper
    await w.find('[data-testid=new-order]').trigger('click')
    await until(() => q('[data-testid=order-form]') !== null)
    w.findComponent(CustomerSelect).vm.$emit('update:modelValue', customer)
    await until(() => (q('[data-testid=order-address-choice]')?.textContent ?? '').includes('仓储路 6 号'))
    expect(q('[data-testid=order-address-choice]')!.textContent).toContain('收货地址：仓储路 6 号')
    expect(q('[data-testid=order-address]')).toBeNull()
    // The product by the initials of its name's pinyin (高效氯氰菊酯): the core finds it.
    const typed = q('[data-testid=order-line-product] input') as HTMLInputElement
    typed.value = 'gxl'
    typed.dispatchEvent(new Event('input'))
    const offered = () => qa('[data-testid=order-line-product-option]').map((e) => e.textContent)
    await until(() => offered().length === 1)
    expect(offered()).toEqual(['NY-LQ 高效氯氰菊酯 500ml'])
    const product = w.findAllComponents(ElSelect).find((s) => s.element.closest('[data-testid=order-line]'))!
    product.vm.$emit('update:modelValue', 'NY-LQ')
    // One case of 20 bottles at 28.00 less 10 %, and two bottles free for the whole case.
    await until(() => (q('[data-testid=order-total]')?.textContent ?? '').includes('504.00'))
    expect(q('[data-testid=order-line-promotion]')!.textContent).toBe('促销：秋季让利')
    expect(q('[data-testid=order-promotion-gift]')!.textContent).toContain('满箱赠 赠送：NY-LQ 高效氯氰菊酯 500ml 2 瓶')
    expect(qa('[data-testid=order-line-flag]')).toHaveLength(0)
    // Another address is typed in; back to the card's, the order goes there.
    const choice = w.findAllComponents(ElSelect).find((s) => s.element.closest('[data-testid=order-address-choice]') !== null)!
    choice.vm.$emit('update:modelValue', '')
    await until(() => q('[data-testid=order-address]') !== null)
    choice.vm.$emit('update:modelValue', choice.props('modelValue') || (await backend.deliveryAddresses(customer))[0].id)
    await until(() => q('[data-testid=order-address]') === null)
    q('[data-testid=order-submit]')!.click()
    await until(() => q('[data-testid=order-status]')?.textContent === '已提交')
    expect(bodyText()).toContain('仓储路 6 号')
    expect(qa('[data-testid=order-lines] [data-testid=order-line-promotion]').map((e) => e.textContent)).toEqual(['促销：秋季让利', '促销：满箱赠'])
  })

  it("shows a card's credit, its statement with the aging of what is open, and its orders", async () => {
    const { backend, customer } = await world()
    await backend.actAs('rep')
    ;({ wrapper } = await mountWith(CustomerCard, backend, { id: customer }))
    const w = wrapper
    await until(() => w.find('[data-testid=card-tab-money]').exists())
    await w.find('[data-testid=card-tab-money]').trigger('click')
    await until(() => q('[data-testid=customer-statement]') !== null)
    const credit = q('[data-testid=customer-credit]')!.textContent ?? ''
    expect(credit).toContain('信用额度：50,000.00 元')
    expect(credit).toContain('逾期欠款：2,000.00 元')
    // Due 2026-08-01, 113 days before the books' today: over 90 days.
    expect(q('[data-testid=customer-aging]')!.textContent).toContain('90 天以上：2,000.00 元')
    const rows = qa('[data-testid=customer-statement] .el-table__row').map((r) => r.textContent ?? '')
    expect(rows).toHaveLength(2)
    expect(rows[0]).toContain('发票 INV-0701')
    expect(rows[0]).toContain('逾期 113 天')
    expect(rows[1]).toContain('回款 PAY-0801')
    expect(rows[1]).toContain('现金款')
    expect(q('[data-testid=customer-money]')!.textContent).toContain('没有订单')
  })
})
