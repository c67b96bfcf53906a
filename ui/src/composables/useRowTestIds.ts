import { onBeforeUnmount, onMounted, type Ref } from 'vue'

/**
 * Gives every body row of an el-table a `data-testid` (el-table has no way to
 * set attributes on its rows). Rows are tagged as the table renders them.
 */
export function useRowTestIds(table: Ref<{ $el?: Element } | null>, testId: string) {
  let observer: MutationObserver | null = null

  const tag = (root: Element) => {
    for (const row of root.querySelectorAll('tbody tr.el-table__row')) {
      if (row.getAttribute('data-testid') !== testId) row.setAttribute('data-testid', testId)
    }
  }

  onMounted(() => {
    const root = table.value?.$el
    if (!(root instanceof Element)) return
    tag(root)
    observer = new MutationObserver(() => tag(root))
    observer.observe(root, { childList: true, subtree: true })
  })
  onBeforeUnmount(() => observer?.disconnect())
}
