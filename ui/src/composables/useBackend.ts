import { inject, type InjectionKey } from 'vue'
import type { Backend } from '../backend/types'

export const BACKEND: InjectionKey<Backend> = Symbol('backend')

/** The book's backend, provided once by the app (or by a test). */
export function useBackend(): Backend {
  const backend = inject(BACKEND)
  if (!backend) throw new Error('no backend provided: app.provide(BACKEND, backend)')
  return backend
}
