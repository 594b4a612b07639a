// Output scan: did the model produce personal data of its own (a phone number it made up, a name
// from its training data)? Runs the analyzer over the raw model output with every placeholder and
// pseudonym token taken out, so the visitor's own (rehydrated) values are never counted.
import { createAllowList } from './allow-list.ts';
import { emptyCounts } from './engine.ts';
import { PLACEHOLDER_FORM } from './placeholder-form.ts';
import { ruleFor, type RedactionPolicy } from './policy.ts';
import type { Analyzer, EntityType, Lang } from './types.ts';

export type OutputScan =
  | { ok: true; total: number; counts: Record<EntityType, number> }
  | { ok: false; error: { id: 'analyzer_failed'; message: string } };

export interface OutputScanRequest {
  analyzer: Analyzer;
  /** the model's output BEFORE rehydration (placeholders still in it). */
  text: string;
  lang?: Lang;
  /** when given, its thresholds and allow list apply, as they do on the way in. */
  policy?: RedactionPolicy;
}

const HASH_TOKEN = /<[A-Z_]+#[0-9a-f]{8}>/g;

/** The text the scan looks at: placeholders and hash tokens become a single space. */
export function placeholderFreeText(text: string): string {
  return text.replace(PLACEHOLDER_FORM, ' ').replace(HASH_TOKEN, ' ');
}

export async function scanModelOutput({ analyzer, text, lang, policy }: OutputScanRequest): Promise<OutputScan> {
  return createOutputScanner(policy ? { analyzer, policy } : { analyzer })(text, lang);
}

/** The scan with its allow list compiled once (per request it was most of the scan's cost). */
export function createOutputScanner({
  analyzer,
  policy,
}: Pick<OutputScanRequest, 'analyzer' | 'policy'>): (text: string, lang?: Lang) => Promise<OutputScan> {
  const isAllowed = createAllowList(policy?.allow ?? []);
  return (text, lang) => scanWith(analyzer, isAllowed, policy, text, lang);
}

async function scanWith(
  analyzer: Analyzer,
  isAllowed: ReturnType<typeof createAllowList>,
  policy: RedactionPolicy | undefined,
  text: string,
  lang: Lang | undefined,
): Promise<OutputScan> {
  const clean = placeholderFreeText(text);
  try {
    const result = await analyzer(clean, lang ? { lang } : {});
    if (!result.ok)
      return {
        ok: false,
        error: { id: 'analyzer_failed', message: `recognizer ${result.error.recognizer} ${result.error.reason}` },
      };
    const counts = emptyCounts();
    let total = 0;
    for (const e of result.entities) {
      if (policy && e.score < ruleFor(policy, e.type).threshold) continue;
      if (isAllowed(e.type, clean.slice(e.start, e.end))) continue;
      counts[e.type] += 1;
      total += 1;
    }
    return { ok: true, total, counts };
  } catch {
    return { ok: false, error: { id: 'analyzer_failed', message: 'analyzer threw' } };
  }
}
