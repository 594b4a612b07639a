import type { Config } from '../../server/config.ts';

export type Emit = (row: Record<string, unknown>) => void;

/** Settings of the bench's own environment handed on to the appliance it starts. */
export const passThrough = (...names: string[]): Record<string, string> =>
  Object.fromEntries(names.flatMap((n) => (process.env[n] ? [[n, process.env[n]!]] : [])));

/** A row's database fields: which database, and on PGlite whether it ran on its own thread. */
export const databaseFields = (database: string, config: Pick<Config, 'database'>): Record<string, unknown> => ({
  database,
  ...(config.database.kind === 'pglite' ? { pgliteThread: config.database.thread !== false } : {}),
});
