import { afterEach, describe, expect, it } from 'vitest'
import { DOMWrapper, type VueWrapper } from '@vue/test-utils'
import ServicePage from '../views/ServicePage.vue'
import HomePage from '../views/HomePage.vue'
import CustomerCard from '../views/CustomerCard.vue'
import App from '../App.vue'
import type { Language } from '../backend/types'
import type { ComplaintInput } from '../generated/bindings'
import { mountWith, until } from './helpers'
import { TestBook, type Person } from './testBook'

let wrapper: VueWrapper | undefined
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  // Messages and dialogs live on the body, outside the wrapper.
  document.body.innerHTML = ''
})

/**
 * The test world (testBook.ts): head office 赵总; 潍坊区 with regional manager
 * 李敏; reps 王强 and 赵刚 in 寿光片区 under it. `customers` are 王强's. Every
 * book's clock starts at 10:00 of 2026-11-22 (business time) and moves one
 * second a command; `setToday` moves all of them to 10:00 of a later day.
 */
function world(as: Person, customers: Array<string | Record<string, string>> = []) {
  return TestBook.create({ as, customers })
}

/** The page as `backend`'s person sees it, once its first list is there. */
async function mountPage(backend: TestBook, language: Language = 'zh-CN') {
  wrapper?.unmount()
  document.body.innerHTML = ''
  ;({ wrapper } = await mountWith(ServicePage, backend, {}, { language }))
  const w = wrapper
  await until(() => w.find('[data-testid=complaint-table]').exists() && !w.find('.list .el-loading-mask').exists())
  return w
}

const body = () => new DOMWrapper(document.body)
const bodyText = () => document.body.textContent ?? ''
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i

/** The error shown under the form field holding `selector` ('' when none). */
function errorAt(selector: string): string {
  const el = document.body.querySelector(selector)
  if (!el) throw new Error(`nothing is ${selector}`)
  return el.closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent?.trim() ?? ''
}
/** Expects `text` under the field holding `selector` (each form item shows its error after a debounce of its own). */
async function expectError(selector: string, text: string) {
  await until(() => errorAt(selector) === text).catch(() => undefined)
  expect(errorAt(selector)).toBe(text)
}

const rows = (w: VueWrapper) => w.findAll('[data-testid=complaint-row]')
const customers = (w: VueWrapper) => rows(w).map((r) => r.find('[data-testid=complaint-cell-customer]').text())
function row(w: VueWrapper, customer: string) {
  const found = rows(w).find((r) => r.find('[data-testid=complaint-cell-customer]').text() === customer)
  if (!found) throw new Error(`no row for ${customer}: ${customers(w).join(', ')}`)
  return found
}
const cell = (w: VueWrapper, customer: string, what: string) => row(w, customer).find(`[data-testid=complaint-cell-${what}]`)

async function tab(w: VueWrapper, name: string) {
  await w.find(`[data-testid=service-tab-${name}]`).trigger('click')
  await until(() => w.find('.el-tabs__item.is-active').text().startsWith(w.find(`[data-testid=service-tab-${name}]`).text()))
  if (name !== 'clocks') await until(() => w.find('[data-testid=complaint-table]').exists() && !w.find('.list .el-loading-mask').exists())
}

/** Opens a complaint from the list: its detail in the drawer. */
async function openRow(w: VueWrapper, customer: string) {
  await row(w, customer).find('[data-testid=complaint-open]').trigger('click')
  await until(() => w.find('[data-testid=complaint-detail-customer]').exists() && w.find('[data-testid=complaint-detail-customer]').text() === customer)
}

const detail = (w: VueWrapper, what: string) => w.find(`[data-testid=complaint-detail-${what}]`).text()
/** The stages as the drawer shows them: each stage, and whether it happened. */
const stages = (w: VueWrapper) => w.findAll('[data-testid=complaint-stage]').map((s) => [s.attributes('data-stage'), s.attributes('data-done')])
const stage = (w: VueWrapper, name: string) => w.find(`[data-testid=complaint-stage][data-stage=${name}]`)

/** Picks a customer in the dialog as a person does: types part of the name, clicks the book's answer. */
async function pickCustomer(typed: string, name: string) {
  await body().find('[data-testid=complaint-customer] input').setValue(typed)
  const option = () => [...document.body.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent?.startsWith(name)) as HTMLElement | undefined
  await until(() => option() !== undefined)
  option()!.click()
  await until(() => (body().find('[data-testid=complaint-customer]').text() || '').includes(name))
}

