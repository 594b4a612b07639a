// The retention job's SQL: what has expired per category ($1 now, $2 the retention classes'
// durations as JSON, $3 the default in ms), the run rows, the lock that keeps runs to one node at a
// time, and the audit log's checkpointed prefix; with the row types. Nothing a legal hold covers
// counts as expired.
import { changedRows } from '../../db/results.ts';
import { holdCovers } from './holds.ts';
import type { Queryable } from './queryable.ts';

const RETENTION_LOCK = 727173;

/** What a run reports on: the deletable categories, the two knowledge-base tables (policy: kb_feedback), the audit log. */
export const RETENTION_COUNTS = [
  'messages',
  'attachments',
  'vault_mappings',
  'conversations',
  'consent_records',
  'kb_feedback',
  'kb_unanswered',
  'audit_log',
] as const;
export type RetentionCount = (typeof RETENTION_COUNTS)[number];
/** A category deleted row by row from its table (the audit log goes by checkpoint instead). */
export type TableStep = Exclude<RetentionCount, 'audit_log'>;
/** The expiry query's parameters: now, the classes' durations (JSON), the default duration in ms. */
export type ExpiryParams = [now: Date, byClass: string, defaultMs: number];

/** Per category: the table, its key, and the rows that have expired ($1 now, $2 class durations, $3 default ms). */
const cutoff = (column: string) =>
  `${column} < $1::timestamptz - make_interval(secs => COALESCE((($2::jsonb) ->> c.retention_class)::bigint, $3::bigint) / 1000.0)`;
const notHeld = `NOT ${holdCovers({ subject: 'c.subject_id', conversation: 'c.id' }, '$1')}`;
// Knowledge-base rows name no subject or conversation, so no legal hold can cover them.
const flatCutoff = (column: string) =>
  `${column} < $1::timestamptz - make_interval(secs => $3::bigint / 1000.0) AND $2::jsonb IS NOT NULL`;
const EXPIRED: Record<TableStep, { table: string; key: string; select: string }> = {
  attachments: {
    table: 'attachments',
    key: 'id',
    select: `SELECT a.id FROM attachments a JOIN conversations c ON c.id = a.conversation_id WHERE ${cutoff('a.created_at')} AND ${notHeld}`,
  },
  // A message stays while an attachment still points at it.
  messages: {
    table: 'messages',
    key: 'id',
    select: `SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE ${cutoff('m.created_at')} AND ${notHeld} AND NOT EXISTS (SELECT 1 FROM attachments x WHERE x.message_id = m.id)`,
  },
  vault_mappings: {
    table: 'conversation_vaults',
    key: 'conversation_id',
    select: `SELECT v.conversation_id FROM conversation_vaults v JOIN conversations c ON c.id = v.conversation_id WHERE ${cutoff('v.updated_at')} AND ${notHeld}`,
  },
  consent_records: {
    table: 'consent_records',
    key: 'id',
    select: `SELECT r.id FROM consent_records r WHERE r.recorded_at < $1::timestamptz - make_interval(secs => $3::bigint / 1000.0) AND $2::jsonb IS NOT NULL AND NOT ${holdCovers({ subject: 'r.subject_id' }, '$1')}`,
  },
  // A closed conversation goes once nothing is left in it.
  conversations: {
    table: 'conversations',
    key: 'id',
    select: `SELECT c.id FROM conversations c WHERE c.closed_at IS NOT NULL AND ${cutoff('c.closed_at')} AND ${notHeld}
      AND NOT EXISTS (SELECT 1 FROM messages x WHERE x.conversation_id = c.id) AND NOT EXISTS (SELECT 1 FROM attachments x WHERE x.conversation_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM conversation_vaults x WHERE x.conversation_id = c.id)`,
  },
  kb_feedback: {
    table: 'kb_feedback',
    key: 'id',
    select: `SELECT f.id FROM kb_feedback f WHERE ${flatCutoff('f.created_at')}`,
  },
  // The sample question is kept from the first time it was asked: counted from then, however often it recurs.
  kb_unanswered: {
    table: 'kb_unanswered',
    key: 'id',
    select: `SELECT u.id FROM kb_unanswered u WHERE ${flatCutoff('u.first_seen')}`,
  },
};

export interface RetentionRunRow {
  id: string;
  startedAt: Date;
  finishedAt: Date | null;
  dryRun: boolean;
  status: string;
  policyHash: string;
  counts: Record<string, number>;
  actor: string;
}

/** Where the audit log's checkpointed prefix stands: the newest checkpoint, how far it may move, what is left below it. */
export interface AuditCutRow {
  cp: string;
  target: string;
  pending: number;
}

