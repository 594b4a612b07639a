import { describe, expect, it } from 'vitest';
import { createRedactionEngine } from './engine.ts';
import { parseRedactionPolicy } from './policy.ts';
import type { Analyzer, DetectedEntity } from './types.ts';
import { Vault } from './vault.ts';

// Reports every capitalised word as LOCATION, "Ann Lee" as PERSON, so only the policy decides.
const analyzer: Analyzer = async (text) => {
  const entities: DetectedEntity[] = [];
  for (const m of text.matchAll(/Ann Lee|\b(?:Frankfurt|Visa|Metallica|Siemens|Toronto|Houston)\b/g)) {
    entities.push({
      type: m[0] === 'Ann Lee' ? 'PERSON' : 'LOCATION',
      start: m.index,
      end: m.index + m[0].length,
      score: 0.9,
      recognizer: 'test',
    });
  }
  return { ok: true, lang: 'en', entities };
};
const engine = (places?: 'keep' | 'redact') =>
  createRedactionEngine({
    analyzer,
    policy: parseRedactionPolicy({
      version: 1,
      default: { operator: 'placeholder', threshold: 0.5 },
      ...(places ? { placesAndOrganisations: places } : {}),
    }),
    hmacKey: new Uint8Array(32).fill(5),
  });

describe('place and organisation names', () => {
  it.each([
    ['the parcel is in Frankfurt since Monday', 'the parcel is in Frankfurt since Monday'],
    ['I paid with Visa at the Metallica concert', 'I paid with Visa at the Metallica concert'],
    ['ask Ann Lee from Houston branch', 'ask <PERSON_1> from <LOCATION_1> branch'],
    ['I live in Toronto now', 'I live in <LOCATION_1> now'],
    ['my employer Siemens pays on the 25th', 'my employer <LOCATION_1> pays on the 25th'],
  ])('keep (the default): %s', async (text, expected) => {
    expect(await engine().redact({ text, vault: new Vault() })).toMatchObject({ ok: true, text: expected });
  });

  it('redact: every finding', async () => {
    expect(await engine('redact').redact({ text: 'the parcel is in Frankfurt', vault: new Vault() })).toMatchObject({
      ok: true,
      text: 'the parcel is in <LOCATION_1>',
    });
  });
});
