/**
 * The DNS planner: from the observed fleet to the ordered list of Route 53 changes that makes
 * every node that belongs in DNS have exactly one weighted record referencing exactly one
 * matching health check of ours, and every other node have neither. Pure: no AWS calls.
 *
 * Order (a record must never reference a missing check):
 *   1. create (and tag) health checks
 *   2. record changes: CREATE for new nodes, UPSERT for changed ones, DELETE for leaving ones
 *   3. delete health checks no record uses any more
 * Within a phase actions are sorted by instance id, so the same state gives the same plan.
 */
import type { FleetConfig } from '../config/schema';
import { desiredHealthCheck, specDiff, specMatches } from './healthCheckSpec';
import { callerReference, healthCheckTags, setIdentifier } from './naming';
import { belongsInDns } from './nodes';
import type { Action, DesiredRecord, HealthCheckRef, ObservedFleet, ObservedHealthCheck, ObservedRecord, Plan } from './types';

const PHASE: Record<Action['kind'], number> = {
  createHealthCheck: 0, tagHealthCheck: 0, createRecord: 1, updateRecord: 1, deleteRecord: 1, deleteHealthCheck: 2,
};

const byInstance = <T extends { instanceId: string }>(items: T[], id: string) => items.filter((i) => i.instanceId === id);

function tagsMatch(want: Record<string, string>, have: Record<string, string>): boolean {
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/** What differs between a record and what it should be; empty when nothing does. */
function recordDiff(want: DesiredRecord, have: ObservedRecord): string[] {
  const diffs: string[] = [];
  const wantValues = [...want.values].sort().join(',');
  const haveValues = [...have.values].sort().join(',');
  if (wantValues !== haveValues) diffs.push(`address ${haveValues} -> ${wantValues}`);
  if (want.weight !== have.weight) diffs.push(`weight ${have.weight} -> ${want.weight}`);
  if (want.ttl !== have.ttl) diffs.push(`ttl ${have.ttl} -> ${want.ttl}`);
  const wantHc = 'id' in want.healthCheck ? want.healthCheck.id : 'a new check';
  if (have.healthCheckId !== wantHc) diffs.push(`health check ${have.healthCheckId ?? 'none'} -> ${wantHc}`);
  return diffs;
}

/** Plans the DNS changes for one fleet. */
export function planDns(fleet: FleetConfig, observed: ObservedFleet): Plan {
  const actions: Action[] = [];
  const registered: string[] = [];
  const waiting: Plan['waiting'] = [];
  const keptChecks = new Set<string>();
  const ownedNodes = new Set<string>();

  for (const node of [...observed.nodes].sort((a, b) => a.instanceId.localeCompare(b.instanceId))) {
    if (!belongsInDns(node)) continue;
    if (!node.address) {
      waiting.push({ instanceId: node.instanceId, reason: 'no public IPv4 address yet' });
      continue;
    }
    ownedNodes.add(node.instanceId);
    registered.push(node.instanceId);
    const id = node.instanceId;
    const spec = desiredHealthCheck(fleet, node.address);
    const record = observed.records.find((r) => r.instanceId === id);
    const checks = byInstance(observed.healthChecks, id);
    const matching = checks.filter((c) => specMatches(spec, c.spec));
    // Prefer the check the record already uses, so a converged node is never touched.
    const keep: ObservedHealthCheck | undefined = matching.find((c) => c.id === record?.healthCheckId) ?? matching.sort((a, b) => a.id.localeCompare(b.id))[0];

    let ref: HealthCheckRef;
    const tags = healthCheckTags(fleet, id);
    if (keep) {
      ref = { id: keep.id };
      keptChecks.add(keep.id);
      if (!tagsMatch(tags, keep.tags)) actions.push({ kind: 'tagHealthCheck', instanceId: id, healthCheckId: keep.id, tags, reason: 'ownership tags missing' });
    } else {
      const reference = callerReference(fleet, id, spec);
      ref = { callerReference: reference };
      const stale = checks[0];
      const reason = stale ? `settings changed: ${specDiff(spec, stale.spec)}` : record ? 'record has no health check of ours' : 'new node';
      actions.push({ kind: 'createHealthCheck', instanceId: id, callerReference: reference, spec, tags, reason });
    }

    const want: DesiredRecord = {
      name: fleet.dns.recordName,
      type: fleet.dns.recordType,
      setIdentifier: setIdentifier(fleet, id),
      weight: fleet.dns.weight,
      ttl: fleet.dns.ttl,
      values: [node.address],
      healthCheck: ref,
    };
    if (!record) {
      actions.push({ kind: 'createRecord', instanceId: id, record: want, reason: `node ${node.lifecycleState}` });
    } else {
      const diffs = recordDiff(want, record);
      if (diffs.length) actions.push({ kind: 'updateRecord', instanceId: id, record: want, reason: diffs.join(', ') });
    }
  }

  const stateOf = (id: string) => observed.nodes.find((n) => n.instanceId === id)?.lifecycleState ?? 'gone';
  for (const record of observed.records) {
    if (ownedNodes.has(record.instanceId)) continue;
    const { instanceId, ...state } = record;
    actions.push({ kind: 'deleteRecord', instanceId, record: state, reason: `node ${stateOf(instanceId)}` });
  }
  for (const check of observed.healthChecks) {
    if (keptChecks.has(check.id)) continue;
    const reason = ownedNodes.has(check.instanceId) ? 'replaced or duplicate' : `node ${stateOf(check.instanceId)}`;
    actions.push({ kind: 'deleteHealthCheck', instanceId: check.instanceId, healthCheckId: check.id, reason });
  }

  actions.sort((a, b) => PHASE[a.kind] - PHASE[b.kind] || a.instanceId.localeCompare(b.instanceId));
  return { fleet: fleet.name, actions, registered, waiting };
}
