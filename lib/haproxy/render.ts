/**
 * The HAProxy configuration renderer: pure and deterministic. The same fleet state gives
 * byte-identical text (members sorted, server names = instance ids), so an unchanged fleet never
 * causes a push. Everything written comes from the validated `haproxy` config section or from
 * AWS values checked here (instance ids, IPv4 and IPv6 addresses): nothing can break out of its place.
 *
 * The text is the same for every node of the fleet: the `peers` section names every node by
 * instance id, and each node tells HAProxy which one it is with `-L <instance id>` (the apply
 * script does), so one digest describes what the whole fleet should run.
 *
 * The `peers` section is written only when a backend shares a stick table (`stickOnSource`): it
 * serves nothing else, and HAProxy cannot change it without a reload, which ends long-lived
 * connections at `hard-stop-after`. Without it the file does not name the load balancers at all,
 * so a load balancer joining or leaving changes nothing on the others.
 */
import { createHash } from 'node:crypto';
import type { HaproxyBackend, HaproxyConfig } from '../config/haproxySchema';
import { isIPv6 } from 'node:net';
import { canonicalIp } from '../plan/ip';
import { assertInt, assertToken, isToken, TokenError } from '../tokens';

/** A member of the rendered configuration: a load-balancer peer or a backend server. */
export interface Member {
  instanceId: string;
  ip: string;
  /** Rendered as `weight N` when set: 0 drains the server (no new connection, open ones go on). */
  weight?: number;
}

/**
 * Where HAProxy keeps server state across reloads and restarts: in the apply script's state
 * directory (its default), which is the only `server-state-file` the script writes (it filters
 * the state to what the new file says before every reload: lib/haproxy/apply-config.sh).
 */
export const SERVER_STATE_FILE = '/var/lib/haproxy-fleet-control/server-state';

export interface RenderState {
  /** The fleet's load-balancer nodes (peers). */
  peers: Member[];
  /** The servers of each backend, by backend name. */
  servers: Record<string, Member[]>;
  /**
   * The endpoint Route 53's health checks (and operators) probe: the rendered file replaces the
   * whole configuration, so it must serve it too. HTTP: `monitor-uri` on that port and path;
   * TCP: a listener that accepts. HTTPS is left to the `haproxy` section (it needs a certificate).
   */
  health?: { protocol: 'HTTP' | 'HTTPS' | 'TCP'; port: number; path?: string };
}

/**
 * Every value is asserted with its token kind (lib/tokens.ts) as it is written, whether it came
 * from the validated configuration or from AWS: the schema's check is not trusted to be the
 * only one, and an AWS-compatible endpoint may answer anything. A value that fails is never
 * written; the render throws a TokenError naming it.
 */
const name = (v: string, where: string) => assertToken('haproxyName', v, where);
const time = (v: string, where: string) => assertToken('haproxyTime', v, where);
const port = (v: number, where: string) => assertInt(v, 1, 65535, where);

/** An IPv4 or IPv6 address, checked: the only addresses that reach the file. @throws TokenError */
function address(ip: string, where: string): string {
  if (isToken('ipv4', ip)) return ip;
  // In the form HAProxy reports it (`show servers state`), which the node script compares with.
  if (isToken('ipv6', ip) && isIPv6(ip)) return canonicalIp(ip);
  throw new TokenError(where, 'an IPv4 or IPv6 address', ip);
}

/** `address:port`, an IPv6 address in brackets (HAProxy reads the last colon as the port's). */
const hostPort = (ip: string, p: number) => (ip.includes(':') ? `[${ip}]:${p}` : `${ip}:${p}`);

function checked(members: readonly Member[], what: string): Member[] {
  const out = members.map((m) => {
    assertToken('instanceId', m.instanceId, `${what}: member name`);
    return { ...m, ip: address(m.ip, `${what}: address of ${m.instanceId}`) };
  });
  // Sorted and de-duplicated: the order AWS lists things in must not change the text.
  return [...new Map(out.map((m) => [m.instanceId, m])).values()].sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
}

const BALANCE = new Set(['roundrobin', 'leastconn', 'source', 'first', 'static-rr']);
const MODES = new Set(['http', 'tcp']);
const oneOf = (set: ReadonlySet<string>, v: string, where: string) => {
  if (!set.has(v)) throw new TokenError(where, `one of ${[...set].join(', ')}`, v);
  return v;
};

function serverLine(b: HaproxyBackend, m: Member): string {
  const where = `backend ${b.name}`;
  const check = b.check.enabled
    ? ` check inter ${time(b.check.interval, `${where}: check.interval`)} fall ${assertInt(b.check.fall, 1, 100, `${where}: check.fall`)} rise ${assertInt(b.check.rise, 1, 100, `${where}: check.rise`)}`
    : '';
  const weight = m.weight === undefined ? '' : ` weight ${assertInt(m.weight, 0, 256, `${where}: weight of ${m.instanceId}`)}`;
  return `    server ${m.instanceId} ${hostPort(m.ip, port(b.port, `${where}: port`))}${check}${weight}`;
}

