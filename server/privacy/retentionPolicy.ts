// policies/retention.yaml: zod schema, typed value, hash. A bad file is a PolicyFileError naming
// the file and the path of the first problem, never a silent default.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { POLICIES_DIR, PolicyFileError } from '../policies.ts';

const Duration = z
  .string()
  .regex(/^[1-9]\d{0,5}[hd]$/, { message: 'must be a duration like 12h or 90d' })
  .transform((v) => Number(v.slice(0, -1)) * (v.endsWith('h') ? 3_600_000 : 86_400_000));

export const DELETABLE = ['messages', 'attachments', 'vault_mappings', 'conversations', 'consent_records'] as const;
export type DeletableCategory = (typeof DELETABLE)[number];
const CLASS_CATEGORIES = ['messages', 'attachments', 'vault_mappings', 'conversations'] as const;

export const RetentionPolicyFile = z.strictObject({
  version: z.literal(1),
  requests: z.strictObject({ dueDays: z.number().int().min(1).max(90), nearDueDays: z.number().int().min(0).max(60) }),
  batchSize: z.number().int().min(1).max(10_000).default(500),
  categories: z.strictObject({
    messages: Duration,
    attachments: Duration,
    vault_mappings: Duration,
    conversations: Duration,
    consent_records: Duration,
    audit_log: Duration,
    kb_feedback: Duration,
  }),
  classes: z.record(
    z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, { message: 'class names are lower_snake_case' }),
    z.strictObject(
      Object.fromEntries(CLASS_CATEGORIES.map((c) => [c, Duration.optional()])) as Record<
        (typeof CLASS_CATEGORIES)[number],
        z.ZodOptional<typeof Duration>
      >,
    ),
  ),
});
export type RetentionPolicyFile = z.infer<typeof RetentionPolicyFile>;

export interface RetentionPolicy extends RetentionPolicyFile {
  /** SHA-256 of the file's bytes: recorded with every run, shown in evidence. */
  hash: string;
  file: string;
}

export const DEFAULT_RETENTION_FILE = path.join(POLICIES_DIR, 'retention.yaml');

export function parseRetentionPolicy(text: string, file: string): RetentionPolicy {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (err) {
    const problem = `not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    throw new PolicyFileError(file, problem, [{ path: '(yaml)', message: problem }]);
  }
  const parsed = RetentionPolicyFile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.') || '(root)',
      message: i.message,
    }));
    throw new PolicyFileError(file, `at ${issues[0]!.path}: ${issues[0]!.message}`, issues);
  }
  if (parsed.data.requests.nearDueDays >= parsed.data.requests.dueDays) {
    const issue = { path: 'requests.nearDueDays', message: 'must be less than requests.dueDays' };
    throw new PolicyFileError(file, `at ${issue.path}: ${issue.message}`, [issue]);
  }
  return { ...parsed.data, hash: createHash('sha256').update(text).digest('hex'), file };
}

export function loadRetentionPolicy(file = DEFAULT_RETENTION_FILE): RetentionPolicy {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new PolicyFileError(file, 'cannot be read');
  }
  return parseRetentionPolicy(text, file);
}

/** Milliseconds a category of a conversation's retention class is kept (unknown classes: the defaults). */
export function retentionMs(policy: RetentionPolicyFile, category: DeletableCategory, retentionClass?: string): number {
  const override =
    retentionClass && category !== 'consent_records' ? policy.classes[retentionClass]?.[category] : undefined;
  return override ?? policy.categories[category];
}
