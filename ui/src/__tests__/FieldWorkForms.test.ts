import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { ElSelect } from 'element-plus'
import CustomerCard from '../views/CustomerCard.vue'
import ReportsPage from '../views/ReportsPage.vue'
import CompliancePage from '../views/CompliancePage.vue'
import { errorUnder, mountWith, until } from './helpers'
import { TestBook } from './testBook'
import { useMachineZone } from './fieldworkFixtures'

let wrapper: VueWrapper | undefined

/** The computer's clock for these tests: 10:00 in China on the books' today, as the books' clocks start. */
const NOW = new Date('2026-11-22T10:00:00+08:00')

useMachineZone()
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW)
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.useRealTimers()
  document.body.innerHTML = ''
})

/** The Element Plus select whose root carries `testId`. */
function selectOf(w: VueWrapper, testId: string) {
  const select = w.findAllComponents(ElSelect).find((s) => s.attributes('data-testid') === testId)
  if (!select) throw new Error(`no select ${testId}`)
  return select
}


/** The number typed into an input-number field. */
async function typeNumber(w: VueWrapper, testId: string, n: number) {
  const input = w.find(`[data-testid=${testId}] input`)
  await input.setValue(String(n))
  await input.trigger('change')
}

/** Searches a customer select and picks the option naming `name`. */
async function pickCustomer(w: VueWrapper, testId: string, query: string, name: string) {
  ;(selectOf(w, testId).props('remoteMethod') as (q: string) => void)(query)
  const option = () => [...document.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent?.includes(name)) as HTMLElement | undefined
  await until(() => option() !== undefined)
  option()!.click()
  await until(() => selectOf(w, testId).props('modelValue') !== null)
}

describe('urgent reports', () => {
  it('refuses an urgent report without a title, sends one with a customer, topic and title, and a manager sees it first, unread', async () => {
    const backend = await TestBook.create({ customers: ['华星农业', '绿丰农资'] })
    const id = backend.customers[0]
    ;({ wrapper } = await mountWith(ReportsPage, backend))
    const w = wrapper
    await w.find('[data-testid=reports-tab-urgent]').trigger('click')
    await until(() => w.find('[data-testid=urgent-form] [data-testid=urgent-submit]').exists())

    await pickCustomer(w, 'urgent-customer', '华星', '华星农业')
    const competitor = w.findAll('[data-testid=urgent-topic] .el-radio-button').find((b) => b.text() === '竞争对手')!
    await competitor.find('input').setValue(true)
    await w.find('[data-testid=urgent-summary]').setValue('对手在寿光降价 8%，华星准备转单。')

    // No title: the problem shows under the title, and nothing is sent.
    const send = vi.spyOn(backend, 'urgentReport')
    await w.find('[data-testid=urgent-submit]').trigger('click')
    await until(() => errorUnder(w, 'urgent-title') !== '')
    expect(errorUnder(w, 'urgent-title')).toBe('必填')
    await expect(send.mock.results[0].value).rejects.toMatchObject({ code: 'invalid', problems: [{ field: 'title', code: 'required' }] })
    expect((w.find('[data-testid=urgent-summary]').element as HTMLTextAreaElement).value).toBe('对手在寿光降价 8%，华星准备转单。')

    await w.find('[data-testid=urgent-title]').setValue('华星农业可能转向竞品')
    await w.find('[data-testid=urgent-submit]').trigger('click')
    // Sent: the form is emptied for the next one.
    await until(() => (w.find('[data-testid=urgent-title]').element as HTMLInputElement).value === '')
    expect(errorUnder(w, 'urgent-title')).toBe('')
    expect(send).toHaveBeenCalledTimes(2)
    expect(send.mock.calls[1][0]).toEqual({ customerId: id, topic: 'competitor', title: '华星农业可能转向竞品', summary: '对手在寿光降价 8%，华星准备转单。' })
    w.unmount()
    wrapper = undefined

    // A daily report comes in after it; the urgent one still heads the manager's list.
    await backend.submitReport({ kind: 'daily', summary: '今天跑了两家' })
    await backend.actAs('manager')
    ;({ wrapper } = await mountWith(ReportsPage, backend))
    const m = wrapper
    await m.find('[data-testid=reports-tab-team]').trigger('click')
    await until(() => m.findAll('[data-testid=team-report]').length === 2)
    const first = m.findAll('[data-testid=team-report]')[0]
    expect(first.attributes('data-read')).toBe('false')
    expect(first.classes()).toContain('unread')
    expect(first.find('[data-testid=team-urgent-tag]').text()).toBe('竞争对手')
    expect(first.text()).toContain('华星农业可能转向竞品')
    expect(first.text()).toContain('华星农业：对手在寿光降价')
    expect(m.findAll('[data-testid=team-urgent-tag]')).toHaveLength(1)
    const lines = await backend.reports({ unreadOnly: false })
    expect(lines.map((l) => l.kind)).toEqual(['urgent', 'daily'])
  })

  it('mirrors the book: a title is needed, the details are not, and the customer must be the reporter’s', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const id = backend.customers[0]
    await expect(backend.urgentReport({ customerId: id, topic: 'complaint', title: '  ', summary: '质量投诉' })).rejects.toMatchObject({
      code: 'invalid',
      problems: [{ field: 'title', code: 'required' }],
    })
    await expect(backend.urgentReport({ customerId: id, topic: 'complaint', title: '质量投诉', summary: '' })).resolves.toMatchObject({ summary: null, title: '质量投诉' })
    // Another rep's customer is not yours to report on: it never reaches your laptop (a rep's book holds only their own cards).
    await backend.actAs('rep2')
    await expect(backend.urgentReport({ customerId: id, topic: 'other', title: '听说要倒闭', summary: '' })).rejects.toMatchObject({ code: 'not_found' })
  })
})

