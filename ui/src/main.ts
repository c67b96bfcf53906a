import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import type { Backend } from './backend/types'
import { inTauri, tauriBackend } from './backend/tauri'
import { BACKEND } from './composables/useBackend'
import { BOOK, createBook } from './composables/useBook'
import { createAppI18n } from './locales'

async function backend(): Promise<Backend> {
  if (inTauri()) return tauriBackend()
  // A plain-browser preview talks to `fieldcrm-testserver` (the real core over HTTP).
  const { previewBackend } = await import('./backend/preview')
  return previewBackend()
}

const be = await backend()
createApp(App)
  .use(createAppI18n('zh-CN'))
  .use(ElementPlus)
  .provide(BACKEND, be)
  .provide(BOOK, createBook(be))
  .mount('#app')
