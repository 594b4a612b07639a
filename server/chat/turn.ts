// A turn of the chat in few statements. The visitor's send and the AI's answer are the hot path
// (thousands of open conversations), and each statement is a round trip to the database, so here
// one statement locks the conversation and reads what the turn needs (subject alive, consents in
// force, the data key's row, a message already sent under the clientId), one reads the transcript,
// and one writes the message, the counter and every audit event of the turn together (their SQL:
// store/turn.ts). Same rows, same audit events as the general helpers (messages.ts, consent.ts);
// fewer trips.
import { randomUUID } from 'node:crypto';
import { AuditEventInput } from '../audit/event.ts';
import { appendAudit, auditInsert } from '../audit/append.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import { aad, openOrFail } from '../privacy/conversations.ts';
import { openText, sealText } from '../privacy/envelope.ts';
import { subjectErased } from '../privacy/errors.ts';
import { openSubjectKey } from '../privacy/subjectKeys.ts';
import { notFound } from '../errors.ts';
import { PURPOSES, type Purpose } from '../../protocol/widget.ts';
import type { ConsentsInForce } from './consent.ts';
import type { ConversationRow, MessageMeta, MessageRow } from './present.ts';
import { subjectErasedAt } from './store/conversations.ts';
import {
  insertAnswer,
  insertTurnMessage,
  type LockedRow,
  lockTurnRow,
  transcriptRows,
  type TranscriptRow,
} from './store/turn.ts';
import { invalidVisitorToken } from './tokens.ts';

export interface Turn {
  conversation: ConversationRow;
  /** the subject's data key, opened */
  key: Uint8Array;
  /** only when asked for (consents: true); reading them is on the turn's audit list */
  consents?: ConsentsInForce;
  /** a message already stored under the clientId asked about */
  duplicate?: { id: string; seq: number };
  /** the transcript's rows as read with the lock (transcript: true), still encrypted */
  rows?: TranscriptRow[];
  /** whether the conversation has a redaction vault (read with the lock) */
  hasVault: boolean;
  /** audit events of what this turn read, written with the turn's write (or by flushTurnAudits) */
  audits: AuditEventInput[];
}

/**
 * Locks the conversation (FOR UPDATE: writers of one conversation queue here) and reads the turn's
 * facts in one statement. With `owner`, the conversation must belong to that subject and site
 * (the visitor token's claims): otherwise 401, or 410 once the subject is erased.
 */
export async function lockTurn(
  ctx: PrivacyCtx,
  conversationId: string,
  opts: {
    consents?: boolean;
    clientId?: string;
    owner?: { subjectId: string; site: string };
    /** read the rows too (decrypted only by readTurnTranscript) */ transcript?: boolean;
  } = {},
): Promise<Turn> {
  const row = await lockTurnRow(ctx.tx, conversationId, {
    consents: !!opts.consents,
    transcript: !!opts.transcript,
    clientId: opts.clientId ?? null,
  });
  if (!row) {
    if (!opts.owner) throw notFound('conversation');
    // The token's conversation is gone: erased with its subject, or never theirs.
    const subject = await subjectErasedAt(ctx.tx, opts.owner.subjectId);
    throw subject?.erasedAt ? subjectErased() : invalidVisitorToken();
  }
  if (row.erasedAt) throw subjectErased();
  if (opts.owner && (row.subjectId !== opts.owner.subjectId || row.site !== opts.owner.site))
    throw invalidVisitorToken();
  const {
    erasedAt: _e,
    wrapped,
    masterKeyId,
    consents,
    consentRecords,
    duplicateId,
    duplicateSeq,
    transcript,
    hasVault,
    ...c
  } = row;
  const conversation: ConversationRow = { ...c, lastSeq: Number(c.lastSeq), notHelpful: Number(c.notHelpful) };
  const key = await openSubjectKey(
    ctx,
    conversation.subjectId,
    wrapped && masterKeyId ? { wrapped, masterKeyId } : null,
  );
  const turn: Turn = {
    conversation,
    key,
    audits: [],
    hasVault,
    ...(duplicateId ? { duplicate: { id: duplicateId, seq: Number(duplicateSeq) } } : {}),
  };
  if (opts.transcript)
    turn.rows = (transcript ?? []).map((t) => ({
      ...t,
      ciphertext: Buffer.from(t.ciphertext, 'base64'),
      createdAt: new Date(t.createdAt),
    }));
  if (opts.consents) {
    turn.consents = foldConsents(consents ?? []);
    turn.audits.push({
      actor: ctx.actor,
      action: 'consent.read',
      subjectId: conversation.subjectId,
      resource: { type: 'DataSubject', id: conversation.subjectId },
      requestId: ctx.requestId,
      details: { returned: Number(consentRecords ?? 0) },
    });
  }
  return turn;
}

function foldConsents(latest: NonNullable<LockedRow['consents']>): ConsentsInForce {
  const view: ConsentsInForce = {
    ai_local: false,
    ai_cloud: false,
    transcript_keep: false,
    voice_input: false,
    version: null,
    language: null,
  };
  const ordered = [...latest].sort((a, b) =>
    a.recordedAt === b.recordedAt ? a.id.localeCompare(b.id) : Date.parse(a.recordedAt) - Date.parse(b.recordedAt),
  );
  for (const r of ordered) {
    if ((PURPOSES as readonly string[]).includes(r.purpose)) view[r.purpose as Purpose] = r.granted;
    view.version = r.textVersion;
    view.language = r.language;
  }
  return view;
}

