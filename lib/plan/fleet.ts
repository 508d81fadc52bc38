/**
 * One pure plan for one fleet and one pass: DNS, Elastic IPs, managed alarms, the HAProxy
 * configuration, and which lifecycle actions to complete once that work is done. Every decision
 * is here; the executor (lib/reconcile/reconcileFleet.ts) only applies the plan in its order and
 * reports what succeeded, and `unmet` (below) says, from those results, which planned completion
 * must still wait and why. No AWS imports: everything comes in as observed data.
 *
 * Lifecycle gates, for a node waiting on one of our hooks:
 *
 *   node                                  completed once (requirements)          else waits because
 *   ------------------------------------  -------------------------------------  --------------------------
 *   launching load balancer, with an      its DNS work succeeded; its address     no-address (nothing to
 *     address                             work succeeded; it runs the rendered    register), or the unmet
 *                                         configuration (haproxy)                 requirement
 *   leaving load balancer                 delay over (completions.ts), then its   draining until T; still
 *                                         connections drained or its drain        carrying connections
 *                                         timeout passed (drain.ts, with          (lb-draining); holding
 *                                         haproxy); its DNS and address work      Elastic IPs a peer can take
 *                                         succeeded
 *   launching application server          listed in the configuration; every      not-in-config; gate closed
 *                                         load balancer that may carry traffic
 *                                         runs it (the gate)
 *   leaving application server            drained on every load balancer (0       in drain (drain-starts,
 *                                         sessions, measured) or its drain        server-draining) until T;
 *                                         timeout passed (drain.ts); then the     gate closed
 *                                         gate, with it left out
 *   warm-pool move                        (the lifecycle handler, after its       -
 *                                         checks: lib/reconcile/warmPoolMove.ts)
 */
import type { FleetConfig } from '../config/schema';
import type { Transition } from '../events/types';
import { launchesWithoutHome, planAddresses } from './addresses';
import type { AddressPlan } from './addressTypes';
import { type AlarmAction, planAlarms } from './alarms';
import { planCompletions } from './completions';
import { type ConfigPlanOutcome, planConfig } from './config';
import { planDns } from './dns';
import { carriers, drainsLoadBalancers, planLbDrain, planServerDrains, type ServerDrain, staleDrainNotes } from './drain';
import { type PlannedHeartbeat, planHeartbeats } from './heartbeats';
import { LAUNCH_WAIT, LEAVING } from './lifecycle';
import { type Reason, reason } from './reasons';
import type { ObservedFleet, Plan } from './types';

/** What must have succeeded before a completion is sent. */
export type Requirement =
  | { kind: 'dns'; instanceId: string }
  | { kind: 'addresses'; instanceId: string }
  | { kind: 'configApplied'; instanceId: string }
  | { kind: 'configOnAll' };

export interface PlannedCompletion {
  instanceId: string;
  /** The group whose hook it is (the load balancers', or an application group). */
  groupName: string;
  tier: 'load-balancers' | 'application';
  transition: Transition;
  hookName: string;
  reason: Reason;
  requires: Requirement[];
}

export interface WaitingNode {
  instanceId: string;
  tier: 'load-balancers' | 'application';
  transition?: Transition;
  reason: Reason;
  /** When it can go on (a deregistration delay). */
  until?: string;
  /** Since when it has been waiting on us, where known: its launch, or the start of its deregistration or drain (the report fills it in). */
  since?: string;
}

export interface FleetPlan {
  fleet: string;
  dns: Plan;
  addresses?: AddressPlan;
  alarms: AlarmAction[];
  /** Absent when the configuration is not pushed (no haproxy section, or no document deployed). */
  config?: ConfigPlanOutcome;
  completions: PlannedCompletion[];
  waiting: WaitingNode[];
  /** Launches still waiting for their health check whose hook timer is running out (heartbeats.ts). */
  heartbeats: PlannedHeartbeat[];
  /** Leaving application servers and their drains (drain.ts): those that start one get `hfc:drain-since`. */
  drains: ServerDrain[];
  /** Application servers in service again whose old `hfc:drain-since` is cleared (drain.ts). */
  staleDrainNotes: string[];
}

