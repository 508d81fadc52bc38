/**
 * The documentation's benchmark figures, rendered from what the benchmarks left in
 * docs/measurements/. `npm run figures` writes them between the `<!-- figures:NAME -->` and
 * `<!-- /figures -->` markers of every file that has them (README.md and docs/*.md: today
 * docs/operations.md and docs/haproxy.md); test/unit/readme.test.ts fails when a file says
 * anything else. Rerun a benchmark, then `npm run figures`: the documentation changes in the same
 * commit.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Conditions {
  date: string;
  node: string;
  cpus: string;
  loadAverage: number;
  command: string;
}
const read = <T,>(name: string): T => JSON.parse(readFileSync(`docs/measurements/${name}.json`, 'utf8')) as T;
const when = (c: Conditions) => `\`${c.command}\`, ${c.date.slice(0, 10)}, ${c.cpus}, Node ${c.node}, 1-minute load average ${c.loadAverage} when it started`;
const n = (x: number) => x.toLocaleString('en-US');

function bench(): string {
  const b = read<{
    conditions: Conditions;
    coldStartMs: number;
    latencyMs: { min: number; max: number };
    figures: { name: string; value: number; unit: string; bound: number; ratio: number | null; maxRatio: number; pass: boolean; note: string }[];
  }>('bench');
  const held = (f: (typeof b.figures)[number]) =>
    f.bound === 0 ? 'must be 0' : f.maxRatio === 1 ? `at most ${n(f.bound)}` : `within ${f.maxRatio}x of ${n(f.bound)}`;
  return [
    `Measured: ${when(b.conditions)}; Route 53's real token buckets and quotas, ${b.latencyMs.min}-${b.latencyMs.max} ms per AWS call, the production retry settings, Lambda as deployed (cold start ${b.coldStartMs} ms), on virtual time.`,
    '',
    '| figure | value | held to | ratio | pass | what |',
    '|---|---|---|---|---|---|',
    ...b.figures.map((f) => `| \`${f.name}\` | ${n(f.value)} ${f.unit} | ${held(f)} | ${f.ratio ?? '-'} | ${f.pass ? 'yes' : '**no**'} | ${f.note} |`),
  ].join('\n');
}

function bundle(): string {
  const b = read<{ conditions: Conditions; runs: number; bound: number; nodeOptions: string; rows: Record<string, number | string | boolean>[] }>('bundle');
  return [
    `Measured: ${when(b.conditions)}; each function and its floor (its SDK clients alone, each constructed with one command: scripts/floor/) loaded in turns, ${b.runs} times each, every time in a fresh process with the deployed environment (\`NODE_OPTIONS=${b.nodeOptions}\`); medians. The bound: a function's module load within ${b.bound}x of its floor's, in CPU time (wall clock alongside).`,
    '',
    '| function | SDK clients (the floor has the same) | bundle (minified) | source map | module load (CPU) | floor bundle | floor load (CPU) | ratio (bound) | wall clock: load, floor (ratio) | load without source maps (CPU) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...b.rows.map(
      (r) =>
        `| ${r.function} | ${r.clients} | ${n(Number(r['bundle (KB)']))} KB | ${n(Number(r['source map (KB)']))} KB | ${r['load CPU median (ms)']} ms | ${n(Number(r['floor bundle (KB)']))} KB | ${r['floor CPU median (ms)']} ms | **${Number(r.ratio).toFixed(2)}** (${r.bound}${r.pass ? '' : ', exceeded'}) | ${r['load median (ms)']} ms, ${r['floor median (ms)']} ms (${Number(r['wall ratio']).toFixed(2)}) | ${r['load CPU median without source maps (ms)']} ms |`,
    ),
  ].join('\n');
}

function payload(): string {
  const p = read<{
    conditions: Conditions;
    budgetBytes: number;
    table: { 'backend servers': number; 'payload bytes': number }[];
    maxServers: number;
    maxPorts: number;
  }>('payload');
  const thousand = p.table.find((r) => r['backend servers'] === 1000)!;
  return [
    `Measured (${when(p.conditions)}; random-looking instance ids so compression is not flattered): the payload may use`,
    `${n(p.budgetBytes)} bytes; 1,000 backend servers take ${n(thousand['payload bytes'])} bytes; the largest single backend that`,
    `fits has **${n(p.maxServers)} servers**; the largest port-per-client layout, **${n(p.maxPorts)} client ports** each with its own`,
    'two-server backend.',
  ].join('\n');
}

function dataplane(): string {
  const d = read<{
    conditions: Conditions;
    rounds: number;
    longConnections: number;
    hardStopAfter: string;
    productionHardStopAfter: string;
    paths: {
      path: string;
      medianInServiceMs: number;
      p90InServiceMs: number;
      medianPushMs: number;
      reloads: number;
      longConnectionsLost: number;
      requests: number;
      requestsFailed: number;
    }[];
  }>('dataplane');
  const ms = (x: number) => `${n(Math.round(x))} ms`;
  return [
    `Measured: ${when(d.conditions)}; the real HAProxy on loopback, ${d.rounds} pushes per path through apply-config.sh (each adds a server, drains one, removes one), ${d.longConnections} long-lived TCP connections and an HTTP request loop held open throughout. In service: from the push's start to the first answer from the new server. The bench sets \`hard-stop-after ${d.hardStopAfter}\` so what a reload cuts shows within the run; in production (\`${d.productionHardStopAfter}\`) the reload path cuts the same connections that much later, the runtime path never.`,
    '',
    '| path | in service: median | p90 | push (script) median | reloads | long connections lost | requests failed |',
    '|---|---|---|---|---|---|---|',
    ...d.paths.map(
      (p) =>
        `| ${p.path} | ${ms(p.medianInServiceMs)} | ${ms(p.p90InServiceMs)} | ${ms(p.medianPushMs)} | ${p.reloads} | **${p.longConnectionsLost}** | ${p.requestsFailed} of ${n(p.requests)} |`,
    ),
  ].join('\n');
}

/** The CLI's sample output (scripts/cliSample.mts). */
function cli(): string {
  const c = read<{ status: string; plan: string; planExit: number }>('cli');
  return ['```console', '$ npx hfc status', c.status, '', '$ npx hfc plan', c.plan, `$ echo $?`, String(c.planExit), '```'].join('\n');
}

export const FIGURES: Record<string, () => string> = { bench, bundle, payload, dataplane, cli };

const BLOCK = /(<!-- figures:(\w+) -->)[\s\S]*?(<!-- \/figures -->)/g;

/** A Markdown text with every figures block rendered from the measurements. */
export function withFigures(text: string, file = 'README.md'): string {
  return text.replace(BLOCK, (_m, open: string, name: string, close: string) => {
    const render = FIGURES[name];
    if (!render) throw new Error(`${file}: unknown figures block "${name}"`);
    return `${open}\n${render()}\n${close}`;
  });
}

/** The names of the figures blocks a text holds, in order. */
export function figureBlocks(text: string): string[] {
  return [...text.matchAll(BLOCK)].map((m) => m[2]!);
}

/** The files that hold figures blocks (paths relative to `root`): README.md and docs/*.md. */
export function figureFiles(root = '.'): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs].filter((f) => figureBlocks(readFileSync(join(root, f), 'utf8')).length > 0);
}

if (process.argv[1]?.endsWith('figures.mts')) {
  for (const file of figureFiles()) {
    const before = readFileSync(file, 'utf8');
    const after = withFigures(before, file);
    if (after !== before) writeFileSync(file, after);
    console.log(`${file}: ${before === after ? 'figures already match' : 'figures updated from'} docs/measurements/`);
  }
}
