// Follow-up questions. "How long does it take to get the new one?" after a lost-card answer is about
// the lost card, yet searched alone it finds whatever passage says "how long it takes". A short
// message after an earlier question is therefore searched together with that question; when it
// names no topic of its own (only words such as "long", "new", "one"), and the article that
// answered the earlier question is preferred. A message that names a topic ("How do I change my
// PIN?", "Can I get a mortgage for a boat?") is a new question and is searched alone.
import { isConfident } from './answer.ts';
import { prepare, stem } from './text.ts';
import type { KnowledgeSearch, SearchRequest, SearchResult } from './types.ts';

/** Longer messages are questions of their own, whatever came before. */
const SHORT_WORDS = 12;
const SHORT_HAN = 24;

// Words that ask about something without naming it (after text.ts's stop words are gone).
const GENERIC = new Set(
  `long take new one ones much many next still use again soon quick quickly fast time times way thing things something anything everything
  happen happens work works come go make same now later after before usually normally ok okay else anyway long how kind sort possible
  really actually exactly right sure mean means need also yes no`
    .split(/\s+/)
    .filter(Boolean)
    .map(stem),
);
/** Chinese words that ask without naming a topic: time, amount, manner, reference. */
const ZH_GENERIC =
  /多久|多长时间|什么时候|多少|怎么办|怎么样|怎样|如何|为什么|这个|那个|这样|那样|还有|以后|之后|然后|现在|需要|可以|能不能|是不是|要不要|新的|[的了吗呢么吧啊呀我你您他她它们是在有和与及或就都也还要会能可请问怎什哪里儿个一这那]/g;

export interface FollowUpRequest extends SearchRequest {
  /** the visitor's question before this one (redacted the same way), if any */
  previous?: string;
  threshold?: number;
}

export function isShort(text: string): boolean {
  const p = prepare(text);
  const han = p.han.reduce((n, r) => n + [...r.text].length, 0);
  return text.trim().split(/\s+/).length <= SHORT_WORDS && han <= SHORT_HAN;
}

/** The words of a message that name what it is about (none: it only asks "how long", "how much", …). */
export function topicWords(text: string): string[] {
  const p = prepare(text);
  const words = p.words.filter((w) => !GENERIC.has(w) && !/^\d+$/.test(w));
  // What is left of a Chinese run once the asking words are gone: a word (two characters or more) is a topic.
  const han = p.han.map((r) => r.text.replace(ZH_GENERIC, '')).filter((t) => [...t].length > 1);
  return [...words, ...han];
}

/**
 * Searches `question`, reading it as a follow-up of `previous` when it is short: see the top of the
 * file. The result's passages are in answer order (the first one is the extractive answer).
 */
export async function searchFollowUp(knowledge: KnowledgeSearch, req: FollowUpRequest): Promise<SearchResult> {
  const { previous, threshold, ...base } = req;
  const own = await knowledge.search(base);
  if (!previous?.trim() || !isShort(req.question)) return own;
  // A topic of its own: a new question, answered (or not known) on its own terms. Mixing in the
  // earlier question's words would only make an unknown topic look like the earlier one.
  if (topicWords(req.question).length > 0) return own;
  const combined = await knowledge.search({ ...base, question: `${previous}\n${req.question}` });
  const before = await knowledge.search({ ...base, question: previous });
  const article = isConfident(before.passages, threshold) ? before.passages[0]!.articleId : null;
  if (!article) return combined;
  const preferred = combined.passages.filter((p) => p.articleId === article);
  return { ...combined, passages: [...preferred, ...combined.passages.filter((p) => p.articleId !== article)] };
}

/** The visitor's two newest questions in a transcript: the one to answer and the one before it. */
export function lastQuestions(messages: { role: string; content: string }[]): { question: string; previous?: string } {
  const users = messages.filter((m) => m.role === 'user').map((m) => m.content);
  const question = users.at(-1) ?? '';
  const previous = users.at(-2);
  return previous === undefined ? { question } : { question, previous };
}
