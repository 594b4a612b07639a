// What TypeORM's query() answers for a data-changing statement on PostgreSQL: [rows, rowCount] for
// UPDATE and DELETE (with or without RETURNING), plain rows for SELECT and INSERT … RETURNING.
// Every caller reads such results through these two, never by destructuring the answer itself.

const isRowsAndCount = (result: unknown): result is [unknown[], number] =>
  Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';

/** The rows an UPDATE/DELETE … RETURNING (or an INSERT … RETURNING) gave back. */
export function returnedRows<T>(result: unknown): T[] {
  if (isRowsAndCount(result)) return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}

/** How many rows an UPDATE or DELETE changed. */
export function changedRows(result: unknown): number {
  if (isRowsAndCount(result)) return result[1];
  return Array.isArray(result) ? result.length : 0;
}

/** Whether a statement failed on a unique constraint (23505), as the driver or TypeORM reports it. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e.code === '23505' || e.driverError?.code === '23505';
}

/**
 * Runs `work` inside a savepoint: when it throws, only its own statements are undone and the
 * enclosing transaction stays usable (PostgreSQL aborts the whole transaction on an error otherwise).
 */
export async function withSavepoint<T>(
  tx: { query(sql: string): Promise<unknown> },
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  await tx.query(`SAVEPOINT ${name}`);
  try {
    const result = await work();
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw err;
  }
}
