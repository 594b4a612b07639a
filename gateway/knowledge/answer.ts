// Turning retrieved passages into an answer. The extractive answer quotes the best passage
// verbatim; the grounded prompt hands numbered sources to a generative model. Either way, below
// the confidence threshold the answer is "I don't know" with an offer of a human — never a guess.
import { baseLang, detectLanguage, type AnalysedLang } from './language.ts';
import type { PassageHit } from './types.ts';

export interface Citation {
  n: number;
  articleId: string;
  versionId: string;
  passageId: string;
  title: string;
  heading: string | null;
}

export type Answer =
  | { kind: 'answer'; text: string; confidence: number; citations: Citation[] }
  | { kind: 'unknown'; text: string; confidence: number; citations: []; offerHuman: true };

/**
 * Read off the precision/recall curve `npm run eval:kb` prints for the dev split of the held-out
 * set: the lowest threshold at which ≥ 90% of unanswerable questions get "I don't know" (dev: 1.00,
 * with 70% of answerable questions answered right; 0.65 gave 0.88). Confidence is a calibrated
 * probability (confidence.ts).
 */
export const DEFAULT_THRESHOLD = 0.7;

const UNKNOWN: Record<AnalysedLang, string> = {
  en: "I don't know the answer to that from our help articles. Would you like me to connect you with a member of our team?",
  zh: '抱歉，我们的帮助文章中没有找到这个问题的答案。需要为您转接人工客服吗？',
  de: 'Darauf habe ich in unseren Hilfeartikeln keine Antwort gefunden. Möchten Sie, dass ich Sie mit einer Mitarbeiterin oder einem Mitarbeiter unseres Teams verbinde?',
  fr: "Je ne trouve pas la réponse à cette question dans nos articles d'aide. Voulez-vous que je vous mette en relation avec un membre de notre équipe ?",
  es: 'No encuentro la respuesta a eso en nuestros artículos de ayuda. ¿Quieres que te ponga en contacto con una persona de nuestro equipo?',
};

/**
 * "I don't know" with the offer of a human, in the visitor's language: the language given, else
 * the question's (when known), else English.
 */
export const unknownText = (lang?: string, question?: string) =>
  UNKNOWN[baseLang(lang) ?? (question ? detectLanguage(question) : 'en')];

/** Whether an answer is the "I don't know" (in any language), which offers a person instead of sources. */
export const isUnknownText = (text: string) => Object.values(UNKNOWN).includes(text.trim());

export function citationOf(p: PassageHit, n: number): Citation {
  return {
    n,
    articleId: p.articleId,
    versionId: p.versionId,
    passageId: p.passageId,
    title: p.title,
    heading: p.heading,
  };
}

export function isConfident(passages: PassageHit[], threshold = DEFAULT_THRESHOLD): boolean {
  return passages.length > 0 && passages[0]!.confidence >= threshold;
}

/**
 * The `extractive` provider's answer: the best passage word for word, with its citation. When a
 * second article also answers with confidence (a question spanning two topics: "I lost my card and
 * need to stop a payment"), its best passage is quoted too, each with its own citation.
 */
export function extractiveAnswer(
  passages: PassageHit[],
  opts: { threshold?: number; lang?: string; question?: string } = {},
): Answer {
  const best = passages[0];
  if (!best || !isConfident(passages, opts.threshold)) {
    // Without a language hint or the question, the nearest passage's language is the best guess.
    const lang = opts.lang ?? (opts.question ? undefined : best?.language);
    return {
      kind: 'unknown',
      text: unknownText(lang, opts.question),
      confidence: best?.confidence ?? 0,
      citations: [],
      offerHuman: true,
    };
  }
  const second = passages.find(
    (p) => p.articleId !== best.articleId && p.confidence >= (opts.threshold ?? DEFAULT_THRESHOLD),
  );
  if (!second)
    return { kind: 'answer', text: best.text, confidence: best.confidence, citations: [citationOf(best, 1)] };
  return {
    kind: 'answer',
    text: `${best.text} [1]\n\n${second.text} [2]`,
    confidence: best.confidence,
    citations: [citationOf(best, 1), citationOf(second, 2)],
  };
}

export interface GroundedPrompt {
  system: string;
  user: string;
  citations: Citation[];
}

/**
 * The prompt for a generative provider: sources numbered [1]..[n], the model told to answer only
 * from them, cite them, and say it does not know otherwise. Returns null below the threshold: the
 * caller answers unknownText() without asking a model at all.
 */
export function groundedPrompt(
  question: string,
  passages: PassageHit[],
  opts: { threshold?: number; maxSources?: number; lang?: string } = {},
): GroundedPrompt | null {
  if (!isConfident(passages, opts.threshold)) return null;
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const used = passages.filter((p, i) => i === 0 || p.confidence >= threshold / 2).slice(0, opts.maxSources ?? 4);
  const citations = used.map((p, i) => citationOf(p, i + 1));
  const sources = used
    .map((p, i) => `[${i + 1}] ${p.title}${p.heading ? ` — ${p.heading}` : ''}\n${p.text}`)
    .join('\n\n');
  const system = [
    "You are the bank's customer-service assistant. Answer ONLY from the numbered sources below.",
    'Cite the sources you used as [1], [2]. Do not use any other knowledge, and do not guess.',
    `If the sources do not answer the question, reply exactly: "${unknownText(opts.lang, question)}"`,
    'Answer in the language of the question. Never ask for passwords, PINs or full card numbers.',
    '',
    'Sources:',
    sources,
  ].join('\n');
  return { system, user: question, citations };
}
