// HTML → Markdown-ish text by string processing only: nothing is parsed into a DOM, nothing runs.
// Script, style and other active or invisible elements go with their content; headings become
// Markdown headings (so the splitter can cut along them); every other tag is dropped.

const DROP_WITH_CONTENT = [
  'script',
  'style',
  'title',
  'noscript',
  'template',
  'iframe',
  'object',
  'embed',
  'svg',
  'math',
  'head',
  'select',
  'textarea',
  'canvas',
];
const BLOCK =
  /^(p|div|section|article|header|footer|main|aside|nav|ul|ol|table|tr|blockquote|pre|form|fieldset|figure|dl|dt|dd|br|hr)$/;

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  copy: '©',
  reg: '®',
  euro: '€',
  pound: '£',
  yen: '¥',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === '#') {
      const n = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff)
        ? String.fromCodePoint(n)
        : '';
    }
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}

export function htmlTitle(html: string): string | undefined {
  const m = /<title[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html) ?? /<h1[^>]*>([\s\S]*?)<\/h1\s*>/i.exec(html);
  const t = m
    ? decodeEntities(m[1]!.replace(/<[^>]*>/g, ''))
        .replace(/\s+/g, ' ')
        .trim()
    : '';
  return t || undefined;
}

export function htmlToMarkdown(html: string): string {
  let s = html
    .replace(/<!--[\s\S]*?(-->|$)/g, '')
    .replace(/<!\[CDATA\[[\s\S]*?(\]\]>|$)/g, '')
    .replace(/<![^>]*>/g, '');
  for (const tag of DROP_WITH_CONTENT) {
    // An unclosed dangerous element swallows the rest of the document: safer than leaking it.
    s = s.replace(new RegExp(`<${tag}\\b[^>]*>[\\s\\S]*?(<\\/${tag}\\s*>|$)`, 'gi'), ' ');
    s = s.replace(new RegExp(`<${tag}\\b[^>]*\\/?>`, 'gi'), ' ');
  }
  s = s.replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi, (_w, level: string, inner: string) => {
    const text = inner
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return text ? `\n\n${'#'.repeat(Number(level))} ${text}\n\n` : '\n\n';
  });
  s = s.replace(/<li\b[^>]*>/gi, '\n- ');
  s = s.replace(/<\/?([a-z][a-z0-9]*)\b[^>]*>/gi, (_w, tag: string) =>
    BLOCK.test(tag.toLowerCase()) ? '\n\n' : tag.toLowerCase() === 'td' || tag.toLowerCase() === 'th' ? ' ' : '',
  );
  s = s.replace(/<[^>]*>/g, ''); // anything tag-like left over (malformed)
  s = decodeEntities(s).replace(/[<>]/g, (c) => (c === '<' ? '‹' : '›'));
  return s
    .split('\n')
    .map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
