// `npx palisade dsr …`, `retention run`, `keys rotate-master`, `evidence`: the privacy lifecycle from the
// operator's terminal, with the same commands (and audit events) as the compliance console API.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { migrate, openDatabase } from '../db/database.ts';
import type { Infra } from '../infra.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import type { PrivacyActor } from '../privacy/context.ts';
import { resumeErasures, runErasureJob, startErasure } from '../privacy/erasure.ts';
import { writeEvidence } from '../privacy/evidence.ts';
import { exportSubject } from '../privacy/export.ts';
import { retentionPolicyOf } from '../privacy/jobs.ts';
import { keyStoreOf, keyWrapperOf } from '../privacy/deps.ts';
import { masterKeyWrapper } from '../privacy/keyWrapper.ts';
import { completeRequest, createRequest, DSR_STATES, DSR_TYPES, getRequest, listRequests, transitionRequest, type DsrState } from '../privacy/requests.ts';
import { Rectification, rectify } from '../privacy/rectification.ts';
import { runRetention } from '../privacy/retention.ts';
import { rotateMasterKey } from '../privacy/rotation.ts';
import { privacyTransaction } from '../privacy/transaction.ts';
import { loadSecrets } from '../secrets.ts';
import { IDENTIFIER_KINDS } from '../privacy/subjects.ts';
import type { Command } from './commands.ts';

const CLI_ACTOR: PrivacyActor = { type: 'system', id: 'cli' };

async function withDeps<T>(fn: (deps: Infra) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { secrets } = loadSecrets(config);
  const db = await openDatabase(config.database);
  try {
    await migrate(db);
    return await fn({ config, secrets, db, logger: createLogger({ level: 'warn', stream: process.stderr }), now: () => new Date() });
  } finally {
    await db.close();
  }
}

const print = (value: unknown) => process.stdout.write(JSON.stringify(value, null, 2) + '\n');
const fail = (message: string, code = 2) => {
  process.stderr.write(`palisade: ${message}\n`);
  return code;
};
/** A refusal (hold, bad state, unknown id) is exit 1 with its id and message, not a stack trace. */
async function guarded(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError) return fail(`${err.id}: ${err.message}`, 1);
    throw err;
  }
}
const tx = <T>(deps: Infra, action: string, fn: Parameters<typeof privacyTransaction<T>>[2]) => privacyTransaction(deps, { actor: CLI_ACTOR, action }, fn);

function readKeyFile(file: string): Uint8Array {
  const stat = fs.statSync(file);
  if ((stat.mode & 0o077) !== 0) throw new Error(`${file} is readable by group/others; chmod 600 it`);
  const bytes = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (bytes.length !== 32) throw new Error(`${file} must hold exactly 32 bytes, base64 (openssl rand -base64 32)`);
  return new Uint8Array(bytes);
}

