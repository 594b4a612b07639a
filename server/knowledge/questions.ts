// The other ways customers ask what an article answers ("alternative questions"), as the admin
// console manages them: one at a time, each with a stable id (a hash of its text). They are the
// article's phrasings, stored and versioned with its text (kb_article_versions.phrasings), so an
// added or removed question is a new version — the history, diff and rollback cover it — and is
// searchable at once when the article's latest version was the published one (a pending draft
// stays a draft: the question waits with it). Every change is audited.
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import { conflict, notFound } from '../errors.ts';
import { type Actor, latestVersion, loadArticle, updateArticle } from './articles.ts';
import type { VersionRow } from './views.ts';

export interface ArticleQuestion {
  id: string;
  text: string;
}

export const MAX_QUESTIONS = 50;

/** A question's id: the same text, the same id, in every version. */
export const questionId = (text: string) =>
  createHash('sha256').update(text.normalize('NFC')).digest('hex').slice(0, 16);

const present = (phrasings: string[]): ArticleQuestion[] => phrasings.map((text) => ({ id: questionId(text), text }));

/** The article's questions as its latest version holds them. */
export async function listQuestions(
  tx: EntityManager,
  articleId: string,
): Promise<{ questions: ArticleQuestion[]; versionId: string | null }> {
  await loadArticle(tx, articleId);
  const current = await latestVersion(tx, articleId);
  return { questions: present(current?.phrasings ?? []), versionId: current?.id ?? null };
}

interface Change {
  tx: EntityManager;
  actor: Actor;
  requestId?: string;
  articleId: string;
}

async function change(
  props: Change,
  edit: (phrasings: string[]) => string[],
  action: string,
  question: string,
): Promise<VersionRow> {
  const article = await loadArticle(props.tx, props.articleId, true);
  const current = await latestVersion(props.tx, props.articleId);
  if (!current) throw notFound('article version');
  const phrasings = edit(current.phrasings);
  // Published at once only when nothing else is waiting in a draft.
  const publish = article.publishedVersionId === current.id;
  const { version } = await updateArticle({
    ...props,
    input: { phrasings, reason: action === 'add' ? 'added a question' : 'removed a question', publish },
  });
  await appendAudit(props.tx, {
    actor: props.actor,
    action: `kb_article.question_${action}`,
    resource: { type: 'KnowledgeArticle', id: props.articleId },
    requestId: props.requestId,
    details: {
      questionId: question,
      versionId: version!.id,
      versionNo: version!.versionNo,
      published: publish,
      questions: phrasings.length,
    },
  });
  return version!;
}

export async function addQuestion(
  props: Change & { text: string },
): Promise<{ question: ArticleQuestion; version: VersionRow }> {
  const text = props.text.trim();
  const id = questionId(text);
  const version = await change(
    props,
    (phrasings) => {
      if (phrasings.some((p) => questionId(p) === id))
        throw conflict('question_exists', 'The article already has this question.');
      if (phrasings.length >= MAX_QUESTIONS)
        throw conflict('too_many_questions', `An article holds at most ${MAX_QUESTIONS} questions.`);
      return [...phrasings, text];
    },
    'add',
    id,
  );
  return { question: { id, text }, version };
}

export async function removeQuestion(props: Change & { questionId: string }): Promise<VersionRow> {
  return change(
    props,
    (phrasings) => {
      const kept = phrasings.filter((p) => questionId(p) !== props.questionId);
      if (kept.length === phrasings.length) throw notFound('question');
      return kept;
    },
    'remove',
    props.questionId,
  );
}
