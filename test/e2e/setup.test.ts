// The first-admin setup page as a person uses it, in real Chromium: after success the form is gone
// and the next step is shown; the used link says how further admins are made. Checked with axe-core
// and photographed at desktop and phone width.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seriousViolations } from '../support/axe.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { api, startTestServer, type TestServer } from '../support/server.ts';
import { screenshot } from '../support/widgetPage.ts';

describe.runIf(browserAvailable)('setup page (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('refuses mismatched passwords, then creates the admin from the printed link and shows the next step; the link works once', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') cspErrors.push(m.text());
    });
    await page.goto(`${server.url}/setup#token=${server.setupToken}`);
    expect(new URL(page.url()).hash).toBe(''); // the token leaves the address bar at once
    await page.getByLabel('Work email').fill('Chief.Admin@bank.example');
    await page.getByLabel('Your name').fill('Chief Admin');
    await page.getByLabel(/^Password/).fill('a long enough password');
    await page.getByLabel('Repeat the password').fill('a different password!');
    await page.getByRole('button', { name: 'Create admin' }).click();
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 20_000 })
      .toBe('The two passwords differ.');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'setup-form-desktop');

    await page.getByLabel('Repeat the password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create admin' }).click();
    const done = page.getByRole('heading', { name: 'Admin created' });
    await done.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await page.locator('#done-who').textContent()).toBe('chief.admin@bank.example');
    // The form is gone (its display:grid no longer overrides `hidden`), and the page says what now.
    expect(await page.locator('#setup').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Create admin' }).isVisible()).toBe(false);
    // `npm run build:web` builds the staff console, so the next step is signing in to it (not the API).
    expect(await page.getByRole('link', { name: 'Sign in to the staff console' }).getAttribute('href')).toBe(
      '/console',
    );
    expect(await page.locator('#next-api').isVisible()).toBe(false);
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id,
      ),
    ).toBe('done-title');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'setup-done-desktop');
    await page.setViewportSize({ width: 375, height: 740 });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'setup-done-375');
    expect(cspErrors).toEqual([]);

    const login = await api(server, 'POST', '/api/auth/login', {
      body: { email: 'chief.admin@bank.example', password: 'a long enough password' },
    });
    expect(login.status).toBe(200);

    // The same link again: refused, and the page says so.
    const again = await browser.newPage();
    await again.goto(`${server.url}/setup#token=${server.setupToken}`);
    await again.getByLabel('Work email').fill('second@bank.example');
    await again.getByLabel('Your name').fill('Second');
    await again.getByLabel(/^Password/).fill('another long password');
    await again.getByLabel('Repeat the password').fill('another long password');
    await again.getByRole('button', { name: 'Create admin' }).click();
    await expect
      .poll(() => again.locator('#status').textContent(), { timeout: 20_000 })
      .toMatch(/setup token is wrong, used or expired/);
    // An admin exists: restarting prints no new link, so the page says how further admins are made.
    const refusal = (await again.locator('#status').textContent())!;
    expect(refusal).toContain('Once an admin exists, no new link is printed');
    expect(refusal).toContain('POST /api/users');
    expect(refusal).toContain('npx palisade create-admin');
    await again.setViewportSize({ width: 375, height: 740 });
    expect(await seriousViolations(again)).toEqual([]);
    await screenshot(again, 'setup-used-link-375');
  });
});