/** A complaint logged straight through the book (for tests about what follows). */
const log = (backend: TestBook, input: ComplaintInput) => backend.logComplaint(input)

describe('complaints and service page', () => {
  it("takes a rep's complaint through its stages: logged from the dialog, handled by head office only, replied and closed with a rating", async () => {
    const backend = await world('rep', ['华星农业'])
    let w = await mountPage(backend)
    // A rep has the three lists; the clocks are head office's.
    expect(w.findAll('[data-testid^=service-tab-]').map((t) => t.text())).toEqual(['未关闭', '已超时', '全部'])
    expect(w.find('[data-testid=service-overdue-badge]').exists()).toBe(false)

    // 王强 logs what the customer said.
    await w.find('[data-testid=complaint-new]').trigger('click')
    await until(() => body().find('textarea[data-testid=complaint-words]').exists())
    await pickCustomer('华星', '华星农业')
    await body().find('[data-testid=complaint-kind] [data-kind=quality] input').setValue(true)
    await body().find('textarea[data-testid=complaint-words]').setValue('上周送的复合肥有三袋结块，客户要求退换')
    await body().find('input[data-testid=complaint-attachment]').setValue('结块照片.jpg')
    await body().find('[data-testid=complaint-submit]').trigger('click')
    await until(() => rows(w).length === 1)
    expect(cell(w, '华星农业', 'kind').text()).toBe('产品质量')
    expect(cell(w, '华星农业', 'feedback').exists()).toBe(false)
    expect(cell(w, '华星农业', 'words').text()).toBe('上周送的复合肥有三袋结块，客户要求退换')
    expect(cell(w, '华星农业', 'logged').text()).toMatch(/^王强 · 2026-11-22 10:\d\d$/)
    expect(cell(w, '华星农业', 'stage').text()).toBe('已登记')
    // The first clock runs from logging: to quality within two hours (the seed's clocks).
    expect(cell(w, '华星农业', 'next').text()).toMatch(/^转质量部：2026-11-22 12:\d\d 前$/)
    expect(cell(w, '华星农业', 'missed').text()).toBe('—')
    expect(row(w, '华星农业').attributes()).toMatchObject({ 'data-overdue': 'false', 'data-level': '0' })
    expect(row(w, '华星农业').classes()).not.toContain('complaint-red')

    // The new complaint opens in the drawer; a rep cannot handle it: the book refuses, in Chinese, and nothing changes.
    await until(() => w.find('[data-testid=complaint-detail]').exists())
    expect(detail(w, 'attachment')).toBe('结块照片.jpg')
    expect(detail(w, 'words')).toBe('上周送的复合肥有三袋结块，客户要求退换')
    expect(stages(w)).toEqual([
      ['logged', 'true'],
      ['passed_on', 'false'],
      ['handled', 'false'],
      ['replied', 'false'],
      ['closed', 'false'],
    ])
    expect(stage(w, 'logged').find('[data-testid=complaint-stage-who]').text()).toBe('王强 登记')
    await w.find('textarea[data-testid=complaint-note]').setValue('已经换货')
    await w.find('[data-testid=complaint-handle]').trigger('click')
    await expectError('textarea[data-testid=complaint-note]', '投诉由总部质量部接手和处理，只有总部可以记录处理结果')
    const [unchanged] = await backend.complaints({ filter: 'all' })
    expect(unchanged).toMatchObject({ handledAt: null, handling: null, clock: { stage: 'logged' } })
    expect(bodyText()).not.toMatch(UUID)

    // Head office holds it once the rep's file arrives (quality took it over) and handles it.
    await backend.actAs('office')
    w = await mountPage(backend)
    expect(w.findAll('[data-testid^=service-tab-]').map((t) => t.text())).toEqual(['未关闭', '已超时', '全部', '服务时限'])
    expect(cell(w, '华星农业', 'stage').text()).toBe('已转质量部')
    expect(cell(w, '华星农业', 'next').text()).toMatch(/^处理：2026-11-22 22:\d\d 前$/)
    await openRow(w, '华星农业')
    expect(stage(w, 'passed_on').attributes('data-done')).toBe('true')
    // An empty handling: the book asks for it next to the field.
    await w.find('[data-testid=complaint-handle]').trigger('click')
    await expectError('textarea[data-testid=complaint-note]', '请填写处理结果')
    await w.find('textarea[data-testid=complaint-note]').setValue('批次 2026-11 受潮，同意换货三袋')
    await w.find('[data-testid=complaint-handle]').trigger('click')
    await until(() => detail(w, 'stage') === '已处理')
    expect(stage(w, 'handled').find('[data-testid=complaint-stage-who]').text()).toBe('赵总 处理')
    expect(stage(w, 'handled').find('[data-testid=complaint-stage-what]').text()).toBe('批次 2026-11 受潮，同意换货三袋')
    await until(() => cell(w, '华星农业', 'stage').text() === '已处理')
    expect(cell(w, '华星农业', 'next').text()).toMatch(/^答复客户：2026-11-23 10:\d\d 前$/)

    // Back on the rep's laptop: the reply, then closing with the customer's rating.
    await backend.actAs('rep')
    w = await mountPage(backend)
    await openRow(w, '华星农业')
    expect(w.find('[data-testid=complaint-handle]').exists()).toBe(false)
    await w.find('textarea[data-testid=complaint-note]').setValue('已电话告知客户：明天送三袋新货换回')
    await w.find('[data-testid=complaint-reply]').trigger('click')
    await until(() => detail(w, 'stage') === '已答复')
    expect(stage(w, 'replied').find('[data-testid=complaint-stage-who]').text()).toBe('王强 答复客户')
    expect(detail(w, 'next')).toBe('无')
    // Closing without a rating: the book asks for it next to the stars.
    await w.find('[data-testid=complaint-close]').trigger('click')
    await expectError('[data-testid=complaint-rate]', '请选择客户满意度')
    expect((await backend.complaints({ filter: 'all' }))[0].closedAt).toBeNull()
    await w.findAll('[data-testid=complaint-rate] .el-rate__item')[3].trigger('click')
    await w.find('[data-testid=complaint-close]').trigger('click')
    await until(() => detail(w, 'stage') === '已关闭')
    expect(stage(w, 'closed').find('[data-testid=complaint-stage-what]').text()).toBe('客户满意度：★★★★☆')
    expect(w.find('[data-testid=complaint-done]').text()).toBe('该投诉已关闭')
    // Closed: off the open list, on the list of all.
    await until(() => rows(w).length === 0)
    await tab(w, 'all')
    expect(cell(w, '华星农业', 'stage').text()).toBe('已关闭')
    const [closed] = await backend.complaints({ filter: 'all' })
    expect(closed).toMatchObject({ satisfaction: 4, repliedBy: '王强', closedBy: '王强', clock: { stage: 'closed', level: 0, overdue: false } })
    expect(bodyText()).not.toMatch(UUID)
  })

  it('shows a complaint past its clock red, with the level it escalated to, on the page and on the rep’s today page', async () => {
    const backend = await world('office', ['华星农业', '绿丰农资'])
    // Head office's clocks for deliveries: to quality within an hour, handled within 2000 minutes, replied within 3000.
    await backend.setServiceClocks({ kind: 'delivery', passMinutes: 60, handleMinutes: 2000, replyMinutes: 3000 })
    await backend.actAs('rep')
    const [late, onTime] = backend.customers
    await log(backend, { customerId: late, kind: 'delivery', feedback: false, words: '化肥晚到了两天，耽误了播种' })
    // The next morning, before any file went to head office: the hour to quality ran out.
    await backend.setToday('2026-11-23')
    await log(backend, { customerId: onTime, kind: 'price', feedback: true, words: '希望旺季给个量大优惠' })

    let w = await mountPage(backend)
    expect(w.find('[data-testid=service-overdue-badge]').text()).toBe('1')
    expect(row(w, '华星农业').attributes()).toMatchObject({ 'data-overdue': 'true', 'data-level': '1' })
    expect(row(w, '华星农业').classes()).toContain('complaint-red')
    expect(cell(w, '华星农业', 'kind').text()).toBe('送货')
    expect(cell(w, '华星农业', 'next').text()).toMatch(/^转质量部：2026-11-22 11:\d\d 前$/)
    expect(cell(w, '华星农业', 'overdue').text()).toBe('已超时')
    expect(cell(w, '华星农业', 'missed').text()).toBe('转质量部')
    expect(cell(w, '华星农业', 'level').text()).toBe('已升级至区域经理')
    // Feedback logged this morning is on its clocks.
    expect(row(w, '绿丰农资').attributes()).toMatchObject({ 'data-overdue': 'false', 'data-level': '0' })
    expect(row(w, '绿丰农资').classes()).not.toContain('complaint-red')
    expect(cell(w, '绿丰农资', 'kind').text()).toBe('价格')
    expect(cell(w, '绿丰农资', 'feedback').text()).toBe('意见反馈')
    expect(cell(w, '绿丰农资', 'level').exists()).toBe(false)
    await tab(w, 'overdue')
    expect(customers(w)).toEqual(['华星农业'])
    await openRow(w, '华星农业')
    expect(w.find('[data-testid=complaint-detail]').attributes('data-red')).toBe('true')
    expect(detail(w, 'level')).toBe('已升级至区域经理')
    expect(detail(w, 'missed')).toBe('转质量部')

    // The rep's today page lists it, red; a click opens the complaints.
    wrapper?.unmount()
    const opened: string[] = []
    ;({ wrapper } = await mountWith(HomePage, backend, { onComplaints: () => opened.push('service') }))
    const home = wrapper
    await until(() => home.find('[data-testid=home-overdue-complaints]').exists())
    const items = home.findAll('[data-testid=home-overdue-complaint]')
    expect(items).toHaveLength(1)
    expect(items[0].attributes('data-level')).toBe('1')
    expect(items[0].text()).toContain('华星农业 · 送货')
    expect(items[0].text()).toContain('已升级至区域经理')
    expect(items[0].text()).toContain('转质量部已超时')
    await items[0].trigger('click')
    expect(opened).toEqual(['service'])

    // Head office takes it over late: the missed clock stays missed (still red), the next one is not run out.
    await backend.actAs('office')
    await backend.actAs('rep')
    w = await mountPage(backend)
    expect(cell(w, '华星农业', 'stage').text()).toBe('已转质量部')
    expect(row(w, '华星农业').attributes()).toMatchObject({ 'data-overdue': 'false', 'data-level': '1' })
    expect(row(w, '华星农业').classes()).toContain('complaint-red')
    expect(cell(w, '华星农业', 'next').text()).toMatch(/^处理：2026-11-23 19:\d\d 前$/)
    expect(bodyText()).not.toMatch(UUID)
  })

  it("lets head office set a kind's clocks in hours and minutes, and shows the book refusing handling before passing on", async () => {
    const backend = await world('office')
    const w = await mountPage(backend)
    await tab(w, 'clocks')
    await until(() => w.findAll('[data-testid=clock-row]').length === 5)
    expect(w.findAll('[data-testid=clock-kind]').map((k) => k.text())).toEqual(['产品质量', '送货', '价格', '服务', '其他'])
    const clockRow = (kind: string) => w.find(`[data-testid=clock-row][data-kind=${kind}]`)
    const current = (kind: string) => clockRow(kind).find('[data-testid=clock-current]').text()
    // The seed's clocks until head office sets its own.
    await until(() => current('quality') !== '—')
    expect(current('quality')).toBe('转质量部 2 小时，处理 12 小时，答复客户 24 小时')
    /** Types a number into a clock's hours or minutes, as a person does (the box takes it on change). */
    const set = async (kind: string, which: string, value: string) => {
      const input = clockRow(kind).find(`[data-testid=clock-${which}] input`)
      await input.setValue(value)
      await input.trigger('change')
    }

    // Handling sooner than passing on: the book refuses, next to the handling clock, and keeps the old clocks.
    await set('service', 'pass-hours', '3')
    await set('service', 'handle-hours', '2')
    await clockRow('service').find('[data-testid=clock-save]').trigger('click')
    await expectError('[data-testid=clock-row][data-kind=service] [data-testid=clock-handle-hours]', '处理时限须在 1 分钟到 1 年之间，且不能短于转质量部时限、不能长于答复客户时限')
    expect((await backend.serviceClocks()).find((c) => c.kind === 'service')).toMatchObject({ passMinutes: 120, handleMinutes: 720 })

    await set('service', 'handle-hours', '8')
    await set('service', 'handle-minutes', '30')
    await clockRow('service').find('[data-testid=clock-save]').trigger('click')
    await until(() => current('service') === '转质量部 3 小时，处理 8 小时 30 分钟，答复客户 24 小时')
    expect(errorAt('[data-testid=clock-row][data-kind=service] [data-testid=clock-handle-hours]')).toBe('')
    expect((await backend.serviceClocks()).find((c) => c.kind === 'service')).toEqual({ kind: 'service', passMinutes: 180, handleMinutes: 510, replyMinutes: 1440 })
    expect(current('quality')).toBe('转质量部 2 小时，处理 12 小时，答复客户 24 小时')
  })

  it('logs feedback from the customer card, with the customer set', async () => {
    const backend = await world('rep', ['华星农业'])
    const [card] = backend.customers
    ;({ wrapper } = await mountWith(CustomerCard, backend, { id: card }))
    const w = wrapper
    await until(() => w.find('[data-testid=card-title]').exists())
    expect(w.find('[data-testid=card-complaint]').text()).toBe('登记投诉')
    await w.find('[data-testid=card-complaint]').trigger('click')
    await until(() => body().find('textarea[data-testid=complaint-words]').exists())
    expect(body().find('[data-testid=complaint-customer]').text()).toContain('华星农业')
    // Nothing in the words: the book asks for them next to the field.
    await body().find('[data-testid=complaint-submit]').trigger('click')
    await expectError('textarea[data-testid=complaint-words]', '请记录客户的原话')
    // A path where a file name belongs: the book refuses it.
    await body().find('[data-testid=complaint-kind] [data-kind=service] input').setValue(true)
    await body().find('[data-testid=complaint-feedback]').trigger('click')
    await body().find('textarea[data-testid=complaint-words]').setValue('送货员态度很好，希望保持')
    await body().find('input[data-testid=complaint-attachment]').setValue('C:\\照片\\表扬信.jpg')
    await body().find('[data-testid=complaint-submit]').trigger('click')
    await expectError('input[data-testid=complaint-attachment]', '只填写文件名，不要带文件夹路径')
    expect(await backend.complaints({ filter: 'all' })).toEqual([])
    await body().find('input[data-testid=complaint-attachment]').setValue('表扬信.jpg')
    await body().find('[data-testid=complaint-submit]').trigger('click')
    await until(() => bodyText().includes('已登记，时限从现在起算'))
    const [logged] = await backend.complaints({ filter: 'all', customerId: card })
    expect(logged).toMatchObject({ customerName: '华星农业', kind: 'service', feedback: true, words: '送货员态度很好，希望保持', attachment: '表扬信.jpg', loggedBy: '王强' })
    expect(bodyText()).not.toMatch(UUID)
  })

  it('speaks English when the user chose it', async () => {
    const backend = await world('rep', ['绿丰农资'])
    await log(backend, { customerId: backend.customers[0], kind: 'price', feedback: false, words: '价格比别家高' })
    const w = await mountPage(backend, 'en')
    expect(w.findAll('[data-testid^=service-tab-]').map((t) => t.text())).toEqual(['Open', 'Overdue', 'All'])
    expect(cell(w, '绿丰农资', 'kind').text()).toBe('Price')
    expect(cell(w, '绿丰农资', 'stage').text()).toBe('Logged')
    expect(cell(w, '绿丰农资', 'next').text()).toMatch(/^To quality: by 2026-11-22 12:\d\d$/)
  })
})

