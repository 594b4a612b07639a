// No language model: the answer is the best-matching knowledge-base passage, word for word, with
// "I don't know" below the confidence threshold. The zero-config default, so a fresh install
// answers from its knowledge base without any model. A short follow-up is read in the context of
// the visitor's previous question (knowledge/followUp.ts).
import { extractiveAnswer } from '../../knowledge/answer.ts';
import { lastQuestions, searchFollowUp } from '../../knowledge/followUp.ts';
import type { KnowledgeSearch } from '../../knowledge/types.ts';
import { ProviderError } from '../../model/errors.ts';
import { estimateTokens } from '../../model/types.ts';
import type { ModelClient, ModelEvent, Provider } from '../types.ts';

export interface ExtractiveOptions {
  knowledge: KnowledgeSearch;
  /** below it the answer is "I don't know" (knowledge/answer.ts's default when absent) */
  threshold?: number;
}

/** Words per streamed delta: the passage arrives the way a model's answer would. */
const WORDS_PER_DELTA = 8;

export const extractive = {
  name: 'extractive',
  create(options: ExtractiveOptions): ModelClient {
    return {
      locations: ['local'],
      async models() {
        return ['kb'];
      },
      async *stream(request, signal): AsyncGenerator<ModelEvent> {
        const { question, previous } = lastQuestions(request.messages);
        let answer;
        try {
          const found = await searchFollowUp(options.knowledge, {
            question,
            previous,
            lang: request.lang,
            audience: 'public',
            limit: 3,
            threshold: options.threshold,
          });
          answer = extractiveAnswer(found.passages, { threshold: options.threshold, lang: request.lang });
        } catch {
          throw new ProviderError('unavailable', 'knowledge search failed');
        }
        const parts = answer.text.match(new RegExp(`(?:\\S+\\s*){1,${WORDS_PER_DELTA}}|\\s+`, 'g')) ?? [answer.text];
        for (const text of parts) {
          if (signal.aborted) throw new ProviderError('unavailable', 'aborted');
          yield { type: 'delta', text };
        }
        yield {
          type: 'end',
          usage: { tokensIn: estimateTokens(question), tokensOut: estimateTokens(answer.text) },
          finishReason: 'stop',
        };
      },
    };
  },
} satisfies Provider<ExtractiveOptions>;
