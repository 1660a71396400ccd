/**
 * TypeORM's PostgreSQL driver answers an UPDATE or DELETE with `[rows, rowCount]` but other statements with
 * `rows`: this takes the rows of an `update … returning` whichever shape arrives.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
