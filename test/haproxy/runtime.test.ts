/**
 * The apply script's runtime path (lib/haproxy/apply-config.sh, step 5) and the measure script
 * (lib/haproxy/measure.sh) against a live HAProxy on loopback, started with a master CLI as a
 * node runs it: server-only changes go through the Runtime API without a reload (a long TCP
 * connection keeps its byte stream, the master's reload counter stays 0), a draining server takes
 * no new connection, a failed runtime step falls back to a reload that leaves the node as the file
 * says, and the server state survives a reload.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { needsHaproxy } from './binary';
import { renderConfig, SERVER_STATE_FILE, type Member } from '../../lib/haproxy/render';
import { fleetConfig } from '../fixtures/fleet';
import {
  applyArgs,
  echoOnce,
  encodeConfig,
  freePort,
  get,
  hammer,
  masterCli,
  openStream,
  parseServerState,
  runApply,
  runMeasure,
  serverStates,
  showProc,
  startEchoServer,
  startHaproxy,
  startNamedServer,
  type EchoServer,
  type LiveHaproxy,
  type LongStream,
  type NamedServer,
  type Reply,
  type ScriptResult,
} from './live';

// Skipped loudly without haproxy; in CI (CI=true) a missing haproxy fails the run.
const describeLive = needsHaproxy('test/haproxy/runtime.test.ts') ? describe : describe.skip;

const PEER = 'lb-node-1';
/** A server name as the control plane writes them: the instance id of the node behind it. */
const iid = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;

/** What measure.sh reported; `servers` maps a server's name to "<sessions> <weight>". */
interface Measured {
  workers: number;
  connections: number;
  servers: Record<string, string>;
  stdout: string;
}

interface Srv {
  name: string;
  port: number;
  weight: number;
}
/** A frontend on its own port and the backend of the same name (the port-per-client layout). */
interface Route {
  name: string;
  mode: 'http' | 'tcp';
  port: number;
  balance: 'roundrobin' | 'static-rr';
  servers: Srv[];
  /** A stick table on the client's address (as the renderer writes for stickOnSource). */
  stick?: boolean;
}

/** The script's report of the running master's local peer name: HAProxy is started with -L <peer> here. */
const peerLine = (peer = PEER) => `hfc-local-peer: ok running=${peer} source=-L\n`;
const runtimeLine = (version: number, text: string, added: number, removed: number, changed: number, peer = PEER) =>
  `applied version ${version} digest ${encodeConfig(text).digest} at run time (${added} added, ${removed} removed, ${changed} changed; no reload)\n${peerLine(peer)}`;
const reloadLine = (version: number, text: string) => `applied version ${version} digest ${encodeConfig(text).digest}\n${peerLine()}`;
const failures = (replies: Reply[]) => replies.filter((r) => r.status !== 200);
const bodies = (replies: Reply[]) => new Set(replies.map((r) => r.body));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A shell command's stdout. */
const runApplyProbe = (cmd: string) => new Promise<string>((resolve) => execFile('sh', ['-c', cmd], (_e, out) => resolve(String(out))));

