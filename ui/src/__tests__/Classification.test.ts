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
    await w.find('[data-testid=accept-grades]').trigger('click')
    await until(() => w.text().includes('已调整') || document.body.textContent!.includes('已调整'))
    expect((await backend.getCustomer(id['大户'])).grading.grade).toBe('A')
    expect((await backend.getCustomer(id['中户'])).grading.grade).toBe('B')
    expect((await backend.getCustomer(id['小户'])).grading.grade).toBe('A')
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
