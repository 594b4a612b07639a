// The output scan while the answer streams. Scanning the whole answer once it has ended put the
// recognizers (about a millisecond for a paragraph, more under load) between the model's last
// token and the end of the caller's stream. Here finished sentences are scanned as they complete,
// in the event loop's spare turns (never ahead of forwarding a token), and the end waits only for
// the last unfinished piece. A piece is cut only after a sentence end that is not an abbreviation
// ("Mr. Smith" stays whole) or at a blank line, and never inside a placeholder, so each entity is
// seen whole. The language is fixed once, from the first piece, as the whole-text scan fixed it
// from the text's start.
import { detectLanguage } from '../redaction/lang.ts';
import type { Lang } from '../redaction/types.ts';

export type ScanOutput = (rawText: string, lang?: Lang) => Promise<number | null>;

/** Pieces shorter than this wait for more text (each scan has a fixed cost). */
export const MIN_PIECE_CHARS = 160;
/**
 * A rest longer than this (an answer with few sentence ends) is scanned after one event-loop turn,
 * so the text already forwarded goes out to the caller first. A shorter one (the usual last
 * sentence, a fraction of a millisecond) is scanned at once: a turn under load costs more than
 * the scan, and the end of the answer, with its audit record, waited for it.
 */
export const LONG_REST_CHARS = 4 * MIN_PIECE_CHARS;

// A sentence end (., !, ? or their full-width forms) followed by whitespace, or a blank line.
const BOUNDARY = /(?:[.!?]["'”’)\]]*\s+|[。！？]\s*|\n\s*\n\s*)/g;
// Words after which a full stop does not end a sentence.
const ABBREVIATION =
  /(?:^|[\s(])(?:mr|mrs|ms|dr|prof|st|sr|jr|no|nr|vs|etc|e\.g|i\.e|hr|fr|frau|herr|sra?|mme|mlle|m|ca|approx|tel|str|co|inc|ltd|dept|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|[a-z])\.\s*$/i;

export interface ScanAhead {
  /** the answer so far (the raw model text, before rehydration) */
  grow(raw: string): void;
  /** scans what is left (see LONG_REST_CHARS) and answers the count for the whole answer, or null when any scan failed */
  finish(raw: string): Promise<number | null>;
}

/** The end of the last cut point in raw[from..] (a position in raw), or -1. */
export function lastBoundary(raw: string, from: number): number {
  let cut = -1;
  BOUNDARY.lastIndex = from;
  for (let m = BOUNDARY.exec(raw); m; m = BOUNDARY.exec(raw)) {
    const end = m.index + m[0].length;
    if (end >= raw.length) break; // the text after it may still be the same sentence's
    const head = raw.slice(Math.max(from, m.index - 12), m.index + 1);
    if (m[0].startsWith('.') && ABBREVIATION.test(head)) continue;
    cut = end;
  }
  return cut;
}

export function scanAhead(scan: ScanOutput, lang: Lang | undefined): ScanAhead {
  let done = 0;
  /** where the next boundary search starts: text before it held no cut (a little is searched again, for a cut at its edge) */
  let searched = 0;
  let fixedLang = lang;
  let total = 0;
  let failed = false;
  let chain: Promise<void> = Promise.resolve();

  const enqueue = (piece: string, immediate: boolean) => {
    const pieceLang = (fixedLang ??= detectLanguage(piece));
    chain = chain.then(async () => {
      if (!immediate) await new Promise((resolve) => setImmediate(resolve)); // after the token is forwarded
      try {
        const n = await scan(piece, pieceLang);
        if (n === null) failed = true;
        else total += n;
      } catch {
        failed = true; // fail closed: the answer's count is unknown
      }
    });
  };

  return {
    grow(raw) {
      if (raw.length - done < MIN_PIECE_CHARS) return;
      const cut = lastBoundary(raw, Math.max(done, searched - 16));
      searched = raw.length;
      if (cut <= done || cut - done < MIN_PIECE_CHARS) return;
      enqueue(raw.slice(done, cut), false);
      done = cut;
    },
    async finish(raw) {
      if (raw.length > done) enqueue(raw.slice(done), raw.length - done <= LONG_REST_CHARS);
      done = raw.length;
      await chain;
      return failed ? null : total;
    },
  };
}
