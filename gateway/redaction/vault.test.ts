import { describe, expect, it } from 'vitest';
import { InMemoryVaultStore, VaultConflict, withConversationVault } from './vault-store.ts';
import { Vault, VaultFormatError, VaultFullError, type VaultSnapshot } from './vault.ts';
import type { EntityType } from './types.ts';

describe('Vault', () => {
  it('gives the same value the same placeholder in every turn, and new values new numbers', () => {
    const vault = new Vault();
    expect(vault.placeholderFor('PERSON', 'Alice Smith')).toBe('<PERSON_1>');
    expect(vault.placeholderFor('PERSON', 'Bob Jones')).toBe('<PERSON_2>');
    expect(vault.placeholderFor('IBAN', 'GB82 WEST 1234 5698 7654 32')).toBe('<IBAN_1>');
    // later turns
    expect(vault.placeholderFor('PERSON', 'Alice Smith')).toBe('<PERSON_1>');
    expect(vault.placeholderFor('IBAN', 'GB82WEST12345698765432')).toBe('<IBAN_1>');
    expect(vault.placeholderFor('PERSON', 'Carol')).toBe('<PERSON_3>');
    expect(vault.size).toBe(4);
  });

  it.each<[EntityType, string, string]>([
    ['EMAIL', 'Alice@Example.COM', 'alice@example.com'],
    ['EMAIL', ' alice@example.com', 'alice@example.com'],
    ['EMAIL', 'ａｌｉｃｅ@example.com', 'alice@example.com'],
    ['PHONE', '+86 138-0013-8000', '+8613800138000'],
    ['PHONE', '+86 １３８ ００１３ ８０００', '+86 138 0013 8000'],
    ['CREDIT_CARD', '4111 1111 1111 1111', '4111-1111-1111-1111'],
    ['IBAN', 'gb82 west 1234 5698 7654 32', 'GB82WEST12345698765432'],
    ['PERSON', 'Alice   Smith', 'alice smith'],
    ['PERSON', 'Alice\nSmith', 'ALICE SMITH'],
    ['CN_RESIDENT_ID', '11010519491231002x', '11010519491231002X'],
  ])('treats %s %j and %j as one value', (type, a, b) => {
    const vault = new Vault();
    expect(vault.placeholderFor(type, a)).toBe(vault.placeholderFor(type, b));
    expect(vault.size).toBe(1);
  });

  it.each<[EntityType, string, string]>([
    ['EMAIL', 'alice@example.com', 'alice@example.org'],
    ['PHONE', '13800138000', '13800138001'],
    ['IBAN', 'GB82WEST12345698765432', 'GB82WEST12345698765433'],
    ['PERSON', 'Alice Smith', 'Alice Smyth'],
    ['PHONE', '---', '...'],
  ])('never lets %s %j and %j share a placeholder', (type, a, b) => {
    const vault = new Vault();
    expect(vault.placeholderFor(type, a)).not.toBe(vault.placeholderFor(type, b));
  });

  it('keeps the same text under different types apart, each with its own counter', () => {
    const vault = new Vault();
    expect(vault.placeholderFor('PERSON', 'Jordan')).toBe('<PERSON_1>');
    expect(vault.placeholderFor('LOCATION', 'Jordan')).toBe('<LOCATION_1>');
  });

  it('restores the first surface form, and knows nothing it did not issue', () => {
    const vault = new Vault();
    vault.placeholderFor('EMAIL', 'Alice@Example.com');
    vault.placeholderFor('EMAIL', 'alice@example.com');
    expect(vault.original('<EMAIL_1>')).toBe('Alice@Example.com');
    expect(vault.lookup('EMAIL', 1)).toBe('Alice@Example.com');
    expect(vault.original('<EMAIL_2>')).toBeUndefined();
    expect(vault.original('<NOT_A_TYPE_1>')).toBeUndefined();
    expect(vault.original('EMAIL_1')).toBeUndefined();
    expect(vault.peek('EMAIL', 'bob@example.com')).toBeUndefined();
    expect(vault.size).toBe(1);
  });

  it('survives a JSON round trip: same placeholders, same numbering afterwards', () => {
    const vault = new Vault();
    vault.placeholderFor('PERSON', 'Alice Smith');
    vault.placeholderFor('PERSON', 'Bob Jones');
    vault.placeholderFor('PHONE', '+44 7700 900123');
    const restored = Vault.fromJSON(JSON.parse(JSON.stringify(vault)));
    expect(restored.toJSON()).toEqual(vault.toJSON());
    expect(restored.toJSON().version).toBe(1);
    expect(restored.placeholderFor('PERSON', 'alice  smith')).toBe('<PERSON_1>');
    expect(restored.placeholderFor('PHONE', '+447700900123')).toBe('<PHONE_1>');
    expect(restored.placeholderFor('PERSON', 'Carol')).toBe('<PERSON_3>');
    expect(restored.original('<PERSON_2>')).toBe('Bob Jones');
  });

  it('never reuses a number, even after an entry was erased from a snapshot', () => {
    const vault = new Vault();
    vault.placeholderFor('PERSON', 'Alice');
    vault.placeholderFor('PERSON', 'Bob');
    const snapshot = vault.toJSON();
    const erased = Vault.fromJSON({ ...snapshot, entries: snapshot.entries.filter((e) => e.value !== 'Bob') });
    expect(erased.placeholderFor('PERSON', 'Carol')).toBe('<PERSON_3>');
  });

  const good = (): VaultSnapshot => ({
    version: 1,
    revision: 1,
    counters: { PERSON: 1 },
    entries: [{ type: 'PERSON', index: 1, key: 'alice', value: 'Alice' }],
  });
  it.each<[string, unknown, RegExp]>([
    ['not an object', 'nope', /\(root\)/],
    ['a future version', { ...good(), version: 2 }, /version/],
    [
      'an unknown entity type',
      { ...good(), entries: [{ type: 'SHOE_SIZE', index: 1, key: 'k', value: 'v' }] },
      /entries\.0\.type/,
    ],
    ['an unknown key', { ...good(), extra: true }, /extra|root/],
    [
      'a duplicate value',
      {
        ...good(),
        counters: { PERSON: 2 },
        entries: [...good().entries, { type: 'PERSON', index: 2, key: 'alice', value: 'ALICE' }],
      },
      /duplicate value/,
    ],
    [
      'a duplicate placeholder',
      { ...good(), entries: [...good().entries, { type: 'PERSON', index: 1, key: 'bob', value: 'Bob' }] },
      /duplicate placeholder/,
    ],
    ['an index beyond its counter', { ...good(), counters: {} }, /beyond/],
  ])('fromJSON rejects %s', (_name, json, message) => {
    expect(() => Vault.fromJSON(json)).toThrow(VaultFormatError);
    expect(() => Vault.fromJSON(json)).toThrow(message);
  });

  it('refuses to mint past the largest index rather than wrap around', () => {
    const full = Vault.fromJSON({ version: 1, revision: 0, counters: { PERSON: 999_999 }, entries: [] });
    expect(() => full.placeholderFor('PERSON', 'Alice')).toThrow(VaultFullError);
    expect(full.placeholderFor('EMAIL', 'a@b.example')).toBe('<EMAIL_1>');
  });
});

