import { afterEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import CustomerCard from '../views/CustomerCard.vue'
import { mountWith, until } from './helpers'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined
afterEach(() => wrapper?.unmount())

async function cardWith(fields: Record<string, string | boolean>) {
  const backend = await TestBook.create({ customers: [{ name: '华星农业', phone: '13800000000', ...fields }] })
  const id = backend.customers[0]
  const mounted = await mountWith(CustomerCard, backend, { id })
  wrapper = mounted.wrapper
  await until(() => mounted.wrapper.find('[data-testid=card-title]').exists())
  return { backend, id, w: mounted.wrapper }
}

describe('card view', () => {
  it('shows the name, and saves only the edited field', async () => {
    const { backend, id, w } = await cardWith({})
    expect(w.find('[data-testid=card-title]').text()).toBe('华星农业')
    await w.find('[data-testid=edit-block-basic]').trigger('click')
    await w.find('[data-testid=edit-shortName] input').setValue('华星')
    await w.find('[data-testid=save-fields]').trigger('click')
    await until(() => !w.find('[data-testid=save-fields]').exists())
    const history = await backend.customerHistory(id, 10)
    expect(history[0]).toMatchObject({ field: 'shortName', oldValue: null, newValue: '华星' })
    expect(history.filter((h) => h.source === 'edit')).toHaveLength(1)
  })

  it("on an edit conflict shows the other person's value and keeps the user's input to re-apply", async () => {
    const { backend, id, w } = await cardWith({})
    await w.find('[data-testid=edit-block-basic]').trigger('click')
    await w.find('[data-testid=edit-phone] input').setValue('13911112222')

    // Meanwhile someone else saves another phone number.
    await backend.editCustomer({ customerId: id, changes: [{ field: 'phone', expected: '13800000000', value: '13733334444' }] })

    await w.find('[data-testid=save-fields]').trigger('click')
    await until(() => w.find('[data-testid=edit-conflict]').exists())
    expect(w.find('[data-testid=edit-conflict]').text()).toContain('电话')
    expect(w.find('[data-testid=their-value]').text()).toContain('13733334444')
    expect((w.find('[data-testid=edit-phone] input').element as HTMLInputElement).value).toBe('13911112222')
    // Nothing of the user's was written over the other person's change.
    expect((await backend.getCustomer(id)).fields.phone).toBe('13733334444')

    // Saving again, having seen their value, applies the user's number.
    await w.find('[data-testid=save-fields]').trigger('click')
    await until(() => !w.find('[data-testid=save-fields]').exists())
    expect((await backend.getCustomer(id)).fields.phone).toBe('13911112222')
  })

  it('marks customer-filled blocks as needing verification until a rep confirms them', async () => {
    const { backend, id, w } = await cardWith({ characteristicsSource: 'customer_form' })
    const block = () => w.find('[data-testid=block-characteristics]')
    expect(block().find('[data-testid=needs-verification]').exists()).toBe(true)
    await block().find('[data-testid=confirm-block]').trigger('click')
    await until(() => !block().find('[data-testid=needs-verification]').exists())
    expect((await backend.getCustomer(id)).fields.characteristicsVerified).toBe(true)
  })
})
