/**
 * Observe what the address planner needs: the pool, the nodes' interfaces and their alarms.
 * The failover path reads all four sources in one parallel round trip; the reconcile path
 * already has the group and its instances and adds the pool and the alarms.
 */
import type { FleetConfig } from '../config/schema';
import type { GroupInstance } from '../aws/autoscaling';
import type { InstanceInfo } from '../aws/ec2';
import { ReconcileError } from '../errors';
import type { AddressNode, PoolAddress } from '../plan/addressTypes';
import type { AddressState } from '../plan/types';
import { alarmInstance, healthOf, type NodeAlarm } from '../plan/health';
import type { FleetReader } from './ports';

export type { AddressState };

type Lifecycle = Pick<GroupInstance, 'instanceId' | 'lifecycleState' | 'availabilityZone'>;

/** Joins lifecycle states, interfaces and alarm states into the planner's nodes. */
export function addressNodes(
  fleet: FleetConfig,
  group: readonly Lifecycle[],
  instances: ReadonlyMap<string, InstanceInfo>,
  alarms: readonly NodeAlarm[],
): AddressNode[] {
  const prefix = fleet.alarms?.namePrefix ?? '';
  return group.map((g) => {
    const info = instances.get(g.instanceId);
    return {
      instanceId: g.instanceId,
      lifecycleState: g.lifecycleState,
      ...(g.availabilityZone ? { availabilityZone: g.availabilityZone } : {}),
      ...healthOf(g.instanceId, alarms, prefix),
      ...(info?.eni && (info.state === 'running' || info.state === 'pending') ? { eni: info.eni } : {}),
    };
  });
}

/** The pool and the alarms, for a run that has already read the group and its instances. */
export async function observePoolAndAlarms(
  fleet: FleetConfig,
  aws: Pick<FleetReader, 'addresses' | 'cloudWatch'>,
): Promise<{ pool: PoolAddress[]; alarms: NodeAlarm[] }> {
  const [pool, found] = await Promise.all([
    fleet.elasticIps ? aws.addresses.describePool(fleet.elasticIps.pool) : Promise.resolve([]),
    fleet.alarms ? aws.cloudWatch.describeAlarms(fleet.alarms.namePrefix) : Promise.resolve([]),
  ]);
  // An alarm without an InstanceId dimension or a managed name says which node it is about in a
  // tag: read those (usually none) so every run sees the same health the alarm function acts on.
  const prefix = fleet.alarms?.namePrefix ?? '';
  const alarms = await Promise.all(
    found.map(async (a) => {
      if (alarmInstance(a, prefix) || !a.arn) return a;
      const instanceId = await aws.cloudWatch.instanceTag(a.arn);
      return instanceId ? { ...a, instanceId } : a;
    }),
  );
  return { pool, alarms };
}

/** Everything in one round trip: alarms, group, pool, the group's instances (the failover path). */
export async function observeAddressState(
  fleet: FleetConfig,
  aws: Pick<FleetReader, 'addresses' | 'cloudWatch' | 'autoScaling' | 'ec2'>,
): Promise<AddressState> {
  const [{ pool, alarms }, group, instances] = await Promise.all([
    observePoolAndAlarms(fleet, aws),
    aws.autoScaling.describeGroup(fleet.autoScalingGroupName),
    aws.ec2.describeGroupInstances(fleet.autoScalingGroupName),
  ]);
  if (!group)
    throw new ReconcileError(`Auto Scaling group "${fleet.autoScalingGroupName}" of fleet ${fleet.name} does not exist; nothing was changed`, fleet.name);
  return { nodes: addressNodes(fleet, group, instances, alarms), pool, alarms };
}
