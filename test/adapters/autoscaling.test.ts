/**
 * AutoScalingAdapter against a mocked AutoScalingClient: the inputs it sends and how it maps the
 * answers and the "no active lifecycle action" ValidationError.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  RecordLifecycleActionHeartbeatCommand,
  type AutoScalingGroup,
  type CompleteLifecycleActionCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { AutoScalingAdapter } from '../../lib/aws/autoscaling';

const asMock = mockClient(AutoScalingClient);
let adapter: AutoScalingAdapter;

beforeEach(() => {
  asMock.reset();
  adapter = new AutoScalingAdapter(new AutoScalingClient({ region: 'eu-west-1' }));
});

/** The error a promise rejects with; fails the test when it resolves. */
async function failure(p: Promise<unknown>): Promise<any> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err) => err,
  );
}

const validationError = (message: string) =>
  new AutoScalingServiceException({ name: 'ValidationError', $fault: 'client', $metadata: { httpStatusCode: 400 }, message });

const group = (name: string, instances: AutoScalingGroup['Instances']): AutoScalingGroup => ({
  AutoScalingGroupName: name,
  MinSize: 0,
  MaxSize: 10,
  DesiredCapacity: instances?.length ?? 0,
  DefaultCooldown: 300,
  AvailabilityZones: ['eu-west-1a', 'eu-west-1b'],
  HealthCheckType: 'EC2',
  CreatedTime: new Date('2026-01-01T00:00:00Z'),
  Instances: instances,
});

describe('describeGroup', () => {
  it('asks for exactly the named group and maps instance id, LifecycleState and AZ', async () => {
    // Prepare
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        group('edge-asg', [
          {
            InstanceId: 'i-0aaaaaaaaaaaaaaa1',
            AvailabilityZone: 'eu-west-1a',
            LifecycleState: 'Pending:Wait',
            HealthStatus: 'Healthy',
            ProtectedFromScaleIn: false,
          },
          {
            InstanceId: 'i-0aaaaaaaaaaaaaaa2',
            AvailabilityZone: 'eu-west-1b',
            LifecycleState: 'InService',
            HealthStatus: 'Healthy',
            ProtectedFromScaleIn: false,
          },
          {
            InstanceId: 'i-0aaaaaaaaaaaaaaa3',
            AvailabilityZone: 'eu-west-1a',
            LifecycleState: 'Terminating:Wait',
            HealthStatus: 'Unhealthy',
            ProtectedFromScaleIn: false,
          },
        ]),
      ],
    });

    // Act
    const instances = await adapter.describeGroup('edge-asg');

    // Assess
    expect(asMock.commandCalls(DescribeAutoScalingGroupsCommand).map((c) => c.args[0].input)).toEqual([{ AutoScalingGroupNames: ['edge-asg'] }]);
    expect(instances).toEqual([
      { instanceId: 'i-0aaaaaaaaaaaaaaa1', lifecycleState: 'Pending:Wait', availabilityZone: 'eu-west-1a' },
      { instanceId: 'i-0aaaaaaaaaaaaaaa2', lifecycleState: 'InService', availabilityZone: 'eu-west-1b' },
      { instanceId: 'i-0aaaaaaaaaaaaaaa3', lifecycleState: 'Terminating:Wait', availabilityZone: 'eu-west-1a' },
    ]);
  });

  it('returns undefined when the group does not exist (AWS answers an empty list)', async () => {
    // Prepare
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });

    // Act
    const instances = await adapter.describeGroup('gone-asg');

    // Assess
    expect(instances).toBeUndefined();
    expect(asMock).toHaveReceivedCommandExactlyOnceWith(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ['gone-asg'] });
  });

  it('ignores a group of another name in the answer', async () => {
    // Prepare
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group('other-asg', [])] });

    // Act
    const instances = await adapter.describeGroup('edge-asg');

    // Assess
    expect(instances).toBeUndefined();
  });

  it('returns [] for a group without instances, and tolerates missing fields', async () => {
    // Prepare
    asMock
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [group('edge-asg', undefined)] })
      .resolvesOnce({ AutoScalingGroups: [group('edge-asg', [{ InstanceId: 'i-0aaaaaaaaaaaaaaa1' } as any])] });

    // Act
    const empty = await adapter.describeGroup('edge-asg');
    const partial = await adapter.describeGroup('edge-asg');

    // Assess
    expect(empty).toEqual([]);
    expect(partial).toEqual([{ instanceId: 'i-0aaaaaaaaaaaaaaa1', lifecycleState: 'Unknown' }]);
    expect(partial?.[0]).not.toHaveProperty('availabilityZone');
  });
});

