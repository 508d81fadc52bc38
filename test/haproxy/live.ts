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
 * systemd; `kill -USR2 <masterPid>` reloads it. Resolves once `frontendPort` answers 200.
 */
export async function startHaproxy(opts: { config: string; pidFile: string; peerName: string; frontendPort: number }): Promise<LiveHaproxy> {
  const child = spawn('haproxy', ['-W', '-db', '-f', opts.config, '-p', opts.pidFile, '-L', opts.peerName], {
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
  return { masterPid, workers: () => childPids(masterPid), output: () => out, stop };
}

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the apply script asynchronously (the event loop stays free for concurrent requests). */
export function runApply(args: string[]): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [APPLY_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
