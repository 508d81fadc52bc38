/**
 * Simulated Auto Scaling: groups whose instances move through the lifecycle states AWS uses,
 * lifecycle hooks with heartbeat timeouts and default results, lifecycle actions and their
 * completion, and the notifications a hook emits (collected in `outbox`, to be delivered by a
 * scenario through SNS or EventBridge envelopes, or lost, duplicated and reordered on purpose).
 *
 *   launch:    Pending:Wait --CONTINUE--> Pending:Proceed --tick--> InService
 *                          \--ABANDON---> Terminated
 *   terminate: Terminating:Wait --CONTINUE/ABANDON--> Terminating:Proceed --tick--> Terminated (gone)
 *   scale-in to a warm pool: InService --returnToWarmPool--> Warmed:Pending:Wait (listed only by
 *              the warm pool, not the group) --CONTINUE--> Warmed:Stopped
 *   launch into a warm pool: --launchIntoWarmPool--> Warmed:Pending:Wait (launching hooks, Origin
 *              EC2, Destination WarmPool) --CONTINUE--> Warmed:Stopped
 *   terminate from a warm pool: Warmed:Stopped --terminateFromWarmPool--> Warmed:Terminating:Wait
 *              (terminating hooks, Origin WarmPool, Destination EC2) --CONTINUE--> gone
 *   heartbeat timeout (virtual time): the hook's DefaultResult is applied.
 */
import type {
  CompleteLifecycleActionCommandInput,
  DescribeAutoScalingGroupsCommandInput,
  DescribeAutoScalingInstancesCommandInput,
  DescribeLifecycleHooksCommandInput,
  DescribeWarmPoolCommandInput,
  LifecycleHook,
  PutLifecycleHookCommandInput,
  RecordLifecycleActionHeartbeatCommandInput,
} from '@aws-sdk/client-auto-scaling';
import type { SimAccount } from './account';
import { ServiceSim } from './service';

export type LifecycleState =
  | 'Pending'
  | 'Pending:Wait'
  | 'Pending:Proceed'
  | 'InService'
  | 'Terminating'
  | 'Terminating:Wait'
  | 'Terminating:Proceed'
  | 'Terminated'
  | 'Standby'
  | 'Detached'
  | 'Warmed:Pending:Wait'
  | 'Warmed:Stopped'
  | 'Warmed:Terminating:Wait';

export type Transition = 'autoscaling:EC2_INSTANCE_LAUNCHING' | 'autoscaling:EC2_INSTANCE_TERMINATING';

/** A lifecycle notification as Auto Scaling builds it (the SNS Message / EventBridge detail). */
export interface LifecycleNotification {
  Origin: string;
  Destination: string;
  LifecycleHookName: string;
  AccountId: string;
  RequestId: string;
  LifecycleTransition: Transition;
  AutoScalingGroupName: string;
  Service: 'AWS Auto Scaling';
  Time: string;
  EC2InstanceId: string;
  LifecycleActionToken: string;
  NotificationMetadata?: string;
}

/** The message sent once when a hook's notification target is set. */
export interface TestNotification {
  Event: 'autoscaling:TEST_NOTIFICATION';
  AccountId: string;
  RequestId: string;
  AutoScalingGroupARN: string;
  AutoScalingGroupName: string;
  Service: 'AWS Auto Scaling';
  Time: string;
}

interface Action {
  hook: string;
  token: string;
  transition: Transition;
  deadlineMs: number;
  globalDeadlineMs: number;
  result?: 'CONTINUE' | 'ABANDON';
}

interface GroupInstance {
  instanceId: string;
  availabilityZone: string;
  state: LifecycleState;
  actions: Action[];
}

