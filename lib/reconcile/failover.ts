/**
 * The failover path: what the alarm function runs, for an alarm state change or for an EC2
 * event that announces a node's end. One parallel round trip to observe (alarms, group, pool,
 * instances), the pure address plan, every move at once, then bookkeeping. No DNS, no
 * configuration push, nothing that waits: the weighted records name each node's *home* address,
 * so they stay right while the address floats.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { FleetConfig } from '../config/schema';
import type { AddressAction } from '../plan/addressTypes';
import { planAddresses } from '../plan/addresses';
import type { EndingMark } from '../plan/health';
import type { Reason } from '../plan/reasons';
import type { FailoverPorts } from './ports';
import { applyAddressPlan } from './applyAddresses';
import { observeAddressState } from './observeAddresses';

export interface FailoverReport {
  fleet: string;
  /** The node the alarm (or EC2 event) is about, if it is one of the fleet's. */
  instanceId?: string;
  /** The announced end this run acted on (an EC2 event), if any. */
  ending?: EndingMark;
  /** What the alarm says now (re-read), as opposed to what the event said. */
  alarmState?: string;
  actions: AddressAction[];
  stuck: { allocationId: string; reason: Reason }[];
  failed: string[];
  ignored?: string;
}

export async function failover(
  fleet: FleetConfig,
  aws: FailoverPorts,
  logger: Logger,
  opts: {
    instanceId?: string;
    /** The alarm whose state change started the run (absent for an EC2 event). */
    alarmName?: string;
    /**
     * EC2 announced the end of `instanceId` (lib/plan/health.ts `decideEnding`): that node counts
     * as failed now, without waiting to read its mark back, and the run plans the pool even when
     * Auto Scaling no longer lists the node (a terminated one: its address needs a home).
     */
    ending?: EndingMark;
    dryRun?: boolean;
    now?: () => Date;
  },
): Promise<FailoverReport> {
  const now = opts.now ?? (() => new Date());
  const announced = opts.ending && opts.instanceId ? { instanceId: opts.instanceId, mark: opts.ending } : undefined;
  const state = await observeAddressState(fleet, aws, announced);
  const alarm = opts.alarmName ? state.alarms.find((a) => a.name === opts.alarmName) : undefined;
  // The event's mapping, or the one observed (an hfc:instance-id tag read with the alarms).
  const instanceId = opts.instanceId ?? alarm?.instanceId;
  const node = state.nodes.find((n) => n.instanceId === instanceId);
  const base = {
    fleet: fleet.name,
    ...(instanceId ? { instanceId } : {}),
    ...(alarm ? { alarmState: alarm.state } : {}),
    ...(opts.ending ? { ending: opts.ending } : {}),
  };
  if (!node && !opts.ending) {
    const ignored = instanceId
      ? `instance ${instanceId} is not a node of fleet ${fleet.name}`
      : 'the alarm names no instance (no InstanceId dimension, managed name or hfc:instance-id tag)';
    logger.info(`${ignored}; alarm ignored`);
    return { ...base, actions: [], stuck: [], failed: [], ignored };
  }
  // This path reads no records, so it cannot tell a node registered on its own public IPv4
  // (which must never claim a pool address: lib/plan/addresses.ts, keepOwnAddress) from one that
  // could: it claims no home for anyone; the reconcile, which reads the records, does.
  const plan = planAddresses(state.nodes, state.pool, fleet.elasticIps!, now(), { claimHomes: false });
  logger.info(plan.actions.length ? 'planned address changes' : 'addresses already where they belong', {
    ...(opts.alarmName ? { alarm: opts.alarmName, alarmState: alarm?.state ?? 'not found' } : {}),
    ...(opts.ending ? { ending: opts.ending } : {}),
    nodeHealth: node?.health ?? 'not in the group',
    changes: plan.actions,
  });
  if (opts.dryRun) return { ...base, actions: plan.actions, stuck: plan.stuck, failed: [] };
  const applied = await applyAddressPlan(plan, aws.addresses, logger, now);
  return { ...base, actions: plan.actions, stuck: plan.stuck, failed: [...applied.failed.values()] };
}
