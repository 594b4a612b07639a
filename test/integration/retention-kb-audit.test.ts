// Retention of the two categories that need more than a row delete: knowledge-base feedback (votes
// and the redacted visitor questions kept for editors) and the audit log, which keeps verifying
// after its oldest events go because verification starts at a checkpoint. The clock is moved forward.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../server/audit/append.ts';
import { sealAudit } from '../../server/audit/seal.ts';
import { verifyChain } from '../../server/audit/verify.ts';
import { recordFeedback } from '../../server/knowledge/gaps.ts';
import { type RetentionRunner, runRetention } from '../../server/privacy/retention.ts';
import { approveHold, requestHold } from '../../server/privacy/legalHolds.ts';
import { parseRetentionPolicy } from '../../server/privacy/retentionPolicy.ts';
import { auditEvents } from '../support/audit.ts';
import { inTx, seedSubject } from '../support/privacy.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DAY = 86_400_000;
const policy = (kb: string, audit: string, batchSize: number) =>
  parseRetentionPolicy(
    `version: 1
requests: { dueDays: 30, nearDueDays: 7 }
batchSize: ${batchSize}
categories: { messages: 90d, attachments: 30d, vault_mappings: 7d, conversations: 90d, consent_records: 1825d, audit_log: ${audit}, kb_feedback: ${kb} }
classes: { standard: {} }
`,
    'test-retention.yaml',
  );
const KB_POLICY = policy('30d', '3650d', 1);
const AUDIT_POLICY = policy('3650d', '1d', 3);

let server: TestServer;
let runner: RetentionRunner;
const start = new Date();
let clock = start;
const q = <T>(sql: string, params: unknown[] = []) => server.deps.db.dataSource.query(sql, params) as Promise<T[]>;
const verify = () => server.deps.db.dataSource.transaction((tx) => verifyChain(tx));
const seal = () => sealAudit(server.deps.db.dataSource);
const append = (action: string) =>
  server.deps.db.dataSource.transaction((tx) => appendAudit(tx, { actor: { type: 'system', id: 'test' }, action }));
