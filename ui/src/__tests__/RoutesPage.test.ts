import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DOMWrapper, VueWrapper } from '@vue/test-utils'
import { ElSelect } from 'element-plus'
import RoutesPage from '../views/RoutesPage.vue'
import type { CustomerQuery } from '../generated/bindings'
import { customerQuery, type Language } from '../backend/types'
import { mountWith, until } from './helpers'
import { xlsxTexts } from './routesFixtures'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined
const nativePrint = window.print
afterEach(() => {
  window.print = nativePrint
  wrapper?.unmount()
  wrapper = undefined
  // Dialogs' message boxes, messages and the print sheet live on the body, outside the wrapper.
  document.body.innerHTML = ''
  document.documentElement.classList.remove('fieldcrm-print-route')
  sessionStorage.clear()
  vi.restoreAllMocks()
})

const ALL: CustomerQuery = customerQuery()

/** Customer ids by name. */
async function idsOf(backend: TestBook): Promise<Record<string, string>> {
  const page = await backend.searchCustomers(ALL)
  return Object.fromEntries(page.rows.map((r) => [r.name, r.id]))
}

/** A book of the rep 王强 with one route holding `names` in that order. */
async function bookWithRoute(names: string[], more: string[] = []) {
  const backend = await TestBook.create({ customers: [...names, ...more] })
  const ids = await idsOf(backend)
  const { route } = await backend.createRoute({ name: '周一北线', weekday: 1 })
  if (names.length) await backend.addRouteStops({ routeId: route.id, customers: names.map((n) => ids[n]) })
  return { backend, ids, routeId: route.id }
}

async function mountPage(backend: TestBook, language: Language = 'zh-CN') {
  ;({ wrapper } = await mountWith(RoutesPage, backend, {}, { language }))
  const w = wrapper
  // The list is loaded from the book (over HTTP): wait for it, or for its empty state.
  await until(() => ['no-routes', 'route-row', 'routes-failed'].some((id) => w.find(`[data-testid=${id}]`).exists()))
  return w
}

const stopNames = (w: VueWrapper) => w.findAll('[data-testid=stop-row]').map((r) => r.attributes('data-name'))
const stopRow = (w: VueWrapper, name: string) => w.find(`[data-testid=stop-row][data-name="${name}"]`)
const routeOrder = async (backend: TestBook, id: string) => (await backend.route(id)).stops.map((s) => s.name)

async function openRoute(w: VueWrapper, name: string, stops: number) {
  await w.find(`[data-testid=route-row][data-name="${name}"]`).trigger('click')
  await until(() => w.find('[data-testid=route-title]').exists() && w.findAll('[data-testid=stop-row]').length === stops)
}

/** The Element Plus select whose root carries `testId`. */
function selectOf(w: VueWrapper, testId: string) {
  const select = w.findAllComponents(ElSelect).find((s) => s.attributes('data-testid') === testId)
  if (!select) throw new Error(`no select ${testId}`)
  return select
}

/** The text input of a form field (the test id sits on the input or around it). */
function inputOf(w: VueWrapper, testId: string) {
  const el = w.find(`[data-testid=${testId}]`)
  return el.element.tagName === 'INPUT' ? el : el.find('input')
}

/** The add-stops select's options, on the body (the dropdown is teleported). */
const addOptions = () => [...document.querySelectorAll<HTMLElement>('[data-testid=add-stops-option]')]
const clickOption = (name: string) => addOptions().find((o) => o.textContent?.includes(name))!.click()

function confirmMessageBox() {
  ;(document.querySelector('.el-message-box__btns .el-button--primary') as HTMLElement).click()
}

const bodyText = () => document.body.textContent ?? ''

