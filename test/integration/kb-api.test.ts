// The knowledge-base API through the real HTTP server: the demo content seeded at start, search
// preview with citations, authorization (admin edits, agents read, others denied), versioning with
// diff and rollback, publish/unpublish as seen by retrieval, and the audit record of every write.
// Import and the gap loop are tested in kb-import-gaps.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCount, auditEvents } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

interface Article {
  id: string;
  slug: string;
  title: string;
  audience: string;
  language: string;
  latestVersionNo: number;
  publishedVersionId: string | null;
  publishedVersionNo: number | null;
  reviewDue: boolean;
}
interface Version {
  id: string;
  versionNo: number;
  title: string;
  bodyMd?: string;
  reason: string | null;
  restoredFrom: string | null;
}
interface Hit {
  articleId: string;
  versionId: string;
  title: string;
  text: string;
  score: number;
  confidence: number;
}

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let admin: string;
let agent: string;
let auditor: string;
let adminId: string;

const search = async (question: string, audience: 'public' | 'all' = 'public', token = admin) =>
  (await api<{ passages: Hit[] }>(server, 'POST', '/api/kb/search', { token, body: { question, audience } })).body
    .passages;

beforeAll(async () => {
  server = await startTestServer({}, { seedDemoKnowledge: true });
  adminId = await seedStaff(server, { email: 'admin@bank.example', password: PASSWORD, role: 'admin' });
  await seedStaff(server, { email: 'agent@bank.example', password: PASSWORD, role: 'agent' });
  await seedStaff(server, { email: 'auditor@bank.example', password: PASSWORD, role: 'auditor' });
  admin = (await bearerLogin(server, 'admin@bank.example', PASSWORD)).accessToken;
  agent = (await bearerLogin(server, 'agent@bank.example', PASSWORD)).accessToken;
  auditor = (await bearerLogin(server, 'auditor@bank.example', PASSWORD)).accessToken;
});
afterAll(async () => {
  await server?.stop();
});

