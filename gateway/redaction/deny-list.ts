// The deny list: terms always redacted (a confidential project name). Matching runs on NFKC text,
// case-insensitively, with offsets mapped back to the original string.
import type { RedactionPolicy } from './policy.ts';
import type { DetectedEntity } from './types.ts';

export type DenyList = (text: string) => DetectedEntity[];

interface MappedText {
  text: string;
  /** for a UTF-16 index of `text`: [start, end) in the original (undefined past its end) */
  origin: (index: number) => readonly [number, number] | undefined;
}

// ASCII is its own NFKC form, one code unit for one: most messages need no offset map at all.
const ASCII_ONLY = /^\p{ASCII}*$/u;

// Per code point NFKC keeps a precise offset map; the rare sequences that only compose across
// code points (combining marks) are matched as written, which is fine for a list of known terms.
function nfkcMapped(original: string): MappedText {
  if (ASCII_ONLY.test(original)) {
    return { text: original, origin: (i) => (i >= 0 && i < original.length ? [i, i + 1] : undefined) };
  }
  let text = '';
  const origins: Array<[number, number]> = [];
  let at = 0;
  for (const ch of original) {
    const normalised = ch.normalize('NFKC');
    for (let i = 0; i < normalised.length; i += 1) origins.push([at, at + ch.length]);
    text += normalised;
    at += ch.length;
  }
  return { text, origin: (i) => origins[i] };
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
// Latin letters and digits need word boundaries ("Nightingale" must not hit "Nightingales");
// CJK text has no spaces between words, so a CJK edge gets no boundary.
const needsBoundary = (ch: string | undefined): boolean => ch !== undefined && /[\p{Script=Latin}\p{N}_]/u.test(ch);

export function createDenyList(entries: RedactionPolicy['deny']): DenyList {
  if (entries.length === 0) return () => [];
  const patterns = entries.map((entry) => {
    const term = entry.term.normalize('NFKC');
    const body = escape(term).replace(/\s+/gu, '\\s+');
    const before = needsBoundary([...term][0]) ? '(?<![\\p{L}\\p{N}_])' : '';
    const after = needsBoundary([...term].at(-1)) ? '(?![\\p{L}\\p{N}_])' : '';
    return { type: entry.type, regex: new RegExp(`${before}${body}${after}`, 'giu') };
  });
  return (original) => {
    const mapped = nfkcMapped(original);
    const found: DetectedEntity[] = [];
    for (const { type, regex } of patterns) {
      for (const match of mapped.text.matchAll(regex)) {
        const first = mapped.origin(match.index);
        const last = mapped.origin(match.index + match[0].length - 1);
        if (!first || !last) continue;
        found.push({ type, start: first[0], end: last[1], score: 1, recognizer: 'deny-list' });
      }
    }
    return found;
  };
}
