import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { ACTOR_TYPES, type AuditEvent, OUTCOMES } from './event.ts';
import { auditStore } from './store.ts';

const identifier = z.string().regex(/^[A-Za-z0-9_.:@/-]{1,128}$/, { message: 'must be an identifier' });
const TIME_MESSAGE = 'must be an ISO 8601 time, e.g. 2026-11-23T10:00:00Z';
// Postgres has no year 0 (1 BC follows AD 1): refused here rather than failing in SQL as a 500.
const isoTime = z.iso
  .datetime({ offset: true, message: TIME_MESSAGE })
  .refine((v) => !v.startsWith('0000'), { message: TIME_MESSAGE });
const MAX_BIGINT = 9223372036854775807n;

/** Filters shared by the query API, the export API and `palisade audit export`. */
export const AuditFilter = z
  .object({
    from: isoTime.optional(),
    to: isoTime.optional(),
    actorType: z.enum(ACTOR_TYPES).optional(),
    actorId: identifier.optional(),
    subjectId: identifier.optional(),
    action: z
      .string()
      .regex(/^[a-z][a-z0-9_.]*\*?$/, { message: 'must be an action such as auth.login, or a prefix ending in *' })
      .optional(),
    resourceType: z
      .string()
      .regex(/^[A-Z][A-Za-z]{1,63}$/, { message: 'must be a resource type such as StaffUser' })
      .optional(),
    resourceId: identifier.optional(),
    outcome: z.enum(OUTCOMES).optional(),
  })
  .strict();
export type AuditFilter = z.infer<typeof AuditFilter>;

export const AuditPage = AuditFilter.extend({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z
    .string()
    .regex(/^[0-9]{1,19}$/, { message: 'must be a cursor returned by a previous page' })
    .refine((v) => !/^[0-9]+$/.test(v) || BigInt(v) <= MAX_BIGINT, {
      message: 'must be a cursor returned by a previous page',
    }) // seq is a bigint
    .optional(),
}).strict();
export type AuditPage = z.infer<typeof AuditPage>;

/** Newest first; the cursor is the seq of the last event on the previous page. */
export async function queryAudit(
  db: EntityManager,
  page: AuditPage,
): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
  const { limit, cursor, ...filter } = page;
  const rows = await auditStore.newestEvents(db, filter, { beforeSeq: cursor, limit: limit + 1 });
  const more = rows.length > limit;
  const events = more ? rows.slice(0, limit) : rows;
  return { events, nextCursor: more ? (events[events.length - 1]?.seq ?? null) : null };
}

/** Oldest first, in pages, for exports of any size without holding them in memory. */
export async function* iterateAudit(
  db: EntityManager,
  filter: AuditFilter,
  pageSize = 1000,
): AsyncGenerator<AuditEvent> {
  let after = '0';
  for (;;) {
    const rows = await auditStore.eventsAfter(db, filter, after, pageSize);
    for (const row of rows) yield row;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.seq;
  }
}
