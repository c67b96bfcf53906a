import { afterEach, describe, expect, it } from 'vitest'
import { DOMWrapper, type VueWrapper } from '@vue/test-utils'
import { ElSelect } from 'element-plus'
import ApprovalsPage from '../views/ApprovalsPage.vue'
import CustomerCard from '../views/CustomerCard.vue'
import App from '../App.vue'
import type { Language } from '../backend/types'
import type { ProposalInput } from '../generated/bindings'
import { mountWith, until } from './helpers'
import { TestBook, type Person } from './testBook'

let wrapper: VueWrapper | undefined
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  // Messages and dialogs live on the body, outside the wrapper.
  document.body.innerHTML = ''
})

/**
 * The test world (testBook.ts): head office 赵总; 潍坊区 with regional manager
 * 李敏; reps 王强 and 赵刚 in 寿光片区 under it. `customers` are 王强's.
 */
function world(as: Person, customers: Array<string | Record<string, string>> = []) {
  return TestBook.create({ as, customers })
}

/** The page as `backend`'s person sees it, once its first list is there. */
async function mountPage(backend: TestBook, language: Language = 'zh-CN') {
  wrapper?.unmount()
  document.body.innerHTML = ''
  ;({ wrapper } = await mountWith(ApprovalsPage, backend, {}, { language }))
  const w = wrapper
  await until(() => w.find('[data-testid=proposal-table]').exists() && !w.find('.list .el-loading-mask').exists())
  return w
}

const body = () => new DOMWrapper(document.body)
const bodyText = () => document.body.textContent ?? ''

/** The error shown under the form field holding `selector` ('' when none); dialogs live on the body. */
function errorAt(selector: string): string {
  const el = document.body.querySelector(selector)
  if (!el) throw new Error(`nothing is ${selector}`)
  return el.closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent?.trim() ?? ''
}
/** The error under the field holding `testId`. */
const errorUnder = (_w: VueWrapper, testId: string) => errorAt(`[data-testid=${testId}]`)
/**
 * Expects `text` under the field holding `testId`. Each form item shows its
 * error after a debounce of its own, so the errors of one answer show one by one.
 */
async function expectError(testId: string, text: string) {
  await until(() => errorAt(`[data-testid=${testId}]`) === text).catch(() => undefined)
  expect(errorAt(`[data-testid=${testId}]`)).toBe(text)
}
const rows = (w: VueWrapper) => w.findAll('[data-testid=proposal-row]')
const titles = (w: VueWrapper) => rows(w).map((r) => r.find('[data-testid=proposal-cell-title]').text())
function row(w: VueWrapper, title: string) {
  const found = rows(w).find((r) => r.find('[data-testid=proposal-cell-title]').text() === title)
  if (!found) throw new Error(`no row for ${title}: ${titles(w).join(', ')}`)
  return found
}
const cell = (w: VueWrapper, title: string, what: string) => row(w, title).find(`[data-testid=proposal-cell-${what}]`).text()

async function tab(w: VueWrapper, name: string) {
  await w.find(`[data-testid=approvals-tab-${name}]`).trigger('click')
  await until(() => w.find('.el-tabs__item.is-active').text().startsWith(w.find(`[data-testid=approvals-tab-${name}]`).text()))
  if (name !== 'chains') await until(() => w.find('[data-testid=proposal-table]').exists() && !w.find('.list .el-loading-mask').exists())
}

/** Opens a proposal from the list: its detail in the drawer. */
async function openRow(w: VueWrapper, title: string) {
  await row(w, title).find('[data-testid=proposal-open]').trigger('click')
  await until(() => w.find('[data-testid=proposal-detail-title]').exists() && w.find('[data-testid=proposal-detail-title]').text() === title)
}

const detail = (w: VueWrapper, what: string) => w.find(`[data-testid=proposal-${what}]`).text()
/** The chain as shown: who decides each step, and where it stands. */
const steps = (w: VueWrapper) =>
  w.findAll('[data-testid=proposal-step]').map((s) => [s.find('[data-testid=proposal-step-who]').text(), s.find('[data-testid=proposal-step-state]').text()])

/** The Element Plus selects whose root carries `testId`, in page order. */
function selectsOf(w: VueWrapper, testId: string) {
  return w.findAllComponents(ElSelect).filter((s) => s.attributes('data-testid') === testId)
}
const choose = (w: VueWrapper, testId: string, value: unknown, index = 0) => selectsOf(w, testId)[index].vm.$emit('update:modelValue', value)

