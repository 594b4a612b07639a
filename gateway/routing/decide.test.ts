// Policy tables: for each rule shape (and the shipped bank default), the route chosen.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decideRoute, type RouteFacts } from './decide.ts';
import { parseRoutingPolicy, RoutingPolicyError } from './policy.ts';

const shipped = parseRoutingPolicy(readFileSync(new URL('../../policies/routing.yaml', import.meta.url), 'utf8'));
const facts = (f: Partial<RouteFacts> = {}): RouteFacts => ({
  entityCounts: {},
  cloudAllowed: false,
  sensitivity: 'normal',
  redaction: 'ok',
  ...f,
});

describe('shipped routing.yaml (the safe bank default)', () => {
  const cases: [string, Partial<RouteFacts>, string, string, string[], string?][] = [
    ['no personal data, no consent', {}, 'default-local', 'local', ['gpu-pool', 'on-prem-llama', 'kb']],
    [
      'a name, no consent',
      { entityCounts: { PERSON: 1 } },
      'default-local',
      'local',
      ['gpu-pool', 'on-prem-llama', 'kb'],
    ],
    [
      'cloud consent: local first, cloud as fallback',
      { cloudAllowed: true },
      'consented-cloud-fallback',
      'local',
      ['gpu-pool', 'on-prem-llama', 'gpt', 'kb'],
    ],
    [
      'cloud consent but an IBAN: local only',
      { cloudAllowed: true, entityCounts: { IBAN: 1, PERSON: 1 } },
      'financial-identifiers-local',
      'local',
      ['gpu-pool', 'on-prem-llama', 'kb'],
    ],
    [
      'cloud consent but a card number: local only',
      { cloudAllowed: true, entityCounts: { CREDIT_CARD: 2 } },
      'financial-identifiers-local',
      'local',
      ['gpu-pool', 'on-prem-llama', 'kb'],
    ],
    [
      'high sensitivity with consent: local only',
      { cloudAllowed: true, sensitivity: 'high' },
      'sensitive-conversation',
      'local',
      ['gpu-pool', 'on-prem-llama', 'kb'],
    ],
    [
      'redaction failed, consent given: human',
      { cloudAllowed: true, redaction: 'failed' },
      'redaction-failed',
      'human',
      [],
    ],
  ];
  it.each(cases)('%s', (_name, f, ruleId, action, chain) => {
    const d = decideRoute(shipped, facts(f));
    expect({ ruleId: d.ruleId, action: d.action, chain: d.chain.map((t) => t.id) }).toEqual({ ruleId, action, chain });
    expect(d.policyHash).toBe(shipped.hash);
    expect(d.policyHash).toMatch(/^[0-9a-f]{64}$/);
  });
  it('never lists a cloud target without cloud consent, for every entity type and sensitivity', () => {
    for (const sensitivity of ['low', 'normal', 'high'] as const) {
      for (const type of ['PERSON', 'EMAIL', 'IBAN', 'LOCATION', 'PHONE'] as const) {
        const d = decideRoute(shipped, facts({ sensitivity, entityCounts: { [type]: 1 } }));
        expect(d.chain.every((t) => t.location === 'local')).toBe(true);
      }
    }
  });
});

const policy = (rules: string) =>
  parseRoutingPolicy(`version: 1
targets:
  local-a: { provider: ollama, model: m, location: local }
  cloud-b: { provider: openai, model: g, location: cloud }
rules:
${rules}`);