describe('calls from the card', () => {
  async function openCallDialog(backend: TestBook, id: string) {
    ;({ wrapper } = await mountWith(CustomerCard, backend, { id }))
    const w = wrapper
    await until(() => w.find('[data-testid=card-title]').exists())
    await w.find('[data-testid=card-tab-fieldwork]').trigger('click')
    await until(() => w.find('[data-testid=log-call]').exists())
    await w.find('[data-testid=log-call]').trigger('click')
    await until(() => w.find('[data-testid=call-dialog] [data-testid=call-save]').exists())
    return w
  }

  it('logs a call with a next step: the call is listed on the card and its task appears there', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const id = backend.customers[0]
    const w = await openCallDialog(backend, id)

    // From a card the call is with that customer; no choosing.
    expect(w.find('[data-testid=call-customer]').text()).toBe('华星农业')
    expect(w.find('[data-testid=call-with]').exists()).toBe(false)
    expect(w.find('[data-testid=call-colleague]').exists()).toBe(false)
    await w.findAll('[data-testid=call-direction] .el-radio-button').find((b) => b.text() === '打入')!.find('input').setValue(true)
    await w.find('[data-testid=call-time] input').setValue('2026-11-22 09:15')
    await typeNumber(w, 'call-minutes', 4)
    await typeNumber(w, 'call-seconds', 30)
    await w.find('[data-testid=call-summary]').setValue('询问复合肥到货时间')
    await w.find('[data-testid=call-next-step]').setValue('确认到货日期')
    await w.find('[data-testid=call-next-due] input').setValue('2026-11-24')
    await w.find('[data-testid=call-save]').trigger('click')

    await until(() => w.findAll('[data-testid=card-call]').length === 1)
    const row = w.find('[data-testid=card-call]')
    expect(row.text()).toContain('询问复合肥到货时间')
    expect(row.text()).toContain('打入')
    expect(row.text()).toContain('确认到货日期')
    await until(() => w.findAll('[data-testid=card-task]').length === 1)
    expect(w.find('[data-testid=card-task]').text()).toContain('确认到货日期')
    expect(w.find('[data-testid=card-task]').text()).toContain('2026-11-24')

    const [call] = await backend.calls({ customerId: id })
    expect(call).toMatchObject({ direction: 'incoming', durationSeconds: 270, summary: '询问复合肥到货时间', nextStep: '确认到货日期', nextStepDue: '2026-11-24' })
    // The book stores the moment in UTC: 09:15 typed in China is 01:15Z.
    expect(Date.parse(call.calledAt)).toBe(Date.parse('2026-11-22T09:15:00+08:00'))
    const [task] = await backend.tasks({ customerId: id, includeDone: false })
    expect(task).toMatchObject({ title: '确认到货日期', dueOn: '2026-11-24', source: 'call', sourceId: call.id })
  })

  it('a next step without a due date still becomes a task, due on the route’s next day or three work days on, and the dialog says which', async () => {
    // Sunday 2026-11-22. 华星农业 is on the rep's Tuesday route; 绿丰农资 on none.
    const backend = await TestBook.create({ customers: ['华星农业', '绿丰农资'] })
    const [onRoute, offRoute] = backend.customers
    const route = await backend.createRoute({ name: '寿光周二线', ownerId: backend.person('rep').id, weekday: 2 })
    await backend.addRouteStops({ routeId: route.route.id, customers: [onRoute] })
    const body = () => document.body.textContent ?? ''

    let w = await openCallDialog(backend, onRoute)
    await w.find('[data-testid=call-summary]').setValue('询问复合肥到货时间')
    await w.find('[data-testid=call-next-step]').setValue('确认到货日期')
    expect(w.find('[data-testid=call-next-due] input').attributes('placeholder')).toBe('不填则自动安排')
    await w.find('[data-testid=call-save]').trigger('click')
    await until(() => w.findAll('[data-testid=card-task]').length === 1)
    expect(body()).toContain('下一步未填完成日期，已定为 11月24日（路线“寿光周二线”的下次拜访日）；已生成待办：确认到货日期')
    expect(w.find('[data-testid=card-task]').text()).toContain('2026-11-24')
    const [call] = await backend.calls({ customerId: onRoute })
    expect(call.nextStepDue).toBe('2026-11-24')
    w.unmount()
    wrapper = undefined
    document.body.innerHTML = ''

    ;({ wrapper } = await mountWith(CustomerCard, backend, { id: offRoute }))
    w = wrapper
    await until(() => w.find('[data-testid=card-title]').exists())
    await w.find('[data-testid=card-tab-fieldwork]').trigger('click')
    await until(() => w.find('[data-testid=log-visit]').exists())
    await w.find('[data-testid=log-visit]').trigger('click')
    await until(() => w.find('[data-testid=visit-dialog] [data-testid=visit-save]').exists())
    await w.find('[data-testid=visit-next-step]').setValue('送样品')
    await w.find('[data-testid=visit-save]').trigger('click')
    await until(() => w.findAll('[data-testid=card-task]').length === 1)
    // Monday, Tuesday, Wednesday.
    expect(body()).toContain('下一步未填完成日期，已定为 11月25日（3 个工作日后）；已生成待办：送样品')
    const [task] = await backend.tasks({ customerId: offRoute, includeDone: false })
    expect(task).toMatchObject({ title: '送样品', dueOn: '2026-11-25', source: 'visit' })
  })

  it('refuses a next step due before the call’s day under the due date, and keeps the dialog open with what was typed', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const id = backend.customers[0]
    const w = await openCallDialog(backend, id)

    await w.find('[data-testid=call-summary]').setValue('催收货款')
    await w.find('[data-testid=call-next-step]').setValue('上门取支票')
    await w.find('[data-testid=call-next-due] input').setValue('2026-11-20')
    await w.find('[data-testid=call-save]').trigger('click')

    await until(() => errorUnder(w, 'call-next-due') !== '')
    expect(errorUnder(w, 'call-next-due')).toBe('完成日期不能早于拜访或通话的日期')
    expect(errorUnder(w, 'call-next-step')).toBe('')
    expect(await backend.calls({ customerId: id })).toHaveLength(0)
    expect(await backend.tasks({ customerId: id, includeDone: true })).toHaveLength(0)
    expect(w.find('[data-testid=call-dialog]').isVisible()).toBe(true)
    expect((w.find('[data-testid=call-summary]').element as HTMLTextAreaElement).value).toBe('催收货款')
    expect((w.find('[data-testid=call-next-step]').element as HTMLInputElement).value).toBe('上门取支票')
    expect((w.find('[data-testid=call-next-due] input').element as HTMLInputElement).value).toBe('2026-11-20')
    expect(w.findAll('[data-testid=card-call]')).toHaveLength(0)

    // Moved to the call's own day, it is saved.
    await w.find('[data-testid=call-next-due] input').setValue('2026-11-22')
    await w.find('[data-testid=call-save]').trigger('click')
    await until(() => w.findAll('[data-testid=card-call]').length === 1)
    await until(() => w.findAll('[data-testid=card-task]').length === 1)
    expect(w.find('[data-testid=card-task]').text()).toContain('上门取支票')
  })
})

