// The one-time password links' SQL (staff_password_links). A link row holds the SHA-256 of its
// token, never the token.
import type { EntityManager } from 'typeorm';

/** A transaction, or the data source for a single read outside one. */
type Queryable = Pick<EntityManager, 'query'>;

export type LinkPurpose = 'invite' | 'reset';

/** A link as its use reads it, with whether its account is disabled. */
export interface LinkRow {
  id: string;
  userId: string;
  purpose: LinkPurpose;
  expiresAt: Date;
  usedAt: Date | null;
  disabledAt: Date | null;
}

/** Voids the account's unused links (a newer link replaces them). */
export async function voidUserLinks(tx: Queryable, userId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE staff_password_links SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, [userId, now]);
}

export async function insertLink(
  tx: Queryable,
  l: {
    id: string;
    userId: string;
    tokenHash: string;
    purpose: LinkPurpose;
    createdBy: string;
    now: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO staff_password_links (id, user_id, token_hash, purpose, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [l.id, l.userId, l.tokenHash, l.purpose, l.createdBy, l.now, l.expiresAt],
  );
}

/** Whether an unused, unexpired link has this hash. */
export async function usableLinkExists(db: Queryable, tokenHash: string, now: Date): Promise<boolean> {
  const rows = (await db.query(
    `SELECT 1 FROM staff_password_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
    [tokenHash, now],
  )) as unknown[];
  return rows.length > 0;
}

/** The link with this hash and its account, both rows locked until the transaction ends. */
export async function lockLink(tx: Queryable, tokenHash: string): Promise<LinkRow | undefined> {
  const [link] = (await tx.query(
    `SELECT l.id, l.user_id AS "userId", l.purpose, l.expires_at AS "expiresAt", l.used_at AS "usedAt", u.disabled_at AS "disabledAt"
       FROM staff_password_links l JOIN staff_users u ON u.id = l.user_id WHERE l.token_hash = $1 FOR UPDATE OF l, u`,
    [tokenHash],
  )) as LinkRow[];
  return link;
}

export async function markLinkUsed(tx: Queryable, linkId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE staff_password_links SET used_at = $2 WHERE id = $1`, [linkId, now]);
}
