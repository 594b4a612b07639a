// The held-out evaluation (test/fixtures/kb/held-out.ts) over the seeded demo knowledge base: for
// each language and each style, top-1 / top-3 (the right topic — an article or one of its
// translations — first / among the first three articles), answered right (the product's own
// answer decision answers, citing the right topic first), wrong "I don't know" on answerable
// questions, "I don't know" on unanswerable ones, and internal articles reaching a public search.
// Also a precision/recall curve over the confidence threshold, from which the threshold is chosen.
import { DEFAULT_THRESHOLD, extractiveAnswer } from '../../gateway/knowledge/answer.ts';
import type { ConfidenceSignals } from '../../gateway/knowledge/confidence.ts';
import type { PassageHit } from '../../gateway/knowledge/types.ts';
import { createKnowledgeRetriever } from '../../server/knowledge/source.ts';
import { HELD_OUT, type HeldOutQuestion } from '../fixtures/kb/held-out.ts';
import { withDemoKnowledge } from './kb-eval.ts';
import { topicOf } from './kb-topics.ts';

export interface GroupScore {
  answerable: number;
  unanswerable: number;
  top1: number;
  top3: number;
  answeredRight: number;
  wrongIdk: number;
  idkOnUnanswerable: number;
  leaks: number;
}

export interface HeldOutItem {
  question: HeldOutQuestion;
  topics: string[];
  confidence: number;
  signals: ConfidenceSignals | undefined;
  answered: boolean;
  answeredTopic: string | null;
  leaked: boolean;
}

export interface HeldOutResult {
  threshold: number;
  items: HeldOutItem[];
}

export async function runHeldOut(
  opts: { threshold?: number; questions?: HeldOutQuestion[] } = {},
): Promise<HeldOutResult> {
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  return withDemoKnowledge(async (db) => {
    const articles = new Map(
      (
        (await db.dataSource.query(`SELECT id, slug, audience FROM kb_articles`)) as {
          id: string;
          slug: string;
          audience: string;
        }[]
      ).map((r) => [r.id, r]),
    );
    const topic = (p: { articleId: string }) => topicOf(articles.get(p.articleId)?.slug ?? '?');
    const retriever = createKnowledgeRetriever(db.dataSource, { memoEntries: 0 });
    const items: HeldOutItem[] = [];
    for (const question of opts.questions ?? HELD_OUT) {
      const { passages, signals } = await retriever.search({
        question: question.q,
        lang: question.lang,
        audience: 'public',
        limit: 10,
      });
      const answer = extractiveAnswer(passages, { threshold, lang: question.lang });
      const cited = answer.kind === 'answer' ? answer.citations[0] : undefined;
      items.push({
        question,
        topics: [...new Set(passages.map(topic))],
        confidence: passages[0]?.confidence ?? 0,
        signals,
        answered: answer.kind === 'answer',
        answeredTopic: cited ? topic(cited) : null,
        leaked: passages.some((p: PassageHit) => articles.get(p.articleId)?.audience !== 'public'),
      });
    }
    return { threshold, items };
  });
}

export function score(items: HeldOutItem[]): GroupScore {
  const answerable = items.filter((i) => i.question.expect !== null);
  const unanswerable = items.filter((i) => i.question.expect === null);
  const rate = (n: number, d: number) => (d ? n / d : NaN);
  return {
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    top1: rate(answerable.filter((i) => i.topics[0] === i.question.expect).length, answerable.length),
    top3: rate(answerable.filter((i) => i.topics.slice(0, 3).includes(i.question.expect!)).length, answerable.length),
    answeredRight: rate(
      answerable.filter((i) => i.answered && i.answeredTopic === i.question.expect).length,
      answerable.length,
    ),
    wrongIdk: rate(answerable.filter((i) => !i.answered).length, answerable.length),
    idkOnUnanswerable: rate(unanswerable.filter((i) => !i.answered).length, unanswerable.length),
    leaks: items.filter((i) => i.leaked).length,
  };
}

export function groupBy(items: HeldOutItem[], key: (i: HeldOutItem) => string): Map<string, GroupScore> {
  const groups = new Map<string, HeldOutItem[]>();
  for (const i of items) groups.set(key(i), [...(groups.get(key(i)) ?? []), i]);
  return new Map([...groups].map(([k, v]) => [k, score(v)]));
}

/** Answer precision (answered with the right topic / answered) and recall over thresholds, from confidences alone. */
export function precisionRecall(
  items: HeldOutItem[],
  thresholds = [0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8],
) {
  const answerable = items.filter((i) => i.question.expect !== null).length;
  const unanswerable = items.filter((i) => i.question.expect === null).length;
  return thresholds.map((t) => {
    const answered = items.filter((i) => i.confidence >= t);
    const right = answered.filter((i) => i.topics[0] === i.question.expect).length;
    const idkUn = items.filter((i) => i.question.expect === null && i.confidence < t).length;
    return {
      threshold: t,
      precision: answered.length ? right / answered.length : 1,
      recall: answerable ? right / answerable : 0,
      idkOnUnanswerable: unanswerable ? idkUn / unanswerable : 0,
    };
  });
}

const f = (x: number) => (Number.isNaN(x) ? '   - ' : x.toFixed(2).padStart(5));

export function formatTable(title: string, groups: Map<string, GroupScore>): string {
  const head = `${title.padEnd(12)}  n(ans/un)  top-1  top-3  right  wrongIDK  IDK-on-un  leaks`;
  const lines = [...groups].map(
    ([k, s]) =>
      `${k.padEnd(12)}  ${`${s.answerable}/${s.unanswerable}`.padStart(9)}  ${f(s.top1)}  ${f(s.top3)}  ${f(s.answeredRight)}     ${f(s.wrongIdk)}      ${f(s.idkOnUnanswerable)}  ${String(s.leaks).padStart(5)}`,
  );
  return [head, ...lines].join('\n');
}

export function formatHeldOut(r: HeldOutResult, split: 'dev' | 'test'): string {
  const items = r.items.filter((i) => i.question.split === split);
  const byLang = groupBy(items, (i) => i.question.lang);
  byLang.set('all', score(items));
  const curve = precisionRecall(items)
    .map(
      (p) =>
        `  t=${p.threshold.toFixed(2)}  precision ${f(p.precision)}  recall ${f(p.recall)}  IDK-on-unanswerable ${f(p.idkOnUnanswerable)}`,
    )
    .join('\n');
  return [
    `[kb-eval held-out] split=${split} threshold=${r.threshold} questions=${items.length}`,
    formatTable('language', byLang),
    formatTable(
      'style',
      groupBy(items, (i) => i.question.style),
    ),
    'precision/recall over the confidence threshold:',
    curve,
  ].join('\n');
}
