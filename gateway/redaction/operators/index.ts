// The one place operators are registered; the policy names them, the engine looks them up here.
import { drop } from './drop.ts';
import { hash } from './hash.ts';
import { mask } from './mask.ts';
import type { Operator, OperatorName } from './operator.ts';
import { placeholder } from './placeholder.ts';

export const operators = { placeholder, mask, hash, drop } satisfies Record<OperatorName, Operator>;
export { OPERATOR_NAMES, type Operator, type OperatorInput, type OperatorName } from './operator.ts';
