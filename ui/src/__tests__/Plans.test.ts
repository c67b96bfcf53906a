import { afterEach, describe, expect, it, vi } from 'vitest'
import { existsSync, writeFileSync } from 'node:fs'
import type { VueWrapper } from '@vue/test-utils'
import PlansPage from '../views/PlansPage.vue'
import ForecastPage from '../views/ForecastPage.vue'
import SalesPage from '../views/SalesPage.vue'
import TargetsPage from '../views/TargetsPage.vue'
import { mountWith, until } from './helpers'
import { TestBook } from './testBook'
import { yearToTheCustomers } from './targetsFixtures'

let wrapper: VueWrapper | undefined

afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  document.body.innerHTML = ''
})

const q = (selector: string) => document.querySelector(selector) as HTMLElement | null
const qa = (selector: string) => [...document.querySelectorAll(selector)] as HTMLElement[]

async function type(testid: string, value: string) {
  const input = q(`[data-testid=${testid}] input`) ?? q(`[data-testid=${testid}] textarea`) ?? q(`[data-testid=${testid}]`)
  ;(input as HTMLInputElement).value = value
  input!.dispatchEvent(new Event('input'))
  await new Promise((r) => setTimeout(r, 0))
}

describe('plans and forecasts', () => {
  it('the rep plans the 旬 from the targets and submits; the manager sees it rolled up, comments, and the rep reads it', async () => {
    const backend = await TestBook.create({ as: 'office', customers: ['华星农业', '绿丰农资', { name: '青州种子站', owner: 'rep2' }] })
    await yearToTheCustomers(backend)
    await backend.actAs('rep')

    ;({ wrapper } = await mountWith(PlansPage, backend))
    // The books' today is 2026-11-22: the plan of 下旬, filled from each customer's target.
    await until(() => qa('[data-testid=plan-line]').length === 2)
    expect(q('[data-testid=plan-status]')!.textContent!.trim()).toBe('未填报')
    // Each card's November is 2,500 yuan: 833.33 in the last 旬 (ten days of thirty).
    expect((q('[data-testid=plan-amount-0]') as HTMLInputElement).value).toBe('833.33')
    await type('plan-amount-0', '1200')
    await type('plan-visits-0', '2')
    await until(() => q('[data-testid=plan-total-amount]')!.textContent === '2,033.33')
    // A bad visit count is refused before anything is sent.
    await type('plan-visits-1', 'x')
    q('[data-testid=plan-submit]')!.click()
    await until(() => document.body.textContent!.includes('拜访次数为 0 到 31 的整数'))
    await type('plan-visits-1', '1')
    await type('plan-note', '华星农业冬储备货')
    q('[data-testid=plan-submit]')!.click()
    await until(() => q('[data-testid=plan-status]')?.textContent?.trim() === '已提交')
    expect(q('[data-testid=plan-amount-0]')).toBeNull()
    expect(q('[data-testid=plan-note-text]')!.textContent).toContain('华星农业冬储备货')

    // The manager: the region's roll-up, then the territory's, then the rep's plan.
    wrapper!.unmount()
    wrapper = undefined
    await backend.actAs('manager')
    ;({ wrapper } = await mountWith(PlansPage, backend))
    await until(() => q('[data-testid=rollup-unit]')?.textContent === '潍坊区')
    expect(qa('.el-table__row [data-testid=rollup-submitted]').map((e) => e.textContent)).toEqual(['1/2', '1/2'])
    qa('[data-testid=plans-rollup] .el-table__row')[0].click()
    await until(() => q('[data-testid=rollup-unit]')?.textContent === '寿光片区')
    const names = qa('.el-table__row [data-testid=rollup-name]').map((e) => e.textContent)
    expect(names).toEqual(['王强', '赵刚', '合计'])
    expect(qa('.el-table__row [data-testid=rollup-status]').map((e) => e.textContent!.trim())).toEqual(['已提交', '未填报'])
    expect(qa('.el-table__row [data-testid=rollup-amount]')[0].textContent).toBe('2,033.33')
    qa('[data-testid=plans-rollup] .el-table__row')[0].click()
    await until(() => q('[data-testid=plan-staff]')?.textContent === '王强')
    await type('plan-comment-input', '备货量偏大，注意回款')
    q('[data-testid=plan-comment-add]')!.click()
    await until(() => qa('[data-testid=plan-comment]').length === 1)

    // The monthly summary beside it, once head office imported a sale: each
    // rep's target and plan of the twelve months to today (the 22nd: two of
    // 下旬's ten days of the plan, 406.67 yuan).
    wrapper!.unmount()
    wrapper = undefined
    await backend.actAs('office')
    await backend.fixture('sales_catalogue')
    const sales = `${backend.folder}/销售明细.csv`
    writeFileSync(sales, '单号,日期,客户名称,产品编码,数量,金额\nX1,2026-11-12,华星农业,FH-45,10,1600\n')
    const report = await backend.runImport({ path: sales, kind: 'sales', decisions: [] }, true)
    expect(report.refused).toBe(0)
    await backend.actAs('manager')
    ;({ wrapper } = await mountWith(SalesPage, backend))
    await until(() => q('[data-testid=sales-tab-monthly]') !== null)
    q('[data-testid=sales-tab-monthly]')!.click()
    await until(() => qa('[data-testid=monthly-target]').length === 2)
    const monthly = (testid: string) => qa(`[data-testid=${testid}]`).map((e) => e.textContent)
    const rows = qa('[data-testid=monthly-table] .el-table__body-wrapper tbody tr').map((r) => r.textContent ?? '')
    const wang = rows.findIndex((r) => r.includes('王强'))
    expect(monthly('monthly-plan')[wang]).toBe('406.67')
    expect(monthly('monthly-plan')[1 - wang]).toBe('—')
    // Ten months of 5,000 yuan and two thirds and a fifth of a third of November's.
    expect(monthly('monthly-target')).toEqual(['53,666.67', '53,666.67'])
    expect(q('[data-testid=monthly-headline]')!.textContent).toBe('合计 1,600.00 元，目标 107,333.34 元，完成 1.5%；计划 406.67 元')

    wrapper!.unmount()
    wrapper = undefined
    await backend.actAs('rep')
    ;({ wrapper } = await mountWith(PlansPage, backend))
    await until(() => qa('[data-testid=plan-comment]').length === 1)
    expect(q('[data-testid=plan-comment]')!.textContent).toContain('李敏')
    expect(q('[data-testid=plan-comment]')!.textContent).toContain('备货量偏大')
  })

  it('a customer handed over after it was planned shows as handed over and leaves the draft when it is saved', async () => {
    const backend = await TestBook.create({ as: 'office', customers: ['华星农业', '绿丰农资'] })
    await yearToTheCustomers(backend)
    await backend.actAs('rep')
    ;({ wrapper } = await mountWith(PlansPage, backend))
    await until(() => qa('[data-testid=plan-line]').length === 2)
    q('[data-testid=plan-save]')!.click()
    await until(() => q('[data-testid=plan-status]')?.textContent?.trim() === '草稿')
    wrapper!.unmount()
    wrapper = undefined

    // Head office hands 绿丰农资 to the other rep; the rep's laptop no longer holds it.
    await backend.actAs('office')
    await backend.editCustomer({ customerId: backend.customers[1], changes: [{ field: 'ownerId', value: backend.person('rep2').id }] })
    await backend.actAs('rep')
    ;({ wrapper } = await mountWith(PlansPage, backend))
    await until(() => qa('[data-testid=plan-line]').length === 2)
    const moved = qa('[data-testid=plan-line]')[1]
    expect(moved.textContent).toContain('已移交的客户')
    expect(moved.querySelector('[data-testid=plan-handed-over]')!.textContent!.trim()).toBe('已移交')
    expect(moved.querySelector('input'), 'a handed-over line is not typed in').toBeNull()
    expect(q('[data-testid=plan-total-amount]')!.textContent, 'the total is what stays').toBe('833.33')
    q('[data-testid=plan-save]')!.click()
    await until(() => qa('[data-testid=plan-line]').length === 1)
    expect(qa('[data-testid=plan-line]')[0].textContent).toContain('华星农业')
    expect(q('[data-testid=plan-handed-over]')).toBeNull()
  })

  it('the rep forecasts the next three months from the proposal and the manager sees the roll-up', async () => {
    const backend = await TestBook.create({ as: 'office', customers: ['华星农业'] })
    await yearToTheCustomers(backend)
    await backend.actAs('rep')
    ;({ wrapper } = await mountWith(ForecastPage, backend))
    await until(() => qa('[data-testid=forecast-line]').length === 1)
    expect(q('[data-testid=forecast-status]')!.textContent!.trim()).toBe('未填报')
    expect(q('[data-testid=forecast-accuracy]')!.textContent).toContain('还没有已结束月份的预测')
    await type('forecast-cell-0-0', '3000')
    await type('forecast-cell-0-1', '2000')
    await type('forecast-cell-0-2', '2500.5')
    await until(() => q('[data-testid=forecast-total-2]')!.textContent === '2,500.50')
    q('[data-testid=forecast-submit]')!.click()
    await until(() => q('[data-testid=forecast-status]')?.textContent?.trim() === '已提交')

    wrapper!.unmount()
    wrapper = undefined
    await backend.actAs('manager')
    ;({ wrapper } = await mountWith(ForecastPage, backend))
    await until(() => q('[data-testid=forecast-tab-team]') !== null)
    q('[data-testid=forecast-tab-team]')!.click()
    await until(() => qa('[data-testid=forecast-rollup-name]').length > 0)
    expect(qa('[data-testid=forecast-rollup-0]').map((e) => e.textContent)).toEqual(['3,000.00', '3,000.00'])
  })

  it("the manager's month-end summary starts from their monthly report, and the roll-ups save as workbooks", async () => {
    const backend = await TestBook.create({ as: 'office', customers: ['华星农业'] })
    await yearToTheCustomers(backend)
    await backend.actAs('rep')
    const proposal = await backend.salesForecast('2026-11', null)
    const lines = proposal.lines.map((l) => ({ customerId: l.customer.id, amounts: [300_000, 200_000, 100_000] }))
    await backend.saveSalesForecast({ month: '2026-11', lines, submit: true })
    await backend.actAs('manager')
    await backend.saveReport({ kind: 'monthly', summary: '冬储备货启动，竞品降价。' })

    ;({ wrapper } = await mountWith(TargetsPage, backend))
    await until(() => q('[data-testid=targets-tab-summary]') !== null)
    q('[data-testid=targets-tab-summary]')!.click()
    await until(() => q('[data-testid=month-end-target]') !== null)
    expect(q('[data-testid=month-end-title]')!.textContent).toBe('潍坊区 2026年11月 销售工作总结')
    expect(q('[data-testid=month-end-target]')!.textContent).toBe('10,000.00 元')
    expect(q('[data-testid=month-end-forecast-0]')!.textContent).toBe('3,000.00 元')
    expect(q('[data-testid=month-end-growth]')!.textContent).toContain('0 个')
    expect((q('[data-testid=month-end-analysis]') as HTMLTextAreaElement).value).toBe('冬储备货启动，竞品降价。')
    await type('month-end-analysis', '冬储备货启动，竞品降价；下月重点回款。')
    const summary = `${backend.folder}/月度总结.xlsx`
    backend.picks.push(summary)
    const written = vi.spyOn(backend, 'writeMonthEndSummary')
    q('[data-testid=month-end-export]')!.click()
    await until(() => existsSync(summary) && document.body.textContent!.includes('已保存到'))
    // The analysis as the manager changed it goes to the core with the month and the manager's unit.
    expect(written).toHaveBeenCalledWith({ month: '2026-11' }, '冬储备货启动，竞品降价；下月重点回款。', summary)

    // The plans of this 旬 and the forecasts, rolled up, as workbooks.
    wrapper!.unmount()
    wrapper = undefined
    ;({ wrapper } = await mountWith(PlansPage, backend))
    await until(() => q('[data-testid=plans-export]') !== null)
    const plans = `${backend.folder}/计划汇总.xlsx`
    backend.picks.push(plans)
    q('[data-testid=plans-export]')!.click()
    await until(() => existsSync(plans))
    wrapper!.unmount()
    wrapper = undefined
    ;({ wrapper } = await mountWith(ForecastPage, backend))
    await until(() => q('[data-testid=forecast-tab-team]') !== null)
    q('[data-testid=forecast-tab-team]')!.click()
    await until(() => q('[data-testid=forecast-export]') !== null)
    const forecasts = `${backend.folder}/滚动预测.xlsx`
    backend.picks.push(forecasts)
    q('[data-testid=forecast-export]')!.click()
    await until(() => existsSync(forecasts))

    // The rep's own plan and forecast too.
    wrapper!.unmount()
    wrapper = undefined
    await backend.actAs('rep')
    ;({ wrapper } = await mountWith(ForecastPage, backend))
    await until(() => q('[data-testid=forecast-mine-export]') !== null)
    const mine = `${backend.folder}/我的预测.xlsx`
    backend.picks.push(mine)
    q('[data-testid=forecast-mine-export]')!.click()
    await until(() => existsSync(mine))
    wrapper!.unmount()
    wrapper = undefined
    ;({ wrapper } = await mountWith(PlansPage, backend))
    await until(() => q('[data-testid=plan-export]') !== null)
    const plan = `${backend.folder}/我的计划.xlsx`
    backend.picks.push(plan)
    q('[data-testid=plan-export]')!.click()
    await until(() => existsSync(plan))
  })
})
