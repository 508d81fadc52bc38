/**
 * Helpers for tests that drive a real HAProxy on loopback: small named HTTP servers, HAProxy in
 * master-worker mode as a child process, the node apply script, and a request loop ("hammer").
 * Everything binds 127.0.0.1 on free ports and needs no root.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const APPLY_SCRIPT = fileURLToPath(new URL('../../lib/haproxy/apply-config.sh', import.meta.url));

/** True when a `haproxy` binary answers `-v`. */
export function haproxyInstalled(): boolean {
  const r = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  return r.status === 0 && /HAProxy version/.test(r.stdout);
}

/** A port that was free a moment ago (the kernel picks it; closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface NamedServer {
  name: string;
  port: number;
  close(): Promise<void>;
}

/** An HTTP server on loopback that answers every request with its own name. */
export function startNamedServer(name: string): Promise<NamedServer> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(name);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        name,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export interface ConfigSpec {
  frontendPort: number;
  peerPort: number;
  /** Name of the single peer in the `peers` section (the node's local peer name when valid). */
  peerName: string;
  servers: Array<{ name: string; port: number }>;
  /** Extra lines appended to the backend section. */
  backendExtra?: string[];
}

/** A small HAProxy config: peers section, HTTP defaults, one frontend, one round-robin backend. */
export function renderTestConfig(spec: ConfigSpec): string {
  return [
    'global',
    '  nbthread 1',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 5s',
    '  timeout server 5s',
    '',
    'peers fleet',
    `  peer ${spec.peerName} 127.0.0.1:${spec.peerPort}`,
    '',
    'frontend fe',
    `  bind 127.0.0.1:${spec.frontendPort}`,
    '  default_backend app',
    '',
    'backend app',
    '  balance roundrobin',
    ...spec.servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port}`),
    ...(spec.backendExtra ?? []).map((l) => `  ${l}`),
    '',
  ].join('\n');
}

/** The push as the control plane sends it: base64(gzip(text)) and the sha256 of the text. */
export function encodeConfig(text: string): { payload: string; digest: string } {
  return {
    payload: gzipSync(Buffer.from(text, 'utf8')).toString('base64'),
    digest: createHash('sha256').update(text, 'utf8').digest('hex'),
  };
}

export interface Reply {
  status?: number;
  body?: string;
  error?: string;
}

/** One GET on a fresh connection (no keep-alive), so every request exercises the listener. */
export function get(port: number, timeoutMs = 2000): Promise<Reply> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
    req.end();
  });
}

/**
 * Sends requests one after the other until `during` has settled, then for `afterMs` more, and at
 * least `minRequests` in all. Returns every reply in order.
 */
export async function hammer(port: number, opts: { during?: Promise<unknown>; afterMs?: number; minRequests?: number; maxMs?: number } = {}): Promise<Reply[]> {
  const { afterMs = 0, minRequests = 0, maxMs = 10_000 } = opts;
  let settledAt = opts.during ? 0 : Date.now();
  opts.during?.then(
    () => (settledAt = Date.now()),
    () => (settledAt = Date.now()),
  );
  const started = Date.now();
  const replies: Reply[] = [];
  while (settledAt === 0 || Date.now() - settledAt < afterMs || replies.length < minRequests) {
    if (Date.now() - started > maxMs) break;
    replies.push(await get(port));
  }
  return replies;
}

export interface LiveHaproxy {
  masterPid: number;
  /** Worker process ids (children of the master) right now; a reload replaces them. */
  workers(): number[];
  /** Everything HAProxy printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

function childPids(pid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return (r.stdout ?? '')
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts HAProxy in master-worker mode in the foreground (`-W -db`), as a node would run it under
 * systemd; `kill -USR2 <masterPid>` reloads it. Resolves once `frontendPort` answers 200 (and the
 * master CLI, when asked for, accepts connections).
 */
export async function startHaproxy(opts: {
  config: string;
  pidFile: string;
  /** `-L <peerName>`; without it HAProxy takes the host name as its local peer name. */
  peerName?: string;
  frontendPort: number;
  /** Path of the master CLI (`-S <path>,mode,600`), as Debian's unit starts HAProxy with one. */
  masterSocket?: string;
  /** Arguments before `-f <config>` (another configuration file loaded first, an odd `-L` form). */
  argsBefore?: string[];
}): Promise<LiveHaproxy> {
  const args = ['-W', '-db', ...(opts.argsBefore ?? []), '-f', opts.config, '-p', opts.pidFile, ...(opts.peerName === undefined ? [] : ['-L', opts.peerName])];
  if (opts.masterSocket !== undefined) args.push('-S', `${opts.masterSocket},mode,600`);
  const child = spawn('haproxy', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const masterPid = child.pid;
  if (masterPid === undefined) throw new Error('haproxy did not start');

  const stop = async () => {
    // The master forwards SIGTERM to its workers (old ones still draining too) and exits after them.
    const workers = childPids(masterPid);
    if (!(await waitForExit(child, 0))) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 3000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 2000);
      }
    }
    for (const pid of workers) if (alive(pid)) process.kill(pid, 'SIGKILL');
  };

  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}:\n${out}`);
    const r = await get(opts.frontendPort, 500);
    if (r.status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not serve on ${opts.frontendPort} within 5 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  while (
    opts.masterSocket !== undefined &&
    !(await masterCli(opts.masterSocket, 'show proc', 500).then(
      (a) => a.includes('master'),
      () => false,
    ))
  ) {
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy's master CLI did not answer at ${opts.masterSocket} within 5 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { masterPid, workers: () => childPids(masterPid), output: () => out, stop };
}

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a node script with bash, asynchronously (the event loop stays free for concurrent requests). */
function runScript(script: string, args: string[], env?: NodeJS.ProcessEnv): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the apply script (lib/haproxy/apply-config.sh). */
export const runApply = (args: string[], env?: NodeJS.ProcessEnv): Promise<ScriptResult> => runScript(APPLY_SCRIPT, args, env);

/** The apply script's arguments for one push, as the SSM document passes them; `extra` last (a repeated option overrides). */
export function applyArgs(o: {
  payload: string;
  digest: string;
  version: number | string;
  peerName: string;
  config: string;
  stateDir: string;
  reloadCmd?: string;
  pidFile?: string;
  masterSocket?: string;
  extra?: string[];
}): string[] {
  return [
    ...['--payload', o.payload, '--digest', o.digest, '--version', String(o.version), '--peer-name', o.peerName],
    ...['--config', o.config, '--state-dir', o.stateDir],
    ...(o.reloadCmd !== undefined ? ['--reload-cmd', o.reloadCmd] : []),
    ...(o.pidFile !== undefined ? ['--pidfile', o.pidFile] : []),
    ...(o.masterSocket !== undefined ? ['--master-socket', o.masterSocket] : []),
    ...(o.extra ?? []),
  ];
}

export const MEASURE_SCRIPT = fileURLToPath(new URL('../../lib/haproxy/measure.sh', import.meta.url));

/** Runs the node's measure script (lib/haproxy/measure.sh). */
export const runMeasure = (args: string[]): Promise<ScriptResult> => runScript(MEASURE_SCRIPT, args);

/**
 * One command to HAProxy's master CLI (`@1 <cmd>` reaches the current worker, `@!<pid>` a given
 * one); resolves with its answer. The master answers only once the client has half-closed its
 * side, hence the end() right after the command.
 */
export function masterCli(path: string, cmd: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(path);
    let answer = '';
    const timer = setTimeout(() => sock.destroy(new Error(`master CLI ${path}: no answer to '${cmd}' within ${timeoutMs} ms`)), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.end(`${cmd}\n`));
    sock.on('data', (c: string) => (answer += c));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve(answer);
    });
  });
}

