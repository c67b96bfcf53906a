import { afterEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import SyncPage from '../views/SyncPage.vue'
import App from '../App.vue'
import StaffSelect from '../components/StaffSelect.vue'
import { MEMORY_OFFICE_FINGERPRINT, MEMORY_OFFICE_FILE, MemoryBackend } from '../backend/memory'
import { customerQuery } from '../backend/types'
import { mountWith, until } from './helpers'

let wrapper: VueWrapper | undefined
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  // Message boxes and messages are mounted on the body, outside the wrapper.
  document.body.innerHTML = ''
})

const conflictRows = (w: VueWrapper) => w.findAll('[data-testid=conflict-row]')

async function firstId(backend: MemoryBackend): Promise<string> {
  const page = await backend.searchCustomers(customerQuery({ limit: 10 }))
  return page.rows[0].id
}

async function syncPage(backend: MemoryBackend) {
  ;({ wrapper } = await mountWith(SyncPage, backend))
  const w = wrapper
  await until(() => w.find('[data-testid=sync-device-id]').exists())
  return w
}

/** Head office's book: a head-office profile instead of the rep's. */
async function officeBackend(): Promise<MemoryBackend> {
  const backend = new MemoryBackend({ withProfile: false, customers: ['华星农业'] })
  await backend.createProfile({ name: '赵总', role: 'head_office', companyName: '华丰农资', unitName: '' })
  return backend
}

