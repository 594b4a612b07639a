// Trims a conversation to a model's context by a token budget: system messages always stay, then
// the newest turns that fit. The last message (the question) is kept even when it alone is over.
import { estimateTokens, type ChatMessage } from './types.ts';

export function trimToBudget(messages: ChatMessage[], budgetTokens: number | undefined): ChatMessage[] {
  if (budgetTokens === undefined) return messages;
  const system = messages.filter((m) => m.role === 'system');
  const turns = messages.filter((m) => m.role !== 'system');
  let used = system.reduce((n, m) => n + estimateTokens(m.content), 0);
  const kept: ChatMessage[] = [];
  for (let i = turns.length - 1; i >= 0; i -= 1) {
    const m = turns[i]!;
    const cost = estimateTokens(m.content);
    if (kept.length > 0 && used + cost > budgetTokens) break;
    kept.unshift(m);
    used += cost;
  }
  return [...system, ...kept];
}
