// `npx palisade <command>`: operator commands, with the same settings as the server.
import { DataDirInUse } from '../db/pgliteLock.ts';
import { dispatch } from './command.ts';
import { registry } from './commands/index.ts';
import { restrictUmask } from '../fileModes.ts';

// The CLI opens the same data directory as the server (and writes exports): owner-only files.
restrictUmask();

/** What to do instead, when the running appliance holds the embedded database. */
const dataDirInUse = (pid: number) =>
  `palisade: the appliance (process ${pid}) has the embedded database open, and it opens in one process at a time.\n` +
  `  Stop the appliance (Ctrl-C in its terminal, or: kill -TERM ${pid}), run this command, then start it again (npm start).\n` +
  '  The first admin can also be created in the browser, with the setup link the appliance prints on its first start.\n' +
  '  To run commands while the appliance runs, use a PostgreSQL server (DATABASE_URL) instead of the embedded database.\n';

dispatch(registry, process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      err instanceof DataDirInUse
        ? dataDirInUse(err.pid)
        : `palisade: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
