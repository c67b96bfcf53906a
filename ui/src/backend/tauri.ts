import { invoke } from '@tauri-apps/api/core'
import { listen } from '@tauri-apps/api/event'
import { open, save } from '@tauri-apps/plugin-dialog'
import type { CommandName, EventName, Events, Transport } from '../generated/commands'
import { Backend, type Dialogs, type PickOptions, type SaveOptions } from './backend'
import { SPREADSHEET_EXTENSIONS, SYNC_FILE_EXTENSION, toApiError } from './types'

/** Commands go to the shell's one `call` command, which runs the core's command table. */
export class TauriTransport implements Transport {
  async call(command: CommandName, args: Record<string, unknown>): Promise<unknown> {
    try {
      return await invoke('call', { command, args })
    } catch (e) {
      throw toApiError(e)
    }
  }

  listen<E extends EventName>(event: E, listener: (payload: Events[E]) => void): Promise<() => void> {
    return listen<Events[E]>(event, (e) => listener(e.payload))
  }

  async door(command: string, args: Record<string, unknown>): Promise<unknown> {
    try {
      return await invoke('door', { command, args })
    } catch (e) {
      throw toApiError(e)
    }
  }
}

/** The operating system's dialogs, through Tauri's dialog plugin. */
export class TauriDialogs implements Dialogs {
  async pickSyncFile({ title, filterName }: PickOptions) {
    const picked = await open({
      title,
      multiple: false,
      directory: false,
      filters: [{ name: filterName ?? SYNC_FILE_EXTENSION, extensions: [SYNC_FILE_EXTENSION] }],
    })
    return picked ?? null
  }
  async pickSpreadsheet({ title, filterName }: PickOptions) {
    const picked = await open({
      title,
      multiple: false,
      directory: false,
      filters: [{ name: filterName ?? SPREADSHEET_EXTENSIONS.join('/'), extensions: SPREADSHEET_EXTENSIONS }],
    })
    return picked ?? null
  }
  async pickFolder({ title }: PickOptions) {
    const picked = await open({ title, multiple: false, directory: true })
    return picked ?? null
  }
  async pickSavePath({ title, defaultName, filterName, extension }: SaveOptions) {
    const picked = await save({ title, defaultPath: defaultName, filters: [{ name: filterName, extensions: [extension] }] })
    return picked ?? null
  }
}

/** The book behind the Tauri shell. */
export function tauriBackend(): Backend {
  return new Backend(new TauriTransport(), new TauriDialogs())
}

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window
}
