// A named OpenAI-compatible pool from the routing policy (a vLLM pool on the bank's GPU hosts, or a
// cloud API): its base URLs balanced like the Ollama hosts (least outstanding, health checks), its
// own key, and one locality that it stands for and nothing else. A cloud pool's connections go
// through the egress proxy when one is set; a local pool's never do, whatever it is given.
import type OpenAI from 'openai';
import { ProviderError } from '../../model/errors.ts';
import { iterableFrom } from '../../model/pushed.ts';
import { createHostPool, type HostPool } from '../http/hosts.ts';
import { nodeFetch, type ConnectionOptions } from '../http/fetch.ts';
import type { EgressProxy } from '../http/proxy.ts';
import type { Location, ModelClient, ModelEventSink, ModelRequest, Provider } from '../types.ts';
import { CompletionPush, endpointClient, openCompletion } from './provider.ts';

export interface OpenAIPoolOptions {
  locality: Location;
  baseURLs: string[];
  /** absent: the endpoints need none (a vLLM started without --api-key) */
  apiKey?: string;
  /** health check period of each base URL (GET /models); 0: only after a failure */
  healthIntervalMs?: number;
  connections?: Omit<ConnectionOptions, 'proxy'>;
  /** used by a cloud pool only */
  proxy?: EgressProxy;
}

export interface OpenAIPoolClient extends ModelClient {
  pool: HostPool;
}

const modelsURL = (baseURL: string) => `${baseURL.replace(/\/+$/, '')}/models`;

/** Only a host that did not answer is suspect; an HTTP error came from a live one. */
const hostFailed = (error: unknown) =>
  error instanceof ProviderError && (error.failure === 'unavailable' || error.failure === 'timeout');

export const openaiPool = {
  name: 'openai',
  create(options: OpenAIPoolOptions): OpenAIPoolClient {
    const proxy = options.locality === 'cloud' ? options.proxy : undefined;
    const fetch = nodeFetch({ ...options.connections, ...(proxy ? { proxy } : {}) });
    const apiKey = options.apiKey ?? 'none';
    const clients = new Map<string, OpenAI>(options.baseURLs.map((url) => [url, endpointClient(apiKey, url, fetch)]));
    const headers = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : undefined;
    const probe = async (baseURL: string) => {
      const res = await fetch(modelsURL(baseURL), {
        signal: AbortSignal.timeout(5_000),
        ...(headers ? { headers } : {}),
      });
      await res.body?.cancel();
      return res.ok;
    };
    // One base URL: nothing to balance, and never benched (the gateway's cooldown rests the target).
    const judged = options.baseURLs.length > 1;
    const pool = createHostPool(options.baseURLs, probe, judged ? (options.healthIntervalMs ?? 10_000) : 0);

    function push(request: ModelRequest, signal: AbortSignal, sink: ModelEventSink) {
      let host: string | undefined;
      let stopped = false;
      const settle = (outcome: 'ok' | 'failed') => {
        if (host !== undefined) pool.release(host, signal.aborted || !judged ? 'ok' : outcome);
        host = undefined;
      };
      const open = async () => {
        const chosen = await pool.acquire();
        if (chosen === undefined)
          throw new ProviderError(
            'unavailable',
            'no healthy host in the pool',
            undefined,
            undefined,
            'no_healthy_host',
          );
        host = chosen;
        if (stopped) {
          // left while a host was being chosen: nothing is sent
          settle('ok');
          throw new ProviderError('unavailable', 'stopped before sending');
        }
        return openCompletion(clients.get(chosen)!, request, signal);
      };
      const stream = new CompletionPush(open, request, {
        event: (e) => sink.event(e),
        close(error) {
          settle(error !== undefined && hostFailed(error) ? 'failed' : 'ok');
          sink.close(error);
        },
      });
      return {
        pause: () => stream.pause(),
        resume: () => stream.resume(),
        stop() {
          stopped = true;
          stream.stop();
          settle('ok');
        },
      };
    }

    return {
      pool,
      locations: [options.locality],
      async models() {
        const host = pool.healthy()[0];
        if (!host) return [];
        try {
          const page = await clients.get(host)!.models.list();
          return page.data.map((m) => m.id);
        } catch {
          return [];
        }
      },
      stream: (request, signal) => iterableFrom((sink) => push(request, signal, sink)),
      push,
      status: () => ({ hosts: pool.status() }),
      async close() {
        pool.stop();
      },
    };
  },
} satisfies Provider<OpenAIPoolOptions>;
