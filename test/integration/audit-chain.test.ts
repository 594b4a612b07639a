// The audit chain through the real server and database: appendAudit in and out of transactions,
// concurrent sealers, the database's own refusal to change rows, and verification with tamper
// detection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutsideTransaction, appendAudit } from '../../server/audit/append.ts';
import { type AuditEventInput, hashEvent } from '../../server/audit/event.ts';
import { sealAudit } from '../../server/audit/seal.ts';
import { auditStore } from '../../server/audit/store.ts';
import { verifyChain } from '../../server/audit/verify.ts';
import { auditCount, auditEvents } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
const ids = { co: '', auditor: '', admin: '' };
const tokens = { co: '', auditor: '', admin: '' };

const append = (...events: AuditEventInput[]) =>
  server.deps.db.dataSource.transaction((tx) => appendAudit(tx, ...events));
const seqsWhere = async (where: string, params: unknown[] = []) =>
  (await auditEvents(server, where, params)).map((e) => e.seq);

beforeAll(async () => {
  server = await startTestServer();
  ids.co = await seedStaff(server, { email: 'co@bank.example', password: PASSWORD, role: 'compliance_officer' });
  ids.auditor = await seedStaff(server, { email: 'auditor@bank.example', password: PASSWORD, role: 'auditor' });
  ids.admin = await seedStaff(server, { email: 'admin@bank.example', password: PASSWORD, role: 'admin' });
  for (const role of ['co', 'auditor', 'admin'] as const) {
    tokens[role] = (await bearerLogin(server, `${role}@bank.example`, PASSWORD)).accessToken;
  }
  await append({ actor: { type: 'system', id: 'retention' }, action: 'test_a.one', subjectId: 'ds_subject_2' });
});
afterAll(async () => {
  await server?.stop();
});

describe('appendAudit', () => {
  it('refuses personal data in reason and rolls the transaction back', async () => {
    const before = await auditCount(server);
    for (const reason of ['customer jane.doe@example.com asked', 'card 4111 1111 1111 1111']) {
      await expect(append({ actor: { type: 'staff', id: ids.co }, action: 'case.note', reason })).rejects.toThrow(
        /personal data/,
      );
    }
    expect(await auditCount(server)).toBe(before);
    await append({
      actor: { type: 'staff', id: ids.co },
      action: 'case.note',
      reason: 'customer asked for a copy of the log',
    });
    expect(await auditCount(server)).toBe(before + 1);
  });

  it('throws AuditOutsideTransaction without a transaction', async () => {
    const before = await auditCount(server);
    await expect(
      appendAudit(server.deps.db.dataSource.manager, { actor: { type: 'system', id: 'test' }, action: 'case.note' }),
    ).rejects.toBeInstanceOf(AuditOutsideTransaction);
    expect(await auditCount(server)).toBe(before);
  });

  it('32 concurrent appends, each in its own transaction, form one linear chain', async () => {
    const before = await auditCount(server);
    const results = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        append({ actor: { type: 'system', id: `writer-${i}` }, action: 'bench.append' }),
      ),
    );
    const seqs = results.map((r) => Number(r[0]!.seq)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 32 }, (_, i) => before + 1 + i));
    const all = await seqsWhere('TRUE');
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => String(i + 1)));
    await sealAudit(server.deps.db.dataSource);
    const verified = await server.deps.db.dataSource.transaction((tx) => verifyChain(tx));
    expect(verified).toMatchObject({ ok: true, checked: all.length });
  });
});

