/** `hfc doctor`'s table: every check, worst first within each fleet, then a one-line verdict. */
import type { Check } from './doctorChecks';
import { table } from './table';

const RANK = { fail: 0, warn: 1, pass: 2 } as const;

export function renderDoctor(checks: readonly Check[]): string {
  const sorted = [...checks].sort((a, b) => a.fleet.localeCompare(b.fleet) || RANK[a.status] - RANK[b.status]);
  const count = (s: Check['status']) => checks.filter((c) => c.status === s).length;
  return `${table(
    ['FLEET', 'CHECK', 'RESULT', 'DETAIL'],
    sorted.map((c) => [c.fleet, c.check, c.status.toUpperCase(), c.detail]),
  )}\n${count('fail')} failed, ${count('warn')} warning(s), ${count('pass')} passed\n`;
}
