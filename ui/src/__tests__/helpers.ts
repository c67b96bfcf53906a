import { defineComponent, h, type Component } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createAppI18n } from '../locales'
import { BACKEND } from '../composables/useBackend'
import { BOOK, createBook } from '../composables/useBook'
import type { Backend, Language } from '../backend/types'

/** el-table-v2 needs a size; happy-dom has no layout, so the auto-resizer reports a fixed one. */
export const FixedAutoResizer = defineComponent({
  name: 'ElAutoResizer',
  setup(_, { slots }) {
    return () => h('div', { style: 'width: 1200px; height: 600px' }, slots.default?.({ width: 1200, height: 600 }))
  },
})

/**
 * Mounts a screen as the app does: Element Plus, i18n, the backend and the
 * book's reference data provided. `preload: false` leaves loading to the screen (the App does it).
 */
export async function mountWith(
  component: Component,
  backend: Backend,
  props: Record<string, unknown> = {},
  { language = 'zh-CN', preload = true }: { language?: Language; preload?: boolean } = {},
) {
  const book = createBook(backend)
  if (preload) {
    await book.refreshStatus()
    await book.loadReference()
  }
  const wrapper = mount(component, {
    props,
    attachTo: document.body,
    global: {
      plugins: [createAppI18n(language), ElementPlus],
      provide: { [BACKEND as symbol]: backend, [BOOK as symbol]: book },
      stubs: { ElAutoResizer: FixedAutoResizer },
    },
  })
  await flushPromises()
  return { wrapper, book }
}

/** Waits until `check` holds (debounces, async saves, the core's answers over HTTP), or fails after `ms`: it catches hangs, not slowness. */
export async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
    await flushPromises()
  }
}

/** The error shown under the form field holding `testId` ('' when none). */
export function errorUnder(w: VueWrapper, testId: string): string {
  const item = w.find(`[data-testid=${testId}]`).element.closest('.el-form-item')
  return item?.querySelector('.el-form-item__error')?.textContent?.trim() ?? ''
}
