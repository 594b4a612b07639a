// Splits an article's Markdown into passages along its headings: each passage is one section
// (heading + the text under it), long sections cut again at paragraph breaks so that a passage
// stays short enough to quote verbatim. Headings inside fenced code blocks are not headings.

export interface Section {
  /** heading path below the title, e.g. "Fees › Abroad"; null for text before the first heading */
  heading: string | null;
  text: string;
}

export const MAX_PASSAGE_CHARS = 1200;
const HEADING = /^(#{1,6})[ \t]+(.+?)[ \t#]*$/;
const FENCE = /^\s*(```|~~~)/;

/** The first level-1 heading, if the document starts with one (after blank lines). */
export function markdownTitle(markdown: string): string | undefined {
  const first = markdown.split('\n').find((l) => l.trim() !== '');
  const m = first ? HEADING.exec(first.trim()) : null;
  return m && m[1] === '#' ? m[2]!.trim() : undefined;
}

export function splitMarkdown(markdown: string): Section[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const sections: Section[] = [];
  const path: { level: number; text: string }[] = [];
  let current: string[] = [];
  let heading: string | null = null;
  let fenced = false;
  const flush = () => {
    const text = current.join('\n').trim();
    if (text) for (const piece of cut(text)) sections.push({ heading, text: piece });
    current = [];
  };
  for (const line of lines) {
    if (FENCE.test(line)) fenced = !fenced;
    const m = fenced ? null : HEADING.exec(line);
    if (!m) {
      current.push(line);
      continue;
    }
    flush();
    const level = m[1]!.length;
    if (level === 1) {
      path.length = 0;
      heading = null;
      continue; // the article's title: not part of a passage heading
    }
    while (path.length && path[path.length - 1]!.level >= level) path.pop();
    path.push({ level, text: m[2]!.trim() });
    heading = path.map((p) => p.text).join(' › ');
  }
  flush();
  return sections;
}

/** Cuts text longer than MAX_PASSAGE_CHARS at paragraph (then sentence, then hard) boundaries. */
function cut(text: string): string[] {
  if (text.length <= MAX_PASSAGE_CHARS) return [text];
  const pieces: string[] = [];
  let buf = '';
  const units = text
    .split(/\n{2,}/)
    .flatMap((p) => (p.length <= MAX_PASSAGE_CHARS ? [p] : p.split(/(?<=[.!?。！？])\s*/)));
  for (const unit of units) {
    for (let i = 0; i < unit.length; i += MAX_PASSAGE_CHARS) {
      const part = unit.slice(i, i + MAX_PASSAGE_CHARS);
      if (buf && buf.length + part.length + 2 > MAX_PASSAGE_CHARS) {
        pieces.push(buf.trim());
        buf = '';
      }
      buf += (buf ? '\n\n' : '') + part;
    }
  }
  if (buf.trim()) pieces.push(buf.trim());
  return pieces;
}
