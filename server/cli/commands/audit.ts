// `npx palisade audit verify|export`: the tamper-evident record, checked and exported. Both are
// themselves written to the record.
import fs from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { ExportFormat } from '../../audit/export.ts';
import { CLI_ACTOR, fail, type Group } from '../command.ts';

export const audit: Group = {
  summary: 'The audit record: verify its hash chain, export its events.',
  commands: {
    verify: {
      summary: 'Walk the audit hash chain and hold it to the newest signed checkpoint; exit 1 naming the first break.',
      args: '',
      run: async () => {
        const [
          { appendAudit },
          { sealAudit },
          { verifyChain },
          { localWitness },
          { withDatabase },
          { loadConfig },
          { loadSecrets },
        ] = await Promise.all([
          import('../../audit/append.ts'),
          import('../../audit/seal.ts'),
          import('../../audit/verify.ts'),
          import('../../audit/witness.ts'),
          import('../database.ts'),
          import('../../config.ts'),
          import('../../secrets.ts'),
        ]);
        return withDatabase(async (db) => {
          const sealed = await sealAudit(db.dataSource);
          if (sealed) process.stdout.write(`sealed ${sealed} pending events into the chain\n`);
          const config = loadConfig();
          const result = await verifyChain(
            db.dataSource.manager,
            localWitness(config.dataDir, loadSecrets(config).secrets.auditCheckpointKey),
          );
          await db.dataSource.transaction((tx) =>
            appendAudit(tx, {
              actor: CLI_ACTOR,
              action: 'audit.verify',
              resource: { type: 'AuditLog' },
              outcome: result.ok ? 'success' : 'failure',
              details: { checked: result.checked, brokenSeq: result.firstBroken?.seq ?? null },
            }),
          );
          if (result.ok) {
            const w = result.witnessed;
            const held = w
              ? `; held to the checkpoint signed by ${w.node} at ${w.at} (chain position ${w.chainSeq})`
              : '; no signed checkpoint yet';
            process.stdout.write(`audit chain OK: ${result.checked} events, head at ${result.headSeq}${held}\n`);
            return 0;
          }
          const b = result.firstBroken!;
          const where = b.seq
            ? `seq ${b.seq} (event ${b.id}, chain position ${b.chainSeq})`
            : `chain position ${b.chainSeq}`;
          process.stdout.write(
            `audit chain BROKEN at ${where}: ${b.problem}; ${result.checked} events before it verified\n`,
          );
          return 1;
        });
      },
    },
    export: {
      summary: 'Export audit events as JSON lines or CSV (to --out or stdout). Filters as in the API.',
      args: '[--format jsonl|csv] [--out FILE] [--from ISO] [--to ISO] [--actor-type T] [--actor-id ID] [--subject-id ID] [--action A] [--resource-type T] [--resource-id ID] [--outcome O]',
      run: async (argv) => {
        const { values } = parseArgs({
          args: argv,
          strict: true,
          options: {
            format: { type: 'string', default: 'jsonl' },
            out: { type: 'string' },
            from: { type: 'string' },
            to: { type: 'string' },
            'actor-type': { type: 'string' },
            'actor-id': { type: 'string' },
            'subject-id': { type: 'string' },
            action: { type: 'string' },
            'resource-type': { type: 'string' },
            'resource-id': { type: 'string' },
            outcome: { type: 'string' },
          },
        });
        const [{ appendAudit }, { EXPORT_FORMATS, exportLines }, { AuditFilter, iterateAudit }] = await Promise.all([
          import('../../audit/append.ts'),
          import('../../audit/export.ts'),
          import('../../audit/query.ts'),
        ]);
        if (!EXPORT_FORMATS.includes(values.format as ExportFormat))
          return fail(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
        const filter = AuditFilter.safeParse({
          from: values.from,
          to: values.to,
          actorType: values['actor-type'],
          actorId: values['actor-id'],
          subjectId: values['subject-id'],
          action: values.action,
          resourceType: values['resource-type'],
          resourceId: values['resource-id'],
          outcome: values.outcome,
        });
        if (!filter.success)
          return fail(filter.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; '));
        const { withDatabase } = await import('../database.ts');
        return withDatabase(async (db) => {
          await db.dataSource.transaction((tx) =>
            appendAudit(tx, {
              actor: CLI_ACTOR,
              action: 'audit.export',
              resource: { type: 'AuditLog' },
              details: { format: values.format as string },
            }),
          );
          const file = values.out ? fs.createWriteStream(values.out, { mode: 0o600 }) : undefined;
          const out = file ?? process.stdout;
          let lines = 0;
          for await (const line of exportLines(
            iterateAudit(db.dataSource.manager, filter.data),
            values.format as ExportFormat,
          )) {
            if (!out.write(line)) await once(out, 'drain');
            lines++;
          }
          if (file) {
            await new Promise<void>((resolve, reject) =>
              file.end((err?: Error | null) => (err ? reject(err) : resolve())),
            );
            process.stderr.write(`exported ${values.format === 'csv' ? lines - 1 : lines} events to ${values.out}\n`);
          }
          return 0;
        });
      },
    },
  },
};
