import { afterEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import App from '../App.vue'
import type { ApiError } from '../generated/bindings'
import { mountWith, until } from './helpers'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined
afterEach(() => wrapper?.unmount())

describe('app', () => {
  it('starts on the first-start screen without a profile, then opens the demo book in the list', async () => {
    const backend = await TestBook.create({ as: 'none' })
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=open-demo]').exists())
    await until(() => backend.appReadyCalls === 1)

    await w.find('[data-testid=open-demo]').trigger('click')
    await until(() => w.findAll('[data-testid=customer-row]').length > 0)
    expect(w.find('[data-testid=customer-total]').text()).toMatch(/\d/)
    // Start-up is measured once, to the first screen.
    expect(backend.appReadyCalls).toBe(1)
  })

  it('tells the shell it is ready once the list shows its first page', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.findAll('[data-testid=customer-row]').length === 1)
    await until(() => backend.appReadyCalls === 1)
  })

  it('goes from the list to a new card and back', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=new-customer]').exists())
    await w.find('[data-testid=new-customer]').trigger('click')
    await until(() => w.find('[data-testid=field-name] input').exists())
    await w.find('[data-testid=field-name] input').setValue('绿丰农资')
    await w.find('[data-testid=save-customer]').trigger('click')
    await until(() => w.find('[data-testid=card-title]').exists())
    expect(w.find('[data-testid=card-title]').text()).toBe('绿丰农资')
    await w.find('[data-testid=back-to-list]').trigger('click')
    await until(() => w.findAll('[data-testid=customer-row]').length === 2)
  })

  it('switches the language at once and remembers it in the book', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=new-customer]').exists())
    expect(w.find('[data-testid=new-customer]').text()).toBe('新建客户')
    await w.find('[data-testid=lang-switch]').trigger('click')
    await until(() => w.find('[data-testid=new-customer]').text() === 'New customer')
    expect(backend.language).toBe('en')
  })

  it('shows a full-page error when the book is locked', async () => {
    const backend = await TestBook.create()
    const locked: ApiError = { code: 'locked', message: 'the book is open in another fieldcrm window', problems: [] }
    backend.bookStatus = () => Promise.reject(locked)
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=fatal-error]').exists())
    expect(w.find('[data-testid=fatal-error]').text()).toContain('档案库正被另一个程序占用')
  })
})
