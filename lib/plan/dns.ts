/**
 * The DNS planner: from the observed fleet to the ordered list of Route 53 changes that makes
 * every node that belongs in DNS have exactly one weighted record referencing exactly one
 * matching health check of ours, and every other node have neither. Pure: no AWS calls.
 *
 * Order (a record must never reference a missing check; the deregistration time is noted before
 * the record goes, so a missing note can never skip the delay):
 *   1. note on leaving instances when their records go (hfc:deregistered-at); clear stale notes
 *   2. create (and tag) health checks
 *   3. one atomic batch: DELETE leaving nodes' records, CREATE new ones, REPLACE changed ones
 *      (DELETE old + CREATE new, so a stale plan fails instead of writing a record back)
 *   4. delete checks no record uses any more (leaving nodes', replaced, duplicates)
 * Within a phase actions are sorted by instance id, so the same state gives the same plan.
 */
import type { FleetConfig } from '../config/schema';
import { ROUTE53_LIMITS } from './limits';
import { desiredHealthCheck, specDiff, specMatches } from './healthCheckSpec';
import { callerReference, healthCheckTags, setIdentifier } from './naming';
import { LEAVING } from './lifecycle';
import { belongsInDns } from './nodes';
import { reason } from './reasons';
import type { Action, DesiredRecord, HealthCheckRef, ObservedFleet, ObservedHealthCheck, ObservedRecord, Plan } from './types';

