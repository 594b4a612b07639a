// Retention through the real server and database, with the clock moved forward: exactly what has
// expired goes (per category and per retention class), in batches with one audit event each;
// a legal hold keeps what it covers until it is lifted; a dry run deletes nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveHold, approveLift, requestHold, requestLift } from '../../server/privacy/legalHolds.ts';
import { retentionPolicyOf } from '../../server/privacy/jobs.ts';
import { type RetentionRunner, runRetention } from '../../server/privacy/retention.ts';
import { auditEvents } from '../support/audit.ts';
import { inTx, type SeededSubject, seedSubject } from '../support/privacy.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DAY = 86_400_000;
const POLICY = `version: 1
requests: { dueDays: 30, nearDueDays: 7 }
batchSize: 2
categories: { messages: 90d, attachments: 30d, vault_mappings: 7d, conversations: 90d, consent_records: 1825d, audit_log: 3650d, kb_feedback: 365d }
classes:
  standard: {}
  no_transcript: { messages: 1d, attachments: 1d, vault_mappings: 1d, conversations: 1d }
`;

let server: TestServer;
let runner: RetentionRunner;
let policyDir: string;
let clock = new Date('2025-01-01T00:00:00Z');
const advance = (days: number) => (clock = new Date(clock.getTime() + days * DAY));
const subjects: Record<'standard' | 'brief' | 'held', SeededSubject> = {} as never;
let holdId = '';

const left = async (subject: SeededSubject) => {
  const count = async (table: string) =>
    (
      (await server.deps.db.dataSource.query(`SELECT count(*)::int AS n FROM ${table} WHERE subject_id = $1`, [
        subject.subjectId,
      ])) as { n: number }[]
    )[0]!.n;
  return {
    messages: await count('messages'),
    attachments: await count('attachments'),
    vaults: await count('conversation_vaults'),
    conversations: await count('conversations'),
    consents: await count('consent_records'),
  };
};
const run = (dryRun = false) => runRetention(runner, retentionPolicyOf(server.deps), { dryRun });

beforeAll(async () => {
  policyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-retention-'));
  fs.writeFileSync(path.join(policyDir, 'retention.yaml'), POLICY);
  server = await startTestServer(
    { RETENTION_INTERVAL_SECONDS: '0', RETENTION_POLICY_FILE: path.join(policyDir, 'retention.yaml') },
    { now: () => clock },
  );
  runner = { dataSource: server.deps.db.dataSource, now: server.deps.now };
  subjects.standard = await seedSubject(server, 'RSTD', { close: true });
  subjects.brief = await seedSubject(server, 'RBRF', { close: true, retentionClass: 'no_transcript' });
  subjects.held = await seedSubject(server, 'RHLD', { close: true, retentionClass: 'no_transcript' });
  const officer = (id: string) => ({ type: 'staff' as const, id });
  const hold = await inTx(
    server,
    (ctx) =>
      requestHold(ctx, {
        scope: 'subject',
        subjectId: subjects.held.subjectId,
        caseId: 'CASE-R1',
        reason: 'litigation pending',
      }),
    officer('officer-a'),
  );
  await inTx(server, (ctx) => approveHold(ctx, hold.id), officer('officer-b'));
  holdId = hold.id;
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(policyDir, { recursive: true, force: true });
});

