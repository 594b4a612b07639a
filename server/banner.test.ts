// The start notice: the setup link on the terminal only, never in a log line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { announceStart, SETUP_LINK_FILE } from './banner.ts';
import { createLogger } from './logger.ts';

const TOKEN = 'tok_0123456789abcdefghijklmnopqrstuv';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(isTTY: boolean) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-banner-'));
  dirs.push(dataDir);
  const logStream = new PassThrough();
  let logs = '';
  logStream.on('data', (c: Buffer) => (logs += c.toString()));
  let terminal = '';
  const out = {
    logger: createLogger({ level: 'info', stream: logStream }),
    terminal: { isTTY, write: (s: string) => ((terminal += s), true) },
  };
  const notice = {
    publicUrl: 'http://palisade.bank.internal',
    database: 'pglite',
    dataDir,
    setupToken: TOKEN,
    setupTokenTtlSeconds: 86400,
  };
  return { dataDir, out, notice, logs: () => logs, terminal: () => terminal };
}

describe('announceStart', () => {
  it('on a terminal: the banner with the setup link on it, nothing in the log', async () => {
    const t = setup(true);
    announceStart(t.notice, t.out);
    await new Promise((r) => setImmediate(r));
    expect(t.terminal()).toContain(`http://palisade.bank.internal/setup#token=${TOKEN}`);
    expect(t.terminal()).toContain('Palisade is running at http://palisade.bank.internal');
    expect(t.logs()).toBe('');
    expect(fs.existsSync(path.join(t.dataDir, SETUP_LINK_FILE))).toBe(false);
  });

  it('elsewhere: JSON log lines without the token, one naming the 0600 file that holds the link', async () => {
    const t = setup(false);
    fs.writeFileSync(path.join(t.dataDir, SETUP_LINK_FILE), 'an older link\n', { mode: 0o644 });
    announceStart(t.notice, t.out);
    await new Promise((r) => setImmediate(r));
    expect(t.terminal()).toBe('');
    const lines = t
      .logs()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.message)).toEqual(['server.ready', 'setup.pending']);
    expect(t.logs()).not.toContain(TOKEN);
    const file = path.join(t.dataDir, SETUP_LINK_FILE);
    expect(lines[1]).toMatchObject({ linkFile: file, expiresInHours: 24 });
    expect(fs.readFileSync(file, 'utf8')).toBe(`http://palisade.bank.internal/setup#token=${TOKEN}\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('with an admin already there: no link anywhere', async () => {
    const t = setup(false);
    announceStart({ ...t.notice, setupToken: null }, t.out);
    await new Promise((r) => setImmediate(r));
    expect(t.logs()).not.toContain('setup');
    expect(fs.existsSync(path.join(t.dataDir, SETUP_LINK_FILE))).toBe(false);
  });
});
