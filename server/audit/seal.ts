import type { DataSource } from 'typeorm';
import { AUDIT_COLUMNS, type AuditEvent, hashEvent } from './event.ts';

const BATCH = 2000;

/**
 * Links committed, unsealed events into the hash chain in recorded order, in batches. One sealer at
 * a time across all nodes: the head row's lock. By default it waits for a busy sealer, so on return
 * every event committed before the call is sealed; the background sealer passes skipIfBusy instead.
 * Returns how many events it sealed.
 */
export async function sealAudit(dataSource: DataSource, opts: { maxEvents?: number; skipIfBusy?: boolean } = {}): Promise<number> {
  const lock = opts.skipIfBusy ? 'FOR UPDATE SKIP LOCKED' : 'FOR UPDATE';
  const max = opts.maxEvents ?? Number.POSITIVE_INFINITY;
  let sealed = 0;
  while (sealed < max) {
    const n = await dataSource.transaction(async (tx) => {
      const [head] = (await tx.query(`SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1 ${lock}`)) as { seq: string; hash: string }[];
      if (!head) return 0; // skipIfBusy: another sealer is at work
      const rows = (await tx.query(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE chain_seq IS NULL ORDER BY audit_events.seq LIMIT ${Math.min(BATCH, max - sealed)}`)) as AuditEvent[];
      if (rows.length === 0) return 0;
      let chainSeq = BigInt(head.seq);
      let prevHash = head.hash;
      const values: unknown[] = [];
      const tuples: string[] = [];
      for (const row of rows) {
        chainSeq += 1n;
        const linked = { ...row, chainSeq: chainSeq.toString(), prevHash };
        const hash = hashEvent(linked);
        const base = values.length;
        values.push(row.seq, linked.chainSeq, prevHash, hash);
        tuples.push(`($${base + 1}::bigint, $${base + 2}::bigint, $${base + 3}::char(64), $${base + 4}::char(64))`);
        prevHash = hash;
      }
      await tx.query(
        `UPDATE audit_events e SET chain_seq = v.chain_seq, prev_hash = v.prev_hash, hash = v.hash
           FROM (VALUES ${tuples.join(', ')}) AS v(seq, chain_seq, prev_hash, hash) WHERE e.seq = v.seq`,
        values,
      );
      await tx.query(`UPDATE audit_chain_head SET seq = $1, hash = $2 WHERE id = 1`, [chainSeq.toString(), prevHash]);
      return rows.length;
    });
    if (n === 0) break;
    sealed += n;
  }
  return sealed;
}