/** Sort key: phase, then step within the phase (see the order above). */
const ORDER: Record<Action['kind'], number> = {
  markDeregistered: 10,
  unmarkDeregistered: 10,
  createHealthCheck: 20,
  tagHealthCheck: 20,
  deleteRecord: 30,
  createRecord: 30,
  updateRecord: 30,
  deleteHealthCheck: 40,
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
/**
 * @param opts.alarmRegion with dns.address private-ipv4: the region of the managed alarms each
 *   node's CLOUDWATCH_METRIC check watches (the alarm topic's)
 */
export function planDns(fleet: FleetConfig, observed: ObservedFleet, opts: { now?: Date; alarmRegion?: string } = {}): Plan {
  const now = opts.now ?? new Date(0);
  // The health check a node should have (a private fleet's watches its managed alarm).
  const metric = fleet.dns.address === 'private-ipv4';
  const wantCheck = (id: string, address: string) =>
    desiredHealthCheck(fleet, address, metric && opts.alarmRegion ? { region: opts.alarmRegion, name: `${fleet.alarms!.namePrefix}${id}` } : undefined);
  const actions: Action[] = [];
  const registered: string[] = [];
  const waiting: Plan['waiting'] = [];
  const notes: Plan['notes'] = [];
  const keptChecks = new Set<string>();
  const ownedNodes = new Set<string>();

  // Route 53's quotas: a node that would need a record or a check past them waits, with the
  // reason (a CREATE past 100 weighted records would fail the whole batch). Records and checks
  // that are going away still count: they are deleted after the new ones are made.
  let recordSlots = ROUTE53_LIMITS.weightedRecordsPerName - (observed.otherRecords ?? 0) - observed.records.length;
  let checkSlots = fleet.limits.healthCheckQuota - (observed.otherHealthChecks ?? 0) - observed.healthChecks.length;

  for (const node of [...observed.nodes].sort((a, b) => a.instanceId.localeCompare(b.instanceId))) {
    if (!belongsInDns(node)) continue;
    const hasRecord = observed.records.some((r) => r.instanceId === node.instanceId);
    // A check is created for a node with none that matches its settings: a new node, or a
    // replacement (made before the old one is deleted, so it counts against the quota too).
    const hasCheck =
      !!node.address &&
      (!metric || !!opts.alarmRegion) &&
      byInstance(observed.healthChecks, node.instanceId).some((c) => specMatches(wantCheck(node.instanceId, node.address!), c.spec));
    if (node.address && !hasRecord && recordSlots <= 0) {
      waiting.push({
        instanceId: node.instanceId,
        reason: reason(
          'record-limit',
          `${fleet.dns.recordName} already has ${ROUTE53_LIMITS.weightedRecordsPerName} weighted ${fleet.dns.recordType} records, Route 53's limit per name; split the group into fleets with their own record names (docs/scaling.md)`,
        ),
      });
      ownedNodes.add(node.instanceId);
      for (const c of byInstance(observed.healthChecks, node.instanceId)) keptChecks.add(c.id);
      continue;
    }
    if (node.address && !hasCheck && checkSlots <= 0) {
      waiting.push({
        instanceId: node.instanceId,
        reason: reason(
          'health-check-quota',
          `the account has ${fleet.limits.healthCheckQuota} health checks, limits.healthCheckQuota; request a higher Route 53 quota and raise limits.healthCheckQuota (docs/scaling.md)`,
        ),
      });
      ownedNodes.add(node.instanceId);
      if (hasRecord) for (const c of byInstance(observed.healthChecks, node.instanceId)) keptChecks.add(c.id); // left as it is
      continue;
    }
    if (node.address && !hasRecord) recordSlots--;
    if (node.address && !hasCheck) checkSlots--;
    if (!node.address) {
      // No address seen (not assigned yet, or EC2 answered without it): register nothing, and
      // leave whatever the node already has alone. A gap in one describe must never deregister
      // a serving node; if the address is really gone, its health check fails and Route 53
      // stops answering with it.
      waiting.push({
        instanceId: node.instanceId,
        reason: reason(
          'no-address',
          metric
            ? 'no private IPv4 address seen; nothing registered or removed (dns.address is private-ipv4)'
            : fleet.dns.address === 'ipv6'
              ? "no IPv6 address seen; nothing registered or removed (dns.address is ipv6: give the subnet an IPv6 CIDR and the launch template's network interface an IPv6 address)"
              : `no ${fleet.dns.address === 'elastic-ip' ? 'address (home Elastic IP or public IPv4)' : 'public IPv4 address'} seen; nothing registered or removed (dns.address is ${fleet.dns.address}: give the launch template's network interface a public IPv4, or set dns.address to "private-ipv4" for an internal fleet)`,
        ),
      });
      ownedNodes.add(node.instanceId);
      for (const c of byInstance(observed.healthChecks, node.instanceId)) keptChecks.add(c.id);
      continue;
    }
    if (metric && !opts.alarmRegion) {
      // Cannot happen when deployed (the alarm topic is set with alarms.manage): said, not guessed.
      waiting.push({
        instanceId: node.instanceId,
        reason: reason(
          'no-alarm-region',
          'dns.address is private-ipv4, but no alarm topic (ALARM_TOPIC_ARN) says which region its alarms are in: nothing registered',
        ),
      });
      ownedNodes.add(node.instanceId);
      for (const c of byInstance(observed.healthChecks, node.instanceId)) keptChecks.add(c.id);
      continue;
    }
    ownedNodes.add(node.instanceId);
    registered.push(node.instanceId);
    if (node.weightTagProblem)
      notes.push({
        instanceId: node.instanceId,
        reason: reason('weight-tag-invalid', `${node.weightTagProblem}: registered with dns.weight ${fleet.dns.weight} instead; fix the tag (0-255)`),
      });
    const id = node.instanceId;
    // A note from an earlier life (a warm-pool instance back in service) must not shorten a later delay.
    if (node.deregisteredAt) actions.push({ kind: 'unmarkDeregistered', instanceId: id, reason: reason('back-in-service', 'back in service') });
    const spec = wantCheck(id, node.address);
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
      if (!tagsMatch(tags, keep.tags))
        actions.push({ kind: 'tagHealthCheck', instanceId: id, healthCheckId: keep.id, tags, reason: reason('check-untagged', 'ownership tags missing') });
    } else {
      const reference = callerReference(fleet, id, spec);
      ref = { callerReference: reference };
      const stale = checks[0];
      const why = stale
        ? reason('check-settings-changed', `settings changed: ${specDiff(spec, stale.spec)}`)
        : record
          ? reason('check-missing', 'record has no health check of ours')
          : reason('node-joined', 'new node');
      actions.push({ kind: 'createHealthCheck', instanceId: id, callerReference: reference, spec, tags, reason: why });
    }

    const want: DesiredRecord = {
      name: fleet.dns.recordName,
      type: fleet.dns.recordType,
      setIdentifier: setIdentifier(fleet, id),
      weight: node.weight ?? fleet.dns.weight,
      ttl: fleet.dns.ttl,
      values: [node.address],
      healthCheck: ref,
    };
    if (!record) {
      actions.push({ kind: 'createRecord', instanceId: id, record: want, reason: reason('node-joined', `node ${node.lifecycleState}`) });
    } else {
      const diffs = recordDiff(want, record);
      if (diffs.length) {
        const { instanceId: _, ...previous } = record;
        actions.push({ kind: 'updateRecord', instanceId: id, record: want, previous, reason: reason('record-drifted', diffs.join(', ')) });
      }
    }
  }

  const stateOf = (id: string) => observed.nodes.find((n) => n.instanceId === id)?.lifecycleState ?? 'gone';
  for (const record of observed.records) {
    if (ownedNodes.has(record.instanceId)) continue;
    const { instanceId, ...state } = record;
    actions.push({ kind: 'deleteRecord', instanceId, record: state, reason: reason('node-left', `node ${stateOf(instanceId)}`) });
  }
  // The deregistration delay runs from the note on the instance, written before its record goes.
  if (fleet.dns.deregistrationDelaySeconds > 0) {
    const hasRecord = new Set(observed.records.map((r) => r.instanceId));
    for (const n of observed.nodes) {
      if (n.lifecycleState !== LEAVING || n.toWarmPool) continue;
      if (hasRecord.has(n.instanceId) || !n.deregisteredAt) {
        actions.push({
          kind: 'markDeregistered',
          instanceId: n.instanceId,
          at: now.toISOString(),
          reason: reason('delay-starts', 'deregistration delay starts'),
        });
      }
    }
  }
  const leaving = (c: ObservedHealthCheck) => !ownedNodes.has(c.instanceId);
  for (const check of observed.healthChecks) {
    if (keptChecks.has(check.id)) continue;
    const why = leaving(check) ? reason('node-left', `node ${stateOf(check.instanceId)}`) : reason('check-superseded', 'replaced or duplicate');
    actions.push({ kind: 'deleteHealthCheck', instanceId: check.instanceId, healthCheckId: check.id, reason: why });
  }

  actions.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.instanceId.localeCompare(b.instanceId));
  return { fleet: fleet.name, actions, registered, waiting, notes };
}
