import { createRequire } from 'node:module';
import type { Candidate } from './recognizer.ts';

interface Token {
  w: string;
  p?: number;
}
interface Segmenter {
  doSegment(text: string, options: { simple: false }): Token[];
}

// segmentit's part-of-speech flag for person names (nr).
const POS_PERSON = 0x80;
const HAN_ONLY = /^\p{Script=Han}+$/u;

function isTokenList(value: unknown): value is Token[] {
  return (
    Array.isArray(value) &&
    value.every((t) => typeof t === 'object' && t !== null && typeof (t as { w?: unknown }).w === 'string')
  );
}

let segmenter: Segmenter | undefined;
// Loaded once (the dictionaries take 0.3–1 s and several MB); the analyzer warms it up at creation.
export function loadSegmenter(): Segmenter {
  if (segmenter) return segmenter;
  const mod: unknown = createRequire(import.meta.url)('segmentit');
  const { Segment, useDefault } = mod as { Segment: new () => unknown; useDefault: (s: unknown) => unknown };
  const seg = useDefault(new Segment());
  if (typeof seg !== 'object' || seg === null || typeof (seg as { doSegment?: unknown }).doSegment !== 'function') {
    throw new Error('segmentit did not load');
  }
  segmenter = seg as Segmenter;
  return segmenter;
}

// segmentit enumerates every segmentation of a run of Han characters: 20 characters take under a
// millisecond, 60 take seconds. It only ever sees runs this long; longer runs go in overlapping
// windows (the overlap exceeds the longest name, so a name cut by one window is whole in the next).
const MAX_RUN = 16;
const RUN_OVERLAP = 5;

/** person names segmentit tags nr, in every run of Han characters of the text; `worthSegmenting`
 * lets a caller skip pieces that cannot hold a name it would keep */
export function segmenterPersons(text: string, worthSegmenting: (piece: string) => boolean = () => true): Candidate[] {
  const found: Candidate[] = [];
  for (const run of text.matchAll(/\p{Script=Han}+/gu)) {
    for (let start = 0; start < run[0].length; start += MAX_RUN - RUN_OVERLAP) {
      const piece = run[0].slice(start, start + MAX_RUN);
      for (const c of worthSegmenting(piece) ? personsInRun(piece) : []) {
        const at = { start: c.start + run.index + start, end: c.end + run.index + start, score: c.score };
        if (!found.some((f) => f.start === at.start && f.end === at.end)) found.push(at);
      }
      if (start + MAX_RUN >= run[0].length) break;
    }
  }
  return found;
}

/** a 2-character name followed by an untagged single character (王小 + 明) is extended, since the
 * dictionary often splits the given name */
function personsInRun(text: string): Candidate[] {
  const tokens = loadSegmenter().doSegment(text, { simple: false });
  if (!isTokenList(tokens)) throw new Error('segmentit returned an unexpected shape');
  const found: Candidate[] = [];
  let cursor = 0;
  const positions = tokens.map((t) => {
    const at = text.indexOf(t.w, cursor);
    if (at >= 0) cursor = at + t.w.length;
    return at;
  });
  tokens.forEach((token, i) => {
    const at = positions[i] ?? -1;
    if (at < 0 || ((token.p ?? 0) & POS_PERSON) === 0 || !HAN_ONLY.test(token.w) || token.w.length > 4) return;
    let end = at + token.w.length;
    const next = tokens[i + 1];
    if (
      token.w.length === 2 &&
      next &&
      next.p === undefined &&
      next.w.length === 1 &&
      HAN_ONLY.test(next.w) &&
      positions[i + 1] === end
    ) {
      end += 1;
    }
    found.push({ start: at, end, score: 0.7 });
  });
  return found;
}
