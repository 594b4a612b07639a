// The routing policy (policies/routing.yaml) as one zod schema with its type inferred beside it.
// Cross-field rules the schema cannot say alone (a target named in a chain exists; a `local` rule
// lists no cloud target unless it allows cloud fallback) are refinements, so a bad file is refused
// at load with a path, never discovered on a visitor's message.
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ENTITY_TYPES } from '../redaction/types.ts';
import { ModelPool, poolMisdeclared } from './pools.ts';

export const PROVIDER_NAMES = ['llamacpp', 'ollama', 'openai', 'extractive'] as const;
export const ACTIONS = ['local', 'cloud', 'block', 'human'] as const;
export const SENSITIVITIES = ['low', 'normal', 'high'] as const;
export type RouteAction = (typeof ACTIONS)[number];
export type Sensitivity = (typeof SENSITIVITIES)[number];

const id = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { message: 'must be a lower-case identifier' });

export const RoutingTarget = z.strictObject({
  provider: z.enum(PROVIDER_NAMES),
  model: z.string().min(1).max(200),
  location: z.enum(['local', 'cloud']),
  /** the model's context in tokens: longer conversations keep the system prompt and newest turns */
  contextTokens: z.number().int().min(64).max(10_000_000).optional(),
  /** an OpenAI-compatible pool declared under `pools` (provider openai); absent: the provider's own settings */
  pool: id.optional(),
});
export type RoutingTarget = z.infer<typeof RoutingTarget>;

export const RuleCondition = z.strictObject({
  /** matches when the request holds at least one of these entity types */
  entitiesAny: z.array(z.enum(ENTITY_TYPES)).min(1).optional(),
  /** true: some personal data was found; false: none */
  hasEntities: z.boolean().optional(),
  /** the visitor's cloud consent (or the API key's allow_cloud) */
  cloudAllowed: z.boolean().optional(),
  sites: z.array(z.string().min(1)).min(1).optional(),
  sensitivity: z.array(z.enum(SENSITIVITIES)).min(1).optional(),
  redaction: z.enum(['ok', 'failed']).optional(),
});
export type RuleCondition = z.infer<typeof RuleCondition>;

export const RoutingRule = z.strictObject({
  id,
  when: RuleCondition.default({}),
  action: z.enum(ACTIONS),
  /** ordered fallback chain of target ids (local and cloud actions) */
  chain: z.array(id).default([]),
  /** a `local` rule may fall back to cloud targets only when this is true */
  allowCloudFallback: z.boolean().default(false),
});
export type RoutingRule = z.infer<typeof RoutingRule>;

