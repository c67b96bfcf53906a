// A minimal W3C WebDriver client over fetch: enough to drive the real app
// through tauri-driver and WebKitWebDriver without any npm dependency.

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, application) {
    const body = {
      capabilities: {
        alwaysMatch: { browserName: 'wry', 'tauri:options': { application } },
      },
    };
    const value = await call(base, 'POST', '/session', body);
    return new Session(base, value.sessionId);
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  async find(css) {
    const found = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return found.map((e) => e[ELEMENT]);
  }

  /** The elements matching `css` inside the element `el`. */
  async findIn(el, css) {
    const found = await this.cmd('POST', `/element/${el}/elements`, { using: 'css selector', value: css });
    return found.map((e) => e[ELEMENT]);
  }

  /** Waits until `css` matches at least one displayed element; returns the first. */
  async waitFor(css, { timeout = 20000, text } = {}) {
    const until = Date.now() + timeout;
    let last = '';
    while (Date.now() < until) {
      try {
        for (const el of await this.find(css)) {
          const shown = await this.cmd('GET', `/element/${el}/displayed`);
          const content = text === undefined ? '' : await this.text(el);
          if (shown && (text === undefined || content.includes(text))) return el;
          last = content;
        }
      } catch (error) {
        last = String(error);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`timed out waiting for ${css}${text ? ` with text ${text}` : ''} (last seen: ${last})`);
  }

  /** Clicks, retrying while an animation or a toast still covers the element. */
  async click(el, { timeout = 5000 } = {}) {
    const until = Date.now() + timeout;
    for (;;) {
      try {
        return await this.cmd('POST', `/element/${el}/click`, {});
      } catch (error) {
        if (!/intercepted|not interactable/.test(String(error)) || Date.now() > until) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /**
   * Opens the select `css` and picks the option showing `text`. A click that
   * lands while a dialog is still opening leaves the dropdown shut, so the
   * select is clicked again until the option shows.
   */
  async choose(css, text, { timeout = 20000 } = {}) {
    const until = Date.now() + timeout;
    for (;;) {
      await this.click(await this.waitFor(css));
      try {
        return await this.click(await this.waitFor('.el-select-dropdown__item', { text, timeout: 3000 }));
      } catch (error) {
        if (Date.now() > until) throw error;
      }
    }
  }

  async type(el, text) {
    await this.cmd('POST', `/element/${el}/clear`, {});
    return this.cmd('POST', `/element/${el}/value`, { text });
  }

  text(el) {
    return this.cmd('GET', `/element/${el}/text`);
  }

  /** Runs `script` (a function body; `arguments` are `args`) in the page and returns its result. */
  run(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  /** Resizes the app's window to `width` × `height`. */
  resize(width, height) {
    return this.cmd('POST', '/window/rect', { width, height });
  }

  screenshot() {
    return this.cmd('GET', '/screenshot');
  }

  end() {
    return call(this.base, 'DELETE', `/session/${this.id}`);
  }
}

async function call(base, method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok || (json.value && json.value.error)) {
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json.value ?? json)}`);
  }
  return json.value;
}
