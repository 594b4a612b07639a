// The banking synonym lists (policies/kb-synonyms.yaml): per language, groups of words customers
// and articles use for the same thing. Kept as data, reviewed like content; read once per process.
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { POLICIES_DIR, readPolicyFile } from '../policies.ts';

const Word = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[\p{L}\p{N}]+$/u, { message: 'one word per entry (letters and digits)' });
const SynonymFile = z.partialRecord(
  z.enum(['en', 'de', 'fr', 'es', 'zh']),
  z.array(z.array(Word).min(2).max(20)).max(2000),
);

export function parseSynonyms(text: string): Record<string, string[][]> {
  return Object.fromEntries(
    Object.entries(SynonymFile.parse(parse(text) ?? {})).filter((e): e is [string, string[][]] => e[1] !== undefined),
  );
}

let loaded: Record<string, string[][]> | undefined;

export function loadSynonyms(file = path.join(POLICIES_DIR, 'kb-synonyms.yaml')): Record<string, string[][]> {
  if (file !== path.join(POLICIES_DIR, 'kb-synonyms.yaml')) return readPolicyFile(file, parseSynonyms);
  loaded ??= readPolicyFile(file, parseSynonyms);
  return loaded;
}
