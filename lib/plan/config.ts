/**
 * The HAProxy configuration plan: what every load balancer should run, rendered from the
 * observed fleet, and which nodes are behind it. Pure: the push itself (which agents are online,
 * Run Command, the results) is lib/reconcile/applyConfig.ts.
 *
 *   load balancer                          pushed to   must be current before an app server
 *                                                      is put in service or let go
 *   -------------------------------------  ----------  ----------------------------------------
 *   in DNS (launching or in service)       yes         yes (an offline agent blocks: it may
 *                                                      still route to the old server list)
 *   draining (Terminating:Wait)            yes         yes (it serves until released)
 *   launching, never configured            yes         no, once the push finds its agent offline
 *                                                      or the node not ready (it serves nothing)
 *
 * One text for the whole fleet (peers by instance id; each node knows its own name from `-L`),
 * byte-identical for the same state, so an unchanged fleet is never pushed to.
 */
import type { FleetConfig } from '../config/schema';
import { type Member, renderConfig } from '../haproxy/render';
import { encodePayload, MAX_PAYLOAD_BYTES } from '../haproxy/payload';
import { LAUNCHING, LEAVING } from './lifecycle';
import { belongsInDns } from './nodes';
import { TokenError } from '../tokens';
import { type Reason, reason } from './reasons';
import type { ServerDrain } from './drain';
import type { ObservedNode, ServersState } from './types';

export interface ConfigPlan {
  digest: string;
  /** base64(gzip(text)): what Run Command carries. */
  payload: string;
  /** Bytes of the payload. */
  bytes: number;
  /** Servers per backend, for the log. */
  servers: Record<string, number>;
  /** Load balancers that run it already (their hfc:config-digest tag). */
  current: string[];
  /** Load balancers to push it to. */
  behind: string[];
  /** Every load balancer that may carry traffic: all must run it before an app server changes. */
  mustBeCurrent: string[];
  /** Launching load balancers never configured: excused from that if their agent is offline or not ready. */
  excusable: string[];
  /** The application servers the configuration lists (instance ids), those in drain included. */
  rendered: string[];
}

/** Why a load balancer is pushed the configuration: it runs another (its hfc:config-digest). */
export function behindReason(applied: string | undefined, digest: string): Reason {
  return reason(
    'config-behind',
    `it runs ${applied ? `configuration ${applied.slice(0, 12)}` : 'no configuration of ours'}, not ${digest.slice(0, 12)} rendered now (hfc:config-digest)`,
  );
}

export type ConfigPlanOutcome = { ok: true; plan: ConfigPlan } | { ok: false; reason: Reason };

const byId = (a: { instanceId: string }, b: { instanceId: string }) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0);

/**
 * The servers each backend lists: those that serve, and the leaving ones still in drain (weight
 * 0: HAProxy sends them no new connection, and their open ones go on).
 */
export function renderedServers(tier: ServersState, drains: readonly ServerDrain[]): Record<string, Member[]> {
  const inDrain = new Set(drains.filter((d) => d.state !== 'drained').map((d) => d.instanceId));
  const out: Record<string, Member[]> = { ...tier.servers };
  for (const [backend, list] of Object.entries(tier.leaving ?? {})) {
    const draining = list.filter((m) => inDrain.has(m.instanceId)).map((m) => ({ ...m, weight: 0 }));
    if (draining.length) out[backend] = [...(out[backend] ?? []), ...draining];
  }
  return out;
}

export function planConfig(fleet: FleetConfig, nodes: readonly ObservedNode[], tier: ServersState, drains: readonly ServerDrain[] = []): ConfigPlanOutcome {
  // Peers: the nodes in DNS. Pushed to: those and the draining ones (they still serve).
  const serving = nodes.filter((n) => (belongsInDns(n) || n.lifecycleState === LEAVING) && n.privateIp).sort(byId);
  const peers: Member[] = serving.filter(belongsInDns).map((n) => ({ instanceId: n.instanceId, ip: n.privateIp! }));
  const hc = fleet.healthCheck;
  const servers = renderedServers(tier, drains);
  let text: string;
  try {
    text = renderConfig(fleet.haproxy!, {
      peers,
      servers,
      health: { protocol: hc.protocol, port: hc.port, ...(hc.protocol !== 'TCP' ? { path: hc.path } : {}) },
    });
  } catch (err) {
    // A value that is not a valid token of its place (a hostile answer from AWS): never written.
    if (!(err instanceof TokenError)) throw err;
    return {
      ok: false,
      reason: reason('config-refused', `the HAProxy configuration was not rendered: ${err.message}; nothing is pushed, launches wait`),
    };
  }
  const { payload, digest, bytes } = encodePayload(text);
  if (bytes > MAX_PAYLOAD_BYTES) {
    return {
      ok: false,
      reason: reason(
        'config-too-large',
        `the rendered HAProxy configuration is ${bytes} bytes compressed; one SSM command carries at most ${MAX_PAYLOAD_BYTES}: nothing is pushed, launches wait`,
      ),
    };
  }
  const current = serving.filter((n) => n.configDigest === digest).map((n) => n.instanceId);
  return {
    ok: true,
    plan: {
      digest,
      payload,
      bytes,
      servers: Object.fromEntries(Object.entries(servers).map(([k, v]) => [k, v.length])),
      current,
      behind: serving.filter((n) => n.configDigest !== digest).map((n) => n.instanceId),
      mustBeCurrent: serving.map((n) => n.instanceId),
      excusable: serving.filter((n) => LAUNCHING.has(n.lifecycleState) && !n.configDigest).map((n) => n.instanceId),
      rendered: [...new Set(Object.values(servers).flatMap((list) => list.map((m) => m.instanceId)))].sort(),
    },
  };
}
