// The retriever's view of PostgreSQL: candidates by full-text match on the passages' index terms
// (GIN index), and corpus statistics from ts_stat. Runs the same on PGlite and the server.
import type { DataSource, EntityManager } from 'typeorm';
import { type CandidatePassage, type CorpusStats, createRetriever, type PassageSource, type Retriever } from '../../gateway/knowledge/index.ts';
import { preparedQuery } from '../db/prepared.ts';
import { INDEX_ZH_MODE } from './passages.ts';

type Queryable = Pick<EntityManager | DataSource, 'query'>;

/** Terms are letters, digits and Han characters only; quoting keeps tsquery from parsing them. */
export const toTsquery = (terms: string[]) => terms.map((t) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(' | ');

export function sqlPassageSource(db: Queryable): PassageSource {
  return {
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
    async stats(): Promise<CorpusStats> {
      const [totals] = (await db.query(
        `SELECT count(*)::int AS passages, coalesce(avg(cardinality(string_to_array(terms, ' '))), 0)::float8 AS "avgTerms" FROM kb_passages`,
      )) as { passages: number; avgTerms: number }[];
      const words = (await db.query(`SELECT word, ndoc FROM ts_stat('SELECT tsv FROM kb_passages')`)) as { word: string; ndoc: number }[];
      return { passages: totals?.passages ?? 0, avgTerms: totals?.avgTerms ?? 0, df: new Map(words.map((w) => [w.word, Number(w.ndoc)])) };
    },
  };
}

// One retriever per database, so its cached statistics are shared by every request.
const retrievers = new WeakMap<object, Retriever>();

/** The retriever over this database's own connection pool (never call it inside an open PGlite transaction). */
export function knowledgeFor(dataSource: DataSource): Retriever {
  let r = retrievers.get(dataSource);
  if (!r) {
    r = createRetriever({ source: sqlPassageSource(dataSource), zhMode: INDEX_ZH_MODE });
    retrievers.set(dataSource, r);
  }
  return r;
}
