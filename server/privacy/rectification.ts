// Rectification: a verified request to correct what we hold about a subject. Today the stored
// personal fields that can be wrong are identifiers (email, phone, customer id): the old keyed
// digest goes, the new one comes, and the request is done with a receipt naming only the kinds.
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import { AppError } from '../errors.ts';
import type { PrivacyCtx } from './context.ts';
import { identifierNotFound } from './errors.ts';
import { completeRequest, getRequest, type SubjectRequest, transitionRequest } from './requests.ts';
import { replaceIdentifier, SubjectIdentifier } from './subjects.ts';

export const Rectification = z.strictObject({ from: SubjectIdentifier, to: SubjectIdentifier });
export type Rectification = z.infer<typeof Rectification>;

export async function rectify(ctx: PrivacyCtx, requestId: string, input: Rectification): Promise<SubjectRequest> {
  let r = await getRequest(ctx, requestId, true);
  if (r.type !== 'rectification')
    throw new AppError(409, 'invalid_transition', `A ${r.type} request cannot be carried out as a rectification.`);
  if (r.state === 'identity_verified') r = await transitionRequest(ctx, requestId, { to: 'in_progress' });
  if (r.state !== 'in_progress')
    throw new AppError(409, 'invalid_transition', `A rectification request in state ${r.state} cannot be carried out.`);
  if (!(await replaceIdentifier(ctx, r.subjectId, input.from, input.to))) throw identifierNotFound();
  const change = { field: 'identifier', from: input.from.kind, to: input.to.kind };
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'dsr.rectify',
    subjectId: r.subjectId,
    resource: { type: 'SubjectRequest', id: requestId },
    requestId: ctx.requestId,
    details: change,
  });
  return completeRequest(ctx, requestId, { rectified: [change], completedAt: ctx.now.toISOString() });
}
