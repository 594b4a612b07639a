import { describe, expect, it } from 'vitest';
import { PolicyFileError } from '../policies.ts';
import { loadRetentionPolicy, parseRetentionPolicy, retentionMs } from './retentionPolicy.ts';

const DAY = 86_400_000;
const valid = `version: 1
requests: { dueDays: 30, nearDueDays: 7 }
batchSize: 100
categories: { messages: 90d, attachments: 30d, vault_mappings: 12h, conversations: 90d, consent_records: 1825d, audit_log: 3650d, kb_feedback: 365d }
classes:
  kept: { messages: 365d }
`;

describe('retention policy file', () => {
  it('the shipped policies/retention.yaml is valid', () => {
    const p = loadRetentionPolicy();
    expect(p.requests.dueDays).toBe(30);
    expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives durations per category and per consent choice (retention class)', () => {
    const p = parseRetentionPolicy(valid, 'r.yaml');
    expect(retentionMs(p, 'messages', 'kept')).toBe(365 * DAY);
    expect(retentionMs(p, 'messages', 'standard')).toBe(90 * DAY);
    expect(retentionMs(p, 'messages')).toBe(90 * DAY);
    expect(retentionMs(p, 'vault_mappings', 'kept')).toBe(12 * 3_600_000);
    expect(retentionMs(p, 'consent_records', 'kept')).toBe(1825 * DAY);
  });

  it.each([
    [
      'a bad duration',
      valid.replace('messages: 90d,', 'messages: 90 days,'),
      'at categories.messages: must be a duration like 12h or 90d',
    ],
    ['a missing category', valid.replace(' attachments: 30d,', ''), 'at categories.attachments'],
    ['an unknown key', valid.replace('batchSize: 100', 'batchsize: 100'), 'batchsize'],
    ['a bad class name', valid.replace('kept:', 'Kept:'), 'at classes.Kept'],
    [
      'an unknown class category',
      valid.replace('kept: { messages: 365d }', 'kept: { audit_log: 1d }'),
      'at classes.kept',
    ],
    ['a wrong version', valid.replace('version: 1', 'version: 2'), 'at version'],
    ['near-due not before due', valid.replace('nearDueDays: 7', 'nearDueDays: 30'), 'at requests.nearDueDays'],
    ['broken YAML', 'version: [1', 'not valid YAML'],
  ])('refuses %s, naming the file and the path', (_name, text, message) => {
    let error: unknown;
    try {
      parseRetentionPolicy(text, '/etc/palisade/retention.yaml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PolicyFileError);
    expect((error as Error).message).toContain('/etc/palisade/retention.yaml');
    expect((error as Error).message).toContain(message);
  });
});
