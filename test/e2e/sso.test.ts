// Single sign-on as a browser does it, in real Chromium, by plain redirects: the appliance on
// localhost, the OpenID provider on 127.0.0.1 (another site), the IdP's login form filled in, and
// back on the appliance's page its own requests carry the new session (SameSite=Strict cookies).
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { listenIdp, newSigningJwk, type TestIdp } from '../support/oidcProvider.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** A free loopback port, so the appliance's public URL (and the redirect URI the IdP knows) is known before it starts. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

describe.runIf(browserAvailable)('single sign-on (Chromium)', () => {
  let server: TestServer;
  let idp: TestIdp;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    idp = await listenIdp({ jwk: newSigningJwk(), idTokenTtlSeconds: 300 });
    const port = await freePort();
    const publicUrl = `http://localhost:${port}`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-sso-e2e-'));
    fs.writeFileSync(path.join(dir, 'secret'), 'e2e-client-secret', { mode: 0o600 });
    idp.start([
      {
        client_id: 'palisade',
        client_secret: 'e2e-client-secret',
        redirect_uris: [`${publicUrl}/api/auth/sso/callback`],
        post_logout_redirect_uris: [`${publicUrl}/`],
      },
    ]);
    idp.users.set('alice', {
      password: 'idp password',
      email: 'alice@bank.example',
      emailVerified: true,
      name: 'Alice',
      groups: ['palisade-compliance'],
    });
    server = await startTestServer({
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      SSO_ISSUER_URL: idp.issuer,
      SSO_CLIENT_ID: 'palisade',
      SSO_CLIENT_SECRET_FILE: path.join(dir, 'secret'),
      SSO_ACCOUNTS: 'create',
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await idp?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signs in through the IdP and back, then signs out at both', async () => {
    const publicUrl = server.deps.config.publicUrl;
    const page = await browser.newPage();
    await page.goto(`${publicUrl}/api/auth/sso/start?returnTo=/`);
    expect(new URL(page.url()).origin).toBe(idp.issuer);
    await page.getByLabel('Name').fill('alice');
    await page.getByLabel('Password').fill('idp password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.origin === publicUrl);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(new URL(page.url()).searchParams.get('sso_error')).toBeNull();

    const me = await page.evaluate(async () => {
      const res = await fetch('/api/auth/me');
      return { status: res.status, body: (await res.json()) as { user?: { email: string; role: string } } };
    });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: 'alice@bank.example', role: 'compliance_officer' });

    const out = await page.evaluate(async () => {
      const res = await fetch('/api/auth/sso/logout', { method: 'POST', headers: { accept: 'application/json' } });
      return {
        status: res.status,
        body: (await res.json()) as { redirectTo: string },
        after: (await fetch('/api/auth/me')).status,
      };
    });
    expect(out.status).toBe(200);
    expect(out.body.redirectTo.startsWith(`${idp.issuer}/session/end?`)).toBe(true);
    expect(out.after).toBe(401);
  });
});
