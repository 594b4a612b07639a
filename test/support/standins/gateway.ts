// A gateway whose GPU pool (Ollama) and cloud (OpenAI) are the loopback stand-ins, with a fixed
// policy, an in-memory vault store, a test clock and its model.request audits collected in a list.
import {
  createGateway,
  providers,
  type GatewayDeps,
  type ModelRequestAudit,
  type RoutingPolicy,
} from '../../../gateway/index.ts';
import type { RedactionEngine } from '../../../gateway/redaction/engine.ts';
import { InMemoryVaultStore } from '../../../gateway/redaction/vault-store.ts';
import type { StandIn } from './faults.ts';

export function standInGateway(o: {
  pool: StandIn;
  cloud: StandIn;
  policy: RoutingPolicy;
  redaction: RedactionEngine;
  audits: ModelRequestAudit[];
  now: () => number;
  extra?: Partial<GatewayDeps>;
}) {
  return createGateway({
    clients: {
      ollama: providers.ollama.create({ hosts: [o.pool.url], healthIntervalMs: 0 }),
      openai: providers.openai.create({ apiKey: 'sk-test', baseURL: `${o.cloud.url}/v1`, locations: ['cloud'] }),
    },
    policy: () => o.policy,
    redaction: o.redaction,
    vaults: new InMemoryVaultStore(),
    audit: { modelRequest: async (e) => void o.audits.push(structuredClone(e)) },
    clock: { now: o.now, wait: async () => undefined },
    ...o.extra,
  });
}
