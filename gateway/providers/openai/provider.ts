// OpenAI's chat completions through the official client: the cloud API, or any OpenAI-compatible
// server (vLLM, llama.cpp server) by base URL. The client's own retries are off: retry, backoff
// and fallback are the gateway's, driven by the routing policy.
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { classifyStatus, networkCause, parseRetryAfter, ProviderError } from '../../model/errors.ts';
import { iterableFrom } from '../../model/pushed.ts';
import { estimateTokens } from '../../model/types.ts';
import type {
  EmbedRequest,
  Location,
  ModelClient,
  ModelEvent,
  ModelEventSink,
  ModelRequest,
  Provider,
  PushedStream,
} from '../types.ts';
import { Readable } from 'node:stream';
import { nodeBody, nodeFetch, type ConnectionOptions } from '../http/fetch.ts';
import { SseParser } from './sse.ts';

export interface OpenAIOptions {
  apiKey: string;
  /** absent: api.openai.com */
  baseURL?: string;
  /** where this endpoint may stand for: the cloud API is `cloud`; a vLLM on the bank's hosts may be `local` */
  locations: Location[];
  /** the kept-alive connections to it (idle timeout, pool size; the egress proxy for the cloud) */
  connections?: ConnectionOptions;
}

function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError)
    return new ProviderError('timeout', 'connection timed out', undefined, undefined, 'connect_timeout');
  if (error instanceof OpenAI.APIConnectionError)
    return new ProviderError('unavailable', 'connection failed', undefined, undefined, networkCause(error));
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const retryAfter = parseRetryAfter(error.headers?.get('retry-after'));
    return new ProviderError(classifyStatus(error.status), `HTTP ${error.status}`, retryAfter, error.status);
  }
  if (error instanceof SyntaxError)
    return new ProviderError('bad_response', 'malformed JSON in the stream', undefined, undefined, 'malformed_stream');
  return new ProviderError(
    'unavailable',
    error instanceof Error ? error.name : 'stream failed',
    undefined,
    undefined,
    networkCause(error),
  );
}

/**
 * A streamed completion's events, parsed as each chunk of the body arrives and pushed to the sink
 * at once: deltas, then one end record with the usage, then `close()`. Deltas that arrived before a
 * failure are pushed first, then the failure as a ProviderError. The request is sent on
 * construction; `stop()` cuts the body. After [DONE] the body is read on to its end (leaving early
 * would cut the keep-alive connection).
 */
export class CompletionPush implements PushedStream {
  private readonly parser = new SseParser();
  /** the end record is pushed, or the stream failed or was stopped: nothing more is pushed */
  private ended = false;
  private paused = false;
  private sawDone = false;
  private finish: 'stop' | 'length' | undefined;
  private usage: { tokensIn: number; tokensOut: number } | undefined;
  /** the text so far, to estimate the usage from where the server reports none */
  private out = '';
  private body: Readable | undefined;

  constructor(
    open: () => Promise<Response>,
    private readonly request: ModelRequest,
    private readonly sink: ModelEventSink,
  ) {
    open().then(
      (response) => this.attach(response),
      (error) => this.fail(error),
    );
  }

