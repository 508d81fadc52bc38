/**
 * Where a benchmark leaves what it printed: docs/measurements/<name>.json, with the conditions
 * it ran in (date, Node, CPUs, load). The documentation's figures (README.md, docs/*.md) come from these files, and
 * test/unit/readme.test.ts checks that they still say what the files say: rerun the benchmark, and
 * the documentation must change with it.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

export interface Conditions {
  date: string;
  node: string;
  cpus: string;
  /** 1-minute load average when the run started: the machine is shared, timings vary with it. */
  loadAverage: number;
  command: string;
}

export function conditions(): Conditions {
  const c = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${c.length} x ${c[0]?.model.trim() ?? 'unknown'}`,
    loadAverage: Number(loadavg()[0]!.toFixed(2)),
    command: `npm run ${process.env.npm_lifecycle_event ?? '(direct)'}${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  };
}

/** Writes the results unless the run was partial (`--quick`, or options other than the defaults). */
export function saveResults(name: string, results: object, opts: { partial?: boolean } = {}): void {
  if (opts.partial) {
    console.log(`(partial run: docs/measurements/${name}.json not updated)`);
    return;
  }
  const file = join('docs', 'measurements', `${name}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results written to ${file}`);
}
