import type { ChannelLevel, CreditStanding, Lifecycle, SortKey } from '../generated/bindings'

/** What the customer list is narrowed to, besides the search text. */
export interface ListFilters {
  lifecycle: Lifecycle[]
  channelLevel: ChannelLevel[]
  creditStanding: CreditStanding[]
  ownerId: string | null
  orgUnitId: string | null
  tag: string | null
  staleOnly: boolean
  needsVerificationOnly: boolean
  sort: SortKey
}

export function emptyFilters(): ListFilters {
  return {
    lifecycle: [],
    channelLevel: [],
    creditStanding: [],
    ownerId: null,
    orgUnitId: null,
    tag: null,
    staleOnly: false,
    needsVerificationOnly: false,
    sort: 'name',
  }
}

/** True when any filter (not the sort order) narrows the list. */
export function filtersActive(f: ListFilters): boolean {
  return JSON.stringify({ ...f, sort: 'name' }) !== JSON.stringify(emptyFilters())
}
