// `npm start`: the appliance on its embedded defaults (or whatever the environment says).
import { ConfigError, loadConfig } from './config.ts';
import { announceStart } from './banner.ts';
import { type RunningServer, startServer } from './boot.ts';
import { createLogger } from './logger.ts';
import { ownerOnlyChmod, restrictUmask } from './fileModes.ts';

// Before anything is created: the data directory's files are the service account's alone.
restrictUmask();
ownerOnlyChmod(); // the embedded database's chmods, when it runs on this thread (PALISADE_PGLITE_THREAD=false)

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n(every setting: docs/configuration.md)\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  // Signals are handled from here on, so a stop asked for while the server starts waits for the
  // start and then drains, instead of killing the process half-way.
  let running: RunningServer | undefined;
  let stopping = false;
  const close = (server: RunningServer) =>
    server
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error('server.stop_failed', { error: err });
        process.exit(1);
      });
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('server.stopping', { signal });
    if (running) void close(running);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    running = await startServer({ config, logger });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    logger.error('server.start_failed', { error: err });
    process.exit(1);
  }
  if (stopping) {
    void close(running);
    return;
  }
  announceStart(
    {
      publicUrl: config.publicUrl,
      database: running.deps.db.kind,
      dataDir: config.dataDir,
      setupToken: running.setupToken,
      setupTokenTtlSeconds: config.auth.setupTokenTtlSeconds,
    },
    { logger, terminal: process.stderr },
  );
}

void main();
