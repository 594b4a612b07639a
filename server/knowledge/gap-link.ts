// Closing the gap loop with content: an editor links an unanswered question (already redacted when
// it was recorded) to the article that answers it. The question becomes one of the article's
// alternative phrasings — a new version, published and re-indexed — and leaves the gap list.
import type { EntityManager } from 'typeorm';
import { notFound } from '../errors.ts';
import { type Actor, latestVersion, loadArticle, updateArticle } from './articles.ts';
import { resolveUnanswered } from './gaps.ts';
import { lockUnansweredSample } from './store/gaps.ts';
import type { VersionRow } from './views.ts';

export async function linkUnanswered(props: {
  tx: EntityManager;
  actor: Actor;
  requestId?: string;
  id: string;
  articleId: string;
}): Promise<VersionRow | null> {
  const sample = await lockUnansweredSample(props.tx, props.id);
  if (sample === null) throw notFound('unanswered question');
  await loadArticle(props.tx, props.articleId);
  const current = await latestVersion(props.tx, props.articleId);
  const phrasing = sample.trim().slice(0, 300);
  const phrasings = current?.phrasings.includes(phrasing)
    ? current.phrasings
    : [...(current?.phrasings ?? []), phrasing].slice(-50);
  const { version } = await updateArticle({
    tx: props.tx,
    actor: props.actor,
    requestId: props.requestId,
    articleId: props.articleId,
    input: { phrasings, reason: 'linked an unanswered question', publish: true },
  });
  await resolveUnanswered({ tx: props.tx, actor: props.actor, requestId: props.requestId, id: props.id });
  return version;
}
