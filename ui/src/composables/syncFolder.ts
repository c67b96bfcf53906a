import { computed, ref } from 'vue'
import type { Backend } from '../backend/types'

/**
 * The sync folder (a USB stick or a shared folder) as the book last said:
 * the core keeps it, device-local, so the Sync page, the settings and the CLI
 * (`fieldcrm sync folder`) all use the same one.
 */
const current = ref('')

export const syncFolder = computed(() => current.value)

/** Where the window kept the folder before the book did. */
const LEGACY_KEY = 'fieldcrm.syncFolder'

function takeLegacy(): string {
  try {
    const dir = localStorage.getItem(LEGACY_KEY) ?? ''
    localStorage.removeItem(LEGACY_KEY)
    return dir.trim()
  } catch {
    return ''
  }
}

/** Reads the saved folder (moving one the window kept into the book, once). */
export async function loadSyncFolder(backend: Backend): Promise<string> {
  let saved = (await backend.savedSyncFolder()) ?? ''
  const legacy = takeLegacy()
  if (!saved && legacy) saved = (await backend.saveSyncFolder(legacy)) ?? ''
  current.value = saved
  return saved
}

/** Saves the folder (empty forgets it); returns what the book keeps. */
export async function saveSyncFolder(backend: Backend, dir: string): Promise<string> {
  current.value = (await backend.saveSyncFolder(dir.trim() || null)) ?? ''
  return current.value
}
