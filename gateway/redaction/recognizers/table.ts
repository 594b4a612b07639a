// Table-driven recognizer tests: each row is a message and the exact substrings that must be found.
import { expect, it } from 'vitest';
import { createAnalyzer } from '../analyzer.ts';
import type { Lang } from '../types.ts';
import type { Recognizer } from './recognizer.ts';

export interface Row {
  text: string;
  /** the substrings of `text` (original, not normalised) that must be reported, in order */
  found: string[];
  lang?: Lang;
}

export function detects(recognizer: Recognizer, rows: readonly Row[]): void {
  const analyze = createAnalyzer({ recognizers: [recognizer] });
  it.each(rows.map((r) => [r.text, r] as const))('%s', async (_, row) => {
    const result = await analyze(row.text, row.lang === undefined ? {} : { lang: row.lang });
    if (!result.ok) throw new Error(`analysis failed: ${result.error.message}`);
    expect(result.entities.map((e) => row.text.slice(e.start, e.end))).toEqual(row.found);
    for (const e of result.entities) expect(e.type).toBe(recognizer.entity);
  });
}
