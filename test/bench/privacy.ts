// Privacy lifecycle costs: AES-256-GCM encrypt/decrypt per message (µs), erasure of a subject with
// 1,000 messages (goal ≤ 2 s), and retention deletion throughput (rows/s), on PGlite and, with
// BENCH_DATABASE_URL, on the PostgreSQL server.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../server/config.ts';
import { migrate, openDatabase } from '../../server/db/database.ts';
import type { PrivacyCtx } from '../../server/privacy/context.ts';
import { closeConversation, createConversation, storeMessage } from '../../server/privacy/conversations.ts';
import { newDataKey, openText, sealText } from '../../server/privacy/envelope.ts';
import { runErasureJob, startErasure } from '../../server/privacy/erasure.ts';
import { fileKeyStore } from '../../server/privacy/keyStore.ts';
import { masterKeyWrapper } from '../../server/privacy/keyWrapper.ts';
import { runRetention } from '../../server/privacy/retention.ts';
import { loadRetentionPolicy } from '../../server/privacy/retentionPolicy.ts';
import { createDataSubject } from '../../server/privacy/subjects.ts';
import { onBenchDatabases, SKIP_POSTGRES } from './databases.ts';
import type { Emit } from './emit.ts';

const MESSAGE =
  'Hello, my card 4111 1111 1111 1111 was blocked yesterday at the airport; my name is Maria Gonzalez and my IBAN is DE89 3704 0044 0532 0130 00. Can you help me unblock it before Friday? '.repeat(
    2,
  );

function benchCrypto(emit: Emit, n: number): void {
  const key = newDataKey();
  const sealed: Buffer[] = [];
  let t0 = performance.now();
  for (let i = 0; i < n; i++) sealed.push(sealText(key, MESSAGE, `message:${i}`));
  const encUs = ((performance.now() - t0) * 1000) / n;
  t0 = performance.now();
  for (let i = 0; i < n; i++) openText(key, sealed[i]!, `message:${i}`);
  const decUs = ((performance.now() - t0) * 1000) / n;
  emit({
    bench: 'privacy.crypto',
    messages: n,
    message_bytes: Buffer.byteLength(MESSAGE),
    encrypt_us: +encUs.toFixed(2),
    decrypt_us: +decUs.toFixed(2),
  });
}

async function run(
  target: string,
  database: Config['database'],
  opts: { messages: number; retentionRows: number },
  emit: Emit,
): Promise<void> {
  const db = await openDatabase(database);
  try {
    await migrate(db);
    const ds = db.dataSource;
    const wrapper = masterKeyWrapper(new Uint8Array(randomBytes(32)));
    const keyStore = fileKeyStore(fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-bench-keys-')));
    const ctx = (tx: PrivacyCtx['tx']): PrivacyCtx => ({
      tx,
      wrapper,
      keyStore,
      actor: { type: 'system', id: 'bench' },
      now: new Date(),
    });

    // Erasure of one subject with `messages` messages over 10 conversations.
    const subjectId = await ds.transaction(async (tx) => {
      const p = ctx(tx);
      const s = await createDataSubject(p, [{ kind: 'email', value: 'bench@example.com' }]);
      for (let c = 0; c < 10; c++) {
        const conv = await createConversation(p, { subjectId: s.id, site: 'retail', retentionClass: 'standard' });
        for (let m = 0; m < opts.messages / 10; m++)
          await storeMessage(p, { conversationId: conv.id, role: m % 2 ? 'assistant' : 'visitor', text: MESSAGE });
      }
      return s.id;
    });
    const t0 = performance.now();
    const jobId = await ds.transaction((tx) => startErasure(ctx(tx), subjectId));
    const receipt = await runErasureJob({ dataSource: ds, now: () => new Date(), keyStore }, jobId);
    const erasureMs = performance.now() - t0;
    emit({
      bench: 'privacy.erasure',
      target,
      messages: receipt.erased.messages,
      seconds: +(erasureMs / 1000).toFixed(3),
      goal_seconds: 2,
      ok: erasureMs <= 2000,
    });

    // Retention: expired messages in closed conversations, deleted in policy-sized batches.
    const old = new Date(Date.now() - 400 * 86_400_000);
    await ds.transaction(async (tx) => {
      const p = { ...ctx(tx), now: old };
      const s = await createDataSubject(p);
      for (let c = 0; c < 10; c++) {
        const conv = await createConversation(p, { subjectId: s.id, site: 'retail', retentionClass: 'standard' });
        await closeConversation(p, conv.id);
        // Bulk rows straight in SQL: the bench measures deletion, not 100k audited inserts.
        await tx.query(
          `INSERT INTO messages (id, conversation_id, subject_id, role, ciphertext, created_at)
             SELECT gen_random_uuid(), $1, $2, 'visitor', $3, $4 FROM generate_series(1, $5)`,
          [conv.id, s.id, randomBytes(400), old, opts.retentionRows / 10],
        );
      }
    });
    const policy = loadRetentionPolicy();
    const r0 = performance.now();
    const report = await runRetention({ dataSource: ds, now: () => new Date() }, policy);
    const s = (performance.now() - r0) / 1000;
    emit({
      bench: 'privacy.retention',
      target,
      rows: report.counts.messages,
      conversations: report.counts.conversations,
      batches: report.batches,
      batch_size: policy.batchSize,
      seconds: +s.toFixed(3),
      rows_per_s: Math.round(report.counts.messages / s),
    });
  } finally {
    await db.close();
  }
}

export async function benchPrivacy(
  emit: (row: Record<string, unknown>) => void,
  opts: { postgresUrl?: string; quick?: boolean },
): Promise<void> {
  benchCrypto(emit, opts.quick ? 2_000 : 50_000);
  const sizes = { messages: 1_000, retentionRows: opts.quick ? 5_000 : 100_000 };
  await onBenchDatabases(
    {
      postgresUrl: opts.postgresUrl,
      poolSize: 10,
      onSkip: () => emit({ bench: 'privacy.retention', target: 'postgres', skipped: SKIP_POSTGRES }),
    },
    (target, database) => run(target, database, sizes, emit),
  );
}
