// The data directory holds the embedded database, the secrets and the audit checkpoints: none of it
// is for the group or other users. The process creates files with umask 077, and at start the modes
// of what is already there (an install from before, a restored backup) are narrowed the same way.
import fs from 'node:fs';
import path from 'node:path';

/** Files and directories the process creates are its owner's alone. A no-op in a worker thread (umask is per process). */
export function restrictUmask(): void {
  try {
    process.umask(0o077);
  } catch {
    // ERR_WORKER_UNSUPPORTED_OPERATION: a test's worker; the main thread's umask applies.
  }
}

/**
 * PGlite sets every file it writes to mode 0666 with chmod, which the umask does not narrow. In the
 * appliance's process (and on the embedded database's thread, pglite-thread.mjs) a chmod grants
 * nothing to the group or others. Not for a process that hosts other code (a test's).
 */
export function ownerOnlyChmod(): void {
  const patched = fs as unknown as Record<'chmodSync' | 'fchmodSync', (target: unknown, mode: unknown) => void>;
  for (const name of ['chmodSync', 'fchmodSync'] as const) {
    const chmod = patched[name];
    patched[name] = (target, mode) => chmod(target, typeof mode === 'number' ? mode & ~0o077 : mode);
  }
}

/**
 * Takes group and other permissions off every file and directory under `dir` that this process
 * owns (symbolic links are left alone: their targets are not the data directory's). Returns how
 * many modes it changed.
 */
export function restrictTree(dir: string): number {
  const uid = process.getuid?.();
  let changed = 0;
  const visit = (p: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(p);
    } catch {
      return; // gone meanwhile
    }
    if (stat.isSymbolicLink() || (uid !== undefined && stat.uid !== uid)) return;
    if ((stat.mode & 0o077) !== 0) {
      fs.chmodSync(p, stat.mode & 0o700);
      changed += 1;
    }
    if (stat.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
  };
  visit(dir);
  return changed;
}
