// KEY_STORE=pkcs11 through the real server and database, the HSM being SoftHSM2: data keys wrapped
// by the token's key, one secret object per subject, and erasure destroying that object, so the
// subject's data stays shut even to a database row kept from before the erasure.
import fs from 'node:fs';
import path from 'node:path';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { readMessages } from '../../server/privacy/conversations.ts';
import { keyStoreOf, keyWrapperOf } from '../../server/privacy/deps.ts';
import { runErasureJob, startErasure } from '../../server/privacy/erasure.ts';
import { pkcs11KeyStore, subjectObjectLabel } from '../../server/privacy/pkcs11/keyStore.ts';
import { openToken, type Token } from '../../server/privacy/pkcs11/token.ts';
import { createMasterKey, pkcs11KeyWrapper } from '../../server/privacy/pkcs11/wrapper.ts';
import { rotateMasterKey } from '../../server/privacy/rotation.ts';
import { openSubjectKey } from '../../server/privacy/subjectKeys.ts';
import { lookupDataSubject } from '../../server/privacy/subjects.ts';
import { wrappedKeyStore } from '../../server/privacy/store/keys.ts';
import { inTx, seedSubject, SYSTEM } from '../support/privacy.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { softHsm, softHsmAvailable, SOFTHSM_MODULE, type SoftHsm, TOKEN_PIN } from '../support/softhsm.ts';

let hsm: SoftHsm;
let token: Token;
let server: TestServer;
beforeAll(async () => {
  if (!softHsmAvailable) return;
  hsm = softHsm(['palisade']);
  // The test's own view of the token, to look at its objects as an HSM administrator would.
  token = openToken({ module: SOFTHSM_MODULE, tokenLabel: 'palisade', pin: TOKEN_PIN });
  createMasterKey(token, 'palisade-master');
  server = await startTestServer({ ...hsm.serverEnv('palisade'), RETENTION_INTERVAL_SECONDS: '0' });
});
afterAll(async () => {
  await server?.stop();
  token?.close();
  hsm?.remove();
});

const objectsOf = (subjectId: string) =>
  token.find([
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_LABEL, value: subjectObjectLabel(subjectId) },
  ]);
const errorId = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (err: unknown) => (err instanceof AppError ? err.id : Promise.reject(err)),
  );

describe.skipIf(!softHsmAvailable)('keys in an HSM (KEY_STORE=pkcs11)', () => {
  it('wraps every data key with the token key and keeps no key files', async () => {
    const maria = await seedSubject(server, 'HSM0');
    const wrapper = keyWrapperOf(server.deps);
    expect(wrapper.keyId).toMatch(/^hsm_[0-9a-f]{16}$/);
    const rows = (await server.deps.db.dataSource.query(
      `SELECT master_key_id FROM subject_keys UNION ALL SELECT master_key_id FROM system_keys`,
    )) as { master_key_id: string }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.master_key_id))).toEqual(new Set([wrapper.keyId]));
    expect(fs.existsSync(path.join(server.dataDir, 'keystore'))).toBe(false);
    expect(objectsOf(maria.subjectId)).toHaveLength(1);
    expect(server.logs().find((l) => l.message === 'keys.pkcs11_ready')).toMatchObject({
      tokenLabel: 'palisade',
      keyLabel: 'palisade-master',
    });
  });

  it('erasure destroys the subject object in the token; the data stays shut, others read on', async () => {
    const maria = await seedSubject(server, 'HSM1', { conversations: 2 });
    const other = await seedSubject(server, 'HSM2');
    expect((await inTx(server, (ctx) => readMessages(ctx, maria.conversationIds[0]!)))[0]!.text).toContain(
      maria.secrets[0],
    );
    expect(objectsOf(maria.subjectId)).toHaveLength(1);
    // A copy of her key row, as an old backup holds it.
    const kept = await wrappedKeyStore.subjectKey(server.deps.db.dataSource, maria.subjectId);
    expect(kept?.masterKeyId).toBe(keyWrapperOf(server.deps).keyId);

    const jobId = await inTx(server, (ctx) => startErasure(ctx, maria.subjectId));
    const receipt = await runErasureJob(
      { dataSource: server.deps.db.dataSource, now: server.deps.now, keyStore: keyStoreOf(server.deps) },
      jobId,
    );
    expect(receipt).toMatchObject({
      subjectId: maria.subjectId,
      keyDestroyed: true,
      erased: { key_secret: 1, subject_key: 1, conversations: 2 },
    });

    expect(objectsOf(maria.subjectId)).toHaveLength(0);
    // Past every cache: a store of its own on the token finds nothing either.
    expect(await pkcs11KeyStore(token).read(maria.subjectId)).toBeUndefined();
    expect(await errorId(inTx(server, (ctx) => readMessages(ctx, maria.conversationIds[0]!)))).toBe('not_found');
    expect(await errorId(inTx(server, (ctx) => openSubjectKey(ctx, maria.subjectId, kept)))).toBe(
      'subject_key_destroyed',
    );
    expect(
      await inTx(server, (ctx) => lookupDataSubject(ctx, { kind: 'email', value: maria.secrets[1]! })),
    ).toBeUndefined();

    expect(objectsOf(other.subjectId)).toHaveLength(1);
    expect((await inTx(server, (ctx) => readMessages(ctx, other.conversationIds[0]!)))[0]!.text).toContain(
      other.secrets[0],
    );
    expect((await inTx(server, (ctx) => lookupDataSubject(ctx, { kind: 'email', value: other.secrets[1]! })))?.id).toBe(
      other.subjectId,
    );
  });

  it('rotates to another key in the token: rows re-wrapped, only the new key opens them', async () => {
    const maria = await seedSubject(server, 'HSM3');
    createMasterKey(token, 'palisade-master-2');
    const from = keyWrapperOf(server.deps);
    const to = pkcs11KeyWrapper(token, 'palisade-master-2');
    const report = await rotateMasterKey({ dataSource: server.deps.db.dataSource, now: () => new Date() }, from, to, {
      actor: SYSTEM,
    });
    expect(report.unknown).toBe(0);
    expect(report.subjectKeys).toBeGreaterThan(0);
    const read = (wrapper: typeof to) =>
      server.deps.db.dataSource.transaction((tx) =>
        readMessages(
          { tx, wrapper, keyStore: keyStoreOf(server.deps), actor: SYSTEM, now: new Date() },
          maria.conversationIds[0]!,
        ),
      );
    expect((await read(to))[0]!.text).toContain(maria.secrets[0]);
    expect(await errorId(read(from))).toBe('key_unavailable');
  });
});
