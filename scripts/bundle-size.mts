/**
 * `npm run bench:bundle`: each function's module load (the part of a cold start the code
 * controls) against its floor: a bundle of only the SDK clients the function's bundle carries,
 * each constructed with one command (scripts/floor/<fn>.ts). Function and floor are built with
 * serverless.yml's own esbuild settings (scripts/bundleOptions.mts), then loaded in turns, each
 * time in a fresh Node process with the deployed environment (serverless.yml's
 * provider.environment: NODE_OPTIONS=--enable-source-maps, ...): a function, its floor, the next
 * function..., the pair's order flipped every round, so a busy moment of the shared machine falls
 * on both; and each function once more without source maps, for comparison.
 *
 * Each load is timed twice: wall clock, and the CPU time the process spent in it (every thread:
 * V8 compiles and collects garbage beside the main one). The ratio held to the bound (1.5, issue
 * 9) is of the CPU times: Lambda gives a function a share of a CPU in proportion to its memory, so
 * its init takes about the CPU time over that share, and CPU time does not count the waits for a
 * core of this shared machine that wall time does (wall-clock figures alongside).
 *
 *   npm run bench:bundle                      every function; writes docs/measurements/bundle.json
 *   npm run bench:bundle -- --runs 51         more loads of each (default 31)
 *   npm run bench:bundle -- --cjs             the functions from the SDK's CommonJS build (esbuild's
 *                                             default mainFields, as deployed before issue 9) against
 *                                             the same floors; nothing saved
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { deployedEnvironment, floorBundle, functionBundle } from './bundleOptions.mjs';
import { conditions, saveResults } from './results.mjs';

const FUNCTIONS = ['lifecycle', 'reconcile', 'alarm'];
/** Each function's module load within this factor of its floor's (issue 9). */
const BOUND = 1.5;
const argValue = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(argValue('runs') ?? 31);
const cjs = process.argv.includes('--cjs');
const out = mkdtempSync(join(tmpdir(), 'hfc-bundle-'));

/** The SDK clients a bundle carries (@aws-sdk/client-*), from esbuild's metafile. */
const clientsOf = (meta: Metafile) =>
  [...new Set(Object.keys(meta.inputs).flatMap((p) => /@aws-sdk\/client-([a-z0-9-]+)\//.exec(p)?.[1] ?? []))].sort().join(', ');

async function bundle(options: BuildOptions, outfile: string) {
  const r = await build({ ...options, metafile: true });
  return { outfile, kb: Math.round(statSync(outfile).size / 1024), mapKb: Math.round(statSync(`${outfile}.map`).size / 1024), clients: clientsOf(r.metafile) };
}

const deployed = deployedEnvironment();
const env: NodeJS.ProcessEnv = { ...process.env, AWS_REGION: 'eu-west-1', ...deployed };
interface Times {
  wall: number[];
  cpu: number[];
}
/** Requires `file` in a fresh process with the deployed environment (or `environment`): ms of wall clock and of CPU (user + system). */
function load(file: string, into: Times, environment = env): void {
  const script = `const c=process.cpuUsage(),t=process.hrtime.bigint();require(${JSON.stringify(file)});const u=process.cpuUsage(c);process.stdout.write(Number(process.hrtime.bigint()-t)/1e6+' '+(u.user+u.system)/1e3)`;
  const [wall, cpu] = execFileSync(process.execPath, ['-e', script], { env: environment }).toString().split(' ').map(Number);
  into.wall.push(wall!);
  into.cpu.push(cpu!);
}
/** The same without source maps, for comparison: what --enable-source-maps costs. */
const withoutSourceMaps: NodeJS.ProcessEnv = { ...env, NODE_OPTIONS: (deployed.NODE_OPTIONS ?? '').replace('--enable-source-maps', '').trim() };

const built = [];
for (const fn of FUNCTIONS) {
  const options = functionBundle(fn, join(out, `${fn}.cjs`));
  const fun = await bundle(cjs ? { ...options, mainFields: ['main', 'module'] } : options, join(out, `${fn}.cjs`));
  const floor = await bundle(floorBundle(fn, join(out, `${fn}-floor.cjs`)), join(out, `${fn}-floor.cjs`));
  if (fun.clients !== floor.clients)
    throw new Error(`scripts/floor/${fn}.ts carries the clients ${floor.clients}, the function ${fun.clients}: make them the same`);
  built.push({ fn, fun, floor, times: { fun: { wall: [], cpu: [] } as Times, floor: { wall: [], cpu: [] } as Times, plain: { wall: [], cpu: [] } as Times } });
}

const ran = conditions();
for (const f of built) load(f.fun.outfile, { wall: [], cpu: [] }); // warm the file cache and Node's own startup once
for (let round = 0; round < RUNS; round++) {
  for (const { fun, floor, times } of built) {
    if (round % 2 === 0) {
      load(fun.outfile, times.fun);
      load(floor.outfile, times.floor);
    } else {
      load(floor.outfile, times.floor);
      load(fun.outfile, times.fun);
    }
    load(fun.outfile, times.plain, withoutSourceMaps);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const rows = built.map(({ fn, fun, floor, times }) => {
  const ratio = Number((median(times.fun.cpu) / median(times.floor.cpu)).toFixed(2));
  return {
    function: fn,
    clients: fun.clients,
    'bundle (KB)': fun.kb,
    'source map (KB)': fun.mapKb,
    'floor bundle (KB)': floor.kb,
    'load CPU median (ms)': Math.round(median(times.fun.cpu)),
    'floor CPU median (ms)': Math.round(median(times.floor.cpu)),
    ratio,
    bound: BOUND,
    pass: ratio <= BOUND,
    'load median (ms)': Math.round(median(times.fun.wall)),
    'floor median (ms)': Math.round(median(times.floor.wall)),
    'wall ratio': Number((median(times.fun.wall) / median(times.floor.wall)).toFixed(2)),
    'load CPU median without source maps (ms)': Math.round(median(times.plain.cpu)),
  };
});
console.log(
  `node ${process.version}, esbuild minified CJS bundles with source maps${cjs ? ' (the functions from the SDK CommonJS build: --cjs)' : ''}, function and floor loaded in turns, ${RUNS} times each, every time in a fresh process with the deployed environment (NODE_OPTIONS=${deployed.NODE_OPTIONS}); load average ${ran.loadAverage} at the start`,
);
console.table(rows.map(({ clients: _c, pass, ...r }) => ({ ...r, pass: pass ? 'yes' : 'NO' })));
for (const r of rows) console.log(`${r.function}: ${r.clients}`);
saveResults('bundle', { conditions: ran, runs: RUNS, bound: BOUND, nodeOptions: deployed.NODE_OPTIONS, rows }, { partial: cjs });
const failed = rows.filter((r) => !r.pass);
if (failed.length) {
  console.error(`\n${failed.map((r) => r.function).join(', ')}: module load (CPU) more than ${BOUND}x the floor's`);
  process.exitCode = 1;
}
