// Semantic retrieval through the real server, against a loopback embeddings server speaking the
// /v1/embeddings wire format: passages embedded after a publish, a question that shares no word
// with an article found through the vector list, the question redacted before a cloud target sees
// it, and a failing embeddings server leaving search lexical. Vectors live in kb_passage_vectors
// (real[]) on PGlite and on the PostgreSQL server alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddingsStandIn, type EmbeddingsStandIn } from '../support/standins/embeddings.ts';
import { api, bearerLogin, seedStaff, startTestServer } from '../support/server.ts';

interface Hit {
  articleId: string;
  title: string;
  confidence: number;
}

const PASSWORD = 'correct horse battery staple';
// In the stand-in's space "zinnia" is near "sunflower" and "reward" near "bonus"; no word is shared.
const CONCEPTS = { sunflower: 0, zinnia: 0, bonus: 1, reward: 1, mortgage: 2, home: 2, loan: 2 };
const QUESTION = 'zinnia reward';

const articles = [
  {
    slug: 'test/sunflower-bonus',
    title: 'Sunflower bonus',
    bodyMd: '## Sunflower bonus\nThe sunflower bonus pays extra interest every quarter on savings above the threshold.',
  },
  {
    slug: 'test/mortgage',
    title: 'Mortgage payments',
    bodyMd: '## Paying the mortgage\nMortgage payments are taken on the first working day of each month.',
  },
];

async function start(env: Record<string, string>) {
  const server = await startTestServer(env);
  await seedStaff(server, { email: 'admin@bank.example', password: PASSWORD, role: 'admin' });
  const token = (await bearerLogin(server, 'admin@bank.example', PASSWORD)).accessToken;
  for (const a of articles) {
    const res = await api(server, 'POST', '/api/kb/articles', {
      token,
      body: { ...a, category: 'product', audience: 'public', language: 'en' },
    });
    expect(res.status).toBe(201);
  }
  await server.semantic?.idle();
  const search = async (question: string) => {
    const res = await api<{ passages: Hit[] }>(server, 'POST', '/api/kb/search', {
      token,
      body: { question, audience: 'public' },
    });
    expect(res.status).toBe(200);
    return res.body.passages;
  };
  return { server, search };
}

const embedInputs = (standIn: EmbeddingsStandIn) =>
  standIn.requests
    .filter((r) => r.path === '/v1/embeddings')
    .map((r) => JSON.parse(r.body) as { model: string; input: string[]; encoding_format: string });

describe('a local embedding target (hybrid retrieval)', () => {
  let standIn: EmbeddingsStandIn;
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    standIn = await startEmbeddingsStandIn(CONCEPTS);
    s = await start({
      KB_EMBEDDING: 'openai',
      KB_EMBEDDING_URL: `${standIn.url}/v1`,
      KB_EMBEDDING_MODEL: 'embed-standin',
      KB_EMBEDDING_LOCATION: 'local',
    });
  });
  afterAll(async () => {
    await s?.server.stop();
    await standIn?.close();
  });

  it('embeds every published passage with the configured model, over the real wire format', async () => {
    const [row] = (await s.server.deps.db.dataSource.query(
      `SELECT count(*)::int AS passages, count(v.passage_id)::int AS embedded, min(cardinality(v.embedding))::int AS dims, array_agg(DISTINCT v.model) AS models
         FROM kb_passages p LEFT JOIN kb_passage_vectors v ON v.passage_id = p.id`,
    )) as { passages: number; embedded: number; dims: number; models: string[] | string }[];
    expect(row!.passages).toBeGreaterThan(0);
    expect(row).toMatchObject({ embedded: row!.passages, dims: 32 });
    expect(String(row!.models)).toContain('embed-standin');
    const sent = embedInputs(standIn);
    expect(sent.every((b) => b.model === 'embed-standin' && b.encoding_format === 'float')).toBe(true);
    expect(sent.flatMap((b) => b.input).some((t) => t.includes('sunflower bonus pays extra interest'))).toBe(true);
  });

  it('finds an article that shares no word with the question through the vector list', async () => {
    const [top] = await s.search(QUESTION);
    expect(top?.title).toBe('Sunflower bonus');
    expect(embedInputs(standIn).at(-1)?.input).toEqual([QUESTION]);
  });

  it('keeps the lexical ranking where the words match', async () => {
    expect((await s.search('when are mortgage payments taken'))[0]?.title).toBe('Mortgage payments');
  });

  it('falls back to lexical search when the embeddings server fails, and logs no question text', async () => {
    standIn.failures.push(500);
    const hits = await s.search('sunflower bonus interest');
    expect(hits[0]?.title).toBe('Sunflower bonus');
    const failed = s.server.logs().filter((l) => l.message === 'kb.vector_search_failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(s.server.rawLogs()).not.toContain('sunflower bonus interest');
  });

  it("embeds a new version's passages after it is published", async () => {
    const before = embedInputs(standIn).length;
    const token = (await bearerLogin(s.server, 'admin@bank.example', PASSWORD)).accessToken;
    const res = await api(s.server, 'POST', '/api/kb/articles', {
      token,
      body: {
        slug: 'test/tulip',
        title: 'Tulip account',
        bodyMd: 'The tulip account has no monthly fee.',
        category: 'product',
        audience: 'public',
        language: 'en',
      },
    });
    expect(res.status).toBe(201);
    await s.server.semantic?.idle();
    expect(
      embedInputs(standIn)
        .slice(before)
        .flatMap((b) => b.input)
        .some((t) => t.includes('tulip account has no monthly fee')),
    ).toBe(true);
  });
});

describe('without an embedding target', () => {
  it('does not find the article that shares no word with the question (lexical only)', async () => {
    const s = await start({});
    try {
      expect(s.server.semantic).toBeUndefined();
      expect((await s.search(QUESTION)).map((h) => h.title)).not.toContain('Sunflower bonus');
    } finally {
      await s.server.stop();
    }
  });
});

describe('a cloud embedding target', () => {
  it('is sent the redacted question, never the personal data in it', async () => {
    const standIn = await startEmbeddingsStandIn(CONCEPTS);
    const s = await start({
      KB_EMBEDDING: 'openai',
      KB_EMBEDDING_URL: `${standIn.url}/v1`,
      KB_EMBEDDING_MODEL: 'embed-standin',
      KB_EMBEDDING_LOCATION: 'cloud',
    });
    try {
      const hits = await s.search(`${QUESTION} for jane.doe@example.com`);
      expect(hits[0]?.title).toBe('Sunflower bonus');
      const asked = embedInputs(standIn).at(-1)!.input[0]!;
      expect(asked).toContain('zinnia reward');
      expect(asked).not.toContain('jane.doe@example.com');
    } finally {
      await s.server.stop();
      await standIn.close();
    }
  });
});
