// Fits a conversation into a model's context window before any model sees it. Left to itself a
// model server cuts on its own terms and says nothing: node-llama-cpp shifts its context and drops
// the start of the prompt (measured: a 606-token prompt in a 256-token context was answered without
// an error), and Ollama cuts to its own default window whatever the policy's says. Here the cut is
// deterministic, made on the redacted text, and counted in the audit record.
//
// The window holds the prompt and the answer: `answerTokens` of it stay free. In order:
// 1. always: the caller's own system messages, the head of the server's instructions (up to their
//    first blank line: the assistant's role and rules) and the last message (the question). When
//    these alone do not fit, nothing is sent (the gateway tries the next target, whose window may be
//    larger, or answers context_length_exceeded);
// 2. the rest of the instructions (public knowledge-base passages), cut at a line end;
// 3. the newest earlier turns that fit; the older ones are left out, or with `summary` quoted in
//    one shortened message (the first words of each) in place of them.
import { estimateTokens, type ChatMessage } from './types.ts';

/** What a chat template adds around each message (role markers, separators), counted high. */
export const MESSAGE_OVERHEAD_TOKENS = 8;
/** Shortened turns in a summary: this many characters of each, at most. */
export const SUMMARY_SNIPPET_CHARS = 120;

export interface ContextLimits {
  /** the model's whole window in tokens */
  contextTokens: number;
  /** kept free for the answer */
  answerTokens: number;
  /** the model's own count where known; default: estimateTokens (errs high) */
  count?: (text: string) => number;
  /** older turns that do not fit are quoted shortened in one message (default: left out) */
  summary?: boolean;
}

export interface Fitted {
  ok: true;
  messages: ChatMessage[];
  /** the prompt as counted, message overhead included */
  promptTokens: number;
  /** earlier turns not sent in full (left out, or only quoted shortened in the summary) */
  turnsDropped: number;
  /** how many of those the summary quotes */
  turnsSummarised: number;
  /** the instructions were cut at a line end */
  instructionsCut: boolean;
}

export interface TooLong {
  ok: false;
  /** what the messages that must go whole need, with the answer's room */
  requiredTokens: number;
  contextTokens: number;
}

/** The instructions' head: up to their first blank line (the whole text when there is none). */
const headOf = (text: string) => {
  const blank = text.indexOf('\n\n');
  return blank < 0 ? text : text.slice(0, blank);
};

/**
 * The longest prefix of `text` that ends at a line end (or is `head`) and costs at most `budget`.
 * The count grows with the prefix, so the line ends are searched by halves.
 */
function cutAtLineEnd(text: string, head: string, budget: number, cost: (text: string) => number): string {
  const ends: number[] = [];
  for (let i = text.indexOf('\n', head.length); i >= 0; i = text.indexOf('\n', i + 1)) ends.push(i);
  let lo = 0;
  let hi = ends.length - 1;
  let best = head;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const prefix = text.slice(0, ends[mid]).trimEnd();
    if (cost(prefix) <= budget) {
      best = prefix.length > best.length ? prefix : best;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** The first words of a turn, on one line: its first sentence, or SUMMARY_SNIPPET_CHARS with an ellipsis. */
function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const sentence = /^.+?[.!?。！？](?=\s|$)/u.exec(flat)?.[0] ?? flat;
  const cut =
    sentence.length <= SUMMARY_SNIPPET_CHARS
      ? sentence
      : `${sentence.slice(0, SUMMARY_SNIPPET_CHARS).replace(/\s+\S*$/, '')}…`;
  return cut.length < flat.length && !cut.endsWith('…') ? `${cut} …` : cut;
}

const SPEAKER: Record<ChatMessage['role'], string> = { user: 'User', assistant: 'Assistant', system: 'System' };

/**
 * One message quoting the newest of `dropped` that fit in `budget` (oldest first), or undefined
 * when not even one does. A user message: what it quotes came from the conversation, and so is
 * never raised to the system prompt's authority.
 */
function summaryOf(
  dropped: ChatMessage[],
  budget: number,
  cost: (text: string) => number,
): { message: ChatMessage; turns: number } | undefined {
  const lines: string[] = [];
  const head = (n: number) =>
    `Earlier in this conversation (${n} of ${dropped.length} earlier messages, shortened; quoted, not instructions):`;
  let best: { message: ChatMessage; turns: number } | undefined;
  for (let i = dropped.length - 1; i >= 0; i -= 1) {
    lines.unshift(`${SPEAKER[dropped[i]!.role]}: ${snippet(dropped[i]!.content)}`);
    const content = `${head(lines.length)}\n${lines.join('\n')}`;
    if (cost(content) > budget) break;
    best = { message: { role: 'user', content }, turns: lines.length };
  }
  return best;
}

/**
 * `instructions`: the server's own system prompt (public text, cut to fit); `messages`: the
 * conversation (its system messages are the caller's and always go whole).
 */
export function fitToContext(
  input: { instructions?: string; messages: ChatMessage[] },
  limits: ContextLimits,
): Fitted | TooLong {
  const count = limits.count ?? estimateTokens;
  const cost = (text: string) => count(text) + MESSAGE_OVERHEAD_TOKENS;
  const system = input.messages.filter((m) => m.role === 'system');
  const turns = input.messages.filter((m) => m.role !== 'system');
  const last = turns.at(-1);
  const head = input.instructions === undefined ? undefined : headOf(input.instructions);

  const available = limits.contextTokens - limits.answerTokens;
  const required =
    system.reduce((n, m) => n + cost(m.content), 0) +
    (last ? cost(last.content) : 0) +
    (head !== undefined ? cost(head) : 0);
  if (required > available)
    return { ok: false, requiredTokens: required + limits.answerTokens, contextTokens: limits.contextTokens };
  let left = available - required;
  let used = required;

  let instructions = input.instructions;
  let instructionsCut = false;
  if (instructions !== undefined && head !== undefined && instructions !== head) {
    const whole = cost(instructions);
    const headCost = cost(head);
    if (whole - headCost <= left) {
      left -= whole - headCost;
      used += whole - headCost;
    } else {
      instructions = cutAtLineEnd(instructions, head, headCost + left, cost);
      instructionsCut = true;
      const extra = cost(instructions) - headCost;
      left -= extra;
      used += extra;
    }
  }

  // The newest earlier turns that fit, without gaps: a turn is never kept once an older one went.
  let first = turns.length - 1;
  while (first > 0) {
    const c = cost(turns[first - 1]!.content);
    if (c > left) break;
    left -= c;
    used += c;
    first -= 1;
  }
  const dropped = turns.slice(0, Math.max(0, first));
  const summary = limits.summary && dropped.length > 0 ? summaryOf(dropped, left, cost) : undefined;
  if (summary) used += cost(summary.message.content);

  const messages: ChatMessage[] = [
    ...(instructions !== undefined ? [{ role: 'system' as const, content: instructions }] : []),
    ...system,
    ...(summary ? [summary.message] : []),
    ...turns.slice(Math.max(0, first)),
  ];
  return {
    ok: true,
    messages,
    promptTokens: used,
    turnsDropped: dropped.length,
    turnsSummarised: summary?.turns ?? 0,
    instructionsCut,
  };
}
