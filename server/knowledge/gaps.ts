// The gap loop: questions the knowledge base could not answer with confidence, or whose answer the
// visitor marked unhelpful, grouped by their terms for editors; feedback counts per article;
// articles past their review date. Only redacted question text is ever stored here.
import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { indexTerms } from '../../gateway/knowledge/index.ts';
import { appendAudit } from '../audit/append.ts';
import { changedRows } from '../db/results.ts';
import { notFound, unprocessable } from '../errors.ts';
import type { Actor } from './articles.ts';

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const LONG_DIGITS = /\d(?:[\s.-]?\d){7,}/;

/** A last line of defence: the caller must redact first; text that still looks personal is refused. */
export function assertRedacted(text: string): void {
  if (EMAIL.test(text) || LONG_DIGITS.test(text)) throw unprocessable('not_redacted', 'The question must be redacted before it is stored (it holds an email or a long number).');
}

/** Questions with the same distinct terms (order, case, stop words aside) fall into one group. */
export function groupKey(redactedQuestion: string): string {
  const terms = [...new Set(indexTerms(redactedQuestion.replace(/<[A-Z_]+_\d+>/g, ' ')))].sort();
  return createHash('sha256').update(terms.join(' ') || redactedQuestion.trim().toLowerCase()).digest('hex').slice(0, 32);
}

export async function recordUnanswered(props: {
  tx: EntityManager;
  redactedQuestion: string;
  reason: 'low_confidence' | 'unhelpful';
  language?: string;
  confidence?: number;
}): Promise<{ id: string; occurrences: number }> {
  assertRedacted(props.redactedQuestion);
  const low = props.reason === 'low_confidence' ? 1 : 0;
  const [row] = (await props.tx.query(
    `INSERT INTO kb_unanswered (id, group_key, sample_text, language, occurrences, low_confidence, unhelpful, best_confidence)
     VALUES ($1, $2, $3, $4, 1, $5, $6, $7)
     ON CONFLICT (group_key) DO UPDATE SET occurrences = kb_unanswered.occurrences + 1,
       low_confidence = kb_unanswered.low_confidence + $5, unhelpful = kb_unanswered.unhelpful + $6,
       best_confidence = greatest(kb_unanswered.best_confidence, $7), last_seen = now(), resolved_at = NULL, resolved_by = NULL
     RETURNING id, occurrences`,
    [randomUUID(), groupKey(props.redactedQuestion), props.redactedQuestion.slice(0, 500), props.language ?? null, low, 1 - low, props.confidence ?? null],
  )) as { id: string; occurrences: number }[];
  return row!;
}

export interface UnansweredRow {
  id: string;
  sampleText: string;
  language: string | null;
  occurrences: number;
  lowConfidence: number;
  unhelpful: number;
  bestConfidence: number | null;
  firstSeen: Date;
  lastSeen: Date;
  resolvedAt: Date | null;
}

export async function listUnanswered(tx: EntityManager, opts: { includeResolved: boolean; limit: number }): Promise<UnansweredRow[]> {
  return (await tx.query(
    `SELECT id, sample_text AS "sampleText", language, occurrences, low_confidence AS "lowConfidence", unhelpful, best_confidence AS "bestConfidence",
            first_seen AS "firstSeen", last_seen AS "lastSeen", resolved_at AS "resolvedAt"
       FROM kb_unanswered ${opts.includeResolved ? '' : 'WHERE resolved_at IS NULL'}
      ORDER BY occurrences DESC, last_seen DESC LIMIT $1`,
    [opts.limit],
  )) as UnansweredRow[];
}

export async function resolveUnanswered(props: { tx: EntityManager; actor: Actor; requestId?: string; id: string }): Promise<void> {
  const resolved = changedRows(await props.tx.query(`UPDATE kb_unanswered SET resolved_at = now(), resolved_by = $2 WHERE id = $1`, [props.id, props.actor.id]));
  if (resolved === 0) throw notFound('unanswered question');
  await appendAudit(props.tx, { actor: props.actor, action: 'kb_unanswered.resolve', resource: { type: 'KnowledgeArticle' }, requestId: props.requestId, details: { unansweredId: props.id } });
}

/** A thumbs up/down on an answer; a thumbs-down with its (already redacted) question joins the gap list. */
export async function recordFeedback(props: { tx: EntityManager; articleId: string; versionId: string; helpful: boolean; redactedQuestion?: string; language?: string }): Promise<void> {
  const [known] = (await props.tx.query(`SELECT 1 AS ok FROM kb_article_versions WHERE id = $1 AND article_id = $2`, [props.versionId, props.articleId])) as unknown[];
  if (!known) throw notFound('article version');
  await props.tx.query(`INSERT INTO kb_feedback (id, article_id, version_id, helpful) VALUES ($1, $2, $3, $4)`, [randomUUID(), props.articleId, props.versionId, props.helpful]);
  if (!props.helpful && props.redactedQuestion) await recordUnanswered({ tx: props.tx, redactedQuestion: props.redactedQuestion, reason: 'unhelpful', language: props.language });
}

export async function feedbackCounts(tx: EntityManager, articleId?: string): Promise<{ articleId: string; title: string; helpful: number; unhelpful: number }[]> {
  return (await tx.query(
    `SELECT a.id AS "articleId", a.title, count(*) FILTER (WHERE f.helpful)::int AS helpful, count(*) FILTER (WHERE NOT f.helpful)::int AS unhelpful
       FROM kb_feedback f JOIN kb_articles a ON a.id = f.article_id
      WHERE ($1::uuid IS NULL OR a.id = $1::uuid)
      GROUP BY a.id, a.title ORDER BY count(*) FILTER (WHERE NOT f.helpful) DESC, a.title`,
    [articleId ?? null],
  )) as { articleId: string; title: string; helpful: number; unhelpful: number }[];
}
