// End-to-end: the year's targets from head office down to a rep's customers,
// in the real desktop app on the regional manager's laptop. Head office, the
// provincial manager and the rep run the CLI; files travel through one shared
// folder. Dates are counted from the business day the test runs on.
//
//   head office: the organisation, two customers of the rep with last year's
//                sales; sets this year's company target, gives it to the province.
//   province:    breaks the province down to the region (CLI), head office approves.
//   manager:     imports, breaks the region down to its territory and the
//                territory to its rep by last year's shares, submits (app).
//   province:    approves both (CLI).
//   rep:         breaks their year down to their customers, submits this 旬's
//                plan and this month's forecast (CLI); head office imports
//                today's sales.
//   manager:     imports; approves the rep's breakdown, sees the month's
//                progress with the sale and the region's month-end summary,
//                the rep's plan in the region's roll-up and the forecast in
//                the team's (app).
// Screenshots are saved under target/e2e/.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, cli, cliOn, e2e, exportChanges, importNew, openSyncPage, useFolder, workFolder } from './app.mjs';

const work = workFolder('targets');
const folder = join(work, 'shared');
mkdirSync(folder);
const office = join(work, 'office.sqlite');
const provinceBook = join(work, 'province.sqlite');
const managerBook = join(work, 'manager.sqlite');
const repBook = join(work, 'rep.sqlite');
const hq = cliOn(office);
const province = cliOn(provinceBook);
const rep = cliOn(repBook);

/** Head office merges the shared folder and writes each device's file there; returns the files by device. */
function merge() {
  const report = hq('hq', 'merge', folder, '--out', folder);
  const refused = report.imported.filter((m) => m.error);
  assert(!refused.length, `head office refused: ${JSON.stringify(refused)}`);
  return Object.fromEntries(report.written.map((w) => [w.recipient, w.path]));
}

/** A CLI laptop: joins with head office's first file; returns its device id. */
function join_(book, staff, fingerprint) {
  execFileSync(cli, ['--db', book, 'init'], { encoding: 'utf8' });
  const device = cliOn(book)('device', 'show');
  hq('device', 'enroll', '--staff', staff, '--device', device.deviceId, '--key', device.publicKey);
  return device.deviceId;
}

// Head office's set-up, through the CLI.
const root = hq('init', '--name', '总部', '--role', 'head_office', '--company', '华丰农业').profile.orgUnitId;
const today = hq('status').businessTime.today;
const year = Number(today.slice(0, 4));
const day = Number(today.slice(8, 10));
const xun = `${today.slice(0, 7)}-${day <= 10 ? 1 : day <= 20 ? 2 : 3}`;
const provinceUnit = hq('org', 'add', '山东省', '--kind', 'province', '--parent', root).id;
const region = hq('org', 'add', '潍坊大区', '--kind', 'region', '--parent', provinceUnit).id;
const territory = hq('org', 'add', '寿光片区', '--kind', 'territory', '--parent', region).id;
const provinceManager = hq('staff', 'add', '张建国', '--role', 'provincial_manager', '--unit', provinceUnit).id;
const manager = hq('staff', 'add', '李敏', '--role', 'regional_manager', '--unit', region).id;
const repId = hq('staff', 'add', '王磊', '--role', 'rep', '--unit', territory).id;
const catalogue = join(work, '产品.csv');
writeFileSync(catalogue, '产品编码,产品名称,单位,单价\nP01,复合肥,袋,100\n');
hq('import', catalogue, '--kind', 'products', '--commit');
const cards = [
  ['寿光惠民农资', 'K1'],
  ['青州丰收农资', 'K2'],
].map(([name, code]) =>
  hq('customer', 'add', '--set', `name=${name}`, '--set', `code=${code}`, '--set', `ownerId=${repId}`, '--set', `territoryId=${territory}`).id,
);
const lastYear = join(work, '去年销售.csv');
writeFileSync(lastYear, `单号,日期,客户编码,产品编码,数量,金额\nL1,${year - 1}-03-10,K1,P01,30,3000\nL2,${year - 1}-04-10,K2,P01,10,1000\n`);
hq('import', lastYear, '--kind', 'sales', '--commit');
hq('target', 'company', '--year', String(year), '--each', '100000');
const company = hq('target', 'breakdown', root, '--year', String(year), '--rule', 'equal', '--submit');
assert(company.status === 'approved', `the company's year goes to the province: ${JSON.stringify(company)}`);
const fingerprint = hq('device', 'show').fingerprint;
const provinceDevice = join_(provinceBook, provinceManager, fingerprint);
const managerDevice = join_(managerBook, manager, fingerprint);
const repDevice = join_(repBook, repId, fingerprint);
let files = merge();
province('sync', 'import', files[provinceDevice], '--trust-office', fingerprint);
cliOn(managerBook)('sync', 'import', files[managerDevice], '--trust-office', fingerprint);
rep('sync', 'import', files[repDevice], '--trust-office', fingerprint);