/** Picks a customer in the dialog as a person does: types part of the name, clicks the book's answer. */
async function pickCustomer(typed: string, name: string) {
  await body().find('[data-testid=proposal-customer] input').setValue(typed)
  const option = () => [...document.body.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent?.startsWith(name)) as HTMLElement | undefined
  await until(() => option() !== undefined)
  option()!.click()
  await until(() => (body().find('[data-testid=proposal-customer]').text() || '').includes(name))
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i

/** A proposal written straight through the book (for tests about what follows). */
async function propose(backend: TestBook, input: Omit<ProposalInput, 'submit'>) {
  return backend.saveProposal({ ...input, submit: true })
}

describe('approvals page', () => {
  it('lets head office set the chains: levels in order, and other levels above an amount', async () => {
    const backend = await world('office')
    const w = await mountPage(backend)
    expect(w.findAll('[data-testid^=approvals-tab-]').map((t) => t.text())).toEqual(['待我审批', '我的申请', '我审批过的', '全部', '审批流程'])
    await tab(w, 'chains')
    await until(() => w.findAll('[data-testid=chain-row]').length === 4)
    const chainRow = (kind: string) => w.find(`[data-testid=chain-row][data-kind=${kind}]`)
    const current = (kind: string) => chainRow(kind).find('[data-testid=chain-current]').text()
    // Without a chain the book uses the direct manager, then head office; a card's lifecycle may be set directly.
    expect(current('open_customer')).toBe('未设置：可直接修改客户状态；提交的申请由直属经理、总部依次审批')
    expect(current('promotion')).toBe('未设置：由直属经理、总部依次审批')

    // Opening a customer: the direct manager, then head office, in the order chosen.
    choose(w, 'chain-levels', ['manager', 'office'], 0)
    await chainRow('open_customer').find('[data-testid=chain-save]').trigger('click')
    await until(() => current('open_customer') === '直属经理 → 总部')

    // Promotions: a threshold needs the levels above it; the book says so next to the threshold.
    choose(w, 'chain-levels', ['manager'], 3)
    await chainRow('promotion').find('input[data-testid=chain-threshold]').setValue('50000')
    await chainRow('promotion').find('[data-testid=chain-save]').trigger('click')
    await until(() => errorAt('[data-testid=chain-row][data-kind=promotion] [data-testid=chain-threshold]') !== '')
    await until(() => errorAt('[data-testid=chain-row][data-kind=promotion] [data-testid=chain-threshold]') === '金额门槛和超过门槛时的审批层级要一起填写').catch(() => undefined)
    expect(errorAt('[data-testid=chain-row][data-kind=promotion] [data-testid=chain-threshold]')).toBe('金额门槛和超过门槛时的审批层级要一起填写')
    expect((await backend.approvalChains()).map((c) => c.kind)).toEqual(['open_customer'])

    choose(w, 'chain-above', ['manager', 'next', 'office'], 3)
    await chainRow('promotion').find('[data-testid=chain-save]').trigger('click')
    await until(() => current('promotion') !== '未设置：由直属经理、总部依次审批')
    expect(current('promotion')).toBe('直属经理；超过 50,000.00 元时：直属经理 → 上一级经理 → 总部')
    // The page takes yuan; the book keeps fen.
    expect(await backend.approvalChains()).toEqual([
      { kind: 'open_customer', levels: ['manager', 'office'], threshold: null, aboveLevels: null },
      { kind: 'promotion', levels: ['manager'], threshold: 5_000_000, aboveLevels: ['manager', 'next', 'office'] },
    ])
    expect(bodyText()).not.toMatch(UUID)
  })

  it("takes a rep's proposal to open a prospect up its chain: the manager, then head office, and the card becomes active", async () => {
    const backend = await world('office', [{ name: '华星农业', lifecycle: 'prospect' }])
    const [card] = backend.customers
    await backend.setApprovalChain({ kind: 'open_customer', levels: ['manager', 'office'] })

    // 王强 proposes it from the new-proposal dialog.
    await backend.actAs('rep')
    let w = await mountPage(backend)
    // Nothing waits for a rep's decision: the page opens on their own proposals.
    expect(w.find('.el-tabs__item.is-active').text()).toBe('我的申请')
    expect(w.find('[data-testid=approvals-tab-all]').exists()).toBe(false)
    expect(w.find('[data-testid=approvals-tab-chains]').exists()).toBe(false)
    await w.find('[data-testid=proposal-new]').trigger('click')
    await until(() => body().find('input[data-testid=proposal-title]').exists())
    await body().find('[data-testid=proposal-kind] [data-kind=open_customer] input').setValue(true)
    await pickCustomer('华星', '华星农业')
    await body().find('input[data-testid=proposal-title]').setValue('华星农业开户')
    await body().find('textarea[data-testid=proposal-form-reason]').setValue('已合作三个月，回款及时')
    await body().find('[data-testid=proposal-submit]').trigger('click')
    await until(() => rows(w).length === 1)
    expect(cell(w, '华星农业开户', 'kind')).toBe('开户')
    expect(cell(w, '华星农业开户', 'customer')).toBe('华星农业')
    expect(cell(w, '华星农业开户', 'proposer')).toBe('王强')
    expect(cell(w, '华星农业开户', 'amount')).toBe('—')
    expect(cell(w, '华星农业开户', 'status')).toBe('审批中')
    expect(cell(w, '华星农业开户', 'waiting')).toBe('潍坊区')
    // Submitted today, in business time.
    expect(cell(w, '华星农业开户', 'submitted')).toMatch(/^2026-11-22 1\d:\d\d$/)
    // The new proposal opens: its chain, the first step waiting; the proposer does not decide it.
    await until(() => w.find('[data-testid=proposal-detail-title]').exists())
    expect(steps(w)).toEqual([
      ['潍坊区', '等待审批'],
      ['总部', '尚未轮到'],
    ])
    expect(w.find('[data-testid=proposal-decide]').exists()).toBe(false)
    expect(w.find('[data-testid=proposal-withdraw]').exists()).toBe(true)
    expect(bodyText()).not.toMatch(UUID)

    // 李敏, the regional manager, finds it waiting for her.
    await backend.actAs('manager')
    w = await mountPage(backend)
    expect(w.find('.el-tabs__item.is-active').text()).toContain('待我审批')
    expect(w.find('[data-testid=approvals-badge]').text()).toBe('1')
    expect(titles(w)).toEqual(['华星农业开户'])
    await openRow(w, '华星农业开户')
    expect(detail(w, 'detail-reason')).toBe('已合作三个月，回款及时')
    expect(w.find('[data-testid=card-lifecycle]').text()).toBe('潜在客户')

    // A return without a reason: the book refuses it, its words next to the reason, and nothing changes.
    await w.find('[data-testid=proposal-return]').trigger('click')
    await until(() => errorUnder(w, 'proposal-reason') !== '')
    await expectError('proposal-reason', '退回修改或驳回时请说明原因，申请人会据此修改')
    const unchanged = (await backend.proposals('to_decide', 10))[0]
    expect(unchanged).toMatchObject({ status: 'pending', waitingStep: 1, waitingUnit: '潍坊区' })
    expect((await backend.proposal(unchanged.id)).trail).toEqual([])

    // She approves: the proposal goes on to head office.
    await w.find('textarea[data-testid=proposal-reason]').setValue('同意开户')
    await w.find('[data-testid=proposal-approve]').trigger('click')
    await until(() => steps(w)[0][1] === '同意：李敏')
    expect(steps(w)[1]).toEqual(['总部', '等待审批'])
    expect(w.find('[data-testid=proposal-step-reason]').text()).toBe('意见：同意开户')
    expect(w.find('[data-testid=proposal-decide]').exists()).toBe(false)
    await until(() => rows(w).length === 0)
    expect(w.find('[data-testid=approvals-badge]').exists()).toBe(false)
    await tab(w, 'decided')
    expect(cell(w, '华星农业开户', 'waiting')).toBe('总部')

    // Head office approves the last step: the card is opened at head office.
    await backend.actAs('office')
    w = await mountPage(backend)
    expect(titles(w)).toEqual(['华星农业开户'])
    await openRow(w, '华星农业开户')
    await w.find('[data-testid=proposal-approve]').trigger('click')
    await until(() => detail(w, 'detail-status') === '已通过')
    expect(detail(w, 'effect')).toBe('已生效')
    expect(steps(w)).toEqual([
      ['潍坊区', '同意：李敏'],
      ['总部', '同意：赵总'],
    ])
    expect(w.findAll('[data-testid=proposal-trail-entry]')).toHaveLength(2)
    expect((await backend.getCustomer(card)).fields.lifecycle).toBe('active')
    await until(() => w.find('[data-testid=card-lifecycle]').text() === '活跃')
    expect(bodyText()).not.toMatch(UUID)
  })

  it('lets head office decide a step waiting for a manager, from the list of all proposals', async () => {
    const backend = await world('office', ['绿丰农资'])
    const [card] = backend.customers
    await backend.setApprovalChain({ kind: 'credit_limit', levels: ['manager'] })
    await backend.actAs('rep')
    await propose(backend, { kind: 'credit_limit', customerId: card, title: '绿丰农资额度调至 8 万', reason: '旺季备货', terms: { creditLimit: 8_000_000 } })

    await backend.actAs('office')
    const w = await mountPage(backend)
    // The step is the manager's: not in head office's inbox, but head office may decide it.
    expect(w.find('.el-tabs__item.is-active').text()).toBe('我的申请')
    await tab(w, 'all')
    expect(cell(w, '绿丰农资额度调至 8 万', 'amount')).toBe('80,000.00')
    expect(cell(w, '绿丰农资额度调至 8 万', 'waiting')).toBe('潍坊区')
    await openRow(w, '绿丰农资额度调至 8 万')
    expect(w.find('[data-testid=terms-limit]').text()).toBe('80,000.00 元')
    expect(w.find('[data-testid=card-credit-limit]').exists()).toBe(true)
    await w.find('[data-testid=proposal-approve]').trigger('click')
    await until(() => detail(w, 'detail-status') === '已通过')
    expect(detail(w, 'effect')).toBe('已生效')
    expect(steps(w)).toEqual([['潍坊区', '同意：赵总']])
    expect((await backend.customerCredit(card)).limit).toBe(8_000_000)
    await until(() => cell(w, '绿丰农资额度调至 8 万', 'status') === '已通过')
  })

  it("on a manager's laptop, an approved proposal takes effect with head office's next file", async () => {
    const backend = await world('office', ['绿丰农资'])
    const [card] = backend.customers
    await backend.setApprovalChain({ kind: 'credit_limit', levels: ['manager'] })
    await backend.actAs('rep')
    await propose(backend, { kind: 'credit_limit', customerId: card, title: '绿丰农资额度', terms: { creditLimit: 3_000_000 } })

    await backend.actAs('manager')
    let w = await mountPage(backend)
    await openRow(w, '绿丰农资额度')
    await w.find('[data-testid=proposal-approve]').trigger('click')
    await until(() => detail(w, 'detail-status') === '已通过')
    expect(detail(w, 'effect')).toBe('已通过，待总部同步后生效')

    // A round of files: head office applies it, and the laptop hears back.
    await backend.actAs('manager')
    w = await mountPage(backend)
    await tab(w, 'decided')
    expect(cell(w, '绿丰农资额度', 'effect')).toBe('已生效')
    await openRow(w, '绿丰农资额度')
    expect(detail(w, 'effect')).toBe('已生效')
    expect((await backend.customerCredit(card)).limit).toBe(3_000_000)
  })

  it('lets the proposer change a returned proposal and submit it again; the earlier decision stays in the trail', async () => {
    const backend = await world('office', ['绿丰农资'])
    const [card] = backend.customers
    await backend.actAs('rep')
    const first = await propose(backend, { kind: 'credit_limit', customerId: card, title: '绿丰农资额度', terms: { creditLimit: 5_000_000 } })
    await backend.actAs('manager')
    await backend.decideProposal({ proposalId: first.row.id, revision: first.row.revision, verdict: 'return', reason: '额度偏高，请核实销量' })

    await backend.actAs('rep')
    const w = await mountPage(backend)
    expect(cell(w, '绿丰农资额度', 'status')).toBe('已退回')
    expect(cell(w, '绿丰农资额度', 'waiting')).toBe('—')
    await openRow(w, '绿丰农资额度')
    expect(w.findAll('[data-testid=proposal-trail-entry]').map((e) => e.text())).toEqual([expect.stringContaining('退回修改：李敏')])
    expect(w.find('[data-testid=proposal-trail]').text()).toContain('意见：额度偏高，请核实销量')

    await w.find('[data-testid=proposal-resubmit]').trigger('click')
    await until(() => body().find('input[data-testid=proposal-credit-limit]').exists())
    // The form holds the proposal as it was, in yuan; kind and customer stay.
    expect((body().find('input[data-testid=proposal-credit-limit]').element as HTMLInputElement).value).toBe('50,000')
    expect(body().find('[data-testid=proposal-save-draft]').exists()).toBe(false)
    await body().find('input[data-testid=proposal-credit-limit]').setValue('40000')
    await body().find('[data-testid=proposal-submit]').trigger('click')
    await until(() => detail(w, 'detail-status') === '审批中')
    expect(steps(w)[0]).toEqual(['潍坊区', '等待审批'])
    // The return belongs to the version before the change.
    expect(w.find('[data-testid=proposal-trail-entry] [data-testid=proposal-trail-earlier]').text()).toBe('修改前')
    expect(w.find('[data-testid=terms-limit]').text()).toBe('40,000.00 元')
    await until(() => cell(w, '绿丰农资额度', 'status') === '审批中')
    const now = (await backend.proposals('mine', 10))[0]
    expect(now).toMatchObject({ status: 'pending', amount: 4_000_000, revision: 2 })
    // Revisions are the book's: the page never shows their numbers, nor ids.
    expect(bodyText()).not.toMatch(UUID)
  })

  it('lets the proposer withdraw a proposal still in its chain', async () => {
    const backend = await world('rep', ['绿丰农资'])
    await propose(backend, { kind: 'eliminate', customerId: backend.customers[0], title: '淘汰绿丰农资', reason: '长期不进货', terms: { openOrders: 'keep' } })
    const w = await mountPage(backend)
    await openRow(w, '淘汰绿丰农资')
    expect(w.find('[data-testid=terms-orders]').text()).toBe('保留该客户未完成的订单')
    await w.find('[data-testid=proposal-withdraw]').trigger('click')
    await until(() => document.body.querySelector('.el-message-box__btns .el-button--primary') !== null)
    ;(document.body.querySelector('.el-message-box__btns .el-button--primary') as HTMLElement).click()
    await until(() => detail(w, 'detail-status') === '已撤回')
    expect(w.find('[data-testid=proposal-withdraw]').exists()).toBe(false)
    expect(steps(w)).toEqual([
      ['潍坊区', '不再审批'],
      ['总部', '不再审批'],
    ])
    await until(() => cell(w, '淘汰绿丰农资', 'status') === '已撤回')
    expect((await backend.proposals('mine', 10))[0].status).toBe('withdrawn')
  })

  it('shows the book refusing a decision on a version that changed since it was opened', async () => {
    const backend = await world('office', ['绿丰农资'])
    const [card] = backend.customers
    await backend.actAs('rep')
    const first = await propose(backend, { kind: 'credit_limit', customerId: card, title: '绿丰农资额度', terms: { creditLimit: 5_000_000 } })
    await backend.actAs('office')
    const w = await mountPage(backend)
    await tab(w, 'all')
    await openRow(w, '绿丰农资额度')
    // Meanwhile the rep changes it (a new version), and head office gets it.
    await backend.actAs('rep')
    await propose(backend, { id: first.row.id, kind: 'credit_limit', customerId: card, title: '绿丰农资额度', terms: { creditLimit: 4_000_000 } })
    await backend.actAs('office')
    await w.find('[data-testid=proposal-approve]').trigger('click')
    await until(() => w.find('[data-testid=proposal-decide-error]').exists())
    expect(w.find('[data-testid=proposal-decide-error]').text()).toContain('申请在你打开后已被修改，请查看新版本后重新审批')
    expect((await backend.proposal(first.row.id)).trail).toEqual([])
    await w.find('[data-testid=proposal-reload]').trigger('click')
    await until(() => w.find('[data-testid=terms-limit]').text() === '40,000.00 元')
    expect(w.find('[data-testid=proposal-decide-error]').exists()).toBe(false)
  })

  it('shows the Chinese texts of the book refusing a proposal as typed, and a promotion plan with its terms', async () => {
    const backend = await world('rep')
    const w = await mountPage(backend)
    await w.find('[data-testid=proposal-new]').trigger('click')
    await until(() => body().find('input[data-testid=proposal-title]').exists())
    await body().find('[data-testid=proposal-kind] [data-kind=eliminate] input').setValue(true)
    await body().find('[data-testid=proposal-submit]').trigger('click')
    await until(() => errorUnder(w, 'proposal-title') !== '')
    await expectError('proposal-title', '请填写标题')

    await body().find('input[data-testid=proposal-title]').setValue('淘汰')
    await body().find('[data-testid=proposal-submit]').trigger('click')
    await until(() => errorUnder(w, 'proposal-customer') !== '')
    await expectError('proposal-customer', '请选择客户')
    await expectError('proposal-form-reason', '请说明淘汰该客户的原因')
    await expectError('proposal-open-orders', '请选择如何处理该客户未完成的订单')
    expect(await backend.proposals('mine', 10)).toEqual([])

    // A promotion plan: its own terms and a budget in yuan.
    await body().find('[data-testid=proposal-kind] [data-kind=promotion] input').setValue(true)
    await until(() => body().find('input[data-testid=proposal-budget]').exists())
    expect(body().find('[data-testid=proposal-customer]').exists()).toBe(false)
    await body().find('input[data-testid=proposal-title]').setValue('冬季促销')
    await body().find('input[data-testid=promotion-name]').setValue('冬储让利')
    await body().find('input[data-testid=proposal-budget]').setValue('abc')
    await body().find('[data-testid=proposal-submit]').trigger('click')
    await until(() => errorUnder(w, 'proposal-budget') !== '')
    await expectError('proposal-budget', '请输入金额（元）')
    await body().find('input[data-testid=proposal-budget]').setValue('20000')
    await body().find('[data-testid=proposal-submit]').trigger('click')
    // No product, no offer, no dates: each said next to its field.
    await until(() => errorUnder(w, 'promotion-product') !== '')
    await expectError('promotion-way', '请选择优惠方式：折扣或赠品，二者选一')
    await expectError('promotion-from-item', '请选择开始日期')
    await expectError('proposal-budget', '')
    expect(await backend.proposals('mine', 10)).toEqual([])
    expect(bodyText()).not.toMatch(UUID)
  })

  it('speaks English when the user chose it', async () => {
    const backend = await world('rep', ['绿丰农资'])
    await propose(backend, { kind: 'credit_limit', customerId: backend.customers[0], title: '额度', terms: { creditLimit: 100_000 } })
    const w = await mountPage(backend, 'en')
    expect(w.findAll('[data-testid^=approvals-tab-]').map((t) => t.text())).toEqual(['To decide', 'My proposals', 'Decided by me'])
    expect(cell(w, '额度', 'kind')).toBe('Credit limit')
    expect(cell(w, '额度', 'status')).toBe('Under approval')
    expect(cell(w, '额度', 'waiting')).toBe('潍坊区')
  })
})

describe('approvals in the app', () => {
  it("is in everyone's navigation, and a proposal's card opens from it", async () => {
    const backend = await world('rep', [{ name: '华星农业', lifecycle: 'prospect' }])
    await propose(backend, { kind: 'open_customer', customerId: backend.customers[0], title: '华星农业开户', terms: {} })
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    await until(() => w.find('[data-testid=new-customer]').exists())
    expect(w.find('[data-testid=nav-approvals]').text()).toBe('审批')
    await w.find('[data-testid=nav-approvals]').trigger('click')
    await until(() => rows(w).length === 1)
    expect(w.find('[data-testid=nav-approvals]').classes()).toContain('active')
    await openRow(w, '华星农业开户')
    await w.find('[data-testid=proposal-open-card]').trigger('click')
    await until(() => w.find('[data-testid=card-title]').exists())
    expect(w.find('[data-testid=card-title]').text()).toBe('华星农业')
    // Back from the card leads to the approvals.
    await w.find('[data-testid=back-to-list]').trigger('click')
    await until(() => rows(w).length === 1)
  })

  it('proposes from the customer card, with the customer set', async () => {
    const backend = await world('rep', [{ name: '华星农业', lifecycle: 'prospect' }])
    const [card] = backend.customers
    ;({ wrapper } = await mountWith(CustomerCard, backend, { id: card }))
    const w = wrapper
    await until(() => w.find('[data-testid=card-title]').exists())
    await w.find('[data-testid=card-propose-button]').trigger('click')
    await until(() => body().find('[data-testid=card-propose-open_customer]').exists())
    expect(body().findAll('[data-testid^=card-propose-]').map((e) => e.text())).toContain('申请开户')
    await body().find('[data-testid=card-propose-open_customer]').trigger('click')
    await until(() => body().find('input[data-testid=proposal-title]').exists())
    expect(body().find('[data-testid=proposal-kind] .is-active').text()).toBe('开户')
    await body().find('input[data-testid=proposal-title]').setValue('华星农业开户')
    await body().find('[data-testid=proposal-submit]').trigger('click')
    await until(() => bodyText().includes('已提交审批'))
    const [mine] = await backend.proposals('mine', 10)
    expect(mine).toMatchObject({ kind: 'open_customer', customerName: '华星农业', status: 'pending' })
    expect(bodyText()).not.toMatch(UUID)
  })
})
