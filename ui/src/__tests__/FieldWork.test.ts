import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import CustomerCard from '../views/CustomerCard.vue'
import ReportsPage from '../views/ReportsPage.vue'
import HomePage from '../views/HomePage.vue'
import CompliancePage from '../views/CompliancePage.vue'
import PlanPage from '../views/PlanPage.vue'
import App from '../App.vue'
import AppHeader from '../components/AppHeader.vue'
import { mountWith, until } from './helpers'
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

async function openFieldWorkTab(backend: TestBook, id: string) {
  ;({ wrapper } = await mountWith(CustomerCard, backend, { id }))
  const w = wrapper
  await until(() => w.find('[data-testid=card-title]').exists())
  await w.find('[data-testid=card-tab-fieldwork]').trigger('click')
  await until(() => w.find('[data-testid=log-visit]').exists())
  return w
}

describe('visits from the card', () => {
  it('logs a visit: its next step becomes a task on the card, the phone changes, and the history names the visit', async () => {
    const backend = await TestBook.create({ customers: [{ name: '华星农业', phone: '13800000000' }] })
    const id = backend.customers[0]
    const w = await openFieldWorkTab(backend, id)

    await w.find('[data-testid=log-visit]').trigger('click')
    await until(() => w.find('[data-testid=visit-dialog] [data-testid=visit-save]').exists())
    await w.find('[data-testid=visit-purpose]').setValue('了解春季备货')
    await w.find('[data-testid=visit-stock]').setValue('复合肥 20 吨')
    await w.find('[data-testid=visit-next-step]').setValue('送样品')
    await w.find('[data-testid=visit-next-due] input').setValue('2026-11-25')
    await w.find('[data-testid=visit-card-phone]').setValue('13911112222')
    await w.find('[data-testid=visit-save]').trigger('click')

    await until(() => w.findAll('[data-testid=card-visit]').length === 1)
    expect(w.find('[data-testid=card-visit]').text()).toContain('复合肥 20 吨')
    expect(w.find('[data-testid=visit-type-label]').text()).toBe('例行拜访')
    await until(() => w.findAll('[data-testid=card-task]').length === 1)
    expect(w.find('[data-testid=card-task]').text()).toContain('送样品')
    expect(w.find('[data-testid=card-task]').text()).toContain('2026-11-25')

    const card = await backend.getCustomer(id)
    expect(card.fields.phone).toBe('13911112222')
    expect(card.grading.lastVisitOn).toBe('2026-11-22')
    // The card header shows the new number at once.
    expect(w.text()).toContain('13911112222')

    const [visit] = await backend.visits({ customerId: id })
    const history = await backend.customerHistory(id, 10)
    expect(history[0]).toMatchObject({ field: 'phone', source: 'visit', sourceId: visit.id })

    await w.find('#tab-history').trigger('click')
    await until(() => w.find('[data-testid=history-from-fieldwork]').exists())
    expect(w.find('[data-testid=history-from-fieldwork]').text()).toBe('来自拜访')
    expect(w.find('[data-testid=history-from-fieldwork]').attributes('data-source-id')).toBe(visit.id)
  })

  it('counts and shows times in business time on a computer set to another zone, and says so in the header', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const id = backend.customers[0]
    const w = await openFieldWorkTab(backend, id)
    // The computer reads 21:00 the day before in New York; the form opens on 09:30 business time.
    await w.find('[data-testid=log-visit]').trigger('click')
    await until(() => w.find('[data-testid=visit-dialog] [data-testid=visit-save]').exists())
    await w.find('[data-testid=visit-purpose]').setValue('核对库存')
    await w.find('[data-testid=visit-save]').trigger('click')
    await until(() => w.findAll('[data-testid=card-visit]').length === 1)

    const [visit] = await backend.visits({ customerId: id })
    expect(visit.checkedInAt).toBe('2026-11-22T01:30:00.000Z')
    expect(w.find('[data-testid=card-visit]').text()).toContain('2026-11-22 09:30')
    expect((await backend.getCustomer(id)).grading.lastVisitOn).toBe('2026-11-22')
    wrapper?.unmount()

    ;({ wrapper } = await mountWith(AppHeader, backend, { language: 'zh-CN' }))
    const tag = wrapper.find('[data-testid=zone-differs]')
    expect(tag.exists()).toBe(true)
    expect(tag.text()).toBe('业务时间 UTC+8')
  })

  it('shows a check-out before the check-in under the check-out field, saves nothing and keeps what was typed', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const id = backend.customers[0]
    const w = await openFieldWorkTab(backend, id)

    await w.find('[data-testid=log-visit]').trigger('click')
    await until(() => w.find('[data-testid=visit-save]').exists())
    await w.find('[data-testid=visit-purpose]').setValue('催收货款')
    await w.find('[data-testid=visit-check-in] input').setValue('2026-11-22 09:30')
    await w.find('[data-testid=visit-check-out] input').setValue('2026-11-22 09:00')
    await w.find('[data-testid=visit-save]').trigger('click')

    const item = () => w.find('[data-testid=visit-check-out-item]')
    await until(() => item().find('.el-form-item__error').exists())
    expect(item().find('.el-form-item__error').text()).toBe('离开时间不能早于到达时间')
    expect(await backend.visits({ customerId: id })).toHaveLength(0)
    expect(w.find('[data-testid=visit-dialog]').isVisible()).toBe(true)
    expect((w.find('[data-testid=visit-purpose]').element as HTMLInputElement).value).toBe('催收货款')
  })

  it('asks a spot-check whether the rep’s report held true', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const id = backend.customers[0]
    await expect(
      backend.logVisit({ customerId: id, visitType: 'spot_check', checkedInAt: '2026-11-22T09:00:00+08:00', planned: false, cardChanges: [] }),
    ).rejects.toMatchObject({ code: 'invalid', problems: [{ field: 'reportConfirmed', code: 'required' }] })
    await expect(
      backend.logCall({ customerId: id, direction: 'outgoing', calledAt: '2026-11-22T09:00:00+08:00', durationSeconds: -5, cardChanges: [] }),
    ).rejects.toMatchObject({ problems: [{ field: 'durationSeconds', code: 'negative' }] })
  })
})

