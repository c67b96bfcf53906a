/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The app is loaded by Tauri from the built files, so every asset path is relative.
export default defineConfig({
  base: './',
  plugins: [vue()],
  // vue-i18n feature flags: Composition API only, no devtools hooks in the shipped app.
  define: {
    __VUE_I18N_LEGACY_API__: false,
    __VUE_I18N_FULL_INSTALL__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/__tests__/setup.ts'],
    // The real core, over HTTP: see src/__tests__/globalSetup.ts.
    globalSetup: ['src/__tests__/globalSetup.ts'],
    css: false,
    // A test that mounts the whole app (Element Plus, both first screens)
    // takes 2–5 s on a 2-core machine under load: timeouts catch hangs, not speed.
    testTimeout: 20_000,
  },
})
