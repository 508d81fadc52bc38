/**
 * Which fleet an event is about: the one module that maps Auto Scaling groups and alarm names to
 * fleets. The configuration schema guarantees each group belongs to one fleet, as its
 * load-balancer group or as an application group, never both.
 */
import { appGroupsOf, type Config, type FleetConfig } from './schema';

/** The fleet a lifecycle event of this group is about, and whether the group is its load balancers or an application tier. */
export type GroupOwner = { fleet: FleetConfig; tier: 'load-balancers' | 'application' };

export function fleetOfGroup(config: Config, groupName: string): GroupOwner | undefined {
  const lb = config.fleets.find((f) => f.autoScalingGroupName === groupName);
  if (lb) return { fleet: lb, tier: 'load-balancers' };
  const app = config.fleets.find((f) => appGroupsOf(f).includes(groupName));
  return app ? { fleet: app, tier: 'application' } : undefined;
}

/**
 * The fleet with Elastic IPs whose alarm name prefix an alarm's name starts with: the longest
 * prefix wins, so `hfc-x-edge-` never captures `hfc-x-edge-2-...`.
 */
export function fleetOfAlarm(config: Config, alarmName: string): FleetConfig | undefined {
  return config.fleets
    .filter((f) => f.elasticIps && f.alarms && alarmName.startsWith(f.alarms.namePrefix))
    .sort((a, b) => b.alarms!.namePrefix.length - a.alarms!.namePrefix.length)[0];
}