export interface PlanOptions {
  now: Date;
  /** The topic managed alarms notify; without it no alarm is managed. */
  alarmTopicArn?: string;
  /** Whether the configuration is pushed (a fleet with haproxy, and the document deployed). */
  pushConfig: boolean;
  /** How long before a queued launch's hook times out it gets a heartbeat (lib/config/schedule.ts). */
  heartbeatHeadroomSeconds?: number;
}

/**
 * Planning the configuration never stops the rest of the plan: whatever goes wrong there holds
 * back the push and the launches that wait for it, never the load balancers' DNS work.
 */
function safePlanConfig(fleet: FleetConfig, observed: ObservedFleet, drains: readonly ServerDrain[]): ConfigPlanOutcome {
  try {
    return planConfig(fleet, observed.nodes, observed.servers!, drains);
  } catch (err) {
    return {
      ok: false,
      reason: reason('config-plan-failed', `the HAProxy configuration could not be planned (${(err as Error).message}): nothing is pushed, launches wait`),
    };
  }
}

/**
 * Nodes whose record names an address that is not one of the pool's: they were registered on
 * their own public IPv4 when the pool had no free address, and keep it (addresses.ts).
 */
function servingOnOwnAddress(observed: ObservedFleet, pool: readonly { publicIp: string }[]): ReadonlySet<string> {
  const poolIps = new Set(pool.map((a) => a.publicIp));
  // (Only A records name an Elastic IP: a dual-stack node's AAAA record names its IPv6.)
  return new Set(observed.records.filter((r) => r.type === 'A' && r.values.some((v) => !poolIps.has(v))).map((r) => r.instanceId));
}

/** In elastic-ip mode a node registers its home address (wherever that address floats now). */
function withHomeAddresses(observed: ObservedFleet, homeOf: ReadonlyMap<string, string>): ObservedFleet {
  return { ...observed, nodes: observed.nodes.map((n) => (homeOf.has(n.instanceId) ? { ...n, address: homeOf.get(n.instanceId)! } : n)) };
}

