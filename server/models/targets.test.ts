// A target's state from what the gateway knows of it: the table of its guarantees.
import { describe, expect, it } from 'vitest';
import { targetState } from './targets.ts';

const up = { url: 'http://gpu1:8000/v1', healthy: true, outstanding: 0 };
const gone = { ...up, healthy: false };

describe('targetState', () => {
  it.each([
    [{ configured: false, cooling: true, load: 'failed', hosts: [gone] }, 'not_configured'],
    [{ configured: true, cooling: false, load: 'failed', hosts: null }, 'down'],
    [{ configured: true, cooling: true, load: 'loading', hosts: null }, 'loading'],
    [{ configured: true, cooling: false, load: 'idle', hosts: null }, 'loading'],
    [{ configured: true, cooling: false, load: 'loaded', hosts: null }, 'ready'],
    [{ configured: true, cooling: true, load: null, hosts: [up] }, 'cooling_down'],
    [{ configured: true, cooling: false, load: null, hosts: [gone, gone] }, 'down'],
    [{ configured: true, cooling: false, load: null, hosts: [gone, up] }, 'ready'],
    [{ configured: true, cooling: false, load: null, hosts: [] }, 'ready'],
    [{ configured: true, cooling: false, load: null, hosts: null }, 'ready'],
  ] as const)('%j → %s', (t, state) => expect(targetState({ ...t, hosts: t.hosts ? [...t.hosts] : null })).toBe(state));
});