describe('reports', () => {
  it('assembles the daily report, refuses an empty summary, then submits it once for good', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const id = backend.customers[0]
    await backend.logVisit({ customerId: id, visitType: 'routine', checkedInAt: '2026-11-22T08:00:00+08:00', checkedOutAt: '2026-11-22T08:40:00+08:00', planned: true, cardChanges: [] })
    ;({ wrapper } = await mountWith(ReportsPage, backend))
    const w = wrapper
    await until(() => w.find('[data-testid=report-visits-count]').exists())
    expect(w.find('[data-testid=report-visits-count]').text()).toContain('1')
    expect(w.find('[data-testid=report-status]').text()).toBe('草稿')
    expect(w.findAll('[data-testid=report-visit]')).toHaveLength(1)

    // Submitting without a summary: the problem shows under the summary.
    await w.find('[data-testid=report-submit]').trigger('click')
    await until(() => document.querySelector('.el-message-box .el-button--primary') !== null)
    ;(document.querySelector('.el-message-box .el-button--primary') as HTMLElement).click()
    await until(() => w.find('.el-form-item__error').exists())
    expect(w.find('.el-form-item__error').text()).toBe('必填')

    await w.find('[data-testid=report-summary]').setValue('拜访华星农业，了解春季备货。')
    await w.find('[data-testid=report-submit]').trigger('click')
    await until(() => document.querySelectorAll('.el-message-box .el-button--primary').length > 0 && w.find('[data-testid=report-status]').text() === '草稿')
    const buttons = document.querySelectorAll('.el-message-box .el-button--primary')
    ;(buttons[buttons.length - 1] as HTMLElement).click()
    await until(() => w.find('[data-testid=report-status]').text() === '已提交')
    // Final: no more saving or submitting here, and the book refuses a second submission.
    expect(w.find('[data-testid=report-submit]').exists()).toBe(false)
    expect(w.find('[data-testid=report-read-only]').exists()).toBe(true)
    await expect(backend.submitReport({ kind: 'daily', summary: '再交一次' })).rejects.toMatchObject({ problems: [{ code: 'already_submitted' }] })
  })

  it('shows a manager the team report unread; opening marks it read, and a comment is added', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const id = backend.customers[0]
    await backend.logVisit({ customerId: id, visitType: 'routine', checkedInAt: '2026-11-22T08:00:00+08:00', planned: false, cardChanges: [] })
    await backend.submitReport({ kind: 'daily', summary: '今天拜访了华星农业' })
    await backend.actAs('manager')

    ;({ wrapper } = await mountWith(ReportsPage, backend))
    const w = wrapper
    await w.find('[data-testid=reports-tab-team]').trigger('click')
    await until(() => w.findAll('[data-testid=team-report]').length === 1)
    const row = () => w.find('[data-testid=team-report]')
    expect(row().attributes('data-read')).toBe('false')
    expect(row().classes()).toContain('unread')

    await row().trigger('click')
    await until(() => w.find('[data-testid=report-drawer] [data-testid=report-comment]').exists())
    expect(w.find('[data-testid=drawer-summary]').text()).toBe('今天拜访了华星农业')
    await until(() => row().attributes('data-read') === 'true')

    await w.find('[data-testid=report-comment]').setValue('很好，继续跟进')
    await w.find('[data-testid=report-comment-send]').trigger('click')
    await until(() => w.findAll('[data-testid=report-comment-line]').length === 1)
    expect(w.find('[data-testid=report-comment-line]').text()).toContain('很好，继续跟进')
    const [line] = await backend.reports({ unreadOnly: false })
    expect(line).toMatchObject({ read: true, comments: 1 })
  })
})