describe('sealing', () => {
  const unsealed = async () =>
    Number(
      (
        (await server.deps.db.dataSource.query(
          `SELECT count(*)::int AS n FROM audit_events WHERE chain_seq IS NULL`,
        )) as { n: number }[]
      )[0]!.n,
    );

  it('sealers running at once, while events are appended, chain every event exactly once', async () => {
    await sealAudit(server.deps.db.dataSource);
    const writes = Array.from({ length: 60 }, (_, i) =>
      append({ actor: { type: 'system', id: `writer-${i}` }, action: 'bench.append' }),
    );
    // background passes give up on a conflict; the waiting ones read again until nothing is left
    const passes = Array.from({ length: 8 }, (_, i) =>
      sealAudit(server.deps.db.dataSource, i % 2 ? { skipIfBusy: true } : { maxEvents: 7 }),
    );
    await Promise.all([...writes, ...passes]);
    await sealAudit(server.deps.db.dataSource);
    expect(await unsealed()).toBe(0);
    const chain = (await server.deps.db.dataSource.query(
      `SELECT chain_seq::text AS c FROM audit_events ORDER BY chain_seq`,
    )) as { c: string }[];
    expect(new Set(chain.map((r) => r.c)).size).toBe(chain.length);
    const [head] = (await server.deps.db.dataSource.query(`SELECT seq::text AS seq FROM audit_chain_head`)) as {
      seq: string;
    }[];
    expect(chain.at(-1)!.c).toBe(head!.seq);
    expect((await server.deps.db.dataSource.transaction((tx) => verifyChain(tx))).ok).toBe(true);
  });

  it('a second sealer holding a different set of events from the same head gets the conflict, not a duplicate position', async () => {
    // Two sealers read one head; an event with a lower seq committed between their reads, so their
    // sets differ. The later one must be refused as a conflict before it writes a chain position.
    const db = server.deps.db.dataSource;
    await sealAudit(db);
    for (const id of ['gap-a', 'gap-b', 'gap-c'])
      await append({ actor: { type: 'system', id }, action: 'bench.append' });
    const read = await auditStore.unsealed(db, 10);
    expect(read).toHaveLength(3);
    const head = { seq: read[0]!.headSeq, hash: read[0]!.headHash };
    const link = (events: typeof read) => {
      let chainSeq = BigInt(head.seq);
      let prevHash = head.hash;
      const out = {
        seqs: [] as string[],
        chainSeqs: [] as string[],
        prevHashes: [] as string[],
        hashes: [] as string[],
      };
      for (const { headSeq: _s, headHash: _h, ...row } of events) {
        chainSeq += 1n;
        const hash = hashEvent({ ...row, chainSeq: chainSeq.toString(), prevHash });
        out.seqs.push(row.seq);
        out.chainSeqs.push(chainSeq.toString());
        out.prevHashes.push(prevHash);
        out.hashes.push(hash);
        prevHash = hash;
      }
      return out;
    };
    // the first sealer saw only the first and third events
    await auditStore.seal(db, head, link([read[0]!, read[2]!]));
    await expect(auditStore.seal(db, head, link(read))).rejects.toMatchObject({
      code: '40001',
      message: expect.stringMatching(/audit seal conflict/),
    });
    expect(await unsealed()).toBe(1);
    await sealAudit(db);
    expect(await unsealed()).toBe(0);
    expect((await db.transaction((tx) => verifyChain(tx))).ok).toBe(true);
  });

  it('a seal computed from a head that has moved since is refused whole (40001), and changes nothing', async () => {
    await sealAudit(server.deps.db.dataSource);
    await append({ actor: { type: 'system', id: 'late' }, action: 'bench.append' });
    const [row] = (await server.deps.db.dataSource.query(
      `SELECT seq::text AS seq FROM audit_events WHERE chain_seq IS NULL`,
    )) as { seq: string }[];
    const [head] = (await server.deps.db.dataSource.query(`SELECT seq::text AS seq, hash FROM audit_chain_head`)) as {
      seq: string;
      hash: string;
    }[];
    const next = String(BigInt(head!.seq) + 1n);
    const attempt = (readSeq: string) =>
      server.deps.db.dataSource.query(
        `SELECT audit_seal($1, $2, $3::bigint[], $4::bigint[], $5::char(64)[], $6::char(64)[])`,
        [readSeq, head!.hash, [row!.seq], [next], [head!.hash], ['b'.repeat(64)]],
      );
    await expect(attempt(String(BigInt(head!.seq) - 1n))).rejects.toMatchObject({
      code: '40001',
      message: expect.stringMatching(/audit seal conflict/),
    });
    expect(await unsealed()).toBe(1);
    expect(
      (
        (await server.deps.db.dataSource.query(`SELECT seq::text AS seq FROM audit_chain_head`)) as { seq: string }[]
      )[0]!.seq,
    ).toBe(head!.seq);
    // an event sealed already cannot be sealed again through it either
    await sealAudit(server.deps.db.dataSource);
    await expect(attempt(String(BigInt(head!.seq) + 1n))).rejects.toMatchObject({ code: '40001' });
    expect((await server.deps.db.dataSource.transaction((tx) => verifyChain(tx))).ok).toBe(true);
  });
});

describe('the database refuses changes to audit_events', () => {
  const statements = [
    `UPDATE audit_events SET outcome = 'success' WHERE seq = 2`,
    `DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)`,
    `TRUNCATE audit_events`,
    `DELETE FROM audit_chain_head`,
    `UPDATE audit_chain_head SET seq = 1`,
    // re-sealing a sealed event (rewriting its chain link) is refused like any other change
    `UPDATE audit_events SET hash = repeat('a', 64) WHERE seq = 1`,
    `UPDATE audit_events SET chain_seq = NULL, prev_hash = NULL, hash = NULL WHERE seq = 1`,
  ];
  it.each(statements)('%s', async (sql) => {
    const before = await auditEvents(server);
    await expect(server.deps.db.dataSource.query(sql)).rejects.toThrow(/append-only|may only advance/);
    expect(await auditEvents(server)).toEqual(before);
  });
});

describe('verify', () => {
  const verify = (token = tokens.co) =>
    api<{ ok: boolean; checked: number; firstBroken?: { seq: string; problem: string } }>(
      server,
      'GET',
      '/api/audit/verify',
      { token },
    );
  const tamper = (seq: string, actorId: string) =>
    server.deps.db.dataSource.transaction(async (tx) => {
      await tx.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      await tx.query(`UPDATE audit_events SET actor_id = $2 WHERE seq = $1`, [seq, actorId]);
      await tx.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
    });

  it('says ok for an intact chain (admins may verify too)', async () => {
    const res = await verify();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true });
    expect(res.body.checked).toBe((await auditCount(server)) - 1); // its own audit.verify comes after
    expect((await verify(tokens.admin)).body.ok).toBe(true);
  });

  it('names the row altered directly in SQL (hash_mismatch), and is audited as a failure', async () => {
    const [victim] = await auditEvents(server, `action = 'test_a.one'`);
    await tamper(victim!.seq, 'someone-else');
    const res = await verify(tokens.auditor);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, firstBroken: { seq: victim!.seq, problem: 'hash_mismatch' } });
    const [recorded] = await auditEvents(server, `action = 'audit.verify' AND request_id = $1`, [
      res.headers.get('x-request-id'),
    ]);
    expect(recorded).toMatchObject({ outcome: 'failure', details: { brokenSeq: victim!.seq } });
    // Put the original back: the chain holds again, so it was that one value that broke it.
    await tamper(victim!.seq, victim!.actorId);
    expect((await verify()).body.ok).toBe(true);
  });
});
