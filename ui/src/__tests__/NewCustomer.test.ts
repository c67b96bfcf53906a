import { afterEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { ElSelectV2 } from 'element-plus'
import NewCustomer from '../views/NewCustomer.vue'
import { mountWith, until } from './helpers'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined
afterEach(() => wrapper?.unmount())

describe('new customer form', () => {
  it("shows the book's 'invalid' problem under the name field and creates nothing", async () => {
    const backend = await TestBook.create()
    ;({ wrapper } = await mountWith(NewCustomer, backend))
    const w = wrapper
    await w.find('[data-testid=save-customer]').trigger('click')
    await until(() => w.find('[data-testid=field-name] .el-form-item__error').exists())
    expect(w.find('[data-testid=field-name] .el-form-item__error').text()).toBe('必填')
    expect(w.emitted('created')).toBeUndefined()
    expect((await backend.bookStatus()).customerCount).toBe(0)
  })

  it("falls back to the book's own message for a problem code the UI does not know yet", async () => {
    const backend = await TestBook.create()
    backend.createCustomer = () =>
      Promise.reject({ code: 'invalid', message: 'name: is taken', problems: [{ field: 'name', code: 'taken_elsewhere', message: 'is taken by another card' }] })
    ;({ wrapper } = await mountWith(NewCustomer, backend))
    const w = wrapper
    await w.find('[data-testid=field-name] input').setValue('华星农业')
    await w.find('[data-testid=save-customer]').trigger('click')
    await until(() => w.find('[data-testid=field-name] .el-form-item__error').exists())
    expect(w.find('[data-testid=field-name] .el-form-item__error').text()).toBe('is taken by another card')
  })

  it('saves with only a name, filling in the defaults, and opens the new card', async () => {
    const backend = await TestBook.create()
    ;({ wrapper } = await mountWith(NewCustomer, backend))
    const w = wrapper
    await w.find('[data-testid=field-name] input').setValue('华星农业')
    await w.find('[data-testid=save-customer]').trigger('click')
    await until(() => Boolean(w.emitted('created')))
    const id = w.emitted('created')![0][0] as string
    const card = await backend.getCustomer(id)
    const territory = backend.units.find((u) => u.name === '寿光片区')!.id
    expect(card.fields).toMatchObject({ name: '华星农业', channelLevel: 'retailer', lifecycle: 'prospect', ownerId: backend.person('rep').id, territoryId: territory })
    expect(card.keyPeople).toEqual([])
    expect(card.addresses).toEqual([])
  })

  it('sends the first key person as the owner, and places their problems under their fields', async () => {
    const backend = await TestBook.create()
    ;({ wrapper } = await mountWith(NewCustomer, backend))
    const w = wrapper
    await w.find('[data-testid=field-name] input').setValue('绿丰农资')
    await w.find('[data-testid=field-person-phone] input').setValue('13900000000')
    await w.find('[data-testid=save-customer]').trigger('click')
    // A phone without a name: the person's name is required.
    await until(() => w.find('[data-testid=field-person-name] .el-form-item__error').exists())
    await w.find('[data-testid=field-person-name] input').setValue('张伟')
    await w.find('[data-testid=save-customer]').trigger('click')
    await until(() => Boolean(w.emitted('created')))
    const card = await backend.getCustomer(w.emitted('created')![0][0] as string)
    expect(card.keyPeople.map((p) => p.fields)).toEqual([expect.objectContaining({ role: 'owner', name: '张伟', phone: '13900000000' })])
  })

  it('makes head office name who looks after the card: a rep, or only a region, and gives it the next customer code', async () => {
    const backend = await TestBook.create({ as: 'office' })
    ;({ wrapper } = await mountWith(NewCustomer, backend))
    const w = wrapper
    expect(w.find('[data-testid=code-hint]').text()).toBe('保存时由总部按编码规则分配')
    await w.find('[data-testid=field-name] input').setValue('华星农业')
    await w.find('[data-testid=save-customer]').trigger('click')
    await until(() => w.find('[data-testid=field-ownerId] .el-form-item__error').exists())
    expect(w.find('[data-testid=field-ownerId] .el-form-item__error').text()).toBe('请选择负责的业务员，或只选区域由该区域的负责人负责')
    expect(w.emitted('created')).toBeUndefined()

    // Only the region: its manager looks after the card.
    const region = backend.units.find((u) => u.id === backend.person('manager').orgUnitId)!
    const territory = w.findAllComponents(ElSelectV2).find((s) => s.element.closest('[data-testid=field-territoryId]'))!
    territory.vm.$emit('update:modelValue', region.id)
    await w.find('[data-testid=save-customer]').trigger('click')
    await until(() => Boolean(w.emitted('created')))
    const card = await backend.getCustomer(w.emitted('created')![0][0] as string)
    expect(card.fields).toMatchObject({ ownerId: backend.person('manager').id, territoryId: region.id })
    expect(String(card.fields.code)).toMatch(/^C\d{7}$/)
  })

  it("tells a rep the code comes from head office's merge", async () => {
    const backend = await TestBook.create()
    ;({ wrapper } = await mountWith(NewCustomer, backend))
    expect(wrapper.find('[data-testid=code-hint]').text()).toBe('客户编码在总部合并后分配')
  })
})
