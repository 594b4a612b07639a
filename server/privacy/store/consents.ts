// Consent decisions, one row per decision per purpose, with the row type.
import type { Queryable } from './queryable.ts';

export interface ConsentRecord {
  id: string;
  subjectId: string;
  purpose: string;
  granted: boolean;
  textVersion: string;
  textHash: string;
  language: string;
  recordedAt: Date;
}

export const consentStore = {
  async insert(tx: Queryable, c: ConsentRecord): Promise<void> {
    await tx.query(
      `INSERT INTO consent_records (id, subject_id, purpose, granted, text_version, text_hash, language, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [c.id, c.subjectId, c.purpose, c.granted, c.textVersion, c.textHash, c.language, c.recordedAt],
    );
  },

  /** Every decision of the subject, oldest first. */
  async list(tx: Queryable, subjectId: string): Promise<ConsentRecord[]> {
    return (await tx.query(
      `SELECT id, subject_id AS "subjectId", purpose, granted, text_version AS "textVersion", text_hash AS "textHash", language, recorded_at AS "recordedAt"
       FROM consent_records WHERE subject_id = $1 ORDER BY recorded_at, id`,
      [subjectId],
    )) as ConsentRecord[];
  },
};
