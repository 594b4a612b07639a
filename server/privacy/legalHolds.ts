// LegalHold with maker-checker: one compliance officer places or lifts a hold, a second one
// approves; the maker can never approve their own request. A hold stops deletion from the moment
// it is requested (erasure cannot be undone) until its lifting is approved or it ends.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import { AppError, notFound } from '../errors.ts';
import type { PrivacyCtx } from './context.ts';
import { makerChecker } from './errors.ts';
import { findConversation } from './conversations.ts';
import { type HoldDecision, type HoldStatus, holdStore, type LegalHold } from './store/holds.ts';
import { liveSubject } from './subjects.ts';

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const LONG_DIGITS = /\d(?:[\s.-]?\d){5,}/;
/** Staff text that lands in the audit trail: refused if it looks like personal data. */
export const StaffReason = z
  .string()
  .trim()
  .min(3)
  .max(500)
  .refine((r) => !EMAIL.test(r) && !LONG_DIGITS.test(r), {
    message: 'must not contain personal data (emails, long numbers)',
  });

export const PlaceHold = z
  .strictObject({
    scope: z.enum(['subject', 'conversation']),
    subjectId: z.string().optional(),
    conversationId: z.uuid().optional(),
    caseId: z
      .string()
      .regex(/^[A-Za-z0-9_.:/-]{1,64}$/, { message: 'must be a case reference (letters, digits, _.:/-)' }),
    reason: StaffReason,
    endsAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((h) => (h.scope === 'subject' ? h.subjectId && !h.conversationId : h.conversationId && !h.subjectId), {
    message: 'name exactly the subjectId (scope subject) or the conversationId (scope conversation)',
  });
export type PlaceHold = z.infer<typeof PlaceHold>;

export type { HoldStatus, LegalHold };

/** Whether any hold in force covers the subject or any of their conversations. */
export async function subjectUnderHold(ctx: Pick<PrivacyCtx, 'tx' | 'now'>, subjectId: string): Promise<boolean> {
  return holdStore.subjectUnderHold(ctx.tx, subjectId, ctx.now);
}

async function load(ctx: PrivacyCtx, id: string): Promise<LegalHold> {
  const row = await holdStore.lock(ctx.tx, id);
  if (!row) throw notFound('legal hold');
  return row;
}

const audit = (
  ctx: PrivacyCtx,
  hold: Pick<LegalHold, 'id' | 'subjectId' | 'caseId'>,
  action: string,
  reason?: string,
) =>
  appendAudit(ctx.tx, {
    actor: ctx.actor,
    action,
    subjectId: hold.subjectId ?? undefined,
    resource: { type: 'LegalHold', id: hold.id },
    reason,
    requestId: ctx.requestId,
    details: { caseId: hold.caseId },
  });

export async function requestHold(ctx: PrivacyCtx, input: PlaceHold): Promise<LegalHold> {
  const h = PlaceHold.parse(input);
  let subjectId = h.subjectId ?? null;
  if (h.scope === 'subject') await liveSubject(ctx, h.subjectId!);
  else subjectId = (await findConversation(ctx, h.conversationId!)).subjectId;
  const id = randomUUID();
  // A conversation hold's audit event still names the subject, so their trail shows it.
  await holdStore.insert(ctx.tx, {
    id,
    scope: h.scope,
    subjectId: h.scope === 'subject' ? subjectId : null,
    conversationId: h.conversationId ?? null,
    caseId: h.caseId,
    reason: h.reason,
    endsAt: h.endsAt ? new Date(h.endsAt) : null,
    placedBy: ctx.actor.id,
    placedAt: ctx.now,
  });
  await audit(ctx, { id, subjectId, caseId: h.caseId }, 'legal_hold.request', h.reason);
  return load(ctx, id);
}

async function decide(
  ctx: PrivacyCtx,
  id: string,
  expect: HoldStatus,
  makerOf: (h: LegalHold) => string | null,
  decision: HoldDecision,
  action: string,
): Promise<LegalHold> {
  const hold = await load(ctx, id);
  if (hold.status !== expect)
    throw new AppError(409, 'invalid_transition', `This hold is ${hold.status}; it cannot be ${action.split('.')[1]}.`);
  if (makerOf(hold) === ctx.actor.id) throw makerChecker();
  await holdStore.decide(ctx.tx, id, decision, ctx.actor.id, ctx.now);
  await audit(ctx, hold, action);
  return load(ctx, id);
}

export const approveHold = (ctx: PrivacyCtx, id: string) =>
  decide(ctx, id, 'pending', (h) => h.placedBy, 'approve', 'legal_hold.approve');
export const rejectHold = (ctx: PrivacyCtx, id: string) =>
  decide(ctx, id, 'pending', (h) => h.placedBy, 'reject', 'legal_hold.reject');
export const approveLift = (ctx: PrivacyCtx, id: string) =>
  decide(ctx, id, 'lift_pending', (h) => h.liftRequestedBy, 'lift_approve', 'legal_hold.lift_approve');

export async function requestLift(ctx: PrivacyCtx, id: string, reason: string): Promise<LegalHold> {
  const hold = await load(ctx, id);
  if (hold.status !== 'active')
    throw new AppError(409, 'invalid_transition', `This hold is ${hold.status}; only an active hold can be lifted.`);
  const r = StaffReason.parse(reason);
  await holdStore.requestLift(ctx.tx, id, ctx.actor.id, ctx.now);
  await audit(ctx, hold, 'legal_hold.lift_request', r);
  return load(ctx, id);
}

export async function listHolds(
  ctx: PrivacyCtx,
  filter: { status?: HoldStatus; subjectId?: string } = {},
): Promise<LegalHold[]> {
  const rows = await holdStore.list(ctx.tx, filter);
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'legal_hold.list',
    resource: { type: 'LegalHold' },
    requestId: ctx.requestId,
    details: { returned: rows.length },
  });
  return rows;
}
