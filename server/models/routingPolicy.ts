// The routing policy file, loaded at start (a bad file stops start-up) and reloaded when it
// changes or on SIGHUP. A bad edit is refused: the last good policy stays and the log says why.
import fs from 'node:fs';
import { parseRoutingPolicy, type RoutingPolicy } from '../../gateway/routing/policy.ts';
import type { Logger } from '../logger.ts';
import { PolicyFileError } from '../policies.ts';

export interface RoutingPolicySource {
  current(): RoutingPolicy;
  /** re-read the file now; returns whether the new policy was taken */
  reload(): boolean;
  stop(): void;
}

export function loadRoutingPolicyFile(file: string): RoutingPolicy {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new PolicyFileError(file, 'cannot be read');
  }
  try {
    return parseRoutingPolicy(text);
  } catch (error) {
    throw new PolicyFileError(file, error instanceof Error ? error.message : String(error));
  }
}

export function watchRoutingPolicy(file: string, logger: Logger, opts: { intervalMs?: number } = {}): RoutingPolicySource {
  let policy = loadRoutingPolicyFile(file);
  const reload = () => {
    try {
      const next = loadRoutingPolicyFile(file);
      if (next.hash !== policy.hash) logger.info('routing.policy_reloaded', { hash: next.hash, rules: next.rules.length });
      policy = next;
      return true;
    } catch (error) {
      logger.error('routing.policy_rejected', { problem: error instanceof Error ? error.message : 'unreadable', keptHash: policy.hash });
      return false;
    }
  };
  // watchFile polls (stat), which also survives editors that replace the file on save.
  const onChange = (curr: fs.Stats, prev: fs.Stats) => {
    if (curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size) reload();
  };
  fs.watchFile(file, { interval: opts.intervalMs ?? 1_000, persistent: false }, onChange);
  const onHup = () => void reload();
  process.on('SIGHUP', onHup);
  return {
    current: () => policy,
    reload,
    stop() {
      fs.unwatchFile(file, onChange);
      process.off('SIGHUP', onHup);
    },
  };
}
