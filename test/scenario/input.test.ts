/** What reaches the lifecycle function that is not work: test notifications, bad input, other owners' events. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventParseError } from '../../lib/errors';
import { eventBridgeEvent } from '../../sim/envelopes';
import type { LifecycleNotification } from '../../sim/autoscaling';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

const load = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const MALFORMED = join(__dirname, '../fixtures/malformed');

describe('the test notification', () => {
  it('is acknowledged and makes no AWS call (sample event and the one the hook really sends)', async () => {
    // Prepare
    const world = new FleetWorld({ via: 'sns' });
    const fromHooks = world.account.autoScaling.takeNotifications();
    expect(fromHooks.map((n) => ('Event' in n ? n.Event : ''))).toEqual(['autoscaling:TEST_NOTIFICATION', 'autoscaling:TEST_NOTIFICATION']);

    // Act
    const outcomes = [...(await world.invokeLifecycle(load('events/sns-test-notification.json'))), ...(await world.deliver(fromHooks[0]!))];

    // Assess
    expect(outcomes).toEqual([
      { status: 'ignored', reason: 'test notification' },
      { status: 'ignored', reason: 'test notification' },
    ]);
    expect(world.account.calls).toEqual([]);
  });
});

describe('malformed events', () => {
  const files = readdirSync(MALFORMED).sort();

  it.each(files)('%s: typed error naming the field, nothing changed, no AWS call', async (file) => {
    // Prepare
    const world = new FleetWorld({ preexisting: 1 });

    // Act
    const run = world.invokeLifecycle(load(join(MALFORMED, file)));

    // Assess
    await expect(run).rejects.toBeInstanceOf(EventParseError);
    await expect(run).rejects.toThrow(/^(Records\[0\]\.Sns\.Message|detail|source|\(event\))/);
    expect(world.account.calls).toEqual([]);
  });

  it('names the missing field precisely', async () => {
    const world = new FleetWorld();
    await expect(world.invokeLifecycle(load(join(MALFORMED, 'sns-missing-instance-id.json')))).rejects.toThrow(/^Records\[0\]\.Sns\.Message\.EC2InstanceId: /);
    await expect(world.invokeLifecycle(load(join(MALFORMED, 'eventbridge-missing-token.json')))).rejects.toThrow(/^detail\.LifecycleActionToken: /);
  });
});

describe('events that are not ours', () => {
  it('a group no fleet manages is ignored with no AWS call', async () => {
    // Prepare: the sample event, edited to name another group
    const world = new FleetWorld();
    const event = load('events/eventbridge-lifecycle-launching.json');
    event.detail.AutoScalingGroupName = 'batch-workers';

    // Act
    const outcomes = await world.invokeLifecycle(event);

    // Assess
    expect(outcomes).toEqual([{ status: 'ignored', reason: 'no fleet manages Auto Scaling group batch-workers' }]);
    expect(world.account.calls).toEqual([]);
  });

  it("another team's hook on our group is never completed by us", async () => {
    // Prepare: a second launching hook on the group, and a node launching
    const world = new FleetWorld({ via: 'eventbridge' });
    world.account.autoScaling.PutLifecycleHook({
      AutoScalingGroupName: GROUP,
      LifecycleHookName: 'security-scan',
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      HeartbeatTimeout: 600,
    });
    world.account.autoScaling.scaleOut(GROUP, 1);
    const notes = world.account.autoScaling.takeNotifications() as LifecycleNotification[];
    const theirs = notes.find((n) => n.LifecycleHookName === 'security-scan')!;

    // Act
    const outcome = await world.invokeLifecycle(eventBridgeEvent(world.account, theirs));
    await world.deliver(notes.find((n) => n.LifecycleHookName !== 'security-scan')!);
    world.account.advance(1);

    // Assess: ours completed, theirs still pending, so the node waits for the scan
    expect(outcome).toEqual([{ status: 'ignored', reason: expect.stringContaining('security-scan is not this fleet') }]);
    const completed = world.account
      .callsWhere({ op: 'CompleteLifecycleAction', failed: false })
      .map((c) => (c.input as { LifecycleHookName: string }).LifecycleHookName);
    expect(completed).toEqual(['edge-hfc-launching']);
    expect(world.nodes()[0]!.state).toBe('Pending:Wait');
  });

  it('NotificationMetadata as an object (EventBridge) is accepted', async () => {
    const world = new FleetWorld({ via: 'eventbridge', preexisting: 0 });
    world.account.autoScaling.scaleOut(GROUP, 1);
    const [n] = world.account.autoScaling.takeNotifications() as LifecycleNotification[];
    const event = eventBridgeEvent(world.account, { ...n!, NotificationMetadata: '{"team":"edge"}' }, { metadataAsObject: true });
    expect(event.detail.NotificationMetadata).toEqual({ team: 'edge' });
    await expect(world.invokeLifecycle(event)).resolves.toEqual([expect.objectContaining({ status: 'reconciled' })]);
  });
});

describe('DRY_RUN', () => {
  it('observes and plans, logs the plan, and changes nothing', async () => {
    // Prepare
    const world = new FleetWorld({ dryRun: true, preexisting: 1 });
    world.account.autoScaling.scaleOut(GROUP, 1);

    // Act
    const outcomes = await world.deliverAll();
    const [scheduled] = await world.schedule();

    // Assess
    expect(world.account.callsWhere({ mutating: true })).toEqual([]);
    expect(world.dnsTable()).toEqual([]);
    const report = outcomes.find((o) => o.status === 'reconciled');
    expect(report?.status === 'reconciled' && report.report.actions.map((a) => a.kind)).toEqual([
      'createHealthCheck',
      'createHealthCheck',
      'createRecord',
      'createRecord',
    ]);
    expect(scheduled?.completions.map((c) => c.outcome)).toEqual(['dry-run']);
  });
});