  private attach(response: Response) {
    if (!response.body) return this.fail(new ProviderError('bad_response', 'no body'));
    const body = nodeBody(response) ?? Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
    this.body = body;
    if (this.ended) return void body.destroy(); // stopped while the request was on its way
    body.on('data', (bytes: Uint8Array) => this.onData(bytes));
    body.once('end', () => this.onEnd());
    body.once('error', (error: Error) => this.fail(error));
    body.once('close', () =>
      this.fail(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })),
    );
    if (this.paused) body.pause();
  }

  private onData(bytes: Uint8Array) {
    if (this.ended) return;
    try {
      this.parser.each(bytes, this.onEvent);
    } catch (error) {
      this.body?.destroy();
      return this.fail(error);
    }
  }

  /** one event's data (made once per stream: no closure per chunk) */
  private readonly onEvent = (data: string) => {
    if (this.ended || this.sawDone || (this.sawDone = data.startsWith('[DONE]'))) return; // ended: the sink stopped the stream
    const chunk = JSON.parse(data) as ChatCompletionChunk & { error?: unknown };
    if (chunk.error)
      throw new ProviderError('unavailable', 'error event in the stream', undefined, undefined, 'error_event');
    const choice = chunk.choices?.[0];
    const text = choice?.delta?.content;
    if (choice?.finish_reason) this.finish = choice.finish_reason === 'length' ? 'length' : 'stop';
    if (chunk.usage) this.usage = { tokensIn: chunk.usage.prompt_tokens, tokensOut: chunk.usage.completion_tokens };
    if (text) {
      this.out += text;
      this.sink.event({ type: 'delta', text });
    }
  };

  private onEnd() {
    if (this.ended) return;
    // A stream cut before its finish_reason is a dropped connection, not an answer.
    if (!this.finish)
      return this.fail(
        new ProviderError('unavailable', 'stream ended before finish_reason', undefined, undefined, 'stream_cut'),
      );
    const tokensIn = this.usage?.tokensIn ?? estimateTokens(this.request.messages.map((m) => m.content).join('\n'));
    const tokensOut = this.usage?.tokensOut ?? estimateTokens(this.out);
    this.ended = true;
    this.sink.event({ type: 'end', usage: { tokensIn, tokensOut }, finishReason: this.finish });
    this.sink.close();
  }

  /** the first failure ends the stream (a close after the end, or after a failure, changes nothing) */
  private fail(error: unknown) {
    if (this.ended) return;
    this.ended = true;
    this.sink.close(toProviderError(error));
  }

  pause() {
    this.paused = true;
    this.body?.pause();
  }

  resume() {
    this.paused = false;
    this.body?.resume();
  }

  stop() {
    if (this.ended) return;
    this.ended = true;
    this.body?.destroy();
  }
}

/** The same events as an async iterator (the provider's `stream()`): nothing is sent before the first `next()`. */
export class CompletionEvents implements AsyncIterableIterator<ModelEvent> {
  private readonly events: AsyncIterableIterator<ModelEvent>;

  constructor(open: () => Promise<Response>, request: ModelRequest) {
    this.events = iterableFrom((sink) => new CompletionPush(open, request, sink));
  }

  next() {
    return this.events.next();
  }

  return() {
    return this.events.return!();
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

/** An official client for one endpoint, its own retries off (the gateway's are the policy's). */
export function endpointClient(
  apiKey: string,
  baseURL: string | undefined,
  fetch: ReturnType<typeof nodeFetch>,
): OpenAI {
  return new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 600_000, fetch });
}

/**
 * Sends a streamed completion and answers the response. The client turns an HTTP error status into
 * its APIError; the body's events are read by SseParser (see sse.ts), as the client's Stream would.
 */
export function openCompletion(client: OpenAI, request: ModelRequest, signal: AbortSignal): Promise<Response> {
  return client.chat.completions
    .create(
      {
        model: request.model,
        messages: request.messages,
        stream: true,
        stream_options: { include_usage: true },
        ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      },
      { signal },
    )
    .asResponse();
}

/** `/v1/embeddings` (vLLM, Ollama's OpenAI endpoint, llama.cpp server): one float vector per text, in the texts' order. */
export async function createEmbeddings(
  client: OpenAI,
  request: EmbedRequest,
  signal?: AbortSignal,
): Promise<number[][]> {
  let page;
  try {
    page = await client.embeddings.create(
      { model: request.model, input: request.texts, encoding_format: 'float' },
      signal ? { signal } : {},
    );
  } catch (error) {
    throw toProviderError(error);
  }
  const vectors = [...page.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
  if (
    vectors.length !== request.texts.length ||
    vectors.some((v) => !Array.isArray(v) || v.length === 0 || v.length !== vectors[0]!.length)
  ) {
    throw new ProviderError('bad_response', 'embeddings do not match the texts');
  }
  return vectors;
}

export const openai = {
  name: 'openai',
  create(options: OpenAIOptions): ModelClient {
    const client = endpointClient(options.apiKey, options.baseURL, nodeFetch(options.connections));
    const opener = (request: ModelRequest, signal: AbortSignal) => () => openCompletion(client, request, signal);
    return {
      locations: options.locations,
      async models() {
        try {
          const page = await client.models.list();
          return page.data.map((m) => m.id);
        } catch {
          return [];
        }
      },
      stream(request, signal) {
        return new CompletionEvents(opener(request, signal), request);
      },
      push(request, signal, sink) {
        return new CompletionPush(opener(request, signal), request, sink);
      },
      embed: (request, signal) => createEmbeddings(client, request, signal),
    };
  },
} satisfies Provider<OpenAIOptions>;
