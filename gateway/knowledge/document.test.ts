// Table tests for turning files into articles: splitting along headings, HTML reduced to text with
// scripts removed, FAQ files, and the per-file errors for bad input.
import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, parseFile } from './document.ts';
import { faqFromCsv } from './faq.ts';
import { htmlToMarkdown } from './html.ts';
import { MAX_PASSAGE_CHARS, splitMarkdown } from './split.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('splitMarkdown', () => {
  const cases: [string, string, { heading: string | null; text: string }[]][] = [
    [
      'title then sections',
      '# Cards\n\nIntro.\n\n## Lost card\nFreeze it.\n\n## PIN\nShow it in the app.',
      [
        { heading: null, text: 'Intro.' },
        { heading: 'Lost card', text: 'Freeze it.' },
        { heading: 'PIN', text: 'Show it in the app.' },
      ],
    ],
    [
      'nested headings keep their path',
      '## Fees\nA.\n### Abroad\nB.\n## Limits\nC.',
      [
        { heading: 'Fees', text: 'A.' },
        { heading: 'Fees › Abroad', text: 'B.' },
        { heading: 'Limits', text: 'C.' },
      ],
    ],
    [
      'headings inside code fences are text',
      '## Setup\n```\n# not a heading\n```',
      [{ heading: 'Setup', text: '```\n# not a heading\n```' }],
    ],
    ['empty sections vanish', '## A\n\n## B\ntext', [{ heading: 'B', text: 'text' }]],
    [
      'CRLF line ends',
      '## A\r\none\r\n## B\r\ntwo',
      [
        { heading: 'A', text: 'one' },
        { heading: 'B', text: 'two' },
      ],
    ],
    ['no headings: one passage', 'just text', [{ heading: null, text: 'just text' }]],
  ];
  it.each(cases)('%s', (_name, md, expected) => {
    expect(splitMarkdown(md)).toEqual(expected);
  });

  it('cuts a long section into quotable passages at paragraph breaks', () => {
    const para = 'Sentence about fees. '.repeat(40).trim();
    const sections = splitMarkdown(`## Fees\n${Array.from({ length: 6 }, () => para).join('\n\n')}`);
    expect(sections.length).toBeGreaterThan(3);
    for (const s of sections) {
      expect(s.heading).toBe('Fees');
      expect(s.text.length).toBeLessThanOrEqual(MAX_PASSAGE_CHARS);
    }
  });
});

describe('htmlToMarkdown', () => {
  const cases: [string, string, string][] = [
    [
      'headings become Markdown',
      '<h1>Cards</h1><p>Intro</p><h2>Lost</h2><p>Freeze it</p>',
      '# Cards\n\nIntro\n\n## Lost\n\nFreeze it',
    ],
    [
      'scripts and styles go with their content',
      '<p>a</p><script>alert("x")</script><style>p{}</style><p>b</p>',
      'a\n\nb',
    ],
    ['an unclosed script swallows the rest', '<p>safe</p><script>steal()', 'safe'],
    ['event handlers and tags are dropped', '<p onclick="evil()">Click <b>here</b></p>', 'Click here'],
    [
      'entities decoded, angle brackets neutralised',
      '<p>&lt;script&gt;x&lt;/script&gt; &amp; &#x4e2d;</p>',
      '‹script›x‹/script› & 中',
    ],
    ['comments and iframes removed', '<!-- secret --><iframe src="x">y</iframe>text', 'text'],
    ['list items', '<ul><li>one</li><li>two</li></ul>', '- one\n- two'],
  ];
  it.each(cases)('%s', (_name, html, expected) => {
    expect(htmlToMarkdown(html)).toBe(expected);
  });
});

describe('FAQ CSV', () => {
  it('reads quoted fields with commas, quotes and newlines', () => {
    const pairs = faqFromCsv('question,answer\n"What, exactly?","He said ""yes""\nand left"\nSecond question?,Plain\n');
    expect(pairs).toEqual([
      { question: 'What, exactly?', answer: 'He said "yes"\nand left' },
      { question: 'Second question?', answer: 'Plain' },
    ]);
  });
});

describe('parseFile', () => {
  const ok: [string, string, { title: string; passages: number; slug: string }][] = [
    [
      'cards/lost.md',
      '---\ncategory: faq\naudience: public\n---\n# Lost card\n\n## Freeze\nFreeze it.',
      { title: 'Lost card', passages: 1, slug: 'cards/lost' },
    ],
    [
      'Branch Hours.html',
      '<title>Branch hours</title><h2>Weekdays</h2><p>9 to 5</p>',
      { title: 'Branch hours', passages: 1, slug: 'branch-hours' },
    ],
    ['notes.txt', 'Opening hours\n\nWe open at nine.', { title: 'Opening hours', passages: 1, slug: 'notes' }],
    [
      'faq.csv',
      'question,answer\nHow do I pay?,With a card.\nWhere?,Online.',
      { title: 'faq', passages: 2, slug: 'faq' },
    ],
    [
      'faq.json',
      JSON.stringify({ title: 'Card FAQ', faq: [{ question: 'Lost card?', answer: 'Freeze it.' }] }),
      { title: 'Card FAQ', passages: 1, slug: 'faq' },
    ],
  ];
  it.each(ok)('imports %s', (name, content, expected) => {
    const r = parseFile(name, bytes(content));
    expect(r.ok).toBe(true);
    if (r.ok) expect({ title: r.draft.title, passages: r.draft.passages, slug: r.draft.slug }).toEqual(expected);
  });

  const bad: [string, string, Uint8Array][] = [
    ['photo.png', 'unsupported_type', bytes('x')],
    ['huge.md', 'file_too_large', new Uint8Array(MAX_FILE_BYTES + 1).fill(65)],
    ['binary.txt', 'binary_file', new Uint8Array([72, 0, 73])],
    ['latin1.txt', 'not_utf8', new Uint8Array([0x63, 0x61, 0x66, 0xe9])],
    ['empty.md', 'empty_file', bytes('   \n\n')],
    ['only-script.html', 'empty_file', bytes('<script>alert(1)</script>')],
    ['bad-front.md', 'bad_front_matter', bytes('---\naudience: everyone\n---\ntext')],
    ['unknown-key.md', 'bad_front_matter', bytes('---\ncolour: red\n---\ntext')],
    ['broken.json', 'bad_faq', bytes('{"faq": [ {"question": "x"')],
    ['no-header.csv', 'bad_faq', bytes('foo,bar\n1,2')],
    ['unterminated.csv', 'bad_faq', bytes('question,answer\n"oops,never closed')],
  ];
  it.each(bad)('refuses %s with %s', (name, id, content) => {
    const r = parseFile(name, content);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.id).toBe(id);
  });
});
