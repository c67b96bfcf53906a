/**
 * The sales page's time to its first chart, when the window was started to
 * measure it (`FIELDCRM_MEASURE=sales`, by `make bench`): from the moment the
 * page is opened to the first chart drawn with data.
 */
let since: number | null = null
let report: ((ms: number) => void) | null = null

/** Starts the clock; `send` gets the milliseconds when the first chart is drawn. */
export function measureFirstChart(send: (ms: number) => void) {
  since = performance.now()
  report = send
}

/** A chart has been drawn: the first one after `measureFirstChart` stops the clock. */
export function chartDrawn() {
  if (since === null || !report) return
  const ms = performance.now() - since
  since = null
  report(ms)
}
