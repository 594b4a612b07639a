// Links between an IdP's identities (issuer, subject) and staff accounts.
import type { EntityManager } from 'typeorm';

type Tx = Pick<EntityManager, 'query'>;

export async function linkedUserId(tx: Tx, issuer: string, subject: string): Promise<string | undefined> {
  const [row] = (await tx.query(`SELECT user_id AS "userId" FROM staff_identities WHERE issuer = $1 AND subject = $2`, [
    issuer,
    subject,
  ])) as { userId: string }[];
  return row?.userId;
}

export async function userIdByEmail(tx: Tx, email: string): Promise<string | undefined> {
  const [row] = (await tx.query(`SELECT id FROM staff_users WHERE lower(email) = lower($1)`, [email])) as {
    id: string;
  }[];
  return row?.id;
}

export async function linkIdentity(tx: Tx, issuer: string, subject: string, userId: string, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO staff_identities (issuer, subject, user_id, created_at, last_sign_in_at) VALUES ($1, $2, $3, $4, $4)`,
    [issuer, subject, userId, now],
  );
}

export async function touchIdentity(tx: Tx, issuer: string, subject: string, now: Date): Promise<void> {
  await tx.query(`UPDATE staff_identities SET last_sign_in_at = $3 WHERE issuer = $1 AND subject = $2`, [
    issuer,
    subject,
    now,
  ]);
}

export async function setRole(tx: Tx, userId: string, role: string): Promise<void> {
  await tx.query(`UPDATE staff_users SET role = $2, updated_at = now() WHERE id = $1`, [userId, role]);
}
