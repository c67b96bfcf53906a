import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DOMWrapper, VueWrapper } from '@vue/test-utils'
import PlanPage from '../views/PlanPage.vue'
import { customerQuery } from '../backend/types'
import { mountWith, until } from './helpers'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.unstubAllGlobals()
  // Messages are mounted on the body, outside the wrapper.
  document.body.innerHTML = ''
})

/** Monday: the route below is toured on Mondays. */
const MONDAY = '2026-11-23'

async function ids(backend: TestBook): Promise<Record<string, string>> {
  const page = await backend.searchCustomers(customerQuery({ limit: 100 }))
  return Object.fromEntries(page.rows.map((r) => [String(r.name), r.id]))
}

/**
 * The rep's book on a Monday. Grade A is visited every 7 days, B every 14, C
 * every 30; ungraded customers every 60.
 *
 * Monday route 寿光周一线, in this order:
 *   1 甲农资 A, visited 8 days ago  → overdue 1 day
 *   2 乙农资 C, visited 3 days ago  → not due
 *   3 戊农资 A, visited 7 days ago  → due today
 *   4 丙农资 never visited          → never visited
 * Tuesday route 寿光周二线: 辛农资, never visited.
 * Off the routes: 己农资 A, 22 days ago (overdue 15); 庚农资 B, 22 days ago (overdue 8).
 */
async function rebuild(backend: TestBook) {
  const id = await ids(backend)
  // Grades are head office's (and managers') to give; a round of files brings them to the rep.
  const grades: Array<[string, string]> = [
    ['甲农资', 'A'],
    ['乙农资', 'C'],
    ['戊农资', 'A'],
    ['己农资', 'A'],
    ['庚农资', 'B'],
  ]
  await backend.actAs('office')
  for (const [name, grade] of grades) await backend.setGrade({ customerId: id[name], scale: 'customer', grade })
  await backend.actAs('rep')
  const monday = await backend.createRoute({ name: '寿光周一线', weekday: 1 })
  await backend.addRouteStops({ routeId: monday.route.id, customers: [id['甲农资'], id['乙农资'], id['戊农资'], id['丙农资']] })
  const tuesday = await backend.createRoute({ name: '寿光周二线', weekday: 2 })
  await backend.addRouteStops({ routeId: tuesday.route.id, customers: [id['辛农资']] })
  const visits: Array<[string, string]> = [
    ['甲农资', '2026-11-15'],
    ['乙农资', '2026-11-20'],
    ['戊农资', '2026-11-16'],
    ['己农资', '2026-11-01'],
    ['庚农资', '2026-11-01'],
  ]
  for (const [name, lastVisitOn] of visits) await backend.setLastVisit(id[name], lastVisitOn)
  return id
}

const NAMES = ['甲农资', '乙农资', '丙农资', '戊农资', '己农资', '庚农资', '辛农资']

async function repBook(today = MONDAY) {
  const backend = await TestBook.create({ today, customers: NAMES })
  const id = await rebuild(backend)
  return { backend, id }
}

async function planPage(backend: TestBook, language: 'zh-CN' | 'en' = 'zh-CN') {
  ;({ wrapper } = await mountWith(PlanPage, backend, {}, { language }))
  const w = wrapper
  await until(() => w.findAll('[data-testid=plan-day]').length > 0)
  return w
}

const names = (rows: DOMWrapper<Element>[]) => rows.map((r) => r.attributes('data-name'))
const stopRows = (w: VueWrapper) => w.findAll('[data-testid=plan-stop-row]')
const overdueRows = (w: VueWrapper) => w.findAll('[data-testid=plan-overdue-row]')
const row = (w: VueWrapper, name: string) => w.find(`[data-name="${name}"]`)

