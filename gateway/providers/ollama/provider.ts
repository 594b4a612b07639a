// Ollama on the bank's own GPU hosts through the `ollama` client, balanced over OLLAMA_HOST's
// list. Each request gets a client whose fetch carries our signal and keeps the response, so a
// 429's Retry-After reaches the retry policy (the client's errors drop headers).
import { Ollama, type ChatResponse } from 'ollama';
import { classifyStatus, networkCause, parseRetryAfter, ProviderError } from '../../model/errors.ts';
import { estimateTokens } from '../../model/types.ts';
import type { ModelClient, ModelEvent, Provider } from '../types.ts';
import { nodeFetch, type ConnectionOptions } from '../http/fetch.ts';
import { createHostPool, type HostPool } from '../http/hosts.ts';

export interface OllamaOptions {
  hosts: string[];
  /** health check period; 0 = only on failure recovery by explicit check() */
  healthIntervalMs?: number;
  /** the kept-alive connections to each host (idle timeout, pool size) */
  connections?: ConnectionOptions;
}

export interface OllamaClient extends ModelClient {
  pool: HostPool;
}

function failureOf(error: unknown, response: Response | undefined): ProviderError {
  if (error instanceof ProviderError) return error;
  const status = response && !response.ok ? response.status : undefined;
  if (status !== undefined)
    return new ProviderError(
      classifyStatus(status),
      `HTTP ${status}`,
      parseRetryAfter(response?.headers.get('retry-after')),
      status,
    );
  // The client skips lines it cannot parse and then reports the missing final line.
  if (error instanceof SyntaxError || (error instanceof Error && /did not receive done/i.test(error.message))) {
    return new ProviderError(
      'bad_response',
      'malformed or incomplete NDJSON stream',
      undefined,
      undefined,
      'malformed_stream',
    );
  }
  return new ProviderError(
    'unavailable',
    error instanceof Error ? error.name : 'stream failed',
    undefined,
    undefined,
    networkCause(error),
  );
}

export const ollama = {
  name: 'ollama',
  create(options: OllamaOptions): OllamaClient {
    // One transport for the health checks and the chats, with the idle timeout and the resend of a
    // request that met a connection the host had closed (see ../http/fetch.ts).
    const fetch = nodeFetch(options.connections);
    const probe = async (host: string) => {
      const res = await fetch(new URL('/api/version', host), { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      return res.ok;
    };
    const pool = createHostPool(options.hosts, probe, options.healthIntervalMs ?? 10_000);
    return {
      pool,
      locations: ['local'],
      status: () => ({ hosts: pool.status() }),
      async models() {
        const host = pool.healthy()[0];
        if (!host) return [];
        try {
          const list = await new Ollama({ host }).list();
          return list.models.map((m) => m.name);
        } catch {
          return [];
        }
      },
      async *stream(request, signal): AsyncGenerator<ModelEvent> {
        const host = await pool.acquire();
        if (!host)
          throw new ProviderError('unavailable', 'no healthy Ollama host', undefined, undefined, 'no_healthy_host');
        let response: Response | undefined;
        let outcome: 'ok' | 'failed' = 'failed';
        const client = new Ollama({
          host,
          fetch: async (input, init) => {
            response = await fetch(input, {
              ...init,
              signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
            });
            return response;
          },
        });
        let last: ChatResponse | undefined;
        let out = '';
        try {
          const stream = await client.chat({
            model: request.model,
            messages: request.messages,
            stream: true,
            options: {
              ...(request.maxTokens !== undefined ? { num_predict: request.maxTokens } : {}),
              ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
              // The window the gateway fitted the messages to: without it Ollama uses its own default
              // (2,048 tokens in older releases, set by the GPU's memory in newer ones) and silently
              // cuts a longer prompt.
              ...(request.contextTokens !== undefined ? { num_ctx: request.contextTokens } : {}),
            },
          });
          for await (const part of stream) {
            if (part.message?.content) {
              out += part.message.content;
              yield { type: 'delta', text: part.message.content };
            }
            if (part.done) last = part;
          }
          if (!last)
            throw new ProviderError('unavailable', 'stream ended before done', undefined, undefined, 'stream_cut');
          outcome = 'ok';
        } catch (error) {
          const failure = failureOf(error, response);
          // Only a host that did not answer is suspect; an HTTP error came from a live host.
          if (failure.failure !== 'unavailable' && failure.failure !== 'timeout') outcome = 'ok';
          throw failure;
        } finally {
          pool.release(host, signal.aborted ? 'ok' : outcome);
        }
        yield {
          type: 'end',
          usage: {
            tokensIn: last.prompt_eval_count ?? estimateTokens(request.messages.map((m) => m.content).join('\n')),
            tokensOut: last.eval_count ?? estimateTokens(out),
          },
          finishReason: last.done_reason === 'length' ? 'length' : 'stop',
        };
      },
    };
  },
} satisfies Provider<OllamaOptions>;
