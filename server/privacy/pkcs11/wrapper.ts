// The data-key wrapping key held in the HSM: an AES-256 key object that is sensitive and never
// extractable, so no process ever holds its bytes. Data keys are wrapped by the token's AES-GCM
// (C_Encrypt) with the same additional data as the file master key (`wrap:<context>`), which binds
// a wrapped key to its row; CKM_AES_KEY_WRAP_PAD would need the data key as a token object and
// binds nothing. The output is the envelope format of envelope.ts: [1][IV][tag][ciphertext].
import { createHash, randomBytes } from 'node:crypto';
import type { AesGCM, Mechanism, Template } from 'pkcs11js';
import { keptInside, p11 } from './lib.ts';
import { CiphertextInvalid, ENVELOPE_VERSION } from '../envelope.ts';
import type { KeyWrapper } from '../keyWrapper.ts';
import { codeOf, type Token, TokenUnavailable } from './token.ts';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

const gcm = (iv: Buffer, context: string): Mechanism => ({
  mechanism: p11().CKM_AES_GCM,
  parameter: {
    type: p11().CK_PARAMS_AES_GCM,
    iv,
    aad: Buffer.from(`wrap:${context}`, 'utf8'),
    ivBits: IV_BYTES * 8,
    tagBits: TAG_BYTES * 8,
  } as AesGCM,
});

/** The attributes of the master key as `keys create-hsm-key` makes it, and as an HSM team should. */
export const masterKeyTemplate = (label: string): Template => [
  { type: p11().CKA_CLASS, value: p11().CKO_SECRET_KEY },
  { type: p11().CKA_KEY_TYPE, value: p11().CKK_AES },
  { type: p11().CKA_VALUE_LEN, value: 32 },
  { type: p11().CKA_LABEL, value: label },
  ...keptInside(),
  { type: p11().CKA_ENCRYPT, value: true },
  { type: p11().CKA_DECRYPT, value: true },
];

const masterQuery = (label: string): Template => [
  { type: p11().CKA_CLASS, value: p11().CKO_SECRET_KEY },
  { type: p11().CKA_KEY_TYPE, value: p11().CKK_AES },
  { type: p11().CKA_LABEL, value: label },
];

/** Generates the master key inside the token; refuses when one with the label exists. */
export function createMasterKey(token: Token, label: string): void {
  if (token.find(masterQuery(label)).length)
    throw new TokenUnavailable(`token "${token.label}" already holds a key labelled "${label}"`);
  token.use((p, s) => p.C_GenerateKey(s, { mechanism: p11().CKM_AES_KEY_GEN }, masterKeyTemplate(label)));
}

/**
 * The key's name without its bytes: its label and check value (CKA_CHECK_VALUE, the token's
 * fingerprint of the key material), so a different key under the same label is told apart. Tokens
 * without check values fall back to CKA_ID.
 */
function fingerprint(token: Token, key: Buffer, label: string): string {
  const attribute = (type: number) =>
    token.use((p, s) => {
      try {
        return p.C_GetAttributeValue(s, key, [{ type }])[0]?.value as Buffer | undefined;
      } catch (err) {
        if (codeOf(err) === p11().CKR_ATTRIBUTE_TYPE_INVALID) return undefined;
        throw err;
      }
    });
  const check = attribute(p11().CKA_CHECK_VALUE) ?? attribute(p11().CKA_ID) ?? Buffer.alloc(0);
  return `hsm_${createHash('sha256').update(`pkcs11:${label}:`).update(check).digest('hex').slice(0, 16)}`;
}

/** A wrapper over the token's key `label`; throws TokenUnavailable when it is absent or unusable. */
export function pkcs11KeyWrapper(token: Token, label: string): KeyWrapper {
  const findKey = () => {
    const keys = token.find(masterQuery(label));
    if (keys.length === 0)
      throw new TokenUnavailable(
        `token "${token.label}" holds no AES key labelled "${label}" (create it: npx palisade keys create-hsm-key)`,
      );
    if (keys.length > 1)
      throw new TokenUnavailable(
        `token "${token.label}" holds ${keys.length} AES keys labelled "${label}"; the label must name one key`,
      );
    return keys[0]!;
  };
  let found = { epoch: token.epoch, key: findKey() };
  // Handles die with the login they were found under: found again after the token logged in anew.
  const keyOf = () => (found.epoch === token.epoch ? found.key : (found = { epoch: token.epoch, key: findKey() }).key);
  const key = found.key;
  const [extractable, sensitive] = token.use((p, s) =>
    p.C_GetAttributeValue(s, key, [{ type: p11().CKA_EXTRACTABLE }, { type: p11().CKA_SENSITIVE }]),
  );
  // A master key that can leave the token is no better than a file; refuse it rather than trust it.
  if (extractable?.value?.[0] !== 0 || sensitive?.value?.[0] !== 1)
    throw new TokenUnavailable(`the key "${label}" on token "${token.label}" must be sensitive and not extractable`);

  const wrapper: KeyWrapper = {
    keyId: fingerprint(token, key, label),
    wrap(dataKey, context) {
      const iv = randomBytes(IV_BYTES);
      const out = token.use((p, s) => {
        p.C_EncryptInit(s, gcm(iv, context), keyOf());
        return p.C_Encrypt(s, Buffer.from(dataKey), Buffer.alloc(dataKey.length + TAG_BYTES));
      });
      const body = out.subarray(0, out.length - TAG_BYTES);
      return Buffer.concat([Buffer.of(ENVELOPE_VERSION), iv, out.subarray(out.length - TAG_BYTES), body]);
    },
    unwrap(wrapped, context) {
      if (wrapped.length < HEADER_BYTES) throw new CiphertextInvalid('too_short');
      if (wrapped[0] !== ENVELOPE_VERSION) throw new CiphertextInvalid('unknown_version');
      const iv = Buffer.from(wrapped.subarray(1, 1 + IV_BYTES));
      const input = Buffer.concat([wrapped.subarray(HEADER_BYTES), wrapped.subarray(1 + IV_BYTES, HEADER_BYTES)]);
      try {
        return new Uint8Array(
          token.use((p, s) => {
            p.C_DecryptInit(s, gcm(iv, context), keyOf());
            return p.C_Decrypt(s, input, Buffer.alloc(input.length));
          }),
        );
      } catch (err) {
        // A failed tag check: CKR_ENCRYPTED_DATA_INVALID by the standard, CKR_GENERAL_ERROR from SoftHSM2.
        const code = codeOf(err);
        if (
          code === p11().CKR_ENCRYPTED_DATA_INVALID ||
          code === p11().CKR_ENCRYPTED_DATA_LEN_RANGE ||
          code === p11().CKR_GENERAL_ERROR
        )
          throw new CiphertextInvalid('authentication_failed');
        throw err;
      }
    },
  };
  // Proves at start that the key wraps and unwraps (mechanism allowed, IV accepted), not at the first chat.
  const probe = new Uint8Array(32);
  if (Buffer.compare(Buffer.from(wrapper.unwrap(wrapper.wrap(probe, 'probe'), 'probe')), Buffer.from(probe)) !== 0)
    throw new TokenUnavailable(`the key "${label}" does not round-trip AES-GCM`);
  return wrapper;
}
