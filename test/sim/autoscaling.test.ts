/**
 * The simulated Auto Scaling, driven through real SDK clients (`maxAttempts: 1`, so each
 * assertion sees the raw answer of one attempt) and the scenario helpers. It must raise errors
 * where AWS does and move instances through the lifecycle states as AWS does (docs/aws-facts.md,
 * "Auto Scaling lifecycle hooks").
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand,
  PutLifecycleHookCommand,
  RecordLifecycleActionHeartbeatCommand,
  type AutoScalingClient,
  type PutLifecycleHookCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { SimAccount } from '../../sim/account';
import type { LifecycleNotification } from '../../sim/autoscaling';

const GROUP = 'edge-asg';
const LAUNCHING = 'autoscaling:EC2_INSTANCE_LAUNCHING';
const TERMINATING = 'autoscaling:EC2_INSTANCE_TERMINATING';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/;

let account: SimAccount;
let autoScaling: AutoScalingClient;
let ec2: EC2Client;

beforeEach(() => {
  account = new SimAccount();
  ({ autoScaling, ec2 } = account.clients({ maxAttempts: 1 }));
  account.autoScaling.createGroup({ name: GROUP });
});

// ---- helpers ----

/** The error a call fails with; fails the test when the call succeeds. */
async function failure(call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err) => err,
  );
}

function putHook(name: string, transition: string, extra: Partial<PutLifecycleHookCommandInput> = {}) {
  return autoScaling.send(
    new PutLifecycleHookCommand({
      AutoScalingGroupName: GROUP,
      LifecycleHookName: name,
      LifecycleTransition: transition,
      HeartbeatTimeout: 300,
      DefaultResult: 'ABANDON',
      ...extra,
    }),
  );
}

function complete(instanceId: string, result: 'CONTINUE' | 'ABANDON', hook = 'launch', token?: string) {
  return autoScaling.send(
    new CompleteLifecycleActionCommand({
      AutoScalingGroupName: GROUP,
      LifecycleHookName: hook,
      LifecycleActionResult: result,
      ...(token ? { LifecycleActionToken: token } : { InstanceId: instanceId }),
    }),
  );
}

function heartbeat(instanceId: string, hook = 'launch') {
  return autoScaling.send(new RecordLifecycleActionHeartbeatCommand({ AutoScalingGroupName: GROUP, LifecycleHookName: hook, InstanceId: instanceId }));
}

/** LifecycleState per instance, as DescribeAutoScalingGroups reports it. */
async function states(): Promise<Record<string, string>> {
  const res = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));
  return Object.fromEntries((res.AutoScalingGroups?.[0]?.Instances ?? []).map((i) => [i.InstanceId, i.LifecycleState]));
}

/** The instance as EC2 reports it (a filter, so a missing one is simply undefined). */
async function ec2Instance(instanceId: string) {
  const res = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }));
  return res.Reservations?.[0]?.Instances?.[0];
}

const lifecycleNotifications = () => account.autoScaling.takeNotifications() as LifecycleNotification[];

// ---- launch ----

