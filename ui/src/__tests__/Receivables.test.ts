import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { existsSync } from 'node:fs'
import ReceivablesPage from '../views/ReceivablesPage.vue'
import HomePage from '../views/HomePage.vue'
import { mountWith, until } from './helpers'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined

/** The computer's clock: the books' today (2026-11-22), so the default period is 2025-12-01 to 2026-11-22. */
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-11-22T10:00:00Z'))
})

afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.useRealTimers()
  document.body.innerHTML = ''
})

const q = (selector: string) => document.querySelector(selector) as HTMLElement | null
const qa = (selector: string) => [...document.querySelectorAll(selector)] as HTMLElement[]
const bodyText = () => document.body.textContent ?? ''

/**
 * Head office's book: 华星农业 (credit C) owes 2,000 of a July invoice, 113
 * days past due on 2026-11-22; 兰山农资 was invoiced 600 due on 10-31 and paid
 * 100 of it as marketing expenses: 500 owed, 22 days past due.
 */
async function world() {
  const backend = await TestBook.create({ as: 'office', customers: ['华星农业', '兰山农资'] })
  const [hx, ls] = backend.customers
  await backend.setGrade({ customerId: hx, scale: 'credit', grade: 'C' })
  await backend.recordInvoice({ customerId: hx, number: 'INV-0701', issuedOn: '2026-07-01', dueOn: '2026-08-01', amount: 300_000 })
  await backend.recordPayment({ customerId: hx, number: 'PAY-0801', paidOn: '2026-08-05', amount: 100_000, kind: 'cash', invoices: [] })
  await backend.recordInvoice({ customerId: ls, number: 'INV-1001', issuedOn: '2026-10-01', dueOn: '2026-10-31', amount: 60_000 })
  await backend.recordPayment({ customerId: ls, number: 'PAY-1015', paidOn: '2026-10-15', amount: 10_000, kind: 'expense', invoices: [] })
  return { backend, hx, ls }
}

