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
  /** Codes by list: a card must carry one of each list's codes. */
  codes: Record<string, string[]>
  grades: string[]
  routeId: string | null
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
    codes: {},
    grades: [],
    routeId: null,
    sort: 'name',
  }
}

/** True when any filter (not the sort order) narrows the list. */
export function filtersActive(f: ListFilters): boolean {
  const codes = Object.fromEntries(Object.entries(f.codes).filter(([, c]) => c.length))
  return JSON.stringify({ ...f, codes: {}, sort: 'name' }) !== JSON.stringify(emptyFilters()) || Object.keys(codes).length > 0
}
