// PGlite's files must be open in one process only: a second one (a CLI command while the server
// runs) would corrupt them. A pid lock file next to the data turns that into a clear error.
import fs from 'node:fs';

export class DataDirInUse extends Error {
  constructor(readonly pid: number) {
    super(
      `the embedded database is in use by process ${pid} (is the appliance running?); stop it first, or use the HTTP API`,
    );
    this.name = 'DataDirInUse';
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export function lockDataDir(lockPath: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new DataDirInUse(pid);
      fs.unlinkSync(lockPath); // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${lockPath}`);
}
