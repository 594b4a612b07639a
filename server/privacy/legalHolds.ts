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
import { liveSubject } from './subjects.ts';

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const LONG_DIGITS = /\d(?:[\s.-]?\d){5,}/;
/** Staff text that lands in the audit trail: refused if it looks like personal data. */
export const StaffReason = z.string().trim().min(3).max(500).refine((r) => !EMAIL.test(r) && !LONG_DIGITS.test(r), { message: 'must not contain personal data (emails, long numbers)' });

export const PlaceHold = z.strictObject({
  scope: z.enum(['subject', 'conversation']),
  subjectId: z.string().optional(),
  conversationId: z.uuid().optional(),
  caseId: z.string().regex(/^[A-Za-z0-9_.:/-]{1,64}$/, { message: 'must be a case reference (letters, digits, _.:/-)' }),
  reason: StaffReason,
  endsAt: z.iso.datetime({ offset: true }).optional(),
}).refine((h) => (h.scope === 'subject' ? h.subjectId && !h.conversationId : h.conversationId && !h.subjectId), { message: 'name exactly the subjectId (scope subject) or the conversationId (scope conversation)' });
export type PlaceHold = z.infer<typeof PlaceHold>;

export type HoldStatus = 'pending' | 'active' | 'lift_pending' | 'lifted' | 'rejected';
export interface LegalHold {
  id: string;
  scope: 'subject' | 'conversation';
  subjectId: string | null;
  conversationId: string | null;
  caseId: string;
  reason: string;
  endsAt: Date | null;
  status: HoldStatus;
  placedBy: string;
  placedAt: Date;
  approvedBy: string | null;
  liftRequestedBy: string | null;
  liftedBy: string | null;
  liftedAt: Date | null;
}

const COLUMNS = `id, scope, subject_id AS "subjectId", conversation_id AS "conversationId", case_id AS "caseId", reason, ends_at AS "endsAt", status,
  placed_by AS "placedBy", placed_at AS "placedAt", approved_by AS "approvedBy", lift_requested_by AS "liftRequestedBy", lifted_by AS "liftedBy", lifted_at AS "liftedAt"`;

/** SQL condition: a hold in force (not lifted or rejected, not past its end) covers this subject or conversation. */
export const holdCovers = (on: { subject?: string; conversation?: string }, nowParam: string) => {
  const covers = [on.subject ? `h.subject_id = ${on.subject}` : '', on.conversation ? `h.conversation_id = ${on.conversation}` : ''].filter(Boolean).join(' OR ');
  return `EXISTS (SELECT 1 FROM legal_holds h WHERE h.status IN ('pending', 'active', 'lift_pending')
    AND (h.ends_at IS NULL OR h.ends_at > ${nowParam}) AND (${covers}))`;
};

/** Whether any hold in force covers the subject or any of their conversations. */
export async function subjectUnderHold(ctx: Pick<PrivacyCtx, 'tx' | 'now'>, subjectId: string): Promise<boolean> {
  const [row] = (await ctx.tx.query(
    `SELECT (${holdCovers({ subject: '$1' }, '$2')} OR EXISTS (SELECT 1 FROM conversations c WHERE c.subject_id = $1 AND ${holdCovers({ conversation: 'c.id' }, '$2')})) AS held`,
    [subjectId, ctx.now],
  )) as { held: boolean }[];
  return row?.held ?? false;
}

async function load(ctx: PrivacyCtx, id: string): Promise<LegalHold> {
  const [row] = (await ctx.tx.query(`SELECT ${COLUMNS} FROM legal_holds WHERE id = $1 FOR UPDATE`, [id])) as LegalHold[];
  if (!row) throw notFound('legal hold');
  return row;
}

const audit = (ctx: PrivacyCtx, hold: Pick<LegalHold, 'id' | 'subjectId' | 'caseId'>, action: string, reason?: string) =>
  appendAudit(ctx.tx, { actor: ctx.actor, action, subjectId: hold.subjectId ?? undefined, resource: { type: 'LegalHold', id: hold.id }, reason, requestId: ctx.requestId, details: { caseId: hold.caseId } });

