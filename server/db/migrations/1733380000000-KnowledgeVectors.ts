import type { MigrationInterface, QueryRunner } from 'typeorm';

// One embedding per passage and model, for the knowledge base's semantic retrieval. Stored as
// real[] and searched by an in-process cosine index (server/knowledge/vectors.ts): the same on
// PGlite and on a PostgreSQL server, neither of which ships pgvector here. A passage's vector goes
// with it (a new version has new passages, embedded afresh); a change of model leaves the old
// model's rows unused until the catch-up replaces them.
export class KnowledgeVectors1733380000000 implements MigrationInterface {
  name = 'KnowledgeVectors1733380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE kb_passage_vectors (
        passage_id uuid PRIMARY KEY REFERENCES kb_passages (id) ON DELETE CASCADE,
        model text NOT NULL,
        embedding real[] NOT NULL,
        embedded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX kb_passage_vectors_model ON kb_passage_vectors (model)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE kb_passage_vectors`);
  }
}
