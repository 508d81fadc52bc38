/**
 * The HAProxy configuration renderer: pure and deterministic. The same fleet state gives
 * byte-identical text (members sorted, server names = instance ids), so an unchanged fleet never
 * causes a push. Everything written comes from the validated `haproxy` config section or from
 * AWS values checked here (instance ids, IPv4 addresses): nothing can break out of its place.
 *
 * The text is the same for every node of the fleet: the `peers` section names every node by
 * instance id, and each node tells HAProxy which one it is with `-L <instance id>` (the apply
 * script does), so one digest describes what the whole fleet should run.
 */
import { createHash } from 'node:crypto';
import type { HaproxyBackend, HaproxyConfig } from '../config/haproxySchema';

/** A member of the rendered configuration: a load-balancer peer or a backend server. */
export interface Member {
  instanceId: string;
  ip: string;
}

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

const INSTANCE = /^i-[0-9a-f]{8,17}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function checked(members: readonly Member[], what: string): Member[] {
  for (const m of members) {
    if (!INSTANCE.test(m.instanceId)) throw new RangeError(`${what}: "${m.instanceId}" is not an instance id`);
    if (!IPV4.test(m.ip)) throw new RangeError(`${what}: "${m.ip}" of ${m.instanceId} is not an IPv4 address`);
  }
  // Sorted and de-duplicated: the order AWS lists things in must not change the text.
  return [...new Map(members.map((m) => [m.instanceId, m])).values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}

function serverLine(b: HaproxyBackend, m: Member): string {
  const check = b.check.enabled ? ` check inter ${b.check.interval} fall ${b.check.fall} rise ${b.check.rise}` : '';
  return `    server ${m.instanceId} ${m.ip}:${b.port}${check}`;
}

function backendSection(h: HaproxyConfig, b: HaproxyBackend, servers: readonly Member[]): string[] {
  return [
    `backend ${b.name}`,
    `    mode ${b.mode}`,
    `    balance ${b.balance}`,
    ...(b.check.enabled && b.check.httpPath ? [`    option httpchk GET ${b.check.httpPath}`] : []),
    ...(b.stickOnSource ? [`    stick-table type ip size 1m expire 30m peers ${h.peers.section}`, '    stick on src'] : []),
    ...servers.map((m) => serverLine(b, m)),
    '',
  ];
}

/** Renders the whole configuration file. */
export function renderConfig(h: HaproxyConfig, state: RenderState): string {
  const peers = checked(state.peers, 'peers');
  const lines: string[] = [
    '# Rendered by haproxy-fleet-control. Do not edit: the next push replaces this file.',
    'global',
    `    maxconn ${h.maxconn}`,
    `    hard-stop-after ${h.hardStopAfter}`,
    '',
    'defaults',
    '    mode http',
    `    timeout connect ${h.timeouts.connect}`,
    `    timeout client ${h.timeouts.client}`,
    `    timeout server ${h.timeouts.server}`,
    '',
    `peers ${h.peers.section}`,
    ...peers.map((p) => `    peer ${p.instanceId} ${p.ip}:${h.peers.port}`),
    '',
  ];
  if (state.health?.protocol === 'HTTP') {
    lines.push('frontend health', `    bind :${state.health.port}`, '    mode http', `    monitor-uri ${state.health.path ?? '/'}`, '');
  } else if (state.health?.protocol === 'TCP') {
    lines.push('frontend health', `    bind :${state.health.port}`, '    mode tcp', '    tcp-request connection reject if FALSE', '');
  }
  for (const f of [...h.httpFrontends].sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push(`frontend ${f.name}`, `    bind :${f.port}`, '    mode http');
    f.routes.forEach((r, i) => {
      const conds: string[] = [];
      if (r.host) {
        // `*.example.com` matches any subdomain: a suffix match on `.example.com`.
        const match = r.host.startsWith('*.') ? `-m end -i ${r.host.slice(1)}` : `-i ${r.host}`;
        lines.push(`    acl route${i}_host hdr(host),field(1,:) ${match}`);
        conds.push(`route${i}_host`);
      }
      if (r.pathPrefix) {
        lines.push(`    acl route${i}_path path_beg ${r.pathPrefix}`);
        conds.push(`route${i}_path`);
      }
      lines.push(`    use_backend ${r.backend} if ${conds.join(' ')}`);
    });
    if (f.defaultBackend) lines.push(`    default_backend ${f.defaultBackend}`);
    lines.push('');
  }
  for (const l of [...h.listeners].sort((a, b) => a.port - b.port)) {
    lines.push(`frontend tcp_${l.port}`, `    bind :${l.port}`, '    mode tcp', `    default_backend ${l.backend}`, '');
  }
  for (const b of [...h.backends].sort((x, y) => x.name.localeCompare(y.name))) {
    lines.push(...backendSection(h, b, checked(state.servers[b.name] ?? [], `backend ${b.name}`)));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The digest a node records once it has applied a configuration. */
export function configDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
