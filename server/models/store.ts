// The SQL of the API keys, of the model calls a node left without an end and of the cloud budgets'
// counts as the admin reads them, with the row types. Callers hold the transaction and write the
// audit events.
import type { EntityManager } from 'typeorm';
import type { AuditEventInput } from '../audit/event.ts';
import { returnedRows } from '../db/results.ts';

/** A transaction, or the data source for a single read outside one. */
export type Queryable = Pick<EntityManager, 'query'>;

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  allowCloud: boolean;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const COLUMNS = `id, name, prefix, allow_cloud AS "allowCloud", created_by AS "createdBy", created_at AS "createdAt", revoked_at AS "revokedAt",
  last_used_at AS "lastUsedAt"`;

export const apiKeyStore = {
  async insert(
    tx: Queryable,
    k: { id: string; name: string; keyHash: string; prefix: string; allowCloud: boolean; createdBy: string },
  ): Promise<ApiKey> {
    const [apiKey] = (await tx.query(
      `INSERT INTO api_keys (id, name, key_hash, prefix, allow_cloud, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [k.id, k.name, k.keyHash, k.prefix, k.allowCloud, k.createdBy],
    )) as ApiKey[];
    return apiKey!;
  },

  /** Revokes the key (the first revocation's time stays); undefined when there is no such key. */
  async revoke(tx: Queryable, id: string): Promise<ApiKey | undefined> {
    const [row] = returnedRows<ApiKey>(
      await tx.query(
        `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
        [id],
      ),
    );
    return row;
  },

  async list(tx: Queryable): Promise<ApiKey[]> {
    return (await tx.query(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`)) as ApiKey[];
  },

  /** The unrevoked key with this hash. */
  /** The live key with this hash. A lookup is also a use: the key's last use moves forward, to the
   *  minute, in the same statement (written only when older). */
  async live(db: Queryable, keyHash: string): Promise<ApiKey | undefined> {
    const [row] = (await db.query(
      `WITH used AS (UPDATE api_keys SET last_used_at = now()
                      WHERE key_hash = $1 AND revoked_at IS NULL AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
       SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    )) as ApiKey[];
    return row;
  },
};

/** The newest start record of a call that has no record of its end. */
export interface StartRow {
  call: string;
  actorType: AuditEventInput['actor']['type'];
  actorId: string;
  requestId: string | null;
  details: Record<string, string | number | boolean | null>;
}

/** The newest start of each of this node's calls without an end (a call that fell back to another target has one per target). */
export async function unendedCallStarts(tx: Queryable, node: string): Promise<StartRow[]> {
  return (await tx.query(
    `SELECT DISTINCT ON (s.details->>'call') s.details->>'call' AS call, s.actor_type AS "actorType", s.actor_id AS "actorId", s.request_id AS "requestId", s.details
         FROM audit_events s
        WHERE s.action = 'model.request' AND s.details->>'outcome' = 'started' AND s.details->>'node' = $1
          AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.action = 'model.request' AND e.details ? 'call'
                             AND e.details->>'call' = s.details->>'call' AND e.details->>'outcome' <> 'started')
        ORDER BY s.details->>'call', s.seq DESC`,
    [node],
  )) as StartRow[];
}

/** A budget key's count in one window (bigint, as text). */
export interface BudgetUsageRow {
  key: string;
  used: string;
}

/** The keys counted for `kind` in the window that starts at `windowStart`, most used first (at most `max`). */
export async function budgetUsage(
  db: Queryable,
  kind: 'requests' | 'tokens',
  windowStart: string,
  max: number,
): Promise<BudgetUsageRow[]> {
  return (await db.query(
    `SELECT budget_key AS key, used::text AS used FROM model_budget_usage WHERE kind = $1 AND window_start = $2::timestamptz ORDER BY used DESC, budget_key LIMIT $3`,
    [kind, windowStart, max],
  )) as BudgetUsageRow[];
}
