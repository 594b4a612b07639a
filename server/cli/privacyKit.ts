// What the privacy commands (`dsr`, `retention`, `evidence`, `keys`) run on, in one module they load
// when they run: the privacy services, the CLI's transaction and the way a refusal is printed.
import { AppError } from '../errors.ts';
import type { Infra } from '../infra.ts';
import type { PrivacyActor } from '../privacy/context.ts';
import { privacyTransaction } from '../privacy/transaction.ts';
import { fail } from './command.ts';

export { withDeps } from './database.ts';
export { AppError };
export { resumeErasures, runErasureJob, startErasure } from '../privacy/erasure.ts';
export { writeEvidence } from '../privacy/evidence.ts';
export { exportSubject } from '../privacy/export.ts';
export { retentionPolicyOf } from '../privacy/jobs.ts';
export { keyStoreOf, keyWrapperOf } from '../privacy/deps.ts';
export { masterKeyWrapper } from '../privacy/keyWrapper.ts';
export {
  completeRequest,
  createRequest,
  DSR_STATES,
  DSR_TYPES,
  getRequest,
  listRequests,
  transitionRequest,
  type DsrState,
} from '../privacy/requests.ts';
export { Rectification, rectify } from '../privacy/rectification.ts';
export { runRetention } from '../privacy/retention.ts';
export { rotateMasterKey } from '../privacy/rotation.ts';
export { IDENTIFIER_KINDS } from '../privacy/subjects.ts';

export const CLI_PRIVACY_ACTOR: PrivacyActor = { type: 'system', id: 'cli' };

export const print = (value: unknown) => process.stdout.write(JSON.stringify(value, null, 2) + '\n');

/** A refusal (hold, bad state, unknown id) is exit 1 with its id and message, not a stack trace. */
export async function guarded(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError) return fail(`${err.id}: ${err.message}`, 1);
    throw err;
  }
}

/** One audited privacy transaction on behalf of the CLI. */
export const tx = <T>(deps: Infra, action: string, fn: Parameters<typeof privacyTransaction<T>>[2]) =>
  privacyTransaction(deps, { actor: CLI_PRIVACY_ACTOR, action }, fn);
