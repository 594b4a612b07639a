// The small Markdown the chat speaks, parsed to a tree the renderer turns into DOM with
// createElement/textContent only. Pure (no DOM), so it is unit-tested in Node. Anything the
// grammar does not know stays literal text: a message can never become markup.

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'br' }
  | { t: 'strong'; children: Inline[] }
  | { t: 'em'; children: Inline[] }
  | { t: 'code'; text: string }
  | { t: 'link'; href: string; children: Inline[] };

export type Block = { t: 'p'; children: Inline[] } | { t: 'ul' | 'ol'; items: Inline[][] };

const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^\s{0,3}\d{1,9}[.)]\s+(.*)$/;
const BARE_URL = /^https?:\/\/[^\s<>"'`]+/i;
const TRAILING_PUNCT = /[.,;:!?)\]]+$/;

/** The URL when it is an absolute http(s) URL, else null: no javascript:, data:, relative… */
export function safeHref(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^https?:\/\//i.test(trimmed)) return null;
  try {
    const url = new URL(trimmed);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  let list: { t: 'ul' | 'ol'; items: string[][] } | null = null;
  const flush = () => {
    if (para.length) blocks.push({ t: 'p', children: joinLines(para) });
    if (list) blocks.push({ t: list.t, items: list.items.map(joinLines) });
    para = [];
    list = null;
  };
  for (const line of lines) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    const kind = bullet ? 'ul' : numbered ? 'ol' : null;
    if (kind) {
      if (para.length || (list && list.t !== kind)) flush();
      list ??= { t: kind, items: [] };
      list.items.push([(bullet ?? numbered)![1]!]);
    } else if (list) {
      list.items[list.items.length - 1]!.push(line.trim()); // a wrapped list item
    } else {
      para.push(line);
    }
  }
  flush();
  return blocks;
}

function joinLines(lines: string[]): Inline[] {
  const out: Inline[] = [];
  lines.forEach((line, i) => {
    if (i > 0) out.push({ t: 'br' });
    out.push(...parseInline(line));
  });
  return merge(out);
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const push = (node: Inline) => {
    if (plain) out.push({ t: 'text', text: plain });
    plain = '';
    out.push(node);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const rest = text.slice(i);
    if (c === '\\' && i + 1 < text.length && /[\\`*_[\]()]/.test(text[i + 1]!)) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        push({ t: 'code', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (rest.startsWith('**') || rest.startsWith('__')) {
      const mark = rest.slice(0, 2);
      const end = text.indexOf(mark, i + 2);
      if (end > i + 2 && !/\s/.test(text[i + 2]!) && !/\s/.test(text[end - 1]!)) {
        push({ t: 'strong', children: parseInline(text.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if (c === '*' || c === '_') {
      const end = findSingle(text, c, i + 1);
      // A run of marks (a masked card's `11** **** 1111`) is text, not an empty emphasis.
      const inner = (ch: string | undefined) => ch !== undefined && ch !== c && !/\s/.test(ch);
      if (end > i + 1 && inner(text[i + 1]) && inner(text[end - 1]) && (c === '*' || !/\w/.test(text[i - 1] ?? ''))) {
        push({ t: 'em', children: parseInline(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (c === '[') {
      const link = /^\[([^\]\n]+)\]\(([^)\s]+)\)/.exec(rest);
      const href = link ? safeHref(link[2]!) : null;
      if (link && href) {
        push({ t: 'link', href, children: parseInline(link[1]!) });
        i += link[0].length;
        continue;
      }
    }
    if ((c === 'h' || c === 'H') && !/\w/.test(text[i - 1] ?? '')) {
      const m = BARE_URL.exec(rest);
      if (m) {
        const raw = m[0].replace(TRAILING_PUNCT, '');
        const href = safeHref(raw);
        if (href) {
          push({ t: 'link', href, children: [{ t: 'text', text: raw }] });
          i += raw.length;
          continue;
        }
      }
    }
    plain += c;
    i += 1;
  }
  if (plain) out.push({ t: 'text', text: plain });
  return merge(out);
}

/** The next single `mark` (not half of a double one) at or after `from`, or -1. */
function findSingle(text: string, mark: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] !== mark) continue;
    if (text[j + 1] === mark) {
      j++;
      continue;
    }
    return j;
  }
  return -1;
}

function merge(nodes: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const n of nodes) {
    const last = out[out.length - 1];
    if (n.t === 'text' && last?.t === 'text') last.text += n.text;
    else out.push(n);
  }
  return out;
}