export interface ProcList {
  /** The master's reload counter (`show proc`, `<reloads>` of the master line). */
  reloads: number;
  /** Its `[failed: n]` counter: reloads whose new configuration did not load. */
  failedReloads: number;
  /** The current worker(s). */
  workers: number[];
  /** Workers a reload left serving their connections (`# old workers`). */
  oldWorkers: number[];
}

/** The master CLI's `show proc`, parsed. */
export async function showProc(path: string): Promise<ProcList> {
  const text = await masterCli(path, 'show proc');
  const master = /^\d+\s+master\s+(\d+)\s+\[failed:\s*(\d+)\]/m.exec(text);
  if (!master) throw new Error(`unexpected 'show proc' answer:\n${text}`);
  const list: ProcList = { reloads: Number(master[1]), failedReloads: Number(master[2]), workers: [], oldWorkers: [] };
  let section = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) {
      section = line;
      continue;
    }
    const m = /^(\d+)\s+worker\s/.exec(line);
    if (!m) continue;
    if (section.startsWith('# workers')) list.workers.push(Number(m[1]));
    else if (section.startsWith('# old workers')) list.oldWorkers.push(Number(m[1]));
  }
  return list;
}

export interface ServerState {
  backend: string;
  name: string;
  addr: string;
  port: number;
  /** srv_op_state: 0 stopped, 1 starting, 2 running, 3 stopping. */
  opState: number;
  /** srv_admin_state bit field: 0x01 forced maintenance, 0x08 forced drain. */
  adminState: number;
  /** srv_uweight: the weight in force. */
  weight: number;
  /** srv_iweight: the weight the configuration (or `add server`) gave it. */
  initialWeight: number;
}

