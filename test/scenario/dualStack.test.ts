/**
 * Dual-stack fleets (dns.dualStack): each node in a weighted A record and a weighted AAAA record,
 * each with its own health check where Route 53 can probe the address (public-ipv4), sharing the
 * alarm-driven check where it cannot (private-ipv4). And fleets that change family: the records
 * of the family dropped are removed, the others untouched.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHandler as createReconcileHandler } from '../../functions/reconcile';
import { parseConfig } from '../../lib/config/load';
import { canonicalIp } from '../../lib/plan/ip';
import { instanceOfSetIdentifier } from '../../lib/plan/naming';
import { scheduledEvent } from '../../sim/envelopes';
import { ALARM_TOPIC, FailoverWorld } from '../harness/failoverWorld';
import { FleetWorld, GROUP, ZONE } from '../harness/fleetWorld';

function world(dns: Record<string, unknown>, fleet: Record<string, unknown> = {}) {
  const w = new FleetWorld({ dns, fleet });
  w.deps.settings.alarmTopicArn = ALARM_TOPIC;
  w.account.autoScaling.setLaunchIpv6(GROUP, true);
  w.account.autoScaling.takeNotifications();
  return w;
}

/** Our records, by type and instance, with the check each references. */
function records(w: FleetWorld) {
  return w.account.route53
    .records(w.zoneId)
    .filter((r) => instanceOfSetIdentifier(w.fleet, r.SetIdentifier))
    .map((r) => ({
      type: r.Type,
      instanceId: instanceOfSetIdentifier(w.fleet, r.SetIdentifier)!,
      value: r.ResourceRecords![0]!.Value!,
      check: r.HealthCheckId!,
    }));
}
const checkOf = (w: FleetWorld, id: string) => w.account.route53.healthChecks().find((h) => h.Id === id)!.HealthCheckConfig!;
const writesSince = (w: FleetWorld, mark: number) => w.account.callsSince(mark).filter((c) => !/^(Describe|List|Get)/.test(c.op));

/** One scheduled run of the control plane with another configuration of the same fleet (a redeploy). */
async function scheduleWith(w: FleetWorld, dns: Record<string, unknown>) {
  const config = parseConfig({
    fleets: [
      {
        name: 'edge',
        autoScalingGroupName: GROUP,
        dns: { recordName: `lb.${ZONE}`, ...dns, hostedZoneId: w.zoneId },
        healthCheck: { protocol: 'HTTP', port: 8404, path: '/healthz' },
      },
    ],
  });
  const handler = createReconcileHandler({ ...w.deps, config, logger: new Logger({ serviceName: 'hfc', logLevel: 'SILENT' }) });
  return handler(scheduledEvent(w.account), { getRemainingTimeInMillis: () => 30_000 } as Context);
}