describe('rule shapes', () => {
  const table: [
    string,
    string,
    Partial<RouteFacts>,
    { action: string; chain: string[]; ruleId: string; overridden?: string },
  ][] = [
    [
      'entitiesAny matches one of the listed types',
      `  - { id: r1, when: { entitiesAny: [EMAIL] }, action: block }\n  - { id: all, action: local, chain: [local-a] }`,
      { entityCounts: { EMAIL: 1 } },
      { action: 'block', chain: [], ruleId: 'r1' },
    ],
    [
      'entitiesAny ignores zero counts',
      `  - { id: r1, when: { entitiesAny: [EMAIL] }, action: block }\n  - { id: all, action: local, chain: [local-a] }`,
      { entityCounts: { EMAIL: 0 } },
      { action: 'local', chain: ['local-a'], ruleId: 'all' },
    ],
    [
      'hasEntities false',
      `  - { id: clean, when: { hasEntities: false }, action: local, chain: [local-a] }\n  - { id: all, action: human }`,
      {},
      { action: 'local', chain: ['local-a'], ruleId: 'clean' },
    ],
    [
      'hasEntities true falls through',
      `  - { id: clean, when: { hasEntities: false }, action: local, chain: [local-a] }\n  - { id: all, action: human }`,
      { entityCounts: { PERSON: 1 } },
      { action: 'human', chain: [], ruleId: 'all' },
    ],
    [
      'sites',
      `  - { id: branch, when: { sites: [web-de] }, action: human }\n  - { id: all, action: local, chain: [local-a] }`,
      { site: 'web-de' },
      { action: 'human', chain: [], ruleId: 'branch' },
    ],
    [
      'sites without a site',
      `  - { id: branch, when: { sites: [web-de] }, action: human }\n  - { id: all, action: local, chain: [local-a] }`,
      {},
      { action: 'local', chain: ['local-a'], ruleId: 'all' },
    ],
    [
      'cloud rule with consent',
      `  - { id: c, when: { cloudAllowed: true }, action: cloud, chain: [cloud-b, local-a] }\n  - { id: all, action: local, chain: [local-a] }`,
      { cloudAllowed: true },
      { action: 'cloud', chain: ['cloud-b', 'local-a'], ruleId: 'c' },
    ],
    [
      'local rule with cloud fallback, no consent: cloud dropped',
      `  - { id: l, action: local, chain: [local-a, cloud-b], allowCloudFallback: true }`,
      {},
      { action: 'local', chain: ['local-a'], ruleId: 'l' },
    ],
    [
      'local rule with cloud fallback and consent',
      `  - { id: l, action: local, chain: [local-a, cloud-b], allowCloudFallback: true }`,
      { cloudAllowed: true },
      { action: 'local', chain: ['local-a', 'cloud-b'], ruleId: 'l' },
    ],
    [
      'only cloud left without consent: human',
      `  - { id: l, action: local, chain: [cloud-b], allowCloudFallback: true }`,
      {},
      { action: 'human', chain: [], ruleId: 'l', overridden: 'no_cloud_consent' },
    ],
    [
      'redaction failed overrides a routed rule',
      `  - { id: l, action: local, chain: [local-a] }`,
      { redaction: 'failed' },
      { action: 'human', chain: [], ruleId: 'l', overridden: 'redaction_failed' },
    ],
    ['block rule', `  - { id: b, action: block }`, {}, { action: 'block', chain: [], ruleId: 'b' }],
  ];
  it.each(table)('%s', (_name, rules, f, expected) => {
    const d = decideRoute(policy(rules), facts(f));
    expect({
      action: d.action,
      chain: d.chain.map((t) => t.id),
      ruleId: d.ruleId,
      ...(d.overridden ? { overridden: d.overridden } : {}),
    }).toEqual(expected);
  });

  const refused: [string, string, RegExp][] = [
    [
      'a cloud target in a local rule without allowCloudFallback',
      `  - { id: l, action: local, chain: [local-a, cloud-b] }`,
      /allowCloudFallback/,
    ],
    ['a cloud rule that does not require consent', `  - { id: c, action: cloud, chain: [cloud-b] }`, /cloudAllowed/],
    ['an unknown target', `  - { id: l, action: local, chain: [nowhere] }`, /unknown target nowhere/],
    ['a routed rule without a chain', `  - { id: l, action: local }`, /needs a chain/],
    [
      'a last rule that does not match everything',
      `  - { id: l, when: { cloudAllowed: false }, action: human }`,
      /last rule/,
    ],
    [
      'an unknown entity type',
      `  - { id: x, when: { entitiesAny: [SHOE_SIZE] }, action: human }\n  - { id: all, action: human }`,
      /entitiesAny/,
    ],
    [
      'a duplicate rule id',
      `  - { id: a, when: { cloudAllowed: true }, action: human }\n  - { id: a, action: human }`,
      /duplicate/,
    ],
  ];
  it.each(refused)('refuses %s', (_name, rules, message) => {
    expect(() => policy(rules)).toThrow(RoutingPolicyError);
    expect(() => policy(rules)).toThrow(message);
  });

  it('refuses text that is not YAML, and hashes the exact bytes', () => {
    expect(() => parseRoutingPolicy('version: [1')).toThrow(/not valid YAML/);
    const a = policy(`  - { id: l, action: human }`);
    const b = parseRoutingPolicy(
      `${`version: 1
targets:
  local-a: { provider: ollama, model: m, location: local }
  cloud-b: { provider: openai, model: g, location: cloud }
rules:
  - { id: l, action: human }`}\n# a comment\n`,
    );
    expect(a.hash).not.toBe(b.hash);
  });
});