export const RetryPolicy = z.strictObject({
  rateLimit: z.number().int().min(0).max(10).default(2),
  timeout: z.number().int().min(0).max(10).default(1),
  serverError: z.number().int().min(0).max(10).default(2),
  backoffMs: z.number().int().min(0).max(60_000).default(250),
  maxBackoffMs: z.number().int().min(0).max(300_000).default(5_000),
  /** a Retry-After longer than this moves on to the next target instead of waiting */
  maxRetryAfterMs: z.number().int().min(0).max(300_000).default(10_000),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

const BudgetLimit = z.strictObject({
  limit: z.number().int().min(0),
  windowSeconds: z
    .number()
    .int()
    .min(1)
    .max(31 * 86_400),
});
/** per site (or per caller without a site); over either, cloud targets are skipped */
export const CloudBudgets = z.strictObject({
  cloudTokens: BudgetLimit.optional(),
  cloudRequests: BudgetLimit.optional(),
});
export type CloudBudgets = z.infer<typeof CloudBudgets>;

/** How conversations are fitted into a target's window (see gateway/model/context.ts). */
export const ContextPolicy = z.strictObject({
  /** the window's room kept for the answer when a request names no max_tokens (at most a quarter of the window) */
  answerTokens: z.number().int().min(16).max(1_000_000).default(512),
  /** earlier turns that do not fit: quoted shortened in one message (true) or left out (false) */
  summary: z.boolean().default(false),
});
export type ContextPolicy = z.infer<typeof ContextPolicy>;

export const RoutingPolicyFile = z
  .strictObject({
    version: z.literal(1),
    /** OpenAI-compatible endpoints by name (see pools.ts); read at start: a change needs a restart */
    pools: z.record(id, ModelPool).default({}),
    targets: z.record(id, RoutingTarget),
    retries: RetryPolicy.default(RetryPolicy.parse({})),
    cooldown: z
      .strictObject({ failures: z.number().int().min(1).max(100), seconds: z.number().int().min(1).max(3600) })
      .default({ failures: 3, seconds: 30 }),
    timeouts: z
      .strictObject({
        firstTokenMs: z.number().int().min(100).max(600_000),
        totalMs: z.number().int().min(100).max(3_600_000),
      })
      .default({ firstTokenMs: 20_000, totalMs: 120_000 }),
    budgets: CloudBudgets.default({}),
    context: ContextPolicy.default(ContextPolicy.parse({})),
    rules: z.array(RoutingRule).min(1),
  })
  .superRefine((p, ctx) => {
    checkPools(p.pools, p.targets, ctx);
    const seen = new Set<string>();
    p.rules.forEach((rule, i) => {
      if (seen.has(rule.id))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id ${rule.id}` });
      seen.add(rule.id);
      const routed = rule.action === 'local' || rule.action === 'cloud';
      if (routed && rule.chain.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'chain'],
          message: `a ${rule.action} rule needs a chain of targets`,
        });
      if (!routed && rule.chain.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'chain'],
          message: `a ${rule.action} rule sends nothing to a model: remove its chain`,
        });
      rule.chain.forEach((t, j) => {
        const target = p.targets[t];
        if (!target)
          return ctx.addIssue({ code: 'custom', path: ['rules', i, 'chain', j], message: `unknown target ${t}` });
        if (rule.action === 'local' && target.location === 'cloud' && !rule.allowCloudFallback) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'chain', j],
            message: `cloud target ${t} in a local rule needs allowCloudFallback: true`,
          });
        }
      });
      if (rule.action === 'cloud' && rule.when.cloudAllowed !== true) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'when', 'cloudAllowed'],
          message: 'a cloud rule must require cloudAllowed: true',
        });
      }
    });
    const last = p.rules.at(-1);
    if (last && Object.keys(last.when).length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['rules', p.rules.length - 1, 'when'],
        message: 'the last rule must match everything (no `when`)',
      });
  });
export type RoutingPolicyFile = z.infer<typeof RoutingPolicyFile>;

/** A pool's locality is the truth: a target says the same, and a pool cannot pass for local (see pools.ts). */
function checkPools(pools: Record<string, ModelPool>, targets: Record<string, RoutingTarget>, ctx: z.RefinementCtx) {
  const localities = new Map<string, string>();
  for (const [name, pool] of Object.entries(pools)) {
    const problem = poolMisdeclared(pool);
    if (problem) ctx.addIssue({ code: 'custom', path: ['pools', name, 'locality'], message: problem });
    pool.baseURLs.forEach((url, i) => {
      const other = localities.get(url);
      if (other)
        ctx.addIssue({
          code: 'custom',
          path: ['pools', name, 'baseURLs', i],
          message: `${url} is already in pool ${other}`,
        });
      localities.set(url, name);
    });
  }
  for (const [id, target] of Object.entries(targets)) {
    if (target.pool === undefined) continue;
    const pool = pools[target.pool];
    if (!pool) ctx.addIssue({ code: 'custom', path: ['targets', id, 'pool'], message: `unknown pool ${target.pool}` });
    else if (target.provider !== 'openai')
      ctx.addIssue({
        code: 'custom',
        path: ['targets', id, 'provider'],
        message: `a target of pool ${target.pool} has provider: openai`,
      });
    else if (pool.locality !== target.location) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets', id, 'location'],
        message: `target ${id} says ${target.location} but pool ${target.pool} is declared ${pool.locality}`,
      });
    }
  }
}

/** A validated policy plus the SHA-256 of the file's bytes: every decision names it. */
export interface RoutingPolicy extends RoutingPolicyFile {
  hash: string;
}

export class RoutingPolicyError extends Error {
  override name = 'RoutingPolicyError';
  constructor(
    message: string,
    /** every problem by its path in the file (`targets.local.window`): a draft check shows them all */
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
  }
}

export function parseRoutingPolicy(yamlText: string): RoutingPolicy {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (error) {
    const problem = `not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : 'parse error'}`;
    throw new RoutingPolicyError(problem, [{ path: '(yaml)', message: problem }]);
  }
  const parsed = RoutingPolicyFile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
    throw new RoutingPolicyError(
      issues
        .slice(0, 5)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; '),
      issues,
    );
  }
  return { ...parsed.data, hash: createHash('sha256').update(yamlText).digest('hex') };
}
