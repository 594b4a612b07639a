// The key store's memory cache: reads are served from memory for the TTL, destroy forgets at once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedKeyStore, fileKeyStore } from './keyStore.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-ks-'));
  dirs.push(dir);
  let clock = 0;
  const store = cachedKeyStore(fileKeyStore(dir), { ttlMs: 1000, maxEntries: 2, now: () => clock });
  return { dir, store, advance: (ms: number) => (clock += ms), file: (id: string) => path.join(dir, `${id}.key`) };
}

describe('cachedKeyStore', () => {
  it('serves a secret from memory within the TTL and reads the store again after it', async () => {
    const { store, advance, file } = setup();
    const id = 'sub_aaaaaaaaaaaaaaaa';
    const secret = await store.create(id);
    fs.unlinkSync(file(id)); // behind the cache's back
    expect(await store.read(id)).toEqual(secret);
    advance(1001);
    expect(await store.read(id)).toBeUndefined();
  });

  it('destroy forgets the secret at once', async () => {
    const { store } = setup();
    const id = 'sub_bbbbbbbbbbbbbbbb';
    await store.create(id);
    expect(await store.read(id)).toBeDefined();
    expect(await store.destroy(id)).toBe(true);
    expect(await store.read(id)).toBeUndefined();
    expect(await store.destroy(id)).toBe(false);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const { store, file } = setup();
    const ids = ['sub_cccccccccccccccc', 'sub_dddddddddddddddd', 'sub_eeeeeeeeeeeeeeee'];
    for (const id of ids) await store.create(id);
    for (const id of ids) fs.unlinkSync(file(id));
    expect(await store.read(ids[0]!)).toBeUndefined(); // evicted, and the file is gone
    expect(await store.read(ids[2]!)).toBeDefined();
  });
});
