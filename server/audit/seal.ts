import type { DataSource } from 'typeorm';
import { preparedQuery } from '../db/prepared.ts';
import { AUDIT_COLUMNS, type AuditEvent, hashEvent } from './event.ts';

const BATCH = 2000;
/** Passes that found another sealer at work before a waiting caller gives up (each one sealed events). */
const MAX_CONFLICTS = 100;

const isConflict = (error: unknown) => (error as { code?: string }).code === '40001' && /audit seal conflict/.test((error as Error).message);

/**
 * Links committed, unsealed events into the hash chain in recorded order, in batches. Each batch is
 * two statements and holds nothing between them (see migration AuditSealFunctions): read the head
 * and the oldest unsealed events, hash them here, then link them and move the head, which the
 * database does only if no other sealer moved it meanwhile. When one did, its events are chained
 * and this pass reads again. By default it goes on until it finds nothing unsealed, so on return
 * every event committed before the call is sealed; the background sealer passes skipIfBusy and
 * stops at the first conflict instead. Returns how many events it sealed.
 */
export async function sealAudit(dataSource: DataSource, opts: { maxEvents?: number; skipIfBusy?: boolean } = {}): Promise<number> {
  const max = opts.maxEvents ?? Number.POSITIVE_INFINITY;
  let sealed = 0;
  let conflicts = 0;
  while (sealed < max) {
    const limit = Math.min(BATCH, max - sealed);
    // Named statements (see prepared.ts): a pass runs every AUDIT_SEAL_INTERVAL_MS, and on PGlite
    // parsing and planning them in the appliance's thread cost more than running them.
    const events = await preparedQuery<(AuditEvent & { headSeq: string; headHash: string })[]>(
      dataSource,
      `SELECT (SELECT seq::text FROM audit_chain_head WHERE id = 1) AS "headSeq", (SELECT hash FROM audit_chain_head WHERE id = 1) AS "headHash",
              ${AUDIT_COLUMNS} FROM audit_unsealed($1) AS unsealed ORDER BY unsealed.seq`,
      [limit],
    );
    const head = events[0];
    if (!head) break;
    let chainSeq = BigInt(head.headSeq);
    let prevHash = head.headHash;
    const seqs: string[] = [];
    const chainSeqs: string[] = [];
    const prevHashes: string[] = [];
    const hashes: string[] = [];
    for (const { headSeq: _s, headHash: _h, ...row } of events) {
      chainSeq += 1n;
      const hash = hashEvent({ ...row, chainSeq: chainSeq.toString(), prevHash });
      seqs.push(row.seq);
      chainSeqs.push(chainSeq.toString());
      prevHashes.push(prevHash);
      hashes.push(hash);
      prevHash = hash;
    }
    try {
      await preparedQuery(dataSource, `SELECT audit_seal($1, $2, $3::bigint[], $4::bigint[], $5::char(64)[], $6::char(64)[]) AS n`, [head.headSeq, head.headHash, seqs, chainSeqs, prevHashes, hashes]);
    } catch (error) {
      if (!isConflict(error)) throw error;
      // Another sealer linked some of these first: read again (or leave it to that one).
      conflicts += 1;
      if (opts.skipIfBusy) break;
      if (conflicts > MAX_CONFLICTS) throw new Error(`audit sealing lost ${conflicts} races in a row`, { cause: error });
      continue;
    }
    sealed += events.length;
    if (events.length < limit) break; // a short batch: nothing more was committed when it was read
  }
  return sealed;
}
