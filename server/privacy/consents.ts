// ConsentRecord: one row per decision (granted or withdrawn) per purpose, with the consent text's
// version and hash, so the bank can show exactly what the visitor agreed to.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import type { PrivacyCtx } from './context.ts';
import { type ConsentRecord, consentStore } from './store/consents.ts';
import { liveSubject } from './subjects.ts';

export const ConsentInput = z.object({
  purpose: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  granted: z.boolean(),
  textVersion: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
  textHash: z.string().regex(/^[0-9a-f]{64}$/),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/),
});
export type ConsentInput = z.infer<typeof ConsentInput>;

export type { ConsentRecord };

export async function recordConsent(ctx: PrivacyCtx, subjectId: string, input: ConsentInput): Promise<ConsentRecord> {
  await liveSubject(ctx, subjectId);
  const c = ConsentInput.parse(input);
  const id = randomUUID();
  await consentStore.insert(ctx.tx, { ...c, id, subjectId, recordedAt: ctx.now });
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: c.granted ? 'consent.grant' : 'consent.withdraw',
    subjectId,
    resource: { type: 'ConsentRecord', id },
    purpose: c.purpose,
    requestId: ctx.requestId,
    details: { textVersion: c.textVersion },
  });
  return { ...c, id, subjectId, recordedAt: ctx.now };
}

/** Every consent decision of the subject, oldest first (the latest per purpose is in force). */
export async function listConsents(ctx: PrivacyCtx, subjectId: string): Promise<ConsentRecord[]> {
  const rows = await consentStore.list(ctx.tx, subjectId);
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'consent.read',
    subjectId,
    resource: { type: 'DataSubject', id: subjectId },
    requestId: ctx.requestId,
    details: { returned: rows.length },
  });
  return rows;
}
