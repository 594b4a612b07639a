// The database and settings a command runs against: the same environment as the server. Commands
// import this file when they run, so `--help` never loads the database layer.
import { loadConfig } from '../config.ts';
import { processCluster } from '../cluster/index.ts';
import { type Database, migrate, openDatabase } from '../db/database.ts';
import type { Infra } from '../infra.ts';
import { createLogger } from '../logger.ts';
import { loadNodeId, loadSecrets } from '../secrets.ts';

/** Opens the database (migrated), runs fn, closes it. */
export async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(loadConfig().database);
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** As withDatabase, with the settings, secrets, a warn-level logger on stderr and the clock. */
export async function withDeps<T>(fn: (deps: Infra) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { secrets } = loadSecrets(config);
  const db = await openDatabase(config.database);
  try {
    await migrate(db);
    const nodeId = loadNodeId(config);
    // A command is one short process: its bus reaches no other node (what it changes, the nodes read from the rows).
    return await fn({
      config,
      secrets,
      db,
      nodeId,
      cluster: processCluster(nodeId),
      logger: createLogger({ level: 'warn', stream: process.stderr }),
      now: () => new Date(),
    });
  } finally {
    await db.close();
  }
}
