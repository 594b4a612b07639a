// The hot path's SQL (server/chat/turn.ts): one statement locks the conversation and reads what a
// turn needs, one reads the transcript, one writes a message with its counter and audit events, and
// one stores the AI's answer. Each runs as a named (prepared) statement. Callers hold the
// transaction, open and seal the texts, and decide.
import { preparedQuery } from '../../db/prepared.ts';
import type { ConversationRow, Queryable } from './conversations.ts';
import type { MessageRow } from './messages.ts';

/**
 * The messages an answer is made from: a long conversation's newest ones only (the gateway trims
 * the prompt to the model's context anyway), so a turn's cost does not grow with the conversation.
 */
export const ANSWER_TRANSCRIPT_MESSAGES = 60;

/** A transcript row before its text is opened, with the attachments that went out with it. */
export type TranscriptRow = Omit<MessageRow, 'text' | 'attachments'> & {
  ciphertext: Buffer;
  files: { id: string; mime: string; size: number | string }[] | null;
};

/** The locked conversation and the turn's facts, as the one statement answers them. */
export interface LockedRow extends Omit<ConversationRow, 'lastSeq' | 'notHelpful'> {
  lastSeq: string;
  notHelpful: string;
  erasedAt: Date | null;
  wrapped: Buffer | null;
  masterKeyId: string | null;
  consents:
    | { purpose: string; granted: boolean; textVersion: string; language: string; recordedAt: string; id: string }[]
    | null;
  consentRecords: string | null;
  duplicateId: string | null;
  duplicateSeq: string | null;
  hasVault: boolean;
  transcript: (Omit<TranscriptRow, 'ciphertext' | 'createdAt'> & { ciphertext: string; createdAt: string })[] | null;
}

/** The newest messages of a conversation with their attachments (ciphertext in base64 when in JSON). */
const TRANSCRIPT_ROWS = (
  json: boolean,
  conversation: string,
) => `SELECT m.id, m.seq, m.role, ${json ? `encode(m.ciphertext, 'base64') AS ciphertext` : 'm.ciphertext'}, m.created_at AS "createdAt",
     m.client_id AS "clientId", m.meta, (SELECT json_agg(json_build_object('id', a.id, 'mime', a.mime, 'size', a.size_bytes) ORDER BY a.created_at, a.id)
       FROM attachments a WHERE a.message_id = m.id) AS files
   FROM messages m WHERE m.conversation_id = ${conversation} ORDER BY m.seq DESC LIMIT ${ANSWER_TRANSCRIPT_MESSAGES}`;

// The latest decision per purpose (and how many records there are): what consentsInForce folds.
const CONSENTS_SQL = `(SELECT json_agg(json_build_object('purpose', x.purpose, 'granted', x.granted, 'textVersion', x.text_version, 'language', x.language,
     'recordedAt', x.recorded_at, 'id', x.id)) FROM (SELECT DISTINCT ON (purpose) * FROM consent_records WHERE subject_id = c.subject_id
     ORDER BY purpose, recorded_at DESC, id DESC) x) AS consents,
   (SELECT count(*) FROM consent_records WHERE subject_id = c.subject_id)::text AS "consentRecords"`;

/**
 * Locks the conversation (FOR UPDATE: writers of one conversation queue here) and reads, in the same
 * statement, its subject's standing and data key row, a message already stored under `clientId`,
 * whether it has a vault, and on request the consents in force and the transcript's rows.
 * Undefined when there is no such conversation.
 */
export async function lockTurnRow(
  tx: Queryable,
  conversationId: string,
  opts: { consents: boolean; transcript: boolean; clientId: string | null },
): Promise<LockedRow | undefined> {
  const [row] = (await preparedQuery(
    tx,
    `SELECT c.id, c.subject_id AS "subjectId", c.site, c.status, c.mode, c.language, c.rating, c.queue, c.last_seq AS "lastSeq",
        c.not_helpful AS "notHelpful", s.erased_at AS "erasedAt", k.wrapped_key AS wrapped, k.master_key_id AS "masterKeyId",
        ${opts.consents ? CONSENTS_SQL : 'NULL AS consents, NULL AS "consentRecords"'},
        d.id AS "duplicateId", d.seq::text AS "duplicateSeq", EXISTS (SELECT 1 FROM conversation_vaults v WHERE v.conversation_id = c.id) AS "hasVault",
        ${opts.transcript ? `(SELECT json_agg(t ORDER BY t.seq) FROM (${TRANSCRIPT_ROWS(true, 'c.id')}) t)` : 'NULL'} AS transcript
       FROM conversations c JOIN data_subjects s ON s.id = c.subject_id
       LEFT JOIN subject_keys k ON k.subject_id = c.subject_id
       LEFT JOIN messages d ON d.conversation_id = c.id AND d.client_id = $2
      WHERE c.id = $1 FOR UPDATE OF c`,
    [conversationId, opts.clientId],
  )) as LockedRow[];
  return row;
}