// The province to the region, approved by head office.
const provinceBreakdown = province('target', 'breakdown', provinceUnit, '--year', String(year), '--rule', 'last-year', '--submit');
assert(provinceBreakdown.status === 'submitted', `the province's breakdown waits for head office: ${provinceBreakdown.status}`);
province('sync', 'export', '--out', folder);
merge();
hq('target', 'approve', provinceUnit, '--year', String(year));
files = merge();

await e2e(
  { name: 'targets', work, book: managerBook },
  async (s, t) => {
    t.step("the manager imports head office's file: the province's breakdown, approved");
    await openSyncPage(s);
    await useFolder(s, folder);
    await importNew(s);

    t.step('the manager breaks the region down to its territory by last year\'s shares and submits it');
    await s.click(await s.waitFor('[data-testid=nav-targets]'));
    await s.click(await s.waitFor('[data-testid=targets-tab-breakdown]'));
    await s.waitFor('[data-testid=breakdown-node]', { text: '潍坊大区' });
    await s.waitFor('[data-testid=breakdown-status]', { text: '分解中' });
    await s.click(await s.waitFor('[data-testid=breakdown-propose]'));
    await s.waitFor('[data-testid=breakdown-left-total]', { text: '0.00' });
    await t.shot('region');
    await s.click(await s.waitFor('[data-testid=breakdown-submit]'));
    await s.waitFor('[data-testid=breakdown-status]', { text: '待审批' });

    t.step('and the territory to its rep');
    await s.click(await s.waitFor(`[data-testid=breakdown-open-${territory}]`));
    await s.waitFor('[data-testid=breakdown-node]', { text: '寿光片区' });
    await s.click(await s.waitFor('[data-testid=breakdown-propose]'));
    await s.waitFor('[data-testid=breakdown-left-total]', { text: '0.00' });
    await s.click(await s.waitFor('[data-testid=breakdown-submit]'));
    await s.waitFor('[data-testid=breakdown-status]', { text: '待审批' });
    await openSyncPage(s);
    await exportChanges(s, folder);

    t.step('the provincial manager approves both (CLI); the rep breaks their year down, plans the 旬 and forecasts (CLI)');
    files = merge();
    province('sync', 'import', files[provinceDevice]);
    province('target', 'approve', region, '--year', String(year));
    province('target', 'approve', territory, '--year', String(year));
    province('sync', 'export', '--out', folder);
    files = merge();
    rep('sync', 'import', files[repDevice]);
    const mine = rep('target', 'breakdown', repId, '--year', String(year), '--rule', 'last-year', '--submit');
    assert(mine.status === 'submitted' && mine.children.length === 2, `the rep's breakdown: ${JSON.stringify(mine)}`);
    const plan = rep('plan-sales', 'save', '--period', xun, '--line', `${cards[0]}=2000:2`, '--submit');
    assert(plan.status === 'submitted', `the rep's plan: ${JSON.stringify(plan)}`);
    rep('forecast', 'save', '--line', `${cards[0]}=3000,2000,1000`, '--line', `${cards[1]}=500,500,500`, '--submit');
    rep('sync', 'export', '--out', folder);
    const sales = join(work, '今日销售.csv');
    writeFileSync(sales, `单号,日期,客户编码,产品编码,数量,金额\nT1,${today},K1,P01,12,1200\n`);
    hq('import', sales, '--kind', 'sales', '--commit');
    merge();

    t.step("the manager imports: approves the rep's breakdown on the page");
    await s.click(await s.waitFor('[data-testid=sync-folder-refresh]'));
    await importNew(s);
    await s.click(await s.waitFor('[data-testid=nav-targets]'));
    await s.click(await s.waitFor('[data-testid=targets-tab-breakdown]'));
    await s.waitFor('[data-testid=breakdown-status]', { text: '已审批' });
    await s.click(await s.waitFor(`[data-testid=breakdown-open-${territory}]`));
    await s.click(await s.waitFor(`[data-testid=breakdown-open-${repId}]`));
    await s.waitFor('[data-testid=breakdown-node]', { text: '王磊' });
    await s.waitFor('[data-testid=breakdown-status]', { text: '待审批' });
    await s.click(await s.waitFor('[data-testid=breakdown-approve]'));
    await s.waitFor('[data-testid=breakdown-status]', { text: '已审批' });
    await t.shot('rep-approved');

    t.step("the month's progress shows today's sale, from the rep's customer up to the region");
    await s.click(await s.waitFor('[data-testid=targets-tab-progress]'));
    await s.waitFor('[data-testid=target-row-name]', { text: '王磊' });
    await s.waitFor('[data-testid=target-row-name]', { text: '寿光惠民农资' });
    await s.waitFor('[data-testid=target-row-actual]', { text: '1,200.00' });
    await s.click(await s.waitFor('[data-testid=targets-up]'));
    await s.click(await s.waitFor('[data-testid=targets-up]'));
    await s.waitFor('[data-testid=target-row-name]', { text: '潍坊大区' });
    await s.waitFor('[data-testid=target-row-actual]', { text: '1,200.00' });
    await s.waitFor('[data-testid=target-gauge]');
    await t.shot('progress');

    t.step("the region's month-end summary: this month's sale against the target, the rep's forecast");
    await s.click(await s.waitFor('[data-testid=targets-tab-summary]'));
    await s.waitFor('[data-testid=month-end-title]', { text: '潍坊大区' });
    await s.waitFor('[data-testid=month-end-actual]', { text: '1,200.00' });
    await s.waitFor('[data-testid=month-end-forecast-0]', { text: '3,500.00' });
    await s.waitFor('[data-testid=month-end-analysis]');
    await t.shot('month-end');

    t.step("the region's roll-up of this 旬: the rep's plan, submitted");
    await s.click(await s.waitFor('[data-testid=nav-plans]'));
    await s.waitFor('[data-testid=rollup-unit]', { text: '潍坊大区' });
    await s.click(await s.waitFor('[data-testid=plans-rollup] .el-table__row [data-testid=rollup-name]', { text: '寿光片区' }));
    await s.waitFor('[data-testid=rollup-unit]', { text: '寿光片区' });
    await s.waitFor('[data-testid=plans-rollup] .el-table__row [data-testid=rollup-status]', { text: '已提交' });
    await t.shot('plans');

    t.step("the team's forecast");
    await s.click(await s.waitFor('[data-testid=nav-forecast]'));
    await s.click(await s.waitFor('[data-testid=forecast-tab-team]'));
    await s.waitFor('[data-testid=forecast-rollup] .el-table__row [data-testid=forecast-rollup-0]', { text: '3,500.00' });
    await t.shot('forecast');
    await openSyncPage(s);
    await exportChanges(s, folder);
  },
  async () => {
    // The manager's approval reached head office and the rep.
    files = merge();
    rep('sync', 'import', files[repDevice]);
    const theirs = rep('target', 'show', '--year', String(year));
    assert(theirs.status === 'approved', `the rep's breakdown on the rep's laptop: ${theirs.status}`);
    const progress = rep('target', 'progress');
    const k1 = progress.rows.find((r) => r.node.id === cards[0]);
    assert(k1 && k1.actual === 120000, `the rep's progress shows the sale: ${JSON.stringify(progress.rows)}`);
    const rollup = hq('plan-sales', 'rollup', '--period', xun, '--unit', region);
    assert(rollup.total.submitted === 1 && rollup.total.amount >= 200000, `head office's roll-up: ${JSON.stringify(rollup.total)}`);
  },
);
