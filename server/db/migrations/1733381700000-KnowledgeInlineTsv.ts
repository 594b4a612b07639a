import type { MigrationInterface, QueryRunner } from 'typeorm';

// The candidate search ranks every passage its rare terms match with ts_rank, which reads each
// matching row's tsvector. A Chinese passage's tsvector (character bigrams) is about 2.3 kB, past
// the 2 kB at which PostgreSQL moves a value to the TOAST table, so each of those reads was a TOAST
// index lookup and a fetch: on 10,000 passages a rare Chinese term matched 1,160 rows and the
// statement took 14.7 ms, against 3.6 ms with the tsvectors in the row (EXPLAIN ANALYZE, generic
// plan). Rows up to a page now stay whole, the tsvector last of all to leave it. The update
// rewrites the stored tsvectors under the new rule (a generated column is recomputed).
export class KnowledgeInlineTsv1733381700000 implements MigrationInterface {
  name = 'KnowledgeInlineTsv1733381700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE kb_passages SET (toast_tuple_target = 8160)`);
    await q.query(`ALTER TABLE kb_passages ALTER COLUMN tsv SET STORAGE MAIN`);
    await q.query(`UPDATE kb_passages SET terms = terms`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE kb_passages ALTER COLUMN tsv SET STORAGE EXTENDED`);
    await q.query(`ALTER TABLE kb_passages RESET (toast_tuple_target)`);
  }
}
