// OpenID Connect single sign-on against a real OpenID provider (oidc-provider on loopback): sign-in
// with role mapping, account creation and linking, refusals (unmapped group, disabled account,
// unverified email, wrong audience, wrong issuer, replayed code, state mismatch, clock skew beyond
// the tolerance), sign-out with RP-initiated logout, and password sign-in turned off.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../support/audit.ts';
import {
  CookieJar,
  type IdpClient,
  type TestIdp,
  listenIdp,
  newSigningJwk,
  signInAtIdp,
  step,
} from '../support/oidcProvider.ts';
import { api, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

const CALLBACK = 'https://palisade.bank.example/api/auth/sso/callback';
const CLIENT: IdpClient = {
  client_id: 'palisade',
  client_secret: randomBytes(24).toString('base64url'),
  redirect_uris: [CALLBACK],
  post_logout_redirect_uris: ['https://palisade.bank.example/'],
};
const OTHER_CLIENT: IdpClient = {
  client_id: 'other-app',
  client_secret: randomBytes(24).toString('base64url'),
  redirect_uris: ['https://other.bank.example/callback'],
};
const PW = 'idp password';

let server: TestServer;
let idp: TestIdp;
let otherIssuer: TestIdp;
let offsetMs = 0;
let secretDir: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  const jwk = newSigningJwk();
  idp = await listenIdp({ jwk, idTokenTtlSeconds: 60 });
  otherIssuer = await listenIdp({ jwk, idTokenTtlSeconds: 60 });
  secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-sso-'));
  const secretFile = path.join(secretDir, 'client-secret');
  fs.writeFileSync(secretFile, CLIENT.client_secret, { mode: 0o600 });
  server = await startTestServer(
    {
      SSO_ISSUER_URL: idp.issuer,
      SSO_CLIENT_ID: CLIENT.client_id,
      SSO_CLIENT_SECRET_FILE: secretFile,
      SSO_REDIRECT_URL: CALLBACK,
      SSO_POST_LOGOUT_REDIRECT_URL: 'https://palisade.bank.example/',
      SSO_ACCOUNTS: 'create',
      SSO_CLOCK_TOLERANCE_SECONDS: '30',
      AUTH_LOCAL_PASSWORDS: 'false',
    },
    { now: () => new Date(Date.now() + offsetMs) },
  );
  idp.start([CLIENT, OTHER_CLIENT]);
  otherIssuer.start([CLIENT]);
  const user = (email: string, groups: string[], emailVerified = true) => ({
    password: PW,
    email,
    emailVerified,
    name: email.split('@')[0]!,
    groups,
  });
  for (const i of [idp, otherIssuer]) {
    i.users.set('alice', user('alice@bank.example', ['staff', 'palisade-admins']));
    i.users.set('bob', user('bob@bank.example', ['palisade-agents']));
    i.users.set('carol', user('carol@bank.example', ['marketing']));
    i.users.set('dave', user('dave@bank.example', ['palisade-agents']));
    i.users.set('erin', user('erin@bank.example', ['palisade-agents'], false));
  }
  ids.bob = await seedStaff(server, { email: 'Bob@bank.example', password: 'a local password long', role: 'auditor' });
  ids.dave = await seedStaff(server, { email: 'dave@bank.example', password: 'a local password long', role: 'agent' });
  await server.deps.db.dataSource.query(`UPDATE staff_users SET disabled_at = now() WHERE id = $1`, [ids.dave]);
});
afterAll(async () => {
  await server?.stop();
  await idp?.close();
  await otherIssuer?.close();
  fs.rmSync(secretDir, { recursive: true, force: true });
});

/** The appliance's own URL for the IdP's redirect to the (public) callback URL. */
const onServer = (url: URL) => `${server.url}${url.pathname}${url.search}`;

async function start(jar: CookieJar, returnTo?: string): Promise<URL> {
  const res = await step(
    jar,
    `${server.url}/api/auth/sso/start${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`,
  );
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location')!);
}

/** A whole sign-in through the browser's redirects; answers the callback's response. */
async function signIn(username: string, returnTo?: string) {
  const jar = new CookieJar();
  const authorization = await start(jar, returnTo);
  const callback = await signInAtIdp(jar, authorization.href, username, PW);
  const flowCookie = jar.get('palisade_sso')!;
  const res = await step(jar, onServer(callback));
  return {
    res,
    jar,
    callback,
    flowCookie,
    location: new URL(res.headers.get('location') ?? '/', 'https://palisade.bank.example'),
  };
}