describe('a dual-stack fleet (dns.dualStack)', () => {
  it('registers each node with an A and an AAAA record, each with its own check probing that address; converged, a run writes nothing', async () => {
    // Prepare
    const w = world({ dualStack: true });

    // Act
    const ids = w.account.autoScaling.scaleOut(GROUP, 3);
    await w.deliverAll();
    w.account.advance(1);

    // Assess
    expect(w.nodes().every((n) => n.state === 'InService')).toBe(true);
    const recs = records(w);
    expect(recs).toHaveLength(6);
    for (const id of ids) {
      const inst = w.account.ec2.instance(id)!;
      const a = recs.find((r) => r.instanceId === id && r.type === 'A')!;
      const aaaa = recs.find((r) => r.instanceId === id && r.type === 'AAAA')!;
      expect(a.value).toBe(inst.publicIp);
      expect(canonicalIp(aaaa.value)).toBe(inst.ipv6);
      expect(a.check).not.toBe(aaaa.check);
      expect(checkOf(w, a.check)).toMatchObject({ Type: 'HTTP', IPAddress: inst.publicIp, Port: 8404, ResourcePath: '/healthz' });
      expect(canonicalIp(checkOf(w, aaaa.check).IPAddress!)).toBe(inst.ipv6);
    }
    expect(w.ourHealthChecks()).toHaveLength(6);
    const mark = w.account.mark();
    await w.schedule();
    expect(writesSince(w, mark)).toEqual([]);
  });

  it("a node's A and AAAA records land in one batch, before its launch goes on", async () => {
    const w = world({ dualStack: true });
    const [id] = w.account.autoScaling.scaleOut(GROUP, 1);
    const mark = w.account.mark();
    await w.deliverAll();
    const ops = w.account.callsSince(mark).filter((c) => !c.error && ['ChangeResourceRecordSets', 'CompleteLifecycleAction'].includes(c.op));
    expect(ops.map((c) => c.op)).toEqual(['ChangeResourceRecordSets', 'CompleteLifecycleAction']);
    expect(
      records(w)
        .filter((r) => r.instanceId === id)
        .map((r) => r.type),
    ).toEqual(['A', 'AAAA']);
  });

  it('a node whose AAAA check cannot be made gets neither record and waits; the next run registers both', async () => {
    // Prepare: Route 53 refuses the IPv6 check once (its A check is made)
    const w = world({ dualStack: true });
    w.account.faults.fail({
      service: 'route53',
      ops: ['CreateHealthCheck'],
      times: 1,
      when: (input: { HealthCheckConfig?: { IPAddress?: string } }) => !!input.HealthCheckConfig?.IPAddress?.includes(':'),
      error: { code: 'InvalidInput', message: 'refused', status: 400 },
    });
    const [id] = w.account.autoScaling.scaleOut(GROUP, 1);

    // Act: the run fails for that node, saying why (the event is retried)
    await expect(w.deliverAll()).rejects.toThrow(/health check creation: InvalidInput/);

    // Assess: no record without its twin, and the launch not completed
    expect(records(w)).toEqual([]);
    expect(w.nodes()[0]!.state).toBe('Pending:Wait');

    // Act: the next run
    await w.schedule();
    w.account.advance(1);
    expect(
      records(w)
        .filter((r) => r.instanceId === id)
        .map((r) => r.type),
    ).toEqual(['A', 'AAAA']);
    expect(w.nodes()[0]!.state).toBe('InService');
  });

  it('a leaving node loses both records, then both checks; its termination goes on after the delay', async () => {
    // Prepare
    const w = world({ dualStack: true });
    const [a, b] = w.account.autoScaling.scaleOut(GROUP, 2);
    await w.deliverAll();
    w.account.advance(1);

    // Act
    w.account.autoScaling.terminate(a!);
    await w.deliverAll();
    await w.drain();

    // Assess
    expect(records(w).map((r) => `${r.type} ${r.instanceId}`)).toEqual([`A ${b}`, `AAAA ${b}`]);
    expect(w.ourHealthChecks().map((c) => c.instanceId)).toEqual([b, b]);
    expect(w.nodes().map((n) => n.instanceId)).toEqual([b]);
  });

  it('a private dual-stack fleet: both records watch the one CLOUDWATCH_METRIC check on the node alarm', async () => {
    // Prepare
    const w = world({ address: 'private-ipv4', dualStack: true }, { alarms: { manage: true } });

    // Act
    const [id] = w.account.autoScaling.scaleOut(GROUP, 1);
    await w.deliverAll();
    w.account.advance(1);

    // Assess
    const recs = records(w);
    expect(recs.map((r) => r.type)).toEqual(['A', 'AAAA']);
    expect(recs[0]!.value).toBe(w.account.ec2.instance(id!)!.privateIp);
    expect(recs[0]!.check).toBe(recs[1]!.check);
    expect(checkOf(w, recs[0]!.check)).toMatchObject({ Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Name: `${w.fleet.alarms!.namePrefix}${id}` } });
    expect(w.ourHealthChecks()).toHaveLength(1);
    expect(w.nodes()[0]!.state).toBe('InService');
  });

  it('with Elastic IPs: the A record names the home address, the AAAA record the IPv6; a failover moves the address and changes no record', async () => {
    // Prepare
    const w = new FailoverWorld({ eips: 2, dns: { dualStack: true } });
    w.account.autoScaling.setLaunchIpv6(GROUP, true);
    w.account.autoScaling.takeNotifications();
    const [a, b] = await w.launch(2);
    await w.schedule();
    const before = records(w);
    for (const id of [a!, b!]) {
      const home = w.eipTable().find((r) => r.home === id)!.publicIp;
      expect(before.find((r) => r.instanceId === id && r.type === 'A')!.value).toBe(home);
      expect(canonicalIp(before.find((r) => r.instanceId === id && r.type === 'AAAA')!.value)).toBe(w.account.ec2.instance(id)!.ipv6);
    }

    // Act
    const mark = w.account.mark();
    w.fail(a!);
    await w.deliverAlarms();
    await w.schedule();

    // Assess: a's address is on b; DNS unchanged (Route 53's check on a's IPv6 takes it out of the AAAA answers)
    expect(w.holderOf(w.eipTable().find((r) => r.home === a)!.publicIp)).toBe(b);
    expect(records(w)).toEqual(before);
    expect(w.account.callsSince(mark).filter((c) => c.op === 'ChangeResourceRecordSets')).toEqual([]);
  });

  it('a node without an IPv6 address is not registered at all, and the reason names dns.dualStack', async () => {
    const w = world({ dualStack: true });
    w.account.autoScaling.setLaunchIpv6(GROUP, false);
    const [id] = w.account.autoScaling.scaleOut(GROUP, 1);
    const [outcome] = await w.deliverAll();
    expect(outcome && 'report' in outcome ? outcome.report!.pending : []).toEqual([
      expect.objectContaining({ instanceId: id, reason: expect.objectContaining({ code: 'no-address', message: expect.stringContaining('dns.dualStack') }) }),
    ]);
    expect(records(w)).toEqual([]);
    expect(w.ourHealthChecks()).toEqual([]);
  });

  it('turned on for a running fleet: AAAA records and their checks are added, the A records are not touched', async () => {
    // Prepare: an IPv4 fleet whose nodes have IPv6 addresses
    const w = world({});
    w.account.autoScaling.scaleOut(GROUP, 2);
    await w.deliverAll();
    w.account.advance(1);
    const before = records(w);
    expect(before.map((r) => r.type)).toEqual(['A', 'A']);

    // Act
    const mark = w.account.mark();
    await scheduleWith(w, { dualStack: true });

    // Assess: one batch of two CREATEs, no A record changed
    const after = records(w);
    expect(after.filter((r) => r.type === 'A')).toEqual(before);
    expect(after.filter((r) => r.type === 'AAAA')).toHaveLength(2);
    const batches = w.account.callsSince(mark).filter((c) => c.op === 'ChangeResourceRecordSets' && !c.error);
    expect(batches).toHaveLength(1);
    const changes = (batches[0]!.input as { ChangeBatch: { Changes: { Action: string; ResourceRecordSet: { Type: string } }[] } }).ChangeBatch.Changes;
    expect(changes.map((c) => `${c.Action} ${c.ResourceRecordSet.Type}`)).toEqual(['CREATE AAAA', 'CREATE AAAA']);
  });

  it('turned off: the AAAA records go (record-type-dropped), then their checks; the A records stay', async () => {
    // Prepare
    const w = world({ dualStack: true });
    w.account.autoScaling.scaleOut(GROUP, 2);
    await w.deliverAll();
    w.account.advance(1);
    const aRecords = records(w).filter((r) => r.type === 'A');

    // Act
    const [report] = await scheduleWith(w, { dualStack: false });

    // Assess
    expect(records(w)).toEqual(aRecords);
    expect(
      w
        .ourHealthChecks()
        .map((c) => c.id)
        .sort(),
    ).toEqual(aRecords.map((r) => r.check).sort());
    expect(report!.actions.filter((a) => a.kind === 'deleteRecord').map((a) => `${a.record.type} ${a.reason.code}`)).toEqual([
      'AAAA record-type-dropped',
      'AAAA record-type-dropped',
    ]);
    // and the next run is converged
    const mark = w.account.mark();
    await scheduleWith(w, { dualStack: false });
    expect(writesSince(w, mark)).toEqual([]);
  });

  it('an IPv4 fleet switched to dns.address ipv6: the A records are replaced by AAAA records in one batch, the old checks deleted after', async () => {
    // Prepare
    const w = world({});
    const ids = w.account.autoScaling.scaleOut(GROUP, 2);
    await w.deliverAll();
    w.account.advance(1);

    // Act
    const mark = w.account.mark();
    await scheduleWith(w, { address: 'ipv6' });

    // Assess
    expect(
      records(w)
        .map((r) => `${r.type} ${r.instanceId}`)
        .sort(),
    ).toEqual(ids.map((id) => `AAAA ${id}`).sort());
    expect(w.ourHealthChecks().every((c) => c.ip.includes(':'))).toBe(true);
    const ops = w.account
      .callsSince(mark)
      .filter((c) => !c.error && ['CreateHealthCheck', 'ChangeResourceRecordSets', 'DeleteHealthCheck'].includes(c.op))
      .map((c) => c.op);
    expect(ops).toEqual(['CreateHealthCheck', 'CreateHealthCheck', 'ChangeResourceRecordSets', 'DeleteHealthCheck', 'DeleteHealthCheck']);
  });

  it('a switch to ipv6 with a simple AAAA record at the name: nothing is dropped, the nodes wait with record-conflict', async () => {
    // Prepare: a serving IPv4 fleet, and someone's plain AAAA record at the same name
    const w = world({});
    w.account.autoScaling.scaleOut(GROUP, 2);
    await w.deliverAll();
    w.account.advance(1);
    const before = records(w);
    w.account.route53.putRecordByHand(w.zoneId, { Name: 'lb.example.com.', Type: 'AAAA', TTL: 60, ResourceRecords: [{ Value: '2600:1f18::99' }] });

    // Act
    const [report] = await scheduleWith(w, { address: 'ipv6' });

    // Assess: the A records still answer; each node says why
    expect(records(w)).toEqual(before);
    expect(w.account.route53.answers(w.zoneId, 'lb.example.com', 'A')).toHaveLength(2);
    expect(report!.pending.map((p) => p.reason.code)).toEqual(['record-conflict', 'record-conflict']);
  });

  it('a switch whose batch Route 53 rejects for good: the old records stay with the new ones never made (split by node, not by action)', async () => {
    // Prepare: every batch that creates an AAAA record is refused
    const w = world({});
    w.account.autoScaling.scaleOut(GROUP, 2);
    await w.deliverAll();
    w.account.advance(1);
    const before = records(w);
    w.account.faults.fail({
      service: 'route53',
      ops: ['ChangeResourceRecordSets'],
      when: (input: { ChangeBatch?: { Changes?: { Action?: string; ResourceRecordSet?: { Type?: string } }[] } }) =>
        !!input.ChangeBatch?.Changes?.some((c) => c.Action === 'CREATE' && c.ResourceRecordSet?.Type === 'AAAA'),
      error: { code: 'InvalidChangeBatch', message: 'refused', status: 400 },
    });

    // Act
    await expect(scheduleWith(w, { address: 'ipv6' })).rejects.toThrow(/could not be brought in line.*InvalidChangeBatch/);

    // Assess
    expect(records(w)).toEqual(before);
  });

  it('is refused with dns.address ipv6, naming the field', () => {
    expect(() => new FleetWorld({ dns: { address: 'ipv6', dualStack: true } })).toThrow(/dns\.dualStack.*registers AAAA records only/s);
  });
});
