import type { DataSource } from 'typeorm';
import { preparedQuery } from '../db/prepared.ts';
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
    const limit = Math.min(BATCH, max - sealed);
    const n = await dataSource.transaction(async (tx) => {
      // Every sealed event leaves a dead entry in the partial index of unsealed ones until vacuum.
      // A bitmap scan visits the heap for each of them (tens of thousands under load, ~10 ms a
      // pass); an ordered index scan marks them dead as it goes, so later passes skip them. The
      // setting (SET LOCAL, as set_config(…, true)) rides on the head's statement: on PGlite's one
      // connection every round trip of this transaction is time no other statement can run.
      // Named statements (see prepared.ts): a pass runs every AUDIT_SEAL_INTERVAL_MS, and on PGlite
      // parsing and planning these in the appliance's thread cost more than running them.
      const [head] = await preparedQuery<{ seq: string; hash: string }[]>(
        tx,
        `SELECT seq::text AS seq, hash, set_config('enable_bitmapscan', 'off', true) AS bitmap FROM audit_chain_head WHERE id = 1 ${lock}`,
        [],
      );
      if (!head) return 0; // skipIfBusy: another sealer is at work
      const rows = await preparedQuery<AuditEvent[]>(tx, `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE chain_seq IS NULL ORDER BY audit_events.seq LIMIT ${limit}`, []);
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
      // Two statements: the head's trigger checks the event it advances to is sealed, which a
      // statement cannot see of another in the same WITH (they share one snapshot).
      await tx.query(
        `UPDATE audit_events e SET chain_seq = v.chain_seq, prev_hash = v.prev_hash, hash = v.hash
           FROM (VALUES ${tuples.join(', ')}) AS v(seq, chain_seq, prev_hash, hash) WHERE e.seq = v.seq`,
        values,
      );
      await preparedQuery(tx, `UPDATE audit_chain_head SET seq = $1, hash = $2 WHERE id = 1`, [chainSeq.toString(), prevHash]);
      return rows.length;
    });
    sealed += n;
    if (n < limit) break; // a short batch: nothing more was committed when it was read
  }
  return sealed;
}