/** An ID token the provider genuinely signs for `client`, carrying `nonce`. */
async function idTokenFor(at: TestIdp, client: IdpClient, nonce: string, username: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const auth = new URL(`${at.issuer}/auth`);
  auth.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    scope: 'openid email profile',
    redirect_uri: client.redirect_uris[0]!,
    state: 'test',
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const callback = await signInAtIdp(new CookieJar(), auth.href, username, PW);
  const res = await fetch(`${at.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      redirect_uri: client.redirect_uris[0]!,
      code_verifier: verifier,
    }),
  });
  return ((await res.json()) as { id_token: string }).id_token;
}

const lastFailure = async () =>
  (await auditEvents(server, `action = 'auth.login' AND outcome = 'failure' AND details->>'method' = 'sso'`)).at(-1)!;
const me = (jar: CookieJar) =>
  api<{ user: { id: string; role: string; email: string } }>(server, 'GET', '/api/auth/me', {
    headers: { cookie: jar.header() },
  });

describe('sign-in', () => {
  it('sends the browser to the IdP with PKCE S256, state and nonce, in a Lax httpOnly cookie for the callback only', async () => {
    const jar = new CookieJar();
    const res = await step(jar, `${server.url}/api/auth/sso/start`);
    const url = new URL(res.headers.get('location')!);
    expect(url.origin + url.pathname).toBe(`${idp.issuer}/auth`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    for (const p of ['code_challenge', 'state', 'nonce'])
      expect(url.searchParams.get(p)?.length).toBeGreaterThanOrEqual(43);
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('palisade_sso='))!;
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=lax/i);
    expect(cookie).toMatch(/path=\/api\/auth\/sso\/callback/i);
    expect(cookie).not.toContain(url.searchParams.get('state')!);
  });

  it('creates an account on first sign-in with the role of the first matching group, and opens a cookie session', async () => {
    const { res, location, jar } = await signIn('alice', '/console/audit');
    expect(res.status).toBe(303);
    expect(location.pathname).toBe('/console/audit');
    expect(location.searchParams.get('sso_error')).toBeNull();
    const who = await me(jar);
    expect(who.status).toBe(200);
    expect(who.body.user).toMatchObject({ email: 'alice@bank.example', role: 'admin' });
    ids.alice = who.body.user.id;
    const links = (await server.deps.db.dataSource.query(
      `SELECT issuer, user_id AS "userId" FROM staff_identities WHERE subject = 'alice'`,
    )) as { issuer: string; userId: string }[];
    expect(links).toEqual([{ issuer: idp.issuer, userId: ids.alice }]);
    const actions = (await auditEvents(server, `resource_id = $1`, [ids.alice])).map(
      (e) => `${e.action}:${JSON.stringify(e.details)}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^staff\.create:/),
        'sso.link:{"created":true}',
        expect.stringMatching(/^auth\.login:.*"method":"sso"/),
      ]),
    );
  });

  it('links an existing account by verified email and takes its role from the groups', async () => {
    const { jar, location } = await signIn('bob', '//evil.example/x');
    expect(location.pathname).toBe('/console/');
    const who = await me(jar);
    expect(who.body.user).toMatchObject({ id: ids.bob, role: 'agent' });
    const change = await auditEvents(server, `action = 'staff.update' AND resource_id = $1`, [ids.bob]);
    expect(change.at(-1)?.details).toMatchObject({ role: 'agent', previousRole: 'auditor', source: 'sso' });
    // Signed in again: the identity's link is used, no second link.
    await signIn('bob');
    expect(await auditEvents(server, `action = 'sso.link' AND resource_id = $1`, [ids.bob])).toHaveLength(1);
  });
});

