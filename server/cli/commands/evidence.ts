// `npx palisade evidence --out DIR`: the auditors' bundle.
import { parseArgs } from 'node:util';
import { type Command, fail } from '../command.ts';

export const evidence: Command = {
  summary: 'Write the auditors\' bundle into DIR: policies with hashes, retention runs, closed requests with receipts, audit chain check, models and data flows.',
  args: '--out DIR',
  run: async (argv) => {
    const { values } = parseArgs({ args: argv, strict: true, options: { out: { type: 'string' } } });
    const out = values.out;
    if (!out) return fail('--out DIR is required');
    const k = await import('../privacyKit.ts');
    return k.withDeps(async (deps) => {
      const summary = await k.writeEvidence({ dataSource: deps.db.dataSource, config: deps.config, now: deps.now }, out, k.CLI_PRIVACY_ACTOR);
      process.stdout.write(`wrote ${summary.files.join(', ')} to ${summary.dir}\naudit chain: ${summary.chain.ok ? `verified (${summary.chain.checked} events)` : `BROKEN at ${summary.chain.firstBroken?.chainSeq}`}\n`);
      return summary.chain.ok ? 0 : 1;
    });
  },
};
