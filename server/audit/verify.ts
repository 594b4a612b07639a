import type { EntityManager } from 'typeorm';
import { GENESIS_HASH } from '../db/migrations/1732300000000-Foundation.ts';
import { AUDIT_COLUMNS, type AuditEvent, hashEvent } from './event.ts';

export type ChainProblem = 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch' | 'head_mismatch';

/** Where verification started: the newest retention checkpoint (events at or below it were removed by policy). */
export interface ChainCheckpoint {
  chainSeq: string;
  hash: string;
  createdAt: Date;
  eventsRemoved: string;
}

export interface VerifyResult {
  ok: boolean;
  /** sealed events whose content and link were checked */
  checked: number;
  /** events recorded but not sealed yet (the sealer links them within moments) */
  unsealed: number;
  headSeq: string;
  /** null: the walk started at genesis */
  checkpoint: ChainCheckpoint | null;
  firstBroken?: { seq: string | null; chainSeq: string; id: string | null; problem: ChainProblem };
}

const PAGE = 2000;
/** A retention run may add a checkpoint and remove events while we walk; then the walk starts again from it. */
const MAX_RESTARTS = 3;

interface Start {
  head: { seq: string; hash: string };
  checkpoint: ChainCheckpoint | null;
}

/** The head and the newest checkpoint, read together (one snapshot: the checkpoint is never past the head). */
async function readStart(db: EntityManager): Promise<Start> {
  const [row] = (await db.query(
    `SELECT h.seq::text AS seq, h.hash, c.chain_seq::text AS "cpSeq", c.hash AS "cpHash", c.created_at AS "cpAt", c.events_removed::text AS "cpRemoved"
       FROM audit_chain_head h
       LEFT JOIN LATERAL (SELECT * FROM audit_checkpoints ORDER BY chain_seq DESC LIMIT 1) c ON true
      WHERE h.id = 1`,
  )) as { seq: string; hash: string; cpSeq: string | null; cpHash: string | null; cpAt: Date | null; cpRemoved: string | null }[];
  if (!row) throw new Error('audit chain head is missing: run migrations');
  const checkpoint = row.cpSeq !== null && row.cpHash !== null && row.cpAt !== null && row.cpRemoved !== null ? { chainSeq: row.cpSeq, hash: row.cpHash, createdAt: row.cpAt, eventsRemoved: row.cpRemoved } : null;
  return { head: { seq: row.seq, hash: row.hash }, checkpoint };
}

/**
 * Walks the chain in order, from genesis or from the newest retention checkpoint (the position and
 * hash of the last event removed by policy), and names the first event whose link or content does not hold.
 */
export async function verifyChain(db: EntityManager): Promise<VerifyResult> {
  const [{ n: unsealed } = { n: 0 }] = (await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE chain_seq IS NULL`)) as { n: number }[];
  for (let attempt = 0; ; attempt += 1) {
    const { head, checkpoint } = await readStart(db);
    const result = await walk(db, head, unsealed, checkpoint);
    if (result.ok || result.firstBroken?.problem !== 'sequence_gap' || attempt >= MAX_RESTARTS) return result;
    // A gap is real unless retention moved the checkpoint past it while we walked.
    const again = (await readStart(db)).checkpoint;
    if (!again || BigInt(again.chainSeq) < BigInt(result.firstBroken.chainSeq)) return result;
  }
}

async function walk(db: EntityManager, head: { seq: string; hash: string }, unsealed: number, checkpoint: ChainCheckpoint | null): Promise<VerifyResult> {
  let expected = checkpoint ? BigInt(checkpoint.chainSeq) + 1n : 1n;
  let prevHash = checkpoint ? checkpoint.hash : GENESIS_HASH;
  let checked = 0;
  const fail = (problem: ChainProblem, row?: AuditEvent): VerifyResult => ({
    ok: false,
    checked,
    unsealed,
    headSeq: head.seq,
    checkpoint,
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
  return { ok: true, checked, unsealed, headSeq: head.seq, checkpoint };
}
