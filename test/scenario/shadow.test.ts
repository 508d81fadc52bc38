/**
 * A rehearsal cannot harm: a shadow deployment (serverless deploy --param="mode=shadow") observes,
 * plans and logs, makes no call that changes anything, and its hooks, as the stack generates them,
 * let every launch and termination proceed on their own. The same rehearsal with active hooks
 * (what `--param="dryRun=true"` used to deploy) ABANDONs every launch it held back.
 */
import { describe, expect, it } from 'vitest';
import { ConfigWorld } from '../harness/configWorld';
import { FailoverWorld } from '../harness/failoverWorld';
import { FleetWorld, GROUP } from '../harness/fleetWorld';
import { SHADOW_HEARTBEAT_SECONDS } from '../../deploy/cloudformation';

/** Lets the shadow hooks time out (CONTINUE), then lets Auto Scaling settle the instances. */
function letHooksTimeOut(world: FleetWorld) {
  world.account.advance(SHADOW_HEARTBEAT_SECONDS + 1);
  world.account.advance(1);
}

describe.each(['sns', 'eventbridge'] as const)('shadow mode (%s)', (via) => {
  it('a scale-out and a scale-in complete on their own, and nothing is changed', async () => {
    // Prepare: a fleet already serving, a shadow control plane deployed over it
    const world = new FleetWorld({ mode: 'shadow', via, preexisting: 2 });

    // Act: scale out by two, with every event delivered and scheduled runs between
    const launched = world.account.autoScaling.scaleOut(GROUP, 2);
    const outcomes = await world.deliverAll();
    const [planned] = await world.schedule();
    letHooksTimeOut(world);
    await world.schedule();
    // ...then scale in by one
    world.account.autoScaling.terminate(world.preexisting[0]!);
    await world.deliverAll();
    await world.schedule();
    letHooksTimeOut(world);

    // Assess: the plan was made and reported, nothing was written, every instance moved on
    expect(outcomes.filter((o) => o.status === 'reconciled')).toHaveLength(2);
    expect(planned?.dryRun).toBe(true);
    expect(planned?.actions.filter((a) => a.kind === 'createRecord')).toHaveLength(4);
    expect(world.account.callsWhere({ mutating: true })).toEqual([]);
    expect(world.dnsTable()).toEqual([]);
    const states = Object.fromEntries(world.nodes().map((n) => [n.instanceId, n.state]));
    expect(states).toEqual({ [world.preexisting[1]!]: 'InService', [launched[0]!]: 'InService', [launched[1]!]: 'InService' });
  });
});

describe('shadow mode with Elastic IPs and a configuration push', () => {
  it('Elastic IPs: a failing node is planned for, not moved', async () => {
    // Prepare: the node's alarm exists (a shadow deployment creates none); it fires
    const world = new FailoverWorld({ mode: 'shadow', eips: 2, preexisting: 2 });
    const node = world.preexisting[0]!;
    world.account.cloudWatch.PutMetricAlarm({
      AlarmName: world.alarmName(node),
      Namespace: 'AWS/EC2',
      MetricName: 'StatusCheckFailed',
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'InstanceId', Value: node }],
    });
    world.fail(node);

    const outcomes = await world.deliverAlarms('eventbridge');
    await world.schedule();

    // The plan (claims for the healthy node's home addresses) is reported, and only reported.
    expect(outcomes).toEqual([
      expect.objectContaining({ status: 'handled', report: expect.objectContaining({ actions: expect.arrayContaining([expect.anything()]) }) }),
    ]);
    expect(world.account.callsWhere({ mutating: true })).toEqual([]);
  });

  it('HAProxy configuration: launches and app servers move on without a push', async () => {
    const world = new ConfigWorld({ mode: 'shadow' });
    const lbs = world.account.autoScaling.scaleOut(GROUP, 2);
    await world.deliverAll();
    letHooksTimeOut(world);

    expect(world.account.callsWhere({ mutating: true })).toEqual([]);
    expect(
      world
        .nodes()
        .filter((n) => lbs.includes(n.instanceId))
        .map((n) => n.state),
    ).toEqual(['InService', 'InService']);
  });
});

describe('the trap shadow mode replaces: a dry run behind active hooks', () => {
  it('ABANDONs every launch it held back', async () => {
    const world = new FleetWorld({ dryRun: true, preexisting: 1 });
    const launched = world.account.autoScaling.scaleOut(GROUP, 2);
    await world.deliverAll();
    world.account.advance(world.fleet.lifecycleHooks.launching.heartbeatTimeoutSeconds + 1);

    expect(world.nodes().map((n) => n.instanceId)).not.toContain(launched[0]);
    expect(world.account.ec2.instance(launched[0]!)?.state).toBe('terminated');
  });
});
