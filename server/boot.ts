// Builds and starts the appliance in three steps, each from the one before: infrastructure
// (secrets, database, migrations, analyzers), then the services (models, then the chat that asks
// them), then the HTTP app. Nothing is assigned later. main.ts and the tests both start it here.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import type { Database } from './db/database.ts';
import type { Config } from './config.ts';
import { createApp } from './http/app.ts';
import type { Logger } from './logger.ts';
import { applyHeapGrowth } from './heap.ts';
import { restrictTree } from './fileModes.ts';
import { openInfra, type Infra } from './infra.ts';
import { issueSetupTokenIfNeeded } from './staff/setup.ts';
import { startAuditSealer } from './audit/sealer.ts';
import { seedDemoKnowledge } from './knowledge/seed.ts';
import { startPrivacyJobs } from './privacy/jobs.ts';
import { startModelService, type ModelService } from './models/service.ts';
import { joinCluster } from './cluster/presence.ts';
import { answerInterrupted, startTakeover } from './chat/takeover.ts';
import { clientIp, widgetSockets } from './chat/realtime.ts';
import { startChatService, type ChatService } from './chat/service.ts';
import { serverMetrics, watchChat } from './metrics/index.ts';
import { startSemanticRetrieval, type SemanticRetrieval } from './knowledge/semantic.ts';
import { staffLiveSockets } from './staff/live.ts';

export interface RunningServer {
  url: string;
  deps: Infra;
  models: ModelService;
  chat: ChatService;
  setupToken: string | null;
  /** semantic retrieval, when an embedding target is set (KB_EMBEDDING) */
  semantic?: SemanticRetrieval;
  /** Stops taking requests, lets in-flight ones finish (up to the shutdown timeout), closes the database. */
  close(): Promise<void>;
}

/** seedDemoKnowledge (default true): import the demo bank's articles when the knowledge base is empty. */
export async function startServer(opts: {
  config: Config;
  logger: Logger;
  pglite?: PGlite;
  database?: Database;
  now?: () => Date;
  seedDemoKnowledge?: boolean;
}): Promise<RunningServer> {
  const { config, logger } = opts;
  const started = performance.now();
  applyHeapGrowth(config.heap.growthPercent);
  // (main.ts sets umask 077 for the process.) Files left readable by an earlier start (or a restore) are narrowed before anything is opened.
  const narrowed = restrictTree(config.dataDir);
  if (narrowed) logger.warn('data.modes_restricted', { entries: narrowed });
  const seed = opts.seedDemoKnowledge ?? true;
  const infra = await openInfra({
    config,
    logger,
    pglite: opts.pglite,
    database: opts.database,
    now: opts.now,
    prepare: seed ? async (i) => void (await seedDemoKnowledge(i.db.dataSource, logger)) : undefined,
  });
  const setupToken = await issueSetupTokenIfNeeded(infra);

  const metrics = serverMetrics(infra);
  const sealer = await startAuditSealer(infra, { onPass: metrics.sealPass });
  const privacyJobs = startPrivacyJobs(infra);
  const models = startModelService(infra, { observe: metrics.models });
  const semantic = startSemanticRetrieval(infra);
  const chat = startChatService(infra, { gateway: models.gateway });
  watchChat(metrics.metrics, chat.hub);
  // On a PostgreSQL server this node's presence is a lock the others watch: once its lock is
  // held, no other node is taking over after it, and its own leftover calls are its to answer.
  const presence =
    config.database.kind === 'postgres'
      ? await joinCluster({ url: config.database.url, nodeId: infra.nodeId, logger })
      : null;
  // Calls this node was making when it stopped without a drain (a crash): on the record as
  // interrupted, and the visitors' messages they were answering are answered now.
  await answerInterrupted(infra, chat.replies, infra.nodeId, true);
  // The same for the calls of nodes that die while this one runs.
  const takeover = presence && startTakeover(infra, presence, chat.replies);
  let draining = false;
  const app = createApp(infra, { models, chat }, { isDraining: () => draining, metrics, privacyJobs });
  const server = http.createServer(app.callback());
  const sockets = widgetSockets(chat, { ipOf: (req) => clientIp(req, config.http.trustProxy) });
  const staffSockets = staffLiveSockets(infra);
  server.on('upgrade', (req, socket, head) => {
    if (draining || !(sockets.handleUpgrade(req, socket, head) || staffSockets.handleUpgrade(req, socket, head)))
      socket.destroy();
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const metricsListener = await metrics.listen().catch(async (error: unknown) => {
    server.close();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  // With PORT=0 (a port the system picks) and no PUBLIC_URL, the default `http://localhost:0` names
  // no server: the address actually bound stands in for it.
  if (config.port === 0 && config.publicUrl === 'http://localhost:0') config.publicUrl = url;
  logger.info('server.listening', {
    port: address.port,
    database: infra.db.kind,
    startupMs: Math.round(performance.now() - started),
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      draining = true;
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      sockets.close();
      staffSockets.close();
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, config.http.shutdownTimeoutMs).unref());
      await Promise.race([drained, timeout]);
      server.closeAllConnections();
      await metricsListener?.close();
      await takeover?.stop();
      await chat.close();
      await presence?.close();
      await privacyJobs.stop();
      await models.close();
      await semantic?.close();
      await sealer.stop(); // a last pass, so events of the final requests are chained before exit
      await infra.close();
      logger.info('server.stopped');
    })());
  return { url, deps: infra, models, chat, setupToken, semantic, close };
}
