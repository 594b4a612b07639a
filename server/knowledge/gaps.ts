// The gap loop: questions the knowledge base could not answer with confidence, or whose answer the
// visitor marked unhelpful, grouped by their terms for editors; feedback counts per article;
// articles past their review date. Only redacted question text is ever stored here.
import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { indexTerms } from '../../gateway/knowledge/index.ts';
import { appendAudit } from '../audit/append.ts';
import { notFound, unprocessable } from '../errors.ts';
import type { Actor } from './articles.ts';
import { versionExists } from './store/articles.ts';
import {
  type FeedbackCount,
  insertFeedback,
  markResolved,
  selectFeedbackCounts,
  selectUnanswered,
  type UnansweredRow,
  upsertUnanswered,
} from './store/gaps.ts';

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const LONG_DIGITS = /\d(?:[\s.-]?\d){7,}/;

/** A last line of defence: the caller must redact first; text that still looks personal is refused. */
export function assertRedacted(text: string): void {
  if (EMAIL.test(text) || LONG_DIGITS.test(text))
    throw unprocessable(
      'not_redacted',
      'The question must be redacted before it is stored (it holds an email or a long number).',
    );
}

/** Questions with the same distinct terms (order, case, stop words aside) fall into one group. */
export function groupKey(redactedQuestion: string): string {
  const terms = [...new Set(indexTerms(redactedQuestion.replace(/<[A-Z_]+_\d+>/g, ' ')))].sort();
  return createHash('sha256')
    .update(terms.join(' ') || redactedQuestion.trim().toLowerCase())
    .digest('hex')
    .slice(0, 32);
}

export async function recordUnanswered(props: {
  tx: EntityManager;
  redactedQuestion: string;
  reason: 'low_confidence' | 'unhelpful';
  language?: string;
  confidence?: number;
}): Promise<{ id: string; occurrences: number }> {
  assertRedacted(props.redactedQuestion);
  return upsertUnanswered(props.tx, {
    id: randomUUID(),
    groupKey: groupKey(props.redactedQuestion),
    sampleText: props.redactedQuestion.slice(0, 500),
    language: props.language ?? null,
    lowConfidence: props.reason === 'low_confidence' ? 1 : 0,
    confidence: props.confidence ?? null,
  });
}

export type { UnansweredRow } from './store/gaps.ts';

export async function listUnanswered(
  tx: EntityManager,
  opts: { includeResolved: boolean; limit: number },
): Promise<UnansweredRow[]> {
  return selectUnanswered(tx, opts);
}

export async function resolveUnanswered(props: {
  tx: EntityManager;
  actor: Actor;
  requestId?: string;
  id: string;
}): Promise<void> {
  if (!(await markResolved(props.tx, props.id, props.actor.id))) throw notFound('unanswered question');
  await appendAudit(props.tx, {
    actor: props.actor,
    action: 'kb_unanswered.resolve',
    resource: { type: 'KnowledgeArticle' },
    requestId: props.requestId,
    details: { unansweredId: props.id },
  });
}

/** A thumbs up/down on an answer; a thumbs-down with its (already redacted) question joins the gap list. */
export async function recordFeedback(props: {
  tx: EntityManager;
  articleId: string;
  versionId: string;
  helpful: boolean;
  redactedQuestion?: string;
  language?: string;
}): Promise<void> {
  if (!(await versionExists(props.tx, props.articleId, props.versionId))) throw notFound('article version');
  await insertFeedback(props.tx, {
    id: randomUUID(),
    articleId: props.articleId,
    versionId: props.versionId,
    helpful: props.helpful,
  });
  if (!props.helpful && props.redactedQuestion)
    await recordUnanswered({
      tx: props.tx,
      redactedQuestion: props.redactedQuestion,
      reason: 'unhelpful',
      language: props.language,
    });
}

export const feedbackCounts = (tx: EntityManager, articleId?: string): Promise<FeedbackCount[]> =>
  selectFeedbackCounts(tx, articleId);
