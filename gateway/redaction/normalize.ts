// Normalisation for matching, with a map back to the caller's original JS string indices.
// Recognizers see `text`; every span they report is translated with `toOriginal` before it leaves.
// What it undoes: compatibility forms (NFKC: full-width letters and digits), decimal digits of every
// script (Arabic-Indic ٤, Devanagari ४ → 4), the dashes and spaces people type inside numbers,
// invisible characters slipped into a value, Cyrillic/Greek letters that look Latin inside an
// e-mail address or URL (Unicode TR39 confusables, the common ones), and percent-encoding of the
// characters an address is made of (`jane.doe%40example.com`).

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
// A percent escape of an address character is one unit too (three source characters, one output).
const UNIT = /%(?:40|2[EeBbDd]|5[Ff])|[^\p{M}][\p{M}]*|[\p{M}]+/gsu;
const ASCII_SAFE = /^[\x20-\x24\x26-\x7E\t\n\r]*$/;
const NON_ASCII_DIGIT = /(?![0-9])\p{Nd}/gu;

// Unicode decimal digits come in contiguous runs of ten starting at zero: the value is the position
// in the run. Built once, on first use (about 700 code points).
let digitTable: Map<number, string> | undefined;
function digitValue(cp: number): string {
  if (!digitTable) {
    digitTable = new Map();
    let run = 0;
    for (let c = 0x80; c <= 0x1fbff; c++) {
      if (/\p{Nd}/u.test(String.fromCodePoint(c))) digitTable.set(c, String(run++ % 10));
      else run = 0;
    }
  }
  return digitTable.get(cp) ?? '0';
}

/** every Unicode decimal digit as its ASCII digit (NFKC leaves Arabic-Indic and Devanagari digits alone) */
export function foldDigits(text: string): string {
  return text.replace(NON_ASCII_DIGIT, (d) => digitValue(d.codePointAt(0) ?? 0x30));
}

// Letters of other scripts that render like Latin ones (TR39 confusables.txt, the BMP ones seen in
// spoofed addresses). Each maps one UTF-16 unit to one, so offsets stay as they are.
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  һ: 'h',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ɡ: 'g',
  ɩ: 'i',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  Ѕ: 'S',
  І: 'I',
  Ј: 'J',
  α: 'a',
  ο: 'o',
  ν: 'v',
  ι: 'i',
  κ: 'k',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
};
const CONFUSABLE = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'u');
// A token that is an address: an @, or a scheme/host with a dot.
const ADDRESS_TOKEN = /\S*(?:@|:\/\/|www\.)\S*/gu;
const PERCENT: Readonly<Record<string, string>> = { '40': '@', '2E': '.', '2B': '+', '2D': '-', '5F': '_' };

function normalizeCluster(cluster: string): string {
  if (cluster.length === 3 && cluster[0] === '%') return PERCENT[cluster.slice(1).toUpperCase()] ?? cluster;
  return foldDigits(cluster.normalize('NFKC'))
    .replace(DASHES, '-')
    .replace(INVISIBLE, '')
    .replace(/\s/gu, (ws) => (ws === '\n' || ws === '\r' || ws === '\t' ? ws : ' '));
}

/** Latin look-alikes inside e-mail addresses and URLs become Latin letters (same length) */
function unconfuse(text: string): string {
  if (!CONFUSABLE.test(text)) return text;
  return text.replace(ADDRESS_TOKEN, (token) =>
    /[A-Za-z]/.test(token) ? [...token].map((ch) => CONFUSABLES[ch] ?? ch).join('') : token,
  );
}

export function normalizeForMatching(original: string): NormalizedText {
  // Plain printable ASCII without '%' is already normal: skip the cluster walk (the common case).
  if (ASCII_SAFE.test(original)) {
    return { text: original, toOriginal: (start, end) => ({ start, end }) };
  }
  const parts: string[] = [];
  // srcStart[i] / srcEnd[i]: the original unit that produced normalised code unit i.
  const srcStart: number[] = [];
  const srcEnd: number[] = [];
  for (const m of original.matchAll(UNIT)) {
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
  const text = unconfuse(parts.join(''));
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
