// The routing policy's OpenAI-compatible pools as clients, built once at start: each pool's key read
// from its file (refused when others can read it, like every secret), its locality fixed, and the
// egress proxy handed to cloud pools alone. A reloaded policy must keep the pools as they are.
import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  providers,
  type ConnectionOptions,
  type ModelClient,
  type ModelPool,
  type RoutingPolicy,
} from '../../gateway/index.ts';
import type { Config } from '../config.ts';
import { PolicyFileError } from '../policies.ts';

function readKeyFile(policyFile: string, pool: string, file: string): string {
  const bad = (problem: string) =>
    new PolicyFileError(policyFile, `pools.${pool}.apiKeyFile: ${problem}`, [
      { path: `pools.${pool}.apiKeyFile`, message: problem },
    ]);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw bad(`cannot read ${file}`);
  }
  if ((stat.mode & 0o077) !== 0)
    throw bad(`${file} is readable by group/others (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`);
  const key = fs.readFileSync(file, 'utf8').trim();
  if (!key || /\s/.test(key)) throw bad(`${file} must hold one key on one line`);
  return key;
}

/** The start's check of the pools' key files, without building a client: the first problem, or undefined. */
export function poolKeyProblem(policy: RoutingPolicy, policyFile: string): PolicyFileError | undefined {
  for (const [name, pool] of Object.entries(policy.pools)) {
    if (!pool.apiKeyFile) continue;
    try {
      readKeyFile(policyFile, name, pool.apiKeyFile);
    } catch (error) {
      if (error instanceof PolicyFileError) return error;
      throw error;
    }
  }
  return undefined;
}

/** One client per pool, by name. Throws PolicyFileError (start stops) on a key file that cannot be used. */
export function poolClients(
  policy: RoutingPolicy,
  policyFile: string,
  models: Config['models'],
  connections: ConnectionOptions,
): Record<string, ModelClient> {
  const { onResend, idleMs, maxSockets } = connections;
  return Object.fromEntries(
    Object.entries(policy.pools).map(([name, pool]) => [
      name,
      providers.openaiPool.create({
        locality: pool.locality,
        baseURLs: pool.baseURLs,
        ...(pool.apiKeyFile ? { apiKey: readKeyFile(policyFile, name, pool.apiKeyFile) } : {}),
        ...(pool.healthSeconds !== undefined ? { healthIntervalMs: pool.healthSeconds * 1000 } : {}),
        connections: { idleMs, maxSockets, onResend },
        ...(pool.locality === 'cloud' && models.cloudProxy ? { proxy: models.cloudProxy } : {}),
      }),
    ]),
  );
}

/** Why `next` cannot replace the running policy without a restart (its pools differ), or undefined. */
export function poolsChanged(running: Record<string, ModelPool>, next: Record<string, ModelPool>): string | undefined {
  return isDeepStrictEqual(running, next)
    ? undefined
    : 'pools changed: a change of pools takes effect at the next start';
}
