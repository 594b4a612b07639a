// The audit log through the real server and database: who may read it, filters, pagination,
// hostile filter values and export. The chain itself is tested in audit-chain.test.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../server/audit/append.ts';
import type { AuditEventInput } from '../../server/audit/event.ts';
import { sealAudit } from '../../server/audit/seal.ts';
import { verifyChain } from '../../server/audit/verify.ts';
import { auditCount, auditEvents } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

interface ErrorBody {
  error: { id: string; issues?: { path: string }[] };
}
interface PresentedEvent {
  seq: string;
  occurredAt: string;
  actorType: string;
  actorId: string;
  action: string;
  subjectId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  reason: string | null;
  outcome: string;
}
interface Page extends ErrorBody {
  events: PresentedEvent[];
  nextCursor: string | null;
}

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
const ids = { co: '', auditor: '', agent: '', admin: '' };
const tokens = { co: '', auditor: '', agent: '', admin: '' };
/** occurredAt of directly appended events, by action */
const marks = new Map<string, string>();

const append = (...events: AuditEventInput[]) =>
  server.deps.db.dataSource.transaction((tx) => appendAudit(tx, ...events));
const events = (query: string, token = tokens.co) => api<Page>(server, 'GET', `/api/audit/events${query}`, { token });
const seqsWhere = async (where: string, params: unknown[] = []) =>
  (await auditEvents(server, where, params)).map((e) => e.seq);

beforeAll(async () => {
  server = await startTestServer();
  ids.co = await seedStaff(server, { email: 'co@bank.example', password: PASSWORD, role: 'compliance_officer' });
  ids.auditor = await seedStaff(server, { email: 'auditor@bank.example', password: PASSWORD, role: 'auditor' });
  ids.agent = await seedStaff(server, { email: 'agent@bank.example', password: PASSWORD, role: 'agent' });
  ids.admin = await seedStaff(server, { email: 'admin@bank.example', password: PASSWORD, role: 'admin' });
  for (const role of ['co', 'auditor', 'agent', 'admin'] as const) {
    tokens[role] = (await bearerLogin(server, `${role}@bank.example`, PASSWORD)).accessToken;
  }
  expect(
    (
      await api(server, 'POST', '/api/auth/login', {
        body: { email: 'agent@bank.example', password: 'wrong password!!' },
      })
    ).status,
  ).toBe(401);
  // Events the HTTP API cannot make yet: a data subject, look-alike actions, spreadsheet formulas.
  for (const e of [
    {
      actor: { type: 'visitor', id: 'v_7f3a' },
      action: 'conversation.read',
      subjectId: 'ds_subject_1',
      resource: { type: 'Conversation', id: 'c1' },
    },
    { actor: { type: 'system', id: 'retention' }, action: 'test_a.one', subjectId: 'ds_subject_2', outcome: 'failure' },
    { actor: { type: 'system', id: 'retention' }, action: 'testxa.one', subjectId: 'ds_subject_1' },
    {
      actor: { type: 'staff', id: '-cmd' },
      action: 'export.sheet',
      subjectId: '@sum',
      reason: '=HYPERLINK("http://x.example","click")',
    },
  ] satisfies AuditEventInput[]) {
    await sleep(5); // distinct timestamps for the time-range filter
    const [stored] = await append(e);
    marks.set(e.action, stored!.occurredAt.toISOString());
  }
  await sleep(5);
});
afterAll(async () => {
  await server?.stop();
});

describe('who may read the audit log', () => {
  it('compliance officers and auditors may; agents and admins get 403', async () => {
    expect((await events('?limit=1', tokens.co)).status).toBe(200);
    expect((await events('?limit=1', tokens.auditor)).status).toBe(200);
    for (const token of [tokens.agent, tokens.admin]) {
      const res = await events('?limit=1', token);
      expect(res.status).toBe(403);
      expect(res.body.error.id).toBe('forbidden');
      expect((await api(server, 'GET', '/api/audit/export', { token })).status).toBe(403);
    }
    expect((await api(server, 'GET', '/api/audit/verify', { token: tokens.agent })).status).toBe(403);
    expect((await api(server, 'GET', '/api/audit/events')).status).toBe(401);
  });

  it('every read adds one audit.read event by the reader', async () => {
    const before = await auditCount(server, `action = 'audit.read'`);
    const res = await events('?action=auth.login', tokens.auditor);
    expect(res.status).toBe(200);
    expect(await auditCount(server, `action = 'audit.read'`)).toBe(before + 1);
    const [read] = await auditEvents(server, `action = 'audit.read' AND request_id = $1`, [
      res.headers.get('x-request-id'),
    ]);
    expect(read).toMatchObject({
      actorType: 'staff',
      actorId: ids.auditor,
      resourceType: 'AuditLog',
      details: { filters: 2, returned: res.body.events.length },
    });
  });
});

