// The visitor token: HS256 under a key derived for this use alone, bound to one data subject, one
// conversation and one site. It carries no personal data (the subject id is a pseudonym).
import { SignJWT, jwtVerify } from 'jose';
import { AppError } from '../errors.ts';

const ISSUER = 'palisade';
const AUDIENCE = 'palisade-widget';
export const VISITOR_TOKEN_TTL_SECONDS = 24 * 3600;

export interface VisitorClaims {
  subjectId: string;
  conversationId: string;
  site: string;
  /** when the token stops being valid (ms since the epoch); set on verified claims */
  expiresAt?: number;
}

export const invalidVisitorToken = () =>
  new AppError(
    401,
    'invalid_visitor_token',
    'The visitor token is missing, expired or not valid; start a new session.',
  );

export async function signVisitorToken(
  key: Uint8Array,
  claims: VisitorClaims,
  ttlSeconds = VISITOR_TOKEN_TTL_SECONDS,
): Promise<string> {
  return new SignJWT({ cid: claims.conversationId, site: claims.site })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subjectId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
}

/** Signature (HS256 only), expiry, issuer and audience; null for anything else. */
export async function verifyVisitorToken(key: Uint8Array, token: string): Promise<VisitorClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'sub'],
    });
    const { sub, cid, site, exp } = payload;
    if (typeof sub !== 'string' || typeof cid !== 'string' || typeof site !== 'string' || typeof exp !== 'number')
      return null;
    return { subjectId: sub, conversationId: cid, site, expiresAt: exp * 1000 };
  } catch {
    return null;
  }
}

export const bearerOf = (header: string | undefined): string | undefined =>
  header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