interface Group {
  name: string;
  arn: string;
  availabilityZones: string[];
  instances: Map<string, GroupInstance>;
  /** Instances in the warm pool: DescribeAutoScalingGroups does not list them. */
  warmPool: Map<string, GroupInstance>;
  hooks: Map<
    string,
    Required<Pick<LifecycleHook, 'LifecycleHookName' | 'LifecycleTransition' | 'HeartbeatTimeout' | 'GlobalTimeout' | 'DefaultResult'>> & LifecycleHook
  >;
  /** Instances launched so far, to spread new ones over the zones round-robin. */
  launched: number;
  /** New instances get an IPv6 address (the launch template and subnets have one). */
  ipv6?: boolean;
  /** The group's MaxSize (default 100). */
  maxSize: number;
  /** The launch template's instance type and security groups, for new instances. */
  instanceType?: string;
  securityGroups?: string[];
}

export class AutoScalingSim extends ServiceSim {
  protected readonly service = 'autoScaling' as const;
  /** Notifications emitted by hooks, oldest first. Scenarios drain it with `takeNotifications`. */
  readonly outbox: (LifecycleNotification | TestNotification)[] = [];
  /** Every lifecycle action that ended, when, and how (by a call, or by its heartbeat timing out). */
  readonly ended: { instanceId: string; hook: string; transition: Transition; result: 'CONTINUE' | 'ABANDON'; atMs: number; by: 'call' | 'timeout' }[] = [];
  private readonly groups = new Map<string, Group>();
  /** Describe lag: instances DescribeAutoScalingGroups still shows in an older state (or not at all). */
  private readonly lags = new Map<string, { state: LifecycleState | 'unlisted'; calls: number }>();
  /** Tokens set by `presetToken`, by `<instance id> <transition>`. */
  private readonly presetTokens = new Map<string, string>();

  constructor(private readonly account: SimAccount) {
    super();
  }

  // ---- scenario helpers ----

  /** Creates a group; `instances` start InService at once (as if they predate every hook). */
  createGroup(opts: { name: string; availabilityZones?: string[]; instances?: number }): string[] {
    const azs = opts.availabilityZones ?? [`${this.account.region}a`, `${this.account.region}b`];
    this.groups.set(opts.name, {
      name: opts.name,
      arn: `arn:aws:autoscaling:${this.account.region}:${this.account.accountId}:autoScalingGroup:${this.account.ec2.ids.uuid()}:autoScalingGroupName/${opts.name}`,
      availabilityZones: azs,
      instances: new Map(),
      warmPool: new Map(),
      hooks: new Map(),
      launched: 0,
      maxSize: 100,
    });
    return Array.from({ length: opts.instances ?? 0 }, () => this.addInstance(opts.name, 'InService').instanceId);
  }

  /** From now on the group's new instances get an IPv6 address (or not): a launch template change. */
  setLaunchIpv6(groupName: string, on: boolean): void {
    this.group(groupName).ipv6 = on;
  }

  /** The group's settings and its launch template's, for new instances (UpdateAutoScalingGroup, a new template version). */
  setGroup(groupName: string, opts: { maxSize?: number; instanceType?: string; securityGroups?: string[] }): void {
    const group = this.group(groupName);
    if (opts.maxSize !== undefined) group.maxSize = opts.maxSize;
    if (opts.instanceType !== undefined) group.instanceType = opts.instanceType;
    if (opts.securityGroups !== undefined) group.securityGroups = [...opts.securityGroups];
  }

  /** Deletes a group and its instances, as DeleteAutoScalingGroup with ForceDelete does. */
  deleteGroup(groupName: string): void {
    const group = this.group(groupName);
    for (const gi of [...group.instances.values(), ...group.warmPool.values()]) this.account.ec2.terminateInstance(gi.instanceId);
    this.groups.delete(groupName);
  }