describe('routes page', () => {
  it('shows the empty states, and creates a route through the dialog', async () => {
    const backend = await TestBook.create()
    const w = await mountPage(backend)
    expect(w.find('[data-testid=no-routes]').text()).toContain('还没有路线')
    expect(w.find('[data-testid=pick-route]').text()).toContain('请选择左侧的一条路线')

    await w.find('[data-testid=new-route]').trigger('click')
    await until(() => w.find('[data-testid=route-name-input]').exists())
    // A rep's routes are their own: no rep to choose.
    expect(w.find('[data-testid=route-rep]').exists()).toBe(false)
    await inputOf(w, 'route-name-input').setValue('周三南线')
    selectOf(w, 'route-weekday').vm.$emit('update:modelValue', 3)
    await inputOf(w, 'route-base-input').setValue('36.8523，118.7361')
    await w.find('[data-testid=save-route]').trigger('click')

    await until(() => w.find('[data-testid=route-row]').exists())
    const routes = await backend.routes()
    expect(routes).toHaveLength(1)
    expect(routes[0]).toMatchObject({ name: '周三南线', ownerId: backend.person('rep').id, weekday: 3, startLatitude: 36.8523, startLongitude: 118.7361 })
    const row = w.find('[data-testid=route-row]')
    expect(row.attributes('data-name')).toBe('周三南线')
    expect(row.text()).toContain('周三')
    expect(row.text()).toContain('0 站')
    // The new route is opened, empty.
    expect(w.find('[data-testid=route-title]').text()).toBe('周三南线')
    expect(w.find('[data-testid=route-meta]').text()).toContain('36.8523, 118.7361')
    expect(w.find('[data-testid=no-stops]').exists()).toBe(true)
  })

  it('keeps what was typed and names the field when the base is not two numbers or the book refuses', async () => {
    const backend = await TestBook.create()
    const w = await mountPage(backend)
    await w.find('[data-testid=new-route]').trigger('click')
    await until(() => w.find('[data-testid=route-name-input]').exists())
    await inputOf(w, 'route-name-input').setValue('周五东线')
    await inputOf(w, 'route-base-input').setValue('36.85')
    await w.find('[data-testid=save-route]').trigger('click')
    await until(() => w.text().includes('请填写两个数字'))
    expect(await backend.routes()).toHaveLength(0)

    // Two numbers, but no latitude: the book's problem shows at the base field.
    await inputOf(w, 'route-base-input').setValue('136.85, 118.73')
    await w.find('[data-testid=save-route]').trigger('click')
    await until(() => w.text().includes('超出允许范围'))
    expect(w.text()).not.toContain('请填写两个数字')
    expect(await backend.routes()).toHaveLength(0)
    expect((inputOf(w, 'route-name-input').element as HTMLInputElement).value).toBe('周五东线')
    expect((inputOf(w, 'route-base-input').element as HTMLInputElement).value).toBe('136.85, 118.73')
  })

  it('edits name, weekday and base, sending only what changed, and clears the base', async () => {
    const backend = await TestBook.create()
    const { route } = await backend.createRoute({ name: '周一北线', weekday: 1, startLatitude: 36.85, startLongitude: 118.73 })
    const edit = vi.spyOn(backend, 'editRoute')
    const w = await mountPage(backend)
    await openRoute(w, '周一北线', 0)
    expect(w.find('[data-testid=route-meta]').text()).toContain('36.85, 118.73')

    await w.find('[data-testid=edit-route]').trigger('click')
    await until(() => w.find('[data-testid=route-rep-fixed]').exists())
    expect((inputOf(w, 'route-name-input').element as HTMLInputElement).value).toBe('周一北线')
    expect((inputOf(w, 'route-base-input').element as HTMLInputElement).value).toBe('36.85, 118.73')
    await inputOf(w, 'route-name-input').setValue('周二北线')
    selectOf(w, 'route-weekday').vm.$emit('update:modelValue', 2)
    await inputOf(w, 'route-base-input').setValue('')
    await w.find('[data-testid=save-route]').trigger('click')
    await until(() => w.find('[data-testid=route-title]').exists() && w.find('[data-testid=route-title]').text() === '周二北线')
    expect(edit.mock.calls[0][0]).toEqual({ id: route.id, name: '周二北线', weekday: 2, clearStart: true })
    expect((await backend.route(route.id)).route).toMatchObject({ name: '周二北线', weekday: 2, startLatitude: null, startLongitude: null })
    expect(w.find('[data-testid=route-meta]').text()).toContain('未设出发点')
    expect(w.find('[data-testid=route-row]').attributes('data-name')).toBe('周二北线')
    expect(w.find('[data-testid=route-row]').text()).toContain('周二')

    // Saved again unchanged: nothing is sent.
    await w.find('[data-testid=edit-route]').trigger('click')
    await until(() => (inputOf(w, 'route-name-input').element as HTMLInputElement).value === '周二北线')
    await w.find('[data-testid=save-route]').trigger('click')
    await until(() => bodyText().includes('没有修改'))
    expect(edit).toHaveBeenCalledTimes(1)
  })

  it('shows the route last looked at again when the page comes back (after a card was opened)', async () => {
    const { backend } = await bookWithRoute(['华星农业'])
    await backend.createRoute({ name: '周二西线', weekday: 2 })
    let w = await mountPage(backend)
    expect(w.find('[data-testid=pick-route]').exists()).toBe(true)
    await w.find('[data-testid=route-row][data-name="周二西线"]').trigger('click')
    await until(() => w.find('[data-testid=route-title]').exists())
    w.unmount()
    w = await mountPage(backend)
    await until(() => w.find('[data-testid=route-title]').exists())
    expect(w.find('[data-testid=route-title]').text()).toBe('周二西线')
    expect(w.find('[data-testid=route-row][data-name="周二西线"]').classes()).toContain('active')
  })

  it('moves stops with the up and down buttons, in the table and in the book', async () => {
    const { backend, routeId } = await bookWithRoute(['华星农业', '绿丰农资', '寿光种业'])
    const w = await mountPage(backend)
    expect(w.find('[data-testid=route-row]').text()).toContain('3 站')
    await openRoute(w, '周一北线', 3)
    expect(stopNames(w)).toEqual(['华星农业', '绿丰农资', '寿光种业'])
    // The first stop cannot go up, the last not down.
    expect(stopRow(w, '华星农业').find('[data-testid=stop-up]').attributes('disabled')).toBeDefined()
    expect(stopRow(w, '寿光种业').find('[data-testid=stop-down]').attributes('disabled')).toBeDefined()

    await stopRow(w, '华星农业').find('[data-testid=stop-down]').trigger('click')
    await until(() => stopNames(w)[0] === '绿丰农资')
    expect(stopNames(w)).toEqual(['绿丰农资', '华星农业', '寿光种业'])
    expect(w.findAll('[data-testid=stop-row]').map((r) => r.attributes('data-position'))).toEqual(['1', '2', '3'])
    expect(await routeOrder(backend, routeId)).toEqual(['绿丰农资', '华星农业', '寿光种业'])

    await stopRow(w, '寿光种业').find('[data-testid=stop-up]').trigger('click')
    await until(() => stopNames(w)[1] === '寿光种业')
    expect(stopNames(w)).toEqual(['绿丰农资', '寿光种业', '华星农业'])
    expect(await routeOrder(backend, routeId)).toEqual(['绿丰农资', '寿光种业', '华星农业'])
  })

  it('moves a stop by dragging its row onto another', async () => {
    const { backend, routeId } = await bookWithRoute(['华星农业', '绿丰农资', '寿光种业', '金穗化肥'])
    const w = await mountPage(backend)
    await openRoute(w, '周一北线', 4)
    expect(stopRow(w, '华星农业').attributes('draggable')).toBe('true')
    await stopRow(w, '华星农业').trigger('dragstart')
    await stopRow(w, '寿光种业').trigger('dragover')
    await stopRow(w, '寿光种业').trigger('drop')
    await until(() => stopNames(w)[0] === '绿丰农资')
    expect(stopNames(w)).toEqual(['绿丰农资', '寿光种业', '华星农业', '金穗化肥'])
    expect(await routeOrder(backend, routeId)).toEqual(['绿丰农资', '寿光种业', '华星农业', '金穗化肥'])

    // Dragging up: the stop takes the place of the row it is dropped on.
    await stopRow(w, '金穗化肥').trigger('dragstart')
    await stopRow(w, '绿丰农资').trigger('dragover')
    await stopRow(w, '绿丰农资').trigger('drop')
    await until(() => stopNames(w)[0] === '金穗化肥')
    expect(await routeOrder(backend, routeId)).toEqual(['金穗化肥', '绿丰农资', '寿光种业', '华星农业'])
  })

  it('shows the open issues of each stop and opens the card from the name', async () => {
    const { backend, ids } = await bookWithRoute(['华星农业', '绿丰农资'])
    await backend.editCustomer({ customerId: ids['绿丰农资'], changes: [{ field: 'problems', value: '欠款未结清' }] })
    await backend.setLastVisit(ids['华星农业'], '2026-11-01')
    const w = await mountPage(backend)
    await openRoute(w, '周一北线', 2)
    expect(stopRow(w, '华星农业').text()).toContain('2026-11-01')
    expect(stopRow(w, '绿丰农资').find('[data-testid=stop-issues]').text()).toContain('欠款未结清')
    expect(stopRow(w, '华星农业').find('[data-testid=stop-issues]').text()).not.toContain('欠款未结清')

    await stopRow(w, '绿丰农资').find('[data-testid=stop-name]').trigger('click')
    expect(w.emitted('open')).toEqual([[ids['绿丰农资']]])
  })

  it("adds the rep's own customers at the end, searching only theirs", async () => {
    const { backend, routeId } = await bookWithRoute(['华星农业'], ['绿丰农资', '寿光种业'])
    const search = vi.spyOn(backend, 'searchCustomers')
    const w = await mountPage(backend)
    await openRoute(w, '周一北线', 1)
    await w.find('[data-testid=add-stops]').trigger('click')
    // The first search lists the rep's customers not yet on the route.
    await until(() => addOptions().length === 2)
    expect(addOptions().map((o) => o.textContent?.trim()).sort()).toEqual(['寿光种业', '绿丰农资'].sort())
    expect(search.mock.calls.at(-1)?.[0]).toMatchObject({ text: '', ownerId: backend.person('rep').id, limit: 20, codes: {}, grades: [], creditGrades: [] })

    ;(selectOf(w, 'add-stops-select').props('remoteMethod') as (q: string) => void)('寿光')
    await until(() => addOptions().length === 1)
    expect(search.mock.calls.at(-1)?.[0]).toMatchObject({ text: '寿光', ownerId: backend.person('rep').id, limit: 20 })
    clickOption('寿光种业')
    ;(selectOf(w, 'add-stops-select').props('remoteMethod') as (q: string) => void)('绿丰')
    await until(() => addOptions().some((o) => o.textContent?.includes('绿丰农资')))
    clickOption('绿丰农资')
    await until(() => (selectOf(w, 'add-stops-select').props('modelValue') as string[]).length === 2)

    await w.find('[data-testid=add-stops-confirm]').trigger('click')
    await until(() => w.findAll('[data-testid=stop-row]').length === 3)
    expect(stopNames(w)).toEqual(['华星农业', '寿光种业', '绿丰农资'])
    expect(await routeOrder(backend, routeId)).toEqual(['华星农业', '寿光种业', '绿丰农资'])
    expect(w.find('[data-testid=route-row]').text()).toContain('3 站')
    await until(() => bodyText().includes('已添加 2 个客户'))
  })

  it("shows the refusal of another rep's customer and changes nothing", async () => {
    // The regional manager plans 王强's route; the cards of both reps are on the manager's laptop.
    const backend = await TestBook.create({ as: 'manager', customers: ['华星农业', '绿丰农资'] })
    const ids = await idsOf(backend)
    const { route } = await backend.createRoute({ name: '周一北线', weekday: 1, ownerId: backend.person('rep').id })
    await backend.addRouteStops({ routeId: route.id, customers: [ids['华星农业']] })
    const routeId = route.id
    const w = await mountPage(backend)
    await openRoute(w, '周一北线', 1)
    await w.find('[data-testid=add-stops]').trigger('click')
    await until(() => addOptions().length === 1)
    clickOption('绿丰农资')
    await until(() => (selectOf(w, 'add-stops-select').props('modelValue') as string[]).length === 1)
    // Meanwhile the manager handed the card to another rep (in another window): the book refuses it.
    await backend.editCustomer({ customerId: ids['绿丰农资'], changes: [{ field: 'ownerId', value: backend.person('rep2').id }] })
    expect((await backend.getCustomer(ids['绿丰农资'])).ownerName).toBe('赵刚')
    await w.find('[data-testid=add-stops-confirm]').trigger('click')
    await until(() => w.find('[data-testid=add-stops-error]').exists())
    expect(w.find('[data-testid=add-stops-error]').text()).toBe('绿丰农资：该客户属于其他业务员')
    // The dialog stays open with the choice kept; the route is as it was.
    expect(selectOf(w, 'add-stops-select').props('modelValue')).toEqual([ids['绿丰农资']])
    expect(w.find('[data-testid=add-stops-dialog]').isVisible()).toBe(true)
    expect(stopNames(w)).toEqual(['华星农业'])
    expect(await routeOrder(backend, routeId)).toEqual(['华星农业'])
    expect(w.find('[data-testid=route-row]').text()).toContain('1 站')
  })

  it('takes a stop off the route after asking', async () => {
    const { backend, routeId } = await bookWithRoute(['华星农业', '绿丰农资'])
    const w = await mountPage(backend)
    await openRoute(w, '周一北线', 2)
    await stopRow(w, '华星农业').find('[data-testid=stop-remove]').trigger('click')
    await until(() => document.querySelector('.el-message-box') !== null)
    expect(document.querySelector('.el-message-box')?.textContent).toContain('华星农业')
    confirmMessageBox()
    await until(() => w.findAll('[data-testid=stop-row]').length === 1)
    expect(stopNames(w)).toEqual(['绿丰农资'])
    expect(await routeOrder(backend, routeId)).toEqual(['绿丰农资'])
  })

  it('proposes a shorter order with the distances, and accepting it reorders the route', async () => {
    // Two clusters visited in zigzag: 华星 and 寿光 lie together, 绿丰 and 金穗 some 20 km away.
    const names = ['华星农业', '绿丰农资', '寿光种业', '金穗化肥', '鲁丰农药']
    const { backend, ids, routeId } = await bookWithRoute(names)
    const at: Record<string, [number, number]> = {
      华星农业: [36.8, 118.7],
      绿丰农资: [36.95, 118.9],
      寿光种业: [36.81, 118.71],
      金穗化肥: [36.96, 118.91],
    }
    for (const [name, [latitude, longitude]] of Object.entries(at)) {
      await backend.addRecord({ customerId: ids[name], kind: 'address', fields: { kind: 'business', detail: 'x', latitude, longitude } })
    }
    const expected = await backend.proposeRouteOrder(routeId)
    expect(expected.afterKm).toBeLessThan(expected.beforeKm - 1)

    const w = await mountPage(backend)
    await openRoute(w, '周一北线', 5)
    await w.find('[data-testid=optimise-route]').trigger('click')
    await until(() => w.find('[data-testid=proposal-before]').exists())
    expect(w.find('[data-testid=proposal-before]').text()).toBe(`${expected.beforeKm.toFixed(1)} 公里`)
    expect(w.find('[data-testid=proposal-after]').text()).toBe(`${expected.afterKm.toFixed(1)} 公里`)
    const pct = Math.round(((expected.beforeKm - expected.afterKm) / expected.beforeKm) * 100)
    expect(w.find('[data-testid=proposal-saving]').text()).toBe(`缩短 ${pct}%`)
    expect(w.find('[data-testid=proposal-start]').text()).toBe('从第一站出发')
    expect(w.find('[data-testid=proposal-without-coordinates]').text()).toBe('以下客户没有坐标，保持原位：鲁丰农药')
    expect(w.findAll('[data-testid=proposal-stop]').map((s) => s.attributes('data-name'))).toEqual([
      '华星农业',
      '寿光种业',
      '绿丰农资',
      '金穗化肥',
      '鲁丰农药',
    ])

    await w.find('[data-testid=accept-order]').trigger('click')
    await until(() => stopNames(w)[1] === '寿光种业')
    expect(stopNames(w)).toEqual(['华星农业', '寿光种业', '绿丰农资', '金穗化肥', '鲁丰农药'])
    expect(await routeOrder(backend, routeId)).toEqual(['华星农业', '寿光种业', '绿丰农资', '金穗化肥', '鲁丰农药'])
    await until(() => bodyText().includes('已按新顺序保存'))

    // Asked again, the order is already the shortest: only a close button.
    await w.find('[data-testid=optimise-route]').trigger('click')
    await until(() => w.find('[data-testid=proposal-no-gain]').exists() && w.find('[data-testid=proposal-no-gain]').isVisible())
    expect(w.find('[data-testid=proposal-no-gain]').text()).toContain('当前顺序已是最短')
    expect(w.find('[data-testid=accept-order]').exists()).toBe(false)
    expect(w.find('[data-testid=close-proposal]').exists()).toBe(true)
  })

  it('exports the route sheet where the user chooses, and does nothing when they cancel', async () => {
    const { backend } = await bookWithRoute(['华星农业', '绿丰农资'])
    const pick = vi.spyOn(backend, 'pickSavePath')
    const path = `${backend.folder}/周一北线.xlsx`
    backend.picks.push(null, path)
    const w = await mountPage(backend)
    await openRoute(w, '周一北线', 2)

    await w.find('[data-testid=export-sheet]').trigger('click')
    await until(() => pick.mock.calls.length === 1)
    expect(pick.mock.calls[0][0]).toMatchObject({ defaultName: '周一北线.xlsx', filterName: 'Excel', extension: 'xlsx' })
    await until(() => !w.find('[data-testid=export-sheet]').classes().includes('is-loading'))
    expect(existsSync(path)).toBe(false)

    await w.find('[data-testid=export-sheet]').trigger('click')
    await until(() => existsSync(path))
    // The sheet lists the stops in route order (its texts in order of first appearance).
    const texts = xlsxTexts(path)
    expect(texts).toContain('华星农业')
    expect(texts.indexOf('华星农业')).toBeLessThan(texts.indexOf('绿丰农资'))
    await until(() => bodyText().includes(`路线单已保存：${path}`))
  })

  it('prints a clean sheet of the stops with title, rep and date', async () => {
    const { backend } = await bookWithRoute(['华星农业', '绿丰农资'])
    // happy-dom has no print dialog.
    const print = vi.fn()
    window.print = print
    const w = await mountPage(backend)
    await openRoute(w, '周一北线', 2)
    await w.find('[data-testid=print-route]').trigger('click')
    expect(print).toHaveBeenCalledTimes(1)
    expect(document.documentElement.classList.contains('fieldcrm-print-route')).toBe(true)
    const sheet = document.querySelector('[data-testid=route-print]') as HTMLElement
    // On the body itself, so the print style can hide everything else.
    expect(sheet.parentElement).toBe(document.body)
    expect(sheet.textContent).toContain('路线单 · 周一北线')
    expect(sheet.textContent).toContain('王强')
    expect(sheet.textContent).toContain('打印日期')
    expect(sheet.textContent).toContain('拜访记录')
    expect([...sheet.querySelectorAll('[data-testid=print-row]')].map((r) => r.children[1].textContent)).toEqual(['华星农业', '绿丰农资'])
    window.dispatchEvent(new Event('afterprint'))
    expect(document.documentElement.classList.contains('fieldcrm-print-route')).toBe(false)
  })

  it('retires an empty route after asking, and shows why a route with stops cannot be', async () => {
    const { backend, routeId } = await bookWithRoute(['华星农业'])
    const empty = await backend.createRoute({ name: '周二西线', weekday: 2 })
    const w = await mountPage(backend)

    // The book refuses to retire a route with stops.
    await openRoute(w, '周一北线', 1)
    await w.find('[data-testid=retire-route]').trigger('click')
    await until(() => document.querySelector('.el-message-box') !== null)
    confirmMessageBox()
    await until(() => bodyText().includes('路线上还有客户，请先移走'))
    expect((await backend.route(routeId)).route.retired).toBe(false)
    expect(w.find('[data-testid=route-retired]').exists()).toBe(false)

    document.body.querySelectorAll('.el-message-box__wrapper, .el-overlay').forEach((e) => e.remove())
    await w.find('[data-testid=route-row][data-name="周二西线"]').trigger('click')
    await until(() => w.find('[data-testid=route-title]').exists() && w.find('[data-testid=route-title]').text() === '周二西线')
    await w.find('[data-testid=retire-route]').trigger('click')
    await until(() => document.querySelector('.el-message-box') !== null)
    confirmMessageBox()
    await until(() => w.find('[data-testid=route-retired]').exists())
    expect((await backend.route(empty.route.id)).route.retired).toBe(true)
    // Retired routes go last in the list, greyed.
    const rows = w.findAll('[data-testid=route-row]')
    expect(rows.map((r) => r.attributes('data-name'))).toEqual(['周一北线', '周二西线'])
    expect(rows[1].classes()).toContain('retired')
  })

  it("shows a manager their team's routes by rep, and a rep to choose for a new route", async () => {
    // Each rep makes their routes on their laptop; a round of files brings them to the manager's.
    const backend = await TestBook.create()
    await backend.createRoute({ name: '周一北线', weekday: 1 })
    await backend.actAs('rep2')
    await backend.createRoute({ name: '周四东线', weekday: 4 })
    const old = await backend.createRoute({ name: '旧线' })
    await backend.editRoute({ id: old.route.id, retired: true, clearStart: false })
    await backend.actAs('manager')

    const w = await mountPage(backend)
    // Groups by rep in name order: 王强 (wáng) before 赵刚 (zhào).
    expect(w.findAll('.group-label').map((g) => g.text())).toEqual(['王强', '赵刚', '已停用'])
    expect(w.findAll('[data-testid=route-row]').map((r) => r.attributes('data-name'))).toEqual(['周一北线', '周四东线', '旧线'])
    expect(w.find('[data-testid=route-row][data-name="周四东线"]').text()).toContain('赵刚')

    await w.find('[data-testid=new-route]').trigger('click')
    await until(() => w.find('[data-testid=route-name-input]').exists())
    await inputOf(w, 'route-name-input').setValue('周六南线')
    // No rep chosen: the dialog asks for one and creates nothing.
    await w.find('[data-testid=save-route]').trigger('click')
    await until(() => w.text().includes('必填'))
    expect(await backend.routes()).toHaveLength(3)

    selectOf(w, 'route-rep').vm.$emit('update:modelValue', backend.person('rep2').id)
    await w.vm.$nextTick()
    await w.find('[data-testid=save-route]').trigger('click')
    await until(() => w.find('[data-testid=route-row][data-name="周六南线"]').exists())
    expect((await backend.routes()).find((r) => r.name === '周六南线')).toMatchObject({ ownerId: backend.person('rep2').id, weekday: null })
  })

  it("lists only a rep's own routes, without group labels", async () => {
    const backend = await TestBook.create()
    await backend.createRoute({ name: '周五北线', weekday: 5 })
    await backend.createRoute({ name: '周一北线', weekday: 1 })
    // Another rep's route, made on their laptop, reaches this one's with a round of files (if at all).
    await backend.actAs('rep2')
    await backend.createRoute({ name: '周四东线', weekday: 4 })
    await backend.actAs('rep')
    const w = await mountPage(backend)
    expect(w.findAll('[data-testid=route-row]').map((r) => r.attributes('data-name'))).toEqual(['周一北线', '周五北线'])
    expect(w.findAll('.group-label')).toHaveLength(0)
  })

  it('speaks English on request', async () => {
    const { backend } = await bookWithRoute(['华星农业'])
    const w = await mountPage(backend, 'en')
    const row: DOMWrapper<Element> = w.find('[data-testid=route-row]')
    expect(row.text()).toContain('Mon')
    expect(row.text()).toContain('1 stops')
    await openRoute(w, '周一北线', 1)
    expect(w.find('[data-testid=optimise-route]').text()).toBe('Optimise order')
    expect(w.text()).not.toMatch(/routes\./)
  })
})
