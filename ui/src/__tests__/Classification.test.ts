import { afterEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import ClassificationPage from '../views/ClassificationPage.vue'
import CustomerCard from '../views/CustomerCard.vue'
import CustomerList from '../views/CustomerList.vue'
import { customerQuery } from '../backend/types'
import type { JsonValue } from '../generated/bindings'
import { mountWith, until } from './helpers'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  document.body.innerHTML = ''
})

async function ids(backend: TestBook): Promise<Record<string, string>> {
  const page = await backend.searchCustomers(customerQuery())
  return Object.fromEntries(page.rows.map((r) => [r.name, r.id]))
}

/** Head office's book with a few customers. */
function office(customers: Array<string | Record<string, JsonValue>>) {
  return TestBook.create({ as: 'office', customers })
}

const bodyText = () => document.body.textContent ?? ''

/** The newest confirmation (Element Plus leaves closed ones in the page). */
const messageBox = () => [...document.querySelectorAll('.el-message-box')].at(-1) as HTMLElement | undefined

/** Clicks 采纳所选 and waits for its confirmation, which must name `n` suggestions. */
async function askToAccept(w: VueWrapper, n: number): Promise<HTMLElement> {
  const before = document.querySelectorAll('.el-message-box').length
  await w.find('[data-testid=accept-grades]').trigger('click')
  await until(() => document.querySelectorAll('.el-message-box').length > before)
  const box = messageBox()!
  expect(box.textContent).toContain(`采纳 ${n} 条等级建议？`)
  return box
}

/** Accepts `n` suggestions: clicks 采纳所选, checks the count the confirmation names, and confirms. */
async function confirmAccept(w: VueWrapper, n: number) {
  const box = await askToAccept(w, n)
  ;(box.querySelector('.accept-grades-confirm') as HTMLElement).click()
}

/** Runs the ABC suggestion on the classification page's suggestion tab and waits for `rows` ticks. */
async function runSuggestion(w: VueWrapper, rows: number) {
  await w.findAll('.el-tabs__item').at(2)!.trigger('click')
  await until(() => w.find('[data-testid=run-suggestion]').exists())
  await w.find('[data-testid=run-suggestion]').trigger('click')
  await until(() => w.findAll('[data-testid=suggestion-tick]').length === rows)
}

