// End-to-end: the main screens fit the laptops reps carry. The real app (under
// Xvfb) on a head-office demo book is resized to 1024×640 (its minimum),
// 1280×720, 1366×768 and 1920×1080; at each size the page is no wider than
// the window, the header's screens, language switch and settings lie inside
// it, the customer list keeps the name in view while its other columns scroll
// sideways to the last one, and the card, the new-customer form, the plan,
// the sales analyses and the sync page show what their users need (a form's
// button may be reached by scrolling its own area, never the page sideways).
// Screenshots go to target/e2e/.

import { join } from 'node:path';
import { assert, cliOn, e2e, workFolder } from './app.mjs';

const work = workFolder('screens');
const book = join(work, 'book.sqlite');
cliOn(book)('demo', '--customers', '400');

const SIZES = [
  [1024, 640],
  [1280, 720],
  [1366, 768],
  [1920, 1080],
];
const NAV = ['home', 'customers', 'orders', 'receivables', 'routes', 'plan', 'reports', 'compliance', 'classification', 'sales', 'import', 'sync'];
const HEADER = [...NAV.map((n) => `[data-testid=nav-${n}]`), '[data-testid=lang-switch]', '[data-testid=settings]', '[data-testid=profile]'];

/**
 * In the page: what of `inView` (selectors that must lie inside the window as
 * they are) and `reachable` (that must lie inside it once scrolled into view,
 * within their own scrolling area) does not; and whether the page itself is
 * wider than the window.
 */
const CHECK = `
const [inView, reachable] = arguments;
const W = document.documentElement.clientWidth, H = document.documentElement.clientHeight;
const problems = [];
if (document.documentElement.scrollWidth > W + 1) problems.push('the page is ' + document.documentElement.scrollWidth + ' px wide in a window of ' + W);
const main = document.querySelector('main');
if (main && main.scrollWidth > main.clientWidth + 1) problems.push('the screen is ' + main.scrollWidth + ' px wide in an area of ' + main.clientWidth);
const outside = (sel) => {
  const el = document.querySelector(sel);
  if (!el) return sel + ' is missing';
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) return sel + ' is not shown';
  if (r.left < -1 || r.top < -1 || r.right > W + 1 || r.bottom > H + 1)
    return sel + ' lies outside the window (' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(', ') + ' in ' + W + '×' + H + ')';
  return null;
};
for (const sel of inView) { const p = outside(sel); if (p) problems.push(p); }
// Anything shown that sticks out past the right edge, unless a part of the screen that scrolls or clips on its own (a table, a text cut with …) holds it.
for (const el of document.querySelectorAll('#app *')) {
  if (el.children.length && !['BUTTON', 'INPUT', 'CANVAS', 'svg'].includes(el.tagName)) continue;
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1 || r.right <= W + 1 || r.bottom < 0 || r.top > H) continue;
  let held = false;
  for (let a = el.parentElement; a && !a.matches('main, body'); a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.overflowX !== 'visible' && a.getBoundingClientRect().right <= W + 1) { held = true; break; }
  }
  if (!held) {
    problems.push((el.getAttribute('data-testid') ?? el.className?.baseVal ?? el.className ?? el.tagName) + ' "' + (el.textContent ?? '').trim().slice(0, 20) + '" sticks out to ' + Math.round(r.right) + ' of ' + W);
    if (problems.length > 20) break;
  }
}
for (const sel of reachable) {
  document.querySelector(sel)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  const p = outside(sel); if (p) problems.push(p);
}
if (document.documentElement.scrollLeft !== 0) problems.push('the page scrolled sideways to show ' + reachable.join(', '));
return problems;`;