describe('launch with a launching hook', () => {
  it('puts new instances in Pending:Wait and emits one complete notification per hook', async () => {
    // Prepare
    await putHook('launch', LAUNCHING, { NotificationMetadata: '{"fleet":"edge"}' });
    await putHook('warmup', LAUNCHING);
    await putHook('drain', TERMINATING);
    account.autoScaling.takeNotifications();

    // Act
    const [id] = account.autoScaling.scaleOut(GROUP, 1);

    // Assess
    expect(await states()).toEqual({ [id!]: 'Pending:Wait' });
    const notes = lifecycleNotifications();
    expect(notes).toHaveLength(2);
    expect(notes[0]).toEqual({
      Origin: 'EC2',
      Destination: 'AutoScalingGroup',
      LifecycleHookName: 'launch',
      AccountId: '123456789012',
      RequestId: expect.stringMatching(UUID),
      LifecycleTransition: LAUNCHING,
      AutoScalingGroupName: GROUP,
      Service: 'AWS Auto Scaling',
      Time: '2026-11-22T10:00:00.000Z',
      EC2InstanceId: id,
      LifecycleActionToken: expect.stringMatching(UUID),
      NotificationMetadata: '{"fleet":"edge"}',
    });
    expect(notes[1]).toMatchObject({ LifecycleHookName: 'warmup', EC2InstanceId: id, LifecycleTransition: LAUNCHING });
    expect(notes[1]).not.toHaveProperty('NotificationMetadata');
    // Every action has its own token and every message its own request id.
    expect(new Set(notes.map((n) => n.LifecycleActionToken)).size).toBe(2);
    expect(new Set(notes.map((n) => n.RequestId)).size).toBe(2);
  });

  it('CONTINUE moves the instance to Pending:Proceed, then InService after time passes', async () => {
    // Prepare
    await putHook('launch', LAUNCHING);
    const [id] = account.autoScaling.scaleOut(GROUP, 1);

    // Act
    await complete(id!, 'CONTINUE');

    // Assess
    expect(await states()).toEqual({ [id!]: 'Pending:Proceed' });
    account.advance(1);
    expect(await states()).toEqual({ [id!]: 'InService' });
    expect((await ec2Instance(id!))?.State?.Name).toBe('running');
  });

  it('completes by token as well as by instance id', async () => {
    // Prepare
    await putHook('launch', LAUNCHING);
    account.autoScaling.takeNotifications();
    const [id] = account.autoScaling.scaleOut(GROUP, 1);
    const [note] = lifecycleNotifications();

    // Act
    await complete(id!, 'CONTINUE', 'launch', note!.LifecycleActionToken);

    // Assess
    expect(await states()).toEqual({ [id!]: 'Pending:Proceed' });
  });

  it('waits for every launching hook before proceeding', async () => {
    // Prepare
    await putHook('launch', LAUNCHING);
    await putHook('warmup', LAUNCHING);
    const [id] = account.autoScaling.scaleOut(GROUP, 1);

    // Act
    await complete(id!, 'CONTINUE', 'launch');

    // Assess
    expect(await states()).toEqual({ [id!]: 'Pending:Wait' });
    await complete(id!, 'CONTINUE', 'warmup');
    expect(await states()).toEqual({ [id!]: 'Pending:Proceed' });
  });

  it('ABANDON terminates the instance: gone from the group, terminated in EC2 without a public IP', async () => {
    // Prepare
    await putHook('launch', LAUNCHING);
    const [id] = account.autoScaling.scaleOut(GROUP, 1);
    expect((await ec2Instance(id!))?.PublicIpAddress).toMatch(/^54\./);

    // Act
    await complete(id!, 'ABANDON');

    // Assess
    expect(await states()).toEqual({});
    const inst = await ec2Instance(id!);
    expect(inst?.State).toEqual({ Name: 'terminated', Code: 48 });
    expect(inst).not.toHaveProperty('PublicIpAddress');
    expect(inst?.PrivateIpAddress).toMatch(/^10\./);
  });

  it('ABANDON on one hook skips the remaining hooks: the instance terminates at once', async () => {
    // Prepare
    await putHook('launch', LAUNCHING);
    await putHook('warmup', LAUNCHING);
    const [id] = account.autoScaling.scaleOut(GROUP, 1);

    // Act
    await complete(id!, 'ABANDON', 'launch');

    // Assess
    expect(await states()).toEqual({});
    expect((await ec2Instance(id!))?.State?.Name).toBe('terminated');
    const err = await failure(complete(id!, 'CONTINUE', 'warmup'));
    expect(err.name).toBe('ValidationError');
    expect(err.message).toContain('No active Lifecycle Action');
  });

  it('without hooks, instances go straight InService and no notification is emitted', async () => {
    // Act
    const ids = account.autoScaling.scaleOut(GROUP, 3);

    // Assess
    expect(await states()).toEqual(Object.fromEntries(ids.map((id) => [id, 'InService'])));
    expect(account.autoScaling.takeNotifications()).toEqual([]);
  });

  it('spreads instances over the zones round-robin and reports them in DescribeAutoScalingGroups', async () => {
    // Act
    const ids = account.autoScaling.scaleOut(GROUP, 3);

    // Assess
    const res = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));
    expect(res.AutoScalingGroups?.[0]?.Instances?.map((i) => [i.InstanceId, i.AvailabilityZone])).toEqual([
      [ids[0], 'eu-west-1a'],
      [ids[1], 'eu-west-1b'],
      [ids[2], 'eu-west-1a'],
    ]);
    expect((await ec2Instance(ids[1]!))?.Placement?.AvailabilityZone).toBe('eu-west-1b');
  });
});

