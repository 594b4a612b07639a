// `npx palisade migrate`: the schema, without starting the server.
import type { Command } from '../command.ts';

export const migrate: Command = {
  summary: 'Apply pending database migrations (the server also does this on start).',
  args: '',
  run: async () => {
    const [{ loadConfig }, database] = await Promise.all([import('../../config.ts'), import('../../db/database.ts')]);
    const db = await database.openDatabase(loadConfig().database);
    try {
      const ran = await database.migrate(db);
      process.stdout.write(ran.length ? `applied: ${ran.join(', ')}\n` : 'database is up to date\n');
      return 0;
    } finally {
      await db.close();
    }
  },
};