  /**
   * Launches `count` instances; each waits in Pending:Wait while a launching hook exists.
   * `instanceIds` gives them ids instead of generated ones.
   */
  scaleOut(groupName: string, count: number, opts: { instanceIds?: string[] } = {}): string[] {
    const group = this.group(groupName);
    const hooks = this.hooksFor(group, 'autoscaling:EC2_INSTANCE_LAUNCHING');
    return Array.from({ length: count }, (_, i) => {
      const gi = this.addInstance(groupName, hooks.length > 0 ? 'Pending:Wait' : 'InService', opts.instanceIds?.[i]);
      this.startActions(group, gi, 'autoscaling:EC2_INSTANCE_LAUNCHING');
      return gi.instanceId;
    });
  }

  /** Starts terminating an instance; it waits in Terminating:Wait while a terminating hook exists. */
  terminate(instanceId: string): void {
    const group = this.groupOf(instanceId);
    const gi = group.instances.get(instanceId)!;
    if (gi.state.startsWith('Terminat')) return;
    gi.actions = [];
    if (this.hooksFor(group, 'autoscaling:EC2_INSTANCE_TERMINATING').length === 0) {
      this.finishTermination(group, gi);
      return;
    }
    gi.state = 'Terminating:Wait';
    this.startActions(group, gi, 'autoscaling:EC2_INSTANCE_TERMINATING');
  }

  /**
   * Scales an InService instance in to the warm pool: it leaves the group's instance list and
   * its terminating hooks fire with Origin AutoScalingGroup, Destination WarmPool.
   */
  returnToWarmPool(instanceId: string): void {
    const group = this.groupOf(instanceId);
    const gi = group.instances.get(instanceId)!;
    group.instances.delete(instanceId);
    group.warmPool.set(instanceId, gi);
    gi.state = 'Warmed:Pending:Wait';
    gi.actions = [];
    this.startActions(group, gi, 'autoscaling:EC2_INSTANCE_TERMINATING', { origin: 'AutoScalingGroup', destination: 'WarmPool' });
  }

  /**
   * Launches `count` instances straight into the group's warm pool: listed only by the warm pool,
   * each waits in Warmed:Pending:Wait while a launching hook exists (Origin EC2, Destination
   * WarmPool), then is stopped there.
   */
  launchIntoWarmPool(groupName: string, count: number): string[] {
    const group = this.group(groupName);
    return Array.from({ length: count }, () => {
      const gi = this.addInstance(groupName, 'Warmed:Pending:Wait');
      group.instances.delete(gi.instanceId);
      group.warmPool.set(gi.instanceId, gi);
      this.startActions(group, gi, 'autoscaling:EC2_INSTANCE_LAUNCHING', { origin: 'EC2', destination: 'WarmPool' });
      if (gi.actions.length === 0) this.putAway(gi);
      return gi.instanceId;
    });
  }

  /** Terminates an instance of the warm pool (Origin WarmPool, Destination EC2). */
  terminateFromWarmPool(instanceId: string): void {
    const group = [...this.groups.values()].find((g) => g.warmPool.has(instanceId));
    if (!group) throw new Error(`simulated account: instance ${instanceId} is in no warm pool`);
    const gi = group.warmPool.get(instanceId)!;
    gi.state = 'Warmed:Terminating:Wait';
    gi.actions = [];
    this.startActions(group, gi, 'autoscaling:EC2_INSTANCE_TERMINATING', { origin: 'WarmPool', destination: 'EC2' });
    if (gi.actions.length === 0) this.leaveWarmPool(group, gi);
  }

  /** Puts an InService instance in Standby (EnterStandby), or back InService (ExitStandby). */
  setStandby(instanceId: string, standby: boolean): void {
    const gi = this.groupOf(instanceId).instances.get(instanceId)!;
    const from = standby ? 'InService' : 'Standby';
    if (gi.state !== from) throw new Error(`simulated account: ${instanceId} is ${gi.state}, not ${from}`);
    gi.state = standby ? 'Standby' : 'InService';
  }

  /**
   * Makes the next `calls` DescribeAutoScalingGroups answers show an instance in an older state,
   * or leave it out: the describe lags behind a lifecycle action whose notification is already
   * out (the reason events are trusted as hints at all).
   */
  lagDescribe(instanceId: string, state: LifecycleState | 'unlisted', calls = 1): void {
    this.lags.set(instanceId, { state, calls });
  }