describe('the day at a glance', () => {
  it('shows the inventory-report reminder on the 18th and the open tasks, and marks a task done', async () => {
    vi.setSystemTime(new Date('2026-11-18T10:00:00+08:00'))
    const backend = await TestBook.create({ today: '2026-11-18', customers: ['华星农业'] })
    const id = backend.customers[0]
    await backend.addTask({ title: '回访华星农业', dueOn: '2026-11-19', customerId: id })
    await backend.addTask({ title: '补交资料', dueOn: '2026-11-17' })

    ;({ wrapper } = await mountWith(HomePage, backend))
    const w = wrapper
    await until(() => w.find('[data-testid=home-reminders]').exists())
    const reminder = w.find('[data-testid=home-reminder][data-id=inventory_reports]')
    expect(reminder.exists()).toBe(true)
    expect(reminder.text()).toContain('2026-11-18')
    expect(reminder.text()).toContain('2026-11-20')
    expect(w.findAll('[data-testid=home-task]').map((r) => r.find('[data-testid=task-title]').text())).toEqual(['补交资料', '回访华星农业'])
    expect(w.find('[data-testid=home-overdue]').text()).toContain('1')
    expect(w.find('[data-testid=home-go-report]').exists()).toBe(true)

    await w.find('[data-testid=home-task] [data-testid=task-done] input').setValue(true)
    await until(() => w.findAll('[data-testid=home-task]').length === 1)
    expect((await backend.tasks({ includeDone: true })).find((t) => t.title === '补交资料')?.doneAt).toBeTruthy()
  })
})

describe('duties', () => {
  it('lists each rule of a person as done / required', async () => {
    const backend = await TestBook.create({ customers: [{ name: '华星农业', channelLevel: 'distributor' }, { name: '绿丰农资', channelLevel: 'distributor' }] })
    const id = backend.customers[0]
    await backend.actAs('manager')
    await backend.logCall({ customerId: id, direction: 'outgoing', calledAt: '2026-11-22T08:00:00+08:00', durationSeconds: 120, cardChanges: [] })

    ;({ wrapper } = await mountWith(CompliancePage, backend))
    const w = wrapper
    await until(() => w.findAll('[data-testid=compliance-person]').length > 0)
    const manager = w.find('[data-testid=compliance-person][data-name=李敏]')
    const contact = manager.find('[data-testid=compliance-rule][data-kind=contact_customers]')
    expect(contact.text()).toContain('联系客户')
    expect(contact.find('[data-testid=rule-done]').text()).toBe('0 / 2')
    expect(contact.find('[data-testid=rule-met]').text()).toBe('未达标')
    // Two more to go, and behind the month's pace (any day of the month asks for at least one of two by now).
    expect(contact.find('[data-testid=rule-short]').text()).toBe('还差 2')
    expect(contact.find('[data-testid=rule-pace]').text()).toBe('落后于进度')
    expect(manager.find('[data-testid=compliance-rule][data-kind=contact_staff]').text()).toContain('联系业务员')
    await contact.find('[data-testid=rule-expand]').trigger('click')
    await until(() => w.findAll('[data-testid=behind-row]').length === 2)
    // Rules are read-only for a manager (the rules come in their own answer).
    await until(() => w.findAll('[data-testid=duty-rule]').length > 0)
    expect(w.find('[data-testid=duty-rule-add]').exists()).toBe(false)
    expect(w.findAll('[data-testid=duty-rule]').length).toBe(8)
  })
})

describe('the visit plan and the header', () => {
  it('logs a planned visit from a plan stop', async () => {
    vi.setSystemTime(new Date('2026-11-23T10:00:00+08:00'))
    const backend = await TestBook.create({ today: '2026-11-23', customers: ['甲农资'] })
    const id = backend.customers[0]
    const route = await backend.createRoute({ name: '寿光周一线', ownerId: backend.person('rep').id, weekday: 1 })
    await backend.addRouteStops({ routeId: route.route.id, customers: [id] })
    ;({ wrapper } = await mountWith(PlanPage, backend))
    const w = wrapper
    await until(() => w.findAll('[data-testid=plan-stop-row]').length === 1)
    // The old one-click button stays.
    expect(w.find('[data-testid=mark-visited]').exists()).toBe(true)

    await w.find('[data-testid=plan-log-visit]').trigger('click')
    await until(() => w.find('[data-testid=visit-customer]').exists())
    expect(w.find('[data-testid=visit-customer]').text()).toBe('甲农资')
    expect((w.find('[data-testid=visit-planned] input').element as HTMLInputElement).checked).toBe(true)
    await w.find('[data-testid=visit-save]').trigger('click')
    await until(() => w.findAll('[data-testid=plan-stop-row]').length === 0)
    const [visit] = await backend.visits({ customerId: id })
    expect(visit).toMatchObject({ planned: true, visitType: 'routine' })
  })

  it('puts Today first in the header, and still starts on the customer list', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.findAll('[data-testid=customer-row]').length === 1)
    const nav = w.findAll('.nav .el-button').map((b) => b.attributes('data-testid'))
    expect(nav[0]).toBe('nav-home')
    expect(nav).toEqual(expect.arrayContaining(['nav-reports', 'nav-compliance']))
    await w.find('[data-testid=nav-home]').trigger('click')
    await until(() => w.find('[data-testid=home-reminders]').exists())
    await w.find('[data-testid=home-go-report]').trigger('click')
    await until(() => w.find('[data-testid=report-status]').exists())
  })
})
