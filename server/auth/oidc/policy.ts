// The single sign-on policy (policies/sso.yaml): which claim carries the user's groups, and which
// group gives which staff role. Read and checked at start; a bad file stops the start.
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ROLES, type Role } from '../../db/entities.ts';
import { POLICIES_DIR, PolicyInvalid, readPolicyFile } from '../../policies.ts';

export const SsoPolicy = z
  .object({
    claim: z.string().regex(/^[A-Za-z0-9_:./-]{1,100}$/, { message: 'must be a claim name' }),
    roles: z
      .array(z.object({ group: z.string().min(1).max(256), role: z.enum(ROLES) }).strict())
      .min(1, { message: 'needs at least one group → role rule' }),
  })
  .strict();
export type SsoPolicy = z.infer<typeof SsoPolicy>;

export function parseSsoPolicy(text: string): SsoPolicy {
  const parsed = SsoPolicy.safeParse(parseYaml(text));
  if (!parsed.success) throw new PolicyInvalid(parsed.error.issues);
  return parsed.data;
}

export const loadSsoPolicy = (dir = POLICIES_DIR): SsoPolicy =>
  readPolicyFile(path.join(dir, 'sso.yaml'), parseSsoPolicy);

/** The role of the first rule whose group the claim lists (a string or an array of strings), or null. */
export function roleFromClaims(policy: SsoPolicy, claims: Record<string, unknown>): Role | null {
  const value = claims[policy.claim];
  const groups = new Set(
    Array.isArray(value)
      ? value.filter((g): g is string => typeof g === 'string')
      : typeof value === 'string'
        ? [value]
        : [],
  );
  return policy.roles.find((r) => groups.has(r.group))?.role ?? null;
}
