import { describe, expect, it } from 'vitest';
import { normalizeForMatching } from './normalize.ts';

// Finds `needle` in the normalised text and maps it back: the result must be `expected` in the original.
function roundTrip(original: string, needle: string): string {
  const n = normalizeForMatching(original);
  const at = n.text.indexOf(needle);
  expect(at, `"${needle}" in "${n.text}"`).toBeGreaterThanOrEqual(0);
  const span = n.toOriginal(at, at + needle.length);
  return original.slice(span.start, span.end);
}

describe('normalizeForMatching', () => {
  it.each([
    ['full-width digits', '手机１３８００１３８０００。', '13800138000', '１３８００１３８０００'],
    ['full-width dashes', 'tel １３８－００１３－８０００', '138-0013-8000', '１３８－００１３－８０００'],
    ['odd dashes', 'tel 138‑0013—8000', '138-0013-8000', '138‑0013—8000'],
    [
      'non-breaking spaces',
      'card 4111\u00A01111\u202F1111\u30001111',
      '4111 1111 1111 1111',
      '4111\u00A01111\u202F1111\u30001111',
    ],
    ['emoji before the match', '😀👍🏽 call 13800138000', '13800138000', '13800138000'],
    ['emoji between groups', '📞１３８😀13800', '138', '１３８'],
    ['combining characters before', 'Zoe\u0301 e\u0301 a\u0308 ４２', '42', '４２'],
    ['combining character inside the match', 'name Jose\u0301 ok', 'José', 'Jose\u0301'],
    ['ligature expands', 'ﬁle 42', 'file', 'ﬁle'],
    ['zero-width characters inside a number', '138\u200B0013\u200D8000', '13800138000', '138\u200B0013\u200D8000'],
    ['full-width at sign', 'ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'jane@example.com', 'ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ'],
    ['square composition ㍻ expands', '㍻ 12', '12', '12'],
  ])('%s', (_, original, needle, expected) => {
    expect(roundTrip(original, needle)).toBe(expected);
  });

  it('leaves printable ASCII untouched with identity offsets', () => {
    const n = normalizeForMatching('call 555-0100 now');
    expect(n.text).toBe('call 555-0100 now');
    expect(n.toOriginal(5, 13)).toEqual({ start: 5, end: 13 });
  });

  it('keeps line breaks', () => {
    expect(normalizeForMatching('a\u00A0b\nc').text).toBe('a b\nc');
  });

  it('maps a span that covers part of an expansion to the whole source character', () => {
    const n = normalizeForMatching('x㌔y'); // ㌔ → キロ
    expect(n.text).toBe('xキロy');
    expect(n.toOriginal(1, 2)).toEqual({ start: 1, end: 2 });
  });

  it('handles the empty string', () => {
    expect(normalizeForMatching('').text).toBe('');
  });
});

describe('normalizeForMatching: scripts, look-alikes and escapes', () => {
  it.each([
    ['Arabic-Indic digits', 'card ٤٥٣٩١٥٨٨١٣٩٩٨٦٩٥ ok', '4539158813998695', '٤٥٣٩١٥٨٨١٣٩٩٨٦٩٥'],
    ['Devanagari digits', 'फ़ोन ९८७६५४३२१० है', '9876543210', '९८७६५४३२१०'],
    [
      'Cyrillic o in an e-mail address',
      'mail jоhn.keller@post.example now',
      'john.keller@post.example',
      'jоhn.keller@post.example',
    ],
    ['Greek omicron in a URL', 'see https://bаnk.example/x', 'https://bank.example/x', 'https://bаnk.example/x'],
    [
      'percent-encoded at sign in a URL',
      'https://x.example/reset?user=ines.lagarde%40mailbox.example&t=1',
      'ines.lagarde@mailbox.example',
      'ines.lagarde%40mailbox.example',
    ],
  ])('%s', (_, original, needle, expected) => {
    expect(roundTrip(original, needle)).toBe(expected);
  });

  it('leaves Cyrillic words outside addresses alone', () => {
    expect(normalizeForMatching('привет, как дела').text).toBe('привет, как дела');
  });
});
