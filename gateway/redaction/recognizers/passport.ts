import type { Recognizer } from './recognizer.ts';

// Passport numbers differ per country (CN E12345678, US 9 digits, DE C01X00T47): a short
// letters-and-digits token is only a passport number when a passport word is near it.
export const passport: Recognizer = {
  name: 'passport',
  entity: 'PASSPORT',
  patterns: [
    {
      name: 'alnum',
      regex: /(?<![A-Za-z0-9])(?=[A-Z0-9]{6,9}(?![A-Za-z0-9]))[A-Z0-9]*\d[A-Z0-9]*(?![A-Za-z0-9])/gu,
      score: 0.5,
    },
    // Typed in lower case ("paspoort nummer nwf7j2522"): the passport word is required either way.
    {
      name: 'alnum-lower',
      regex: /(?<![A-Za-z0-9])(?=[a-z0-9]{6,9}(?![A-Za-z0-9]))(?=[a-z]*\d)[a-z0-9]*[a-z][a-z0-9]*(?![A-Za-z0-9])/gu,
      score: 0.5,
    },
  ],
  context: [
    'passport',
    'passport no',
    'passport number',
    'pass no',
    'reisepass',
    'reisepassnummer',
    'pass-nr',
    'passnummer',
    'passeport',
    'pasaporte',
    'passaporto',
    'paspoort',
    'paszport',
    'paszportu',
    '护照',
    '护照号',
    '护照号码',
  ],
  contextRequired: true,
  contextWindow: { before: 40, after: 8 },
  validate: (value) => (/^\d+$/.test(value) && value.length < 8 ? false : 0.7),
};
