// The compliance console's privacy API through the real server: subjects, export (everything about
// one subject and nothing about another), requests with their states and deadlines, erasure by
// request, legal holds with maker-checker, retention runs, and who may do what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubjectExport } from '../../server/privacy/export.ts';
import { auditCount } from '../support/audit.ts';
import { type SeededSubject, seedSubject } from '../support/privacy.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

const PASSWORD = 'correct horse battery staple';
const DAY = 86_400_000;
let server: TestServer;
let clock = new Date('2025-03-01T09:00:00Z');
const tokens = { coA: '', coB: '', auditor: '', agent: '' };
let maria: SeededSubject;
let other: SeededSubject;

interface Req {
  id: string;
  state: string;
  dueAt: string;
  overdue?: boolean;
  receipt: Record<string, unknown> | null;
}
interface ErrorBody {
  error: { id: string };
}

const STAFF = [
  ['coA', 'co-a@bank.example', 'compliance_officer'],
  ['coB', 'co-b@bank.example', 'compliance_officer'],
  ['auditor', 'aud@bank.example', 'auditor'],
  ['agent', 'agent@bank.example', 'agent'],
] as const;
/** Moves the server's clock; sessions end on the server's clock, so everyone signs in again. */
async function advanceDays(days: number) {
  clock = new Date(clock.getTime() + days * DAY);
  for (const [key, email] of STAFF) tokens[key] = (await bearerLogin(server, email, PASSWORD)).accessToken;
}

beforeAll(async () => {
  server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' }, { now: () => clock });
  for (const [key, email, role] of STAFF) {
    await seedStaff(server, { email, password: PASSWORD, role });
    tokens[key] = (await bearerLogin(server, email, PASSWORD)).accessToken;
  }
  maria = await seedSubject(server, 'API1', { conversations: 2, messages: 3 });
  other = await seedSubject(server, 'API2', { conversations: 1, messages: 2 });
});
afterAll(async () => {
  await server?.stop();
});

const post = <T = Record<string, unknown>>(path: string, body: unknown, token = tokens.coA) =>
  api<T & ErrorBody>(server, 'POST', `/api/privacy${path}`, { body, token });
const get = <T = Record<string, unknown>>(path: string, token = tokens.coA) =>
  api<T & ErrorBody>(server, 'GET', `/api/privacy${path}`, { token });

