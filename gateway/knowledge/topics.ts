// A question that spans two topics ("I lost my card and need to stop a payment"): no one article
// covers it, two together do. Decided from the two best articles' best passages. Guarantees: a
// pair is found only when the second article is close in score to the first (CLOSE), each covers
// a part of the question the other does not (MIN_GAIN of its known weight), and together they cover
// most of it (MIN_UNION), and the calibrated model rates the pair's combined coverage (with the
// weaker heading match and the second's lead over the third article) above the first alone.
import { calibratedConfidence, type ConfidenceSignals } from './confidence.ts';
import type { Query } from './query.ts';
import { countTerms, coverage } from './score.ts';

/** the second article's score at least this share of the first's */
export const CLOSE = 0.7;
/** each article covers at least this share of the question's known weight the other does not */
export const MIN_GAIN = 0.3;
/** together they cover at least this share of it (two half-fits of an unanswerable question are not an answer) */
export const MIN_UNION = 0.85;

export interface Scored {
  passageId: string;
  articleId: string;
  terms: string;
  score: number;
  signals: ConfidenceSignals;
}

export interface TopicPair {
  first: string;
  second: string;
  confidence: number;
}

/** `ranked`: passages best first. The pair of passages answering the question together, or none. */
export function topicPair(query: Query, ranked: Scored[]): TopicPair | undefined {
  const a = ranked[0];
  const b = a && ranked.find((x) => x.articleId !== a.articleId);
  if (!a || !b || a.score <= 0 || b.score < CLOSE * a.score) return undefined;
  const third = ranked.find((x) => x.articleId !== a.articleId && x.articleId !== b.articleId)?.score ?? 0;
  const ta = countTerms(a.terms);
  const tb = countTerms(b.terms);
  const union = coverage(query, (t) => ta.has(t) || tb.has(t));
  if (
    union < MIN_UNION ||
    coverage(query, (t) => ta.has(t) && !tb.has(t)) < MIN_GAIN ||
    coverage(query, (t) => tb.has(t) && !ta.has(t)) < MIN_GAIN
  )
    return undefined;
  const signals: ConfidenceSignals = {
    ...a.signals,
    body: union,
    heading: Math.min(a.signals.heading, b.signals.heading),
    margin: Math.max(0, (b.score - third) / b.score),
  };
  const confidence = calibratedConfidence(signals);
  return confidence > calibratedConfidence(a.signals)
    ? { first: a.passageId, second: b.passageId, confidence }
    : undefined;
}