function backendSection(h: HaproxyConfig, b: HaproxyBackend, servers: readonly Member[]): string[] {
  const where = `backend ${b.name}`;
  return [
    `backend ${name(b.name, 'backend name')}`,
    `    mode ${oneOf(MODES, b.mode, `${where}: mode`)}`,
    `    balance ${oneOf(BALANCE, b.balance, `${where}: balance`)}`,
    ...(b.check.enabled && b.check.httpPath ? [`    option httpchk GET ${assertToken('requestPath', b.check.httpPath, `${where}: check.httpPath`)}`] : []),
    ...(b.stickOnSource ? [`    stick-table type ip size 1m expire 30m peers ${name(h.peers.section, 'peers.section')}`, '    stick on src'] : []),
    ...servers.map((m) => serverLine(b, m)),
    '',
  ];
}

/** Renders the whole configuration file. @throws TokenError when a value is not a valid token of its place */
export function renderConfig(h: HaproxyConfig, state: RenderState): string {
  const peers = checked(state.peers, 'peers');
  const peerPort = port(h.peers.port, 'peers.port');
  const sharesTables = h.backends.some((b) => b.stickOnSource);
  const lines: string[] = [
    '# Rendered by haproxy-fleet-control. Do not edit: the next push replaces this file.',
    'global',
    `    maxconn ${assertInt(h.maxconn, 1, 10_000_000, 'maxconn')}`,
    `    hard-stop-after ${time(h.hardStopAfter, 'hardStopAfter')}`,
    `    server-state-file ${SERVER_STATE_FILE}`,
    '',
    'defaults',
    '    mode http',
    '    load-server-state-from-file global',
    `    timeout connect ${time(h.timeouts.connect, 'timeouts.connect')}`,
    `    timeout client ${time(h.timeouts.client, 'timeouts.client')}`,
    `    timeout server ${time(h.timeouts.server, 'timeouts.server')}`,
    '',
    ...(sharesTables
      ? [`peers ${name(h.peers.section, 'peers.section')}`, ...peers.map((p) => `    peer ${p.instanceId} ${hostPort(p.ip, peerPort)}`), '']
      : []),
  ];
  if (state.health?.protocol === 'HTTP') {
    const path = assertToken('requestPath', state.health.path ?? '/', 'healthCheck.path');
    lines.push('frontend health', `    bind :${port(state.health.port, 'healthCheck.port')}`, '    mode http', `    monitor-uri ${path}`, '');
  } else if (state.health?.protocol === 'TCP') {
    lines.push('frontend health', `    bind :${port(state.health.port, 'healthCheck.port')}`, '    mode tcp', '    tcp-request connection reject if FALSE', '');
  }
  for (const f of [...h.httpFrontends].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const where = `frontend ${f.name}`;
    lines.push(`frontend ${name(f.name, 'frontend name')}`, `    bind :${port(f.port, `${where}: port`)}`, '    mode http');
    f.routes.forEach((r, i) => {
      const conds: string[] = [];
      if (r.host) {
        const host = assertToken('routeHost', r.host, `${where}: routes[${i}].host`);
        // `*.example.com` matches any subdomain: a suffix match on `.example.com`.
        const match = host.startsWith('*.') ? `-m end -i ${host.slice(1)}` : `-i ${host}`;
        lines.push(`    acl route${i}_host hdr(host),field(1,:) ${match}`);
        conds.push(`route${i}_host`);
      }
      if (r.pathPrefix) {
        lines.push(`    acl route${i}_path path_beg ${assertToken('urlPath', r.pathPrefix, `${where}: routes[${i}].pathPrefix`)}`);
        conds.push(`route${i}_path`);
      }
      if (conds.length === 0) throw new TokenError(`${where}: routes[${i}]`, 'a host, a pathPrefix or both', r);
      lines.push(`    use_backend ${name(r.backend, `${where}: routes[${i}].backend`)} if ${conds.join(' ')}`);
    });
    if (f.defaultBackend) lines.push(`    default_backend ${name(f.defaultBackend, `${where}: defaultBackend`)}`);
    lines.push('');
  }
  for (const l of [...h.listeners].sort((a, b) => a.port - b.port)) {
    const p = port(l.port, 'listener port');
    lines.push(`frontend tcp_${p}`, `    bind :${p}`, '    mode tcp', `    default_backend ${name(l.backend, `listener ${p}: backend`)}`, '');
  }
  for (const b of [...h.backends].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
    lines.push(...backendSection(h, b, checked(state.servers[b.name] ?? [], `backend ${b.name}`)));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The digest a node records once it has applied a configuration. */
export function configDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
