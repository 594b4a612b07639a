// node-llama-cpp's embedding context, in-process, on the tiny GGUF the suite writes itself: the
// server embeds every passage with it (KB_EMBEDDING=llamacpp) and the vector index finds a
// passage from its own text. Mechanics only: a random-weight model's vectors carry no meaning.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../gateway/providers/index.ts';
import { passageText, vectorIndex } from '../../server/knowledge/vectors.ts';
import { writeTinyLlama } from '../fixtures/gguf/tiny-llama.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

let modelPath: string;
let server: TestServer;

beforeAll(async () => {
  modelPath = writeTinyLlama();
  server = await startTestServer({ KB_EMBEDDING: 'llamacpp', KB_EMBEDDING_GGUF: modelPath, LLAMA_THREADS: '1' });
  await seedStaff(server, { email: 'admin@bank.example', password: 'correct horse battery staple', role: 'admin' });
  const token = (await bearerLogin(server, 'admin@bank.example', 'correct horse battery staple')).accessToken;
  for (const [slug, title, bodyMd] of [
    ['test/fees', 'Account fees', 'The current account costs nothing per month.'],
    ['test/abroad', 'Cards abroad', 'Cards work abroad without a fee in the euro area.'],
  ]) {
    expect(
      (
        await api(server, 'POST', '/api/kb/articles', {
          token,
          body: { slug, title, bodyMd, category: 'faq', audience: 'public', language: 'en' },
        })
      ).status,
    ).toBe(201);
  }
  await server.semantic?.idle();
});
afterAll(async () => {
  await server?.stop();
  if (modelPath) fs.rmSync(modelPath, { force: true });
});

describe('embedding with node-llama-cpp', () => {
  it("gives one vector of the model's width per text, the same for the same text", async () => {
    const client = providers.llamacpp.create({ modelPath, threads: 1, parallel: 1, contextSize: 256 });
    try {
      const [a, b, c] = await client.embed!({
        model: 'default',
        texts: ['card abroad', 'account fees', 'card abroad'],
      });
      expect(a).toHaveLength(32);
      expect(a).toEqual(c);
      expect(a).not.toEqual(b);
    } finally {
      await client.close?.();
    }
  });

  it('embeds every published passage at publish, and finds a passage from its own text', async () => {
    const db = server.deps.db.dataSource;
    const passages = (await db.query(
      `SELECT p.id, p.title, p.heading, p.body, v.model, cardinality(v.embedding) AS dims FROM kb_passages p LEFT JOIN kb_passage_vectors v ON v.passage_id = p.id`,
    )) as {
      id: string;
      title: string;
      heading: string | null;
      body: string;
      model: string | null;
      dims: number | null;
    }[];
    expect(passages.length).toBeGreaterThanOrEqual(2);
    expect(passages.every((p) => p.model === `gguf:${modelPath}` && Number(p.dims) === 32)).toBe(true);
    const client = providers.llamacpp.create({ modelPath, threads: 1, parallel: 1, contextSize: 256 });
    try {
      const index = vectorIndex(db, { client, model: `gguf:${modelPath}`, location: 'local' });
      for (const p of passages) {
        const [nearest] = await index.nearest({ question: passageText(p), audiences: ['public'], limit: 1 });
        expect(nearest).toMatchObject({ passageId: p.id });
        expect(nearest!.similarity).toBeCloseTo(1, 4);
      }
    } finally {
      await client.close?.();
    }
  });
});