/** Scrolls the customer table sideways to its last column, as a touchpad or shift+wheel does. */
const SCROLL_TABLE = `
document.querySelector('[data-testid=customer-row]').dispatchEvent(new WheelEvent('wheel', { deltaX: 5000, bubbles: true, cancelable: true }));`;
const TABLE_EDGES = `
const W = document.documentElement.clientWidth;
const name = document.querySelector('[data-testid=customer-row] .el-table-v2__row-cell').getBoundingClientRect();
const headers = [...document.querySelectorAll('.customer-table .el-table-v2__header-cell')];
const last = headers[headers.length - 1].getBoundingClientRect();
const first = headers[0].getBoundingClientRect();
return { W, name: [name.left, name.right], firstHeader: [first.left, first.right], lastHeader: [last.left, last.right] };`;

/** Whether the settings panel has finished sliding in (no drawer transition running). */
const DRAWER_STILL = `
return !document.querySelector('.el-drawer-fade-enter-active, .el-drawer-fade-leave-active');`;

/**
 * Whether the settings panel has arrived: no transition running and its form
 * inside the window's width (a busy page may start the slide a moment after
 * the click, when no transition is running yet either).
 */
const DRAWER_IN = `
const form = document.querySelector('[data-testid=time-zone-form]');
const r = form && form.getBoundingClientRect();
return !!r && r.right <= document.documentElement.clientWidth + 1
  && !document.querySelector('.el-drawer-fade-enter-active, .el-drawer-fade-leave-active');`;

/** The app's session, for the checks below. */
let session;
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
/**
 * In the page: the visible words of the Chinese screen that are not Chinese —
 * code keys (state_owned, good, credit_term…) and English sentences. Latin
 * letters a Chinese user reads too (the product's name, the switch to
 * English, file kinds, units, grades, product codes) are allowed, and so are
 * the values shown to be copied (\`<code>\`: a device number, a key).
 */
const NOT_CHINESE = `
const allowed = new Set(['fieldcrm', 'fcsync', 'English', 'Excel', 'UTC', 'PDF', 'CSV', 'ABC', 'kg', 'km']);
const parts = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const el = node.parentElement;
  if (!el || el.closest('code, script, style, noscript') || !el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
  parts.push(node.textContent);
}
const text = parts.join(' ');
const found = new Set();
for (const m of text.matchAll(/[A-Za-z][A-Za-z_]*[A-Za-z]/g)) {
  const word = m[0];
  if (allowed.has(word) || /^[A-Z]{1,3}$/.test(word)) continue;
  found.add(word);
}
return [...found];`;
const problems = [];
async function fits(where, inView, reachable = []) {
  await pause(300);
  for (const p of await session.run(CHECK, [[...HEADER, ...inView], reachable])) problems.push(`${where}: ${p}`);
  const words = await session.run(NOT_CHINESE);
  if (words.length) problems.push(`${where}: words that are not Chinese on the Chinese screen: ${words.slice(0, 12).join(', ')}`);
}

