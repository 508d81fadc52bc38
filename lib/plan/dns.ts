/**
 * The DNS planner: from the observed fleet to the ordered list of Route 53 changes that makes
 * every node that belongs in DNS have exactly one weighted record per address family the fleet
 * registers (A, or AAAA, or both: families.ts), each referencing exactly one matching health
 * check of ours, and every other node have neither. Pure: no AWS calls.
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
import { desiredHealthCheck, specDiff, specKey, specMatches } from './healthCheckSpec';
import { callerReference, healthCheckTags, setIdentifier } from './naming';
import { LEAVING } from './lifecycle';
import { belongsInDns } from './nodes';
import { type Reason, reason } from './reasons';
import { addressesOf, familiesOf, LISTED_TYPES, type RecordType } from './families';
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

/**
 * Plans the DNS changes for one fleet.
 * @param opts.alarmRegion with dns.address private-ipv4: the region of the managed alarms each
 *   node's CLOUDWATCH_METRIC check watches (the alarm topic's)
 */
export function planDns(fleet: FleetConfig, observed: ObservedFleet, opts: { now?: Date; alarmRegion?: string } = {}): Plan {
  const now = opts.now ?? new Date(0);
  // The health check a record should have (a private fleet's watches the node's managed alarm).
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
  // reason (a CREATE past 100 weighted records of a name and type would fail the whole batch).
  // Records and checks that are going away still count: they are deleted after the new ones are made.
  const recordSlots = new Map<RecordType, number>(
    LISTED_TYPES.map((t) => [
      t,
      ROUTE53_LIMITS.weightedRecordsPerName - (observed.otherRecords?.[t] ?? 0) - observed.records.filter((r) => r.type === t).length,
    ]),
  );
  let checkSlots = fleet.limits.healthCheckQuota - (observed.otherHealthChecks ?? 0) - observed.healthChecks.length;

  for (const node of [...observed.nodes].sort((a, b) => a.instanceId.localeCompare(b.instanceId))) {
    if (!belongsInDns(node)) continue;
    const id = node.instanceId;
    const records = byInstance(observed.records, id);
    const checks = byInstance(observed.healthChecks, id);
    /** The node waits, and what it has stays as it is. */
    const hold = (why: Reason, keepChecks = true) => {
      waiting.push({ instanceId: id, reason: why });
      ownedNodes.add(id);
      if (keepChecks) for (const c of checks) keptChecks.add(c.id);
    };
    const addresses = addressesOf(fleet, node);
    if ('missing' in addresses) {
      // No address seen (not assigned yet, or EC2 answered without it): register nothing, and
      // leave whatever the node already has alone. A gap in one describe must never deregister
      // a serving node; if the address is really gone, its health check fails and Route 53
      // stops answering with it.
      hold(reason('no-address', addresses.missing));
      continue;
    }
    if (metric && !opts.alarmRegion) {
      // Cannot happen when deployed (the alarm topic is set with alarms.manage): said, not guessed.
      hold(
        reason('no-alarm-region', 'dns.address is private-ipv4, but no alarm topic (ALARM_TOPIC_ARN) says which region its alarms are in: nothing registered'),
      );
      continue;
    }
    // One record per family, each with the check it should reference (shared when equal).
    const wanted = addresses.addresses.map((a) => ({ ...a, spec: wantCheck(id, a.address), record: records.find((r) => r.type === a.type) }));
    const specs = new Map(wanted.map((w) => [specKey(w.spec), w.spec]));
    const newTypes = wanted.filter((w) => !w.record).map((w) => w.type);
    const newChecks = [...specs.values()].filter((spec) => !checks.some((c) => specMatches(spec, c.spec))).length;
    // Route 53 refuses a weighted record beside a simple (or alias) one of the same name and type:
    // the node waits, and nothing it has goes (a family switch never drops the old family first).
    const blocked = newTypes.find((t) => (observed.simpleRecords?.[t] ?? 0) > 0);
    if (blocked) {
      hold(
        reason(
          'record-conflict',
          `${fleet.dns.recordName} has a simple (non-weighted) or alias ${blocked} record, and Route 53 allows no weighted ${blocked} record beside it: delete it (or give the fleet another dns.recordName)`,
        ),
      );
      continue;
    }
    const full = newTypes.find((t) => recordSlots.get(t)! <= 0);
    if (full) {
      hold(
        reason(
          'record-limit',
          `${fleet.dns.recordName} already has ${ROUTE53_LIMITS.weightedRecordsPerName} weighted ${full} records, Route 53's limit per name and type; split the group into fleets with their own record names (docs/scaling.md)`,
        ),
      );
      continue;
    }
    if (newChecks > checkSlots) {
      hold(
        reason(
          'health-check-quota',
          `the account has ${fleet.limits.healthCheckQuota} health checks, limits.healthCheckQuota; request a higher Route 53 quota and raise limits.healthCheckQuota (docs/scaling.md)`,
        ),
        records.length > 0, // a registered node is left as it is; an unregistered one's stale checks go
      );
      continue;
    }
    for (const t of newTypes) recordSlots.set(t, recordSlots.get(t)! - 1);
    checkSlots -= newChecks;

    ownedNodes.add(id);
    registered.push(id);
    if (node.weightTagProblem)
      notes.push({
        instanceId: id,
        reason: reason('weight-tag-invalid', `${node.weightTagProblem}: registered with dns.weight ${fleet.dns.weight} instead; fix the tag (0-255)`),
      });
    // A note from an earlier life (a warm-pool instance back in service) must not shorten a later delay.
    if (node.deregisteredAt) actions.push({ kind: 'unmarkDeregistered', instanceId: id, reason: reason('back-in-service', 'back in service') });

    // The check for each set of settings: kept when one matches, created otherwise.
    const refs = new Map<string, HealthCheckRef>();
    const tags = healthCheckTags(fleet, id);
    const inUse = new Set(records.map((r) => r.healthCheckId));
    for (const [key, spec] of specs) {
      const matching = checks.filter((c) => specMatches(spec, c.spec));
      // Prefer a check a record already uses, so a converged node is never touched.
      const keep: ObservedHealthCheck | undefined = matching.find((c) => inUse.has(c.id)) ?? matching.sort((a, b) => a.id.localeCompare(b.id))[0];
      if (keep) {
        refs.set(key, { id: keep.id });
        keptChecks.add(keep.id);
        if (!tagsMatch(tags, keep.tags))
          actions.push({ kind: 'tagHealthCheck', instanceId: id, healthCheckId: keep.id, tags, reason: reason('check-untagged', 'ownership tags missing') });
        continue;
      }
      const reference = callerReference(fleet, id, spec);
      refs.set(key, { callerReference: reference });
      // What it replaces, for the reason: an unmatched check of the same address family.
      const family = (ip: string | undefined) => (ip === undefined ? 'none' : ip.includes(':') ? '6' : '4');
      const stale = checks.find((c) => ![...specs.values()].some((s) => specMatches(s, c.spec)) && family(c.spec.ipAddress) === family(spec.ipAddress));
      const why = stale
        ? reason('check-settings-changed', `settings changed: ${specDiff(spec, stale.spec)}`)
        : records.length
          ? reason('check-missing', 'record has no health check of ours')
          : reason('node-joined', 'new node');
      actions.push({ kind: 'createHealthCheck', instanceId: id, callerReference: reference, spec, tags, reason: why });
    }

    for (const w of wanted) {
      const want: DesiredRecord = {
        name: fleet.dns.recordName,
        type: w.type,
        setIdentifier: setIdentifier(fleet, id),
        weight: node.weight ?? fleet.dns.weight,
        ttl: fleet.dns.ttl,
        values: [w.address],
        healthCheck: refs.get(specKey(w.spec))!,
      };
      if (!w.record) {
        actions.push({ kind: 'createRecord', instanceId: id, record: want, reason: reason('node-joined', `node ${node.lifecycleState}`) });
        continue;
      }
      const diffs = recordDiff(want, w.record);
      if (diffs.length) {
        const { instanceId: _, ...previous } = w.record;
        actions.push({ kind: 'updateRecord', instanceId: id, record: want, previous, reason: reason('record-drifted', diffs.join(', ')) });
      }
    }
    // A family the fleet no longer registers (dns.address or dns.dualStack changed): its record goes.
    for (const r of records.filter((r) => !wanted.some((w) => w.type === r.type))) {
      const { instanceId: _, ...state } = r;
      actions.push({
        kind: 'deleteRecord',
        instanceId: id,
        record: state,
        reason: reason(
          'record-type-dropped',
          `the fleet registers ${familiesOf(fleet).join(' and ')} records now (dns.address, dns.dualStack): its ${r.type} record goes`,
        ),
      });
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
