// Where vaults live between turns is the server's business (encrypted rows); the gateway only
// states the contract. Saves are optimistic: a writer names the revision it loaded, and a store
// refuses the save if someone else saved in between, because two vaults that each minted
// `<PERSON_2>` for different people cannot be merged after both were sent to a model.
import { Vault, type VaultSnapshot } from './vault.ts';

export class VaultConflict extends Error {
  override readonly name = 'VaultConflict';
  constructor(readonly conversationId: string) {
    super('vault was changed by a concurrent writer');
  }
}

export interface VaultStore {
  /** undefined when the conversation has no vault yet. */
  load(conversationId: string): Promise<VaultSnapshot | undefined>;
  /** expectedRevision: the revision that was loaded (0 for a new vault); throws VaultConflict if stale. */
  save(conversationId: string, snapshot: VaultSnapshot, expectedRevision: number): Promise<void>;
}

/** For tests and single-process tools. Copies snapshots so callers cannot alias stored state. */
export class InMemoryVaultStore implements VaultStore {
  readonly #rows = new Map<string, VaultSnapshot>();

  async load(conversationId: string): Promise<VaultSnapshot | undefined> {
    const row = this.#rows.get(conversationId);
    return row ? structuredClone(row) : undefined;
  }

  async save(conversationId: string, snapshot: VaultSnapshot, expectedRevision: number): Promise<void> {
    const current = this.#rows.get(conversationId)?.revision ?? 0;
    if (current !== expectedRevision) throw new VaultConflict(conversationId);
    this.#rows.set(conversationId, structuredClone(snapshot));
  }
}

/** Load (or start) a conversation's vault, run fn with it, save it if it grew. */
export async function withConversationVault<T>(
  store: VaultStore,
  conversationId: string,
  fn: (vault: Vault) => Promise<T>,
): Promise<T> {
  const snapshot = await store.load(conversationId);
  const vault = snapshot ? Vault.fromJSON(snapshot) : new Vault();
  const loadedRevision = vault.revision;
  const result = await fn(vault);
  if (vault.revision !== loadedRevision) await store.save(conversationId, vault.toJSON(), loadedRevision);
  return result;
}
