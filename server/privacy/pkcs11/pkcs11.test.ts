// The PKCS#11 key wrapper and subject key store against a real token (SoftHSM2): keys made and used
// inside the token, wrapped keys bound to their context, secrets destroyed for good, a dropped
// session reopened, and clear refusals for a wrong PIN, a missing token or an exportable key.
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { softHsm, softHsmAvailable, SOFTHSM_MODULE, type SoftHsm, TOKEN_PIN } from '../../../test/support/softhsm.ts';
import { CiphertextInvalid, newDataKey, open, seal } from '../envelope.ts';
import { masterKeyWrapper } from '../keyWrapper.ts';
import { pkcs11KeyStore, subjectObjectLabel } from './keyStore.ts';
import { openToken, type Token, TokenUnavailable } from './token.ts';
import { createMasterKey, masterKeyTemplate, pkcs11KeyWrapper } from './wrapper.ts';

let hsm: SoftHsm;
let token: Token;
beforeAll(() => {
  if (!softHsmAvailable) return;
  hsm = softHsm(['unit', 'locked']);
  token = openToken({ module: SOFTHSM_MODULE, tokenLabel: 'unit', pin: TOKEN_PIN });
  createMasterKey(token, 'master-a');
  createMasterKey(token, 'master-b');
});
afterAll(() => {
  token?.close();
  hsm?.remove();
});

const sub = (n: number) => `sub_${String(n).padStart(26, '0')}`;
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
};

describe.skipIf(!softHsmAvailable)('pkcs11 key wrapper', () => {
  it('wraps in the token, binds the context, refuses altered or foreign wrapped keys', () => {
    const a = pkcs11KeyWrapper(token, 'master-a');
    const key = newDataKey();
    const wrapped = a.wrap(key, 'subject:sub_1');
    expect(wrapped).toHaveLength(1 + 12 + 16 + 32);
    expect(Buffer.from(wrapped).includes(Buffer.from(key))).toBe(false);
    expect(Buffer.from(a.unwrap(wrapped, 'subject:sub_1'))).toEqual(Buffer.from(key));
    // Two wraps of one key differ (a fresh IV each).
    expect(Buffer.from(a.wrap(key, 'subject:sub_1'))).not.toEqual(Buffer.from(wrapped));

    expect(thrown(() => a.unwrap(wrapped, 'subject:sub_2'))).toBeInstanceOf(CiphertextInvalid);
    const altered = Buffer.from(wrapped);
    altered[altered.length - 1]! ^= 1;
    expect(thrown(() => a.unwrap(altered, 'subject:sub_1'))).toMatchObject({ problem: 'authentication_failed' });
    expect(thrown(() => a.unwrap(wrapped.subarray(0, 20), 'subject:sub_1'))).toMatchObject({ problem: 'too_short' });
    const b = pkcs11KeyWrapper(token, 'master-b');
    expect(thrown(() => b.unwrap(wrapped, 'subject:sub_1'))).toBeInstanceOf(CiphertextInvalid);
    // A file master key cannot open it either, and the token's key opens nothing of a file key's.
    expect(thrown(() => masterKeyWrapper(newDataKey()).unwrap(wrapped, 'subject:sub_1'))).toBeInstanceOf(
      CiphertextInvalid,
    );
  });

  it('names each key by a stable fingerprint, never by its bytes', () => {
    const a = pkcs11KeyWrapper(token, 'master-a');
    expect(a.keyId).toMatch(/^hsm_[0-9a-f]{16}$/);
    expect(pkcs11KeyWrapper(token, 'master-a').keyId).toBe(a.keyId);
    expect(pkcs11KeyWrapper(token, 'master-b').keyId).not.toBe(a.keyId);
  });

  it('keeps the master key inside: its value cannot be read', () => {
    const [key] = token.find([{ type: pkcs11js.CKA_LABEL, value: 'master-a' }]);
    const err = thrown(() => token.use((p, s) => p.C_GetAttributeValue(s, key!, [{ type: pkcs11js.CKA_VALUE }])));
    expect(err).toMatchObject({ code: pkcs11js.CKR_ATTRIBUTE_SENSITIVE });
  });

  it('refuses a missing key, a duplicate label and a key that can leave the token', () => {
    expect(thrown(() => pkcs11KeyWrapper(token, 'no-such-key'))).toMatchObject({
      message: expect.stringMatching(/holds no AES key labelled "no-such-key".*create-hsm-key/),
    });
    expect(thrown(() => createMasterKey(token, 'master-a'))).toBeInstanceOf(TokenUnavailable);
    const loose = masterKeyTemplate('exportable').map((a) =>
      a.type === pkcs11js.CKA_EXTRACTABLE ? { ...a, value: true } : a,
    );
    token.use((p, s) => p.C_GenerateKey(s, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, loose));
    expect(thrown(() => pkcs11KeyWrapper(token, 'exportable'))).toMatchObject({
      message: expect.stringMatching(/must be sensitive and not extractable/),
    });
  });
});

