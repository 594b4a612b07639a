import type { MigrationInterface, QueryRunner } from 'typeorm';
import { reindexPassages } from '../../knowledge/passages.ts';

// Passages analysed per language (PostgreSQL's Snowball configurations english, german, french,
// spanish; Chinese bigrams as before) instead of one light English stemmer for every language:
// every stored passage gets its index terms again. Down leaves the terms as they are (the older
// code reads them, only with a different stemmer's output).
export class KnowledgeLanguages1733050000000 implements MigrationInterface {
  name = 'KnowledgeLanguages1733050000000';

  async up(q: QueryRunner): Promise<void> {
    await reindexPassages(q);
  }

  async down(): Promise<void> {}
}
