/**
 * Seeds a simulated account as a deployed control plane would find its AWS account, so the sample
 * events in events/ are true of it: for each fleet of the configuration, its hosted zone (by the
 * configured id), its Auto Scaling group with two nodes already in service and the lifecycle
 * hooks the stack installs, its Elastic IP pool; the stack itself (CloudFormation resources, the
 * SSM documents), so `serverless invoke local` resolves the functions' `Ref` variables; and the
 * instance the sample lifecycle events name, launching with the sample's own token (its
 * terminating token is reserved for when it is scaled in). What it cannot make fit (a sample
 * naming a group no fleet manages) is said, not guessed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDeployment } from '../deploy/cloudformation';
import type { Config } from '../lib/config/load';
import type { SimAccount } from '../sim/account';
import type { Transition } from '../sim/autoscaling';

export interface SampleEvent {
  file: string;
  /** The function that takes it (serverless.yml). */
  fn: 'lifecycle' | 'reconcile' | 'alarm';
  kind: 'test-notification' | 'launching' | 'terminating' | 'scheduled' | 'alarm' | 'ec2';
  group?: string;
  instanceId?: string;
  token?: string;
  alarmName?: string;
  alarmState?: string;
  /** EC2 events: state-change state, or the announcement. */
  ec2?: string;
  /** When the event says it happened. */
  time?: string;
}

/** What a sample event is, read from the event itself (SNS, EventBridge or a Lambda alarm action). */
// biome-ignore lint/suspicious/noExplicitAny: an event of any of the shapes events/ holds, read field by field
export function readSample(file: string, event: Record<string, any>): SampleEvent {
  const sns = event.Records?.[0]?.Sns;
  if (sns) {
    const msg = JSON.parse(sns.Message);
    if (msg.Event === 'autoscaling:TEST_NOTIFICATION') return { file, fn: 'lifecycle', kind: 'test-notification', group: msg.AutoScalingGroupName };
    if (msg.LifecycleTransition) return lifecycle(file, msg);
    if (msg.AlarmName) return { file, fn: 'alarm', kind: 'alarm', alarmName: msg.AlarmName, alarmState: msg.NewStateValue };
  }
  if (event.source === 'aws.autoscaling' && event.detail?.LifecycleTransition) return lifecycle(file, { Time: event.time, ...event.detail });
  if (event.source === 'aws.cloudwatch' && event.alarmData)
    return { file, fn: 'alarm', kind: 'alarm', alarmName: event.alarmData.alarmName, alarmState: event.alarmData.state?.value };
  if (event.source === 'aws.cloudwatch' && event.detail?.alarmName) {
    return { file, fn: 'alarm', kind: 'alarm', alarmName: event.detail.alarmName, alarmState: event.detail.state?.value };
  }
  if (event.source === 'aws.ec2') {
    const what = event['detail-type'] === 'EC2 Instance State-change Notification' ? event.detail.state : event['detail-type'];
    return { file, fn: 'alarm', kind: 'ec2', instanceId: event.detail?.['instance-id'], ec2: what };
  }
  if (event.source === 'aws.events' || event['detail-type'] === 'Scheduled Event') return { file, fn: 'reconcile', kind: 'scheduled' };
  throw new Error(`${file}: not an event any function takes (lifecycle action, alarm, EC2 event or schedule)`);
}

function lifecycle(file: string, msg: Record<string, string>): SampleEvent {
  return {
    file,
    fn: 'lifecycle',
    kind: msg.LifecycleTransition!.endsWith('LAUNCHING') ? 'launching' : 'terminating',
    group: msg.AutoScalingGroupName,
    instanceId: msg.EC2InstanceId,
    token: msg.LifecycleActionToken,
    time: msg.Time,
  };
}

export function readSamples(dir: string): SampleEvent[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readSample(join(dir, f), JSON.parse(readFileSync(join(dir, f), 'utf8'))));
}

/** An alarm on a node's status checks, as an operator would make it (state OK: the node is healthy). */
function putOperatorAlarm(account: SimAccount, name: string, instanceId: string): void {
  account.cloudWatch.PutMetricAlarm({
    AlarmName: name,
    AlarmDescription: `status checks of ${instanceId}`,
    Namespace: 'AWS/EC2',
    MetricName: 'StatusCheckFailed',
    Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
    Statistic: 'Maximum',
    Period: 60,
    EvaluationPeriods: 2,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'missing',
  });
  account.cloudWatch.setState(name, 'OK', 'seeded: the node is healthy');
}