describe('receivables', () => {
  it('shows the aging the core computes, by region, rep and credit grade, with its totals', async () => {
    const { backend } = await world()
    ;({ wrapper } = await mountWith(ReceivablesPage, backend))
    const w = wrapper
    await until(() => w.find('[data-testid=aging-table] tbody tr').exists())
    // 2,000 over 90 days and 500 1–30 days past due.
    const summary = w.find('[data-testid=analysis-aging] [data-testid=analysis-summary]').text()
    expect(summary).toContain('截至 2026-11-22')
    expect(summary).toContain('应收 2,500.00 元，2 个客户欠款，其中逾期 2,500.00 元（100.0%）')
    const footer = w.find('[data-testid=aging-table] .el-table__footer').text()
    expect(footer).toContain('合计')
    expect(footer).toContain('2,500.00')
    // A region with units below opens them; the breadcrumbs lead back up, the money the same.
    const drill = w.find('[data-testid=aging-drill]')
    const unit = drill.attributes('data-id')!
    await drill.trigger('click')
    await until(() => w.find('[data-testid=aging-path]').exists())
    expect(w.find('[data-testid=aging-path]').text()).toContain(backend.units.find((u) => u.id === unit)!.name)
    expect(w.find('[data-testid=aging-table] .el-table__footer').text()).toContain('2,500.00')
    await w.find('[data-testid=aging-crumb]').trigger('click')
    await until(() => !w.find('[data-testid=aging-path]').exists())
    await w.find('[data-testid=aging-by-grades]').trigger('click')
    await until(() => w.find('[data-testid=aging-table]').text().includes('信用 C'))
    expect(w.find('[data-testid=aging-table]').text()).toContain('2,000.00')
    expect(bodyText()).not.toMatch(/not_due|up_to_30|over_90|\bcredit\b/)
  })

  it('lists who owes overdue money and who must act, in words; a name opens the card', async () => {
    const { backend, hx } = await world()
    const opened: string[] = []
    ;({ wrapper } = await mountWith(ReceivablesPage, backend, { onOpen: (id: string) => opened.push(id) }))
    const w = wrapper
    await w.find('[data-testid=receivables-tab-overdue]').trigger('click')
    await until(() => qa('[data-testid=overdue-customer]').length === 2)
    expect(qa('[data-testid=overdue-customer]').map((e) => e.textContent)).toEqual(['华星农业', '兰山农资'])
    expect(qa('[data-testid=overdue-step]').map((e) => [e.dataset.step, e.textContent])).toEqual([
      ['office', '总部处理'],
      ['rep', '业务员催收'],
    ])
    expect(q('[data-testid=overdue-step-office]')!.textContent).toContain('1 个客户，2,000.00 元')
    expect(bodyText()).not.toMatch(/\boffice\b|\bmanager\b/)
    qa('[data-testid=overdue-customer]')[0].click()
    expect(opened).toEqual([hx])
  })

  it('shows invoicing and collection by month with cash and expenses apart, and exports the analysis shown', async () => {
    const { backend } = await world()
    const exported = vi.spyOn(backend, 'exportAnalysis')
    const path = `${backend.folder}/开票与回款.xlsx`
    backend.picks.push(path)
    ;({ wrapper } = await mountWith(ReceivablesPage, backend))
    const w = wrapper
    await w.find('[data-testid=receivables-tab-collections]').trigger('click')
    await until(() => w.find('[data-testid=collections-months] tbody tr').exists())
    const october = w.findAll('[data-testid=collections-months] tbody tr').find((r) => r.text().startsWith('2026-10'))!
    // 600 invoiced, 100 paid as marketing expenses, 2,000 + 500 owed at the month's end.
    expect(october.text()).toContain('600.00')
    expect(october.text()).toContain('100.00')
    expect(october.text()).toContain('2,500.00')
    expect(w.find('[data-testid=analysis-collections] [data-testid=analysis-summary]').text()).toContain('费用款 100.00 元（9.1%）')
    await w.find('[data-testid=analysis-collections] [data-testid=export-analysis]').trigger('click')
    await until(() => exported.mock.calls.length === 1)
    expect(exported.mock.calls[0][0]).toBe('collections')
    await until(() => bodyText().includes(`已导出到 ${path}`))
    expect(existsSync(path)).toBe(true)
  })

  it("shows a rep only their own customers' debts", async () => {
    const { backend } = await world()
    await backend.actAs('rep2')
    ;({ wrapper } = await mountWith(ReceivablesPage, backend))
    const w = wrapper
    await until(() => w.find('[data-testid=analysis-aging] [data-testid=analysis-none]').exists() || w.find('[data-testid=aging-table] tbody tr').exists())
    // The cards are 王强's: 赵刚 sees none of their money.
    expect(w.find('[data-testid=analysis-aging] [data-testid=analysis-none]').exists()).toBe(true)
    expect(w.find('[data-testid=receivables-unit]').exists()).toBe(false)
  })

  it("puts the debts head office must act on and the month's cut-off on its home page", async () => {
    const { backend, hx } = await world()
    const opened: string[] = []
    ;({ wrapper } = await mountWith(HomePage, backend, { onOpen: (id: string) => opened.push(id) }))
    await until(() => q('[data-testid=home-debts]') !== null)
    // 2026-11-22: the payment cut-off on the 25th; both customers owe money due by then.
    const monthEnd = q('[data-testid=home-month-end]')!
    expect(monthEnd.textContent).toContain('2026-11-25 截账：还有 2 个客户共 2,500.00 元到期未回款')
    // Head office acts on 华星农业 (113 days); 兰山农资's 22 days are the rep's.
    expect(qa('[data-testid=home-debt]').map((e) => e.dataset.step)).toEqual(['office'])
    expect(q('[data-testid=home-debt]')!.textContent).toContain('华星农业')
    expect(q('[data-testid=home-debts-summary]')!.textContent).toContain('1 个客户的逾期欠款需要您处理，共 2,000.00 元')
    ;(q('[data-testid=home-debt] button') as HTMLElement).click()
    expect(opened).toEqual([hx])
  })
})
