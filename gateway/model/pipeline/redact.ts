// Step 1, redact: every message of the request through the redaction engine, numbered in the
// conversation's vault (loaded here; a request without a conversation gets a vault of its own).
// Earlier turns of a conversation come from the memo. Fails closed: a message redaction could not
// read makes the whole request `ok: false`, and no text goes to any model.
import type { ChatMessage } from '../types.ts';
import type { RedactedTurn, RedactionMemo } from '../redactionMemo.ts';
import type { RedactionEngine } from '../../redaction/engine.ts';
import type { EntityType, Lang } from '../../redaction/types.ts';
import { Vault } from '../../redaction/vault.ts';
import type { Run, Shared } from './state.ts';

export interface Redacted {
  ok: boolean;
  counts: Partial<Record<EntityType, number>>;
  /** the redacted messages (empty when not ok) */
  messages: ChatMessage[];
  /** turns redacted now, for the memo once the vault that numbered them is saved */
  fresh: [string, RedactedTurn][];
  vault: Vault;
  loadedRevision: number;
}

/** Redacts every message; with a memo (conversations only) earlier turns come from it. */
async function redactAll(
  engine: RedactionEngine,
  messages: ChatMessage[],
  vault: Vault,
  lang: Lang | undefined,
  memo?: { conversationId: string; store: RedactionMemo },
) {
  const counts: Partial<Record<EntityType, number>> = {};
  const out: ChatMessage[] = [];
  const fresh: [string, RedactedTurn][] = [];
  for (const m of messages) {
    const key = memo?.store.key(memo.conversationId, lang, m);
    let turn = key ? memo!.store.get(key) : undefined;
    if (!turn) {
      const r = await engine.redact(lang ? { text: m.content, lang, vault } : { text: m.content, vault });
      if (!r.ok) return { ok: false as const, counts, messages: [], fresh };
      turn = { text: r.text, counts: r.counts };
      if (key) fresh.push([key, turn]);
    }
    for (const [t, n] of Object.entries(turn.counts) as [EntityType, number][])
      if (n > 0) counts[t] = (counts[t] ?? 0) + n;
    out.push({ role: m.role, content: turn.text });
  }
  return { ok: true as const, counts, messages: out, fresh };
}

export async function redact(shared: Shared, run: Run): Promise<Redacted> {
  const { req } = run;
  const snapshot =
    req.conversationId && !req.noVaultYet ? await shared.deps.vaults.load(req.conversationId) : undefined;
  const vault = snapshot ? Vault.fromJSON(snapshot) : new Vault();
  const loadedRevision = vault.revision;
  const memo = req.conversationId ? { conversationId: req.conversationId, store: shared.memo } : undefined;
  const redacted = await redactAll(shared.deps.redaction, req.messages, vault, req.lang, memo);
  run.record.entityCounts = redacted.counts;
  return { ...redacted, vault, loadedRevision };
}

/** Placeholders are saved before any model sees them, so later turns number the same way. */
export async function keepPlaceholders(shared: Shared, run: Run, redacted: Redacted): Promise<void> {
  const { conversationId } = run.req;
  if (conversationId && redacted.vault.revision !== redacted.loadedRevision)
    await shared.deps.vaults.save(conversationId, redacted.vault.toJSON(), redacted.loadedRevision);
  for (const [key, turn] of redacted.fresh) shared.memo.set(key, turn);
}
