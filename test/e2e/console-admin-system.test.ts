// The admin's system screens in real Chromium against a real server: a draft routing file with an
// error shows the error's path, the same file unbroken says valid (and nothing in force changes);
// the model targets are listed with their state; the system screen shows the version and none of
// the secrets the server was started with. axe-core on every screen, in English and Chinese.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { axeBothThemes, consoleSignIn, ensureConsoleBuilt, STAFF_PASSWORD } from '../support/consolePage.ts';
import { createApiKey } from '../../server/models/apiKeys.ts';
import { seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { policiesDir } from '../support/widget.ts';
import { screenshot } from '../support/widgetPage.ts';

const WAIT = { timeout: 30_000 };
const SECRETS = {
  MASTER_KEY: Buffer.from('the master key, 32 bytes, secret').toString('base64'),
  JWT_SECRET: 'jwt-secret-the-console-must-never-show-0123456789',
  OPENAI_API_KEY: 'sk-console-must-never-show-this-key',
};

async function open(page: Page, nav: string, screen: string): Promise<void> {
  await page.getByRole('navigation', { name: nav }).getByRole('link', { name: screen, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: screen }).waitFor(WAIT);
}

describe.runIf(browserAvailable)('admin system screens (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let policies: ReturnType<typeof policiesDir>;

  beforeAll(async () => {
    ensureConsoleBuilt();
    policies = policiesDir({});
    server = await startTestServer({ PALISADE_POLICIES_DIR: policies.dir, ...SECRETS });
    await seedStaff(server, {
      email: 'ada@bank.example',
      password: STAFF_PASSWORD,
      role: 'admin',
      displayName: 'Ada Admin',
    });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    await consoleSignIn(page, server.url, 'ada@bank.example');
    await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link', { name: 'Administration' }).click();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    policies?.remove();
  });

  it('checks a draft routing file: the error by its path, then the unbroken file is valid', async () => {
    await open(page, 'Administration', 'Policies');
    await page.getByText(/Policies are files under the bank's change control/).waitFor(WAIT);
    await page.getByRole('heading', { level: 2, name: 'routing.yaml' }).waitFor(WAIT);
    const hash = server.models.policy.current().hash;
    await page.getByLabel('Policy file').selectOption('routing.yaml');
    await page.getByRole('button', { name: 'Start from the file on disk' }).click();
    const shipped = fs.readFileSync(path.join(policies.dir, 'routing.yaml'), 'utf8');
    expect(await page.getByRole('textbox', { name: 'Draft' }).inputValue()).toBe(shipped);
    await axeBothThemes(page, 'admin-policies');

    await page
      .getByRole('textbox', { name: 'Draft' })
      .fill(shipped.replace(/^( +)contextTokens: 8192$/m, '$1contextTokens: lots'));
    await page.getByRole('button', { name: 'Check draft' }).click();
    const result = page.getByTestId('draft-result');
    await expect.poll(() => result.textContent(), WAIT).toContain('targets.gpu-pool.contextTokens');
    expect(await result.getAttribute('role')).toBe('alert');
    expect(await result.textContent()).toMatch(/Not valid.*expected number/);
    await screenshot(page, 'console-admin-policies-invalid-light');

    await page.getByRole('textbox', { name: 'Draft' }).fill(shipped);
    await page.getByRole('button', { name: 'Check draft' }).click();
    await expect
      .poll(() => result.textContent(), WAIT)
      .toMatch(/^Valid: the appliance would take this draft of routing\.yaml/);
    expect(server.models.policy.current().hash).toBe(hash);
    expect(fs.readFileSync(path.join(policies.dir, 'routing.yaml'), 'utf8')).toBe(shipped);

    const retention = page.getByRole('region', { name: 'retention.yaml' });
    await retention.getByText('Show the file').click();
    await retention.getByRole('row', { name: /SHA-256 in force/ }).scrollIntoViewIfNeeded();
    expect(await retention.getByRole('row', { name: /SHA-256 in force/ }).textContent()).toMatch(/[0-9a-f]{64}/);
    await screenshot(page, 'console-admin-policies-files-light');
  });

  it('lists the model targets with their state, and the last hour of the one that answered', async () => {
    // One question through the OpenAI-compatible API: no local model is configured, the knowledge base answers.
    const { key } = await server.deps.db.dataSource.transaction((tx) =>
      createApiKey({ tx, actor: { type: 'system', id: 'test' }, input: { name: 'e2e', allowCloud: false } }),
    );
    const asked = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'palisade', messages: [{ role: 'user', content: 'When are the branches open?' }] }),
    });
    expect(asked.status).toBe(200);
    await open(page, 'Administration', 'Model targets');
    const rows = page.getByRole('table', { name: 'Routing targets' }).locator('tbody tr');
    await rows.first().waitFor(WAIT);
    const states = Object.fromEntries(
      await Promise.all(
        (await rows.all()).map(
          async (r) =>
            [await r.locator('th').textContent(), await r.locator('[data-state]').getAttribute('data-state')] as const,
        ),
      ),
    );
    // no Ollama host and no model file here; OpenAI's key is set; the knowledge base always answers
    expect(states).toEqual({
      'gpu-pool': 'not_configured',
      'on-prem-llama': 'not_configured',
      gpt: 'ready',
      kb: 'ready',
    });
    expect(await rows.filter({ hasText: 'gpu-pool' }).textContent()).toContain('Not configured');
    const kb = rows.filter({ has: page.getByRole('rowheader', { name: 'kb', exact: true }) });
    expect(await kb.locator('td').nth(3).textContent()).toBe('1');
    expect(await kb.locator('td').nth(4).textContent()).toMatch(/^[\d,]+ ms$/);
    await page.getByText(/^Requests, latency and errors are for the last hour on this node/).waitFor(WAIT);
    await axeBothThemes(page, 'admin-models');
  });

  it('shows the version and no secret values', async () => {
    await open(page, 'Administration', 'System');
    const version = (
      JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    await expect.poll(() => page.getByTestId('system-version').textContent(), WAIT).toBe(version);
    await page.getByRole('rowheader', { name: 'PALISADE_POLICIES_DIR' }).waitFor(WAIT);
    const text = (await page.locator('main, body').first().textContent()) ?? '';
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(text, name).not.toContain(value);
      expect(text, name).not.toContain(name);
    }
    await axeBothThemes(page, 'admin-system');
  });

  it('in Chinese: the three screens, labelled and readable', async () => {
    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { level: 1, name: '系统' }).waitFor(WAIT);
    await page.getByText('数据库').first().waitFor(WAIT);
    await axeBothThemes(page, 'admin-system-zh');
    await open(page, '管理', '模型目标');
    await page.getByText('未配置').first().waitFor(WAIT);
    await axeBothThemes(page, 'admin-models-zh');
    await open(page, '管理', '策略');
    await page.getByRole('textbox', { name: '草稿' }).fill('version: 1\ntargets: [unclosed');
    await page.getByRole('button', { name: '检查草稿' }).click();
    await expect.poll(() => page.getByTestId('draft-result').textContent(), WAIT).toContain('(yaml)');
    await axeBothThemes(page, 'admin-policies-zh');
  });
});
