// End-to-end: an order from the field to the warehouse and back, in the real
// desktop app. Head office runs the CLI, as it does in its scripts; files
// travel through one shared folder, which the rep sets on the Sync page.
//
//   head office: the catalogue (a spreadsheet import), a rep's customer with
//                credit grade C and an invoice far past due; enrols the rep.
//   rep (app):   takes an order for one case at the customer: the form shows
//                the total and the credit hold with its reason, and the order
//                is submitted on hold; the rep exports on the Sync page.
//   head office: merges, releases the hold with a reason, corrects the
//                quantity to two cases, approves, ships one case (CLI).
//   rep (app):   imports the next file and sees the order approved with its
//                number, the correction and its reason, the shipment and a
//                backorder of one case.
// Screenshots are saved under target/e2e/.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, cli, cliOn, e2e, exportChanges, importNew, openSyncPage, useFolder, workFolder } from './app.mjs';

const work = workFolder('orders');
const office = join(work, 'office.sqlite');
const repBook = join(work, 'rep.sqlite');
const folder = join(work, 'shared');
mkdirSync(folder);
const hq = cliOn(office);
const rep = cliOn(repBook);

/** Head office merges the shared folder and writes each device's file there. */
function merge() {
  const report = hq('hq', 'merge', folder, '--out', folder);
  const refused = report.imported.filter((m) => m.error);
  assert(!refused.length, `head office refused: ${JSON.stringify(refused)}`);
  return report;
}

// Head office's set-up, through the CLI.
const root = hq('init', '--name', '总部', '--role', 'head_office', '--company', '华丰乳业').profile.orgUnitId;
const region = hq('org', 'add', '潍坊大区', '--kind', 'region', '--parent', root).id;
const territory = hq('org', 'add', '寿光片区', '--kind', 'territory', '--parent', region).id;
const repId = hq('staff', 'add', '王磊', '--role', 'rep', '--unit', territory).id;
const catalogue = join(work, '产品目录.csv');
writeFileSync(catalogue, '产品编码,产品名称,单位,箱规,出厂价\nA01,金装奶粉 900g,罐,12,90\nB02,幼儿米粉 250g,盒,24,25\n');
const products = hq('import', catalogue, '--kind', 'products', '--commit');
assert(products.created === 2, `two products: ${JSON.stringify(products.outcomes)}`);
const customer = hq(
  'customer',
  'add',
  '--set',
  'name=寿光惠民母婴店',
  '--set',
  `ownerId=${repId}`,
  '--set',
  `territoryId=${territory}`,
  '--address',
  'kind=delivery;detail=寿光市农圣街 18 号',
).id;
hq('grade', 'set', customer, 'C', '--credit', '--reason', '新客户');
hq('receivables', 'invoice', customer, 'INV-0701', '--issued', '2026-07-01', '--due', '2026-08-01', '--amount', '3000');
execFileSync(cli, ['--db', repBook, 'init'], { encoding: 'utf8' });
const device = rep('device', 'show');
hq('device', 'enroll', '--staff', repId, '--device', device.deviceId, '--key', device.publicKey);
const fingerprint = hq('device', 'show').fingerprint;
const first = merge().written.find((w) => w.recipient === device.deviceId);
rep('sync', 'import', first.path, '--trust-office', fingerprint);

let orderId = null;

