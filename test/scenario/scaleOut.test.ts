import { describe, expect, it } from 'vitest';
import { FleetWorld } from '../../sim/fleetWorld';

describe('scale out', () => {
  it('registers three launching nodes and completes their lifecycle actions with CONTINUE', async () => {
    // Prepare
    const world = new FleetWorld();
    world.account.autoScaling.takeNotifications(); // the hooks' test notifications
    const ids = world.account.autoScaling.scaleOut('edge-haproxy', 3);

    // Act
    await world.deliverAll();
    world.account.advance(1);

    // Assess
    expect(world.convergenceProblems()).toEqual([]);
    expect(world.dnsTable()).toHaveLength(3);
    expect(world.nodes().map((n) => n.state)).toEqual(['InService', 'InService', 'InService']);
    expect(world.account.callsWhere({ op: 'CompleteLifecycleAction', failed: false }).map((c) => (c.input as any).LifecycleActionResult)).toContain('CONTINUE');
    expect(ids).toHaveLength(3);
  });
});
