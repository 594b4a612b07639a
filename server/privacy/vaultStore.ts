// The redaction vault of a conversation (placeholder ↔ personal value), kept encrypted under the
// subject's key in conversation_vaults. Optimistic: a save names the revision it loaded.
import { VaultConflict, type VaultSnapshot, type VaultStore } from '../../gateway/redaction/index.ts';
import { appendAudit } from '../audit/append.ts';
import { changedRows } from '../db/results.ts';
import type { PrivacyCtx } from './context.ts';
import { aad, findConversation, openOrFail } from './conversations.ts';
import { openText, sealText } from './envelope.ts';
import { subjectKey } from './subjectKeys.ts';

export class DbVaultStore implements VaultStore {
  constructor(private readonly ctx: PrivacyCtx) {}

  async load(conversationId: string): Promise<VaultSnapshot | undefined> {
    const { tx } = this.ctx;
    const [row] = (await tx.query(`SELECT subject_id AS "subjectId", ciphertext FROM conversation_vaults WHERE conversation_id = $1`, [conversationId])) as { subjectId: string; ciphertext: Buffer }[];
    if (!row) return undefined;
    const key = await subjectKey(this.ctx, row.subjectId);
    const snapshot = JSON.parse(openOrFail(() => openText(key, row.ciphertext, aad.vault(conversationId)))) as VaultSnapshot;
    await appendAudit(tx, { actor: this.ctx.actor, action: 'vault.read', subjectId: row.subjectId, resource: { type: 'Conversation', id: conversationId }, requestId: this.ctx.requestId, details: { entries: snapshot.entries.length } });
    return snapshot;
  }

  async save(conversationId: string, snapshot: VaultSnapshot, expectedRevision: number): Promise<void> {
    const { tx, now } = this.ctx;
    const c = await findConversation(this.ctx, conversationId);
    const key = await subjectKey(this.ctx, c.subjectId);
    const ciphertext = sealText(key, JSON.stringify(snapshot), aad.vault(conversationId));
    const written = expectedRevision === 0
      ? await tx.query(
          `INSERT INTO conversation_vaults (conversation_id, subject_id, revision, ciphertext, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
             ON CONFLICT (conversation_id) DO NOTHING RETURNING revision`,
          [conversationId, c.subjectId, snapshot.revision, ciphertext, now],
        )
      : await tx.query(`UPDATE conversation_vaults SET revision = $2, ciphertext = $3, updated_at = $4 WHERE conversation_id = $1 AND revision = $5 RETURNING revision`, [
          conversationId, snapshot.revision, ciphertext, now, expectedRevision,
        ]);
    if (changedRows(written) === 0) throw new VaultConflict(conversationId);
    await appendAudit(tx, { actor: this.ctx.actor, action: 'vault.write', subjectId: c.subjectId, resource: { type: 'Conversation', id: conversationId }, requestId: this.ctx.requestId, details: { entries: snapshot.entries.length, revision: snapshot.revision } });
  }
}
