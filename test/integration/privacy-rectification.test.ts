// Rectification through the real server: a verified request replaces one identifier of its subject
// (old one no longer finds them, new one does), is audited without the values, and is then done.
// Refusals (wrong state, unknown identifier, someone else's identifier) change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCount, auditEvents } from '../support/audit.ts';
import { type SeededSubject, seedSubject } from '../support/privacy.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let co = '';
let agent = '';
let maria: SeededSubject;
let other: SeededSubject;

interface Req {
  id: string;
  state: string;
  receipt: Record<string, unknown> | null;
}
type Body<T> = T & { error?: { id: string } };

beforeAll(async () => {
  server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' });
  await seedStaff(server, { email: 'co@bank.example', password: PASSWORD, role: 'compliance_officer' });
  await seedStaff(server, { email: 'agent@bank.example', password: PASSWORD, role: 'agent' });
  co = (await bearerLogin(server, 'co@bank.example', PASSWORD)).accessToken;
  agent = (await bearerLogin(server, 'agent@bank.example', PASSWORD)).accessToken;
  maria = await seedSubject(server, 'RECT1');
  other = await seedSubject(server, 'RECT2');
});
afterAll(async () => {
  await server?.stop();
});

const post = <T>(path: string, body: unknown, token = co) =>
  api<Body<T>>(server, 'POST', `/api/privacy${path}`, { body, token });
const lookup = async (value: string) =>
  (await post<{ subject: { id: string } | null }>('/subjects/lookup', { kind: 'email', value })).body.subject?.id ??
  null;
const newRequest = async (subjectId: string, type: string) =>
  (await post<{ request: Req }>('/requests', { subjectId, type })).body.request.id;

describe('a rectification request', () => {
  it('replaces the identifier once verified, is audited without values, and is done', async () => {
    const oldEmail = maria.secrets[1]!;
    const newEmail = 'maria.gonzalez-new@example.com';
    const change = { from: { kind: 'email', value: oldEmail }, to: { kind: 'email', value: newEmail } };
    const id = await newRequest(maria.subjectId, 'rectification');

    expect((await post(`/requests/${id}/rectify`, change, agent)).status).toBe(403);
    const early = await post(`/requests/${id}/rectify`, change);
    expect([early.status, early.body.error?.id]).toEqual([409, 'invalid_transition']);
    await post(`/requests/${id}/transition`, { to: 'identity_verified' });

    const unknown = await post(`/requests/${id}/rectify`, {
      ...change,
      from: { kind: 'email', value: 'not-hers@example.com' },
    });
    expect([unknown.status, unknown.body.error?.id]).toEqual([404, 'identifier_not_found']);
    const taken = await post(`/requests/${id}/rectify`, { ...change, to: { kind: 'email', value: other.secrets[1] } });
    expect([taken.status, taken.body.error?.id]).toEqual([409, 'identifier_taken']);
    // Both refusals rolled back: her old email still finds her, the request is still waiting.
    expect(await lookup(oldEmail)).toBe(maria.subjectId);
    expect(await lookup(other.secrets[1]!)).toBe(other.subjectId);
    expect(await auditCount(server, `action = 'subject.identifier_remove'`)).toBe(0);

    const done = await post<{ request: Req }>(`/requests/${id}/rectify`, change);
    expect(done.status).toBe(200);
    expect(done.body.request).toMatchObject({
      state: 'done',
      receipt: { rectified: [{ field: 'identifier', from: 'email', to: 'email' }] },
    });
    expect(await lookup(oldEmail)).toBeNull();
    expect(await lookup(newEmail.toUpperCase())).toBe(maria.subjectId);

    const events = await auditEvents(
      server,
      `subject_id = $1 AND action IN ('dsr.in_progress', 'subject.identifier_remove', 'subject.identifier_add', 'dsr.rectify', 'dsr.complete')`,
      [maria.subjectId],
    );
    expect(events.map((e) => e.action)).toEqual([
      'subject.identifier_add',
      'subject.identifier_add',
      'dsr.in_progress',
      'subject.identifier_remove',
      'subject.identifier_add',
      'dsr.rectify',
      'dsr.complete',
    ]);
    expect(events.find((e) => e.action === 'dsr.rectify')).toMatchObject({
      resourceId: id,
      actorType: 'staff',
      details: { field: 'identifier', from: 'email', to: 'email' },
    });
    const trail = JSON.stringify(await auditEvents(server, `subject_id = $1`, [maria.subjectId]));
    expect(trail.includes(newEmail) || trail.includes(oldEmail)).toBe(false);

    const again = await post(`/requests/${id}/rectify`, change);
    expect([again.status, again.body.error?.id]).toEqual([409, 'invalid_transition']);
  });

  it('is refused for a request of another type', async () => {
    const id = await newRequest(other.subjectId, 'access');
    await post(`/requests/${id}/transition`, { to: 'identity_verified' });
    const r = await post(`/requests/${id}/rectify`, {
      from: { kind: 'email', value: other.secrets[1] },
      to: { kind: 'email', value: 'x@example.com' },
    });
    expect([r.status, r.body.error?.id]).toEqual([409, 'invalid_transition']);
    expect(await lookup(other.secrets[1]!)).toBe(other.subjectId);
  });
});
