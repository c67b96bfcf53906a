import type { ApiError } from '../generated/bindings'
import type { CommandName, EventName, Events, Transport } from '../generated/commands'
import { toApiError } from './types'

interface Reply {
  ok?: unknown
  error?: ApiError
  events?: Array<{ name: EventName; payload: unknown }>
}

/**
 * Commands go over HTTP/JSON to `fieldcrm-testserver`, which runs the real
 * core's command table on the book `book` (the UI's tests, a plain-browser
 * preview). Progress events come back with the reply and reach the listeners
 * before the call resolves.
 */
export class HttpTransport implements Transport {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>()

  constructor(
    readonly server: string,
    /** The book the commands go to; a test switches it when it acts as someone else. */
    public book: string,
  ) {}

  async call(command: CommandName, args: Record<string, unknown>): Promise<unknown> {
    const reply = await post<Reply>(`${this.server}/call/${this.book}/${command}`, args)
    for (const event of reply.events ?? []) {
      for (const listener of this.listeners.get(event.name) ?? []) listener(event.payload as never)
    }
    if (reply.error) throw toApiError(reply.error)
    return reply.ok ?? null
  }

  async door(command: string, args: Record<string, unknown>): Promise<unknown> {
    const reply = await post<Reply>(`${this.server}/door/${this.book}/${command}`, args)
    if (reply.error) throw toApiError(reply.error)
    return reply.ok ?? null
  }

  async listen<E extends EventName>(event: E, listener: (payload: Events[E]) => void): Promise<() => void> {
    const set = this.listeners.get(event) ?? new Set()
    this.listeners.set(event, set)
    const entry = listener as (payload: never) => void
    set.add(entry)
    return () => set.delete(entry)
  }
}

/** POSTs `body` as JSON; the server's reply, or an `ApiError` when it cannot be reached. */
export async function post<T>(url: string, body: unknown): Promise<T> {
  let response: Response
  try {
    // text/plain keeps the request simple (no CORS preflight); the body is JSON.
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body ?? {}) })
  } catch (e) {
    throw toApiError(`the book's server at ${url} cannot be reached: ${String(e)}`)
  }
  const text = await response.text()
  try {
    return JSON.parse(text) as T
  } catch {
    throw toApiError(`the book's server answered ${response.status} with something that is not JSON: ${text.slice(0, 200)}`)
  }
}
