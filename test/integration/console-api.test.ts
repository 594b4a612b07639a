// The server side of the staff console without a browser: /api/auth/me's capabilities, the egress
// ledger ("where data went") over real model.request records, the retention policy, and the staff
// realtime channel (what is published on a change, what each role's socket receives).
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../server/audit/append.ts';
import { readZip } from '../../server/knowledge/zip.ts';
import { subscribeStaffEvents, type StaffChange } from '../../server/staff/live.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

const PASSWORD = 'a long enough password';

describe('staff console API', () => {
  let server: TestServer;
  let officer: string;
  let checker: string;
  let agent: string;

  beforeAll(async () => {
    server = await startTestServer();
    await seedStaff(server, { email: 'olga@bank.example', password: PASSWORD, role: 'compliance_officer' });
    await seedStaff(server, { email: 'chen@bank.example', password: PASSWORD, role: 'compliance_officer' });
    await seedStaff(server, { email: 'ada@bank.example', password: PASSWORD, role: 'agent' });
    officer = (await bearerLogin(server, 'olga@bank.example', PASSWORD)).accessToken;
    checker = (await bearerLogin(server, 'chen@bank.example', PASSWORD)).accessToken;
    agent = (await bearerLogin(server, 'ada@bank.example', PASSWORD)).accessToken;
  }, 120_000);
  afterAll(async () => server?.stop());

  it('GET /api/auth/me answers the capabilities the rules give the role', async () => {
    const me = await api<{ user: { role: string }; capabilities: string[] }>(server, 'GET', '/api/auth/me', {
      token: officer,
    });
    expect(me.status).toBe(200);
    expect(me.body.user.role).toBe('compliance_officer');
    expect(me.body.capabilities).toEqual(
      expect.arrayContaining(['read:AuditLog', 'export:AuditLog', 'approve:LegalHold', 'run:RetentionRun']),
    );
    expect(me.body.capabilities).not.toContain('reveal:PersonalData');
    const theirs = await api<{ capabilities: string[] }>(server, 'GET', '/api/auth/me', { token: agent });
    expect(theirs.body.capabilities).toContain('reveal:PersonalData');
    expect(theirs.body.capabilities.filter((c) => /AuditLog|SubjectRequest|LegalHold|RetentionRun/.test(c))).toEqual(
      [],
    );
  });

  it('sums model calls per day, target and route, counting ends only; refuses a bad zone and an agent', async () => {
    const calls: Record<string, string | number>[] = [
      {
        target: 'on-prem-llama',
        route: 'local',
        outcome: 'answered',
        tokensIn: 100,
        tokensOut: 20,
        entities_EMAIL: 2,
        entities_PERSON: 1,
      },
      { target: 'on-prem-llama', route: 'local', outcome: 'answered', tokensIn: 50, tokensOut: 10 },
      // A local rule's cloud fallback: the route says local, the target (policies/routing.yaml) runs in the cloud.
      { target: 'gpt', route: 'local', outcome: 'answered', tokensIn: 30, tokensOut: 5, entities_PHONE: 1 },
      { target: 'gpt', route: 'local', outcome: 'started', tokensIn: 30, tokensOut: 0 }, // the start of the same call
      { target: 'retired-box', route: 'local', outcome: 'answered', tokensIn: 1, tokensOut: 1 },
    ];
    await server.deps.db.dataSource.transaction(async (tx) => {
      for (const details of calls)
        await appendAudit(tx, { actor: { type: 'system', id: 'gateway' }, action: 'model.request', details });
    });
    // The day the records fell on, as the database has them (a run across midnight stays right).
    const [{ day }] = (await server.deps.db.dataSource.query(
      `SELECT max(to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')) AS day FROM audit_events WHERE action = 'model.request'`,
    )) as [{ day: string }];
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const res = await api<{ rows: Record<string, unknown>[] }>(
      server,
      'GET',
      `/api/staff/egress?from=${from}&to=${to}&timeZone=UTC`,
      { token: officer },
    );
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual([
      {
        day,
        target: 'gpt',
        route: 'local',
        location: 'cloud',
        requests: 1,
        tokensIn: 30,
        tokensOut: 5,
        entities: 1,
        failed: 0,
      },
      {
        day,
        target: 'on-prem-llama',
        route: 'local',
        location: 'local',
        requests: 2,
        tokensIn: 150,
        tokensOut: 30,
        entities: 3,
        failed: 0,
      },
      {
        day,
        target: 'retired-box',
        route: 'local',
        location: 'unknown',
        requests: 1,
        tokensIn: 1,
        tokensOut: 1,
        entities: 0,
        failed: 0,
      },
    ]);
    const read = (await server.deps.db.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'egress.read'`,
    )) as { n: number }[];
    expect(read[0]!.n).toBe(1);

    const badZone = await api<{ error: { id: string } }>(
      server,
      'GET',
      `/api/staff/egress?from=${from}&to=${to}&timeZone=Mars/Olympus`,
      { token: officer },
    );
    expect([badZone.status, badZone.body.error.id]).toEqual([400, 'validation_failed']);
    const badTime = await api<{ error: { id: string } }>(server, 'GET', `/api/staff/egress?from=yesterday&to=${to}`, {
      token: officer,
    });
    expect([badTime.status, badTime.body.error.id]).toEqual([400, 'validation_failed']);
    expect((await api(server, 'GET', `/api/staff/egress?from=${from}&to=${to}`, { token: agent })).status).toBe(403);
  });

  it('shows the retention policy in force with its hash', async () => {
    const res = await api<{ hash: string; text: string; changedOnDisk: boolean }>(
      server,
      'GET',
      '/api/staff/retention-policy',
      { token: officer },
    );
    expect(res.status).toBe(200);
    expect(res.body.hash).toBe(createHash('sha256').update(res.body.text).digest('hex'));
    expect(res.body.text).toContain('categories:');
    expect(res.body.changedOnDisk).toBe(false);
    expect((await api(server, 'GET', '/api/staff/retention-policy', { token: agent })).status).toBe(403);
  });

  it('sends the evidence bundle as a zip of what `palisade evidence` writes, on the record; an agent is refused', async () => {
    const res = await fetch(`${server.url}/api/staff/evidence`, { headers: { Authorization: `Bearer ${officer}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="palisade-evidence-.*\.zip"$/);
    const entries = readZip(new Uint8Array(await res.arrayBuffer()));
    const names = entries.map((e) => e.path).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'README.txt',
        'audit-chain.json',
        'models.json',
        'policies.json',
        'requests.json',
        'retention-runs.json',
      ]),
    );
    const chain = entries.find((e) => e.path === 'audit-chain.json')!;
    expect(chain.ok).toBe(true);
    expect(JSON.parse(Buffer.from((chain as { bytes: Uint8Array }).bytes).toString('utf8')).ok).toBe(true);
    const recorded = (await server.deps.db.dataSource.query(
      `SELECT actor_type AS "actorType" FROM audit_events WHERE action = 'evidence.export'`,
    )) as { actorType: string }[];
    expect(recorded).toEqual([{ actorType: 'staff' }]);
    expect((await api(server, 'GET', '/api/staff/evidence', { token: agent })).status).toBe(403);
  });

  it('publishes a hold or request change once it succeeded, and each socket gets only what its role may read', async () => {
    const seen: StaffChange[] = [];
    const off = subscribeStaffEvents(server.deps, (e) => seen.push(e));
    const open = (token: string) =>
      new Promise<{ ws: WebSocket; frames: Record<string, unknown>[] }>((resolve, reject) => {
        const frames: Record<string, unknown>[] = [];
        const ws = new WebSocket(server.url.replace('http', 'ws') + '/api/staff/live', {
          headers: { Origin: server.url, Cookie: `palisade_at=${token}` },
        });
        ws.on('message', (d) => {
          frames.push(JSON.parse(String(d)) as Record<string, unknown>);
          if (frames.length === 1) resolve({ ws, frames });
        });
        ws.on('error', reject);
      });
    const mine = await open(checker);
    const agents = await open(agent);
    expect(mine.frames[0]).toEqual({ type: 'ready', topics: ['dsr', 'hold'] });
    expect(agents.frames[0]).toEqual({ type: 'ready', topics: ['queue', 'conversation', 'typing', 'agents'] });

    const subject = await api<{ subject: { id: string } }>(server, 'POST', '/api/privacy/subjects', {
      token: officer,
      body: { identifiers: [] },
    });
    const refused = await api(server, 'POST', '/api/privacy/holds', {
      token: officer,
      body: { scope: 'subject', subjectId: subject.body.subject.id, caseId: 'bad case id!', reason: 'Litigation' },
    });
    expect(refused.status).toBe(400);
    const placed = await api<{ hold: { id: string } }>(server, 'POST', '/api/privacy/holds', {
      token: officer,
      body: { scope: 'subject', subjectId: subject.body.subject.id, caseId: 'CASE-1', reason: 'Litigation' },
    });
    expect(placed.status).toBe(201);
    const request = await api<{ request: { id: string } }>(server, 'POST', '/api/privacy/requests', {
      token: officer,
      body: { subjectId: subject.body.subject.id, type: 'access' },
    });
    expect(request.status).toBe(201);
    expect(seen).toEqual([
      { type: 'hold.changed', id: placed.body.hold.id },
      { type: 'dsr.changed', id: request.body.request.id },
    ]);
    await expect.poll(() => mine.frames.length).toBe(3);
    expect(mine.frames.slice(1)).toEqual(seen);
    // A ping is answered on the same socket; by then the agent's socket would have had any event sent before it.
    agents.ws.send('{"type":"ping"}');
    await expect.poll(() => agents.frames.length).toBe(2);
    expect(agents.frames[1]).toEqual({ type: 'pong' });
    off();
    mine.ws.close();
    agents.ws.close();
  });
});
