import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyHeapGrowth } from './heap.ts';
import { loadConfig } from './config.ts';

/** full collections of the fixture's steady promotion under that growth, in a fresh process */
const fullCollections = (percent: number) =>
  (
    JSON.parse(
      execFileSync(
        process.execPath,
        ['--import', 'tsx', path.join(import.meta.dirname, 'heap.fixture.ts'), String(percent)],
        { encoding: 'utf8' },
      ),
    ) as { full: number }
  ).full;

describe('heap growth', () => {
  it('reaches V8 at run time: the same promotion takes fewer full collections at 300% than at 10%', () => {
    const tight = fullCollections(10);
    const roomy = fullCollections(300);
    expect(roomy).toBeGreaterThan(0);
    expect(tight).toBeGreaterThan(roomy * 2);
  });

  it('is 300% unless PALISADE_HEAP_GROWTH_PERCENT says otherwise (0: V8 decides)', () => {
    expect(loadConfig({}).heap.growthPercent).toBe(300);
    expect(loadConfig({ PALISADE_HEAP_GROWTH_PERCENT: '0' }).heap.growthPercent).toBe(0);
  });

  it.each(['-1', '1001', '1.5', 'lots'])('refuses %s, in the settings and at the call', (value) => {
    expect(() => loadConfig({ PALISADE_HEAP_GROWTH_PERCENT: value })).toThrow(/PALISADE_HEAP_GROWTH_PERCENT/);
    if (!Number.isNaN(Number(value))) expect(() => applyHeapGrowth(Number(value))).toThrow(RangeError);
  });
});