describe('refusals', () => {
  const refusedWith = async (username: string, id: string) => {
    const { res, location, jar } = await signIn(username);
    expect(res.status).toBe(303);
    expect(location.searchParams.get('sso_error')).toBe(id);
    expect(jar.get('palisade_at')).toBeUndefined();
  };

  it('a user in no mapped group', async () => {
    await refusedWith('carol', 'sso_no_role');
    expect((await lastFailure()).details).toMatchObject({ cause: 'sso_no_role' });
    expect(
      await server.deps.db.dataSource.query(`SELECT 1 FROM staff_users WHERE email = 'carol@bank.example'`),
    ).toHaveLength(0);
  });

  it('a disabled account', async () => {
    await refusedWith('dave', 'account_disabled');
    expect((await lastFailure()).actorId).toBe(ids.dave);
  });

  it('an email the IdP has not verified', async () => {
    await refusedWith('erin', 'sso_no_account');
    expect(
      await server.deps.db.dataSource.query(`SELECT 1 FROM staff_users WHERE email = 'erin@bank.example'`),
    ).toHaveLength(0);
  });

  it('a replayed authorization code', async () => {
    const first = await signIn('alice');
    expect(first.location.searchParams.get('sso_error')).toBeNull();
    const again = await fetch(onServer(first.callback), {
      redirect: 'manual',
      headers: { cookie: `palisade_sso=${first.flowCookie}` },
    });
    expect(new URL(again.headers.get('location')!, server.url).searchParams.get('sso_error')).toBe('sso_failed');
    expect(again.headers.getSetCookie().some((c) => c.startsWith('palisade_at='))).toBe(false);
    expect((await lastFailure()).details).toMatchObject({ cause: 'invalid_grant' });
  });

  it('a state that is not the one this browser started with, and a callback with no flow', async () => {
    const jar = new CookieJar();
    const first = await start(jar);
    const callback = await signInAtIdp(jar, first.href, 'alice', PW);
    await start(jar); // a second sign-in started in the same browser replaces the flow
    const res = await step(jar, onServer(callback));
    expect(new URL(res.headers.get('location')!, server.url).searchParams.get('sso_error')).toBe('sso_failed');
    expect(jar.get('palisade_at')).toBeUndefined();
    expect(String((await lastFailure()).details.cause)).toMatch(/^OAUTH_/);
    const bare = await fetch(onServer(callback), { redirect: 'manual' });
    expect(new URL(bare.headers.get('location')!, server.url).searchParams.get('sso_error')).toBe('sso_flow_invalid');
  });

  for (const [what, claim] of [
    ['audience', 'aud'],
    ['issuer', 'iss'],
  ] as const) {
    it(`an ID token signed by the provider's key with the wrong ${what}`, async () => {
      const jar = new CookieJar();
      const authorization = await start(jar);
      const nonce = authorization.searchParams.get('nonce')!;
      const wrong =
        what === 'audience'
          ? await idTokenFor(idp, OTHER_CLIENT, nonce, 'alice')
          : await idTokenFor(otherIssuer, CLIENT, nonce, 'alice');
      const callback = await signInAtIdp(jar, authorization.href, 'alice', PW);
      idp.tamper = (body) => ({ ...body, id_token: wrong });
      try {
        const res = await step(jar, onServer(callback));
        expect(new URL(res.headers.get('location')!, server.url).searchParams.get('sso_error')).toBe('sso_failed');
        expect(jar.get('palisade_at')).toBeUndefined();
      } finally {
        idp.tamper = undefined;
      }
      expect((await lastFailure()).details).toMatchObject({ cause: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', claim });
    });
  }
});

describe('clock skew (ID tokens live 60 s, tolerance 30 s)', () => {
  it('accepts a token while the appliance clock is ahead within the tolerance, refuses it beyond', async () => {
    try {
      offsetMs = 80_000;
      const near = await signIn('alice');
      expect(near.location.searchParams.get('sso_error')).toBeNull();
      expect((await me(near.jar)).status).toBe(200);
      offsetMs = 100_000;
      const far = await signIn('alice');
      expect(far.location.searchParams.get('sso_error')).toBe('sso_failed');
      expect((await lastFailure()).details).toMatchObject({ cause: 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', claim: 'exp' });
    } finally {
      offsetMs = 0;
    }
  });
});

describe('sign-out and local passwords', () => {
  it('ends the session here and sends the browser to the IdP to end it there', async () => {
    const { jar } = await signIn('alice');
    const session = jar.get('palisade_at')!;
    expect((await me(jar)).status).toBe(200);
    const res = await step(jar, `${server.url}/api/auth/sso/logout`, {
      method: 'POST',
      headers: { origin: server.url },
    });
    expect(res.status).toBe(303);
    const target = new URL(res.headers.get('location')!);
    expect(target.origin + target.pathname).toBe(`${idp.issuer}/session/end`);
    expect(target.searchParams.get('client_id')).toBe(CLIENT.client_id);
    expect(target.searchParams.get('post_logout_redirect_uri')).toBe('https://palisade.bank.example/');
    expect(res.headers.getSetCookie().some((c) => /^palisade_at=;/.test(c))).toBe(true);
    expect((await api(server, 'GET', '/api/auth/me', { headers: { cookie: `palisade_at=${session}` } })).status).toBe(
      401,
    );
    expect(await auditEvents(server, `action = 'auth.logout' AND actor_id = $1`, [ids.alice])).not.toHaveLength(0);
  });

  it('refuses password sign-in with a stable error when local passwords are off', async () => {
    const res = await api<{ error: { id: string } }>(server, 'POST', '/api/auth/login', {
      body: { email: 'bob@bank.example', password: 'a local password long', mode: 'bearer' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.id).toBe('password_login_disabled');
    expect((await api(server, 'GET', '/api/auth/sso')).body).toEqual({
      enabled: true,
      localPasswords: false,
      startUrl: '/api/auth/sso/start',
    });
  });
});
