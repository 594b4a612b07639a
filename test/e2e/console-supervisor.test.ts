// The supervisor's board in real Chromium against a real server: conversations made through the
// widget and Agent APIs (one the AI closed, one a person answered, both rated); the supervisor
// signs in, sees the period's figures, sees the queue count rise when a visitor asks for a person
// (no reload: the staff channel), opens a chart's table, downloads the CSV; the same in Chinese.
// axe-core in light and dark; screenshots in English and Chinese.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { axeBothThemes, consoleSignIn, ensureConsoleBuilt, STAFF_PASSWORD } from '../support/consolePage.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { LOCAL_ONLY, readyVisitor, repliesSettled, sendMessage, visitorApi } from '../support/widget.ts';

const WAIT = { timeout: 20_000 };

describe.runIf(browserAvailable)('supervisor workspace (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureConsoleBuilt();
    server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' });
    await seedStaff(server, {
      email: 'sue@bank.example',
      password: STAFF_PASSWORD,
      role: 'supervisor',
      displayName: 'Sue Supervisor',
    });
    await seedStaff(server, {
      email: 'anna@bank.example',
      password: STAFF_PASSWORD,
      role: 'agent',
      displayName: 'Anna Agent',
    });
    const anna = (await bearerLogin(server, 'anna@bank.example', STAFF_PASSWORD)).accessToken;
    // The AI answers (it does not know: no knowledge base), the visitor closes and rates 5.
    const a = await readyVisitor(server, { decisions: LOCAL_ONLY });
    expect((await sendMessage(a, 'What is the zorblax fee?')).status).toBe(201);
    await repliesSettled(server);
    expect((await visitorApi(a, 'POST', '/close')).status).toBe(200);
    expect((await visitorApi(a, 'POST', '/rating', { body: { score: 5 } })).status).toBe(200);
    // A person: handoff, claim, answer, close; rated 4.
    const b = await readyVisitor(server, { decisions: LOCAL_ONLY });
    expect((await visitorApi(b, 'POST', '/handoff', { body: {} })).status).toBe(200);
    const conv = (action: string, body?: unknown) =>
      api(server, 'POST', `/api/agent/conversations/${b.conversation.id}/${action}`, {
        token: anna,
        ...(body ? { body } : {}),
      });
    expect((await conv('claim')).status).toBe(200);
    expect((await conv('messages', { clientId: crypto.randomUUID(), text: 'Hello, Anna here.' })).status).toBe(201);
    expect((await conv('close')).status).toBe(200);
    expect((await visitorApi(b, 'POST', '/rating', { body: { score: 4 } })).status).toBe(200);

    browser = await launchBrowser();
    page = await (
      await browser.newContext({ viewport: { width: 1360, height: 1500 }, acceptDownloads: true })
    ).newPage();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the period, the queue rising live, a chart as a table, and downloads the CSV', async () => {
    await consoleSignIn(page, server.url, 'sue@bank.example');
    await page.getByText('Sue Supervisor · Supervisor').waitFor(WAIT);
    await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link', { name: 'Supervision' }).click();
    await page.getByRole('heading', { level: 1, name: 'Team board' }).waitFor(WAIT);
    await expect.poll(() => page.getByTestId('ai-rate').textContent(), WAIT).toBe('50 %');
    expect(await page.getByTestId('unanswered').textContent()).toBe('1');
    expect(await page.getByTestId('rating').textContent()).toBe('4.5 / 5');
    await page.getByText('1 of 2 closed without a person').waitFor(WAIT);
    await expect.poll(() => page.getByTestId('queue-total').textContent(), WAIT).toBe('0');
    await page.getByRole('row', { name: /Anna Agent Offline 0/ }).waitFor(WAIT);

    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    const c = await readyVisitor(server, { decisions: LOCAL_ONLY });
    expect((await visitorApi(c, 'POST', '/handoff', { body: {} })).status).toBe(200);
    // the staff channel's queue.changed frame, well before the 10-second poll
    await expect.poll(() => page.getByTestId('queue-total').textContent(), { timeout: 8_000 }).toBe('1');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.getByRole('row', { name: /retail en 1/ }).waitFor(WAIT);

    await page.getByText('Ratings as a table').click();
    const ratings = page.getByRole('table', { name: 'Ratings' });
    expect(await ratings.getByRole('row').allTextContents()).toEqual([
      'ItemRatings',
      'Score 10',
      'Score 20',
      'Score 30',
      'Score 41',
      'Score 51',
    ]);
    // the period's figures are as shown when read (one handoff); the CSV is read again (two)
    await page.getByText('Why conversations went to a person as a table').click();
    await page
      .getByRole('table', { name: 'Why conversations went to a person' })
      .getByRole('row', { name: 'Asked for a person 1' })
      .waitFor(WAIT);
    await axeBothThemes(page, 'supervisor-board');

    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(file.suggestedFilename()).toMatch(/^palisade-team-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = fs.readFileSync((await file.path())!, 'utf8').split('\r\n');
    expect(rows[0]).toBe('metric,key,value');
    expect(rows).toEqual(
      expect.arrayContaining([
        'closed,,2',
        'ai_resolved,,1',
        'ai_resolution_rate,,0.5',
        'handoffs,visitor_request,2',
        'rating_count,,2',
        'rating_average,,4.5',
        'ratings,4,1',
        'ratings,5,1',
        'unanswered,,1',
      ]),
    );
  });

  it('reads the same in Chinese', async () => {
    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { level: 1, name: '团队看板' }).waitFor(WAIT);
    await page.getByText('2 个已关闭会话中 1 个无需人工').waitFor(WAIT);
    await page.getByRole('button', { name: '下载 CSV' }).waitFor(WAIT);
    await axeBothThemes(page, 'supervisor-board-zh');
    await page.getByLabel('语言').selectOption('en');
  });
});
