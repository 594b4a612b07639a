// The staff console's shell in real Chromium: sign-in with the cookie session, navigation from the
// capabilities the server computes, sign-out; an agent gets only the Conversations navigation, downloads no
// compliance code, and the server refuses the compliance API; the staff channel refuses foreign
// origins and missing sessions. axe-core on the sign-in page and home in light and dark.
import type { Browser } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { axeBothThemes, consoleSignIn, ensureConsoleBuilt, STAFF_PASSWORD } from '../support/consolePage.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { watchErrors } from '../support/widgetPage.ts';

const PASSWORD = STAFF_PASSWORD;

describe.runIf(browserAvailable)('staff console shell (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    ensureConsoleBuilt();
    server = await startTestServer();
    await seedStaff(server, {
      email: 'agent@bank.example',
      password: PASSWORD,
      role: 'agent',
      displayName: 'Ada Agent',
    });
    await seedStaff(server, {
      email: 'officer@bank.example',
      password: PASSWORD,
      role: 'compliance_officer',
      displayName: 'Olga Officer',
    });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('serves the app under a strict CSP, and every console path answers with it', async () => {
    for (const p of ['/console', '/console/compliance/audit']) {
      const res = await fetch(server.url + p);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('/console/assets/');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
    expect((await fetch(`${server.url}/console/assets/nothing-here.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/console/assets/..%2Findex.html`)).status).toBe(404);
  });

  it('an agent signs in, sees no compliance navigation nor its code, and the server refuses the compliance API', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const scripts: string[] = [];
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));
    await page.goto(`${server.url}/console`);
    await axeBothThemes(page, 'signin');
    await consoleSignIn(page, server.url, 'agent@bank.example');
    await page.getByRole('heading', { name: 'Welcome, Ada Agent' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link').allTextContents()).toEqual([
      'Conversations',
    ]);
    expect(await page.getByRole('link', { name: 'Compliance' }).count()).toBe(0);
    await page.goto(`${server.url}/console/compliance/audit`);
    await page.getByRole('heading', { name: 'Welcome, Ada Agent' }).waitFor();
    expect(scripts.filter((s) => s.includes('compliance'))).toEqual([]);
    const me = (await page.evaluate(async () => (await fetch('/api/auth/me')).json())) as {
      user: { role: string };
      capabilities: string[];
    };
    expect(me.user.role).toBe('agent');
    expect(me.capabilities).toContain('read:Conversation');
    expect(me.capabilities).not.toContain('read:AuditLog');
    // The first look for a session (before sign-in) is answered 401, which Chromium logs; nothing else may fail.
    expect(errors.filter((e) => !/status of 401 .*\/api\/auth\/(me|refresh)/.test(e))).toEqual([]);
    const refused = await page.evaluate(async () => [
      (await fetch('/api/audit/events')).status,
      (await fetch('/api/privacy/holds')).status,
      (await fetch('/api/staff/egress?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z')).status,
    ]);
    expect(refused).toEqual([403, 403, 403]);
    await axeBothThemes(page, 'home-agent');
    await context.close();
  });

  it('a compliance officer gets the compliance navigation; sign-out ends the session in the server too', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));
    await consoleSignIn(page, server.url, 'officer@bank.example');
    await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link', { name: 'Compliance' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/compliance');
    expect(await page.getByRole('link', { name: 'Conversations' }).count()).toBe(0);
    expect(scripts.filter((s) => s.includes('/agent-'))).toEqual([]);
    await axeBothThemes(page, 'overview');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(401);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('an expired access cookie is refreshed once, the refresh token rotating, and the screen loads', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await consoleSignIn(page, server.url, 'officer@bank.example');
    const refreshBefore = (await context.cookies()).find((c) => c.name === 'palisade_rt')!.value;
    await context.clearCookies({ name: 'palisade_at' }); // as the browser drops it at its expiry
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/auth/refresh'));
    await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link', { name: 'Compliance' }).click();
    expect((await refreshed).status()).toBe(200);
    await page.getByRole('heading', { name: 'Overview' }).waitFor({ timeout: 20_000 });
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'palisade_at')).toBeDefined();
    expect(cookies.find((c) => c.name === 'palisade_rt')!.value).not.toBe(refreshBefore);
    await context.close();
  });

  it('a session revoked elsewhere returns the console to the sign-in form, saying so', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await consoleSignIn(page, server.url, 'officer@bank.example');
    // Every session of the user ends (as disabling the account or a sign-out elsewhere would).
    await server.deps.db.dataSource.query(`UPDATE staff_sessions SET revoked_at = now() WHERE revoked_at IS NULL`);
    await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link', { name: 'Compliance' }).click();
    await page.getByText('Your session has ended. Sign in again.').waitFor({ timeout: 20_000 });
    await context.close();
  });

  it('the staff channel refuses a foreign origin and a missing session', async () => {
    const wsUrl = server.url.replace('http', 'ws') + '/api/staff/live';
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(wsUrl, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => (ws.close(), resolve(101)));
        ws.on('error', () => resolve(-1));
      });
    expect(await status({ Origin: 'http://evil.example' })).toBe(403);
    expect(await status({ Origin: server.url })).toBe(401);
    const { accessToken } = await bearerLogin(server, 'officer@bank.example', PASSWORD);
    expect(await status({ Origin: 'http://evil.example', Cookie: `palisade_at=${accessToken}` })).toBe(403);
    expect(await status({ Origin: server.url, Cookie: `palisade_at=${accessToken}` })).toBe(101);
    const agentRefused = await api(server, 'GET', '/api/audit/events', {
      token: (await bearerLogin(server, 'agent@bank.example', PASSWORD)).accessToken,
    });
    expect(agentRefused.status).toBe(403);
  });
});
