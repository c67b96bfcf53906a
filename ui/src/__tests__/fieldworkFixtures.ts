import { afterAll, beforeAll } from 'vitest'

/**
 * The computer of these tests is in China, as the books' working time is
 * (UTC+8): the times typed into the visit and call forms (`2026-11-22 09:15`)
 * are the same moments the books count their days and "now" in. On a UTC
 * machine a typed 09:15 would lie hours after the books' 10:00 (+08:00) and be
 * refused as in the future.
 */
export function useChinaTime() {
  let before: string | undefined
  beforeAll(() => {
    before = process.env.TZ
    process.env.TZ = 'Asia/Shanghai'
  })
  afterAll(() => {
    if (before === undefined) delete process.env.TZ
    else process.env.TZ = before
  })
}
