// The subject key store: one random secret per data subject, kept OUTSIDE the database. A subject's
// data key is sealed under their secret, then wrapped by the master key, so the database (and any
// backup of it) plus the master key is not enough to open it. Erasure destroys the secret; from then
// on no copy of the database, however old, opens that subject's data.
//
// The file store below keeps `<dir>/<sub_…>.key` (mode 0600, directory 0700); an HSM implements the
// same three calls with one object per subject, destroyed at erasure (./pkcs11/keyStore.ts).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DATA_KEY_BYTES } from './envelope.ts';
import { SUBJECT_ID } from './subjectId.ts';

export interface SubjectKeyStore {
  /** makes and durably stores a new secret for the subject; refuses to replace one that exists. */
  create(subjectId: string): Promise<Uint8Array>;
  /** the subject's secret, or undefined once destroyed (or never made). */
  read(subjectId: string): Promise<Uint8Array | undefined>;
  /** destroys the secret for good; false when there was none (already destroyed). */
  destroy(subjectId: string): Promise<boolean>;
}

function fileOf(dir: string, subjectId: string): string {
  // The id becomes a file name: only the pseudonym shape may reach the file system.
  if (!SUBJECT_ID.test(subjectId)) throw new Error(`not a subject id: ${subjectId}`);
  return path.join(dir, `${subjectId}.key`);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function fileKeyStore(dir: string): SubjectKeyStore {
  let made = false;
  const ensureDir = async () => {
    if (made) return;
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    made = true;
  };
  return {
    async create(subjectId) {
      await ensureDir();
      const secret = new Uint8Array(randomBytes(DATA_KEY_BYTES));
      // 'wx': never overwrite a live secret; fsync file and directory, since losing it loses the data.
      const handle = await fs.promises.open(fileOf(dir, subjectId), 'wx', 0o600);
      try {
        await handle.writeFile(Buffer.from(secret).toString('base64') + '\n');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await syncDir(dir);
      return secret;
    },
    async read(subjectId) {
      let text: string;
      try {
        text = await fs.promises.readFile(fileOf(dir, subjectId), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      const bytes = Buffer.from(text.trim(), 'base64');
      if (bytes.length !== DATA_KEY_BYTES) throw new Error(`key store file for ${subjectId} is damaged`);
      return new Uint8Array(bytes);
    },
    async destroy(subjectId) {
      try {
        await fs.promises.unlink(fileOf(dir, subjectId));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
      await syncDir(dir);
      return true;
    },
  };
}

/**
 * Keeps secrets read from a slower store in memory for a while (a file read per message was a
 * visible share of a chat message's cost). Destroy removes the entry on this node at once; another
 * node's erasure deletes the subject's key row too, so its data stops opening there as well (the
 * row is read first); the TTL bounds how long a destroyed secret can linger in a process.
 */
export function cachedKeyStore(
  store: SubjectKeyStore,
  opts: { ttlMs: number; maxEntries: number; now?: () => number },
): SubjectKeyStore {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { secret: Uint8Array; expires: number }>();
  const remember = (subjectId: string, secret: Uint8Array) => {
    entries.delete(subjectId);
    entries.set(subjectId, { secret, expires: now() + opts.ttlMs });
    while (entries.size > opts.maxEntries) entries.delete(entries.keys().next().value as string);
  };
  return {
    async create(subjectId) {
      const secret = await store.create(subjectId);
      remember(subjectId, secret);
      return secret;
    },
    async read(subjectId) {
      const hit = entries.get(subjectId);
      if (hit && hit.expires > now()) return hit.secret;
      entries.delete(subjectId);
      const secret = await store.read(subjectId);
      if (secret) remember(subjectId, secret);
      return secret;
    },
    async destroy(subjectId) {
      entries.delete(subjectId);
      return store.destroy(subjectId);
    },
  };
}
