// What the model is given for one answer: the knowledge-base passages that answer the newest
// question (public articles only) and the transcript in the model's message shape.
import { type ChatMessage, DEFAULT_THRESHOLD, searchFollowUp, unknownText } from '../../gateway/index.ts';
import { type Lang, LANGS } from '../../gateway/redaction/index.ts';
import { knowledgeFor } from '../knowledge/source.ts';
import type { ChatEnv } from './env.ts';
import type { MessageRow } from './present.ts';

/** Passages below this confidence are not shown as sources nor given to the model. */
export const SOURCE_CONFIDENCE = 0.35;
const MAX_SOURCES = 3;

export interface Source {
  articleId: string;
  title: string;
  text: string;
}

/** The sources for the newest question, read as a follow-up of `previous` when it is short (the extractive provider searches the same way). */
export async function findSources(
  env: Pick<ChatEnv, 'deps'>,
  question: string,
  lang: string | null,
  previous?: string,
): Promise<Source[]> {
  try {
    const knowledge = knowledgeFor(env.deps.db.dataSource);
    const found = await searchFollowUp(knowledge, {
      question,
      ...(previous ? { previous } : {}),
      ...(lang ? { lang } : {}),
      audience: 'public',
      limit: MAX_SOURCES,
      threshold: DEFAULT_THRESHOLD,
    });
    const seen = new Set<string>();
    const sources: Source[] = [];
    for (const p of found.passages) {
      if (p.confidence < SOURCE_CONFIDENCE || seen.has(p.articleId) || sources.length >= MAX_SOURCES) continue;
      seen.add(p.articleId);
      sources.push({ articleId: p.articleId, title: p.title, text: p.text });
    }
    return sources;
  } catch {
    return []; // no sources is a worse answer, not a failure
  }
}

/** Public knowledge-base text only: no personal data goes into the system prompt. */
export function systemPrompt(siteName: string, sources: Source[], lang?: string | null): string {
  const head = `You are the customer-service assistant of ${siteName}. Answer briefly and only from the knowledge-base passages below. If they do not answer the question, reply exactly: "${unknownText(lang ?? undefined)}" Never ask for passwords, PINs or full card numbers.`;
  if (sources.length === 0) return `${head}\n\nNo passage matches this question.`;
  return `${head}\n\n${sources.map((s, i) => `[${i + 1}] ${s.title}\n${s.text}`).join('\n\n')}`;
}

/** The transcript as the model sees it: notices left out, attachments only named. */
export function toModelMessages(messages: MessageRow[]): ChatMessage[] {
  return messages.flatMap((m): ChatMessage[] => {
    if (m.role === 'system') return [];
    const files = m.attachments.map((a) => `[attachment: ${a.mime}]`).join(' ');
    const content = [m.text, files].filter(Boolean).join(' ');
    return [{ role: m.role === 'visitor' ? 'user' : 'assistant', content }];
  });
}

export const asLang = (language: string | null): Lang | undefined => {
  const base = language?.split('-')[0];
  return (LANGS as readonly string[]).includes(base ?? '') ? (base as Lang) : undefined;
};
