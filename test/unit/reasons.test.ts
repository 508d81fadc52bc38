/**
 * The reason codes are a contract (log queries, the report, the CLI): docs/plan-reasons.md lists
 * exactly the catalog, and every code in the catalog is one the planner can give.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../lib/plan/reasons';

const ROOT = join(__dirname, '..', '..');
const catalog = Object.keys(REASON_CODES).sort();

describe('reason codes', () => {
  it('docs/plan-reasons.md lists every code of the catalog, and no other', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'plan-reasons.md'), 'utf8');
    const listed = [...doc.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]!);
    expect(listed.length, 'a code listed twice').toBe(new Set(listed).size);
    expect([...listed].sort()).toEqual(catalog);
  });

  it('every code of the catalog is given somewhere by the planner (no dead code to document)', () => {
    const dir = join(ROOT, 'lib', 'plan');
    const source = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'reasons.ts')
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    const given = new Set([...source.matchAll(/reason\(\s*'([a-z-]+)'/g)].map((m) => m[1]!));
    expect(catalog.filter((c) => !given.has(c))).toEqual([]);
  });
});
