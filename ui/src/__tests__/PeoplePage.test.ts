import { afterEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { ElSelect } from 'element-plus'
import PeoplePage from '../views/PeoplePage.vue'
import App from '../App.vue'
import { customerQuery, type Language } from '../backend/types'
import { errorUnder, mountWith, until } from './helpers'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  // Messages live on the body, outside the wrapper.
  document.body.innerHTML = ''
})

/** Head office's book of the test world: 赵总, 刘敏 (销管), 李敏 (区域经理), reps 王强 and 赵刚; `customers` are 王强's. */
function officeBook(customers: string[] = []) {
  return TestBook.create({ as: 'office', customers })
}

async function mountPage(backend: TestBook, language: Language = 'zh-CN') {
  ;({ wrapper } = await mountWith(PeoplePage, backend, {}, { language }))
  const w = wrapper
  await until(() => w.findAll('[data-testid=people-row]').length > 0 || w.find('[data-testid=people-failed]').exists())
  return w
}

const rows = (w: VueWrapper) => w.findAll('[data-testid=people-row]')
const names = (w: VueWrapper) => rows(w).map((r) => r.find('[data-testid=people-name]').text())
function row(w: VueWrapper, name: string) {
  const found = rows(w).find((r) => r.find('[data-testid=people-name]').text() === name)
  if (!found) throw new Error(`no row for ${name}: ${names(w).join(', ')}`)
  return found
}
const cell = (w: VueWrapper, name: string, testId: string) => row(w, name).find(`[data-testid=${testId}]`).text()

/** The Element Plus selects whose root carries `testId`, in page order. */
function selectsOf(w: VueWrapper, testId: string) {
  return w.findAllComponents(ElSelect).filter((s) => s.attributes('data-testid') === testId)
}
const choose = (w: VueWrapper, testId: string, value: unknown, index = 0) => selectsOf(w, testId)[index].vm.$emit('update:modelValue', value)

