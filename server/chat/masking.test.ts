import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDefaultRedactionEngine, type RedactionEngine } from '../../gateway/redaction/index.ts';
import { loadRedactionPolicy, POLICIES_DIR } from '../policies.ts';
import { placeholdersOnly, REDACTION_FAILED_TEXT, transcriptMasker } from './masking.ts';

const engine = createDefaultRedactionEngine({ policy: placeholdersOnly(loadRedactionPolicy(path.join(POLICIES_DIR, 'redaction.yaml'))), hmacKey: new Uint8Array(32).fill(7) });

describe('transcriptMasker', () => {
  it('gives one value one placeholder across the transcript, numbered in reading order', async () => {
    const masked = await transcriptMasker(engine)(['card 4111 1111 1111 1111 please', 'other card 5555 5555 5555 4444', 'again 4111 1111 1111 1111'], 'en');
    expect(masked.map((m) => m.text)).toEqual(['card <CREDIT_CARD_1> please', 'other card <CREDIT_CARD_2>', 'again <CREDIT_CARD_1>']);
    expect(masked[0]?.entities).toBe(1);
  });

  it('starts a fresh vault on every read', async () => {
    const mask = transcriptMasker(engine);
    await mask(['card 5555 5555 5555 4444']);
    expect((await mask(['card 4111 1111 1111 1111']))[0]?.text).toBe('card <CREDIT_CARD_1>');
  });

  it('fails closed: a failed or throwing redaction hides the text, a missing engine hides all', async () => {
    const failing: RedactionEngine = { redact: async () => ({ ok: false, error: { id: 'analyzer_timeout', message: 'slow' } }) };
    const throwing: RedactionEngine = { redact: () => Promise.reject(new Error('boom')) };
    for (const e of [failing, throwing, null]) {
      expect(await transcriptMasker(e)(['card 4111 1111 1111 1111', 'hello'])).toEqual([
        { text: REDACTION_FAILED_TEXT, entities: null },
        { text: REDACTION_FAILED_TEXT, entities: null },
      ]);
    }
  });
});
