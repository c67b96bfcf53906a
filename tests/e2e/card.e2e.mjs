// End-to-end: the real desktop app in a real webview (WebKitWebDriver through
// tauri-driver, under Xvfb). A newcomer opens the demo book, creates a card,
// finds it again by its pinyin initials, opens it, edits it, switches to
// English; a second app on the same book is refused. Screenshots are saved
// under target/e2e/.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Session } from './webdriver.mjs';
import { app, appEnv, cliOn, lockHolder, openSession, out, removeWork, screenshot, steps, workFolder } from './app.mjs';

const port = 4444 + Math.floor(Math.random() * 1000);
const work = workFolder('card');
const book = join(work, 'book.sqlite');

// One driver for both apps of the test: the second one is refused the book the first holds.
const driver = spawn('tauri-driver', ['--port', String(port)], {
  env: appEnv(book),
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;

async function waitForDriver() {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('tauri-driver did not start');
}

/** Waits until the book's lock is (or is not) held by an app. */
async function lockState(held, why = `the book's lock never became ${held ? 'held' : 'free'}`) {
  for (let i = 0; i < 150; i++) {
    if ((lockHolder(book) !== null) === held) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(why);
}

let session;
let failed = false;
const { log, step, failed: reportFailure } = steps('card');
try {
  await waitForDriver();
  session = await openSession(base);

  step('a new book starts on the first-start screen, which opens the demo book');
  await session.click(await session.waitFor('[data-testid=open-demo]'));
  await session.waitFor('[data-testid=customer-row]', { timeout: 60000 });
  await screenshot(session, 'card-list');

  step('head office creates a card: it must say who looks after it, then the card gets the next customer code');
  await session.click(await session.waitFor('[data-testid=new-customer]'));
  const name = await session.waitFor('[data-testid=field-name] input');
  await session.type(name, '华星农业');
  await session.click(await session.waitFor('[data-testid=save-customer]'));
  await session.waitFor('[data-testid=field-ownerId] .el-form-item__error', { text: '请选择负责的业务员' });
  await session.choose('[data-testid=field-ownerId] .el-select__wrapper', '业务员');
  await session.click(await session.waitFor('[data-testid=save-customer]'));
  await session.waitFor('[data-testid=card-title]', { text: '华星农业' });
  // The demo book numbers its cards C0000001 … C0002000: this one is the next.
  await session.waitFor('[data-testid=block-basic]', { text: 'C0002001' });

  step('back on the list, pinyin initials find it');
  await session.click(await session.waitFor('[data-testid=back-to-list]'));
  const search = await session.waitFor('[data-testid=search-input] input');
  await session.type(search, 'hxny');
  const row = await session.waitFor('[data-testid=customer-row][data-name="华星农业"]');
  const others = await session.find('[data-testid=customer-row]:not([data-name="华星农业"])');
  if (others.length > 0) throw new Error(`hxny also listed ${others.length} other customers`);
  await screenshot(session, 'card-search');

  step('opening the row shows the card');
  await session.click(row);
  await session.waitFor('[data-testid=card-title]', { text: '华星农业' });
  await new Promise((r) => setTimeout(r, 300));
  await screenshot(session, 'card-card');

  step('an edit is saved and shows in the history');
  await session.click(await session.waitFor('[data-testid=edit-block-basic]'));
  await session.type(await session.waitFor('[data-testid=edit-phone] input'), '13812345678');
  await session.click(await session.waitFor('[data-testid=save-fields]'));
  await session.waitFor('[data-testid=block-basic]', { text: '13812345678' });
  await session.click(await session.waitFor('#tab-history'));
  await session.waitFor('[data-testid=history]', { text: '13812345678' });

  step('the app speaks English on request');
  await session.click(await session.waitFor('[data-testid=lang-switch]'));
  await session.waitFor('[data-testid=back-to-list]', { text: 'Back to list' });
  await screenshot(session, 'card-card-en');
  await session.click(await session.waitFor('[data-testid=lang-switch]'));
  await session.waitFor('[data-testid=back-to-list]', { text: '返回列表' });
  await session.end();
  session = undefined;

  step('a second app on a book that is already open says so and touches nothing');
  await lockState(false, 'the app should end with its WebDriver session and let go of the book'); // as a closed window does
  const first = spawn(app, [], { env: appEnv(book), stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    await lockState(true); // the first app holds it
    // No passphrase screen: the book is claimed before its door opens.
    session = await Session.start(base, app);
    await session.waitFor('[data-testid=fatal-error]', { text: '另一个程序占用' });
    await screenshot(session, 'card-second-instance');
  } finally {
    first.kill();
  }
  const found = cliOn(book)('customer', 'search', 'hxny');
  if (found.total !== 1) throw new Error(`the book should still hold the new card once, found ${found.total}`);
  log(`screenshots in ${out}`);
} catch (error) {
  failed = true;
  reportFailure(error);
  if (session) {
    try {
      await screenshot(session, 'card-failure');
    } catch {}
  }
} finally {
  if (session) await session.end().catch(() => {});
  driver.kill();
  await removeWork(work, [book]);
}
console.log(failed ? `0 passed, 1 failed` : `1 passed, 0 failed`);
process.exit(failed ? 1 : 0);