  /** Instances in the group's warm pool with their states. */
  warmPoolInstances(groupName: string): { instanceId: string; state: LifecycleState }[] {
    return [...this.group(groupName).warmPool.values()].map(({ instanceId, state }) => ({ instanceId, state }));
  }

  /** Instances of the group with their lifecycle states (terminated ones are gone). */
  instances(groupName: string): { instanceId: string; state: LifecycleState; availabilityZone: string }[] {
    return [...this.group(groupName).instances.values()].map(({ instanceId, state, availabilityZone }) => ({ instanceId, state, availabilityZone }));
  }

  /** Removes and returns every pending notification. */
  takeNotifications(): (LifecycleNotification | TestNotification)[] {
    return this.outbox.splice(0, this.outbox.length);
  }

  /** Called by the account on every `advance`: Proceed states settle, expired actions time out. */
  onTick(): void {
    const now = this.account.now().getTime();
    for (const group of this.groups.values()) {
      for (const gi of [...group.instances.values(), ...group.warmPool.values()]) {
        if (gi.state === 'Pending:Proceed') gi.state = 'InService';
        else if (gi.state === 'Terminating:Proceed') this.finishTermination(group, gi);
        for (const action of gi.actions) {
          if (action.result) continue;
          if (now >= action.deadlineMs || now >= action.globalDeadlineMs) {
            const hook = group.hooks.get(action.hook);
            this.complete(group, gi, action, (hook?.DefaultResult ?? 'ABANDON') as 'CONTINUE' | 'ABANDON', 'timeout');
          }
        }
      }
    }
  }

  // ---- AWS operations ----

  DescribeAutoScalingGroups(input: DescribeAutoScalingGroupsCommandInput) {
    const names = input.AutoScalingGroupNames ?? [...this.groups.keys()];
    const max = input.MaxRecords ?? 50;
    if (max < 1 || max > 100) this.fail('ValidationError', `MaxRecords must be between 1 and 100`);
    const found = names.map((n) => this.groups.get(n)).filter((g): g is Group => g !== undefined);
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const page = found.slice(start, start + max);
    return {
      AutoScalingGroups: page.map((g) => ({
        AutoScalingGroupName: g.name,
        AutoScalingGroupARN: g.arn,
        AvailabilityZones: g.availabilityZones,
        DesiredCapacity: g.instances.size,
        MinSize: 0,
        MaxSize: g.maxSize,
        CreatedTime: this.account.now(),
        Instances: [...g.instances.values()].flatMap((gi) => {
          const lag = this.lags.get(gi.instanceId);
          if (lag && --lag.calls <= 0) this.lags.delete(gi.instanceId);
          if (lag?.state === 'unlisted') return [];
          return [
            {
              InstanceId: gi.instanceId,
              AvailabilityZone: gi.availabilityZone,
              LifecycleState: lag?.state ?? gi.state,
              HealthStatus: 'Healthy',
              ProtectedFromScaleIn: false,
              InstanceType: this.account.ec2.instance(gi.instanceId)?.instanceType ?? 'c7g.large',
            },
          ];
        }),
      })),
      ...(start + max < found.length ? { NextToken: String(start + max) } : {}),
    };
  }