// ---- terminate ----

describe('terminate', () => {
  it('with a terminating hook: Terminating:Wait and a notification, CONTINUE -> Terminating:Proceed -> gone', async () => {
    // Prepare
    const [id] = account.autoScaling.scaleOut(GROUP, 1);
    await putHook('drain', TERMINATING, { NotificationMetadata: 'drain-me' });
    account.autoScaling.takeNotifications();
    account.advance(5);

    // Act
    account.autoScaling.terminate(id!);

    // Assess
    expect(await states()).toEqual({ [id!]: 'Terminating:Wait' });
    expect(lifecycleNotifications()).toEqual([
      {
        Origin: 'AutoScalingGroup',
        Destination: 'EC2',
        LifecycleHookName: 'drain',
        AccountId: '123456789012',
        RequestId: expect.stringMatching(UUID),
        LifecycleTransition: TERMINATING,
        AutoScalingGroupName: GROUP,
        Service: 'AWS Auto Scaling',
        Time: '2026-11-22T10:00:05.000Z',
        EC2InstanceId: id,
        LifecycleActionToken: expect.stringMatching(UUID),
        NotificationMetadata: 'drain-me',
      },
    ]);
    expect((await ec2Instance(id!))?.State?.Name).toBe('running');

    await complete(id!, 'CONTINUE', 'drain');
    expect(await states()).toEqual({ [id!]: 'Terminating:Proceed' });

    account.advance(1);
    expect(await states()).toEqual({});
    expect((await ec2Instance(id!))?.State?.Name).toBe('terminated');
  });

  it('ABANDON on a terminating hook also lets the instance terminate, skipping the other hooks', async () => {
    // Prepare
    const [id] = account.autoScaling.scaleOut(GROUP, 1);
    await putHook('drain', TERMINATING);
    await putHook('backup', TERMINATING);
    account.autoScaling.terminate(id!);

    // Act
    await complete(id!, 'ABANDON', 'drain');

    // Assess
    expect(await states()).toEqual({ [id!]: 'Terminating:Proceed' });
    expect((await failure(complete(id!, 'CONTINUE', 'backup'))).message).toContain('No active Lifecycle Action');
    account.advance(1);
    expect(await states()).toEqual({});
  });

  it('without a terminating hook, the instance is gone at once', async () => {
    // Prepare
    const [id] = account.autoScaling.scaleOut(GROUP, 1);

    // Act
    account.autoScaling.terminate(id!);

    // Assess
    expect(await states()).toEqual({});
    expect((await ec2Instance(id!))?.State?.Name).toBe('terminated');
  });
});

// ---- heartbeat timeout ----

