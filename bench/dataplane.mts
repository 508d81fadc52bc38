/**
 * `npm run bench:dataplane`: what a membership change costs the data plane on a node, through the
 * node's apply script (lib/haproxy/apply-config.sh) against a live HAProxy on loopback, on each
 * of its two paths:
 *   runtime  the master CLI is given: the change goes through the Runtime API, no reload;
 *   reload   the same pushes with `--master-socket /nonexistent`: every one reloads HAProxy.
 * Each round pushes one membership change: a new server joins the `probe` backend with weight 1,
 * the previous round's server is drained (weight 0) and the one before it, drained a round ago,
 * leaves. The clock runs from the start of the push until a request through HAProxy is answered
 * by the new server (HAProxy names the server in a request header, the upstream echoes it), polled
 * every 5 ms. Meanwhile long-lived TCP connections (echoed byte streams) stay open through a tcp
 * listener and an HTTP request loop (one request every 10 ms) runs through another frontend: a long connection that ends or
 * whose echo breaks is lost (and replaced, so that as many stay open), a request that gets no 200
 * failed.
 *
 * HAProxy runs with `hard-stop-after 3s` (in both variants; without a reload it does nothing), so
 * that the long connections a reload hands to an old worker are cut within the bench: production
 * runs `hard-stop-after 5m`, where the reload path cuts them 5 minutes later instead, not never.
 *
 *   npx tsx bench/dataplane.mts [--rounds 20] [--connections 20]
 * Writes docs/measurements/dataplane.json. Skips (exit 0) when haproxy is not installed.
 */
import http from 'node:http';
import type net from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyArgs,
  encodeConfig,
  freePort,
  get,
  haproxyInstalled,
  openStream,
  runApply,
  showProc,
  startEchoServer,
  startHaproxy,
  type EchoServer,
  type LiveHaproxy,
  type LongStream,
} from '../test/haproxy/live';
import { conditions } from '../scripts/results.mjs';

const PEER = 'lb-node-1';
const HARD_STOP_AFTER = '3s';
const SETTLE_MS = 3500;
/** Between two requests of the HTTP loop, and between two polls for the new server. */
const REQUEST_GAP_MS = 10;
const POLL_GAP_MS = 5;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) {
    console.error(`--${name} needs a positive integer`);
    process.exit(1);
  }
  return v;
}
const rounds = option('rounds', 20);
const longConnections = option('connections', 20);

if (!haproxyInstalled()) {
  console.log('bench:dataplane skipped: the haproxy binary is not installed (sudo apt-get install -y haproxy); nothing measured, nothing written.');
  process.exit(0);
}

const iid = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

/** An HTTP upstream that answers with the name HAProxy gave the request (`http-send-name-header`). */
function startNameEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(String(req.headers['x-server'] ?? '-'));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

interface PathResult {
  path: 'runtime' | 'reload';
  /** Push start to the first answer from the new server, per round. */
  inServiceMs: number[];
  /** Push start to the script's exit, per round. */
  pushMs: number[];
  reloads: number;
  longConnectionsLost: number;
  requests: number;
  requestsFailed: number;
  /** Pushes whose output did not say the expected path (should be 0). */
  wrongPath: number;
}