describe('data subjects', () => {
  it('are created with identifiers and found again by a keyed hash of them', async () => {
    const created = await post<{ subject: { id: string } }>('/subjects', {
      identifiers: [{ kind: 'phone', value: '+49 170 1234567' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.subject.id).toMatch(/^sub_[0-9a-f]{24}$/);
    const found = await post<{ subject: { id: string } | null }>('/subjects/lookup', {
      kind: 'phone',
      value: '+491701234567',
    });
    expect(found.body.subject?.id).toBe(created.body.subject.id);
    expect(
      (await post<{ subject: { id: string } }>('/subjects/lookup', { kind: 'email', value: maria.secrets[1] })).body
        .subject.id,
    ).toBe(maria.subjectId);
    expect(
      (await post<{ subject: null }>('/subjects/lookup', { kind: 'email', value: 'nobody@example.com' })).body.subject,
    ).toBeNull();
    expect((await post('/subjects/lookup', { kind: 'email', value: maria.secrets[1] }, tokens.agent)).status).toBe(403);
    expect((await post('/subjects/lookup', { kind: 'email', value: maria.secrets[1] }, tokens.auditor)).status).toBe(
      403,
    );
  });
});

describe('export', () => {
  it('contains everything about the subject and nothing about anyone else', async () => {
    const res = await get<SubjectExport>(`/subjects/${maria.subjectId}/export`);
    expect(res.status).toBe(200);
    const archive = res.body;
    expect(archive.format).toBe('palisade.subject-export/v1');
    expect(archive.conversations.map((c) => c.id).sort()).toEqual([...maria.conversationIds].sort());
    expect(archive.conversations.flatMap((c) => c.messages.map((m) => m.id)).sort()).toEqual(
      [...maria.messageIds].sort(),
    );
    const first = archive.conversations.flatMap((c) => c.messages).find((m) => m.id === maria.messageIds[0]);
    expect(first!.text).toContain(maria.secrets[2]);
    expect(Buffer.from(archive.conversations[0]!.attachments[0]!.contentBase64, 'base64').toString()).toBe(
      maria.secrets[3],
    );
    expect(archive.conversations[0]!.vault.map((v) => v.value)).toEqual([maria.secrets[0], maria.secrets[4]]);
    expect(archive.consents.map((c) => c.purpose).sort()).toEqual(['ai_local', 'transcript']);
    expect(archive.subject.identifiers.map((i) => i.kind).sort()).toEqual(['customer_id', 'email']);
    expect(archive.auditEvents.filter((e) => e.action === 'message.store')).toHaveLength(6);
    expect(archive.summary).toContain(maria.subjectId);
    expect(archive.summary).toContain('2 conversation(s), 6 message(s), 2 attachment(s)');
    const text = JSON.stringify(archive);
    for (const s of [
      other.subjectId,
      ...other.secrets,
      ...other.conversationIds,
      ...other.messageIds,
      ...other.attachmentIds,
    ])
      expect(text.includes(s), s).toBe(false);
    // The export is itself an audited access, by whom and with counts.
    expect(
      await auditCount(server, `action = 'subject.export' AND subject_id = $1 AND details->>'messages' = '6'`, [
        maria.subjectId,
      ]),
    ).toBe(1);
    expect((await get(`/subjects/${maria.subjectId}/export`, tokens.auditor)).status).toBe(403);
  });
});

describe('data-subject requests', () => {
  it('move received → identity_verified → in_progress → done; an access request ends with its export', async () => {
    const created = await post<{ request: Req }>('/requests', { subjectId: maria.subjectId, type: 'access' });
    expect(created.status).toBe(201);
    expect(created.body.request).toMatchObject({
      state: 'received',
      dueAt: new Date(clock.getTime() + 30 * DAY).toISOString(),
    });
    const id = created.body.request.id;
    expect((await post<ErrorBody>(`/requests/${id}/execute`, {})).body.error?.id).toBe('invalid_transition');
    expect((await post<ErrorBody>(`/requests/${id}/transition`, { to: 'done' })).body.error.id).toBe(
      'invalid_transition',
    );
    expect(
      (await post<{ request: Req }>(`/requests/${id}/transition`, { to: 'identity_verified' })).body.request.state,
    ).toBe('identity_verified');
    const done = await post<{ request: Req; export: SubjectExport }>(`/requests/${id}/execute`, {});
    expect(done.status).toBe(200);
    expect(done.body.request.state).toBe('done');
    expect(done.body.request.receipt).toMatchObject({ conversations: 2, messages: 6 });
    expect(done.body.export.conversations).toHaveLength(2);
    expect(
      (await post<ErrorBody>(`/requests/${id}/transition`, { to: 'refused', reason: 'too late' })).body.error.id,
    ).toBe('invalid_transition');
  });

  it('are refused only with a reason', async () => {
    const { body } = await post<{ request: Req }>('/requests', {
      subjectId: other.subjectId,
      type: 'rectification',
      details: 'my surname is spelled wrong',
    });
    expect((await post<ErrorBody>(`/requests/${body.request.id}/transition`, { to: 'refused' })).status).toBe(409);
    const refused = await post<{ request: Req & { refusedReason: string } }>(
      `/requests/${body.request.id}/transition`,
      { to: 'refused', reason: 'identity could not be verified' },
    );
    expect(refused.body.request).toMatchObject({ state: 'refused', refusedReason: 'identity could not be verified' });
  });

  it('near and past their due date are listed', async () => {
    const { body } = await post<{ request: Req }>('/requests', { subjectId: other.subjectId, type: 'access' });
    const ids = async (q: string) => (await get<{ requests: Req[] }>(`/requests?${q}`)).body.requests.map((r) => r.id);
    expect(await ids('due=near')).not.toContain(body.request.id);
    await advanceDays(25);
    expect(await ids('due=near')).toContain(body.request.id);
    expect(await ids('due=overdue')).not.toContain(body.request.id);
    await advanceDays(6);
    const overdue = (await get<{ requests: Req[] }>('/requests?due=overdue', tokens.auditor)).body.requests;
    expect(overdue.find((r) => r.id === body.request.id)).toMatchObject({ overdue: true, state: 'received' });
    expect((await post('/requests', { subjectId: other.subjectId, type: 'access' }, tokens.auditor)).status).toBe(403);
  });
});

describe('erasure by request and legal holds', () => {
  it('a hold needs a second officer, blocks the erasure request, and once lifted the erasure completes with a receipt', async () => {
    const hold = await post<{ hold: { id: string; status: string } }>('/holds', {
      scope: 'subject',
      subjectId: other.subjectId,
      caseId: 'CASE-42',
      reason: 'fraud investigation',
    });
    expect(hold.status).toBe(201);
    const holdId = hold.body.hold.id;
    expect((await post<ErrorBody>(`/holds/${holdId}/approve`, {})).body.error.id).toBe('maker_checker');
    expect((await post(`/holds/${holdId}/approve`, {}, tokens.auditor)).status).toBe(403);
    expect(
      (await post<{ hold: { status: string } }>(`/holds/${holdId}/approve`, {}, tokens.coB)).body.hold.status,
    ).toBe('active');
    expect(
      (await get<{ holds: { id: string }[] }>('/holds?status=active', tokens.auditor)).body.holds.map((h) => h.id),
    ).toContain(holdId);

    const { body } = await post<{ request: Req }>('/requests', {
      subjectId: other.subjectId,
      type: 'erasure',
      channel: 'widget',
    });
    await post(`/requests/${body.request.id}/transition`, { to: 'identity_verified' });
    const blocked = await post<ErrorBody>(`/requests/${body.request.id}/execute`, {});
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.id).toBe('legal_hold');
    expect((await get<{ request: Req }>(`/requests/${body.request.id}`)).body.request.state).toBe('identity_verified');
    expect(await auditCount(server, `action = 'privacy.denied' AND details->>'cause' = 'legal_hold'`)).toBe(1);

    expect((await post(`/holds/${holdId}/lift`, { reason: 'investigation closed' }, tokens.coB)).status).toBe(200);
    expect((await post<ErrorBody>(`/holds/${holdId}/lift/approve`, {}, tokens.coB)).body.error.id).toBe(
      'maker_checker',
    );
    expect(
      (await post<{ hold: { status: string } }>(`/holds/${holdId}/lift/approve`, {}, tokens.coA)).body.hold.status,
    ).toBe('lifted');

    const erased = await post<{ request: Req; receipt: { erased: Record<string, number>; keyDestroyed: boolean } }>(
      `/requests/${body.request.id}/execute`,
      {},
    );
    expect(erased.status).toBe(200);
    expect(erased.body.request.state).toBe('done');
    expect(erased.body.receipt).toMatchObject({
      keyDestroyed: true,
      erased: { messages: 2, attachments: 1, conversations: 1, vaults: 1 },
    });
    expect(
      (await get<{ request: Req }>(`/requests/${body.request.id}`, tokens.auditor)).body.request.receipt,
    ).toMatchObject({ keyDestroyed: true });
    const gone = await get<ErrorBody>(`/subjects/${other.subjectId}/export`);
    expect(gone.status).toBe(410);
    expect(gone.body.error.id).toBe('subject_erased');
    // Maria is untouched.
    expect((await get<SubjectExport>(`/subjects/${maria.subjectId}/export`)).body.conversations).toHaveLength(2);
  });
});

describe('retention through the API', () => {
  it('a dry run reports counts; runs are listed for auditors; agents may not run it', async () => {
    const run = await post<{ report: { status: string; dryRun: boolean; counts: Record<string, number> } }>(
      '/retention/run',
      { dryRun: true },
    );
    expect(run.body.report).toMatchObject({ status: 'done', dryRun: true });
    expect((await get<{ runs: { dryRun: boolean }[] }>('/retention/runs', tokens.auditor)).body.runs[0]).toMatchObject({
      dryRun: true,
    });
    expect((await post('/retention/run', { dryRun: true }, tokens.agent)).status).toBe(403);
    expect((await post('/retention/run', { dryRun: true }, tokens.auditor)).status).toBe(403);
  });
});
