/**
 * Drains, decided from measurements: a leaving application server is drained on every load
 * balancer before it is removed, and a leaving load balancer is drained of its own connections
 * before it is released. Pure: the measurements come in as data (lib/haproxy/measure.sh on each
 * load balancer, through SSM: lib/reconcile/measureLoads.ts), and the tag that starts a server's
 * drain clock is written by the executor.
 *
 *   leaving application server        rendered as     its terminating action
 *   --------------------------------  --------------  --------------------------------------------
 *   drain-since not noted yet         weight 0        waits (drain-starts: the time is noted)
 *   noted at T, now < T + timeout,    weight 0        waits (server-draining), until T + timeout
 *     sessions or weight > 0 on a
 *     carrier, or a carrier silent
 *   every carrier measured: weight 0  left out        completed once every carrier runs the file
 *     (or absent) and 0 sessions                      without it (server-drained)
 *   now >= T + timeout                left out        the same (drain-timeout: what is still open
 *                                                      is cut by `del server`'s shutdown)
 *   drain timeout 0, no address, or   left out        the same (no-drain)
 *     leaving for a warm pool
 *   in service again with a note      (serves)        -: the note is cleared (staleDrainNotes)
 *
 *   leaving load balancer, deregistration delay over (completions.ts)      released?
 *   ----------------------------------------------------------------------  -----------------------
 *   connections <= drain.loadBalancers.maxConnections (measured)            yes (lb-drained)
 *   now >= record deleted + delay + drain.loadBalancers.timeoutSeconds      yes (lb-drain-timeout)
 *   otherwise (more connections, or no answer)                              waits (lb-draining)
 *   (no drain in elastic-ip mode: its addresses, and their connections, move to a peer at once)
 *
 * Carriers: the load balancers that may carry traffic (in DNS or leaving) and have ever been
 * configured; a launching one never configured carries nothing.
 */
import type { FleetConfig } from '../config/schema';
import { IN_DNS, LAUNCHING, LEAVING } from './lifecycle';
import { belongsInDns } from './nodes';
import { type Reason, reason } from './reasons';
import type { AppNode, LoadMeasurements, ObservedFleet, ObservedNode } from './types';

export type ServerDrainState = 'start' | 'draining' | 'drained';

export interface ServerDrain {
  instanceId: string;
  state: ServerDrainState;
  reason: Reason;
  /** When the drain times out (start and draining). */
  until?: string;
}

