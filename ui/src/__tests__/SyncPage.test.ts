import { afterEach, describe, expect, it } from 'vitest'
import { existsSync, readdirSync } from 'node:fs'
import { generateKeyPairSync } from 'node:crypto'
import type { VueWrapper } from '@vue/test-utils'
import SyncPage from '../views/SyncPage.vue'
import App from '../App.vue'
import StaffSelect from '../components/StaffSelect.vue'
import type { ConflictView } from '../generated/bindings'
import { mountWith, until } from './helpers'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  // Message boxes and messages are mounted on the body, outside the wrapper.
  document.body.innerHTML = ''
})

const conflictRows = (w: VueWrapper) => w.findAll('[data-testid=conflict-row]')

async function syncPage(backend: TestBook) {
  ;({ wrapper } = await mountWith(SyncPage, backend))
  const w = wrapper
  await until(() => w.find('[data-testid=sync-device-id]').exists())
  return w
}

/**
 * The rep's laptop and their manager both change the card's phone offline, the
 * rep later; head office's merge keeps the rep's value and records the
 * manager's as the conflict's other value, which reaches the rep's laptop.
 */
async function phoneConflict(): Promise<{ backend: TestBook; id: string }> {
  const backend = await TestBook.create({ customers: [{ name: '华星农业', phone: '13600000000' }] })
  const id = backend.customers[0]
  await backend.fixture<ConflictView[]>('sync_conflict', { customer: id, field: 'phone', kept: '13800000000', lost: '13911112222' })
  return { backend, id }
}

/** A new laptop (no cards, not joined) and head office's first real file for it. */
interface NewLaptop {
  path: string
  dir: string
  officeFingerprint: string
  changes: number
}

