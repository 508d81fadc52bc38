/**
 * Observe the application tier: the servers of each configured backend, from an Auto Scaling
 * group (launching and in-service instances: a launching server is completed only once every
 * load balancer has it; a terminating one is left out) or from EC2 tags (running instances).
 * An application group's lifecycle event is folded in like the load balancers' (nodes.ts).
 */
import type { FleetConfig } from '../config/schema';
import type { LifecycleMessage } from '../events/types';
import type { Member } from '../haproxy/render';
import { withHint } from '../plan/nodes';
import type { ObservedNode } from '../plan/types';
import type { Adapters } from './adapters';

const SERVES = new Set(['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService']);
const ALIVE = new Set(['pending', 'running']);

/** An instance of an application group, with the group (for completing its lifecycle action). */
export interface AppNode extends ObservedNode {
  groupName: string;
}

export interface ServersState {
  servers: Record<string, Member[]>;
  appNodes: AppNode[];
}

export async function observeServers(fleet: FleetConfig, aws: Pick<Adapters, 'autoScaling' | 'ec2'>, appHint?: LifecycleMessage): Promise<ServersState> {
  const servers: Record<string, Member[]> = {};
  const appNodes = new Map<string, AppNode>();
  await Promise.all(
    (fleet.haproxy?.backends ?? []).map(async (b) => {
      if ('tags' in b.servers) {
        const infos = await aws.ec2.describeTagged(b.servers.tags);
        servers[b.name] = [...infos.values()].filter((i) => ALIVE.has(i.state) && i.privateIp).map((i) => ({ instanceId: i.instanceId, ip: i.privateIp! }));
        return;
      }
      const groupName = b.servers.autoScalingGroup;
      const group = (await aws.autoScaling.describeGroup(groupName)) ?? [];
      const hint = appHint?.groupName === groupName ? appHint : undefined;
      const ids = new Set(group.map((i) => i.instanceId));
      if (hint) ids.add(hint.instanceId);
      const infos = await aws.ec2.describeInstances([...ids].sort());
      const hinted = hint ? infos.get(hint.instanceId) : undefined;
      const alive = hinted && ALIVE.has(hinted.state) ? { instanceId: hinted.instanceId, lifecycleState: 'Pending:Wait' } : undefined;
      const nodes = withHint(group, hint, alive);
      for (const n of nodes) appNodes.set(n.instanceId, { ...n, groupName });
      servers[b.name] = nodes
        .filter((n) => SERVES.has(n.lifecycleState))
        .map((n) => infos.get(n.instanceId))
        .filter((i): i is NonNullable<typeof i> => !!i && ALIVE.has(i.state) && !!i.privateIp)
        .map((i) => ({ instanceId: i.instanceId, ip: i.privateIp! }));
    }),
  );
  return { servers, appNodes: [...appNodes.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId)) };
}
