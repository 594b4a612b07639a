// A backup taken before an erasure can no longer be decrypted for the erased subject: the whole
// database is dumped, the subject erased, the dump restored into a fresh database, and every key
// the appliance still holds (master key and what derives from it, system keys, every remaining
// key-store secret, every other subject's data key) is tried on her rows. Others still decrypt.
import fs from 'node:fs';
import path from 'node:path';
import { ciphertextProblem as problemOf } from '../support/ciphertext.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Database, openDatabase } from '../../server/db/database.ts';
import { AppError } from '../../server/errors.ts';
import { deriveKey } from '../../server/keys.ts';
import type { PrivacyCtx } from '../../server/privacy/context.ts';
import { aad, readAttachment, readMessages } from '../../server/privacy/conversations.ts';
import { keyStoreDir, keyStoreOf, keyWrapperOf } from '../../server/privacy/deps.ts';
import { open } from '../../server/privacy/envelope.ts';
import { runErasureJob, startErasure } from '../../server/privacy/erasure.ts';
import { keyContexts, subjectKey, systemKey } from '../../server/privacy/subjectKeys.ts';
import { DbVaultStore } from '../../server/privacy/vaultStore.ts';
import { type Backup, backupDatabase, backupText, restoreBackup } from '../support/backup.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { inTx, seedSubject, SYSTEM } from '../support/privacy.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let restoredDb: TestDatabase;
let restored: Database;

beforeAll(async () => {
  server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' });
  restoredDb = await createTestDatabase();
  restored = await openDatabase(restoredDb.database, { pglite: restoredDb.pglite });
  await migrate(restored);
});
afterAll(async () => {
  await restored?.close();
  await restoredDb?.drop();
  await server?.stop();
});

/** A transaction on the restored database, with the keys the live appliance holds. */
const onRestored = <T>(fn: (ctx: PrivacyCtx) => Promise<T>) =>
  restored.dataSource.transaction((tx) =>
    fn({ tx, wrapper: keyWrapperOf(server.deps), keyStore: keyStoreOf(server.deps), actor: SYSTEM, now: new Date() }),
  );

const transcript = (messages: { text: string }[]) => messages.map((m) => m.text).join('\n');
const errorOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err.id;
    throw err;
  }
  return 'no error';
};

type Row = Record<string, unknown>;
const rowsOf = (b: Backup, table: string, where: (r: Row) => boolean): Row[] =>
  (b.tables.find((t) => t.name === table)?.rows ?? []).map((j) => JSON.parse(j) as Row).filter(where);
const bytea = (v: unknown): Buffer => Buffer.from(String(v).replace(/^\\x/, ''), 'hex');

/** Every key the live appliance can still lay hands on, by name. */
async function everyKeyHeld(): Promise<Map<string, Uint8Array>> {
  const keys = new Map<string, Uint8Array>();
  const { masterKey, jwtKey } = server.deps.secrets;
  keys.set('master', masterKey);
  keys.set('jwt', jwtKey.subarray(0, 32));
  for (const purpose of ['data-key-wrap', 'redaction-hmac', 'subject-identifier-hmac'] as const)
    keys.set(`master/${purpose}`, deriveKey(masterKey, purpose));
  await inTx(server, async (ctx) => {
    const systems = (await ctx.tx.query(`SELECT purpose FROM system_keys`)) as { purpose: string }[];
    for (const { purpose } of systems) keys.set(`system/${purpose}`, await systemKey(ctx, purpose));
    const subjects = (await ctx.tx.query(`SELECT subject_id AS id FROM subject_keys`)) as { id: string }[];
    for (const { id } of subjects) keys.set(`data key of ${id}`, await subjectKey(ctx, id));
  });
  const dir = keyStoreDir(server.deps);
  for (const file of fs.readdirSync(dir)) {
    keys.set(
      `key store ${file}`,
      new Uint8Array(Buffer.from(fs.readFileSync(path.join(dir, file), 'utf8').trim(), 'base64')),
    );
  }
  return keys;
}