/** Runs sql inside a transaction that is always rolled back; resolves to the error, or to 'committed-would-succeed'. */
const attempt = async (...statements: string[]): Promise<string> => {
  const ROLLBACK = 'rolled back on purpose';
  try {
    await server.deps.db.dataSource.transaction(async (tx) => {
      for (const s of statements) await tx.query(s);
      throw new Error(ROLLBACK);
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return message === ROLLBACK ? 'allowed' : message;
  }
  return 'allowed';
};

beforeAll(async () => {
  // The background sealer stays out of the way: the tests seal when they mean to.
  server = await startTestServer(
    { RETENTION_INTERVAL_SECONDS: '0', AUDIT_SEAL_INTERVAL_MS: '60000' },
    { now: () => clock, seedDemoKnowledge: true },
  );
  runner = { dataSource: server.deps.db.dataSource, now: server.deps.now };
});
afterAll(async () => {
  await server?.stop();
});

describe('knowledge-base feedback retention', () => {
  let article = { id: '', versionId: '' };
  const kbRows = async () => ({
    feedback: (await q<{ id: string }>(`SELECT id FROM kb_feedback ORDER BY created_at, id`)).map((r) => r.id),
    questions: (await q<{ sample_text: string }>(`SELECT sample_text FROM kb_unanswered ORDER BY first_seen, id`)).map(
      (r) => r.sample_text,
    ),
  });

  beforeAll(async () => {
    const [row] = await q<{ id: string; versionId: string }>(
      `SELECT id, published_version_id AS "versionId" FROM kb_articles WHERE published_version_id IS NOT NULL ORDER BY slug LIMIT 1`,
    );
    article = row!;
    await server.deps.db.dataSource.transaction(async (tx) => {
      await recordFeedback({ tx, articleId: article.id, versionId: article.versionId, helpful: true });
      await recordFeedback({
        tx,
        articleId: article.id,
        versionId: article.versionId,
        helpful: false,
        redactedQuestion: 'how do I close my account',
        language: 'en',
      });
    });
  });

  it('keeps feedback and questions until the kb_feedback period has passed', async () => {
    expect((await kbRows()).feedback).toHaveLength(2);
    clock = new Date(start.getTime() + 29 * DAY);
    const report = await runRetention(runner, KB_POLICY);
    expect(report.counts).toMatchObject({ kb_feedback: 0, kb_unanswered: 0 });
    expect(await kbRows()).toMatchObject({ questions: ['how do I close my account'] });
    expect((await kbRows()).feedback).toHaveLength(2);
  });

  it('after 31 days deletes exactly what expired, one audited batch per row (batch size 1); a dry run first deletes nothing', async () => {
    // Recorded on day 29 (the moved clock): not expired on day 31.
    const recentFeedback = randomUUID();
    await q(
      `INSERT INTO kb_feedback (id, article_id, version_id, helpful, created_at) VALUES ($1, $2, $3, false, $4)`,
      [recentFeedback, article.id, article.versionId, clock],
    );
    await q(
      `INSERT INTO kb_unanswered (id, group_key, sample_text, occurrences, first_seen, last_seen) VALUES ($1, 'recent-key', 'is the branch open on sunday', 1, $2, $2)`,
      [randomUUID(), clock],
    );
    clock = new Date(start.getTime() + 31 * DAY);

    const dry = await runRetention(runner, KB_POLICY, { dryRun: true });
    expect(dry.counts).toMatchObject({ kb_feedback: 2, kb_unanswered: 1 });
    expect((await kbRows()).feedback).toHaveLength(3);

    const report = await runRetention(runner, KB_POLICY);
    expect(report.counts).toMatchObject({ kb_feedback: 2, kb_unanswered: 1, messages: 0 });
    expect(await kbRows()).toEqual({ feedback: [recentFeedback], questions: ['is the branch open on sunday'] });
    const batches = await auditEvents(server, `action = 'retention.delete' AND resource_id = $1`, [report.runId]);
    expect(batches.map((b) => [b.details.category, b.details.rows])).toEqual([
      ['kb_feedback', 1],
      ['kb_feedback', 1],
      ['kb_unanswered', 1],
    ]);
    const [run] = await q<{ counts: Record<string, number> }>(`SELECT counts FROM retention_runs WHERE id = $1`, [
      report.runId,
    ]);
    expect(run!.counts).toMatchObject({ kb_feedback: 2, kb_unanswered: 1 });
  });
});

describe('audit log retention', () => {
  let mark = new Date();
  let cut = { chainSeq: '0', hash: '' };

  it('removes nothing while no event is older than the audit_log period', async () => {
    await seal();
    clock = new Date();
    const report = await runRetention(runner, AUDIT_POLICY);
    expect(report.counts.audit_log).toBe(0);
    expect(await q(`SELECT * FROM audit_checkpoints`)).toEqual([]);
  });

  it('with the clock a day past a mark: removes the sealed prefix before it, in audited batches, behind a checkpoint; verify still holds', async () => {
    await seal();
    mark = new Date();
    await sleep(5);
    for (const action of ['test.after_one', 'test.after_two']) await append(action);
    await seal();
    const [before] = await q<{ chainSeq: string; hash: string }>(
      `SELECT chain_seq::text AS "chainSeq", hash FROM audit_events WHERE chain_seq = (SELECT max(chain_seq) FROM audit_events WHERE occurred_at < $1)`,
      [mark],
    );
    cut = before!;
    const expected = Number(cut.chainSeq);
    expect(expected).toBeGreaterThan(6);
    const [{ late } = { late: -1 }] = await q<{ late: number }>(
      `SELECT count(*)::int AS late FROM audit_events WHERE chain_seq <= $1 AND occurred_at >= $2`,
      [cut.chainSeq, mark],
    );
    expect(late).toBe(0);

    clock = new Date(mark.getTime() + DAY);
    const report = await runRetention(runner, AUDIT_POLICY);
    expect(report.counts.audit_log).toBe(expected);

    expect(
      await q(`SELECT chain_seq::text AS "chainSeq", hash, events_removed::int AS removed FROM audit_checkpoints`),
    ).toEqual([{ chainSeq: cut.chainSeq, hash: cut.hash, removed: expected }]);
    expect(
      await q(`SELECT seq FROM audit_events WHERE chain_seq <= $1 OR occurred_at < $2`, [cut.chainSeq, mark]),
    ).toEqual([]);
    expect((await auditEvents(server, `action LIKE 'test.after_%'`)).map((e) => e.action)).toEqual([
      'test.after_one',
      'test.after_two',
    ]);
    const batches = await auditEvents(server, `action = 'retention.delete' AND resource_id = $1`, [report.runId]);
    expect(batches.every((b) => b.details.category === 'audit_log' && Number(b.details.rows) <= 3)).toBe(true);
    expect(batches.reduce((n, b) => n + Number(b.details.rows), 0)).toBe(expected);
    expect(batches).toHaveLength(Math.ceil(expected / 3));
    expect(
      await auditEvents(server, `action = 'retention.audit_checkpoint' AND resource_id = $1`, [report.runId]),
    ).toHaveLength(1);

    await seal();
    const verified = await verify();
    const [{ n: remaining } = { n: -1 }] = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE chain_seq IS NOT NULL`,
    );
    expect(verified).toMatchObject({
      ok: true,
      checked: remaining,
      checkpoint: { chainSeq: cut.chainSeq, hash: cut.hash },
    });
  });

  it('a DELETE without palisade.audit_retention is refused, even at or below the checkpoint', async () => {
    await seal();
    const [first] = await q<{ chainSeq: string; hash: string }>(
      `SELECT chain_seq::text AS "chainSeq", hash FROM audit_events WHERE chain_seq IS NOT NULL ORDER BY chain_seq LIMIT 1`,
    );
    const checkpoint = `INSERT INTO audit_checkpoints (chain_seq, hash, created_at, events_removed) VALUES (${first!.chainSeq}, '${first!.hash}', now(), 1)`;
    const remove = `DELETE FROM audit_events WHERE chain_seq = ${first!.chainSeq}`;
    // Control: with the setting and the checkpoint the delete goes through (then rolled back).
    expect(await attempt(checkpoint, `SET LOCAL palisade.audit_retention = 'on'`, remove)).toBe('allowed');
    expect(await attempt(checkpoint, remove)).toMatch(/append-only: DELETE on audit_events refused/);
    expect(await attempt(checkpoint, `SET LOCAL palisade.audit_retention = 'off'`, remove)).toMatch(/append-only/);
  });

  it('with the setting on, a DELETE above the checkpoint, of an unsealed event, an UPDATE or a TRUNCATE is still refused', async () => {
    await append('test.unsealed');
    const on = `SET LOCAL palisade.audit_retention = 'on'`;
    expect(await attempt(on, `DELETE FROM audit_events WHERE chain_seq = ${BigInt(cut.chainSeq) + 1n}`)).toMatch(
      /append-only/,
    );
    expect(await attempt(on, `DELETE FROM audit_events WHERE chain_seq IS NULL`)).toMatch(/append-only/);
    expect(
      await attempt(on, `UPDATE audit_events SET outcome = 'failure' WHERE chain_seq = ${BigInt(cut.chainSeq) + 1n}`),
    ).toMatch(/append-only/);
    expect(await attempt(on, `TRUNCATE audit_events`)).toMatch(/append-only/);
    const stillThere = await q(`SELECT seq FROM audit_events WHERE chain_seq = $1`, [
      String(BigInt(cut.chainSeq) + 1n),
    ]);
    expect(stillThere).toHaveLength(1);
  });

  it('checkpoints are append-only and only advance onto a sealed event with its hash', async () => {
    const [next] = await q<{ chainSeq: string; hash: string }>(
      `SELECT chain_seq::text AS "chainSeq", hash FROM audit_events WHERE chain_seq = $1`,
      [String(BigInt(cut.chainSeq) + 1n)],
    );
    expect(await attempt(`UPDATE audit_checkpoints SET events_removed = 0`)).toMatch(/append-only/);
    expect(await attempt(`DELETE FROM audit_checkpoints`)).toMatch(/append-only/);
    expect(await attempt(`TRUNCATE audit_checkpoints`)).toMatch(/append-only/);
    expect(
      await attempt(`INSERT INTO audit_checkpoints VALUES (${next!.chainSeq}, '${'a'.repeat(64)}', now(), 1)`),
    ).toMatch(/may only advance/);
    expect(await attempt(`INSERT INTO audit_checkpoints VALUES (1, '${cut.hash}', now(), 1)`)).toMatch(
      /may only advance/,
    );
    expect(await attempt(`INSERT INTO audit_checkpoints VALUES (${next!.chainSeq}, '${next!.hash}', now(), 1)`)).toBe(
      'allowed',
    );
  });

  it('tampering with an event left after the checkpoint is still named', async () => {
    const [victim] = await auditEvents(server, `action = 'test.after_two'`);
    const tamper = (actorId: string) =>
      server.deps.db.dataSource.transaction(async (tx) => {
        await tx.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
        await tx.query(`UPDATE audit_events SET actor_id = $2 WHERE seq = $1`, [victim!.seq, actorId]);
        await tx.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
      });
    await tamper('someone-else');
    expect(await verify()).toMatchObject({
      ok: false,
      checkpoint: { chainSeq: cut.chainSeq },
      firstBroken: { seq: victim!.seq, chainSeq: victim!.chainSeq, problem: 'hash_mismatch' },
    });
    await tamper(victim!.actorId);
    expect((await verify()).ok).toBe(true);
  });

  it('never removes an unsealed event, nor goes past the sealed head', async () => {
    await seal();
    await append('test.late_unsealed');
    const [head] = await q<{ seq: string; hash: string }>(`SELECT seq::text AS seq, hash FROM audit_chain_head`);
    clock = new Date(Date.now() + 2 * DAY);
    const report = await runRetention(runner, AUDIT_POLICY);
    expect(report.counts.audit_log).toBe(Number(BigInt(head!.seq) - BigInt(cut.chainSeq)));
    const [newest] = await q<{ chainSeq: string; hash: string }>(
      `SELECT chain_seq::text AS "chainSeq", hash FROM audit_checkpoints ORDER BY chain_seq DESC LIMIT 1`,
    );
    expect(newest).toEqual({ chainSeq: head!.seq, hash: head!.hash });
    const late = await auditEvents(server, `action = 'test.late_unsealed'`);
    expect(late).toHaveLength(1);
    expect(late[0]!.chainSeq).toBeNull();
    await seal();
    expect(await verify()).toMatchObject({ ok: true, checkpoint: { chainSeq: head!.seq } });
  });

  it('stops before the first event about a subject under a legal hold', async () => {
    clock = new Date();
    const held = await seedSubject(server, 'AHLD', { close: true });
    const hold = await inTx(
      server,
      (ctx) =>
        requestHold(ctx, {
          scope: 'subject',
          subjectId: held.subjectId,
          caseId: 'CASE-A1',
          reason: 'litigation pending',
        }),
      { type: 'staff', id: 'officer-a' },
    );
    await inTx(server, (ctx) => approveHold(ctx, hold.id), { type: 'staff', id: 'officer-b' });
    await append('test.after_hold');
    await seal();
    const [first] = await q<{ chainSeq: string }>(
      `SELECT min(chain_seq)::text AS "chainSeq" FROM audit_events WHERE subject_id = $1`,
      [held.subjectId],
    );
    const [before] = await q<{ chainSeq: string }>(`SELECT max(chain_seq)::text AS "chainSeq" FROM audit_checkpoints`);
    expect(BigInt(first!.chainSeq)).toBeGreaterThan(BigInt(before!.chainSeq) + 1n);
    clock = new Date(Date.now() + 2 * DAY);
    const report = await runRetention(runner, AUDIT_POLICY);
    const [after] = await q<{ chainSeq: string }>(`SELECT max(chain_seq)::text AS "chainSeq" FROM audit_checkpoints`);
    expect(after!.chainSeq).toBe(String(BigInt(first!.chainSeq) - 1n));
    expect(report.counts.audit_log).toBe(Number(BigInt(after!.chainSeq) - BigInt(before!.chainSeq)));
    expect(await auditEvents(server, `action = 'test.after_hold'`)).toHaveLength(1);
    await seal();
    expect((await verify()).ok).toBe(true);
  });
});
