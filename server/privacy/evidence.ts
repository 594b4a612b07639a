// The evidence bundle for auditors (`npx palisade evidence --out DIR`): the active policy files
// with their SHA-256, recent retention runs, closed data-subject requests with their receipts, the
// audit chain verification, and the configured models and where data may flow. JSON files plus a
// README.txt; pseudonyms and counts only, no personal data. Writing it is itself an audit event.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import { sealAudit } from '../audit/seal.ts';
import { type VerifyResult, verifyChain, type Witness } from '../audit/verify.ts';
import { CHECKPOINT_FILE, SIGNATURE_RECIPE } from '../audit/witness.ts';
import type { Config } from '../config.ts';
import { loadRoutingPolicyFile } from '../models/routingPolicy.ts';
import type { ModelPool } from '../../gateway/index.ts';
import { POLICIES_DIR } from '../policies.ts';
import type { PrivacyActor } from './context.ts';
import { requestStore } from './store/requests.ts';
import { retentionStore } from './store/retention.ts';

const RECENT_RUNS = 200;

export interface PolicyFileEvidence {
  file: string;
  path: string;
  sha256: string;
  bytes: number;
}

export interface ModelTargetEvidence {
  target: string;
  provider: string;
  model: string;
  location: 'local' | 'cloud';
  configured: boolean;
  /** where requests to it go: a host, a model file, this process, or nowhere */
  destination: string;
  usedByRules: string[];
}

export interface ModelsEvidence {
  routingPolicy: { file: string; sha256: string } | { file: string; problem: string };
  providers: {
    openai: { configured: boolean; baseURL: string | null };
    ollama: { hosts: string[] };
    llamacpp: { modelPath: string | null };
  };
  targets: ModelTargetEvidence[];
  /** the two rules the gateway enforces whatever the policy says */
  guarantees: string[];
}

export interface EvidenceSummary {
  dir: string;
  generatedAt: string;
  files: string[];
  policies: number;
  retentionRuns: number;
  requests: number;
  chain: VerifyResult;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function policyFiles(config: Config): PolicyFileEvidence[] {
  const dir = config.models.policiesDir ?? POLICIES_DIR;
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(dir, f))
    : [];
  const retention = config.privacy.retentionPolicyFile;
  if (retention && !files.includes(retention)) files.push(retention);
  return files
    .filter((f) => fs.existsSync(f))
    .map((f) => {
      const bytes = fs.readFileSync(f);
      return { file: path.basename(f), path: f, sha256: sha256(bytes), bytes: bytes.length };
    });
}

function destinationOf(
  provider: string,
  config: Config,
  pool?: { name: string } & ModelPool,
): { configured: boolean; destination: string } {
  const { openai, ollamaHosts, llama, cloudProxy } = config.models;
  // the proxy's host only: its URL may hold credentials
  const proxied = (cloud: boolean) =>
    cloud && cloudProxy ? ` through the egress proxy ${new URL(cloudProxy.url).host}` : '';
  if (pool)
    return {
      configured: true,
      destination: `${pool.baseURLs.join(', ')} (pool ${pool.name}, ${pool.locality})${proxied(pool.locality === 'cloud')}`,
    };
  if (provider === 'openai')
    return {
      configured: Boolean(openai),
      destination: openai
        ? `${openai.baseURL ?? 'https://api.openai.com/v1'}${proxied(!openai.baseURL)}`
        : 'not configured (OPENAI_API_KEY unset)',
    };
  if (provider === 'ollama')
    return {
      configured: ollamaHosts.length > 0,
      destination: ollamaHosts.length ? ollamaHosts.join(', ') : 'not configured (OLLAMA_HOST unset)',
    };
  if (provider === 'llamacpp')
    return {
      configured: Boolean(llama),
      destination: llama ? `in process: ${llama.modelPath}` : 'not configured (LLAMA_MODEL_PATH unset)',
    };
  return { configured: true, destination: 'in process (no model)' };
}

export function modelsEvidence(config: Config): ModelsEvidence {
  const file = path.join(config.models.policiesDir ?? POLICIES_DIR, 'routing.yaml');
  const providers: ModelsEvidence['providers'] = {
    openai: { configured: Boolean(config.models.openai), baseURL: config.models.openai?.baseURL ?? null },
    ollama: { hosts: config.models.ollamaHosts },
    llamacpp: { modelPath: config.models.llama?.modelPath ?? null },
  };
  const guarantees = [
    'when redaction fails, no text goes to any model',
    'no cloud target without cloud consent; models only receive redacted text',
  ];
  if (!fs.existsSync(file)) return { routingPolicy: { file, problem: 'absent' }, providers, targets: [], guarantees };
  let policy;
  try {
    policy = loadRoutingPolicyFile(file);
  } catch (err) {
    return {
      routingPolicy: { file, problem: err instanceof Error ? err.message : String(err) },
      providers,
      targets: [],
      guarantees,
    };
  }
  const targets = Object.entries(policy.targets).map(([target, t]) => ({
    target,
    provider: t.provider,
    model: t.model,
    location: t.location,
    ...destinationOf(
      t.provider,
      config,
      t.pool !== undefined && policy.pools[t.pool] ? { name: t.pool, ...policy.pools[t.pool]! } : undefined,
    ),
    usedByRules: policy.rules.filter((r) => r.chain.includes(target)).map((r) => r.id),
  }));
  return { routingPolicy: { file, sha256: policy.hash }, providers, targets, guarantees };
}

