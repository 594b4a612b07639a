// What `npm start` tells the operator once the server listens. On a terminal (stderr is a TTY): a
// few plain lines, the one-time setup link among them, on stderr, apart from the JSON log lines on
// stdout. Anywhere else (a service manager, a container log): log lines only, and the setup link,
// which is a secret, goes to a 0600 file in the data directory that the log line names.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger.ts';

export const SETUP_LINK_FILE = 'setup-link.txt';
const CREATE_ADMIN = 'npx palisade create-admin --email you@bank.example --name "Your Name"';
/** The log scrubs anything shaped like an email address, so the logged hint names its arguments instead. */
const CREATE_ADMIN_LOGGED = 'npx palisade create-admin --email ADDRESS --name NAME';

export interface StartNotice {
  publicUrl: string;
  database: string;
  dataDir: string;
  setupToken: string | null;
  setupTokenTtlSeconds: number;
}

export function announceStart(
  n: StartNotice,
  out: { logger: Logger; terminal: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> },
): void {
  const link = n.setupToken ? `${n.publicUrl}/setup#token=${n.setupToken}` : null;
  const hours = Math.round(n.setupTokenTtlSeconds / 3600);
  if (out.terminal.isTTY) {
    out.terminal.write(
      `\nPalisade is running at ${n.publicUrl} (database: ${n.database})\nChat with the demo bank's widget at ${n.publicUrl}/demo\n`,
    );
    if (link) {
      out.terminal.write(
        `\nNo admin account exists yet. Create the first admin within ${hours} h at:\n  ${link}\n` +
          // The embedded database opens in one process at a time, so there the CLI needs the server stopped.
          (n.database === 'pglite'
            ? `or stop the server (Ctrl-C) and run: ${CREATE_ADMIN}\n\n`
            : `or: ${CREATE_ADMIN}\n\n`),
      );
    }
    return;
  }
  out.logger.info('server.ready', { url: n.publicUrl, demo: `${n.publicUrl}/demo`, database: n.database });
  if (link) {
    const file = path.join(n.dataDir, SETUP_LINK_FILE);
    fs.mkdirSync(n.dataDir, { recursive: true, mode: 0o700 });
    fs.rmSync(file, { force: true }); // a new file, so its mode is 0600 whatever an older one had
    fs.writeFileSync(file, `${link}\n`, { mode: 0o600, flag: 'wx' });
    out.logger.warn('setup.pending', {
      linkFile: file,
      expiresInHours: hours,
      alternative: n.database === 'pglite' ? `stop the server, then run: ${CREATE_ADMIN_LOGGED}` : CREATE_ADMIN_LOGGED,
    });
  }
}
