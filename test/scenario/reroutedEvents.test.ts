/**
 * Real lifecycle actions whose event was rewritten (its Origin and Destination, the route) pass
 * a heartbeat check: the action exists. They must still not be treated as another kind of move:
 * the route must be one Auto Scaling sends for the transition, and the warm pool's own view
 * (DescribeWarmPool) must agree with it. Each case is a finding of the review of the first fix;
 * the genuine event of each is then handled as usual.
 */
import { describe, expect, it } from 'vitest';
import type { LifecycleNotification } from '../../sim/autoscaling';
import { APP_GROUP, ConfigWorld } from '../harness/configWorld';
import { FailoverWorld } from '../harness/failoverWorld';
import { FleetWorld, GROUP } from '../harness/fleetWorld';
import type { SimAccount } from '../../sim/account';

const changes = (account: SimAccount, mark: number) =>
  account
    .callsSince(mark)
    .filter((c) => !/^(Describe|List|Get)/.test(c.op) && !c.error)
    .map((c) => c.op);
const takeOne = (world: FleetWorld) => (world.account.autoScaling.takeNotifications() as LifecycleNotification[]).find((n) => 'LifecycleTransition' in n)!;
const ids = (world: FleetWorld) => world.dnsTable().map((r) => r.setIdentifier.split(':').pop());

describe('a real action with a rewritten route changes nothing', () => {
  it('a scale-in back to the warm pool, re-routed as a termination from the pool: not completed without DNS work', async () => {
    // Prepare
    const world = new FleetWorld({ preexisting: 2 });
    world.account.autoScaling.takeNotifications();
    await world.schedule();
    const [leaving] = world.preexisting;
    world.account.autoScaling.returnToWarmPool(leaving!);
    const genuine = takeOne(world);

    // Act
    const mark = world.account.mark();
    const outcomes = await world.deliver({ ...genuine, Origin: 'WarmPool', Destination: 'EC2' });

    // Assess: rejected; the instance still waits on our hook, and stays in DNS until its real event
    expect(outcomes).toEqual([
      expect.objectContaining({ status: 'rejected', reason: expect.stringContaining('as Warmed:Pending:Wait, not Warmed:Terminating:Wait') }),
    ]);
    expect(changes(world.account, mark)).toEqual([]);
    expect(world.account.autoScaling.warmPoolInstances(GROUP)).toEqual([{ instanceId: leaving, state: 'Warmed:Pending:Wait' }]);

    // ...which takes it out of DNS before it is put away
    await world.deliver(genuine);
    expect(ids(world)).toEqual([world.preexisting[1]]);
    expect(world.account.autoScaling.warmPoolInstances(GROUP)).toEqual([{ instanceId: leaving, state: 'Warmed:Stopped' }]);
  });

  it('a launch into the warm pool, re-routed as a launch into the group: never registered', async () => {
    const world = new FailoverWorld({ eips: 2, preexisting: 1 });
    await world.schedule();
    world.account.autoScaling.takeNotifications();
    const [pooled] = world.account.autoScaling.launchIntoWarmPool(GROUP, 1);
    const genuine = takeOne(world);

    const mark = world.account.mark();
    const outcomes = await world.deliver({ ...genuine, Origin: 'EC2', Destination: 'AutoScalingGroup' });

    expect(outcomes).toEqual([expect.objectContaining({ status: 'rejected', reason: expect.stringContaining('the warm pool lists instance') })]);
    expect(changes(world.account, mark)).toEqual([]);
    expect(ids(world)).not.toContain(pooled);
    expect(world.eipTable().map((r) => r.holder)).not.toContain(pooled);
  });

  it('a real launch into the group whose describe lags, re-routed as a launch into the warm pool: not completed without its record', async () => {
    const world = new FleetWorld({ preexisting: 0 });
    world.account.autoScaling.takeNotifications();
    const [id] = world.account.autoScaling.scaleOut(GROUP, 1);
    world.account.autoScaling.lagDescribe(id!, 'unlisted', 5);
    const genuine = takeOne(world);

    const mark = world.account.mark();
    const outcomes = await world.deliver({ ...genuine, Destination: 'WarmPool' });

    expect(outcomes).toEqual([expect.objectContaining({ status: 'rejected', reason: expect.stringContaining('the warm pool does not list instance') })]);
    expect(changes(world.account, mark)).toEqual([]);
    expect(world.nodes()).toEqual([expect.objectContaining({ instanceId: id, state: 'Pending:Wait' })]);
  });

  it('an application server scaled in to the warm pool, re-routed as a termination from the pool: every load balancer keeps it until its real event', async () => {
    const world = new ConfigWorld({ via: 'eventbridge' });
    world.account.autoScaling.takeNotifications();
    const lbs = world.account.autoScaling.scaleOut(GROUP, 2);
    await world.deliverAll();
    world.account.advance(1);
    const [server] = world.appServers();
    world.account.autoScaling.returnToWarmPool(server!);
    const genuine = takeOne(world);

    const mark = world.account.mark();
    const outcomes = await world.deliver({ ...genuine, Origin: 'WarmPool', Destination: 'EC2' });

    expect(outcomes).toEqual([expect.objectContaining({ status: 'rejected' })]);
    expect(changes(world.account, mark)).toEqual([]);
    for (const lb of lbs) expect(world.serversOn(lb)).toContain(server);
    expect(world.account.autoScaling.warmPoolInstances(APP_GROUP)).toEqual([{ instanceId: server, state: 'Warmed:Pending:Wait' }]);
  });

  it.each([
    ['launching', 'WarmPool', 'EC2'],
    ['terminating', 'EC2', 'WarmPool'],
    ['launching', 'AutoScalingGroup', 'WarmPool'],
  ] as const)('a %s event from %s to %s is not one Auto Scaling sends: rejected before any call', async (transition, origin, destination) => {
    const world = new FleetWorld({ preexisting: 1 });
    world.account.autoScaling.takeNotifications();
    const [id] = transition === 'launching' ? world.account.autoScaling.scaleOut(GROUP, 1) : world.preexisting;
    if (transition === 'terminating') world.account.autoScaling.terminate(id!);
    const genuine = takeOne(world);

    const mark = world.account.mark();
    const outcomes = await world.deliver({ ...genuine, Origin: origin, Destination: destination });

    expect(outcomes).toEqual([expect.objectContaining({ status: 'rejected', reason: expect.stringContaining(`never goes from ${origin} to ${destination}`) })]);
    expect(world.account.callsSince(mark)).toEqual([]);
  });
});
