// A visitor session: the data subject (the bank's customer when the page signed their id, else an
// anonymous visitor pseudonym) and a conversation on one site.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { AppError, badRequest } from '../errors.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import { createConversation } from '../privacy/conversations.ts';
import { createDataSubject, lookupDataSubject } from '../privacy/subjects.ts';
import type { CreateSession } from '../../protocol/widgetSchemas.ts';
import type { Site } from './sites.ts';

export const unknownSite = () => new AppError(404, 'unknown_site', 'No such site; check data-site on the script tag.');
export const identityInvalid = () =>
  new AppError(401, 'identity_invalid', 'The customer signature does not match the customer id.');
export const identityNotConfigured = () =>
  badRequest('identity_not_configured', 'This site has no identity secret configured; send no identity.');

/** The site's language when it offers it, else its default. */
export const languageFor = (site: Site, requested: string | null | undefined): string =>
  requested && site.languages.includes(requested) ? requested : site.defaultLanguage;

/** Checks the page's signature before anything is created: a wrong one writes nothing. */
export function verifyIdentity(site: Site, identity: NonNullable<CreateSession['identity']>): void {
  if (!site.identitySecret) throw identityNotConfigured();
  const expected = createHmac('sha256', site.identitySecret).update(identity.customerId).digest();
  const given = Buffer.from(identity.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw identityInvalid();
}

export async function openSession(
  ctx: PrivacyCtx,
  props: { site: Site; language: string; identity?: CreateSession['identity'] },
): Promise<{ subjectId: string; conversationId: string }> {
  let subjectId: string;
  if (props.identity) {
    const identifier = { kind: 'customer_id' as const, value: props.identity.customerId };
    subjectId = (await lookupDataSubject(ctx, identifier))?.id ?? (await createDataSubject(ctx, [identifier])).id;
  } else {
    subjectId = (await createDataSubject(ctx, [{ kind: 'visitor', value: randomUUID() }])).id;
  }
  const conversation = await createConversation(ctx, {
    subjectId,
    site: props.site.id,
    retentionClass: 'standard',
    language: props.language,
  });
  return { subjectId, conversationId: conversation.id };
}

/** A further conversation for the same visitor; the retention class follows their transcript_keep decision. */
export async function openConversation(
  ctx: PrivacyCtx,
  props: { subjectId: string; site: Site; language: string; transcriptKept: boolean },
): Promise<string> {
  const c = await createConversation(ctx, {
    subjectId: props.subjectId,
    site: props.site.id,
    retentionClass: props.transcriptKept ? 'transcript_kept' : 'standard',
    language: props.language,
  });
  return c.id;
}
