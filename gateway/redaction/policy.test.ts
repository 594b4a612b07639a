import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  loadRedactionPolicyFromYamlText,
  parseRedactionPolicy,
  RedactionPolicyError,
  ruleFor,
  withOperator,
} from './policy.ts';

const shipped = readFileSync(new URL('../../policies/redaction.yaml', import.meta.url), 'utf8');
const minimal = { version: 1, default: { operator: 'placeholder', threshold: 0.5 } };

describe('redaction policy', () => {
  it('loads the shipped policies/redaction.yaml', () => {
    const policy = loadRedactionPolicyFromYamlText(shipped);
    expect(ruleFor(policy, 'CREDIT_CARD')).toEqual({ operator: 'mask', threshold: 0.4 });
    expect(ruleFor(policy, 'IBAN')).toEqual({ operator: 'placeholder', threshold: 0.4 });
    expect(ruleFor(policy, 'EMAIL')).toEqual({ operator: 'placeholder', threshold: 0.5 });
    expect(policy.allow.map((a) => a.value)).toContain('support@demo-bank.example');
    expect(policy.deny[0]).toMatchObject({ term: 'Project Nightingale', type: 'ORGANIZATION' });
  });

  it('fills empty lists and overrides', () => {
    expect(parseRedactionPolicy(minimal)).toEqual({
      ...minimal,
      entities: {},
      allow: [],
      deny: [],
      output: { maskIdentifiers: true },
      placesAndOrganisations: 'keep',
    });
  });

  it.each<[string, unknown, string]>([
    ['a non-object', 'placeholder', '(root)'],
    ['a missing version', { default: minimal.default }, 'version'],
    ['a future version', { ...minimal, version: 2 }, 'version'],
    ['a missing default', { version: 1 }, 'default'],
    ['an unknown top-level key', { ...minimal, operators: {} }, '(root): Unrecognized key: "operators"'],
    ['an unknown operator', { ...minimal, default: { operator: 'encrypt', threshold: 0.5 } }, 'default.operator'],
    ['a threshold above range', { ...minimal, entities: { PERSON: { threshold: 7 } } }, 'entities.PERSON.threshold'],
    ['a negative threshold', { ...minimal, default: { operator: 'mask', threshold: -0.1 } }, 'default.threshold'],
    ['an unknown entity type', { ...minimal, entities: { SHOE_SIZE: { operator: 'mask' } } }, 'SHOE_SIZE'],
    [
      'an unknown key in an entity rule',
      { ...minimal, entities: { PERSON: { operator: 'mask', enabled: false } } },
      'entities.PERSON',
    ],
    ['an empty allow value', { ...minimal, allow: [{ value: '' }] }, 'allow.0.value'],
    ['an allow entry as a bare string', { ...minimal, allow: ['+44 20 7946 0000'] }, 'allow.0'],
    ['a deny term without type', { ...minimal, deny: [{ term: 'Nightingale' }] }, 'deny.0.type'],
    ['a one-letter deny term', { ...minimal, deny: [{ term: ' x ', type: 'PERSON' }] }, 'deny.0.term'],
  ])('rejects %s, naming the path', (_name, input, path) => {
    expect(() => parseRedactionPolicy(input)).toThrow(RedactionPolicyError);
    expect(() => parseRedactionPolicy(input)).toThrow(path);
  });

  it.each([
    ['broken YAML', 'version: 1\ndefault: [unclosed', '(yaml)'],
    ['a duplicate key', 'version: 1\nversion: 1\ndefault: { operator: mask, threshold: 0.5 }', '(yaml)'],
    ['a bad value', 'version: 1\ndefault: { operator: mask, threshold: high }', 'default.threshold'],
  ])('YAML with %s is an error, never a silent default', (_name, text, path) => {
    expect(() => loadRedactionPolicyFromYamlText(text)).toThrow(path);
  });

  it('withOperator switches every entity to one operator, thresholds kept', () => {
    const policy = withOperator(loadRedactionPolicyFromYamlText(shipped), 'mask');
    expect(ruleFor(policy, 'PERSON')).toEqual({ operator: 'mask', threshold: 0.6 });
    expect(ruleFor(policy, 'EMAIL')).toEqual({ operator: 'mask', threshold: 0.5 });
    expect(parseRedactionPolicy(policy)).toEqual(policy);
  });
});
