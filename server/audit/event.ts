// The shape of one audit event and its canonical encoding. Audit rows hold pseudonymous ids,
// codes and counts, never message text or personal data: the schema refuses free text.
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const ACTOR_TYPES = ['staff', 'visitor', 'system', 'anonymous', 'api_key'] as const;
export const OUTCOMES = ['success', 'failure', 'denied'] as const;

const identifier = z.string().regex(/^[A-Za-z0-9_.:@/-]{1,128}$/, { message: 'must be an identifier, not free text' });
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const LONG_DIGITS = /\d(?:[\s.-]?\d){5,}/;

export const AuditEventInput = z.object({
  actor: z.object({ type: z.enum(ACTOR_TYPES), id: identifier }),
  action: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, { message: 'must look like resource.verb' }),
  subjectId: identifier.optional(),
  resource: z.object({ type: z.string().regex(/^[A-Z][A-Za-z]{1,63}$/), id: identifier.optional() }).optional(),
  purpose: identifier.optional(),
  /** A staff member's stated reason: short text, refused if it looks like it carries personal data. */
  reason: z
    .string()
    .min(1)
    .max(500)
    .refine((r) => !EMAIL.test(r) && !LONG_DIGITS.test(r), {
      message: 'reason must not contain personal data (emails, long numbers)',
    })
    .optional(),
  outcome: z.enum(OUTCOMES).default('success'),
  requestId: identifier.optional(),
  details: z
    .record(
      z.string().regex(/^[a-z][A-Za-z0-9_]{0,63}$/),
      z.union([z.number().finite(), z.boolean(), identifier, z.null()]),
    )
    .default({}),
});
export type AuditEventInput = z.input<typeof AuditEventInput>;
/** An event that passed AuditEventInput (parse it once, e.g. where it is queued). */
export type ParsedAuditEvent = z.output<typeof AuditEventInput>;
type ParsedInput = ParsedAuditEvent;

/** A stored event, as read back from audit_events. Chain fields are null until it is sealed. */
export interface AuditEvent {
  /** recorded order (assigned at insert). */
  seq: string;
  id: string;
  occurredAt: Date;
  actorType: (typeof ACTOR_TYPES)[number];
  actorId: string;
  action: string;
  subjectId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  purpose: string | null;
  reason: string | null;
  outcome: (typeof OUTCOMES)[number];
  requestId: string | null;
  details: Record<string, number | boolean | string | null>;
  /** position in the hash chain, set by the sealer. */
  chainSeq: string | null;
  prevHash: string | null;
  hash: string | null;
}

export type RecordedFields = Omit<AuditEvent, 'seq' | 'chainSeq' | 'prevHash' | 'hash'>;

export function toRecord(id: string, occurredAt: Date, e: ParsedInput): RecordedFields {
  return {
    id,
    occurredAt,
    actorType: e.actor.type,
    actorId: e.actor.id,
    action: e.action,
    subjectId: e.subjectId ?? null,
    resourceType: e.resource?.type ?? null,
    resourceId: e.resource?.id ?? null,
    purpose: e.purpose ?? null,
    reason: e.reason ?? null,
    outcome: e.outcome,
    requestId: e.requestId ?? null,
    details: e.details,
  };
}

function canonicalDetails(details: AuditEvent['details']): string {
  return JSON.stringify(
    Object.keys(details)
      .sort()
      .map((k) => [k, details[k] ?? null]),
  );
}

/** SHA-256 over a fixed-order JSON array of every field, the chain position and the previous hash (format v1). */
export function hashEvent(row: Omit<AuditEvent, 'hash'> & { chainSeq: string; prevHash: string }): string {
  const canonical = JSON.stringify([
    'v1',
    row.chainSeq,
    row.seq,
    row.id,
    row.occurredAt.toISOString(),
    row.actorType,
    row.actorId,
    row.action,
    row.subjectId,
    row.resourceType,
    row.resourceId,
    row.purpose,
    row.reason,
    row.outcome,
    row.requestId,
    canonicalDetails(row.details),
    row.prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export const AUDIT_COLUMNS = `seq::text AS seq, id, occurred_at AS "occurredAt", actor_type AS "actorType", actor_id AS "actorId",
  action, subject_id AS "subjectId", resource_type AS "resourceType", resource_id AS "resourceId", purpose, reason,
  outcome, request_id AS "requestId", details, chain_seq::text AS "chainSeq", prev_hash AS "prevHash", hash`;
