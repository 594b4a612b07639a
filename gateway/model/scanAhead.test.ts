import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../redaction/analyzer.ts';
import { createOutputScanner } from '../redaction/output-scan.ts';
import type { Lang } from '../redaction/types.ts';
import { lastBoundary, LONG_REST_CHARS, MIN_PIECE_CHARS, scanAhead } from './scanAhead.ts';

const ANSWER = [
  'Thank you for your message. A lost card can be blocked at once in the app, under Cards and then Block.',
  'If you would rather talk to someone, Mr. Daniel Fischer from our card team can help you on +44 7700 900123 at any hour.',
  'A replacement card is sent to your address within five working days. It is free of charge the first time!',
  'Dr. Emma Clarke, our branch manager, can also be reached by e-mail at emma.clarke@bank.example during office hours.',
  '\n\nIs there anything else I can do for you? We are glad to help with <PERSON_1> as well.',
].join(' ');

/** Streams `text` in word-sized tokens, as a model does. */
function tokens(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('scanAhead', () => {
  it('cuts after sentence ends and blank lines, not after abbreviations, initials or at the text end', () => {
    expect(lastBoundary('One. Two', 0)).toBe(5);
    expect(lastBoundary('Ask Mr. Smith', 0)).toBe(-1);
    expect(lastBoundary('Ask Dr. Jones or J. Smith today', 0)).toBe(-1);
    expect(lastBoundary('Done! Next? Last', 0)).toBe(12);
    expect(lastBoundary('One.', 0)).toBe(-1); // the sentence may go on ("One.5 million")
    expect(lastBoundary('Line one\n\nLine two', 0)).toBe(10);
    expect(lastBoundary('你好。我们', 0)).toBe(3);
    expect(lastBoundary('One. Two. Three', 5)).toBe(10);
  });

  it('scans finished sentences while the answer streams, each piece whole, and the pieces are the answer', async () => {
    const pieces: { text: string; lang?: Lang }[] = [];
    const ahead = scanAhead(async (text, lang) => (pieces.push({ text, lang }), 1), undefined);
    let raw = '';
    for (const t of tokens(ANSWER)) {
      raw += t;
      ahead.grow(raw);
      await turn();
    }
    const before = pieces.length;
    expect(before).toBeGreaterThanOrEqual(2); // scanned before the end
    const count = await ahead.finish(raw);
    expect(count).toBe(pieces.length);
    expect(pieces.map((p) => p.text).join('')).toBe(ANSWER);
    for (const p of pieces.slice(0, -1)) {
      expect(p.text.length).toBeGreaterThanOrEqual(MIN_PIECE_CHARS);
      expect(p.text).toMatch(/([.!?]\s+|\n\s*\n\s*)$/);
    }
    // No name cut in two at its honorific.
    expect(pieces.some((p) => p.text.includes('Mr. Daniel Fischer'))).toBe(true);
    expect(pieces.some((p) => p.text.includes('Dr. Emma Clarke'))).toBe(true);
    expect(new Set(pieces.map((p) => p.lang))).toEqual(new Set(['en']));
  });

  it('scans a short rest at once at the end, and a long one only after a turn of the event loop', async () => {
    const scanned: string[] = [];
    const scan = async (text: string) => (scanned.push(text), 0);
    const short = 'The last sentence, without an end';
    let turned = false;
    setImmediate(() => (turned = true));
    await scanAhead(scan, 'en').finish(short);
    expect(scanned).toEqual([short]);
    expect(turned).toBe(false); // no turn waited

    const long = 'word '.repeat(LONG_REST_CHARS / 5 + 1); // no sentence end: all of it is the rest
    turned = false;
    setImmediate(() => (turned = true));
    const finishing = scanAhead(scan, 'en').finish(long);
    expect(scanned).toHaveLength(1); // not yet: text already forwarded goes out first
    await finishing;
    expect(scanned).toEqual([short, long]);
    expect(turned).toBe(true);
  });

  it('counts what the whole-answer scan counts, with the real recognizers', async () => {
    const scanner = createOutputScanner({ analyzer: createAnalyzer() });
    const scan = async (text: string, lang?: Lang) => {
      const r = await scanner(text, lang);
      return r.ok ? r.total : null;
    };
    const whole = await scan(ANSWER);
    expect(whole).toBeGreaterThanOrEqual(3); // at least the two names and the e-mail address
    const ahead = scanAhead(scan, undefined);
    let raw = '';
    for (const t of tokens(ANSWER)) ahead.grow((raw += t));
    expect(await ahead.finish(raw)).toBe(whole);
  });

  it('answers null when any piece could not be scanned (fail closed), and uses the language it is given', async () => {
    const langs: (Lang | undefined)[] = [];
    let calls = 0;
    const ahead = scanAhead(async (_text, lang) => (langs.push(lang), (calls += 1) === 1 ? null : 0), 'de');
    let raw = '';
    for (const t of tokens(ANSWER)) ahead.grow((raw += t));
    expect(await ahead.finish(raw)).toBeNull();
    expect(calls).toBeGreaterThan(1);
    expect(new Set(langs)).toEqual(new Set(['de']));
    const throwing = scanAhead(async () => {
      throw new Error('recognizer crashed');
    }, 'en');
    expect(await throwing.finish('Short answer.')).toBeNull();
  });
});
