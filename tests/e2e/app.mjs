// The pieces every end-to-end test needs around the real app: where the
// built programs are, tauri-driver started on a book, waiting for the app to
// let go of that book, and [`e2e`](#e2e), which runs one test with all of it.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Session } from './webdriver.mjs';

const root = resolve(import.meta.dirname, '../..');
const profile = process.env.E2E_PROFILE ?? 'debug';
/**
 * The app and the CLI under test: `E2E_PROFILE` picks the build (debug unless
 * set); `E2E_APP` and `E2E_CLI` name installed programs instead (the package test).
 */
export const app = process.env.E2E_APP ?? join(root, 'target', profile, 'fieldcrm-desktop');
export const cli = process.env.E2E_CLI ?? join(root, 'target', profile, 'fieldcrm');
/**
 * The passphrase of every book the end-to-end tests make (never a user's).
 * The CLI reads it from the environment; the app is given it on its first
 * screen, as a user types it. Neither touches the user's keyring.
 */
export const PASSPHRASE = '测试口令-field-2026';
process.env.FIELDCRM_PASSPHRASE = PASSPHRASE;
process.env.FIELDCRM_NO_KEYRING = '1';

/**
 * Starts the app in a WebDriver session at `base` and opens its book through
 * the first screen: the passphrase (twice for a new book), as a user types it.
 */
export async function openSession(base) {
  const session = await Session.start(base, app);
  await unlock(session);
  return session;
}

/** Types the book's passphrase on the app's first screen (twice for a new book) and opens it. */
export async function unlock(session) {
  const field = await session.waitFor('[data-testid=unlock-passphrase]', { timeout: 60000 });
  await session.type(field, PASSPHRASE);
  const again = await session.find('[data-testid=unlock-again]');
  if (again.length) await session.type(again[0], PASSPHRASE);
  await session.click(await session.waitFor('[data-testid=unlock-submit]'));
  // The screen goes once the book is open (a plain book is encrypted first).
  const until = Date.now() + 120000;
  while ((await session.find('[data-testid=unlock]')).length) {
    if (Date.now() > until) throw new Error('the book did not open with the passphrase');
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Where screenshots go. */
export const out = join(root, 'target', 'e2e');

/** A new temporary folder for test `name`'s books and files. */
export function workFolder(name) {
  mkdirSync(out, { recursive: true });
  return mkdtempSync(join(tmpdir(), `fieldcrm-e2e-${name}-`));
}

/** The CLI on `book`, as head office scripts it: `--json`, its answer parsed. */
export const cliOn =
  (book) =>
  (...args) =>
    JSON.parse(execFileSync(cli, ['--db', book, '--json', ...args], { encoding: 'utf8' }));

/** Throws `message` unless `ok`. */
export function assert(ok, message) {
  if (!ok) throw new Error(message);
}

/** The steps of test `name`: each is logged, and a failure names the step it happened in. */
export function steps(name) {
  const done = [];
  return {
    log: (message) => console.log(`${name} e2e: ${message}`),
    step(what) {
      done.push(what);
      console.log(`${name} e2e: ${what}`);
    },
    failed(error) {
      console.error(`${name} e2e failed at "${done.at(-1)}": ${error.stack ?? error}`);
    },
  };
}

/** Saves what `session` shows as target/e2e/`file`.png. */
export async function screenshot(session, file) {
  writeFileSync(join(out, `${file}.png`), Buffer.from(await session.screenshot(), 'base64'));
}

/**
 * Runs end-to-end test `name` on `book` in folder `work`: starts the app on
 * the book through tauri-driver, runs `drive(session, t)` in it, ends the
 * session and waits for the app to let go of the book, then runs `check(t)`
 * (which reads the book with the CLI). `t.step(what)` names the step a
 * failure is reported at; `t.shot(what)` saves a screenshot `name-what.png`.
 * A failure saves `name-failure.png`. Removes `work` and exits with the result.
 */
export async function e2e({ name, work, book }, drive, check = async () => {}) {
  const { log, step, failed } = steps(name);
  let session;
  const t = { step, shot: (what) => screenshot(session, `${name}-${what}`) };
  let ok = true;
  const { driver, base } = await startDriver(book, 4444 + Math.floor(Math.random() * 1000));
  try {
    session = await openSession(base);
    await drive(session, t);
  } catch (error) {
    ok = false;
    failed(error);
    if (session) await t.shot('failure').catch(() => {});
  } finally {
    if (session) await session.end().catch(() => {});
    driver.kill();
    await released(book, log).catch(() => {});
  }
  if (ok) {
    try {
      await check(t);
    } catch (error) {
      ok = false;
      failed(error);
    }
  }
  log(`screenshots in ${out}`);
  await removeWork(work, [book]);
  console.log(ok ? '1 passed, 0 failed' : '0 passed, 1 failed');
  process.exit(ok ? 0 : 1);
}

/**
 * The environment the app (or the driver that starts it) runs in on `book`:
 * its data, settings and WebKit's storage in a folder beside the test's book
 * (kept from one session on that book to the next, as a user's would be),
 * never in the user's profile (~/.local/share/com.fieldcrm.desktop …).
 */
export function appEnv(book) {
  const home = join(dirname(book), `${basename(book)}.home`);
  mkdirSync(home, { recursive: true });
  // The app is given its passphrase on its first screen, as a user types it.
  const { FIELDCRM_PASSPHRASE: _typed, ...env } = process.env;
  return {
    ...env,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    FIELDCRM_DB: book,
  };
}

/**
 * Copies a driver's output to ours a line at a time, keeping the log readable
 * (and the disk whole) when the driver repeats itself: a line said again and
 * again is shown three times, and after 5,000 lines the rest is dropped.
 */
function forward(from, to, label) {
  let rest = '';
  let last = null;
  let repeats = 0;
  let shown = 0;
  from.setEncoding('utf8');
  from.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      repeats = line === last ? repeats + 1 : 0;
      last = line;
      if (repeats === 3) to.write(`${label}: (the same line again; further repeats not shown)\n`);
      if (repeats >= 3) continue;
      shown += 1;
      if (shown === 5000) to.write(`${label}: (more output dropped)\n`);
      if (shown >= 5000) continue;
      to.write(`${line}\n`);
    }
  });
}

