// The queue's re-reads: one in flight, and one more for any number of frames heard meanwhile.
import { describe, expect, it } from 'vitest';
import { coalesced } from '../../web/console/src/agent/coalesce.ts';

function gatedReads() {
  const gates: (() => void)[] = [];
  let reads = 0;
  const read = () => {
    reads++;
    return new Promise<void>((resolve) => gates.push(resolve));
  };
  const finish = async () => {
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { read, finish, reads: () => reads, open: () => gates.length };
}

describe('coalesced', () => {
  it('reads once when nothing else arrives', async () => {
    const g = gatedReads();
    const reload = coalesced(g.read);
    const done = reload();
    expect(g.reads()).toBe(1);
    await g.finish();
    await done;
    expect(g.reads()).toBe(1);
  });

  it('turns any number of frames during a read into exactly one more read', async () => {
    const g = gatedReads();
    const reload = coalesced(g.read);
    void reload();
    for (let i = 0; i < 20; i++) void reload();
    expect([g.reads(), g.open()]).toEqual([1, 1]);
    await g.finish();
    expect([g.reads(), g.open()]).toEqual([2, 1]);
    await g.finish();
    expect(g.reads()).toBe(2);
    // idle again: the next frame reads at once
    void reload();
    expect(g.reads()).toBe(3);
  });

  it('keeps reading after a failed read', async () => {
    let reads = 0;
    const reload = coalesced(async () => {
      if (++reads === 1) throw new Error('offline');
    });
    await expect(reload()).rejects.toThrow('offline');
    await reload();
    expect(reads).toBe(2);
  });
});
