// Canned responses: the bank's own replies for agents, per site and language, with the fill-ins
// {agent_name} (the signed-in agent's display name) and {visitor_language} (the language's own
// name). Admins keep them (every change audited); agents search them with `/` in the reply box.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import { isUniqueViolation } from '../db/results.ts';
import { conflict, notFound, validationFailed } from '../errors.ts';
import { findUser } from '../staff/store/users.ts';
import { type CannedRow, cannedStore } from './store/canned.ts';
import type { Site } from './sites.ts';

export const FILL_INS = ['agent_name', 'visitor_language'] as const;
const FILL_IN = /\{([a-z_]+)\}/g;

const Body = z
  .string()
  .trim()
  .min(1)
  .max(4000)
  .refine((b) => [...b.matchAll(FILL_IN)].every((m) => (FILL_INS as readonly string[]).includes(m[1]!)), {
    message: `fill-ins may be ${FILL_INS.map((f) => `{${f}}`).join(', ')}`,
  });

export const CannedInput = z.strictObject({
  site: z.string().regex(/^[a-z0-9_-]{1,64}$/),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/),
  shortcut: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, { message: 'lower-case letters, digits, _ and -, at most 40' }),
  title: z.string().trim().min(1).max(120),
  body: Body,
});
export type CannedInput = z.infer<typeof CannedInput>;

export const CannedQuery = z.strictObject({
  site: z.string().max(64).optional(),
  language: z.string().max(35).optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type CannedQuery = z.infer<typeof CannedQuery>;

interface Props {
  tx: EntityManager;
  actor: { type: 'staff'; id: string };
  requestId?: string;
  sites: Map<string, Site>;
}

export interface CannedView extends CannedRow {
  /** the body with its fill-ins filled for the asking agent (present when listed for use) */
  text?: string;
}

function checkSite(sites: Map<string, Site>, input: CannedInput): void {
  const site = sites.get(input.site);
  if (!site) throw validationFailed([{ path: 'site', message: 'is not a site in policies/sites.yaml' }]);
  if (!site.languages.includes(input.language))
    throw validationFailed([
      { path: 'language', message: `is not a language of site ${input.site} (${site.languages.join(', ')})` },
    ]);
}

const shortcutTaken = () =>
  conflict('shortcut_taken', 'Another canned response of this site and language has this shortcut.');

const audit = (p: Props, action: string, row: CannedRow) =>
  appendAudit(p.tx, {
    actor: p.actor,
    action,
    resource: { type: 'CannedResponse', id: row.id },
    requestId: p.requestId,
    details: { site: row.site, language: row.language, shortcut: row.shortcut },
  });

/** A statement in its own savepoint, so a unique violation leaves the request's transaction usable. */
async function guarded<T>(tx: EntityManager, run: (t: EntityManager) => Promise<T>): Promise<T> {
  try {
    return await tx.transaction(run);
  } catch (error) {
    if (isUniqueViolation(error)) throw shortcutTaken();
    throw error;
  }
}

export async function createCanned(p: Props, input: CannedInput): Promise<CannedRow> {
  checkSite(p.sites, input);
  const row = await guarded(p.tx, (t) => cannedStore.insert(t, { id: randomUUID(), ...input, createdBy: p.actor.id }));
  await audit(p, 'canned_response.created', row);
  return row;
}

export async function updateCanned(p: Props, id: string, input: CannedInput): Promise<CannedRow> {
  checkSite(p.sites, input);
  if (!(await cannedStore.find(p.tx, id))) throw notFound('canned response');
  const row = await guarded(p.tx, (t) => cannedStore.update(t, id, { ...input, updatedBy: p.actor.id }));
  if (!row) throw notFound('canned response');
  await audit(p, 'canned_response.updated', row);
  return row;
}

export async function archiveCanned(p: Props, id: string): Promise<void> {
  const row = await cannedStore.archive(p.tx, id, p.actor.id);
  if (!row) throw notFound('canned response');
  await audit(p, 'canned_response.archived', row);
}

function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** Fills {agent_name} and {visitor_language}; anything else stays as written. */
export const fillIn = (body: string, values: { agentName: string; language: string }) =>
  body.replace(FILL_IN, (whole, name: string) =>
    name === 'agent_name' ? values.agentName : name === 'visitor_language' ? languageName(values.language) : whole,
  );

/** The live responses matching the query, each with its text filled in for the asking staff member. */
export async function listCanned(p: Pick<Props, 'tx' | 'actor'>, query: CannedQuery): Promise<CannedView[]> {
  const rows = await cannedStore.list(p.tx, query);
  const agentName = (await findUser(p.tx, p.actor.id))?.displayName ?? '';
  return rows.map((r) => ({ ...r, text: fillIn(r.body, { agentName, language: r.language }) }));
}
