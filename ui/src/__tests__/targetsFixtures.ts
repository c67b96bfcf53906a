import type { TestBook } from './testBook'

/** 10,000 yuan a month, in fen. */
export const MONTH = 1_000_000

/**
 * Head office gives 2026 to 山东省, the province to 潍坊区 and the region to
 * 寿光片区, equally, each approved as head office submits it. Returns the
 * territory's id.
 */
export async function yearToTheTerritory(backend: TestBook): Promise<string> {
  await backend.setCompanyTarget(2026, 'revenue', Array(12).fill(MONTH))
  let node: string | null = null
  for (let level = 0; level < 3; level++) {
    const b = await backend.targetBreakdown(2026, 'revenue', node)
    const children = await backend.proposeBreakdown(2026, 'revenue', b.node.id, 'equal')
    await backend.saveBreakdown({ year: 2026, measure: 'revenue', node: b.node.id, children, leaveUnallocated: false, submit: true })
    node = children[0].node
  }
  return node!
}

/** … and the territory to its reps, and each rep to their customers, all approved; the files reach every laptop. */
export async function yearToTheCustomers(backend: TestBook): Promise<string> {
  const territory = await yearToTheTerritory(backend)
  const children = await backend.proposeBreakdown(2026, 'revenue', territory, 'equal')
  await backend.saveBreakdown({ year: 2026, measure: 'revenue', node: territory, children, leaveUnallocated: false, submit: true })
  for (const rep of children) {
    const cards = await backend.proposeBreakdown(2026, 'revenue', rep.node, 'equal')
    if (cards.length) await backend.saveBreakdown({ year: 2026, measure: 'revenue', node: rep.node, children: cards, leaveUnallocated: false, submit: true })
  }
  await backend.syncRound()
  return territory
}
