import { describe, expect, it } from 'vitest'
import { diffFields, rebase } from '../composables/edits'

describe('diffFields', () => {
  const original = { name: '华星农业', phone: '13800000000', tags: ['重点'], employees: 12, notes: null }

  it('sends only the changed fields, each with the value the card had when the form opened', () => {
    const draft = { ...original, phone: '13900000000', employees: 15 }
    expect(diffFields(original, draft, Object.keys(original))).toEqual([
      { field: 'phone', expected: '13800000000', value: '13900000000' },
      { field: 'employees', expected: 12, value: 15 },
    ])
  })

  it('treats an untouched empty input as no change (empty text and null are the same)', () => {
    const draft = { ...original, notes: '' }
    expect(diffFields(original, draft, Object.keys(original))).toEqual([])
  })

  it('sends a cleared field as null and a cleared tag list as an empty list', () => {
    const draft = { ...original, phone: '', tags: [] }
    expect(diffFields(original, draft, Object.keys(original))).toEqual([
      { field: 'phone', expected: '13800000000', value: null },
      { field: 'tags', expected: ['重点'], value: [] },
    ])
  })

  it('ignores fields outside the form', () => {
    const draft = { ...original, name: '改名' }
    expect(diffFields(original, draft, ['phone'])).toEqual([])
  })
})

describe('rebase after an edit conflict', () => {
  it('keeps what the user typed and takes the fresh values of fields the user left alone', () => {
    const opened = { phone: '1', notes: 'a', industry: 'x' }
    const fresh = { phone: '2', notes: 'b', industry: 'x' }
    const draft = { phone: '3', notes: 'a', industry: 'x' }
    const next = rebase(opened, fresh, draft, ['phone', 'notes', 'industry'])
    expect(next).toEqual({ phone: '3', notes: 'b', industry: 'x' })
    // Saving again sends the user's phone against the fresh value, and does not undo the other person's note.
    expect(diffFields(fresh, next, ['phone', 'notes', 'industry'])).toEqual([{ field: 'phone', expected: '2', value: '3' }])
  })
})
