/** Auto Scaling adapter: the group's instances, confirming and completing lifecycle actions. */
import {
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  paginateDescribeWarmPool,
  RecordLifecycleActionHeartbeatCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import { asLifecycleState, type LifecycleState } from '../plan/lifecycle';
import { isAwsError } from './errors';

export interface GroupInstance {
  instanceId: string;
  lifecycleState: LifecycleState;
  availabilityZone?: string;
}

export class AutoScalingAdapter {
  constructor(private readonly client: AutoScalingClient) {}

  /** The group's instances, or undefined when the group does not exist. */
  async describeGroup(name: string): Promise<GroupInstance[] | undefined> {
    const res = await this.client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
    const group = res.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === name);
    if (!group) return undefined;
    return (group.Instances ?? []).map((i) => ({
      instanceId: i.InstanceId ?? '',
      lifecycleState: asLifecycleState(i.LifecycleState),
      ...(i.AvailabilityZone ? { availabilityZone: i.AvailabilityZone } : {}),
    }));
  }

  /**
   * One instance's group and lifecycle state (DescribeAutoScalingInstances), or undefined when
   * Auto Scaling does not list it (gone, or not one of its instances).
   */
  async describeInstance(instanceId: string): Promise<{ groupName: string; lifecycleState: LifecycleState } | undefined> {
    const res = await this.client.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }));
    const i = res.AutoScalingInstances?.find((x) => x.InstanceId === instanceId);
    return i ? { groupName: i.AutoScalingGroupName ?? '', lifecycleState: asLifecycleState(i.LifecycleState) } : undefined;
  }

  /**
   * The group's warm-pool instances and their lifecycle states (`Warmed:Pending:Wait`, ...):
   * DescribeAutoScalingGroups does not list them. Empty for a group without a warm pool.
   */
  async describeWarmPool(groupName: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for await (const page of paginateDescribeWarmPool({ client: this.client, pageSize: 100 }, { AutoScalingGroupName: groupName }))
      for (const i of page.Instances ?? []) if (i.InstanceId) out.set(i.InstanceId, i.LifecycleState ?? 'Unknown');
    return out;
  }

  /**
   * Whether the instance has an active lifecycle action on this hook, asked with
   * RecordLifecycleActionHeartbeat (AWS answers ValidationError "No active Lifecycle Action"
   * when it has none). The instance id, not an event's token, is what is asked about: the fact
   * that matters is whether *this* instance is waiting on our hook, and AWS does not document
   * checking a token against an instance given with it. The call extends the action's timeout
   * by one heartbeat, which only gives our own hook more time.
   */
  async confirmAction(a: { groupName: string; hookName: string; instanceId: string }): Promise<'active' | 'no-active-action'> {
    try {
      await this.client.send(
        new RecordLifecycleActionHeartbeatCommand({ AutoScalingGroupName: a.groupName, LifecycleHookName: a.hookName, InstanceId: a.instanceId }),
      );
      return 'active';
    } catch (err) {
      if (noActiveAction(err)) return 'no-active-action';
      throw err;
    }
  }

  /**
   * Completes a lifecycle action, by instance id: never by an event's token, which may name
   * another instance's action (one instance has at most one active action per hook). An action that no longer exists (already completed by a
   * duplicate event, timed out, or the instance is gone) is reported, not thrown: it is the
   * normal outcome of at-least-once delivery.
   */
  async completeLifecycleAction(a: {
    groupName: string;
    hookName: string;
    instanceId: string;
    result: 'CONTINUE' | 'ABANDON';
  }): Promise<'completed' | 'no-active-action'> {
    try {
      await this.client.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: a.groupName,
          LifecycleHookName: a.hookName,
          LifecycleActionResult: a.result,
          InstanceId: a.instanceId,
        }),
      );
      return 'completed';
    } catch (err) {
      if (noActiveAction(err)) return 'no-active-action';
      throw err;
    }
  }
}

/** Auto Scaling's answer for an action that does not exist (any more): a ValidationError with this text. */
function noActiveAction(err: unknown): boolean {
  return isAwsError(err, 'ValidationError') && /No active Lifecycle Action/i.test((err as Error).message);
}
