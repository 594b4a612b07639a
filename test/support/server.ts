// Starts the real appliance (real HTTP server, real database) for a test file, with captured logs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { hashPassword } from '../../server/auth/passwords.ts';
import { type RunningServer, startServer } from '../../server/boot.ts';
import { loadConfig } from '../../server/config.ts';
import type { Role } from '../../server/db/entities.ts';
import { createLogger } from '../../server/logger.ts';
import { createStaffUser } from '../../server/staff/users.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface TestServer extends RunningServer {
  db: TestDatabase;
  dataDir: string;
  /** every log line the server wrote, parsed */
  logs: () => Record<string, unknown>[];
  rawLogs: () => string;
  stop(): Promise<void>;
}

export async function startTestServer(
  env: Record<string, string> = {},
  opts: {
    now?: () => Date;
    databaseUrl?: (url: string) => string;
    seedDemoKnowledge?: boolean;
    /** on PGlite: the server opens its own embedded database in its data dir, as `npm start` does (its thread included), instead of the file's shared in-memory one */
    ownEmbeddedDatabase?: boolean;
    /** a fresh database on this PostgreSQL server (absent: as TEST_DATABASE_URL says) */
    postgresUrl?: string;
    /** a second node of that server's install: the same database (PostgreSQL: a pool of its own; PGlite, one
     * session: that server's connection, so transactions queue rather than interleave); that server drops it */
    nodeOf?: TestServer;
  } = {},
): Promise<TestServer> {
  const db = opts.nodeOf?.db ?? (await createTestDatabase(opts.postgresUrl));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-test-'));
  // A second factor is required only where a test asks for it (MFA_REQUIRED_ROLES), so bearerLogin stays one step.
  const config = loadConfig({
    PALISADE_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    MFA_REQUIRED_ROLES: 'none',
    ...env,
  });
  const own = opts.ownEmbeddedDatabase === true && db.kind === 'pglite';
  if (!own)
    config.database =
      db.database.kind === 'postgres' && opts.databaseUrl
        ? { ...db.database, url: opts.databaseUrl(db.database.url) }
        : db.database;
  const stream = new PassThrough();
  let captured = '';
  stream.on('data', (chunk: Buffer) => {
    captured += chunk.toString('utf8');
  });
  const logger = createLogger({ level: config.logLevel, stream });
  const shared = opts.nodeOf && db.kind === 'pglite' ? opts.nodeOf.deps.db : undefined;
  const running = await startServer({
    config,
    logger,
    pglite: own ? undefined : db.pglite,
    database: shared,
    now: opts.now,
    seedDemoKnowledge: opts.seedDemoKnowledge ?? false,
  });
  return {
    ...running,
    db,
    dataDir,
    rawLogs: () => captured,
    logs: () =>
      captured
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: async () => {
      await running.close();
      if (!opts.nodeOf) await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a staff account straight through the command (as the admin API would), returning its id. */
export async function seedStaff(
  server: RunningServer,
  input: { email: string; password: string; role: Role; displayName?: string },
): Promise<string> {
  const passwordHash = await hashPassword(input.password, server.deps.config.auth.bcryptCost);
  const user = await server.deps.db.dataSource.transaction((tx) =>
    createStaffUser({
      tx,
      actor: { type: 'system', id: 'test' },
      input: { email: input.email, displayName: input.displayName ?? input.role, role: input.role, passwordHash },
    }),
  );
  return user.id;
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** fetch against the test server, JSON in and out. */
export async function api<T = Record<string, unknown>>(
  server: { url: string },
  method: string,
  pathname: string,
  opts: { body?: unknown; token?: string; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(server.url + pathname, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** Signs in through the real endpoint with bearer mode and returns the access token. */
export async function bearerLogin(
  server: { url: string },
  email: string,
  password: string,
): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await api<{ accessToken: string; refreshToken: string }>(server, 'POST', '/api/auth/login', {
    body: { email, password, mode: 'bearer' },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.body;
}
