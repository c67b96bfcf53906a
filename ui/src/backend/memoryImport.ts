import type {
  ApiError,
  DuplicateCandidate,
  FieldProblem,
  FileFormat,
  ImportFieldInfo,
  ImportKind,
  ImportPreview,
  ImportRequest,
  Product,
  RowOutcome,
  Staff,
} from '../generated/bindings'

/*
 * Spreadsheet imports of the in-memory book: a few staged files, the real
 * book's field catalogue (abridged synonyms), and a row planner that gives the
 * same kinds of outcome (create, update, duplicate, refuse …) on a small scale.
 */

/** A spreadsheet the memory book can read, staged by path: sheets of rows, the first row the headers. */
export interface MemorySpreadsheet {
  format: FileFormat
  encoding?: string
  sheets: Record<string, string[][]>
}

export const MEMORY_IMPORT_FOLDER = '/home/fieldcrm/导入'

/** The files a new memory book can import (the customers file has a duplicate and a refused row). */
export const MEMORY_SPREADSHEETS: Record<string, MemorySpreadsheet> = {
  [`${MEMORY_IMPORT_FOLDER}/客户名单.xlsx`]: {
    format: 'xlsx',
    sheets: {
      客户: [
        ['客户名称*', '联系电话', '业务员', '地址', '备注'],
        ['丰收农资店', '13900000001', '王强', '寿光市文圣街 8 号', ''],
        ['华星农业', '13800000000', '王强', '', '老客户'],
        ['', '13900000003', '王强', '', '名称漏填'],
        ['惠农种植合作社', '13900000004', '张三', '', ''],
      ],
      说明: [['说明'], ['请从第一张表导入']],
    },
  },
  [`${MEMORY_IMPORT_FOLDER}/产品目录.xlsx`]: {
    format: 'xlsx',
    sheets: {
      产品: [
        ['产品编码', '产品名称', '产品线', '单位', '单价（元）'],
        ['FH-45', '复合肥 45% 50kg', '复合肥', '袋', '160'],
        ['YM-12', '叶面肥 1kg', '叶面肥', '瓶', '35.5'],
      ],
    },
  },
  [`${MEMORY_IMPORT_FOLDER}/销售明细.csv`]: {
    format: 'csv',
    encoding: 'GB18030',
    sheets: {
      销售明细: [
        ['客户名称', '产品编码', '日期', '数量', '金额', '单号'],
        ['华星农业', 'FH-45', '2026-10-08', '10', '1600', 'FH20261008-1'],
        ['华星农业', 'XX-99', '2026-10-09', '1', '10', 'FH20261009-1'],
      ],
    },
  },
}

type Field = [key: string, zh: string, en: string, required: boolean, synonyms?: string[]]

/** The fields of each import, as the real book's catalogue has them. */
const CATALOGUE: Record<ImportKind, Field[]> = {
  customers: [
    ['name', '客户名称', 'Customer name', true, ['客户', '名称', 'name']],
    ['code', '客户编码', 'Customer code', false, ['编码', 'code']],
    ['shortName', '简称', 'Short name', false],
    ['phone', '电话', 'Phone', false, ['联系电话', '手机', 'mobile']],
    ['owner', '负责人', 'Owner', false, ['业务员', '客户经理', 'rep']],
    ['grade', '客户等级', 'Customer grade', false, ['等级']],
    ['address', '地址', 'Address', false],
    ['notes', '备注', 'Notes', false, ['说明']],
  ],
  people: [
    ['name', '姓名', 'Name', true],
    ['role', '角色', 'Role', true, ['职务', '岗位']],
    ['unit', '所属部门', 'Unit', true, ['部门', '片区']],
    ['phone', '电话', 'Phone', false, ['手机']],
  ],
  products: [
    ['code', '产品编码', 'Product code', true, ['编码', 'sku']],
    ['name', '产品名称', 'Product name', true, ['品名', '名称']],
    ['category', '类别', 'Category', false],
    ['line', '产品线', 'Product line', false],
    ['unit', '单位', 'Unit', false],
    ['caseSize', '箱规', 'Case size', false],
    ['listPrice', '单价（元）', 'List price (yuan)', false, ['单价', '价格']],
  ],
  sales: [
    ['customerCode', '客户编码', 'Customer code', false],
    ['customerName', '客户名称', 'Customer name', false, ['客户']],
    ['productCode', '产品编码', 'Product code', true],
    ['date', '日期', 'Date', true],
    ['quantity', '数量', 'Quantity', true],
    ['amount', '金额（元）', 'Amount (yuan)', true, ['金额']],
    ['kind', '类型', 'Kind', false],
    ['document', '单号', 'Document', false],
  ],
}

/** A header as compared: lower case, no spaces, marks or bracketed note. */
const normalise = (h: string) => h.replace(/[（(【[].*?[）)】\]]/g, '').replace(/[\s*＊:：_\-./]/g, '').toLowerCase()

export function importFields(kind: ImportKind): ImportFieldInfo[] {
  return CATALOGUE[kind].map(([key, labelZh, labelEn, required]) => ({ key, labelZh, labelEn, required }))
}

/** The field each column's header names, each field once. */
export function suggestMapping(kind: ImportKind, headers: string[]): Array<string | null> {
  const taken = new Set<string>()
  return headers.map((h) => {
    const n = normalise(h)
    const f = CATALOGUE[kind].find(([key, zh, en, , syn = []]) => !taken.has(key) && [zh, en, ...syn].map(normalise).includes(n))
    if (!f) return null
    taken.add(f[0])
    return f[0]
  })
}

const invalid = (problems: FieldProblem[], message = problems[0].message): ApiError => ({ code: 'invalid', message, problems })

