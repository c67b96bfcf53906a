// End-to-end: classification, grades and routes in the real app (WebKitWebDriver
// through tauri-driver, under Xvfb) on a demo book prepared with the CLI, as
// head office uses it. A route's stop is moved and the route optimised, the
// plan shows a rep's day, a card is graded by hand with a reason, and the ABC
// suggestion is accepted; the CLI then reads the book to check each change
// was saved. Screenshots go to target/e2e/.

import { join } from 'node:path';
import { assert, cliOn, e2e, workFolder } from './app.mjs';

const work = workFolder('classify');
const book = join(work, 'book.sqlite');
const fieldcrm = cliOn(book);

const today = new Date();
const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
fieldcrm('demo', '--customers', '400', '--as-of', iso);
const route = fieldcrm('route', 'list').sort((a, b) => b.stops - a.stops)[0];
const before = fieldcrm('route', 'show', route.id).stops.map((s) => s.customerId);

const order = async (s) => {
  const rows = await s.find('[data-testid=stop-row]');
  return Promise.all(rows.map((r) => s.cmd('GET', `/element/${r}/attribute/data-name`)));
};

const card = fieldcrm('route', 'show', route.id).stops[0];
await e2e(
  { name: 'classify', work, book },
  async (session, { step, shot }) => {
    await session.waitFor('[data-testid=customer-row]', { timeout: 60000 });

    step('the routes screen lists the demo routes; a stop moves down with its button');
    await session.click(await session.waitFor('[data-testid=nav-routes]'));
    await session.click(await session.waitFor(`[data-testid=route-row][data-name="${route.name}"]`));
    await session.waitFor('[data-testid=stop-row]');
    const shown = await order(session);
    assert(shown.length === before.length, `the route shows ${shown.length} stops, the book has ${before.length}`);
    const downs = await session.find('[data-testid=stop-down]');
    await session.click(downs[0]);
    for (let i = 0; i < 50; i++) {
      const now = await order(session);
      if (now[0] === shown[1] && now[1] === shown[0]) break;
      if (i === 49) throw new Error(`the first stop did not move down: ${now.slice(0, 3)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await shot('routes');

    step('optimising shows the distance before and after; accepting saves the new order');
    await session.click(await session.waitFor('[data-testid=optimise-route]'));
    await session.waitFor('[data-testid=proposal-after]');
    await shot('proposal');
    await session.click(await session.waitFor('[data-testid=accept-order]'));
    await session.waitFor('.el-message--success', { timeout: 10000 });

    step('the plan shows a rep’s day for head office');
    await session.click(await session.waitFor('[data-testid=nav-plan]'));
    await session.waitFor('[data-testid=plan-day]', { timeout: 20000 });
    await shot('plan');

    step('head office grades a card by hand with a reason');
    await session.click(await session.waitFor('[data-testid=nav-customers]'));
    const search = await session.waitFor('[data-testid=search-input] input');
    await session.type(search, card.name);
    await session.click(await session.waitFor(`[data-testid=customer-row][data-name="${card.name}"]`));
    await session.waitFor('[data-testid=card-title]', { text: card.name });
    const tabs = await session.find('.el-tabs__item');
    for (const t of tabs) {
      if ((await session.text(t)).includes('分类与等级')) await session.click(t);
    }
    await session.click(await session.waitFor('[data-testid=set-grade]'));
    await session.choose('[data-testid=grade-choice]', 'D 类');
    await session.type(await session.waitFor('textarea[data-testid=grade-reason]'), '年度回访后下调');
    await session.click(await session.waitFor('[data-testid=save-grade]'));
    await session.waitFor('[data-testid=grade-history]', { text: '年度回访后下调' });
    await shot('grading');

    step('head office changes the ABC rule to A 60% / B 30% / C 10%');
    await session.click(await session.waitFor('[data-testid=nav-classification]'));
    await session.click(await session.waitFor('.el-tabs__item', { text: '等级标准' }));
    await session.type(await session.waitFor('[data-testid=share-A] input'), '60\uE004');
    await session.type(await session.waitFor('[data-testid=share-B] input'), '30\uE004');
    await session.waitFor('[data-testid=rule-total]', { text: '100%' });
    await session.click(await session.waitFor('[data-testid=save-rule]'));
    await session.waitFor('.el-message--success', { timeout: 10000 });

    step('the ABC suggestion is computed and the proposed changes accepted');
    const suggestTab = await session.waitFor('.el-tabs__item', { text: '等级建议' });
    await session.click(suggestTab);
    await session.click(await session.waitFor('[data-testid=run-suggestion]'));
    await session.waitFor('[data-testid=suggestion-summary]', { timeout: 20000 });
    await shot('suggestion');
    // Only the ticked rows of the page on view are accepted, after a confirmation
    // with their count; page by page until nothing is left to accept.
    const summary = () => session.run("return document.querySelector('[data-testid=suggestion-summary]').textContent");
    const acceptable = () => session.run("const b = document.querySelector('[data-testid=accept-grades]'); return !!b && !b.disabled");
    for (let round = 0; await acceptable(); round++) {
      assert(round < 5, 'accepting the suggestion did not finish in 5 pages');
      const before = await summary();
      await session.click(await session.waitFor('[data-testid=accept-grades]'));
      const confirm = await session.waitFor('.el-message-box .accept-grades-confirm');
      const asked = await session.text(await session.waitFor('.el-message-box__message'));
      assert(/采纳 \d+ 条/.test(asked), `the confirmation gives the count (${asked})`);
      await session.click(confirm);
      await session.waitFor('.el-message--success', { text: '已调整', timeout: 20000 });
      for (let i = 0; (await summary()) === before; i++) {
        assert(i < 200, 'the suggestion was not computed again after accepting');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  },
  async ({ step }) => {
    step('the book holds what was done in the app (read with the CLI)');
    const after = fieldcrm('route', 'show', route.id).stops.map((s) => s.customerId);
    assert(after.length === before.length && [...after].sort().join() === [...before].sort().join(), 'the route kept its stops');
    assert(after.join() !== before.join(), 'the route has a new order');
    const proposal = fieldcrm('route', 'optimise', route.id);
    assert(Math.abs(proposal.beforeKm - proposal.afterKm) < 0.05, `the accepted order is the optimised one (${proposal.beforeKm} → ${proposal.afterKm})`);
    const history = fieldcrm('grade', 'history', card.customerId);
    assert(history.some((h) => h.newGrade === 'D' && h.reason === '年度回访后下调' && h.source === 'grade'), 'the manual grade and its reason are in the history');
    const shown = fieldcrm('customer', 'show', card.customerId).card.grading;
    assert(shown.grade === 'D' && shown.gradeManual, 'the hand-set grade was not overwritten by accepting the suggestion');
    const rule = fieldcrm('grade', 'scales').rule.map((r) => `${r.grade}${r.share}`).join(' ');
    assert(rule === 'A60 B30 C10', `the new rule was saved (${rule})`);
    const again = fieldcrm('grade', 'suggest');
    assert(again.changes.every((c) => c.manual), `after accepting, only grades set by hand still differ (${again.changes.length})`);
  },
);
