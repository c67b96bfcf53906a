// End-to-end: approvals and a handover in the real desktop app. A rep and
// their regional manager each work in the app on their own laptop book; head
// office works in the app on its book too, and runs the merge from the CLI.
// Files travel through one shared folder (the CLI carries them).
//
//   rep (app, offline): proposes to open a prospect from its card; a
//        promotion over the threshold goes in from the CLI on the same laptop.
//   manager (app): after the files are exchanged, approves the opening and
//        returns the promotion with a reason.
//   head office (app): gives the opening its final approval; the card is a
//        customer (合作中) on head office's book and, after the next files,
//        on the rep's; the rep sees the promotion returned with the reason.
//   head office (app): the rep leaves; their customers are handed over to the
//        other rep in one step (preview, confirm); the other rep's laptop
//        receives the card with the history naming the handover.
// Screenshots are saved under target/e2e/.

import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { cliOn, out, released, removeWork, screenshot } from './app.mjs';
import { openSession, startDriver, steps, workFolder } from './app.mjs';

const work = workFolder('approvals');
const folder = join(work, 'shared');
mkdirSync(folder);
const office = join(work, 'office.sqlite');
const repBook = join(work, 'rep.sqlite');
const managerBook = join(work, 'manager.sqlite');
const otherBook = join(work, 'other.sqlite');

const fieldcrm = (book, ...args) => cliOn(book)(...args);
const { log, step, failed: reportFailure } = steps('approvals');

async function inApp(book, name, work) {
  const { driver, base } = await startDriver(book, 5444 + Math.floor(Math.random() * 1000));
  let session;
  try {
    session = await openSession(base);
    await work(session);
    await screenshot(session, `approvals-${name}`);
  } catch (error) {
    if (session) {
      try {
        await screenshot(session, `approvals-${name}-failure`);
      } catch {}
    }
    throw error;
  } finally {
    if (session) await session.end().catch(() => {});
    driver.kill();
    await released(book, log);
  }
}

const devices = new Map();

/** Head office merges the shared folder and each laptop imports its newest file. */
function round(laptops) {
  for (const book of laptops) fieldcrm(book, 'sync', 'export', '--out', folder);
  const report = fieldcrm(office, 'hq', 'merge', folder, '--out', folder);
  const refused = report.imported.filter((m) => m.error);
  if (refused.length) throw new Error(`head office refused: ${JSON.stringify(refused)}`);
  for (const book of laptops) {
    const file = report.written.find((w) => w.recipient === devices.get(book));
    if (file) fieldcrm(book, 'sync', 'import', file.path);
  }
  return report;
}

/** A laptop book for `staff`, enrolled at head office and joined. */
function laptop(book, staff, name, role, unit, fingerprint) {
  fieldcrm(book, 'init', '--name', name, '--role', role, '--company', '华丰农业', '--unit', unit);
  const device = fieldcrm(book, 'device', 'show');
  fieldcrm(office, 'device', 'enroll', '--staff', staff, '--device', device.deviceId, '--key', device.publicKey);
  const report = fieldcrm(office, 'hq', 'merge', folder, '--out', folder);
  const first = report.written.find((w) => w.recipient === device.deviceId);
  fieldcrm(book, 'sync', 'import', first.path, '--trust-office', fingerprint);
  devices.set(book, device.deviceId);
}

async function openApprovals(s, tab) {
  await s.click(await s.waitFor('[data-testid=nav-approvals]'));
  await s.waitFor('[data-testid=approvals-title]');
  await s.click(await s.waitFor(`[data-testid=approvals-tab-${tab}]`));
  await s.waitFor('[data-testid=proposal-table]');
}

async function openProposal(s, title) {
  const row = await s.waitFor('[data-testid=proposal-row]', { text: title });
  const [open] = await s.findIn(row, '[data-testid=proposal-open]');
  await s.click(open);
  await s.waitFor('[data-testid=proposal-detail-title]', { text: title });
}

