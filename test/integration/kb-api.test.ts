// The knowledge-base API through the real HTTP server: the demo content seeded at start, search
// preview with citations, authorization (admin edits, agents read, others denied), versioning with
// diff and rollback, publish/unpublish as seen by retrieval, batch import with per-file errors, and
// the audit record of every write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCount, auditEvents } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { makeZip } from '../support/zip.ts';

interface Article { id: string; slug: string; title: string; audience: string; language: string; latestVersionNo: number; publishedVersionId: string | null; publishedVersionNo: number | null; reviewDue: boolean }
interface Version { id: string; versionNo: number; title: string; bodyMd?: string; reason: string | null; restoredFrom: string | null }
interface Hit { articleId: string; versionId: string; title: string; text: string; score: number; confidence: number }
interface ImportReport { files: { path: string; status: string; error?: { id: string } }[]; created: number; failed: number }

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let admin: string;
let agent: string;
let auditor: string;
let adminId: string;

const search = async (question: string, audience: 'public' | 'all' = 'public', token = admin) =>
  (await api<{ passages: Hit[] }>(server, 'POST', '/api/kb/search', { token, body: { question, audience } })).body.passages;

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
    const [row] = (await server.deps.db.dataSource.query(`SELECT slug, published_version_id AS v FROM kb_articles WHERE id = $1`, [top!.articleId])) as { slug: string; v: string }[];
    expect(row).toEqual({ slug: 'en/lost-stolen-card', v: top!.versionId });
    expect(top!.confidence).toBeGreaterThan(0.4);
    const [zh] = await search('银行卡丢了怎么办');
    expect(zh!.title).toContain('银行卡丢失');
  });

  it('answers the preview as the extractive provider would: the best passage quoted, or "I don\'t know" in the question\'s language', async () => {
    type Preview = { passages: Hit[]; answer: { kind: string; text: string; confidence: number; citations: { articleId: string }[] } };
    const sure = (await api<Preview>(server, 'POST', '/api/kb/search', { token: admin, body: { question: 'I lost my card, what should I do?', record: false } })).body;
    // The best passage first; a second article that also answers with confidence is quoted after it.
    expect(sure.answer).toMatchObject({ kind: 'answer', confidence: sure.passages[0]!.confidence });
    expect(sure.answer.text.startsWith(sure.passages[0]!.text)).toBe(true);
    expect(sure.answer.citations[0]?.articleId).toBe(sure.passages[0]!.articleId);
    const unsure = (await api<Preview>(server, 'POST', '/api/kb/search', { token: admin, body: { question: 'Versichern Sie auch Heißluftballons?', lang: 'de', record: false } })).body;
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
    expect((await api(server, 'POST', '/api/kb/search', { token: auditor, body: { question: 'card' } })).status).toBe(403);
    expect((await api(server, 'GET', '/api/kb/articles')).status).toBe(401);
    expect(await auditCount(server, `action = 'access.denied' AND resource_type = 'KnowledgeArticle'`)).toBe(before + 3);
  });

  it('validates input with the issue path', async () => {
    const res = await api<{ error: { id: string; issues: { path: string }[] } }>(server, 'POST', '/api/kb/articles', {
      token: admin, body: { title: 'T', bodyMd: 'b', category: 'gossip', audience: 'public', language: 'en' },
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
      body: { slug: 'test/gold-coins', title: 'Gold coins', bodyMd: '## Buying gold coins\nWe sell Britannia gold coins in selected branches.', category: 'product', audience: 'public', language: 'en', reviewBy: '2020-01-01' },
    });
    expect(res.status).toBe(201);
    id = res.body.article.id;
    v1 = res.body.version.id;
    expect(res.body.article).toMatchObject({ latestVersionNo: 1, publishedVersionId: v1, reviewDue: true });
    expect((await search('buy britannia gold coins'))[0]).toMatchObject({ articleId: id, versionId: v1 });
    const [event] = await auditEvents(server, `action = 'kb_article.create' AND resource_id = $1`, [id]);
    expect(event).toMatchObject({ actorType: 'staff', actorId: adminId, resourceType: 'KnowledgeArticle', details: { versionId: v1, versionNo: 1, published: true } });
    expect(await api(server, 'POST', '/api/kb/articles', { token: admin, body: { slug: 'test/gold-coins', title: 'Again', bodyMd: 'x', category: 'faq', audience: 'public', language: 'en' } })).toMatchObject({ status: 409 });
  });

  it('makes every edit a new version, shows the history and a line diff, and answers from the new text only', async () => {
    const res = await api<{ version: Version }>(server, 'PATCH', `/api/kb/articles/${id}`, {
      token: admin, body: { bodyMd: '## Buying gold coins\nWe sell Krugerrand gold coins online.', reason: 'product change' },
    });
    expect(res.status).toBe(200);
    expect(res.body.version).toMatchObject({ versionNo: 2, reason: 'product change' });
    const v2 = res.body.version.id;
    expect((await search('krugerrand gold coins'))[0]).toMatchObject({ articleId: id, versionId: v2 });
    expect((await search('britannia coins')).some((h) => h.articleId === id && h.text.includes('Britannia'))).toBe(false);
    const history = await api<{ versions: Version[] }>(server, 'GET', `/api/kb/articles/${id}/versions`, { token: agent });
    expect(history.body.versions.map((v) => v.versionNo)).toEqual([2, 1]);
    const diff = await api<{ diff: { added: number; removed: number; lines: { op: string; text: string }[] } }>(server, 'GET', `/api/kb/articles/${id}/diff?from=${v1}&to=${v2}`, { token: admin });
    expect(diff.body.diff).toMatchObject({ added: 1, removed: 1 });
    expect(diff.body.diff.lines).toContainEqual({ op: 'del', text: 'We sell Britannia gold coins in selected branches.' });
    expect(await auditCount(server, `action = 'kb_article.update' AND resource_id = $1`, [id])).toBe(1);
  });

  it('rolls back by adding a version that copies the old one, and publishes it', async () => {
    const res = await api<{ article: Article; version: Version }>(server, 'POST', `/api/kb/articles/${id}/rollback`, { token: admin, body: { versionId: v1, reason: 'supplier fell through' } });
    expect(res.status).toBe(200);
    expect(res.body.version).toMatchObject({ versionNo: 3, restoredFrom: v1, bodyMd: expect.stringContaining('Britannia') });
    expect(res.body.article.publishedVersionNo).toBe(3);
    expect((await search('buy britannia gold coins'))[0]).toMatchObject({ articleId: id, versionId: res.body.version.id });
    const [event] = await auditEvents(server, `action = 'kb_article.rollback' AND resource_id = $1`, [id]);
    expect(event?.details).toMatchObject({ restoredFrom: v1, restoredVersionNo: 1, versionNo: 3 });
  });

  it('refuses to change or delete a stored version in the database', async () => {
    await expect(server.deps.db.dataSource.query(`UPDATE kb_article_versions SET body_md = 'forged' WHERE id = $1`, [v1])).rejects.toThrow(/append-only/);
    await expect(server.deps.db.dataSource.query(`DELETE FROM kb_article_versions WHERE id = $1`, [v1])).rejects.toThrow(/append-only/);
  });

  it('unpublishing takes the article out of retrieval; publishing a version puts it back', async () => {
    expect((await api(server, 'POST', `/api/kb/articles/${id}/unpublish`, { token: admin })).status).toBe(200);
    expect((await search('buy britannia gold coins')).some((h) => h.articleId === id)).toBe(false);
    const res = await api<{ article: Article }>(server, 'POST', `/api/kb/articles/${id}/publish`, { token: admin, body: { versionId: v1 } });
    expect(res.body.article.publishedVersionNo).toBe(1);
    expect((await search('buy britannia gold coins'))[0]?.articleId).toBe(id);
    expect(await auditCount(server, `action IN ('kb_article.unpublish', 'kb_article.publish') AND resource_id = $1`, [id])).toBe(2);
  });

  it('answers 404 for an unknown article and 400 for a malformed id', async () => {
    expect((await api(server, 'GET', '/api/kb/articles/00000000-0000-4000-8000-000000000000', { token: admin })).status).toBe(404);
    expect((await api(server, 'GET', '/api/kb/articles/nope', { token: admin })).status).toBe(400);
  });
});

