/**
 * `npm run bench:bundle`: each function's bundle size and module load time (the part of a cold
 * start the code controls). Bundles with serverless.yml's own esbuild settings (scripts/bundleOptions.mts), then loads each bundle in a fresh Node process
 * with `--enable-source-maps`, as the deployed functions run (NODE_OPTIONS in serverless.yml),
 * several times, and reports the median.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { functionBundle } from './bundleOptions.mjs';
import { conditions, saveResults } from './results.mjs';

const FUNCTIONS = ['lifecycle', 'reconcile', 'alarm'];
const RUNS = 7;
const out = mkdtempSync(join(tmpdir(), 'hfc-bundle-'));

const rows = [];
for (const fn of FUNCTIONS) {
  const outfile = join(out, `${fn}.cjs`);
  await build(functionBundle(fn, outfile));
  // Both ways in one run (the machine is shared: compare the two as a ratio): as deployed, with
  // --enable-source-maps (NODE_OPTIONS in serverless.yml), and without it.
  const load = (flags: string[]) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ms = execFileSync(
        process.execPath,
        [
          ...flags,
          '-e',
          `const t=process.hrtime.bigint();require(${JSON.stringify(outfile)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`,
        ],
        {
          env: { ...process.env, AWS_REGION: 'eu-west-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        },
      ).toString();
      times.push(Number(ms));
    }
    return times.sort((a, b) => a - b);
  };
  const deployed = load(['--enable-source-maps']);
  const plain = load([]);
  rows.push({
    function: fn,
    'bundle (KB)': Math.round(statSync(outfile).size / 1024),
    'source map (KB)': Math.round(statSync(`${outfile}.map`).size / 1024),
    'load median (ms)': Number(deployed[RUNS >> 1]!.toFixed(0)),
    'load min (ms)': Number(deployed[0]!.toFixed(0)),
    'load median without source maps (ms)': Number(plain[RUNS >> 1]!.toFixed(0)),
  });
}
const ran = conditions();
console.log(
  `node ${process.version}, esbuild minified CJS bundles with source maps, ${RUNS} loads each in a fresh process with --enable-source-maps (as deployed), and ${RUNS} without`,
);
console.table(rows);
saveResults('bundle', { conditions: ran, runs: RUNS, rows });