await e2e({ name: 'screens', work, book }, async (s, { step, shot }) => {
  session = s;
  await session.waitFor('[data-testid=customer-row]', { timeout: 60000 });
  for (const [width, height] of SIZES) {
    const size = `${width}×${height}`;
    step(`at ${size}: the customer list, its name column and its last column`);
    await session.click(await session.waitFor('[data-testid=nav-customers]'));
    await session.resize(width, height);
    // The table lays itself out again for its new width: wait until the page is no wider than the window (at most 10 s).
    await pause(1000);
    for (let i = 0; i < 45 && (await session.run('return document.documentElement.scrollWidth')) > width + 1; i++) await pause(200);
    await session.waitFor('[data-testid=customer-row]');
    const shown = await session.run('return [document.documentElement.clientWidth, document.documentElement.clientHeight]');
    assert(Math.abs(shown[0] - width) <= 16 && Math.abs(shown[1] - height) <= 64, `the window became ${shown.join('×')}, not ${size}`);
    await fits(`${size} list`, ['[data-testid=search-input]', '[data-testid=new-customer]', '[data-testid=customer-row] .el-table-v2__row-cell']);
    // Scrolled to its end once the table has laid itself out for the new width
    // (on a busy machine that can take more than one try).
    let edges;
    for (let i = 0; i < 10; i++) {
      await session.run(SCROLL_TABLE);
      await pause(400);
      edges = await session.run(TABLE_EDGES);
      if (edges.lastHeader[1] <= edges.W + 1) break;
    }
    assert(edges.name[0] >= -1 && edges.name[1] <= edges.W, `${size}: the name column scrolled away (${edges.name})`);
    assert(edges.firstHeader[0] >= -1, `${size}: the name's header scrolled away (${edges.firstHeader})`);
    assert(edges.lastHeader[1] <= edges.W + 1, `${size}: the last column cannot be scrolled into view (${edges.lastHeader} in ${edges.W})`);
    await shot(`${width}-list`);

    step(`at ${size}: a card`);
    await session.click(await session.waitFor('[data-testid=customer-row]'));
    await session.waitFor('[data-testid=card-title]');
    await fits(`${size} card`, ['[data-testid=back-to-list]', '[data-testid=card-title]', '[data-testid=card-tab-fieldwork]']);
    await shot(`${width}-card`);

    step(`at ${size}: the new-customer form`);
    await session.click(await session.waitFor('[data-testid=back-to-list]'));
    await session.click(await session.waitFor('[data-testid=new-customer]'));
    await session.waitFor('[data-testid=save-customer]');
    await fits(`${size} new customer`, [], ['[data-testid=field-name]', '[data-testid=save-customer]']);
    await shot(`${width}-new-customer`);

    step(`at ${size}: the plan, the sales analyses, the receivables, the sync page and the home screen`);
    await session.click(await session.waitFor('[data-testid=nav-plan]'));
    await session.waitFor('[data-testid=plan-date]');
    await fits(`${size} plan`, ['[data-testid=plan-date]'], ['[data-testid=plan-print]']);
    await session.click(await session.waitFor('[data-testid=nav-sales]'));
    await session.waitFor('[data-testid=sales-period]');
    await fits(`${size} sales`, ['[data-testid=sales-period] .el-range-editor', '[data-testid=sales-overview]']);
    await shot(`${width}-sales`);
    await session.click(await session.waitFor('[data-testid=nav-receivables]'));
    await session.waitFor('[data-testid=aging-table]');
    await fits(`${size} receivables`, ['[data-testid=receivables-period] .el-range-editor', '[data-testid=aging-by]']);
    await shot(`${width}-receivables`);
    await session.click(await session.waitFor('[data-testid=nav-sync]'));
    await session.waitFor('[data-testid=sync-export]');
    await fits(`${size} sync`, [], ['[data-testid=sync-export]', '[data-testid=sync-import]']);
    await session.click(await session.waitFor('[data-testid=nav-home]'));
    await session.waitFor('[data-testid=home-today]');
    await fits(`${size} home`, ['[data-testid=home-today]']);
    await shot(`${width}-home`);

    step(`at ${size}: the settings open inside the window`);
    await session.click(await session.waitFor('[data-testid=settings]'));
    await session.waitFor('[data-testid=time-zone-form]');
    // The demo book made by the CLI offers its reset at the foot of the panel.
    await session.waitFor('[data-testid=settings-reset-demo]');
    // The panel slides in from the right: judge it once it has arrived (or after 5 s, as it is then).
    for (let i = 0; i < 50 && !(await session.run(DRAWER_IN)); i++) await pause(100);
    await fits(`${size} settings`, ['[data-testid=time-zone-form]'], ['[data-testid=settings-check-folder]', '[data-testid=settings-reset-demo]']);
    await shot(`${width}-settings`);
    // The panel covers the gear while it is open: its own button closes it.
    await session.click(await session.waitFor('[data-testid=settings-close]'));
    for (let i = 0; i < 50 && !(await session.run(DRAWER_STILL)); i++) await pause(100);
  }
  assert(problems.length === 0, `outside the window:\n  ${problems.join('\n  ')}`);
});
