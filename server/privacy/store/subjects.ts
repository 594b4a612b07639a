// Data subjects and their identifiers (stored only as keyed digests), with the row types.
import { changedRows } from '../../db/results.ts';
import type { Queryable } from './queryable.ts';

export interface DataSubject {
  id: string;
  createdAt: Date;
  erasedAt: Date | null;
}

export const subjectStore = {
  async find(tx: Queryable, subjectId: string): Promise<DataSubject | undefined> {
    const [row] = (await tx.query(
      `SELECT id, created_at AS "createdAt", erased_at AS "erasedAt" FROM data_subjects WHERE id = $1`,
      [subjectId],
    )) as DataSubject[];
    return row;
  },

  async insert(tx: Queryable, id: string, now: Date): Promise<void> {
    await tx.query(`INSERT INTO data_subjects (id, created_at) VALUES ($1, $2)`, [id, now]);
  },

  /** Adds the digest unless it is already on file (for anyone); answers whether it was added. */
  async addIdentifier(
    tx: Queryable,
    row: { kind: string; digest: Buffer; subjectId: string; now: Date },
  ): Promise<boolean> {
    const inserted = (await tx.query(
      `INSERT INTO subject_identifiers (kind, digest, subject_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, digest) DO NOTHING RETURNING subject_id`,
      [row.kind, row.digest, row.subjectId, row.now],
    )) as unknown[];
    return inserted.length > 0;
  },

  async identifierOwner(tx: Queryable, kind: string, digest: Buffer): Promise<string | undefined> {
    const [owner] = (await tx.query(
      `SELECT subject_id AS "subjectId" FROM subject_identifiers WHERE kind = $1 AND digest = $2`,
      [kind, digest],
    )) as { subjectId: string }[];
    return owner?.subjectId;
  },

  /** Answers whether the subject had that identifier. */
  async removeIdentifier(tx: Queryable, kind: string, digest: Buffer, subjectId: string): Promise<boolean> {
    return (
      changedRows(
        await tx.query(`DELETE FROM subject_identifiers WHERE kind = $1 AND digest = $2 AND subject_id = $3`, [
          kind,
          digest,
          subjectId,
        ]),
      ) > 0
    );
  },

  async byIdentifier(tx: Queryable, kind: string, digest: Buffer): Promise<DataSubject | undefined> {
    const [row] = (await tx.query(
      `SELECT s.id, s.created_at AS "createdAt", s.erased_at AS "erasedAt" FROM subject_identifiers i JOIN data_subjects s ON s.id = i.subject_id WHERE i.kind = $1 AND i.digest = $2`,
      [kind, digest],
    )) as DataSubject[];
    return row;
  },
};