describe('head office edits the duties', () => {
  async function openDuties(backend: TestBook) {
    await backend.actAs('office')
    ;({ wrapper } = await mountWith(CompliancePage, backend))
    const w = wrapper
    await until(() => w.findAll('[data-testid=duty-rule]').length === 8 && w.findAll('[data-testid=reminder]').length > 0)
    return w
  }

  it('adds a rule on contacting colleagues only once their role is chosen', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const w = await openDuties(backend)
    const save = vi.spyOn(backend, 'saveDutyRule')

    await w.find('[data-testid=duty-rules] [data-testid=duty-rule-add]').trigger('click')
    await until(() => w.find('[data-testid=duty-rule-dialog] [data-testid=duty-rule-save]').isVisible())
    selectOf(w, 'duty-rule-role').vm.$emit('update:modelValue', 'regional_manager')
    selectOf(w, 'duty-rule-kind').vm.$emit('update:modelValue', 'contact_staff')
    await until(() => w.find('[data-testid=duty-rule-staff-role]').exists())
    await typeNumber(w, 'duty-rule-per-target', 2)
    await w.find('[data-testid=duty-rule-save]').trigger('click')

    await until(() => errorUnder(w, 'duty-rule-staff-role') !== '')
    expect(errorUnder(w, 'duty-rule-staff-role')).toBe('必填')
    expect(errorUnder(w, 'duty-rule-per-target')).toBe('')
    await expect(save.mock.results[0].value).rejects.toMatchObject({ problems: [{ field: 'staffRole', code: 'required' }] })
    expect(w.findAll('[data-testid=duty-rule]')).toHaveLength(8)
    expect(await backend.dutyRules()).toHaveLength(8)
    expect(w.find('[data-testid=duty-rule-dialog] [data-testid=duty-rule-save]').isVisible()).toBe(true)

    selectOf(w, 'duty-rule-staff-role').vm.$emit('update:modelValue', 'rep')
    await w.find('[data-testid=duty-rule-save]').trigger('click')
    await until(() => w.findAll('[data-testid=duty-rule]').length === 9)
    const added = w.findAll('[data-testid=duty-rule]')[8]
    expect(added.text()).toContain('区域经理')
    expect(added.text()).toContain('联系业务员')
    expect(added.text()).toContain('每月每个 2 次')
    expect((await backend.dutyRules())[8]).toMatchObject({ role: 'regional_manager', kind: 'contact_staff', staffRole: 'rep', perTarget: 2, active: true })
  })

  it('changes a reminder’s due day, refusing one before the reminder’s own day', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const w = await openDuties(backend)
    const row = () => w.find('[data-testid=reminder][data-id=inventory_reports]')
    expect(row().text()).toContain('18')
    expect(row().text()).toContain('20')

    await row().find('[data-testid=reminder-edit]').trigger('click')
    await until(() => w.find('[data-testid=reminder-dialog] [data-testid=reminder-save]').isVisible())
    expect((w.find('[data-testid=reminder-due-day] input').element as HTMLInputElement).value).toBe('20')
    await typeNumber(w, 'reminder-due-day', 15)
    await w.find('[data-testid=reminder-save]').trigger('click')

    await until(() => errorUnder(w, 'reminder-due-day') !== '')
    expect(errorUnder(w, 'reminder-due-day')).toBe('超出允许范围')
    expect((await backend.reminders()).find((r) => r.id === 'inventory_reports')?.dueDay).toBe(20)
    expect(w.find('[data-testid=reminder-dialog] [data-testid=reminder-save]').isVisible()).toBe(true)

    await typeNumber(w, 'reminder-due-day', 22)
    await w.find('[data-testid=reminder-save]').trigger('click')
    await until(() => row().findAll('td')[2]?.text() === '22')
    expect(row().findAll('td')[1].text()).toBe('18')
    expect((await backend.reminders()).find((r) => r.id === 'inventory_reports')).toMatchObject({ dayOfMonth: 18, dueDay: 22, leadDays: 0 })
  })

  it('mirrors the book’s checks on rules and reminders', async () => {
    const backend = await TestBook.create()
    await backend.actAs('office')
    const rule = { role: 'regional_manager' as const, channelLevels: [], active: true }
    await expect(backend.saveDutyRule({ ...rule, kind: 'contact_staff', perTarget: 101, staffRole: 'head_office' })).rejects.toMatchObject({
      problems: [
        { field: 'perTarget', code: 'out_of_range' },
        { field: 'staffRole', code: 'required' },
      ],
    })
    await expect(backend.saveDutyRule({ ...rule, kind: 'spot_checks', minCount: 5 })).rejects.toMatchObject({ problems: [{ field: 'minShare', code: 'required' }] })
    await expect(backend.saveDutyRule({ ...rule, kind: 'grade_frequency', staffRole: 'rep' })).rejects.toMatchObject({ problems: [{ field: 'staffRole', code: 'not_used' }] })
    const reminder = { labelZh: '月底盘点', labelEn: 'Month-end stocktake', dayOfMonth: 28, leadDays: 2, roles: [], active: true }
    await expect(backend.saveReminder({ ...reminder, labelEn: ' ', leadDays: 15 })).rejects.toMatchObject({
      problems: [
        { field: 'labelEn', code: 'required' },
        { field: 'leadDays', code: 'out_of_range' },
      ],
    })
    await expect(backend.saveReminder({ ...reminder, dueDay: 32 })).rejects.toMatchObject({ problems: [{ field: 'dueDay', code: 'out_of_range' }] })
    await expect(backend.saveReminder({ ...reminder, dueDay: 28 })).resolves.toMatchObject({ dayOfMonth: 28, dueDay: 28 })
  })
})