  /**
   * The instances of every group (warm pools included) by id; an id no group has is left out,
   * not an error. At most 50 ids per call.
   */
  DescribeAutoScalingInstances(input: DescribeAutoScalingInstancesCommandInput) {
    const ids = input.InstanceIds ?? [];
    if (ids.length > 50) this.fail('ValidationError', 'The number of instance ids that may be passed in is 50');
    const rows = [...this.groups.values()].flatMap((g) =>
      [...g.instances.values(), ...g.warmPool.values()]
        .filter((gi) => ids.length === 0 || ids.includes(gi.instanceId))
        .filter((gi) => this.lags.get(gi.instanceId)?.state !== 'unlisted')
        .map((gi) => ({
          InstanceId: gi.instanceId,
          AutoScalingGroupName: g.name,
          AvailabilityZone: gi.availabilityZone,
          LifecycleState: this.lags.get(gi.instanceId)?.state ?? gi.state,
          HealthStatus: 'HEALTHY',
          ProtectedFromScaleIn: false,
          InstanceType: 'c7g.large',
        })),
    );
    return { AutoScalingInstances: rows };
  }

  PutLifecycleHook(input: PutLifecycleHookCommandInput) {
    const group = this.groups.get(input.AutoScalingGroupName ?? '');
    if (!group) this.fail('ValidationError', `Group ${input.AutoScalingGroupName} not found`);
    const heartbeat = input.HeartbeatTimeout ?? 3600;
    if (heartbeat < 30 || heartbeat > 7200) this.fail('ValidationError', 'HeartbeatTimeout must be between 30 and 7200');
    const transition = input.LifecycleTransition;
    if (transition !== 'autoscaling:EC2_INSTANCE_LAUNCHING' && transition !== 'autoscaling:EC2_INSTANCE_TERMINATING') {
      this.fail('ValidationError', `Invalid LifecycleTransition ${transition}`);
    }
    group.hooks.set(input.LifecycleHookName!, {
      LifecycleHookName: input.LifecycleHookName!,
      AutoScalingGroupName: group.name,
      LifecycleTransition: transition,
      HeartbeatTimeout: heartbeat,
      GlobalTimeout: Math.min(172800, 100 * heartbeat),
      DefaultResult: input.DefaultResult ?? 'ABANDON',
      ...(input.NotificationTargetARN ? { NotificationTargetARN: input.NotificationTargetARN } : {}),
      ...(input.RoleARN ? { RoleARN: input.RoleARN } : {}),
      ...(input.NotificationMetadata ? { NotificationMetadata: input.NotificationMetadata } : {}),
    });
    if (input.NotificationTargetARN) {
      this.outbox.push({
        Event: 'autoscaling:TEST_NOTIFICATION',
        AccountId: this.account.accountId,
        RequestId: this.account.ec2.ids.uuid(),
        AutoScalingGroupARN: group.arn,
        AutoScalingGroupName: group.name,
        Service: 'AWS Auto Scaling',
        Time: this.account.now().toISOString(),
      });
    }
    return {};
  }

  /** The group's warm-pool instances (DescribeAutoScalingGroups does not list them). */
  DescribeWarmPool(input: DescribeWarmPoolCommandInput) {
    const group = this.groups.get(input.AutoScalingGroupName ?? '');
    if (!group) this.fail('ValidationError', `Group ${input.AutoScalingGroupName} not found`);
    const max = input.MaxRecords ?? 50;
    if (max < 1 || max > 100) this.fail('ValidationError', 'MaxRecords must be between 1 and 100');
    const all = [...group.warmPool.values()];
    const start = input.NextToken ? Number(input.NextToken) : 0;
    return {
      ...(all.length ? { WarmPoolConfiguration: { MinSize: 0, PoolState: 'Stopped' } } : {}),
      Instances: all.slice(start, start + max).map((gi) => ({
        InstanceId: gi.instanceId,
        AvailabilityZone: gi.availabilityZone,
        LifecycleState: gi.state,
        HealthStatus: 'Healthy',
        ProtectedFromScaleIn: false,
        InstanceType: 'c7g.large',
      })),
      ...(start + max < all.length ? { NextToken: String(start + max) } : {}),
    };
  }

  DescribeLifecycleHooks(input: DescribeLifecycleHooksCommandInput) {
    const group = this.groups.get(input.AutoScalingGroupName ?? '');
    if (!group) this.fail('ValidationError', `Group ${input.AutoScalingGroupName} not found`);
    const names = input.LifecycleHookNames;
    return { LifecycleHooks: [...group.hooks.values()].filter((h) => !names || names.includes(h.LifecycleHookName)) };
  }

