// The knowledge-base API as the editor screens call it, each answer checked against protocol/knowledge.ts.
import { z } from 'zod';
import {
  type KbArticle,
  KbArticleAnswer,
  KbArticleList,
  KbArticleSaved,
  KbDiffAnswer,
  KbFeedbackList,
  KbImportAnswer,
  KbQuestionList,
  KbSearchAnswer,
  KbUnansweredList,
  KbVersionAnswer,
  KbVersionChange,
  KbVersionList,
} from '../../../../../protocol/knowledge.ts';
import { StaffUser } from '../../../../../protocol/staff.ts';
import { call, withQuery } from '../../api.ts';

const A = '/api/kb';
const Nothing = z.undefined();
const StaffNames = z.object({ users: z.array(StaffUser.pick({ id: true, displayName: true })) });

export interface ArticleFilter {
  category?: string;
  language?: string;
  audience?: string;
  reviewDue?: string;
  archived?: string;
}

/** What the editor sends: the article's text and its metadata. */
export type ArticleInput = Pick<
  KbArticle,
  'title' | 'category' | 'audience' | 'language' | 'tags' | 'owner' | 'reviewBy'
> & { bodyMd: string };

export const kb = {
  articles: (f: ArticleFilter) => call(KbArticleList, 'GET', withQuery(`${A}/articles`, { ...f, limit: 500 })),
  article: (id: string) => call(KbArticleAnswer, 'GET', `${A}/articles/${id}`),
  create: (input: ArticleInput & { slug?: string; phrasings?: string[]; publish: boolean }) =>
    call(KbArticleSaved, 'POST', `${A}/articles`, input),
  update: (id: string, input: Partial<ArticleInput> & { reason: string; publish: boolean }) =>
    call(KbArticleSaved, 'PATCH', `${A}/articles/${id}`, input),
  archive: (id: string) => call(KbArticleAnswer, 'DELETE', `${A}/articles/${id}`),
  publish: (id: string, versionId: string) =>
    call(KbArticleAnswer, 'POST', `${A}/articles/${id}/publish`, { versionId }),
  unpublish: (id: string) => call(KbArticleAnswer, 'POST', `${A}/articles/${id}/unpublish`, {}),
  versions: (id: string) => call(KbVersionList, 'GET', `${A}/articles/${id}/versions`),
  version: (id: string, versionId: string) => call(KbVersionAnswer, 'GET', `${A}/articles/${id}/versions/${versionId}`),
  diff: (id: string, from: string, to: string) =>
    call(KbDiffAnswer, 'GET', withQuery(`${A}/articles/${id}/diff`, { from, to })),
  rollback: (id: string, versionId: string, reason: string) =>
    call(KbArticleSaved, 'POST', `${A}/articles/${id}/rollback`, { versionId, reason }),
  questions: (id: string) => call(KbQuestionList, 'GET', `${A}/articles/${id}/questions`),
  addQuestion: (id: string, question: string) =>
    call(KbVersionChange, 'POST', `${A}/articles/${id}/questions`, { question }),
  removeQuestion: (id: string, questionId: string) =>
    call(KbVersionChange, 'DELETE', `${A}/articles/${id}/questions/${questionId}`),
  importFiles: (body: {
    files: { name: string; contentBase64: string }[];
    publish: boolean;
    language?: string;
    audience?: string;
    category?: string;
  }) => call(KbImportAnswer, 'POST', `${A}/import`, body),
  // An editor's trial never joins the gap list (record: false).
  search: (question: string, lang: string | undefined, audience: string) =>
    call(KbSearchAnswer, 'POST', `${A}/search`, { question, lang, audience, record: false }),
  unanswered: () => call(KbUnansweredList, 'GET', `${A}/unanswered`),
  resolve: (id: string) => call(Nothing, 'POST', `${A}/unanswered/${id}/resolve`, {}),
  link: (id: string, articleId: string) => call(KbVersionChange, 'POST', `${A}/unanswered/${id}/link`, { articleId }),
  /** Who wrote the versions: staff names, for an admin who may read the staff list. */
  staffNames: () => call(StaffNames, 'GET', '/api/users'),
  feedback: () => call(KbFeedbackList, 'GET', `${A}/feedback`),
};