describe.skipIf(!softHsmAvailable)('pkcs11 subject key store', () => {
  it('keeps one secret object per subject, usable only while the object exists', async () => {
    const store = pkcs11KeyStore(token);
    const secret = await store.create(sub(1));
    expect(secret).toHaveLength(32);
    expect(Buffer.from((await store.read(sub(1)))!)).toEqual(Buffer.from(secret));
    const other = await store.create(sub(2));
    expect(Buffer.from(other)).not.toEqual(Buffer.from(secret));
    await expect(store.create(sub(1))).rejects.toThrow(/already holds a secret/);

    const objects = (id: string) => token.find([{ type: pkcs11js.CKA_LABEL, value: subjectObjectLabel(id) }]);
    const [object] = objects(sub(1));
    // The object is the secret's only source: sensitive, not extractable, its value unreadable.
    const [extractable, sensitive] = token.use((p, s) =>
      p.C_GetAttributeValue(s, object!, [{ type: pkcs11js.CKA_EXTRACTABLE }, { type: pkcs11js.CKA_SENSITIVE }]),
    );
    expect([extractable!.value, sensitive!.value]).toEqual([Buffer.of(0), Buffer.of(1)]);
    expect(
      thrown(() => token.use((p, s) => p.C_GetAttributeValue(s, object!, [{ type: pkcs11js.CKA_VALUE }]))),
    ).toMatchObject({ code: pkcs11js.CKR_ATTRIBUTE_SENSITIVE });

    const sealed = seal(secret, Buffer.from('card 4111'), 'keystore:x');
    expect(await store.destroy(sub(1))).toBe(true);
    expect(objects(sub(1))).toHaveLength(0);
    expect(await store.read(sub(1))).toBeUndefined();
    expect(await store.destroy(sub(1))).toBe(false);
    // A new secret for the same id is a different one: what the old one sealed stays shut.
    const again = await store.create(sub(1));
    expect(thrown(() => open(again, sealed, 'keystore:x'))).toBeInstanceOf(CiphertextInvalid);
    expect(Buffer.from((await store.read(sub(2)))!)).toEqual(Buffer.from(other));
  });

  it('lets only subject ids reach the token', async () => {
    await expect(pkcs11KeyStore(token).read('../../etc')).rejects.toThrow(/not a subject id/);
  });
});

describe.skipIf(!softHsmAvailable)('pkcs11 token', () => {
  it('opens a session again when the device dropped it', async () => {
    const wrapper = pkcs11KeyWrapper(token, 'master-a');
    const wrapped = wrapper.wrap(newDataKey(), 'c');
    token.use((p, s) => p.C_CloseSession(s));
    expect(wrapper.unwrap(wrapped, 'c')).toHaveLength(32);
    expect(await pkcs11KeyStore(token).read(sub(2))).toHaveLength(32);
  });

  it('refuses a missing token and names the ones present', () => {
    expect(thrown(() => openToken({ module: SOFTHSM_MODULE, tokenLabel: 'absent', pin: TOKEN_PIN }))).toMatchObject({
      message: 'no token labelled "absent" (tokens present: "locked", "unit")',
    });
  });

  it('refuses a wrong PIN without saying it', () => {
    const err = thrown(() => openToken({ module: SOFTHSM_MODULE, tokenLabel: 'locked', pin: 'not-the-pin' }));
    expect(err).toBeInstanceOf(TokenUnavailable);
    expect((err as Error).message).toBe('token "locked" refused the PIN (wrong PIN)');
  });

  it('refuses a library that is not there', () => {
    expect(
      thrown(() => openToken({ module: '/nonexistent/libpkcs11.so', tokenLabel: 'unit', pin: TOKEN_PIN })),
    ).toMatchObject({
      message: expect.stringMatching(/^cannot load the PKCS#11 library \/nonexistent\/libpkcs11\.so/),
    });
  });
});
