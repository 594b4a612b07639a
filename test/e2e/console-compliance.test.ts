// The compliance officer's journeys in the staff console, real Chromium against a real server:
// search the audit log, verify the chain, export CSV; create an erasure request from an email
// lookup, verify identity, erase with the typed pseudonym and see the receipt; place a hold that a
// second officer (a second browser context) sees arrive live and approves, then lift it the same
// way; switch to Chinese (remembered); axe-core on every screen in light and dark; screenshots.
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip } from '../../server/knowledge/zip.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { axeBothThemes, consoleSignIn, ensureConsoleBuilt, STAFF_PASSWORD } from '../support/consolePage.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { screenshot } from '../support/widgetPage.ts';

const PASSWORD = STAFF_PASSWORD;
const WAIT = { timeout: 20_000 };

async function open(page: Page, screen: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Compliance screens' }).getByRole('link', { name: screen }).click();
  await page.getByRole('heading', { level: 1, name: screen }).waitFor(WAIT);
}

describe.runIf(browserAvailable)('compliance workspace (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let officer: BrowserContext;
  let checker: BrowserContext;
  let token: string;
  const subject = async (email: string) =>
    (
      await api<{ subject: { id: string } }>(server, 'POST', '/api/privacy/subjects', {
        token,
        body: { identifiers: [{ kind: 'email', value: email }] },
      })
    ).body.subject.id;

  beforeAll(async () => {
    ensureConsoleBuilt();
    server = await startTestServer();
    await seedStaff(server, {
      email: 'olga@bank.example',
      password: PASSWORD,
      role: 'compliance_officer',
      displayName: 'Olga Officer',
    });
    await seedStaff(server, {
      email: 'chen@bank.example',
      password: PASSWORD,
      role: 'compliance_officer',
      displayName: 'Chen Checker',
    });
    token = (await bearerLogin(server, 'chen@bank.example', PASSWORD)).accessToken;
    browser = await launchBrowser();
    officer = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    checker = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('finds sign-in failures in the audit log, opens one, verifies the chain and exports the filtered set as CSV', async () => {
    const failed = await api(server, 'POST', '/api/auth/login', {
      body: { email: 'olga@bank.example', password: 'not the password at all' },
    });
    expect(failed.status).toBe(401);
    const page = await officer.newPage();
    await consoleSignIn(page, server.url, 'olga@bank.example');
    await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link', { name: 'Compliance' }).click();
    await open(page, 'Audit log');
    await page.getByLabel('Action').fill('auth.*');
    await page.getByLabel('Outcome').selectOption('failure');
    await page.getByRole('button', { name: 'Search' }).click();
    const rows = page.locator('tbody tr');
    await rows.first().waitFor(WAIT);
    const actions = await page.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => a.startsWith('auth.'))).toBe(true);
    expect(await page.locator('tbody tr td:nth-child(6)').allTextContents()).toEqual(actions.map(() => 'Failure'));
    await axeBothThemes(page, 'audit');

    await rows
      .first()
      .getByRole('button', { name: /Details of event/ })
      .click();
    const drawer = page.getByRole('complementary', { name: /Event \d+/ });
    await drawer.waitFor(WAIT);
    expect(await drawer.textContent()).toContain('auth.login');
    await screenshot(page, 'console-audit-details-light');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect
      .poll(() => page.getByTestId('verify-result').textContent(), WAIT)
      .toMatch(/^Chain verified: \d+ events checked/);

    const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toContain('format=csv');
    expect(href).toContain('outcome=failure');
    const csv = await page.evaluate(async (u) => (await fetch(u!)).text(), href);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toMatch(/^seq,id,occurredAt,/);
    expect(lines.length - 1).toBe(actions.length);
    expect(lines.slice(1).every((l) => l.includes(',auth.') && l.includes(',failure,'))).toBe(true);
    // Reading, verifying and exporting are on the record.
    const recorded = (await server.deps.db.dataSource.query(
      `SELECT DISTINCT action FROM audit_events WHERE action IN ('audit.read', 'audit.verify', 'audit.export')`,
    )) as { action: string }[];
    expect(recorded.map((r) => r.action).sort()).toEqual(['audit.export', 'audit.read', 'audit.verify']);
  });

  it('creates an erasure request from an email lookup, verifies identity, erases with the typed pseudonym and shows the receipt', async () => {
    const subjectId = await subject('erase.me@example.com');
    const page = officer.pages()[0]!;
    await open(page, 'Data-subject requests');
    await page.getByLabel('Look up the subject by').selectOption('email');
    await page.getByLabel('Identifier').fill('nobody@example.com');
    await page.getByLabel('Type', { exact: true }).selectOption('erasure');
    await page.getByRole('button', { name: 'Look up and create request' }).click();
    await page.getByText('No data subject has this identifier.').waitFor(WAIT);

    await page.getByLabel('Identifier').fill('Erase.Me@example.com');
    await page.getByRole('button', { name: 'Look up and create request' }).click();
    const panel = page.getByRole('region', { name: /Erasure/ });
    await panel.waitFor(WAIT);
    expect(await panel.textContent()).toContain(subjectId);
    await page.getByRole('button', { name: 'Mark identity verified' }).click();
    await panel.getByText('Identity verified').waitFor(WAIT);
    await page.getByRole('button', { name: 'Erase…' }).click();
    const erase = page.getByRole('button', { name: 'Erase for good' });
    expect(await erase.isDisabled()).toBe(true);
    await page.getByLabel(`Type the pseudonym ${subjectId} to confirm`).fill(subjectId.slice(0, -1));
    expect(await erase.isDisabled()).toBe(true);
    await page.getByLabel(`Type the pseudonym ${subjectId} to confirm`).fill(subjectId);
    await axeBothThemes(page, 'requests-erase-confirm');
    await erase.click();
    await page.getByRole('heading', { name: 'Receipt' }).waitFor(WAIT);
    await panel.getByText('Done').waitFor(WAIT);
    await axeBothThemes(page, 'requests-receipt');
    const state = (await server.deps.db.dataSource.query(
      `SELECT r.state, s.erased_at AS erased FROM dsr_requests r JOIN data_subjects s ON s.id = r.subject_id WHERE r.subject_id = $1`,
      [subjectId],
    )) as { state: string; erased: Date | null }[];
    expect(state).toEqual([{ state: 'done', erased: expect.any(Date) }]);
  });

  it("carries out a rectification: the identifier on record becomes the corrected one; a wrong one shows the server's error", async () => {
    await subject('old.address@example.com');
    const page = officer.pages()[0]!;
    await page.getByLabel('Identifier').fill('old.address@example.com');
    await page.getByLabel('Type', { exact: true }).selectOption('rectification');
    await page.getByRole('button', { name: 'Look up and create request' }).click();
    const panel = page.getByRole('region', { name: /Rectification/ });
    await panel.waitFor(WAIT);
    await page.getByRole('button', { name: 'Mark identity verified' }).click();
    await page.getByLabel('Identifier on record').fill('someone.else@example.com');
    await page.getByLabel('Corrected identifier').fill('new.address@example.com');
    await page.getByRole('button', { name: 'Rectify', exact: true }).click();
    await panel.getByRole('alert').filter({ hasText: 'identifier_not_found' }).waitFor(WAIT);
    await page.getByLabel('Identifier on record').fill('old.address@example.com');
    await page.getByRole('button', { name: 'Rectify', exact: true }).click();
    await page.getByRole('heading', { name: 'Receipt' }).waitFor(WAIT);
    await axeBothThemes(page, 'requests-rectified');
    const found = await api<{ subject: { id: string } | null }>(server, 'POST', '/api/privacy/subjects/lookup', {
      token,
      body: { kind: 'email', value: 'new.address@example.com' },
    });
    expect(found.body.subject).not.toBeNull();
  });

  it('places a hold that a second officer sees arrive live and approves; lifting takes both officers too', async () => {
    const subjectId = await subject('held@example.com');
    const mine = officer.pages()[0]!;
    await open(mine, 'Legal holds');
    const theirs = await checker.newPage();
    await consoleSignIn(theirs, server.url, 'chen@bank.example');
    await theirs.goto(`${server.url}/console/compliance/holds`);
    await theirs.getByRole('heading', { level: 1, name: 'Legal holds' }).waitFor(WAIT);
    await theirs.getByText('No legal holds.').waitFor(WAIT);

    await mine.getByLabel('Case id').fill('CASE-2026-17');
    await mine.getByLabel('Subject pseudonym').fill(subjectId);
    await mine.getByLabel('Reason', { exact: true }).fill('Litigation notice received');
    await mine.getByRole('button', { name: 'Place hold' }).click();
    const myRow = mine.locator('tr[data-hold="CASE-2026-17"]');
    await myRow.getByText('You placed this hold: a second officer approves it.').waitFor(WAIT);
    expect(await myRow.getByRole('button', { name: /Approve/ }).count()).toBe(0);
    await axeBothThemes(mine, 'holds-own-pending');

    // The second officer's screen is not reloaded: the hold arrives over the staff channel.
    const theirRow = theirs.locator('tr[data-hold="CASE-2026-17"]');
    await theirRow.getByTestId('hold-status').filter({ hasText: 'Awaiting approval' }).waitFor(WAIT);
    await theirRow.getByRole('button', { name: 'Approve hold CASE-2026-17' }).click();
    await myRow.getByTestId('hold-status').filter({ hasText: 'Active' }).waitFor(WAIT);

    await mine.getByLabel('Reason for lifting').fill('Case settled');
    await mine.getByRole('button', { name: 'Request lift' }).click();
    await myRow.getByText('You asked to lift this hold: a second officer approves it.').waitFor(WAIT);
    await theirRow.getByRole('button', { name: 'Approve lifting hold CASE-2026-17' }).click();
    await myRow.getByTestId('hold-status').filter({ hasText: 'Lifted' }).waitFor(WAIT);
    await axeBothThemes(mine, 'holds-lifted');
  });

  it('shows retention and where data went; switches to Chinese, remembered after a reload; signs out', async () => {
    const page = officer.pages()[0]!;
    await open(page, 'Retention');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.locator('tbody tr').filter({ hasText: 'Dry run' }).first().waitFor(WAIT);
    expect(await page.getByText(/^SHA-256:/).textContent()).toMatch(/[0-9a-f]{64}/);
    await axeBothThemes(page, 'retention');
    await open(page, 'Where data went');
    await page
      .getByRole('status')
      .filter({ hasText: /model call|No model call/ })
      .waitFor(WAIT);
    await axeBothThemes(page, 'egress');
    await open(page, 'Overview');
    await axeBothThemes(page, 'overview-officer');
    const [bundle] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Generate and download' }).click(),
    ]);
    expect(bundle.suggestedFilename()).toMatch(/^palisade-evidence-.*\.zip$/);
    const zip = fs.readFileSync((await bundle.path())!);
    expect(readZip(new Uint8Array(zip)).map((e) => e.path)).toContain('audit-chain.json');

    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { level: 1, name: '概览' }).waitFor(WAIT);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.reload();
    await page.getByRole('navigation', { name: '工作区' }).getByRole('link', { name: '合规' }).waitFor(WAIT);
    await page.getByRole('navigation', { name: '合规页面' }).getByRole('link', { name: '法律保留' }).click();
    await page.getByRole('heading', { level: 1, name: '法律保留' }).waitFor(WAIT);
    await axeBothThemes(page, 'holds-zh');
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('button', { name: '登录' }).waitFor(WAIT);
    await screenshot(page, 'console-signin-zh-light');
  });
});
