import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import type { Backend } from './backend/types'
import { TauriBackend, inTauri } from './backend/tauri'
import { BACKEND } from './composables/useBackend'
import { BOOK, createBook } from './composables/useBook'
import { createAppI18n } from './locales'

async function backend(): Promise<Backend> {
  if (inTauri()) return new TauriBackend()
  // Outside the Tauri shell (a plain browser preview) the UI runs on an in-memory book.
  const { MemoryBackend } = await import('./backend/memory')
  return new MemoryBackend({ withProfile: false })
}

const be = await backend()
createApp(App)
  .use(createAppI18n('zh-CN'))
  .use(ElementPlus)
  .provide(BACKEND, be)
  .provide(BOOK, createBook(be))
  .mount('#app')