/** Parses `show servers state` (also the format of the server-state file). */
export function parseServerState(text: string): ServerState[] {
  return text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 19)
    .map((f) => ({
      backend: f[1]!,
      name: f[3]!,
      addr: f[4]!,
      opState: Number(f[5]),
      adminState: Number(f[6]),
      weight: Number(f[7]),
      initialWeight: Number(f[8]),
      port: Number(f[18]),
    }));
}

/** `show servers state` of the current worker, parsed. */
export async function serverStates(path: string): Promise<ServerState[]> {
  return parseServerState(await masterCli(path, '@1 show servers state'));
}

export interface EchoServer {
  name: string;
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Connections open now. */
  open(): number;
  close(): Promise<void>;
}

/** A TCP server on loopback that sends back every byte it receives, counting its connections. */
export function startEchoServer(name: string): Promise<EchoServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((sock) => {
    accepted++;
    sockets.add(sock);
    sock.on('error', () => {});
    sock.once('close', () => sockets.delete(sock));
    sock.pipe(sock);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        name,
        port,
        accepted: () => accepted,
        open: () => sockets.size,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** One short TCP exchange: connects, sends a line, resolves true when it comes back whole. */
export function echoOnce(port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = `probe ${Math.random()}\n`;
    let got = '';
    const sock = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(probe));
    sock.on('data', (c: string) => {
      got += c;
      if (got.length >= probe.length) done(got === probe);
    });
    sock.on('error', () => done(false));
    sock.on('close', () => done(got === probe));
  });
}

export interface StreamReport {
  sent: number;
  received: number;
  sentSha256: string;
  receivedSha256: string;
  /** Every byte came back, in order, and the connection is still up. */
  intact: boolean;
  /** Why the connection ended, if it did ('end', 'close' or an error message). */
  ended?: string;
  /** Offset of the first echoed byte that differed from what was sent, if any. */
  mismatchAt?: number;
}

export interface LongStream {
  /** Resolves once connected (rejects when the connection fails). */
  ready: Promise<void>;
  sent(): number;
  received(): number;
  /** Why the connection ended, once it has ('end', 'close', or an error message). */
  ended(): string | undefined;
  /** Resolves true once everything written so far has come back (false after timeoutMs, or if it ended). */
  caughtUp(timeoutMs?: number): Promise<boolean>;
  /** Resolves with the reason once the connection ends (or undefined after timeoutMs). */
  waitEnded(timeoutMs: number): Promise<string | undefined>;
  /** Stops writing, waits for the echo of everything sent, and reports; the connection stays open. */
  finish(timeoutMs?: number): Promise<StreamReport>;
  close(): void;
}

