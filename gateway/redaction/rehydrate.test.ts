import { describe, expect, it } from 'vitest';
import { MAX_FORM_LENGTH } from './placeholder-form.ts';
import {
  createStreamRehydrator,
  rehydrate,
  rehydrateDeep,
  rehydrateStream,
  UNKNOWN_PLACEHOLDER,
  type RehydrateOptions,
} from './rehydrate.ts';
import { Vault } from './vault.ts';

function vaultWith(): Vault {
  const vault = new Vault();
  vault.placeholderFor('PERSON', 'Alice Smith'); // <PERSON_1>
  vault.placeholderFor('IBAN', 'GB82 WEST 1234 5698 7654 32'); // <IBAN_1>
  vault.placeholderFor('CN_RESIDENT_ID', '11010519491231002X'); // <CN_RESIDENT_ID_1>
  for (let i = 2; i <= 12; i += 1) vault.placeholderFor('PERSON', `Person ${i}`); // up to <PERSON_12>
  return vault;
}
const vault = vaultWith();

/** Streams `text` cut at the given positions. */
function streamed(text: string, cuts: number[], options: RehydrateOptions = {}): string {
  const r = createStreamRehydrator(vault, options);
  let out = '';
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out += r.push(text.slice(from, cut));
    from = cut;
  }
  return out + r.end();
}

describe('rehydrate (batch)', () => {
  it.each<[string, string, string]>([
    [
      'exact',
      'Dear <PERSON_1>, your IBAN <IBAN_1> is fine.',
      'Dear Alice Smith, your IBAN GB82 WEST 1234 5698 7654 32 is fine.',
    ],
    ['type with underscores', 'id <CN_RESIDENT_ID_1>.', 'id 11010519491231002X.'],
    ['two-digit index', '<PERSON_12> and <PERSON_1>', 'Person 12 and Alice Smith'],
    ['spaces inside the brackets', 'Dear < PERSON_1 >,', 'Dear Alice Smith,'],
    ['lower case', 'Dear <person_1>,', 'Dear Alice Smith,'],
    ['mixed case', 'Dear <Person_1>,', 'Dear Alice Smith,'],
    ['HTML-escaped', 'Dear &lt;PERSON_1&gt;,', 'Dear Alice Smith,'],
    ['bare, upper case', 'Dear PERSON_1, hello', 'Dear Alice Smith, hello'],
    ['bare at the ends', 'PERSON_1', 'Alice Smith'],
    ['bare lower case is ordinary text', 'the person_1 field', 'the person_1 field'],
    [
      'bare inside a word is ordinary text',
      'XPERSON_1 and PERSON_1X and PERSON_12a',
      'XPERSON_1 and PERSON_1X and PERSON_12a',
    ],
    ['unknown, bracketed: never guessed', 'Dear <PERSON_99>,', `Dear ${UNKNOWN_PLACEHOLDER},`],
    [
      'unknown, mangled',
      'Dear < person_99 > and &lt;IBAN_2&gt;',
      `Dear ${UNKNOWN_PLACEHOLDER} and ${UNKNOWN_PLACEHOLDER}`,
    ],
    ['unknown, bare: left as written', 'see PERSON_99 above', 'see PERSON_99 above'],
    ['not an entity type', '<FOO_1> <SHOE_SIZE_1>', '<FOO_1> <SHOE_SIZE_1>'],
    ['index zero or padded', '<PERSON_0> <PERSON_01>', '<PERSON_0> <PERSON_01>'],
    ['too many spaces: only the bare form inside is seen', '<   PERSON_1>', '<   Alice Smith>'],
    ['an over-long index', '<PERSON_1234567>', '<PERSON_1234567>'],
    [
      'hash tokens and markers are one-way',
      '<EMAIL#3f9a1c2b> [removed] 4111 11** **** 1111',
      '<EMAIL#3f9a1c2b> [removed] 4111 11** **** 1111',
    ],
    ['ordinary angle brackets', 'if a < b and c > d then <b>bold</b>', 'if a < b and c > d then <b>bold</b>'],
  ])('%s', (_name, input, expected) => {
    expect(rehydrate(input, vault)).toBe(expected);
  });

  it("option unknown: 'keep' leaves invented placeholders as written", () => {
    expect(rehydrate('Dear <PERSON_99> and <PERSON_1>', vault, { unknown: 'keep' })).toBe(
      'Dear <PERSON_99> and Alice Smith',
    );
  });

  it('restores placeholders inside tool-call arguments', () => {
    const args = { to: '<PERSON_1>', lines: ['iban: <IBAN_1>', 3], nested: { ok: true, who: 'PERSON_2' } };
    expect(rehydrateDeep(args, vault)).toEqual({
      to: 'Alice Smith',
      lines: ['iban: GB82 WEST 1234 5698 7654 32', 3],
      nested: { ok: true, who: 'Person 2' },
    });
  });
});

