import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createDefaultRedactionEngine,
  type RedactionEngine,
  Vault,
  type VaultSnapshot,
} from '../../gateway/redaction/index.ts';
import { loadRedactionPolicy, POLICIES_DIR } from '../policies.ts';
import { placeholdersOnly, REDACTION_FAILED_TEXT, transcriptMasker } from './masking.ts';

const engine = createDefaultRedactionEngine({
  policy: placeholdersOnly(loadRedactionPolicy(path.join(POLICIES_DIR, 'redaction.yaml'))),
  hmacKey: new Uint8Array(32).fill(7),
});

describe('transcriptMasker', () => {
  it('gives one value one placeholder across the transcript, numbered in reading order', async () => {
    const masked = await transcriptMasker(engine)(
      ['card 4111 1111 1111 1111 please', 'other card 5555 5555 5555 4444', 'again 4111 1111 1111 1111'],
      'en',
    );
    expect(masked.map((m) => m.text)).toEqual([
      'card <CREDIT_CARD_1> please',
      'other card <CREDIT_CARD_2>',
      'again <CREDIT_CARD_1>',
    ]);
    expect(masked[0]?.entities).toBe(1);
  });

  it('starts a fresh vault on every read', async () => {
    const mask = transcriptMasker(engine);
    await mask(['card 5555 5555 5555 4444']);
    expect((await mask(['card 4111 1111 1111 1111']))[0]?.text).toBe('card <CREDIT_CARD_1>');
  });

  it("masks a value of the conversation's stored vault wherever it recurs, though no recognizer finds it", async () => {
    const stored = new Vault();
    stored.placeholderFor('PERSON', 'Zorvath Quellen');
    stored.placeholderFor('CREDIT_CARD', '4111 1111 1111 1111');
    const texts = ['again: zorvath quellen, still blocked', 'card 5555 5555 5555 4444, not 4111-1111-1111-1111'];
    const bare = await transcriptMasker(engine)(texts, 'en');
    expect(bare[0]?.text).toBe(texts[0]);
    const masked = await transcriptMasker(engine)(texts, 'en', stored.toJSON());
    // Numbered in this transcript's reading order, not the stored vault's.
    expect(masked.map((m) => m.text)).toEqual([
      'again: <PERSON_1>, still blocked',
      'card <CREDIT_CARD_1>, not <CREDIT_CARD_2>',
    ]);
    expect(masked[0]?.entities).toBe(1);
  });

  it('hides every text when the stored vault does not read', async () => {
    const broken = {
      version: 1,
      revision: 0,
      counters: {},
      entries: [{ type: 'PERSON', index: 3, key: 'x', value: 'x' }],
    } as VaultSnapshot;
    expect(await transcriptMasker(engine)(['hello', 'again'], 'en', broken)).toEqual([
      { text: REDACTION_FAILED_TEXT, entities: null },
      { text: REDACTION_FAILED_TEXT, entities: null },
    ]);
  });

  it('fails closed: a failed or throwing redaction hides the text, a missing engine hides all', async () => {
    const failing: RedactionEngine = {
      redact: async () => ({ ok: false, error: { id: 'analyzer_timeout', message: 'slow' } }),
    };
    const throwing: RedactionEngine = { redact: () => Promise.reject(new Error('boom')) };
    for (const e of [failing, throwing, null]) {
      expect(await transcriptMasker(e)(['card 4111 1111 1111 1111', 'hello'])).toEqual([
        { text: REDACTION_FAILED_TEXT, entities: null },
        { text: REDACTION_FAILED_TEXT, entities: null },
      ]);
    }
  });
});
