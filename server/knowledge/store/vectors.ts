// Passage embeddings (kb_passage_vectors): the statements that find passages still to embed, write
// their vectors and read one model's vectors for the in-process index (../vectors.ts).
import type { EntityManager } from 'typeorm';

type Tx = Pick<EntityManager, 'query'>;

export interface PendingPassage {
  id: string;
  title: string;
  heading: string | null;
  body: string;
}

/** Passages without a vector of `model` (none, or another model's), oldest article first. */
export async function selectUnembedded(tx: Tx, model: string, limit: number): Promise<PendingPassage[]> {
  return (await tx.query(
    `SELECT p.id, p.title, p.heading, p.body FROM kb_passages p
       LEFT JOIN kb_passage_vectors v ON v.passage_id = p.id AND v.model = $1
      WHERE v.passage_id IS NULL ORDER BY p.article_id, p.ordinal LIMIT $2`,
    [model, limit],
  )) as PendingPassage[];
}

/** Writes each passage's vector; a passage deleted meanwhile (republished) is skipped. */
export async function upsertVectors(
  tx: Tx,
  model: string,
  rows: { passageId: string; embedding: number[] }[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO kb_passage_vectors (passage_id, model, embedding)
     SELECT r.id, $1, (SELECT array_agg(x::real) FROM jsonb_array_elements_text(r.v) AS x)
       FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, v jsonb)
      WHERE EXISTS (SELECT 1 FROM kb_passages p WHERE p.id = r.id)
     ON CONFLICT (passage_id) DO UPDATE SET model = excluded.model, embedding = excluded.embedding, embedded_at = now()`,
    [model, JSON.stringify(rows.map((r) => ({ id: r.passageId, v: r.embedding })))],
  );
}

export interface StoredVector {
  passageId: string;
  audience: string;
  embedding: number[] | string;
}

/** Every vector of `model`, with its passage's audience. */
export async function selectVectors(tx: Tx, model: string): Promise<StoredVector[]> {
  return (await tx.query(
    `SELECT v.passage_id AS "passageId", p.audience, v.embedding FROM kb_passage_vectors v JOIN kb_passages p ON p.id = v.passage_id WHERE v.model = $1`,
    [model],
  )) as StoredVector[];
}
