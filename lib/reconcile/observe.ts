/**
 * Observe: read the fleet's real state from AWS. On a converged fleet this is the whole cost of
 * a reconcile: DescribeAutoScalingGroups, DescribeInstances, ListResourceRecordSets,
 * ListHealthChecks and one ListTagsForResources per ten of our checks.
 */
import type { FleetConfig } from '../config/schema';
import { ReconcileError } from '../errors';
import type { LifecycleMessage } from '../events/types';
import { toSpec } from '../aws/route53';
import { instanceOfCallerReference, instanceOfSetIdentifier } from '../plan/naming';
import { withHint } from '../plan/nodes';
import type { ObservedFleet, ObservedHealthCheck, ObservedNode, ObservedRecord } from '../plan/types';
import type { Adapters } from './adapters';

const ALIVE = new Set(['pending', 'running']);

export async function observeFleet(fleet: FleetConfig, aws: Adapters, hint?: LifecycleMessage): Promise<ObservedFleet> {
  const [groupInstances, records, checks] = await Promise.all([
    aws.autoScaling.describeGroup(fleet.autoScalingGroupName),
    aws.route53.listRecords(fleet.dns.hostedZoneId, fleet.dns.recordName, fleet.dns.recordType),
    aws.route53.listHealthChecks(),
  ]);
  if (!groupInstances) {
    // A typo in the group name must not deregister the whole fleet: refuse, change nothing.
    throw new ReconcileError(`Auto Scaling group "${fleet.autoScalingGroupName}" of fleet ${fleet.name} does not exist; nothing was changed`, fleet.name);
  }

  const ids = new Set(groupInstances.map((i) => i.instanceId));
  if (hint) ids.add(hint.instanceId);
  const instances = await aws.ec2.describeInstances([...ids].sort());
  const addressOf = (id: string) => {
    const info = instances.get(id);
    return info && ALIVE.has(info.state) ? info.publicIp : undefined;
  };

  const nodes: ObservedNode[] = groupInstances.map((i) => {
    const address = addressOf(i.instanceId);
    return { ...i, ...(address ? { address } : {}) };
  });
  const hinted = hint ? instances.get(hint.instanceId) : undefined;
  const hintedAddress = hint ? addressOf(hint.instanceId) : undefined;
  const alive: ObservedNode | undefined =
    hinted && ALIVE.has(hinted.state)
      ? {
          instanceId: hinted.instanceId,
          lifecycleState: 'Pending:Wait',
          ...(hinted.availabilityZone ? { availabilityZone: hinted.availabilityZone } : {}),
          ...(hintedAddress ? { address: hintedAddress } : {}),
        }
      : undefined;

  const ours: ObservedHealthCheck[] = [];
  for (const c of checks) {
    const instanceId = instanceOfCallerReference(fleet, c.CallerReference);
    if (!instanceId || !c.Id || !c.HealthCheckConfig) continue;
    ours.push({ id: c.Id, callerReference: c.CallerReference ?? '', instanceId, spec: toSpec(c.HealthCheckConfig), tags: {} });
  }
  const tags = await aws.route53.healthCheckTags(ours.map((c) => c.id));
  for (const c of ours) c.tags = tags.get(c.id) ?? {};

  const ourRecords: ObservedRecord[] = [];
  for (const r of records) {
    const instanceId = instanceOfSetIdentifier(fleet, r.setIdentifier);
    if (instanceId) ourRecords.push({ ...r, instanceId });
  }

  return { nodes: withHint(nodes, hint, alive), records: ourRecords, healthChecks: ours };
}
