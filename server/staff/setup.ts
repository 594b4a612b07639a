// First start: no admin exists, so a one-time setup token (printed once, stored only as a hash)
// lets the operator create the first admin. There is never a default password.
import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import { sha256 } from '../auth/tokens.ts';
import type { Infra } from '../infra.ts';
import { AppError, conflict } from '../errors.ts';
import { createStaffUser } from './users.ts';

async function hasActiveAdmin(tx: EntityManager): Promise<boolean> {
  const rows = (await tx.query(
    `SELECT 1 FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL LIMIT 1`,
  )) as unknown[];
  return rows.length > 0;
}

/**
 * Returns a fresh setup token when the appliance has no active admin (old unused ones stop working).
 * One per cluster: while another node's token is unused and unexpired, a starting node issues none
 * (its link is that node's) and says so; restarting the node that issued it prints a new one.
 */
export async function issueSetupTokenIfNeeded(deps: Infra): Promise<string | null> {
  return deps.db.dataSource.transaction(async (tx) => {
    await tx.query(`SELECT id FROM audit_chain_head WHERE id = 1 FOR UPDATE`); // one issuer at a time
    if (await hasActiveAdmin(tx)) return null;
    const now = deps.now();
    const [elsewhere] = (await tx.query(
      `SELECT node_id AS "nodeId" FROM setup_tokens WHERE used_at IS NULL AND expires_at > $1 AND node_id IS NOT NULL AND node_id <> $2 ORDER BY created_at DESC LIMIT 1`,
      [now, deps.nodeId],
    )) as { nodeId: string }[];
    if (elsewhere) {
      deps.logger.warn('setup.link_on_other_node', { node: elsewhere.nodeId });
      return null;
    }
    await tx.query(`UPDATE setup_tokens SET used_at = $1 WHERE used_at IS NULL`, [now]);
    const token = randomBytes(24).toString('base64url');
    const id = randomUUID();
    await tx.query(
      `INSERT INTO setup_tokens (id, token_hash, created_at, expires_at, node_id) VALUES ($1, $2, $3, $4, $5)`,
      [id, sha256(token), now, new Date(now.getTime() + deps.config.auth.setupTokenTtlSeconds * 1000), deps.nodeId],
    );
    await appendAudit(tx, {
      actor: { type: 'system', id: 'setup' },
      action: 'setup.token_issued',
      resource: { type: 'SetupToken', id },
    });
    return token;
  });
}

/** A cheap look before the slow password hash, so a stream of bogus tokens costs no bcrypt time. */
export async function setupTokenLooksValid(deps: Infra, token: string): Promise<boolean> {
  const rows = (await deps.db.dataSource.query(
    `SELECT 1 FROM setup_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
    [sha256(token), deps.now()],
  )) as unknown[];
  return rows.length > 0;
}

export const invalidSetupToken = () =>
  new AppError(
    403,
    'invalid_setup_token',
    'The setup token is wrong, used or expired. Once an admin exists, no new link is printed: an admin creates further accounts (POST /api/users), or run npx palisade create-admin on the server. Before that, restarting the appliance prints a new link.',
  );

export async function completeSetup(props: {
  tx: EntityManager;
  deps: Infra;
  token: string;
  requestId: string;
  admin: { email: string; displayName: string; passwordHash: string };
}) {
  const { tx } = props;
  const rows = (await tx.query(
    `SELECT id, expires_at AS "expiresAt", used_at AS "usedAt" FROM setup_tokens WHERE token_hash = $1 FOR UPDATE`,
    [sha256(props.token)],
  )) as { id: string; expiresAt: Date; usedAt: Date | null }[];
  const t = rows[0];
  if (!t || t.usedAt || t.expiresAt <= props.deps.now()) throw invalidSetupToken();
  if (await hasActiveAdmin(tx)) throw conflict('setup_done', 'Setup is already complete; sign in instead.');
  await tx.query(`UPDATE setup_tokens SET used_at = $2 WHERE id = $1`, [t.id, props.deps.now()]);
  return createStaffUser({
    tx,
    actor: { type: 'system', id: 'setup' },
    requestId: props.requestId,
    input: { ...props.admin, role: 'admin' },
  });
}
