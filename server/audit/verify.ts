import type { EntityManager } from 'typeorm';
import { GENESIS_HASH } from '../db/migrations/1732300000000-Foundation.ts';
import { type AuditEvent, hashEvent } from './event.ts';
import { auditStore } from './store.ts';
import { newestCheckpoint, type WitnessCheckpoint, type WitnessKey } from './witness.ts';

export type ChainProblem =
  | 'sequence_gap'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'head_mismatch'
  /** the chain ends before a position a signed checkpoint saw it reach: its tail was cut off */
  | 'checkpoint_ahead_of_chain'
  /** another event stands where a signed checkpoint saw this hash */
  | 'checkpoint_hash_mismatch'
  /** the newest checkpoint under this node's key does not carry a valid signature */
  | 'checkpoint_signature_invalid';

/** The checkpoint file a verification holds the chain to (see witness.ts). */
export interface Witness {
  file: string;
  key: WitnessKey;
}

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
  /** the newest signed checkpoint the chain was held to; null: none could be read; absent: no witness asked */
  witnessed?: Omit<WitnessCheckpoint, 'sig' | 'v'> | null;
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
  const row = await auditStore.chainStart(db);
  if (!row) throw new Error('audit chain head is missing: run migrations');
  const checkpoint =
    row.cpSeq !== null && row.cpHash !== null && row.cpAt !== null && row.cpRemoved !== null
      ? { chainSeq: row.cpSeq, hash: row.cpHash, createdAt: row.cpAt, eventsRemoved: row.cpRemoved }
      : null;
  return { head: { seq: row.seq, hash: row.hash }, checkpoint };
}

/**
 * Walks the chain in order, from genesis or from the newest retention checkpoint (the position and
 * hash of the last event removed by policy), and names the first event whose link or content does not hold.
 */
export async function verifyChain(db: EntityManager, witness?: Witness): Promise<VerifyResult> {
  // Read before the head: a checkpoint is written only once the head has reached it, so the one read
  // here is never past the head read below unless the chain lost events.
  const signed = witness ? newestCheckpoint(witness.file, witness.key) : undefined;
  const unsealed = await auditStore.unsealedCount(db);
  for (let attempt = 0; ; attempt += 1) {
    const { head, checkpoint } = await readStart(db);
    const walked = await walk(db, head, unsealed, checkpoint);
    const result = signed === undefined ? walked : await holdToCheckpoint(db, walked, signed);
    if (result.ok || result.firstBroken?.problem !== 'sequence_gap' || attempt >= MAX_RESTARTS) return result;
    // A gap is real unless retention moved the checkpoint past it while we walked.
    const again = (await readStart(db)).checkpoint;
    if (!again || BigInt(again.chainSeq) < BigInt(result.firstBroken.chainSeq)) return result;
  }
}

async function walk(
  db: EntityManager,
  head: { seq: string; hash: string },
  unsealed: number,
  checkpoint: ChainCheckpoint | null,
): Promise<VerifyResult> {
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
    const rows = await auditStore.sealedRange(db, expected.toString(), head.seq, PAGE);
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

/**
 * The walked chain against the newest signed checkpoint: a chain that links up but ends before it,
 * or holds another event at its position, was cut and regrown. A position at or below the retention
 * checkpoint was removed by policy: there only the length can be checked (or the retention
 * checkpoint's own hash, at its position).
 */
async function holdToCheckpoint(
  db: EntityManager,
  result: VerifyResult,
  signed: ReturnType<typeof newestCheckpoint>,
): Promise<VerifyResult> {
  if (!signed) return { ...result, witnessed: null };
  const { sig: _sig, v: _v, ...witnessed } = signed.checkpoint;
  const held = { ...result, witnessed };
  if (!result.ok) return held; // the walk's first break comes first
  const position = BigInt(witnessed.chainSeq);
  const broken = (problem: ChainProblem, row?: { seq: string; id: string }): VerifyResult => ({
    ...held,
    ok: false,
    firstBroken: { seq: row?.seq ?? null, chainSeq: witnessed.chainSeq, id: row?.id ?? null, problem },
  });
  if (!signed.valid) return broken('checkpoint_signature_invalid');
  if (position > BigInt(result.headSeq)) return broken('checkpoint_ahead_of_chain');
  if (position === 0n) return witnessed.hash === GENESIS_HASH ? held : broken('checkpoint_hash_mismatch');
  const retained = result.checkpoint;
  if (retained && position < BigInt(retained.chainSeq)) return held;
  if (retained && position === BigInt(retained.chainSeq))
    return retained.hash === witnessed.hash ? held : broken('checkpoint_hash_mismatch');
  const row = await auditStore.eventAt(db, witnessed.chainSeq);
  return row?.hash === witnessed.hash ? held : broken('checkpoint_hash_mismatch', row);
}
