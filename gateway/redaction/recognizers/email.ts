import type { Recognizer } from './recognizer.ts';

// Spelled out to dodge filters or out of habit: "john dot smith at gmail dot com", "jane [at]
// example [dot] org", "j.doe (at) example.de", "hans punkt meier at web punkt de". The domain must
// end in a common top-level domain, so "meet at the office dot" is no address.
const AT = String.raw`(?:\s*[[({]\s*(?:at|@)\s*[\])}]\s*|\s+(?:at|arroba|chez|bei|bij|klammeraffe)\s+)`;
const DOT = String.raw`(?:\s*[[({]\s*(?:dot|punkt|point|punto|punt)\s*[\])}]\s*|\s+(?:dot|punkt|point|punto|punt)\s+|\.)`;
const LABEL = '[A-Za-z0-9_%+-]{1,40}';
const TLD =
  '(?:com|org|net|edu|gov|info|biz|io|co|me|eu|uk|de|fr|es|nl|it|pl|cn|ch|at|be|ie|us|ca|au|jp|ru|se|dk|no|fi|pt)';
const SPELLED = new RegExp(
  `(?<![A-Za-z0-9._%+-])${LABEL}(?:${DOT}${LABEL}){0,3}${AT}${LABEL}(?:${DOT}${LABEL}){0,3}${DOT}${TLD}(?![A-Za-z0-9])`,
  'giu',
);

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
    { name: 'spelled-out', regex: SPELLED, score: 0.9 },
  ],
};
