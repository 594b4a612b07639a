// DataSubject: the pseudonym (`sub_…`) that audit rows carry. Identifiers (email, phone, the
// bank's customer id, a visitor id) are stored only as keyed HMACs, so lookup works and a
// database dump names no one.
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import { deriveKey } from '../keys.ts';
import { changedRows } from '../db/results.ts';
import type { PrivacyCtx } from './context.ts';
import { identifierTaken, subjectErased, subjectNotFound } from './errors.ts';
import { createSubjectKey, systemKey } from './subjectKeys.ts';

export const IDENTIFIER_KINDS = ['email', 'phone', 'customer_id', 'visitor'] as const;
export const SubjectIdentifier = z.object({ kind: z.enum(IDENTIFIER_KINDS), value: z.string().trim().min(1).max(320) });
export type SubjectIdentifier = z.infer<typeof SubjectIdentifier>;

export interface DataSubject {
  id: string;
  createdAt: Date;
  erasedAt: Date | null;
}

/** Same person, same digest: emails case-folded, phones reduced to digits and a leading +. */
function normalise({ kind, value }: SubjectIdentifier): string {
  const v = value.normalize('NFKC').trim();
  if (kind === 'email') return v.toLowerCase();
  if (kind === 'phone') return v.replace(/(?!^\+)[^\d]/g, '');
  return v;
}

export async function identifierDigest(ctx: Pick<PrivacyCtx, 'tx' | 'wrapper' | 'now'>, identifier: SubjectIdentifier): Promise<Buffer> {
  const key = deriveKey(await systemKey(ctx, 'identifier-root'), 'subject-identifier-hmac');
  return createHmac('sha256', key).update(`${identifier.kind}\u0000${normalise(identifier)}`).digest();
}

export async function findSubject(ctx: Pick<PrivacyCtx, 'tx'>, subjectId: string): Promise<DataSubject> {
  const [row] = (await ctx.tx.query(`SELECT id, created_at AS "createdAt", erased_at AS "erasedAt" FROM data_subjects WHERE id = $1`, [subjectId])) as DataSubject[];
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
  const inserted = (await ctx.tx.query(
    `INSERT INTO subject_identifiers (kind, digest, subject_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, digest) DO NOTHING RETURNING subject_id`,
    [identifier.kind, digest, subjectId, ctx.now],
  )) as unknown[];
  if (inserted.length === 0) {
    const [owner] = (await ctx.tx.query(`SELECT subject_id AS "subjectId" FROM subject_identifiers WHERE kind = $1 AND digest = $2`, [identifier.kind, digest])) as { subjectId: string }[];
    if (owner?.subjectId !== subjectId) throw identifierTaken();
    return;
  }
  await appendAudit(ctx.tx, { actor: ctx.actor, action: 'subject.identifier_add', subjectId, resource: { type: 'DataSubject', id: subjectId }, requestId: ctx.requestId, details: { kind: identifier.kind } });
}

/** Rectification of an identifier: the old digest goes, the new one comes, in one transaction. */
export async function replaceIdentifier(ctx: PrivacyCtx, subjectId: string, from: SubjectIdentifier, to: SubjectIdentifier): Promise<boolean> {
  await liveSubject(ctx, subjectId);
  const removed = await ctx.tx.query(`DELETE FROM subject_identifiers WHERE kind = $1 AND digest = $2 AND subject_id = $3`, [from.kind, await identifierDigest(ctx, from), subjectId]);
  if (changedRows(removed) === 0) return false;
  await appendAudit(ctx.tx, { actor: ctx.actor, action: 'subject.identifier_remove', subjectId, resource: { type: 'DataSubject', id: subjectId }, requestId: ctx.requestId, details: { kind: from.kind } });
  await addIdentifier(ctx, subjectId, to);
  return true;
}

export async function createDataSubject(ctx: PrivacyCtx, identifiers: SubjectIdentifier[] = []): Promise<DataSubject> {
  const id = `sub_${randomBytes(12).toString('hex')}`;
  await ctx.tx.query(`INSERT INTO data_subjects (id, created_at) VALUES ($1, $2)`, [id, ctx.now]);
  await createSubjectKey(ctx, id);
  await appendAudit(ctx.tx, { actor: ctx.actor, action: 'subject.create', subjectId: id, resource: { type: 'DataSubject', id }, requestId: ctx.requestId, details: { identifiers: identifiers.length } });
  for (const identifier of identifiers) await addIdentifier(ctx, id, identifier);
  return { id, createdAt: ctx.now, erasedAt: null };
}

/** The subject an identifier belongs to, or undefined; the lookup itself is audited. */
export async function lookupDataSubject(ctx: PrivacyCtx, identifier: SubjectIdentifier): Promise<DataSubject | undefined> {
  const digest = await identifierDigest(ctx, identifier);
  const [row] = (await ctx.tx.query(
    `SELECT s.id, s.created_at AS "createdAt", s.erased_at AS "erasedAt" FROM subject_identifiers i JOIN data_subjects s ON s.id = i.subject_id WHERE i.kind = $1 AND i.digest = $2`,
    [identifier.kind, digest],
  )) as DataSubject[];
  await appendAudit(ctx.tx, { actor: ctx.actor, action: 'subject.lookup', subjectId: row?.id, resource: { type: 'DataSubject', id: row?.id }, requestId: ctx.requestId, details: { kind: identifier.kind, found: Boolean(row) } });
  return row;
}
