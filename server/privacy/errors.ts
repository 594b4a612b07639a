// Privacy errors: factories with a status and a stable id (see server/errors.ts).
import { AppError } from '../errors.ts';

export const subjectNotFound = () => new AppError(404, 'subject_not_found', 'No such data subject.');
export const subjectErased = () =>
  new AppError(410, 'subject_erased', 'This data subject has been erased; nothing about them can be read.');
export const subjectKeyDestroyed = () =>
  new AppError(
    410,
    'subject_key_destroyed',
    "This data subject's key has been destroyed by erasure; their data cannot be decrypted.",
  );
export const legalHoldActive = () =>
  new AppError(409, 'legal_hold', 'A legal hold covers this data; it cannot be deleted until the hold is lifted.');
export const makerChecker = () =>
  new AppError(
    403,
    'maker_checker',
    'A second compliance officer must approve this; the requester cannot approve their own request.',
  );
export const invalidTransition = (from: string, to: string) =>
  new AppError(409, 'invalid_transition', `A request in state ${from} cannot move to ${to}.`);
export const ciphertextInvalid = () =>
  new AppError(500, 'ciphertext_invalid', 'Stored data failed its integrity check.');
export const keyUnavailable = () =>
  new AppError(
    503,
    'key_unavailable',
    'The key that wraps this data is not the configured master key; finish the master key rotation.',
  );
export const identifierNotFound = () =>
  new AppError(404, 'identifier_not_found', 'This data subject has no such identifier to correct.');
export const identifierTaken = () =>
  new AppError(409, 'identifier_taken', 'This identifier already belongs to another data subject.');
