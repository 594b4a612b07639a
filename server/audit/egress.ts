// "Where data went": the gateway's model.request records (the end of each call, not its start)
// summed per day, target and route (local, cloud, human), with the redacted entity counts. Counts
// and identifiers only: a model call's record never holds text.
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { auditStore } from './store.ts';

const knownZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time, e.g. 2026-11-23T10:00:00Z' });
export const EgressQuery = z.strictObject({
  from: isoTime,
  to: isoTime,
  timeZone: z
    .string()
    .regex(/^[A-Za-z_+\-/0-9]{1,64}$/)
    .refine(knownZone, { message: 'must be an IANA time zone such as Europe/Zurich' })
    .default('UTC'),
});
export type EgressQuery = z.infer<typeof EgressQuery>;

export interface EgressRow {
  day: string;
  target: string;
  route: string;
  requests: number;
  tokensIn: number;
  tokensOut: number;
  entities: number;
  failed: number;
}

/** Per day (in `timeZone`), target and route, newest day first. */
export async function egressByDay(tx: Pick<EntityManager, 'query'>, q: EgressQuery): Promise<EgressRow[]> {
  const rows = await auditStore.egressByDay(tx, q);
  return rows.map((r) => ({
    day: String(r.day),
    target: String(r.target),
    route: String(r.route),
    requests: Number(r.requests),
    tokensIn: Number(r.tokensIn),
    tokensOut: Number(r.tokensOut),
    entities: Number(r.entities),
    failed: Number(r.failed),
  }));
}
