// Reversible: the vault remembers the value so rehydration can restore it for the visitor.
import type { Operator } from './operator.ts';

export const placeholder: Operator = ({ type, value, vault }) => vault.placeholderFor(type, value);