describe('sync page', () => {
  it("shows this device, its key, and the changes waiting for head office by kind", async () => {
    // A laptop that has not joined head office yet: its own first start, its own card.
    const backend = await TestBook.create({ as: 'none' })
    await backend.createProfile({ name: '王强', role: 'rep', companyName: '华丰农资', unitName: '寿光片区' })
    const id = (await backend.createCustomer({ fields: { name: '华星农业' }, keyPeople: [], addresses: [] })).card.id
    await backend.editCustomer({ customerId: id, changes: [{ field: 'phone', value: '13900000000' }] })
    await backend.editCustomer({ customerId: id, changes: [{ field: 'industry', value: 'agri_inputs' }] })
    const w = await syncPage(backend)
    const device = await backend.deviceInfo()
    expect(w.find('[data-testid=sync-device-id]').text()).toBe(device.deviceId)
    expect(w.find('[data-testid=sync-public-key]').text()).toBe(device.publicKey)
    // The book counts changed cells: its first start's organisation (2) and person (1), the new card and
    // each edit's field and time stamp (5), and the card's history (3).
    expect(w.find('[data-testid=sync-pending-total]').attributes('data-total')).toBe('11')
    expect(w.find('[data-testid=sync-pending-total]').text()).toContain('11')
    expect(w.find('[data-testid=sync-pending]').text()).toContain('客户档案')
    expect(w.find('[data-testid=sync-pending]').text()).toContain('修改记录')
    expect(w.find('[data-testid=sync-not-joined]').exists()).toBe(true)
    expect(w.find('[data-testid=enroll-submit]').exists()).toBe(false)
  })

  it('resolves a conflict with one click, taking the other value into the card', async () => {
    const { backend, id } = await phoneConflict()
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
    // The field and its time stamp (2), its history (1), and the conflict's resolution columns (3).
    expect(w.find('[data-testid=sync-pending-total]').attributes('data-total')).toBe('6')
  })

  it('keeps the kept value, and shows resolved conflicts only when asked', async () => {
    const { backend, id } = await phoneConflict()
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
    const { backend, id } = await phoneConflict()
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
    const backend = await TestBook.create({ as: 'none' })
    await backend.createProfile({ name: '王磊', role: 'rep', companyName: '华丰农资', unitName: '寿光片区' })
    const file = await backend.fixture<NewLaptop>('sync_new_laptop')
    backend.picks.push(file.path)
    const w = await syncPage(backend)
    await w.find('[data-testid=sync-import]').trigger('click')
    await until(() => document.querySelector('.el-message-box') !== null)
    const box = document.querySelector('.el-message-box') as HTMLElement
    expect(box.textContent).toContain('首次导入总部文件')
    expect(box.textContent).toContain(file.officeFingerprint)
    ;(box.querySelector('.el-message-box__btns .el-button--primary') as HTMLElement).click()

    await until(() => w.find('[data-testid=sync-import-report]').exists())
    // The snapshot's 4 organisation units, 6 staff rows and the sales administrator's region; the other changes are the same cells again (已有).
    expect(w.find('[data-testid=import-applied]').text()).toBe('11')
    await until(() => w.find('[data-testid=sync-joined]').exists())
    expect(w.find('[data-testid=sync-joined]').text()).toContain(file.officeFingerprint)
    expect(w.findAll('[data-testid=peer-row]').map((r) => r.text())).toEqual(['总部'])
  })

  it("shows why a file was refused, in the user's language with the book's own words", async () => {
    const backend = await TestBook.create()
    backend.picks.push(await backend.fixture<string>('sync_bad_signature', { name: 'bad.fcsync' }))
    const w = await syncPage(backend)
    await w.find('[data-testid=sync-import]').trigger('click')
    await until(() => w.find('[data-testid=sync-import-error]').exists())
    const shown = w.find('[data-testid=sync-import-error]').text()
    expect(shown).toContain('文件签名无效')
    expect(shown).toContain("the file's signature does not match its sender")
    expect(w.find('[data-testid=sync-import-report]').exists()).toBe(false)
  })

  it('lists refused changes and cards that moved away', async () => {
    const backend = await TestBook.create({ customers: ['华星农业', '绿丰农资'] })
    const [id, other] = backend.customers
    // A rep may not hand a card on: the app refuses it, and when another program
    // writes it into the book anyway, head office refuses it and puts its own value back.
    const rep2 = backend.person('rep2').id
    const refused = await backend.editCustomer({ customerId: id, changes: [{ field: 'ownerId', value: rep2 }] }).catch((e) => e)
    expect(refused.problems.map((p: { code: string }) => p.code)).toEqual(['reassign_by_manager'])
    await backend.fixture('sync_foreign_edit', { customer: id, to: 'rep2' })
    // Head office hands the other card to 赵刚; the round takes it off this laptop.
    await backend.fixture('sync_move_away', { customer: other, to: 'rep2' })
    const w = await syncPage(backend)
    await until(() => w.findAll('[data-testid=rejection-row]').length === 1)
    const rejection = w.find('[data-testid=rejection-row]')
    expect(rejection.text()).toContain('负责人')
    expect(rejection.text()).toContain(rep2)
    expect(rejection.text()).toContain('only a manager or head office reassigns a card')
    expect((await backend.getCustomer(id)).fields.ownerId).toBe(backend.person('rep').id)
    const notices = w.findAll('[data-testid=notice-row]')
    expect(notices).toHaveLength(1)
    expect(notices[0].text()).toContain('绿丰农资')
    expect(notices[0].text()).toContain('档案已移交他人')
  })

  it('at head office: enrols a device, then exports a file for it', async () => {
    const backend = await TestBook.create({ as: 'office', customers: ['华星农业'] })
    const outbox = `${backend.folder}/outbox`
    backend.picks.push(outbox)
    const w = await syncPage(backend)
    expect(w.find('[data-testid=sync-office-note]').exists()).toBe(true)
    // The world's four laptops are enrolled already.
    await until(() => w.findAll('[data-testid=peer-row]').length === 4)
    w.findComponent(StaffSelect).vm.$emit('update:modelValue', backend.person('rep').id)
    // A real Ed25519 public key, as a laptop's Sync page shows it (64 hex digits).
    const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' })
    const publicKey = Buffer.from(jwk.x!, 'base64url').toString('hex')
    await w.find('[data-testid=enroll-device-id] input').setValue('not-a-device')
    await w.find('[data-testid=enroll-public-key] input').setValue(publicKey)
    await w.find('[data-testid=enroll-submit]').trigger('click')
    await until(() => w.find('[data-testid=enroll-device-id] .el-form-item__error').exists())
    expect(w.find('[data-testid=enroll-device-id] .el-form-item__error').text()).toBe('设备编号格式不对')

    const deviceId = '0192f5c3-7a1e-7c44-9b1d-3e5f6a7b8c9d'
    await w.find('[data-testid=enroll-device-id] input').setValue(deviceId)
    await w.find('[data-testid=enroll-submit]').trigger('click')
    await until(() => w.findAll('[data-testid=peer-row]').length === 5)
    expect(w.find('[data-testid=sync-peers]').text()).toContain(deviceId)
    expect(w.find('[data-testid=sync-peers]').text()).toContain('王强')

    // Head office writes one file per device: the export names the device.
    const exportTo = w.findAllComponents({ name: 'ElSelect' }).find((c) => c.attributes('data-testid') === 'sync-export-to')
    exportTo!.vm.$emit('update:modelValue', deviceId)
    await w.find('[data-testid=sync-export]').trigger('click')
    await until(() => w.find('[data-testid=sync-export-result]').exists())
    expect(w.find('[data-testid=sync-export-result]').text()).toContain(`${outbox}/`)
    expect(readdirSync(outbox).filter((f) => f.endsWith('.fcsync'))).toHaveLength(1)
  })
})

