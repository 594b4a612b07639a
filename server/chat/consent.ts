// The visitor's consent decisions in force (the latest record per purpose; never recorded = not
// granted) and recording a new set from the consent screen.
import { AppError } from '../errors.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import { listConsents, recordConsent } from '../privacy/consents.ts';
import { PURPOSES, type Purpose } from '../../protocol/widget.ts';
import type { ConsentDecisions } from '../../protocol/widgetSchemas.ts';
import type { ConsentTexts } from './consentText.ts';
import { setRetentionClass } from './store/conversations.ts';

export type ConsentsInForce = Record<Purpose, boolean> & {
  /** the text version and language of the latest record, null when nothing was ever recorded */
  version: string | null;
  language: string | null;
};

export const consentRequired = () =>
  new AppError(409, 'consent_required', 'Answer the consent screen first (PUT /api/widget/consents).');
export const consentTextOutdated = () =>
  new AppError(
    409,
    'consent_text_outdated',
    'The consent text changed; show the current one (GET /api/widget/config) and ask again.',
  );

/** Reads every record of the subject (an audited consent.read) and folds them to the decisions in force. */
export async function consentsInForce(ctx: PrivacyCtx, subjectId: string): Promise<ConsentsInForce> {
  const records = await listConsents(ctx, subjectId);
  const view: ConsentsInForce = {
    ai_local: false,
    ai_cloud: false,
    transcript_keep: false,
    voice_input: false,
    version: null,
    language: null,
  };
  for (const r of records) {
    if ((PURPOSES as readonly string[]).includes(r.purpose)) view[r.purpose as Purpose] = r.granted;
    view.version = r.textVersion;
    view.language = r.language;
  }
  return view;
}

/**
 * Records one row per purpose whose decision differs from the one in force (the first time: all
 * four), naming the text shown. The retention class of the visitor's conversation follows
 * transcript_keep. ai_cloud without ai_local is stored as given but never lets a model answer.
 */
export async function recordDecisions(
  ctx: PrivacyCtx,
  props: { subjectId: string; conversationId: string; texts: ConsentTexts; input: ConsentDecisions },
): Promise<ConsentsInForce> {
  const { input } = props;
  const current = props.texts.text(input.language);
  if (current.language !== input.language || current.version !== input.version || current.hash !== input.hash)
    throw consentTextOutdated();
  const before = await consentsInForce(ctx, props.subjectId);
  const first = before.version === null;
  for (const purpose of PURPOSES) {
    if (!first && before[purpose] === input.decisions[purpose]) continue;
    await recordConsent(ctx, props.subjectId, {
      purpose,
      granted: input.decisions[purpose],
      textVersion: current.version,
      textHash: current.hash,
      language: current.language,
    });
  }
  const retentionClass = input.decisions.transcript_keep ? 'transcript_kept' : 'standard';
  await setRetentionClass(ctx.tx, props.conversationId, retentionClass, ctx.now);
  return { ...input.decisions, version: current.version, language: current.language };
}

/** ai_cloud counts only together with ai_local. */
export const cloudAllowed = (c: ConsentsInForce) => c.ai_local && c.ai_cloud;