export function planFleet(fleet: FleetConfig, observed: ObservedFleet, opts: PlanOptions): FleetPlan {
  // Addresses first: a node's home Elastic IP is what DNS registers for it.
  const keepOwnAddress = fleet.dns.address === 'elastic-ip' && observed.addressState ? servingOnOwnAddress(observed, observed.addressState.pool) : undefined;
  const addresses =
    fleet.elasticIps && observed.addressState
      ? planAddresses(observed.addressState.nodes, observed.addressState.pool, fleet.elasticIps, opts.now, keepOwnAddress ? { keepOwnAddress } : {})
      : undefined;
  const homeless = new Map(
    fleet.dns.address === 'elastic-ip' && addresses && observed.addressState
      ? launchesWithoutHome(observed.addressState.nodes, observed.addressState.pool, addresses).map((h) => [h.instanceId, h.reason])
      : [],
  );
  // A private fleet's checks watch the alarms: a node's alarm stays while its record or check does.
  const watched = new Set([...observed.records, ...observed.healthChecks].map((x) => x.instanceId));
  const alarms =
    observed.addressState && opts.alarmTopicArn ? planAlarms(fleet, observed.nodes, observed.addressState.alarms, opts.alarmTopicArn, watched) : [];
  const forDns = fleet.dns.address === 'elastic-ip' && addresses ? withHomeAddresses(observed, addresses.homeOf) : observed;
  // The alarms' region is the alarm topic's (arn:<partition>:sns:<region>:<account>:<name>).
  const alarmRegion = opts.alarmTopicArn?.split(':')[3];
  const dns = planDns(fleet, forDns, { now: opts.now, ...(alarmRegion ? { alarmRegion } : {}) });
  // Leaving application servers are drained before the configuration drops them (drain.ts).
  const drains =
    opts.pushConfig && observed.servers && !observed.serversError
      ? planServerDrains(
          fleet,
          observed.servers.appNodes,
          new Set(Object.values(observed.servers.leaving ?? {}).flatMap((l) => l.map((m) => m.instanceId))),
          carriers(observed.nodes),
          observed.loads,
          opts.now,
        )
      : [];
  const config: ConfigPlanOutcome | undefined = !opts.pushConfig
    ? undefined
    : observed.serversError
      ? {
          ok: false,
          reason: reason('app-tier-unreadable', `the application tier could not be read (${observed.serversError.message}): nothing is pushed, launches wait`),
        }
      : observed.servers
        ? safePlanConfig(fleet, observed, drains)
        : undefined;

  const completions: PlannedCompletion[] = [];
  const waiting: WaitingNode[] = [];
  const lb = { groupName: fleet.autoScalingGroupName, tier: 'load-balancers' as const };

  for (const w of dns.waiting) {
    const node = observed.nodes.find((n) => n.instanceId === w.instanceId);
    waiting.push({
      instanceId: w.instanceId,
      tier: 'load-balancers',
      ...(node?.lifecycleState === LAUNCH_WAIT ? { transition: 'launching' as const } : {}),
      reason: w.reason,
    });
  }
  const delays = planCompletions(fleet, forDns, dns, { now: opts.now });
  for (const d of delays.draining) {
    waiting.push({
      instanceId: d.instanceId,
      tier: 'load-balancers',
      transition: 'terminating',
      reason: reason('draining', `deregistered; released after the deregistration delay, at ${d.until}`),
      until: d.until,
    });
  }
  // A leaving load balancer past its delay is drained of its own connections first, when its
  // HAProxy can be asked (the configuration is pushed, so the measure document is there too).
  const lbDrains = opts.pushConfig && drainsLoadBalancers(fleet);
  for (const c of delays.complete) {
    let why = c.reason;
    if (lbDrains && c.reason.code === 'delay-over') {
      const node = forDns.nodes.find((n) => n.instanceId === c.instanceId)!;
      const d = planLbDrain(fleet, node, observed.loads, opts.now);
      if (!d.release) {
        waiting.push({ instanceId: c.instanceId, tier: 'load-balancers', transition: 'terminating', reason: d.reason, until: d.until });
        continue;
      }
      why = d.reason;
    }
    const requires: Requirement[] = [{ kind: 'dns', instanceId: c.instanceId }];
    if (addresses) requires.push({ kind: 'addresses', instanceId: c.instanceId });
    if (c.transition === 'launching' && opts.pushConfig) requires.push({ kind: 'configApplied', instanceId: c.instanceId });
    if (c.transition === 'terminating' && addresses) {
      // A leaving node still holding a pool address keeps it serving until a peer has taken it
      // (the next run places it); only with no healthy peer at all is it let go.
      const holding = [...addresses.holders].filter(([, h]) => h === c.instanceId).map(([id]) => id);
      if (holding.length && addresses.anyReceiver) {
        waiting.push({
          instanceId: c.instanceId,
          tier: 'load-balancers',
          transition: 'terminating',
          reason: reason('holding-elastic-ips', `still holds ${holding.join(', ')}; released once a peer has them`),
        });
        continue;
      }
    }
    completions.push({
      ...lb,
      instanceId: c.instanceId,
      transition: c.transition,
      hookName: c.hookName,
      // A launch with no pool address free goes on on its own public IPv4: say so.
      reason: (c.transition === 'launching' && homeless.get(c.instanceId)) || why,
      requires,
    });
  }

  // Application servers: launching ones once every load balancer that may carry traffic runs a
  // configuration with them, leaving ones once none runs one with them any more.
  if (config && observed.servers) {
    const rendered = new Set(config.ok ? config.plan.rendered : []);
    for (const n of observed.servers.appNodes) {
      const transition = n.lifecycleState === LAUNCH_WAIT ? 'launching' : n.lifecycleState === LEAVING ? 'terminating' : undefined;
      if (!transition) continue;
      const drain = transition === 'terminating' ? drains.find((d) => d.instanceId === n.instanceId) : undefined;
      if (drain && drain.state !== 'drained') {
        waiting.push({ instanceId: n.instanceId, tier: 'application', transition, reason: drain.reason, ...(drain.until ? { until: drain.until } : {}) });
        continue;
      }
      if (transition === 'launching' && config.ok && !rendered.has(n.instanceId)) {
        waiting.push({
          instanceId: n.instanceId,
          tier: 'application',
          transition,
          reason: reason('not-in-config', 'no private IP seen yet, so the configuration does not list it'),
        });
        continue;
      }
      completions.push({
        instanceId: n.instanceId,
        groupName: n.groupName,
        tier: 'application',
        transition,
        hookName: fleet.appLifecycleHooks[transition].name,
        reason:
          transition === 'launching'
            ? reason('in-config', 'every load balancer that may carry traffic runs a configuration with it')
            : (drain?.reason ?? reason('out-of-config', 'every load balancer that may carry traffic runs a configuration without it')),
        requires: [{ kind: 'configOnAll' }],
      });
    }
  }
  const heartbeats = planHeartbeats(fleet, forDns, dns, opts.now, opts.heartbeatHeadroomSeconds);
  return {
    fleet: fleet.name,
    dns,
    ...(addresses ? { addresses } : {}),
    alarms,
    ...(config ? { config } : {}),
    drains,
    completions,
    waiting,
    heartbeats,
    staleDrainNotes: observed.servers && opts.pushConfig ? staleDrainNotes(observed.servers.appNodes) : [],
  };
}

