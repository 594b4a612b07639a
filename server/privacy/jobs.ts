// Background privacy work of a running node: finish erasures a crash left half-done, and run the
// retention job every RETENTION_INTERVAL_SECONDS (0: never; `npx palisade retention run` instead).
import type { Infra } from '../infra.ts';
import { keyStoreOf } from './deps.ts';
import { resumeErasures } from './erasure.ts';
import { runRetention } from './retention.ts';
import { loadRetentionPolicy, type RetentionPolicy } from './retentionPolicy.ts';

const policies = new WeakMap<Infra['config'], RetentionPolicy>();

/** The retention policy of this configuration, loaded (and validated) once. */
export function retentionPolicyOf(deps: Pick<Infra, 'config'>): RetentionPolicy {
  let policy = policies.get(deps.config);
  if (!policy) policies.set(deps.config, (policy = loadRetentionPolicy(deps.config.privacy.retentionPolicyFile)));
  return policy;
}

export interface PrivacyJobs {
  /** this node's next retention run (null: the timer is off) */
  nextRunAt(): Date | null;
  stop(): Promise<void>;
}

export function startPrivacyJobs(deps: Infra): PrivacyJobs {
  const policy = retentionPolicyOf(deps);
  const runner = { dataSource: deps.db.dataSource, now: deps.now, logger: deps.logger, keyStore: keyStoreOf(deps) };
  let running: Promise<unknown> = resumeErasures(runner).then(
    (n) => n > 0 && deps.logger.info('erasure.resumed', { jobs: n }),
    (err: unknown) => deps.logger.error('erasure.resume_failed', { error: err }),
  );
  let stopped = false;
  const everyMs = deps.config.privacy.retentionIntervalSeconds * 1000;
  const startedAt = Date.now();
  const timer =
    everyMs > 0
      ? setInterval(() => {
          if (stopped) return;
          running = running
            .then(() => runRetention(runner, policy))
            .catch((err: unknown) => deps.logger.error('retention.failed', { error: err }));
        }, everyMs)
      : undefined;
  timer?.unref();
  return {
    nextRunAt: () =>
      timer ? new Date(startedAt + (Math.floor((Date.now() - startedAt) / everyMs) + 1) * everyMs) : null,
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
