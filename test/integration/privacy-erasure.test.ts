// Erasure through the real server and database: crypto-shredding, no plaintext left anywhere,
// resumable exactly once after a crash, blocked by a legal hold, and the audit chain still verifies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { readMessages } from '../../server/privacy/conversations.ts';
import { keyStoreOf } from '../../server/privacy/deps.ts';
import {
  type ErasureRunner,
  ERASURE_STEPS,
  resumeErasures,
  runErasureJob,
  startErasure,
} from '../../server/privacy/erasure.ts';
import { approveHold, approveLift, requestHold, requestLift } from '../../server/privacy/legalHolds.ts';
import { lookupDataSubject } from '../../server/privacy/subjects.ts';
import { privacyTransaction } from '../../server/privacy/transaction.ts';
import { DbVaultStore } from '../../server/privacy/vaultStore.ts';
import { auditCount, auditEvents } from '../support/audit.ts';
import { dumpDatabase, dumpForms, findPlaintext, inTx, seedSubject } from '../support/privacy.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let runner: ErasureRunner;
const officers = { a: '', b: '' };
let coToken = '';

const errorId = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err.id;
    throw err;
  }
  return 'no error';
};
const staff = (id: string) => ({ type: 'staff' as const, id });
const erase = async (subjectId: string, afterStep?: ErasureRunner['afterStep']) => {
  const jobId = await inTx(server, (ctx) => startErasure(ctx, subjectId));
  return { jobId, receipt: await runErasureJob({ ...runner, afterStep }, jobId) };
};
const tryErase = (subjectId: string) =>
  privacyTransaction(server.deps, { actor: staff(officers.a), action: 'erasure.start', subjectId }, (ctx) =>
    startErasure(ctx, subjectId),
  );
const verifyChain = async () =>
  (await api<{ ok: boolean; checked: number }>(server, 'GET', '/api/audit/verify', { token: coToken })).body;

beforeAll(async () => {
  server = await startTestServer();
  runner = { dataSource: server.deps.db.dataSource, now: server.deps.now, keyStore: keyStoreOf(server.deps) };
  officers.a = await seedStaff(server, { email: 'co-a@bank.example', password: PASSWORD, role: 'compliance_officer' });
  officers.b = await seedStaff(server, { email: 'co-b@bank.example', password: PASSWORD, role: 'compliance_officer' });
  coToken = (await bearerLogin(server, 'co-a@bank.example', PASSWORD)).accessToken;
});
afterAll(async () => {
  await server?.stop();
});

