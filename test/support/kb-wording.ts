// Hygiene of the held-out evaluation: the demo articles' alternative phrasings and the synonym
// lists may be tuned on the dev split, never on the test split's wording. `copiedTestWording`
// returns the test questions (as indexes, never their text) that some phrasing or synonym group
// repeats: most of a test question's words (word-set Jaccard ≥ 0.6; character bigrams for Chinese)
// in one phrasing, or a whole synonym group made of a test question's words.
import { parseFile } from '../../gateway/knowledge/document.ts';
import { hanTerms, isHan } from '../../gateway/knowledge/text.ts';
import { readImportPath } from '../../server/knowledge/files.ts';
import { DEMO_DIR } from '../../server/knowledge/seed.ts';
import { loadSynonyms } from '../../server/knowledge/synonyms.ts';
import type { HeldOutQuestion } from '../fixtures/kb/held-out.ts';

// Words, and for Chinese (no spaces between words) the character bigrams of each Han run.
const words = (s: string) =>
  new Set(
    (
      s
        .toLowerCase()
        .normalize('NFKC')
        .match(/\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu) ?? []
    ).flatMap((t) => (isHan(t) ? hanTerms(t, 'bigram') : [t])),
  );
const jaccard = (a: Set<string>, b: Set<string>) => {
  const both = [...a].filter((w) => b.has(w)).length;
  return both / (a.size + b.size - both || 1);
};

/** Every phrasing in the demo articles' front matter. */
export function demoPhrasings(): string[] {
  return readImportPath(DEMO_DIR).flatMap((f) => {
    const parsed = parseFile(f.path, f.bytes);
    return parsed.ok ? (parsed.draft.meta.phrasings ?? []) : [];
  });
}

export function copiedTestWording(questions: HeldOutQuestion[]): number[] {
  const phrasings = demoPhrasings().map(words);
  const groups = Object.values(loadSynonyms()).flat();
  const copied: number[] = [];
  questions.forEach((q, i) => {
    if (q.split !== 'test') return;
    const asked = words(q.q);
    const inPhrasing = phrasings.some((p) => jaccard(p, asked) >= 0.6);
    const inGroup = groups.some(
      (g) => g.length >= 2 && g.every((w) => asked.has(w.toLowerCase()) || (isHan(w) && q.q.includes(w))),
    );
    if (inPhrasing || inGroup) copied.push(i);
  });
  return copied;
}
