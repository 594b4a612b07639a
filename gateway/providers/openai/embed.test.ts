// `embed()` over /v1/embeddings through the openai SDK, against the loopback stand-in: the request
// as an OpenAI-compatible server receives it, vectors back in the texts' order, and an HTTP error
// as a typed ProviderError.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startEmbeddingsStandIn,
  standInVector,
  type EmbeddingsStandIn,
} from '../../../test/support/standins/embeddings.ts';
import { ProviderError } from '../../model/errors.ts';
import { openai } from './provider.ts';

let standIn: EmbeddingsStandIn;
beforeAll(async () => {
  standIn = await startEmbeddingsStandIn({ card: 0, block: 1 });
});
afterAll(async () => {
  await standIn?.close();
});

describe('openai embed', () => {
  it('sends the texts in one request and returns one vector per text, in order', async () => {
    const client = openai.create({ apiKey: 'none', baseURL: `${standIn.url}/v1`, locations: ['local'] });
    const texts = ['block my card', 'card', 'opening hours'];
    expect(await client.embed!({ model: 'bge-m3', texts })).toEqual(
      texts.map((t) => standInVector(t, standIn.concepts)),
    );
    const request = standIn.requests.at(-1)!;
    expect(request.path).toBe('/v1/embeddings');
    expect(JSON.parse(request.body)).toEqual({ model: 'bge-m3', input: texts, encoding_format: 'float' });
  });

  it('turns an HTTP error into a ProviderError with its status', async () => {
    const client = openai.create({ apiKey: 'none', baseURL: `${standIn.url}/v1`, locations: ['local'] });
    standIn.failures.push(503);
    const error = await client.embed!({ model: 'bge-m3', texts: ['card'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 503 });
  });
});
