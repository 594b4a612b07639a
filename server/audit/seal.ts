import type { DataSource } from 'typeorm';
import { hashEvent } from './event.ts';
import { auditStore } from './store.ts';

const BATCH = 2000;
/** Passes that found another sealer at work before a waiting caller gives up (each one sealed events). */
const MAX_CONFLICTS = 100;

const isConflict = (error: unknown) =>
  (error as { code?: string }).code === '40001' && /audit seal conflict/.test((error as Error).message);

/**
 * Links committed, unsealed events into the hash chain in recorded order, in batches. Each batch is
 * two statements and holds nothing between them (see migration AuditSealFunctions): read the head
 * and the oldest unsealed events, hash them here, then link them and move the head, which the
 * database does only if no other sealer moved it meanwhile. When one did, its events are chained
 * and this pass reads again. By default it goes on until it finds nothing unsealed, so on return
 * every event committed before the call is sealed; the background sealer passes skipIfBusy and
 * stops at the first conflict instead. Returns how many events it sealed.
 */
export async function sealAudit(
  dataSource: DataSource,
  opts: { maxEvents?: number; skipIfBusy?: boolean } = {},
): Promise<number> {
  const max = opts.maxEvents ?? Number.POSITIVE_INFINITY;
  let sealed = 0;
  let conflicts = 0;
  while (sealed < max) {
    const limit = Math.min(BATCH, max - sealed);
    const events = await auditStore.unsealed(dataSource, limit);
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
      await auditStore.seal(
        dataSource,
        { seq: head.headSeq, hash: head.headHash },
        { seqs, chainSeqs, prevHashes, hashes },
      );
    } catch (error) {
      if (!isConflict(error)) throw error;
      // Another sealer linked some of these first: read again (or leave it to that one).
      conflicts += 1;
      if (opts.skipIfBusy) break;
      if (conflicts > MAX_CONFLICTS)
        throw new Error(`audit sealing lost ${conflicts} races in a row`, { cause: error });
      continue;
    }
    sealed += events.length;
    if (events.length < limit) break; // a short batch: nothing more was committed when it was read
  }
  return sealed;
}
