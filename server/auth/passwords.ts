import bcrypt from 'bcrypt';

export const MIN_PASSWORD_LENGTH = 12;

export const hashPassword = (password: string, cost: number) => bcrypt.hash(password, cost);

// Compared against when the account does not exist, so "unknown email" costs the same time as
// "wrong password" and the two cannot be told apart.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(password: string, hash: string | undefined, cost: number): Promise<boolean> {
  if (hash === undefined) {
    dummyHash ??= bcrypt.hash('palisade-timing-equaliser', cost);
    await bcrypt.compare(password, await dummyHash);
    return false;
  }
  return bcrypt.compare(password, hash);
}
