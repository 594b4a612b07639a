// Master-key rotation: every wrapped key (subject data keys, system keys) is unwrapped with the
// old master key and wrapped with the new one, in batches; the data itself is not touched.
// Rows record which master key wraps them, so an interrupted rotation simply runs again.
import type { DataSource, EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import type { PrivacyActor } from './context.ts';
import type { KeyWrapper } from './keyWrapper.ts';
import { wrappedKeyStore } from './store/keys.ts';
import { keyContexts } from './subjectKeys.ts';

export interface RotationReport {
  fromKeyId: string;
  toKeyId: string;
  subjectKeys: number;
  systemKeys: number;
  /** rows wrapped by neither key (left untouched) */
  unknown: number;
}

const TABLES = [
  { table: 'subject_keys', id: 'subject_id', context: keyContexts.subject, field: 'subjectKeys' },
  { table: 'system_keys', id: 'purpose', context: keyContexts.system, field: 'systemKeys' },
] as const;

async function rewrapBatch(
  tx: EntityManager,
  t: (typeof TABLES)[number],
  from: KeyWrapper,
  to: KeyWrapper,
  batch: number,
  now: Date,
): Promise<number> {
  const rows = await wrappedKeyStore.wrappedBy(tx, t, from.keyId, batch);
  for (const row of rows) {
    const rewrapped = to.wrap(from.unwrap(row.wrapped, t.context(row.id)), t.context(row.id));
    await wrappedKeyStore.rewrap(tx, t, { id: row.id, wrapped: Buffer.from(rewrapped), masterKeyId: to.keyId, now });
  }
  return rows.length;
}

export async function rotateMasterKey(
  runner: { dataSource: DataSource; now: () => Date },
  from: KeyWrapper,
  to: KeyWrapper,
  opts: { actor: PrivacyActor; batch?: number },
): Promise<RotationReport> {
  const report: RotationReport = {
    fromKeyId: from.keyId,
    toKeyId: to.keyId,
    subjectKeys: 0,
    systemKeys: 0,
    unknown: 0,
  };
  if (from.keyId === to.keyId) return report;
  for (const t of TABLES) {
    for (;;) {
      const n = await runner.dataSource.transaction(async (tx) => {
        const done = await rewrapBatch(tx, t, from, to, opts.batch ?? 500, runner.now());
        if (done > 0)
          await appendAudit(tx, {
            actor: opts.actor,
            action: 'keys.rewrap',
            resource: { type: 'MasterKey', id: to.keyId },
            details: { table: t.table, rows: done, fromKeyId: from.keyId },
          });
        return done;
      });
      report[t.field] += n;
      if (n === 0) break;
    }
  }
  await runner.dataSource.transaction(async (tx) => {
    for (const t of TABLES) {
      report.unknown += await wrappedKeyStore.wrappedByNeither(tx, t, from.keyId, to.keyId);
    }
    await appendAudit(tx, {
      actor: opts.actor,
      action: 'keys.rotate_master',
      resource: { type: 'MasterKey', id: to.keyId },
      details: {
        fromKeyId: from.keyId,
        subjectKeys: report.subjectKeys,
        systemKeys: report.systemKeys,
        unknown: report.unknown,
      },
    });
  });
  return report;
}
