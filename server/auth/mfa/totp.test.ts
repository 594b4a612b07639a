// TOTP against the test vectors of RFC 6238 (appendix B) and HOTP against RFC 4226 (appendix D).
import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, matchTotp, otpauthUrl, totp, type TotpAlgorithm } from './totp.ts';

// RFC 6238's seeds: the ASCII digits "1234567890" repeated to the hash's key length.
const seed = (bytes: number) => new Uint8Array(Buffer.from('1234567890'.repeat(7).slice(0, bytes), 'ascii'));
const SEEDS: Record<TotpAlgorithm, Uint8Array> = { sha1: seed(20), sha256: seed(32), sha512: seed(64) };

const RFC6238: [number, string, Record<TotpAlgorithm, string>][] = [
  [59, '1970-01-01 00:00:59', { sha1: '94287082', sha256: '46119246', sha512: '90693936' }],
  [1111111109, '2005-03-18 01:58:29', { sha1: '07081804', sha256: '68084774', sha512: '25091201' }],
  [1111111111, '2005-03-18 01:58:31', { sha1: '14050471', sha256: '67062674', sha512: '99943326' }],
  [1234567890, '2009-02-13 23:31:30', { sha1: '89005924', sha256: '91819424', sha512: '93441116' }],
  [2000000000, '2033-05-18 03:33:20', { sha1: '69279037', sha256: '90698825', sha512: '38618901' }],
  [20000000000, '2603-10-11 11:33:20', { sha1: '65353130', sha256: '77737706', sha512: '47863826' }],
];

describe('RFC 6238 test vectors', () => {
  for (const [seconds, label, codes] of RFC6238) {
    for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
      it(`${label} ${algorithm}`, () => {
        expect(totp(SEEDS[algorithm], new Date(seconds * 1000), { algorithm, digits: 8, periodSeconds: 30 })).toBe(
          codes[algorithm],
        );
      });
    }
  }
});

describe('RFC 4226 test vectors', () => {
  const codes = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  codes.forEach((code, counter) => {
    it(`counter ${counter}`, () => expect(hotp(seed(20), counter)).toBe(code));
  });
});

describe('matching a code', () => {
  const secret = seed(20);
  const at = new Date(1111111111 * 1000);
  const step = Math.floor(1111111111 / 30);
  const codeAt = (s: number) => hotp(secret, s);

  it('accepts the current step and one either side, not two', () => {
    expect(matchTotp({ secret, code: codeAt(step), at })).toBe(step);
    expect(matchTotp({ secret, code: codeAt(step - 1), at })).toBe(step - 1);
    expect(matchTotp({ secret, code: codeAt(step + 1), at })).toBe(step + 1);
    expect(matchTotp({ secret, code: codeAt(step - 2), at })).toBeNull();
    expect(matchTotp({ secret, code: codeAt(step + 2), at })).toBeNull();
  });

  it('refuses a step at or before the last accepted one (replay)', () => {
    expect(matchTotp({ secret, code: codeAt(step), at, afterStep: step })).toBeNull();
    expect(matchTotp({ secret, code: codeAt(step - 1), at, afterStep: step - 1 })).toBeNull();
    expect(matchTotp({ secret, code: codeAt(step + 1), at, afterStep: step })).toBe(step + 1);
  });

  it('refuses what is not six digits', () => {
    for (const code of ['', '12345', '1234567', 'abcdef', ' 287082'])
      expect(matchTotp({ secret, code, at })).toBeNull();
  });
});

describe('base32 and the otpauth URL', () => {
  it('round-trips and matches RFC 4648 vectors', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(Buffer.from(base32Decode('MZXW6YTBOI======')).toString()).toBe('foobar');
    expect(Buffer.from(base32Decode('mzxw 6ytb oi')).toString()).toBe('foobar');
    expect(() => base32Decode('M1')).toThrow();
  });

  it('names issuer, account and secret', () => {
    const url = new URL(otpauthUrl({ issuer: 'Palisade', account: 'a@bank.example', secret: Buffer.from('foobar') }));
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe('MZXW6YTBOI');
    expect(url.searchParams.get('issuer')).toBe('Palisade');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Palisade:a@bank.example');
  });
});
