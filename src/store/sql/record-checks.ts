/**
 * What the SQL stores check before they write: a record must read back as written (its schema),
 * and a plain text column must hold text the database keeps exactly.
 */
import type { z } from 'zod';

/** A record the store refuses to write, because it could not be read back. */
export class InvalidRecordError extends Error {
  override readonly name = 'InvalidRecordError';
}

/** Throws an InvalidRecordError listing the invalid fields of a record about to be written. */
export function check(schema: z.ZodType, what: string, record: unknown): void {
  const parsed = schema.safeParse(record);
  if (parsed.success) return;
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length === 0 ? '(record)' : i.path.join('.')}: ${i.message}`);
  throw new InvalidRecordError(`refusing to store ${what}: ${issues.join('; ')}`);
}

/** A NUL, or half of a surrogate pair: what PostgreSQL refuses, or both drivers silently replace, in text. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Throws an InvalidRecordError when a plain text column would not read back as written. (JSON
 * columns need no check: JSON.stringify escapes such characters.)
 */
export function checkText(what: string, row: Readonly<Record<string, unknown>>, columns: readonly string[]): void {
  for (const column of columns) {
    const value = row[column];
    if (typeof value === 'string' && UNSTORABLE.test(value)) {
      throw new InvalidRecordError(`refusing to store ${what}: ${column} holds a NUL character or a lone UTF-16 surrogate, which the database cannot store as text`);
    }
  }
}
