import fs from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { appendAudit } from '../audit/append.ts';
import { EXPORT_FORMATS, type ExportFormat, exportLines } from '../audit/export.ts';
import { AuditFilter, iterateAudit } from '../audit/query.ts';
import { sealAudit } from '../audit/seal.ts';
import { verifyChain } from '../audit/verify.ts';
import { hashPassword } from '../auth/passwords.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { type Database, migrate, openDatabase } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { CreateStaffUser } from '../staff/schemas.ts';
import { createStaffUser } from '../staff/users.ts';
import { kbImport, kbSearch } from './kb.ts';
import { readPassword } from './password.ts';
import { privacyCommands } from './privacyCommands.ts';
import { apiKeyCommands } from './apiKeyCommands.ts';
import { runRedactCli } from '../../gateway/redaction/cli.ts';
import { createDefaultRedactionEngine } from '../../gateway/redaction/default-engine.ts';
import { withOperator } from '../../gateway/redaction/policy.ts';
import { OPERATOR_NAMES, type OperatorName } from '../../gateway/redaction/operators/index.ts';
import { deriveKey } from '../keys.ts';
import { loadRedactionPolicy } from '../policies.ts';
import { loadSecrets } from '../secrets.ts';

export interface Command {
  summary: string;
  args: string;
  run(argv: string[]): Promise<number>;
}

const CLI_ACTOR = { type: 'system' as const, id: 'cli' };

async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

const fail = (message: string, code = 2) => {
  process.stderr.write(`palisade: ${message}\n`);
  return code;
};

