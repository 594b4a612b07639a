// The admin's view of the running system: the policy files (and a draft checked against the
// appliance's own parser), the model targets as this node sees them, and the system's state. The
// server answers these shapes; the console checks every answer against them.
import { z } from 'zod';

/** The policy files the appliance reads, each with the parser it runs at start. */
export const POLICY_FILES = [
  'routing.yaml',
  'consent.yaml',
  'retention.yaml',
  'sites.yaml',
  'redaction.yaml',
  'sso.yaml',
  'kb-synonyms.yaml',
] as const;
export type PolicyFileName = (typeof POLICY_FILES)[number];

/** A draft is at most this many bytes of UTF-8 (the largest file shown in full). */
export const POLICY_DRAFT_MAX_BYTES = 256 * 1024;

export const PolicyView = z.object({
  name: z.string(),
  sha256: z.string(),
  bytes: z.number(),
  modifiedAt: z.string(),
  text: z.string().nullable(),
  /** SHA-256 of what is in force: null for a file the appliance did not read at start */
  inForce: z.string().nullable(),
  /** when what is in force was read: at start, or (routing) the reload that took it */
  loadedAt: z.string().nullable(),
  reloads: z.enum(['while running', 'at start']),
  changedOnDisk: z.boolean(),
});
export type PolicyView = z.infer<typeof PolicyView>;
export const PoliciesAnswer = z.object({ directory: z.string(), policies: z.array(PolicyView) });

/** `file` is checked against POLICY_FILES by the route (an unknown name has its own error id). */
export const PolicyDraft = z.strictObject({ file: z.string().min(1).max(100), text: z.string() });
export type PolicyDraft = z.infer<typeof PolicyDraft>;

export const PolicyIssue = z.object({ path: z.string(), message: z.string() });
export const PolicyCheckAnswer = z.object({
  file: z.enum(POLICY_FILES),
  valid: z.boolean(),
  /** every problem the start-up parser finds, by its path in the file (at most 100) */
  errors: z.array(PolicyIssue),
  sha256: z.string(),
  bytes: z.number(),
});
export type PolicyCheckAnswer = z.infer<typeof PolicyCheckAnswer>;

export const TARGET_STATES = ['ready', 'loading', 'cooling_down', 'down', 'not_configured'] as const;
export type TargetState = (typeof TARGET_STATES)[number];

export const HostHealth = z.object({ url: z.string(), healthy: z.boolean(), outstanding: z.number() });

export const ModelTarget = z.object({
  id: z.string(),
  provider: z.string(),
  model: z.string(),
  location: z.enum(['local', 'cloud']),
  pool: z.string().nullable(),
  state: z.enum(TARGET_STATES),
  /** what put a resting target to rest (a failure cause), else null */
  cause: z.string().nullable(),
  /** the in-process model's load (llamacpp), else null */
  load: z.enum(['idle', 'loading', 'loaded', 'failed']).nullable(),
  /** the hosts behind a pool (or Ollama's), else null */
  hosts: z.array(HostHealth).nullable(),
  /** this node, the last hour: requests answered or failed, latency percentiles (ms), failed attempts */
  lastHour: z.object({
    requests: z.number(),
    p50Ms: z.number().nullable(),
    p95Ms: z.number().nullable(),
    errors: z.number(),
  }),
});
export type ModelTarget = z.infer<typeof ModelTarget>;

export const BudgetUse = z.object({
  /** a site (`site:web`), an API key or staff member by id, or `anonymous`: never a visitor */
  key: z.string(),
  kind: z.enum(['requests', 'tokens']),
  used: z.number(),
  limit: z.number(),
  windowSeconds: z.number(),
  windowStart: z.string(),
});

export const ModelTargetsAnswer = z.object({
  node: z.string(),
  /** the rolling window the per-target figures cover, in seconds (kept in this node's memory) */
  windowSeconds: z.number(),
  policyHash: z.string(),
  targets: z.array(ModelTarget),
  /** cloud budgets per key in their current window (every node counts in the database) */
  budgets: z.object({
    limits: z.array(z.object({ kind: z.enum(['requests', 'tokens']), limit: z.number(), windowSeconds: z.number() })),
    use: z.array(BudgetUse),
  }),
  /** this node, the last hour: answers from the cache against cacheable requests (null: none) */
  answerCache: z.object({ hits: z.number(), misses: z.number(), hitRate: z.number().nullable() }),
});
export type ModelTargetsAnswer = z.infer<typeof ModelTargetsAnswer>;

export const Setting = z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean(), z.null()]) });
export type Setting = z.infer<typeof Setting>;

export const SystemAnswer = z.object({
  version: z.string(),
  node: z.string(),
  nodeVersion: z.string(),
  startedAt: z.string(),
  database: z.object({ kind: z.enum(['pglite', 'postgres']), serverVersion: z.string().nullable() }),
  cluster: z.object({ bus: z.enum(['redis', 'postgres', 'process']) }),
  audit: z.object({
    head: z.object({ seq: z.string(), hash: z.string() }),
    unsealed: z.number(),
    /** the last `audit verify` by anyone (console or CLI audit event), else null */
    lastVerify: z.object({ at: z.string(), ok: z.boolean(), checked: z.number().nullable() }).nullable(),
  }),
  retention: z.object({
    intervalSeconds: z.number(),
    /** this node's next run (null: the timer is off, runs are started by `palisade retention run`) */
    nextRunAt: z.string().nullable(),
    lastRun: z.object({ at: z.string(), status: z.string() }).nullable(),
  }),
  /** named settings from an allow-list: never a secret, a key, a password or a URL that may hold one */
  settings: z.array(Setting),
});
export type SystemAnswer = z.infer<typeof SystemAnswer>;
