// The redaction vault of a conversation (placeholder ↔ personal value), kept encrypted under the
// subject's key in conversation_vaults. Optimistic: a save names the revision it loaded.
import { VaultConflict, type VaultSnapshot, type VaultStore } from '../../gateway/redaction/index.ts';
import { appendAudit } from '../audit/append.ts';
import type { PrivacyCtx } from './context.ts';
import { aad, findConversation, openOrFail } from './conversations.ts';
import { openText, sealText } from './envelope.ts';
import { vaultStore } from './store/conversations.ts';
import { subjectKey } from './subjectKeys.ts';

export class DbVaultStore implements VaultStore {
  constructor(private readonly ctx: PrivacyCtx) {}

  async load(conversationId: string): Promise<VaultSnapshot | undefined> {
    const { tx } = this.ctx;
    const row = await vaultStore.find(tx, conversationId);
    if (!row) return undefined;
    const key = await subjectKey(this.ctx, row.subjectId);
    const snapshot = JSON.parse(
      openOrFail(() => openText(key, row.ciphertext, aad.vault(conversationId))),
    ) as VaultSnapshot;
    await appendAudit(tx, {
      actor: this.ctx.actor,
      action: 'vault.read',
      subjectId: row.subjectId,
      resource: { type: 'Conversation', id: conversationId },
      requestId: this.ctx.requestId,
      details: { entries: snapshot.entries.length },
    });
    return snapshot;
  }

  async save(conversationId: string, snapshot: VaultSnapshot, expectedRevision: number): Promise<void> {
    const { tx, now } = this.ctx;
    const c = await findConversation(this.ctx, conversationId);
    const key = await subjectKey(this.ctx, c.subjectId);
    const ciphertext = sealText(key, JSON.stringify(snapshot), aad.vault(conversationId));
    const written =
      expectedRevision === 0
        ? await vaultStore.insert(tx, {
            conversationId,
            subjectId: c.subjectId,
            revision: snapshot.revision,
            ciphertext,
            now,
          })
        : await vaultStore.update(tx, {
            conversationId,
            revision: snapshot.revision,
            ciphertext,
            now,
            expectedRevision,
          });
    if (!written) throw new VaultConflict(conversationId);
    await appendAudit(tx, {
      actor: this.ctx.actor,
      action: 'vault.write',
      subjectId: c.subjectId,
      resource: { type: 'Conversation', id: conversationId },
      requestId: this.ctx.requestId,
      details: { entries: snapshot.entries.length, revision: snapshot.revision },
    });
  }
}