describe('retention', () => {
  it('deletes nothing before anything expires', async () => {
    const report = await run();
    expect(report.status).toBe('done');
    expect(Object.values(report.counts).every((n) => n === 0)).toBe(true);
  });

  it('a dry run reports what would go and deletes nothing', async () => {
    advance(2);
    const report = await run(true);
    expect(report.counts).toMatchObject({
      messages: 3,
      attachments: 1,
      vault_mappings: 1,
      conversations: 0,
      consent_records: 0,
    });
    expect(await left(subjects.brief)).toEqual({
      messages: 3,
      attachments: 1,
      vaults: 1,
      conversations: 1,
      consents: 2,
    });
    expect(await auditEvents(server, `action = 'retention.dry_run' AND resource_id = $1`, [report.runId])).toHaveLength(
      1,
    );
  });

  it('after 2 days: the no_transcript conversation goes whole, in batches of 2 with one audit event each; the held one stays', async () => {
    const report = await run();
    expect(report.counts).toMatchObject({
      messages: 3,
      attachments: 1,
      vault_mappings: 1,
      conversations: 1,
      consent_records: 0,
    });
    expect(await left(subjects.brief)).toEqual({
      messages: 0,
      attachments: 0,
      vaults: 0,
      conversations: 0,
      consents: 2,
    });
    expect(await left(subjects.held)).toEqual({
      messages: 3,
      attachments: 1,
      vaults: 1,
      conversations: 1,
      consents: 2,
    });
    expect(await left(subjects.standard)).toEqual({
      messages: 3,
      attachments: 1,
      vaults: 1,
      conversations: 1,
      consents: 2,
    });
    const batches = await auditEvents(server, `action = 'retention.delete' AND resource_id = $1`, [report.runId]);
    expect(batches.map((b) => [b.details.category, b.details.rows])).toEqual([
      ['attachments', 1],
      ['messages', 2],
      ['messages', 1],
      ['vault_mappings', 1],
      ['conversations', 1],
    ]);
    expect(batches.every((b) => b.subjectId === null)).toBe(true);
    const [runRow] = (await server.deps.db.dataSource.query(`SELECT status, counts FROM retention_runs WHERE id = $1`, [
      report.runId,
    ])) as { status: string; counts: Record<string, number> }[];
    expect(runRow).toMatchObject({ status: 'done', counts: { messages: 3 } });
  });

  it('follows the standard class: vault after 7 days, attachments after 30, messages and conversation after 90', async () => {
    advance(6); // day 8
    expect((await run()).counts).toMatchObject({ vault_mappings: 1, attachments: 0, messages: 0 });
    expect(await left(subjects.standard)).toEqual({
      messages: 3,
      attachments: 1,
      vaults: 0,
      conversations: 1,
      consents: 2,
    });
    advance(23); // day 31
    expect((await run()).counts).toMatchObject({ attachments: 1, messages: 0 });
    advance(59); // day 90: not yet 90 days since the messages were written
    expect((await run()).counts.messages).toBe(0);
    advance(1); // day 91
    expect((await run()).counts).toMatchObject({ messages: 3, conversations: 1 });
    expect(await left(subjects.standard)).toEqual({
      messages: 0,
      attachments: 0,
      vaults: 0,
      conversations: 0,
      consents: 2,
    });
    expect(await left(subjects.held)).toEqual({
      messages: 3,
      attachments: 1,
      vaults: 1,
      conversations: 1,
      consents: 2,
    });
  });

  it('deletes what a hold kept once the hold is lifted (maker-checker)', async () => {
    await inTx(server, (ctx) => requestLift(ctx, holdId, 'case closed'), { type: 'staff', id: 'officer-a' });
    expect((await run()).counts.messages).toBe(0); // lift requested, not yet approved: still held
    await inTx(server, (ctx) => approveLift(ctx, holdId), { type: 'staff', id: 'officer-b' });
    expect((await run()).counts).toMatchObject({ messages: 3, attachments: 1, vault_mappings: 1, conversations: 1 });
    expect(await left(subjects.held)).toEqual({
      messages: 0,
      attachments: 0,
      vaults: 0,
      conversations: 0,
      consents: 2,
    });
  });

  it('consent records go after their own period', async () => {
    advance(1825 - 91 + 1);
    expect((await run()).counts.consent_records).toBe(6);
    for (const s of Object.values(subjects)) expect((await left(s)).consents).toBe(0);
  });

  it('runs once when started twice at the same time', async () => {
    const [a, b] = await Promise.all([run(), run()]);
    expect([a.status, b.status].sort()).toEqual(['done', 'skipped']);
  });
});
