// OpenAI's chat completions through the official client: the cloud API, or any OpenAI-compatible
// server (vLLM, llama.cpp server) by base URL. The client's own retries are off: retry, backoff
// and fallback are the gateway's, driven by the routing policy.
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { classifyStatus, parseRetryAfter, ProviderError } from '../../model/errors.ts';
import { estimateTokens, type Location, type ModelClient, type ModelEvent, type ModelRequest, type Provider } from '../../model/types.ts';
import { Readable } from 'node:stream';
import { nodeBody, nodeFetch } from './fetch.ts';
import { SseParser } from './sse.ts';

export interface OpenAIOptions {
  apiKey: string;
  /** absent: api.openai.com */
  baseURL?: string;
  /** where this endpoint may stand for: the cloud API is `cloud`; a vLLM on the bank's hosts may be `local` */
  locations: Location[];
}

function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) return new ProviderError('timeout', 'connection timed out');
  if (error instanceof OpenAI.APIConnectionError) return new ProviderError('unavailable', 'connection failed');
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const retryAfter = parseRetryAfter(error.headers?.get('retry-after'));
    return new ProviderError(classifyStatus(error.status), `HTTP ${error.status}`, retryAfter, error.status);
  }
  if (error instanceof SyntaxError) return new ProviderError('bad_response', 'malformed JSON in the stream');
  return new ProviderError('unavailable', error instanceof Error ? error.name : 'stream failed');
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
/** Events held before the body is paused (a caller reading slower than the server writes). */
const HIGH_WATER_EVENTS = 16;

/**
 * A streamed completion's events, parsed as each chunk of the body arrives: deltas, then one end
 * record with the usage. An iterator with one promise per wait and no generator per token (it is
 * on the path of every token). Deltas that arrived before a failure are given first, then the
 * failure as a ProviderError. Nothing is sent before the first `next()`; leaving early cuts the body.
 */
export class CompletionEvents implements AsyncIterableIterator<ModelEvent> {
  private readonly parser = new SseParser();
  private readonly queue: ModelEvent[] = [];
  private failure: ProviderError | undefined;
  /** the end record is queued, or the stream failed: nothing more comes */
  private ended = false;
  /** the consumer has had the last step, or left */
  private closed = false;
  private started = false;
  /** [DONE] seen: the body is read on to its end (leaving early would cut the keep-alive connection) */
  private sawDone = false;
  private finish: 'stop' | 'length' | undefined;
  private usage: { tokensIn: number; tokensOut: number } | undefined;
  private out = '';
  private body: Readable | undefined;
  private waiting: { resolve(step: IteratorResult<ModelEvent>): void; reject(error: Error): void } | undefined;

  constructor(
    private readonly open: () => Promise<Response>,
    private readonly request: ModelRequest,
  ) {}

  private start() {
    this.started = true;
    this.open().then(
      (response) => this.attach(response),
      (error) => this.fail(error),
    );
  }

  private attach(response: Response) {
    if (!response.body) return this.fail(new ProviderError('bad_response', 'no body'));
    const body = nodeBody(response) ?? Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
    this.body = body;
    if (this.closed) return void body.destroy(); // the consumer left while the request was on its way
    body.on('data', (bytes: Uint8Array) => this.onData(bytes));
    body.once('end', () => this.onEnd());
    body.once('error', (error: Error) => this.fail(error));
    body.once('close', () => this.fail(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })));
  }

  private onData(bytes: Uint8Array) {
    if (this.ended) return;
    try {
      for (const data of this.parser.push(bytes)) {
        if (this.sawDone || (this.sawDone = data.startsWith('[DONE]'))) continue;
        const chunk = JSON.parse(data) as ChatCompletionChunk & { error?: unknown };
        if (chunk.error) throw new ProviderError('unavailable', 'error event in the stream');
        const choice = chunk.choices?.[0];
        const text = choice?.delta?.content;
        if (text) {
          this.out += text;
          this.queue.push({ type: 'delta', text });
        }
        if (choice?.finish_reason) this.finish = choice.finish_reason === 'length' ? 'length' : 'stop';
        if (chunk.usage) this.usage = { tokensIn: chunk.usage.prompt_tokens, tokensOut: chunk.usage.completion_tokens };
      }
    } catch (error) {
      this.body?.destroy();
      return this.fail(error);
    }
    if (this.queue.length >= HIGH_WATER_EVENTS) this.body?.pause();
    this.settle();
  }

  private onEnd() {
    if (this.ended) return;
    // A stream cut before its finish_reason is a dropped connection, not an answer.
    if (!this.finish) return this.fail(new ProviderError('unavailable', 'stream ended before finish_reason'));
    const tokensIn = this.usage?.tokensIn ?? estimateTokens(this.request.messages.map((m) => m.content).join('\n'));
    this.queue.push({ type: 'end', usage: { tokensIn, tokensOut: this.usage?.tokensOut ?? estimateTokens(this.out) }, finishReason: this.finish });
    this.ended = true;
    this.settle();
  }

  /** the first failure ends the stream (a close after the end, or after a failure, changes nothing) */
  private fail(error: unknown) {
    if (this.ended) return;
    this.ended = true;
    this.failure = toProviderError(error);
    this.settle();
  }

  private settle() {
    const waiting = this.waiting;
    if (!waiting || (this.queue.length === 0 && !this.ended)) return;
    this.waiting = undefined;
    this.take(waiting.resolve, waiting.reject);
  }

  /** gives the next step from what has arrived (called only when there is one) */
  private take(resolve: (step: IteratorResult<ModelEvent>) => void, reject: (error: Error) => void) {
    const value = this.queue.shift();
    if (value) {
      if (this.body?.isPaused() && this.queue.length < HIGH_WATER_EVENTS / 2) this.body.resume();
      return resolve({ done: false, value });
    }
    this.closed = true;
    if (this.failure) reject(this.failure);
    else resolve(DONE);
  }

  next(): Promise<IteratorResult<ModelEvent>> {
    if (this.closed) return Promise.resolve(DONE);
    if (!this.started) this.start();
    return new Promise((resolve, reject) => {
      if (this.queue.length > 0 || this.ended) this.take(resolve, reject);
      else this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<ModelEvent>> {
    this.closed = true;
    if (!this.ended) {
      this.ended = true;
      this.body?.destroy();
    }
    this.waiting?.resolve(DONE);
    this.waiting = undefined;
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

export const openai = {
  name: 'openai',
  create(options: OpenAIOptions): ModelClient {
    const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: 600_000, fetch: nodeFetch() });
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
        // The client sends the request and turns an HTTP error status into its APIError; the
        // body's events are read by SseParser (see sse.ts), as the client's Stream would.
        const open = () =>
          client.chat.completions
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
        return new CompletionEvents(open, request);
      },
    };
  },
} satisfies Provider<OpenAIOptions>;
