// End-to-end: field work in the real app (WebKitWebDriver through tauri-driver,
// under Xvfb) on a rep's laptop book made with the CLI. The rep logs a visit
// from a customer's card — findings, a next step with its due date and a new
// phone number — sees the follow-up task on the home screen, and submits the
// day's report with a summary. The CLI then reads the book: the visit, its
// task, the card change with the visit as its source, and the submitted
// report with its figures. Screenshots go to target/e2e/.

import { join } from 'node:path';
import { assert, cliOn, e2e, workFolder } from './app.mjs';

const work = workFolder('fieldwork');
const book = join(work, 'book.sqlite');
const fieldcrm = cliOn(book);

fieldcrm('init', '--name', '王磊', '--role', 'rep', '--company', '华丰农业', '--unit', '寿光片区');
const customer = fieldcrm('customer', 'add', '--set', 'name=华星农资店', '--set', 'phone=13800001111', '--set', 'lifecycle=active');
fieldcrm('customer', 'add', '--set', 'name=丰收农资', '--set', 'lifecycle=active');
const customerId = customer.id;

// The visit's day, read from the arrival the form proposes (half an hour ago: in the half hour
// after the business day's midnight that is yesterday, and so is the visit's daily report), and
// today, read from the report page's day.
let visitDay;
let today;

// The due date three days on, as the date picker shows it (YYYY-MM-DD).
const due = new Date(Date.now() + 3 * 86400000 + 8 * 3600000).toISOString().slice(0, 10);

/** The text box of a form field, wherever Element Plus put its test id. */
const box = (id) =>
  [`[data-testid=${id}] input`, `input[data-testid=${id}]`, `[data-testid=${id}] textarea`, `textarea[data-testid=${id}]`].join(', ');

await e2e(
  { name: 'fieldwork', work, book },
  async (session, { step, shot }) => {
    await session.waitFor('[data-testid=customer-row]', { timeout: 60000 });

    step('the rep opens a card and logs a visit with findings, a next step and a new phone number');
    await session.click(await session.waitFor('[data-testid=customer-row][data-name="华星农资店"]'));
    await session.waitFor('[data-testid=card-title]', { text: '华星农资店' });
    await session.click(await session.waitFor('[data-testid=card-tab-fieldwork]'));
    await session.click(await session.waitFor('[data-testid=log-visit]'));
    await session.waitFor('[data-testid=visit-dialog]');
    visitDay = (await session.run("return document.querySelector('[data-testid=visit-check-in-item] input').value")).slice(0, 10);
    await session.type(await session.waitFor(box('visit-purpose')), '例行拜访，核对库存');
    await session.type(await session.waitFor(box('visit-stock')), '复合肥库存偏低');
    await session.type(await session.waitFor(box('visit-next-step')), '补货 50 箱');
    const dueInput = await session.waitFor(box('visit-next-due'));
    await session.type(dueInput, `${due}\uE007`);
    await session.type(await session.waitFor(box('visit-card-phone')), '13912345678');
    await shot('visit-form');
    await session.click(await session.waitFor('[data-testid=visit-save]'));
    await session.waitFor('.el-message--success', { timeout: 10000 });
    await session.waitFor('[data-testid=card-visit]', { text: '例行拜访，核对库存', timeout: 10000 });
    await shot('card-visits');

    step('the follow-up task is on the home screen');
    await session.click(await session.waitFor('[data-testid=nav-home]'));
    await session.waitFor('[data-testid=home-reminders]');
    await session.waitFor('[data-testid=home-tasks]', { text: '补货 50 箱' });
    await shot('home');

    step('the daily report is assembled from the visit and submitted with a summary');
    await session.click(await session.waitFor('[data-testid=nav-reports]'));
    const picker = await session.waitFor('[data-testid=report-day] input');
    today = await session.run("return document.querySelector('[data-testid=report-day] input').value");
    if (visitDay !== today) {
      // The picker cannot be emptied (it has no clear): select its text and type over it.
      await session.cmd('POST', `/element/${picker}/value`, { text: `\uE009a\uE009${visitDay}\uE007` });
    }
    await session.waitFor('[data-testid=report-visits-count]', { text: '1', timeout: 20000 });
    await session.type(await session.waitFor(box('report-summary')), '拜访华星农资店，需补货。');
    await session.click(await session.waitFor('[data-testid=report-submit]'));
    const confirm = await session.waitFor('.el-message-box__btns .el-button--primary', { timeout: 5000 }).catch(() => null);
    if (confirm) await session.click(confirm);
    await session.waitFor('[data-testid=report-status]', { text: '已提交', timeout: 10000 });
    await shot('report');
  },
  async ({ step }) => {
    step('the book holds the visit, its task, the card change and the submitted report (read with the CLI)');
    const visits = fieldcrm('visit', 'list', '--customer', customerId);
    assert(visits.length === 1, `one visit recorded (${visits.length})`);
    const [visit] = visits;
    assert(visit.purpose === '例行拜访，核对库存' && visit.stockNotes === '复合肥库存偏低', 'the visit kept its findings');
    assert(visit.nextStep === '补货 50 箱' && visit.nextStepDue === due, `the next step and its due date (${visit.nextStepDue})`);
    const tasks = fieldcrm('task', 'list', '--customer', customerId);
    assert(tasks.some((t) => t.title === '补货 50 箱' && t.sourceId === visit.id && t.dueOn === due), 'the next step became a task');
    const shown = fieldcrm('customer', 'show', customerId);
    assert(shown.card.fields.phone === '13912345678', 'the new phone number is on the card');
    const phone = fieldcrm('customer', 'history', customerId).find((h) => h.field === 'phone');
    assert(phone && phone.source === 'visit' && phone.sourceId === visit.id, 'the history names the visit as the source');
    const report = fieldcrm('report', 'show', 'daily', '--day', visitDay);
    assert(report.status === 'submitted' && report.summary === '拜访华星农资店，需补货。', `the daily report was submitted (${report.status})`);
    assert(report.content.totals.visits === 1 && report.content.totals.tasksCreated === (visitDay === today ? 1 : 0), 'with the day’s figures');
  },
);
