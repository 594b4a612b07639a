// First start: no admin exists, so a one-time setup token (printed once, stored only as a hash)
// lets the operator create the first admin. There is never a default password.
import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import { sha256 } from '../auth/tokens.ts';
import type { Infra } from '../infra.ts';
import { AppError, conflict } from '../errors.ts';
import {
  insertToken,
  lockIssuer,
  lockToken,
  markTokenUsed,
  tokenNodeElsewhere,
  usableTokenExists,
  voidUnusedTokens,
} from './store/setup.ts';
import { hasActiveAdmin } from './store/users.ts';
import { createStaffUser } from './users.ts';

/**
 * Returns a fresh setup token when the appliance has no active admin (old unused ones stop working).
 * One per cluster: while another node's token is unused and unexpired, a starting node issues none
 * (its link is that node's) and says so; restarting the node that issued it prints a new one.
 */
export async function issueSetupTokenIfNeeded(deps: Infra): Promise<string | null> {
  return deps.db.dataSource.transaction(async (tx) => {
    await lockIssuer(tx);
    if (await hasActiveAdmin(tx)) return null;
    const now = deps.now();
    const elsewhere = await tokenNodeElsewhere(tx, now, deps.nodeId);
    if (elsewhere) {
      deps.logger.warn('setup.link_on_other_node', { node: elsewhere });
      return null;
    }
    await voidUnusedTokens(tx, now);
    const token = randomBytes(24).toString('base64url');
    const id = randomUUID();
    await insertToken(tx, {
      id,
      tokenHash: sha256(token),
      now,
      expiresAt: new Date(now.getTime() + deps.config.auth.setupTokenTtlSeconds * 1000),
      nodeId: deps.nodeId,
    });
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
  return usableTokenExists(deps.db.dataSource, sha256(token), deps.now());
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
  const t = await lockToken(tx, sha256(props.token));
  if (!t || t.usedAt || t.expiresAt <= props.deps.now()) throw invalidSetupToken();
  if (await hasActiveAdmin(tx)) throw conflict('setup_done', 'Setup is already complete; sign in instead.');
  await markTokenUsed(tx, t.id, props.deps.now());
  return createStaffUser({
    tx,
    actor: { type: 'system', id: 'setup' },
    requestId: props.requestId,
    input: { ...props.admin, role: 'admin' },
  });
}
