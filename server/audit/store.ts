// The audit area's SQL and the shapes of its rows. The services (query.ts, seal.ts, verify.ts,
// checkpointer.ts, egress.ts) call these; nothing else in the area writes SQL against audit_events,
// audit_chain_head or audit_checkpoints, except the INSERT that append.ts builds for callers that
// make it part of their own statement.
import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../db/prepared.ts';
import { AUDIT_COLUMNS, type AuditEvent } from './event.ts';

type Queryable = Pick<EntityManager | DataSource, 'query'>;

/** Runs a statement whose result rows have the given shape (the one place the area names a row type for the driver). */
async function rows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  return result as T[];
}

export interface ChainHead {
  seq: string;
  hash: string;
}

/** The head with the newest retention checkpoint (null fields: none yet), read in one statement. */
export interface ChainStartRow extends ChainHead {
  cpSeq: string | null;
  cpHash: string | null;
  cpAt: Date | null;
  cpRemoved: string | null;
}

/** Unsealed events, each with the head they are to be linked after. */
export type UnsealedRow = AuditEvent & { headSeq: string; headHash: string };

/** What is known at a chain position: the event's hash, or the retention checkpoint's (the event removed by policy). */
export interface PositionRow {
  hash: string | null;
  retainedHash: string | null;
  /** the newest retention checkpoint's position */
  retainedSeq: string | null;
}

/** Filter columns of the query API, the export API and `palisade audit export` (validated by query.ts). */
export interface EventFilter {
  from?: string;
  to?: string;
  actorType?: string;
  actorId?: string;
  subjectId?: string;
  /** an action, or a prefix ending in * */
  action?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: string;
}

function where(f: EventFilter, params: unknown[]): string[] {
  const clauses: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (f.from) add('occurred_at >= ?', f.from);
  if (f.to) add('occurred_at < ?', f.to);
  if (f.actorType) add('actor_type = ?', f.actorType);
  if (f.actorId) add('actor_id = ?', f.actorId);
  if (f.subjectId) add('subject_id = ?', f.subjectId);
  if (f.action?.endsWith('*')) add(`action LIKE ? || '%'`, f.action.slice(0, -1).replace(/[\\%_]/g, '\\$&'));
  else if (f.action) add('action = ?', f.action);
  if (f.resourceType) add('resource_type = ?', f.resourceType);
  if (f.resourceId) add('resource_id = ?', f.resourceId);
  if (f.outcome) add('outcome = ?', f.outcome);
  return clauses;
}

/** One day, target and route of model calls (int counts as numbers, bigint sums as text). */
export interface EgressSumRow {
  day: string;
  target: string;
  route: string;
  requests: number;
  tokensIn: string;
  tokensOut: string;
  entities: string;
  failed: number;
}

