import { describe, expect, it } from 'vitest';
import { processBus } from '../cluster/bus.ts';
import { knowledgeVersionReader } from '../models/service.ts';
import { knowledgeChanged } from './changes.ts';

describe('a knowledge-base change told over the bus', () => {
  it("makes the next request read the version anew, inside the version's cache time", async () => {
    let version = 1;
    let reads = 0;
    const dataSource = { query: async () => (reads++, [{ v: `v${version}` }]) } as unknown as Parameters<
      typeof knowledgeVersionReader
    >[0];
    const bus = processBus('a');
    const read = knowledgeVersionReader(dataSource, 60_000, (l) => void bus.subscribe(knowledgeChanged, l));
    expect(await read()).toBe('v1');
    version = 2;
    expect(await read()).toBe('v1'); // cached for a minute
    bus.publish(knowledgeChanged, {});
    expect(await read()).toBe('v2');
    expect(reads).toBe(2);
  });
});
