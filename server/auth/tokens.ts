import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Role } from '../db/entities.ts';
import { ROLES } from '../db/entities.ts';

const ISSUER = 'palisade';
const AUDIENCE = 'palisade-staff';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  role: Role;
}

export async function signAccessToken(key: Uint8Array, claims: AccessClaims, ttlSeconds: number): Promise<string> {
  return new SignJWT({ sid: claims.sessionId, role: claims.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
}

/** Verifies signature (HS256 only: `alg: none` and others are refused), expiry (a token without one is refused), issuer, audience. */
export async function verifyAccessToken(key: Uint8Array, token: string): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'sub'],
    });
    const role = payload.role;
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || !ROLES.includes(role as Role))
      return null;
    return { userId: payload.sub, sessionId: payload.sid, role: role as Role };
  } catch {
    return null;
  }
}

/** Opaque refresh token `<sessionId>.<secret>`; only its SHA-256 is stored. */
export function newRefreshToken(sessionId: string): { token: string; hash: string } {
  const token = `${sessionId}.${randomBytes(32).toString('base64url')}`;
  return { token, hash: sha256(token) };
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function parseRefreshToken(token: string): { sessionId: string } | null {
  const m = /^([0-9a-f-]{36})\.[A-Za-z0-9_-]{43}$/.exec(token);
  return m?.[1] ? { sessionId: m[1] } : null;
}