export const auditStore = {
  /** Matching events newest first, below `beforeSeq` when given. */
  async newestEvents(
    db: Queryable,
    filter: EventFilter,
    opts: { beforeSeq?: string; limit: number },
  ): Promise<AuditEvent[]> {
    const params: unknown[] = [];
    const clauses = where(filter, params);
    if (opts.beforeSeq) {
      params.push(opts.beforeSeq);
      clauses.push(`seq < $${params.length}`);
    }
    const sql = `SELECT ${AUDIT_COLUMNS} FROM audit_events ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY audit_events.seq DESC LIMIT ${opts.limit}`;
    return rows<AuditEvent>(db, sql, params);
  },

  /** Matching events oldest first, after `afterSeq`. */
  async eventsAfter(db: Queryable, filter: EventFilter, afterSeq: string, limit: number): Promise<AuditEvent[]> {
    const params: unknown[] = [];
    const clauses = where(filter, params);
    params.push(afterSeq);
    clauses.push(`seq > $${params.length}`);
    return rows<AuditEvent>(
      db,
      `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE ${clauses.join(' AND ')} ORDER BY audit_events.seq LIMIT ${limit}`,
      params,
    );
  },

  async chainHead(db: Queryable): Promise<ChainHead | undefined> {
    const [head] = await rows<ChainHead>(db, `SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1`);
    return head;
  },

  async chainStart(db: Queryable): Promise<ChainStartRow | undefined> {
    const [row] = await rows<ChainStartRow>(
      db,
      `SELECT h.seq::text AS seq, h.hash, c.chain_seq::text AS "cpSeq", c.hash AS "cpHash", c.created_at AS "cpAt", c.events_removed::text AS "cpRemoved"
         FROM audit_chain_head h
         LEFT JOIN LATERAL (SELECT * FROM audit_checkpoints ORDER BY chain_seq DESC LIMIT 1) c ON true
        WHERE h.id = 1`,
    );
    return row;
  },

  /** The newest `audit verify` (console or CLI): when, its outcome and how many events it checked. */
  async lastVerify(db: Queryable): Promise<{ at: Date; outcome: string; checked: string | null } | undefined> {
    const [row] = await rows<{ at: Date; outcome: string; checked: string | null }>(
      db,
      `SELECT occurred_at AS at, outcome, details ->> 'checked' AS checked FROM audit_events WHERE action = 'audit.verify' ORDER BY seq DESC LIMIT 1`,
    );
    return row;
  },

  async unsealedCount(db: Queryable): Promise<number> {
    const [row] = await rows<{ n: number }>(db, `SELECT count(*)::int AS n FROM audit_events WHERE chain_seq IS NULL`);
    return row?.n ?? 0;
  },

  /** Sealed events from chain position `from` up to `to`, in chain order. */
  sealedRange: (db: Queryable, from: string, to: string, limit: number) =>
    rows<AuditEvent>(
      db,
      `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE chain_seq >= $1 AND chain_seq <= $2 ORDER BY audit_events.chain_seq LIMIT ${limit}`,
      [from, to],
    ),

  async eventAt(db: Queryable, chainSeq: string): Promise<{ seq: string; id: string; hash: string } | undefined> {
    const [row] = await rows<{ seq: string; id: string; hash: string }>(
      db,
      `SELECT seq::text AS seq, id, hash FROM audit_events WHERE chain_seq = $1`,
      [chainSeq],
    );
    return row;
  },

  async position(db: Queryable, chainSeq: string): Promise<PositionRow | undefined> {
    const [row] = await rows<PositionRow>(
      db,
      `SELECT (SELECT hash FROM audit_events WHERE chain_seq = $1) AS hash,
              (SELECT hash FROM audit_checkpoints WHERE chain_seq = $1) AS "retainedHash",
              (SELECT max(chain_seq)::text FROM audit_checkpoints) AS "retainedSeq"`,
      [chainSeq],
    );
    return row;
  },

  // Named statements (see prepared.ts): a pass runs every AUDIT_SEAL_INTERVAL_MS, and on PGlite
  // parsing and planning them in the appliance's thread cost more than running them.
  /** The head and the oldest unsealed events, in recorded order, in one statement (see migration AuditSealFunctions). */
  unsealed: (db: Queryable, limit: number) =>
    preparedQuery<UnsealedRow[]>(
      db,
      `SELECT (SELECT seq::text FROM audit_chain_head WHERE id = 1) AS "headSeq", (SELECT hash FROM audit_chain_head WHERE id = 1) AS "headHash",
              ${AUDIT_COLUMNS} FROM audit_unsealed($1) AS unsealed ORDER BY unsealed.seq`,
      [limit],
    ),

  /** Links the events and moves the head, if the head is still where it was read (else 40001 'audit seal conflict'). */
  async seal(
    db: Queryable,
    read: ChainHead,
    link: { seqs: string[]; chainSeqs: string[]; prevHashes: string[]; hashes: string[] },
  ): Promise<void> {
    await preparedQuery(
      db,
      `SELECT audit_seal($1, $2, $3::bigint[], $4::bigint[], $5::char(64)[], $6::char(64)[]) AS n`,
      [read.seq, read.hash, link.seqs, link.chainSeqs, link.prevHashes, link.hashes],
    );
  },

  /** The ends of model calls in [from, to) summed per day (in `timeZone`), target and route, newest day first. */
  egressByDay: (db: Queryable, range: { from: string; to: string; timeZone: string }) =>
    rows<EgressSumRow>(
      db,
      `WITH calls AS (
         SELECT occurred_at, outcome, details FROM audit_events
          WHERE action = 'model.request' AND occurred_at >= $1 AND occurred_at < $2
            AND coalesce(details->>'outcome', '') <> 'started')
       SELECT to_char(occurred_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day,
              coalesce(details->>'target', '-') AS target, coalesce(details->>'route', '-') AS route,
              count(*)::int AS requests,
              coalesce(sum((details->>'tokensIn')::numeric), 0)::bigint AS "tokensIn",
              coalesce(sum((details->>'tokensOut')::numeric), 0)::bigint AS "tokensOut",
              coalesce(sum((SELECT sum(value::numeric) FROM jsonb_each_text(details) WHERE key LIKE 'entities\\_%' AND value ~ '^[0-9]+$')), 0)::bigint AS entities,
              count(*) FILTER (WHERE outcome <> 'success')::int AS failed
         FROM calls GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2, 3`,
      [range.from, range.to, range.timeZone],
    ),
};
