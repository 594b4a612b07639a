import { describe } from 'vitest';
import { locationEn } from './location-en.ts';
import { organizationEn } from './organization-en.ts';
import { personEn } from './person-en.ts';
import { detects } from './table.ts';

describe('person (en, compromise)', () => {
  detects(personEn, [
    // Names the cue and list recognizers find are not parsed again (the analyzer test covers them).
    { text: 'Hi, this is Sarah Connor speaking', lang: 'en', found: [] },
    { text: 'I spoke to Grace at the branch', lang: 'en', found: ['Grace'] },
    { text: "Peter's card was blocked", lang: 'en', found: ['Peter'] },
    { text: 'I want to check my balance please', lang: 'en', found: [] },
    { text: 'i lost my card pls block it asap ty', lang: 'en', found: [] },
  ]);
});

describe('location (en, compromise)', () => {
  detects(locationEn, [
    { text: 'I moved from Boston to Chicago.', lang: 'en', found: ['Boston', 'Chicago'] },
    { text: 'my card does not work', lang: 'en', found: [] },
  ]);
});

describe('organization (en, compromise)', () => {
  detects(organizationEn, [{ text: 'I work at Goldman Sachs.', lang: 'en', found: ['Goldman Sachs'] }]);
});
