/**
 * `hfc adopt`: taking over a fleet that already runs, registered by hand. Printed by default;
 * carried out with `--apply`, the only command of the CLI that changes anything.
 *
 *   found at the fleet's name / in the account          plan
 *   --------------------------------------------------  ------------------------------------------
 *   a weighted record (not ours) whose value is a       replace it by ours: our health check first,
 *     node's address (A: its IPv4 by dns.address,         then one batch that deletes theirs and
 *     AAAA: its IPv6)                                     creates ours (same name, type and value)
 *   such a record for a node that has ours already      delete theirs
 *   a weighted record that matches no node              left alone, said (stale? delete it by hand)
 *   a record of a node in Standby or leaving            left alone (the reconcile deregisters it)
 *   a record of a node whose own record is not in line  left alone until the reconcile fixes ours
 *   an Elastic IP held by a node, not in the pool       tag it into the pool, homed on its holder
 *     (elastic-ip fleets)
 *
 * The DNS part is the reconcile's own planner (lib/plan/dns.ts) given the matched records as the
 * nodes' drifted ones: the replacement is an ordinary REPLACE, applied by the reconcile's own
 * executor (a record's deletion only in the batch that creates its successor).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DescribeAddressesCommand } from '@aws-sdk/client-ec2';
import { planDns } from '../lib/plan/dns';
import { addressesOf, LISTED_TYPES } from '../lib/plan/families';
import { belongsInDns } from '../lib/plan/nodes';
import { canonicalIp } from '../lib/plan/ip';
import { instanceOfSetIdentifier } from '../lib/plan/naming';
import { HOME_TAG, POOL_TAG } from '../lib/plan/tags';
import type { Action, ObservedRecord, Plan, RecordState } from '../lib/plan/types';
import { applyPlan, describeAction } from '../lib/reconcile/apply';
import type { CliContext } from './context';
import type { FleetView } from './inspect';
import { table } from './table';

export interface AdoptionPlan {
  fleet: string;
  /** The reconcile's DNS actions that take the matched records over (checks first, then the batch). */
  dns: Action[];
  /** Records not ours that stay, with why (they match no node, or the node is not in DNS, or our own record needs the reconcile first). */
  leftAlone: { type: string; setIdentifier: string; value: string; why: string }[];
  /** Weights that change with the takeover (the fleet's, or the node's weight tag, replace the hand-made one). */
  weightChanges: { instanceId: string; type: string; from: number; to: number }[];
  /** Elastic IPs held by the fleet's nodes, to tag into its pool. */
  addresses: { allocationId: string; publicIp: string; holder: string }[];
}

/** Reads what adoption needs beyond the view: the records at the name that are not ours, and the account's untagged addresses. */
export async function adoptionFacts(ctx: CliContext, view: FleetView): Promise<{ foreign: RecordState[]; untagged: AdoptionPlan['addresses'] }> {
  const { fleet, observed } = view;
  const records = await ctx.aws.route53.listRecords(fleet.dns.hostedZoneId, fleet.dns.recordName, LISTED_TYPES);
  const foreign = records.filter((r) => r.setIdentifier && !instanceOfSetIdentifier(fleet, r.setIdentifier));
  const untagged: AdoptionPlan['addresses'] = [];
  if (fleet.elasticIps) {
    const nodes = new Set(observed.nodes.map((n) => n.instanceId));
    const res = await ctx.clients.ec2.send(new DescribeAddressesCommand({}));
    for (const a of res.Addresses ?? [])
      if (a.AllocationId && a.PublicIp && a.InstanceId && nodes.has(a.InstanceId) && !(a.Tags ?? []).some((t) => t.Key === POOL_TAG))
        untagged.push({ allocationId: a.AllocationId, publicIp: a.PublicIp, holder: a.InstanceId });
  }
  return { foreign, untagged };
}

