// End-to-end: sales data in the real app (WebKitWebDriver through tauri-driver,
// under Xvfb) on a head-office demo book made with the CLI. A 2 KB workbook
// built to hurt (a cell in its first row and one in Excel's last, once a
// 549 GB grid that closed the app) is refused in the wizard's preview, and
// the app goes on. Head office imports
// an ERP export saved by Chinese Excel (GBK csv, a date as text, an amount with
// a thousands separator) through the import wizard: the dry run shows one line
// to create and one refused with its reason, the commit writes it. The sales
// analyses show the figures and drill into a region. The CLI then reads the
// book: the imported line is in the product analysis, in fen, and the refused
// one is nowhere. Screenshots go to target/e2e/.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, cliOn, e2e, workFolder } from './app.mjs';

const work = workFolder('sales');
const book = join(work, 'book.sqlite');
const fieldcrm = cliOn(book);

// China time, as the book counts days.
const day = (offset) => new Date(Date.now() + 8 * 3600000 + offset * 86400000).toISOString().slice(0, 10);
fieldcrm('demo', '--customers', '300', '--as-of', day(0));
const first = fieldcrm('customer', 'list', '--limit', '1', '--lifecycle', 'active');
const card = fieldcrm('customer', 'show', first.rows[0].id);
const code = card.card.fields.code;
const before = fieldcrm('analyse', 'products', '--from', day(-30), '--to', day(0));
const revenueOf = (analysis, product) => analysis.products.find((p) => p.code === product)?.revenue ?? 0;

// The ERP export: one good line, one naming a product nobody has.
const sold = day(-2).replaceAll('-', '/');
const csv = `单据编号,单据日期,客户编码,产品编码,数量,价税合计\nE2E-1,${sold},${code},P101,12,"1,980.00"\nE2E-2,${sold},${code},X999,1,10\n`;
const file = join(work, '销售明细.csv');
writeFileSync(file, gbk(csv));

/** GB18030 bytes of `text` (what Chinese Excel saves csv in), by the CLI's own round trip. */
function gbk(text) {
  const decoder = new TextDecoder('gb18030');
  // Node has no GB18030 encoder: map each character through a table built by decoding every double byte.
  const table = new Map();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  const bytes = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else {
      const pair = table.get(ch);
      if (!pair) throw new Error(`no GBK code for ${ch}`);
      bytes.push(...pair);
    }
  }
  return Buffer.from(bytes);
}

/** An xlsx file whose one sheet holds `rows` (its sheetData), packed without compression. */
function xlsx(rows) {
  const parts = {
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>${rows}</sheetData></worksheet>`,
  };
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, text] of Object.entries(parts)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, data);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(parts).length, 8);
  end.writeUInt16LE(Object.keys(parts).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
const cell = (ref, text) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const corner = join(work, '角落.xlsx');
writeFileSync(corner, xlsx(`<row r="1">${cell('A1', '客户名称')}</row><row r="1048576">${cell('XFD1048576', 'x')}</row>`));

await e2e(
  { name: 'sales', work, book },
  async (session, { step, shot }) => {
    await session.waitFor('[data-testid=customer-row]', { timeout: 60000 });

    step('a workbook built to hurt is refused in the preview, and the app goes on');
    await session.click(await session.waitFor('[data-testid=nav-import]'));
    await session.type(await session.waitFor('[data-testid=import-path] input'), corner);
    await session.click(await session.waitFor('[data-testid=import-read]'));
    // Its one cell below the header is far right of what an import reads: a header with no rows.
    await session.waitFor('[data-testid=import-error]', { text: '没有数据行', timeout: 20000 });
    await shot('hostile');
    // The app goes on: another page, and the wizard afresh.
    await session.click(await session.waitFor('[data-testid=nav-sales]'));
    await session.click(await session.waitFor('[data-testid=nav-import]'));
    await session.click(await session.waitFor('[data-testid=import-kind-sales]'));

    step('head office reads the GBK file in the import wizard');
    await session.type(await session.waitFor('[data-testid=import-path] input'), file);
    await session.click(await session.waitFor('[data-testid=import-read]'));
    await session.waitFor('[data-testid=import-format]', { text: 'GB18030', timeout: 20000 });
    await session.waitFor('[data-testid=import-rows][data-rows="2"]');
    await shot('source');

    step('the columns map themselves; the dry run shows one line to create and one refused');
    await session.click(await session.waitFor('[data-testid=import-next]'));
    await session.waitFor('[data-testid=mapping-table]');
    await shot('mapping');
    await session.click(await session.waitFor('[data-testid=import-dry-run]'));
    await session.waitFor('[data-testid=import-count-create]', { text: '1', timeout: 30000 });
    await session.waitFor('[data-testid=import-count-refuse]', { text: '1' });
    await session.waitFor('[data-testid=outcome-problem]', { text: 'X999' });
    await shot('dry-run');

    step('the commit writes the line');
    await session.click(await session.waitFor('[data-testid=import-commit]'));
    await session.waitFor('[data-testid=import-final]', { timeout: 30000 });
    await session.waitFor('[data-testid=import-count-create]', { text: '1' });
    await shot('committed');

    step('the sales analyses show the figures and drill into a region');
    await session.click(await session.waitFor('[data-testid=nav-sales]'));
    await session.waitFor('[data-testid=grade-table] [data-testid=grade-revenue]', { timeout: 30000 });
    await shot('grades');
    await session.click(await session.waitFor('[data-testid=sales-tab-regions]'));
    await session.waitFor('[data-testid=region-table] [data-testid=region-name]', { timeout: 30000 });
    const crumbs = (await session.find('[data-testid=region-crumb]')).length;
    await session.click(await session.waitFor('[data-testid=region-drill]'));
    const until = Date.now() + 30000;
    while ((await session.find('[data-testid=region-crumb]')).length !== crumbs + 1) {
      assert(Date.now() < until, 'drilling down adds a step to the region path');
      await new Promise((r) => setTimeout(r, 150));
    }
    await shot('regions');
  },
  async ({ step }) => {
    step('the CLI finds the imported line in the book, in fen, and not the refused one');
    const after = fieldcrm('analyse', 'products', '--from', day(-30), '--to', day(0));
    const added = revenueOf(after, 'P101') - revenueOf(before, 'P101');
    assert(added === 198000, `the line of 1,980.00 yuan is in the product analysis (${added})`);
    assert(!after.products.some((p) => p.code === 'X999'), 'the refused line was not written');
  },
);
