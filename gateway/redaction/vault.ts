// A Vault belongs to one conversation and maps each personal value to its Placeholder, for every
// turn of that conversation. All mutation is synchronous: in JavaScript's run-to-completion model
// no other redaction can interleave between "is this value known?" and "record it", so concurrent
// redactions sharing one Vault instance can never mint two placeholders for one value, nor one
// placeholder twice. (Across processes the server must serialise per conversation: see VaultStore.)
import { z } from 'zod';
import { canonicalValue } from './value-key.ts';
import { formatPlaceholder, MAX_PLACEHOLDER_INDEX, parsePlaceholder } from './placeholder.ts';
import { ENTITY_TYPES, type EntityType } from './types.ts';

export const VAULT_FORMAT_VERSION = 1;

const VaultEntrySnapshot = z.strictObject({
  type: z.enum(ENTITY_TYPES),
  index: z.number().int().min(1).max(MAX_PLACEHOLDER_INDEX),
  /** canonical key (see value-key.ts), stored so a later change of canonicalisation keeps old keys. */
  key: z.string(),
  /** the first surface form seen. */
  value: z.string(),
  /** what rehydration shows instead of `value` (a card's PCI mask); absent: `value` */
  shown: z.string().optional(),
});
export type VaultEntrySnapshot = z.infer<typeof VaultEntrySnapshot>;

export const VaultSnapshot = z.strictObject({
  version: z.literal(VAULT_FORMAT_VERSION),
  /** grows by one per new entry; lets a store detect a concurrent writer (optimistic locking). */
  revision: z.number().int().min(0),
  /** next index per type minus one; kept so numbers are never reused even if entries are erased. */
  counters: z.partialRecord(z.enum(ENTITY_TYPES), z.number().int().min(0).max(MAX_PLACEHOLDER_INDEX)),
  entries: z.array(VaultEntrySnapshot),
});
export type VaultSnapshot = z.infer<typeof VaultSnapshot>;

export class VaultFormatError extends Error {
  override readonly name = 'VaultFormatError';
}

export class VaultFullError extends Error {
  override readonly name = 'VaultFullError';
}

interface VaultEntry {
  type: EntityType;
  index: number;
  key: string;
  value: string;
  shown?: string;
}

const slot = (type: EntityType, key: string): string => `${type}\u0000${key}`;
const ref = (type: EntityType, index: number): string => `${type}\u0000${index}`;

export class Vault {
  readonly #byValue = new Map<string, VaultEntry>();
  readonly #byPlaceholder = new Map<string, VaultEntry>();
  readonly #counters = new Map<EntityType, number>();
  #revision = 0;

  /**
   * The placeholder for this value, minted on first sight. Synchronous on purpose (see top).
   * `shown`: what the visitor sees when the placeholder is put back (a masked card), not the value.
   */
  placeholderFor(type: EntityType, value: string, shown?: string): string {
    const key = canonicalValue(type, value);
    const known = this.#byValue.get(slot(type, key));
    if (known) return formatPlaceholder(type, known.index);
    const index = (this.#counters.get(type) ?? 0) + 1;
    if (index > MAX_PLACEHOLDER_INDEX) throw new VaultFullError(`vault holds the maximum number of ${type} values`);
    this.#add(shown === undefined ? { type, index, key, value } : { type, index, key, value, shown });
    this.#counters.set(type, index);
    this.#revision += 1;
    return formatPlaceholder(type, index);
  }

  /** The placeholder for this value if one was minted; never mints. */
  peek(type: EntityType, value: string): string | undefined {
    const known = this.#byValue.get(slot(type, canonicalValue(type, value)));
    return known ? formatPlaceholder(type, known.index) : undefined;
  }

  /** The original value behind `<TYPE_N>`, or undefined when this vault never issued it. */
  original(placeholder: string): string | undefined {
    const parsed = parsePlaceholder(placeholder);
    return parsed ? this.lookup(parsed.type, parsed.index) : undefined;
  }

  lookup(type: EntityType, index: number): string | undefined {
    return this.#byPlaceholder.get(ref(type, index))?.value;
  }

  /** The placeholder whose shown form (a mask the visitor saw) is exactly `shown`, if any. */
  placeholderOfShown(type: EntityType, shown: string): string | undefined {
    const wanted = shown.normalize('NFKC').trim();
    for (const e of this.#byValue.values())
      if (e.type === type && e.shown !== undefined && e.shown.normalize('NFKC').trim() === wanted)
        return formatPlaceholder(type, e.index);
    return undefined;
  }

  /** What rehydration puts back for `<TYPE_N>`: the shown form (a mask) where one was given, else the value. */
  display(type: EntityType, index: number): string | undefined {
    const entry = this.#byPlaceholder.get(ref(type, index));
    return entry ? (entry.shown ?? entry.value) : undefined;
  }

  /** every value this vault holds, with its type (for the re-check of later turns) */
  *values(): Generator<{ type: EntityType; value: string; shown?: string }> {
    for (const e of this.#byValue.values())
      yield e.shown === undefined ? { type: e.type, value: e.value } : { type: e.type, value: e.value, shown: e.shown };
  }

  get size(): number {
    return this.#byValue.size;
  }

  get revision(): number {
    return this.#revision;
  }

  toJSON(): VaultSnapshot {
    return {
      version: VAULT_FORMAT_VERSION,
      revision: this.#revision,
      counters: Object.fromEntries(this.#counters),
      entries: [...this.#byValue.values()].map((e) =>
        e.shown === undefined
          ? { type: e.type, index: e.index, key: e.key, value: e.value }
          : { type: e.type, index: e.index, key: e.key, value: e.value, shown: e.shown },
      ),
    };
  }

  /** Rebuilds a vault from toJSON() output; rejects anything inconsistent rather than guessing. */
  static fromJSON(json: unknown): Vault {
    const parsed = VaultSnapshot.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new VaultFormatError(
        `invalid vault snapshot at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unknown'}`,
      );
    }
    const vault = new Vault();
    for (const [type, counter] of Object.entries(parsed.data.counters)) {
      vault.#counters.set(type as EntityType, counter);
    }
    for (const entry of parsed.data.entries) {
      if (vault.#byValue.has(slot(entry.type, entry.key)))
        throw new VaultFormatError(`duplicate value in vault for ${entry.type}`);
      if (vault.#byPlaceholder.has(ref(entry.type, entry.index))) {
        throw new VaultFormatError(`duplicate placeholder ${formatPlaceholder(entry.type, entry.index)}`);
      }
      if (entry.index > (vault.#counters.get(entry.type) ?? 0)) {
        throw new VaultFormatError(`${formatPlaceholder(entry.type, entry.index)} is beyond the ${entry.type} counter`);
      }
      vault.#add(entry);
    }
    vault.#revision = parsed.data.revision;
    return vault;
  }

  #add(entry: VaultEntry): void {
    this.#byValue.set(slot(entry.type, entry.key), entry);
    this.#byPlaceholder.set(ref(entry.type, entry.index), entry);
  }
}