  DeleteLifecycleHook(input: { AutoScalingGroupName?: string; LifecycleHookName?: string }) {
    const group = this.groups.get(input.AutoScalingGroupName ?? '');
    if (!group) this.fail('ValidationError', `Group ${input.AutoScalingGroupName} not found`);
    if (!group.hooks.delete(input.LifecycleHookName ?? '')) this.fail('ValidationError', `No Lifecycle Hook found with name ${input.LifecycleHookName}`);
    return {};
  }

  CompleteLifecycleAction(input: CompleteLifecycleActionCommandInput) {
    if (input.LifecycleActionResult !== 'CONTINUE' && input.LifecycleActionResult !== 'ABANDON') {
      this.fail('ValidationError', `LifecycleActionResult must be CONTINUE or ABANDON`);
    }
    const { group, gi, action } = this.findAction(input);
    this.complete(group, gi, action, input.LifecycleActionResult);
    return {};
  }

  RecordLifecycleActionHeartbeat(input: RecordLifecycleActionHeartbeatCommandInput) {
    const { group, action } = this.findAction(input);
    const hook = group.hooks.get(action.hook)!;
    action.deadlineMs = Math.min(action.globalDeadlineMs, this.account.now().getTime() + hook.HeartbeatTimeout * 1000);
    return {};
  }

  // ---- internals ----

  private findAction(input: { AutoScalingGroupName?: string; LifecycleHookName?: string; LifecycleActionToken?: string; InstanceId?: string }) {
    if (!input.LifecycleActionToken && !input.InstanceId) {
      this.fail('ValidationError', 'Either LifecycleActionToken or InstanceId must be specified');
    }
    const group = this.groups.get(input.AutoScalingGroupName ?? '');
    const candidates = group ? [...group.instances.values(), ...group.warmPool.values()] : [];
    for (const gi of candidates) {
      if (input.InstanceId && gi.instanceId !== input.InstanceId) continue;
      const action = gi.actions.find(
        (a) => !a.result && a.hook === input.LifecycleHookName && (!input.LifecycleActionToken || a.token === input.LifecycleActionToken),
      );
      if (action) return { group: group!, gi, action };
    }
    const what = input.InstanceId ? `instance ID ${input.InstanceId}` : `token ${input.LifecycleActionToken}`;
    return this.fail('ValidationError', `No active Lifecycle Action found with ${what}`);
  }

  private complete(group: Group, gi: GroupInstance, action: Action, result: 'CONTINUE' | 'ABANDON', by: 'call' | 'timeout' = 'call'): void {
    action.result = result;
    const { instanceId } = gi;
    this.ended.push({ instanceId, hook: action.hook, transition: action.transition, result, atMs: this.account.now().getTime(), by });
    // ABANDON "stops any remaining actions, such as other lifecycle hooks" (Auto Scaling user
    // guide); CONTINUE waits for the other hooks of the transition.
    if (result === 'ABANDON') for (const a of gi.actions) a.result ??= 'ABANDON';
    if (gi.actions.some((a) => !a.result)) return;
    const abandoned = gi.actions.some((a) => a.result === 'ABANDON');
    if (group.warmPool.has(gi.instanceId)) {
      if (action.transition === 'autoscaling:EC2_INSTANCE_TERMINATING' && gi.state === 'Warmed:Terminating:Wait') this.leaveWarmPool(group, gi);
      else if (abandoned && action.transition === 'autoscaling:EC2_INSTANCE_LAUNCHING') this.leaveWarmPool(group, gi);
      else this.putAway(gi);
      return;
    }
    if (action.transition === 'autoscaling:EC2_INSTANCE_LAUNCHING') {
      if (abandoned) this.finishTermination(group, gi);
      else gi.state = 'Pending:Proceed';
    } else {
      gi.state = 'Terminating:Proceed';
    }
  }