/** A small deterministic PRNG (mulberry32): the same 100 changes on every run. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

describeLive('apply-config.sh at run time (master CLI) and measure.sh against a live HAProxy', () => {
  let dir: string;
  let config: string;
  let stateDir: string;
  let pidFile: string;
  let masterSocket: string;
  let haproxy: LiveHaproxy | undefined;
  let version: number;
  let peerPort: number;
  const cleanups: Array<() => Promise<void> | void> = [];

  const echo = async (name: string): Promise<EchoServer> => {
    const s = await startEchoServer(name);
    cleanups.push(() => s.close());
    return s;
  };
  const named = async (name: string): Promise<NamedServer> => {
    const s = await startNamedServer(name);
    cleanups.push(() => s.close());
    return s;
  };
  const stream = async (port: number): Promise<LongStream> => {
    const s = openStream(port);
    cleanups.push(() => s.close());
    await s.ready;
    return s;
  };
  const srv = (name: string, server: { port: number }, weight = 1): Srv => ({ name, port: server.port, weight });

  /** The configuration as the control plane renders it, with the node's server-state file. */
  const render = (routes: Route[], extra: string[] = []) =>
    [
      'global',
      '  nbthread 1',
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
      `  peer ${PEER} 127.0.0.1:${peerPort}`,
      '',
      ...routes.flatMap((r) => [
        `frontend ${r.name}`,
        ...(r.mode === 'tcp' ? ['  mode tcp'] : []),
        `  bind 127.0.0.1:${r.port}`,
        `  default_backend ${r.name}`,
        '',
        `backend ${r.name}`,
        ...(r.mode === 'tcp' ? ['  mode tcp'] : []),
        `  balance ${r.balance}`,
        ...(r.stick ? ['  stick-table type ip size 1m expire 30m', '  stick on src'] : []),
        ...r.servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} weight ${s.weight}`),
        '',
      ]),
      ...extra,
    ].join('\n');

  /** A structural change: one more frontend (to the first route's backend), on a port of its own. */
  const extraFrontend = (port: number, backend: string) => ['frontend extra', `  bind 127.0.0.1:${port}`, `  default_backend ${backend}`, ''];

  /**
   * Writes the configuration, records it as applied (version 1, as the script would after pushing
   * it), and starts HAProxy on it with a master CLI. The first route must be HTTP (HAProxy is ready
   * once it answers 200). Ports come from `routes()`; taken ones are tried again with fresh ones.
   */
  const boot = async (routes: () => Promise<Route[]>): Promise<Route[]> => {
    for (let attempt = 1; ; attempt++) {
      peerPort = await freePort();
      const rs = await routes();
      const text = render(rs);
      writeFileSync(config, text);
      writeFileSync(join(stateDir, 'applied'), `version=1\ndigest=${encodeConfig(text).digest}\n`, { mode: 0o644 });
      version = 1;
      try {
        haproxy = await startHaproxy({ config, pidFile, peerName: PEER, frontendPort: rs[0]!.port, masterSocket });
        return rs;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
  };

  /** Pushes `text` as the next version, with the master CLI (or `masterSocketArg` instead). */
  const push = (text: string, masterSocketArg = masterSocket, peerName = PEER, env?: NodeJS.ProcessEnv): Promise<ScriptResult> => {
    const { payload, digest } = encodeConfig(text);
    version++;
    return runApply(
      applyArgs({
        payload,
        digest,
        version,
        peerName,
        config,
        stateDir,
        reloadCmd: `kill -USR2 ${haproxy!.masterPid}`,
        pidFile,
        masterSocket: masterSocketArg,
      }),
      env,
    );
  };

  /** What HAProxy's current worker runs, as `backend/name addr:port weight` lines, sorted. */
  const running = async () => (await serverStates(masterSocket)).map((s) => `${s.backend}/${s.name} ${s.addr}:${s.port} ${s.weight}`).sort();
  /** What a set of routes says, in the same form. */
  const declared = (routes: Route[]) => routes.flatMap((r) => r.servers.map((s) => `${r.name}/${s.name} 127.0.0.1:${s.port} ${s.weight}`)).sort();

  /**
   * measure.sh's answer: its `workers`, `connections` and `server <name> <sessions> <weight>`
   * lines (any other line, such as a closing marker, is left to the parser's own tests).
   */
  const measure = async (servers: string[]): Promise<Measured> => {
    const r = await runMeasure(['--master-socket', masterSocket, ...(servers.length ? ['--servers', servers.join(',')] : [])]);
    expect(r.code, r.stderr).toBe(0);
    const m: Measured = { workers: -1, connections: -1, servers: {}, stdout: r.stdout };
    for (const line of r.stdout.split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f[0] === 'workers') m.workers = Number(f[1]);
      else if (f[0] === 'connections') m.connections = Number(f[1]);
      else if (f[0] === 'server') m.servers[f[1]!] = `${f[2]} ${f[3]}`;
    }
    return m;
  };
  /** Polls measure.sh until `done` holds for its answer (or the time is up); returns the last answer. */
  const measureUntil = async (servers: string[], done: (m: Measured) => boolean, ms = 3000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = await measure(servers);
      if (done(m) || Date.now() > deadline) return m;
      await sleep(100);
    }
  };
  /** The figures of an answer, without its text. */
  const figures = ({ stdout: _, ...m }: Measured) => m;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runtime-'));
    // The script trusts only directories that nobody but us (or root) can write to: 0755, ours.
    const etc = join(dir, 'etc');
    mkdirSync(etc, { mode: 0o755 });
    config = join(etc, 'haproxy.cfg');
    stateDir = join(dir, 'state');
    mkdirSync(stateDir, { mode: 0o755 });
    pidFile = join(dir, 'haproxy.pid');
    masterSocket = join(dir, 'master.sock');
  });

  afterEach(async () => {
    // Clients and servers (in reverse order of creation: clients first), then HAProxy with every
    // worker, old ones included.
    try {
      for (const c of cleanups.splice(0).reverse()) await c();
    } finally {
      await haproxy?.stop();
      haproxy = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a long TCP connection keeps its byte stream intact in both directions across 100 membership changes at run time, with zero reloads; a structural change then reloads once', async () => {
    // Prepare: the client's port (tcp, its own backend, the connection's server is i-...1 on echo
    // server 0), another client's port, and an HTTP frontend.
    const echoes = [await echo('e0'), await echo('e1'), await echo('e2')];
    const web = await named('web-1');
    let routes = await boot(async () => [
      { name: 'web', mode: 'http', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(0x100), web)] },
      { name: 'client-1', mode: 'tcp', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(1), echoes[0]!)] },
      { name: 'client-2', mode: 'tcp', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(0x201), echoes[1]!)] },
    ]);
    const ownPort = routes[1]!.port;
    const carrier = iid(1);
    const long = await stream(ownPort);
    expect(await long.caughtUp(), 'the connection echoes before the changes').toBe(true);
    expect(echoes[0]!.open()).toBe(1);
    const procBefore = await showProc(masterSocket);
    expect(procBefore.reloads).toBe(0);
    expect(procBefore.workers).toHaveLength(1);
    const workersBefore = haproxy!.workers();

    // Act: 100 changes in 10 pushes (a push costs one to two seconds of the script's own work on a
    // busy 2-CPU machine, each change in it a fifth of a second more): each push makes five changes in the connection's backend and
    // five in the other, each on a different server. Each backend keeps an anchor in service (the
    // connection's server, and i-...201), so that new connections always find a server.
    const anchors = new Set([carrier, iid(0x201)]);
    const rand = prng(42);
    let nextId = 0x300;
    const kinds = { add: 0, remove: 0, readdress: 0, reweight: 0 };
    let changes = 0;
    const keyed = (rs: Route[]) => new Map(rs.flatMap((r) => r.servers.map((s) => [`${r.name}/${s.name}`, `${s.port} ${s.weight}`] as const)));
    for (let i = 1; i <= 10; i++) {
      const before = keyed(routes);
      const what: string[] = [];
      for (const index of [1, 2]) {
        const route = routes[index]!;
        const servers = route.servers.map((s) => ({ ...s }));
        const touched = new Set<string>();
        for (let n = 0; n < 5; n++) {
          const free = servers.filter((s) => !touched.has(s.name));
          const movable = free.filter((s) => !anchors.has(s.name));
          const all = ['add', 'remove', 'readdress', 'reweight'] as const;
          let kind: (typeof all)[number] = all[rand(4)]!;
          if (kind === 'remove' && movable.length === 0) kind = 'add';
          if (kind === 'add' && servers.length >= 8) kind = movable.length > 0 ? 'remove' : 'reweight';
          if ((kind === 'readdress' || kind === 'reweight') && free.length === 0) kind = 'add';
          if (kind === 'add') {
            const s = srv(iid(nextId++), echoes[rand(3)]!, 1 + rand(4));
            servers.push(s);
            touched.add(s.name);
          } else if (kind === 'remove') {
            const gone = movable[rand(movable.length)]!;
            servers.splice(
              servers.findIndex((s) => s.name === gone.name),
              1,
            );
          } else if (kind === 'readdress') {
            const s = free[rand(free.length)]!;
            const others = echoes.filter((e) => e.port !== s.port);
            s.port = others[rand(others.length)]!.port;
            touched.add(s.name);
          } else {
            const s = free[rand(free.length)]!;
            // Anchors stay in service (weight 1-5); other servers may be drained (weight 0) too.
            const choices = [0, 1, 2, 3, 4, 5].filter((w) => w !== s.weight && (w > 0 || !anchors.has(s.name)));
            s.weight = choices[rand(choices.length)]!;
            touched.add(s.name);
          }
          kinds[kind]++;
          what.push(`${kind} in ${route.name}`);
        }
        routes = routes.map((r) => (r.name === route.name ? { ...r, servers } : r));
      }
      const text = render(routes);
      const after = keyed(routes);
      const added = [...after.keys()].filter((k) => !before.has(k)).length;
      const removed = [...before.keys()].filter((k) => !after.has(k)).length;
      const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k)).length;
      changes += added + removed + changed;
      const result = await push(text);

      // Assess each push: at run time, exactly these ten changes, nothing on stderr
      const label = `push ${i} (${what.join(', ')})`;
      expect(added + removed + changed, label).toBe(10);
      expect(result.code, `${label}: ${result.stderr}`).toBe(0);
      expect(result.stdout, label).toBe(runtimeLine(version, text, added, removed, changed));
      expect(result.stderr, label).toBe('');
      expect(long.ended(), `${label} ended the long connection`).toBeUndefined();
      expect(await running(), `HAProxy runs the file after ${label}`).toEqual(declared(routes));
      if (i % 2 === 0) {
        // New connections through both ports are served by whatever the backends now hold.
        expect(await long.caughtUp(), `the long connection echoes after push ${i}`).toBe(true);
        expect(await echoOnce(ownPort), `a new connection on client-1 after push ${i}`).toBe(true);
        expect(await echoOnce(routes[2]!.port), `a new connection on client-2 after push ${i}`).toBe(true);
      }
    }

    // Assess: 100 changes of every kind; the stream came back whole; no reload, same worker
    expect(changes).toBe(100);
    expect(Math.min(...Object.values(kinds)), JSON.stringify(kinds)).toBeGreaterThanOrEqual(10);
    const report = await long.finish();
    expect(report.sent).toBeGreaterThan(100 * 1024);
    expect(report, JSON.stringify(report)).toMatchObject({ intact: true, received: report.sent, receivedSha256: report.sentSha256 });
    const procAfter = await showProc(masterSocket);
    expect(procAfter.reloads).toBe(0);
    expect(procAfter.workers).toEqual(procBefore.workers);
    expect(procAfter.oldWorkers).toEqual([]);
    expect(haproxy!.workers()).toEqual(workersBefore);
    expect(await running()).toEqual(declared(routes));
    expect(readFileSync(config, 'utf8')).toBe(render(routes));

    // Act: the counter would have caught a reload: a structural change (a new frontend)
    long.close();
    const structural = render(routes, extraFrontend(await freePort(), 'web'));
    const result = await push(structural);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(reloadLine(version, structural));
    expect(result.stdout).not.toContain('at run time');
    expect(result.stderr).toContain('apply-config: reloading: more than servers changed');
    const procReloaded = await showProc(masterSocket);
    expect(procReloaded.reloads).toBe(1);
    expect(procReloaded.workers).not.toEqual(procBefore.workers);
  }, 90_000);

  it('a draining server (weight 0) takes no new connection while its open one finishes; measure.sh reports it; it is deleted at run time once idle, and removing it while a connection is open cuts that connection', async () => {
    // Prepare: client-1's backend has one server, i-...1 on echo server a, carrying a long connection
    const [a, b, c] = [await echo('a'), await echo('b'), await echo('c')];
    const web = await named('web-1');
    let routes = await boot(async () => [
      { name: 'web', mode: 'http', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(0x100), web)] },
      { name: 'client-1', mode: 'tcp', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(1), a)] },
    ]);
    const port = routes[1]!.port;
    const setServers = (servers: Srv[]) => {
      routes = [routes[0]!, { ...routes[1]!, servers }];
      return render(routes);
    };
    const first = await stream(port);
    expect(await first.caughtUp()).toBe(true);
    expect(a.open()).toBe(1);

    // Act: add i-...2 (echo server b), then drain i-...1 (weight 0)
    let text = setServers([srv(iid(1), a), srv(iid(2), b)]);
    const added = await push(text);
    expect(added.stdout, added.stderr).toBe(runtimeLine(version, text, 1, 0, 0));
    text = setServers([srv(iid(1), a, 0), srv(iid(2), b)]);
    const drained = await push(text);
    expect(drained.stdout, drained.stderr).toBe(runtimeLine(version, text, 0, 0, 1));
    expect(drained.stderr).toBe('');
    const acceptedA = a.accepted();
    const acceptedB = b.accepted();
    const fresh = [];
    for (let i = 0; i < 20; i++) fresh.push(await echoOnce(port));

    // Assess: every new connection went to b, none to the draining a; the open one still echoes
    expect(fresh).toEqual(Array(20).fill(true));
    expect(a.accepted() - acceptedA).toBe(0);
    expect(b.accepted() - acceptedB).toBe(20);
    expect(await first.caughtUp()).toBe(true);
    expect(a.open()).toBe(1);
    const servers = [iid(1), iid(2)];
    const draining = await measureUntil(servers, (m) => m.connections === 1);
    expect(figures(draining), draining.stdout).toEqual({
      workers: 1,
      connections: 1,
      servers: { [iid(1)]: '1 0', [iid(2)]: '0 1' },
    });

    // Act: the connection finishes; then a push without i-...1
    const report = await first.finish();
    expect(report.intact, JSON.stringify(report)).toBe(true);
    first.close();
    const idle = await measureUntil(servers, (m) => m.connections === 0);
    expect(figures(idle), idle.stdout).toEqual({
      workers: 1,
      connections: 0,
      servers: { [iid(1)]: '0 0', [iid(2)]: '0 1' },
    });
    text = setServers([srv(iid(2), b)]);
    const removed = await push(text);

    // Assess: deleted at run time, nothing cut
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe(runtimeLine(version, text, 0, 1, 0));
    expect(removed.stderr).toBe('');
    expect((await serverStates(masterSocket)).map((s) => s.name)).not.toContain(iid(1));
    expect(await running()).toEqual(declared(routes));
    expect(figures(await measure(servers)), 'a deleted server is on no backend').toEqual({
      workers: 1,
      connections: 0,
      servers: { [iid(2)]: '0 1' },
    });

    // Act: the same once more, but the removal comes while the drained server's connection is open
    const second = await stream(port);
    expect(await second.caughtUp()).toBe(true);
    expect(b.open()).toBe(1);
    text = setServers([srv(iid(2), b, 0), srv(iid(3), c)]);
    const replaced = await push(text);
    expect(replaced.stdout, replaced.stderr).toBe(runtimeLine(version, text, 1, 0, 1));
    expect(await second.caughtUp(), 'the drained connection still echoes').toBe(true);
    text = setServers([srv(iid(3), c)]);
    const cut = await push(text);

    // Assess: the script says it cut the session, and it did: the connection ended; the server is gone
    expect(cut.code, cut.stderr).toBe(0);
    expect(cut.stdout).toBe(runtimeLine(version, text, 0, 1, 0));
    expect(cut.stderr).toBe(`apply-config: server client-1/${iid(2)} still has 1 session(s) after its drain: cutting them\n`);
    expect(await second.waitEnded(3000), 'the open connection was cut').toBeDefined();
    expect((await serverStates(masterSocket)).map((s) => s.name)).not.toContain(iid(2));
    expect(await running()).toEqual(declared(routes));
    const acceptedC = c.accepted();
    expect(await echoOnce(port)).toBe(true);
    expect(c.accepted() - acceptedC).toBe(1);
    expect((await showProc(masterSocket)).reloads).toBe(0);
  }, 30_000);

  it('a structural change still reloads (reload counter +1) without dropping a request', async () => {
    // Prepare
    const [w1, w2] = [await named('w1'), await named('w2')];
    const routes = await boot(async () => [
      { name: 'web', mode: 'http', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(1), w1), srv(iid(2), w2)] },
    ]);
    const extraPort = await freePort();
    const text = render(routes, extraFrontend(extraPort, 'web'));
    const before = await showProc(masterSocket);

    // Act: requests back to back while the script runs, and 1 s after it returned
    const run = push(text);
    const replies = await hammer(routes[0]!.port, { during: run, afterMs: 1000, minRequests: 100 });
    const result = await run;

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(reloadLine(version, text));
    expect(result.stderr).toContain('apply-config: reloading: more than servers changed');
    expect(replies.length).toBeGreaterThanOrEqual(100);
    expect(failures(replies), haproxy!.output()).toEqual([]);
    expect(bodies(replies)).toEqual(new Set(['w1', 'w2']));
    const after = await showProc(masterSocket);
    expect(after.reloads).toBe(before.reloads + 1);
    expect(after.workers).not.toEqual(before.workers);
    expect((await get(extraPort)).status, 'the new frontend serves').toBe(200);
  }, 30_000);

  it('a runtime change that fails part-way (add server on a static-rr backend) falls back to a reload: exit 0, reload counter +1, HAProxy runs exactly the new file', async () => {
    // Prepare: `app` balances roundrobin (dynamic), `pinned` static-rr
    const [s1, s2, s3, s4] = [await named('s1'), await named('s2'), await named('s3'), await named('s4')];
    let routes = await boot(async () => [
      { name: 'app', mode: 'http', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(1), s1)] },
      { name: 'pinned', mode: 'http', port: await freePort(), balance: 'static-rr', servers: [srv(iid(2), s2)] },
    ]);
    // HAProxy itself refuses a server added at run time to a static-rr backend
    expect(await masterCli(masterSocket, `@1 add server pinned/${iid(9)} 127.0.0.1:${s4.port}`)).toContain(
      'Backend must use a dynamic load balancing to support dynamic servers.',
    );
    expect(await running()).toEqual(declared(routes));
    routes = [
      { ...routes[0]!, servers: [srv(iid(1), s1), srv(iid(3), s3)] },
      { ...routes[1]!, servers: [srv(iid(2), s2), srv(iid(4), s4)] },
    ];
    const text = render(routes);

    // Act: adds one server to each backend; `app/` comes first, so its add succeeds, then pinned's fails
    const result = await push(text);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `apply-config: a runtime change failed part-way ('add server pinned/${iid(4)} 127.0.0.1:${s4.port} weight 1' answered: Backend must use a dynamic load balancing to support dynamic servers.); falling back to a validated reload`,
    );
    expect(result.stdout).toBe(reloadLine(version, text));
    expect((await showProc(masterSocket)).reloads).toBe(1);
    expect(await running()).toEqual(declared(routes));
    expect(readFileSync(config, 'utf8')).toBe(text);
    expect(bodies(await hammer(routes[0]!.port, { minRequests: 10 }))).toEqual(new Set(['s1', 's3']));
    expect(bodies(await hammer(routes[1]!.port, { minRequests: 10 }))).toEqual(new Set(['s2', 's4']));
  }, 30_000);

  it('the server state survives a reload: a server drained at run time stays at weight 0, one re-addressed keeps its new address, stale state is not brought back', async () => {
    // Prepare: five HTTP servers, four in the backend
    const h = [await named('h0'), await named('h1'), await named('h2'), await named('h3'), await named('h4')];
    const boot0 = await boot(async () => [
      { name: 'web', mode: 'http', port: await freePort(), balance: 'roundrobin', servers: [0, 1, 2, 3].map((i) => srv(iid(i + 1), h[i]!)) },
    ]);
    const port = boot0[0]!.port;
    const withServers = (servers: Srv[]) => [{ ...boot0[0]!, servers }];
    // At run time: i-...2 drained, then i-...3 moved from h2 to h4
    let routes = withServers([srv(iid(1), h[0]!), srv(iid(2), h[1]!, 0), srv(iid(3), h[2]!), srv(iid(4), h[3]!)]);
    let text = render(routes);
    const drain = await push(text);
    expect(drain.stdout, drain.stderr).toBe(runtimeLine(version, text, 0, 0, 1));
    routes = withServers([srv(iid(1), h[0]!), srv(iid(2), h[1]!, 0), srv(iid(3), h[4]!), srv(iid(4), h[3]!)]);
    text = render(routes);
    const move = await push(text);
    expect(move.stdout, move.stderr).toBe(runtimeLine(version, text, 0, 0, 1));
    // An operator puts i-...1 into maintenance and gives i-...4 weight 5, at run time, not in the file
    expect(await masterCli(masterSocket, `@1 set server web/${iid(1)} state maint`)).toMatch(/^\s*$/);
    expect(await masterCli(masterSocket, `@1 set server web/${iid(4)} weight 5`)).toMatch(/^\s*$/);
    const workersBefore = (await showProc(masterSocket)).workers;

    // Act: a structural change reloads
    text = render(routes, extraFrontend(await freePort(), 'web'));
    const result = await push(text);

    // Assess: a new worker, which came up as the node ran: i-...2 at weight 0, i-...3 on h4, i-...1
    // still in maintenance (from the state file); i-...4 at its file weight (its state line
    // disagreed with the file, so it was left out)
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(reloadLine(version, text));
    const proc = await showProc(masterSocket);
    expect(proc.reloads).toBe(1);
    expect(proc.workers).not.toEqual(workersBefore);
    const state = new Map((await serverStates(masterSocket)).map((s) => [s.name, s]));
    expect(state.get(iid(2))).toMatchObject({ weight: 0, port: h[1]!.port });
    expect(state.get(iid(3))).toMatchObject({ weight: 1, port: h[4]!.port });
    expect(state.get(iid(1))!.adminState & 1, 'i-...1 still in maintenance').toBe(1);
    expect(state.get(iid(4))).toMatchObject({ weight: 1, port: h[3]!.port });
    const file = new Map(parseServerState(readFileSync(join(stateDir, 'server-state'), 'utf8')).map((s) => [s.name, s]));
    expect([...file.keys()].sort()).toEqual([iid(1), iid(2), iid(3)]);
    expect(file.get(iid(2))).toMatchObject({ weight: 0, initialWeight: 0 });
    expect(file.get(iid(3))!.port).toBe(h[4]!.port);
    const replies = await hammer(port, { minRequests: 30 });
    expect(failures(replies)).toEqual([]);
    expect(bodies(replies)).toEqual(new Set(['h3', 'h4']));
  }, 30_000);

  it("measure.sh counts an old worker's connection: after a reload a long TCP connection is still served by the old worker and counted (workers 2)", async () => {
    // Prepare
    const e = await echo('e');
    const web = await named('web-1');
    const routes = await boot(async () => [
      { name: 'web', mode: 'http', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(0x100), web)] },
      { name: 'client-1', mode: 'tcp', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(1), e)] },
    ]);
    const long = await stream(routes[1]!.port);
    expect(await long.caughtUp()).toBe(true);
    expect(figures(await measure([iid(1)]))).toEqual({ workers: 1, connections: 1, servers: { [iid(1)]: '1 1' } });

    // Act: a structural change reloads; the connection stays with the old worker
    const text = render(routes, extraFrontend(await freePort(), 'web'));
    const result = await push(text);
    expect(result.stdout, result.stderr).toBe(reloadLine(version, text));
    const proc = await showProc(masterSocket);
    expect(proc.reloads).toBe(1);
    expect(proc.oldWorkers, 'the old worker still serves the connection').toHaveLength(1);
    expect(await long.caughtUp()).toBe(true);
    const measured = await measure([iid(1)]);

    // Assess: two workers asked; the connection counted once, on its server (weight from the current worker)
    expect(figures(measured), `${measured.stdout}\n${await masterCli(masterSocket, 'show proc')}`).toEqual({
      workers: 2,
      connections: 1,
      servers: { [iid(1)]: '1 1' },
    });
  }, 30_000);
  it("the control plane's own rendered file (lib/haproxy/render.ts) takes the runtime path: a server added and one drained (weight 0), then removed, with a long stream untouched", async () => {
    // Prepare: a fleet whose one load balancer runs the rendered file; its state file path is
    // pointed at this test's state directory (the rendered one is the node's /var/lib path)
    const e = await echo('e');
    const healthPort = await freePort();
    const listenerPort = await freePort();
    peerPort = await freePort();
    const lb = 'i-0aaaaaaaaaaaaaaa1';
    const fleet = fleetConfig({
      healthCheck: { protocol: 'HTTP', port: healthPort, path: '/' },
      haproxy: {
        // The default 50,000 needs more file descriptors than a test process may raise to.
        maxconn: 1000,
        peers: { port: peerPort },
        backends: [{ name: 'client-1', mode: 'tcp', servers: { tags: { client: '1' } }, port: e.port, check: { enabled: false } }],
        listeners: [{ port: listenerPort, backend: 'client-1' }],
      },
    });
    const rendered = (servers: Member[]) =>
      renderConfig(fleet.haproxy!, {
        peers: [{ instanceId: lb, ip: '127.0.0.1' }],
        servers: { 'client-1': servers },
        health: { protocol: 'HTTP', port: healthPort, path: '/' },
      }).replace(`server-state-file ${SERVER_STATE_FILE}`, `server-state-file ${stateDir}/server-state`);
    const first = rendered([{ instanceId: iid(1), ip: '127.0.0.1' }]);
    writeFileSync(config, first);
    writeFileSync(join(stateDir, 'applied'), `version=1\ndigest=${encodeConfig(first).digest}\n`, { mode: 0o644 });
    version = 1;
    haproxy = await startHaproxy({ config, pidFile, peerName: lb, frontendPort: healthPort, masterSocket });
    const long = await stream(listenerPort);
    expect(await long.caughtUp()).toBe(true);

    // Act: a server joins and a leaving one... first both serve, then iid(2) is drained, then removed
    const both = rendered([
      { instanceId: iid(1), ip: '127.0.0.1' },
      { instanceId: iid(2), ip: '127.0.0.1' },
    ]);
    const drained = rendered([
      { instanceId: iid(1), ip: '127.0.0.1' },
      { instanceId: iid(2), ip: '127.0.0.1', weight: 0 },
    ]);
    const results = [await push(both, masterSocket, lb), await push(drained, masterSocket, lb), await push(first, masterSocket, lb)];
    for (const r of results) expect(r.code, r.stderr).toBe(0);

    // Assess: every push at run time, no reload, the stream intact, HAProxy runs the last file
    expect(results.map((r) => r.stdout)).toEqual([runtimeLine(2, both, 1, 0, 0, lb), runtimeLine(3, drained, 0, 0, 1, lb), runtimeLine(4, first, 0, 1, 0, lb)]);
    expect((await showProc(masterSocket)).reloads).toBe(0);
    expect(await long.finish()).toMatchObject({ intact: true });
    expect((await serverStates(masterSocket)).map((s) => `${s.backend}/${s.name} ${s.weight}`)).toEqual([`client-1/${iid(1)} 1`]);
  }, 30_000);
  it("someone else's reload while the runtime changes are made (they would be lost): detected, the script falls back to a reload of the new file", async () => {
    // Prepare: a perl on PATH (the script's master CLI client) that reloads HAProxy right after
    // it has sent a `del server`, as an operator's `systemctl reload` at that moment would
    const e = await echo('e');
    const web = await named('web-1');
    const routes = await boot(async () => [
      { name: 'web', mode: 'http', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(0x100), web)] },
      { name: 'client-1', mode: 'tcp', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(1), e), srv(iid(2), e)] },
    ]);
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const realPerl = (await runApplyProbe('command -v perl')).trim();
    writeFileSync(
      join(bin, 'perl'),
      `#!/bin/sh\n"${realPerl}" "$@"; rc=$?\ncase "$*" in *"del server"*) kill -USR2 ${haproxy!.masterPid}; sleep 1 ;; esac\nexit $rc\n`,
      { mode: 0o755 },
    );
    const next: Route[] = [routes[0]!, { ...routes[1]!, servers: [srv(iid(1), e), srv(iid(3), e)] }];
    const text = render(next);

    // Act
    const result = await push(text, masterSocket, PEER, { ...process.env, PATH: `${bin}:${process.env.PATH}` });

    // Assess: not reported as a runtime change; reloaded with the new file, which HAProxy runs
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('HAProxy was reloaded or restarted while the changes were made');
    expect(result.stdout).toBe(reloadLine(version, text));
    expect(await running()).toEqual(declared(next));
  }, 30_000);
  it('a node with 4,000 servers: a runtime change still writes the whole server state, and measure.sh answers about one of them (no argument-size limit on the way)', async () => {
    // Prepare
    const e = await echo('e');
    const web = await named('web-1');
    const many = Array.from({ length: 4000 }, (_, i) => srv(iid(0x1000 + i), e));
    const routes = await boot(async () => [
      { name: 'web', mode: 'http', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(0x100), web)] },
      { name: 'big', mode: 'tcp', port: await freePort(), balance: 'roundrobin', servers: many },
    ]);
    const next: Route[] = [routes[0]!, { ...routes[1]!, servers: [...many.slice(1), srv(iid(0x1000 + 4000), e, 0)] }];
    const text = render(next);

    // Act
    const result = await push(text);
    const measured = await measure([iid(0x1000 + 4000)]);

    // Assess
    expect(result.stdout, result.stderr).toBe(runtimeLine(version, text, 1, 1, 0));
    expect(result.stderr).toBe('');
    const state = readFileSync(join(stateDir, 'server-state'), 'utf8').trim().split('\n');
    expect(state.filter((l) => !l.startsWith('#') && l !== '1')).toHaveLength(4001);
    expect(figures(measured).servers).toEqual({ [iid(0x1000 + 4000)]: '0 0' });
  }, 60_000);
  it('with a stick table, a drained server would keep its stuck clients (persistence outranks weight 0): their entries are cleared, so new connections go to the others', async () => {
    // Prepare: every client on loopback has one address, so the stick table sends them all to one server
    const a = await echo('a');
    const b = await echo('b');
    const web = await named('web-1');
    const routes = await boot(async () => [
      { name: 'web', mode: 'http', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(0x100), web)] },
      { name: 'client-1', mode: 'tcp', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(1), a), srv(iid(2), b)], stick: true },
    ]);
    const port = routes[1]!.port;
    expect(await echoOnce(port)).toBe(true);
    const stuck = a.accepted() === 1 ? { drained: iid(1), server: a, other: b } : { drained: iid(2), server: b, other: a };
    const weights = (drained: string) => routes[1]!.servers.map((x) => ({ ...x, weight: x.name === drained ? 0 : 1 }));

    // Act: drain the server the client is stuck to, then connect again five times
    const text = render([routes[0]!, { ...routes[1]!, servers: weights(stuck.drained) }]);
    const result = await push(text);
    for (let i = 0; i < 5; i++) expect(await echoOnce(port)).toBe(true);

    // Assess: applied at run time, nothing said on stderr; the drained server took none of them
    expect(result.stdout, result.stderr).toBe(runtimeLine(version, text, 0, 0, 1));
    expect(result.stderr).toBe('');
    expect(stuck.server.accepted()).toBe(1);
    expect(stuck.other.accepted()).toBe(5);
  }, 30_000);
  it("IPv6 servers ([address]:port in the file, bare in HAProxy's state) are added and re-weighted at run time", async () => {
    // Prepare: a backend of IPv6 servers (no health check: nothing connects to them here)
    const web = await named('web-1');
    const v6 = (servers: string[]) => ['backend v6', '  balance roundrobin', ...servers, ''];
    peerPort = await freePort();
    const routes: Route[] = [{ name: 'web', mode: 'http', port: await freePort(), balance: 'roundrobin', servers: [srv(iid(0x100), web)] }];
    const first = render(routes, v6([`  server ${iid(1)} [::1]:9001`]));
    writeFileSync(config, first);
    writeFileSync(join(stateDir, 'applied'), `version=1\ndigest=${encodeConfig(first).digest}\n`, { mode: 0o644 });
    version = 1;
    haproxy = await startHaproxy({ config, pidFile, peerName: PEER, frontendPort: routes[0]!.port, masterSocket });

    // Act: one added (drained), then re-weighted
    const added = render(routes, v6([`  server ${iid(1)} [::1]:9001`, `  server ${iid(2)} [2001:db8::2]:9002 weight 0`]));
    const reweighted = render(routes, v6([`  server ${iid(1)} [::1]:9001`, `  server ${iid(2)} [2001:db8::2]:9002 weight 3`]));
    const results = [await push(added), await push(reweighted)];

    // Assess
    expect(results.map((r) => r.stdout)).toEqual([runtimeLine(2, added, 1, 0, 0), runtimeLine(3, reweighted, 0, 0, 1)]);
    expect((await serverStates(masterSocket)).filter((x) => x.backend === 'v6').map((x) => `${x.name} ${x.addr} ${x.port} ${x.weight}`)).toEqual([
      `${iid(1)} ::1 9001 1`,
      `${iid(2)} 2001:db8::2 9002 3`,
    ]);
    expect((await showProc(masterSocket)).reloads).toBe(0);
  }, 30_000);
});
