// The single sign-on policy: the shipped file, the first matching rule, and files that are refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyFileError } from '../../policies.ts';
import { loadSsoPolicy, parseSsoPolicy, roleFromClaims } from './policy.ts';

const policy = parseSsoPolicy(`
claim: groups
roles:
  - { group: palisade-admins, role: admin }
  - { group: palisade-auditors, role: auditor }
  - { group: palisade-agents, role: agent }
`);

describe('role from claims', () => {
  const cases: [string, unknown, string | null][] = [
    ['one mapped group', ['palisade-agents'], 'agent'],
    ['the first rule wins, not the first group listed', ['palisade-agents', 'palisade-auditors'], 'auditor'],
    ['unmapped groups', ['marketing', 'staff'], null],
    ['a single string claim', 'palisade-admins', 'admin'],
    ['no claim', undefined, null],
    ['non-strings ignored', [1, { g: 'palisade-admins' }], null],
    ['case matters', ['Palisade-Admins'], null],
  ];
  for (const [name, groups, role] of cases) it(name, () => expect(roleFromClaims(policy, { groups })).toBe(role));
});

describe('the policy file', () => {
  it('the shipped policies/sso.yaml is valid', () => {
    expect(loadSsoPolicy().roles.length).toBeGreaterThan(0);
  });

  it('refuses an unknown role, no rules, and unknown keys, naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sso-policy-'));
    try {
      for (const text of [
        'claim: groups\nroles: [{ group: g, role: superuser }]',
        'claim: groups\nroles: []',
        'claim: groups\nroles: [{ group: g, role: admin }]\nextra: 1',
      ]) {
        fs.writeFileSync(path.join(dir, 'sso.yaml'), text);
        expect(() => loadSsoPolicy(dir)).toThrow(PolicyFileError);
        expect(() => loadSsoPolicy(dir)).toThrow(/sso\.yaml/);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
