// The SQL of canned responses, with their row type. Callers hold the transaction and write the
// audit events.
import type { EntityManager } from 'typeorm';
import { returnedRows } from '../../db/results.ts';

type Queryable = Pick<EntityManager, 'query'>;

export interface CannedRow {
  id: string;
  site: string;
  language: string;
  shortcut: string;
  title: string;
  body: string;
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, site, language, shortcut, title, body, created_by AS "createdBy", updated_by AS "updatedBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

export const cannedStore = {
  /** Live responses for a site and language (either may be omitted), matching `q` in shortcut, title or body. */
  list: (db: Queryable, filter: { site?: string; language?: string; q?: string; limit: number }) =>
    db.query(
      `SELECT ${COLUMNS} FROM canned_responses
        WHERE archived_at IS NULL AND ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR language = $2)
          AND ($3::text IS NULL OR strpos(lower(shortcut || ' ' || title || ' ' || body), lower($3)) > 0)
        ORDER BY (CASE WHEN $3::text IS NOT NULL AND starts_with(lower(shortcut), lower($3)) THEN 0 ELSE 1 END), shortcut, id LIMIT ${filter.limit}`,
      [filter.site ?? null, filter.language ?? null, filter.q ?? null],
    ) as Promise<CannedRow[]>,

  async find(db: Queryable, id: string): Promise<CannedRow | undefined> {
    const [row] = (await db.query(
      `SELECT ${COLUMNS} FROM canned_responses WHERE id = $1 AND archived_at IS NULL FOR UPDATE`,
      [id],
    )) as CannedRow[];
    return row;
  },

  async insert(
    db: Queryable,
    row: Pick<CannedRow, 'id' | 'site' | 'language' | 'shortcut' | 'title' | 'body' | 'createdBy'>,
  ): Promise<CannedRow> {
    const [created] = (await db.query(
      `INSERT INTO canned_responses (id, site, language, shortcut, title, body, created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${COLUMNS}`,
      [row.id, row.site, row.language, row.shortcut, row.title, row.body, row.createdBy],
    )) as CannedRow[];
    return created!;
  },

  async update(
    db: Queryable,
    id: string,
    change: Pick<CannedRow, 'site' | 'language' | 'shortcut' | 'title' | 'body' | 'updatedBy'>,
  ): Promise<CannedRow | undefined> {
    const [row] = returnedRows<CannedRow>(
      await db.query(
        `UPDATE canned_responses SET site = $2, language = $3, shortcut = $4, title = $5, body = $6, updated_by = $7, updated_at = now()
          WHERE id = $1 AND archived_at IS NULL RETURNING ${COLUMNS}`,
        [id, change.site, change.language, change.shortcut, change.title, change.body, change.updatedBy],
      ),
    );
    return row;
  },

  async archive(db: Queryable, id: string, by: string): Promise<CannedRow | undefined> {
    const [row] = returnedRows<CannedRow>(
      await db.query(
        `UPDATE canned_responses SET archived_at = now(), updated_by = $2, updated_at = now() WHERE id = $1 AND archived_at IS NULL RETURNING ${COLUMNS}`,
        [id, by],
      ),
    );
    return row;
  },
};
