// The knowledge base's search statements: candidates by full-text match on the passages' index
// terms (GIN index), passages by id, corpus statistics from ts_stat, and PostgreSQL's Snowball
// stemmers. Runs the same on PGlite and the server.
import type { DataSource, EntityManager } from 'typeorm';
import {
  type CandidatePassage,
  type CorpusStats,
  type PassageSource,
  type Stemmer,
  TS_CONFIG,
  tsConfigOf,
} from '../../../gateway/knowledge/index.ts';
import { preparedQuery } from '../../db/prepared.ts';

export type Queryable = Pick<EntityManager | DataSource, 'query'>;

/** Terms are letters, digits and Han characters only; quoting keeps tsquery from parsing them. */
export const toTsquery = (terms: string[]) =>
  terms.map((t) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(' | ');

const CONFIGS = new Set([...Object.values(TS_CONFIG), 'simple']);

/** PostgreSQL's Snowball stemmers (and stop words): each distinct word → its lexemes. */
export function sqlStemmer(db: Queryable): Stemmer {
  return async (words, config) => {
    if (!CONFIGS.has(config)) throw new Error(`unknown text-search configuration ${config}`);
    const rows = (await preparedQuery(
      db,
      `SELECT w, tsvector_to_array(to_tsvector($2::regconfig, w)) AS l FROM unnest($1::text[]) AS w`,
      [words, config],
    )) as {
      w: string;
      l: string[] | string;
    }[];
    // Drivers differ in parsing text[]: an array, or its literal '{a,b}'.
    const lexemes = (l: string[] | string) =>
      Array.isArray(l)
        ? l
        : l
            .replace(/^\{|\}$/g, '')
            .split(',')
            .filter(Boolean)
            .map((x) => x.replace(/^"|"$/g, ''));
    return new Map(rows.map((r) => [r.w, lexemes(r.l)]));
  };
}

export function sqlPassageSource(db: Queryable): PassageSource {
  return {
    stem: sqlStemmer(db),
    // Matches on the question's rare terms (GIN index), ordered by all of its terms: the rank is
    // computed only for rows the rare terms found, so common terms cost nothing but still sort.
    // Only ids are ranked; the wide columns are read for the winners alone.
    async candidates({ terms, rankTerms, audiences, limit }) {
      if (terms.length === 0) return [];
      return (await preparedQuery(
        db,
        `SELECT p.id AS "passageId", p.article_id AS "articleId", p.version_id AS "versionId", p.title, p.heading, p.body AS text, p.language,
                p.head_terms AS "headTerms", p.terms
           FROM (SELECT id, ts_rank(tsv, $4::tsquery) AS rank FROM kb_passages
                  WHERE tsv @@ $1::tsquery AND audience = ANY($2::text[])
                  ORDER BY rank DESC, id LIMIT $3) best
           JOIN kb_passages p ON p.id = best.id
          ORDER BY best.rank DESC, p.id`,
        [toTsquery(terms), audiences, limit, toTsquery(rankTerms?.length ? rankTerms : terms)],
      )) as CandidatePassage[];
    },
    async byIds({ ids, audiences }) {
      return (await preparedQuery(
        db,
        `SELECT p.id AS "passageId", p.article_id AS "articleId", p.version_id AS "versionId", p.title, p.heading, p.body AS text, p.language,
                p.head_terms AS "headTerms", p.terms
           FROM kb_passages p WHERE p.id = ANY($1::uuid[]) AND p.audience = ANY($2::text[])`,
        [ids, audiences],
      )) as CandidatePassage[];
    },
    async stats(): Promise<CorpusStats> {
      const [totals] = (await db.query(
        `SELECT count(*)::int AS passages, coalesce(avg(cardinality(string_to_array(terms, ' '))), 0)::float8 AS "avgTerms" FROM kb_passages`,
      )) as { passages: number; avgTerms: number }[];
      // Per passage language (each passage has one, so the sums are the corpus's document frequencies).
      const words = (await db.query(
        `SELECT l.language, s.word, s.ndoc FROM (SELECT DISTINCT language FROM kb_passages) l,
                LATERAL ts_stat(format('SELECT tsv FROM kb_passages WHERE language = %L', l.language)) s`,
      )) as { language: string; word: string; ndoc: number }[];
      const df = new Map<string, number>();
      const byConfig = new Map<string, Map<string, number>>();
      for (const w of words) {
        const n = Number(w.ndoc);
        df.set(w.word, (df.get(w.word) ?? 0) + n);
        const config = tsConfigOf(w.language);
        let own = byConfig.get(config);
        if (!own) byConfig.set(config, (own = new Map()));
        own.set(w.word, (own.get(w.word) ?? 0) + n);
      }
      return { passages: totals?.passages ?? 0, avgTerms: totals?.avgTerms ?? 0, df, byConfig };
    },
  };
}