await e2e(
  { name: 'orders', work, book: repBook },
  async (s, t) => {
    t.step('the rep takes an order for one case; the form shows the total and the credit hold with its reason');
    await s.click(await s.waitFor('[data-testid=nav-orders]', { timeout: 60000 }));
    await s.click(await s.waitFor('[data-testid=new-order]'));
    await s.click(await s.waitFor('[data-testid=order-customer]'));
    await s.type(await s.waitFor('[data-testid=order-customer] input'), '惠民');
    await s.click(await s.waitFor('.el-select-dropdown__item', { text: '寿光惠民母婴店' }));
    // The product by the initials of its name's pinyin: the core finds it.
    await s.click(await s.waitFor('[data-testid=order-line-product]'));
    await s.type(await s.waitFor('[data-testid=order-line-product] input'), 'jzn');
    await s.click(await s.waitFor('.el-select-dropdown__item', { text: 'A01 金装奶粉 900g' }));
    // One case of 12 tins at the list price of 90.00 yuan.
    await s.waitFor('[data-testid=order-total]', { text: '1,080.00' });
    await s.waitFor('[data-testid=order-hold-reason]', { text: '有逾期欠款 3,000.00 元' });
    await t.shot('form');

    t.step('the rep submits it: it is saved on hold, waiting for head office');
    await s.click(await s.waitFor('[data-testid=order-submit]'));
    await s.waitFor('[data-testid=order-status]', { text: '已提交' });
    await s.waitFor('[data-testid=order-hold]', { text: '信用冻结' });
    await s.waitFor('[data-testid=order-number]', { text: '待总部编号' });

    t.step('the rep closes the order and exports on the Sync page');
    // The order's own drawer (the form's is still fading out).
    await s.click(await s.waitFor('.order-drawer .el-drawer__close-btn'));
    await openSyncPage(s);
    await useFolder(s, folder);
    await exportChanges(s, folder);

    t.step('head office merges, releases the hold, corrects the quantity, approves and ships one case (CLI)');
    merge();
    const queue = hq('order', 'list', '--view', 'review');
    assert(queue.length === 1 && queue[0].number === 'SO00000001', `head office's review queue: ${JSON.stringify(queue)}`);
    orderId = queue[0].id;
    hq('order', 'release', orderId, '--reason', '客户承诺本周回款');
    const line = hq('order', 'show', orderId).lines[0].id;
    hq('order', 'correct', orderId, line, '--quantity', '24', '--reason', '按两箱发货');
    hq('order', 'approve', orderId);
    const shipped = hq('order', 'ship', orderId, '--line', `${line}=12`, '--number', 'FH-0001');
    assert(shipped.lines[0].backorder === 12, `one case still lacking: ${JSON.stringify(shipped.lines)}`);
    merge();

    t.step("the rep looks at the folder again, imports head office's file, and sees the review, the shipment and the backorder");
    await s.click(await s.waitFor('[data-testid=sync-folder-refresh]'));
    await importNew(s);
    await s.click(await s.waitFor('[data-testid=nav-orders]'));
    await s.click(await s.waitFor('[data-testid=orders-tab-all]'));
    await s.click(await s.waitFor('[data-testid=orders-customer]', { text: '寿光惠民母婴店' }));
    await s.waitFor('[data-testid=order-status]', { text: '已审批' });
    await s.waitFor('[data-testid=order-number]', { text: 'SO00000001' });
    await s.waitFor('[data-testid=order-shipping]', { text: '部分发货' });
    await s.waitFor('[data-testid=order-released]', { text: '客户承诺本周回款' });
    await s.waitFor('[data-testid=order-history]', { text: '数量 · 金装奶粉 900g：12 → 24' });
    await s.waitFor('[data-testid=order-history]', { text: '按两箱发货' });
    await s.waitFor('[data-testid=order-shipments]', { text: 'FH-0001' });
    await s.waitFor('[data-testid=order-line-backorder]', { text: '12' });
    await t.shot('approved');

    t.step("the rep opens 应收账款: the debt that held the order, far overdue, for head office to act on");
    await s.click(await s.waitFor('.order-drawer .el-drawer__close-btn'));
    await s.click(await s.waitFor('[data-testid=nav-receivables]'));
    await s.waitFor('[data-testid=analysis-aging] [data-testid=analysis-summary]', { text: '应收 3,000.00 元' });
    await s.click(await s.waitFor('[data-testid=receivables-tab-overdue]'));
    await s.waitFor('[data-testid=overdue-customer]', { text: '寿光惠民母婴店' });
    await s.waitFor('[data-testid=overdue-step]', { text: '总部处理' });
    await t.shot('receivables');

    t.step('the rep opens 发货: the order waits for its second case, and the shipment is on the record');
    await s.click(await s.waitFor('[data-testid=nav-shipping]'));
    await s.waitFor('[data-testid=to-ship-customer]', { text: '寿光惠民母婴店' });
    await s.click(await s.waitFor('[data-testid=shipping-tab-shipments]'));
    await s.waitFor('[data-testid=shipments-customer]', { text: '寿光惠民母婴店' });
    await s.waitFor('[data-testid=shipments-units]', { text: '12' });
    await t.shot('shipping');
  },
  async () => {
    const order = rep('order', 'show', orderId);
    assert(order.status === 'approved' && order.lines[0].quantity === 24, `the rep's book: ${JSON.stringify(order)}`);
    assert(order.lines[0].backorder === 12 && order.shipments.length === 1, `shipped and lacking: ${JSON.stringify(order)}`);
  },
);
