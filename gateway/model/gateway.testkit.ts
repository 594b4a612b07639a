// The gateway's test kit: the shipped redaction policy's engine, a routing policy with two local
// targets and a cloud one, model clients that play a script and record what they were sent, and
// helpers to run a chat and read its events (gateway.test.ts, gateway-context.test.ts).
import { readFileSync } from 'node:fs';
import { createDefaultRedactionEngine } from '../redaction/default-engine.ts';
import type { RedactionEngine } from '../redaction/engine.ts';
import { loadRedactionPolicyFromYamlText } from '../redaction/policy.ts';
import { InMemoryVaultStore } from '../redaction/vault-store.ts';
import { parseRoutingPolicy } from '../routing/policy.ts';
import type { ProviderError } from './errors.ts';
import {
  createGateway,
  type ChatEvent,
  type ChatRequest,
  type ModelRequestAudit,
  type ProviderName,
} from './gateway.ts';
import type { ModelClient, ModelEvent, ModelRequest } from './types.ts';

const redactionPolicy = loadRedactionPolicyFromYamlText(
  readFileSync(new URL('../../policies/redaction.yaml', import.meta.url), 'utf8'),
);
export const redaction = createDefaultRedactionEngine({ policy: redactionPolicy, hmacKey: new Uint8Array(32).fill(7) });

export const routing = parseRoutingPolicy(`version: 1
targets:
  a: { provider: ollama, model: m-a, location: local }
  b: { provider: llamacpp, model: m-b, location: local }
  c: { provider: openai, model: m-c, location: cloud }
retries: { rateLimit: 1, timeout: 1, serverError: 2, backoffMs: 1, maxBackoffMs: 2, maxRetryAfterMs: 5000 }
cooldown: { failures: 3, seconds: 60 }
timeouts: { firstTokenMs: 200, totalMs: 1000 }
rules:
  - { id: consented, when: { cloudAllowed: true }, action: local, chain: [a, b, c], allowCloudFallback: true }
  - { id: default, action: local, chain: [a, b] }
`);

export type Step = ModelEvent | { fail: ProviderError } | { hangMs: number };
/** A model client that plays a script per call and records every request it got. */
export function scripted(location: 'local' | 'cloud', scripts: Step[][]) {
  const seen: ModelRequest[] = [];
  let call = 0;
  const client: ModelClient = {
    locations: [location],
    models: async () => ['m'],
    async *stream(request, signal) {
      seen.push(structuredClone(request));
      const script = scripts[Math.min(call, scripts.length - 1)]!;
      call += 1;
      for (const step of script) {
        if ('fail' in step) throw step.fail;
        if ('hangMs' in step) {
          await new Promise<void>((resolve, reject) => {
            const t = setTimeout(resolve, step.hangMs);
            signal.addEventListener('abort', () => (clearTimeout(t), reject(new Error('aborted'))), { once: true });
          });
          continue;
        }
        yield step;
      }
    },
  };
  return { client, seen, calls: () => call };
}

export const answer = (...parts: string[]): Step[] => [
  ...parts.map((text) => ({ type: 'delta' as const, text })),
  { type: 'end', usage: { tokensIn: 5, tokensOut: parts.length }, finishReason: 'stop' },
];

export function setup(
  clients: Partial<Record<ProviderName, ModelClient>>,
  opts: { engine?: RedactionEngine; policy?: typeof routing } = {},
) {
  const audits: ModelRequestAudit[] = [];
  const gateway = createGateway({
    clients,
    policy: () => opts.policy ?? routing,
    redaction: opts.engine ?? redaction,
    vaults: new InMemoryVaultStore(),
    audit: { modelRequest: async (e) => void audits.push(structuredClone(e)) },
    clock: { now: () => performance.now(), wait: async () => undefined },
  });
  return { gateway, audits };
}

export async function collect(stream: AsyncGenerator<ChatEvent>) {
  const events: ChatEvent[] = [];
  for await (const e of stream) events.push(e);
  const text = events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');
  const end = events.find((e) => e.type === 'end');
  return { events, text, end };
}

export const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [{ role: 'user', content }],
  cloudAllowed: false,
  ...extra,
});
