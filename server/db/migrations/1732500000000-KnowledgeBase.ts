import type { MigrationInterface, QueryRunner } from 'typeorm';

// The knowledge base. Versions are immutable (a trigger refuses UPDATE and DELETE); passages exist
// only for published versions and carry their index terms (prepared in JS: words, Chinese bigrams)
// as a tsvector built with array_to_tsvector, so no text-search configuration or extension is needed.
export class KnowledgeBase1732500000000 implements MigrationInterface {
  name = 'KnowledgeBase1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE kb_articles (
        id uuid PRIMARY KEY,
        slug text NOT NULL UNIQUE,
        category text NOT NULL CHECK (category IN ('product', 'faq', 'case', 'policy', 'technical', 'announcement')),
        audience text NOT NULL CHECK (audience IN ('public', 'internal')),
        language text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        owner text,
        review_by date,
        title text NOT NULL,
        latest_version_no integer NOT NULL DEFAULT 0,
        published_version_id uuid,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE kb_article_versions (
        id uuid PRIMARY KEY,
        article_id uuid NOT NULL REFERENCES kb_articles (id),
        version_no integer NOT NULL,
        title text NOT NULL,
        body_md text NOT NULL,
        reason text,
        author_type text NOT NULL,
        author_id text NOT NULL,
        restored_from uuid REFERENCES kb_article_versions (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (article_id, version_no)
      )`);
    await q.query(
      `ALTER TABLE kb_articles ADD CONSTRAINT kb_articles_published_fk FOREIGN KEY (published_version_id) REFERENCES kb_article_versions (id)`,
    );
    await q.query(`
      CREATE FUNCTION kb_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'kb_article_versions is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER kb_versions_no_update_delete BEFORE UPDATE OR DELETE ON kb_article_versions
      FOR EACH ROW EXECUTE FUNCTION kb_versions_immutable()`);
    await q.query(`
      CREATE TABLE kb_passages (
        id uuid PRIMARY KEY,
        article_id uuid NOT NULL REFERENCES kb_articles (id),
        version_id uuid NOT NULL REFERENCES kb_article_versions (id),
        ordinal integer NOT NULL,
        audience text NOT NULL,
        language text NOT NULL,
        title text NOT NULL,
        heading text,
        body text NOT NULL,
        head_terms text NOT NULL,
        terms text NOT NULL,
        tsv tsvector GENERATED ALWAYS AS (array_to_tsvector(string_to_array(terms, ' '))) STORED
      )`);
    await q.query(`CREATE INDEX kb_passages_tsv ON kb_passages USING gin (tsv)`);
    await q.query(`CREATE INDEX kb_passages_article ON kb_passages (article_id)`);
    await q.query(`
      CREATE TABLE kb_faq (
        id uuid PRIMARY KEY,
        article_id uuid NOT NULL REFERENCES kb_articles (id),
        version_id uuid NOT NULL REFERENCES kb_article_versions (id),
        passage_id uuid NOT NULL REFERENCES kb_passages (id) ON DELETE CASCADE,
        question text NOT NULL,
        answer text NOT NULL
      )`);
    await q.query(`CREATE INDEX kb_faq_article ON kb_faq (article_id)`);
    await q.query(`
      CREATE TABLE kb_feedback (
        id uuid PRIMARY KEY,
        article_id uuid NOT NULL REFERENCES kb_articles (id),
        version_id uuid NOT NULL REFERENCES kb_article_versions (id),
        helpful boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX kb_feedback_article ON kb_feedback (article_id)`);
    await q.query(`
      CREATE TABLE kb_unanswered (
        id uuid PRIMARY KEY,
        group_key text NOT NULL UNIQUE,
        sample_text text NOT NULL,
        language text,
        occurrences integer NOT NULL DEFAULT 0,
        low_confidence integer NOT NULL DEFAULT 0,
        unhelpful integer NOT NULL DEFAULT 0,
        best_confidence real,
        first_seen timestamptz NOT NULL DEFAULT now(),
        last_seen timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        resolved_by text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['kb_unanswered', 'kb_feedback', 'kb_faq', 'kb_passages']) await q.query(`DROP TABLE ${t}`);
    await q.query(`ALTER TABLE kb_articles DROP CONSTRAINT kb_articles_published_fk`);
    await q.query(`DROP TABLE kb_article_versions`);
    await q.query(`DROP FUNCTION kb_versions_immutable()`);
    await q.query(`DROP TABLE kb_articles`);
  }
}
