/** An IPv6 fleet (dns.address ipv6): one weighted AAAA record per node, on its IPv6 address, with its own check. */
import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../../lib/plan/ip';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

describe('an IPv6 fleet (dns.address ipv6)', () => {
  it('registers each node with a weighted AAAA record on its IPv6 address and a health check that probes that address', async () => {
    // Prepare: the group's instances get IPv6 addresses
    const world = new FleetWorld({ dns: { address: 'ipv6' } });
    world.account.autoScaling.setLaunchIpv6(GROUP, true);
    world.account.autoScaling.takeNotifications();

    // Act
    const ids = world.account.autoScaling.scaleOut(GROUP, 2);
    await world.deliverAll();
    world.account.advance(1);

    // Assess
    expect(world.fleet.dns.recordType).toBe('AAAA');
    expect(world.nodes().every((n) => n.state === 'InService')).toBe(true);
    const records = world.account.route53.records(world.zoneId).filter((r) => r.SetIdentifier);
    expect(records.map((r) => r.Type)).toEqual(['AAAA', 'AAAA']);
    for (const id of ids) {
      const ipv6 = world.account.ec2.instance(id)!.ipv6!;
      const record = records.find((r) => r.SetIdentifier!.endsWith(id))!;
      expect(record.ResourceRecords).toEqual([{ Value: ipv6 }]);
      const check = world.account.route53.healthChecks().find((h) => h.Id === record.HealthCheckId)!;
      expect(check.HealthCheckConfig).toMatchObject({ Type: 'HTTP', Port: 8404 });
      // Route 53 answers the address uncompressed; it is the same address (and not seen as drift below).
      expect(check.HealthCheckConfig!.IPAddress).not.toBe(ipv6);
      expect(canonicalIp(check.HealthCheckConfig!.IPAddress!)).toBe(ipv6);
    }
    const mark = world.account.mark();
    await world.schedule();
    expect(world.account.callsSince(mark).filter((c) => !/^(Describe|List|Get)/.test(c.op))).toEqual([]);
  });

  it('a node without an IPv6 address is not registered, and says what to change', async () => {
    const world = new FleetWorld({ dns: { address: 'ipv6' } });
    world.account.autoScaling.takeNotifications();
    const [id] = world.account.autoScaling.scaleOut(GROUP, 1);
    const [outcome] = await world.deliverAll();
    expect(outcome && 'report' in outcome ? outcome.report!.pending : []).toEqual([
      expect.objectContaining({
        instanceId: id,
        reason: expect.objectContaining({ code: 'no-address', message: expect.stringContaining('dns.address is ipv6') }),
      }),
    ]);
    expect(world.dnsTable()).toEqual([]);
  });

  it('the record type follows the address family: A with ipv6 is refused, naming the field', () => {
    expect(() => new FleetWorld({ dns: { address: 'ipv6', recordType: 'A' } })).toThrow(/dns\.recordType.*must be AAAA/s);
  });
});