/** The transcript's newest messages (ANSWER_TRANSCRIPT_MESSAGES), decrypted, oldest first; the read goes on the turn's audit list (as `actor`, for `purpose`). */
export async function readTurnTranscript(
  ctx: PrivacyCtx,
  turn: Turn,
  props: { purpose: string; actor: PrivacyCtx['actor'] },
): Promise<MessageRow[]> {
  const rows: TranscriptRow[] = turn.rows ?? (await transcriptRows(ctx.tx, turn.conversation.id));
  const messages = rows.map(({ ciphertext, files, ...m }) => ({
    ...m,
    seq: Number(m.seq),
    meta: (m.meta ?? {}) as MessageMeta,
    text: openOrFail(() => openText(turn.key, ciphertext, aad.message(m.id))),
    attachments: (files ?? []).map((f) => ({ id: f.id, mime: f.mime, size: Number(f.size) })),
  }));
  turn.audits.push({
    actor: props.actor,
    action: 'transcript.read',
    subjectId: turn.conversation.subjectId,
    resource: { type: 'Conversation', id: turn.conversation.id },
    purpose: props.purpose,
    requestId: ctx.requestId,
    details: { messages: messages.length, after: 0 },
  });
  return messages;
}

/**
 * Stores a message of the locked conversation: the counter, the encrypted row and the turn's audit
 * events (with message.store) in one statement. Answers the row as the widget sees it.
 */
export async function writeTurnMessage(
  ctx: PrivacyCtx,
  turn: Turn,
  input: { role: MessageRow['role']; text: string; clientId?: string; meta?: MessageMeta; id?: string },
): Promise<MessageRow> {
  const c = turn.conversation;
  const seq = c.lastSeq + 1;
  const id = input.id ?? randomUUID();
  const events: AuditEventInput[] = [
    ...turn.audits,
    {
      actor: ctx.actor,
      action: 'message.store',
      subjectId: c.subjectId,
      resource: { type: 'Message', id },
      requestId: ctx.requestId,
      details: { conversationId: c.id, role: input.role, seq },
    },
  ];
  await insertTurnMessage(
    ctx.tx,
    {
      conversationId: c.id,
      now: ctx.now,
      id,
      subjectId: c.subjectId,
      role: input.role,
      ciphertext: sealText(turn.key, input.text, aad.message(id)),
      seq,
      clientId: input.clientId ?? null,
      meta: JSON.stringify(input.meta ?? {}),
    },
    (values) => auditInsert(events, values).sql,
  );
  turn.audits = [];
  c.lastSeq = seq;
  return {
    id,
    seq,
    role: input.role,
    text: input.text,
    createdAt: ctx.now,
    clientId: input.clientId ?? null,
    meta: input.meta ?? {},
    attachments: [],
  };
}

/** Writes the turn's pending audit events when it ends without a message (a duplicate send). */
export async function flushTurnAudits(ctx: PrivacyCtx, turn: Turn): Promise<void> {
  if (turn.audits.length) await appendAudit(ctx.tx, ...turn.audits);
  turn.audits = [];
}

/**
 * A send that lost the race to a concurrent send of the same clientId: the lock's re-check does not
 * see the other's new row, so its INSERT meets the unique index. Run again, it finds the first one.
 */
export function isClientIdConflict(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const d = e?.driverError ?? e;
  return d?.code === '23505' && d.constraint === 'messages_client_id_idx';
}

/**
 * The AI's answer in one statement (its own transaction): stored only while the conversation is
 * still open and the AI's (a person who took over meanwhile wins: null), numbered after the
 * conversation's last message, with its message.store event. The data key is the one the turn that
 * prepared the answer opened; the ciphertext is made before, since it is bound to the id, not the seq.
 */
export async function storeAnswer(
  db: Pick<PrivacyCtx['tx'], 'query'>,
  props: {
    conversationId: string;
    key: Uint8Array;
    id: string;
    text: string;
    meta: MessageMeta;
    now: Date;
    actor: PrivacyCtx['actor'];
    requestId?: string;
  },
): Promise<MessageRow | null> {
  const event = {
    actor: props.actor,
    action: 'message.store',
    resource: { type: 'Message', id: props.id },
    requestId: props.requestId,
    details: { conversationId: props.conversationId, role: 'assistant', seq: 0 },
  };
  AuditEventInput.parse(event); // the same schema appendAudit holds every event to (seq is filled in by the statement)
  const seq = await insertAnswer(db, {
    conversationId: props.conversationId,
    now: props.now,
    id: props.id,
    ciphertext: sealText(props.key, props.text, aad.message(props.id)),
    meta: JSON.stringify(props.meta),
    eventId: randomUUID(),
    actor: props.actor,
    requestId: props.requestId ?? null,
  });
  if (seq === null) return null;
  return {
    id: props.id,
    seq,
    role: 'assistant',
    text: props.text,
    createdAt: props.now,
    clientId: null,
    meta: props.meta,
    attachments: [],
  };
}
