import { Backend, type Dialogs, type PickOptions, type SaveOptions } from './backend'
import { HttpTransport, post } from './http'

/** Paths typed by hand: a browser cannot open the operating system's dialogs for the core. */
const promptDialogs: Dialogs = {
  pickSyncFile: ({ title }: PickOptions) => Promise.resolve(window.prompt(title)),
  pickSpreadsheet: ({ title }: PickOptions) => Promise.resolve(window.prompt(title)),
  pickFolder: ({ title }: PickOptions) => Promise.resolve(window.prompt(title)),
  pickSavePath: ({ title, defaultName }: SaveOptions) => Promise.resolve(window.prompt(title, defaultName)),
}

/**
 * The UI in a plain browser (`npm run dev`): the real core behind
 * `fieldcrm-testserver` at VITE_FIELDCRM_SERVER (default http://127.0.0.1:7357),
 * on a new book with no profile, so the first-start screen shows.
 */
export async function previewBackend(): Promise<Backend> {
  const server = (import.meta.env.VITE_FIELDCRM_SERVER as string | undefined) ?? 'http://127.0.0.1:7357'
  const world = await post<{ ok?: { book: string } }>(`${server}/fixture/world`, { as: 'none' })
  return new Backend(new HttpTransport(server, world.ok?.book ?? ''), promptDialogs)
}
