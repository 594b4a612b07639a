import { describe, expect, it } from 'vitest';
import { Vault } from '../vault.ts';
import type { EntityType } from '../types.ts';
import { DROPPED } from './drop.ts';
import { operators } from './index.ts';

const key = new Uint8Array(32).fill(7);
const apply = (name: keyof typeof operators, type: EntityType, value: string, vault = new Vault(), hmacKey = key) =>
  operators[name]({ type, value, vault, hmacKey });

describe('mask', () => {
  it.each<[EntityType, string, string]>([
    ['CREDIT_CARD', '4111 1111 1111 1111', '4111 11** **** 1111'],
    ['CREDIT_CARD', '4111-1111-1111-1111', '4111-11**-****-1111'],
    ['CREDIT_CARD', '4111111111111111', '411111******1111'],
    ['CREDIT_CARD', '3782 822463 10005', '3782 82**** *0005'],
    ['CREDIT_CARD', '6212 3456 7890 1234 567', '6212 34** **** ***4 567'],
    ['CREDIT_CARD', '1234 5678 90', '**** **78 90'],
    ['CREDIT_CARD', '１２３４', '****'],
    ['CREDIT_CARD', '４１１１ １１１１ １１１１ １１１１', '４１１１ １１** **** １１１１'],
    ['PHONE', '１３８００１３８０００', '*********００'],
    ['IBAN', 'GB82 WEST 1234 5698 7654 32', 'GB** **** **** **** **54 32'],
    ['IBAN', 'DE89370400440532013000', 'DE****************3000'],
    ['EMAIL', 'alice.smith@example.com', 'a***@example.com'],
    ['EMAIL', 'not-an-email', '***-**-*****'],
    ['PHONE', '+44 7700 900123', '+** **** ****23'],
    ['PHONE', '138-0013-8000', '***-****-**00'],
    ['PERSON', 'Alice Smith', 'A**** S****'],
    ['PERSON', '张伟', '张*'],
    ['US_SSN', '123-45-6789', '***-**-6789'],
    ['DATE_OF_BIRTH', '12/03/1985', '**/**/****'],
    ['UK_NINO', 'QQ 12 34 56 C', '** ** ** ** *'],
  ])('%s %j → %j', (type, value, masked) => {
    expect(apply('mask', type, value)).toBe(masked);
  });

  // PCI DSS: a displayed PAN shows at most the first 6 and the last 4 digits.
  it('never reveals more than the first 6 and last 4 digits of any card, in any layout', () => {
    const separators = ['', ' ', '-', '  ', ' - '];
    for (let length = 8; length <= 19; length += 1) {
      const digits = Array.from({ length }, (_, i) => String((i * 7 + 3) % 10)).join('');
      for (const sep of separators) {
        const value = digits.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
        const masked = apply('mask', 'CREDIT_CARD', value);
        expect(masked.length).toBe(value.length);
        const shown = [...masked].map((ch, i) => (/\d/.test(ch) ? i : -1)).filter((i) => i >= 0);
        const digitPositions = [...value].map((ch, i) => (/\d/.test(ch) ? i : -1)).filter((i) => i >= 0);
        const allowed = new Set([...digitPositions.slice(0, 6), ...digitPositions.slice(-4)]);
        expect(shown.length).toBeLessThanOrEqual(10);
        expect(shown.every((i) => allowed.has(i) && masked[i] === value[i])).toBe(true);
        // at least 3 digits always stay hidden
        expect(digitPositions.length - shown.length).toBeGreaterThanOrEqual(3);
        // separators are kept where they were
        expect(masked.replace(/[\d*]/g, '')).toBe(value.replace(/\d/g, ''));
      }
    }
  });
});

describe('hash', () => {
  it('is a short keyed token, stable across vaults and surface forms', () => {
    const a = apply('hash', 'EMAIL', 'Alice@Example.com');
    expect(a).toMatch(/^<EMAIL#[0-9a-f]{8}>$/);
    expect(apply('hash', 'EMAIL', 'alice@example.com', new Vault())).toBe(a);
    expect(apply('hash', 'EMAIL', 'bob@example.com')).not.toBe(a);
    expect(apply('hash', 'EMAIL', 'Alice@Example.com', new Vault(), new Uint8Array(32).fill(8))).not.toBe(a);
  });

  it('does not put anything in the vault', () => {
    const vault = new Vault();
    apply('hash', 'PHONE', '+44 7700 900123', vault);
    expect(vault.size).toBe(0);
  });
});

describe('drop and placeholder', () => {
  it('drop leaves a type-less marker', () => {
    expect(apply('drop', 'PERSON', 'Alice')).toBe(DROPPED);
    expect(DROPPED).toBe('[removed]');
  });

  it('placeholder goes through the vault', () => {
    const vault = new Vault();
    expect(apply('placeholder', 'PERSON', 'Alice', vault)).toBe('<PERSON_1>');
    expect(apply('placeholder', 'PERSON', 'alice', vault)).toBe('<PERSON_1>');
    expect(vault.original('<PERSON_1>')).toBe('Alice');
  });
});
