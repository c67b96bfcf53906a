import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { useBackend } from './useBackend'
import { useErrors } from './useErrors'

/**
 * Saves a workbook of the targets, plans and forecasts pages: asks where,
 * lets the core write it there, and says where it went.
 */
export function useTargetExport() {
  const backend = useBackend()
  const errors = useErrors()
  const { t } = useI18n()
  const exporting = ref(false)

  /** `write` is the core's command writing to the path picked; it returns the path written. */
  async function save(defaultName: string, write: (path: string) => Promise<string>): Promise<string | null> {
    exporting.value = true
    try {
      const path = await backend.pickSavePath({ title: t('targets.exportTitle'), defaultName: `${defaultName}.xlsx`, filterName: t('targets.exportFilter'), extension: 'xlsx' })
      if (!path) return null
      const written = await write(path)
      ElMessage.success({ message: t('targets.exported', { path: written }), duration: 6000, showClose: true })
      return written
    } catch (e) {
      errors.report(e)
      return null
    } finally {
      exporting.value = false
    }
  }

  return { exporting, save }
}
