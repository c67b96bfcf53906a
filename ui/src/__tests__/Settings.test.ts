import { afterEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import App from '../App.vue'
import { customerQuery } from '../backend/types'
import SyncPage from '../views/SyncPage.vue'
import { mountWith, until } from './helpers'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined
afterEach(() => wrapper?.unmount())

/** The app on `backend`'s book with its settings open. */
async function settings(backend: TestBook) {
  ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
  const w = wrapper
  await until(() => w.findAll('[data-testid=customer-row]').length > 0)
  await w.find('[data-testid=settings]').trigger('click')
  await until(() => w.find('[data-testid=settings-panel]').exists() && w.find('[data-testid=time-zone-form]').exists())
  return w
}

describe('settings', () => {
  it('test the sync folder through the core and name what is wrong in Chinese only', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const w = await settings(backend)
    // A rep sees the business time zone; head office alone may change it.
    expect(w.find('[data-testid=time-zone-shown]').text()).toContain('北京时间')
    expect(w.find('[data-testid=time-zone]').exists()).toBe(false)

    const input = w.find('input[data-testid=settings-sync-folder]')
    await input.setValue(`${backend.folder}/U盘`)
    await input.trigger('change')
    await until(() => document.body.textContent?.includes('已保存同步文件夹') ?? false)
    expect(await backend.savedSyncFolder()).toBe(`${backend.folder}/U盘`)
    await w.find('[data-testid=settings-check-folder]').trigger('click')
    await until(() => w.find('[data-testid=settings-folder-result]').exists())
    const missing = w.find('[data-testid=settings-folder-result]')
    expect(missing.attributes('data-problem')).toBe('folder_missing')
    expect(missing.text()).toContain('文件夹不存在')
    expect(missing.text(), 'the English message of the core stays out of the Chinese screen (U 盘 is Chinese)').not.toMatch(/[A-Za-z]{2,}/)

    await input.setValue(backend.folder)
    await input.trigger('change')
    await w.find('[data-testid=settings-check-folder]').trigger('click')
    const result = () => w.find('[data-testid=settings-folder-result]')
    await until(() => result().exists() && result().attributes('data-problem') === '')
    expect(w.find('[data-testid=settings-folder-result]').text()).toContain('可以使用')
    expect((await backend.checkSyncFolder(null)).ok).toBe(true)
    // A rep's book of real data has no demo to reset.
    expect(w.find('[data-testid=settings-demo]').exists()).toBe(false)
  })

  it('switch the language as the header does, and the book remembers it', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const w = await settings(backend)
    expect(w.find('[data-testid=nav-customers]').text()).toBe('客户')
    await w.find('[data-testid=language-en] input').setValue(true)
    await until(() => w.find('[data-testid=nav-customers]').text() === 'Customers')
    expect(backend.language).toBe('en')
    expect(w.find('[data-testid=settings-panel]').text()).toContain('Sync folder')
  })

  it('rebuild a demo book after a confirmation, keeping the laptop’s settings', async () => {
    const backend = await TestBook.create({ as: 'none' })
    await backend.loadDemo({ customers: 30, seed: 2, asOf: '2026-11-20' })
    const first = (await backend.searchCustomers(customerQuery({ limit: 1 }))).rows[0]
    await backend.editCustomer({ customerId: first.id, changes: [{ field: 'name', expected: first.name, value: '改过名字的客户' }] })
    await backend.setStaleAfterDays(45)
    const w = await settings(backend)
    await until(() => w.find('[data-testid=settings-demo]').exists())
    expect(w.find('[data-testid=settings-demo]').text()).toContain('30 个客户')

    await w.find('[data-testid=settings-reset-demo]').trigger('click')
    await until(() => document.body.querySelector('.reset-demo-confirm') !== null)
    expect(document.body.querySelector('.el-message-box')?.textContent).toContain('修改将全部丢失')
    ;(document.body.querySelector('.reset-demo-confirm') as HTMLElement).click()
    await until(() => document.body.textContent?.includes('演示数据已重置') ?? false, 60_000)
    await until(() => w.findAll('[data-testid=customer-row]').length > 0)
    expect((await backend.getCustomer(first.id)).fields.name, 'the demo is as it was made').toBe(first.name)
    const status = await backend.bookStatus()
    expect(status.staleAfterDays, 'the laptop’s settings stay').toBe(45)
    expect(await backend.demoBook()).toEqual({ customers: 30, seed: 2, asOf: '2026-11-20' })
  })

  it('move a sync folder the window kept before into the book', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    localStorage.setItem('fieldcrm.syncFolder', backend.folder)
    ;({ wrapper } = await mountWith(SyncPage, backend))
    const w = wrapper
    await until(() => (w.find('input[data-testid=sync-folder]').element as HTMLInputElement).value === backend.folder)
    expect(await backend.savedSyncFolder()).toBe(backend.folder)
    expect(localStorage.getItem('fieldcrm.syncFolder')).toBeNull()
  })
})