describe('erasing a data subject', () => {
  it('leaves no plaintext in any table or dump, destroys the key, keeps others intact and the chain verifiable', async () => {
    const maria = await seedSubject(server, 'ERASE1', { conversations: 2, messages: 4 });
    const other = await seedSubject(server, 'KEEP1');
    // Before: the plaintext is nowhere in the database either (it is born encrypted) but readable.
    expect(await findPlaintext(server, maria.secrets)).toEqual([]);
    const before = await inTx(server, (ctx) => readMessages(ctx, maria.conversationIds[0]!));
    expect(before[0]!.text).toContain(maria.secrets[0]);
    const [stolen] = (await server.deps.db.dataSource.query(`SELECT id, ciphertext FROM messages WHERE id = $1`, [
      maria.messageIds[0],
    ])) as { id: string; ciphertext: Buffer }[];

    const { receipt } = await erase(maria.subjectId);
    expect(receipt).toMatchObject({
      subjectId: maria.subjectId,
      keyDestroyed: true,
      erased: {
        key_secret: 1,
        subject_key: 1,
        attachments: 2,
        messages: 8,
        vaults: 2,
        conversations: 2,
        consents: 2,
        identifiers: 2,
        request_details: 0,
      },
    });

    for (const table of [
      'subject_keys',
      'messages',
      'attachments',
      'conversation_vaults',
      'conversations',
      'consent_records',
      'subject_identifiers',
    ]) {
      const [row] = (await server.deps.db.dataSource.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE subject_id = $1`,
        [maria.subjectId],
      )) as { n: number }[];
      expect(row!.n, table).toBe(0);
    }
    expect(await findPlaintext(server, maria.secrets)).toEqual([]);
    const dump = await dumpDatabase(server);
    expect(dump).toContain(other.subjectId); // the dump is real: the other subject is in it
    for (const s of maria.secrets) for (const form of dumpForms(s)) expect(dump.includes(form), s).toBe(false);
    // The stolen ciphertext is still ciphertext, and no key in the appliance opens it any more.
    expect(stolen!.ciphertext.includes(Buffer.from('Maria'))).toBe(false);
    expect(await errorId(inTx(server, (ctx) => readMessages(ctx, maria.conversationIds[0]!)))).toBe('not_found');
    const [key] = (await server.deps.db.dataSource.query(`SELECT 1 FROM subject_keys WHERE subject_id = $1`, [
      maria.subjectId,
    ])) as unknown[];
    expect(key).toBeUndefined();
    // The pseudonym is unlinked: her email no longer finds anyone.
    expect(
      await inTx(server, (ctx) => lookupDataSubject(ctx, { kind: 'email', value: 'MARIA.erase1@example.com' })),
    ).toBeUndefined();

    const kept = await inTx(server, (ctx) => readMessages(ctx, other.conversationIds[0]!));
    expect(kept).toHaveLength(3);
    expect(await inTx(server, (ctx) => new DbVaultStore(ctx).load(other.conversationIds[0]!))).toMatchObject({
      entries: [{ value: other.secrets[0] }, { value: other.secrets[4] }],
    });
    expect((await inTx(server, (ctx) => lookupDataSubject(ctx, { kind: 'email', value: other.secrets[1]! })))?.id).toBe(
      other.subjectId,
    );

    // Audit rows about her remain, pseudonymous, and the chain still verifies.
    expect(await auditCount(server, `subject_id = $1 AND action = 'message.store'`, [maria.subjectId])).toBe(8);
    expect(await auditCount(server, `subject_id = $1 AND action = 'subject.erased'`, [maria.subjectId])).toBe(1);
    const chain = await verifyChain();
    expect(chain.ok).toBe(true);
    expect(chain.checked).toBeGreaterThan(30);
    // A second erasure of an erased subject is refused.
    expect(await errorId(inTx(server, (ctx) => startErasure(ctx, maria.subjectId)))).toBe('subject_erased');
  });

  it.each([0, 2, ERASURE_STEPS.length - 1, ERASURE_STEPS.length])(
    'a crash after step %i completes on resume, exactly once',
    async (crashAfter) => {
      const s = await seedSubject(server, `CRASH${crashAfter}`);
      const jobId = await inTx(server, (ctx) => startErasure(ctx, s.subjectId));
      const crash = new Error('simulated crash');
      const run = runErasureJob(
        {
          ...runner,
          afterStep: (_step, index) => {
            if (index === crashAfter) throw crash;
          },
        },
        jobId,
      );
      if (crashAfter < ERASURE_STEPS.length) await expect(run).rejects.toBe(crash);
      else await run;
      const [job] = (await server.deps.db.dataSource.query(`SELECT status, step FROM erasure_jobs WHERE id = $1`, [
        jobId,
      ])) as { status: string; step: number }[];
      if (crashAfter < ERASURE_STEPS.length) expect(job).toEqual({ status: 'running', step: crashAfter + 1 });

      const resumed = await resumeErasures(runner);
      expect(resumed).toBeGreaterThanOrEqual(crashAfter < ERASURE_STEPS.length ? 1 : 0);
      expect(await resumeErasures(runner)).toBe(0);
      const steps = await auditEvents(server, `resource_id = $1 AND action = 'erasure.step'`, [jobId]);
      expect(steps.map((e) => e.details.step)).toEqual(ERASURE_STEPS.map((st) => st.name));
      expect(await auditCount(server, `subject_id = $1 AND action = 'subject.erased'`, [s.subjectId])).toBe(1);
      expect(await findPlaintext(server, s.secrets)).toEqual([]);
      const [done] = (await server.deps.db.dataSource.query(`SELECT status, receipt FROM erasure_jobs WHERE id = $1`, [
        jobId,
      ])) as { status: string; receipt: { erased: Record<string, number> } }[];
      expect(done!.status).toBe('done');
      expect(done!.receipt.erased).toMatchObject({
        messages: 3,
        attachments: 1,
        vaults: 1,
        subject_key: 1,
        key_secret: 1,
      });
    },
  );
});

describe('a legal hold', () => {
  it('blocks erasure from the moment it is requested until a second officer approves lifting it', async () => {
    const s = await seedSubject(server, 'HOLD1');
    const hold = await inTx(
      server,
      (ctx) =>
        requestHold(ctx, {
          scope: 'subject',
          subjectId: s.subjectId,
          caseId: 'CASE-2024-17',
          reason: 'litigation pending',
        }),
      staff(officers.a),
    );
    expect(hold.status).toBe('pending');
    expect(await errorId(tryErase(s.subjectId))).toBe('legal_hold');
    // Maker-checker: the officer who placed it cannot approve it.
    expect(await errorId(inTx(server, (ctx) => approveHold(ctx, hold.id), staff(officers.a)))).toBe('maker_checker');
    expect((await inTx(server, (ctx) => approveHold(ctx, hold.id), staff(officers.b))).status).toBe('active');
    expect(await errorId(tryErase(s.subjectId))).toBe('legal_hold');
    // The refusals are on the record, though the attempts rolled back.
    expect(
      await auditCount(server, `subject_id = $1 AND action = 'privacy.denied' AND outcome = 'denied'`, [s.subjectId]),
    ).toBe(2);
    expect(await auditCount(server, `subject_id = $1 AND action = 'erasure.start'`, [s.subjectId])).toBe(0);

    const lifting = await inTx(server, (ctx) => requestLift(ctx, hold.id, 'case settled'), staff(officers.b));
    expect(lifting.status).toBe('lift_pending');
    expect(await errorId(inTx(server, (ctx) => startErasure(ctx, s.subjectId)))).toBe('legal_hold');
    expect(await errorId(inTx(server, (ctx) => approveLift(ctx, hold.id), staff(officers.b)))).toBe('maker_checker');
    expect((await inTx(server, (ctx) => approveLift(ctx, hold.id), staff(officers.a))).status).toBe('lifted');

    const { receipt } = await erase(s.subjectId);
    expect(receipt.erased.messages).toBe(3);
    expect(
      (await auditEvents(server, `resource_id = $1 AND action LIKE 'legal_hold.%'`, [hold.id])).map((e) => [
        e.action,
        e.actorId,
      ]),
    ).toEqual([
      ['legal_hold.request', officers.a],
      ['legal_hold.approve', officers.b],
      ['legal_hold.lift_request', officers.b],
      ['legal_hold.lift_approve', officers.a],
    ]);
  });

  it('on one conversation blocks erasure of its subject', async () => {
    const s = await seedSubject(server, 'HOLD2');
    const hold = await inTx(
      server,
      (ctx) =>
        requestHold(ctx, {
          scope: 'conversation',
          conversationId: s.conversationIds[0]!,
          caseId: 'CASE-9',
          reason: 'regulator inquiry',
        }),
      staff(officers.a),
    );
    await inTx(server, (ctx) => approveHold(ctx, hold.id), staff(officers.b));
    expect(await errorId(inTx(server, (ctx) => startErasure(ctx, s.subjectId)))).toBe('legal_hold');
  });
});

describe('stored ciphertext', () => {
  it('that was tampered with is detected, never returned as garbage', async () => {
    const s = await seedSubject(server, 'TAMPER');
    await server.deps.db.dataSource.query(
      `UPDATE messages SET ciphertext = set_byte(ciphertext, length(ciphertext) - 1, get_byte(ciphertext, length(ciphertext) - 1) # 1) WHERE id = $1`,
      [s.messageIds[1]],
    );
    expect(await errorId(inTx(server, (ctx) => readMessages(ctx, s.conversationIds[0]!)))).toBe('ciphertext_invalid');
    // A ciphertext moved to another row does not open there either (it is bound to its row).
    await server.deps.db.dataSource.query(
      `UPDATE messages SET ciphertext = (SELECT ciphertext FROM messages WHERE id = $1) WHERE id = $2`,
      [s.messageIds[0], s.messageIds[2]],
    );
    await server.deps.db.dataSource.query(
      `UPDATE messages SET ciphertext = (SELECT ciphertext FROM messages WHERE id = $1) WHERE id = $2`,
      [s.messageIds[0], s.messageIds[1]],
    );
    expect(await errorId(inTx(server, (ctx) => readMessages(ctx, s.conversationIds[0]!)))).toBe('ciphertext_invalid');
  });
});
