import type { MigrationInterface, QueryRunner } from 'typeorm';
// Runs domain code, like KnowledgeLanguages: passages are re-analysed with the knowledge service's
// own analysis (a copy here would drift from it).
// eslint-disable-next-line no-restricted-imports
import { reindexPassages } from '../../knowledge/passages.ts';

// A Latin word written against Chinese ("手机银行App", "在ATM取钱") is a word of its own in the
// analysis, where it used to glue onto the Han run after it: every stored passage gets its index
// terms again. Down leaves the terms as they are (the older analysis reads them as words it never
// makes, so they only miss, never mislead).
export class KnowledgeMixedScript1733400000000 implements MigrationInterface {
  name = 'KnowledgeMixedScript1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await reindexPassages(q);
  }

  async down(): Promise<void> {}
}