describe('sync page', () => {
  it("shows this device, its key, and the changes waiting for head office by kind", async () => {
    const backend = new MemoryBackend({ customers: ['华星农业'] })
    const id = await firstId(backend)
    await backend.editCustomer({ customerId: id, changes: [{ field: 'phone', value: '13900000000' }] })
    await backend.editCustomer({ customerId: id, changes: [{ field: 'industry', value: 'agri_inputs' }] })
    const w = await syncPage(backend)
    const device = await backend.deviceInfo()
    expect(w.find('[data-testid=sync-device-id]').text()).toBe(device.deviceId)
    expect(w.find('[data-testid=sync-public-key]').text()).toBe(device.publicKey)
    expect(w.find('[data-testid=sync-pending-total]').attributes('data-total')).toBe('2')
    expect(w.find('[data-testid=sync-pending-total]').text()).toContain('2')
    expect(w.find('[data-testid=sync-pending]').text()).toContain('客户档案')
    expect(w.find('[data-testid=sync-not-joined]').exists()).toBe(true)
    expect(w.find('[data-testid=enroll-submit]').exists()).toBe(false)
  })

  it('resolves a conflict with one click, taking the other value into the card', async () => {
    const backend = new MemoryBackend({ customers: [{ name: '华星农业', phone: '13800000000' }] })
    const id = await firstId(backend)
    backend.addConflict(id, 'phone', '13911112222')
    const w = await syncPage(backend)
    await until(() => conflictRows(w).length === 1)
    const row = conflictRows(w)[0]
    expect(row.text()).toContain('华星农业')
    expect(row.text()).toContain('电话')
    expect(row.find('[data-testid=conflict-kept]').text()).toBe('13800000000')
    expect(row.find('[data-testid=conflict-lost]').text()).toBe('13911112222')

    await row.find('[data-testid=conflict-take-other]').trigger('click')
    await until(() => conflictRows(w).length === 0)
    expect((await backend.getCustomer(id)).fields.phone).toBe('13911112222')
    // The resolution is an ordinary edit: it waits for head office like any other.
    expect(w.find('[data-testid=sync-pending-total]').attributes('data-total')).toBe('1')
  })

  it('keeps the kept value, and shows resolved conflicts only when asked', async () => {
    const backend = new MemoryBackend({ customers: [{ name: '华星农业', phone: '13800000000' }] })
    const id = await firstId(backend)
    backend.addConflict(id, 'phone', '13911112222')
    const w = await syncPage(backend)
    await until(() => conflictRows(w).length === 1)
    await w.find('[data-testid=conflict-keep]').trigger('click')
    await until(() => conflictRows(w).length === 0)
    expect((await backend.getCustomer(id)).fields.phone).toBe('13800000000')
    expect((await backend.conflicts(true))[0]).toMatchObject({ resolution: 'kept', resolvedBy: '王强' })

    await w.find('[data-testid=sync-show-resolved]').trigger('click')
    await until(() => conflictRows(w).length === 1)
    expect(conflictRows(w)[0].find('[data-testid=conflict-resolved]').text()).toContain('已保留')
    expect(conflictRows(w)[0].find('[data-testid=conflict-keep]').exists()).toBe(false)
  })

  it('writes an edited value when the user resolves a conflict by editing', async () => {
    const backend = new MemoryBackend({ customers: [{ name: '华星农业', phone: '13800000000' }] })
    const id = await firstId(backend)
    backend.addConflict(id, 'phone', '13911112222')
    const w = await syncPage(backend)
    await until(() => conflictRows(w).length === 1)
    await w.find('[data-testid=conflict-edit]').trigger('click')
    await until(() => document.querySelector('[data-testid=conflict-edit-input] input') !== null)
    const input = document.querySelector('[data-testid=conflict-edit-input] input') as HTMLInputElement
    input.value = '13700000000'
    input.dispatchEvent(new Event('input'))
    ;(document.querySelector('[data-testid=conflict-edit-save]') as HTMLElement).click()
    await until(() => conflictRows(w).length === 0)
    expect((await backend.getCustomer(id)).fields.phone).toBe('13700000000')
    expect((await backend.conflicts(true))[0].resolution).toBe('edited')
  })

  it("asks the user to check head office's fingerprint before the first import, then imports", async () => {
    const backend = new MemoryBackend()
    backend.picks.push(MEMORY_OFFICE_FILE)
    const w = await syncPage(backend)
    await w.find('[data-testid=sync-import]').trigger('click')
    await until(() => document.querySelector('.el-message-box') !== null)
    const box = document.querySelector('.el-message-box') as HTMLElement
    expect(box.textContent).toContain('首次导入总部文件')
    expect(box.textContent).toContain(MEMORY_OFFICE_FINGERPRINT)
    ;(box.querySelector('.el-message-box__btns .el-button--primary') as HTMLElement).click()

    await until(() => w.find('[data-testid=sync-import-report]').exists())
    expect(w.find('[data-testid=import-applied]').text()).toBe('3')
    await until(() => w.find('[data-testid=sync-joined]').exists())
    expect(w.find('[data-testid=sync-joined]').text()).toContain(MEMORY_OFFICE_FINGERPRINT)
    expect(w.findAll('[data-testid=peer-row]').map((r) => r.text())).toEqual(['总部'])
  })

  it("shows why a file was refused, in the user's language with the book's own words", async () => {
    const backend = new MemoryBackend()
    backend.stageSyncFile('/media/usb/bad.fcsync', { fromOffice: true, changes: 1, refuse: { reason: 'bad_signature', message: 'the signature does not match' } })
    backend.picks.push('/media/usb/bad.fcsync')
    const w = await syncPage(backend)
    await w.find('[data-testid=sync-import]').trigger('click')
    await until(() => w.find('[data-testid=sync-import-error]').exists())
    const shown = w.find('[data-testid=sync-import-error]').text()
    expect(shown).toContain('文件签名无效')
    expect(shown).toContain('the signature does not match')
    expect(w.find('[data-testid=sync-import-report]').exists()).toBe(false)
  })

  it('lists refused changes and cards that moved away', async () => {
    const backend = new MemoryBackend({ customers: ['华星农业', '绿丰农资'] })
    const id = await firstId(backend)
    backend.addRejection(id, 'credit_standing', 'good', 'office_only', 'only head office sets the credit standing')
    const other = (await backend.searchCustomers(customerQuery({ text: '绿丰', limit: 10 }))).rows[0].id
    backend.moveAway(other)
    const w = await syncPage(backend)
    await until(() => w.findAll('[data-testid=rejection-row]').length === 1)
    const rejection = w.find('[data-testid=rejection-row]')
    expect(rejection.text()).toContain('信用状况')
    expect(rejection.text()).toContain('good')
    expect(rejection.text()).toContain('only head office sets the credit standing')
    const notices = w.findAll('[data-testid=notice-row]')
    expect(notices).toHaveLength(1)
    expect(notices[0].text()).toContain('绿丰农资')
    expect(notices[0].text()).toContain('档案已移交他人')
  })

  it('at head office: enrols a device, then exports a file for it', async () => {
    const backend = await officeBackend()
    backend.picks.push('/srv/outbox')
    const w = await syncPage(backend)
    expect(w.find('[data-testid=sync-office-note]').exists()).toBe(true)
    w.findComponent(StaffSelect).vm.$emit('update:modelValue', 's-rep')
    await w.find('[data-testid=enroll-device-id] input').setValue('not-a-device')
    await w.find('[data-testid=enroll-public-key] input').setValue('ab'.repeat(32))
    await w.find('[data-testid=enroll-submit]').trigger('click')
    await until(() => w.find('[data-testid=enroll-device-id] .el-form-item__error').exists())
    expect(w.find('[data-testid=enroll-device-id] .el-form-item__error').text()).toBe('设备编号格式不对')

    const deviceId = '0192f5c3-7a1e-7c44-9b1d-3e5f6a7b8c9d'
    await w.find('[data-testid=enroll-device-id] input').setValue(deviceId)
    await w.find('[data-testid=enroll-submit]').trigger('click')
    await until(() => w.findAll('[data-testid=peer-row]').length === 1)
    expect(w.find('[data-testid=sync-peers]').text()).toContain('王强')

    // Head office writes one file per device: the export names the device.
    const exportTo = w.findAllComponents({ name: 'ElSelect' }).find((c) => c.attributes('data-testid') === 'sync-export-to')
    exportTo!.vm.$emit('update:modelValue', deviceId)
    await w.find('[data-testid=sync-export]').trigger('click')
    await until(() => w.find('[data-testid=sync-export-result]').exists())
    expect(w.find('[data-testid=sync-export-result]').text()).toContain('/srv/outbox/')
  })
})

