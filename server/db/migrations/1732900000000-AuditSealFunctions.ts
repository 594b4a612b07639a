import type { MigrationInterface, QueryRunner } from 'typeorm';

// Sealing in two statements instead of a transaction of six. The sealer read the head under a row
// lock, read the unsealed events, hashed them in the appliance and wrote them back, all in one
// transaction: on PGlite's one connection every round trip of it (each an event-loop turn of the
// appliance, several milliseconds under load) was time no other statement could run, and the
// model gateway's audit records, which end each answer, waited behind it. Now:
// - audit_unsealed(n): the oldest n unsealed events, read with the head in one statement; the
//   planner setting that keeps the scan an ordered index scan is set inside it, for it alone;
// - audit_seal(...): links the hashed events and moves the head in one statement, only if the head
//   is still where it was read and every event is still unsealed (another sealer got there first:
//   40001 'audit seal conflict', and nothing changes). The append-only triggers still check each row.
export class AuditSealFunctions1732900000000 implements MigrationInterface {
  name = 'AuditSealFunctions1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_unsealed(max_rows integer) RETURNS SETOF audit_events LANGUAGE plpgsql AS $$
      BEGIN
        -- Every sealed event leaves a dead entry in the partial index of unsealed ones until
        -- vacuum; a bitmap scan visits the heap for each of them, an ordered index scan marks them
        -- dead as it goes. Local to the calling statement's transaction.
        PERFORM set_config('enable_bitmapscan', 'off', true);
        RETURN QUERY SELECT * FROM audit_events WHERE chain_seq IS NULL ORDER BY seq LIMIT max_rows;
      END $$`);
    await q.query(`
      CREATE FUNCTION audit_seal(read_seq bigint, read_hash char(64), seqs bigint[], chain_seqs bigint[], prev_hashes char(64)[], hashes char(64)[])
      RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        linked integer;
        n integer := cardinality(seqs);
      BEGIN
        IF n = 0 OR n <> cardinality(chain_seqs) OR n <> cardinality(prev_hashes) OR n <> cardinality(hashes) THEN
          RAISE EXCEPTION 'audit_seal: arrays of one non-zero length expected' USING ERRCODE = 'invalid_parameter_value';
        END IF;
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
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_seal(bigint, char(64), bigint[], bigint[], char(64)[], char(64)[])`);
    await q.query(`DROP FUNCTION audit_unsealed(integer)`);
  }
}
