import type { MigrationInterface, QueryRunner } from 'typeorm';
// A migration that runs domain code (as does KnowledgeMixedScript): passages are re-analysed per
// language, with the same analysis the knowledge service indexes new versions with (a copy here
// would drift from it).
// eslint-disable-next-line no-restricted-imports
import { reindexPassages } from '../../knowledge/passages.ts';

// Passages analysed per language (PostgreSQL's Snowball configurations english, german, french,
// spanish; Chinese bigrams as before) instead of one light English stemmer for every language:
// every stored passage gets its index terms again. Each article version also carries alternative
// phrasings (other ways customers ask what it answers), versioned with its text and indexed with
// the passage they fit best. Down drops the phrasings and leaves the terms as they are (the older
// code reads them, only with a different stemmer's output).
export class KnowledgeLanguages1733050000000 implements MigrationInterface {
  name = 'KnowledgeLanguages1733050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE kb_article_versions ADD COLUMN phrasings text[] NOT NULL DEFAULT '{}'`);
    await reindexPassages(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE kb_article_versions DROP COLUMN phrasings`);
  }
}