describe('VaultStore', () => {
  it('loads, saves when the vault grew, and detects a concurrent writer', async () => {
    const store = new InMemoryVaultStore();
    const first = await withConversationVault(store, 'c1', async (vault) => vault.placeholderFor('PERSON', 'Alice'));
    const second = await withConversationVault(store, 'c1', async (vault) => vault.placeholderFor('PERSON', 'alice'));
    expect([first, second]).toEqual(['<PERSON_1>', '<PERSON_1>']);
    expect((await store.load('c1'))?.revision).toBe(1);

    // two writers that loaded the same revision: the second save must fail, not merge
    const a = Vault.fromJSON(await store.load('c1'));
    const b = Vault.fromJSON(await store.load('c1'));
    a.placeholderFor('PERSON', 'Bob');
    b.placeholderFor('PERSON', 'Carol');
    await store.save('c1', a.toJSON(), 1);
    await expect(store.save('c1', b.toJSON(), 1)).rejects.toBeInstanceOf(VaultConflict);
    expect(Vault.fromJSON(await store.load('c1')).original('<PERSON_2>')).toBe('Bob');
  });

  it('does not write when nothing new was minted', async () => {
    const store = new InMemoryVaultStore();
    await withConversationVault(store, 'c2', async () => undefined);
    expect(await store.load('c2')).toBeUndefined();
  });
});
