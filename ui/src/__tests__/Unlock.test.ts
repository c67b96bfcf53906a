import { afterEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import App from '../App.vue'
import PassphraseChange from '../components/PassphraseChange.vue'
import { errorUnder, mountWith, until } from './helpers'
import { TEST_PASSPHRASE, TestBook } from './testBook'

let wrapper: VueWrapper | undefined
afterEach(() => wrapper?.unmount())

/** The strength meter's level ('' while there is none). */
function level(w: VueWrapper): string {
  const meter = w.find('[data-testid=unlock-strength]')
  return meter.exists() ? (meter.attributes('data-level') ?? '') : ''
}

function shown(w: VueWrapper, testId: string): string {
  const found = w.find(`[data-testid=${testId}]`)
  return found.exists() ? found.text() : ''
}

async function type(w: VueWrapper, testId: string, value: string) {
  await w.find(`[data-testid=${testId}]`).setValue(value)
}

describe('the book’s passphrase (the real core’s door)', () => {
  it('asks a new book for a passphrase, rates it, wants it twice, then opens on the first-start screen', async () => {
    const backend = await TestBook.door('new')
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=unlock]').exists())
    expect(w.text()).toContain('设置档案口令')
    await until(() => backend.appReadyCalls === 1)

    await type(w, 'unlock-passphrase', '1234')
    await until(() => level(w) === 'too_weak')
    expect(w.find('[data-testid=unlock-strength]').text()).toContain('口令至少需要 8 个字符')
    await type(w, 'unlock-again', '1234')
    expect(w.find('[data-testid=unlock-submit]').attributes('disabled')).toBeDefined()

    await type(w, 'unlock-passphrase', 'zhangsan')
    await until(() => level(w) === 'weak')
    await type(w, 'unlock-passphrase', '黄河远上白云间一片孤城')
    await until(() => level(w) === 'very_strong')
    await type(w, 'unlock-again', '黄河远上白云间一片孤')
    await w.find('[data-testid=unlock-submit]').trigger('click')
    await until(() => errorUnder(w, 'unlock-again') !== '')
    expect(errorUnder(w, 'unlock-again')).toBe('两次输入的口令不一致')

    await type(w, 'unlock-again', '黄河远上白云间一片孤城')
    await w.find('[data-testid=unlock-submit]').trigger('click')
    await until(() => w.find('[data-testid=open-demo]').exists())
    expect((await backend.keyStatus()).hasKeyFile).toBe(true)
  })

  it('gives three tries for the passphrase of an encrypted book, then stays shut', async () => {
    const backend = await TestBook.door('encrypted')
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=unlock]').exists())
    expect(w.text()).toContain('输入档案口令')
    expect(w.find('[data-testid=unlock-strength]').exists()).toBe(false)
    for (const left of [2, 1]) {
      await type(w, 'unlock-passphrase', 'not-the-passphrase')
      await w.find('[data-testid=unlock-submit]').trigger('click')
      await until(() => shown(w, 'unlock-wrong').includes(`还可以再试 ${left} 次`))
      expect(w.find('[data-testid=unlock-wrong]').text()).toContain('口令不正确')
    }
    await type(w, 'unlock-passphrase', 'still-not-it')
    await w.find('[data-testid=unlock-submit]').trigger('click')
    await until(() => w.find('[data-testid=unlock-locked-out]').exists())
    expect(w.text()).toContain('恢复密钥文件')
    // Shut for this start: the right passphrase is not taken either.
    await expect(backend.unlock(TEST_PASSPHRASE)).resolves.toMatchObject({ stage: 'locked_out' })
  })

  it('opens an encrypted book with its passphrase', async () => {
    const backend = await TestBook.door('encrypted')
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=unlock-passphrase]').exists())
    await type(w, 'unlock-passphrase', TEST_PASSPHRASE)
    await w.find('[data-testid=unlock-submit]').trigger('click')
    await until(() => w.find('[data-testid=open-demo]').exists())
  })

  it('encrypts a book of an earlier version with the passphrase chosen', async () => {
    const backend = await TestBook.door('plain')
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=unlock]').exists())
    expect(w.text()).toContain('加密您现有的档案')
    await type(w, 'unlock-passphrase', 'Zhang-San-1987')
    await type(w, 'unlock-again', 'Zhang-San-1987')
    await w.find('[data-testid=unlock-submit]').trigger('click')
    await until(() => w.find('[data-testid=open-demo]').exists())
    expect(await backend.keyStatus()).toEqual({ encrypted: true, hasKeyFile: true })
  })

  it('changes the passphrase in the settings only with the present one and a strong new one', async () => {
    const backend = await TestBook.door('encrypted')
    await backend.unlock(TEST_PASSPHRASE)
    ;({ wrapper } = await mountWith(PassphraseChange, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=passphrase-old]').exists())
    await type(w, 'passphrase-old', 'wrong-present-one')
    await type(w, 'passphrase-new', 'Li-Si-Field-2027')
    await type(w, 'passphrase-again', 'Li-Si-Field-2027')
    await w.find('form').trigger('submit')
    await until(() => errorUnder(w, 'passphrase-old') !== '')
    expect(errorUnder(w, 'passphrase-old')).toContain('口令不正确')

    await type(w, 'passphrase-old', TEST_PASSPHRASE)
    await type(w, 'passphrase-new', '12345678')
    await type(w, 'passphrase-again', '12345678')
    await w.find('form').trigger('submit')
    await until(() => errorUnder(w, 'passphrase-new') !== '')
    expect(errorUnder(w, 'passphrase-new')).toContain('太容易被猜到')

    await type(w, 'passphrase-new', 'Li-Si-Field-2027')
    await type(w, 'passphrase-again', 'Li-Si-Field-2027')
    await w.find('form').trigger('submit')
    await until(() => (w.find('[data-testid=passphrase-old]').element as HTMLInputElement).value === '')
    expect(errorUnder(w, 'passphrase-old')).toBe('')
  })
})
