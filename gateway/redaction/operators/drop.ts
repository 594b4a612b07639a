// Irreversible and type-less: "[removed]" rather than "" so neighbouring words are not glued
// together and the reader (human or model) can tell that something was there.
import type { Operator } from './operator.ts';

export const DROPPED = '[removed]';

export const drop: Operator = () => DROPPED;
