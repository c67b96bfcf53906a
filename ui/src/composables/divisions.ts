import type { Backend } from '../backend/types'
import type { DivisionNode, JsonValue } from '../generated/bindings'

const trees = new WeakMap<Backend, Promise<DivisionNode[]>>()

/**
 * The book's list of administrative divisions (province → city → county or
 * district), asked once per backend: the pickers show it, the core decides
 * what nests (no rule about divisions lives in the UI).
 */
export function divisionTree(backend: Backend): Promise<DivisionNode[]> {
  let tree = trees.get(backend)
  if (!tree) {
    tree = backend.divisions()
    trees.set(backend, tree)
    tree.catch(() => trees.delete(backend))
  }
  return tree
}

/** A stored code as the picker takes it. */
export const codeOf = (value: JsonValue | undefined): string | null => (typeof value === 'string' && value ? value : null)