describe('filters', () => {
  const cases: [string, () => string, () => [string, unknown[]]][] = [
    ['actorType', () => 'actorType=system', () => [`actor_type = 'system'`, []]],
    ['actorId', () => `actorId=${ids.agent}`, () => [`actor_id = $1`, [ids.agent]]],
    ['subjectId', () => 'subjectId=ds_subject_1', () => [`subject_id = 'ds_subject_1'`, []]],
    ['action', () => 'action=auth.login', () => [`action = 'auth.login'`, []]],
    ['action prefix', () => 'action=auth.*', () => [`action LIKE 'auth.%'`, []]],
    ['action prefix with _', () => 'action=test_a.*', () => [`action = 'test_a.one'`, []]],
    ['resourceType', () => 'resourceType=StaffUser', () => [`resource_type = 'StaffUser'`, []]],
    ['resourceId', () => `resourceId=${ids.co}`, () => [`resource_id = $1`, [ids.co]]],
    ['outcome', () => 'outcome=failure', () => [`outcome = 'failure'`, []]],
    [
      'from/to',
      () => `from=${marks.get('test_a.one')}&to=${marks.get('export.sheet')}`,
      () => [`occurred_at >= $1 AND occurred_at < $2`, [marks.get('test_a.one'), marks.get('export.sheet')]],
    ],
    [
      'combined',
      () => `actorType=staff&action=auth.login&outcome=failure`,
      () => [`actor_type = 'staff' AND action = 'auth.login' AND outcome = 'failure'`, []],
    ],
  ];
  it.each(cases)('%s returns exactly the matching events, newest first', async (_name, query, sql) => {
    const [where, params] = sql();
    const expected = (await seqsWhere(where, params)).reverse();
    const total = await auditCount(server);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(total);
    const res = await events(`?limit=500&${query()}`);
    expect(res.status).toBe(200);
    expect(res.body.events.map((e) => e.seq)).toEqual(expected);
  });

  it('the action prefix does not treat _ as a wildcard, and time bounds are [from, to)', async () => {
    const prefixed = await events('?action=test_a.*');
    expect(prefixed.body.events.map((e) => e.action)).toEqual(['test_a.one']);
    const ranged = await events(`?from=${marks.get('test_a.one')}&to=${marks.get('export.sheet')}`);
    expect(ranged.body.events.map((e) => e.action)).toEqual(['testxa.one', 'test_a.one']);
  });
});

