// FAQ files: question/answer pairs from CSV (a header row naming the question and answer columns)
// or JSON (an array of {question, answer}, or {faq: [...]}) → one Markdown article whose sections
// are the questions, so each pair becomes one passage with the question as its heading.
import { z } from 'zod';

export const FaqPair = z.object({
  question: z.string().trim().min(3).max(500),
  answer: z.string().trim().min(1).max(20_000),
});
export type FaqPair = z.infer<typeof FaqPair>;
const FaqJson = z.union([
  z.array(FaqPair).min(1),
  z.object({ title: z.string().optional(), faq: z.array(FaqPair).min(1) }),
]);

export class FaqFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaqFormatError';
  }
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      (row.push(field), rows.push(row), (row = []), (field = ''));
    } else field += c;
  }
  if (quoted) throw new FaqFormatError('unterminated quoted field');
  if (field !== '' || row.length) (row.push(field), rows.push(row));
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

const Q_NAMES = ['question', 'q', '问题'];
const A_NAMES = ['answer', 'a', '答案', '回答'];

export function faqFromCsv(text: string): FaqPair[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new FaqFormatError('empty file');
  const names = header.map((h) => h.trim().toLowerCase());
  const qi = names.findIndex((n) => Q_NAMES.includes(n));
  const ai = names.findIndex((n) => A_NAMES.includes(n));
  if (qi < 0 || ai < 0) throw new FaqFormatError('the header row must name a "question" and an "answer" column');
  if (rows.length === 0) throw new FaqFormatError('no question/answer rows');
  return rows.map((r, i) => {
    const pair = FaqPair.safeParse({ question: r[qi] ?? '', answer: r[ai] ?? '' });
    if (!pair.success)
      throw new FaqFormatError(
        `row ${i + 2}: ${pair.error.issues[0]?.path.join('.')} ${pair.error.issues[0]?.message}`,
      );
    return pair.data;
  });
}

export function faqFromJson(text: string): { title?: string; pairs: FaqPair[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new FaqFormatError('not valid JSON');
  }
  const parsed = FaqJson.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FaqFormatError(
      `expected [{question, answer}, …] or {faq: […]}: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`.trim(),
    );
  }
  return Array.isArray(parsed.data) ? { pairs: parsed.data } : { title: parsed.data.title, pairs: parsed.data.faq };
}

/** A question becomes a heading: it must stay on one line. */
export function faqToMarkdown(pairs: FaqPair[]): string {
  return pairs.map((p) => `## ${p.question.replace(/\s+/g, ' ')}\n\n${p.answer}`).join('\n\n');
}
