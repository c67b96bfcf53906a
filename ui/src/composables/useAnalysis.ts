import { ref, shallowRef, watch } from 'vue'
import type { AnalysisQuery } from '../generated/bindings'
import type { Backend } from '../backend/types'
import { useBackend } from './useBackend'
import { useErrors } from './useErrors'

/** An analysis of the query's period and unit, loaded again whenever the query changes; older answers are dropped. */
export function useAnalysis<T>(query: () => AnalysisQuery, load: (backend: Backend, query: AnalysisQuery) => Promise<T>) {
  const backend = useBackend()
  const errors = useErrors()
  const data = shallowRef<T | null>(null)
  const loading = ref(false)
  let generation = 0

  async function reload() {
    const mine = ++generation
    loading.value = true
    try {
      const answer = await load(backend, query())
      if (mine === generation) data.value = answer
    } catch (e) {
      if (mine === generation) errors.report(e)
    } finally {
      if (mine === generation) loading.value = false
    }
  }
  watch(query, reload, { immediate: true, deep: true })

  return { data, loading, reload }
}