/**
 * Starts tauri-driver on `port` for the app opened on `book`, in
 * [`appEnv`](#appEnv); resolves once it answers. Its WebKitWebDriver listens on `port + 1000` rather than on the
 * fixed default, so one left over from an earlier test never blocks this one.
 */
export async function startDriver(book, port) {
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(port + 1000)], {
    env: appEnv(book),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that stopping it stops the WebKitWebDriver it started.
    detached: true,
  });
  forward(driver.stdout, process.stdout, 'tauri-driver');
  forward(driver.stderr, process.stderr, 'tauri-driver');
  // A driver that outlives its test (it ignored the stop) is stopped for good,
  // with everything it started.
  process.on('exit', () => {
    try {
      process.kill(-driver.pid, 'SIGKILL');
    } catch {}
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/status`)).ok) return { driver, base };
    } catch {}
    if (i > 100) {
      driver.kill();
      throw new Error('tauri-driver did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The pid of the app holding the book's lock, if one does (read from /proc/locks, not by trying the lock). */
export function lockHolder(book) {
  try {
    const inode = statSync(`${book}.lock`).ino;
    const line = readFileSync('/proc/locks', 'utf8')
      .split('\n')
      .find((l) => l.split(/\s+/).some((field) => field.endsWith(`:${inode}`)));
    return line ? Number(line.trim().split(/\s+/)[4]) : null;
  } catch {
    return null;
  }
}

/**
 * The processes started for `book` (the driver, the app and WebKit's helpers:
 * each carries `FIELDCRM_DB=<book>` in its environment).
 */
export function startedFor(book) {
  const mark = `FIELDCRM_DB=${book}`;
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(mark)) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

/**
 * Waits until the ended session's app has let go of the book and every
 * process started for it has ended. The app ends with its session; one that
 * still runs after 3 s is stopped as a user would close the window, and
 * whatever is left after 6 s is killed.
 */
export async function released(book, log = console.log) {
  for (let i = 0; i < 300; i++) {
    const left = startedFor(book);
    if (left.length === 0 && lockHolder(book) === null) return;
    if (i === 30) {
      const pid = lockHolder(book);
      if (pid !== null) log(`the app (pid ${pid}) still runs after its session ended; stopping it`);
      for (const p of left) {
        try {
          process.kill(p, 'SIGTERM');
        } catch {}
      }
    }
    if (i === 60) {
      for (const p of left) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {}
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${book} stayed locked after its app was closed`);
}

/**
 * Removes a test's folder after every process started for its books has
 * ended (WebKit's helpers can write their caches a moment after the app
 * has gone).
 */
export async function removeWork(work, books = []) {
  for (const book of books) await released(book).catch(() => {});
  rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

// The Sync page, as a laptop's user works it: a shared folder, export, import.

/** Opens the Sync page. */
export async function openSyncPage(s) {
  await s.click(await s.waitFor('[data-testid=nav-sync]', { timeout: 60000 }));
  await s.waitFor('[data-testid=sync-device-id]');
}

/** Sets the shared folder on the Sync page; its files for this device are listed. */
export async function useFolder(s, folder) {
  const input = await s.waitFor('input[data-testid=sync-folder]');
  await s.type(input, folder + '\uE007');
}

/** Imports every file of the folder for this device not imported yet, oldest first. */
export async function importNew(s, { confirmFingerprint } = {}) {
  let imported = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 300));
    let rows = await s.find('[data-testid=folder-file-import].el-button--primary');
    // The folder is listed after the page opens: on a busy machine the first
    // listing may take seconds, so wait for it before deciding there is none.
    for (let waited = 0; rows.length === 0 && imported === 0 && waited < 15000; waited += 250) {
      await new Promise((r) => setTimeout(r, 250));
      rows = await s.find('[data-testid=folder-file-import].el-button--primary');
    }
    if (rows.length === 0) break;
    await s.click(rows[0]);
    if (confirmFingerprint && imported === 0) {
      // The first file from head office: the dialog shows its key fingerprint to check.
      await s.waitFor('.el-message-box', { text: confirmFingerprint });
      await s.click(await s.waitFor('.el-message-box__btns .el-button--primary'));
    }
    await s.waitFor('[data-testid=sync-import-report]', { timeout: 30000 });
    imported += 1;
    if (imported > 10) throw new Error('the folder keeps offering files to import');
  }
  if (imported === 0) throw new Error('no new file for this device in the folder');
  return imported;
}

/** Exports this laptop's changes into the Sync page's folder. */
export async function exportChanges(s, folder) {
  await s.click(await s.waitFor('[data-testid=sync-export]'));
  await s.waitFor('[data-testid=sync-export-result]', { text: folder });
}
