// The setup tokens' SQL (setup_tokens). A token row holds the SHA-256 of its token, never the token.
import type { EntityManager } from 'typeorm';

/** A transaction, or the data source for a single read outside one. */
type Queryable = Pick<EntityManager, 'query'>;

/** One issuer at a time across the cluster: the audit chain head's row, locked until the transaction ends. */
export async function lockIssuer(tx: Queryable): Promise<void> {
  await tx.query(`SELECT id FROM audit_chain_head WHERE id = 1 FOR UPDATE`);
}

/** The node holding the newest unused, unexpired token issued by another node, if any. */
export async function tokenNodeElsewhere(tx: Queryable, now: Date, nodeId: string): Promise<string | undefined> {
  const [elsewhere] = (await tx.query(
    `SELECT node_id AS "nodeId" FROM setup_tokens WHERE used_at IS NULL AND expires_at > $1 AND node_id IS NOT NULL AND node_id <> $2 ORDER BY created_at DESC LIMIT 1`,
    [now, nodeId],
  )) as { nodeId: string }[];
  return elsewhere?.nodeId;
}

export async function voidUnusedTokens(tx: Queryable, now: Date): Promise<void> {
  await tx.query(`UPDATE setup_tokens SET used_at = $1 WHERE used_at IS NULL`, [now]);
}

export async function insertToken(
  tx: Queryable,
  t: { id: string; tokenHash: string; now: Date; expiresAt: Date; nodeId: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO setup_tokens (id, token_hash, created_at, expires_at, node_id) VALUES ($1, $2, $3, $4, $5)`,
    [t.id, t.tokenHash, t.now, t.expiresAt, t.nodeId],
  );
}

/** Whether an unused, unexpired token has this hash. */
export async function usableTokenExists(db: Queryable, tokenHash: string, now: Date): Promise<boolean> {
  const rows = (await db.query(
    `SELECT 1 FROM setup_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
    [tokenHash, now],
  )) as unknown[];
  return rows.length > 0;
}

export interface SetupTokenRow {
  id: string;
  expiresAt: Date;
  usedAt: Date | null;
}

/** The token with this hash, its row locked until the transaction ends. */
export async function lockToken(tx: Queryable, tokenHash: string): Promise<SetupTokenRow | undefined> {
  const rows = (await tx.query(
    `SELECT id, expires_at AS "expiresAt", used_at AS "usedAt" FROM setup_tokens WHERE token_hash = $1 FOR UPDATE`,
    [tokenHash],
  )) as SetupTokenRow[];
  return rows[0];
}

export async function markTokenUsed(tx: Queryable, tokenId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE setup_tokens SET used_at = $2 WHERE id = $1`, [tokenId, now]);
}