describe('classification', () => {
  it('head office adds a code to a list; a bad key is refused with the reason and the list stays as it was', async () => {
    const backend = await office(['华星农业'])
    ;({ wrapper } = await mountWith(ClassificationPage, backend))
    const w = wrapper
    await w.find('[data-testid=code-list][data-id=channel_type]').trigger('click')
    const before = (await backend.codeLists()).find((l) => l.id === 'channel_type')!.items.length
    await w.find('[data-testid=add-code]').trigger('click')
    // Element Plus puts the attributes of el-input on the <input> itself.
    const input = (sel: string) => document.querySelector(`input[data-testid=${sel}]`) as HTMLInputElement
    await until(() => input('code-key') !== null)
    const type = async (sel: string, v: string) => {
      input(sel).value = v
      input(sel).dispatchEvent(new Event('input'))
      await until(() => input(sel).value === v)
    }
    await type('code-key', 'Farm Shop!')
    await type('code-label-zh', '农场店')
    await type('code-label-en', 'Farm shop')
    ;(document.querySelector('[data-testid=save-code]') as HTMLElement).click()
    await until(() => bodyText().includes('只能用小写字母'))
    expect((await backend.codeLists()).find((l) => l.id === 'channel_type')!.items).toHaveLength(before)
    await type('code-key', 'farm_shop')
    ;(document.querySelector('[data-testid=save-code]') as HTMLElement).click()
    await until(() => w.text().includes('农场店'))
    const items = (await backend.codeLists()).find((l) => l.id === 'channel_type')!.items
    expect(items.map((i) => i.code)).toContain('farm_shop')
  })

  it('a rep reads the lists but cannot change them', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    ;({ wrapper } = await mountWith(ClassificationPage, backend))
    expect(wrapper.text()).toContain('代码表由总部维护')
    expect(wrapper.find('[data-testid=add-code]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=add-code-list]').exists()).toBe(false)
  })

  it('the ABC suggestion leaves a manual grade unticked; accepting changes only the ticked cards', async () => {
    const backend = await office([
      { name: '大户', lifecycle: 'active', annualSalesWithUs: 800_000 },
      { name: '中户', lifecycle: 'active', annualSalesWithUs: 150_000 },
      { name: '小户', lifecycle: 'active', annualSalesWithUs: 50_000 },
    ])
    const id = await ids(backend)
    // Set by hand (a manual grade), as head office does on the card.
    await backend.setGrade({ customerId: id['小户'], scale: 'customer', grade: 'A' })
    ;({ wrapper } = await mountWith(ClassificationPage, backend))
    const w = wrapper
    await w.findAll('.el-tabs__item').at(2)!.trigger('click')
    await until(() => w.find('[data-testid=run-suggestion]').exists())
    await w.find('[data-testid=run-suggestion]').trigger('click')
    await until(() => w.findAll('[data-testid=suggestion-tick]').length === 3)
    const tick = (name: string) => w.find(`[data-testid=suggestion-tick][data-name=${name}] input`).element as HTMLInputElement
    expect(tick('大户').checked).toBe(true)
    expect(tick('小户').checked).toBe(false)
    expect(w.find('[data-testid=accept-grades]').text()).toContain('2')
    await confirmAccept(w, 2)
    await until(() => w.text().includes('已调整') || document.body.textContent!.includes('已调整'))
    expect((await backend.getCustomer(id['大户'])).grading.grade).toBe('A')
    expect((await backend.getCustomer(id['中户'])).grading.grade).toBe('B')
    expect((await backend.getCustomer(id['小户'])).grading.grade).toBe('A')
  })

  it('accepting takes only the ticked rows of the page shown, after a confirmation that counts them', async () => {
    // 55 active customers, largest first: 客户01 … 客户55. The first page shows 50 of their 55 suggestions.
    const names = Array.from({ length: 55 }, (_, i) => `客户${String(i + 1).padStart(2, '0')}`)
    const backend = await office(names.map((name, i) => ({ name, lifecycle: 'active', annualSalesWithUs: 1_000_000 - i * 10_000 })))
    const id = await ids(backend)
    expect((await backend.suggestGrades({})).changes).toHaveLength(55)
    ;({ wrapper } = await mountWith(ClassificationPage, backend))
    const w = wrapper
    await runSuggestion(w, 50)
    const tick = (name: string) => w.find(`[data-testid=suggestion-tick][data-name=${name}] input`)
    expect(tick('客户55').exists()).toBe(false)
    // Every row shown is ticked by default; the button counts the ticked rows shown, not all 55.
    expect(w.find('[data-testid=accept-grades]').text()).toBe('采纳所选（50）')
    await tick('客户03').setValue(false)
    await until(() => w.find('[data-testid=accept-grades]').text() === '采纳所选（49）')

    // Cancelled: nothing changes.
    const box = await askToAccept(w, 49)
    ;(box.querySelector('.el-message-box__btns .el-button:not(.accept-grades-confirm)') as HTMLElement).click()
    await new Promise((r) => setTimeout(r, 300))
    expect((await backend.getCustomer(id['客户01'])).grading.grade).toBeNull()
    expect((await backend.suggestGrades({})).changes).toHaveLength(55)

    await confirmAccept(w, 49)
    await until(() => bodyText().includes('已调整 49 个客户的等级'))
    // The book changed exactly the 49: not the unticked row, not the five on the second page.
    const left = (await backend.suggestGrades({})).changes.map((c) => c.name).sort()
    expect(left).toEqual(['客户03', '客户51', '客户52', '客户53', '客户54', '客户55'])
    expect((await backend.getCustomer(id['客户01'])).grading.grade).toBe('A')
    expect((await backend.getCustomer(id['客户55'])).grading.grade).toBeNull()
    // What is left is shown again, ticked: all of it now fits on one page.
    await until(() => w.findAll('[data-testid=suggestion-tick]').length === 6)
  })

  it('accepting under an owner filter takes only that owner’s rows; with nothing ticked the button is disabled', async () => {
    const backend = await office([
      { name: '王家大户', lifecycle: 'active', annualSalesWithUs: 800_000 },
      { name: '赵家大户', lifecycle: 'active', annualSalesWithUs: 700_000, owner: 'rep2' },
      { name: '赵家小户', lifecycle: 'active', annualSalesWithUs: 50_000, owner: 'rep2' },
    ])
    const id = await ids(backend)
    ;({ wrapper } = await mountWith(ClassificationPage, backend))
    const w = wrapper
    await runSuggestion(w, 3)
    ;(document.querySelector('[data-testid=suggestion-owner] .el-select__wrapper') as HTMLElement).click()
    const option = () => [...document.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent === '赵刚') as HTMLElement | undefined
    await until(() => option() !== undefined)
    option()!.click()
    await until(() => w.findAll('[data-testid=suggestion-tick]').length === 2)
    expect(w.find('[data-testid=accept-grades]').text()).toBe('采纳所选（2）')
    await w.find('[data-testid=suggestion-tick][data-name=赵家小户] input').setValue(false)
    await w.find('[data-testid=suggestion-tick][data-name=赵家大户] input').setValue(false)
    await until(() => w.find('[data-testid=accept-grades]').attributes('disabled') !== undefined)
    expect(w.find('[data-testid=accept-grades]').text()).toBe('采纳所选（0）')
    await w.find('[data-testid=suggestion-tick][data-name=赵家大户] input').setValue(true)
    await confirmAccept(w, 1)
    await until(() => bodyText().includes('已调整 1 个客户的等级'))
    expect((await backend.getCustomer(id['赵家大户'])).grading.grade).not.toBeNull()
    expect((await backend.getCustomer(id['王家大户'])).grading.grade).toBeNull()
    expect((await backend.getCustomer(id['赵家小户'])).grading.grade).toBeNull()
  })

  it('a rule that does not add up to 100% shows why and keeps the old rule', async () => {
    const backend = await office(['华星农业'])
    ;({ wrapper } = await mountWith(ClassificationPage, backend))
    const w = wrapper
    await w.findAll('.el-tabs__item').at(1)!.trigger('click')
    const share = () => w.find('[data-testid=share-A] input')
    await until(() => share().exists())
    await share().setValue('80')
    await share().trigger('change')
    await until(() => w.find('[data-testid=rule-total]').text().includes('110'))
    await w.find('[data-testid=save-rule]').trigger('click')
    await until(() => w.find('[data-testid=rule-error]').exists())
    expect(w.find('[data-testid=rule-error]').text()).toContain('100%')
    expect((await backend.gradeScales()).rule.map((s) => s.share)).toEqual([70, 20, 10])
  })
})