/** A rep's cards, by name, as the book has them. */
async function cardsOf(backend: TestBook, staffId: string): Promise<string[]> {
  const page = await backend.searchCustomers(customerQuery({ ownerId: staffId }))
  return page.rows.map((r) => r.name).sort()
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i

describe('people page', () => {
  it('lists everyone by unit with the Chinese role labels, never an id, and narrows to a unit of the tree', async () => {
    const backend = await officeBook()
    const w = await mountPage(backend)
    // Unit by unit in the tree's order (head office first), roles within a unit as the organisation ranks them.
    expect(names(w)).toEqual(['赵总', '刘敏', '李敏', '王强', '赵刚'])
    expect(cell(w, '赵总', 'people-role')).toBe('总部')
    expect(cell(w, '刘敏', 'people-role')).toBe('销管')
    expect(cell(w, '李敏', 'people-role')).toBe('区域经理')
    expect(cell(w, '王强', 'people-role')).toBe('业务员')
    expect(cell(w, '王强', 'people-unit')).toBe('寿光片区')
    expect(cell(w, '王强', 'people-phone')).toBe('13800000001')
    expect(cell(w, '李敏', 'people-phone')).toBe('—')
    // The sales administrator's pairing, by the region's name.
    expect(cell(w, '刘敏', 'people-regions')).toBe('山东省')
    expect(cell(w, '王强', 'people-status')).toBe('在职')
    expect(w.text()).not.toMatch(UUID)

    const tree = w.findAll('[data-testid=unit-node]').map((n) => n.attributes('data-name'))
    expect(tree).toEqual(['华丰农资总部', '山东省', '潍坊区', '寿光片区'])
    await w.find('[data-testid=unit-node][data-name="潍坊区"]').trigger('click')
    await until(() => names(w).length === 3)
    // A region holds its own people and everyone of the units under it.
    expect(names(w)).toEqual(['李敏', '王强', '赵刚'])
    expect(w.find('[data-testid=people-title]').text()).toBe('潍坊区')
    await w.find('[data-testid=unit-all]').trigger('click')
    await until(() => names(w).length === 5)
  })

  it('speaks English when the user chose it', async () => {
    const backend = await officeBook()
    const w = await mountPage(backend, 'en')
    expect(cell(w, '王强', 'people-role')).toBe('Rep')
    expect(cell(w, '刘敏', 'people-role')).toBe('Sales administration')
    expect(w.find('[data-testid=people-add]').text()).toBe('Add person')
  })

  it('edits a phone, which the book keeps and the list shows; an emptied phone is cleared', async () => {
    const backend = await officeBook()
    const w = await mountPage(backend)
    await row(w, '王强').find('[data-testid=people-edit]').trigger('click')
    await until(() => w.find('input[data-testid=staff-phone]').exists())
    expect(w.find('[data-testid=staff-dialog]').text()).toContain('编辑人员：王强')
    expect((w.find('input[data-testid=staff-phone]').element as HTMLInputElement).value).toBe('13800000001')
    await w.find('input[data-testid=staff-phone]').setValue('13912345678')
    await w.find('[data-testid=staff-save]').trigger('click')
    await until(() => cell(w, '王强', 'people-phone') === '13912345678')
    const wang = (await backend.staffList()).find((s) => s.name === '王强')!
    expect(wang.phone).toBe('13912345678')

    await row(w, '王强').find('[data-testid=people-edit]').trigger('click')
    await until(() => (w.find('input[data-testid=staff-phone]').element as HTMLInputElement).value === '13912345678')
    await w.find('input[data-testid=staff-phone]').setValue('')
    await w.find('[data-testid=staff-save]').trigger('click')
    await until(() => cell(w, '王强', 'people-phone') === '—')
    expect((await backend.staffList()).find((s) => s.name === '王强')!.phone).toBeNull()
  })

  it('adds a person to the unit chosen in the tree, and shows the missing name next to the field', async () => {
    const backend = await officeBook()
    const w = await mountPage(backend)
    await w.find('[data-testid=unit-node][data-name="寿光片区"]').trigger('click')
    await until(() => names(w).length === 2)
    await w.find('[data-testid=people-add]').trigger('click')
    await until(() => w.find('input[data-testid=staff-name]').exists())
    await w.find('[data-testid=staff-save]').trigger('click')
    // The book refuses a person without a name: its problem, in Chinese, under the field.
    await until(() => errorUnder(w, 'staff-name') !== '')
    expect(errorUnder(w, 'staff-name')).toBe('必填')

    await w.find('input[data-testid=staff-name]').setValue('孙丽')
    await w.find('input[data-testid=staff-phone]').setValue('13700000009')
    await w.find('[data-testid=staff-save]').trigger('click')
    await until(() => names(w).includes('孙丽'))
    expect(cell(w, '孙丽', 'people-unit')).toBe('寿光片区')
    expect(cell(w, '孙丽', 'people-role')).toBe('业务员')
    expect((await backend.staffList()).find((s) => s.name === '孙丽')).toMatchObject({ role: 'rep', phone: '13700000009', active: true })
  })

  it('refuses to mark a rep who still looks after customers as left, in Chinese, and changes nothing', async () => {
    const backend = await officeBook(['华星农业'])
    const w = await mountPage(backend)
    await row(w, '王强').find('[data-testid=people-edit]').trigger('click')
    await until(() => w.find('[data-testid=staff-left]').exists())
    await w.find('[data-testid=staff-left]').trigger('click')
    await until(() => errorUnder(w, 'staff-status') !== '')
    expect(errorUnder(w, 'staff-status')).toBe('此人还负责客户，请先把这些客户移交给其他业务员')
    // The way out is offered: hand the customers over first.
    expect(w.find('[data-testid=staff-to-handover]').exists()).toBe(true)
    expect((await backend.staffList()).find((s) => s.name === '王强')!.active).toBe(true)
    expect(cell(w, '王强', 'people-status')).toBe('在职')
  })

  it("hands a rep's route to one rep and every other card to another, previews it, and marks the rep as left", async () => {
    const backend = await officeBook(['华星农业', '绿丰农资', '金穗种业'])
    const wang = backend.person('rep')
    const zhao = backend.person('rep2')
    const territory = backend.units.find((u) => u.name === '寿光片区')!
    const sun = await backend.addStaff({ name: '孙丽', role: 'rep', orgUnitId: territory.id })
    const ids = Object.fromEntries((await backend.searchCustomers(customerQuery())).rows.map((r) => [r.name, r.id]))
    const { route } = await backend.createRoute({ name: '周一北线', ownerId: wang.id, weekday: 1 })
    await backend.addRouteStops({ routeId: route.id, customers: [ids['华星农业'], ids['绿丰农资']] })

    const w = await mountPage(backend)
    await row(w, '王强').find('[data-testid=handover-open]').trigger('click')
    await until(() => w.findAll('[data-testid=handover-route]').length === 1)
    await until(() => w.find('[data-testid=handover-owns]').exists())
    expect(w.find('[data-testid=handover-owns]').text()).toBe('王强 名下有 3 个客户、1 条路线')
    choose(w, 'handover-route-to', zhao.id)
    choose(w, 'handover-rest-to', sun.id)
    await w.find('[data-testid=handover-leaves] input').setValue(true)
    await w.find('[data-testid=handover-preview]').trigger('click')

    await until(() => w.findAll('[data-testid=handover-share]').length === 2)
    const share = (name: string, what: string) => w.find(`[data-testid=handover-share][data-name="${name}"] [data-testid=share-${what}]`).text()
    // The route goes whole to 赵刚 with its two cards; the card on no route goes to 孙丽.
    expect([share('赵刚', 'customers'), share('赵刚', 'routes')]).toEqual(['2', '1'])
    expect([share('孙丽', 'customers'), share('孙丽', 'routes')]).toEqual(['1', '0'])
    expect(w.find('[data-testid=handover-staying]').text()).toBe('留在 王强 名下的客户：0 个')
    expect(w.find('[data-testid=handover-leaves-note]').text()).toBe('移交后 王强 将标记为离职')
    expect(w.find('[data-testid=handover-dialog]').text()).not.toMatch(UUID)
    // A preview writes nothing.
    expect(await cardsOf(backend, wang.id)).toEqual(['华星农业', '绿丰农资', '金穗种业'])

    await w.find('[data-testid=handover-submit]').trigger('click')
    await until(() => w.find('[data-testid=handover-result]').exists())
    expect(w.find('[data-testid=handover-result]').text()).toContain('移交完成')
    expect(await cardsOf(backend, wang.id)).toEqual([])
    expect(await cardsOf(backend, zhao.id)).toEqual(['华星农业', '绿丰农资'])
    expect(await cardsOf(backend, sun.id)).toEqual(['金穗种业'])
    expect((await backend.routes(zhao.id)).map((r) => r.name)).toEqual(['周一北线'])
    expect((await backend.staffList()).find((s) => s.id === wang.id)!.active).toBe(false)
    // The list reloads: the rep who left shows as such.
    await until(() => cell(w, '王强', 'people-status') === '已离职')
  })

  it('shows why the book refuses a handover, then hands picked cards over', async () => {
    const backend = await officeBook(['华星农业', '绿丰农资'])
    const wang = backend.person('rep')
    const zhao = backend.person('rep2')
    const w = await mountPage(backend)
    await row(w, '王强').find('[data-testid=handover-open]').trigger('click')
    await until(() => w.find('[data-testid=handover-no-routes]').exists())

    // Nobody chosen: nothing to hand over.
    await w.find('[data-testid=handover-preview]').trigger('click')
    await until(() => w.find('[data-testid=handover-error]').exists())
    expect(w.find('[data-testid=handover-error]').text()).toContain('没有要移交的客户或路线')

    // One card picked for 赵刚, and the rep to leave: the other card would stay, so they cannot.
    await w.find('[data-testid=handover-add-group]').trigger('click')
    await until(() => selectsOf(w, 'handover-group-cards').length === 1)
    choose(w, 'handover-group-to', zhao.id)
    const byName = Object.fromEntries((await backend.searchCustomers(customerQuery())).rows.map((r) => [r.name, r.id]))
    choose(w, 'handover-group-cards', [byName['华星农业']])
    await w.find('[data-testid=handover-leaves] input').setValue(true)
    await w.find('[data-testid=handover-preview]').trigger('click')
    await until(() => errorUnder(w, 'handover-leaves') !== '')
    expect(errorUnder(w, 'handover-leaves')).toContain('不能标记为离职')
    expect(w.find('[data-testid=handover-plan]').exists()).toBe(false)

    // Without leaving: the picked card goes, the other stays.
    await w.find('[data-testid=handover-leaves] input').setValue(false)
    await w.find('[data-testid=handover-preview]').trigger('click')
    await until(() => w.findAll('[data-testid=handover-share]').length === 1)
    expect(w.find('[data-testid=handover-share][data-name="赵刚"] [data-testid=share-customers]').text()).toBe('1')
    expect(w.find('[data-testid=handover-staying]').text()).toBe('留在 王强 名下的客户：1 个')
    expect(w.find('[data-testid=handover-leaves-note]').exists()).toBe(false)
    await w.find('[data-testid=handover-submit]').trigger('click')
    await until(() => w.find('[data-testid=handover-result]').exists())
    expect(await cardsOf(backend, zhao.id)).toEqual(['华星农业'])
    expect(await cardsOf(backend, wang.id)).toEqual(['绿丰农资'])
    expect((await backend.staffList()).find((s) => s.id === wang.id)!.active).toBe(true)
  })
})

describe('people in the app', () => {
  it('is in the navigation of head office, and opens from it', async () => {
    const backend = await officeBook()
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=nav-people]').exists())
    // The header shows while the book still opens; its buttons work once the list is there.
    await until(() => w.find('[data-testid=new-customer]').exists())
    expect(w.find('[data-testid=nav-people]').text()).toBe('组织与人员')
    await w.find('[data-testid=nav-people]').trigger('click')
    await until(() => rows(w).length === 5)
    expect(w.find('[data-testid=nav-people]').classes()).toContain('active')
  })

  it("is not in a rep's navigation", async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.findAll('[data-testid=customer-row]').length === 1)
    expect(w.find('[data-testid=nav-customers]').exists()).toBe(true)
    expect(w.find('[data-testid=nav-people]').exists()).toBe(false)
  })
})
