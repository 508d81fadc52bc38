/**
 * Observe the application tier: the servers of each configured backend, from an Auto Scaling
 * group (launching and in-service instances: a launching server is completed only once every
 * load balancer has it; leaving ones apart, with their drain clocks, for lib/plan/drain.ts) or
 * from EC2 tags (running instances).
 * An application group's lifecycle event is folded in like the load balancers' (nodes.ts), once
 * it agrees with the group's describe or Auto Scaling has confirmed it (hints.ts).
 */
import type { FleetConfig } from '../config/schema';
import type { LifecycleHint, LifecycleMessage } from '../events/types';
import type { Member } from '../haproxy/render';
import { IN_DNS, LAUNCH_WAIT, LEAVING } from '../plan/lifecycle';
import { DRAIN_SINCE_TAG } from '../plan/tags';
import { withHint } from '../plan/nodes';
import type { AppNode, ServersState } from '../plan/types';
import type { FleetReader } from './ports';
import { checkedHint, EC2_ALIVE, type HintChecks } from './hints';

export type { AppNode, ServersState };

const LEAVING_ONLY: ReadonlySet<string> = new Set([LEAVING]);

export async function observeServers(
  fleet: FleetConfig,
  aws: Pick<FleetReader, 'autoScaling' | 'ec2'>,
  appHint: LifecycleMessage | undefined,
  checks: Omit<HintChecks, 'autoScaling'>,
): Promise<ServersState> {
  const servers: Record<string, Member[]> = {};
  const leaving: Record<string, Member[]> = {};
  const appNodes = new Map<string, AppNode>();
  let folded: LifecycleHint | undefined;
  // One describe per group, even when several backends share it: the hint is checked once.
  const groups = new Map<string, Promise<{ nodes: AppNode[]; infos: Awaited<ReturnType<FleetReader['ec2']['describeInstances']>> }>>();
  const observeGroup = (groupName: string) => {
    let p = groups.get(groupName);
    if (!p) {
      p = (async () => {
        const group = await aws.autoScaling.describeGroup(groupName);
        // A typo or a deleted group must not empty its backends on every load balancer: the
        // application tier is unreadable, nothing is pushed, and the run says why.
        if (!group) throw new Error(`application Auto Scaling group "${groupName}" does not exist`);
        const hint = appHint?.groupName === groupName ? appHint : undefined;
        const ids = new Set(group.map((i) => i.instanceId));
        if (hint) ids.add(hint.instanceId);
        const infos = await aws.ec2.describeInstances([...ids].sort());
        const { hint: trusted, alive: isAlive } = await checkedHint(hint, (t) => fleet.appLifecycleHooks[t].name, group, infos, {
          ...checks,
          autoScaling: aws.autoScaling,
        });
        if (trusted) folded = trusted;
        const alive = trusted && isAlive ? { instanceId: trusted.instanceId, lifecycleState: LAUNCH_WAIT } : undefined;
        const drainingSince = (id: string) => {
          const t = infos.get(id)?.tags[DRAIN_SINCE_TAG];
          return t ? { drainingSince: t } : {};
        };
        return { nodes: withHint(group, trusted, alive).map((n) => ({ ...n, groupName, ...drainingSince(n.instanceId) })), infos };
      })();
      groups.set(groupName, p);
    }
    return p;
  };
  await Promise.all(
    (fleet.haproxy?.backends ?? []).map(async (b) => {
      if ('tags' in b.servers) {
        const infos = await aws.ec2.describeTagged(b.servers.tags);
        servers[b.name] = [...infos.values()].filter((i) => EC2_ALIVE.has(i.state) && i.privateIp).map((i) => ({ instanceId: i.instanceId, ip: i.privateIp! }));
        return;
      }
      const { nodes, infos } = await observeGroup(b.servers.autoScalingGroup);
      for (const n of nodes) appNodes.set(n.instanceId, n);
      const members = (states: ReadonlySet<string>) =>
        nodes
          .filter((n) => states.has(n.lifecycleState))
          .map((n) => infos.get(n.instanceId))
          .filter((i): i is NonNullable<typeof i> => !!i && EC2_ALIVE.has(i.state) && !!i.privateIp)
          .map((i) => ({ instanceId: i.instanceId, ip: i.privateIp! }));
      servers[b.name] = members(IN_DNS);
      // Leaving servers are drained before they go: whether they are still listed is the plan's call.
      const out = members(LEAVING_ONLY);
      if (out.length) leaving[b.name] = out;
    }),
  );
  return {
    servers,
    ...(Object.keys(leaving).length ? { leaving } : {}),
    appNodes: [...appNodes.values()].sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0)),
    ...(folded ? { hint: folded } : {}),
  };
}
