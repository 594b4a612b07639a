// Audit appends per second: one writer, then 32 concurrent writers, each append in its own
// transaction (as a real data access would be); then sealing them into the hash chain, then verifying.
import { appendAudit } from '../../server/audit/append.ts';
import { sealAudit } from '../../server/audit/seal.ts';
import { verifyChain } from '../../server/audit/verify.ts';
import type { Config } from '../../server/config.ts';
import { migrate, openDatabase } from '../../server/db/database.ts';
import { onBenchDatabases, SKIP_POSTGRES } from './databases.ts';
import type { Emit } from './emit.ts';

const event = (i: number) => ({
  actor: { type: 'staff' as const, id: `bench-${i % 7}` },
  action: 'transcript.read',
  subjectId: `sub_${i % 101}`,
  resource: { type: 'Conversation', id: `c-${i}` },
  purpose: 'customer_support',
  details: { messages: i % 17 },
});

async function run(
  target: string,
  database: Config['database'],
  counts: { single: number; concurrent: number },
  emit: Emit,
) {
  const db = await openDatabase(database);
  try {
    await migrate(db);
    const ds = db.dataSource;
    let i = 0;
    let t0 = performance.now();
    for (let n = 0; n < counts.single; n++) await ds.transaction((tx) => appendAudit(tx, event(i++)));
    let s = (performance.now() - t0) / 1000;
    emit({
      bench: 'audit.append',
      target,
      writers: 1,
      appends: counts.single,
      seconds: +s.toFixed(3),
      appends_per_s: Math.round(counts.single / s),
    });

    const writers = 32;
    const perWriter = Math.ceil(counts.concurrent / writers);
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let n = 0; n < perWriter; n++) await ds.transaction((tx) => appendAudit(tx, event(i++)));
      }),
    );
    s = (performance.now() - t0) / 1000;
    emit({
      bench: 'audit.append',
      target,
      writers,
      appends: perWriter * writers,
      seconds: +s.toFixed(3),
      appends_per_s: Math.round((perWriter * writers) / s),
    });

    const batch = 10;
    const batches = Math.ceil(counts.concurrent / batch / writers);
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let n = 0; n < batches; n++)
          await ds.transaction((tx) => appendAudit(tx, ...Array.from({ length: batch }, () => event(i++))));
      }),
    );
    s = (performance.now() - t0) / 1000;
    emit({
      bench: 'audit.append',
      target,
      writers,
      events_per_tx: batch,
      appends: batches * batch * writers,
      seconds: +s.toFixed(3),
      appends_per_s: Math.round((batches * batch * writers) / s),
    });

    t0 = performance.now();
    const sealed = await sealAudit(ds);
    s = (performance.now() - t0) / 1000;
    emit({ bench: 'audit.seal', target, events: sealed, seconds: +s.toFixed(3), events_per_s: Math.round(sealed / s) });

    t0 = performance.now();
    const verified = await verifyChain(ds.manager);
    s = (performance.now() - t0) / 1000;
    emit({
      bench: 'audit.verify',
      target,
      ok: verified.ok,
      broken: verified.firstBroken,
      events: verified.checked,
      seconds: +s.toFixed(3),
      events_per_s: Math.round(verified.checked / s),
    });
  } finally {
    await db.close();
  }
}

export async function benchAudit(emit: Emit, opts: { postgresUrl?: string; quick?: boolean }): Promise<void> {
  const counts = opts.quick ? { single: 300, concurrent: 640 } : { single: 2000, concurrent: 6400 };
  await onBenchDatabases(
    {
      postgresUrl: opts.postgresUrl,
      poolSize: 40,
      onSkip: () => emit({ bench: 'audit.append', target: 'postgres', skipped: SKIP_POSTGRES }),
    },
    (target, database) => run(target, database, counts, emit),
  );
}