export async function requestHold(ctx: PrivacyCtx, input: PlaceHold): Promise<LegalHold> {
  const h = PlaceHold.parse(input);
  let subjectId = h.subjectId ?? null;
  if (h.scope === 'subject') await liveSubject(ctx, h.subjectId!);
  else subjectId = (await findConversation(ctx, h.conversationId!)).subjectId;
  const id = randomUUID();
  // A conversation hold's audit event still names the subject, so their trail shows it.
  await ctx.tx.query(
    `INSERT INTO legal_holds (id, scope, subject_id, conversation_id, case_id, reason, ends_at, status, placed_by, placed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)`,
    [id, h.scope, h.scope === 'subject' ? subjectId : null, h.conversationId ?? null, h.caseId, h.reason, h.endsAt ? new Date(h.endsAt) : null, ctx.actor.id, ctx.now],
  );
  await audit(ctx, { id, subjectId, caseId: h.caseId }, 'legal_hold.request', h.reason);
  return load(ctx, id);
}

async function decide(ctx: PrivacyCtx, id: string, expect: HoldStatus, makerOf: (h: LegalHold) => string | null, update: string, action: string): Promise<LegalHold> {
  const hold = await load(ctx, id);
  if (hold.status !== expect) throw new AppError(409, 'invalid_transition', `This hold is ${hold.status}; it cannot be ${action.split('.')[1]}.`);
  if (makerOf(hold) === ctx.actor.id) throw makerChecker();
  await ctx.tx.query(`UPDATE legal_holds SET ${update} WHERE id = $1`, [id, ctx.actor.id, ctx.now]);
  await audit(ctx, hold, action);
  return load(ctx, id);
}

export const approveHold = (ctx: PrivacyCtx, id: string) =>
  decide(ctx, id, 'pending', (h) => h.placedBy, `status = 'active', approved_by = $2, approved_at = $3`, 'legal_hold.approve');
export const rejectHold = (ctx: PrivacyCtx, id: string) =>
  decide(ctx, id, 'pending', (h) => h.placedBy, `status = 'rejected', lifted_by = $2, lifted_at = $3`, 'legal_hold.reject');
export const approveLift = (ctx: PrivacyCtx, id: string) =>
  decide(ctx, id, 'lift_pending', (h) => h.liftRequestedBy, `status = 'lifted', lifted_by = $2, lifted_at = $3`, 'legal_hold.lift_approve');

export async function requestLift(ctx: PrivacyCtx, id: string, reason: string): Promise<LegalHold> {
  const hold = await load(ctx, id);
  if (hold.status !== 'active') throw new AppError(409, 'invalid_transition', `This hold is ${hold.status}; only an active hold can be lifted.`);
  const r = StaffReason.parse(reason);
  await ctx.tx.query(`UPDATE legal_holds SET status = 'lift_pending', lift_requested_by = $2, lift_requested_at = $3 WHERE id = $1`, [id, ctx.actor.id, ctx.now]);
  await audit(ctx, hold, 'legal_hold.lift_request', r);
  return load(ctx, id);
}

export async function listHolds(ctx: PrivacyCtx, filter: { status?: HoldStatus; subjectId?: string } = {}): Promise<LegalHold[]> {
  const rows = (await ctx.tx.query(
    `SELECT ${COLUMNS} FROM legal_holds WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR subject_id = $2) ORDER BY placed_at DESC, id LIMIT 500`,
    [filter.status ?? null, filter.subjectId ?? null],
  )) as LegalHold[];
  await appendAudit(ctx.tx, { actor: ctx.actor, action: 'legal_hold.list', resource: { type: 'LegalHold' }, requestId: ctx.requestId, details: { returned: rows.length } });
  return rows;
}