/** The sheet asked for (default: the first with data rows), or `invalid`/`unknown_sheet`. */
export function sheetOf(file: MemorySpreadsheet, name?: string | null): [name: string, rows: string[][]] {
  const wanted = name ?? Object.keys(file.sheets).find((s) => file.sheets[s].length > 1) ?? Object.keys(file.sheets)[0]
  const rows = file.sheets[wanted]
  if (!rows) throw invalid([{ field: 'file', code: 'unknown_sheet', message: `the workbook has no sheet named ${wanted}` }])
  return [wanted, rows]
}

export function preview(path: string, file: MemorySpreadsheet, kind: ImportKind, sheet?: string | null): Omit<ImportPreview, 'previous'> {
  const [name, rows] = sheetOf(file, sheet)
  return {
    fileName: path.slice(path.lastIndexOf('/') + 1),
    format: file.format,
    encoding: file.encoding ?? null,
    sheets: Object.keys(file.sheets),
    sheet: name,
    headerRow: 1,
    headers: rows[0],
    sample: rows.slice(1, 6),
    rows: rows.length - 1,
    fields: importFields(kind),
    mapping: suggestMapping(kind, rows[0]),
  }
}

/** The mapping to use, checked as the real book checks it. */
export function checkMapping(kind: ImportKind, headers: string[], given?: Array<string | null>): Array<string | null> {
  const mapping = given ?? suggestMapping(kind, headers)
  if (mapping.every((m) => !m)) throw invalid([{ field: 'mapping', code: 'nothing_mapped', message: 'none of the headers names a field of this import' }])
  const problems: FieldProblem[] = CATALOGUE[kind]
    .filter(([key, , , required]) => required && !mapping.includes(key))
    .map(([key, zh, en]) => ({ field: key, code: 'unmapped', message: `no column is mapped to ${zh} (${en}); map the column that holds it` }))
  if (kind === 'sales' && !mapping.includes('customerCode') && !mapping.includes('customerName')) {
    problems.push({ field: 'customerCode', code: 'unmapped', message: 'map the column with the customer code or the customer name' })
  }
  if (problems.length) throw invalid(problems)
  return mapping
}

/** What the planner checks rows against. */
export interface ImportBook {
  cards: Array<{ id: string; name: string; phone: string | null; code: string | null; ownerName: string }>
  staff: Staff[]
  products: Product[]
  today: string
}

/** A row's outcome with the values to write. */
export interface RowPlan {
  outcome: RowOutcome
  values: Record<string, string>
  /** The card or product to update. */
  target?: string
}

/** Plans every row of a sheet; writes nothing. */
export function planRows(kind: ImportKind, headers: string[], rows: string[][], mapping: Array<string | null>, request: ImportRequest, book: ImportBook): RowPlan[] {
  const header = (key: string) => headers[mapping.indexOf(key)] ?? key
  return rows.map((cells, i) => {
    const row = i + 2
    const values: Record<string, string> = {}
    mapping.forEach((key, col) => {
      if (key && cells[col]?.trim()) values[key] = cells[col].trim()
    })
    const problems: FieldProblem[] = []
    const problem = (key: string, code: string, message: string) => problems.push({ field: header(key), code, message })
    for (const [key, , , required] of CATALOGUE[kind]) if (required && !values[key]) problem(key, 'required', 'is empty; this field is required')
    const plan = (action: RowOutcome['action'], label: string, candidates: DuplicateCandidate[] = [], target?: string): RowPlan => ({
      outcome: { row, action: problems.length ? 'refuse' : action, label, problems, candidates },
      values,
      target,
    })
    if (kind === 'customers') {
      if (values.owner && !book.staff.some((s) => s.name === values.owner)) problem('owner', 'unknown_person', `nobody is named ${values.owner}`)
      const candidates: DuplicateCandidate[] = book.cards
        .filter((c) => c.name === values.name || (values.phone && c.phone === values.phone))
        .map((c) => ({ customerId: c.id, name: c.name, phone: c.phone, ownerName: c.ownerName, reason: c.name === values.name && c.phone === values.phone ? 'same_name_phone' : c.name === values.name ? 'same_name' : 'same_phone' }))
      if (!candidates.length) return plan('create', values.name ?? '')
      const decision = request.decisions.find((d) => d.row === row)
      const choice = decision?.choice ?? request.otherwise
      if (!choice) return plan('duplicate', values.name ?? '', candidates)
      if (choice === 'update' && !candidates.some((c) => c.customerId === decision?.customerId)) {
        problem('name', 'not_a_candidate', 'the card chosen to update is not one this row matches')
      }
      return plan(choice === 'new' ? 'create' : choice, values.name ?? '', candidates, decision?.customerId)
    }
    if (kind === 'products') {
      const known = book.products.find((p) => p.code === values.code)
      const label = `${values.code ?? ''} ${values.name ?? ''}`.trim()
      if (!known) return plan('create', label)
      return plan(known.name === values.name ? 'unchanged' : 'update', label, [], known.id)
    }
    if (kind === 'sales') {
      const card = book.cards.find((c) => (values.customerCode ? c.code === values.customerCode : c.name === values.customerName))
      if (!card) problem(values.customerCode ? 'customerCode' : 'customerName', 'unknown_customer', `no card is named ${values.customerName ?? values.customerCode}`)
      if (values.productCode && !book.products.some((p) => p.code === values.productCode)) {
        problem('productCode', 'unknown_product', `no product has the code ${values.productCode}; import the product list first, or fix the code`)
      }
      if (values.date && values.date > book.today) problem('date', 'in_future', 'lies in the future; check the date')
      return plan('create', [values.document, values.customerName ?? values.customerCode, values.productCode].filter(Boolean).join(' / '), [], card?.id)
    }
    return plan('create', values.name ?? '')
  })
}
