// The admin's knowledge-base journeys in the staff console, real Chromium against a real server
// with the demo articles: write an article in German (a bad language code shows the server's error
// beside the field; a <script> in the Markdown stays text in the preview), publish it and find it
// with "Try a question" in German; edit, compare versions side by side, roll back; import a zip by
// drag and drop with one bad file and read the per-file report; link an unanswered question to the
// article and see the same question answered. axe-core on every screen; screenshots in en and zh.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { axeBothThemes, consoleSignIn, ensureConsoleBuilt, STAFF_PASSWORD } from '../support/consolePage.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { screenshot } from '../support/widgetPage.ts';
import { makeZip } from '../support/zip.ts';

const WAIT = { timeout: 20_000 };
// Page-side names used inside page.evaluate (the test's own tsconfig has no DOM library).
declare const window: { __kbInjected?: number };
declare class DataTransfer {
  items: { add(file: File): void };
}
const QUESTION = 'Wie kann ich mein Schließfach kündigen?';
const BODY_V1 = [
  'Sie können Ihr Schließfach in jeder Filiale kündigen. Bringen Sie beide Schlüssel und Ihren Ausweis mit.',
  '',
  '<script>window.__kbInjected = 1</script>',
  '',
  '- Die **Kündigungsfrist** beträgt drei Monate.',
  '- Die Miete wird anteilig erstattet.',
].join('\n');

async function section(page: Page, name: string, nav = 'Knowledge base sections'): Promise<void> {
  await page.getByRole('navigation', { name: nav }).getByRole('link', { name, exact: true }).click();
}

async function ask(page: Page, question: string): Promise<void> {
  await section(page, 'Try a question');
  await page.getByLabel('Question', { exact: true }).fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await page.getByTestId('kb-try-answer').waitFor(WAIT);
}

