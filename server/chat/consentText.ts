// The consent screen (policies/consent.yaml), versioned and per language. A consent record stores
// the version and the SHA-256 of the canonical JSON of one language's text, so the bank can show
// exactly what the visitor agreed to.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { PURPOSES, type Purpose, type WidgetConfig } from '../../protocol/widget.ts';
import { PolicyInvalid, readPolicyFile } from '../policies.ts';

const Texts = z.strictObject({
  title: z.string().min(1),
  intro: z.string().min(1),
  purposes: z.strictObject(
    Object.fromEntries(PURPOSES.map((p) => [p, z.string().min(1)])) as Record<Purpose, z.ZodString>,
  ),
});

export const ConsentFileSchema = z.strictObject({
  version: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
  retentionDays: z.strictObject({ standard: z.number().int().min(1), transcript_keep: z.number().int().min(1) }),
  texts: z
    .record(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/), Texts)
    .refine((t) => 'en' in t, { message: 'an English (en) text is required' }),
});

/** One language's consent text, as the widget gets it (protocol/widget.ts). */
export type ConsentText = Omit<WidgetConfig['consent'], 'actions'>;

export interface ConsentTexts {
  version: string;
  /** the text in `language`, English when the language has none */
  text(language: string | null | undefined): ConsentText;
}

/** JSON with object keys sorted at every level: the same text always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function parseConsentTexts(text: string): ConsentTexts {
  const parsed = ConsentFileSchema.safeParse(parseYaml(text));
  if (!parsed.success) throw new PolicyInvalid(parsed.error.issues);
  const { version, texts } = parsed.data;
  const byLanguage = new Map<string, ConsentText>();
  for (const [language, t] of Object.entries(texts)) {
    const hash = createHash('sha256')
      .update(canonicalJson({ version, language, title: t.title, intro: t.intro, purposes: t.purposes }))
      .digest('hex');
    byLanguage.set(language, {
      version,
      language,
      hash,
      title: t.title,
      intro: t.intro,
      purposes: PURPOSES.map((id) => ({ id, text: t.purposes[id] })),
    });
  }
  return { version, text: (language) => byLanguage.get(language ?? 'en') ?? byLanguage.get('en')! };
}

export function loadConsentTexts(dir: string): ConsentTexts {
  return readPolicyFile(path.join(dir, 'consent.yaml'), parseConsentTexts);
}
