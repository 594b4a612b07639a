// Data-subject requests (access/export, erasure, rectification): received → identity_verified →
// in_progress → done | refused (with a reason). The due date comes from the retention policy
// (default 30 days); open requests near or past it are listed for the compliance console.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import { notFound } from '../errors.ts';
import type { PrivacyCtx } from './context.ts';
import { aad, openOrFail } from './conversations.ts';
import { openText, sealText } from './envelope.ts';
import { invalidTransition } from './errors.ts';
import { StaffReason } from './legalHolds.ts';
import type { RetentionPolicy } from './retentionPolicy.ts';
import { DSR_STATES, DSR_TYPES, type DsrState, requestStore, type SubjectRequest } from './store/requests.ts';
import { subjectKey } from './subjectKeys.ts';
import { liveSubject } from './subjects.ts';

export { DSR_STATES, DSR_TYPES, type DsrState, type SubjectRequest };

export const CreateRequest = z.strictObject({
  subjectId: z.string().regex(/^sub_[a-z0-9]{16,40}$/, { message: 'must be a data subject id (sub_…)' }),
  type: z.enum(DSR_TYPES),
  channel: z.enum(['console', 'widget', 'cli']).default('console'),
  /** what the subject asked for in their words (rectification): stored encrypted under their key. */
  details: z.string().min(1).max(4000).optional(),
});
export type CreateRequest = z.input<typeof CreateRequest>;

export const TransitionRequest = z.strictObject({ to: z.enum(DSR_STATES), reason: StaffReason.optional() });
export type TransitionRequest = z.infer<typeof TransitionRequest>;

const NEXT: Record<DsrState, DsrState[]> = {
  received: ['identity_verified', 'refused'],
  identity_verified: ['in_progress', 'refused'],
  in_progress: ['done', 'refused'],
  done: [],
  refused: [],
};

const audit = (
  ctx: PrivacyCtx,
  r: Pick<SubjectRequest, 'id' | 'subjectId' | 'type'>,
  action: string,
  extra: Record<string, string | number | null> = {},
  reason?: string,
) =>
  appendAudit(ctx.tx, {
    actor: ctx.actor,
    action,
    subjectId: r.subjectId,
    resource: { type: 'SubjectRequest', id: r.id },
    reason,
    requestId: ctx.requestId,
    details: { type: r.type, ...extra },
  });

export async function createRequest(
  ctx: PrivacyCtx,
  policy: RetentionPolicy,
  input: CreateRequest,
): Promise<SubjectRequest> {
  const r = CreateRequest.parse(input);
  await liveSubject(ctx, r.subjectId);
  const id = randomUUID();
  const dueAt = new Date(ctx.now.getTime() + policy.requests.dueDays * 86_400_000);
  const details = r.details ? sealText(await subjectKey(ctx, r.subjectId), r.details, aad.dsrDetails(id)) : null;
  await requestStore.insert(ctx.tx, {
    id,
    subjectId: r.subjectId,
    type: r.type,
    channel: r.channel,
    createdBy: `${ctx.actor.type}:${ctx.actor.id}`,
    receivedAt: ctx.now,
    dueAt,
    details,
  });
  await audit(ctx, { id, subjectId: r.subjectId, type: r.type }, 'dsr.create', {
    channel: r.channel,
    dueDays: policy.requests.dueDays,
  });
  return getRequest(ctx, id);
}

export async function getRequest(ctx: Pick<PrivacyCtx, 'tx'>, id: string, lock = false): Promise<SubjectRequest> {
  const row = await requestStore.find(ctx.tx, id, lock);
  if (!row) throw notFound('request');
  return row;
}

/** The subject's own words, decrypted (an audited read); null once they are erased. */
export async function readRequestDetails(ctx: PrivacyCtx, id: string): Promise<string | null> {
  const r = await getRequest(ctx, id);
  const sealed = await requestStore.details(ctx.tx, id);
  if (!sealed) return null;
  const key = await subjectKey(ctx, r.subjectId);
  const text = openOrFail(() => openText(key, sealed, aad.dsrDetails(id)));
  await audit(ctx, r, 'dsr.read_details');
  return text;
}

export async function transitionRequest(
  ctx: PrivacyCtx,
  id: string,
  input: TransitionRequest,
): Promise<SubjectRequest> {
  const { to, reason } = TransitionRequest.parse(input);
  const r = await getRequest(ctx, id, true);
  if (!NEXT[r.state].includes(to)) throw invalidTransition(r.state, to);
  // Access and erasure finish by being executed (export, erasure job), which writes their receipt.
  if (to === 'done' && r.type !== 'rectification') throw invalidTransition(r.state, to);
  if (to === 'refused' && !reason) throw invalidTransition(r.state, 'refused without a reason');
  const final = to === 'done' || to === 'refused';
  await requestStore.setState(ctx.tx, id, {
    state: to,
    now: ctx.now,
    completedAt: final ? ctx.now : null,
    refusedReason: to === 'refused' ? (reason ?? null) : null,
  });
  await audit(ctx, r, `dsr.${to}`, { from: r.state }, reason);
  return getRequest(ctx, id);
}

/** Marks an executed request done with its receipt (counts and ids only). */
export async function completeRequest(
  ctx: PrivacyCtx,
  id: string,
  receipt: Record<string, unknown>,
): Promise<SubjectRequest> {
  const r = await getRequest(ctx, id, true);
  if (r.state !== 'in_progress') throw invalidTransition(r.state, 'done');
  await requestStore.complete(ctx.tx, id, ctx.now, receipt);
  await audit(ctx, r, 'dsr.complete');
  return getRequest(ctx, id);
}

export const ListRequests = z.strictObject({
  state: z.enum(DSR_STATES).optional(),
  subjectId: z.string().optional(),
  /** near: open and due within the policy's nearDueDays (overdue included); overdue: open and past due. */
  due: z.enum(['near', 'overdue']).optional(),
});
export type ListRequests = z.infer<typeof ListRequests>;

export async function listRequests(
  ctx: PrivacyCtx,
  policy: RetentionPolicy,
  filter: ListRequests,
): Promise<(SubjectRequest & { overdue: boolean })[]> {
  const horizon =
    filter.due === 'near'
      ? new Date(ctx.now.getTime() + policy.requests.nearDueDays * 86_400_000)
      : filter.due === 'overdue'
        ? ctx.now
        : null;
  const rows = await requestStore.list(ctx.tx, { state: filter.state, subjectId: filter.subjectId, dueBy: horizon });
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'dsr.list',
    resource: { type: 'SubjectRequest' },
    requestId: ctx.requestId,
    details: { returned: rows.length, due: filter.due ?? null },
  });
  return rows.map((r) => ({ ...r, overdue: r.state !== 'done' && r.state !== 'refused' && r.dueAt < ctx.now }));
}
