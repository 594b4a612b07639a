import type { MigrationInterface, QueryRunner } from 'typeorm';

// Two sealers that read the same head can hold different sets of unsealed events: an event with a
// lower seq may commit between their reads. Each then numbers its own set from the same head, and
// the second one's UPDATE can hit a chain position the first just gave to another event (a unique
// violation on chain_seq, not the 'audit seal conflict' the caller retries on). audit_seal now locks
// the head row first and compares it with what the caller read: a second sealer waits for the first
// to commit, sees the head moved, and reports the conflict before it writes anything. The lock is
// held for this one statement only, so nothing waits across round trips.
const SEAL = (lockHead: boolean) => `
  CREATE OR REPLACE FUNCTION audit_seal(read_seq bigint, read_hash char(64), seqs bigint[], chain_seqs bigint[], prev_hashes char(64)[], hashes char(64)[])
  RETURNS integer LANGUAGE plpgsql AS $$
  DECLARE
    linked integer;
    n integer := cardinality(seqs);
  BEGIN
    IF n = 0 OR n <> cardinality(chain_seqs) OR n <> cardinality(prev_hashes) OR n <> cardinality(hashes) THEN
      RAISE EXCEPTION 'audit_seal: arrays of one non-zero length expected' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    ${
      lockHead
        ? `PERFORM 1 FROM audit_chain_head WHERE id = 1 AND seq = read_seq AND hash = read_hash FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'audit seal conflict' USING ERRCODE = 'serialization_failure';
    END IF;`
        : ''
    }
    UPDATE audit_events e SET chain_seq = v.chain_seq, prev_hash = v.prev_hash, hash = v.hash
      FROM unnest(seqs, chain_seqs, prev_hashes, hashes) AS v(seq, chain_seq, prev_hash, hash)
     WHERE e.seq = v.seq AND e.chain_seq IS NULL;
    GET DIAGNOSTICS linked = ROW_COUNT;
    IF linked <> n THEN
      RAISE EXCEPTION 'audit seal conflict' USING ERRCODE = 'serialization_failure';
    END IF;
    -- a separate statement: the head's trigger sees the events just linked
    UPDATE audit_chain_head SET seq = chain_seqs[n], hash = hashes[n] WHERE id = 1 AND seq = read_seq AND hash = read_hash;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'audit seal conflict' USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN n;
  END $$`;

export class AuditSealLock1733170000000 implements MigrationInterface {
  name = 'AuditSealLock1733170000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(SEAL(true));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(SEAL(false));
  }
}