describe('demo content and search preview', () => {
  it('seeds at least 40 published articles in the five widget languages on first start', async () => {
    const res = await api<{ articles: Article[] }>(server, 'GET', '/api/kb/articles?limit=500', { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.articles.length).toBeGreaterThanOrEqual(40);
    expect(new Set(res.body.articles.map((a) => a.language))).toEqual(new Set(['en', 'zh', 'de', 'fr', 'es']));
    expect(res.body.articles.every((a) => a.publishedVersionNo === 1)).toBe(true);
  });

  it('answers a visitor question with passages that cite article and version', async () => {
    const [top] = await search('I lost my card, what should I do?');
    const [row] = (await server.deps.db.dataSource.query(
      `SELECT slug, published_version_id AS v FROM kb_articles WHERE id = $1`,
      [top!.articleId],
    )) as { slug: string; v: string }[];
    expect(row).toEqual({ slug: 'en/lost-stolen-card', v: top!.versionId });
    expect(top!.confidence).toBeGreaterThan(0.4);
    const [zh] = await search('银行卡丢了怎么办');
    expect(zh!.title).toContain('银行卡丢失');
  });

  it('answers the preview as the extractive provider would: the best passage quoted, or "I don\'t know" in the question\'s language', async () => {
    type Preview = {
      passages: Hit[];
      answer: { kind: string; text: string; confidence: number; citations: { articleId: string }[] };
    };
    const sure = (
      await api<Preview>(server, 'POST', '/api/kb/search', {
        token: admin,
        body: { question: 'I lost my card, what should I do?', record: false },
      })
    ).body;
    // The best passage first; a second article that also answers with confidence is quoted after it.
    expect(sure.answer).toMatchObject({ kind: 'answer', confidence: sure.passages[0]!.confidence });
    expect(sure.answer.text.startsWith(sure.passages[0]!.text)).toBe(true);
    expect(sure.answer.citations[0]?.articleId).toBe(sure.passages[0]!.articleId);
    const unsure = (
      await api<Preview>(server, 'POST', '/api/kb/search', {
        token: admin,
        body: { question: 'Versichern Sie auch Heißluftballons?', lang: 'de', record: false },
      })
    ).body;
    expect(unsure.answer.kind).toBe('unknown');
    expect(unsure.answer.text).toMatch(/^Darauf habe ich/);
    expect(unsure.answer.citations).toEqual([]);
  });

  it('keeps internal articles from the public audience but shows them to staff previews', async () => {
    const q = 'goodwill refund of a fee reason code';
    expect((await search(q, 'public')).some((h) => h.title.includes('agents only'))).toBe(false);
    expect((await search(q, 'all', agent))[0]?.title).toContain('agents only');
  });
});

describe('authorization', () => {
  it('lets agents read but not write, refuses other roles and anonymous callers, and audits denials', async () => {
    expect((await api(server, 'GET', '/api/kb/articles', { token: agent })).status).toBe(200);
    const before = await auditCount(server, `action = 'access.denied' AND resource_type = 'KnowledgeArticle'`);
    const body = { title: 'X', bodyMd: 'y', category: 'faq', audience: 'public', language: 'en' };
    expect((await api(server, 'POST', '/api/kb/articles', { token: agent, body })).status).toBe(403);
    expect((await api(server, 'GET', '/api/kb/articles', { token: auditor })).status).toBe(403);
    expect((await api(server, 'POST', '/api/kb/search', { token: auditor, body: { question: 'card' } })).status).toBe(
      403,
    );
    expect((await api(server, 'GET', '/api/kb/articles')).status).toBe(401);
    expect(await auditCount(server, `action = 'access.denied' AND resource_type = 'KnowledgeArticle'`)).toBe(
      before + 3,
    );
  });

  it('validates input with the issue path', async () => {
    const res = await api<{ error: { id: string; issues: { path: string }[] } }>(server, 'POST', '/api/kb/articles', {
      token: admin,
      body: { title: 'T', bodyMd: 'b', category: 'gossip', audience: 'public', language: 'en' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i) => i.path)).toContain('category');
  });
});

describe('versions', () => {
  let id: string;
  let v1: string;

  it('creates a published article (201) that retrieval finds, and audits it', async () => {
    const res = await api<{ article: Article; version: Version }>(server, 'POST', '/api/kb/articles', {
      token: admin,
      body: {
        slug: 'test/gold-coins',
        title: 'Gold coins',
        bodyMd: '## Buying gold coins\nWe sell Britannia gold coins in selected branches.',
        category: 'product',
        audience: 'public',
        language: 'en',
        reviewBy: '2020-01-01',
      },
    });
    expect(res.status).toBe(201);
    id = res.body.article.id;
    v1 = res.body.version.id;
    expect(res.body.article).toMatchObject({ latestVersionNo: 1, publishedVersionId: v1, reviewDue: true });
    expect((await search('buy britannia gold coins'))[0]).toMatchObject({ articleId: id, versionId: v1 });
    const [event] = await auditEvents(server, `action = 'kb_article.create' AND resource_id = $1`, [id]);
    expect(event).toMatchObject({
      actorType: 'staff',
      actorId: adminId,
      resourceType: 'KnowledgeArticle',
      details: { versionId: v1, versionNo: 1, published: true },
    });
    expect(
      await api(server, 'POST', '/api/kb/articles', {
        token: admin,
        body: {
          slug: 'test/gold-coins',
          title: 'Again',
          bodyMd: 'x',
          category: 'faq',
          audience: 'public',
          language: 'en',
        },
      }),
    ).toMatchObject({ status: 409 });
  });

  it('makes every edit a new version, shows the history and a line diff, and answers from the new text only', async () => {
    const res = await api<{ version: Version }>(server, 'PATCH', `/api/kb/articles/${id}`, {
      token: admin,
      body: { bodyMd: '## Buying gold coins\nWe sell Krugerrand gold coins online.', reason: 'product change' },
    });
    expect(res.status).toBe(200);
    expect(res.body.version).toMatchObject({ versionNo: 2, reason: 'product change' });
    const v2 = res.body.version.id;
    expect((await search('krugerrand gold coins'))[0]).toMatchObject({ articleId: id, versionId: v2 });
    expect((await search('britannia coins')).some((h) => h.articleId === id && h.text.includes('Britannia'))).toBe(
      false,
    );
    const history = await api<{ versions: Version[] }>(server, 'GET', `/api/kb/articles/${id}/versions`, {
      token: agent,
    });
    expect(history.body.versions.map((v) => v.versionNo)).toEqual([2, 1]);
    const diff = await api<{ diff: { added: number; removed: number; lines: { op: string; text: string }[] } }>(
      server,
      'GET',
      `/api/kb/articles/${id}/diff?from=${v1}&to=${v2}`,
      { token: admin },
    );
    expect(diff.body.diff).toMatchObject({ added: 1, removed: 1 });
    expect(diff.body.diff.lines).toContainEqual({
      op: 'del',
      text: 'We sell Britannia gold coins in selected branches.',
    });
    expect(await auditCount(server, `action = 'kb_article.update' AND resource_id = $1`, [id])).toBe(1);
  });

  it('rolls back by adding a version that copies the old one, and publishes it', async () => {
    const res = await api<{ article: Article; version: Version }>(server, 'POST', `/api/kb/articles/${id}/rollback`, {
      token: admin,
      body: { versionId: v1, reason: 'supplier fell through' },
    });
    expect(res.status).toBe(200);
    expect(res.body.version).toMatchObject({
      versionNo: 3,
      restoredFrom: v1,
      bodyMd: expect.stringContaining('Britannia'),
    });
    expect(res.body.article.publishedVersionNo).toBe(3);
    expect((await search('buy britannia gold coins'))[0]).toMatchObject({
      articleId: id,
      versionId: res.body.version.id,
    });
    const [event] = await auditEvents(server, `action = 'kb_article.rollback' AND resource_id = $1`, [id]);
    expect(event?.details).toMatchObject({ restoredFrom: v1, restoredVersionNo: 1, versionNo: 3 });
  });

  it('refuses to change or delete a stored version in the database', async () => {
    await expect(
      server.deps.db.dataSource.query(`UPDATE kb_article_versions SET body_md = 'forged' WHERE id = $1`, [v1]),
    ).rejects.toThrow(/append-only/);
    await expect(
      server.deps.db.dataSource.query(`DELETE FROM kb_article_versions WHERE id = $1`, [v1]),
    ).rejects.toThrow(/append-only/);
  });

  it('unpublishing takes the article out of retrieval; publishing a version puts it back', async () => {
    expect((await api(server, 'POST', `/api/kb/articles/${id}/unpublish`, { token: admin })).status).toBe(200);
    expect((await search('buy britannia gold coins')).some((h) => h.articleId === id)).toBe(false);
    const res = await api<{ article: Article }>(server, 'POST', `/api/kb/articles/${id}/publish`, {
      token: admin,
      body: { versionId: v1 },
    });
    expect(res.body.article.publishedVersionNo).toBe(1);
    expect((await search('buy britannia gold coins'))[0]?.articleId).toBe(id);
    expect(
      await auditCount(server, `action IN ('kb_article.unpublish', 'kb_article.publish') AND resource_id = $1`, [id]),
    ).toBe(2);
  });

  it('answers 404 for an unknown article and 400 for a malformed id', async () => {
    expect(
      (await api(server, 'GET', '/api/kb/articles/00000000-0000-4000-8000-000000000000', { token: admin })).status,
    ).toBe(404);
    expect((await api(server, 'GET', '/api/kb/articles/nope', { token: admin })).status).toBe(400);
  });
});
