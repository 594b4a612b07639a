// `npx palisade redact`: the redaction engine as a filter, JSON lines in and out.
import { parseArgs } from 'node:util';
import type { OperatorName } from '../../../gateway/redaction/index.ts';
import { type Command, fail } from '../command.ts';

export const redact: Command = {
  summary: 'Redact personal data: JSON lines {"text","lang"?,"conversation"?} on stdin, {"text","entities"} out.',
  args: '[--policy FILE] [--operator placeholder|mask|hash|drop]',
  run: async (argv) => {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { policy: { type: 'string' }, operator: { type: 'string' } },
    });
    const { OPERATOR_NAMES } = await import('../../../gateway/redaction/index.ts');
    if (values.operator !== undefined && !OPERATOR_NAMES.includes(values.operator as OperatorName)) {
      return fail(`--operator must be one of ${OPERATOR_NAMES.join(', ')}`);
    }
    const [
      { runRedactCli, createDefaultRedactionEngine, withOperator },
      { deriveKey },
      { loadRedactionPolicy },
      { loadSecrets },
      { loadConfig },
    ] = await Promise.all([
      import('../../../gateway/redaction/index.ts'),
      import('../../keys.ts'),
      import('../../policies.ts'),
      import('../../secrets.ts'),
      import('../../config.ts'),
    ]);
    let policy = loadRedactionPolicy(values.policy);
    if (values.operator) policy = withOperator(policy, values.operator as OperatorName);
    const { secrets } = loadSecrets(loadConfig());
    // What a model would get, unless the operator asked for masks (a person's view).
    const audience = values.operator === 'mask' ? 'person' : 'model';
    const engine = createDefaultRedactionEngine({
      policy,
      hmacKey: deriveKey(secrets.masterKey, 'redaction-hmac'),
      audience,
    });
    const result = await runRedactCli({ input: process.stdin, output: process.stdout, engine });
    return result.errors > 0 ? 1 : 0;
  },
};