describe('pagination', () => {
  it('walks every event exactly once, newest first, across pages', async () => {
    const all = (await seqsWhere('TRUE')).reverse();
    expect(all.length).toBeGreaterThan(20); // enough to cross 9 → 10 and several pages
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<typeof events>> = await events(`?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.events.length).toBeLessThanOrEqual(7);
      seen.push(...res.body.events.map((e) => e.seq));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 7));
  });
});

describe('hostile filter values', () => {
  const KEYS = [
    'from',
    'to',
    'actorType',
    'actorId',
    'subjectId',
    'action',
    'resourceType',
    'resourceId',
    'outcome',
    'limit',
    'cursor',
  ];
  const VALUES = [
    `' OR 1=1 --`,
    `'; DROP TABLE audit_events; --`,
    '%',
    '\\',
    `auth.login' OR '1'='1`,
    '*',
    '9999999999999999999',
    '0000-01-01T00:00:00Z',
  ];

  it('never cause a 500 and never match anything: 400 validation_failed or an empty page', async () => {
    const before = await auditCount(server);
    for (const key of KEYS) {
      for (const value of VALUES) {
        const q = `?${key}=${encodeURIComponent(value)}`;
        const page = await events(q);
        expect(page.status, `events ${key}=${value}`).not.toBe(500);
        if (page.status === 400) {
          expect(page.body.error.id).toBe('validation_failed');
          expect(page.body.error.issues?.map((i) => i.path)).toContain(key);
        } else {
          expect(page.status, `events ${key}=${value}`).toBe(200);
          expect(page.body.events, `events ${key}=${value}`).toEqual([]);
        }
        if (key === 'limit' || key === 'cursor') continue; // not export parameters
        const exported = await api<ErrorBody>(server, 'GET', `/api/audit/export${q}`, { token: tokens.co });
        expect(exported.status, `export ${key}=${value}`).not.toBe(500);
        if (exported.status === 400) {
          expect(exported.body.error.issues?.map((i) => i.path)).toContain(key);
        } else {
          expect(exported.status, `export ${key}=${value}`).toBe(200);
          // Only the export's own audit.export event may match.
          expect(
            exported.text.split('\n').filter((l) => l && !l.includes('"audit.export"')),
            `export ${key}=${value}`,
          ).toEqual([]);
        }
      }
    }
    expect(await auditCount(server)).toBeGreaterThanOrEqual(before);
    await sealAudit(server.deps.db.dataSource);
    expect((await server.deps.db.dataSource.transaction((tx) => verifyChain(tx))).ok).toBe(true);
  });
});

/** Splits CSV text into rows of cells (RFC 4180 quoting). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((cell += '"'), i++);
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(cell), (cell = ''));
    else if (c === '\n') (row.push(cell), rows.push(row), (row = []), (cell = ''));
    else cell += c;
  }
  return rows;
}

describe('export', () => {
  it('streams every matching event as JSON lines, oldest first, and audits the export first', async () => {
    const res = await api(server, 'GET', '/api/audit/export?format=jsonl', { token: tokens.auditor });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="palisade-audit-.*\.jsonl"$/);
    const lines = res.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as PresentedEvent);
    expect(lines.map((e) => e.seq)).toEqual(await seqsWhere('TRUE'));
    expect(lines.at(-1)).toMatchObject({ action: 'audit.export', actorId: ids.auditor });
    const [exported] = await auditEvents(server, `action = 'audit.export' AND request_id = $1`, [
      res.headers.get('x-request-id'),
    ]);
    expect(exported?.details).toMatchObject({ format: 'jsonl', filters: 0 });
  });

  it('applies filters to the export', async () => {
    const res = await api(server, 'GET', '/api/audit/export?format=jsonl&action=auth.*', { token: tokens.co });
    const lines = res.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as PresentedEvent);
    expect(lines.map((e) => e.seq)).toEqual(await seqsWhere(`action LIKE 'auth.%'`));
  });

  it('writes CSV with a header and formula cells neutralised', async () => {
    const res = await api(server, 'GET', '/api/audit/export?format=csv', { token: tokens.co });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual([
      'seq',
      'id',
      'occurredAt',
      'actorType',
      'actorId',
      'action',
      'subjectId',
      'resourceType',
      'resourceId',
      'purpose',
      'reason',
      'outcome',
      'requestId',
      'details',
      'prevHash',
      'hash',
    ]);
    expect(rows.map((r) => r[0])).toEqual(await seqsWhere('TRUE'));
    expect(rows.every((r) => r.length === header!.length)).toBe(true);
    const sheet = rows.find((r) => r[5] === 'export.sheet')!;
    expect(sheet[4]).toBe(`'-cmd`);
    expect(sheet[6]).toBe(`'@sum`);
    expect(sheet[10]).toBe(`'=HYPERLINK("http://x.example","click")`);
    for (const r of rows) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(
      await auditCount(server, `action = 'audit.export' AND details->>'format' = 'csv' AND request_id = $1`, [
        res.headers.get('x-request-id'),
      ]),
    ).toBe(1);
  });

  it('refuses an unknown format', async () => {
    const res = await api<ErrorBody>(server, 'GET', '/api/audit/export?format=xlsx', { token: tokens.co });
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.[0]?.path).toBe('format');
  });
});
