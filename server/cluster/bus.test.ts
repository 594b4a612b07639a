import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createFanout, MAX_PAYLOAD_BYTES, processBus, topic } from './bus.ts';

const ping = topic('ping', z.object({ id: z.string() }));

describe('the bus', () => {
  it("delivers locally at once, and another node's checked payloads, never its own echo", () => {
    const a = createFanout('a', () => {});
    const got: [string, boolean][] = [];
    a.subscribe(ping, (p, meta) => got.push([p.id, meta.local]));
    const text = a.local(ping, { id: 'x' });
    a.remote(text); // its own, back from the carrier
    a.remote(JSON.stringify({ t: 'ping', n: 'b', p: { id: 'y' } }));
    a.remote(JSON.stringify({ t: 'ping', n: 'b', p: { id: 7 } })); // not the topic's shape
    a.remote('not json');
    expect(got).toEqual([
      ['x', true],
      ['y', false],
    ]);
  });

  it('refuses a payload over the NOTIFY limit', () => {
    const bus = processBus('a');
    expect(() => bus.publish(ping, { id: 'x'.repeat(MAX_PAYLOAD_BYTES) })).toThrow(/over 7500/);
  });
});
