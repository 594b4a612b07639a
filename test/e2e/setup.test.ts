// The first-admin setup page as a person uses it, in real Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { api, startTestServer, type TestServer } from '../support/server.ts';

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

  it('refuses mismatched passwords, then creates the admin from the printed link; the link works once', async () => {
    const page = await browser.newPage();
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
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 20_000 }).toBe('The two passwords differ.');

    await page.getByLabel('Repeat the password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create admin' }).click();
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 20_000 }).toBe('Admin chief.admin@bank.example created. You can now sign in.');
    await page.screenshot({ path: `${server.dataDir}/setup-done.png` });
    expect(cspErrors).toEqual([]);

    const login = await api(server, 'POST', '/api/auth/login', { body: { email: 'chief.admin@bank.example', password: 'a long enough password' } });
    expect(login.status).toBe(200);

    // The same link again: refused, and the page says so.
    const again = await browser.newPage();
    await again.goto(`${server.url}/setup#token=${server.setupToken}`);
    await again.getByLabel('Work email').fill('second@bank.example');
    await again.getByLabel('Your name').fill('Second');
    await again.getByLabel(/^Password/).fill('another long password');
    await again.getByLabel('Repeat the password').fill('another long password');
    await again.getByRole('button', { name: 'Create admin' }).click();
    await expect.poll(() => again.locator('#status').textContent(), { timeout: 20_000 }).toMatch(/setup token is wrong, used or expired/);
  });
});
