import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { metricsRoutes } from '../routes/metrics.ts';
import { bearerMatches, readMetricsToken } from './access.ts';
import { createMetrics } from './registry.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-metrics-token-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string, mode: number) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  return file;
};

describe('metrics access', () => {
  it('reads a token only from a file its owner alone can read, and only a long one', () => {
    expect(readMetricsToken(write('ok', `${'a'.repeat(40)}\n`, 0o600))).toBe('a'.repeat(40));
    expect(() => readMetricsToken(write('open', 'a'.repeat(40), 0o644))).toThrow(/chmod 600/);
    expect(() => readMetricsToken(write('short', 'abc', 0o600))).toThrow(/at least 32/);
    expect(() => readMetricsToken(path.join(dir, 'missing'))).toThrow(/cannot read/);
  });

  it('compares the bearer token exactly', () => {
    expect(bearerMatches(undefined, undefined)).toBe(true);
    expect(bearerMatches('Bearer secret-token', 'secret-token')).toBe(true);
    for (const h of [undefined, '', 'Bearer', 'Bearer secret-tokenX', 'Basic secret-token', 'bearer secret-token '])
      expect(bearerMatches(h, 'secret-token')).toBe(false);
  });

  it('mounts no /metrics on the public port without a token', () => {
    const m = createMetrics();
    expect(metricsRoutes(m, undefined).stack).toHaveLength(0);
    expect(metricsRoutes(m, 'x'.repeat(32)).stack.map((l) => l.path)).toEqual(['/metrics']);
  });

  it('listens on loopback when METRICS_LISTEN names a port alone', () => {
    expect(loadConfig({ METRICS_LISTEN: '9464' }).metrics.listen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ METRICS_LISTEN: '[::1]:9464' }).metrics.listen).toEqual({ host: '::1', port: 9464 });
    expect(loadConfig({}).metrics).toEqual({ listen: undefined, tokenFile: undefined });
    expect(() => loadConfig({ METRICS_LISTEN: 'localhost:99999' })).toThrow(/METRICS_LISTEN/);
    expect(() => loadConfig({ METRICS_LISTEN: 'http://x:1' })).toThrow(/METRICS_LISTEN/);
  });
});
