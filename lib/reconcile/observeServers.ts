/**
 * Observe the application tier: the servers of each configured backend, from an Auto Scaling
 * group (launching and in-service instances: a launching server is completed only once every
 * load balancer has it) or from EC2 tags (running instances).
 */
import type { FleetConfig } from '../config/schema';
import type { Member } from '../haproxy/render';
import type { Adapters } from './adapters';

const SERVES = new Set(['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService']);

export async function observeServers(fleet: FleetConfig, aws: Pick<Adapters, 'autoScaling' | 'ec2'>): Promise<Record<string, Member[]>> {
  const out: Record<string, Member[]> = {};
  await Promise.all(
    (fleet.haproxy?.backends ?? []).map(async (b) => {
      let infos;
      if ('autoScalingGroup' in b.servers) {
        const group = (await aws.autoScaling.describeGroup(b.servers.autoScalingGroup)) ?? [];
        infos = await aws.ec2.describeInstances(group.filter((i) => SERVES.has(i.lifecycleState)).map((i) => i.instanceId));
      } else {
        infos = await aws.ec2.describeTagged(b.servers.tags);
      }
      out[b.name] = [...infos.values()]
        .filter((i) => (i.state === 'running' || i.state === 'pending') && i.privateIp)
        .map((i) => ({ instanceId: i.instanceId, ip: i.privateIp! }));
    }),
  );
  return out;
}
