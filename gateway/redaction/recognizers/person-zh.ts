import type { Candidate, Recognizer, RecognizerInput } from './recognizer.ts';
import { segmenterPersons } from './zh-person-segmenter.ts';
import { surnamePersons } from './zh-person-surname.ts';

const HAN = /\p{Script=Han}/u;

export type ZhPersonStrategy = 'segmenter' | 'surname' | 'combined';

/** both detectors; where they overlap the surname rule's span wins (it knows where the title starts) */
export function zhPersons(text: string, strategy: ZhPersonStrategy = 'combined'): Candidate[] {
  if (!HAN.test(text)) return [];
  const bySurname = strategy === 'segmenter' ? [] : surnamePersons(text);
  const bySegmenter = strategy === 'surname' ? [] : segmenterPersons(text);
  const kept = bySegmenter.filter((s) => !bySurname.some((n) => n.start < s.end && s.start < n.end));
  return [...bySurname, ...kept];
}

// Runs for any language: a Chinese name inside an English message is still a name.
export const personZh: Recognizer = {
  name: 'person_zh',
  entity: 'PERSON',
  find: (input: RecognizerInput) => zhPersons(input.text),
};
