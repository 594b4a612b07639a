// The appliance's infrastructure: settings, secrets, the database, the logger, the clock and the
// personal-data analyzers. Built first at boot (and by the CLI and tests), before any service; it
// names no service, so every service can take it without a circle.
import type { PGlite } from '@electric-sql/pglite';
import { createAnalyzerPool, type AnalyzerPool, type AnalyzerSource } from '../gateway/redaction/index.ts';
import { openCluster, type Cluster } from './cluster/index.ts';
import type { Config } from './config.ts';
import { migrate, openDatabase, type Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import { keyWrapperOf } from './privacy/deps.ts';
import { loadNodeId, loadSecrets, type Secrets } from './secrets.ts';

export interface Infra {
  config: Config;
  secrets: Secrets;
  db: Database;
  logger: Logger;
  /** this node's name (PALISADE_NODE_ID, or generated into the data directory): in audit checkpoints and model-call records */
  nodeId: string;
  now: () => Date;
  /** how this node reaches the others (the bus; Redis when configured): server/cluster */
  cluster: Cluster;
  /** personal-data analyzers (threads, see PALISADE_REDACTION_THREADS); absent: on this thread */
  analyzers?: AnalyzerSource;
}

export interface OpenInfra extends Infra {
  /** closes the analyzers, then the database */
  close(): Promise<void>;
}

/**
 * Secrets, analyzer threads, database (migrated). `prepare` runs once the database is migrated
 * (seeding); a failure anywhere closes what was opened and rethrows.
 */
export async function openInfra(opts: {
  config: Config;
  logger: Logger;
  pglite?: PGlite;
  /** a database another in-process server opened and closes (tests: a second node on one PGlite session) */
  database?: Database;
  now?: () => Date;
  prepare?: (infra: Infra) => Promise<void>;
}): Promise<OpenInfra> {
  const { config, logger } = opts;
  const { secrets, generated } = loadSecrets(config);
  if (generated.length) logger.info('secrets.generated', { secrets: generated, dir: 'data/secrets' });
  // The HSM is checked before anything opens: a wrong PIN or a missing token stops the start here.
  keyWrapperOf({ config, secrets });
  // Not the key id: its hex may hold a run of digits, which the logger takes for personal data.
  if (config.keys.kind === 'pkcs11')
    logger.info('keys.pkcs11_ready', { tokenLabel: config.keys.tokenLabel, keyLabel: config.keys.keyLabel });
  // The analyzer threads load their dictionaries while the database opens and migrates.
  const analyzers: AnalyzerPool | undefined =
    config.redaction.threads > 0
      ? createAnalyzerPool({ threads: config.redaction.threads, log: (event, fields) => logger.warn(event, fields) })
      : undefined;
  let db: Database | undefined;
  let cluster: Cluster | undefined;
  try {
    db = opts.database ?? (await openDatabase(config.database, { pglite: opts.pglite }));
    const ran = await migrate(db);
    if (ran.length) logger.info('db.migrated', { migrations: ran.length });
    const nodeId = loadNodeId(config);
    cluster = await openCluster({ config, nodeId, logger });
    const infra: Infra = {
      config,
      secrets,
      db,
      logger,
      nodeId,
      now: opts.now ?? (() => new Date()),
      cluster,
      analyzers,
    };
    await opts.prepare?.(infra);
    await analyzers?.ready();
    const opened = db;
    const joined = cluster;
    return {
      ...infra,
      async close() {
        await analyzers?.close();
        await joined.close();
        if (!opts.database) await opened.close();
      },
    };
  } catch (error) {
    await analyzers?.close();
    await cluster?.close();
    if (!opts.database) await db?.close();
    throw error;
  }
}
