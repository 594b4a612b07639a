// The gateway benchmark's model server, in its own process so that its CPU is not the gateway's:
// the OpenAI stand-in (real SSE wire format). Prints `{"url"}` once listening; each stdin line
// `{"chunkDelayMs": n, "answerTokens"?: n}` sets the pacing and the answer's shape and is answered
// with `{"ok": true}`. Without answerTokens the answer echoes the question in 5-character pieces;
// with it, the answer is that many word tokens, as a model streams them, the last one the
// question's number. `idleCloseMs`: connections idle that long are closed without a Keep-Alive
// hint, as vLLM (uvicorn) does after 5 s; absent: Node's own 5 s, with its hint.
import readline from 'node:readline';
import { startOpenAIStandIn } from '../support/standins/openai.ts';

const WORDS =
  'You can report a lost card in the app or by phone at any hour. We block it at once. A replacement card is sent to your address within five working days, free of charge.'.split(
    ' ',
  );

const standIn = await startOpenAIStandIn({ record: false });
const out = (row: Record<string, unknown>) => process.stdout.write(JSON.stringify(row) + '\n');
out({ url: standIn.url });
for await (const line of readline.createInterface({ input: process.stdin })) {
  const { chunkDelayMs, answerTokens, idleCloseMs } = JSON.parse(line) as {
    chunkDelayMs: number;
    answerTokens?: number;
    idleCloseMs?: number;
  };
  standIn.chunkDelayMs = chunkDelayMs;
  standIn.connections.idleCloseMs = idleCloseMs;
  if (answerTokens) {
    // Each answer differs (it ends with the question's number), so no memo of output scans answers a repeat.
    const parts = Array.from({ length: answerTokens - 1 }, (_, i) => `${i ? ' ' : ''}${WORDS[i % WORDS.length]}`);
    standIn.reply = (question) => [...parts, ` (${/\((\d+)\)\s*$/.exec(question)?.[1] ?? 0})`];
  } else delete standIn.reply;
  out({ ok: true });
}
await standIn.close();
