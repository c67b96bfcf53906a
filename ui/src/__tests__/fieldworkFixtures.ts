import { afterAll, beforeAll } from 'vitest'

/**
 * The computer of these tests keeps another zone's time (New York, UTC-5)
 * than the books' business time zone (Asia/Shanghai, UTC+8): the times typed
 * into the visit and call forms (`2026-11-22 09:15`) are business time, and
 * every time shown is too, whatever the machine's own zone.
 */
export function useMachineZone(zone = 'America/New_York') {
  let before: string | undefined
  beforeAll(() => {
    before = process.env.TZ
    process.env.TZ = zone
  })
  afterAll(() => {
    if (before === undefined) delete process.env.TZ
    else process.env.TZ = before
  })
}