describe('visit plan', () => {
  it("lists the overdue customers off the route first, most overdue first, then the route's due stops in order", async () => {
    const { backend } = await repBook()
    const w = await planPage(backend)

    const days = w.findAll('[data-testid=plan-day]')
    expect(days.map((d) => d.attributes('data-date'))).toEqual([MONDAY])
    expect(days[0].find('[data-testid=plan-day-title]').text()).toBe(`${MONDAY} 周一`)
    expect((w.find('[data-testid=plan-date] input').element as HTMLInputElement).value).toBe(MONDAY)

    // The overdue section comes before the route, highlighted apart.
    const overdue = w.find('[data-testid=plan-overdue]')
    const route = w.find('[data-testid=plan-route]')
    expect(overdue.exists()).toBe(true)
    expect(overdue.element.compareDocumentPosition(route.element) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
    expect(names(overdueRows(w))).toEqual(['己农资', '庚农资'])
    const first = overdueRows(w)[0]
    expect(first.find('[data-testid=plan-status]').text()).toBe('逾期 15 天')
    expect(first.find('[data-testid=plan-grade]').text()).toBe('A 类')
    expect(first.find('[data-testid=plan-route-name]').text()).toBe('不在路线上')
    expect(overdueRows(w)[1].find('[data-testid=plan-status]').text()).toBe('逾期 8 天')

    // The route: scheduled for Mondays, due stops in route order, the not-due one left out and counted.
    expect(route.attributes('data-name')).toBe('寿光周一线')
    expect(route.find('[data-testid=plan-route-kind]').text()).toBe('按计划')
    expect(names(stopRows(w))).toEqual(['甲农资', '戊农资', '丙农资'])
    expect(stopRows(w).map((r) => r.find('[data-testid=plan-position]').text())).toEqual(['1', '3', '4'])
    expect(stopRows(w).map((r) => r.find('[data-testid=plan-status]').text())).toEqual(['逾期 1 天', '今天到期', '从未拜访'])
    expect(row(w, '甲农资').text()).toContain('2026-11-15')
    expect(row(w, '甲农资').text()).toContain('2026-11-22')
    expect(row(w, '乙农资').exists()).toBe(false)
    expect(route.find('[data-testid=plan-not-due]').text()).toBe('另有 1 站未到期')

    expect(w.find('[data-testid=plan-summary-customers]').text()).toBe('7 个客户')
    expect(w.find('[data-testid=plan-summary-planned]').text()).toBe('今天计划拜访 3 站')
    // Every overdue customer counts, the one on the route too.
    expect(w.find('[data-testid=plan-summary-overdue]').text()).toBe('逾期未访 3 个')
    // A rep plans for themselves: no rep to pick, no team view.
    expect(w.find('[data-testid=plan-rep]').exists()).toBe(false)
    expect(w.find('[data-testid=plan-mode]').exists()).toBe(false)
  })

  it("records a visit on the plan's day, and the stop leaves the day's list", async () => {
    const { backend, id } = await repBook()
    const w = await planPage(backend)
    expect(names(stopRows(w))).toContain('甲农资')

    await row(w, '甲农资').find('[data-testid=mark-visited]').trigger('click')
    await until(() => !row(w, '甲农资').exists())
    expect((await backend.getCustomer(id['甲农资'])).grading.lastVisitOn).toBe(MONDAY)
    expect(names(stopRows(w))).toEqual(['戊农资', '丙农资'])
    expect(w.find('[data-testid=plan-not-due]').text()).toBe('另有 2 站未到期')
    expect(document.body.textContent).toContain('已记录拜访：甲农资')

    // An overdue customer off the route is recorded the same way.
    await row(w, '己农资').find('[data-testid=mark-visited]').trigger('click')
    await until(() => !row(w, '己农资').exists())
    expect((await backend.getCustomer(id['己农资'])).grading.lastVisitOn).toBe(MONDAY)
    expect(names(overdueRows(w))).toEqual(['庚农资'])
  })

  it('shows seven days for a week, with visits recorded only up to today', async () => {
    const { backend } = await repBook()
    const w = await planPage(backend)
    expect(w.findAll('[data-testid=plan-day]')).toHaveLength(1)

    await w.find('[data-testid=plan-days-week] input').setValue(true)
    await until(() => w.findAll('[data-testid=plan-day]').length === 7)
    const days = w.findAll('[data-testid=plan-day]')
    expect(days.map((d) => d.attributes('data-date'))).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29'])
    expect(days.map((d) => d.find('[data-testid=plan-day-title]').text().split(' ')[1])).toEqual(['周一', '周二', '周三', '周四', '周五', '周六', '周日'])

    // Today's stops can be marked; Tuesday's (its route's never-visited stop) cannot yet.
    expect(days[0].find('[data-testid=mark-visited]').attributes('disabled')).toBeUndefined()
    const tuesday = days[1]
    expect(names(tuesday.findAll('[data-testid=plan-stop-row]'))).toEqual(['辛农资'])
    expect(tuesday.find('[data-testid=mark-visited]').attributes('disabled')).toBeDefined()
    // The week assumes Monday's stops are visited: Sunday has nothing.
    expect(days[6].find('[data-testid=plan-nothing]').text()).toBe('当天没有安排')

    await w.find('[data-testid=plan-days-day] input').setValue(true)
    await until(() => w.findAll('[data-testid=plan-day]').length === 1)

    // Another day from the date picker: Tuesday's plan, not recordable yet.
    await w.find('[data-testid=plan-date] input').setValue('2026-11-24')
    await until(() => w.find('[data-testid=plan-day]').attributes('data-date') === '2026-11-24')
    expect(names(stopRows(w))).toEqual(['辛农资'])
    expect(w.find('[data-testid=plan-route]').attributes('data-name')).toBe('寿光周二线')
    expect(w.find('[data-testid=mark-visited]').attributes('disabled')).toBeDefined()
    expect(w.find('[data-testid=plan-summary-planned]').text()).toBe('2026-11-24 计划拜访 1 站')
  })

  it("opens a customer's card from the plan, and prints", async () => {
    const { backend, id } = await repBook()
    const w = await planPage(backend)
    await row(w, '戊农资').find('[data-testid=plan-open]').trigger('click')
    expect(w.emitted('open')).toEqual([[id['戊农资']]])

    const print = vi.fn()
    vi.stubGlobal('print', print)
    await w.find('[data-testid=plan-print]').trigger('click')
    expect(print).toHaveBeenCalledTimes(1)
    expect(document.body.classList.contains('plan-printing')).toBe(true)
    window.dispatchEvent(new Event('afterprint'))
    expect(document.body.classList.contains('plan-printing')).toBe(false)
  })

  it("starts on the book's today: a Sunday with no route has nothing planned", async () => {
    const { backend } = await repBook('2026-11-22')
    const w = await planPage(backend)
    const days = w.findAll('[data-testid=plan-day]')
    expect(days.map((d) => d.attributes('data-date'))).toEqual(['2026-11-22'])
    expect(days[0].find('[data-testid=plan-nothing]').exists()).toBe(true)
    expect(stopRows(w)).toHaveLength(0)
    expect(overdueRows(w)).toHaveLength(0)
  })

  it('speaks English on request', async () => {
    const { backend } = await repBook()
    const w = await planPage(backend, 'en')
    expect(w.find('[data-testid=plan-day-title]').text()).toBe(`${MONDAY} Mon`)
    expect(stopRows(w).map((r) => r.find('[data-testid=plan-status]').text())).toEqual(['1 days overdue', 'due today', 'never visited'])
    expect(w.find('[data-testid=plan-not-due]').text()).toBe('1 more stops not due yet')
  })

  it("lets a manager see the team's day and open a rep's plan", async () => {
    const backend = await TestBook.create({ today: MONDAY, customers: [...NAMES, { name: '赵家农资', owner: 'rep2' }] })
    await rebuild(backend)
    // 赵刚 makes his route on his laptop; a round of files brings both reps' work to the manager's.
    await backend.actAs('rep2')
    const route = await backend.createRoute({ name: '赵刚周一线' })
    await backend.addRouteStops({ routeId: route.route.id, customers: [(await ids(backend))['赵家农资']] })
    await backend.actAs('manager')

    const w = await planPage(backend)
    // The first rep's plan until another is chosen.
    expect(w.find('[data-testid=plan-rep]').exists()).toBe(true)
    expect(w.find('[data-testid=plan-staff]').text()).toContain('王强')
    expect(names(stopRows(w))).toEqual(['甲农资', '戊农资', '丙农资'])

    await w.find('[data-testid=plan-mode-team] input').setValue(true)
    await until(() => w.findAll('[data-testid=team-row]').length === 2)
    expect(w.find('[data-testid=plan-day]').exists()).toBe(false)
    expect(w.find('[data-testid=plan-days]').exists()).toBe(false)
    const wang = w.find('[data-testid=team-row][data-name="王强"]')
    expect(wang.find('[data-testid=team-routes]').text()).toBe('寿光周一线')
    expect(wang.find('[data-testid=team-stops]').text()).toBe('3')
    expect(wang.find('[data-testid=team-overdue]').text()).toBe('3') // the overdue stop on the route and the two off it
    const zhao = w.find('[data-testid=team-row][data-name="赵刚"]')
    expect(zhao.find('[data-testid=team-stops]').text()).toBe('1')
    expect(zhao.find('[data-testid=team-routes]').text()).toBe('赵刚周一线')

    await zhao.find('[data-testid=team-open]').trigger('click')
    await until(() => names(stopRows(w)).includes('赵家农资'))
    expect(names(stopRows(w))).toEqual(['赵家农资'])
    expect(w.find('[data-testid=plan-route-kind]').text()).toBe('到期客户最多')
    expect(w.find('[data-testid=plan-staff]').text()).toContain('赵刚')
    expect(w.find('[data-testid=team-row]').exists()).toBe(false)

    // Back to the team: a click anywhere on a row opens that rep too.
    await w.find('[data-testid=plan-mode-team] input').setValue(true)
    await until(() => w.findAll('[data-testid=team-row]').length === 2)
    await w.find('[data-testid=team-row][data-name="王强"]').trigger('click')
    await until(() => names(stopRows(w)).includes('甲农资'))
    expect(w.find('[data-testid=plan-staff]').text()).toContain('王强')
  })
})
