// `npm start`: the appliance on its embedded defaults (or whatever the environment says).
import { ConfigError, loadConfig } from './config.ts';
import { startServer } from './boot.ts';
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
      process.stderr.write(`${err.message}\n(see the settings table in README.md)\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  let running;
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
  process.stdout.write(`\nPalisade is running at ${config.publicUrl} (database: ${running.deps.db.kind})\nChat with the demo bank's widget at ${config.publicUrl}/demo\n`);
  if (running.setupToken) {
    // Printed once, straight to the operator's terminal: it is a secret, so not through the logger.
    // The embedded database opens in one process at a time, so there the CLI needs the server stopped.
    const cli = 'npx palisade create-admin --email you@bank.example --name "Your Name"';
    process.stdout.write(
      `\nNo admin account exists yet. Create the first admin within ${Math.round(config.auth.setupTokenTtlSeconds / 3600)} h at:\n` +
        `  ${config.publicUrl}/setup#token=${running.setupToken}\n` +
        (running.deps.db.kind === 'pglite' ? `or stop the server (Ctrl-C) and run: ${cli}\n\n` : `or: ${cli}\n\n`),
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('server.stopping', { signal });
    running
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error('server.stop_failed', { error: err });
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
