// Wrapped keys: per-subject data keys (subject_keys) and the appliance's own (system_keys), and the
// batches master-key rotation rewraps. Rows only: wrapping and unwrapping happen in the services.
import type { Queryable } from './queryable.ts';

export interface WrappedKeyRow {
  wrapped: Buffer;
  masterKeyId: string;
}

/** The two tables of wrapped keys and their key column. */
export type KeyTable = { table: 'subject_keys'; id: 'subject_id' } | { table: 'system_keys'; id: 'purpose' };

export const wrappedKeyStore = {
  async insertSubjectKey(
    tx: Queryable,
    row: { subjectId: string; wrapped: Buffer; masterKeyId: string; now: Date },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO subject_keys (subject_id, wrapped_key, master_key_id, created_at) VALUES ($1, $2, $3, $4)`,
      [row.subjectId, row.wrapped, row.masterKeyId, row.now],
    );
  },

  async subjectKey(tx: Queryable, subjectId: string): Promise<WrappedKeyRow | undefined> {
    const [row] = (await tx.query(
      `SELECT wrapped_key AS wrapped, master_key_id AS "masterKeyId" FROM subject_keys WHERE subject_id = $1`,
      [subjectId],
    )) as WrappedKeyRow[];
    return row;
  },

  async systemKey(tx: Queryable, purpose: string): Promise<WrappedKeyRow | undefined> {
    return (
      (await tx.query(
        `SELECT wrapped_key AS wrapped, master_key_id AS "masterKeyId" FROM system_keys WHERE purpose = $1`,
        [purpose],
      )) as WrappedKeyRow[]
    )[0];
  },

  /** Inserts unless another writer was first (then theirs stands). */
  async insertSystemKey(
    tx: Queryable,
    row: { purpose: string; wrapped: Buffer; masterKeyId: string; now: Date },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO system_keys (purpose, wrapped_key, master_key_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (purpose) DO NOTHING`,
      [row.purpose, row.wrapped, row.masterKeyId, row.now],
    );
  },

  /** Up to `batch` rows wrapped by `masterKeyId`, locked (rows another node holds are skipped). */
  async wrappedBy(
    tx: Queryable,
    t: KeyTable,
    masterKeyId: string,
    batch: number,
  ): Promise<{ id: string; wrapped: Buffer }[]> {
    return (await tx.query(
      `SELECT ${t.id} AS id, wrapped_key AS wrapped FROM ${t.table} WHERE master_key_id = $1 ORDER BY ${t.id} LIMIT ${batch} FOR UPDATE SKIP LOCKED`,
      [masterKeyId],
    )) as { id: string; wrapped: Buffer }[];
  },

  async rewrap(
    tx: Queryable,
    t: KeyTable,
    row: { id: string; wrapped: Buffer; masterKeyId: string; now: Date },
  ): Promise<void> {
    await tx.query(`UPDATE ${t.table} SET wrapped_key = $2, master_key_id = $3, rewrapped_at = $4 WHERE ${t.id} = $1`, [
      row.id,
      row.wrapped,
      row.masterKeyId,
      row.now,
    ]);
  },

  /** Rows wrapped by neither of the two master keys. */
  async wrappedByNeither(tx: Queryable, t: KeyTable, a: string, b: string): Promise<number> {
    const [row] = (await tx.query(`SELECT count(*)::int AS n FROM ${t.table} WHERE master_key_id NOT IN ($1, $2)`, [
      a,
      b,
    ])) as { n: number }[];
    return row?.n ?? 0;
  },
};
