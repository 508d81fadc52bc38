/**
 * A fuzz of lifecycle events against a fleet with real actions in flight: a launch into the
 * group, a termination, a scale-in back to the warm pool and a launch into the pool, each
 * waiting on our hook. Each run delivers one event made from a real one, with its instance,
 * route, transition, hook, token and envelope rewritten, and checks what no event may do:
 *
 *   - take an InService node out of DNS;
 *   - register an instance that is not launching or serving in the group;
 *   - complete an action before its work is done: a launch into the group without its record,
 *     a termination before its deregistration delay, a move to the warm pool with its record.
 *
 * (eventFuzz.test.ts covers a converged fleet, where no action exists at all.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { EventParseError } from '../../lib/errors';
import type { LifecycleNotification } from '../../sim/autoscaling';
import { eventBridgeEvent, snsEvent } from '../../sim/envelopes';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

const ROUTES = ['EC2', 'AutoScalingGroup', 'WarmPool'];
const SERVING = new Set(['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService']);

/** A fleet of 4 serving nodes, then one action of each kind in flight. */
async function inFlight() {
  const world = new FleetWorld({ via: 'eventbridge', preexisting: 4, logger: new Logger({ logLevel: 'SILENT' }) });
  await world.schedule();
  const [serving, terminating, toPool] = world.preexisting;
  const [launching] = world.account.autoScaling.scaleOut(GROUP, 1);
  world.account.autoScaling.terminate(terminating!);
  world.account.autoScaling.returnToWarmPool(toPool!);
  const [intoPool] = world.account.autoScaling.launchIntoWarmPool(GROUP, 1);
  const real = world.account.autoScaling.takeNotifications() as LifecycleNotification[];
  const stranger = world.account.ec2.runInstance({ availabilityZone: 'eu-west-1a', tags: {} }).instanceId;
  return { world, real, ids: { serving: serving!, terminating: terminating!, toPool: toPool!, launching: launching!, intoPool: intoPool!, stranger } };
}

const records = (world: FleetWorld) => new Set(world.dnsTable().map((r) => r.setIdentifier.split(':').pop()!));

describe('fuzzed lifecycle events against a fleet with actions in flight', () => {
  it('never take a serving node out, register a stranger, or complete an action before its work is done', async () => {
    const mutation = fc.record({
      base: fc.nat(3),
      instance: fc.constantFrom('serving', 'terminating', 'toPool', 'launching', 'intoPool', 'stranger', 'same'),
      transition: fc.constantFrom('same', 'autoscaling:EC2_INSTANCE_LAUNCHING', 'autoscaling:EC2_INSTANCE_TERMINATING'),
      hook: fc.constantFrom('same', 'edge-hfc-launching', 'edge-hfc-terminating'),
      token: fc.oneof(fc.constant('same'), fc.nat(3), fc.uuid()),
      origin: fc.constantFrom('same', ...ROUTES),
      destination: fc.constantFrom('same', ...ROUTES),
      via: fc.constantFrom('sns', 'eventbridge'),
    });

    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        // Prepare
        const { world, real, ids } = await inFlight();
        const base = real[m.base]!;
        const event: LifecycleNotification = {
          ...base,
          ...(m.instance !== 'same' ? { EC2InstanceId: ids[m.instance] } : {}),
          ...(m.transition !== 'same' ? { LifecycleTransition: m.transition } : {}),
          ...(m.hook !== 'same' ? { LifecycleHookName: m.hook } : {}),
          ...(m.token !== 'same' ? { LifecycleActionToken: typeof m.token === 'number' ? real[m.token]!.LifecycleActionToken : m.token } : {}),
          ...(m.origin !== 'same' ? { Origin: m.origin } : {}),
          ...(m.destination !== 'same' ? { Destination: m.destination } : {}),
        };
        const before = records(world);
        const mark = world.account.mark();

        // Act
        try {
          await world.invokeLifecycle(m.via === 'sns' ? snsEvent(world.account, event) : eventBridgeEvent(world.account, event));
        } catch (err) {
          if (!(err instanceof EventParseError)) throw err;
        }

        // Assess
        const after = records(world);
        const truth = new Map(world.nodes().map((n) => [n.instanceId, n.state]));
        if (truth.get(ids.serving) === 'InService') expect(after.has(ids.serving), 'the serving node keeps its record').toBe(true);
        for (const id of after)
          if (!before.has(id))
            expect(SERVING.has(truth.get(id) ?? 'not in the group'), `${id} registered while ${truth.get(id) ?? 'not in the group'}`).toBe(true);
        const completed = world.account
          .callsSince(mark)
          .filter((c) => c.op === 'CompleteLifecycleAction' && !c.error)
          .map((c) => (c.input as { InstanceId?: string }).InstanceId);
        for (const id of completed) {
          if (id === ids.launching) expect(after.has(id), 'a launch is completed only once its record exists').toBe(true);
          else if (id === ids.terminating) expect.fail('a termination was completed before its deregistration delay');
          else if (id === ids.toPool) expect(after.has(id), 'a move to the warm pool is completed only once its record is gone').toBe(false);
          else if (id === ids.intoPool) expect(after.has(id), 'a launch into the warm pool is never registered').toBe(false);
          else expect.fail(`completed an action of ${id}, which has none of ours`);
        }
      }),
      { numRuns: 150, seed: 4242 },
    );
  });
});
