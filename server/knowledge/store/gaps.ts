// The gap list (kb_unanswered: redacted questions grouped by their terms) and answer feedback
// (kb_feedback): the statements that write and read them.
import type { EntityManager } from 'typeorm';
import { changedRows } from '../../db/results.ts';

type Tx = Pick<EntityManager, 'query'>;

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

/** One more occurrence of a question group (a new group on first sight); reopens a resolved one. */
export async function upsertUnanswered(
  tx: Tx,
  u: {
    id: string;
    groupKey: string;
    sampleText: string;
    language: string | null;
    lowConfidence: 0 | 1;
    confidence: number | null;
  },
): Promise<{ id: string; occurrences: number }> {
  const [row] = (await tx.query(
    `INSERT INTO kb_unanswered (id, group_key, sample_text, language, occurrences, low_confidence, unhelpful, best_confidence)
     VALUES ($1, $2, $3, $4, 1, $5, $6, $7)
     ON CONFLICT (group_key) DO UPDATE SET occurrences = kb_unanswered.occurrences + 1,
       low_confidence = kb_unanswered.low_confidence + $5, unhelpful = kb_unanswered.unhelpful + $6,
       best_confidence = greatest(kb_unanswered.best_confidence, $7), last_seen = now(), resolved_at = NULL, resolved_by = NULL
     RETURNING id, occurrences`,
    [u.id, u.groupKey, u.sampleText, u.language, u.lowConfidence, 1 - u.lowConfidence, u.confidence],
  )) as { id: string; occurrences: number }[];
  return row!;
}

export async function selectUnanswered(
  tx: Tx,
  opts: { includeResolved: boolean; limit: number },
): Promise<UnansweredRow[]> {
  return (await tx.query(
    `SELECT id, sample_text AS "sampleText", language, occurrences, low_confidence AS "lowConfidence", unhelpful, best_confidence AS "bestConfidence",
            first_seen AS "firstSeen", last_seen AS "lastSeen", resolved_at AS "resolvedAt"
       FROM kb_unanswered ${opts.includeResolved ? '' : 'WHERE resolved_at IS NULL'}
      ORDER BY occurrences DESC, last_seen DESC LIMIT $1`,
    [opts.limit],
  )) as UnansweredRow[];
}

/** The group's sample question, the row locked until the transaction ends; null when unknown. */
export async function lockUnansweredSample(tx: Tx, id: string): Promise<string | null> {
  const [row] = (await tx.query(`SELECT sample_text AS "sampleText" FROM kb_unanswered WHERE id = $1 FOR UPDATE`, [
    id,
  ])) as { sampleText: string }[];
  return row?.sampleText ?? null;
}

/** Marks the group resolved by a staff member; false when there is no such group. */
export async function markResolved(tx: Tx, id: string, staffId: string): Promise<boolean> {
  return (
    changedRows(
      await tx.query(`UPDATE kb_unanswered SET resolved_at = now(), resolved_by = $2 WHERE id = $1`, [id, staffId]),
    ) > 0
  );
}

export async function insertFeedback(
  tx: Tx,
  f: { id: string; articleId: string; versionId: string; helpful: boolean },
): Promise<void> {
  await tx.query(`INSERT INTO kb_feedback (id, article_id, version_id, helpful) VALUES ($1, $2, $3, $4)`, [
    f.id,
    f.articleId,
    f.versionId,
    f.helpful,
  ]);
}

export interface FeedbackCount {
  articleId: string;
  title: string;
  helpful: number;
  unhelpful: number;
}

export async function selectFeedbackCounts(tx: Tx, articleId?: string): Promise<FeedbackCount[]> {
  return (await tx.query(
    `SELECT a.id AS "articleId", a.title, count(*) FILTER (WHERE f.helpful)::int AS helpful, count(*) FILTER (WHERE NOT f.helpful)::int AS unhelpful
       FROM kb_feedback f JOIN kb_articles a ON a.id = f.article_id
      WHERE ($1::uuid IS NULL OR a.id = $1::uuid)
      GROUP BY a.id, a.title ORDER BY count(*) FILTER (WHERE NOT f.helpful) DESC, a.title`,
    [articleId ?? null],
  )) as FeedbackCount[];
}