export const privacyCommands: Record<string, Command> = {
  'dsr list': {
    summary: 'List data-subject requests (JSON); --due near|overdue for those near or past their deadline.',
    args: '[--state S] [--subject sub_…] [--due near|overdue]',
    run: async (argv) => {
      const { values } = parseArgs({ args: argv, strict: true, options: { state: { type: 'string' }, subject: { type: 'string' }, due: { type: 'string' } } });
      if (values.state && !DSR_STATES.includes(values.state as DsrState)) return fail(`--state must be one of ${DSR_STATES.join(', ')}`);
      if (values.due && values.due !== 'near' && values.due !== 'overdue') return fail('--due must be near or overdue');
      return withDeps((deps) => guarded(async () => {
        print(await tx(deps, 'dsr.list', (p) => listRequests(p, retentionPolicyOf(deps), { state: values.state as DsrState | undefined, subjectId: values.subject, due: values.due as 'near' | 'overdue' | undefined })));
        return 0;
      }));
    },
  },
  'dsr create': {
    summary: 'Record a data-subject request received outside the console.',
    args: '--subject sub_… --type access|erasure|rectification',
    run: async (argv) => {
      const { values } = parseArgs({ args: argv, strict: true, options: { subject: { type: 'string' }, type: { type: 'string' } } });
      if (!values.subject || !DSR_TYPES.includes(values.type as (typeof DSR_TYPES)[number])) return fail(`--subject and --type (${DSR_TYPES.join('|')}) are required`);
      return withDeps((deps) => guarded(async () => {
        print(await tx(deps, 'dsr.create', (p) => createRequest(p, retentionPolicyOf(deps), { subjectId: values.subject!, type: values.type as (typeof DSR_TYPES)[number], channel: 'cli' })));
        return 0;
      }));
    },
  },
  'dsr transition': {
    summary: 'Move a request on: identity_verified, in_progress, done (rectification), refused (needs --reason).',
    args: '--id ID --to STATE [--reason "…"]',
    run: async (argv) => {
      const { values } = parseArgs({ args: argv, strict: true, options: { id: { type: 'string' }, to: { type: 'string' }, reason: { type: 'string' } } });
      if (!values.id || !DSR_STATES.includes(values.to as DsrState)) return fail(`--id and --to (${DSR_STATES.join('|')}) are required`);
      return withDeps((deps) => guarded(async () => {
        print(await tx(deps, 'dsr.transition', (p) => transitionRequest(p, values.id!, { to: values.to as DsrState, reason: values.reason })));
        return 0;
      }));
    },
  },
  'dsr execute': {
    summary: 'Carry out a verified request: access writes the export archive to --out; erasure erases and prints the receipt.',
    args: '--id ID [--out FILE]',
    run: async (argv) => {
      const { values } = parseArgs({ args: argv, strict: true, options: { id: { type: 'string' }, out: { type: 'string' } } });
      if (!values.id) return fail('--id is required');
      return withDeps((deps) => guarded(async () => {
        const id = values.id!;
        const step = await tx(deps, 'dsr.execute', async (p) => {
          let r = await getRequest(p, id, true);
          if (r.state === 'identity_verified') r = await transitionRequest(p, id, { to: 'in_progress' });
          if (r.type === 'erasure' && r.state === 'in_progress') return { jobId: await startErasure(p, r.subjectId, id) };
          if (r.type !== 'access' || r.state !== 'in_progress') throw new AppError(409, 'invalid_transition', `A ${r.type} request in state ${r.state} cannot be executed here.`);
          if (!values.out) throw new AppError(400, 'out_required', 'An access request needs --out FILE for the archive.');
          const archive = await exportSubject(p, r.subjectId);
          fs.writeFileSync(values.out, JSON.stringify(archive, null, 2), { mode: 0o600 });
          return { request: await completeRequest(p, id, { conversations: archive.conversations.length, generatedAt: archive.generatedAt }) };
        });
        if (step.jobId) print(await runErasureJob({ dataSource: deps.db.dataSource, now: deps.now, keyStore: keyStoreOf(deps) }, step.jobId));
        else print(step.request);
        return 0;
      }));
    },
  },
  'dsr rectify': {
    summary: 'Carry out a verified rectification: replace one identifier of the subject (audited), then the request is done.',
    args: '--id ID --kind email|phone|customer_id|visitor --from OLD --to NEW [--to-kind KIND]',
    run: async (argv) => {
      const { values } = parseArgs({ args: argv, strict: true, options: { id: { type: 'string' }, kind: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, 'to-kind': { type: 'string' } } });
      const input = Rectification.safeParse({ from: { kind: values.kind, value: values.from }, to: { kind: values['to-kind'] ?? values.kind, value: values.to } });
      if (!values.id || !input.success) return fail(`--id, --kind (${IDENTIFIER_KINDS.join('|')}), --from and --to are required`);
      return withDeps((deps) => guarded(async () => {
        print(await tx(deps, 'dsr.rectify', (p) => rectify(p, values.id!, input.data)));
        return 0;
      }));
    },
  },
  'dsr resume': {
    summary: 'Finish erasures a crash left half-done (the server also does this on start).',
    args: '',
    run: async () =>
      withDeps(async (deps) => {
        const n = await resumeErasures({ dataSource: deps.db.dataSource, now: deps.now, keyStore: keyStoreOf(deps) });
        process.stdout.write(`resumed ${n} erasure job(s)\n`);
        return 0;
      }),
  },
  'retention run': {
    summary: 'Delete what the retention policy says has expired (one run across nodes); --dry-run only counts.',
    args: '[--dry-run]',
    run: async (argv) => {
      const { values } = parseArgs({ args: argv, strict: true, options: { 'dry-run': { type: 'boolean', default: false } } });
      return withDeps(async (deps) => {
        const report = await runRetention({ dataSource: deps.db.dataSource, now: deps.now }, retentionPolicyOf(deps), { dryRun: values['dry-run'], actor: CLI_ACTOR });
        print(report);
        return report.status === 'done' ? 0 : 1;
      });
    },
  },
  evidence: {
    summary: 'Write the auditors\' bundle into DIR: policies with hashes, retention runs, closed requests with receipts, audit chain check, models and data flows.',
    args: '--out DIR',
    run: async (argv) => {
      const { values } = parseArgs({ args: argv, strict: true, options: { out: { type: 'string' } } });
      if (!values.out) return fail('--out DIR is required');
      return withDeps(async (deps) => {
        const summary = await writeEvidence({ dataSource: deps.db.dataSource, config: deps.config, now: deps.now }, values.out!, CLI_ACTOR);
        process.stdout.write(`wrote ${summary.files.join(', ')} to ${summary.dir}\naudit chain: ${summary.chain.ok ? `verified (${summary.chain.checked} events)` : `BROKEN at ${summary.chain.firstBroken?.chainSeq}`}\n`);
        return summary.chain.ok ? 0 : 1;
      });
    },
  },
  'keys rotate-master': {
    summary: 'Re-wrap every data key under a new master key (data untouched); then point MASTER_KEY_FILE at it.',
    args: '--new-key-file FILE',
    run: async (argv) => {
      const { values } = parseArgs({ args: argv, strict: true, options: { 'new-key-file': { type: 'string' } } });
      if (!values['new-key-file']) return fail('--new-key-file is required (32 random bytes, base64; mode 600)');
      let next;
      try {
        next = masterKeyWrapper(readKeyFile(values['new-key-file']));
      } catch (err) {
        return fail(err instanceof Error ? err.message : String(err));
      }
      return withDeps(async (deps) => {
        const report = await rotateMasterKey({ dataSource: deps.db.dataSource, now: deps.now }, keyWrapperOf(deps), next, { actor: CLI_ACTOR });
        print(report);
        process.stderr.write(`Now set MASTER_KEY_FILE=${values['new-key-file']} (or replace data/secrets/master.key) on every node and restart. Keep the old key only as long as backups made with it must stay readable.\n`);
        return report.unknown > 0 ? 1 : 0;
      });
    },
  },
};