/** The transcript's newest rows (ANSWER_TRANSCRIPT_MESSAGES), oldest first, still sealed. */
export async function transcriptRows(tx: Queryable, conversationId: string): Promise<TranscriptRow[]> {
  return (await preparedQuery(tx, `SELECT * FROM (${TRANSCRIPT_ROWS(false, '$1')}) t ORDER BY t.seq`, [
    conversationId,
  ])) as TranscriptRow[];
}

/** A message as stored: its text already sealed, its meta as JSON. */
export interface SealedMessage {
  conversationId: string;
  subjectId: string;
  id: string;
  role: MessageRow['role'];
  ciphertext: Uint8Array;
  seq: number;
  clientId: string | null;
  meta: string;
  now: Date;
}

/**
 * Writes the message, the conversation's counter and audit events in one statement. `auditEvents`
 * appends its parameters to the values it is given and answers its INSERT (server/audit/append.ts,
 * `auditInsert`).
 */
export async function insertTurnMessage(
  tx: Queryable,
  m: SealedMessage,
  auditEvents: (values: unknown[]) => string,
): Promise<void> {
  const values: unknown[] = [
    m.conversationId,
    m.now,
    m.id,
    m.subjectId,
    m.role,
    m.ciphertext,
    m.seq,
    m.clientId,
    m.meta,
  ];
  const events = auditEvents(values);
  await preparedQuery(
    tx,
    `WITH counter AS (UPDATE conversations SET last_seq = $7, updated_at = $2 WHERE id = $1),
          message AS (INSERT INTO messages (id, conversation_id, subject_id, role, ciphertext, created_at, seq, client_id, meta) VALUES ($3, $1, $4, $5, $6, $2, $7, $8, $9)),
          events AS (${events})
     SELECT 1`,
    values,
  );
}

/**
 * Stores the AI's answer only while the conversation is open and the AI's, numbered after its last
 * message, with its message.store audit event (`eventId`), in one statement. Answers the seq, or
 * null when the conversation was no longer the AI's.
 */
export async function insertAnswer(
  db: Queryable,
  a: {
    conversationId: string;
    id: string;
    ciphertext: Uint8Array;
    meta: string;
    now: Date;
    eventId: string;
    actor: { type: string; id: string };
    requestId: string | null;
  },
): Promise<number | null> {
  const [row] = (await preparedQuery(
    db,
    `WITH c AS (SELECT id, subject_id, last_seq + 1 AS seq FROM conversations WHERE id = $1 AND status = 'open' AND mode = 'ai' FOR UPDATE),
          counter AS (UPDATE conversations SET last_seq = c.seq, updated_at = $2 FROM c WHERE conversations.id = c.id),
          message AS (INSERT INTO messages (id, conversation_id, subject_id, role, ciphertext, created_at, seq, client_id, meta)
                      SELECT $3, c.id, c.subject_id, 'assistant', $4, $2, c.seq, NULL, $5 FROM c),
          events AS (INSERT INTO audit_events (id, occurred_at, actor_type, actor_id, action, subject_id, resource_type, resource_id, purpose, reason, outcome, request_id, details)
                      SELECT $6, $2, $7, $8, 'message.store', c.subject_id, 'Message', $3, NULL, NULL, 'success', $9,
                             jsonb_build_object('conversationId', c.id, 'role', 'assistant', 'seq', c.seq) FROM c)
     SELECT seq::text AS seq FROM c`,
    [a.conversationId, a.now, a.id, a.ciphertext, a.meta, a.eventId, a.actor.type, a.actor.id, a.requestId],
  )) as { seq: string }[];
  return row ? Number(row.seq) : null;
}
