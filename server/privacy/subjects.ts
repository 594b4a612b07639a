// DataSubject: the pseudonym (`sub_…`) that audit rows carry. Identifiers (email, phone, the
// bank's customer id, a visitor id) are stored only as keyed HMACs, so lookup works and a
// database dump names no one.
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import { deriveKey } from '../keys.ts';
import type { PrivacyCtx } from './context.ts';
import { identifierTaken, subjectErased, subjectNotFound } from './errors.ts';
import { type DataSubject, subjectStore } from './store/subjects.ts';
import { createSubjectKey, systemKey } from './subjectKeys.ts';

export const IDENTIFIER_KINDS = ['email', 'phone', 'customer_id', 'visitor'] as const;
export const SubjectIdentifier = z.object({ kind: z.enum(IDENTIFIER_KINDS), value: z.string().trim().min(1).max(320) });
export type SubjectIdentifier = z.infer<typeof SubjectIdentifier>;

export type { DataSubject };

/** Same person, same digest: emails case-folded, phones reduced to digits and a leading +. */
function normalise({ kind, value }: SubjectIdentifier): string {
  const v = value.normalize('NFKC').trim();
  if (kind === 'email') return v.toLowerCase();
  if (kind === 'phone') return v.replace(/(?!^\+)[^\d]/g, '');
  return v;
}

export async function identifierDigest(
  ctx: Pick<PrivacyCtx, 'tx' | 'wrapper' | 'now'>,
  identifier: SubjectIdentifier,
): Promise<Buffer> {
  const key = deriveKey(await systemKey(ctx, 'identifier-root'), 'subject-identifier-hmac');
  return createHmac('sha256', key)
    .update(`${identifier.kind}\u0000${normalise(identifier)}`)
    .digest();
}

export async function findSubject(ctx: Pick<PrivacyCtx, 'tx'>, subjectId: string): Promise<DataSubject> {
  const row = await subjectStore.find(ctx.tx, subjectId);
  if (!row) throw subjectNotFound();
  return row;
}

export async function liveSubject(ctx: Pick<PrivacyCtx, 'tx'>, subjectId: string): Promise<DataSubject> {
  const subject = await findSubject(ctx, subjectId);
  if (subject.erasedAt) throw subjectErased();
  return subject;
}

export async function addIdentifier(ctx: PrivacyCtx, subjectId: string, identifier: SubjectIdentifier): Promise<void> {
  await liveSubject(ctx, subjectId);
  const digest = await identifierDigest(ctx, identifier);
  if (!(await subjectStore.addIdentifier(ctx.tx, { kind: identifier.kind, digest, subjectId, now: ctx.now }))) {
    if ((await subjectStore.identifierOwner(ctx.tx, identifier.kind, digest)) !== subjectId) throw identifierTaken();
    return;
  }
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'subject.identifier_add',
    subjectId,
    resource: { type: 'DataSubject', id: subjectId },
    requestId: ctx.requestId,
    details: { kind: identifier.kind },
  });
}

/** Rectification of an identifier: the old digest goes, the new one comes, in one transaction. */
export async function replaceIdentifier(
  ctx: PrivacyCtx,
  subjectId: string,
  from: SubjectIdentifier,
  to: SubjectIdentifier,
): Promise<boolean> {
  await liveSubject(ctx, subjectId);
  if (!(await subjectStore.removeIdentifier(ctx.tx, from.kind, await identifierDigest(ctx, from), subjectId)))
    return false;
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'subject.identifier_remove',
    subjectId,
    resource: { type: 'DataSubject', id: subjectId },
    requestId: ctx.requestId,
    details: { kind: from.kind },
  });
  await addIdentifier(ctx, subjectId, to);
  return true;
}

export async function createDataSubject(ctx: PrivacyCtx, identifiers: SubjectIdentifier[] = []): Promise<DataSubject> {
  const id = `sub_${randomBytes(12).toString('hex')}`;
  await subjectStore.insert(ctx.tx, id, ctx.now);
  await createSubjectKey(ctx, id);
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'subject.create',
    subjectId: id,
    resource: { type: 'DataSubject', id },
    requestId: ctx.requestId,
    details: { identifiers: identifiers.length },
  });
  for (const identifier of identifiers) await addIdentifier(ctx, id, identifier);
  return { id, createdAt: ctx.now, erasedAt: null };
}

/** The subject an identifier belongs to, or undefined; the lookup itself is audited. */
export async function lookupDataSubject(
  ctx: PrivacyCtx,
  identifier: SubjectIdentifier,
): Promise<DataSubject | undefined> {
  const digest = await identifierDigest(ctx, identifier);
  const row = await subjectStore.byIdentifier(ctx.tx, identifier.kind, digest);
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'subject.lookup',
    subjectId: row?.id,
    resource: { type: 'DataSubject', id: row?.id },
    requestId: ctx.requestId,
    details: { kind: identifier.kind, found: Boolean(row) },
  });
  return row;
}
