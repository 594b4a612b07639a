// NFKC normalisation for matching, with a map back to the caller's original JS string indices.
// Recognizers see `text`; every span they report is translated with `toOriginal` before it leaves.

export interface NormalizedText {
  /** the text recognizers match against */
  text: string;
  /** maps a [start, end) span of `text` to a [start, end) span of the original string */
  toOriginal(start: number, end: number): { start: number; end: number };
}

// Dashes people type inside numbers (hyphen, non-breaking hyphen, figure/en/em dash, minus, small
// and full-width hyphen-minus) all become '-', so one pattern covers `138‑0013—8000`.
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D\u30FC]/g;
// Invisible characters can be slipped into a number to dodge detection; matching ignores them.
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;
// A cluster = one starter code point plus the combining marks that follow it: NFKC composes within
// a cluster, so normalising clusters one at a time keeps every output unit traceable to its source.
const CLUSTER = /[^\p{M}][\p{M}]*|[\p{M}]+/gsu;
const ASCII_SAFE = /^[\x20-\x7E\t\n\r]*$/;

function normalizeCluster(cluster: string): string {
  return cluster.normalize('NFKC').replace(DASHES, '-').replace(INVISIBLE, '').replace(/\s/gu, (ws) => (ws === '\n' || ws === '\r' || ws === '\t' ? ws : ' '));
}

export function normalizeForMatching(original: string): NormalizedText {
  // Plain printable ASCII is already NFKC and separator-clean: skip the cluster walk (the common case).
  if (ASCII_SAFE.test(original)) {
    return { text: original, toOriginal: (start, end) => ({ start, end }) };
  }
  const parts: string[] = [];
  // srcStart[i] / srcEnd[i]: the original cluster that produced normalised code unit i.
  const srcStart: number[] = [];
  const srcEnd: number[] = [];
  for (const m of original.matchAll(CLUSTER)) {
    const cluster = m[0];
    const from = m.index;
    const to = from + cluster.length;
    const out = normalizeCluster(cluster);
    parts.push(out);
    for (let k = 0; k < out.length; k++) {
      srcStart.push(from);
      srcEnd.push(to);
    }
  }
  const text = parts.join('');
  return {
    text,
    toOriginal(start, end) {
      if (text.length === 0) return { start: 0, end: 0 };
      const s = Math.min(Math.max(start, 0), text.length - 1);
      const e = Math.min(Math.max(end, s + 1), text.length);
      return { start: srcStart[s] ?? 0, end: srcEnd[e - 1] ?? original.length };
    },
  };
}
