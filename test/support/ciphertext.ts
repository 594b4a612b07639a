import { CiphertextInvalid } from '../../server/privacy/envelope.ts';

/** Runs a decryption and names how it failed ('opened' when it did not fail). */
export function ciphertextProblem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CiphertextInvalid) return err.problem;
    throw err;
  }
  return 'opened';
}