function readme(
  s: Omit<EvidenceSummary, 'files'>,
  policies: PolicyFileEvidence[],
  models: ModelsEvidence,
  requests: { type: string; state: string }[],
): string {
  const chain = s.chain.ok
    ? `VERIFIED: ${s.chain.checked} sealed events, head seq ${s.chain.headSeq}, ${s.chain.unsealed} not yet sealed`
    : `BROKEN at chain seq ${s.chain.firstBroken?.chainSeq} (${s.chain.firstBroken?.problem})`;
  const byKind = new Map<string, number>();
  for (const r of requests) byKind.set(`${r.type} ${r.state}`, (byKind.get(`${r.type} ${r.state}`) ?? 0) + 1);
  return [
    'Palisade evidence bundle',
    `Generated ${s.generatedAt}`,
    '',
    `Audit chain: ${chain}  (audit-chain.json)`,
    s.chain.witnessed
      ? `  held to the checkpoint signed by ${s.chain.witnessed.node} at ${s.chain.witnessed.at}, chain seq ${s.chain.witnessed.chainSeq} (${CHECKPOINT_FILE}, key ${s.chain.witnessed.keyId} in audit-checkpoint-key.json)`
      : '  no signed checkpoint read',
    '',
    `Policies in force (policies.json; SHA-256 of each file's bytes):`,
    ...policies.map((p) => `  ${p.sha256}  ${p.file}`),
    '',
    `Retention runs: ${s.retentionRuns} most recent (retention-runs.json)`,
    `Closed data-subject requests: ${s.requests} (requests.json, with receipts)`,
    ...[...byKind].map(([k, n]) => `  ${n} ${k}`),
    '',
    `Models and where data may flow (models.json; routing policy ${'sha256' in models.routingPolicy ? models.routingPolicy.sha256 : models.routingPolicy.problem}):`,
    ...(models.targets.length
      ? models.targets.map(
          (t) =>
            `  ${t.target}: ${t.provider} ${t.model}, ${t.location}, ${t.configured ? 'configured' : 'NOT configured'} -> ${t.destination}`,
        )
      : ['  no routing policy targets']),
    ...models.guarantees.map((g) => `  always: ${g}`),
    '',
  ].join('\n');
}

/**
 * The witness's checkpoints, verbatim, and the key to check them with (public half only): adds
 * audit-checkpoint-key.json to `out`, copies the file, and returns the copied file's name (none yet: nothing).
 */
function copyCheckpoints(witness: Witness, dir: string, out: Record<string, unknown>): string[] {
  out['audit-checkpoint-key.json'] = {
    algorithm: 'Ed25519',
    keyId: witness.key.keyId,
    publicKey: witness.key.publicKey,
    file: CHECKPOINT_FILE,
    signature: SIGNATURE_RECIPE,
  };
  if (!fs.existsSync(witness.file)) return [];
  fs.copyFileSync(witness.file, path.join(dir, CHECKPOINT_FILE));
  fs.chmodSync(path.join(dir, CHECKPOINT_FILE), 0o600);
  return [CHECKPOINT_FILE];
}

/** Seals pending audit events, verifies the chain, writes the bundle into `dir` and records `evidence.export`. */
/** `witness`: the node's checkpoint file and key; the bundle then holds the checkpoints, the public key, and a chain held to them. */
export async function writeEvidence(
  deps: { dataSource: DataSource; config: Config; now: () => Date; witness?: Witness },
  outDir: string,
  actor: PrivacyActor,
): Promise<EvidenceSummary> {
  const dir = path.resolve(outDir);
  await sealAudit(deps.dataSource); // waits for a busy sealer: everything recorded so far is chained
  const generatedAt = deps.now().toISOString();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const policies = policyFiles(deps.config);
  const models = modelsEvidence(deps.config);
  return deps.dataSource.transaction(async (tx) => {
    const chain = await verifyChain(tx, deps.witness);
    const runs = await retentionStore.recentRuns(tx, RECENT_RUNS);
    const requests = await requestStore.closed(tx);
    const out: Record<string, unknown> = {
      'policies.json': policies,
      'retention-runs.json': runs,
      'requests.json': requests,
      'audit-chain.json': chain,
      'models.json': models,
    };
    const summary = {
      dir,
      generatedAt,
      policies: policies.length,
      retentionRuns: runs.length,
      requests: requests.length,
      chain,
    };
    const copied = deps.witness ? copyCheckpoints(deps.witness, dir, out) : [];
    const files = [...Object.keys(out), ...copied, 'README.txt'];
    for (const [name, value] of Object.entries(out))
      fs.writeFileSync(path.join(dir, name), JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'README.txt'), readme(summary, policies, models, requests), { mode: 0o600 });
    await appendAudit(tx, {
      actor,
      action: 'evidence.export',
      resource: { type: 'AuditLog' },
      details: {
        files: files.length,
        policies: policies.length,
        retentionRuns: runs.length,
        requests: requests.length,
        chainOk: chain.ok,
        checked: chain.checked,
      },
    });
    return { ...summary, files };
  });
}
