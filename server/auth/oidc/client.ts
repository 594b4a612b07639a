// The OpenID Connect relying party (openid-client): discovery of the IdP, the authorization URL
// (Authorization Code with PKCE S256, state and nonce) and the code exchange, which checks the ID
// token's signature, issuer, audience, expiry (with the configured tolerance, on the appliance's
// clock), nonce and state. Plain http is allowed only for an IdP on loopback.
import fs from 'node:fs';
import * as oidc from 'openid-client';
import { ConfigError } from '../../config.ts';
import { AppError } from '../../errors.ts';
import type { Infra } from '../../infra.ts';
import type { SsoFlow } from './flow.ts';

type SsoConfig = NonNullable<Infra['config']['sso']>;

/** The client secret from its file, refused if group- or world-readable (like every secret file). */
export function readClientSecret(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new ConfigError([{ variable: 'SSO_CLIENT_SECRET_FILE', problem: `cannot read ${file}` }]);
  }
  if ((stat.mode & 0o077) !== 0)
    throw new ConfigError([
      { variable: 'SSO_CLIENT_SECRET_FILE', problem: `${file} is readable by group/others; chmod 600 it` },
    ]);
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (!secret) throw new ConfigError([{ variable: 'SSO_CLIENT_SECRET_FILE', problem: `${file} is empty` }]);
  return secret;
}

export const ssoUnavailable = () =>
  new AppError(503, 'sso_unavailable', 'The identity provider cannot be reached; retry shortly.', undefined, {
    'Retry-After': '5',
  });

const isLoopback = (url: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

export interface RelyingParty {
  authorizationUrl(flow: SsoFlow): Promise<URL>;
  /** the ID token's claims after every check; throws openid-client's errors */
  exchange(callbackUrl: URL, flow: SsoFlow): Promise<Record<string, unknown>>;
  /** where the browser goes to sign out at the IdP too, if it offers RP-initiated logout */
  endSessionUrl(): Promise<URL | undefined>;
}

export function relyingParty(deps: Pick<Infra, 'now'>, sso: SsoConfig): RelyingParty {
  const secret = readClientSecret(sso.clientSecretFile);
  let discovered: Promise<oidc.Configuration> | undefined;
  let jwks: ReturnType<typeof oidc.getJwksCache>;
  const insecure = isLoopback(sso.issuer);

  // Discovered once, again after a failure (the IdP may come up after the appliance).
  const discover = () => {
    discovered ??= oidc
      .discovery(
        new URL(sso.issuer),
        sso.clientId,
        { redirect_uris: [sso.redirectUrl] },
        oidc.ClientSecretBasic(secret),
        { execute: insecure ? [oidc.allowInsecureRequests] : [], timeout: 10 },
      )
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered.catch(() => {
      throw ssoUnavailable();
    });
  };
  // A configuration per exchange: the clock skew is the appliance's clock against the process's.
  const configuration = async () => {
    const base = await discover();
    const skew = Math.round((deps.now().getTime() - Date.now()) / 1000);
    const config = new oidc.Configuration(
      base.serverMetadata(),
      sso.clientId,
      { redirect_uris: [sso.redirectUrl], [oidc.clockSkew]: skew, [oidc.clockTolerance]: sso.clockToleranceSeconds },
      oidc.ClientSecretBasic(secret),
    );
    if (insecure) oidc.allowInsecureRequests(config);
    if (jwks) oidc.setJwksCache(config, jwks);
    return config;
  };

  return {
    async authorizationUrl(flow) {
      const config = await discover();
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: sso.redirectUrl,
        scope: sso.scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
    },
    async exchange(callbackUrl, flow) {
      const config = await configuration();
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      jwks = oidc.getJwksCache(config) ?? jwks;
      return { ...tokens.claims() } as Record<string, unknown>;
    },
    async endSessionUrl() {
      const config = await discover();
      if (!config.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(config, {
        client_id: sso.clientId,
        post_logout_redirect_uri: sso.postLogoutRedirectUrl,
      });
    },
  };
}