describe('rehydrate (streaming)', () => {
  const sentence =
    'Hello <PERSON_1>, the transfer from <IBAN_1> to PERSON_12 is done; a<b, &lt;PERSON_99&gt; & <PERSON_2>!';
  const expected = rehydrate(sentence, vault);

  it('matches batch output for every single and every pair of cut points', () => {
    expect(expected).toContain('Alice Smith');
    for (let i = 0; i <= sentence.length; i += 1) {
      expect(streamed(sentence, [i])).toBe(expected);
      for (let j = i; j <= sentence.length; j += 1) {
        const out = streamed(sentence, [i, j]);
        if (out !== expected) expect({ cuts: [i, j], out }).toEqual({ cuts: [i, j], out: expected });
      }
    }
  });

  it('matches batch output one character per chunk, and in random chunkings', () => {
    expect(
      streamed(
        sentence,
        [...sentence].map((_, i) => i),
      ),
    ).toBe(expected);
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 500; round += 1) {
      const cuts = [...sentence].map((_, i) => i).filter(() => random() < 0.3);
      expect(streamed(sentence, cuts)).toBe(expected);
    }
  });

  it('matches batch output on random text built from placeholder fragments', () => {
    const pieces = [
      '<',
      '>',
      '&lt;',
      '&gt;',
      '&',
      'PERSON_1',
      'PERSON',
      '_',
      '1',
      '2',
      ' ',
      'x',
      'IBAN_1',
      'person_1',
      'E',
      'P',
      'X',
      '<PERSON_1>',
      '\t',
      'CN_RESIDENT_ID_1',
      '&gt',
    ];
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 5_000; round += 1) {
      const text = Array.from(
        { length: 1 + Math.floor(random() * 12) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join('');
      const cuts = [...text].map((_, i) => i).filter(() => random() < 0.4);
      const out = streamed(text, cuts);
      if (out !== rehydrate(text, vault))
        expect({ text, cuts, out }).toEqual({ text, cuts, out: rehydrate(text, vault) });
    }
  });

  it('releases ordinary text at once and a possible placeholder as soon as it cannot be one', () => {
    const r = createStreamRehydrator(vault);
    expect(r.push('if a ')).toBe('if a ');
    expect(r.push('<')).toBe('');
    expect(r.push(' 3')).toBe('< 3');
    // "<b" could still become "<BIC_1>" (brackets are case-insensitive): held for one more chunk
    expect(r.push(' <b')).toBe(' ');
    expect(r.push('>')).toBe('<b>');
    expect(r.push(' then <PER')).toBe(' then ');
    expect(r.push('SON_1')).toBe('');
    expect(r.push('>')).toBe('Alice Smith');
    expect(r.push(' and PERSON_1')).toBe(' and ');
    expect(r.push('.')).toBe('Alice Smith.');
    expect(r.push('<PERSON_99')).toBe('');
    expect(r.end()).toBe('<PERSON_99');
    expect(r.stats()).toEqual({ restored: 2, unknown: 0 });
  });

  it('never holds back more than the longest possible placeholder form', () => {
    const text = 'a<b &lt; c <PERSON_12345 PERSON_ &lt;  CN_RESIDENT_ID_123456  &g x'.repeat(20);
    const r = createStreamRehydrator(vault);
    let released = 0;
    let maxHeld = 0;
    for (let i = 0; i < text.length; i += 1) {
      released += r.push(text[i] ?? '').length;
      maxHeld = Math.max(maxHeld, i + 1 - released);
    }
    expect(released + r.end().length).toBe(text.length);
    expect(maxHeld).toBeGreaterThan(20);
    expect(maxHeld).toBeLessThanOrEqual(MAX_FORM_LENGTH);
  });

  it('works as an async-iterable transform and counts what it did', async () => {
    async function* tokens() {
      yield* ['Dear <PER', 'SON_', '1>, see <PERSON_', '99> and &lt;IB', 'AN_1&gt;.'];
    }
    const it = rehydrateStream(tokens(), vault);
    let out = '';
    let next = await it.next();
    while (!next.done) {
      out += next.value;
      next = await it.next();
    }
    expect(out).toBe(`Dear Alice Smith, see ${UNKNOWN_PLACEHOLDER} and GB82 WEST 1234 5698 7654 32.`);
    expect(next.value).toEqual({ restored: 2, unknown: 1 });
  });
});
