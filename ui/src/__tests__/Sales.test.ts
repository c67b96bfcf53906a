import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import SalesPage from '../views/SalesPage.vue'
import ImportPage from '../views/ImportPage.vue'
import CustomerList from '../views/CustomerList.vue'
import CustomerCard from '../views/CustomerCard.vue'
import App from '../App.vue'
import { existsSync } from 'node:fs'
import { customerQuery } from '../backend/types'
import type { ApiError, OrgUnit } from '../generated/bindings'
import { flushPromises } from '@vue/test-utils'
import { errorUnder, mountWith, until } from './helpers'
import { TestBook } from './testBook'

let wrapper: VueWrapper | undefined

/** The computer's clock: the books' today, so the default period is 2025-12-01 to 2026-11-22. */
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-11-22T10:00:00Z'))
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.useRealTimers()
  document.body.innerHTML = ''
})

const PERIOD = { from: '2025-12-01', to: '2026-11-22' }

/**
 * Three customers in two regions, with sales of 100,000 yuan in the period:
 * 华星农业 (grade A, credit C: limit 50,000 yuan) 60,000 in one month;
 * 绿丰农资 (B) 30,000; 兰山农资 (C, in 临沂区, 赵刚's) 10,000, down from 20,000 a year before.
 * Head office's book: the catalogue saved there, the lines imported there from
 * a real csv file (fixture `sales_world`), a round of files sent.
 */
async function salesBook() {
  const backend = await TestBook.create({ as: 'office' })
  const made = await backend.fixture<{ ids: Record<string, string>; units: OrgUnit[] }>('sales_world')
  const id = (name: string) => made.ids[name]
  const unit = (name: string) => made.units.find((u) => u.name === name)!.id
  return { backend, id, unit }
}

/** A rep's book with these cards and the catalogue head office sent. */
async function repWithCatalogue(customers: string[]) {
  const backend = await TestBook.create({ customers })
  await backend.fixture('sales_catalogue')
  return backend
}

const cell = (w: VueWrapper, testId: string, attr: string, value: string) => w.find(`[data-testid=${testId}][data-${attr}="${value}"]`)


