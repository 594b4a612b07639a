// The sign-in flow's cookie: sealed and opened under the master key, refused when altered, expired
// or sealed under another key; and the return path a flow may carry.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FLOW_TTL_SECONDS, openFlow, safeReturnTo, sealFlow } from './flow.ts';

const masterKey = new Uint8Array(randomBytes(32));
const at = (ms: number) => ({ secrets: { masterKey } as never, now: () => new Date(ms) });
const flow = { state: 's'.repeat(43), nonce: 'n'.repeat(43), verifier: 'v'.repeat(43), returnTo: '/console/' };

describe('the flow cookie', () => {
  it('opens what it sealed, and hides the secrets', async () => {
    const cookie = await sealFlow(at(Date.now()), flow);
    expect(cookie).not.toContain(flow.verifier);
    expect(Buffer.from(cookie.split('.').join(''), 'base64url').toString('latin1')).not.toContain(flow.verifier);
    expect(await openFlow(at(Date.now()), cookie)).toEqual(flow);
  });

  it('refuses an altered, expired, foreign or missing cookie', async () => {
    const now = Date.now();
    const cookie = await sealFlow(at(now), flow);
    const parts = cookie.split('.');
    parts[3] = (parts[3]![0] === 'A' ? 'B' : 'A') + parts[3]!.slice(1);
    expect(await openFlow(at(now), parts.join('.'))).toBeNull();
    expect(await openFlow(at(now + (FLOW_TTL_SECONDS + 1) * 1000), cookie)).toBeNull();
    expect(
      await openFlow(
        { secrets: { masterKey: new Uint8Array(randomBytes(32)) } as never, now: () => new Date(now) },
        cookie,
      ),
    ).toBeNull();
    expect(await openFlow(at(now), undefined)).toBeNull();
  });
});

describe('the return path', () => {
  const cases: [unknown, string][] = [
    ['/console/audit?x=1#y', '/console/audit?x=1#y'],
    ['//evil.example/', '/console/'],
    ['/\\evil.example', '/console/'],
    ['https://evil.example/', '/console/'],
    ['/console/\nSet-Cookie: x', '/console/'],
    [undefined, '/console/'],
    [['/a', '/b'], '/console/'],
  ];
  for (const [value, expected] of cases) it(JSON.stringify(value), () => expect(safeReturnTo(value)).toBe(expected));
});
