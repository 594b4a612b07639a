// The redaction policy (policies/redaction.yaml) as one zod schema. The server reads the file and
// hands the text to loadRedactionPolicyFromYamlText; a bad file is a clear error naming the path.
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { OPERATOR_NAMES, type OperatorName } from './operators/operator.ts';
import { ENTITY_TYPES } from './types.ts';

const EntityRule = z.strictObject({
  operator: z.enum(OPERATOR_NAMES),
  /** findings scoring below this are ignored (0..1; above 1 switches the entity off). */
  threshold: z.number().min(0).max(1.01),
});

const EntityOverride = EntityRule.partial();

const AllowEntry = z.strictObject({
  /** a value that is not personal data (the company's own hotline); compared after normalisation. */
  value: z.string().min(1).max(500),
  /** restrict to one entity type; absent: suppress whatever type the value is detected as. */
  type: z.enum(ENTITY_TYPES).optional(),
  note: z.string().optional(),
});

const DenyEntry = z.strictObject({
  /** always redacted wherever it appears (case-insensitive, NFKC), reported as `type`. */
  term: z.string().trim().min(2).max(200),
  type: z.enum(ENTITY_TYPES),
  note: z.string().optional(),
});

const OutputRule = z.strictObject({
  /** mask cards, e-mail addresses, IBANs, phones, SSNs, CN ids and IPs the model wrote itself */
  maskIdentifiers: z.boolean().default(true),
});

export const RedactionPolicy = z.strictObject({
  version: z.literal(1),
  default: EntityRule,
  entities: z.partialRecord(z.enum(ENTITY_TYPES), EntityOverride).default({}),
  allow: z.array(AllowEntry).default([]),
  deny: z.array(DenyEntry).default([]),
  output: OutputRule.default({ maskIdentifiers: true }),
  /** keep: a place or organisation name is redacted only as part of an address, beside a person's
   *  name or after words that make it the visitor's own ("I live in"); redact: wherever found */
  placesAndOrganisations: z.enum(['keep', 'redact']).default('keep'),
});
export type RedactionPolicy = z.infer<typeof RedactionPolicy>;
export type EntityRule = z.infer<typeof EntityRule>;

export class RedactionPolicyError extends Error {
  override readonly name = 'RedactionPolicyError';
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`redaction policy: ${path}: ${detail}`);
  }
}

/** Validates an already-parsed value; throws RedactionPolicyError naming the first bad path. */
export function parseRedactionPolicy(input: unknown): RedactionPolicy {
  const parsed = RedactionPolicy.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join('.') || '(root)';
  throw new RedactionPolicyError(path, issue?.message ?? 'invalid');
}

/** YAML text → policy. Duplicate keys and YAML syntax errors are errors, never last-one-wins. */
export function loadRedactionPolicyFromYamlText(text: string): RedactionPolicy {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) throw new RedactionPolicyError('(yaml)', yamlError.message);
  return parseRedactionPolicy(doc.toJS());
}

/** The rule that applies to one entity type: its override merged over the default. */
export function ruleFor(policy: RedactionPolicy, type: (typeof ENTITY_TYPES)[number]): EntityRule {
  return { ...policy.default, ...policy.entities[type] };
}

/** Same policy with one operator for every entity (for `palisade redact --operator mask`). */
export function withOperator(policy: RedactionPolicy, operator: OperatorName): RedactionPolicy {
  const entities = Object.fromEntries(
    Object.entries(policy.entities).map(([type, rule]) => [type, { ...rule, operator }]),
  );
  return { ...policy, default: { ...policy.default, operator }, entities };
}