/** The load balancers whose configuration may route to a server: they are measured. */
export function carriers(nodes: readonly ObservedNode[]): string[] {
  return nodes
    .filter((n) => (belongsInDns(n) || n.lifecycleState === LEAVING) && n.privateIp && !(LAUNCHING.has(n.lifecycleState) && !n.configDigest))
    .map((n) => n.instanceId)
    .sort();
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Every leaving application server (Terminating:Wait) with a decision about its drain. */
export function planServerDrains(
  fleet: FleetConfig,
  appNodes: readonly AppNode[],
  /** Leaving servers a backend lists (they have an address): only those can be drained. */
  listed: ReadonlySet<string>,
  loadBalancers: readonly string[],
  loads: LoadMeasurements | undefined,
  now: Date,
): ServerDrain[] {
  const timeoutMs = (fleet.haproxy?.drain.servers.timeoutSeconds ?? 0) * 1000;
  const out: ServerDrain[] = [];
  for (const n of appNodes) {
    if (n.lifecycleState !== LEAVING) continue;
    const id = n.instanceId;
    // Leaving for a warm pool: no later run sees it (Auto Scaling's describe leaves such instances
    // out), so none could finish a drain; it is removed now, as before drains existed.
    if (timeoutMs === 0 || !listed.has(id) || n.toWarmPool) {
      const why =
        timeoutMs === 0
          ? 'haproxy.drain.servers.timeoutSeconds is 0'
          : n.toWarmPool
            ? 'it leaves for the warm pool, where no later run sees it'
            : 'no backend lists it (no private IP seen)';
      out.push({ instanceId: id, state: 'drained', reason: reason('no-drain', `removed without a drain: ${why}`) });
      continue;
    }
    const since = n.drainingSince ? Date.parse(n.drainingSince) : Number.NaN;
    if (Number.isNaN(since)) {
      const until = iso(now.getTime() + timeoutMs);
      out.push({
        instanceId: id,
        state: 'start',
        until,
        reason: reason('drain-starts', `put in drain (weight 0) on every load balancer, until ${until} at the latest`),
      });
      continue;
    }
    const until = iso(since + timeoutMs);
    if (now.getTime() >= since + timeoutMs) {
      out.push({
        instanceId: id,
        state: 'drained',
        reason: reason('drain-timeout', `drain timeout passed (in drain since ${n.drainingSince}): removed, open sessions are cut`),
      });
      continue;
    }
    const pending: string[] = [];
    for (const lb of loadBalancers) {
      const load = loads?.loads[lb];
      if (!load) {
        pending.push(`${lb} not measured (${loads?.unmeasured[lb] ?? 'no measurement this run'})`);
        continue;
      }
      const s = load.servers[id];
      if (!s) continue;
      if (s.weights.some((w) => w !== 0)) pending.push(`${lb} does not run its drain yet`);
      else if (s.sessions > 0) pending.push(`${s.sessions} session(s) on ${lb}`);
    }
    if (pending.length === 0) {
      out.push({
        instanceId: id,
        state: 'drained',
        reason: reason('server-drained', `no session left on any load balancer that may carry traffic (measured ${loads?.at ?? '-'})`),
      });
    } else {
      out.push({
        instanceId: id,
        state: 'draining',
        until,
        reason: reason('server-draining', `in drain since ${n.drainingSince}, until ${until} at the latest: ${pending.join('; ')}`),
      });
    }
  }
  return out.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
}

/**
 * Application servers back in service with an old drain note (a server that went to the warm
 * pool and came back): the note is cleared, or its next drain would start timed out.
 */
export function staleDrainNotes(appNodes: readonly AppNode[]): string[] {
  return appNodes.filter((n) => n.drainingSince && IN_DNS.has(n.lifecycleState)).map((n) => n.instanceId);
}

export type LbDrain = { instanceId: string; release: true; reason: Reason } | { instanceId: string; release: false; reason: Reason; until: string };

/** When a leaving load balancer's drain ends at the latest (its deregistration delay is over). */
export function lbDrainDeadline(fleet: FleetConfig, node: ObservedNode): number | undefined {
  const since = node.deregisteredAt ? Date.parse(node.deregisteredAt) : Number.NaN;
  if (Number.isNaN(since) || !fleet.haproxy) return undefined;
  return since + (fleet.dns.deregistrationDelaySeconds + fleet.haproxy.drain.loadBalancers.timeoutSeconds) * 1000;
}

/** A leaving load balancer whose deregistration delay is over: released now, or drained first. */
export function planLbDrain(fleet: FleetConfig, node: ObservedNode, loads: LoadMeasurements | undefined, now: Date): LbDrain {
  const id = node.instanceId;
  const deadline = lbDrainDeadline(fleet, node);
  const max = fleet.haproxy?.drain.loadBalancers.maxConnections ?? 0;
  const load = loads?.loads[id];
  if (deadline === undefined) return { instanceId: id, release: true, reason: reason('lb-drained', 'no drain applies (no deregistration time noted)') };
  if (load && load.connections <= max)
    return {
      instanceId: id,
      release: true,
      reason: reason('lb-drained', `${load.connections} connection(s) left, at most ${max} allowed (measured ${loads!.at})`),
    };
  if (now.getTime() >= deadline)
    return {
      instanceId: id,
      release: true,
      reason: reason(
        'lb-drain-timeout',
        `drain timeout passed at ${iso(deadline)}${load ? ` with ${load.connections} connection(s) left` : ' (not measured)'}`,
      ),
    };
  const what = load ? `${load.connections} connection(s), at most ${max} allowed` : `not measured (${loads?.unmeasured[id] ?? 'no measurement this run'})`;
  return {
    instanceId: id,
    release: false,
    until: iso(deadline),
    reason: reason('lb-draining', `deregistration delay over; draining: ${what}; released at ${iso(deadline)} at the latest`),
  };
}

/** What to measure this run: the carriers, for the servers in drain, and leaving load balancers past their delay. */
export interface MeasureRequest {
  loadBalancers: string[];
  servers: string[];
}

/**
 * Whether a leaving load balancer is drained after its delay: with haproxy (the measure document
 * is deployed with it), a drain timeout, and not in elastic-ip mode, where its addresses move to a
 * peer the moment it leaves and take its connections with them (nothing is left to drain).
 */
export function drainsLoadBalancers(fleet: FleetConfig): boolean {
  return !!fleet.haproxy && fleet.haproxy.drain.loadBalancers.timeoutSeconds > 0 && fleet.dns.address !== 'elastic-ip';
}

export function measureRequest(fleet: FleetConfig, observed: ObservedFleet, now: Date): MeasureRequest | undefined {
  if (!fleet.haproxy) return undefined;
  const timeoutMs = fleet.haproxy.drain.servers.timeoutSeconds * 1000;
  const servers =
    timeoutMs === 0
      ? []
      : (observed.servers?.appNodes ?? [])
          .filter((n) => n.lifecycleState === LEAVING && n.drainingSince && now.getTime() < Date.parse(n.drainingSince) + timeoutMs)
          .map((n) => n.instanceId);
  const hasRecord = new Set(observed.records.map((r) => r.instanceId));
  const delayMs = fleet.dns.deregistrationDelaySeconds * 1000;
  const leaving = (drainsLoadBalancers(fleet) ? observed.nodes : [])
    .filter((n) => {
      if (n.lifecycleState !== LEAVING || n.toWarmPool || hasRecord.has(n.instanceId) || delayMs === 0) return false;
      const deadline = lbDrainDeadline(fleet, n);
      return deadline !== undefined && now.getTime() >= Date.parse(n.deregisteredAt!) + delayMs && now.getTime() < deadline;
    })
    .map((n) => n.instanceId);
  const loadBalancers = [...new Set([...(servers.length ? carriers(observed.nodes) : []), ...leaving])].sort();
  return loadBalancers.length ? { loadBalancers, servers: servers.sort() } : undefined;
}
