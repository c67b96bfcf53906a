import { afterEach, describe, expect, it, vi } from 'vitest'
import { existsSync } from 'node:fs'
import type { VueWrapper } from '@vue/test-utils'
import TargetsPage from '../views/TargetsPage.vue'
import { mountWith, until } from './helpers'
import { TestBook } from './testBook'
import { yearToTheTerritory } from './targetsFixtures'

let wrapper: VueWrapper | undefined

afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  document.body.innerHTML = ''
})

const q = (selector: string) => document.querySelector(selector) as HTMLElement | null
const qa = (selector: string) => [...document.querySelectorAll(selector)] as HTMLElement[]

/** Types into an Element Plus input found by its test id. */
async function type(testid: string, value: string) {
  const input = q(`[data-testid=${testid}] input`) ?? (q(`[data-testid=${testid}]`) as HTMLInputElement)
  ;(input as HTMLInputElement).value = value
  input.dispatchEvent(new Event('input'))
  await new Promise((r) => setTimeout(r, 0))
}

describe('targets', () => {
  it('the manager breaks the territory down to the reps on the page, head office approves, and the rep sees the target', async () => {
    const backend = await TestBook.create({ as: 'office', customers: ['华星农业', { name: '青州种子站', owner: 'rep2' }] })
    const territory = await yearToTheTerritory(backend)
    await backend.actAs('manager')

    ;({ wrapper } = await mountWith(TargetsPage, backend))
    // Progress opens on the manager's region, with its November target.
    await until(() => qa('[data-testid=target-row-name]').length > 0)
    expect(qa('[data-testid=target-row-name]')[0].textContent).toBe('潍坊区')
    expect(qa('[data-testid=target-row-target]')[0].textContent).toBe('10,000.00')
    expect(q('[data-testid=target-elapsed]')!.textContent).toContain('时间进度')

    // The breakdown: the region is the manager's own, broken down by head office already.
    q('[data-testid=targets-tab-breakdown]')!.click()
    await until(() => q('[data-testid=breakdown-node]')?.textContent === '潍坊区')
    expect(q('[data-testid=breakdown-status]')!.textContent!.trim()).toBe('已审批')
    q(`[data-testid=breakdown-open-${territory}]`)!.click()
    await until(() => q('[data-testid=breakdown-node]')?.textContent === '寿光片区')
    expect(q('[data-testid=breakdown-status]')!.textContent!.trim()).toBe('分解中')
    expect(qa('[data-testid=breakdown-child]').map((r) => r.textContent)).toHaveLength(2)

    // A bad amount is refused before anything is sent; a short one is refused by the core.
    await type('cell-0-1', '12.345')
    q('[data-testid=breakdown-submit]')!.click()
    await until(() => document.body.textContent!.includes('请输入金额'))
    await type('cell-0-1', '100')
    await until(() => q('[data-testid=breakdown-left-total]')!.textContent === '119,900.00')
    q('[data-testid=breakdown-submit]')!.click()
    await until(() => document.body.textContent!.includes('下级目标之和与本级目标不符'))
    expect(q('[data-testid=breakdown-status]')!.textContent!.trim()).toBe('分解中')

    // The core's proposal fills the table; it adds up, and goes for approval.
    q('[data-testid=breakdown-propose]')!.click()
    await until(() => q('[data-testid=breakdown-left-total]')!.textContent === '0.00')
    q('[data-testid=breakdown-submit]')!.click()
    await until(() => q('[data-testid=breakdown-status]')?.textContent?.trim() === '待审批')
    expect(q('[data-testid=breakdown-approve]')).toBeNull()

    // The breakdown shown, as a workbook: the territory's, not the manager's own region's.
    const sheet = `${backend.folder}/寿光片区目标分解.xlsx`
    backend.picks.push(sheet)
    const written = vi.spyOn(backend, 'writeTargetBreakdown')
    q('[data-testid=breakdown-export]')!.click()
    await until(() => existsSync(sheet))
    expect(written).toHaveBeenCalledWith(2026, 'revenue', territory, sheet)

    // Head office approves it (the level above the manager's).
    wrapper!.unmount()
    wrapper = undefined
    await backend.actAs('office')
    const seen = await backend.targetBreakdown(2026, 'revenue', territory)
    expect(seen.mayDecide).toBe(true)
    await backend.decideBreakdown(2026, 'revenue', territory, 'approve', null)

    // The rep sees their half of the territory's November, and breaks it down to their card.
    await backend.actAs('rep')
    ;({ wrapper } = await mountWith(TargetsPage, backend))
    await until(() => qa('[data-testid=target-row-name]').length > 0)
    expect(qa('[data-testid=target-row-name]')[0].textContent).toBe('王强')
    expect(qa('[data-testid=target-row-target]')[0].textContent).toBe('5,000.00')
    expect(qa('[data-testid=target-row-name]').map((e) => e.textContent)).toEqual(['王强', '华星农业'])
    q('[data-testid=targets-tab-breakdown]')!.click()
    await until(() => q('[data-testid=breakdown-node]')?.textContent === '王强')
    q('[data-testid=breakdown-propose]')!.click()
    await until(() => q('[data-testid=breakdown-left-total]')!.textContent === '0.00')
    q('[data-testid=breakdown-submit]')!.click()
    await until(() => q('[data-testid=breakdown-status]')?.textContent?.trim() === '待审批')
    expect(q('[data-testid=breakdown-withdraw]')).not.toBeNull()
  })

  it("the manager returns a rep's breakdown with a reason the rep reads", async () => {
    const backend = await TestBook.create({ as: 'office', customers: ['华星农业'] })
    const territory = await yearToTheTerritory(backend)
    await backend.actAs('manager')
    const children = await backend.proposeBreakdown(2026, 'revenue', territory, 'equal')
    await backend.saveBreakdown({ year: 2026, measure: 'revenue', node: territory, children, leaveUnallocated: false, submit: true })
    await backend.actAs('office')
    await backend.decideBreakdown(2026, 'revenue', territory, 'approve', null)
    await backend.actAs('rep')
    const rep = backend.person('rep').id
    const mine = await backend.proposeBreakdown(2026, 'revenue', rep, 'equal')
    await backend.saveBreakdown({ year: 2026, measure: 'revenue', node: rep, children: mine, leaveUnallocated: false, submit: true })
    await backend.actAs('manager')
    await backend.decideBreakdown(2026, 'revenue', rep, 'return', '华星农业去年只做了半年，请重新分解')
    await backend.actAs('rep')

    ;({ wrapper } = await mountWith(TargetsPage, backend))
    q('[data-testid=targets-tab-breakdown]')!.click()
    await until(() => q('[data-testid=breakdown-status]')?.textContent?.trim() === '已退回')
    expect(q('[data-testid=breakdown-note]')!.textContent).toContain('华星农业去年只做了半年')
    // Returned: the rep may change it again.
    expect(q('[data-testid=breakdown-submit]')).not.toBeNull()
  })
})
