// End-to-end: the three-party sync scenario in the real desktop app. A rep and
// their regional manager each work in the app on their own laptop book; head
// office runs the CLI, as it does in its scripts. Files travel through one
// shared folder, which each laptop sets on its Sync page.
//
//   rep: reads device id and key off the Sync page; head office enrols it;
//        imports head office's first file after confirming the fingerprint;
//        creates a card and exports.
//   manager: joins the same way, receives the rep's card, changes its phone.
//   rep: changes the same phone without having seen that (offline).
//   head office merges: a conflict.
//   rep: sees it on the Sync page with both values, takes the manager's with
//        one click; head office and the manager end with that value and no
//        open conflict.
// Screenshots are saved under target/e2e/.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from './webdriver.mjs';
import { app, cliOn, exportChanges as exportTo, importNew, openSyncPage, out, released, removeWork, screenshot } from './app.mjs';
import { openSession, startDriver, steps, useFolder as setFolder, workFolder } from './app.mjs';

const work = workFolder('sync');
const folder = join(work, 'shared');
mkdirSync(folder);
const office = join(work, 'office.sqlite');
const repBook = join(work, 'rep.sqlite');
const managerBook = join(work, 'manager.sqlite');

const fieldcrm = (book, ...args) => cliOn(book)(...args);
const { log, step, failed: reportFailure } = steps('sync');

/** Runs `work` against the app opened on `book` (one tauri-driver per book: the book comes from its environment). */
async function inApp(book, name, work) {
  const { driver, base } = await startDriver(book, 5444 + Math.floor(Math.random() * 1000));
  let session;
  try {
    session = await openSession(base);
    await work(session);
    await screenshot(session, `sync-${name}`);
  } catch (error) {
    if (session) {
      try {
        await screenshot(session, `sync-${name}-failure`);
      } catch {}
    }
    throw error;
  } finally {
    if (session) await session.end().catch(() => {});
    driver.kill();
    // The next app may only open the book once this one has let go of it.
    await released(book, log);
  }
}

const useFolder = (s) => setFolder(s, folder);
const exportChanges = (s) => exportTo(s, folder);

/** Enrols the device shown on this laptop's Sync page for `staff`; returns its id. */
async function enrol(s, staff) {
  const device = await s.text(await s.waitFor('[data-testid=sync-device-id]'));
  const key = await s.text(await s.waitFor('[data-testid=sync-public-key]'));
  fieldcrm(office, 'device', 'enroll', '--staff', staff, '--device', device, '--key', key);
  return device;
}

function merge() {
  const report = fieldcrm(office, 'hq', 'merge', folder, '--out', folder);
  const refused = report.imported.filter((m) => m.error);
  if (refused.length) throw new Error(`head office refused: ${JSON.stringify(refused)}`);
  return report;
}

async function openCard(s, name) {
  await s.click(await s.waitFor('[data-testid=nav-customers]'));
  await s.type(await s.waitFor('[data-testid=search-input] input'), name);
  await s.click(await s.waitFor(`[data-testid=customer-row][data-name="${name}"]`));
  await s.waitFor('[data-testid=card-title]', { text: name });
}

async function setPhone(s, phone) {
  await s.click(await s.waitFor('[data-testid=edit-block-basic]'));
  await s.type(await s.waitFor('[data-testid=edit-phone] input'), phone);
  await s.click(await s.waitFor('[data-testid=save-fields]'));
  await s.waitFor('[data-testid=block-basic]', { text: phone });
}

