// Erasure jobs (one row per subject being erased, with the index of its next step) and the
// deletions the steps make, with the row types.
import { changedRows } from '../../db/results.ts';
import type { Queryable } from './queryable.ts';

export interface ErasureReceipt {
  jobId: string;
  subjectId: string;
  requestId: string | null;
  startedAt: string;
  completedAt: string;
  erased: Record<string, number>;
  keyDestroyed: boolean;
}

export interface JobRow {
  id: string;
  subjectId: string;
  dsrId: string | null;
  step: number;
  status: 'running' | 'done';
  counts: Record<string, number>;
  actor: string;
  startedAt: Date;
  receipt: ErasureReceipt | null;
}
const JOB_COLUMNS = `id, subject_id AS "subjectId", dsr_id AS "dsrId", step, status, counts, actor, started_at AS "startedAt", receipt`;

/** The tables whose rows name the subject (subject_id), in no particular order. */
export type SubjectTable =
  | 'subject_keys'
  | 'attachments'
  | 'messages'
  | 'conversation_vaults'
  | 'conversations'
  | 'consent_records'
  | 'subject_identifiers';

export const erasureStore = {
  /** Deletes every row of `table` that names the subject; answers how many. */
  async deleteSubjectRows(tx: Queryable, table: SubjectTable, subjectId: string): Promise<number> {
    return changedRows(await tx.query(`DELETE FROM ${table} WHERE subject_id = $1`, [subjectId]));
  },

  /** Drops the (encrypted) free text of the subject's requests; the requests stay. */
  async clearRequestDetails(tx: Queryable, subjectId: string): Promise<number> {
    return changedRows(
      await tx.query(
        `UPDATE dsr_requests SET details_ciphertext = NULL WHERE subject_id = $1 AND details_ciphertext IS NOT NULL`,
        [subjectId],
      ),
    );
  },

  async runningJobOf(tx: Queryable, subjectId: string): Promise<string | undefined> {
    const [running] = (await tx.query(`SELECT id FROM erasure_jobs WHERE subject_id = $1 AND status = 'running'`, [
      subjectId,
    ])) as { id: string }[];
    return running?.id;
  },

  async insertJob(
    tx: Queryable,
    job: { id: string; subjectId: string; dsrId: string | null; actor: string; now: Date },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO erasure_jobs (id, subject_id, dsr_id, status, actor, started_at) VALUES ($1, $2, $3, 'running', $4, $5)`,
      [job.id, job.subjectId, job.dsrId, job.actor, job.now],
    );
  },

  async lockJob(tx: Queryable, jobId: string): Promise<JobRow | undefined> {
    const [job] = (await tx.query(`SELECT ${JOB_COLUMNS} FROM erasure_jobs WHERE id = $1 FOR UPDATE`, [
      jobId,
    ])) as JobRow[];
    return job;
  },

  /** Records a step's count and moves the job to the next step. */
  async advance(tx: Queryable, jobId: string, step: string, rows: number): Promise<void> {
    await tx.query(
      `UPDATE erasure_jobs SET step = step + 1, counts = counts || jsonb_build_object($2::text, $3::int) WHERE id = $1`,
      [jobId, step, rows],
    );
  },

  async markSubjectErased(tx: Queryable, subjectId: string, now: Date): Promise<void> {
    await tx.query(`UPDATE data_subjects SET erased_at = COALESCE(erased_at, $2) WHERE id = $1`, [subjectId, now]);
  },

  async finishJob(tx: Queryable, jobId: string, now: Date, receipt: ErasureReceipt): Promise<void> {
    await tx.query(`UPDATE erasure_jobs SET status = 'done', finished_at = $2, receipt = $3 WHERE id = $1`, [
      jobId,
      now,
      JSON.stringify(receipt),
    ]);
  },

  /** Marks the erasure's request done with the receipt (unless it already is). */
  async completeRequest(tx: Queryable, dsrId: string, now: Date, receipt: ErasureReceipt): Promise<void> {
    await tx.query(
      `UPDATE dsr_requests SET state = 'done', completed_at = $2, updated_at = $2, receipt = $3 WHERE id = $1 AND state <> 'done'`,
      [dsrId, now, JSON.stringify(receipt)],
    );
  },

  /** The jobs a crash left running, oldest first. */
  async runningJobs(db: Queryable): Promise<string[]> {
    const jobs = (await db.query(`SELECT id FROM erasure_jobs WHERE status = 'running' ORDER BY started_at`)) as {
      id: string;
    }[];
    return jobs.map((j) => j.id);
  },

  /** undefined: no such job; null: not finished yet. */
  async receipt(tx: Queryable, jobId: string): Promise<ErasureReceipt | null | undefined> {
    const [job] = (await tx.query(`SELECT receipt FROM erasure_jobs WHERE id = $1`, [jobId])) as {
      receipt: ErasureReceipt | null;
    }[];
    return job ? job.receipt : undefined;
  },
};