describe('heartbeat timeout', () => {
  it('applies DefaultResult CONTINUE when the heartbeat timeout elapses', async () => {
    // Prepare
    await putHook('launch', LAUNCHING, { HeartbeatTimeout: 60, DefaultResult: 'CONTINUE' });
    const [id] = account.autoScaling.scaleOut(GROUP, 1);

    // Act
    account.advance(59);
    const before = await states();
    account.advance(1);

    // Assess
    expect(before).toEqual({ [id!]: 'Pending:Wait' });
    expect(await states()).toEqual({ [id!]: 'Pending:Proceed' });
    account.advance(1);
    expect(await states()).toEqual({ [id!]: 'InService' });
    // The action is over: completing it now is the "no active action" ValidationError.
    expect((await failure(complete(id!, 'CONTINUE'))).message).toContain('No active Lifecycle Action');
  });

  it('applies DefaultResult ABANDON when the heartbeat timeout elapses (launch: terminated)', async () => {
    // Prepare
    await putHook('launch', LAUNCHING, { HeartbeatTimeout: 60, DefaultResult: 'ABANDON' });
    const [id] = account.autoScaling.scaleOut(GROUP, 1);

    // Act
    account.advance(60);

    // Assess
    expect(await states()).toEqual({});
    expect((await ec2Instance(id!))?.State?.Name).toBe('terminated');
  });

  it('applies DefaultResult on a terminating hook too: the instance terminates', async () => {
    // Prepare
    const [id] = account.autoScaling.scaleOut(GROUP, 1);
    await putHook('drain', TERMINATING, { HeartbeatTimeout: 30, DefaultResult: 'CONTINUE' });
    account.autoScaling.terminate(id!);

    // Act
    account.advance(30);

    // Assess
    expect(await states()).toEqual({ [id!]: 'Terminating:Proceed' });
    account.advance(1);
    expect(await states()).toEqual({});
  });

  it('RecordLifecycleActionHeartbeat restarts the heartbeat timeout', async () => {
    // Prepare
    await putHook('launch', LAUNCHING, { HeartbeatTimeout: 60, DefaultResult: 'ABANDON' });
    const [id] = account.autoScaling.scaleOut(GROUP, 1);
    account.advance(50);

    // Act
    await heartbeat(id!);

    // Assess: the deadline is now 50 + 60 = 110 s after launch, not 60.
    account.advance(50);
    expect(await states()).toEqual({ [id!]: 'Pending:Wait' });
    account.advance(10);
    expect(await states()).toEqual({});
  });

  it('heartbeats cannot extend the wait past the global timeout (100 x heartbeat)', async () => {
    // Prepare
    await putHook('launch', LAUNCHING, { HeartbeatTimeout: 30, DefaultResult: 'CONTINUE' });
    const [id] = account.autoScaling.scaleOut(GROUP, 1);

    // Act: a heartbeat every 20 s for 2,980 s keeps it waiting...
    for (let t = 20; t < 3000; t += 20) {
      account.advance(20);
      await heartbeat(id!);
    }
    const waiting = await states();
    account.advance(20); // ...until 3,000 s, the global timeout.

    // Assess
    expect(waiting).toEqual({ [id!]: 'Pending:Wait' });
    expect(await states()).toEqual({ [id!]: 'Pending:Proceed' });
  });
});

// ---- errors of CompleteLifecycleAction / RecordLifecycleActionHeartbeat ----

describe('completing an action that is not active', () => {
  beforeEach(async () => {
    await putHook('launch', LAUNCHING);
  });

  it('completing twice: the second is a ValidationError "No active Lifecycle Action"', async () => {
    // Prepare
    const [id] = account.autoScaling.scaleOut(GROUP, 1);
    await complete(id!, 'CONTINUE');

    // Act
    const err = await failure(complete(id!, 'CONTINUE'));

    // Assess
    expect(err.name).toBe('ValidationError');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toBe(`No active Lifecycle Action found with instance ID ${id}`);
    expect(await states()).toEqual({ [id!]: 'Pending:Proceed' });
  });

  it('a wrong token is a ValidationError naming the token', async () => {
    // Prepare
    const [id] = account.autoScaling.scaleOut(GROUP, 1);
    const wrong = '00000000-0000-4000-a000-000000000000';

    // Act
    const err = await failure(complete(id!, 'CONTINUE', 'launch', wrong));

    // Assess
    expect(err.name).toBe('ValidationError');
    expect(err.message).toBe(`No active Lifecycle Action found with token ${wrong}`);
    expect(await states()).toEqual({ [id!]: 'Pending:Wait' });
  });

  it('an instance without an action (InService, or unknown) is a ValidationError', async () => {
    // Prepare
    const [id] = account.autoScaling.scaleOut(GROUP, 1);
    await complete(id!, 'CONTINUE');
    account.advance(1);

    // Act
    const inService = await failure(complete(id!, 'ABANDON'));
    const unknown = await failure(complete('i-0ffffffffffffffff', 'CONTINUE'));

    // Assess
    expect(inService.name).toBe('ValidationError');
    expect(inService.message).toContain('No active Lifecycle Action');
    expect(unknown.name).toBe('ValidationError');
    expect(unknown.message).toContain('No active Lifecycle Action');
    expect(await states()).toEqual({ [id!]: 'InService' });
  });

  it('a heartbeat for a completed action is the same ValidationError', async () => {
    // Prepare
    const [id] = account.autoScaling.scaleOut(GROUP, 1);
    await complete(id!, 'CONTINUE');

    // Act
    const err = await failure(heartbeat(id!));

    // Assess
    expect(err.name).toBe('ValidationError');
    expect(err.message).toContain('No active Lifecycle Action');
  });

  it('neither token nor instance id is a ValidationError', async () => {
    // Act
    const err = await failure(
      autoScaling.send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: GROUP, LifecycleHookName: 'launch', LifecycleActionResult: 'CONTINUE' })),
    );

    // Assess
    expect(err.name).toBe('ValidationError');
  });
});

