// Who a fresh handoff goes to, and what the sites policy accepts for auto-assignment.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { POLICIES_DIR, PolicyInvalid } from '../policies.ts';
import { type AgentLoad, assignOrder } from './assign.ts';
import { loadSites, parseSites } from './sites.ts';

const agent = (id: string, load: number): AgentLoad => ({ id, name: id.toUpperCase(), load });

describe('assignOrder', () => {
  it.each([
    {
      name: 'least loaded first',
      agents: [agent('b', 2), agent('a', 1), agent('c', 0)],
      max: 3,
      order: ['c', 'a', 'b'],
    },
    { name: 'ties by id', agents: [agent('c', 1), agent('a', 1), agent('b', 1)], max: 3, order: ['a', 'b', 'c'] },
    { name: 'nobody at capacity', agents: [agent('a', 3), agent('b', 2)], max: 3, order: ['b'] },
    { name: 'nobody over capacity', agents: [agent('a', 5)], max: 3, order: [] },
    { name: 'no agent available', agents: [], max: 3, order: [] },
  ])('$name', ({ agents, max, order }) => {
    expect(assignOrder(agents, max).map((a) => a.id)).toEqual(order);
  });
});

describe('sites.yaml autoAssign', () => {
  const site = (extra: Record<string, unknown>) =>
    stringify({
      version: 1,
      sites: {
        retail: {
          name: 'Bank',
          languages: ['en'],
          defaultLanguage: 'en',
          queue: 'retail',
          limits: { messageChars: 2000, visitorMessagesPerMinute: 20, ipMessagesPerMinute: 120, ipSessionsPerHour: 60 },
          attachments: { maxBytes: 1000, types: ['image/png'] },
          ...extra,
        },
      },
    });

  it('is off unless a site asks for it, three at once by default', () => {
    expect(parseSites(site({})).get('retail')!.autoAssign).toEqual({ enabled: false, maxConcurrent: 3 });
    expect(parseSites(site({ autoAssign: { enabled: true } })).get('retail')!.autoAssign).toEqual({
      enabled: true,
      maxConcurrent: 3,
    });
    expect(parseSites(site({ autoAssign: { enabled: true, maxConcurrent: 5 } })).get('retail')!.autoAssign).toEqual({
      enabled: true,
      maxConcurrent: 5,
    });
  });

  it.each([
    { name: 'zero capacity', value: { enabled: true, maxConcurrent: 0 } },
    { name: 'a fraction', value: { enabled: true, maxConcurrent: 1.5 } },
    { name: 'over 50', value: { enabled: true, maxConcurrent: 51 } },
    { name: 'a string for enabled', value: { enabled: 'yes' } },
    { name: 'an unknown key', value: { enabled: true, strategy: 'round_robin' } },
  ])('refuses $name', ({ value }) => {
    expect(() => parseSites(site({ autoAssign: value }))).toThrow(PolicyInvalid);
  });

  it('the shipped file leaves it off', () => {
    expect(loadSites(POLICIES_DIR).get('retail')!.autoAssign).toEqual({ enabled: false, maxConcurrent: 3 });
  });
});
