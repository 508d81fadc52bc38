/**
 * The failover path: what the alarm function runs. One parallel round trip to observe (alarms,
 * group, pool, instances), the pure address plan, every move at once, then bookkeeping. No DNS,
 * no configuration push, nothing that waits: the weighted records name each node's *home*
 * address, so they stay right while the address floats.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { FleetConfig } from '../config/schema';
import type { AddressAction } from '../plan/addressTypes';
import { planAddresses } from '../plan/addresses';
import type { Reason } from '../plan/reasons';
import type { Adapters } from './adapters';
import { applyAddressPlan } from './applyAddresses';
import { observeAddressState } from './observeAddresses';

export interface FailoverReport {
  fleet: string;
  /** The node the alarm is about, if it is one of the fleet's. */
  instanceId?: string;
  /** What the alarm says now (re-read), as opposed to what the event said. */
  alarmState?: string;
  actions: AddressAction[];
  stuck: { allocationId: string; reason: Reason }[];
  failed: string[];
  ignored?: string;
}

export async function failover(
  fleet: FleetConfig,
  aws: Pick<Adapters, 'addresses' | 'cloudWatch' | 'autoScaling' | 'ec2'>,
  logger: Logger,
  opts: { instanceId?: string; alarmName: string; dryRun?: boolean; now?: () => Date },
): Promise<FailoverReport> {
  const now = opts.now ?? (() => new Date());
  const state = await observeAddressState(fleet, aws);
  const alarm = state.alarms.find((a) => a.name === opts.alarmName);
  // The event's mapping, or the one observed (an hfc:instance-id tag read with the alarms).
  const instanceId = opts.instanceId ?? alarm?.instanceId;
  const node = state.nodes.find((n) => n.instanceId === instanceId);
  const base = { fleet: fleet.name, ...(instanceId ? { instanceId } : {}), ...(alarm ? { alarmState: alarm.state } : {}) };
  if (!node) {
    const ignored = instanceId
      ? `instance ${instanceId} is not a node of fleet ${fleet.name}`
      : 'the alarm names no instance (no InstanceId dimension, managed name or hfc:instance-id tag)';
    logger.info(`${ignored}; alarm ignored`);
    return { ...base, actions: [], stuck: [], failed: [], ignored };
  }
  const plan = planAddresses(state.nodes, state.pool, fleet.elasticIps!, now());
  logger.info(plan.actions.length ? 'planned address changes' : 'addresses already where they belong', {
    alarm: opts.alarmName,
    alarmState: alarm?.state ?? 'not found',
    nodeHealth: node.health,
    changes: plan.actions,
  });
  if (opts.dryRun) return { ...base, actions: plan.actions, stuck: plan.stuck, failed: [] };
  const applied = await applyAddressPlan(plan, aws.addresses, logger, now);
  return { ...base, actions: plan.actions, stuck: plan.stuck, failed: [...applied.failed.values()] };
}