  private putAway(gi: GroupInstance): void {
    gi.state = 'Warmed:Stopped';
    this.account.ec2.stopInstance(gi.instanceId);
  }

  private leaveWarmPool(group: Group, gi: GroupInstance): void {
    group.warmPool.delete(gi.instanceId);
    this.account.ec2.terminateInstance(gi.instanceId);
  }

  private finishTermination(group: Group, gi: GroupInstance): void {
    gi.state = 'Terminated';
    group.instances.delete(gi.instanceId);
    this.account.ec2.terminateInstance(gi.instanceId);
  }

  /**
   * The token the next lifecycle action of `instanceId` for `transition` gets, instead of a
   * generated one: a served account is seeded so that the sample events' tokens are real.
   */
  presetToken(instanceId: string, transition: Transition, token: string): void {
    this.presetTokens.set(`${instanceId} ${transition}`, token);
  }

  private startActions(group: Group, gi: GroupInstance, transition: Transition, route?: { origin: string; destination: string }): void {
    const now = this.account.now();
    for (const hook of this.hooksFor(group, transition)) {
      const preset = this.presetTokens.get(`${gi.instanceId} ${transition}`);
      this.presetTokens.delete(`${gi.instanceId} ${transition}`);
      const token = preset ?? this.account.ec2.ids.uuid();
      gi.actions.push({
        hook: hook.LifecycleHookName,
        token,
        transition,
        deadlineMs: now.getTime() + hook.HeartbeatTimeout * 1000,
        globalDeadlineMs: now.getTime() + hook.GlobalTimeout * 1000,
      });
      const launching = transition === 'autoscaling:EC2_INSTANCE_LAUNCHING';
      this.outbox.push({
        Origin: route?.origin ?? (launching ? 'EC2' : 'AutoScalingGroup'),
        Destination: route?.destination ?? (launching ? 'AutoScalingGroup' : 'EC2'),
        LifecycleHookName: hook.LifecycleHookName,
        AccountId: this.account.accountId,
        RequestId: this.account.ec2.ids.uuid(),
        LifecycleTransition: transition,
        AutoScalingGroupName: group.name,
        Service: 'AWS Auto Scaling',
        Time: now.toISOString(),
        EC2InstanceId: gi.instanceId,
        LifecycleActionToken: token,
        ...(hook.NotificationMetadata ? { NotificationMetadata: hook.NotificationMetadata } : {}),
      });
    }
  }

  private addInstance(groupName: string, state: LifecycleState, instanceId?: string): GroupInstance {
    const group = this.group(groupName);
    const az = group.availabilityZones[group.launched % group.availabilityZones.length]!;
    group.launched += 1;
    const inst = this.account.ec2.runInstance({
      availabilityZone: az,
      tags: { 'aws:autoscaling:groupName': groupName },
      ...(group.ipv6 ? { ipv6: true } : {}),
      ...(group.instanceType ? { instanceType: group.instanceType } : {}),
      ...(group.securityGroups ? { securityGroups: group.securityGroups } : {}),
      ...(instanceId ? { instanceId } : {}),
    });
    const gi: GroupInstance = { instanceId: inst.instanceId, availabilityZone: az, state, actions: [] };
    group.instances.set(gi.instanceId, gi);
    return gi;
  }

  private hooksFor(group: Group, transition: Transition) {
    return [...group.hooks.values()].filter((h) => h.LifecycleTransition === transition);
  }

  private group(name: string): Group {
    const g = this.groups.get(name);
    if (!g) throw new Error(`simulated account: no Auto Scaling group ${name}`);
    return g;
  }

  private groupOf(instanceId: string): Group {
    for (const g of this.groups.values()) if (g.instances.has(instanceId)) return g;
    throw new Error(`simulated account: instance ${instanceId} is in no group`);
  }
}
