// TOTP (RFC 6238) over HOTP (RFC 4226), as authenticator apps speak it: SHA-1, 6 digits, 30-second
// steps, the secret in base32 (RFC 4648) inside an otpauth:// URL. Pure functions; the caller owns
// the clock and remembers the last accepted step, so a code is never accepted twice.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';
export interface TotpParams {
  algorithm: TotpAlgorithm;
  digits: number;
  periodSeconds: number;
}
export const TOTP_DEFAULTS: TotpParams = { algorithm: 'sha1', digits: 6, periodSeconds: 30 };

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/** RFC 4226 section 5.3: dynamic truncation of HMAC(secret, counter) to `digits` decimal digits. */
export function hotp(
  secret: Uint8Array,
  counter: number,
  params: Pick<TotpParams, 'algorithm' | 'digits'> = TOTP_DEFAULTS,
): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(params.algorithm, secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** params.digits).padStart(params.digits, '0');
}

/** The time step of a moment (RFC 6238's T, with T0 = 0). */
export const timeStep = (at: Date, periodSeconds = TOTP_DEFAULTS.periodSeconds) =>
  Math.floor(at.getTime() / 1000 / periodSeconds);

export const totp = (secret: Uint8Array, at: Date, params: TotpParams = TOTP_DEFAULTS) =>
  hotp(secret, timeStep(at, params.periodSeconds), params);

/**
 * The step a code matches, looking `window` steps either side of now (clock drift between the phone
 * and the appliance), or null. Steps at or before `afterStep` never match: a used code stays used.
 */
export function matchTotp(props: {
  secret: Uint8Array;
  code: string;
  at: Date;
  window?: number;
  afterStep?: number | null;
  params?: TotpParams;
}): number | null {
  const params = props.params ?? TOTP_DEFAULTS;
  if (!new RegExp(`^\\d{${params.digits}}$`).test(props.code)) return null;
  const now = timeStep(props.at, params.periodSeconds);
  const window = props.window ?? 1;
  let matched: number | null = null;
  // Every candidate is computed and compared, so the time taken does not say which step matched.
  for (let step = now - window; step <= now + window; step++) {
    const expected = Buffer.from(hotp(props.secret, step, params));
    const same = timingSafeEqual(expected, Buffer.from(props.code));
    if (same && matched === null && (props.afterStep == null || step > props.afterStep)) matched = step;
  }
  return matched;
}

/** The otpauth:// URL an authenticator app reads from the QR code (Key Uri Format). */
export function otpauthUrl(props: { issuer: string; account: string; secret: Uint8Array }): string {
  const label = `${encodeURIComponent(props.issuer)}:${encodeURIComponent(props.account)}`;
  const query = new URLSearchParams({
    secret: base32Encode(props.secret),
    issuer: props.issuer,
    algorithm: 'SHA1',
    digits: '6',
    period: '30',
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}
