// Every record about one data subject, as an access request's export reads it: each query is keyed
// by this subject's id, so nothing about anyone else can enter. Rows with their ciphertext; the
// export service opens them and writes the audit event.
import { AUDIT_COLUMNS, type AuditEvent } from '../../audit/event.ts';
import type { Queryable } from './queryable.ts';

export interface SubjectRecords {
  identifiers: { kind: string; createdAt: Date }[];
  conversations: {
    id: string;
    site: string;
    status: string;
    retentionClass: string;
    language: string | null;
    createdAt: Date;
    closedAt: Date | null;
  }[];
  messages: { id: string; conversationId: string; role: string; ciphertext: Buffer; createdAt: Date }[];
  attachments: {
    id: string;
    conversationId: string;
    mime: string;
    sizeBytes: number;
    ciphertext: Buffer;
    createdAt: Date;
  }[];
  vaults: { conversationId: string; ciphertext: Buffer }[];
  consents: {
    purpose: string;
    granted: boolean;
    textVersion: string;
    textHash: string;
    language: string;
    recordedAt: Date;
  }[];
  requests: {
    id: string;
    type: string;
    state: string;
    receivedAt: Date;
    dueAt: Date;
    completedAt: Date | null;
    details: Buffer | null;
  }[];
  events: AuditEvent[];
}

export async function subjectRecords(tx: Queryable, subjectId: string): Promise<SubjectRecords> {
  const q = <T>(sql: string) => tx.query(sql, [subjectId]) as Promise<T[]>;
  type R = SubjectRecords;

  const identifiers = await q<R['identifiers'][number]>(
    `SELECT kind, created_at AS "createdAt" FROM subject_identifiers WHERE subject_id = $1 ORDER BY created_at, kind`,
  );
  const conversations = await q<R['conversations'][number]>(
    `SELECT id, site, status, retention_class AS "retentionClass", language, created_at AS "createdAt", closed_at AS "closedAt" FROM conversations WHERE subject_id = $1 ORDER BY created_at, id`,
  );
  const messages = await q<R['messages'][number]>(
    `SELECT id, conversation_id AS "conversationId", role, ciphertext, created_at AS "createdAt" FROM messages WHERE subject_id = $1 ORDER BY created_at, id`,
  );
  const attachments = await q<R['attachments'][number]>(
    `SELECT id, conversation_id AS "conversationId", mime, size_bytes AS "sizeBytes", ciphertext, created_at AS "createdAt" FROM attachments WHERE subject_id = $1 ORDER BY created_at, id`,
  );
  const vaults = await q<R['vaults'][number]>(
    `SELECT conversation_id AS "conversationId", ciphertext FROM conversation_vaults WHERE subject_id = $1`,
  );
  const consents = await q<R['consents'][number]>(
    `SELECT purpose, granted, text_version AS "textVersion", text_hash AS "textHash", language, recorded_at AS "recordedAt" FROM consent_records WHERE subject_id = $1 ORDER BY recorded_at, id`,
  );
  const requests = await q<R['requests'][number]>(
    `SELECT id, type, state, received_at AS "receivedAt", due_at AS "dueAt", completed_at AS "completedAt", details_ciphertext AS details FROM dsr_requests WHERE subject_id = $1 ORDER BY received_at, id`,
  );
  const events = await q<AuditEvent>(
    `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE subject_id = $1 ORDER BY audit_events.seq`,
  );
  return { identifiers, conversations, messages, attachments, vaults, consents, requests, events };
}
