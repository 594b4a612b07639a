// OpenAI's chat completions through the official client: the cloud API, or any OpenAI-compatible
// server (vLLM, llama.cpp server) by base URL. The client's own retries are off: retry, backoff
// and fallback are the gateway's, driven by the routing policy.
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { classifyStatus, parseRetryAfter, ProviderError } from '../../model/errors.ts';
import { estimateTokens, type Location, type ModelClient, type ModelEvent, type Provider } from '../../model/types.ts';
import { nodeBody, nodeFetch, readChunks } from './fetch.ts';
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
      async *stream(request, signal): AsyncGenerator<ModelEvent> {
        let finish: 'stop' | 'length' | undefined;
        let usage: { tokensIn: number; tokensOut: number } | undefined;
        let out = '';
        try {
          // The client sends the request and turns an HTTP error status into its APIError; the
          // body's events are read by SseParser (see sse.ts), as the client's Stream would.
          const response = await client.chat.completions
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
          if (!response.body) throw new ProviderError('bad_response', 'no body');
          let done = false;
          const parser = new SseParser();
          const stream = nodeBody(response);
          for await (const bytes of stream ? readChunks(stream) : response.body) {
            for (const data of parser.push(bytes)) {
              // Read on to the body's end after [DONE] (leaving early would cut the keep-alive connection).
              if (done || (done = data.startsWith('[DONE]'))) continue;
              const chunk = JSON.parse(data) as ChatCompletionChunk & { error?: unknown };
              if (chunk.error) throw new ProviderError('unavailable', 'error event in the stream');
              const choice = chunk.choices?.[0];
              const text = choice?.delta?.content;
              if (text) {
                out += text;
                yield { type: 'delta', text };
              }
              if (choice?.finish_reason) finish = choice.finish_reason === 'length' ? 'length' : 'stop';
              if (chunk.usage) usage = { tokensIn: chunk.usage.prompt_tokens, tokensOut: chunk.usage.completion_tokens };
            }
          }
        } catch (error) {
          throw toProviderError(error);
        }
        // A stream cut before its finish_reason is a dropped connection, not an answer.
        if (!finish) throw new ProviderError('unavailable', 'stream ended before finish_reason');
        const tokensIn = usage?.tokensIn ?? estimateTokens(request.messages.map((m) => m.content).join('\n'));
        yield { type: 'end', usage: { tokensIn, tokensOut: usage?.tokensOut ?? estimateTokens(out) }, finishReason: finish };
      },
    };
  },
} satisfies Provider<OpenAIOptions>;
