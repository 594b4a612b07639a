// The embedded database as the appliance opens it: PGlite on its own thread, reached through the
// batching wire connection. Real PGlite, real threads, real files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './database.ts';
import { DataDirInUse } from './pgliteLock.ts';
import { startPgliteThread } from './pgliteThread.ts';
import { inProcessBackend, PgliteWireConnection, type WireBackend } from './pgliteWire.ts';
import { preparedQuery } from './prepared.ts';
import { isDatabaseUnavailable } from './unavailable.ts';

const EXITS_ON_EXEC = new URL('./pglite.fixture-thread.mjs', import.meta.url);

function clientOn(backend: WireBackend) {
  return new pg.Client({ connection: new PgliteWireConnection(backend) } as pg.ClientConfig);
}

/** Timer turns this thread gets while `work` runs. */
async function ticksDuring(work: () => Promise<unknown>): Promise<number> {
  let ticks = 0;
  const timer = setInterval(() => (ticks += 1), 10);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return ticks;
}

describe('PGlite on its own thread', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-pglite-'));
  const dir = path.join(tmp, 'pglite');
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ kind: 'pglite', dir });
    await db.dataSource.runMigrations({ transaction: 'each' });
  });
  afterAll(async () => {
    await db?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('leaves the event loop free while a statement runs; in-process PGlite holds it', async () => {
    const slow = 'SELECT count(*) AS n FROM generate_series(1, 1000000)';
    const onThread = await ticksDuring(() => db.dataSource.query(slow));
    const pglite = new PGlite();
    const inProcess = clientOn(inProcessBackend(pglite));
    await inProcess.connect();
    const held = await ticksDuring(() => inProcess.query(slow));
    await inProcess.end();
    await pglite.close();
    expect(onThread).toBeGreaterThanOrEqual(5);
    expect(held).toBeLessThanOrEqual(1);
  });

  it('commits, rolls back, and keeps answering after an error in a transaction', async () => {
    await db.dataSource.query('CREATE TABLE t_notes (id int PRIMARY KEY, body text NOT NULL)');
    await db.dataSource.transaction(async (tx) => {
      await tx.query('INSERT INTO t_notes VALUES ($1, $2)', [1, 'kept']);
    });
    await expect(
      db.dataSource.transaction(async (tx) => {
        await tx.query('INSERT INTO t_notes VALUES ($1, $2)', [2, 'rolled back']);
        await tx.query('INSERT INTO t_notes VALUES ($1, $2)', [1, 'duplicate key']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    await expect(db.dataSource.query('SELEC 1')).rejects.toMatchObject({ code: '42601' });
    await expect(db.dataSource.query('SELECT $1::int', ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    expect(await db.dataSource.query('SELECT id, body FROM t_notes ORDER BY id')).toEqual([{ id: 1, body: 'kept' }]);
  });

  it('answers concurrent queries each with its own result, named statements and large results included', async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        preparedQuery<{ n: number }[]>(db.dataSource, 'SELECT $1::int * 2 AS n', [i]),
      ),
    );
    expect(answers.map((rows) => rows[0]!.n)).toEqual(Array.from({ length: 60 }, (_, i) => i * 2));
    // ~11 MB of reply, far beyond one buffer of the backend's
    const big = (await db.dataSource.query(`SELECT i, repeat('x', 100) AS pad FROM generate_series(1, 100000) i`)) as {
      i: number;
      pad: string;
    }[];
    expect(big).toHaveLength(100000);
    expect(big[99999]).toEqual({ i: 100000, pad: 'x'.repeat(100) });
  });

  it('writes to the data directory: in-process PGlite reads it back after close', async () => {
    await db.dataSource.query(`INSERT INTO t_notes VALUES (7, 'on disk')`);
    await db.close();
    const reopened = await openDatabase({ kind: 'pglite', dir, thread: false });
    try {
      expect(await reopened.dataSource.query('SELECT body FROM t_notes WHERE id = 7')).toEqual([{ body: 'on disk' }]);
    } finally {
      await reopened.close();
    }
    db = await openDatabase({ kind: 'pglite', dir });
  });
});

describe('the wire connection', () => {
  it('sends the messages of one query to the backend as one batch', async () => {
    const pglite = new PGlite();
    const sent: number[] = [];
    const backend = inProcessBackend(pglite);
    const client = clientOn({
      waitReady: backend.waitReady,
      exec: (bytes) => (sent.push(bytes[0]!), backend.exec(bytes)),
    });
    await client.connect();
    await client.query({ name: 'twice', text: 'SELECT $1::int * 2 AS n', values: [21] });
    await client.query({ name: 'twice', text: 'SELECT $1::int * 2 AS n', values: [4] });
    await client.query('SELECT 1');
    await client.end();
    await pglite.close();
    // Parse+Bind+Describe+Execute+Sync, then Bind+Describe+Execute+Sync, then a simple Query:
    // three trips (PGlite's own adapter made ten).
    expect(sent.map((b) => String.fromCharCode(b))).toEqual(['P', 'B', 'Q']);
  });
});

describe('a database thread that fails', () => {
  it('fails every waiting and later call as "PGlite is closed", which reads as the database unavailable', async () => {
    const thread = startPgliteThread(undefined, { module: EXITS_ON_EXEC });
    await thread.waitReady;
    const client = clientOn(thread);
    await client.connect();
    client.on('error', () => undefined); // the pool's part: a client whose connection failed is dropped
    const failed = await client.query('SELECT 1').then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failed?.message).toMatch(/PGlite is closed \(its thread exited with code 3\)/);
    expect(isDatabaseUnavailable(failed)).toBe(true);
    await expect(thread.exec(new Uint8Array([0x51, 0, 0, 0, 4]))).rejects.toThrow(/PGlite is closed/);
    await thread.close(); // closing a thread that is gone is a no-op
  });

  it('that cannot open its data directory is reported, and the directory is not left locked', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-pglite-'));
    const notADir = path.join(tmp, 'pglite');
    fs.mkdirSync(notADir);
    fs.writeFileSync(path.join(notADir, 'PG_VERSION'), 'not a database of any version\n');
    try {
      const first = await openDatabase({ kind: 'pglite', dir: notADir }).then(
        (opened) => opened.close().then(() => undefined),
        (error: Error) => error,
      );
      expect(first).toBeInstanceOf(Error);
      expect(first).not.toBeInstanceOf(DataDirInUse);
      const second = await openDatabase({ kind: 'pglite', dir: notADir }).then(
        (opened) => opened.close().then(() => undefined),
        (error: Error) => error,
      );
      expect(second).not.toBeInstanceOf(DataDirInUse);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
