// `npx palisade kb import PATH` and `kb search "question"`: the knowledge base from the operator's
// terminal, on the same database as the server.
import { parseArgs } from 'node:util';
import type { Audience, Category } from '../../../gateway/knowledge/index.ts';
import { CLI_ACTOR, fail, type Group } from '../command.ts';

const loadTypes = () => import('../../../gateway/knowledge/index.ts');

export const kb: Group = {
  summary: 'The knowledge base: import articles and FAQs, search what the AI may cite.',
  commands: {
    import: {
      summary:
        'Import Markdown/HTML/text articles and CSV/JSON FAQs from a file, folder or .zip; prints a per-file report.',
      args: 'PATH [--audience public|internal] [--language CODE] [--category C] [--draft]',
      run: async (argv) => {
        const { values, positionals } = parseArgs({
          args: argv,
          strict: true,
          allowPositionals: true,
          options: {
            audience: { type: 'string' },
            language: { type: 'string' },
            category: { type: 'string' },
            draft: { type: 'boolean' },
          },
        });
        const { AUDIENCES, CATEGORIES } = await loadTypes();
        const target = positionals[0];
        if (!target || positionals.length > 1) return fail('give exactly one PATH (a file, a folder or a .zip)');
        if (values.audience && !(AUDIENCES as readonly string[]).includes(values.audience))
          return fail(`--audience must be one of ${AUDIENCES.join(', ')}`);
        if (values.category && !(CATEGORIES as readonly string[]).includes(values.category))
          return fail(`--category must be one of ${CATEGORIES.join(', ')}`);
        const [{ readImportPath }, { importFiles }, { withDatabase }] = await Promise.all([
          import('../../knowledge/files.ts'),
          import('../../knowledge/import.ts'),
          import('../database.ts'),
        ]);
        let files;
        try {
          files = readImportPath(target);
        } catch (err) {
          return fail(`cannot read ${target}: ${err instanceof Error ? err.message : String(err)}`);
        }
        const report = await withDatabase((db) =>
          db.dataSource.transaction((tx) =>
            importFiles({
              tx,
              actor: CLI_ACTOR,
              files,
              defaults: {
                audience: values.audience as Audience | undefined,
                category: values.category as Category | undefined,
                language: values.language,
                publish: !values.draft,
              },
            }),
          ),
        );
        for (const f of report.files) {
          process.stdout.write(
            f.status === 'failed'
              ? `FAILED   ${f.path}: ${f.error.id}: ${f.error.message}\n`
              : `${f.status.padEnd(8)} ${f.path} → ${f.slug} (${f.passages} passages)\n`,
          );
        }
        process.stdout.write(
          `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.failed} failed\n`,
        );
        if (!values.audience && report.created)
          process.stdout.write(
            'new articles without an audience in their front matter are internal; pass --audience public to let the AI use them\n',
          );
        return report.failed ? 1 : 0;
      },
    },
    search: {
      summary:
        'Search the published knowledge base; prints passages with scores and citations, and the extractive answer.',
      args: '"QUESTION" [--audience public|all] [--lang CODE] [--limit N]',
      run: async (argv) => {
        const { values, positionals } = parseArgs({
          args: argv,
          strict: true,
          allowPositionals: true,
          options: {
            audience: { type: 'string', default: 'public' },
            lang: { type: 'string' },
            limit: { type: 'string', default: '5' },
          },
        });
        const question = positionals.join(' ').trim();
        if (!question) return fail('give the question to search for');
        const limit = Number(values.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 50) return fail('--limit must be 1..50');
        if (values.audience !== 'public' && values.audience !== 'all') return fail('--audience must be public or all');
        const audience: Audience[] = values.audience === 'all' ? ['public', 'internal'] : ['public'];
        const [{ extractiveAnswer }, { knowledgeFor }, { withDatabase }] = await Promise.all([
          import('../../../gateway/knowledge/index.ts'),
          import('../../knowledge/source.ts'),
          import('../database.ts'),
        ]);
        return withDatabase(async (db) => {
          const { passages, terms } = await knowledgeFor(db.dataSource).search({
            question,
            lang: values.lang,
            audience,
            limit,
          });
          process.stdout.write(`terms: ${terms.join(' ') || '(none)'}\n`);
          passages.forEach((p, i) => {
            const text = p.text.replace(/\s+/g, ' ');
            process.stdout.write(
              `[${i + 1}] score ${p.score.toFixed(3)} confidence ${p.confidence.toFixed(2)}  ${p.title}${p.heading ? ` › ${p.heading}` : ''}\n` +
                `    article ${p.articleId} version ${p.versionId}\n    ${text.length > 240 ? `${text.slice(0, 240)}…` : text}\n`,
            );
          });
          const answer = extractiveAnswer(passages, { lang: values.lang, question });
          process.stdout.write(
            answer.kind === 'answer'
              ? `answer: [1] (confidence ${answer.confidence.toFixed(2)})\n`
              : `answer: ${answer.text}\n`,
          );
          return 0;
        });
      },
    },
  },
};
