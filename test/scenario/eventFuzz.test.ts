/**
 * A fuzz of the sample lifecycle events (events/*.json) against a converged fleet in which no
 * lifecycle action is active: every instance, hook, group, transition, token and route an event
 * can name, delivered through SNS and EventBridge. No such event may change anything in AWS,
 * whatever it names: the only call that may "write" is a heartbeat that AWS refuses.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventParseError } from '../../lib/errors';
import { APP_GROUP, ConfigWorld } from '../harness/configWorld';
import { FailoverWorld } from '../harness/failoverWorld';
import { GROUP, type FleetWorld } from '../harness/fleetWorld';

const SAMPLES = ['sns-lifecycle-launching', 'sns-lifecycle-terminating', 'eventbridge-lifecycle-launching', 'eventbridge-lifecycle-terminating'].map(
  (f) => JSON.parse(readFileSync(`events/${f}.json`, 'utf8')) as Record<string, any>,
);
const TRANSITIONS = ['autoscaling:EC2_INSTANCE_LAUNCHING', 'autoscaling:EC2_INSTANCE_TERMINATING'];
const HOOKS = ['edge-hfc-launching', 'edge-hfc-terminating', 'edge-hfc-app-launching', 'edge-hfc-app-terminating', 'security-scan'];
const ROUTES = ['EC2', 'AutoScalingGroup', 'WarmPool'];

/** Rewrites a sample event's lifecycle fields, wherever the envelope keeps them. */
function mutate(sample: Record<string, any>, fields: Record<string, string>): unknown {
  const event = structuredClone(sample);
  if (event.Records) {
    const message = JSON.parse(event.Records[0].Sns.Message);
    event.Records[0].Sns.Message = JSON.stringify({ ...message, ...fields });
  } else {
    event.detail = { ...event.detail, ...fields };
    event['detail-type'] = fields.LifecycleTransition === TRANSITIONS[0] ? 'EC2 Instance-launch Lifecycle Action' : 'EC2 Instance-terminate Lifecycle Action';
  }
  return event;
}

async function expectHarmless(world: FleetWorld, instances: string[], runs: number): Promise<void> {
  const stranger = world.account.ec2.runInstance({ availabilityZone: 'eu-west-1a', tags: {} }).instanceId;
  const event = fc
    .record({
      sample: fc.constantFrom(...SAMPLES),
      EC2InstanceId: fc.constantFrom(...instances, stranger, 'i-0123456789abcdef0'),
      LifecycleTransition: fc.constantFrom(...TRANSITIONS),
      LifecycleHookName: fc.constantFrom(...HOOKS),
      AutoScalingGroupName: fc.constantFrom(GROUP, APP_GROUP),
      LifecycleActionToken: fc.uuid(),
      Origin: fc.constantFrom(...ROUTES),
      Destination: fc.constantFrom(...ROUTES),
    })
    .map(({ sample, ...fields }) => mutate(sample, fields));
  const before = JSON.stringify([world.dnsTable(), world.nodes()]);

  await fc.assert(
    fc.asyncProperty(event, async (e) => {
      const mark = world.account.mark();
      try {
        await world.invokeLifecycle(e);
      } catch (err) {
        if (!(err instanceof EventParseError)) throw err;
      }
      const changed = world.account.callsSince(mark).filter((c) => !/^(Describe|List|Get)/.test(c.op) && !c.error);
      expect(changed.map((c) => `${c.op} ${JSON.stringify(c.input)}`)).toEqual([]);
    }),
    { numRuns: runs, seed: 20261201 },
  );
  expect(JSON.stringify([world.dnsTable(), world.nodes()])).toBe(before);
}

describe('fuzzed lifecycle events against a converged fleet change nothing', () => {
  it('load balancers with a pushed configuration and an application tier', async () => {
    const world = new ConfigWorld({ via: 'eventbridge' });
    world.account.autoScaling.takeNotifications();
    const lbs = world.account.autoScaling.scaleOut(GROUP, 3);
    await world.deliverAll();
    world.account.advance(1);
    await world.schedule();
    expect(world.convergenceProblems()).toEqual([]);
    await expectHarmless(world, [...lbs, ...world.appServers()], 300);
  });

  it('load balancers with Elastic IPs and managed alarms', async () => {
    const world = new FailoverWorld({ via: 'eventbridge', eips: 2 });
    const lbs = await world.launch(3);
    await world.schedule();
    const eips = world.eipTable();
    await expectHarmless(world, lbs, 300);
    expect(world.eipTable()).toEqual(eips);
  });
});
