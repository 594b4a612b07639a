// `npx palisade api-key create|list|revoke`: keys for the OpenAI-compatible endpoint. A new key is
// printed once; only its hash is stored.
import { parseArgs } from 'node:util';
import { CLI_ACTOR, type Group } from '../command.ts';

const load = () => Promise.all([import('../../models/apiKeys.ts'), import('../database.ts')]);

export const apiKey: Group = {
  summary: 'API keys for the OpenAI-compatible endpoint (/v1/chat/completions).',
  commands: {
    create: {
      summary: 'Create an API key for /v1/chat/completions; prints it once. --allow-cloud lets it use cloud routes.',
      args: '--name NAME [--allow-cloud]',
      run: async (argv) => {
        const { values } = parseArgs({
          args: argv,
          strict: true,
          options: { name: { type: 'string' }, 'allow-cloud': { type: 'boolean', default: false } },
        });
        const [{ CreateApiKey, createApiKey }, { withDatabase }] = await load();
        const input = CreateApiKey.safeParse({ name: values.name, allowCloud: values['allow-cloud'] });
        if (!input.success) {
          process.stderr.write('palisade: --name NAME is required (1-100 characters)\n');
          return 2;
        }
        const { key, apiKey } = await withDatabase((db) =>
          db.dataSource.transaction((tx) => createApiKey({ tx, actor: CLI_ACTOR, input: input.data })),
        );
        process.stdout.write(`${key}\n`);
        process.stderr.write(
          `api key ${apiKey.id} "${apiKey.name}" created${apiKey.allowCloud ? ' (cloud allowed)' : ''}; it is shown only this once\n`,
        );
        return 0;
      },
    },
    list: {
      summary: 'List API keys (id, prefix, name, cloud, created, revoked); never the keys themselves.',
      args: '',
      run: async () => {
        const [{ listApiKeys }, { withDatabase }] = await load();
        const keys = await withDatabase((db) => db.dataSource.transaction((tx) => listApiKeys(tx)));
        for (const k of keys)
          process.stdout.write(
            `${JSON.stringify({ id: k.id, prefix: k.prefix, name: k.name, allowCloud: k.allowCloud, createdAt: k.createdAt, revokedAt: k.revokedAt })}\n`,
          );
        return 0;
      },
    },
    revoke: {
      summary: 'Revoke an API key by id (takes effect within seconds on every node).',
      args: 'ID',
      run: async (argv) => {
        const id = argv[0];
        if (!id || !/^[0-9a-f-]{36}$/.test(id)) {
          process.stderr.write('palisade: give the key id (uuid) from `api-key list`\n');
          return 2;
        }
        const [{ revokeApiKey }, { withDatabase }] = await load();
        const row = await withDatabase((db) =>
          db.dataSource.transaction((tx) => revokeApiKey({ tx, actor: CLI_ACTOR, id })),
        );
        if (!row) {
          process.stderr.write(`palisade: no api key ${id}\n`);
          return 1;
        }
        process.stdout.write(`revoked ${id}\n`);
        return 0;
      },
    },
  },
};
