// Keyed pseudonym: the same value gives the same token in every conversation (useful for joining
// analytics) while nobody without the key can test a guess. 8 hex chars: a label, not an identifier.
import { createHmac } from 'node:crypto';
import { canonicalValue } from '../value-key.ts';
import type { Operator } from './operator.ts';

export const HASH_HEX_LENGTH = 8;

export const hash: Operator = ({ type, value, hmacKey }) => {
  const digest = createHmac('sha256', hmacKey)
    .update(`${type}\u0000${canonicalValue(type, value)}`)
    .digest('hex');
  return `<${type}#${digest.slice(0, HASH_HEX_LENGTH)}>`;
};
