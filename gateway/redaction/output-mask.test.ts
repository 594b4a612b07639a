import { describe, expect, it } from 'vitest';
import { createOutputMaskers } from './output-mask.ts';
import { parseRedactionPolicy } from './policy.ts';
import { createStreamRehydrator } from './rehydrate.ts';
import { Vault } from './vault.ts';

/** streams `text` through a masker in chunks of `size` characters */
function stream(text: string, size: number, options = {}): { out: string; count: number } {
  const masker = createOutputMaskers(options)();
  let out = '';
  for (let i = 0; i < text.length; i += size) out += masker.push(text.slice(i, i + size));
  out += masker.end();
  return { out, count: masker.count() };
}

describe('output masker', () => {
  it.each([1, 3, 7, 1000])('masks identifiers the model made up, streamed in chunks of %i', (size) => {
    const text =
      'Sure! Use card 4539 1488 0343 6467, IBAN DE89 3704 0044 0532 0130 00, or mail jane.roe@example.org. Call +33 6 12 48 97 31.';
    const { out, count } = stream(text, size);
    for (const value of [
      '4539 1488 0343 6467',
      'DE89 3704 0044 0532 0130 00',
      'jane.roe@example.org',
      '+33 6 12 48 97 31',
      '0343',
    ])
      expect(out).not.toContain(value);
    expect(count).toBe(4);
    expect(out.startsWith('Sure! Use card ')).toBe(true);
    expect(out.endsWith('.')).toBe(true);
  });

  it('leaves placeholders, plain text and the allow-listed hotline alone', () => {
    const policy = parseRedactionPolicy({
      version: 1,
      default: { operator: 'placeholder', threshold: 0.5 },
      allow: [{ value: '+44 20 7946 0000', type: 'PHONE' }],
    });
    const text = 'Dear <PERSON_1>, your card <CREDIT_CARD_1> is blocked; call us on +44 20 7946 0000 on 12 May 2024.';
    expect(stream(text, 2, { policy })).toEqual({ out: text, count: 0 });
  });

  it('releases tokens whole when they cannot start an identifier', () => {
    const masker = createOutputMaskers()();
    expect(['w0 ', 'w1 ', 'w2 ', 'w3 '].map((t) => masker.push(t))).toEqual(['w0 ', 'w1 ', 'w2 ', 'w3 ']);
  });

  it('holds back no more than a short tail', () => {
    const masker = createOutputMaskers()();
    expect(masker.push('The answer is ready. Your reference')).toBe('The answer is ready. Your ');
    expect(masker.push(' is below.')).toBe('reference is ');
  });

  it.each([1, 2, 5, 1000])(
    'turns vault values the model writes out into their placeholders, in chunks of %i',
    (size) => {
      const vault = new Vault();
      const person = vault.placeholderFor('PERSON', 'Maria Schmidt');
      const mail = vault.placeholderFor('EMAIL', 'maria.schmidt@example.net');
      const text = 'Hello MARIA SCHMIDT, we wrote to maria.schmidt@example.net; Maria will hear from us. Mariana too.';
      const masker = createOutputMaskers()(vault);
      let raw = '';
      for (let i = 0; i < text.length; i += size) raw += masker.push(text.slice(i, i + size));
      raw += masker.end();
      expect(raw).toBe(`Hello ${person}, we wrote to ${mail}; Maria will hear from us. Mariana too.`);
      expect(masker.count()).toBe(2);
      // the visitor still reads the values: the rehydrator puts the placeholders back
      const rehydrator = createStreamRehydrator(vault);
      expect(rehydrator.push(raw) + rehydrator.end()).toBe(
        `Hello Maria Schmidt, we wrote to maria.schmidt@example.net; Maria will hear from us. Mariana too.`,
      );
    },
  );
});