describe('retiring a device', () => {
  it('at head office: retires a lost laptop with why; its row says so and its files are refused from then on', async () => {
    const backend = await TestBook.create({ as: 'office', customers: ['华星农业'] })
    const w = await syncPage(backend)
    await until(() => w.findAll('[data-testid=peer-retire]').length > 0)
    const inUse = w.findAll('[data-testid=peer-retire]').length
    const lost = (await backend.syncStatus()).peers.find((p) => !p.isOffice)!
    const row = w
      .find('[data-testid=sync-peers]')
      .findAll('.el-table__row')
      .find((r) => r.text().includes(lost.name ?? lost.deviceId))!
    await row.find('[data-testid=peer-retire]').trigger('click')
    await until(() => w.find('[data-testid=retire-submit]').exists())
    expect(w.find('[data-testid=retire-dialog]').text()).toContain(lost.staffName!)
    // Why is required: the core says so, in Chinese, under the field.
    await w.find('[data-testid=retire-submit]').trigger('click')
    await until(() => w.find('[data-testid=retire-reason] .el-form-item__error').exists())
    expect(w.find('[data-testid=retire-reason] .el-form-item__error').text()).toBe('必填')
    expect((await backend.syncStatus()).peers.find((p) => p.deviceId === lost.deviceId)!.retiredAt).toBeNull()

    await w.find('[data-testid=retire-reason] input').setValue('出租车上丢失')
    await w.find('[data-testid=retire-submit]').trigger('click')
    await until(() => w.findAll('[data-testid=peer-retired]').length === 1)
    expect(w.find('[data-testid=peer-retired]').text()).toContain('已停用')
    expect(w.find('[data-testid=sync-peers]').text()).toContain('出租车上丢失')
    expect(w.findAll('[data-testid=peer-retire]')).toHaveLength(inUse - 1)
    const retired = (await backend.syncStatus()).peers.find((p) => p.deviceId === lost.deviceId)!
    expect(retired.retiredReason).toBe('出租车上丢失')
    // Head office writes it no file any more.
    await expect(backend.syncExport(`${backend.folder}/out`, lost.deviceId)).rejects.toMatchObject({
      problems: [{ code: 'device_retired' }],
    })
  })
})

describe('sync in the app', () => {
  it('opens from the header, opens a conflicting card, and comes back to the sync page', async () => {
    const { backend } = await phoneConflict()
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=nav-sync]').exists())
    // The header shows while the book still opens; its buttons work once the list is there.
    await until(() => w.findAll('[data-testid=customer-row]').length === 1)
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
    // A new laptop: head office's first file for it, another laptop's file for head office, and a file that is no changeset.
    const backend = await TestBook.create({ as: 'none' })
    await backend.createProfile({ name: '王磊', role: 'rep', companyName: '华丰农资', unitName: '寿光片区' })
    const file = await backend.fixture<NewLaptop>('sync_new_laptop', { dir: 'usb', name: '总部-to-王磊-00001.fcsync', others: true })
    const w = await syncPage(backend)
    expect(w.findAll('[data-testid=folder-file-row]')).toHaveLength(0)
    const input = w.find('input[data-testid=sync-folder]')
    await input.setValue(file.dir)
    await input.trigger('change')
    await until(() => w.findAll('[data-testid=folder-file-row]').length === 2)
    expect(await backend.savedSyncFolder()).toBe(file.dir)
    const rows = w.findAll('[data-testid=folder-file-row]')
    expect(rows.map((r) => r.text())).toEqual(['copy.fcsync', '总部-to-王磊-00001.fcsync'])
    expect(w.find('[data-testid=sync-folder-card]').text()).toContain('不是')
    expect(w.find('[data-testid=sync-folder-others]').text()).toContain('1')
    // Only the readable file has an import button; the first import asks to confirm head office's key.
    const buttons = w.findAll('[data-testid=folder-file-import]')
    expect(buttons).toHaveLength(1)
    await buttons[0].trigger('click')
    await until(() => document.body.textContent?.includes(file.officeFingerprint) ?? false)
    ;(document.body.querySelector('.el-message-box__btns .el-button--primary') as HTMLElement).click()
    await until(() => w.find('[data-testid=sync-import-report]').exists())
    await until(() => w.find('[data-testid=folder-file-row][data-imported=true]').exists())
    expect(w.find('[data-testid=import-applied]').text()).toBe('11')
    expect(existsSync(file.path)).toBe(true)
  })
})
