// Subjects' secrets as HSM objects: one generic-secret key per subject, generated in the token,
// sensitive and never extractable. The 32 bytes the key store hands out are HMAC-SHA256 of the
// subject id under that key, computed by the token (C_Sign), so they exist only while the object
// does: erasure destroys the object (C_DestroyObject) and no copy of the database opens the
// subject again. Objects rather than secrets wrapped under the master key and kept elsewhere: a
// wrapped copy would sit in files and their backups, and deleting one copy shreds nothing.
import type { Template } from 'pkcs11js';
import { keptInside, p11 } from './lib.ts';
import { DATA_KEY_BYTES } from '../envelope.ts';
import type { SubjectKeyStore } from '../keyStore.ts';
import { SUBJECT_ID } from '../subjectId.ts';
import type { Token } from './token.ts';

/** The label of a subject's object; the prefix keeps them apart from other objects on a shared partition. */
export function subjectObjectLabel(subjectId: string): string {
  // Only the pseudonym shape reaches the token.
  if (!SUBJECT_ID.test(subjectId)) throw new Error(`not a subject id: ${subjectId}`);
  return `palisade:${subjectId}`;
}

const query = (subjectId: string): Template => [
  { type: p11().CKA_CLASS, value: p11().CKO_SECRET_KEY },
  { type: p11().CKA_LABEL, value: subjectObjectLabel(subjectId) },
];

export function pkcs11KeyStore(token: Token): SubjectKeyStore {
  const derive = (key: Buffer, subjectId: string) =>
    new Uint8Array(
      token.use((p, s) => {
        p.C_SignInit(s, { mechanism: p11().CKM_SHA256_HMAC }, key);
        return p.C_Sign(s, Buffer.from(`palisade-subject-secret:${subjectId}`, 'utf8'), Buffer.alloc(DATA_KEY_BYTES));
      }),
    );
  return {
    async create(subjectId) {
      if (token.find(query(subjectId)).length) throw new Error(`the token already holds a secret for ${subjectId}`);
      const key = token.use((p, s) =>
        p.C_GenerateKey(s, { mechanism: p11().CKM_GENERIC_SECRET_KEY_GEN }, [
          ...query(subjectId),
          { type: p11().CKA_KEY_TYPE, value: p11().CKK_GENERIC_SECRET },
          { type: p11().CKA_VALUE_LEN, value: DATA_KEY_BYTES },
          ...keptInside(),
          { type: p11().CKA_SIGN, value: true },
        ]),
      );
      // Two creates racing for one subject would leave two objects and an ambiguous secret: a create
      // that then sees two destroys its own and fails (its transaction rolls back with it).
      if (token.find(query(subjectId)).length > 1) {
        token.use((p, s) => p.C_DestroyObject(s, key));
        throw new Error(`another secret for ${subjectId} was created at the same time`);
      }
      return derive(key, subjectId);
    },
    async read(subjectId) {
      const keys = token.find(query(subjectId));
      if (keys.length > 1) throw new Error(`the token holds ${keys.length} secrets for ${subjectId}`);
      return keys[0] ? derive(keys[0], subjectId) : undefined;
    },
    async destroy(subjectId) {
      const keys = token.find(query(subjectId));
      token.use((p, s) => keys.forEach((key) => p.C_DestroyObject(s, key)));
      return keys.length > 0;
    },
  };
}
