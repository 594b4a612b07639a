// `npx palisade dsr …`: data-subject requests from the operator's terminal, with the same commands
// (and audit events) as the compliance console API.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { DsrState } from '../../privacy/requests.ts';
import { fail, type Group } from '../command.ts';

const kit = () => import('../privacyKit.ts');

export const dsr: Group = {
  summary: 'Data-subject requests (access, erasure, rectification): record, move on, carry out.',
  commands: {
    list: {
      summary: 'List data-subject requests (JSON); --due near|overdue for those near or past their deadline.',
      args: '[--state S] [--subject sub_…] [--due near|overdue]',
      run: async (argv) => {
        const { values } = parseArgs({
          args: argv,
          strict: true,
          options: { state: { type: 'string' }, subject: { type: 'string' }, due: { type: 'string' } },
        });
        const k = await kit();
        if (values.state && !k.DSR_STATES.includes(values.state as DsrState))
          return fail(`--state must be one of ${k.DSR_STATES.join(', ')}`);
        if (values.due && values.due !== 'near' && values.due !== 'overdue')
          return fail('--due must be near or overdue');
        return k.withDeps((deps) =>
          k.guarded(async () => {
            k.print(
              await k.tx(deps, 'dsr.list', (p) =>
                k.listRequests(p, k.retentionPolicyOf(deps), {
                  state: values.state as DsrState | undefined,
                  subjectId: values.subject,
                  due: values.due as 'near' | 'overdue' | undefined,
                }),
              ),
            );
            return 0;
          }),
        );
      },
    },
    create: {
      summary: 'Record a data-subject request received outside the console.',
      args: '--subject sub_… --type access|erasure|rectification',
      run: async (argv) => {
        const { values } = parseArgs({
          args: argv,
          strict: true,
          options: { subject: { type: 'string' }, type: { type: 'string' } },
        });
        const k = await kit();
        const type = k.DSR_TYPES.find((t) => t === values.type);
        const subjectId = values.subject;
        if (!subjectId || !type) return fail(`--subject and --type (${k.DSR_TYPES.join('|')}) are required`);
        return k.withDeps((deps) =>
          k.guarded(async () => {
            k.print(
              await k.tx(deps, 'dsr.create', (p) =>
                k.createRequest(p, k.retentionPolicyOf(deps), { subjectId, type, channel: 'cli' }),
              ),
            );
            return 0;
          }),
        );
      },
    },
    transition: {
      summary: 'Move a request on: identity_verified, in_progress, done (rectification), refused (needs --reason).',
      args: '--id ID --to STATE [--reason "…"]',
      run: async (argv) => {
        const { values } = parseArgs({
          args: argv,
          strict: true,
          options: { id: { type: 'string' }, to: { type: 'string' }, reason: { type: 'string' } },
        });
        const k = await kit();
        const id = values.id;
        if (!id || !k.DSR_STATES.includes(values.to as DsrState))
          return fail(`--id and --to (${k.DSR_STATES.join('|')}) are required`);
        return k.withDeps((deps) =>
          k.guarded(async () => {
            k.print(
              await k.tx(deps, 'dsr.transition', (p) =>
                k.transitionRequest(p, id, { to: values.to as DsrState, reason: values.reason }),
              ),
            );
            return 0;
          }),
        );
      },
    },
    execute: {
      summary:
        'Carry out a verified request: access writes the export archive to --out; erasure erases and prints the receipt.',
      args: '--id ID [--out FILE]',
      run: async (argv) => {
        const { values } = parseArgs({
          args: argv,
          strict: true,
          options: { id: { type: 'string' }, out: { type: 'string' } },
        });
        const id = values.id;
        if (!id) return fail('--id is required');
        const k = await kit();
        return k.withDeps((deps) =>
          k.guarded(async () => {
            const step = await k.tx(deps, 'dsr.execute', async (p) => {
              let r = await k.getRequest(p, id, true);
              if (r.state === 'identity_verified') r = await k.transitionRequest(p, id, { to: 'in_progress' });
              if (r.type === 'erasure' && r.state === 'in_progress')
                return { jobId: await k.startErasure(p, r.subjectId, id) };
              if (r.type !== 'access' || r.state !== 'in_progress')
                throw new k.AppError(
                  409,
                  'invalid_transition',
                  `A ${r.type} request in state ${r.state} cannot be executed here.`,
                );
              if (!values.out)
                throw new k.AppError(400, 'out_required', 'An access request needs --out FILE for the archive.');
              const archive = await k.exportSubject(p, r.subjectId);
              fs.writeFileSync(values.out, JSON.stringify(archive, null, 2), { mode: 0o600 });
              return {
                request: await k.completeRequest(p, id, {
                  conversations: archive.conversations.length,
                  generatedAt: archive.generatedAt,
                }),
              };
            });
            if (step.jobId)
              k.print(
                await k.runErasureJob(
                  { dataSource: deps.db.dataSource, now: deps.now, keyStore: k.keyStoreOf(deps) },
                  step.jobId,
                ),
              );
            else k.print(step.request);
            return 0;
          }),
        );
      },
    },
    rectify: {
      summary:
        'Carry out a verified rectification: replace one identifier of the subject (audited), then the request is done.',
      args: '--id ID --kind email|phone|customer_id|visitor --from OLD --to NEW [--to-kind KIND]',
      run: async (argv) => {
        const { values } = parseArgs({
          args: argv,
          strict: true,
          options: {
            id: { type: 'string' },
            kind: { type: 'string' },
            from: { type: 'string' },
            to: { type: 'string' },
            'to-kind': { type: 'string' },
          },
        });
        const k = await kit();
        const input = k.Rectification.safeParse({
          from: { kind: values.kind, value: values.from },
          to: { kind: values['to-kind'] ?? values.kind, value: values.to },
        });
        const id = values.id;
        if (!id || !input.success)
          return fail(`--id, --kind (${k.IDENTIFIER_KINDS.join('|')}), --from and --to are required`);
        return k.withDeps((deps) =>
          k.guarded(async () => {
            k.print(await k.tx(deps, 'dsr.rectify', (p) => k.rectify(p, id, input.data)));
            return 0;
          }),
        );
      },
    },
    resume: {
      summary: 'Finish erasures a crash left half-done (the server also does this on start).',
      args: '',
      run: async () => {
        const k = await kit();
        return k.withDeps(async (deps) => {
          const n = await k.resumeErasures({
            dataSource: deps.db.dataSource,
            now: deps.now,
            keyStore: k.keyStoreOf(deps),
          });
          process.stdout.write(`resumed ${n} erasure job(s)\n`);
          return 0;
        });
      },
    },
  },
};
