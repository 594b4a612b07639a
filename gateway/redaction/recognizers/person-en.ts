import { englishEntities, warmUpEnglish } from './english-nlp.ts';
import type { Recognizer } from './recognizer.ts';

export const personEn: Recognizer = {
  name: 'person_en',
  entity: 'PERSON',
  langs: ['en'],
  warmUp: warmUpEnglish,
  chunkSize: 1000,
  find: (input) => englishEntities(input).people,
  context: ['name', 'my name', 'mr', 'mrs', 'ms', 'dr', 'called', 'signed', 'regards'],
  contextBoost: 0.1,
};