/**
 * A long-lived TCP connection to an echo service: writes a chunk of pseudo-random bytes every
 * `intervalMs` until finish(), and checks every echoed byte against what was sent (sha256 of
 * each direction, and the offset of the first difference).
 */
export function openStream(port: number, opts: { intervalMs?: number; chunkBytes?: number } = {}): LongStream {
  const { intervalMs = 10, chunkBytes = 1024 } = opts;
  const sock = net.connect(port, '127.0.0.1');
  const sentHash = createHash('sha256');
  const receivedHash = createHash('sha256');
  const pending: Buffer[] = [];
  let sent = 0;
  let received = 0;
  let ended: string | undefined;
  let mismatchAt: number | undefined;
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const end = (why: string) => {
    if (ended === undefined) ended = why;
    if (timer) clearInterval(timer);
    wake();
  };
  sock.on('data', (chunk: Buffer) => {
    receivedHash.update(chunk);
    let off = 0;
    while (off < chunk.length && mismatchAt === undefined) {
      const head = pending[0];
      if (!head) {
        mismatchAt = received + off;
        break;
      }
      const n = Math.min(head.length, chunk.length - off);
      if (!head.subarray(0, n).equals(chunk.subarray(off, off + n))) {
        mismatchAt = received + off;
        break;
      }
      if (n === head.length) pending.shift();
      else pending[0] = head.subarray(n);
      off += n;
    }
    received += chunk.length;
    wake();
  });
  sock.on('end', () => end('end'));
  sock.on('close', () => end('close'));
  sock.on('error', (e) => end(e.message));
  const ready = new Promise<void>((resolve, reject) => {
    const writeChunk = () => {
      if (ended !== undefined || sock.writableLength > 64 * 1024) return;
      // Pseudo-random but cheap: a counter hashed, repeated to the chunk size.
      const seed = createHash('sha256').update(String(seq++)).digest();
      const buf = Buffer.alloc(chunkBytes);
      for (let i = 0; i < buf.length; i += seed.length) seed.copy(buf, i);
      sentHash.update(buf);
      pending.push(buf);
      sent += buf.length;
      sock.write(buf);
    };
    sock.once('connect', () => {
      sock.setNoDelay(true);
      // One chunk at once: from here on, caughtUp() means the echo service really answered.
      writeChunk();
      timer = setInterval(writeChunk, intervalMs);
      resolve();
    });
    sock.once('error', reject);
  });
  ready.catch(() => {});
  const until = (cond: () => boolean, timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      if (cond()) return resolve(true);
      const check = () => {
        if (!cond()) return;
        waiters.delete(check);
        clearTimeout(t);
        resolve(true);
      };
      const t = setTimeout(() => {
        waiters.delete(check);
        resolve(false);
      }, timeoutMs);
      waiters.add(check);
    });
  return {
    ready,
    sent: () => sent,
    received: () => received,
    ended: () => ended,
    caughtUp: async (timeoutMs = 2000) => {
      const target = sent;
      return (await until(() => received >= target || ended !== undefined, timeoutMs)) && ended === undefined && mismatchAt === undefined;
    },
    waitEnded: async (timeoutMs) => ((await until(() => ended !== undefined, timeoutMs)) ? ended : undefined),
    finish: async (timeoutMs = 3000) => {
      if (timer) clearInterval(timer);
      timer = undefined;
      await until(() => received >= sent || ended !== undefined || mismatchAt !== undefined, timeoutMs);
      const sentSha256 = sentHash.copy().digest('hex');
      const receivedSha256 = receivedHash.copy().digest('hex');
      return {
        sent,
        received,
        sentSha256,
        receivedSha256,
        intact: ended === undefined && mismatchAt === undefined && received === sent && sentSha256 === receivedSha256,
        ...(ended === undefined ? {} : { ended }),
        ...(mismatchAt === undefined ? {} : { mismatchAt }),
      };
    },
    close: () => {
      if (timer) clearInterval(timer);
      sock.destroy();
    },
  };
}
