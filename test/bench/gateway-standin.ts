// The gateway benchmark's model server, in its own process so that its CPU is not the gateway's:
// the OpenAI stand-in (real SSE wire format). Prints `{"url"}` once listening; each stdin line
// `{"chunkDelayMs": n}` sets the pacing and is answered with `{"ok": true}`.
import readline from 'node:readline';
import { startOpenAIStandIn } from '../support/standins/openai.ts';

const standIn = await startOpenAIStandIn({ record: false });
const out = (row: Record<string, unknown>) => process.stdout.write(JSON.stringify(row) + '\n');
out({ url: standIn.url });
for await (const line of readline.createInterface({ input: process.stdin })) {
  standIn.chunkDelayMs = (JSON.parse(line) as { chunkDelayMs: number }).chunkDelayMs;
  out({ ok: true });
}
await standIn.close();
