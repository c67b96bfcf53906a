import { Api, DEMO_PROGRESS, IMPORT_PROGRESS, SYNC_PROGRESS, type Transport } from '../generated/commands'
import type { DoorState, PassphraseStrength } from '../generated/bindings'
import type { CustomerQuery, DemoOptions, DemoProgress, DemoSummary, ExportedList, ImportProgress, ImportRequest, Progress, SheetImportReport } from '../generated/bindings'

/** Texts and the suggested file name of a save dialog. */
export interface SaveOptions {
  title: string
  defaultName: string
  filterName: string
  extension: string
}

/** Texts of a file or folder picker (the UI's language). */
export interface PickOptions {
  title: string
  /** Name of the file type filter (file pickers). */
  filterName?: string
}

/** The operating system's file dialogs; each answers null when the user cancels. */
export interface Dialogs {
  /** A changeset file to import. */
  pickSyncFile(options: PickOptions): Promise<string | null>
  /** A spreadsheet (xlsx, xls, ods, csv) to import. */
  pickSpreadsheet(options: PickOptions): Promise<string | null>
  pickFolder(options: PickOptions): Promise<string | null>
  /** Where to save a file. */
  pickSavePath(options: SaveOptions): Promise<string | null>
}

/**
 * Everything the UI asks of the book: the generated, typed command methods
 * (`Api`), the progress of long commands, and the file dialogs. A failed call
 * rejects with an `ApiError` (branch on `code` and the problems' codes, never
 * on `message`). The transport is Tauri's IPC in the app and HTTP to the real
 * core in the UI's tests; no rule of the book lives on this side.
 */
/** The book's door: what it needs before it opens (the first screen), over the same transport. */
export interface DoorTransport {
  door(command: 'state' | 'strength' | 'create' | 'unlock', args: Record<string, unknown>): Promise<unknown>
}

export class Backend extends Api implements Dialogs {
  constructor(
    transport: Transport & DoorTransport,
    private readonly dialogs: Dialogs,
  ) {
    super(transport)
    this.doors = transport
  }

  private readonly doors: DoorTransport

  /** Whether the book is open, or needs a new passphrase, or its passphrase. */
  doorState(): Promise<DoorState> {
    return this.doors.door('state', {}) as Promise<DoorState>
  }

  /** How hard a new passphrase is to guess (the meter under the field). */
  passphraseStrength(passphrase: string): Promise<PassphraseStrength> {
    return this.doors.door('strength', { passphrase }) as Promise<PassphraseStrength>
  }

  /** Seals a new book (or encrypts a plain one) with a passphrase typed twice. */
  createPassphrase(passphrase: string, again: string): Promise<DoorState> {
    return this.doors.door('create', { passphrase, again }) as Promise<DoorState>
  }

  /** Opens the book with its passphrase; a wrong one costs one of three tries. */
  unlock(passphrase: string): Promise<DoorState> {
    return this.doors.door('unlock', { passphrase }) as Promise<DoorState>
  }

  /** Calls `listener` with a changeset import's progress until the returned function is called. */
  onSyncProgress(listener: (progress: Progress) => void): Promise<() => void> {
    return this.transport.listen(SYNC_PROGRESS, listener)
  }

  /** Builds the demo in this new book; `onProgress` hears how far it got (`cancelDemo` stops it). */
  override async loadDemo(options: DemoOptions, onProgress?: (progress: DemoProgress) => void): Promise<DemoSummary> {
    const stop = onProgress ? await this.transport.listen(DEMO_PROGRESS, onProgress) : undefined
    try {
      return await super.loadDemo(options)
    } finally {
      stop?.()
    }
  }

  /** A dry run or the import itself; `onProgress` hears how far it got. */
  override async runImport(request: ImportRequest, commit: boolean, onProgress?: (progress: ImportProgress) => void): Promise<SheetImportReport> {
    return this.withProgress(() => super.runImport(request, commit), onProgress)
  }

  /** Writes every card the query matches to an xlsx list; `onProgress` hears how far it got. */
  override async exportCustomers(query: CustomerQuery, path: string, onProgress?: (progress: ImportProgress) => void): Promise<ExportedList> {
    return this.withProgress(() => super.exportCustomers(query, path), onProgress)
  }

  private async withProgress<T>(work: () => Promise<T>, onProgress?: (progress: ImportProgress) => void): Promise<T> {
    const stop = onProgress ? await this.transport.listen(IMPORT_PROGRESS, onProgress) : undefined
    try {
      return await work()
    } finally {
      stop?.()
    }
  }

  pickSyncFile(options: PickOptions) {
    return this.dialogs.pickSyncFile(options)
  }
  pickSpreadsheet(options: PickOptions) {
    return this.dialogs.pickSpreadsheet(options)
  }
  pickFolder(options: PickOptions) {
    return this.dialogs.pickFolder(options)
  }
  pickSavePath(options: SaveOptions) {
    return this.dialogs.pickSavePath(options)
  }
}