describe('import', () => {
  it('imports the good files of a batch and reports each bad one; HTML scripts are stripped', async () => {
    const res = await api<{ report: ImportReport }>(server, 'POST', '/api/kb/import', {
      token: admin,
      body: {
        audience: 'public',
        files: [
          { name: 'safe-box.html', content: '<title>Safe deposit boxes</title><h2>Renting a box</h2><p>Rent a safe deposit box from 60 a year.</p><script>fetch("/steal")</script>' },
          { name: 'faq/coins.json', content: JSON.stringify([{ question: 'Do you buy back coins?', answer: 'Yes, at the daily price.' }]) },
          { name: 'broken.csv', content: 'foo,bar\n1,2' },
          { name: 'image.png', contentBase64: 'iVBORw0KGgo=' },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.report).toMatchObject({ created: 2, failed: 2 });
    expect(res.body.report.files.filter((f) => f.status === 'failed').map((f) => [f.path, f.error?.id])).toEqual([
      ['broken.csv', 'bad_faq'],
      ['image.png', 'unsupported_type'],
    ]);
    const [top] = await search('rent a safe deposit box');
    expect(top?.title).toBe('Safe deposit boxes');
    const [row] = (await server.deps.db.dataSource.query(`SELECT count(*)::int AS n FROM kb_passages WHERE title = 'Safe deposit boxes' AND (body LIKE '%steal%' OR body LIKE '%script%')`)) as { n: number }[];
    expect(row?.n).toBe(0);
    expect(await auditCount(server, `action = 'kb_import.run'`)).toBeGreaterThanOrEqual(1);
  });

  it('imports a .zip like a folder: good entries become articles, a climbing name and a bomb are per-file errors', async () => {
    const zip = makeZip([
      { name: 'lockers/rent.md', content: '# Luggage lockers\n\n## Renting a locker\nAirport branches rent luggage lockers by the hour.\n' },
      { name: 'faq/gold.json', content: JSON.stringify([{ question: 'Do you sell gold bars?', answer: 'Yes, 50 g and 100 g bars.' }]) },
      { name: '../escape.md', content: '# Escaped' },
      { name: 'bomb.txt', content: 'a'.repeat(200_000), declaredSize: 100 },
    ]);
    const res = await api<{ report: ImportReport }>(server, 'POST', '/api/kb/import', {
      token: admin,
      body: { audience: 'public', files: [{ name: 'branch-kit.zip', contentBase64: zip.toString('base64') }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.report).toMatchObject({ created: 2, failed: 2 });
    expect(res.body.report.files.map((f) => [f.path, f.status, f.error?.id])).toEqual([
      ['branch-kit.zip:lockers/rent.md', 'created', undefined],
      ['branch-kit.zip:faq/gold.json', 'created', undefined],
      ['branch-kit.zip:../escape.md', 'failed', 'zip_entry_path'],
      ['branch-kit.zip:bomb.txt', 'failed', 'zip_entry_corrupt'],
    ]);
    const [top] = await search('rent a luggage locker at the airport');
    expect(top?.title).toBe('Luggage lockers');
    const slugs = (await server.deps.db.dataSource.query(`SELECT slug FROM kb_articles WHERE slug IN ('lockers/rent', 'faq/gold', 'escape')`)) as { slug: string }[];
    expect(slugs.map((r) => r.slug).sort()).toEqual(['faq/gold', 'lockers/rent']);
  });

  it('answers 422 for a .zip that is not one, with the reason', async () => {
    const res = await api<{ report: ImportReport }>(server, 'POST', '/api/kb/import', {
      token: admin,
      body: { files: [{ name: 'notes.zip', content: 'plain text pretending' }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.report.files.map((f) => [f.path, f.error?.id])).toEqual([['notes.zip', 'zip_corrupt']]);
  });
});

describe('gap loop', () => {
  interface Unanswered { id: string; sampleText: string; lowConfidence: number; unhelpful: number }
  const unanswered = async () => (await api<{ unanswered: Unanswered[] }>(server, 'GET', '/api/kb/unanswered', { token: admin })).body.unanswered;
  // Every column of the gap tables, so no copy of the raw text can hide in another field.
  const storedText = async () =>
    JSON.stringify(await server.deps.db.dataSource.query(`SELECT u.*, (SELECT json_agg(f) FROM kb_feedback f) AS feedback FROM kb_unanswered u`));

  it('stores a thumbs-down question from an agent redacted: no email, no name; counts the feedback', async () => {
    const [top] = await search('how much is an international wire transfer');
    const res = await api<{ recorded: boolean; questionRecorded: boolean }>(server, 'POST', '/api/kb/feedback', {
      token: agent,
      body: { articleId: top!.articleId, versionId: top!.versionId, helpful: false, question: 'Hi, I am Margaret Thompson (margaret.thompson@example.com), the wire fee answer did not help', language: 'en' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ recorded: true, questionRecorded: true });
    const row = (await unanswered()).find((u) => u.sampleText.includes('wire fee answer'));
    expect(row?.sampleText).toBe('Hi, I am <PERSON_1> (<EMAIL_1>), the wire fee answer did not help');
    expect(row?.unhelpful).toBe(1);
    expect(await storedText()).not.toMatch(/margaret|thompson|example\.com/i);
    const counts = (await api<{ feedback: { articleId: string; unhelpful: number }[] }>(server, 'GET', '/api/kb/feedback', { token: admin })).body.feedback;
    expect(counts.find((c) => c.articleId === top!.articleId)?.unhelpful).toBeGreaterThanOrEqual(1);
  });

  it('keeps no question from helpful feedback and refuses an unknown version without storing anything', async () => {
    const [top] = await search('how do I reset my online banking password');
    const before = await storedText();
    const helpful = await api<{ questionRecorded: boolean }>(server, 'POST', '/api/kb/feedback', {
      token: agent, body: { articleId: top!.articleId, versionId: top!.versionId, helpful: true, question: 'thanks, Peter Jones here' },
    });
    expect(helpful.body.questionRecorded).toBe(false);
    expect(await storedText()).not.toMatch(/peter|jones/i);
    const unknown = await api(server, 'POST', '/api/kb/feedback', {
      token: agent, body: { articleId: top!.articleId, versionId: '00000000-0000-4000-8000-000000000000', helpful: false, question: 'Paula Green asks again' },
    });
    expect(unknown.status).toBe(404);
    expect(await storedText()).not.toMatch(/paula|green/i);
    expect((await storedText()).length).toBeGreaterThan(before.length); // the helpful count only
  });

  it('notes a low-confidence search preview in the gap list, redacted; a confident one or record:false is not noted', async () => {
    const low = await api<{ gap?: { recorded: boolean; id?: string } }>(server, 'POST', '/api/kb/search', {
      token: agent, body: { question: 'My name is John Smith, can I pay my rent with bitcoin? mail john.smith@example.org', lang: 'en' },
    });
    expect(low.body.gap).toMatchObject({ recorded: true });
    const row = (await unanswered()).find((u) => u.id === low.body.gap?.id);
    expect(row?.sampleText).toBe('My name is <PERSON_1>, can I pay my rent with bitcoin? mail <EMAIL_1>');
    expect(row?.lowConfidence).toBe(1);
    expect(await storedText()).not.toMatch(/john|smith|example\.org/i);

    const confident = await api<{ gap?: unknown; passages: Hit[] }>(server, 'POST', '/api/kb/search', { token: agent, body: { question: 'how do I report a lost card' } });
    expect(confident.body.passages.length).toBeGreaterThan(0);
    expect(confident.body.gap).toBeUndefined();
    const trial = await api<{ gap?: unknown }>(server, 'POST', '/api/kb/search', { token: admin, body: { question: 'Ann Lee trying a question about pet insurance for llamas', record: false } });
    expect(trial.body.gap).toBeUndefined();
    expect(await storedText()).not.toMatch(/llama/i);
  });

  it('links an unanswered question to an article: it becomes a phrasing, a new version, and finds the article', async () => {
    const question = 'does a notary stamp on my passport photocopy work for you';
    const low = await api<{ gap?: { recorded: boolean; id?: string }; passages: Hit[] }>(server, 'POST', '/api/kb/search', { token: agent, body: { question, lang: 'en' } });
    expect(low.body.gap).toMatchObject({ recorded: true });
    const target = (await search('what documents do I need to open a current account'))[0]!;
    expect(low.body.passages[0]?.articleId).not.toBe(target.articleId);
    const refused = await api(server, 'POST', `/api/kb/unanswered/${low.body.gap!.id}/link`, { token: agent, body: { articleId: target.articleId } });
    expect(refused.status).toBe(403);
    const bad = await api<{ error: { issues: { path: string }[] } }>(server, 'POST', `/api/kb/unanswered/${low.body.gap!.id}/link`, { token: admin, body: { articleId: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i) => i.path)).toContain('articleId');
    const res = await api<{ version: { versionNo: number; phrasings: string[] } }>(server, 'POST', `/api/kb/unanswered/${low.body.gap!.id}/link`, {
      token: admin, body: { articleId: target.articleId },
    });
    expect(res.status).toBe(200);
    expect(res.body.version.phrasings).toContain(question);
    expect((await unanswered()).some((u) => u.id === low.body.gap!.id)).toBe(false);
    expect((await search(question))[0]?.articleId).toBe(target.articleId);
  });

  it('resolves a gap once it is listed, answers 404 for one that does not exist, and audits only the real one', async () => {
    const low = await api<{ gap?: { recorded: boolean; id?: string } }>(server, 'POST', '/api/kb/search', { token: agent, body: { question: 'can I insure a hot air balloon', lang: 'en' } });
    const id = low.body.gap?.id;
    expect(id).toBeTruthy();
    const audited = () => auditCount(server, `action = 'kb_unanswered.resolve'`);
    const before = await audited();
    const missing = await api(server, 'POST', '/api/kb/unanswered/00000000-0000-4000-8000-000000000000/resolve', { token: admin });
    expect(missing.status).toBe(404);
    expect(await audited()).toBe(before);
    const resolved = await api(server, 'POST', `/api/kb/unanswered/${id}/resolve`, { token: admin });
    expect(resolved.status).toBe(204);
    expect(await audited()).toBe(before + 1);
    expect((await unanswered()).some((u) => u.id === id)).toBe(false);
  });
});

