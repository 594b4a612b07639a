// Benchmark row: /v1 at 200 model-paced streams to an OpenAI-compatible server that closes idle
// connections after 5 s without a Keep-Alive hint (vLLM's default), with the knowledge base as the
// chain's fallback, on this (busy) machine. Each answer is checked: it must come from the model's
// target and be its answer to that question; a fallback answer counts as a failure. The load comes
// in waves with pauses around the server's idle close (4.9, 5.0, 5.1 s), when kept-alive
// connections go stale together. `fromModel` of `requests` is the figure; `resent` how many
// requests met a connection the server had closed and were sent again (the appliance's log).
import { createApiKey } from '../../server/models/apiKeys.ts';
import { startTestServer } from '../support/server.ts';
import { policiesDir } from '../support/widget.ts';
import { databaseFields, passThrough, type Emit } from './emit.ts';
import { child } from './gateway.ts';

interface LoadResult {
  p50: number;
  p99: number;
  failed: number;
  failures: Record<string, number>;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

export async function benchKeepAlive(emit: Emit, quick: boolean): Promise<void> {
  const standIn = child('gateway-standin.ts');
  const loader = child('gateway-load.ts');
  const { url } = await standIn.read<{ url: string }>();
  const policies = policiesDir({
    'routing.yaml':
      'version: 1\ntargets:\n  vllm: { provider: openai, model: standin, location: local }\n  kb: { provider: extractive, model: kb, location: local }\nrules:\n  - { id: all, action: local, chain: [vllm, kb] }\n',
  });
  const server = await startTestServer(
    {
      OPENAI_API_KEY: 'sk-bench',
      OPENAI_BASE_URL: `${url}/v1`,
      PALISADE_POLICIES_DIR: policies.dir,
      LOG_LEVEL: 'info',
      ...passThrough('PALISADE_REDACTION_THREADS', 'PALISADE_PGLITE_THREAD', 'MODEL_CONNECTION_IDLE_MS'),
    },
    { ownEmbeddedDatabase: true, seedDemoKnowledge: true },
  );
  try {
    const { key } = await server.deps.db.dataSource.transaction((tx) =>
      createApiKey({ tx, actor: { type: 'system', id: 'bench' }, input: { name: 'bench', allowCloud: false } }),
    );
    const viaGateway = { baseURL: `${server.url}/v1`, apiKey: key, check: { target: 'vllm' } };
    await standIn.ask({ chunkDelayMs: 25, answerTokens: 64, idleCloseMs: 5000 });
    const concurrency = 200;
    const pauses = quick ? [5000] : [4900, 5000, 5100];
    const perWave = concurrency * (quick ? 1 : 3);
    const waves: LoadResult[] = [];
    const started = performance.now();
    await loader.ask<LoadResult>({ ...viaGateway, concurrency, total: perWave, rampMs: 1600 });
    for (const ms of pauses) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      waves.push(await loader.ask<LoadResult>({ ...viaGateway, concurrency, total: perWave, rampMs: 1600 }));
    }
    const requests = perWave * waves.length;
    const failed = waves.reduce((n, w) => n + w.failed, 0);
    const failures: Record<string, number> = {};
    for (const w of waves) for (const [k, n] of Object.entries(w.failures)) failures[k] = (failures[k] ?? 0) + n;
    const logs = server.logs();
    emit({
      bench: 'gateway',
      case: 'keepalive',
      ...databaseFields('pglite', server.deps.config),
      concurrency,
      requests,
      pausesMs: pauses,
      serverIdleCloseMs: 5000,
      idleMs: server.deps.config.models.connections?.idleMs ?? null,
      fromModel: requests - failed,
      failed,
      ...(failed ? { failures } : {}),
      fallbacks: logs.filter((l) => l.message === 'gateway.fallback' || l.event === 'gateway.fallback').length,
      resent: logs.filter((l) => l.message === 'gateway.upstream_resent' || l.event === 'gateway.upstream_resent')
        .length,
      p50Ms: r2(Math.max(...waves.map((w) => w.p50))),
      p99Ms: r2(Math.max(...waves.map((w) => w.p99))),
      seconds: r2((performance.now() - started) / 1000),
    });
  } finally {
    await server.stop();
    await Promise.all([loader.stop(), standIn.stop()]);
    policies.remove();
  }
}
