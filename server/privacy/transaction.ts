// Runs a privacy command in its own transaction. A refusal the law cares about (a legal hold, a
// maker-checker violation) rolls the command back, then goes on the audit record in a transaction
// of its own, the way authorize() records denials.
import { appendAudit } from '../audit/append.ts';
import type { Infra } from '../infra.ts';
import { AppError } from '../errors.ts';
import type { PrivacyActor, PrivacyCtx } from './context.ts';
import { privacyCtx } from './deps.ts';

const RECORDED_REFUSALS = new Set(['legal_hold', 'maker_checker']);

export async function privacyTransaction<T>(
  deps: Pick<Infra, 'db' | 'config' | 'secrets' | 'now'>,
  opts: { actor: PrivacyActor; requestId?: string; action: string; subjectId?: string },
  fn: (ctx: PrivacyCtx) => Promise<T>,
): Promise<T> {
  try {
    return await deps.db.dataSource.transaction((tx) => fn(privacyCtx(deps, tx, opts.actor, opts.requestId)));
  } catch (err) {
    if (err instanceof AppError && RECORDED_REFUSALS.has(err.id)) {
      await deps.db.dataSource.transaction((tx) =>
        appendAudit(tx, {
          actor: opts.actor,
          action: 'privacy.denied',
          subjectId: opts.subjectId,
          outcome: 'denied',
          requestId: opts.requestId,
          details: { attempted: opts.action, cause: err.id },
        }),
      );
    }
    throw err;
  }
}
