// `npx palisade evidence --out DIR`: the auditors' bundle.
import { parseArgs } from 'node:util';
import { type Command, fail } from '../command.ts';

export const evidence: Command = {
  summary:
    "Write the auditors' bundle into DIR: policies with hashes, retention runs, closed requests with receipts, audit chain check, models and data flows.",
  args: '--out DIR',
  run: async (argv) => {
    const { values } = parseArgs({ args: argv, strict: true, options: { out: { type: 'string' } } });
    const out = values.out;
    if (!out) return fail('--out DIR is required');
    const [k, { localWitness }] = await Promise.all([import('../privacyKit.ts'), import('../../audit/witness.ts')]);
    return k.withDeps(async (deps) => {
      const witness = localWitness(deps.config.dataDir, deps.secrets.auditCheckpointKey);
      const summary = await k.writeEvidence(
        { dataSource: deps.db.dataSource, config: deps.config, now: deps.now, witness },
        out,
        k.CLI_PRIVACY_ACTOR,
      );
      const broken = summary.chain.firstBroken;
      process.stdout.write(
        `wrote ${summary.files.join(', ')} to ${summary.dir}\naudit chain: ${summary.chain.ok ? `verified (${summary.chain.checked} events)` : `BROKEN at ${broken?.chainSeq} (${broken?.problem})`}\n`,
      );
      return summary.chain.ok ? 0 : 1;
    });
  },
};
