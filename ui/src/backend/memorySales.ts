import type {
  AnalysisScope,
  CreditAnalysis,
  CreditCustomer,
  GradeComposition,
  GradeScales,
  GroupLabel,
  MonthlyRow,
  MonthlySummary,
  NegativeGrowth,
  OrgUnit,
  Period,
  Product,
  ProductComposition,
  RegionComposition,
  SalesKind,
  Staff,
} from '../generated/bindings'

/*
 * The sales analyses of the in-memory book: the same figures the real book
 * computes (seed 004's composition analyses, seed 000's monthly summary),
 * from a handful of lines, without its storage tricks.
 */

/** One stored sales line; amounts in fen (returns are negative). */
export interface MemorySale {
  id: string
  customerId: string
  productId: string
  soldOn: string
  quantity: number
  amount: number
  kind: SalesKind
  document: string | null
}

/** A card as the analyses group it. */
export interface SalesCard {
  id: string
  name: string
  grade: string | null
  creditGrade: string | null
  channelType: string | null
  ownerId: string
  territoryId: string
}

/** What an analysis reads: the cards in scope, and everything it names. */
export interface SalesView {
  cards: SalesCard[]
  lines: MemorySale[]
  products: Product[]
  staff: Staff[]
  units: OrgUnit[]
  scales: GradeScales
  channelTypes: GroupLabel[]
  scope: AnalysisScope
  /** Where the region breadcrumbs start: the viewer's own unit (none for head office). */
  top: string | null
}

const product = (code: string, name: string, line: string, unit: string, caseSize: number, listPrice: number): Product => ({
  id: `p-${code}`,
  code,
  name,
  category: null,
  line,
  unit,
  caseSize,
  listPrice,
  retired: false,
})

/** The catalogue a new in-memory book starts with (prices in fen). */
export const MEMORY_PRODUCTS: Product[] = [
  product('FH-45', '复合肥 45% 50kg', '复合肥', '袋', 1, 16_000),
  product('NS-46', '尿素 46% 40kg', '氮肥', '袋', 1, 9_500),
  product('NY-LQ', '高效氯氰菊酯 500ml', '农药', '瓶', 20, 2_800),
  product('ZZ-JS1', '金穗 1 号玉米种', '种子', '袋', 10, 4_500),
]

// --- Days and shares, as the real book counts them ---

const epochDay = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000)
const fromEpochDay = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10)
const within = (day: string, p: Period) => day >= p.from && day <= p.to

/** A share in basis points, 0 when the whole is nothing. */
export const shareBp = (part: number, whole: number) => (whole <= 0 || part <= 0 ? 0 : Math.floor((part * 10_000) / whole))
const growthBp = (now: number, before: number) => (before > 0 ? Math.trunc(((now - before) * 10_000) / before) : null)

/** The same day twelve months earlier (29 February falls back to the 28th). */
function yearBefore(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  const last = new Date(Date.UTC(y - 1, m, 0)).getUTCDate()
  return `${y - 1}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`
}

export const lastYearOf = (p: Period): Period => ({ from: yearBefore(p.from), to: yearBefore(p.to) })

/** As many days, just before. */
export function previousOf(p: Period): Period {
  const to = epochDay(p.from) - 1
  return { from: fromEpochDay(to - (epochDay(p.to) - epochDay(p.from))), to: fromEpochDay(to) }
}

