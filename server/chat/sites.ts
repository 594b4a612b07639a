// The sites a widget may be embedded on (policies/sites.yaml), read once at boot with zod: a bad
// file stops the start naming the file and the problem. Identity secrets come from the environment
// variable a site names; unset means identity verification is off for that site.
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { PolicyInvalid, readPolicyFile } from '../policies.ts';
import { OfficeHoursSchema } from './officeHours.ts';

const LANGUAGE = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'must be a language tag like en or zh-Hant' });
const ORIGIN = z.string().refine(
  (v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === v;
    } catch {
      return false;
    }
  },
  { message: 'must be an origin like https://www.bank.example (scheme://host[:port], no path)' },
);

export const ATTACHMENT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** A handoff goes straight to the least-loaded available agent below maxConcurrent; off: agents claim. */
export const AutoAssignSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** conversations an agent holds at once (all sites together) before auto-assignment passes them by */
  maxConcurrent: z.number().int().min(1).max(50).default(3),
});

export const SiteSchema = z
  .strictObject({
    name: z.string().min(1).max(100),
    origins: z.array(ORIGIN).default([]),
    languages: z.array(LANGUAGE).min(1),
    defaultLanguage: LANGUAGE,
    queue: z.string().regex(/^[a-z0-9_-]{1,64}$/),
    identitySecretEnv: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .optional(),
    officeHours: OfficeHoursSchema.optional(),
    limits: z.strictObject({
      messageChars: z.number().int().min(1).max(100_000),
      visitorMessagesPerMinute: z.number().int().min(1),
      ipMessagesPerMinute: z.number().int().min(1),
      ipSessionsPerHour: z.number().int().min(1),
    }),
    attachments: z.strictObject({
      maxBytes: z
        .number()
        .int()
        .min(1)
        .max(50 * 1024 * 1024),
      types: z.array(z.enum(ATTACHMENT_TYPES)),
    }),
    notHelpfulHandoff: z.number().int().min(1).default(2),
    sensitivity: z.enum(['normal', 'high']).default('normal'),
    autoAssign: AutoAssignSchema.default({ enabled: false, maxConcurrent: 3 }),
  })
  .refine((s) => s.languages.includes(s.defaultLanguage), {
    message: 'defaultLanguage must be one of languages',
    path: ['defaultLanguage'],
  });
export type SiteConfig = z.infer<typeof SiteSchema>;

export const SitesFileSchema = z.strictObject({
  version: z.literal(1),
  sites: z.record(
    z.string().regex(/^[a-z0-9_-]{1,64}$/, { message: 'site ids are lower-case letters, digits, _ and -' }),
    SiteSchema,
  ),
});

export interface Site extends SiteConfig {
  id: string;
  /** the HMAC key for data-customer-signature, or undefined: identity verification off */
  identitySecret?: string;
}

export function parseSites(text: string, env: NodeJS.ProcessEnv = process.env): Map<string, Site> {
  const parsed = SitesFileSchema.safeParse(parseYaml(text));
  if (!parsed.success) throw new PolicyInvalid(parsed.error.issues);
  const sites = new Map<string, Site>();
  for (const [id, site] of Object.entries(parsed.data.sites)) {
    const secret = site.identitySecretEnv ? env[site.identitySecretEnv] : undefined;
    sites.set(id, { ...site, id, ...(secret ? { identitySecret: secret } : {}) });
  }
  return sites;
}

export function loadSites(dir: string, env: NodeJS.ProcessEnv = process.env): Map<string, Site> {
  return readPolicyFile(path.join(dir, 'sites.yaml'), (text) => parseSites(text, env));
}
