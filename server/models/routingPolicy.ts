// The routing policy file, loaded at start (a bad file stops start-up) and reloaded when it
// changes or on SIGHUP. A bad edit is refused: the last good policy stays and the log says why.
import fs from 'node:fs';
import { parseRoutingPolicy, type RoutingPolicy } from '../../gateway/routing/index.ts';
import type { Logger } from '../logger.ts';
import { readPolicyFile } from '../policies.ts';

export interface RoutingPolicySource {
  current(): RoutingPolicy;
  /** when the policy in force was taken (at start, or the reload that changed it) */
  loadedAt(): Date;
  /** re-read the file now; returns whether the new policy was taken */
  reload(): boolean;
  stop(): void;
}

export function loadRoutingPolicyFile(file: string): RoutingPolicy {
  return readPolicyFile(file, parseRoutingPolicy);
}

/** `keeps`: why a new policy cannot replace the running one (its pools differ), or undefined */
export function watchRoutingPolicy(
  file: string,
  logger: Logger,
  opts: { intervalMs?: number; keeps?: (running: RoutingPolicy, next: RoutingPolicy) => string | undefined } = {},
): RoutingPolicySource {
  const stamp = () => {
    try {
      const st = fs.statSync(file);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return 'missing';
    }
  };
  // The stamp is taken before reading, so an edit landing mid-read is seen on the next poll.
  let seen = stamp();
  let policy = loadRoutingPolicyFile(file);
  let loadedAt = new Date();
  const reload = () => {
    seen = stamp();
    try {
      const next = loadRoutingPolicyFile(file);
      const refused = opts.keeps?.(policy, next);
      if (refused) {
        logger.error('routing.policy_rejected', { problem: refused, keptHash: policy.hash });
        return false;
      }
      if (next.hash !== policy.hash) {
        logger.info('routing.policy_reloaded', { hash: next.hash, rules: next.rules.length });
        loadedAt = new Date();
      }
      policy = next;
      return true;
    } catch (error) {
      logger.error('routing.policy_rejected', {
        problem: error instanceof Error ? error.message : 'unreadable',
        keptHash: policy.hash,
      });
      return false;
    }
  };
  // Polling a stat (not fs.watch) also survives editors that replace the file on save.
  const timer = setInterval(() => {
    if (stamp() !== seen) reload();
  }, opts.intervalMs ?? 1_000);
  timer.unref();
  const onHup = () => void reload();
  process.on('SIGHUP', onHup);
  return {
    current: () => policy,
    loadedAt: () => loadedAt,
    reload,
    stop() {
      clearInterval(timer);
      process.off('SIGHUP', onHup);
    },
  };
}
