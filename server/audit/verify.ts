import type { EntityManager } from 'typeorm';
import { GENESIS_HASH } from '../db/migrations/1732300000000-Foundation.ts';
import { AUDIT_COLUMNS, type AuditEvent, hashEvent } from './event.ts';

export type ChainProblem = 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch' | 'head_mismatch';

export interface VerifyResult {
  ok: boolean;
  checked: number;
  headSeq: string;
  firstBroken?: { seq: string; id: string | null; problem: ChainProblem };
}

const PAGE = 2000;

/** Walks the whole chain in order and names the first row whose link or content does not hold. */
export async function verifyChain(db: EntityManager): Promise<VerifyResult> {
  const [head] = (await db.query(`SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1`)) as { seq: string; hash: string }[];
  if (!head) throw new Error('audit chain head is missing: run migrations');
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = (await db.query(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE seq >= $1 ORDER BY audit_events.seq LIMIT ${PAGE}`, [expectedSeq.toString()])) as AuditEvent[];
    for (const row of rows) {
      const broken = (problem: ChainProblem): VerifyResult => ({ ok: false, checked, headSeq: head.seq, firstBroken: { seq: row.seq, id: row.id, problem } });
      if (BigInt(row.seq) !== expectedSeq) return { ok: false, checked, headSeq: head.seq, firstBroken: { seq: expectedSeq.toString(), id: null, problem: 'sequence_gap' } };
      if (row.prevHash !== prevHash) return broken('prev_hash_mismatch');
      const { hash, ...rest } = row;
      if (hashEvent(rest) !== hash) return broken('hash_mismatch');
      prevHash = hash;
      expectedSeq += 1n;
      checked += 1;
    }
    if (rows.length < PAGE) break;
  }
  // Rows cut off the end would otherwise leave a shorter chain that still links up.
  if (head.seq !== (expectedSeq - 1n).toString() || head.hash !== prevHash) {
    return { ok: false, checked, headSeq: head.seq, firstBroken: { seq: expectedSeq.toString(), id: null, problem: 'head_mismatch' } };
  }
  return { ok: true, checked, headSeq: head.seq };
}
