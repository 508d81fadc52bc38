/**
 * A simulated load-balancer node, as the control plane sees it through SSM Run Command: what
 * lib/haproxy/apply-config.sh and lib/haproxy/measure.sh do on a real one, modelled on the
 * configuration text. Real HAProxy proves the scripts themselves (test/haproxy/); this lets
 * scenario tests check the control plane's side of them: which path a push takes, what a drain
 * measures, what a removal cuts, a node that refuses.
 *
 *   apply   decode and verify (exit 2), refuse an older version or another digest under the
 *           applied version (exit 3), refuse when `refusing` is set (exit 4, haproxy -c failed);
 *           then, like the script: the same digest again changes nothing; a file that differs
 *           from the running one only in backend `server` lines is applied at run time (no
 *           reload: sessions untouched, except those of a removed server, which are cut);
 *           anything else reloads (`reloads` counts them; sessions go on in the old worker), as
 *           does a server added to a `static-rr` or map-hashed `source` backend (`add server`
 *           fails there and the script falls back). Not modelled: the script's preconditions
 *           (master CLI present, the file on disk the one applied), and the sessions an old
 *           worker keeps for a server a reload removed (measure.sh still counts them).
 *           Every push that succeeds ends its output with the script's report of the local peer
 *           name the node's HAProxy master runs under (`hfc-local-peer: ...`, docs/haproxy.md,
 *           "The local peer name"): started with `-L <its instance id>` unless `localPeer` says
 *           otherwise (another name, or none: then the host name), or no report at all with
 *           `reportsLocalPeer` false (an apply script from before it).
 *   measure `workers`, `connections` (the node's own, `connections`) and, for each server asked
 *           about that a backend lists, its sessions over the backends and its highest weight,
 *           then `end`.
 *
 * Sessions are set by the test (`setSessions`): per backend server, as `show stat` scur would
 * count them over the node's workers.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { SsmRunResult } from './ssm';

interface ServerLine {
  /** backend/name */
  key: string;
  name: string;
  addr: string;
  weight: number;
  /** The rest of the line: a change there cannot be made at run time. */
  options: string;
}

