import type { Candidate, Recognizer, RecognizerInput } from './recognizer.ts';
import { loadSegmenter, segmenterPersons } from './zh-person-segmenter.ts';
import { isUnlikelyName, surnameAt, surnamePersons } from './zh-person-surname.ts';

const HAN = /\p{Script=Han}/u;

export type ZhPersonStrategy = 'segmenter' | 'surname' | 'combined';

/**
 * segmenter: segmentit's person tags alone; surname: common surname + trigger phrase or title;
 * combined (default, chosen by the corpus numbers in test/redaction-eval.test.ts): the surname rule
 * plus segmentit names that start with a common surname and are not an everyday word (segmentit
 * alone tags words like 年费 and 张卡).
 * Where both find a name, the surname rule's span wins (it knows where a title starts).
 */
export function zhPersons(text: string, strategy: ZhPersonStrategy = 'combined'): Candidate[] {
  if (!HAN.test(text)) return [];
  const bySurname = strategy === 'segmenter' ? [] : surnamePersons(text);
  // combined keeps only segmenter names that start with a common surname: a piece without one is
  // not worth segmentit's time (most of the cost of Chinese analysis).
  const worthSegmenting = strategy === 'combined' ? hasSurname : undefined;
  const segmented = strategy === 'surname' ? [] : segmenterPersons(text, worthSegmenting);
  const bySegmenter =
    strategy === 'combined'
      ? segmented.filter((c) => surnameAt(text, c.start) > 0 && !isUnlikelyName(text, c.start))
      : segmented;
  const kept = bySegmenter.filter((s) => !bySurname.some((n) => n.start < s.end && s.start < n.end));
  return [...bySurname, ...kept];
}

// Runs for any language: a Chinese name inside an English message is still a name.
export const personZh: Recognizer = {
  name: 'person_zh',
  entity: 'PERSON',
  find: (input: RecognizerInput) => zhPersons(input.text),
  warmUp: () => void loadSegmenter(),
  chunkSize: 500,
};

function hasSurname(piece: string): boolean {
  for (let i = 0; i < piece.length; i++) if (surnameAt(piece, i) > 0) return true;
  return false;
}
