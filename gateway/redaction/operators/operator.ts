// An Operator turns one detected value into what the model (or a log) sees instead.
// Operators are synchronous so the engine can apply them, and touch the vault, atomically.
import type { EntityType } from '../types.ts';
import type { Vault } from '../vault.ts';

export const OPERATOR_NAMES = ['placeholder', 'mask', 'hash', 'drop'] as const;
export type OperatorName = (typeof OPERATOR_NAMES)[number];

export interface OperatorInput {
  type: EntityType;
  /** the value exactly as it appears in the original text. */
  value: string;
  vault: Vault;
  /** HMAC key for the hash operator; at least 32 bytes (checked when the engine is created). */
  hmacKey: Uint8Array;
}

export type Operator = (input: OperatorInput) => string;
