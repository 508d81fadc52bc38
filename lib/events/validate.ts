/** Schema validation whose failure is an EventParseError pointing at the bad field. */
import type { z } from 'zod';
import { EventParseError } from '../errors';
import { fieldPath } from '../zodIssues';

/** Validates `value`; the error names the first bad field and lists the others. */
export function check<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const [first, ...rest] = r.error.issues;
  const others = rest.map((i) => `${fieldPath(i.path, where)}: ${i.message}`);
  const message = first!.message + (others.length ? ` (also ${others.join('; ')})` : '');
  throw new EventParseError(message, fieldPath(first!.path, where), { cause: r.error });
}
