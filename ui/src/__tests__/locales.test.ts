import { describe, expect, it } from 'vitest'
import zhCN from '../locales/zh-CN'
import en from '../locales/en'
import { CARD_SCHEMA, PROBLEM_CODES } from '../generated/bindings'
import { optionSet } from '../composables/useFieldText'
import type { SchemaEntity } from '../composables/useBook'

type Tree = { [key: string]: string | Tree }

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)))
}

function lookup(tree: Tree, path: string): string | undefined {
  let at: string | Tree | undefined = tree
  for (const part of path.split('.')) at = typeof at === 'object' ? at[part] : undefined
  return typeof at === 'string' ? at : undefined
}

describe('locales', () => {
  it('have exactly the same keys in Chinese and English, so no screen falls back to a raw key', () => {
    expect(keys(en as Tree).sort()).toEqual(keys(zhCN as Tree).sort())
  })

  it('have no empty texts', () => {
    for (const tree of [zhCN, en] as Tree[]) {
      for (const key of keys(tree)) expect(lookup(tree, key), key).not.toBe('')
    }
  })

  it('label every card field and every choice option of the card schema', () => {
    for (const entity of Object.keys(CARD_SCHEMA) as SchemaEntity[]) {
      for (const spec of CARD_SCHEMA[entity]) {
        for (const tree of [zhCN, en] as Tree[]) {
          expect(lookup(tree, `fields.${entity}.${spec.key}`), `${entity}.${spec.key}`).toBeTruthy()
          if (spec.kind !== 'choice') continue
          const set = optionSet(entity, spec.key)
          expect(set, `option list for ${entity}.${spec.key}`).toBeTruthy()
          for (const option of spec.options) {
            expect(lookup(tree, `options.${set}.${option}`), `${set}.${option}`).toBeTruthy()
          }
        }
      }
    }
  })

  it('use the Chinese business terms of the domain', () => {
    expect(zhCN.options.channelLevel).toMatchObject({ distributor: '经销商', sub_distributor: '二批商', retailer: '零售商' })
    expect(zhCN.options.lifecycle).toMatchObject({ prospect: '潜在客户', active: '活跃', dormant: '休眠', eliminated: '淘汰' })
    expect(zhCN.options.keyPersonRole).toMatchObject({ owner: '所有者', legal_representative: '法人代表', manager: '经营管理者', contact: '联系人' })
  })

  it('say every problem the book can report in both languages, so the Chinese screen never shows the English message', () => {
    for (const tree of [zhCN, en] as Tree[]) {
      const missing = PROBLEM_CODES.filter((code) => lookup(tree, `problems.${code}`) === undefined)
      expect(missing).toEqual([])
    }
  })
})