/** What the executor reports of a pass, for `unmet`. */
export interface PassResults {
  /** Nodes whose DNS work failed, with why. */
  dnsFailed: ReadonlyMap<string, string>;
  /** Nodes left for the next run (out of time, throttled). */
  dnsDeferred: ReadonlySet<string>;
  /** Nodes whose address work failed. */
  addressesFailed: ReadonlySet<string>;
  /** The push: which load balancers run the rendered configuration now, and which were found offline or not ready. */
  config?: { current: readonly string[]; offline: readonly string[]; failed: readonly string[] };
}

/** Why a planned completion must still wait, from what the pass did (empty: complete it). */
export function unmet(c: PlannedCompletion, plan: FleetPlan, results: PassResults): Reason[] {
  const out: Reason[] = [];
  const configFailed = plan.config && !plan.config.ok ? plan.config.reason : undefined;
  for (const r of c.requires) {
    switch (r.kind) {
      case 'dns':
        if (results.dnsFailed.has(r.instanceId)) out.push(reason('dns-failed', `its DNS work failed: ${results.dnsFailed.get(r.instanceId)}`));
        else if (results.dnsDeferred.has(r.instanceId))
          out.push(reason('dns-deferred', 'left for the next run (out of time, or Route 53 throttling health check creation)'));
        break;
      case 'addresses':
        if (results.addressesFailed.has(r.instanceId)) out.push(reason('addresses-failed', 'its Elastic IP work failed (see the errors above)'));
        break;
      case 'configApplied':
        if (configFailed) out.push(configFailed);
        else if (!results.config?.current.includes(r.instanceId)) {
          const why = results.config?.offline.includes(r.instanceId)
            ? 'its SSM agent is not online or the node not ready yet'
            : results.config?.failed.includes(r.instanceId)
              ? 'it refused or failed the configuration'
              : 'the push is still running';
          out.push(reason('config-not-applied', `has not applied the HAProxy configuration yet: ${why}`));
        }
        break;
      case 'configOnAll': {
        if (configFailed) {
          out.push(configFailed);
          break;
        }
        if (!plan.config?.ok) break;
        const current = new Set(results.config?.current ?? plan.config.plan.current);
        const offline = new Set(results.config?.offline ?? []);
        const excusable = new Set(plan.config.plan.excusable);
        const behind = plan.config.plan.mustBeCurrent.filter((id) => !current.has(id) && !(offline.has(id) && excusable.has(id)));
        if (behind.length) out.push(reason('gate-closed', `load balancers that may carry traffic do not run the new configuration yet: ${behind.join(', ')}`));
        break;
      }
    }
  }
  return out;
}

/** The plan as JSON (Maps as objects): for the log, the report and the CLI. */
export function planJson(plan: FleetPlan): unknown {
  return JSON.parse(
    JSON.stringify(plan, (k, v) => (v instanceof Map ? Object.fromEntries(v) : k === 'payload' && typeof v === 'string' ? `(${v.length} bytes)` : v)),
  );
}
