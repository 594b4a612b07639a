// Semantic retrieval's server side: passages embedded after every change of the knowledge base
// (and at start, for passages without a vector of the configured model), and the vector search the
// retriever fuses with its lexical list. The vectors of one model are held in memory as an exact
// cosine index, read afresh after a change: at 10,000 passages a scan is a few milliseconds, and it
// runs the same on PGlite and on a PostgreSQL server without pgvector.
// Privacy: passages are the bank's published content; a question is visitor text, so a cloud target
// is sent only the redaction engine's output, and when redaction fails nothing is sent (the search
// goes on lexical only). Logs carry counts and failure names, never text.
import type { DataSource } from 'typeorm';
import { cosine, type Audience, type VectorSearch } from '../../gateway/knowledge/index.ts';
import type { Location, ModelClient } from '../../gateway/providers/index.ts';
import type { Logger } from '../logger.ts';
import { selectUnembedded, selectVectors, upsertVectors } from './store/vectors.ts';

/** An embedding target: the client that embeds, the model it is asked for, and where it runs. */
export interface Embedder {
  client: Pick<ModelClient, 'embed'>;
  model: string;
  location: Location;
}

/** Raw question → text a cloud target may see (throws rather than return raw text). */
export type Redact = (question: string, lang?: string) => Promise<string>;

interface Index {
  ids: string[];
  audiences: string[];
  vectors: Float32Array[];
}

const EMBED_BATCH = 32;

export const passageText = (p: { title: string; heading: string | null; body: string }) =>
  [p.title, p.heading ?? '', p.body].filter(Boolean).join('\n');

async function embedOne(e: Embedder, texts: string[]): Promise<number[][]> {
  if (!e.client.embed) throw new Error('the embedding target cannot embed');
  return e.client.embed({ model: e.model, texts });
}

export interface VectorIndex extends VectorSearch {
  invalidate(): void;
}

/** Nearest passages of the embedder's model by cosine similarity; the question redacted first unless the target is local. */
export function vectorIndex(db: DataSource, embedder: Embedder, redact?: Redact): VectorIndex {
  let loaded: Promise<Index> | undefined;
  const load = (): Promise<Index> => {
    if (!loaded) {
      const next = selectVectors(db, embedder.model).then((rows) => ({
        ids: rows.map((r) => r.passageId),
        audiences: rows.map((r) => r.audience),
        vectors: rows.map((r) =>
          Float32Array.from(
            typeof r.embedding === 'string'
              ? JSON.parse(r.embedding.replace(/^\{/, '[').replace(/\}$/, ']'))
              : r.embedding,
          ),
        ),
      }));
      next.catch(() => {
        if (loaded === next) loaded = undefined;
      });
      loaded = next;
    }
    return loaded;
  };
  return {
    invalidate: () => void (loaded = undefined),
    async nearest({ question, lang, audiences, limit }) {
      let text = question;
      if (embedder.location !== 'local') {
        if (!redact) throw new Error('a cloud embedding target needs the redaction engine');
        text = await redact(question, lang);
      }
      const [[q], index] = await Promise.all([embedOne(embedder, [text]), load()]);
      const allowed = new Set<string>(audiences satisfies Audience[]);
      const scored: { passageId: string; similarity: number }[] = [];
      index.vectors.forEach((v, i) => {
        if (v.length === q!.length && allowed.has(index.audiences[i]!))
          scored.push({ passageId: index.ids[i]!, similarity: cosine(q!, v) });
      });
      return scored.sort((a, b) => b.similarity - a.similarity).slice(0, limit);
    },
  };
}

/** Embeds every passage without a vector of the embedder's model, in batches; returns how many. */
export async function embedPassages(db: DataSource, embedder: Embedder): Promise<number> {
  let done = 0;
  for (;;) {
    const pending = await selectUnembedded(db, embedder.model, EMBED_BATCH);
    if (pending.length === 0) return done;
    const vectors = await embedOne(embedder, pending.map(passageText));
    await upsertVectors(
      db,
      embedder.model,
      pending.map((p, i) => ({ passageId: p.id, embedding: vectors[i]! })),
    );
    done += pending.length;
  }
}

/**
 * Keeps the vectors caught up: `changed()` after a publish, import or unpublish (and once at
 * start) runs `embedPassages`, one run at a time; a change during a run makes one more run.
 * After each run `embedded()` (the retriever drops what it read before: another node may have
 * written vectors too). A failure is logged (counts, the failure's name) and retried at the next change.
 */
export function embeddingCatchUp(db: DataSource, embedder: Embedder, embedded: () => void, logger: Logger) {
  let running: Promise<void> | undefined;
  let again = false;
  const run = async (): Promise<void> => {
    do {
      again = false;
      try {
        const n = await embedPassages(db, embedder);
        embedded();
        if (n > 0) logger.info('kb.passages_embedded', { passages: n });
      } catch (error) {
        logger.warn('kb.embedding_failed', { failure: error instanceof Error ? error.name : 'unknown' });
      }
    } while (again);
  };
  return {
    changed(): Promise<void> {
      if (running) {
        again = true;
        return running;
      }
      running = run().finally(() => (running = undefined));
      return running;
    },
    idle: () => running ?? Promise.resolve(),
  };
}
