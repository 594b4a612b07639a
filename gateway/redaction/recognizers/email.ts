import type { Recognizer } from './recognizer.ts';

// Bounded quantifiers and a lookbehind that only lets a match start at a token edge keep this linear
// on adversarial input (a 100 KB run of 'a' or 'a.a.a.').
export const email: Recognizer = {
  name: 'email',
  entity: 'EMAIL',
  patterns: [
    {
      name: 'address',
      regex: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9])/gu,
      score: 1,
    },
  ],
};
