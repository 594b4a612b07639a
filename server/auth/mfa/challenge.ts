// The short-lived signed challenge between the password and the second factor: HS256 under the
// appliance's token key, an audience of its own (never accepted as an access token, nor an access
// token as a challenge), naming the user and the step that must follow.
import { SignJWT, jwtVerify } from 'jose';
import { unauthenticated } from '../../errors.ts';
import type { Infra } from '../../infra.ts';

const ISSUER = 'palisade';
const AUDIENCE = 'palisade-mfa';
export type ChallengeStep = 'verify' | 'enrol';

export async function issueChallenge(
  deps: Pick<Infra, 'secrets' | 'config' | 'now'>,
  userId: string,
  step: ChallengeStep,
): Promise<{ step: ChallengeStep; challenge: string; expiresAt: string }> {
  const now = Math.floor(deps.now().getTime() / 1000);
  const exp = now + deps.config.auth.mfa.challengeTtlSeconds;
  const challenge = await new SignJWT({ step })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(deps.secrets.jwtKey);
  return { step, challenge, expiresAt: new Date(exp * 1000).toISOString() };
}

/** The user a challenge names; 401 mfa_challenge_invalid if it is forged, expired or for another step. */
export async function readChallenge(
  deps: Pick<Infra, 'secrets' | 'now'>,
  challenge: string,
  step: ChallengeStep,
): Promise<string> {
  try {
    const { payload } = await jwtVerify(challenge, deps.secrets.jwtKey, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      currentDate: deps.now(),
    });
    if (payload.step === step && typeof payload.sub === 'string') return payload.sub;
  } catch {
    // any failure is the one answer below
  }
  throw unauthenticated('mfa_challenge_invalid', 'The sign-in challenge is invalid or expired; sign in again.');
}
