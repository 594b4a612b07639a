// Benchmark: streaming rehydration throughput (chunks/s, MB/s) at model-token and worst-case
// one-character chunk sizes, batch rehydration, and vault lookups/s. Wired into `npm run bench`.
import { performance } from 'node:perf_hooks';
import { createStreamRehydrator, rehydrate } from '../../gateway/redaction/rehydrate.ts';
import { Vault } from '../../gateway/redaction/vault.ts';

type Emit = (row: Record<string, unknown>) => void;

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

function buildVault(people: number): Vault {
  const vault = new Vault();
  for (let i = 0; i < people; i += 1) {
    vault.placeholderFor('PERSON', `Person Number ${i}`);
    vault.placeholderFor('EMAIL', `person${i}@example.com`);
  }
  vault.placeholderFor('IBAN', 'GB82 WEST 1234 5698 7654 32');
  return vault;
}

/** ~`bytes` of model-like output: prose, angle brackets, entities, and placeholders every ~80 chars. */
function buildReply(bytes: number, people: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i += 1) {
    const part =
      i % 4 === 0
        ? `Dear <PERSON_${(i % people) + 1}>, your transfer from <IBAN_1> is on its way. `
        : i % 4 === 1
          ? `We wrote to <EMAIL_${(i % people) + 1}> about it; if a < b then c > d, see &lt;b&gt;. `
          : i % 4 === 2
            ? `PERSON_${(i % people) + 1} asked about fees for CREDIT_CARD holders and Übersicht 2024. `
            : `Ordinary prose with numbers 123 456 and an unknown <PERSON_999999> for good measure. `;
    parts.push(part);
    length += part.length;
  }
  return parts.join('');
}

function chunk(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

function timeStream(vault: Vault, chunks: string[]): { ms: number; out: string } {
  const started = performance.now();
  const rehydrator = createStreamRehydrator(vault);
  const out: string[] = [];
  for (const c of chunks) out.push(rehydrator.push(c));
  out.push(rehydrator.end());
  return { ms: performance.now() - started, out: out.join('') };
}

export async function benchRehydrate(emit: Emit): Promise<void> {
  const people = 50;
  const vault = buildVault(people);
  const reply = buildReply(2 * 1024 * 1024, people);
  const megabytes = Buffer.byteLength(reply, 'utf8') / (1024 * 1024);
  const expected = rehydrate(reply, vault);

  for (const size of [4, 16, 1]) {
    const chunks = chunk(reply, size);
    timeStream(vault, chunks.slice(0, 20_000)); // warm-up
    const { ms, out } = timeStream(vault, chunks);
    if (out !== expected) throw new Error(`streamed output differs from batch output at chunk size ${size}`);
    emit({
      bench: 'rehydrate.stream',
      chunk_chars: size,
      input_mb: round(megabytes, 2),
      chunks: chunks.length,
      chunks_per_s: Math.round(chunks.length / (ms / 1000)),
      mb_per_s: round(megabytes / (ms / 1000)),
      ms: round(ms),
    });
  }

  rehydrate(reply.slice(0, 100_000), vault); // warm-up
  const batchStart = performance.now();
  rehydrate(reply, vault);
  const batchMs = performance.now() - batchStart;
  emit({
    bench: 'rehydrate.batch',
    input_mb: round(megabytes, 2),
    mb_per_s: round(megabytes / (batchMs / 1000)),
    ms: round(batchMs),
  });

  const lookups = 2_000_000;
  let hits = 0;
  const lookupStart = performance.now();
  for (let i = 0; i < lookups; i += 1) if (vault.lookup('PERSON', (i % people) + 1) !== undefined) hits += 1;
  const lookupMs = performance.now() - lookupStart;
  if (hits !== lookups) throw new Error('vault lookup missed');
  emit({ bench: 'vault.lookup', lookups, lookups_per_s: Math.round(lookups / (lookupMs / 1000)) });

  const mints = 200_000;
  const mintStart = performance.now();
  for (let i = 0; i < mints; i += 1) vault.placeholderFor('EMAIL', `Person${i % people}@Example.com`);
  const mintMs = performance.now() - mintStart;
  emit({ bench: 'vault.placeholderFor.known', calls: mints, calls_per_s: Math.round(mints / (mintMs / 1000)) });
}
