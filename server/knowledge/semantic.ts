// The knowledge base's embedding target, from the settings (KB_EMBEDDING…): its client, the vector
// search the retriever fuses in, and the catch-up that embeds passages after every change and once
// at start. Off by default: the retriever stays lexical.
import { providers } from '../../gateway/providers/index.ts';
import type { EmbeddingTarget } from '../config.ts';
import type { Infra } from '../infra.ts';
import { onKnowledgeChange } from './changes.ts';
import { questionRedactorFor } from './redact-question.ts';
import { knowledgeFor, useVectorSearch } from './source.ts';
import { embeddingCatchUp, type Embedder, vectorIndex } from './vectors.ts';

export function embedderFor(target: EmbeddingTarget): Embedder & { close(): Promise<void> } {
  if (target.kind === 'llamacpp') {
    const client = providers.llamacpp.create({ modelPath: target.modelPath, threads: target.threads, parallel: 1 });
    return {
      client,
      model: `gguf:${target.modelPath}`,
      location: 'local',
      close: async () => void (await client.close?.()),
    };
  }
  const client = providers.openai.create({
    apiKey: target.apiKey,
    ...(target.baseURL ? { baseURL: target.baseURL } : {}),
    locations: [target.location],
  });
  return { client, model: target.model, location: target.location, close: async () => undefined };
}

export interface SemanticRetrieval {
  /** resolves when the passages known so far are embedded (or the attempt failed) */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts semantic retrieval when an embedding target is set; undefined otherwise. */
export function startSemanticRetrieval(
  deps: Infra,
  target = deps.config.knowledge.embedding,
): SemanticRetrieval | undefined {
  if (!target) return undefined;
  const embedder = embedderFor(target);
  const index = vectorIndex(deps.db.dataSource, embedder, questionRedactorFor(deps));
  useVectorSearch(deps.db.dataSource, index, (error) =>
    deps.logger.warn('kb.vector_search_failed', { failure: error instanceof Error ? error.name : 'unknown' }),
  );
  const catchUp = embeddingCatchUp(
    deps.db.dataSource,
    embedder,
    () => knowledgeFor(deps.db.dataSource).invalidate(),
    deps.logger,
  );
  const unsubscribe = onKnowledgeChange(deps, () => void catchUp.changed());
  void catchUp.changed();
  return {
    idle: () => catchUp.idle(),
    async close() {
      unsubscribe();
      await catchUp.idle();
      await embedder.close();
    },
  };
}
