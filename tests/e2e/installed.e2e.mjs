// End-to-end: the app as the .deb installs it (tests/package/install.sh sets
// E2E_APP and E2E_CLI to the installed programs). On a new book it opens on
// the first-start screen, in Chinese, and opens the demo book from it; the
// CLI installed beside it reads the book the app made.

import { join } from 'node:path';
import { assert, cliOn, e2e, workFolder } from './app.mjs';

const work = workFolder('installed');
const book = join(work, 'book.sqlite');

await e2e(
  { name: 'installed', work, book },
  async (s, t) => {
    t.step('the installed app opens a new book on the first-start screen, in Chinese');
    await s.waitFor('[data-testid=open-demo]', { timeout: 60000 });
    await s.waitFor('body', { text: '客户档案' });
    await t.shot('first-start');
    t.step('and opens the demo book from it');
    await s.click(await s.waitFor('[data-testid=open-demo]'));
    await s.waitFor('[data-testid=customer-row]', { timeout: 60000 });
  },
  async (t) => {
    t.step('the installed CLI reads the book the app made');
    const status = cliOn(book)('status');
    assert(status.schemaVersion > 0, `the CLI's status of the app's book: ${JSON.stringify(status)}`);
  },
);