describe('complaints in the app', () => {
  it("is in everyone's navigation, the today page's overdue block leads to it, and a complaint's card opens from it", async () => {
    const backend = await world('rep', ['华星农业'])
    await log(backend, { customerId: backend.customers[0], kind: 'quality', feedback: false, words: '包装破了' })
    await backend.setToday('2026-11-23')
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=new-customer]').exists())
    expect(w.find('[data-testid=nav-service]').text()).toBe('投诉与服务')

    await w.find('[data-testid=nav-home]').trigger('click')
    await until(() => w.find('[data-testid=home-overdue-complaints]').exists())
    expect(w.find('[data-testid=home-overdue-complaints] h2').text()).toBe('超时投诉')
    await w.find('[data-testid=home-go-complaints]').trigger('click')
    await until(() => rows(w).length === 1)
    expect(w.find('[data-testid=nav-service]').classes()).toContain('active')
    expect(row(w, '华星农业').attributes('data-overdue')).toBe('true')

    await openRow(w, '华星农业')
    await w.find('[data-testid=complaint-open-card]').trigger('click')
    await until(() => w.find('[data-testid=card-title]').exists())
    expect(w.find('[data-testid=card-title]').text()).toBe('华星农业')
    // Back from the card leads to the complaints.
    await w.find('[data-testid=back-to-list]').trigger('click')
    await until(() => rows(w).length === 1)
    expect(bodyText()).not.toMatch(UUID)
  })
})
