import { englishEntities } from './english-nlp.ts';
import type { Recognizer } from './recognizer.ts';

export const organizationEn: Recognizer = {
  name: 'organization_en',
  entity: 'ORGANIZATION',
  langs: ['en'],
  find: (input) => englishEntities(input).organizations,
  context: ['work at', 'work for', 'employer', 'company', 'employed'],
  contextBoost: 0.1,
};
