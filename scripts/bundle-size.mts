/**
 * `npm run bench:bundle`: each function's bundle size and module load time (the part of a cold
 * start the code controls). Bundles with the same esbuild settings serverless.yml uses, then
 * loads each bundle in a fresh Node process, several times, and reports the median.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const FUNCTIONS = ['lifecycle', 'reconcile', 'alarm'];
const RUNS = 7;
const out = mkdtempSync(join(tmpdir(), 'hfc-bundle-'));

const rows = [];
for (const fn of FUNCTIONS) {
  const outfile = join(out, `${fn}.cjs`);
  await build({
    entryPoints: [`functions/${fn}.ts`], outfile, bundle: true, minify: true, keepNames: true,
    format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error',
  });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const ms = execFileSync(process.execPath, ['-e', `const t=process.hrtime.bigint();require(${JSON.stringify(outfile)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`], {
      env: { ...process.env, AWS_REGION: 'eu-west-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    }).toString();
    times.push(Number(ms));
  }
  times.sort((a, b) => a - b);
  rows.push({ function: fn, 'bundle (KB)': Math.round(statSync(outfile).size / 1024), 'load median (ms)': times[RUNS >> 1]!.toFixed(0), 'load min (ms)': times[0]!.toFixed(0) });
}
console.log(`node ${process.version}, esbuild minified CJS bundles, ${RUNS} loads each in a fresh process`);
console.table(rows);