/** The hosted zone's name for a record name: its parent (lb.example.com is in example.com). */
function zoneNameOf(recordName: string): string {
  const labels = recordName.replace(/\.$/, '').split('.');
  return labels.length > 2 ? labels.slice(1).join('.') : labels.join('.');
}

export interface Seeded {
  stackName: string;
  /** The physical id of each stack resource, by logical id (topics, documents). */
  physical: Record<string, string>;
  fleets: { name: string; group: string; zoneId: string; recordName: string; nodes: string[]; pool: string[] }[];
  /** The instance the sample lifecycle events name, by group. */
  sampleInstances: Record<string, string>;
  /** Problems making the samples fit: a group no fleet manages, two instances for one group. */
  notes: string[];
}

const TRANSITIONS: Record<'launching' | 'terminating', Transition> = {
  launching: 'autoscaling:EC2_INSTANCE_LAUNCHING',
  terminating: 'autoscaling:EC2_INSTANCE_TERMINATING',
};

export function seedAccount(account: SimAccount, config: Config, samples: SampleEvent[], opts: { stage?: string } = {}): Seeded {
  const stackName = `haproxy-fleet-control-${opts.stage ?? 'dev'}`;
  const script = (name: string) => readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'haproxy', name), 'utf8');
  const { Resources } = generateDeployment(config, { applyScript: script('apply-config.sh'), measureScript: script('measure.sh') }).resources;

  // The stack's resources, named as CloudFormation names them; the documents exist in SSM.
  const physical: Record<string, string> = {};
  for (const [logicalId, r] of Object.entries(Resources)) {
    const suffix = logicalId.toUpperCase().slice(0, 12);
    physical[logicalId] =
      r.Type === 'AWS::SNS::Topic' || r.Type === 'AWS::SQS::Queue'
        ? `arn:aws:${r.Type === 'AWS::SNS::Topic' ? 'sns' : 'sqs'}:${account.region}:${account.accountId}:${stackName}-${logicalId}-${suffix}`
        : `${stackName}-${logicalId}-${suffix}`;
    if (r.Type === 'AWS::SSM::Document') account.ssm.createDocument(physical[logicalId]!, (r.Properties as { Content: object }).Content);
  }
  account.cloudFormation.putStack(
    stackName,
    Object.entries(Resources).map(([logicalId, r]) => ({ logicalId, physicalId: physical[logicalId]!, type: r.Type })),
  );

  const notes: string[] = [];
  const sampleInstances: Record<string, string> = {};
  const fleets: Seeded['fleets'] = [];
  const appGroupsMade = new Set<string>();
  for (const fleet of config.fleets) {
    // Fleets may share a zone: the first one creates it.
    if (!fleets.some((f) => f.zoneId === fleet.dns.hostedZoneId)) {
      account.route53.createHostedZone(
        zoneNameOf(fleet.dns.recordName),
        fleet.dns.hostedZoneId,
        fleet.dns.address === 'private-ipv4' ? { vpc: { region: account.region, id: 'vpc-0sim0000000000001' } } : {},
      );
    }
    // Three nodes at most (two in service, the samples' one), in a security group that admits
    // Route 53's health checkers on the check port, so `hfc doctor` passes as on a ready account.
    account.autoScaling.createGroup({ name: fleet.autoScalingGroupName, instances: 0 });
    const checkers = account.ec2.security.prefixLists().map((l) => ({ PrefixListId: l.id }));
    const port = fleet.healthCheck.port;
    const sg = account.ec2.security.create(`${fleet.name}-lb`, [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, PrefixListIds: checkers }]);
    account.autoScaling.setGroup(fleet.autoScalingGroupName, { maxSize: 3, securityGroups: [sg] });
    // Before its hooks exist: in service at once, as instances that predate the control plane.
    const nodes = account.autoScaling.scaleOut(fleet.autoScalingGroupName, 2);
    // An haproxy fleet's application servers: two in service per backend group, one per tag-selected backend.
    const appGroups = [...new Set((fleet.haproxy?.backends ?? []).flatMap((b) => ('autoScalingGroup' in b.servers ? [b.servers.autoScalingGroup] : [])))];
    for (const group of appGroups.filter((g) => !appGroupsMade.has(g))) {
      account.autoScaling.createGroup({ name: group, instances: 2 });
      appGroupsMade.add(group);
    }
    for (const b of fleet.haproxy?.backends ?? []) {
      if ('tags' in b.servers) account.ec2.runInstance({ availabilityZone: `${account.region}a`, tags: { ...b.servers.tags } });
    }
    for (const r of Object.values(Resources)) {
      if (r.Type !== 'AWS::AutoScaling::LifecycleHook') continue;
      const p = r.Properties as Record<string, unknown>;
      if (p.AutoScalingGroupName !== fleet.autoScalingGroupName && !appGroups.includes(p.AutoScalingGroupName as string)) continue;
      account.autoScaling.PutLifecycleHook({
        AutoScalingGroupName: p.AutoScalingGroupName as string,
        LifecycleHookName: p.LifecycleHookName as string,
        LifecycleTransition: p.LifecycleTransition as string,
        HeartbeatTimeout: p.HeartbeatTimeout as number,
        DefaultResult: p.DefaultResult as string,
        ...(typeof p.NotificationMetadata === 'string' ? { NotificationMetadata: p.NotificationMetadata } : {}),
        ...(p.NotificationTargetARN
          ? {
              NotificationTargetARN: `arn:aws:sns:${account.region}:${account.accountId}:${stackName}-lifecycle`,
              RoleARN: `arn:aws:iam::${account.accountId}:role/${stackName}-hooks`,
            }
          : {}),
      });
    }
    const pool: string[] = [];
    if (fleet.elasticIps) {
      // One address per node the samples bring up (two in service, the sample's launch).
      for (let i = 0; i < 3; i++) pool.push(account.ec2.allocateAddress({ tags: { 'hfc:pool': fleet.elasticIps.pool } }).allocationId);
    }
    fleets.push({ name: fleet.name, group: fleet.autoScalingGroupName, zoneId: fleet.dns.hostedZoneId, recordName: fleet.dns.recordName, nodes, pool });
  }

  // The sample lifecycle events' instance: launching now with the sample's token, its
  // terminating token reserved for when it is scaled in.
  for (const s of samples) {
    if (s.kind !== 'launching' && s.kind !== 'terminating') continue;
    const fleet = fleets.find((f) => f.group === s.group);
    if (!fleet) {
      notes.push(`${s.file}: group ${s.group} is not a fleet of this configuration: the function will acknowledge and ignore it`);
      continue;
    }
    const known = sampleInstances[fleet.group];
    if (known && known !== s.instanceId) {
      notes.push(`${s.file}: names ${s.instanceId}, but ${known} is already the sample instance of ${fleet.group}: it will not fit`);
      continue;
    }
    sampleInstances[fleet.group] = s.instanceId!;
    account.autoScaling.presetToken(s.instanceId!, TRANSITIONS[s.kind], s.token!);
  }
  // Alarms the control plane does not manage are the operator's: one per node, as the samples expect.
  for (const fleet of config.fleets) {
    if (!fleet.alarms || fleet.alarms.manage) continue;
    const ids = [
      ...account.autoScaling.instances(fleet.autoScalingGroupName).map((i) => i.instanceId),
      ...(sampleInstances[fleet.autoScalingGroupName] ? [sampleInstances[fleet.autoScalingGroupName]!] : []),
    ];
    for (const id of ids) putOperatorAlarm(account, `${fleet.alarms.namePrefix}${id}`, id);
  }
  for (const [group, instanceId] of Object.entries(sampleInstances)) {
    account.autoScaling.scaleOut(group, 1, { instanceIds: [instanceId] });
    // It launched when its launching sample says (EC2 events about it are after that, not about an
    // earlier run of the instance).
    const launched = samples.find((s) => s.kind === 'launching' && s.instanceId === instanceId)?.time;
    const instance = account.ec2.instance(instanceId);
    if (launched && instance && Date.parse(launched) < instance.launchTime.getTime()) instance.launchTime = new Date(launched);
  }
  // Auto Scaling's notifications of that launch are what the sample events stand for.
  account.autoScaling.takeNotifications();
  // Every instance's SSM agent is online (the samples' node too: its launch has been waiting a while).
  for (const inst of account.ec2.allInstances()) if (inst.state === 'running') account.ssm.setAgentOnline(inst.instanceId, true);
  return { stackName, physical, fleets, sampleInstances, notes };
}