// ---- hooks ----

describe('PutLifecycleHook', () => {
  it('with a notification target emits the TEST_NOTIFICATION message, without LifecycleTransition', async () => {
    // Prepare
    account.advance(42);

    // Act
    await putHook('launch', LAUNCHING, {
      NotificationTargetARN: 'arn:aws:sns:eu-west-1:123456789012:hfc-lifecycle',
      RoleARN: 'arn:aws:iam::123456789012:role/hfc-asg-notify',
    });

    // Assess
    const notes = account.autoScaling.takeNotifications();
    expect(notes).toEqual([
      {
        Event: 'autoscaling:TEST_NOTIFICATION',
        AccountId: '123456789012',
        RequestId: expect.stringMatching(UUID),
        AutoScalingGroupARN: expect.stringMatching(/^arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:[0-9a-f-]+:autoScalingGroupName\/edge-asg$/),
        AutoScalingGroupName: GROUP,
        Service: 'AWS Auto Scaling',
        Time: '2026-11-22T10:00:42.000Z',
      },
    ]);
    expect(notes[0]).not.toHaveProperty('LifecycleTransition');
    const res = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));
    expect((notes[0] as { AutoScalingGroupARN: string }).AutoScalingGroupARN).toBe(res.AutoScalingGroups?.[0]?.AutoScalingGroupARN);
  });

  it('without a notification target emits nothing', async () => {
    // Act
    await putHook('launch', LAUNCHING);

    // Assess
    expect(account.autoScaling.takeNotifications()).toEqual([]);
  });

  it.each([29, 7201, 0])('refuses HeartbeatTimeout %i (outside 30-7200) with a ValidationError', async (timeout) => {
    // Act
    const err = await failure(putHook('launch', LAUNCHING, { HeartbeatTimeout: timeout }));

    // Assess
    expect(err.name).toBe('ValidationError');
    expect(err.$metadata.httpStatusCode).toBe(400);
    const hooks = await autoScaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: GROUP }));
    expect(hooks.LifecycleHooks).toEqual([]);
  });

  it.each([30, 7200])('accepts HeartbeatTimeout %i', async (timeout) => {
    // Act
    await putHook('launch', LAUNCHING, { HeartbeatTimeout: timeout });

    // Assess
    const hooks = await autoScaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: GROUP }));
    expect(hooks.LifecycleHooks?.[0]?.HeartbeatTimeout).toBe(timeout);
  });

  it('refuses an unknown lifecycle transition and an unknown group', async () => {
    // Act
    const badTransition = await failure(putHook('launch', 'autoscaling:EC2_INSTANCE_REBOOTING'));
    const badGroup = await failure(
      autoScaling.send(new PutLifecycleHookCommand({ AutoScalingGroupName: 'nope', LifecycleHookName: 'x', LifecycleTransition: LAUNCHING })),
    );

    // Assess
    expect(badTransition.name).toBe('ValidationError');
    expect(badGroup.name).toBe('ValidationError');
  });
});

