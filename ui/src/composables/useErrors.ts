import { ElMessage } from 'element-plus'
import { isFatal, toApiError } from '../backend/types'
import type { ApiError, FieldProblem } from '../generated/bindings'
import { useBook } from './useBook'
import { useFieldText } from './useFieldText'

/** One place that decides what a failed call does to the screen. */
export function useErrors() {
  const book = useBook()
  const text = useFieldText()

  /** Fatal errors replace the whole screen; others become a message. Returns the normalised error. */
  const report = (e: unknown): ApiError => {
    const err = toApiError(e)
    if (isFatal(err)) {
      book.fatal.value = err
    } else {
      ElMessage.error({ message: text.error(err), grouping: true })
    }
    return err
  }

  /** Saved-anyway notices (odd phone format, unlikely age …). */
  const warn = (warnings: FieldProblem[], label: (field: string) => string) => {
    if (!warnings.length) return
    const lines = warnings.map((w) => `${label(w.field)}${text.t('common.colon')}${text.problem(w)}`)
    ElMessage.warning({ message: `${text.t('common.savedWithWarnings')} ${lines.join('; ')}`, duration: 6000, showClose: true })
  }

  /** `invalid` problems keyed by field, translated. */
  const problemsByField = (err: ApiError): Record<string, string> => {
    const out: Record<string, string> = {}
    for (const p of err.problems) {
      const msg = text.problem(p)
      out[p.field] = out[p.field] ? `${out[p.field]}；${msg}` : msg
    }
    return out
  }

  return { report, warn, problemsByField }
}