/** The months a period touches, `YYYY-MM`. */
export function monthsOf(p: Period): string[] {
  const out: string[] = []
  let [y, m] = p.from.split('-').map(Number)
  while (`${y}-${String(m).padStart(2, '0')}` <= p.to.slice(0, 7)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`)
    ;[y, m] = m === 12 ? [y + 1, 1] : [y, m + 1]
  }
  return out
}

/** Each in-scope card's revenue in the period. */
function revenue(v: SalesView, p: Period): Map<string, number> {
  const out = new Map<string, number>(v.cards.map((c) => [c.id, 0]))
  for (const l of v.lines) if (out.has(l.customerId) && within(l.soldOn, p)) out.set(l.customerId, out.get(l.customerId)! + l.amount)
  return out
}

const NOT_SET: GroupLabel = { key: null, labelZh: '未定', labelEn: 'Not set' }

function gradeLabels(scales: GradeScales, scale: 'customer' | 'credit'): GroupLabel[] {
  return scales.levels
    .filter((l) => l.scale === scale)
    .sort((a, b) => a.position - b.position)
    .map((l) => ({ key: l.code, labelZh: l.labelZh, labelEn: l.labelEn }))
}

/** Index of `key` among `groups`, adding a group for an unknown code or none. */
function groupIndex(groups: GroupLabel[], key: string | null): number {
  const i = groups.findIndex((g) => g.key === key)
  if (i >= 0) return i
  groups.push(key === null ? { ...NOT_SET } : { key, labelZh: key, labelEn: key })
  return groups.length - 1
}

const staffName = (v: SalesView, id: string) => v.staff.find((s) => s.id === id)?.name ?? ''
const unitOf = (v: SalesView, id: string) => v.units.find((u) => u.id === id)
const cardOf = (v: SalesView, id: string) => v.cards.find((c) => c.id === id)!

/** Sums per group, in the groups' order; groups without a key are kept only when they have customers. */
function slices(groups: GroupLabel[], sums: Array<[customers: number, revenue: number]>) {
  return groups.map((g, i) => ({ g, customers: sums[i]?.[0] ?? 0, revenue: sums[i]?.[1] ?? 0, i })).filter((s) => s.customers > 0 || s.g.key !== null)
}

export function byGrade(v: SalesView, period: Period): GradeComposition {
  const grades = gradeLabels(v.scales, 'customer')
  const sums: Array<[number, number]> = []
  const ranked = [...revenue(v, period)].filter(([, a]) => a !== 0).map(([id, amount]) => ({ id, amount }))
  for (const r of ranked) {
    const g = groupIndex(grades, cardOf(v, r.id).grade)
    const s = (sums[g] ??= [0, 0])
    s[0] += 1
    s[1] += r.amount
  }
  const total = ranked.reduce((t, r) => t + Math.max(r.amount, 0), 0)
  ranked.sort((a, b) => b.amount - a.amount || a.id.localeCompare(b.id))
  const cumulative = [0]
  for (const r of ranked) cumulative.push(cumulative[cumulative.length - 1] + Math.max(r.amount, 0))
  const n = ranked.length
  const pareto = Array.from({ length: 101 }, (_, pct) => ({ customersBp: pct * 100, revenueBp: shareBp(cumulative[Math.ceil((n * pct) / 100)], total) }))
  const at80 = cumulative.findIndex((c) => shareBp(c, total) >= 8000)
  return {
    period,
    scope: v.scope,
    totalRevenue: total,
    customers: n,
    grades: slices(grades, sums).map((s) => ({ grade: s.g, customers: s.customers, revenue: s.revenue, shareBp: shareBp(s.revenue, total) })),
    pareto,
    customersFor80: at80 < 0 ? n : at80,
    top: ranked.slice(0, 50).map((r, i) => {
      const c = cardOf(v, r.id)
      return { customerId: c.id, name: c.name, grade: c.grade, ownerName: staffName(v, c.ownerId), revenue: r.amount, shareBp: shareBp(r.amount, total), cumulativeBp: shareBp(cumulative[i + 1], total) }
    }),
  }
}

export function byProduct(v: SalesView, period: Period): ProductComposition {
  const channels = v.channelTypes.map((c) => ({ ...c }))
  const channelOf = new Map(v.cards.map((c) => [c.id, groupIndex(channels, c.channelType)]))
  const cells = new Map<string, { quantity: number; byChannel: number[] }>()
  for (const l of v.lines) {
    const ch = channelOf.get(l.customerId)
    if (ch === undefined || !within(l.soldOn, period)) continue
    const cell = cells.get(l.productId) ?? { quantity: 0, byChannel: [] }
    cell.quantity += l.quantity
    cell.byChannel[ch] = (cell.byChannel[ch] ?? 0) + l.amount
    cells.set(l.productId, cell)
  }
  const width = channels.length
  const full = (row: number[]) => Array.from({ length: width }, (_, i) => row[i] ?? 0)
  const products = v.products
    .filter((p) => cells.has(p.id))
    .map((p) => {
      const byChannel = full(cells.get(p.id)!.byChannel)
      const revenue = byChannel.reduce((a, b) => a + b, 0)
      return { productId: p.id, code: p.code, name: p.name, line: p.line, unit: p.unit, quantity: cells.get(p.id)!.quantity, revenue, shareBp: 0, byChannel }
    })
    .sort((a, b) => b.revenue - a.revenue || a.code.localeCompare(b.code))
  const total = products.reduce((t, p) => t + p.revenue, 0)
  const channelRevenue = Array<number>(width).fill(0)
  const lines: ProductComposition['lines'] = []
  for (const p of products) {
    p.shareBp = shareBp(p.revenue, total)
    let line = lines.find((l) => l.line === p.line)
    if (!line) lines.push((line = { line: p.line, revenue: 0, shareBp: 0, byChannel: Array<number>(width).fill(0) }))
    line.revenue += p.revenue
    p.byChannel.forEach((a, i) => {
      line.byChannel[i] += a
      channelRevenue[i] += a
    })
  }
  for (const l of lines) l.shareBp = shareBp(l.revenue, total)
  lines.sort((a, b) => b.revenue - a.revenue)
  // Channel types nobody bought through are left out, with their columns.
  const keep = channelRevenue.map((a, i) => (a !== 0 ? i : -1)).filter((i) => i >= 0)
  const pick = (row: number[]) => keep.map((i) => row[i])
  for (const row of [...products, ...lines]) row.byChannel = pick(row.byChannel)
  return { period, scope: v.scope, totalRevenue: total, channels: keep.map((i) => channels[i]), channelRevenue: pick(channelRevenue), lines, products }
}

export function byRegion(v: SalesView, period: Period): RegionComposition {
  const now = revenue(v, period)
  const before = revenue(v, lastYearOf(period))
  const root = v.scope.unitId ?? v.units.find((u) => u.parentId === null)?.id ?? ''
  const children = v.units.filter((u) => u.parentId === root)
  const byRep = children.length === 0 || v.scope.ownerOnly
  /** The child of the root a territory lies in. */
  const partOf = (territory: string): string => {
    for (let u = unitOf(v, territory); u; u = u.parentId ? unitOf(v, u.parentId) : undefined) if (u.parentId === root) return u.id
    return root
  }
  const sums = new Map<string, [customers: number, revenue: number, lastYear: number]>()
  for (const c of v.cards) {
    const [a, b] = [now.get(c.id) ?? 0, before.get(c.id) ?? 0]
    if (a === 0 && b === 0) continue
    const id = byRep ? c.ownerId : partOf(c.territoryId)
    const s = sums.get(id) ?? [0, 0, 0]
    sums.set(id, [s[0] + (a !== 0 ? 1 : 0), s[1] + a, s[2] + b])
  }
  const total = [...sums.values()].reduce((t, s) => t + s[1], 0)
  const parts = [...sums].map(([id, [customers, rev, lastYear]]) => {
    const unit = byRep ? undefined : unitOf(v, id)
    return {
      id,
      name: unit?.name ?? staffName(v, id),
      kind: unit?.kind ?? 'rep',
      hasChildren: !byRep && (v.units.some((u) => u.parentId === id) || id !== root),
      customers,
      revenue: rev,
      shareBp: shareBp(rev, total),
      lastYear,
      growthBp: growthBp(rev, lastYear),
    }
  })
  parts.sort((a, b) => b.revenue - a.revenue || a.name.localeCompare(b.name))
  const path: GroupLabel[] = []
  for (let u = unitOf(v, root); u; u = u.parentId ? unitOf(v, u.parentId) : undefined) {
    path.unshift({ key: u.id, labelZh: u.name, labelEn: u.name })
    if (u.id === v.top) break
  }
  return { period, scope: v.scope, path, totalRevenue: total, lastYearRevenue: parts.reduce((t, p) => t + p.lastYear, 0), parts }
}

export function credit(v: SalesView, period: Period): CreditAnalysis {
  const rev = revenue(v, period)
  const monthly = new Map<string, number>()
  for (const l of v.lines) {
    if (rev.has(l.customerId) && within(l.soldOn, period)) {
      const key = `${l.customerId} ${l.soldOn.slice(0, 7)}`
      monthly.set(key, (monthly.get(key) ?? 0) + l.amount)
    }
  }
  const peak = (id: string) => Math.max(0, ...[...monthly].filter(([k]) => k.startsWith(`${id} `)).map(([, a]) => a))
  const levels = v.scales.levels.filter((l) => l.scale === 'credit')
  // Limits are whole yuan on the grade scale; fen here, like the sales.
  const limitOf = (code: string | null) => {
    const yuan = levels.find((l) => l.code === code)?.creditLimit
    return yuan == null ? null : yuan * 100
  }
  const grades = gradeLabels(v.scales, 'credit')
  const sums: Array<[number, number]> = []
  const use: Array<{ over: number; sum: number; withLimit: number }> = []
  const over: CreditCustomer[] = []
  const total = [...rev.values()].filter((a) => a > 0).reduce((a, b) => a + b, 0)
  for (const [id, amount] of rev) {
    if (amount === 0) continue
    const c = cardOf(v, id)
    const g = groupIndex(grades, c.creditGrade)
    const s = (sums[g] ??= [0, 0])
    s[0] += 1
    s[1] += amount
    const u = (use[g] ??= { over: 0, sum: 0, withLimit: 0 })
    const limit = limitOf(c.creditGrade)
    if (!limit || limit <= 0) continue
    const busiest = peak(id)
    const useBp = shareBp(busiest, limit)
    u.sum += useBp
    u.withLimit += 1
    if (busiest <= limit) continue
    u.over += 1
    over.push({ customerId: id, name: c.name, creditGrade: c.creditGrade, ownerName: staffName(v, c.ownerId), revenue: amount, peakMonth: busiest, creditLimit: limit, useBp })
  }
  over.sort((a, b) => b.useBp - a.useBp || b.peakMonth - a.peakMonth)
  return {
    period,
    scope: v.scope,
    totalRevenue: total,
    grades: slices(grades, sums).map((s) => {
      const level = levels.find((l) => l.code === s.g.key)
      const u = use[s.i]
      return {
        grade: s.g,
        customers: s.customers,
        revenue: s.revenue,
        shareBp: shareBp(s.revenue, total),
        creditLimit: limitOf(s.g.key),
        paymentTermDays: level?.paymentTermDays ?? null,
        settlement: level?.settlement ?? null,
        overLimit: u?.over ?? 0,
        averageUseBp: u?.withLimit ? Math.floor(u.sum / u.withLimit) : null,
      }
    }),
    overLimit: over,
    overLimitCount: over.length,
  }
}

export function negativeGrowth(v: SalesView, period: Period): NegativeGrowth {
  const [lastYear, previous] = [lastYearOf(period), previousOf(period)]
  const [now, ly, pp] = [revenue(v, period), revenue(v, lastYear), revenue(v, previous)]
  const customers = v.cards
    .filter((c) => now.get(c.id)! < ly.get(c.id)! || now.get(c.id)! < pp.get(c.id)!)
    .map((c) => {
      const [current, last, prior] = [now.get(c.id)!, ly.get(c.id)!, pp.get(c.id)!]
      return {
        customerId: c.id,
        name: c.name,
        grade: c.grade,
        ownerId: c.ownerId,
        ownerName: staffName(v, c.ownerId),
        territoryName: unitOf(v, c.territoryId)?.name ?? '',
        current,
        lastYear: last,
        previous: prior,
        vsLastYearBp: growthBp(current, last),
        vsPreviousBp: growthBp(current, prior),
      }
    })
    .sort((a, b) => b.lastYear - b.current - (a.lastYear - a.current) || a.customerId.localeCompare(b.customerId))
  const byOwner = new Map<string, { ownerId: string; ownerName: string; customers: number; lost: number }>()
  for (const r of customers) {
    const o = byOwner.get(r.ownerId) ?? { ownerId: r.ownerId, ownerName: r.ownerName, customers: 0, lost: 0 }
    o.customers += 1
    o.lost += Math.max(r.lastYear - r.current, 0)
    byOwner.set(r.ownerId, o)
  }
  return {
    period,
    lastYear,
    previous,
    scope: v.scope,
    customers,
    count: customers.length,
    lostVsLastYear: customers.reduce((t, r) => t + Math.max(r.lastYear - r.current, 0), 0),
    byOwner: [...byOwner.values()].sort((a, b) => b.lost - a.lost || a.ownerName.localeCompare(b.ownerName)),
  }
}

export function monthly(v: SalesView, period: Period): MonthlySummary {
  const months = monthsOf(period)
  const row = (id: string, name: string, regionId: string, regionName: string): MonthlyRow => ({ id, name, regionId, regionName, customers: 0, months: months.map(() => 0), total: 0, target: null })
  /** The rep's region: the nearest unit of kind `region` at or above theirs. */
  const regionOf = (unitId: string) => {
    for (let u = unitOf(v, unitId); u; u = u.parentId ? unitOf(v, u.parentId) : undefined) if (u.kind === 'region') return u
    return unitOf(v, unitId)
  }
  const reps = new Map<string, MonthlyRow>()
  const bought = new Set<string>()
  for (const l of v.lines) {
    const c = v.cards.find((x) => x.id === l.customerId)
    if (!c || !within(l.soldOn, period)) continue
    if (!reps.has(c.ownerId)) {
      const region = regionOf(v.staff.find((s) => s.id === c.ownerId)?.orgUnitId ?? '')
      reps.set(c.ownerId, row(c.ownerId, staffName(v, c.ownerId), region?.id ?? '', region?.name ?? ''))
    }
    const r = reps.get(c.ownerId)!
    r.months[months.indexOf(l.soldOn.slice(0, 7))] += l.amount
    r.total += l.amount
    if (!bought.has(c.id)) r.customers += 1
    bought.add(c.id)
  }
  const regions = new Map<string, MonthlyRow>()
  const rows = [...reps.values()].filter((r) => r.total !== 0)
  for (const r of rows) {
    const g = regions.get(r.regionId) ?? row(r.regionId, r.regionName, '', '')
    g.customers += r.customers
    g.total += r.total
    r.months.forEach((a, i) => (g.months[i] += a))
    regions.set(r.regionId, g)
  }
  const ordered = [...regions.values()].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name))
  const rank = (id: string) => ordered.findIndex((g) => g.id === id)
  rows.sort((a, b) => rank(a.regionId) - rank(b.regionId) || b.total - a.total || a.name.localeCompare(b.name))
  const totals = months.map((_, i) => ordered.reduce((t, g) => t + g.months[i], 0))
  return { period, scope: v.scope, months, reps: rows, regions: ordered, totals, total: totals.reduce((a, b) => a + b, 0) }
}

/**
 * Two years of plausible lines for the demo cards, up to `today`: each card
 * buys a few products a month, far more for the first cards, with a dip for every
 * fifth card this year (so negative growth has something to show).
 */
export function demoSales(cards: SalesCard[], products: Product[], today: string, nextId: () => string): MemorySale[] {
  const out: MemorySale[] = []
  const [y, m] = today.split('-').map(Number)
  let seed = 7
  const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647
  cards.forEach((card, i) => {
    // A few large customers buy most (so the grades and the Pareto curve look like a real book's).
    const size = Math.max(0.5, 100 / (1 + i) ** 1.3)
    for (let back = 23; back >= 0; back--) {
      const month = new Date(Date.UTC(y, m - 1 - back, 1)).toISOString().slice(0, 7)
      const dip = i % 5 === 4 && back < 12 ? 0.4 : 1
      for (const p of products) {
        if (random() < 0.45) continue
        const quantity = Math.max(1, Math.round(random() * 40 * size * dip))
        const day = `${month}-${String(1 + Math.floor(random() * 27)).padStart(2, '0')}`
        if (day > today) continue
        out.push({ id: nextId(), customerId: card.id, productId: p.id, soldOn: day, quantity, amount: quantity * (p.listPrice ?? 0), kind: 'shipment', document: `FH${day.replace(/-/g, '')}-${out.length + 1}` })
      }
    }
  })
  return out
}
