import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ENVELOPE_VERSION, newDataKey, open, openText, seal, sealText } from './envelope.ts';
import { masterKeyWrapper } from './keyWrapper.ts';
import { ciphertextProblem as problemOf } from '../../test/support/ciphertext.ts';

describe('AES-256-GCM envelope', () => {
  const key = newDataKey();

  it('round-trips text and bytes, with a fresh IV each time', () => {
    const a = sealText(key, 'Maria Gonzalez, card 4111 1111 1111 1111', 'message:1');
    const b = sealText(key, 'Maria Gonzalez, card 4111 1111 1111 1111', 'message:1');
    expect(a.equals(b)).toBe(false);
    expect(a[0]).toBe(ENVELOPE_VERSION);
    expect(a.includes(Buffer.from('Maria'))).toBe(false);
    expect(openText(key, a, 'message:1')).toBe('Maria Gonzalez, card 4111 1111 1111 1111');
    const bytes = randomBytes(4096);
    expect(open(key, seal(key, bytes, 'attachment:9'), 'attachment:9').equals(bytes)).toBe(true);
    expect(openText(key, sealText(key, '', 'message:e'), 'message:e')).toBe('');
  });

  it.each([
    [
      'a flipped ciphertext bit',
      (e: Buffer) => {
        e[e.length - 1]! ^= 1;
        return e;
      },
      'authentication_failed',
    ],
    [
      'a flipped tag bit',
      (e: Buffer) => {
        e[20]! ^= 0x80;
        return e;
      },
      'authentication_failed',
    ],
    [
      'a flipped IV bit',
      (e: Buffer) => {
        e[3]! ^= 1;
        return e;
      },
      'authentication_failed',
    ],
    [
      'an unknown version',
      (e: Buffer) => {
        e[0] = 2;
        return e;
      },
      'unknown_version',
    ],
    ['truncation to the header', (e: Buffer) => e.subarray(0, 20), 'too_short'],
    ['an empty value', () => Buffer.alloc(0), 'too_short'],
  ])('refuses %s with a typed error, never garbage', (_name, tamper, problem) => {
    const envelope = sealText(key, 'account 12345678', 'message:1');
    expect(problemOf(() => openText(key, tamper(Buffer.from(envelope)), 'message:1'))).toBe(problem);
  });

  it('binds the ciphertext to its place and its key', () => {
    const envelope = sealText(key, 'hello', 'message:1');
    expect(problemOf(() => openText(key, envelope, 'message:2'))).toBe('authentication_failed');
    expect(problemOf(() => openText(newDataKey(), envelope, 'message:1'))).toBe('authentication_failed');
    expect(problemOf(() => openText(new Uint8Array(16), envelope, 'message:1'))).toBe('bad_key');
  });
});

describe('master key wrapper', () => {
  it('wraps and unwraps data keys; another master key or context cannot unwrap', () => {
    const a = masterKeyWrapper(new Uint8Array(randomBytes(32)));
    const b = masterKeyWrapper(new Uint8Array(randomBytes(32)));
    expect(a.keyId).toMatch(/^mk_[0-9a-f]{16}$/);
    expect(a.keyId).not.toBe(b.keyId);
    const dataKey = newDataKey();
    const wrapped = a.wrap(dataKey, 'subject:sub_1');
    expect(Buffer.from(a.unwrap(wrapped, 'subject:sub_1')).equals(Buffer.from(dataKey))).toBe(true);
    expect(problemOf(() => b.unwrap(wrapped, 'subject:sub_1'))).toBe('authentication_failed');
    expect(problemOf(() => a.unwrap(wrapped, 'subject:sub_2'))).toBe('authentication_failed');
  });

  it('has a stable key id for the same master key', () => {
    const master = new Uint8Array(randomBytes(32));
    expect(masterKeyWrapper(master).keyId).toBe(masterKeyWrapper(Uint8Array.from(master)).keyId);
  });
});
