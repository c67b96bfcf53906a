import { inject } from 'vitest'
import { Backend, type Dialogs, type PickOptions, type SaveOptions } from '../backend/backend'
import { HttpTransport, post } from '../backend/http'
import { toApiError, type Language } from '../backend/types'
import type { ApiError, JsonValue, OrgUnit, Staff } from '../generated/bindings'

/** Who a test's laptop belongs to: reps 王强 (`rep`) and 赵刚 (`rep2`), regional manager 李敏, sales administrator 刘敏 (`admin`, 山东省), head office 赵总. */
export type Person = 'rep' | 'rep2' | 'manager' | 'admin' | 'office'

export interface WorldOptions {
  /** The business day the books' clocks start on (10:00 that day); 2026-11-22 unless given. */
  today?: string
  /** Whose book the test uses; `none`: a new book with no profile (the first start). */
  as?: Person | 'none'
  /** Cards head office creates and sends to the laptops: names, or fields (`owner`: a person key). */
  customers?: Array<string | Record<string, JsonValue>>
}

interface WorldView {
  world: string
  book: string
  books: Record<string, string>
  units: OrgUnit[]
  staff: Staff[]
  officeFingerprint: string
  folder: string
  customers: string[]
}

/** The passphrase of the test server's encrypted books (crates/fieldcrm-testserver/src/world.rs). */
export const TEST_PASSPHRASE = '测试口令-field-2026'

/** Runs a fixture of the test server (see crates/fieldcrm-testserver/src/fixtures.rs). */
export async function fixture<T>(name: string, args: Record<string, unknown> = {}): Promise<T> {
  const reply = await post<{ ok?: T; error?: ApiError }>(`${inject('server')}/fixture/${name}`, args)
  if (reply.error) throw toApiError(reply.error)
  return reply.ok as T
}

/** The answers the file dialogs give, first in first out; once empty they point into the world's folder. */
class QueuedDialogs implements Dialogs {
  readonly picks: Array<string | null> = []
  constructor(private readonly folder: string) {}
  private next(fallback: string) {
    return Promise.resolve(this.picks.length ? this.picks.shift()! : fallback)
  }
  pickSyncFile(_options: PickOptions) {
    return this.next(this.folder)
  }
  pickSpreadsheet(_options: PickOptions) {
    return this.next(this.folder)
  }
  pickFolder(_options: PickOptions) {
    return this.next(this.folder)
  }
  pickSavePath(options: SaveOptions) {
    return this.next(`${this.folder}/${options.defaultName}`)
  }
}

/**
 * A test's book: the real core behind the test server, in a small organisation
 * of real books (head office and three laptops) that exchange real changeset
 * files. Only what a test needs to arrange or observe is added here; every
 * answer comes from the core.
 */
export class TestBook extends Backend {
  /** How often `appReady` was called (the app calls it once). */
  appReadyCalls = 0
  language: Language = 'zh-CN'

  private constructor(
    private readonly http: HttpTransport,
    private readonly queue: QueuedDialogs,
    private readonly view: WorldView,
  ) {
    super(http, queue)
  }

  static async create(options: WorldOptions = {}): Promise<TestBook> {
    const view = await fixture<WorldView>('world', { ...options })
    return new TestBook(new HttpTransport(inject('server'), view.book), new QueuedDialogs(view.folder), view)
  }

  /** A book behind its door, as the app finds it on start: `new` (nothing there), `encrypted` (sealed with the test server's passphrase), `plain` (a book of a version before encryption). */
  static async door(kind: 'new' | 'encrypted' | 'plain'): Promise<TestBook> {
    const id = await fixture<string>('door', { kind })
    const view: WorldView = { world: '', book: id, books: {}, units: [], staff: [], officeFingerprint: '', folder: '', customers: [] }
    return new TestBook(new HttpTransport(inject('server'), id), new QueuedDialogs(''), view)
  }

  /** Answers for the next file dialogs. */
  get picks(): Array<string | null> {
    return this.queue.picks
  }
  /** A folder of this world's for files the test writes or picks. */
  get folder(): string {
    return this.view.folder
  }
  get units(): OrgUnit[] {
    return this.view.units
  }
  get staff(): Staff[] {
    return this.view.staff
  }
  /** The ids of the customers the world was created with, in order. */
  get customers(): string[] {
    return this.view.customers
  }
  /** Head office's key fingerprint, as its files carry it. */
  get officeFingerprint(): string {
    return this.view.officeFingerprint
  }
  /** The book id the commands go to now. */
  get book(): string {
    return this.http.book
  }
  /** The staff member a person key stands for. */
  person(who: Person): Staff {
    const name = { rep: '王强', rep2: '赵刚', manager: '李敏', admin: '刘敏', office: '赵总' }[who]
    return this.view.staff.find((s) => s.name === name)!
  }

  /** Everything every book did reaches the others (a round of files); the test now uses `who`'s book. */
  async actAs(who: Person): Promise<void> {
    this.http.book = await fixture<string>('act_as', { book: this.http.book, who })
  }
  /** One round of changeset files between every laptop and head office. */
  syncRound(): Promise<null> {
    return fixture('sync_round', { book: this.http.book })
  }
  /** Moves every clock of the world to 10:00 of `today`. */
  setToday(today: string): Promise<null> {
    return fixture('set_today', { book: this.http.book, today })
  }
  /** Runs a fixture on this test's book. */
  fixture<T>(name: string, args: Record<string, unknown> = {}): Promise<T> {
    return fixture<T>(name, { book: this.http.book, ...args })
  }

  override appReady() {
    this.appReadyCalls += 1
    return super.appReady()
  }
  override setLanguage(language: Language) {
    this.language = language
    return super.setLanguage(language)
  }
}
