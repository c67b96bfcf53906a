import { afterEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import CustomerList from '../views/CustomerList.vue'
import CustomerFilters from '../components/CustomerFilters.vue'
import { emptyFilters } from '../components/listFilters'
import { customerQuery } from '../backend/types'
import { mountWith, until } from './helpers'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined
afterEach(() => wrapper?.unmount())

const rows = (w: VueWrapper) => w.findAll('[data-testid=customer-row]')
const names = (w: VueWrapper) => rows(w).map((r) => r.attributes('data-name'))

describe('customer list', () => {
  it('shows the customers with their total, and narrows them as the user types', async () => {
    const backend = await TestBook.create({ customers: ['华星农业', '绿丰农资', '寿光种业', '华丰化肥'] })
    ;({ wrapper } = await mountWith(CustomerList, backend))
    const w = wrapper
    await until(() => rows(w).length === 4)
    expect(names(w).sort()).toEqual(['华丰化肥', '华星农业', '寿光种业', '绿丰农资'].sort())
    expect(w.find('[data-testid=customer-total]').text()).toContain('4')

    await w.find('[data-testid=search-input] input').setValue('华')
    await until(() => rows(w).length === 2)
    expect(names(w).sort()).toEqual(['华丰化肥', '华星农业'])
    expect(w.find('[data-testid=customer-total]').text()).toContain('2')
  })

  it('opens the card of the clicked row', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    ;({ wrapper } = await mountWith(CustomerList, backend))
    const w = wrapper
    await until(() => rows(w).length === 1)
    await rows(w)[0].trigger('click')
    const page = await backend.searchCustomers(customerQuery({ text: '华星', limit: 10 }))
    expect(w.emitted('open')).toEqual([[page.rows[0].id]])
  })

  it('loads one page of 100, renders only the visible rows, and reports the first page once', async () => {
    const backend = await TestBook.create({ customers: Array.from({ length: 250 }, (_, i) => `客户${String(i).padStart(3, '0')}`) })
    const search = vi.spyOn(backend, 'searchCustomers')
    ;({ wrapper } = await mountWith(CustomerList, backend))
    const w = wrapper
    await until(() => rows(w).length > 0)
    expect(search).toHaveBeenCalledTimes(1)
    expect(search.mock.calls[0][0]).toMatchObject({ offset: 0, limit: 100 })
    expect(w.find('[data-testid=customer-total]').text()).toContain('250')
    expect(rows(w).length).toBeLessThan(100)
    expect(w.emitted('first-page')).toHaveLength(1)
  })

  it('says so when nothing matches', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    ;({ wrapper } = await mountWith(CustomerList, backend))
    const w = wrapper
    await w.find('[data-testid=search-input] input').setValue('没有这个客户')
    await until(() => rows(w).length === 0)
    await until(() => w.text().includes('没有符合条件的客户'))
  })

  it('filters by a tag, offering the tags in use with their counts', async () => {
    const backend = await TestBook.create({
      customers: [
        { name: '华星农业', tags: ['重点客户', '示范户'] },
        { name: '绿丰农资', tags: ['重点客户'] },
        '寿光种业',
      ],
    })
    expect(await backend.customerTags()).toEqual([
      { tag: '重点客户', customers: 2 },
      { tag: '示范户', customers: 1 },
    ])
    ;({ wrapper } = await mountWith(CustomerList, backend))
    const w = wrapper
    await until(() => rows(w).length === 3)
    w.findComponent(CustomerFilters).vm.$emit('update:modelValue', { ...emptyFilters(), tag: '重点客户' })
    await until(() => rows(w).length === 2)
    expect(names(w).sort()).toEqual(['华星农业', '绿丰农资'])
  })
})