function parse(text: string): { structure: string; servers: Map<string, ServerLine>; nonDynamic: Set<string> } {
  const servers = new Map<string, ServerLine>();
  const structure: string[] = [];
  // Backends HAProxy cannot add a server to at run time: static-rr, or a map-based hash (the
  // default hash-type) such as `balance source` (docs/aws-facts.md, HAProxy: Runtime API).
  const balance = new Map<string, string>();
  const consistent = new Set<string>();
  let backend: string | undefined;
  for (const line of text.split('\n')) {
    if (/^[^\s#]/.test(line)) {
      const [kind, name] = line.trim().split(/\s+/);
      backend = kind === 'backend' ? name : undefined;
    }
    const f = line.trim().split(/\s+/);
    if (backend && f[0] === 'balance') balance.set(backend, f[1] ?? '');
    if (backend && f[0] === 'hash-type' && f[1] === 'consistent') consistent.add(backend);
    if (backend && f[0] === 'server' && f.length >= 3) {
      const rest = f.slice(3);
      const w = rest.indexOf('weight');
      const weight = w >= 0 ? Number(rest[w + 1]) : 1;
      if (w >= 0) rest.splice(w, 2);
      servers.set(`${backend}/${f[1]}`, { key: `${backend}/${f[1]}`, name: f[1]!, addr: f[2]!, weight, options: rest.join(' ') });
    } else structure.push(line);
  }
  const nonDynamic = new Set([...balance].filter(([b, algo]) => algo === 'static-rr' || (algo === 'source' && !consistent.has(b))).map(([b]) => b));
  return { structure: structure.join('\n'), servers, nonDynamic };
}

export interface AppliedConfig {
  version: number;
  digest: string;
  text: string;
}

export class SimHaproxyNode {
  /**
   * How the node's HAProxy master was started: `-L` with this name (the default, `undefined`, is
   * the node's instance id, as docs/iam.md's user data starts it), or `null`: without `-L`, so
   * HAProxy takes the host name as its local peer name.
   */
  localPeer?: string | null;
  /** False: the node runs an apply script from before the local peer report (no such line). */
  reportsLocalPeer = true;
  running?: AppliedConfig;
  /** Reloads so far (each a new worker: long connections move to an old one, which hard-stop-after ends). */
  reloads = 0;
  /** Pushes applied at run time, without a reload. */
  runtimeApplies = 0;
  /** When set, every new configuration fails `haproxy -c` with this message (exit 4). */
  refusing?: string;
  /** The node's own connections (every frontend but the health endpoint). */
  connections = 0;
  /** Sessions cut because their server was removed while it still had some (backend/server -> count). */
  readonly cut = new Map<string, number>();
  private readonly sessions = new Map<string, number>();

  /**
   * @param instanceId the node's instance id: what the document passes as `--peer-name` (read
   *   from IMDS on a real node), and the default `-L`
   * @param hostName its host name (HAProxy's local peer name without `-L`)
   */
  constructor(
    readonly instanceId = 'i-0000000000000000a',
    readonly hostName = 'ip-10-0-0-1',
  ) {}

  /** The script's last stdout line after a successful push (lib/haproxy/apply-config.sh, report_local_peer). */
  private localPeerLine(): string {
    const running = this.localPeer === undefined ? this.instanceId : (this.localPeer ?? this.hostName);
    const source = this.localPeer === null ? 'hostname' : '-L';
    const shown = running.replace(/[^A-Za-z0-9._-]/g, '?').slice(0, 64) || '?';
    return running === this.instanceId
      ? `hfc-local-peer: ok running=${shown} source=${source}`
      : `hfc-local-peer: mismatch running=${shown} expected=${this.instanceId} source=${source}`;
  }

  /** A successful push's stdout: its line, then the local peer report. */
  private succeeded(line: string): SsmRunResult {
    return { status: 'Success', stdout: `${line}\n${this.reportsLocalPeer ? `${this.localPeerLine()}\n` : ''}` };
  }

  /** Sessions of an application server (instance id) in every backend that lists it here (none elsewhere). */
  setSessions(serverId: string, count: number): void {
    for (const key of this.serverKeys(serverId)) this.sessions.set(key, count);
  }

  sessionsOf(serverId: string): number {
    return this.serverKeys(serverId).reduce((n, k) => n + (this.sessions.get(k) ?? 0), 0);
  }

  /** The server names (instance ids) of every backend, with their weights. */
  servers(): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.current().values()) out.set(s.name, s.weight);
    return out;
  }

  private current(): Map<string, ServerLine> {
    return this.running ? parse(this.running.text).servers : new Map();
  }

  private serverKeys(serverId: string): string[] {
    return [...this.current().values()].filter((s) => s.name === serverId).map((s) => s.key);
  }

  /** What apply-config.sh does with one push (its parameters as SSM passes them). */
  apply(parameters: Record<string, string[]>): SsmRunResult {
    const [payload = '', digest = '', versionText = '0'] = [parameters.payload?.[0], parameters.digest?.[0], parameters.version?.[0]];
    let text: string;
    try {
      text = gunzipSync(Buffer.from(payload, 'base64')).toString('utf8');
    } catch {
      return { status: 'Failed', exitCode: 2, stderr: 'apply-config: payload corrupt: it is not base64 of gzip data' };
    }
    if (createHash('sha256').update(text).digest('hex') !== digest) return { status: 'Failed', exitCode: 2, stderr: 'apply-config: payload corrupt' };
    const version = Number(versionText);
    const cur = this.running;
    if (cur && cur.digest === digest) {
      if (version > cur.version) this.running = { ...cur, version };
      return this.succeeded(`already applied version ${version} digest ${digest}`);
    }
    if (cur && (version < cur.version || version === cur.version))
      return { status: 'Failed', exitCode: 3, stderr: `apply-config: refusing version ${version}: version ${cur.version} is applied` };
    if (this.refusing) return { status: 'Failed', exitCode: 4, stderr: `apply-config: ${this.refusing}; the old configuration keeps running` };

    const before = cur ? parse(cur.text) : undefined;
    const after = parse(text);
    const runtime =
      before !== undefined &&
      before.structure === after.structure &&
      [...after.servers.values()].every((s) => {
        const old = before.servers.get(s.key);
        // A server added to a backend HAProxy cannot grow at run time: `add server` fails and the
        // script falls back to a reload.
        if (!old) return !after.nonDynamic.has(s.key.slice(0, s.key.indexOf('/')));
        return old.options === s.options;
      });
    // Removed servers lose their sessions either way: at run time `del server` cuts them after
    // maint; a reload's new worker does not have them (the old worker's end at hard-stop-after).
    for (const key of before?.servers.keys() ?? []) {
      if (after.servers.has(key)) continue;
      const n = this.sessions.get(key) ?? 0;
      if (runtime && n > 0) this.cut.set(key, (this.cut.get(key) ?? 0) + n);
      this.sessions.delete(key);
    }
    this.running = { version, digest, text };
    if (runtime) {
      this.runtimeApplies++;
      return this.succeeded(`applied version ${version} digest ${digest} at run time (no reload)`);
    }
    this.reloads++;
    return this.succeeded(`applied version ${version} digest ${digest}`);
  }

  /** What measure.sh prints for the servers asked about (`none`, or instance ids). */
  measure(parameters: Record<string, string[]>): SsmRunResult {
    if (!this.running) return { status: 'Failed', exitCode: 6, stderr: 'measure: not ready: no HAProxy master CLI' };
    const asked = new Set((parameters.servers?.[0] ?? 'none').split(',').filter((s) => s !== 'none' && s !== ''));
    const lines = ['workers 1', `connections ${this.connections}`];
    const found = new Map<string, { sessions: number; weight: number }>();
    for (const s of this.current().values()) {
      if (!asked.has(s.name)) continue;
      const f = found.get(s.name) ?? { sessions: 0, weight: 0 };
      found.set(s.name, { sessions: f.sessions + (this.sessions.get(s.key) ?? 0), weight: Math.max(f.weight, s.weight) });
    }
    for (const [name, f] of found) lines.push(`server ${name} ${f.sessions} ${f.weight}`);
    lines.push('end');
    return { status: 'Success', stdout: `${lines.join('\n')}\n` };
  }
}