describe('sales analysis', () => {
  it("shows each grade's revenue and share of the period's sales, and how many customers make 80 %", async () => {
    const { backend } = await salesBook()
    const byGrade = vi.spyOn(backend, 'salesByGrade')
    ;({ wrapper } = await mountWith(SalesPage, backend))
    const w = wrapper
    await until(() => w.find('[data-testid=grade-table]').exists() && cell(w, 'grade-revenue', 'grade', 'A').exists())
    // The default period: the twelve months up to today's.
    expect(byGrade).toHaveBeenCalledWith(PERIOD)
    expect(w.find('[data-testid=sales-overview]').text()).toContain('共 5 条销售明细（2025-07-01 至 2026-07-01）')
    // 60,000 + 30,000 + 10,000 yuan; last year's 20,000 of 兰山农资 lies outside the period.
    expect(cell(w, 'grade-revenue', 'grade', 'A').text()).toBe('60,000.00')
    expect(cell(w, 'grade-share', 'grade', 'A').text()).toBe('60.0%')
    expect(cell(w, 'grade-revenue', 'grade', 'B').text()).toBe('30,000.00')
    expect(cell(w, 'grade-share', 'grade', 'B').text()).toBe('30.0%')
    expect(cell(w, 'grade-revenue', 'grade', 'C').text()).toBe('10,000.00')
    expect(cell(w, 'grade-revenue', 'grade', 'D').text()).toBe('0.00')
    // The two largest customers make 90 %, the first alone 60 %: two are needed for 80 %.
    expect(w.find('[data-testid=analysis-grades] [data-testid=analysis-summary]').text()).toBe('销售额 100,000.00 元，3 个客户购买；前 2 个客户贡献 80% 的销售额')
    expect(w.find('[data-testid=analysis-grades] [data-testid=chart] svg').exists()).toBe(true)
  })

  it('says it is calculating, never "no sales", until the answer arrives, and asks for the analysis beside the overview', async () => {
    const { backend } = await salesBook()
    let answer: (() => void) | undefined
    const held = new Promise<void>((done) => (answer = done))
    const real = backend.salesByGrade.bind(backend)
    const byGrade = vi.spyOn(backend, 'salesByGrade').mockImplementation(async (q) => {
      const out = await real(q)
      await held
      return out
    })
    const overview = vi.spyOn(backend, 'salesOverview')
    ;({ wrapper } = await mountWith(SalesPage, backend))
    const w = wrapper
    await until(() => byGrade.mock.calls.length === 1)
    // Both asked at once: the analysis does not wait for the overview.
    expect(overview).toHaveBeenCalledTimes(1)
    await until(() => w.find('[data-testid=sales-overview]').exists())
    expect(w.find('[data-testid=analysis-grades] [data-testid=analysis-loading]').text()).toContain('正在计算')
    expect(w.find('[data-testid=analysis-grades] [data-testid=analysis-none]').exists()).toBe(false)
    expect(w.text()).not.toContain('该期间没有销售')
    answer!()
    await until(() => w.find('[data-testid=grade-table]').exists())
    expect(w.find('[data-testid=analysis-loading]').exists()).toBe(false)
  })

  it('drills the regions down from head office to the province, comparing with last year, and back up by the breadcrumbs', async () => {
    const { backend, unit } = await salesBook()
    const [sd, wf, ly] = [unit('山东省'), unit('潍坊区'), unit('临沂区')]
    ;({ wrapper } = await mountWith(SalesPage, backend))
    const w = wrapper
    await w.find('[data-testid=sales-tab-regions]').trigger('click')
    await until(() => cell(w, 'region-drill', 'id', sd).exists())
    // Head office sees one part, the province, with all of it.
    expect(w.findAll('[data-testid=region-table] tbody tr')).toHaveLength(1)
    expect(cell(w, 'region-revenue', 'id', sd).text()).toBe('100,000.00')
    expect(w.find('[data-testid=region-current]').text()).toBe('华丰农资总部')

    await cell(w, 'region-drill', 'id', sd).trigger('click')
    await until(() => cell(w, 'region-revenue', 'id', ly).exists())
    expect(cell(w, 'region-revenue', 'id', wf).text()).toBe('90,000.00')
    expect(cell(w, 'region-revenue', 'id', ly).text()).toBe('10,000.00')
    // 临沂区 sold 10,000 against 20,000 in the same months last year.
    const lyRow = w.findAll('[data-testid=region-table] tbody tr').find((r) => r.text().includes('临沂区'))!
    expect(lyRow.text()).toContain('20,000.00')
    expect(lyRow.text()).toContain('-50.0%')
    expect(w.find('[data-testid=region-current]').text()).toBe('山东省')
    expect(w.findAll('[data-testid=region-crumb]').map((c) => c.text())).toEqual(['华丰农资总部'])

    await w.find('[data-testid=region-crumb]').trigger('click')
    await until(() => w.find('[data-testid=region-current]').text() === '华丰农资总部')
    expect(cell(w, 'region-drill', 'id', sd).exists()).toBe(true)
  })

  it('exports the analysis shown to the path the user picks, drilled-down unit included', async () => {
    const { backend, unit } = await salesBook()
    const [sd, ly] = [unit('山东省'), unit('临沂区')]
    const exported = vi.spyOn(backend, 'exportAnalysis')
    const [grades, province] = [`${backend.folder}/等级构成.xlsx`, `${backend.folder}/山东省.xlsx`]
    backend.picks.push(null, grades, province)
    ;({ wrapper } = await mountWith(SalesPage, backend))
    const w = wrapper
    await until(() => w.find('[data-testid=analysis-grades] [data-testid=export-analysis]').exists())

    // A cancelled save dialog writes nothing.
    await w.find('[data-testid=analysis-grades] [data-testid=export-analysis]').trigger('click')
    await until(() => backend.picks.length === 2)
    expect(exported).not.toHaveBeenCalled()

    await w.find('[data-testid=analysis-grades] [data-testid=export-analysis]').trigger('click')
    await until(() => exported.mock.calls.length === 1)
    expect(exported).toHaveBeenCalledWith('grades', PERIOD, grades)
    await until(() => document.body.textContent!.includes(`已导出到 ${grades}`))
    expect(existsSync(grades)).toBe(true)

    await w.find('[data-testid=sales-tab-regions]').trigger('click')
    await until(() => cell(w, 'region-drill', 'id', sd).exists())
    await cell(w, 'region-drill', 'id', sd).trigger('click')
    await until(() => cell(w, 'region-revenue', 'id', ly).exists())
    await w.find('[data-testid=analysis-regions] [data-testid=export-analysis]').trigger('click')
    await until(() => exported.mock.calls.length === 2)
    expect(exported).toHaveBeenLastCalledWith('regions', { ...PERIOD, unitId: sd }, province)
    await until(() => document.body.textContent!.includes(`已导出到 ${province}`))
    expect(existsSync(province)).toBe(true)
  })

  it('lists the credit grades with the customers over their limit, and the customers buying less than last year', async () => {
    const { backend } = await salesBook()
    ;({ wrapper } = await mountWith(SalesPage, backend))
    const w = wrapper
    await w.find('[data-testid=sales-tab-credit]').trigger('click')
    await until(() => w.find('[data-testid=over-limit] tbody tr').exists() && w.find('[data-testid=over-limit] tbody tr').text() !== '')
    // 华星农业 bought 60,000 in March against a limit of 50,000: 120 % of it.
    const over = w.find('[data-testid=over-limit] tbody tr')
    expect(over.text()).toContain('华星农业')
    expect(over.text()).toContain('50,000.00')
    expect(over.text()).toContain('120.0%')
    expect(over.find('[data-testid=over-use]').exists()).toBe(true) // in red
    expect(cell(w, 'credit-over', 'grade', 'C').text()).toBe('1')
    expect(cell(w, 'credit-over', 'grade', 'B').text()).toBe('0')

    await w.find('[data-testid=sales-tab-growth]').trigger('click')
    await until(() => w.find('[data-testid=growth-customer]').exists())
    expect(w.findAll('[data-testid=growth-customer]').map((c) => c.text())).toEqual(['兰山农资'])
    expect(w.find('[data-testid=analysis-growth] [data-testid=analysis-summary]').text()).toContain('比去年共少 10,000.00 元')
  })

  it('says so when the book has no sales lines yet', async () => {
    const backend = await repWithCatalogue(['华星农业'])
    const byGrade = vi.spyOn(backend, 'salesByGrade')
    ;({ wrapper } = await mountWith(SalesPage, backend))
    const w = wrapper
    await until(() => w.find('[data-testid=sales-empty]').exists())
    expect(w.find('[data-testid=sales-empty]').text()).toContain('还没有销售数据：总部导入销售明细后这里会显示分析')
    // The analysis was asked beside the overview; its answer, an empty period, is not shown over the book's.
    await until(() => byGrade.mock.settledResults.length === 1)
    await flushPromises()
    expect(w.find('[data-testid=analysis-grades]').exists()).toBe(false)
    // The catalogue is there all the same: four products, prices in yuan.
    await w.find('[data-testid=sales-tab-catalogue]').trigger('click')
    await until(() => cell(w, 'catalogue-price', 'code', 'FH-45').exists())
    expect(cell(w, 'catalogue-price', 'code', 'FH-45').text()).toBe('160.00')
    expect(w.find('[data-testid=catalogue-count]').text()).toBe('共 4 个产品')
  })

  it('lets head office add a product, its price typed in yuan and kept in fen', async () => {
    const { backend } = await salesBook()
    const save = vi.spyOn(backend, 'saveProduct')
    ;({ wrapper } = await mountWith(SalesPage, backend))
    const w = wrapper
    await w.find('[data-testid=sales-tab-catalogue]').trigger('click')
    await until(() => w.find('[data-testid=product-add]').exists())
    await w.find('[data-testid=product-add]').trigger('click')
    await until(() => w.find('[data-testid=product-dialog] [data-testid=product-save]').isVisible())
    await w.find('[data-testid=product-code]').setValue('XY-01')
    await w.find('[data-testid=product-line]').setValue('叶面肥')
    const price = w.find('[data-testid=product-price] input')
    await price.setValue('12.5')
    await price.trigger('change')
    // Without a name the book refuses it, and says so under the name.
    await w.find('[data-testid=product-save]').trigger('click')
    await until(() => errorUnder(w, 'product-name') !== '')
    expect(errorUnder(w, 'product-name')).toBe('必填')
    expect(cell(w, 'catalogue-price', 'code', 'XY-01').exists()).toBe(false)

    await w.find('[data-testid=product-name]').setValue('新叶宝')
    await w.find('[data-testid=product-save]').trigger('click')
    await until(() => cell(w, 'catalogue-price', 'code', 'XY-01').exists())
    expect(save.mock.calls[1][0]).toEqual({ code: 'XY-01', name: '新叶宝', line: '叶面肥', unit: '件', listPrice: 1250 })
    expect(cell(w, 'catalogue-price', 'code', 'XY-01').text()).toBe('12.50')
    expect(w.find('[data-testid=catalogue-count]').text()).toBe('共 5 个产品')
    await until(() => document.body.textContent!.includes('已保存产品“新叶宝”'))
  })

  it("lets head office rename a product, its code fixed and price kept; a rep only reads the catalogue", async () => {
    const { backend } = await salesBook()
    ;({ wrapper } = await mountWith(SalesPage, backend))
    const w = wrapper
    await w.find('[data-testid=sales-tab-catalogue]').trigger('click')
    await until(() => cell(w, 'product-edit', 'code', 'FH-45').exists())
    await cell(w, 'product-edit', 'code', 'FH-45').trigger('click')
    await until(() => w.find('[data-testid=product-dialog] [data-testid=product-save]').isVisible())
    expect((w.find('[data-testid=product-code]').element as HTMLInputElement).disabled).toBe(true)
    expect((w.find('[data-testid=product-price] input').element as HTMLInputElement).value).toBe('160.00')
    await w.find('[data-testid=product-name]').setValue('复合肥 45% 新包装')
    await w.find('[data-testid=product-save]').trigger('click')
    const row = () => w.findAll('[data-testid=catalogue-table] tbody tr').find((r) => r.text().includes('FH-45'))!
    await until(() => row().text().includes('复合肥 45% 新包装'))
    expect(cell(w, 'catalogue-price', 'code', 'FH-45').text()).toBe('160.00')
    expect((await backend.products()).find((p) => p.code === 'FH-45')).toMatchObject({ name: '复合肥 45% 新包装', line: '复合肥', unit: '袋', caseSize: 1, listPrice: 16_000, retired: false })
    wrapper.unmount()

    // The book's own profile is a rep's.
    ;({ wrapper } = await mountWith(SalesPage, await repWithCatalogue(['华星农业'])))
    const w2 = wrapper
    await w2.find('[data-testid=sales-tab-catalogue]').trigger('click')
    await until(() => cell(w2, 'catalogue-price', 'code', 'FH-45').exists())
    expect(w2.find('[data-testid=product-add]').exists()).toBe(false)
    expect(w2.find('[data-testid=product-edit]').exists()).toBe(false)
  })

  it('opens from the header', async () => {
    const { backend } = await salesBook()
    ;({ wrapper } = await mountWith(App, backend, {}, { preload: false }))
    const w = wrapper
    // The header takes the user elsewhere once the book is open (the list is shown).
    await until(() => w.find('[data-testid=nav-customers]').exists() && w.find('[data-testid=nav-customers]').classes('active'))
    await w.find('[data-testid=nav-sales]').trigger('click')
    await until(() => cell(w, 'grade-revenue', 'grade', 'A').exists())
    await w.find('[data-testid=nav-import]').trigger('click')
    await until(() => w.find('[data-testid=import-path] input').exists())
  })
})

