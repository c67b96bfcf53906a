import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import NewCustomer from '../views/NewCustomer.vue'
import CustomerCard from '../views/CustomerCard.vue'
import { mountWith, until } from './helpers'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined
afterEach(() => wrapper?.unmount())

/** The picker's open menus' entries named `name` (the dropdown lives in the document body). */
const nodes = (name: string) =>
  [...document.querySelectorAll('.el-cascader-node')].filter((n) => n.querySelector('.el-cascader-node__label')?.textContent?.trim() === name)

/** Opens the picker inside `testId` and clicks through `names`, province first. */
async function pick(w: VueWrapper, testId: string, names: string[]) {
  await until(() => !w.find(`[data-testid=${testId}] .el-cascader.is-disabled`).exists())
  await w.find(`[data-testid=${testId}] .el-cascader`).trigger('click')
  for (const name of names) {
    await until(() => nodes(name).length > 0)
    ;(nodes(name)[0] as HTMLElement).click()
    await flushPromises()
  }
}

const shown = (w: VueWrapper, testId: string) => (w.find(`[data-testid=${testId}] .el-cascader input`).element as HTMLInputElement).value

describe('address pickers', () => {
  it('choose 广东省/深圳市/南山区 in the new-customer form, and the card shows them with the street', async () => {
    const backend = await TestBook.create()
    ;({ wrapper } = await mountWith(NewCustomer, backend))
    const w = wrapper
    await w.find('[data-testid=field-name] input').setValue('南山农资店')
    await pick(w, 'field-address-division', ['广东省', '深圳市', '南山区'])
    await until(() => shown(w, 'field-address-division') === '广东省 / 深圳市 / 南山区')
    await w.find('[data-testid=field-address] input').setValue('科技园8栋')
    await w.find('[data-testid=save-customer]').trigger('click')
    await until(() => Boolean(w.emitted('created')))
    const id = w.emitted('created')![0][0] as string
    const card = await backend.getCustomer(id)
    expect(card.addresses[0].fields).toMatchObject({
      provinceCode: '44',
      cityCode: '4403',
      districtCode: '440305',
      province: '广东省',
      city: '深圳市',
      district: '南山区',
      detail: '科技园8栋',
    })
    wrapper.unmount()

    ;({ wrapper } = await mountWith(CustomerCard, backend, { id }))
    const c = wrapper
    await until(() => c.find('[data-testid=records-address] [data-testid=record-title]').exists())
    expect(c.find('[data-testid=records-address] [data-testid=record-title]').text()).toBe('广东省 深圳市 南山区 科技园8栋')
    // The card's address record edits the same way: another district of the same city.
    await c.find('[data-testid=records-address] [data-testid=edit-record]').trigger('click')
    await until(() => shown(c, 'edit-division') === '广东省 / 深圳市 / 南山区')
    await pick(c, 'edit-division', ['广东省', '深圳市', '福田区'])
    await until(() => shown(c, 'edit-division') === '广东省 / 深圳市 / 福田区')
    await c.find('[data-testid=records-address] [data-testid=save-fields]').trigger('click')
    await until(() => c.find('[data-testid=records-address] [data-testid=record-title]').text().includes('福田区'))
    expect((await backend.getCustomer(id)).addresses[0].fields).toMatchObject({ districtCode: '440304', district: '福田区', detail: '科技园8栋' })
  })

  it('reads the 省/市/区 off the start of a typed street line, with the book deciding', async () => {
    const backend = await TestBook.create()
    ;({ wrapper } = await mountWith(NewCustomer, backend))
    const w = wrapper
    const street = w.find('[data-testid=field-address] input')
    await street.setValue('北京市朝阳区建国路88号')
    await street.trigger('blur')
    await until(() => shown(w, 'field-address-division') === '北京市 / 市辖区 / 朝阳区')
    expect((street.element as HTMLInputElement).value).toBe('建国路88号')
    // 朝阳区 alone is Beijing's or Changchun's: the book guesses neither, the line stays.
    const other = await backend.splitAddress('朝阳区建国路88号')
    expect(other).toEqual({ provinceCode: null, cityCode: null, districtCode: null, rest: '朝阳区建国路88号' })
  })

  it("shows the book's refusal of a district outside the chosen city under the picker", async () => {
    const backend = await TestBook.create()
    backend.createCustomer = (customer) =>
      TestBook.prototype.createCustomer.call(backend, {
        ...customer,
        addresses: customer.addresses.map((a) => ({ ...a, cityCode: '4401' })),
      })
    ;({ wrapper } = await mountWith(NewCustomer, backend))
    const w = wrapper
    await w.find('[data-testid=field-name] input').setValue('南山农资店')
    await pick(w, 'field-address-division', ['广东省', '深圳市', '南山区'])
    await w.find('[data-testid=field-address] input').setValue('科技园8栋')
    await w.find('[data-testid=save-customer]').trigger('click')
    await until(() => w.find('[data-testid=field-address-division] .el-form-item__error').exists())
    expect(w.find('[data-testid=field-address-division] .el-form-item__error').text()).toContain('与所选的省/市/区不符')
    expect(w.emitted('created')).toBeUndefined()
  })
})
