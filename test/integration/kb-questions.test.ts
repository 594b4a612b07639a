// Alternative questions through the real HTTP server: an editor adds and removes the other ways
// customers ask what an article answers; each change is a new version (searchable at once when
// the article was published and no draft waits), audited; agents read them, only editors write;
// bad input gets a stable error id and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCount } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

interface Question {
  id: string;
  text: string;
}
interface Version {
  id: string;
  versionNo: number;
  phrasings: string[];
}

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let admin: string;
let agent: string;
let articleId: string;

const path = (suffix = '') => `/api/kb/articles/${articleId}/questions${suffix}`;
const topArticle = async (question: string) =>
  (
    await api<{ passages: { articleId: string }[] }>(server, 'POST', '/api/kb/search', {
      token: admin,
      body: { question, lang: 'en', audience: 'public' },
    })
  ).body.passages[0]?.articleId;
const versions = async () =>
  Number(
    (
      (await server.deps.db.dataSource.query(
        `SELECT count(*)::int AS n FROM kb_article_versions WHERE article_id = $1`,
        [articleId],
      )) as { n: number }[]
    )[0]!.n,
  );
const audited = (action: string) => auditCount(server, `action = $1 AND resource_id = $2`, [action, articleId]);

beforeAll(async () => {
  server = await startTestServer();
  await seedStaff(server, { email: 'admin@bank.example', password: PASSWORD, role: 'admin' });
  await seedStaff(server, { email: 'agent@bank.example', password: PASSWORD, role: 'agent' });
  admin = (await bearerLogin(server, 'admin@bank.example', PASSWORD)).accessToken;
  agent = (await bearerLogin(server, 'agent@bank.example', PASSWORD)).accessToken;
  const base = { category: 'faq', audience: 'public', language: 'en' };
  const created = await api<{ article: { id: string } }>(server, 'POST', '/api/kb/articles', {
    token: admin,
    body: {
      ...base,
      slug: 'en/freeze',
      title: 'Freezing a card',
      bodyMd: '## Freeze it\nUse Cards › Freeze in the app.',
    },
  });
  expect(created.status).toBe(201);
  articleId = created.body.article.id;
  await api(server, 'POST', '/api/kb/articles', {
    token: admin,
    body: { ...base, slug: 'en/rates', title: 'Savings rates', bodyMd: '## Rates\nInterest is paid monthly.' },
  });
});
afterAll(async () => {
  await server?.stop();
});

describe('alternative questions of an article', () => {
  it('adds a question as a new published version that retrieval finds, audited', async () => {
    expect(await topArticle('somebody nicked my wallet')).not.toBe(articleId);
    const res = await api<{ question: Question; version: Version }>(server, 'POST', path(), {
      token: admin,
      body: { question: '  my wallet was nicked ' },
    });
    expect(res.status).toBe(201);
    expect(res.body.question).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/), text: 'my wallet was nicked' });
    expect(res.body.version).toMatchObject({ versionNo: 2, phrasings: ['my wallet was nicked'] });
    expect(await topArticle('somebody nicked my wallet')).toBe(articleId);
    expect(await audited('kb_article.question_add')).toBe(1);

    const listed = await api<{ questions: Question[]; versionId: string }>(server, 'GET', path(), { token: agent });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ questions: [res.body.question], versionId: res.body.version.id });
  });

  it('refuses a duplicate, bad input and a reader, with stable ids and no new version', async () => {
    const before = await versions();
    const dup = await api<{ error: { id: string } }>(server, 'POST', path(), {
      token: admin,
      body: { question: 'my wallet was nicked' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.id).toBe('question_exists');
    const short = await api<{ error: { id: string } }>(server, 'POST', path(), {
      token: admin,
      body: { question: 'ok' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.id).toBe('validation_failed');
    expect(
      (await api(server, 'POST', path(), { token: admin, body: { question: 'a fine question', extra: 1 } })).status,
    ).toBe(400);
    expect((await api(server, 'POST', path(), { token: agent, body: { question: 'my purse is gone' } })).status).toBe(
      403,
    );
    expect(
      (
        await api(server, 'POST', '/api/kb/articles/00000000-0000-4000-8000-000000000000/questions', {
          token: admin,
          body: { question: 'my purse is gone' },
        })
      ).status,
    ).toBe(404);
    expect((await api(server, 'DELETE', path('/not-an-id'), { token: admin })).status).toBe(400);
    expect((await api(server, 'DELETE', path('/0123456789abcdef'), { token: admin })).status).toBe(404);
    expect(await versions()).toBe(before);
    expect(await audited('kb_article.question_remove')).toBe(0);
  });

  it('removes a question as a new version: retrieval no longer finds the article by it', async () => {
    const { questions } = (await api<{ questions: Question[] }>(server, 'GET', path(), { token: admin })).body;
    expect((await api(server, 'DELETE', path(`/${questions[0]!.id}`), { token: agent })).status).toBe(403);
    const res = await api<{ version: Version }>(server, 'DELETE', path(`/${questions[0]!.id}`), { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.version).toMatchObject({ versionNo: 3, phrasings: [] });
    expect(await topArticle('somebody nicked my wallet')).not.toBe(articleId);
    expect(await audited('kb_article.question_remove')).toBe(1);
  });

  it('keeps a question with a pending draft: not searchable until the draft is published', async () => {
    const draft = await api(server, 'PATCH', `/api/kb/articles/${articleId}`, {
      token: admin,
      body: { bodyMd: '## Freeze it\nUse Cards › Freeze in the app, or call us.', reason: 'draft', publish: false },
    });
    expect(draft.status).toBe(200);
    const res = await api<{ version: Version }>(server, 'POST', path(), {
      token: admin,
      body: { question: 'my handbag was pinched' },
    });
    expect(res.status).toBe(201);
    expect(await topArticle('somebody pinched my handbag')).not.toBe(articleId);
    expect(
      (
        await api(server, 'POST', `/api/kb/articles/${articleId}/publish`, {
          token: admin,
          body: { versionId: res.body.version.id },
        })
      ).status,
    ).toBe(200);
    expect(await topArticle('somebody pinched my handbag')).toBe(articleId);
  });
});