async function runPath(path: 'runtime' | 'reload', upstream: { port: number }, echo: EchoServer): Promise<PathResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-dataplane-'));
  const etc = join(dir, 'etc');
  mkdirSync(etc, { mode: 0o755 });
  const stateDir = join(dir, 'state');
  mkdirSync(stateDir, { mode: 0o755 });
  const config = join(etc, 'haproxy.cfg');
  const pidFile = join(dir, 'haproxy.pid');
  const masterSocket = join(dir, 'master.sock');
  const ports = { web: 0, long: 0, probe: 0, peer: 0 };

  // The probe backend: the servers present in a round, each `[round, weight]`.
  const render = (probe: Array<[number, number]>) =>
    [
      'global',
      '  nbthread 1',
      `  hard-stop-after ${HARD_STOP_AFTER}`,
      `  server-state-file ${stateDir}/server-state`,
      '',
      'defaults',
      '  mode http',
      '  timeout connect 1s',
      '  timeout client 30s',
      '  timeout server 30s',
      '  load-server-state-from-file global',
      '',
      'peers fleet',
      `  peer ${PEER} 127.0.0.1:${ports.peer}`,
      '',
      'frontend web',
      `  bind 127.0.0.1:${ports.web}`,
      '  default_backend web',
      '',
      'backend web',
      '  balance roundrobin',
      '  http-send-name-header x-server',
      `  server ${iid(0x100)} 127.0.0.1:${upstream.port} weight 1`,
      `  server ${iid(0x101)} 127.0.0.1:${upstream.port} weight 1`,
      '',
      'frontend long',
      '  mode tcp',
      `  bind 127.0.0.1:${ports.long}`,
      '  default_backend long',
      '',
      'backend long',
      '  mode tcp',
      '  balance roundrobin',
      `  server ${iid(0x200)} 127.0.0.1:${echo.port} weight 1`,
      '',
      'frontend probe',
      `  bind 127.0.0.1:${ports.probe}`,
      '  default_backend probe',
      '',
      'backend probe',
      '  balance roundrobin',
      '  http-send-name-header x-server',
      ...probe.map(([r, w]) => `  server ${iid(0x1000 + r)} 127.0.0.1:${upstream.port} weight ${w}`),
      '',
    ].join('\n');

  let haproxy: LiveHaproxy | undefined;
  let probe: Array<[number, number]> = [[0, 1]];
  let text = '';
  for (let attempt = 1; ; attempt++) {
    ports.web = await freePort();
    ports.long = await freePort();
    ports.probe = await freePort();
    ports.peer = await freePort();
    text = render(probe);
    writeFileSync(config, text);
    // Recorded as applied, as the script would have after pushing it.
    writeFileSync(join(stateDir, 'applied'), `version=1\ndigest=${encodeConfig(text).digest}\n`, { mode: 0o644 });
    try {
      haproxy = await startHaproxy({ config, pidFile, peerName: PEER, frontendPort: ports.web, masterSocket });
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
  const live = haproxy!;

  // Long connections: kept at `longConnections` open; one that ends or breaks is counted and replaced.
  let lost = 0;
  let stopping = false;
  const streams = new Set<LongStream>();
  const watch = async () => {
    while (!stopping) {
      for (const s of [...streams]) {
        if (s.ended() !== undefined) {
          streams.delete(s);
          s.close();
          lost++;
        }
      }
      while (!stopping && streams.size < longConnections) {
        const s = openStream(ports.long, { intervalMs: 100, chunkBytes: 256 });
        streams.add(s);
        await s.ready.catch(() => {});
      }
      await sleep(50);
    }
  };
  const watcher = watch();

  // The HTTP request loop, on fresh connections, one every REQUEST_GAP_MS (back to back, the
  // bench's own load would slow the script it measures on a small machine).
  let requests = 0;
  let requestsFailed = 0;
  const loop = (async () => {
    while (!stopping) {
      const r = await get(ports.web, 2000);
      requests++;
      if (r.status !== 200) requestsFailed++;
      await sleep(REQUEST_GAP_MS);
    }
  })();

  await sleep(500);
  const result: PathResult = { path, inServiceMs: [], pushMs: [], reloads: 0, longConnectionsLost: 0, requests: 0, requestsFailed: 0, wrongPath: 0 };
  let version = 1;
  for (let round = 1; round <= rounds; round++) {
    // The new server joins; the previous one is drained; the one drained a round ago leaves.
    probe = [...probe.filter(([r]) => r === round - 1).map(([r]): [number, number] => [r, 0]), [round, 1]];
    text = render(probe);
    const { payload, digest } = encodeConfig(text);
    version++;
    const want = iid(0x1000 + round);
    const started = performance.now();
    let pushEnded = 0;
    const run = runApply(
      applyArgs({
        payload,
        digest,
        version,
        peerName: PEER,
        config,
        stateDir,
        reloadCmd: `kill -USR2 ${live.masterPid}`,
        pidFile,
        masterSocket: path === 'runtime' ? masterSocket : '/nonexistent',
      }),
    ).then((r) => {
      pushEnded = performance.now();
      return r;
    });
    let inService = 0;
    while (performance.now() - started < 20_000) {
      const r = await get(ports.probe, 1000);
      if (r.status === 200 && r.body === want) {
        inService = performance.now();
        break;
      }
      await sleep(POLL_GAP_MS);
    }
    const out = await run;
    if (out.code !== 0) throw new Error(`push ${version} (${path}) failed with ${out.code}:\n${out.stderr}`);
    if (out.stdout.includes('at run time') !== (path === 'runtime')) result.wrongPath++;
    if (inService === 0) throw new Error(`round ${round} (${path}): the new server did not answer within 20 s`);
    result.inServiceMs.push(inService - started);
    result.pushMs.push(pushEnded - started);
  }

  // Long connections an old worker still holds are cut at hard-stop-after: let that happen here.
  if (path === 'reload') await sleep(SETTLE_MS);
  stopping = true;
  await loop;
  await watcher;
  for (const s of streams) {
    const report = await s.finish(3000);
    if (!report.intact) lost++;
    s.close();
  }
  result.reloads = (await showProc(masterSocket)).reloads;
  result.longConnectionsLost = lost;
  result.requests = requests;
  result.requestsFailed = requestsFailed;
  await live.stop();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

const upstream = await startNameEcho();
const echo = await startEchoServer('long');
const started = Date.now();
const load = Number(loadavg()[0]!.toFixed(2));
console.log(
  `bench:dataplane: ${rounds} rounds per path, ${longConnections} long TCP connections and an HTTP request loop meanwhile (HAProxy ${HARD_STOP_AFTER} hard-stop-after)`,
);
const results: PathResult[] = [];
try {
  for (const path of ['runtime', 'reload'] as const) {
    results.push(await runPath(path, upstream, echo));
  }
} finally {
  await upstream.close();
  await echo.close();
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const table = results.map((r) => ({
  path: r.path,
  'median in service (ms)': round1(quantile(r.inServiceMs, 0.5)),
  'p90 in service (ms)': round1(quantile(r.inServiceMs, 0.9)),
  'median push (ms)': round1(quantile(r.pushMs, 0.5)),
  reloads: r.reloads,
  'long connections lost': r.longConnectionsLost,
  'requests failed': r.requestsFailed,
  requests: r.requests,
}));
console.table(table);
console.log(
  [
    'in service: from the start of the push to the first answer from the new server through HAProxy.',
    `long connections lost: on the reload path each reload hands the open ones to an old worker, which hard-stop-after (${HARD_STOP_AFTER} here)`,
    'cuts; production runs hard-stop-after 5m, so there they are cut 5 minutes after the reload rather than never. The runtime path reloads nothing.',
    `took ${((Date.now() - started) / 1000).toFixed(1)} s; load average ${load} at the start.`,
  ].join('\n'),
);
for (const r of results) {
  if (r.wrongPath > 0) console.warn(`!!! ${r.wrongPath} push(es) on the ${r.path} path did not take that path`);
}

const file = join('docs', 'measurements', 'dataplane.json');
writeFileSync(
  file,
  `${JSON.stringify(
    {
      conditions: {
        ...conditions(),
        command:
          process.env.npm_lifecycle_event === 'bench:dataplane'
            ? `npm run bench:dataplane${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
            : `npx tsx bench/dataplane.mts${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
        loadAverage: load,
      },
      rounds,
      longConnections,
      hardStopAfter: HARD_STOP_AFTER,
      productionHardStopAfter: '5m',
      paths: results.map((r, i) => ({
        path: r.path,
        medianInServiceMs: table[i]!['median in service (ms)'],
        p90InServiceMs: table[i]!['p90 in service (ms)'],
        medianPushMs: table[i]!['median push (ms)'],
        reloads: r.reloads,
        longConnectionsLost: r.longConnectionsLost,
        requests: r.requests,
        requestsFailed: r.requestsFailed,
        pushesOnAnotherPath: r.wrongPath,
      })),
    },
    null,
    2,
  )}\n`,
);
console.log(`results written to ${file}`);
