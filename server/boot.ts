// Builds and starts the appliance: database, migrations, first-admin setup token, HTTP server,
// graceful shutdown. main.ts and the tests both start it through here.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import type { Config } from './config.ts';
import { migrate, openDatabase, type Database } from './db/database.ts';
import type { AppDeps } from './deps.ts';
import { createApp } from './http/app.ts';
import type { Logger } from './logger.ts';
import { applyHeapGrowth } from './heap.ts';
import { restrictTree } from './fileModes.ts';
import { loadNodeId, loadSecrets } from './secrets.ts';
import { issueSetupTokenIfNeeded } from './staff/setup.ts';
import { startAuditSealer } from './audit/sealer.ts';
import { seedDemoKnowledge } from './knowledge/seed.ts';
import { startPrivacyJobs } from './privacy/jobs.ts';
import { startModelService } from './models/service.ts';
import { recordInterruptedCalls } from './models/callRecords.ts';
import { clientIp, widgetSockets } from './chat/realtime.ts';
import { startChatService } from './chat/service.ts';
import { type AnalyzerPool, createAnalyzerPool } from '../gateway/redaction/index.ts';

export interface RunningServer {
  url: string;
  deps: AppDeps;
  setupToken: string | null;
  /** Stops taking requests, lets in-flight ones finish (up to the shutdown timeout), closes the database. */
  close(): Promise<void>;
}

/** seedDemoKnowledge (default true): import the demo bank's articles when the knowledge base is empty. */
export async function startServer(opts: { config: Config; logger: Logger; pglite?: PGlite; now?: () => Date; seedDemoKnowledge?: boolean }): Promise<RunningServer> {
  const { config, logger } = opts;
  const started = performance.now();
  applyHeapGrowth(config.heap.growthPercent);
  // (main.ts sets umask 077 for the process.) Files left readable by an earlier start (or a restore) are narrowed before anything is opened.
  const narrowed = restrictTree(config.dataDir);
  if (narrowed) logger.warn('data.modes_restricted', { entries: narrowed });
  const { secrets, generated } = loadSecrets(config);
  if (generated.length) logger.info('secrets.generated', { secrets: generated, dir: 'data/secrets' });
  const nodeId = loadNodeId(config);
  // The analyzer threads load their dictionaries while the database opens and migrates.
  const analyzers: AnalyzerPool | undefined = config.redaction.threads > 0 ? createAnalyzerPool({ threads: config.redaction.threads, log: (event, fields) => logger.warn(event, fields) }) : undefined;
  let db: Database | undefined;
  try {
    db = await openDatabase(config.database, { pglite: opts.pglite });
    const ran = await migrate(db);
    if (ran.length) logger.info('db.migrated', { migrations: ran.length });
    if (opts.seedDemoKnowledge ?? true) await seedDemoKnowledge(db.dataSource, logger);
    await analyzers?.ready();
  } catch (error) {
    await analyzers?.close();
    await db?.close();
    throw error;
  }
  const deps: AppDeps = { config, secrets, db, logger, nodeId, now: opts.now ?? (() => new Date()), analyzers };
  const setupToken = await issueSetupTokenIfNeeded(deps);

  const sealer = await startAuditSealer(deps);
  const privacyJobs = startPrivacyJobs(deps);
  deps.models = startModelService(deps);
  deps.chat = startChatService(deps);
  // Calls this node was making when it stopped without a drain (a crash): on the record as
  // interrupted, and the visitors' messages they were answering are answered now.
  const interrupted = await recordInterruptedCalls(db.dataSource, nodeId);
  if (interrupted.calls) logger.warn('models.calls_interrupted', { calls: interrupted.calls, conversations: interrupted.conversations.length });
  for (const c of interrupted.conversations) deps.chat.replies.schedule(c.conversationId, c.requestId ?? undefined);
  let draining = false;
  const app = createApp(deps, { isDraining: () => draining });
  const server = http.createServer(app.callback());
  const sockets = widgetSockets(deps.chat, { ipOf: (req) => clientIp(req, config.http.trustProxy) });
  server.on('upgrade', (req, socket, head) => {
    if (draining || !sockets.handleUpgrade(req, socket, head)) socket.destroy();
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  // With PORT=0 (a port the system picks) and no PUBLIC_URL, the default `http://localhost:0` names
  // no server: the address actually bound stands in for it.
  if (config.port === 0 && config.publicUrl === 'http://localhost:0') config.publicUrl = url;
  logger.info('server.listening', { port: address.port, database: db.kind, startupMs: Math.round(performance.now() - started) });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      draining = true;
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      sockets.close();
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, config.http.shutdownTimeoutMs).unref());
      await Promise.race([drained, timeout]);
      server.closeAllConnections();
      await deps.chat?.close();
      await privacyJobs.stop();
      await deps.models?.close();
      await analyzers?.close();
      await sealer.stop(); // a last pass, so events of the final requests are chained before exit
      await db.close();
      logger.info('server.stopped');
    })());
  return { url, deps, setupToken, close };
}