export const commands: Record<string, Command> = {
  'kb import': kbImport,
  'kb search': kbSearch,
  redact: {
    summary: 'Redact personal data: JSON lines {"text","lang"?,"conversation"?} on stdin, {"text","entities"} out.',
    args: '[--policy FILE] [--operator placeholder|mask|hash|drop]',
    run: async (argv) => {
      const { values } = parseArgs({ args: argv, strict: true, options: { policy: { type: 'string' }, operator: { type: 'string' } } });
      if (values.operator !== undefined && !OPERATOR_NAMES.includes(values.operator as OperatorName)) {
        return fail(`--operator must be one of ${OPERATOR_NAMES.join(', ')}`);
      }
      let policy = loadRedactionPolicy(values.policy);
      if (values.operator) policy = withOperator(policy, values.operator as OperatorName);
      const { secrets } = loadSecrets(loadConfig());
      const engine = createDefaultRedactionEngine({ policy, hmacKey: deriveKey(secrets.masterKey, 'redaction-hmac') });
      const result = await runRedactCli({ input: process.stdin, output: process.stdout, engine });
      return result.errors > 0 ? 1 : 0;
    },
  },

  migrate: {
    summary: 'Apply pending database migrations (the server also does this on start).',
    args: '',
    run: async () => {
      const config = loadConfig();
      const db = await openDatabase(config.database);
      try {
        const ran = await migrate(db);
        process.stdout.write(ran.length ? `applied: ${ran.join(', ')}\n` : 'database is up to date\n');
        return 0;
      } finally {
        await db.close();
      }
    },
  },

  'create-admin': {
    summary: 'Create an admin account. The password is read from stdin (prompted, hidden, on a terminal).',
    args: '--email EMAIL --name "DISPLAY NAME"',
    run: async (argv) => {
      const { values } = parseArgs({ args: argv, options: { email: { type: 'string' }, name: { type: 'string' } }, strict: true });
      const password = await readPassword('Password for the new admin: ');
      const parsed = CreateStaffUser.safeParse({ email: values.email, displayName: values.name, role: 'admin', password });
      if (!parsed.success) return fail(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
      const cost = loadConfig().auth.bcryptCost;
      const passwordHash = await hashPassword(parsed.data.password, cost);
      try {
        const user = await withDatabase((db) =>
          db.dataSource.transaction((tx) => createStaffUser({ tx, actor: CLI_ACTOR, input: { email: parsed.data.email, displayName: parsed.data.displayName, role: 'admin', passwordHash } })),
        );
        process.stdout.write(`created admin ${user.id}\n`);
        return 0;
      } catch (err) {
        if (err instanceof AppError) return fail(err.message);
        throw err;
      }
    },
  },

  'audit verify': {
    summary: 'Walk the audit hash chain; exit 1 naming the first broken row.',
    args: '',
    run: async () =>
      withDatabase(async (db) => {
        const sealed = await sealAudit(db.dataSource);
        if (sealed) process.stdout.write(`sealed ${sealed} pending events into the chain\n`);
        const result = await verifyChain(db.dataSource.manager);
        await db.dataSource.transaction((tx) =>
          appendAudit(tx, { actor: CLI_ACTOR, action: 'audit.verify', resource: { type: 'AuditLog' }, outcome: result.ok ? 'success' : 'failure', details: { checked: result.checked, brokenSeq: result.firstBroken?.seq ?? null } }),
        );
        if (result.ok) {
          process.stdout.write(`audit chain OK: ${result.checked} events, head at ${result.headSeq}\n`);
          return 0;
        }
        const b = result.firstBroken!;
        const where = b.seq ? `seq ${b.seq} (event ${b.id}, chain position ${b.chainSeq})` : `chain position ${b.chainSeq}`;
        process.stdout.write(`audit chain BROKEN at ${where}: ${b.problem}; ${result.checked} events before it verified\n`);
        return 1;
      }),
  },

  'audit export': {
    summary: 'Export audit events as JSON lines or CSV (to --out or stdout). Filters as in the API.',
    args: '[--format jsonl|csv] [--out FILE] [--from ISO] [--to ISO] [--actor-type T] [--actor-id ID] [--subject-id ID] [--action A] [--resource-type T] [--resource-id ID] [--outcome O]',
    run: async (argv) => {
      const { values } = parseArgs({
        args: argv,
        strict: true,
        options: {
          format: { type: 'string', default: 'jsonl' }, out: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
          'actor-type': { type: 'string' }, 'actor-id': { type: 'string' }, 'subject-id': { type: 'string' }, action: { type: 'string' },
          'resource-type': { type: 'string' }, 'resource-id': { type: 'string' }, outcome: { type: 'string' },
        },
      });
      if (!EXPORT_FORMATS.includes(values.format as ExportFormat)) return fail(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
      const filter = AuditFilter.safeParse({
        from: values.from, to: values.to, actorType: values['actor-type'], actorId: values['actor-id'], subjectId: values['subject-id'],
        action: values.action, resourceType: values['resource-type'], resourceId: values['resource-id'], outcome: values.outcome,
      });
      if (!filter.success) return fail(filter.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; '));
      return withDatabase(async (db) => {
        await db.dataSource.transaction((tx) =>
          appendAudit(tx, { actor: CLI_ACTOR, action: 'audit.export', resource: { type: 'AuditLog' }, details: { format: values.format as string } }),
        );
        const out = values.out ? fs.createWriteStream(values.out, { mode: 0o600 }) : process.stdout;
        let lines = 0;
        for await (const line of exportLines(iterateAudit(db.dataSource.manager, filter.data), values.format as ExportFormat)) {
          if (!out.write(line)) await once(out, 'drain');
          lines++;
        }
        if (out !== process.stdout) {
          await new Promise<void>((resolve, reject) => (out as fs.WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve())));
          process.stderr.write(`exported ${values.format === 'csv' ? lines - 1 : lines} events to ${values.out}\n`);
        }
        return 0;
      });
    },
  },
  ...privacyCommands,
  ...apiKeyCommands,
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return [
    'Usage: npx palisade <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Settings come from the same environment as the server (DATABASE_URL, or PALISADE_DATA_DIR for the',
    'embedded database). While the server runs on the embedded database, stop it before running commands.',
    '',
  ].join('\n');
}

export { ConfigError };
