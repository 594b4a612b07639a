// Master-key rotation on a real database: keys are re-wrapped, the data is not touched, everything
// stays readable (and findable) under the new master key only, and the rotation is audited.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import type { PrivacyCtx } from '../../server/privacy/context.ts';
import { readMessages } from '../../server/privacy/conversations.ts';
import { keyStoreDir, keyStoreOf } from '../../server/privacy/deps.ts';
import { masterKeyWrapper, type KeyWrapper } from '../../server/privacy/keyWrapper.ts';
import { rotateMasterKey } from '../../server/privacy/rotation.ts';
import { lookupDataSubject } from '../../server/privacy/subjects.ts';
import { auditEvents } from '../support/audit.ts';
import { seedSubject, SYSTEM } from '../support/privacy.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' });
});
afterAll(async () => {
  await server?.stop();
});

const withWrapper = <T>(wrapper: KeyWrapper, fn: (ctx: PrivacyCtx) => Promise<T>) =>
  server.deps.db.dataSource.transaction((tx) =>
    fn({ tx, wrapper, keyStore: keyStoreOf(server.deps), actor: SYSTEM, now: new Date() }),
  );

describe('master key rotation', () => {
  it('re-wraps every data key without touching the data; only the new key opens it', async () => {
    const a = await seedSubject(server, 'ROT1');
    const b = await seedSubject(server, 'ROT2');
    const before = (await server.deps.db.dataSource.query(`SELECT id, ciphertext FROM messages ORDER BY id`)) as {
      id: string;
      ciphertext: Buffer;
    }[];
    const oldWrapper = masterKeyWrapper(server.deps.secrets.masterKey);
    const newWrapper = masterKeyWrapper(new Uint8Array(randomBytes(32)));

    const storeDir = keyStoreDir(server.deps);
    const keyStoreFiles = () =>
      fs
        .readdirSync(storeDir)
        .sort()
        .map((f) => `${f}=${fs.readFileSync(path.join(storeDir, f), 'utf8')}`);
    const secretsBefore = keyStoreFiles();
    expect(secretsBefore).toHaveLength(2);
    // Interrupted after one batch of one key, then run again: it finishes where it stopped.
    const runner = { dataSource: server.deps.db.dataSource, now: () => new Date() };
    const report = await rotateMasterKey(runner, oldWrapper, newWrapper, { actor: SYSTEM, batch: 1 });
    expect(report).toMatchObject({ subjectKeys: 2, systemKeys: 1, unknown: 0 });
    expect((await rotateMasterKey(runner, oldWrapper, newWrapper, { actor: SYSTEM })).subjectKeys).toBe(0);

    // The key-store layer is under the master layer: rotation leaves the subjects' secrets alone.
    expect(keyStoreFiles()).toEqual(secretsBefore);
    const after = (await server.deps.db.dataSource.query(`SELECT id, ciphertext FROM messages ORDER BY id`)) as {
      id: string;
      ciphertext: Buffer;
    }[];
    expect(after.map((m) => m.ciphertext.toString('hex'))).toEqual(before.map((m) => m.ciphertext.toString('hex')));
    const messages = await withWrapper(newWrapper, (ctx) => readMessages(ctx, a.conversationIds[0]!));
    expect(messages.map((m) => m.text).join(' ')).toContain(a.secrets[2]);
    expect(
      (await withWrapper(newWrapper, (ctx) => lookupDataSubject(ctx, { kind: 'email', value: b.secrets[1]! })))?.id,
    ).toBe(b.subjectId);
    const refused = await withWrapper(oldWrapper, (ctx) => readMessages(ctx, a.conversationIds[0]!)).catch(
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).id).toBe('key_unavailable');

    const rewraps = await auditEvents(server, `action = 'keys.rewrap'`);
    expect(rewraps.map((e) => e.details.rows)).toEqual([1, 1, 1]);
    const [rotated] = await auditEvents(server, `action = 'keys.rotate_master' AND details->>'subjectKeys' = '2'`);
    expect(rotated).toMatchObject({
      resourceId: newWrapper.keyId,
      details: { fromKeyId: oldWrapper.keyId, systemKeys: 1 },
    });
  });
});
