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
import { alarmInstance, type EndingMark, type NodeAlarm, nodeHealth } from '../plan/health';
import type { FleetReader } from './ports';

export type { AddressState };

type Lifecycle = Pick<GroupInstance, 'instanceId' | 'lifecycleState' | 'availabilityZone'>;

/**
 * Joins lifecycle states, interfaces, alarm states and announced ends into the planner's nodes.
 * A node whose end EC2 announced (its `hfc:ending` tag, or `announced`: the mark the alarm
 * function is writing in this very run) is failed until it is started again (lib/plan/health.ts).
 */
export function addressNodes(
  fleet: FleetConfig,
  group: readonly Lifecycle[],
  instances: ReadonlyMap<string, InstanceInfo>,
  alarms: readonly NodeAlarm[],
  announced?: { instanceId: string; mark: EndingMark },
): AddressNode[] {
  const prefix = fleet.alarms?.namePrefix ?? '';
  return group.map((g) => {
    const info = instances.get(g.instanceId);
    return {
      instanceId: g.instanceId,
      lifecycleState: g.lifecycleState,
      ...(g.availabilityZone ? { availabilityZone: g.availabilityZone } : {}),
      ...nodeHealth(g.instanceId, alarms, prefix, info, announced?.instanceId === g.instanceId ? announced.mark : undefined),
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

/**
 * Everything in one round trip: alarms, group, pool, the group's instances (the failover path).
 * `announced`: a node EC2 announced the end of, counted as failed whether or not its mark is
 * readable yet.
 */
export async function observeAddressState(
  fleet: FleetConfig,
  aws: Pick<FleetReader, 'addresses' | 'cloudWatch'> & {
    autoScaling: Pick<FleetReader['autoScaling'], 'describeGroup'>;
    ec2: Pick<FleetReader['ec2'], 'describeGroupInstances'>;
  },
  announced?: { instanceId: string; mark: EndingMark },
): Promise<AddressState> {
  const [{ pool, alarms }, group, instances] = await Promise.all([
    observePoolAndAlarms(fleet, aws),
    aws.autoScaling.describeGroup(fleet.autoScalingGroupName),
    aws.ec2.describeGroupInstances(fleet.autoScalingGroupName),
  ]);
  if (!group)
    throw new ReconcileError(`Auto Scaling group "${fleet.autoScalingGroupName}" of fleet ${fleet.name} does not exist; nothing was changed`, fleet.name);
  return { nodes: addressNodes(fleet, group, instances, alarms, announced), pool, alarms };
}
