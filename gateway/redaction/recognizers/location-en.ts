import { englishEntities, warmUpEnglish } from './english-nlp.ts';
import type { Recognizer } from './recognizer.ts';

export const locationEn: Recognizer = {
  name: 'location_en',
  entity: 'LOCATION',
  langs: ['en'],
  warmUp: warmUpEnglish,
  chunkSize: 1000,
  find: (input) => englishEntities(input).places,
  context: ['live in', 'living in', 'address', 'moved to', 'from', 'located'],
  contextBoost: 0.1,
};