/** Closes the proposal's drawer (it covers the page while open). */
async function closeDrawer(s) {
  await s.click(await s.waitFor('[data-testid=proposal-drawer] .el-drawer__close-btn'));
  for (let i = 0; (await s.find('[data-testid=proposal-detail-title]')).length > 0; i++) {
    if (i > 50) throw new Error('the drawer stayed open');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function openCard(s, name) {
  await s.click(await s.waitFor('[data-testid=nav-customers]'));
  await s.type(await s.waitFor('[data-testid=search-input] input'), name);
  await s.click(await s.waitFor(`[data-testid=customer-row][data-name="${name}"]`));
  await s.waitFor('[data-testid=card-title]', { text: name });
}

let failed = false;
try {
  step('head office: a region, a territory, two reps, the regional manager, the chains and a product (CLI)');
  const root = fieldcrm(office, 'init', '--name', '赵总', '--role', 'head_office', '--company', '华丰农业').profile.orgUnitId;
  const region = fieldcrm(office, 'org', 'add', '潍坊大区', '--kind', 'region', '--parent', root).id;
  const territory = fieldcrm(office, 'org', 'add', '寿光片区', '--kind', 'territory', '--parent', region).id;
  const rep = fieldcrm(office, 'staff', 'add', '王磊', '--role', 'rep', '--unit', territory).id;
  const other = fieldcrm(office, 'staff', 'add', '李娜', '--role', 'rep', '--unit', territory).id;
  const manager = fieldcrm(office, 'staff', 'add', '赵经理', '--role', 'regional_manager', '--unit', region).id;
  fieldcrm(office, 'approval', 'chain', '--kind', 'open_customer', '--levels', 'manager,office');
  fieldcrm(office, 'approval', 'chain', '--kind', 'promotion', '--levels', 'manager', '--threshold', '50000', '--above', 'manager,office');
  const products = join(work, 'products.csv');
  (await import('node:fs')).writeFileSync(products, '产品编码,产品名称,单位,出厂价\nFH-15,复合肥 15-15-15,袋,120\n');
  fieldcrm(office, 'import', products, '--kind', 'products', '--commit');
  const fingerprint = fieldcrm(office, 'device', 'show').fingerprint;
  laptop(repBook, rep, '王磊', 'rep', '寿光片区', fingerprint);
  laptop(managerBook, manager, '赵经理', 'regional_manager', '潍坊大区', fingerprint);
  laptop(otherBook, other, '李娜', 'rep', '寿光片区', fingerprint);
  const card = fieldcrm(repBook, 'customer', 'add', '--set', 'name=华星农业').id;

  await inApp(repBook, 'rep-proposes', async (s) => {
    step('the rep, offline, proposes to open the prospect from its card');
    await openCard(s, '华星农业');
    await s.click(await s.waitFor('[data-testid=card-propose-button]'));
    await s.click(await s.waitFor('[data-testid=card-propose-open_customer]'));
    await s.type(await s.waitFor('input[data-testid=proposal-title]'), '开设经销商：华星农业');
    await s.click(await s.waitFor('[data-testid=proposal-submit]'));
    step('the proposal shows under 我的申请 on the 审批 page');
    await openApprovals(s, 'mine');
    await s.waitFor('[data-testid=proposal-row]', { text: '开设经销商：华星农业' });
  });
  step('the promotion is proposed from the CLI on the same laptop (its form is covered by the UI tests)');
  fieldcrm(repBook, 'approval', 'propose', '--kind', 'promotion', '--title', '春耕买十送一', '--product', 'FH-15',
    '--gift', 'FH-15', '--gift-units', '1', '--min-units', '10', '--from', '2027-02-01', '--to', '2027-03-31', '--budget', '80000');

  step('files are exchanged: the manager has both in 待我审批');
  round([repBook, managerBook, otherBook]);

  await inApp(managerBook, 'manager-decides', async (s) => {
    await openApprovals(s, 'to_decide');
    step('the manager approves the opening');
    await openProposal(s, '开设经销商：华星农业');
    await s.waitFor('[data-testid=proposal-card]', { text: '华星农业' });
    await s.click(await s.waitFor('[data-testid=proposal-approve]'));
    await s.waitFor('[data-testid=proposal-detail-status]', { text: '审批中' });
    await s.waitFor('[data-testid=proposal-detail-waiting]', { text: '总部' });
    step('and returns the promotion, saying why');
    await closeDrawer(s);
    await openApprovals(s, 'to_decide');
    await openProposal(s, '春耕买十送一');
    await s.type(await s.waitFor('textarea[data-testid=proposal-reason]'), '预算太高，减到五万以内');
    await s.click(await s.waitFor('[data-testid=proposal-return]'));
    await s.waitFor('[data-testid=proposal-detail-status]', { text: '已退回' });
  });

  step('files are exchanged again');
  round([repBook, managerBook, otherBook]);
  const before = fieldcrm(office, 'customer', 'show', card);
  if (before.card.fields.lifecycle !== 'prospect') throw new Error(`nothing takes effect before the last approval: ${before.card.fields.lifecycle}`);

  await inApp(office, 'office-approves', async (s) => {
    step('head office gives the final approval in the app');
    await openApprovals(s, 'to_decide');
    await openProposal(s, '开设经销商：华星农业');
    await s.click(await s.waitFor('[data-testid=proposal-approve]'));
    await s.waitFor('[data-testid=proposal-detail-status]', { text: '已通过' });
  });
  const after = fieldcrm(office, 'customer', 'show', card);
  if (after.card.fields.lifecycle !== 'active') throw new Error(`the approval should open the card: ${after.card.fields.lifecycle}`);

  step('the rep receives the opening and the returned promotion with the reason');
  round([repBook, managerBook, otherBook]);
  const opened = fieldcrm(repBook, 'customer', 'show', card);
  if (opened.card.fields.lifecycle !== 'active') throw new Error(`the rep's card: ${opened.card.fields.lifecycle}`);
  const mine = fieldcrm(repBook, 'approval', 'list');
  const promotion = mine.find((p) => p.title === '春耕买十送一');
  if (promotion?.status !== 'returned') throw new Error(`the promotion on the rep's laptop: ${JSON.stringify(promotion)}`);
  const shown = fieldcrm(repBook, 'approval', 'show', promotion.id);
  if (shown.trail[0]?.reason !== '预算太高，减到五万以内') throw new Error(`the reason: ${JSON.stringify(shown.trail)}`);

  await inApp(office, 'office-hands-over', async (s) => {
    step('the rep leaves: head office hands their customers to 李娜 in one step');
    await s.click(await s.waitFor('[data-testid=nav-people]'));
    await s.waitFor('[data-testid=people-table]');
    const row = await s.waitFor('[data-testid=people-row]', { text: '王磊' });
    const [handover] = await s.findIn(row, '[data-testid=handover-open]');
    await s.click(handover);
    await s.waitFor('[data-testid=handover-dialog]');
    await s.choose('[data-testid=handover-rest-to]', '李娜');
    await s.click(await s.waitFor('[data-testid=handover-leaves]'));
    await s.click(await s.waitFor('[data-testid=handover-preview]'));
    await s.waitFor('[data-testid=handover-share]', { text: '李娜' });
    await s.click(await s.waitFor('[data-testid=handover-submit]'));
    await s.waitFor('[data-testid=handover-dialog]', { text: '已标记为离职' });
  });
  const left = fieldcrm(office, 'staff', 'list').find((p) => p.id === rep);
  if (left.active !== false) throw new Error(`王磊 should be marked as left: ${JSON.stringify(left)}`);

  step("李娜's laptop receives the card with the history naming the handover");
  round([managerBook, otherBook]);
  const theirs = fieldcrm(otherBook, 'customer', 'show', card, '--history', '50');
  if (theirs.card.fields.ownerId !== other) throw new Error(`the card's owner on 李娜's laptop: ${theirs.card.fields.ownerId}`);
  if (!theirs.history.some((h) => h.source === 'handover' && h.field === 'ownerId')) {
    throw new Error(`the history should name the handover: ${JSON.stringify(theirs.history)}`);
  }
  log(`screenshots in ${out}`);
} catch (error) {
  failed = true;
  reportFailure(error);
} finally {
  await removeWork(work, [repBook, managerBook, otherBook, office]);
}
console.log(failed ? `0 passed, 1 failed` : `1 passed, 0 failed`);
process.exit(failed ? 1 : 0);