describe('DescribeLifecycleHooks', () => {
  it('returns every hook with its defaults (HeartbeatTimeout 3600, DefaultResult ABANDON, GlobalTimeout min(48 h, 100 x heartbeat))', async () => {
    // Prepare
    await autoScaling.send(new PutLifecycleHookCommand({ AutoScalingGroupName: GROUP, LifecycleHookName: 'launch', LifecycleTransition: LAUNCHING }));
    await putHook('drain', TERMINATING, { HeartbeatTimeout: 600, DefaultResult: 'CONTINUE', NotificationMetadata: 'm' });

    // Act
    const all = await autoScaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: GROUP }));
    const one = await autoScaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: GROUP, LifecycleHookNames: ['drain'] }));

    // Assess
    expect(all.LifecycleHooks).toEqual([
      {
        LifecycleHookName: 'launch',
        AutoScalingGroupName: GROUP,
        LifecycleTransition: LAUNCHING,
        HeartbeatTimeout: 3600,
        GlobalTimeout: 172800,
        DefaultResult: 'ABANDON',
      },
      {
        LifecycleHookName: 'drain',
        AutoScalingGroupName: GROUP,
        LifecycleTransition: TERMINATING,
        HeartbeatTimeout: 600,
        GlobalTimeout: 60000,
        DefaultResult: 'CONTINUE',
        NotificationMetadata: 'm',
      },
    ]);
    expect(one.LifecycleHooks?.map((h) => h.LifecycleHookName)).toEqual(['drain']);
  });

  it('updates a hook put twice under the same name', async () => {
    // Prepare
    await putHook('launch', LAUNCHING, { HeartbeatTimeout: 300 });

    // Act
    await putHook('launch', LAUNCHING, { HeartbeatTimeout: 900 });

    // Assess
    const hooks = await autoScaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: GROUP }));
    expect(hooks.LifecycleHooks?.map((h) => [h.LifecycleHookName, h.HeartbeatTimeout])).toEqual([['launch', 900]]);
  });
});

// ---- groups ----

describe('DescribeAutoScalingGroups', () => {
  it('omits unknown groups instead of failing', async () => {
    // Prepare
    account.autoScaling.createGroup({ name: 'other-asg', instances: 2 });

    // Act
    const some = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['nope', GROUP] }));
    const none = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['nope'] }));
    const all = await autoScaling.send(new DescribeAutoScalingGroupsCommand({}));

    // Assess
    expect(some.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual([GROUP]);
    expect(none.AutoScalingGroups).toEqual([]);
    expect(all.AutoScalingGroups?.map((g) => [g.AutoScalingGroupName, g.Instances?.length])).toEqual([
      [GROUP, 0],
      ['other-asg', 2],
    ]);
  });

  it('instances created with the group predate every hook: they are InService', async () => {
    // Act
    const ids = account.autoScaling.createGroup({ name: 'seeded-asg', instances: 2 });

    // Assess
    const res = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['seeded-asg'] }));
    expect(res.AutoScalingGroups?.[0]?.Instances?.map((i) => [i.InstanceId, i.LifecycleState])).toEqual(ids.map((id) => [id, 'InService']));
  });

  it('pages with MaxRecords/NextToken and refuses MaxRecords above 100', async () => {
    // Prepare
    for (let i = 0; i < 4; i++) account.autoScaling.createGroup({ name: `g${i}` });

    // Act
    const first = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 3 }));
    const second = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 3, NextToken: first.NextToken }));
    const err = await failure(autoScaling.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 })));

    // Assess
    expect([...(first.AutoScalingGroups ?? []), ...(second.AutoScalingGroups ?? [])].map((g) => g.AutoScalingGroupName)).toEqual([
      GROUP,
      'g0',
      'g1',
      'g2',
      'g3',
    ]);
    expect(second.NextToken).toBeUndefined();
    expect(err.name).toBe('ValidationError');
  });
});