describe.runIf(browserAvailable)('admin knowledge base (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let agentToken: string;
  let articleId: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    server = await startTestServer({}, { seedDemoKnowledge: true });
    await seedStaff(server, {
      email: 'ada@bank.example',
      password: STAFF_PASSWORD,
      role: 'admin',
      displayName: 'Ada Admin',
    });
    await seedStaff(server, {
      email: 'gus@bank.example',
      password: STAFF_PASSWORD,
      role: 'agent',
      displayName: 'Gus Agent',
    });
    agentToken = (await bearerLogin(server, 'gus@bank.example', STAFF_PASSWORD)).accessToken;
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1360, height: 1000 } })).newPage();
    await consoleSignIn(page, server.url, 'ada@bank.example');
    await page.goto(`${server.url}/console/admin/knowledge`);
    await page.getByRole('heading', { level: 1, name: 'Knowledge base' }).waitFor(WAIT);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists the articles with filters: German articles only, then a search narrows them', async () => {
    const rows = page.locator('tbody tr');
    await rows.first().waitFor(WAIT);
    const all = await rows.count();
    await page.getByLabel('Article language').selectOption('de');
    await expect.poll(async () => (await rows.count()) < all && (await rows.count()) > 0, WAIT).toBe(true);
    const languages = await page.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(new Set(languages)).toEqual(new Set(['German']));
    const german = languages.length;
    const title = (await rows.first().locator('td a').first().textContent())!;
    await page.getByLabel('Search titles, slugs and tags').fill(title.toUpperCase());
    await expect.poll(() => rows.count(), WAIT).toBeLessThan(german);
    const titles = await page.locator('tbody tr td:first-child a').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.every((t) => t.toLowerCase().includes(title.toLowerCase()))).toBe(true);
    await axeBothThemes(page, 'kb-list');
  });

  it('writes an article in German: a wrong language code is refused beside the field, the preview keeps a script as text, then publishes', async () => {
    await section(page, 'New article');
    await page.getByLabel('Title').fill('Schließfach kündigen');
    await page.getByLabel('Slug (optional)').fill('de/schliessfach-kuendigen');
    await page.getByLabel('Article language').fill('Deutsch');
    await page.getByLabel('Owner').fill('Filialservice');
    await page.getByLabel('Tags').fill('schließfach, kündigung');
    await page.getByLabel('Text (Markdown)').fill(BODY_V1);
    const preview = page.getByTestId('kb-preview');
    await preview.getByText('Die Miete wird anteilig erstattet.').waitFor(WAIT);
    // The widget's renderer: Markdown becomes elements, markup stays literal text and never runs.
    expect(await preview.locator('li').count()).toBe(2);
    expect(await preview.locator('strong').textContent()).toBe('Kündigungsfrist');
    expect(await preview.locator('script').count()).toBe(0);
    expect(await preview.textContent()).toContain('<script>window.__kbInjected = 1</script>');
    expect(await page.evaluate(() => window.__kbInjected)).toBeUndefined();
    await screenshot(page, 'console-kb-editor-preview-light');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const issue = page.locator('#kb-language-issue');
    await issue.waitFor(WAIT);
    expect(await issue.textContent()).toBe('validation_failed: a language code such as en or zh-CN');
    expect(await page.getByLabel('Article language').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Article language').getAttribute('aria-describedby')).toBe('kb-language-issue');
    await axeBothThemes(page, 'kb-editor-invalid');

    await page.getByLabel('Article language').fill('de');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('heading', { name: 'Edit: Schließfach kündigen' }).waitFor(WAIT);
    articleId = page.url().split('/').pop()!;
    await page.getByText('Published: version 1').waitFor(WAIT);
    const [row] = (await server.deps.db.dataSource.query(
      `SELECT slug, language, owner, tags FROM kb_articles WHERE id = $1`,
      [articleId],
    )) as { slug: string; language: string; owner: string; tags: string[] }[];
    expect(row).toEqual({
      slug: 'de/schliessfach-kuendigen',
      language: 'de',
      owner: 'Filialservice',
      tags: ['schließfach', 'kündigung'],
    });
    await axeBothThemes(page, 'kb-editor');
  });

  it('answers the German question from that article in "Try a question"', async () => {
    await ask(page, QUESTION);
    await page.getByRole('heading', { name: 'The answer' }).waitFor(WAIT);
    expect(await page.getByTestId('kb-try-answer').textContent()).toContain('in jeder Filiale kündigen');
    expect(await page.locator('tbody tr').first().getAttribute('data-article')).toBe(articleId);
    await axeBothThemes(page, 'kb-try');
  });

  it('edits the article, compares the two versions side by side and rolls back to the first', async () => {
    await page.goto(`${server.url}/console/admin/knowledge/${articleId}`);
    const body = page.getByLabel('Text (Markdown)');
    await expect.poll(() => body.inputValue(), WAIT).toBe(BODY_V1);
    await body.fill(BODY_V1.replace('drei Monate', 'sechs Wochen'));
    await page.getByLabel('Reason for the change').fill('Neue Kündigungsfrist');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('Published: version 2').waitFor(WAIT);

    await page.getByRole('link', { name: 'History' }).click();
    await page.getByRole('heading', { name: 'History: Schließfach kündigen' }).waitFor(WAIT);
    const v2 = page.locator('tbody tr[data-version="2"]');
    await v2.waitFor(WAIT);
    expect(await v2.locator('td').allTextContents()).toEqual([
      expect.stringMatching(/^2published$/),
      'Schließfach kündigen',
      'You',
      expect.any(String),
      'Neue Kündigungsfrist',
    ]);
    await page.getByLabel('Older version').selectOption({ label: 'Version 1 — Schließfach kündigen' });
    await page.getByLabel('Newer version').selectOption({ label: 'Version 2 — Schließfach kündigen' });
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.getByTestId('kb-diff-summary').waitFor(WAIT);
    expect(await page.getByTestId('kb-diff-summary').textContent()).toBe('1 lines added, 1 lines removed');
    const changed = page.locator('table.kb-diff tr').filter({ has: page.locator('td.del') });
    expect(await changed.count()).toBe(1);
    expect(await changed.locator('td.del').textContent()).toContain('drei Monate');
    expect(await changed.locator('td.add').textContent()).toContain('sechs Wochen');
    await axeBothThemes(page, 'kb-history-diff');

    await page.getByLabel('Version to restore').selectOption({ label: 'Version 1 — Schließfach kündigen' });
    await page.getByRole('button', { name: 'Restore and publish' }).click();
    await page.locator('#kb-rollback-reason-issue').waitFor(WAIT);
    await page.getByLabel('Reason for the change').fill('Frist gilt doch weiter');
    await page.getByRole('button', { name: 'Restore and publish' }).click();
    await page.getByText('Restored as version 3 and published.').waitFor(WAIT);
    await page.locator('tbody tr[data-version="3"]').getByText('restored from version 1').waitFor(WAIT);
    await ask(page, QUESTION);
    expect(await page.getByTestId('kb-try-answer').textContent()).toContain('in jeder Filiale kündigen');
    const [published] = (await server.deps.db.dataSource.query(
      `SELECT v.version_no AS n, v.body_md AS body FROM kb_articles a JOIN kb_article_versions v ON v.id = a.published_version_id WHERE a.id = $1`,
      [articleId],
    )) as { n: number; body: string }[];
    expect(published).toEqual({ n: 3, body: BODY_V1 });
  });

  it('imports a dropped zip with one bad file and shows the report line by line; the file input works too', async () => {
    await section(page, 'Import');
    const zip = makeZip([
      {
        name: 'tresor/muenzen.md',
        content:
          '---\nlanguage: de\naudience: public\n---\n# Münzen einzahlen\n\nMünzen zahlen Sie am Münzautomaten jeder Filiale ein.\n',
      },
      { name: 'tresor/gold.md', content: '# Goldbarren\n\nGoldbarren verkaufen wir in 50 g und 100 g.\n' },
      { name: 'tresor/kaputt.md', content: '---\nlanguage: [de\n---\n# Kaputt\n' },
    ]);
    const dropped = await page.evaluateHandle((b64) => {
      const data = new DataTransfer();
      data.items.add(
        new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'tresor.zip', { type: 'application/zip' }),
      );
      return data;
    }, zip.toString('base64'));
    await page.getByTestId('kb-drop').dispatchEvent('drop', { dataTransfer: dropped });
    const summary = page.getByTestId('kb-import-summary');
    await summary.waitFor(WAIT);
    expect(await summary.textContent()).toBe('2 created, 0 updated, 0 unchanged, 1 failed');
    const lines = await page
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-file'), r.children[1]!.textContent]));
    expect(lines).toEqual([
      ['tresor.zip:tresor/muenzen.md', 'Created'],
      ['tresor.zip:tresor/gold.md', 'Created'],
      ['tresor.zip:tresor/kaputt.md', 'Failed'],
    ]);
    expect(await page.locator('tbody tr[data-file="tresor.zip:tresor/kaputt.md"] td').nth(2).textContent()).toBe(
      'bad_front_matter: front matter is not valid YAML',
    );
    await axeBothThemes(page, 'kb-import-report');

    await page.getByLabel('Or choose files').setInputFiles({
      name: 'kontoauszug.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('# Kontoauszug drucken\n\nKontoauszüge drucken Sie am Automaten.\n'),
    });
    await expect.poll(() => summary.textContent(), WAIT).toBe('1 created, 0 updated, 0 unchanged, 0 failed');
    // Nothing imported at all (the server answers 422): still the report, not a bare status.
    await page
      .getByLabel('Or choose files')
      .setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a', 'hex') });
    await expect.poll(() => summary.textContent(), WAIT).toBe('0 created, 0 updated, 0 unchanged, 1 failed');
    expect(await page.locator('tbody tr[data-file="scan.png"] td').nth(2).textContent()).toMatch(/^unsupported_type: /);
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('links an unanswered question to the article, after which the same question is answered', async () => {
    const question = 'Muss ich beide Tresorschlüssel abgeben?';
    const low = await api<{ gap?: { recorded: boolean; id?: string }; passages: { articleId: string }[] }>(
      server,
      'POST',
      '/api/kb/search',
      { token: agentToken, body: { question, lang: 'de' } },
    );
    expect(low.body.gap).toMatchObject({ recorded: true });
    await ask(page, question);
    await page.getByRole('heading', { name: "No confident answer: “I don't know”" }).waitFor(WAIT);

    await section(page, 'Unanswered questions');
    const row = page.locator(`tbody tr[data-gap="${low.body.gap!.id}"]`);
    await row.waitFor(WAIT);
    expect(await row.locator('td').first().textContent()).toContain(question);
    await axeBothThemes(page, 'kb-gaps');
    await row.getByLabel('Answered by').selectOption({ label: 'Schließfach kündigen (de)' });
    await row.getByRole('button', { name: `Link “${question}” to the chosen article` }).click();
    await row.waitFor({ state: 'detached', ...WAIT });

    await ask(page, question);
    await page.getByRole('heading', { name: 'The answer' }).waitFor(WAIT);
    expect(await page.locator('tbody tr').first().getAttribute('data-article')).toBe(articleId);
    await page.goto(`${server.url}/console/admin/knowledge/${articleId}`);
    await page.getByRole('list', { name: 'Other ways of asking' }).getByText(question).waitFor(WAIT);
  });

  it('shows answers marked unhelpful, writes a new article for an unanswered question (the editor starts from it) and dismisses another', async () => {
    const gapOf = async (question: string) => {
      const res = await api<{ gap?: { recorded: boolean; id?: string } }>(server, 'POST', '/api/kb/search', {
        token: agentToken,
        body: { question, lang: 'de' },
      });
      expect(res.body.gap).toMatchObject({ recorded: true });
      return res.body.gap!.id!;
    };
    const written = 'Kann ich Goldmünzen im Tresor lagern lassen?';
    const dismissed = 'Verkaufen Sie auch Briefmarken?';
    const [writeId, dismissId] = [await gapOf(written), await gapOf(dismissed)];
    const [row] = (await server.deps.db.dataSource.query(
      `SELECT published_version_id AS v FROM kb_articles WHERE id = $1`,
      [articleId],
    )) as { v: string }[];
    const versionId = row!.v;
    const thumbsDown = await api(server, 'POST', '/api/kb/feedback', {
      token: agentToken,
      body: { articleId, versionId, helpful: false },
    });
    expect(thumbsDown.status).toBe(201);
    await page.goto(`${server.url}/console/admin/knowledge/gaps`);
    const unhelpful = page.getByRole('region', { name: 'Answers marked unhelpful' });
    await unhelpful.getByText('1 unhelpful, 0 helpful').waitFor(WAIT);
    expect(await unhelpful.locator('li').allTextContents()).toEqual(['Schließfach kündigen — 1 unhelpful, 0 helpful']);
    await page.getByRole('button', { name: `Dismiss “${dismissed}”` }).click();
    await page.locator(`tbody tr[data-gap="${dismissId}"]`).waitFor({ state: 'detached', ...WAIT });

    await page.getByRole('button', { name: `Write an article for “${written}”` }).click();
    await page.getByRole('heading', { name: 'New article' }).waitFor(WAIT);
    expect(await page.getByLabel('Title').inputValue()).toBe(written);
    await page.getByLabel('Title').fill('Goldmünzen im Tresor');
    await page.getByLabel('Article language').fill('de');
    await page.getByLabel('Text (Markdown)').fill('Goldmünzen lagern Sie sicher in einem Schließfach Ihrer Filiale.');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('heading', { name: 'Edit: Goldmünzen im Tresor' }).waitFor(WAIT);
    await page.getByRole('list', { name: 'Other ways of asking' }).getByText(written).waitFor(WAIT);
    const open = (
      await api<{ unanswered: { id: string }[] }>(server, 'GET', '/api/kb/unanswered', {
        token: (await bearerLogin(server, 'ada@bank.example', STAFF_PASSWORD)).accessToken,
      })
    ).body.unanswered;
    expect(open.map((u) => u.id)).not.toContain(writeId);
    expect(open.map((u) => u.id)).not.toContain(dismissId);
    // A draft waits beside the published text: visitors keep getting the published one.
    await page.getByLabel('Text (Markdown)').fill('Goldmünzen nehmen wir nicht mehr zur Verwahrung an.');
    await page.getByLabel('Reason for the change').fill('Entwurf: Verwahrung endet');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByText('Saved as a draft (version 2); the published version is unchanged.').waitFor(WAIT);
    await page.getByText('draft: version 2').waitFor(WAIT);
    expect(await page.getByText('Published: version 1').count()).toBe(1);
    await ask(page, written);
    await page.getByRole('heading', { name: 'The answer' }).waitFor(WAIT);
    expect(await page.getByTestId('kb-try-answer').textContent()).toContain('Goldmünzen lagern Sie sicher');
  });

  it('shows the screens in Chinese', async () => {
    await page.goto(`${server.url}/console/admin/knowledge/${articleId}`);
    await page.getByRole('heading', { name: 'Other ways of asking' }).waitFor(WAIT);
    const uiLanguage = page.locator('.prefs select').first();
    await uiLanguage.selectOption('zh');
    await page.getByRole('heading', { level: 1, name: '知识库' }).waitFor(WAIT);
    await page.getByRole('heading', { name: '其他问法' }).waitFor(WAIT);
    await axeBothThemes(page, 'kb-editor-zh');
    const screens = [
      ['文章', '文章', 'kb-list-zh'],
      ['导入', '导入文章', 'kb-import-zh'],
      ['试问一个问题', '试问一个问题', 'kb-try-zh'],
      ['未解答的问题', '未解答的问题', 'kb-gaps-zh'],
    ] as const;
    for (const [link, heading, shot] of screens) {
      await section(page, link, '知识库分区');
      await page.getByRole('heading', { level: 2, name: heading, exact: true }).waitFor(WAIT);
      await axeBothThemes(page, shot);
    }
    await uiLanguage.selectOption('en');
  });
});
