// Pools in the routing policy: a table of declarations, each taken or refused with the reason; a
// pool's target is routed like any other, a cloud pool's only with cloud consent.
import { describe, expect, it } from 'vitest';
import { decideRoute } from './decide.ts';
import { parseRoutingPolicy, RoutingPolicyError } from './policy.ts';

const policy = (pools: string, targets: string) =>
  parseRoutingPolicy(`version: 1
pools:
${pools}
targets:
${targets}
  kb: { provider: extractive, model: kb, location: local }
rules:
  - { id: consented, when: { cloudAllowed: true }, action: cloud, chain: [gpt, vllm] }
  - { id: default, action: local, chain: [vllm, kb] }
`);

const vllm = `  gpu: { locality: local, baseURLs: [http://gpu1.bank.internal:8000/v1, http://10.0.0.7:8000/v1] }`;
const cloud = `  openai: { locality: cloud, baseURLs: [https://api.openai.com/v1], apiKeyFile: /etc/palisade/openai.key }`;
const targets = `  vllm: { provider: openai, pool: gpu, model: llama, location: local }
  gpt: { provider: openai, pool: openai, model: gpt-4o-mini, location: cloud }`;

describe('pool declarations', () => {
  it('takes a local vLLM pool and a cloud pool side by side, and routes each by the rules', () => {
    const p = policy(`${vllm}\n${cloud}`, targets);
    expect(Object.keys(p.pools)).toEqual(['gpu', 'openai']);
    const without = decideRoute(p, { entityCounts: {}, cloudAllowed: false, sensitivity: 'normal', redaction: 'ok' });
    expect(without.chain.map((t) => [t.id, t.pool ?? null])).toEqual([
      ['vllm', 'gpu'],
      ['kb', null],
    ]);
    const consented = decideRoute(p, { entityCounts: {}, cloudAllowed: true, sensitivity: 'normal', redaction: 'ok' });
    expect(consented.chain.map((t) => [t.id, t.location])).toEqual([
      ['gpt', 'cloud'],
      ['vllm', 'local'],
    ]);
  });

  const refused: [string, string, string, RegExp][] = [
    [
      'a cloud API declared local',
      `  gpu: { locality: local, baseURLs: [https://api.openai.com/v1] }\n${cloud.replace('openai:', 'other:').replace('api.openai.com', 'api.mistral.ai')}`,
      targets.replace('pool: openai', 'pool: other'),
      /pools\.gpu\.locality: https:\/\/api\.openai\.com\/v1 is a cloud API/,
    ],
    [
      'an Azure OpenAI host declared local',
      `  gpu: { locality: local, baseURLs: [https://bank.openai.azure.com/openai/v1] }\n${cloud}`,
      targets,
      /is a cloud API \(bank\.openai\.azure\.com\)/,
    ],
    [
      'a public address declared local',
      `  gpu: { locality: local, baseURLs: [http://8.8.8.8:8000/v1] }\n${cloud}`,
      targets,
      /8\.8\.8\.8.*is a public address/,
    ],
    [
      'a local pool target said to be cloud',
      `${vllm}\n${cloud}`,
      targets.replace('model: llama, location: local', 'model: llama, location: cloud'),
      /targets\.vllm\.location: target vllm says cloud but pool gpu is declared local/,
    ],
    [
      'a cloud pool target said to be local',
      `${vllm}\n${cloud}`,
      targets.replace('gpt-4o-mini, location: cloud', 'gpt-4o-mini, location: local'),
      /targets\.gpt\.location: target gpt says local but pool openai is declared cloud/,
    ],
    [
      'a cloud pool over plain http',
      `${vllm}\n  openai: { locality: cloud, baseURLs: [http://llm.example.com/v1] }`,
      targets,
      /a cloud pool is reached over https/,
    ],
    ['an unknown pool', vllm, targets, /targets\.gpt\.pool: unknown pool openai/],
    [
      'a pool target of another provider',
      `${vllm}\n${cloud}`,
      targets.replace('vllm: { provider: openai', 'vllm: { provider: ollama'),
      /targets\.vllm\.provider: a target of pool gpu has provider: openai/,
    ],
    [
      'a base URL in two pools',
      `${vllm}\n  twin: { locality: local, baseURLs: [http://gpu1.bank.internal:8000/v1] }\n${cloud}`,
      targets,
      /already in pool gpu/,
    ],
    [
      'a base URL that is not http(s)',
      `  gpu: { locality: local, baseURLs: [ftp://gpu1/v1] }\n${cloud}`,
      targets,
      /pools\.gpu\.baseURLs\.0: must be an http\(s\) URL/,
    ],
    ['a pool with no base URL', `  gpu: { locality: local, baseURLs: [] }\n${cloud}`, targets, /pools\.gpu\.baseURLs/],
    [
      'a locality other than local or cloud',
      `  gpu: { locality: onprem, baseURLs: [http://gpu1:8000/v1] }\n${cloud}`,
      targets,
      /pools\.gpu\.locality/,
    ],
  ];
  it.each(refused)('refuses %s', (_name, pools, t, message) => {
    expect(() => policy(pools, t)).toThrow(RoutingPolicyError);
    expect(() => policy(pools, t)).toThrow(message);
  });

  it('takes a loopback relay over http as a cloud pool, and private addresses as local', () => {
    const p = policy(
      `  gpu: { locality: local, baseURLs: [http://192.168.1.5:8000/v1, 'http://[fd00::5]:8000/v1', http://localhost:8001/v1] }\n  openai: { locality: cloud, baseURLs: [http://127.0.0.1:9000/v1] }`,
      targets,
    );
    expect(p.pools.gpu!.baseURLs).toHaveLength(3);
    expect(p.pools.openai!.locality).toBe('cloud');
  });
});