describe('completeLifecycleAction', () => {
  const base = { groupName: 'edge-asg', hookName: 'hfc-launch', instanceId: 'i-0aaaaaaaaaaaaaaa1' };
  const sent = () => asMock.commandCalls(CompleteLifecycleActionCommand).map((c) => c.args[0].input as CompleteLifecycleActionCommandInput);

  it("completes by instance id, never by a token (an event's token may name another instance's action)", async () => {
    // Prepare
    asMock.on(CompleteLifecycleActionCommand).resolves({});

    // Act
    const res = await adapter.completeLifecycleAction({ ...base, result: 'ABANDON' });

    // Assess
    expect(res).toBe('completed');
    expect(sent()).toEqual([
      { AutoScalingGroupName: 'edge-asg', LifecycleHookName: 'hfc-launch', LifecycleActionResult: 'ABANDON', InstanceId: 'i-0aaaaaaaaaaaaaaa1' },
    ]);
  });

  it.each([
    'No active Lifecycle Action found with instance ID i-0aaaaaaaaaaaaaaa1',
    'No active Lifecycle Action found with token b7c1f2a4-0000-4000-a000-000000000001',
  ])("reports 'no-active-action' for ValidationError %j", async (message) => {
    // Prepare
    asMock.on(CompleteLifecycleActionCommand).rejects(validationError(message));

    // Act
    const res = await adapter.completeLifecycleAction({ ...base, result: 'CONTINUE' });

    // Assess
    expect(res).toBe('no-active-action');
    expect(asMock).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
  });

  it('rethrows any other ValidationError unchanged', async () => {
    // Prepare
    const other = validationError('1 validation error detected: Value at lifecycleHookName failed to satisfy constraint');
    asMock.on(CompleteLifecycleActionCommand).rejects(other);

    // Act
    const err = await failure(adapter.completeLifecycleAction({ ...base, result: 'CONTINUE' }));

    // Assess
    expect(err).toBe(other);
  });

  it('rethrows other errors unchanged, even with a matching message', async () => {
    // Prepare
    const throttled = new AutoScalingServiceException({
      name: 'Throttling',
      $fault: 'client',
      $metadata: {},
      message: 'No active Lifecycle Action found with instance ID i-0aaaaaaaaaaaaaaa1',
    });
    asMock.on(CompleteLifecycleActionCommand).rejects(throttled);

    // Act
    const err = await failure(adapter.completeLifecycleAction({ ...base, result: 'CONTINUE' }));

    // Assess
    expect(err).toBe(throttled);
  });
});

describe('confirmAction', () => {
  const action = { groupName: 'edge-haproxy', hookName: 'edge-hfc-terminating', instanceId: 'i-0aaaaaaaaaaaaaaa1' };

  it('asks with RecordLifecycleActionHeartbeat by instance id, never by a token', async () => {
    // Prepare
    asMock.on(RecordLifecycleActionHeartbeatCommand).resolves({});

    // Act
    const res = await adapter.confirmAction(action);

    // Assess
    expect(res).toBe('active');
    expect(asMock).toHaveReceivedCommandWith(RecordLifecycleActionHeartbeatCommand, {
      AutoScalingGroupName: 'edge-haproxy',
      LifecycleHookName: 'edge-hfc-terminating',
      InstanceId: 'i-0aaaaaaaaaaaaaaa1',
    });
    expect(asMock.commandCalls(RecordLifecycleActionHeartbeatCommand)[0]!.args[0].input).not.toHaveProperty('LifecycleActionToken');
  });

  it('maps "No active Lifecycle Action" to no-active-action', async () => {
    asMock.on(RecordLifecycleActionHeartbeatCommand).rejects(validationError('No active Lifecycle Action found with instance ID i-0aaaaaaaaaaaaaaa1'));
    expect(await adapter.confirmAction(action)).toBe('no-active-action');
  });

  it('rethrows throttling: an unconfirmed event must fail the run (and be retried), not be taken as stale', async () => {
    const throttled = new AutoScalingServiceException({ name: 'Throttling', $fault: 'client', $metadata: {}, message: 'Rate exceeded' });
    asMock.on(RecordLifecycleActionHeartbeatCommand).rejects(throttled);
    expect(await failure(adapter.confirmAction(action))).toBe(throttled);
  });
});
