import { describe, expect, it } from 'vitest';
import { createRedactionEngine } from './engine.ts';
import { parseRedactionPolicy } from './policy.ts';
import type { Analyzer } from './types.ts';
import { Vault } from './vault.ts';
import { findVaultValues } from './vault-recheck.ts';

const policy = parseRedactionPolicy({ version: 1, default: { operator: 'placeholder', threshold: 0.5 } });
// Finds "Maria Schmidt" and the card only in the first turn, as a recognizer that needs a cue would.
const firstTurnOnly: Analyzer = async (text) => {
  const entities = [];
  const name = text.indexOf('my name is Maria Schmidt');
  if (name >= 0)
    entities.push({ type: 'PERSON' as const, start: name + 11, end: name + 24, score: 0.9, recognizer: 'test' });
  const card = text.indexOf('card 4111 1111 1111 1111');
  if (card >= 0)
    entities.push({ type: 'CREDIT_CARD' as const, start: card + 5, end: card + 24, score: 1, recognizer: 'test' });
  return { ok: true, lang: 'en', entities };
};

describe('vault re-check', () => {
  const engine = createRedactionEngine({ analyzer: firstTurnOnly, policy, hmacKey: new Uint8Array(32).fill(3) });

  it('redacts a value of an earlier turn wherever it recurs, in any case, shape or script', async () => {
    const vault = new Vault();
    const first = await engine.redact({ text: 'Hi, my name is Maria Schmidt, card 4111 1111 1111 1111', vault });
    expect(first).toMatchObject({ ok: true, text: 'Hi, my name is <PERSON_1>, card <CREDIT_CARD_1>' });
    const third = await engine.redact({
      text: 'again: maria  schmidt, the card was 4111-1111-1111-1111 or ４１１１.１１１１.１１１１.１１１１',
      vault,
    });
    expect(third).toMatchObject({
      ok: true,
      text: 'again: <PERSON_1>, the card was <CREDIT_CARD_1> or <CREDIT_CARD_1>',
    });
    if (!third.ok) throw new Error('unreachable');
    expect(third.counts.PERSON).toBe(1);
    expect(third.counts.CREDIT_CARD).toBe(2);
  });

  it('keeps a one-word value to its own case and whole words', () => {
    const vault = new Vault();
    vault.placeholderFor('PERSON', 'May');
    vault.placeholderFor('PERSON', 'Schmidt');
    const text = 'you may call May or Schmidtke, or Schmidt';
    expect(findVaultValues(text, vault).map((e) => text.slice(e.start, e.end))).toEqual(['May', 'Schmidt']);
  });

  it('finds an e-mail address spelled with look-alike letters and a Chinese name without spaces', () => {
    const vault = new Vault();
    vault.placeholderFor('EMAIL', 'john.keller@post.example');
    vault.placeholderFor('PERSON', '欧阳娜娜');
    const text = '发给jоhn.keller@post.example，欧阳娜娜的账户';
    expect(findVaultValues(text, vault).map((e) => text.slice(e.start, e.end))).toEqual([
      'jоhn.keller@post.example',
      '欧阳娜娜',
    ]);
  });
});
