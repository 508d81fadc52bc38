/** Turns zod issues into `where: what` lines, the form every validation message here uses. */
import type { z } from 'zod';

/** Renders an issue path the way a user would write it: `fleets[0].healthCheck.port`. */
export function fieldPath(path: readonly PropertyKey[], prefix = ''): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), prefix) || '(root)';
}

/** One line per issue: `fleets[0].healthCheck.port: Too big: expected number to be <=65535`. */
export function issueLines(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((i) => `${fieldPath(i.path, prefix)}: ${i.message}`);
}
