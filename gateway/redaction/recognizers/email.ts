import type { Recognizer } from './recognizer.ts';

// Bounded quantifiers and a lookbehind that only lets a match start at a token edge keep this linear
// on adversarial input (a 100 KB run of 'a' or 'a.a.a.').
export const email: Recognizer = {
  name: 'email',
  entity: 'EMAIL',
  patterns: [
    {
      name: 'address',
      regex: /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@(?:[\p{L}\p{N}-]{1,63}\.){1,8}\p{L}{2,24}(?![\p{L}\p{N}])/gu,
      score: 1,
    },
  ],
};
