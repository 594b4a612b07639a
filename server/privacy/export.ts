// Export for an access request: one JSON archive of every record about one data subject
// (conversations with decrypted messages, attachments and vaults, consents, requests, audit events
// naming them) and a human-readable summary. Queries are all keyed by this subject's id, so
// nothing about anyone else can enter; the export is itself one audited access.
import { appendAudit } from '../audit/append.ts';
import type { PrivacyCtx } from './context.ts';
import { aad, openOrFail } from './conversations.ts';
import { open, openText } from './envelope.ts';
import { subjectRecords } from './store/export.ts';
import { subjectKey } from './subjectKeys.ts';
import { liveSubject } from './subjects.ts';

export const EXPORT_FORMAT = 'palisade.subject-export/v1';

export interface SubjectExport {
  format: typeof EXPORT_FORMAT;
  generatedAt: string;
  subject: { id: string; createdAt: string; identifiers: { kind: string; addedAt: string }[] };
  conversations: {
    id: string;
    site: string;
    status: string;
    retentionClass: string;
    language: string | null;
    createdAt: string;
    closedAt: string | null;
    messages: { id: string; role: string; text: string; createdAt: string }[];
    attachments: { id: string; mime: string; sizeBytes: number; createdAt: string; contentBase64: string }[];
    vault: { placeholder: string; value: string }[];
  }[];
  consents: {
    purpose: string;
    granted: boolean;
    textVersion: string;
    textHash: string;
    language: string;
    recordedAt: string;
  }[];
  requests: {
    id: string;
    type: string;
    state: string;
    receivedAt: string;
    dueAt: string;
    completedAt: string | null;
    details: string | null;
  }[];
  auditEvents: {
    occurredAt: string;
    action: string;
    actorType: string;
    resourceType: string | null;
    resourceId: string | null;
    purpose: string | null;
    outcome: string;
  }[];
  summary: string;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export async function exportSubject(ctx: PrivacyCtx, subjectId: string): Promise<SubjectExport> {
  const subject = await liveSubject(ctx, subjectId);
  const key = await subjectKey(ctx, subjectId);
  const { identifiers, conversations, messages, attachments, vaults, consents, requests, events } =
    await subjectRecords(ctx.tx, subjectId);

  const vaultOf = new Map(
    vaults.map((v) => {
      const snapshot = JSON.parse(openOrFail(() => openText(key, v.ciphertext, aad.vault(v.conversationId)))) as {
        entries: { type: string; index: number; value: string }[];
      };
      return [
        v.conversationId,
        snapshot.entries.map((e) => ({ placeholder: `<${e.type}_${e.index}>`, value: e.value })),
      ];
    }),
  );
  const archive: Omit<SubjectExport, 'summary'> = {
    format: EXPORT_FORMAT,
    generatedAt: ctx.now.toISOString(),
    subject: {
      id: subject.id,
      createdAt: iso(subject.createdAt)!,
      identifiers: identifiers.map((i) => ({ kind: i.kind, addedAt: iso(i.createdAt)! })),
    },
    conversations: conversations.map((c) => ({
      id: c.id,
      site: c.site,
      status: c.status,
      retentionClass: c.retentionClass,
      language: c.language,
      createdAt: iso(c.createdAt)!,
      closedAt: iso(c.closedAt),
      messages: messages
        .filter((m) => m.conversationId === c.id)
        .map((m) => ({
          id: m.id,
          role: m.role,
          text: openOrFail(() => openText(key, m.ciphertext, aad.message(m.id))),
          createdAt: iso(m.createdAt)!,
        })),
      attachments: attachments
        .filter((a) => a.conversationId === c.id)
        .map((a) => ({
          id: a.id,
          mime: a.mime,
          sizeBytes: a.sizeBytes,
          createdAt: iso(a.createdAt)!,
          contentBase64: openOrFail(() => open(key, a.ciphertext, aad.attachment(a.id))).toString('base64'),
        })),
      vault: vaultOf.get(c.id) ?? [],
    })),
    consents: consents.map((c) => ({ ...c, recordedAt: iso(c.recordedAt)! })),
    requests: requests.map((r) => ({
      id: r.id,
      type: r.type,
      state: r.state,
      receivedAt: iso(r.receivedAt)!,
      dueAt: iso(r.dueAt)!,
      completedAt: iso(r.completedAt),
      details: r.details ? openOrFail(() => openText(key, r.details!, aad.dsrDetails(r.id))) : null,
    })),
    // Which staff member acted is the bank's internal record; the subject sees what was done and when.
    auditEvents: events.map((e) => ({
      occurredAt: iso(e.occurredAt)!,
      action: e.action,
      actorType: e.actorType,
      resourceType: e.resourceType,
      resourceId: e.resourceId,
      purpose: e.purpose,
      outcome: e.outcome,
    })),
  };
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'subject.export',
    subjectId,
    resource: { type: 'DataSubject', id: subjectId },
    requestId: ctx.requestId,
    details: {
      conversations: conversations.length,
      messages: messages.length,
      attachments: attachments.length,
      consents: consents.length,
      requests: requests.length,
      auditEvents: events.length,
    },
  });
  return { ...archive, summary: summarise(archive) };
}

function summarise(a: Omit<SubjectExport, 'summary'>): string {
  const lines = [
    `Everything Palisade holds about data subject ${a.subject.id}, as of ${a.generatedAt}.`,
    `Known since ${a.subject.createdAt}; identifiers on file (stored only as keyed hashes): ${a.subject.identifiers.map((i) => i.kind).join(', ') || 'none'}.`,
    `${a.conversations.length} conversation(s), ${a.conversations.reduce((n, c) => n + c.messages.length, 0)} message(s), ${a.conversations.reduce((n, c) => n + c.attachments.length, 0)} attachment(s).`,
  ];
  for (const c of a.conversations)
    lines.push(
      `- conversation ${c.id} on ${c.site}, started ${c.createdAt}, ${c.status}; ${c.messages.length} messages; kept under retention class "${c.retentionClass}".`,
    );
  const latest = new Map<string, boolean>();
  for (const c of a.consents) latest.set(c.purpose, c.granted);
  lines.push(
    `Consents in force: ${[...latest].map(([p, g]) => `${p}: ${g ? 'granted' : 'withdrawn'}`).join('; ') || 'none recorded'}.`,
  );
  lines.push(`${a.requests.length} data-subject request(s); ${a.auditEvents.length} recorded access(es) to this data.`);
  return lines.join('\n');
}
