// Privacy test helpers: seed a data subject with every kind of personal data, and look for
// plaintext anywhere in the database (every text/bytea/json column, and a dump of every table).
import type { EntityManager } from 'typeorm';
import { Vault } from '../../gateway/redaction/vault.ts';
import type { RunningServer } from '../../server/boot.ts';
import type { PrivacyActor } from '../../server/privacy/context.ts';
import { recordConsent } from '../../server/privacy/consents.ts';
import {
  closeConversation,
  createConversation,
  storeAttachment,
  storeMessage,
} from '../../server/privacy/conversations.ts';
import { privacyCtx } from '../../server/privacy/deps.ts';
import { createDataSubject } from '../../server/privacy/subjects.ts';
import { DbVaultStore } from '../../server/privacy/vaultStore.ts';

export const SYSTEM: PrivacyActor = { type: 'system', id: 'test' };

export function inTx<T>(
  server: RunningServer,
  fn: (ctx: ReturnType<typeof privacyCtx>) => Promise<T>,
  actor: PrivacyActor = SYSTEM,
): Promise<T> {
  return server.deps.db.dataSource.transaction((tx: EntityManager) => fn(privacyCtx(server.deps, tx, actor)));
}

export interface SeededSubject {
  subjectId: string;
  conversationIds: string[];
  messageIds: string[];
  attachmentIds: string[];
  /** every personal string stored for them */
  secrets: string[];
}

/** A subject with `conversations` conversations of `messages` messages each, an attachment, consents and a vault. */
export async function seedSubject(
  server: RunningServer,
  tag: string,
  opts: { conversations?: number; messages?: number; retentionClass?: string; close?: boolean } = {},
): Promise<SeededSubject> {
  const name = `Maria ${tag} Gonzalez`;
  const email = `maria.${tag.toLowerCase()}@example.com`;
  const card = `4111 1111 1111 ${tag.padStart(4, '7').slice(-4)}`;
  const attachmentText = `PASSPORT-SCAN-${tag}-X9`;
  const secrets = [name, email, card, attachmentText, `vaulted-${tag}-iban`];
  const seeded: SeededSubject = { subjectId: '', conversationIds: [], messageIds: [], attachmentIds: [], secrets };
  await inTx(server, async (ctx) => {
    const subject = await createDataSubject(ctx, [
      { kind: 'email', value: email },
      { kind: 'customer_id', value: `CUST-${tag}` },
    ]);
    seeded.subjectId = subject.id;
    for (const purpose of ['ai_local', 'transcript']) {
      await recordConsent(ctx, subject.id, {
        purpose,
        granted: true,
        textVersion: 'v1',
        textHash: 'a'.repeat(64),
        language: 'en',
      });
    }
    for (let c = 0; c < (opts.conversations ?? 1); c++) {
      const conversation = await createConversation(ctx, {
        subjectId: subject.id,
        site: 'retail',
        retentionClass: opts.retentionClass ?? 'standard',
        language: 'en',
      });
      seeded.conversationIds.push(conversation.id);
      for (let m = 0; m < (opts.messages ?? 3); m++) {
        const text =
          m === 0 ? `My card ${card} was blocked, my name is ${name}, email ${email}` : `message ${m} from ${name}`;
        seeded.messageIds.push(
          (await storeMessage(ctx, { conversationId: conversation.id, role: m % 2 ? 'assistant' : 'visitor', text }))
            .id,
        );
      }
      const { id } = await storeAttachment(ctx, {
        conversationId: conversation.id,
        mime: 'text/plain',
        content: Buffer.from(attachmentText),
      });
      seeded.attachmentIds.push(id);
      const vault = new Vault();
      vault.placeholderFor('PERSON', name);
      vault.placeholderFor('IBAN', `vaulted-${tag}-iban`);
      await new DbVaultStore(ctx).save(conversation.id, vault.toJSON(), 0);
      if (opts.close) await closeConversation(ctx, conversation.id);
    }
  });
  return seeded;
}

interface Column {
  table: string;
  column: string;
  type: string;
}

async function columns(tx: EntityManager): Promise<Column[]> {
  return (await tx.query(
    `SELECT table_name AS "table", column_name AS "column", data_type AS type FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type IN ('text', 'bytea', 'jsonb', 'json', 'character', 'character varying')
      ORDER BY table_name, column_name`,
  )) as Column[];
}

/** `table.column` of every place a string occurs (bytea compared as bytes, json as its text). */
export async function findPlaintext(server: RunningServer, needles: string[]): Promise<string[]> {
  const tx = server.deps.db.dataSource.manager;
  const hits: string[] = [];
  const cols = await columns(tx);
  expectSome(cols);
  for (const { table, column, type } of cols) {
    for (const needle of needles) {
      const cond =
        type === 'bytea' ? `position($1::bytea in "${column}") > 0` : `position($1 in "${column}"::text) > 0`;
      const [row] = (await tx.query(`SELECT count(*)::int AS n FROM "${table}" WHERE ${cond}`, [
        type === 'bytea' ? Buffer.from(needle) : needle,
      ])) as { n: number }[];
      if (row && row.n > 0) hits.push(`${table}.${column}`);
    }
  }
  return hits;
}

function expectSome(cols: Column[]): void {
  if (!cols.some((c) => c.table === 'messages' && c.column === 'ciphertext'))
    throw new Error('column scan found no messages.ciphertext: the scan is broken');
}

/** Every row of every table as JSON text (bytea as hex), like a logical backup. */
export async function dumpDatabase(server: RunningServer): Promise<string> {
  const tx = server.deps.db.dataSource.manager;
  const tables = (await tx.query(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  )) as { t: string }[];
  const parts: string[] = [];
  for (const { t } of tables) {
    const rows = (await tx.query(`SELECT row_to_json(x)::text AS j FROM "${t}" x`)) as { j: string }[];
    parts.push(`-- ${t}\n${rows.map((r) => r.j).join('\n')}`);
  }
  return parts.join('\n');
}

/** The forms a string can take in a dump: as is, and as bytea hex. */
export const dumpForms = (s: string) => [s, Buffer.from(s).toString('hex')];
