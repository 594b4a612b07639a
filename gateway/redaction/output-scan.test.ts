import { describe, expect, it } from 'vitest';
import { placeholderFreeText, scanModelOutput } from './output-scan.ts';
import { parseRedactionPolicy } from './policy.ts';
import { createRegexAnalyzer } from './testing/regex-analyzer.ts';
import type { Analyzer } from './types.ts';

const analyzer = createRegexAnalyzer();

describe('output scan', () => {
  it('takes placeholders (every form) and hash tokens out before analysing', () => {
    expect(placeholderFreeText('Hi <PERSON_1>, &lt;EMAIL_1&gt; / PHONE_2 <EMAIL#3f9a1c2b>.')).toBe('Hi  ,   /    .');
  });

  it('counts personal data the model produced itself, not the placeholders', async () => {
    const output = 'Dear <PERSON_1>, Bob Jones will call you from +44 7700 900555; your mail <EMAIL_1> is on file.';
    const scan = await scanModelOutput({ analyzer, text: output });
    expect(scan).toMatchObject({ ok: true, total: 2, counts: { PERSON: 1, PHONE: 1, EMAIL: 0 } });
  });

  it('applies the policy: thresholds and the allow list', async () => {
    const policy = parseRedactionPolicy({
      version: 1,
      default: { operator: 'placeholder', threshold: 0.5 },
      entities: { PERSON: { threshold: 0.9 } },
      allow: [{ value: '+44 20 7946 0000', type: 'PHONE' }],
    });
    const scan = await scanModelOutput({
      analyzer,
      policy,
      text: 'Bob Jones says: call +44 20 7946 0000 or mail x@y.example',
    });
    expect(scan).toMatchObject({ ok: true, total: 1, counts: { EMAIL: 1, PERSON: 0, PHONE: 0 } });
  });

  it('reports analyzer failure instead of a clean bill of health', async () => {
    const failing: Analyzer = async () => ({
      ok: false,
      error: { recognizer: 'person', reason: 'timeout', message: 'slow' },
    });
    const throwing: Analyzer = async () => {
      throw new Error('boom');
    };
    expect(await scanModelOutput({ analyzer: failing, text: 'x' })).toMatchObject({ ok: false });
    expect(await scanModelOutput({ analyzer: throwing, text: 'x' })).toMatchObject({ ok: false });
  });
});
