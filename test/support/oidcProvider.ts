// A real OpenID provider (the oidc-provider package) on loopback for the single sign-on tests. Its
// own interaction (devInteractions off) signs a test user in by a POSTed name and password, as a
// bank's IdP login page would; the test drives it over HTTP with a cookie jar. The token response
// can be altered on its way out (`tamper`), to hand the relying party a genuine but wrong ID token.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface IdpUser {
  password: string;
  email: string;
  emailVerified: boolean;
  name: string;
  groups: string[];
}

export interface IdpClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
}

export interface TestIdp {
  issuer: string;
  users: Map<string, IdpUser>;
  /** set before a token request: rewrites the token response's JSON */
  tamper?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** attaches the provider once the relying party's callback URL is known */
  start(clients: IdpClient[]): void;
  close(): Promise<void>;
}

/** One RSA signing key, so two providers (two issuers) can sign with the same key. */
export const newSigningJwk = () => ({
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: 'test-key',
  use: 'sig',
  alg: 'RS256',
});

/** Listens first (the issuer URL is needed to configure the relying party), provider attached by start(). */
export async function listenIdp(opts: {
  jwk: ReturnType<typeof newSigningJwk>;
  idTokenTtlSeconds: number;
  issuerHost?: string;
}): Promise<TestIdp> {
  let provider: Provider | undefined;
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://${opts.issuerHost ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const idp: TestIdp = {
    issuer,
    users: new Map(),
    start(clients) {
      provider = new Provider(issuer, {
        clients: clients.map((c) => ({
          ...c,
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        })),
        jwks: { keys: [opts.jwk] },
        cookies: { keys: [randomBytes(32).toString('base64')] },
        claims: { openid: ['sub', 'groups'], email: ['email', 'email_verified'], profile: ['name'] },
        conformIdTokenClaims: false,
        features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
        interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
        ttl: {
          IdToken: opts.idTokenTtlSeconds,
          AccessToken: 300,
          AuthorizationCode: 60,
          Interaction: 300,
          Session: 3600,
          Grant: 3600,
        },
        findAccount: (_ctx, sub) => {
          const user = idp.users.get(sub);
          if (!user) return undefined;
          return {
            accountId: sub,
            claims: () => ({
              sub,
              email: user.email,
              email_verified: user.emailVerified,
              name: user.name,
              groups: user.groups,
            }),
          };
        },
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    void (async () => {
      if (!provider) return void res.writeHead(503).end();
      // The login page a browser sees; the test's HTTP client posts the same form directly.
      const page = /^\/interaction\/([^/]+)$/.exec(req.url ?? '');
      if (page && req.method === 'GET') {
        const html = `<!doctype html><title>Test IdP</title><form method="post" action="/interaction/${page[1]}/login"><label>Name <input name="username"></label><label>Password <input name="password" type="password"></label><button>Sign in</button></form>`;
        return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      }
      const login = /^\/interaction\/([^/]+)\/login$/.exec(req.url ?? '');
      if (login && req.method === 'POST') {
        let raw = '';
        for await (const chunk of req) raw += String(chunk);
        const form = new URLSearchParams(raw);
        const sub = form.get('username') ?? '';
        const details = await provider.interactionDetails(req, res);
        if (idp.users.get(sub)?.password !== form.get('password'))
          return void res.writeHead(401).end('wrong name or password');
        const grant = new provider.Grant({ accountId: sub, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        return provider.interactionFinished(
          req,
          res,
          { login: { accountId: sub }, consent: { grantId: await grant.save() } },
          { mergeWithLastSubmission: false },
        );
      }
      if (idp.tamper && req.method === 'POST' && req.url === '/token') {
        const end = res.end.bind(res) as (chunk?: unknown) => http.ServerResponse;
        res.end = ((chunk?: unknown) => {
          const body = idp.tamper!(JSON.parse(String(chunk)) as Record<string, unknown>);
          const text = JSON.stringify(body);
          res.setHeader('Content-Length', Buffer.byteLength(text));
          return end(text);
        }) as typeof res.end;
      }
      provider.callback()(req, res);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  return idp;
}

/** A cookie jar for one browser, across hosts (all on loopback in the tests). */
export class CookieJar {
  private cookies = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

/** GET with the jar, no redirects followed. */
export async function step(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
  });
  jar.take(res);
  return res;
}

/**
 * At the IdP: follows the authorization URL to the interaction, signs `username` in, and follows the
 * redirects back until one leaves the IdP; answers that URL (the relying party's callback with the code).
 */
export async function signInAtIdp(
  jar: CookieJar,
  authorizationUrl: string,
  username: string,
  password: string,
): Promise<URL> {
  const idpOrigin = new URL(authorizationUrl).origin;
  let res = await step(jar, authorizationUrl);
  let location = new URL(res.headers.get('location')!, authorizationUrl);
  if (!location.pathname.startsWith('/interaction/')) throw new Error(`no interaction: ${res.status} ${location.href}`);
  res = await step(jar, new URL(`${location.pathname}/login`, idpOrigin).href, {
    method: 'POST',
    body: new URLSearchParams({ username, password }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (res.status !== 303) throw new Error(`interaction refused: ${res.status} ${await res.text()}`);
  location = new URL(res.headers.get('location')!, idpOrigin);
  while (location.origin === idpOrigin) {
    res = await step(jar, location.href);
    const next = res.headers.get('location');
    if (!next) throw new Error(`IdP stopped at ${res.status} ${location.href}: ${await res.text()}`);
    location = new URL(next, location);
  }
  return location;
}
