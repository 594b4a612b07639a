// The demo bank's knowledge base (server/knowledge/demo/), imported on first start when the
// knowledge base is empty, so a fresh `npm start` answers real questions without any setup.
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.ts';
import { readImportPath } from './files.ts';
import { importFiles } from './import.ts';
import { knowledgeFor } from './source.ts';
import { countArticles } from './store/articles.ts';

export const DEMO_DIR = path.resolve(import.meta.dirname, 'demo');

export async function seedDemoKnowledge(dataSource: DataSource, logger: Logger): Promise<number> {
  if ((await countArticles(dataSource)) > 0) return 0;
  const files = readImportPath(DEMO_DIR);
  const report = await dataSource.transaction((tx) =>
    importFiles({
      tx,
      actor: { type: 'system', id: 'demo-seed' },
      files,
      defaults: { audience: 'public', publish: true },
    }),
  );
  knowledgeFor(dataSource).invalidate();
  logger.info('kb.demo_seeded', { articles: report.created, failed: report.failed });
  return report.created;
}
