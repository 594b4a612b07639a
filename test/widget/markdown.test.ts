// The widget's Markdown parser: a table of inputs and the tree the DOM renderer gets. Anything
// outside the grammar (HTML, unsafe link schemes) must come out as plain text.
import { describe, expect, it } from 'vitest';
import { parseMarkdown, safeHref } from '../../web/widget/src/markdown.ts';

const p = (...children: unknown[]) => ({ t: 'p', children });
const text = (t: string) => ({ t: 'text', text: t });

const cases: [string, string, unknown[]][] = [
  ['plain text', 'Hello there', [p(text('Hello there'))]],
  ['paragraphs split on blank lines', 'one\n\ntwo', [p(text('one')), p(text('two'))]],
  ['single newline is a line break', 'one\r\ntwo', [p(text('one'), { t: 'br' }, text('two'))]],
  ['bold', 'a **b** c', [p(text('a '), { t: 'strong', children: [text('b')] }, text(' c'))]],
  [
    'italic with star and underscore',
    '*x* _y_',
    [p({ t: 'em', children: [text('x')] }, text(' '), { t: 'em', children: [text('y')] })],
  ],
  ['snake_case stays text', 'my_var_name', [p(text('my_var_name'))]],
  [
    'bold containing italic',
    '**a _b_**',
    [p({ t: 'strong', children: [text('a '), { t: 'em', children: [text('b')] }] })],
  ],
  ['inline code is literal', 'run `**not bold**`', [p(text('run '), { t: 'code', text: '**not bold**' })]],
  ['unclosed marks stay literal', '2 * 3 and **open', [p(text('2 * 3 and **open'))]],
  [
    'a masked card number stays as written',
    'card 4111 11** **** 1111 blocked',
    [p(text('card 4111 11** **** 1111 blocked'))],
  ],
  ['a run of stars is text', 'rate ***** and * * *', [p(text('rate ***** and * * *'))]],
  ['escaped star', '\\*not italic\\*', [p(text('*not italic*'))]],
  [
    'bullet list',
    '- one\n- **two**',
    [{ t: 'ul', items: [[text('one')], [{ t: 'strong', children: [text('two')] }]] }],
  ],
  [
    'numbered list after a paragraph',
    'Steps:\n1. open the app\n2) tap Block',
    [p(text('Steps:')), { t: 'ol', items: [[text('open the app')], [text('tap Block')]] }],
  ],
  ['wrapped list item', '- one\n  more', [{ t: 'ul', items: [[text('one'), { t: 'br' }, text('more')]] }]],
  [
    'list kinds change',
    '- a\n1. b',
    [
      { t: 'ul', items: [[text('a')]] },
      { t: 'ol', items: [[text('b')]] },
    ],
  ],
  [
    'https link',
    '[Help](https://bank.example/help)',
    [p({ t: 'link', href: 'https://bank.example/help', children: [text('Help')] })],
  ],
  [
    'bare url, trailing dot not part of it',
    'See http://bank.example/a?b=1.',
    [
      p(
        text('See '),
        { t: 'link', href: 'http://bank.example/a?b=1', children: [text('http://bank.example/a?b=1')] },
        text('.'),
      ),
    ],
  ],
  ['javascript: link stays text', '[x](javascript:alert(1))', [p(text('[x](javascript:alert(1))'))]],
  ['data: link stays text', '[x](data:text/html,hi)', [p(text('[x](data:text/html,hi)'))]],
  ['relative link stays text', '[x](/admin)', [p(text('[x](/admin)'))]],
  ['HTML is text', '<img src=x onerror="window.__xss=1">', [p(text('<img src=x onerror="window.__xss=1">'))]],
  ['script tag is text', '<script>alert(1)</script>', [p(text('<script>alert(1)</script>'))]],
  ['empty input', '   \n\n', []],
];

describe('widget markdown', () => {
  it.each(cases)('%s', (_name, input, expected) => {
    expect(parseMarkdown(input)).toEqual(expected);
  });

  it.each([
    ['https://a.example/x', 'https://a.example/x'],
    ['HTTP://A.example', 'http://a.example/'],
    ['javascript:alert(1)', null],
    ['  javascript:alert(1)', null],
    ['ftp://a.example', null],
    ['//a.example', null],
    ['https://', null],
  ])('safeHref(%s)', (input, expected) => {
    expect(safeHref(input)).toBe(expected);
  });
});
