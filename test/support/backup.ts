// A logical backup of the whole database (every row of every table, as JSON text, bytea as hex)
// and its restore into another database: what an operator's pg_dump / restore does, in plain SQL
// that runs the same on PGlite and PostgreSQL.
import type { DataSource, EntityManager } from 'typeorm';

export interface Backup {
  tables: { name: string; rows: string[] }[];
}

async function tableNames(ds: EntityManager): Promise<string[]> {
  const rows = (await ds.query(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  )) as { t: string }[];
  return rows.map((r) => r.t);
}

export async function backupDatabase(ds: DataSource): Promise<Backup> {
  // One snapshot, as pg_dump takes it.
  return ds.transaction('REPEATABLE READ', async (tx) => {
    const tables: Backup['tables'] = [];
    for (const name of await tableNames(tx)) {
      const rows = (await tx.query(`SELECT row_to_json(x)::text AS j FROM "${name}" x`)) as { j: string }[];
      tables.push({ name, rows: rows.map((r) => r.j) });
    }
    return { tables };
  });
}

export const backupText = (b: Backup): string => b.tables.map((t) => `-- ${t.name}\n${t.rows.join('\n')}`).join('\n');

/** Replaces the contents of a migrated database with the backup (triggers and foreign keys off while it loads). */
export async function restoreBackup(ds: DataSource, backup: Backup): Promise<void> {
  await ds.transaction(async (tx) => {
    await tx.query(`SET LOCAL session_replication_role = replica`);
    for (const { name, rows } of backup.tables) {
      if (name === 'migrations') continue; // the target ran the same migrations itself
      const cols = (
        (await tx.query(
          `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
          [name],
        )) as { c: string }[]
      )
        .map((r) => `"${r.c}"`)
        .join(', ');
      await tx.query(`DELETE FROM "${name}"`);
      for (const row of rows) {
        await tx.query(
          `INSERT INTO "${name}" (${cols}) OVERRIDING SYSTEM VALUE SELECT ${cols} FROM json_populate_record(NULL::"${name}", $1::json)`,
          [row],
        );
      }
    }
    // Identity columns go on from the restored rows, as pg_dump's setval() lines make them.
    const identities = (await tx.query(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'`,
    )) as { t: string; c: string }[];
    for (const { t, c } of identities) {
      await tx.query(`SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT max("${c}") FROM "${t}"), 1))`, [
        `"${t}"`,
        c,
      ]);
    }
  });
}
