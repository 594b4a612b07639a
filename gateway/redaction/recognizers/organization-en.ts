import { englishEntities, warmUpEnglish } from './english-nlp.ts';
import type { Recognizer } from './recognizer.ts';

export const organizationEn: Recognizer = {
  name: 'organization_en',
  entity: 'ORGANIZATION',
  langs: ['en'],
  warmUp: warmUpEnglish,
  chunkSize: 1000,
  find: (input) => englishEntities(input).organizations,
  context: ['work at', 'work for', 'employer', 'company', 'employed'],
  contextBoost: 0.1,
};