describe('sync in the app', () => {
  it('opens from the header, opens a conflicting card, and comes back to the sync page', async () => {
    const backend = new MemoryBackend({ customers: [{ name: '华星农业', phone: '13800000000' }] })
    backend.addConflict(await firstId(backend), 'phone', '13911112222')
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=nav-sync]').exists())
    await w.find('[data-testid=nav-sync]').trigger('click')
    await until(() => conflictRows(w).length === 1)
    await w.find('[data-testid=conflict-open]').trigger('click')
    await until(() => w.find('[data-testid=card-title]').exists())
    expect(w.find('[data-testid=card-title]').text()).toBe('华星农业')
    await w.find('[data-testid=back-to-list]').trigger('click')
    await until(() => w.find('[data-testid=sync-device-id]').exists())
    await w.find('[data-testid=nav-customers]').trigger('click')
    await until(() => w.findAll('[data-testid=customer-row]').length === 1)
  })

  it('lists the sync folder: files for this laptop to import with one click, the rest counted', async () => {
    localStorage.clear()
    const backend = new MemoryBackend({ customers: ['华星农业'] })
    backend.stageSyncFile('/media/usb/fieldcrm/总部-to-王磊-00001.fcsync', { fromOffice: true, changes: 12 })
    backend.stageSyncFile('/media/usb/fieldcrm/李娜-to-总部-00003.fcsync', { fromOffice: false, sender: 'other', changes: 4 })
    backend.stageSyncFile('/media/usb/fieldcrm/copy.fcsync', { fromOffice: true, changes: 0, refuse: { reason: 'not_a_sync_file', message: 'this is not a fieldcrm changeset file' } })
    const w = await syncPage(backend)
    expect(w.findAll('[data-testid=folder-file-row]')).toHaveLength(0)
    const input = w.find('input[data-testid=sync-folder]')
    await input.setValue('/media/usb/fieldcrm')
    await input.trigger('change')
    await until(() => w.findAll('[data-testid=folder-file-row]').length === 2)
    expect(localStorage.getItem('fieldcrm.syncFolder')).toBe('/media/usb/fieldcrm')
    const rows = w.findAll('[data-testid=folder-file-row]')
    expect(rows.map((r) => r.text())).toEqual(['copy.fcsync', '总部-to-王磊-00001.fcsync'])
    expect(w.find('[data-testid=sync-folder-card]').text()).toContain('不是')
    expect(w.find('[data-testid=sync-folder-others]').text()).toContain('1')
    // Only the readable file has an import button; the first import asks to confirm head office's key.
    const buttons = w.findAll('[data-testid=folder-file-import]')
    expect(buttons).toHaveLength(1)
    await buttons[0].trigger('click')
    await until(() => document.body.textContent?.includes(MEMORY_OFFICE_FINGERPRINT) ?? false)
    ;(document.body.querySelector('.el-message-box__btns .el-button--primary') as HTMLElement).click()
    await until(() => w.find('[data-testid=sync-import-report]').exists())
    await until(() => w.find('[data-testid=folder-file-row][data-imported=true]').exists())
    expect(w.find('[data-testid=import-applied]').text()).toBe('12')
  })
})