describe('a backup taken before erasure', () => {
  it('can no longer be decrypted for the erased subject with any key the appliance holds; others still decrypt', async () => {
    const maria = await seedSubject(server, 'BACKUP1', { conversations: 2, messages: 3 });
    const other = await seedSubject(server, 'BACKUP2');
    const storeFile = (id: string) => path.join(keyStoreDir(server.deps), `${id}.key`);
    expect(fs.statSync(storeFile(maria.subjectId)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(keyStoreDir(server.deps)).mode & 0o777).toBe(0o700);

    const backup = await backupDatabase(server.deps.db.dataSource);
    const dump = backupText(backup);
    expect(dump).toContain(maria.subjectId);
    // The key store is not in the database, so not in its backups.
    const mariaSecret = fs.readFileSync(storeFile(maria.subjectId), 'utf8').trim();
    expect(dump.includes(mariaSecret) || dump.includes(Buffer.from(mariaSecret, 'base64').toString('hex'))).toBe(false);

    // Restored while she is still a subject, the backup opens: the restore itself is sound.
    await restoreBackup(restored.dataSource, backup);
    expect(transcript(await onRestored((ctx) => readMessages(ctx, maria.conversationIds[0]!)))).toContain(
      maria.secrets[2],
    );

    const jobId = await inTx(server, (ctx) => startErasure(ctx, maria.subjectId));
    const receipt = await runErasureJob(
      { dataSource: server.deps.db.dataSource, now: server.deps.now, keyStore: keyStoreOf(server.deps) },
      jobId,
    );
    expect(receipt.erased).toMatchObject({ key_secret: 1, subject_key: 1 });
    expect(fs.existsSync(storeFile(maria.subjectId))).toBe(false);

    // Restored again after the erasure (her rows are all back), it opens nothing of hers: a typed refusal.
    await restoreBackup(restored.dataSource, backup);
    const [count] = (await restored.dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE subject_id = $1`, [
      maria.subjectId,
    ])) as { n: number }[];
    expect(count!.n).toBe(6);
    for (const conversationId of maria.conversationIds) {
      expect(await errorOf(onRestored((ctx) => readMessages(ctx, conversationId)))).toBe('subject_key_destroyed');
      expect(await errorOf(onRestored((ctx) => new DbVaultStore(ctx).load(conversationId)))).toBe(
        'subject_key_destroyed',
      );
    }
    expect(await errorOf(onRestored((ctx) => readAttachment(ctx, maria.attachmentIds[0]!)))).toBe(
      'subject_key_destroyed',
    );
    // The other subject's data in the same backup still decrypts.
    expect(transcript(await onRestored((ctx) => readMessages(ctx, other.conversationIds[0]!)))).toContain(
      other.secrets[2],
    );
    expect((await onRestored((ctx) => readAttachment(ctx, other.attachmentIds[0]!))).content.toString()).toBe(
      other.secrets[3],
    );

    // By hand, with every key still held: the master key opens only the outer layer of her wrapped
    // key; nothing opens the inner one, nor any of her ciphertexts.
    const keys = await everyKeyHeld();
    expect(keys.size).toBeGreaterThan(6);
    expect([...keys.keys()].some((k) => k.includes(maria.subjectId))).toBe(false);
    const [keyRow] = rowsOf(backup, 'subject_keys', (r) => r.subject_id === maria.subjectId);
    const inner = keyWrapperOf(server.deps).unwrap(bytea(keyRow!.wrapped_key), keyContexts.subject(maria.subjectId));
    const sealed = [
      { what: 'her data key', envelope: inner, aad: keyContexts.keyStore(maria.subjectId) },
      ...rowsOf(backup, 'messages', (r) => r.subject_id === maria.subjectId).map((r) => ({
        what: `message ${String(r.id)}`,
        envelope: bytea(r.ciphertext),
        aad: aad.message(String(r.id)),
      })),
      ...rowsOf(backup, 'attachments', (r) => r.subject_id === maria.subjectId).map((r) => ({
        what: `attachment ${String(r.id)}`,
        envelope: bytea(r.ciphertext),
        aad: aad.attachment(String(r.id)),
      })),
      ...maria.conversationIds.map((id) => ({
        what: `vault ${id}`,
        envelope: bytea(rowsOf(backup, 'conversation_vaults', (r) => r.conversation_id === id)[0]!.ciphertext),
        aad: aad.vault(id),
      })),
    ];
    expect(sealed).toHaveLength(1 + 6 + 2 + 2);
    for (const { what, envelope, aad: place } of sealed) {
      for (const [name, key] of keys)
        expect(
          problemOf(() => open(key, envelope, place)),
          `${what} with ${name}`,
        ).toBe('authentication_failed');
    }
    // The same attempt on the other subject's message succeeds with their key: the check can see an opening.
    const [otherMessage] = rowsOf(backup, 'messages', (r) => r.id === other.messageIds[0]);
    expect(
      problemOf(() =>
        open(
          keys.get(`data key of ${other.subjectId}`)!,
          bytea(otherMessage!.ciphertext),
          aad.message(other.messageIds[0]!),
        ),
      ),
    ).toBe('opened');
  });

  it('of a key made before the key store existed stays readable by the master key alone (why legacy keys must be re-sealed)', async () => {
    const s = await seedSubject(server, 'LEGACY1');
    // Rewrite her key row the old way: the bare data key under the master key, no key-store layer.
    await inTx(server, async (ctx) => {
      const key = await subjectKey(ctx, s.subjectId);
      await ctx.tx.query(`UPDATE subject_keys SET wrapped_key = $2 WHERE subject_id = $1`, [
        s.subjectId,
        Buffer.from(ctx.wrapper.wrap(key, keyContexts.subject(s.subjectId))),
      ]);
    });
    await keyStoreOf(server.deps).destroy(s.subjectId);
    expect(transcript(await inTx(server, (ctx) => readMessages(ctx, s.conversationIds[0]!)))).toContain(s.secrets[2]);
  });
});