describe('classification on the card and in the list', () => {
  it('the card shows the grade, credit terms and route; a manager sets a grade with a reason that shows in the history', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const id = backend.customers[0]
    // The rep records the last visit; the regional manager gives the card credit grade B.
    await backend.setLastVisit(id, '2026-11-10')
    await backend.actAs('manager')
    await backend.setGrade({ customerId: id, scale: 'credit', grade: 'B' })
    ;({ wrapper } = await mountWith(CustomerCard, backend, { id }))
    const w = wrapper
    await until(() => w.find('[data-testid=card-title]').exists())
    await w.findAll('.el-tabs__item').find((t) => t.text() === '分类与等级')!.trigger('click')
    await until(() => w.find('[data-testid=credit-terms]').exists())
    expect(w.find('[data-testid=credit-terms]').text()).toContain('月结')
    expect(w.find('[data-testid=visit-rhythm]').text()).toContain('2026-11-10')
    await w.find('[data-testid=set-grade]').trigger('click')
    await until(() => document.querySelector('[data-testid=grade-choice]') !== null)
    // Choose grade A from the select's options.
    ;(document.querySelector('[data-testid=grade-choice] .el-select__wrapper') as HTMLElement).click()
    await until(() => [...document.querySelectorAll('.el-select-dropdown__item')].some((o) => o.textContent?.includes('A 类')))
    ;([...document.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent?.includes('A 类')) as HTMLElement).click()
    const reason = document.querySelector('textarea[data-testid=grade-reason]') as HTMLTextAreaElement
    reason.value = '年度重点客户'
    reason.dispatchEvent(new Event('input'))
    ;(document.querySelector('[data-testid=save-grade]') as HTMLElement).click()
    // The history also holds the credit grade set before (the core records every grade change), newest first.
    await until(() => w.findAll('[data-testid=grade-history]').length === 2)
    expect(w.find('[data-testid=grade-history]').text()).toContain('年度重点客户')
    expect(w.find('[data-testid=grade-tag]').text()).toBe('A 类')
    expect((await backend.getCustomer(id)).grading.gradeManual).toBe(true)
  })

  it('the list filters by a code and counts customers by grade', async () => {
    const backend = await TestBook.create({
      as: 'office',
      customers: [
        { name: '甲批发', channelType: 'wholesaler' },
        { name: '乙批发', channelType: 'wholesaler' },
        { name: '丙零售', channelType: 'retailer' },
      ],
    })
    const id = await ids(backend)
    // Head office grades one card; the rep's laptop gets it with the next files.
    await backend.setGrade({ customerId: id['丙零售'], scale: 'customer', grade: 'A' })
    await backend.actAs('rep')
    ;({ wrapper } = await mountWith(CustomerList, backend))
    const w = wrapper
    await until(() => w.find('[data-testid=customer-total]').attributes('data-total') === '3')
    // Count by grade, then narrow to the A customers with one click.
    await w.find('[data-testid=group-by] .el-select__wrapper').trigger('click')
    await until(() => [...document.querySelectorAll('.el-select-dropdown__item')].some((o) => o.textContent === '客户等级'))
    ;([...document.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent === '客户等级') as HTMLElement).click()
    await until(() => w.findAll('[data-testid=group-count]').length === 2)
    await w.find('[data-testid=group-count][data-key=A]').trigger('click')
    await until(() => w.find('[data-testid=customer-total]').attributes('data-total') === '1')
    // The counts follow the narrowed list (and no answer is still on its way when the test ends).
    await until(() => w.findAll('[data-testid=group-count]').length === 1)
  })
})
