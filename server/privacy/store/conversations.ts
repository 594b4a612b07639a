// Conversations, their messages and attachments, and their redaction vaults, as the privacy
// services store and read them: rows with their ciphertext (sealing and opening happen in the
// services, under the subject's key), with the row types.
import { changedRows, returnedRows } from '../../db/results.ts';
import type { Queryable } from './queryable.ts';

export const MESSAGE_ROLES = ['visitor', 'assistant', 'agent'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export interface Conversation {
  id: string;
  subjectId: string;
  site: string;
  status: 'open' | 'handoff' | 'closed';
  retentionClass: string;
  language: string | null;
  createdAt: Date;
  closedAt: Date | null;
}

/** A stored message before its text is opened. */
export interface SealedMessage {
  id: string;
  conversationId: string;
  role: MessageRole;
  ciphertext: Buffer;
  createdAt: Date;
}

const CONVERSATION_COLUMNS = `id, subject_id AS "subjectId", site, status, retention_class AS "retentionClass", language, created_at AS "createdAt", closed_at AS "closedAt"`;

export const conversationStore = {
  async insert(
    tx: Queryable,
    c: { id: string; subjectId: string; site: string; retentionClass: string; language: string | null; now: Date },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO conversations (id, subject_id, site, status, retention_class, language, created_at, updated_at) VALUES ($1, $2, $3, 'open', $4, $5, $6, $6)`,
      [c.id, c.subjectId, c.site, c.retentionClass, c.language, c.now],
    );
  },

  async find(tx: Queryable, conversationId: string, lock = false): Promise<Conversation | undefined> {
    const [row] = (await tx.query(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [conversationId],
    )) as Conversation[];
    return row;
  },

  async close(tx: Queryable, conversationId: string, now: Date): Promise<void> {
    await tx.query(
      `UPDATE conversations SET status = 'closed', closed_at = COALESCE(closed_at, $2), updated_at = $2 WHERE id = $1`,
      [conversationId, now],
    );
  },

  /** The message first stored under the visitor's clientId, if any. */
  async messageByClientId(
    tx: Queryable,
    conversationId: string,
    clientId: string,
  ): Promise<{ id: string; seq: number; createdAt: Date } | undefined> {
    const [known] = (await tx.query(
      `SELECT id, seq, created_at AS "createdAt" FROM messages WHERE conversation_id = $1 AND client_id = $2`,
      [conversationId, clientId],
    )) as { id: string; seq: string; createdAt: Date }[];
    return known && { id: known.id, seq: Number(known.seq), createdAt: known.createdAt };
  },

  /** Advances the conversation's message counter (under its row lock); answers the new seq. */
  async nextSeq(tx: Queryable, conversationId: string, now: Date): Promise<number> {
    const [counter] = returnedRows<{ last_seq: string }>(
      await tx.query(
        `UPDATE conversations SET last_seq = last_seq + 1, updated_at = $2 WHERE id = $1 RETURNING last_seq`,
        [conversationId, now],
      ),
    );
    return Number(counter!.last_seq);
  },

  async insertMessage(
    tx: Queryable,
    m: {
      id: string;
      conversationId: string;
      subjectId: string;
      role: MessageRole | 'system';
      ciphertext: Buffer;
      now: Date;
      seq: number;
      clientId: string | null;
      meta: string;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO messages (id, conversation_id, subject_id, role, ciphertext, created_at, seq, client_id, meta) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [m.id, m.conversationId, m.subjectId, m.role, m.ciphertext, m.now, m.seq, m.clientId, m.meta],
    );
  },

  /** The conversation's messages, oldest first. */
  async messages(tx: Queryable, conversationId: string): Promise<SealedMessage[]> {
    return (await tx.query(
      `SELECT id, conversation_id AS "conversationId", role, ciphertext, created_at AS "createdAt" FROM messages WHERE conversation_id = $1 ORDER BY created_at, id`,
      [conversationId],
    )) as SealedMessage[];
  },

  async insertAttachment(
    tx: Queryable,
    a: {
      id: string;
      conversationId: string;
      messageId: string | null;
      subjectId: string;
      mime: string;
      size: number;
      ciphertext: Buffer;
      now: Date;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO attachments (id, conversation_id, message_id, subject_id, mime, size_bytes, ciphertext, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [a.id, a.conversationId, a.messageId, a.subjectId, a.mime, a.size, a.ciphertext, a.now],
    );
  },

  async attachment(
    tx: Queryable,
    attachmentId: string,
  ): Promise<{ subjectId: string; mime: string; ciphertext: Buffer } | undefined> {
    const [row] = (await tx.query(`SELECT subject_id AS "subjectId", mime, ciphertext FROM attachments WHERE id = $1`, [
      attachmentId,
    ])) as { subjectId: string; mime: string; ciphertext: Buffer }[];
    return row;
  },
};

export const vaultStore = {
  /** Whether the conversation has a vault at all: no ciphertext read, so nothing to audit. */
  async exists(tx: Queryable, conversationId: string): Promise<boolean> {
    const [row] = (await tx.query(`SELECT 1 AS found FROM conversation_vaults WHERE conversation_id = $1`, [
      conversationId,
    ])) as unknown[];
    return row !== undefined;
  },
  async find(tx: Queryable, conversationId: string): Promise<{ subjectId: string; ciphertext: Buffer } | undefined> {
    const [row] = (await tx.query(
      `SELECT subject_id AS "subjectId", ciphertext FROM conversation_vaults WHERE conversation_id = $1`,
      [conversationId],
    )) as { subjectId: string; ciphertext: Buffer }[];
    return row;
  },

  /** The first save of a vault; answers false when another writer saved one first. */
  async insert(
    tx: Queryable,
    v: { conversationId: string; subjectId: string; revision: number; ciphertext: Buffer; now: Date },
  ): Promise<boolean> {
    const written = await tx.query(
      `INSERT INTO conversation_vaults (conversation_id, subject_id, revision, ciphertext, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
             ON CONFLICT (conversation_id) DO NOTHING RETURNING revision`,
      [v.conversationId, v.subjectId, v.revision, v.ciphertext, v.now],
    );
    return changedRows(written) > 0;
  },

  /** A later save, only over the revision it loaded; answers false when that revision is gone. */
  async update(
    tx: Queryable,
    v: { conversationId: string; revision: number; ciphertext: Buffer; now: Date; expectedRevision: number },
  ): Promise<boolean> {
    const written = await tx.query(
      `UPDATE conversation_vaults SET revision = $2, ciphertext = $3, updated_at = $4 WHERE conversation_id = $1 AND revision = $5 RETURNING revision`,
      [v.conversationId, v.revision, v.ciphertext, v.now, v.expectedRevision],
    );
    return changedRows(written) > 0;
  },
};
