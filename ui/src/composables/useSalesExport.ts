import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import type { AnalysisKind, AnalysisQuery, CustomerQuery, ImportProgress } from '../generated/bindings'
import { useBackend } from './useBackend'
import { useErrors } from './useErrors'
import { useFieldText } from './useFieldText'

/** Exports an analysis or a customer list as an Excel workbook to a place the user picks. */
export function useSalesExport() {
  const backend = useBackend()
  const errors = useErrors()
  const text = useFieldText()
  const t = text.t
  const exporting = ref(false)
  /** How far a long customer list has got. */
  const progress = ref<ImportProgress | null>(null)

  /** Asks where to save, writes there, and says what was written. */
  async function save(title: string, defaultName: string, write: (path: string) => Promise<string>) {
    exporting.value = true
    progress.value = null
    try {
      const path = await backend.pickSavePath({ title, defaultName: `${defaultName}.xlsx`, filterName: t('sales.analysis.exportFilter'), extension: 'xlsx' })
      if (!path) return
      ElMessage.success({ message: await write(path), duration: 6000, showClose: true })
    } catch (e) {
      errors.report(e)
    } finally {
      exporting.value = false
      progress.value = null
    }
  }

  const exportAnalysis = (kind: AnalysisKind, query: AnalysisQuery) =>
    save(t('sales.analysis.exportTitle'), `${t(`sales.analysis.tabs.${kind}`)}-${query.from}-${query.to}`, async (path) =>
      t('sales.analysis.exported', { path: await backend.exportAnalysis(kind, query, path) }),
    )

  const exportCustomers = (query: CustomerQuery) =>
    save(t('sales.customerExport.title'), t('sales.customerExport.defaultName'), async (path) => {
      const list = await backend.exportCustomers(query, path, (p) => (progress.value = p))
      return t('sales.customerExport.done', { n: list.rows, path: list.path })
    })

  return { exporting, progress, exportAnalysis, exportCustomers }
}
