// The knowledge base's intake through the real HTTP server: batch and zip import with per-file
// errors, and the gap loop (unanswered questions stored redacted, feedback counted, a question
// linked to an article as another way of asking).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCount } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { makeZip } from '../support/zip.ts';

interface Hit {
  articleId: string;
  versionId: string;
  title: string;
  text: string;
  score: number;
  confidence: number;
}
interface ImportReport {
  files: { path: string; status: string; error?: { id: string } }[];
  created: number;
  failed: number;
}

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let admin: string;
let agent: string;

const search = async (question: string, audience: 'public' | 'all' = 'public', token = admin) =>
  (await api<{ passages: Hit[] }>(server, 'POST', '/api/kb/search', { token, body: { question, audience } })).body
    .passages;

beforeAll(async () => {
  server = await startTestServer({}, { seedDemoKnowledge: true });
  await seedStaff(server, { email: 'admin@bank.example', password: PASSWORD, role: 'admin' });
  await seedStaff(server, { email: 'agent@bank.example', password: PASSWORD, role: 'agent' });
  admin = (await bearerLogin(server, 'admin@bank.example', PASSWORD)).accessToken;
  agent = (await bearerLogin(server, 'agent@bank.example', PASSWORD)).accessToken;
});
afterAll(async () => {
  await server?.stop();
});