/** Writes the wizard's files (客户名单.xlsx, 产品目录.xlsx, 销售明细.csv in GB18030) into the world's folder. */
async function withSpreadsheets(backend: TestBook) {
  await backend.fixture('sales_spreadsheets')
  return { customersFile: `${backend.folder}/客户名单.xlsx`, salesFile: `${backend.folder}/销售明细.csv` }
}

async function readFile(w: VueWrapper, path: string) {
  await w.find('[data-testid=import-path] input').setValue(path)
  await w.find('[data-testid=import-read]').trigger('click')
  await until(() => w.find('[data-testid=import-rows]').exists())
}

const selectOf = (w: VueWrapper, testId: string, attr: string, value: string) =>
  w.findAllComponents({ name: 'ElSelect' }).find((s) => s.attributes('data-testid') === testId && s.attributes(`data-${attr}`) === value)!
const count = (w: VueWrapper, action: string) => w.find(`[data-testid=import-count-${action}]`).attributes('data-count')

describe('import wizard', () => {
  it('reads a file, maps its columns, tries the import, settles a duplicate, then imports', async () => {
    const backend = await TestBook.create({ customers: [{ name: '华星农业', phone: '13800000000' }] })
    const existing = backend.customers[0]
    const { customersFile: CUSTOMERS_FILE } = await withSpreadsheets(backend)
    ;({ wrapper } = await mountWith(ImportPage, backend))
    const w = wrapper
    // A rep imports customers only.
    expect(w.findAll('[data-testid^=import-kind-]').map((k) => k.attributes('data-testid'))).toEqual(['import-kind-customers'])

    await readFile(w, CUSTOMERS_FILE)
    expect(w.find('[data-testid=import-rows]').attributes('data-rows')).toBe('4')
    expect(w.find('[data-testid=import-format]').text()).toContain('XLSX')
    // Another sheet is read again.
    selectOf(w, 'import-sheet', 'testid', 'import-sheet').vm.$emit('update:modelValue', '说明')
    await until(() => w.find('[data-testid=import-rows]').attributes('data-rows') === '1')
    selectOf(w, 'import-sheet', 'testid', 'import-sheet').vm.$emit('update:modelValue', '客户')
    await until(() => w.find('[data-testid=import-rows]').attributes('data-rows') === '4')

    await w.find('[data-testid=import-next]').trigger('click')
    await until(() => w.find('[data-testid=mapping-table]').exists())
    // The headers were recognised; without the name column the dry run cannot start.
    expect(selectOf(w, 'mapping-select', 'column', '0').attributes('data-field')).toBe('name')
    expect(selectOf(w, 'mapping-select', 'column', '2').attributes('data-field')).toBe('owner')
    expect(w.find('[data-testid=import-missing]').exists()).toBe(false)
    selectOf(w, 'mapping-select', 'column', '0').vm.$emit('update:modelValue', '')
    await until(() => w.find('[data-testid=import-missing]').exists())
    expect(w.find('[data-testid=import-missing]').text()).toContain('客户名称')
    expect(w.find('[data-testid=import-dry-run]').attributes('disabled')).toBeDefined()
    selectOf(w, 'mapping-select', 'column', '0').vm.$emit('update:modelValue', 'name')
    await until(() => !w.find('[data-testid=import-missing]').exists())

    const run = vi.spyOn(backend, 'runImport')
    await w.find('[data-testid=import-dry-run]').trigger('click')
    await until(() => w.find('[data-testid=import-counts]').exists())
    expect(run.mock.calls[0][1]).toBe(false)
    // 丰收农资店 is new; 华星农业 matches the card with that name and phone; row 4 has no name, row 5 an unknown rep.
    expect([count(w, 'create'), count(w, 'duplicate'), count(w, 'refuse'), count(w, 'update')]).toEqual(['1', '1', '2', '0'])
    expect(cell(w, 'outcome-problem', 'row', '4').find('[data-testid=outcome-problem-text]').text()).toBe('客户名称*：必填')
    expect(cell(w, 'outcome-problem', 'row', '5').find('[data-testid=outcome-problem-text]').text()).toBe('业务员：没有这个人员')
    // The book's message names the value, under the translation.
    expect(cell(w, 'outcome-problem', 'row', '5').text()).toContain('张三')
    expect(cell(w, 'outcome-action', 'row', '3').attributes('data-action')).toBe('duplicate')
    expect(w.find('[data-testid=import-undecided]').exists()).toBe(true)
    // A dry run writes nothing.
    expect((await backend.searchCustomers(customerQuery())).total).toBe(1)

    selectOf(w, 'duplicate-choice', 'row', '3').vm.$emit('update:modelValue', `update:${existing}`)
    await w.find('[data-testid=import-recheck]').trigger('click')
    await until(() => count(w, 'update') === '1')
    expect(run.mock.calls[1][0].decisions).toEqual([{ row: 3, choice: 'update', customerId: existing }])
    expect(count(w, 'duplicate')).toBe('0')
    expect(cell(w, 'outcome-action', 'row', '3').attributes('data-action')).toBe('update')

    await w.find('[data-testid=import-commit]').trigger('click')
    await until(() => w.find('[data-testid=import-final]').exists())
    expect(run.mock.calls[2][1]).toBe(true)
    expect([count(w, 'create'), count(w, 'update'), count(w, 'refuse')]).toEqual(['1', '1', '2'])
    const names = (await backend.searchCustomers(customerQuery())).rows.map((r) => r.name).sort()
    expect(names).toEqual(['丰收农资店', '华星农业'].sort())
    expect((await backend.getCustomer(existing)).fields.notes).toBe('老客户')

    // The next import of the same file is warned about.
    await w.find('[data-testid=import-again]').trigger('click')
    await readFile(w, CUSTOMERS_FILE)
    expect(w.find('[data-testid=import-previous]').text()).toContain('王强')
  })

  it('finds the header below an ERP export\'s title, lists the rows it leaves out, and asks for the header when none is found', async () => {
    const backend = await TestBook.create({ customers: [] })
    const { customersFile } = await withSpreadsheets(backend)
    const folder = customersFile.slice(0, customersFile.lastIndexOf('/'))
    ;({ wrapper } = await mountWith(ImportPage, backend))
    const w = wrapper
    // The wizard says what an import takes, as the core's reader limits it.
    expect(w.find('[data-testid=import-limits]').text()).toContain('1,048,576 行')
    expect(w.find('[data-testid=import-limits]').text()).toContain('200 MB')
    await readFile(w, `${folder}/ERP导出.xlsx`)
    // The title, the date line, the subtotal, the total and the footnote are no customers.
    expect(selectOf(w, 'import-header-row', 'testid', 'import-header-row').attributes('data-row')).toBe('4')
    expect(w.find('[data-testid=import-rows]').attributes('data-rows')).toBe('3')
    expect(w.find('[data-testid=import-skipped]').attributes('data-count')).toBe('6')
    const reasons = w.findAll('[data-testid=skipped-reason]').map((r) => [r.attributes('data-row'), r.text()])
    expect(reasons).toEqual([
      ['1', '表头上方'],
      ['2', '表头上方'],
      ['7', '合计行'],
      ['8', '空行'],
      ['10', '合计行'],
      ['11', '表尾说明'],
    ])
    await w.find('[data-testid=import-next]').trigger('click')
    await until(() => w.find('[data-testid=mapping-table]').exists())
    await w.find('[data-testid=import-dry-run]').trigger('click')
    await until(() => w.find('[data-testid=import-counts]').exists())
    expect([count(w, 'create'), count(w, 'refuse')]).toEqual(['3', '0'])

    // A file whose headers name nothing: the wizard says so and waits for the header row.
    await w.find('[data-testid=import-back]').trigger('click')
    await w.find('[data-testid=import-back]').trigger('click')
    await readFile(w, `${folder}/无表头.csv`)
    await until(() => w.find('[data-testid=import-no-header]').exists())
    expect(w.find('[data-testid=import-next]').attributes('disabled')).toBeDefined()
    selectOf(w, 'import-header-row', 'testid', 'import-header-row').vm.$emit('update:modelValue', 1)
    await until(() => !w.find('[data-testid=import-no-header]').exists())
    expect(selectOf(w, 'import-header-row', 'testid', 'import-header-row').attributes('data-row')).toBe('1')
    expect(w.find('[data-testid=import-next]').attributes('disabled')).toBeUndefined()
  })

  it('stops a dry run on cancel, saying nothing was imported, and stays on the mapping', async () => {
    const backend = await TestBook.create({ customers: ['华星农业'] })
    const { customersFile: CUSTOMERS_FILE } = await withSpreadsheets(backend)
    // The core checks four rows before a click could stop it: this dry run (a
    // canned reply) waits for the cancel, which goes to the core, and then
    // fails as a cancelled import of the core does.
    const realCancel = backend.cancelImport.bind(backend)
    let cancelled = () => {}
    const stopped = new Promise<void>((done) => (cancelled = done))
    backend.cancelImport = async () => {
      const reply = await realCancel()
      cancelled()
      return reply
    }
    backend.runImport = async (_request, _commit, onProgress) => {
      onProgress?.({ phase: 'checking', done: 0, total: 4 })
      await stopped
      const message = 'the import was cancelled; nothing was imported'
      throw { code: 'invalid', message, problems: [{ field: 'import', code: 'cancelled', message }] } satisfies ApiError
    }
    const cancel = vi.spyOn(backend, 'cancelImport')
    ;({ wrapper } = await mountWith(ImportPage, backend))
    const w = wrapper
    await readFile(w, CUSTOMERS_FILE)
    await w.find('[data-testid=import-next]').trigger('click')
    await until(() => w.find('[data-testid=import-dry-run]').exists())
    await w.find('[data-testid=import-dry-run]').trigger('click')
    // The progress bar is up while the book checks the rows.
    await until(() => w.find('[data-testid=import-cancel]').exists())
    expect(w.find('[data-testid=import-progress]').exists()).toBe(true)
    await w.find('[data-testid=import-cancel]').trigger('click')
    await until(() => document.body.textContent!.includes('已取消，没有导入任何内容'))
    expect(cancel).toHaveBeenCalledTimes(1)
    expect(w.find('[data-testid=import-progress]').exists()).toBe(false)
    expect(w.find('[data-testid=import-counts]').exists()).toBe(false)
    expect(w.find('[data-testid=mapping-table]').exists()).toBe(true)
    expect(w.find('[data-testid=import-error]').exists()).toBe(false)
  })

  it("shows the book's problems with the file, and lets head office import sales lines, refusing an unknown product", async () => {
    const backend = await TestBook.create({ as: 'office', customers: ['华星农业'] })
    await backend.fixture('sales_catalogue')
    const { salesFile } = await withSpreadsheets(backend)
    ;({ wrapper } = await mountWith(ImportPage, backend))
    const w = wrapper
    await w.find('[data-testid=import-path] input').setValue(`${backend.folder}/没有这个文件.xlsx`)
    await w.find('[data-testid=import-read]').trigger('click')
    await until(() => w.find('[data-testid=import-error]').exists())
    // The book cannot read a path that is not there (`unreadable`).
    expect(w.find('[data-testid=import-error]').text()).toContain('文件：无法读取该文件')

    // Head office imports every kind, the ERP's invoices and payments too (the book's list).
    await until(() => w.findAll('[data-testid^=import-kind-]').length > 1)
    expect(w.findAll('[data-testid^=import-kind-]').map((k) => k.text())).toEqual(['客户', '人员', '产品目录', '销售明细', '应收发票', '回款'])
    await w.find('[data-testid=import-kind-sales] input').setValue(true)
    await readFile(w, salesFile)
    expect(w.find('[data-testid=import-format]').text()).toContain('GB18030')
    await w.find('[data-testid=import-next]').trigger('click')
    await until(() => w.find('[data-testid=import-dry-run]').exists())
    await w.find('[data-testid=import-dry-run]').trigger('click')
    await until(() => w.find('[data-testid=import-counts]').exists())
    expect([count(w, 'create'), count(w, 'refuse')]).toEqual(['1', '1'])
    expect(cell(w, 'outcome-problem', 'row', '3').find('[data-testid=outcome-problem-text]').text()).toBe('产品编码：产品目录中没有这个产品编码，请先导入产品目录或核对')
    expect(cell(w, 'outcome-problem', 'row', '3').text()).toContain('XX-99')

    await w.find('[data-testid=import-commit]').trigger('click')
    await until(() => w.find('[data-testid=import-final]').exists())
    // 10 bags for 1,600 yuan, in fen.
    expect(await backend.salesOverview()).toMatchObject({ lines: 1, amount: 160_000, firstDay: '2026-10-08' })
  })
})