export function planAdoption(view: FleetView, foreign: readonly RecordState[], untagged: AdoptionPlan['addresses'], alarmRegion?: string): AdoptionPlan {
  const { fleet, observed } = view;
  // Which node each record names, by the address the fleet registers for that type.
  const owner = new Map<string, string>();
  const address = new Map<string, string>(); // `<instance> <type>` -> the address the fleet registers
  for (const n of observed.nodes) {
    const a = addressesOf(fleet, n);
    if (!('addresses' in a)) continue;
    for (const { type, address: ip } of a.addresses) {
      owner.set(`${type} ${canonicalIp(ip)}`, n.instanceId);
      address.set(`${n.instanceId} ${type}`, canonicalIp(ip));
    }
  }
  // elastic-ip fleets register the home address: a record naming a held address belongs to its holder.
  for (const u of untagged) if (!owner.has(`A ${u.publicIp}`)) owner.set(`A ${u.publicIp}`, u.holder);
  const inDns = new Set(observed.nodes.filter(belongsInDns).map((n) => n.instanceId));
  const matched: ObservedRecord[] = [];
  const extra: Action[] = [];
  const leftAlone: AdoptionPlan['leftAlone'] = [];
  const leave = (r: RecordState, why: string) => leftAlone.push({ type: r.type, setIdentifier: r.setIdentifier, value: r.values.join(','), why });
  for (const r of foreign) {
    const id = r.values.length === 1 ? owner.get(`${r.type} ${r.values[0]}`) : undefined;
    if (!id) {
      leave(r, 'it names no node of the group; delete it by hand if it is stale');
      continue;
    }
    // A node in Standby or leaving is the reconcile's to deregister (with its delay): nothing of it is taken over.
    if (!inDns.has(id)) {
      leave(r, `its node ${id} is not in service (Standby or leaving): the takeover waits for it`);
      continue;
    }
    const ours = observed.records.find((o) => o.instanceId === id && o.type === r.type);
    if (ours || matched.some((m) => m.instanceId === id && m.type === r.type)) {
      // Theirs goes only when ours already names the node's address (never the node's only right record).
      const right = ours ? ours.values.length === 1 && ours.values[0] === address.get(`${id} ${r.type}`) && !!ours.healthCheckId : true;
      if (right)
        extra.push({
          kind: 'deleteRecord',
          instanceId: id,
          record: r,
          reason: { code: 'record-drifted', message: `node ${id} has its own ${r.type} record: this one by hand goes` },
        });
      else leave(r, `node ${id}'s own ${r.type} record is not in line yet: let the reconcile run (a minute), then adopt again`);
      continue;
    }
    matched.push({ ...r, instanceId: id });
  }
  const adopted = new Set(matched.map((m) => m.instanceId));
  const plan = planDns(fleet, { ...observed, records: [...observed.records, ...matched] }, alarmRegion ? { alarmRegion } : {});
  // Only what takes the matched records over (checks, and REPLACEs: theirs is deleted only in the
  // batch that creates ours); the rest is the reconcile's ordinary work.
  const takeover = plan.actions.filter(
    (a) =>
      adopted.has(a.instanceId) && (a.kind === 'createHealthCheck' || a.kind === 'tagHealthCheck' || a.kind === 'updateRecord' || a.kind === 'createRecord'),
  );
  const weightChanges = takeover.flatMap((a) =>
    a.kind === 'updateRecord' && a.previous.weight !== a.record.weight
      ? [{ instanceId: a.instanceId, type: a.record.type, from: a.previous.weight, to: a.record.weight }]
      : [],
  );
  return { fleet: fleet.name, dns: [...takeover, ...extra], leftAlone, weightChanges, addresses: fleet.elasticIps ? untagged : [] };
}

export function renderAdoption(plans: readonly AdoptionPlan[], applied: boolean, weightTag = 'hfc:weight'): string {
  const out: string[] = [];
  for (const p of plans) {
    const steps = [
      ...p.addresses.map((a) => ['tagAddress', a.holder, `${a.publicIp} (${a.allocationId}): ${POOL_TAG}, ${HOME_TAG}=${a.holder}`]),
      ...p.dns.map((a) => {
        const d = describeAction(a) as Record<string, string>;
        return [a.kind, a.instanceId, [d.target, d.setIdentifier, d.value].filter(Boolean).join(' ')];
      }),
    ];
    out.push(
      `fleet ${p.fleet}: ${steps.length ? `${steps.length} step(s)${applied ? ', applied' : ' (hfc adopt --apply carries them out)'}` : 'nothing to adopt'}`,
    );
    if (steps.length) out.push(table(['STEP', 'INSTANCE', 'WHAT'], steps));
    for (const w of p.weightChanges)
      out.push(
        `weight: ${w.instanceId}'s ${w.type} record goes from ${w.from} to ${w.to} (dns.weight; set the instance's ${weightTag} tag first to keep ${w.from})`,
      );
    for (const l of p.leftAlone) out.push(`left alone: ${l.type} record ${l.setIdentifier} (${l.value}): ${l.why}`);
    out.push('');
  }
  return out.join('\n');
}

/** Carries an adoption out: pool tags, then the DNS takeover through the reconcile's executor. */
export async function applyAdoption(ctx: CliContext, view: FleetView, plan: AdoptionPlan, debug: boolean): Promise<string[]> {
  const failures: string[] = [];
  const pool = view.fleet.elasticIps?.pool;
  for (const a of plan.addresses)
    await ctx.aws.addresses
      .tagAddress(a.allocationId, { [POOL_TAG]: pool!, [HOME_TAG]: a.holder })
      .catch((err: Error) => failures.push(`tagging ${a.allocationId}: ${err.message}`));
  if (plan.dns.length) {
    const dnsPlan: Plan = { fleet: plan.fleet, actions: plan.dns, registered: [...new Set(plan.dns.map((a) => a.instanceId))], waiting: [], notes: [] };
    const logger = new Logger({ serviceName: 'hfc', logLevel: debug ? 'DEBUG' : 'SILENT' });
    const result = await applyPlan(view.fleet, dnsPlan, ctx.aws, logger);
    for (const [id, why] of result.failed) failures.push(`${id}: ${why}`);
    for (const id of result.deferred) failures.push(`${id}: left for later (throttled or out of time); run hfc adopt again`);
  }
  return failures;
}
