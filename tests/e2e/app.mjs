// The pieces every end-to-end test needs around the real app: tauri-driver
// started on a book, and waiting for the app to let go of that book.

import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

/** Starts tauri-driver on `port` for the app opened on `book`; resolves once it answers. */
export async function startDriver(book, port) {
  const driver = spawn('tauri-driver', ['--port', String(port)], {
    env: { ...process.env, FIELDCRM_DB: book },
    stdio: ['ignore', 'inherit', 'inherit'],
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
 * Waits until the ended session's app has let go of the book. An app the
 * driver left running after the session ended is stopped, as a user would
 * close the window.
 */
export async function released(book, log = console.log) {
  for (let i = 0; i < 300; i++) {
    const pid = lockHolder(book);
    if (pid === null) return;
    if (i === 30) {
      log(`the app (pid ${pid}) still runs after its session ended; stopping it`);
      try {
        process.kill(pid, 'SIGTERM');
      } catch {}
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${book} stayed locked after its app was closed`);
}