describe('import', () => {
  it('imports the good files of a batch and reports each bad one; HTML scripts are stripped', async () => {
    const res = await api<{ report: ImportReport }>(server, 'POST', '/api/kb/import', {
      token: admin,
      body: {
        audience: 'public',
        files: [
          {
            name: 'safe-box.html',
            content:
              '<title>Safe deposit boxes</title><h2>Renting a box</h2><p>Rent a safe deposit box from 60 a year.</p><script>fetch("/steal")</script>',
          },
          {
            name: 'faq/coins.json',
            content: JSON.stringify([{ question: 'Do you buy back coins?', answer: 'Yes, at the daily price.' }]),
          },
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
    const [row] = (await server.deps.db.dataSource.query(
      `SELECT count(*)::int AS n FROM kb_passages WHERE title = 'Safe deposit boxes' AND (body LIKE '%steal%' OR body LIKE '%script%')`,
    )) as { n: number }[];
    expect(row?.n).toBe(0);
    expect(await auditCount(server, `action = 'kb_import.run'`)).toBeGreaterThanOrEqual(1);
  });

  it('imports a .zip like a folder: good entries become articles, a climbing name and a bomb are per-file errors', async () => {
    const zip = makeZip([
      {
        name: 'lockers/rent.md',
        content: '# Luggage lockers\n\n## Renting a locker\nAirport branches rent luggage lockers by the hour.\n',
      },
      {
        name: 'faq/gold.json',
        content: JSON.stringify([{ question: 'Do you sell gold bars?', answer: 'Yes, 50 g and 100 g bars.' }]),
      },
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
    const slugs = (await server.deps.db.dataSource.query(
      `SELECT slug FROM kb_articles WHERE slug IN ('lockers/rent', 'faq/gold', 'escape')`,
    )) as { slug: string }[];
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
  interface Unanswered {
    id: string;
    sampleText: string;
    lowConfidence: number;
    unhelpful: number;
  }
  const unanswered = async () =>
    (await api<{ unanswered: Unanswered[] }>(server, 'GET', '/api/kb/unanswered', { token: admin })).body.unanswered;
  // Every column of the gap tables, so no copy of the raw text can hide in another field.
  const storedText = async () =>
    JSON.stringify(
      await server.deps.db.dataSource.query(
        `SELECT u.*, (SELECT json_agg(f) FROM kb_feedback f) AS feedback FROM kb_unanswered u`,
      ),
    );

  it('stores a thumbs-down question from an agent redacted: no email, no name; counts the feedback', async () => {
    const [top] = await search('how much is an international wire transfer');
    const res = await api<{ recorded: boolean; questionRecorded: boolean }>(server, 'POST', '/api/kb/feedback', {
      token: agent,
      body: {
        articleId: top!.articleId,
        versionId: top!.versionId,
        helpful: false,
        question: 'Hi, I am Margaret Thompson (margaret.thompson@example.com), the wire fee answer did not help',
        language: 'en',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ recorded: true, questionRecorded: true });
    const row = (await unanswered()).find((u) => u.sampleText.includes('wire fee answer'));
    expect(row?.sampleText).toBe('Hi, I am <PERSON_1> (<EMAIL_1>), the wire fee answer did not help');
    expect(row?.unhelpful).toBe(1);
    expect(await storedText()).not.toMatch(/margaret|thompson|example\.com/i);
    const counts = (
      await api<{ feedback: { articleId: string; unhelpful: number }[] }>(server, 'GET', '/api/kb/feedback', {
        token: admin,
      })
    ).body.feedback;
    expect(counts.find((c) => c.articleId === top!.articleId)?.unhelpful).toBeGreaterThanOrEqual(1);
  });

  it('keeps no question from helpful feedback and refuses an unknown version without storing anything', async () => {
    const [top] = await search('how do I reset my online banking password');
    const before = await storedText();
    const helpful = await api<{ questionRecorded: boolean }>(server, 'POST', '/api/kb/feedback', {
      token: agent,
      body: {
        articleId: top!.articleId,
        versionId: top!.versionId,
        helpful: true,
        question: 'thanks, Peter Jones here',
      },
    });
    expect(helpful.body.questionRecorded).toBe(false);
    expect(await storedText()).not.toMatch(/peter|jones/i);
    const unknown = await api(server, 'POST', '/api/kb/feedback', {
      token: agent,
      body: {
        articleId: top!.articleId,
        versionId: '00000000-0000-4000-8000-000000000000',
        helpful: false,
        question: 'Paula Green asks again',
      },
    });
    expect(unknown.status).toBe(404);
    expect(await storedText()).not.toMatch(/paula|green/i);
    expect((await storedText()).length).toBeGreaterThan(before.length); // the helpful count only
  });

  it('notes a low-confidence search preview in the gap list, redacted; a confident one or record:false is not noted', async () => {
    const low = await api<{ gap?: { recorded: boolean; id?: string } }>(server, 'POST', '/api/kb/search', {
      token: agent,
      body: {
        question: 'My name is John Smith, can I pay my rent with bitcoin? mail john.smith@example.org',
        lang: 'en',
      },
    });
    expect(low.body.gap).toMatchObject({ recorded: true });
    const row = (await unanswered()).find((u) => u.id === low.body.gap?.id);
    expect(row?.sampleText).toBe('My name is <PERSON_1>, can I pay my rent with bitcoin? mail <EMAIL_1>');
    expect(row?.lowConfidence).toBe(1);
    expect(await storedText()).not.toMatch(/john|smith|example\.org/i);

    const confident = await api<{ gap?: unknown; passages: Hit[] }>(server, 'POST', '/api/kb/search', {
      token: agent,
      body: { question: 'how do I report a lost card' },
    });
    expect(confident.body.passages.length).toBeGreaterThan(0);
    expect(confident.body.gap).toBeUndefined();
    const trial = await api<{ gap?: unknown }>(server, 'POST', '/api/kb/search', {
      token: admin,
      body: { question: 'Ann Lee trying a question about pet insurance for llamas', record: false },
    });
    expect(trial.body.gap).toBeUndefined();
    expect(await storedText()).not.toMatch(/llama/i);
  });

  it('links an unanswered question to an article: it becomes a phrasing, a new version, and finds the article', async () => {
    const question = 'is a notarised copy of my residence permit good enough for you';
    const low = await api<{ gap?: { recorded: boolean; id?: string }; passages: Hit[] }>(
      server,
      'POST',
      '/api/kb/search',
      { token: agent, body: { question, lang: 'en' } },
    );
    expect(low.body.gap).toMatchObject({ recorded: true });
    const target = (await search('what documents do I need to open a current account'))[0]!;
    expect(low.body.passages[0]?.articleId).not.toBe(target.articleId);
    const refused = await api(server, 'POST', `/api/kb/unanswered/${low.body.gap!.id}/link`, {
      token: agent,
      body: { articleId: target.articleId },
    });
    expect(refused.status).toBe(403);
    const bad = await api<{ error: { issues: { path: string }[] } }>(
      server,
      'POST',
      `/api/kb/unanswered/${low.body.gap!.id}/link`,
      { token: admin, body: { articleId: 'nope' } },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i) => i.path)).toContain('articleId');
    const res = await api<{ version: { versionNo: number; phrasings: string[] } }>(
      server,
      'POST',
      `/api/kb/unanswered/${low.body.gap!.id}/link`,
      {
        token: admin,
        body: { articleId: target.articleId },
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.version.phrasings).toContain(question);
    expect((await unanswered()).some((u) => u.id === low.body.gap!.id)).toBe(false);
    expect((await search(question))[0]?.articleId).toBe(target.articleId);
  });

  it('resolves a gap once it is listed, answers 404 for one that does not exist, and audits only the real one', async () => {
    const low = await api<{ gap?: { recorded: boolean; id?: string } }>(server, 'POST', '/api/kb/search', {
      token: agent,
      body: { question: 'can I insure a hot air balloon', lang: 'en' },
    });
    const id = low.body.gap?.id;
    expect(id).toBeTruthy();
    const audited = () => auditCount(server, `action = 'kb_unanswered.resolve'`);
    const before = await audited();
    const missing = await api(server, 'POST', '/api/kb/unanswered/00000000-0000-4000-8000-000000000000/resolve', {
      token: admin,
    });
    expect(missing.status).toBe(404);
    expect(await audited()).toBe(before);
    const resolved = await api(server, 'POST', `/api/kb/unanswered/${id}/resolve`, { token: admin });
    expect(resolved.status).toBe(204);
    expect(await audited()).toBe(before + 1);
    expect((await unanswered()).some((u) => u.id === id)).toBe(false);
  });
});