export const retentionStore = {
  /** The run lock for this transaction, if no other node holds it. */
  async tryLock(tx: Queryable): Promise<boolean> {
    return (
      ((await tx.query(`SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK}) AS ok`)) as { ok: boolean }[])[0]?.ok ===
      true
    );
  },

  /** Waits for the run lock, held to the end of the transaction. */
  async lock(tx: Queryable): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(${RETENTION_LOCK})`);
  },

  /** Runs still `running` that started before `startedBefore` are taken for dead. */
  async failStaleRuns(tx: Queryable, now: Date, startedBefore: Date): Promise<void> {
    await tx.query(
      `UPDATE retention_runs SET status = 'failed', finished_at = $1 WHERE status = 'running' AND started_at < $2`,
      [now, startedBefore],
    );
  },

  /** Whether a run that deletes (not a dry run) is under way. */
  async deletingRunUnderWay(tx: Queryable): Promise<boolean> {
    const [busy] = (await tx.query(
      `SELECT id FROM retention_runs WHERE status = 'running' AND NOT dry_run LIMIT 1`,
    )) as unknown[];
    return !!busy;
  },

  async insertRun(
    tx: Queryable,
    run: { id: string; now: Date; dryRun: boolean; policyHash: string; actor: string },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO retention_runs (id, started_at, dry_run, status, policy_hash, actor) VALUES ($1, $2, $3, 'running', $4, $5)`,
      [run.id, run.now, run.dryRun, run.policyHash, run.actor],
    );
  },

  async countExpired(tx: Queryable, step: TableStep, params: ExpiryParams): Promise<number> {
    const [row] = (await tx.query(`SELECT count(*)::int AS n FROM (${EXPIRED[step].select}) x`, params)) as {
      n: number;
    }[];
    return row?.n ?? 0;
  },

  /** Deletes up to `batch` expired rows of the category; answers how many. */
  async deleteExpired(tx: Queryable, step: TableStep, params: ExpiryParams, batch: number): Promise<number> {
    const { table, key, select } = EXPIRED[step];
    return changedRows(await tx.query(`DELETE FROM ${table} WHERE ${key} IN (${select} LIMIT ${batch})`, params));
  },

  async addCount(tx: Queryable, runId: string, category: RetentionCount, n: number): Promise<void> {
    await tx.query(
      `UPDATE retention_runs SET counts = jsonb_set(counts, $2::text[], to_jsonb(COALESCE((counts ->> $3)::int, 0) + $4::int)) WHERE id = $1`,
      [runId, `{${category}}`, category, n],
    );
  },

  async finishRun(tx: Queryable, runId: string, now: Date, counts: Record<RetentionCount, number>): Promise<void> {
    await tx.query(`UPDATE retention_runs SET status = 'done', finished_at = $2, counts = $3 WHERE id = $1`, [
      runId,
      now,
      JSON.stringify(counts),
    ]);
  },

  /**
   * The audit events that may go form a prefix of the sealed chain: it ends just before the first
   * sealed event past the newest checkpoint that is younger than `auditLogMs` or names a subject
   * under a legal hold, and never goes past the sealed head.
   */
  async auditCut(tx: Queryable, now: Date, auditLogMs: number): Promise<AuditCutRow | undefined> {
    const [row] = (await tx.query(
      `WITH cp AS (SELECT COALESCE(max(chain_seq), 0) AS seq FROM audit_checkpoints),
          head AS (SELECT seq FROM audit_chain_head WHERE id = 1),
          stop AS (
            SELECT min(e.chain_seq) AS seq FROM audit_events e, cp
             WHERE e.chain_seq > cp.seq
               AND (e.occurred_at >= $1::timestamptz - make_interval(secs => $2::bigint / 1000.0)
                    OR (e.subject_id IS NOT NULL AND ${holdCovers({ subject: 'e.subject_id' }, '$1')}))
          )
     SELECT cp.seq::text AS cp, LEAST(head.seq, COALESCE(stop.seq - 1, head.seq))::text AS target,
            (SELECT count(*)::int FROM audit_events x WHERE x.chain_seq <= cp.seq) AS pending
       FROM cp, head, stop`,
      [now, auditLogMs],
    )) as AuditCutRow[];
    return row;
  },

  async eventHashAt(tx: Queryable, chainSeq: string): Promise<string | undefined> {
    const [event] = (await tx.query(`SELECT hash FROM audit_events WHERE chain_seq = $1`, [chainSeq])) as {
      hash: string;
    }[];
    return event?.hash;
  },

  async insertAuditCheckpoint(
    tx: Queryable,
    cp: { chainSeq: string; hash: string; now: Date; removes: number },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO audit_checkpoints (chain_seq, hash, created_at, events_removed) VALUES ($1, $2, $3, $4)`,
      [cp.chainSeq, cp.hash, cp.now, cp.removes],
    );
  },

  /**
   * Deletes up to `batch` audit events at or below the newest checkpoint; answers how many. Sets
   * palisade.audit_retention for the transaction first, the only delete the database lets through.
   */
  async deleteCheckpointedEvents(tx: Queryable, batch: number): Promise<number> {
    await tx.query(`SET LOCAL palisade.audit_retention = 'on'`);
    return changedRows(
      await tx.query(
        `DELETE FROM audit_events WHERE seq IN (SELECT seq FROM audit_events WHERE chain_seq <= (SELECT max(chain_seq) FROM audit_checkpoints) ORDER BY chain_seq LIMIT ${batch})`,
      ),
    );
  },

  /** Newest first (then by id), at most `limit`. */
  async listRuns(tx: Queryable, limit: number): Promise<RetentionRunRow[]> {
    return (await tx.query(
      `SELECT id, started_at AS "startedAt", finished_at AS "finishedAt", dry_run AS "dryRun", status, policy_hash AS "policyHash", counts, actor
       FROM retention_runs ORDER BY started_at DESC, id LIMIT $1`,
      [limit],
    )) as RetentionRunRow[];
  },

  /** The newest `limit` runs, as the evidence bundle lists them. */
  async recentRuns(tx: Queryable, limit: number): Promise<RetentionRunRow[]> {
    return (await tx.query(
      `SELECT id, started_at AS "startedAt", finished_at AS "finishedAt", dry_run AS "dryRun", status, policy_hash AS "policyHash", counts, actor
         FROM retention_runs ORDER BY started_at DESC LIMIT ${limit}`,
    )) as RetentionRunRow[];
  },
};
