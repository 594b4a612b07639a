// `npx palisade retention run`: one retention run now, instead of waiting for the server's timer.
import { parseArgs } from 'node:util';
import type { Group } from '../command.ts';

export const retention: Group = {
  summary: 'Retention: delete what the retention policy says has expired.',
  commands: {
    run: {
      summary: 'Delete what the retention policy says has expired (one run across nodes); --dry-run only counts.',
      args: '[--dry-run]',
      run: async (argv) => {
        const { values } = parseArgs({
          args: argv,
          strict: true,
          options: { 'dry-run': { type: 'boolean', default: false } },
        });
        const k = await import('../privacyKit.ts');
        return k.withDeps(async (deps) => {
          const report = await k.runRetention(
            { dataSource: deps.db.dataSource, now: deps.now },
            k.retentionPolicyOf(deps),
            { dryRun: values['dry-run'], actor: k.CLI_PRIVACY_ACTOR },
          );
          k.print(report);
          return report.status === 'done' ? 0 : 1;
        });
      },
    },
  },
};
