/** Per-node weights from an instance tag (dns.weightTag): a canary, a bigger node, a standby at 0. */
import { describe, expect, it } from 'vitest';
import { FleetWorld } from '../harness/fleetWorld';

const weightOf = (world: FleetWorld, id: string) => world.dnsTable().find((r) => r.setIdentifier.endsWith(id))?.weight;

describe('per-node weights', () => {
  it("a node's weight tag sets its record's weight; a changed tag changes the record on the next run; an invalid one falls back to dns.weight with a note", async () => {
    // Prepare: two nodes, registered at the fleet's weight
    const world = new FleetWorld({ preexisting: 2 });
    await world.schedule();
    const [a, b] = world.preexisting as [string, string];
    expect(weightOf(world, a)).toBe(world.fleet.dns.weight);

    // Act: a becomes a canary at 1, b a standby at 0
    world.account.ec2.instance(a)!.tags['hfc:weight'] = '1';
    world.account.ec2.instance(b)!.tags['hfc:weight'] = '0';
    world.account.advance(1);
    const [changed] = await world.schedule();

    // Assess
    expect([weightOf(world, a), weightOf(world, b)]).toEqual([1, 0]);
    expect(changed!.actions.map((x) => x.reason.code)).toEqual(['record-drifted', 'record-drifted']);
    expect(world.convergenceProblems()).toEqual([]);

    // Act: a tag that is not 0-255
    world.account.ec2.instance(a)!.tags['hfc:weight'] = 'heavy';
    world.account.advance(1);
    const [invalid] = await world.schedule();

    // Assess: back to the fleet's weight, and the report says what to fix
    expect(weightOf(world, a)).toBe(world.fleet.dns.weight);
    expect(invalid!.notes).toEqual([{ instanceId: a, reason: expect.objectContaining({ code: 'weight-tag-invalid' }) }]);
  });

  it('the tag name is configurable', async () => {
    const world = new FleetWorld({ preexisting: 1, dns: { weightTag: 'lb/weight' } });
    const [a] = world.preexisting as [string];
    world.account.ec2.instance(a)!.tags['lb/weight'] = '200';
    world.account.ec2.instance(a)!.tags['hfc:weight'] = '3';
    await world.schedule();
    expect(weightOf(world, a)).toBe(200);
  });
});
