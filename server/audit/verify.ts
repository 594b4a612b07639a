import type { EntityManager } from 'typeorm';
import { GENESIS_HASH } from '../db/migrations/1732300000000-Foundation.ts';
import { AUDIT_COLUMNS, type AuditEvent, hashEvent } from './event.ts';

export type ChainProblem = 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch' | 'head_mismatch';

export interface VerifyResult {
  ok: boolean;
  /** sealed events whose content and link were checked */
  checked: number;
  /** events recorded but not sealed yet (the sealer links them within moments) */
  unsealed: number;
  headSeq: string;
  firstBroken?: { seq: string | null; chainSeq: string; id: string | null; problem: ChainProblem };
}

const PAGE = 2000;

/** Walks the whole chain in order and names the first event whose link or content does not hold. */
export async function verifyChain(db: EntityManager): Promise<VerifyResult> {
  const [head] = (await db.query(`SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1`)) as { seq: string; hash: string }[];
  if (!head) throw new Error('audit chain head is missing: run migrations');
  const [{ n: unsealed } = { n: 0 }] = (await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE chain_seq IS NULL`)) as { n: number }[];
  let expected = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  const fail = (problem: ChainProblem, row?: AuditEvent): VerifyResult => ({
    ok: false,
    checked,
    unsealed,
    headSeq: head.seq,
    firstBroken: { seq: row?.seq ?? null, chainSeq: expected.toString(), id: row?.id ?? null, problem },
  });
  for (;;) {
    // Bounded by the head read above: events the sealer links while we walk are left for next time.
    const rows = (await db.query(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE chain_seq >= $1 AND chain_seq <= $2 ORDER BY audit_events.chain_seq LIMIT ${PAGE}`, [expected.toString(), head.seq])) as AuditEvent[];
    for (const row of rows) {
      if (BigInt(row.chainSeq!) !== expected) return fail('sequence_gap');
      if (row.prevHash !== prevHash) return fail('prev_hash_mismatch', row);
      const { hash, ...rest } = row;
      if (hashEvent({ ...rest, chainSeq: row.chainSeq!, prevHash }) !== hash) return fail('hash_mismatch', row);
      prevHash = hash;
      expected += 1n;
      checked += 1;
    }
    if (rows.length < PAGE) break;
  }
  // Events cut off the end would otherwise leave a shorter chain that still links up.
  if (head.seq !== (expected - 1n).toString() || head.hash !== prevHash) return fail('head_mismatch');
  return { ok: true, checked, unsealed, headSeq: head.seq };
}