let failed = false;
try {
  step('head office sets up a region with a territory, a rep and the regional manager (CLI)');
  const root = fieldcrm(office, 'init', '--name', '总部', '--role', 'head_office', '--company', '华丰农业').profile.orgUnitId;
  const region = fieldcrm(office, 'org', 'add', '潍坊大区', '--kind', 'region', '--parent', root).id;
  const territory = fieldcrm(office, 'org', 'add', '寿光片区', '--kind', 'territory', '--parent', region).id;
  const rep = fieldcrm(office, 'staff', 'add', '王磊', '--role', 'rep', '--unit', territory).id;
  const manager = fieldcrm(office, 'staff', 'add', '赵经理', '--role', 'regional_manager', '--unit', region).id;
  const fingerprint = fieldcrm(office, 'device', 'show').fingerprint;
  fieldcrm(repBook, 'init', '--name', '王磊', '--company', '华丰农业', '--unit', '寿光片区');
  fieldcrm(managerBook, 'init', '--name', '赵经理', '--role', 'regional_manager', '--company', '华丰农业', '--unit', '潍坊大区');

  await inApp(repBook, 'rep-joins', async (s) => {
    step('the rep reads the device id and key off the Sync page; head office enrols the laptop and merges');
    await openSyncPage(s);
    await s.waitFor('[data-testid=sync-not-joined]');
    await enrol(s, rep);
    merge();
    step("the rep imports head office's first file from the shared folder after checking its fingerprint");
    await useFolder(s);
    await s.waitFor('[data-testid=folder-file-row]');
    await importNew(s, { confirmFingerprint: fingerprint });
    await s.waitFor('[data-testid=sync-joined]', { text: fingerprint });
    step('the rep creates a card and exports it');
    await s.click(await s.waitFor('[data-testid=nav-customers]'));
    await s.click(await s.waitFor('[data-testid=new-customer]'));
    await s.type(await s.waitFor('[data-testid=field-name] input'), '华星农业');
    await s.click(await s.waitFor('[data-testid=save-customer]'));
    await s.waitFor('[data-testid=card-title]', { text: '华星农业' });
    await openSyncPage(s);
    await exportChanges(s);
  });

  step('head office merges the rep file (CLI)');
  merge();
  const atOffice = fieldcrm(office, 'customer', 'search', '华星农业');
  if (atOffice.total !== 1) throw new Error(`head office should have the card once, has ${atOffice.total}`);

  await inApp(managerBook, 'manager-edits', async (s) => {
    step('the manager joins, receives the card, and changes its phone');
    await openSyncPage(s);
    await enrol(s, manager);
    merge();
    await useFolder(s);
    await s.waitFor('[data-testid=folder-file-row]');
    await importNew(s, { confirmFingerprint: fingerprint });
    await openCard(s, '华星农业');
    await setPhone(s, '13900000002');
    await openSyncPage(s);
    await exportChanges(s);
  });

  await inApp(repBook, 'rep-edits-offline', async (s) => {
    step('the rep, offline, changes the same phone without having seen the manager change');
    await openCard(s, '华星农业');
    await setPhone(s, '13800000001');
    await openSyncPage(s);
    await exportChanges(s);
  });

  step('head office merges both: the same field changed twice is a conflict (CLI)');
  merge();
  const open = fieldcrm(office, 'conflicts', 'list');
  if (open.length !== 1) throw new Error(`head office should record one conflict, has ${JSON.stringify(open)}`);

  await inApp(repBook, 'rep-resolves', async (s) => {
    step('the rep imports, sees the conflict with both values, and takes the manager value with one click');
    await openSyncPage(s);
    await useFolder(s);
    await importNew(s);
    const row = await s.waitFor('[data-testid=conflict-row]', { text: '华星农业' });
    const shown = await s.text(row);
    if (!shown.includes('13800000001') || !shown.includes('13900000002')) {
      throw new Error(`the conflict should show both values, shows: ${shown}`);
    }
    await s.click(await s.waitFor('[data-testid=conflict-take-other]'));
    for (let i = 0; (await s.find('[data-testid=conflict-row]')).length > 0; i++) {
      if (i > 100) throw new Error('the conflict stayed open after resolving it');
      await new Promise((r) => setTimeout(r, 100));
    }
    await exportChanges(s);
    await openCard(s, '华星农业');
    await s.waitFor('[data-testid=block-basic]', { text: '13900000002' });
  });

  step('head office merges the resolution: the phone is the manager value, no conflict is open (CLI)');
  merge();
  const id = atOffice.rows[0].id;
  const card = fieldcrm(office, 'customer', 'show', id);
  if (JSON.stringify(card).indexOf('13900000002') < 0) throw new Error(`head office card: ${JSON.stringify(card.fields)}`);
  const still = fieldcrm(office, 'conflicts', 'list');
  if (still.length !== 0) throw new Error(`no conflict should be open at head office: ${JSON.stringify(still)}`);

  await inApp(managerBook, 'manager-sees-resolution', async (s) => {
    step('the manager imports and sees the resolved value, with no open conflict');
    await openSyncPage(s);
    await useFolder(s);
    await importNew(s);
    await s.waitFor('[data-testid=sync-conflicts]');
    if ((await s.find('[data-testid=conflict-row]')).length !== 0) throw new Error('the manager still sees an open conflict');
    await openCard(s, '华星农业');
    await s.waitFor('[data-testid=block-basic]', { text: '13900000002' });
  });
  log(`screenshots in ${out}`);
} catch (error) {
  failed = true;
  reportFailure(error);
} finally {
  await removeWork(work, [repBook, managerBook]);
}
console.log(failed ? `0 passed, 1 failed` : `1 passed, 0 failed`);
process.exit(failed ? 1 : 0);
