// Palisade beside `redact-pii` (npm) on the same messages, in one run: throughput on 200-character
// English messages (one core, end to end: language detection, recognizers, policy, placeholders)
// and recall per type on the project's labelled corpora and, when PII_PRESIDIO_PATH names a copy of
// presidio-research's data/synth_dataset_v2.json (not committed), on that synthetic set.
//
// Recall here is "did the value get out", judged the same way for both tools on their output text:
// a structured value leaks when its letters and digits (NFKC, any separators) still appear in a row;
// a name leaks when any of its words does; an address leaks when more than a third of its words do.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createDefaultRedactionEngine } from '../../gateway/redaction/default-engine.ts';
import { foldDigits } from '../../gateway/redaction/normalize.ts';
import { loadRedactionPolicyFromYamlText } from '../../gateway/redaction/policy.ts';
import type { Lang } from '../../gateway/redaction/types.ts';
import { Vault } from '../../gateway/redaction/vault.ts';
import { CORPORA, loadCorpus } from '../support/pii-corpus.ts';
import type { Emit } from './emit.ts';

interface Gold {
  type: string;
  value: string;
}
interface Case {
  text: string;
  lang: Lang;
  gold: Gold[];
}
type Redact = (text: string, lang: Lang) => Promise<string> | string;

const PRESIDIO_TYPES: Readonly<Record<string, string>> = {
  PERSON: 'PERSON', STREET_ADDRESS: 'ADDRESS', CREDIT_CARD: 'CREDIT_CARD', PHONE_NUMBER: 'PHONE',
  EMAIL_ADDRESS: 'EMAIL', IBAN_CODE: 'IBAN', US_SSN: 'US_SSN', IP_ADDRESS: 'IP_ADDRESS',
};
const WORDS = /[\p{L}\p{N}]+/gu;

const compact = (s: string): string => foldDigits(s.normalize('NFKC')).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
const words = (s: string): string[] => (foldDigits(s.normalize('NFKC')).toLowerCase().match(WORDS) ?? []).filter((w) => w.length >= 2);

export function leaked(gold: Gold, output: string): boolean {
  if (gold.type === 'PERSON' || gold.type === 'ADDRESS') {
    const han = /\p{Script=Han}/u.test(gold.value);
    if (han) return compact(output).includes(compact(gold.value));
    const left = new Set(words(output));
    const mine = words(gold.value);
    const surviving = mine.filter((w) => left.has(w)).length;
    return gold.type === 'PERSON' ? surviving > 0 : surviving > mine.length / 3;
  }
  const value = compact(gold.value);
  return value.length > 0 && compact(output).includes(value);
}

function projectCases(corpus: (typeof CORPORA)[number] | 'no-pii'): Case[] {
  return loadCorpus(corpus).map((m) => ({
    text: m.text,
    lang: m.lang,
    gold: m.entities.map((e) => ({ type: e.type, value: m.text.slice(e.start, e.end) })),
  }));
}

function presidioCases(path: string): Case[] {
  const rows = JSON.parse(readFileSync(path, 'utf8')) as { full_text: string; spans: { entity_type: string; entity_value: string }[] }[];
  return rows.map((r) => ({
    text: r.full_text,
    lang: 'en' as const,
    gold: r.spans.flatMap((s) => (PRESIDIO_TYPES[s.entity_type] ? [{ type: PRESIDIO_TYPES[s.entity_type] ?? '', value: s.entity_value }] : [])),
  }));
}

async function recall(redact: Redact, cases: readonly Case[]): Promise<{ perType: Record<string, string>; cleanUnchanged: string }> {
  const hits = new Map<string, { caught: number; total: number }>();
  let clean = 0;
  let unchanged = 0;
  for (const c of cases) {
    const out = await redact(c.text, c.lang);
    if (c.gold.length === 0) {
      clean++;
      if (out === c.text) unchanged++;
    }
    for (const g of c.gold) {
      const h = hits.get(g.type) ?? { caught: 0, total: 0 };
      hits.set(g.type, { caught: h.caught + (leaked(g, out) ? 0 : 1), total: h.total + 1 });
    }
  }
  const perType = Object.fromEntries([...hits].sort(([a], [b]) => a.localeCompare(b)).map(([t, h]) => [t, `${(h.caught / h.total).toFixed(2)} (${h.total - h.caught} leaks/${h.total})`]));
  return { perType, cleanUnchanged: clean === 0 ? '-' : `${unchanged}/${clean}` };
}

/** corpus lines of English joined until ~200 characters, cut at a space */
function englishMessages(count: number): string[] {
  const lines = [...projectCases('en'), ...projectCases('chat'), ...projectCases('no-pii')].filter((c) => c.lang === 'en').map((c) => c.text);
  const out: string[] = [];
  let j = 0;
  for (let i = 0; i < count; i++) {
    let text = '';
    while (text.length < 200) text += `${lines[j++ % lines.length] ?? ''} `;
    const cut = text.lastIndexOf(' ', 200);
    out.push(text.slice(0, cut > 180 ? cut : 200));
  }
  return out;
}

async function throughput(redact: Redact, messages: readonly string[], rounds: number): Promise<number> {
  for (const m of messages.slice(0, 200)) await redact(m, 'en');
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const m of messages) await redact(m, 'en');
  return (messages.length * rounds * 1000) / (performance.now() - started);
}

export async function benchRedactionPeers(emit: Emit, options: { presidioPath?: string; quick?: boolean } = {}): Promise<void> {
  const yaml = readFileSync(new URL('../../policies/redaction.yaml', import.meta.url), 'utf8');
  const engine = createDefaultRedactionEngine({ policy: loadRedactionPolicyFromYamlText(yaml), hmacKey: new Uint8Array(32).fill(7) });
  const palisade: Redact = async (text) => {
    // No language hint: detection is part of the end-to-end work.
    const r = await engine.redact({ text, vault: new Vault() });
    if (!r.ok) throw new Error(`redaction failed during the benchmark: ${r.error.id}`);
    return r.text;
  };
  const { SyncRedactor } = createRequire(import.meta.url)('redact-pii') as { SyncRedactor: new () => { redact(text: string): string } };
  const peer = new SyncRedactor();
  const redactPii: Redact = (text) => peer.redact(text);

  const messages = englishMessages(options.quick ? 200 : 1000);
  const rounds = options.quick ? 1 : 3;
  const ours = await throughput(palisade, messages, rounds);
  const theirs = await throughput(redactPii, messages, rounds);
  emit({ bench: 'redaction.peers.throughput', shape: '200-char en', palisade_msgs_per_s: Math.round(ours), redact_pii_msgs_per_s: Math.round(theirs), ratio: Number((ours / theirs).toFixed(2)) });

  const sets: [string, Case[]][] = [...CORPORA.map((c): [string, Case[]] => [c, projectCases(c)]), ['no-pii', projectCases('no-pii')]];
  if (options.presidioPath) sets.push(['presidio-synth', presidioCases(options.presidioPath)]);
  for (const [corpus, cases] of sets) {
    for (const [tool, redact] of [['palisade', palisade], ['redact-pii', redactPii]] as const) {
      const r = await recall(redact, cases);
      emit({ bench: 'redaction.peers.recall', corpus, tool, messages: cases.length, clean_unchanged: r.cleanUnchanged, ...r.perType });
    }
  }
  if (!options.presidioPath) emit({ bench: 'redaction.peers.recall', corpus: 'presidio-synth', skipped: 'set PII_PRESIDIO_PATH to data/synth_dataset_v2.json of presidio-research' });
}
