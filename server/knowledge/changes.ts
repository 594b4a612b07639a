// "The knowledge base changed", told to every node over the cluster bus: each drops its cached
// corpus statistics and reads the knowledge-base version again, so an answer cached on any node
// stops being served the moment an edit on another commits (the version is in the cache's key).
import { z } from 'zod';
import { topic } from '../cluster/index.ts';
import type { Infra } from '../infra.ts';
import { knowledgeFor } from './source.ts';

export const knowledgeChanged = topic('knowledge.changed', z.object({}));

/** After commit: every node, this one included, hears of it. */
export const announceKnowledgeChange = (deps: Pick<Infra, 'cluster'>): void =>
  deps.cluster.bus.publish(knowledgeChanged, {});

/** Calls `listener` on every change (any node); drops this node's corpus statistics first. Returns the unsubscribe function. */
export function onKnowledgeChange(deps: Pick<Infra, 'cluster' | 'db'>, listener: () => void = () => {}): () => void {
  return deps.cluster.bus.subscribe(knowledgeChanged, () => {
    knowledgeFor(deps.db.dataSource).invalidate();
    listener();
  });
}