describe('customer list export and the card’s sales', () => {
  it('exports every customer of the current filter and says how many', async () => {
    const backend = await TestBook.create({ customers: ['华星农业', '绿丰农资', '华丰化肥'] })
    const exported = vi.spyOn(backend, 'exportCustomers')
    const list = `${backend.folder}/华.xlsx`
    backend.picks.push(list)
    ;({ wrapper } = await mountWith(CustomerList, backend))
    const w = wrapper
    await w.find('[data-testid=search-input] input').setValue('华')
    await until(() => w.find('[data-testid=customer-total]').attributes('data-total') === '2')
    await w.find('[data-testid=export-customers]').trigger('click')
    await until(() => exported.mock.calls.length === 1)
    expect(exported.mock.calls[0][0]).toMatchObject({ text: '华', offset: 0 })
    expect(exported.mock.calls[0][1]).toBe(list)
    await until(() => document.body.textContent!.includes(`已导出 2 个客户到 ${list}`))
    expect(existsSync(list)).toBe(true)
  })

  it("lists a card's sales lines in a tab, left out for a card without any", async () => {
    const { backend, id } = await salesBook()
    ;({ wrapper } = await mountWith(CustomerCard, backend, { id: id('绿丰农资') }))
    const w = wrapper
    await until(() => w.find('[data-testid=card-tab-sales]').exists())
    expect(w.find('[data-testid=card-tab-sales]').text()).toBe('销售记录 (2)')
    await w.find('[data-testid=card-tab-sales]').trigger('click')
    await until(() => w.findAll('[data-testid=customer-sale-amount]').length === 2)
    // Newest first, yuan from fen.
    expect(w.findAll('[data-testid=customer-sale-amount]').map((a) => a.text())).toEqual(['11,000.00', '19,000.00'])
    expect(w.find('[data-testid=customer-sales]').text()).toContain('400 瓶')
    wrapper.unmount()

    const bare = await TestBook.create({ customers: ['新客户'] })
    const bareId = bare.customers[0]
    ;({ wrapper } = await mountWith(CustomerCard, bare, { id: bareId }))
    const w2 = wrapper
    await until(() => w2.find('[data-testid=card-title]').exists())
    expect(w2.find('[data-testid=card-tab-sales]').exists()).toBe(false)
  })
})
