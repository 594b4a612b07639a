// Reloading the routing policy: a good edit is taken (new hash), a bad one is refused with the
// last good policy kept and the reason logged.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { loadRoutingPolicyFile, watchRoutingPolicy, type RoutingPolicySource } from './routingPolicy.ts';

const shipped = fs.readFileSync(new URL('../../policies/routing.yaml', import.meta.url), 'utf8');
let source: RoutingPolicySource | undefined;
afterEach(() => source?.stop());

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routing-'));
  const file = path.join(dir, 'routing.yaml');
  fs.writeFileSync(file, shipped);
  const stream = new PassThrough();
  let logs = '';
  stream.on('data', (c: Buffer) => (logs += c.toString()));
  source = watchRoutingPolicy(file, createLogger({ level: 'info', stream }), { intervalMs: 20 });
  return { file, logs: () => logs };
}

describe('routing policy reload', () => {
  it('takes a good edit, on SIGHUP as well as on change', async () => {
    const { file } = setup();
    const first = source!.current().hash;
    fs.writeFileSync(file, `${shipped}\n# edited\n`);
    await expect.poll(() => source!.current().hash, { timeout: 5000 }).not.toBe(first);
    const second = source!.current().hash;
    fs.writeFileSync(file, shipped.replace('seconds: 30', 'seconds: 31'));
    process.emit('SIGHUP', 'SIGHUP');
    expect(source!.current().hash).not.toBe(second);
    expect(source!.current().cooldown.seconds).toBe(31);
  });

  it('refuses a bad edit, keeps the last good policy and logs why', () => {
    const { file, logs } = setup();
    const good = source!.current().hash;
    fs.writeFileSync(file, shipped.replace('chain: [gpu-pool, on-prem-llama, gpt, kb]', 'chain: [gpu-pool, nowhere]'));
    expect(source!.reload()).toBe(false);
    expect(source!.current().hash).toBe(good);
    expect(logs()).toContain('routing.policy_rejected');
    expect(logs()).toContain('unknown target nowhere');
  });

  it('a bad file at start is an error naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routing-'));
    const file = path.join(dir, 'routing.yaml');
    fs.writeFileSync(file, 'version: 2\nrules: []\n');
    expect(() => loadRoutingPolicyFile(file)).toThrow(/routing\.yaml/);
  });
});
