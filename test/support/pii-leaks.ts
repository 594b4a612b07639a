// What a recording stand-in must never have received: the personal values of the adversarial
// corpus, compared the way a leak would show (any separators, digits of any script, any case).
import { foldDigits } from '../../gateway/redaction/normalize.ts';
import { loadCorpus } from './pii-corpus.ts';
import type { StandIn } from './standins/faults.ts';

export const compact = (s: string): string =>
  foldDigits(s.normalize('NFKC'))
    .toLowerCase()
    .replace(/[^\p{L}\p{N}@]+/gu, '');

/** the adversarial corpus' messages that hold personal data, each with its values */
export function adversarialMessages(): { text: string; values: string[] }[] {
  return loadCorpus('adversarial')
    .filter((m) => m.entities.length > 0)
    .map((m) => ({ text: m.text, values: m.entities.map((e) => m.text.slice(e.start, e.end)) }));
}

/** every message text a stand-in received (parsed from the recorded request bodies) */
export function sentTexts(standIn: StandIn): string[] {
  return standIn.requests.flatMap((r) => {
    if (!r.body) return [];
    const body = JSON.parse(r.body) as { messages?: { content?: string }[] };
    return (body.messages ?? []).map((m) => m.content ?? '');
  });
}

/** the values found in what the stand-ins received; [] when nothing leaked */
export function leakedValues(values: readonly string[], ...standIns: StandIn[]): string[] {
  const received = standIns.flatMap(sentTexts).map(compact).join('\n');
  // Percent-encoded and look-alike spellings are compared in their decoded, Latin form too.
  const forms = (v: string): string[] => [compact(v), compact(decodeURIComponent(v).replace(/о/g, 'o'))];
  return values.filter((v) => forms(v).some((f) => f.length >= 4 && received.includes(f)));
}
