import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import type { Report, ReportRef } from '../generated/bindings'
import { useBackend } from './useBackend'
import { useErrors } from './useErrors'
import { useFieldText } from './useFieldText'

/** Exports a report as an Excel workbook to a place the user picks. */
export function useReportExport() {
  const backend = useBackend()
  const errors = useErrors()
  const text = useFieldText()
  const exporting = ref(false)

  async function exportReport(report: Report, which: ReportRef) {
    exporting.value = true
    try {
      const kind = text.t(`fieldwork.reports.kinds.${report.kind}`)
      const path = await backend.pickSavePath({
        title: text.t('fieldwork.reports.exportTitle'),
        defaultName: `${report.authorName}-${kind}-${report.periodStart}.xlsx`,
        filterName: text.t('fieldwork.reports.exportFilter'),
        extension: 'xlsx',
      })
      if (!path) return
      const written = await backend.exportReport(which, path)
      ElMessage.success({ message: text.t('fieldwork.reports.exported', { path: written }), duration: 6000, showClose: true })
    } catch (e) {
      errors.report(e)
    } finally {
      exporting.value = false
    }
  }

  return { exporting, exportReport }
}
