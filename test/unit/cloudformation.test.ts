import { ENDING_TAG, HEARTBEAT_AT_TAG } from '../../lib/plan/tags';
import { matchesPattern } from '../harness/failoverWorld';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADDRESS_TAG_KEYS,
  ALARM_TAG_KEYS,
  alarmFunctionPolicy,
  CONFIG_APPLY_TIMEOUT_SECONDS,
  CONFIG_DOCUMENT_PARAMETERS,
  configDocumentContent,
  functionPolicy,
  deploymentMode,
  generateDeployment,
  LOGICAL_IDS,
  MEASURE_DOCUMENT_PARAMETERS,
  measureDocumentContent,
  normalizedRecordName,
  resolvedPolicyLength,
  SCRIPT_DELIMITER,
  SHADOW_HEARTBEAT_SECONDS,
  type CfnResource,
  type CfnValue,
  type PolicyStatement,
} from '../../deploy/cloudformation';
import { readRuntimeSettings } from '../../lib/config/env';
import { MEASURE_SERVERS_PER_COMMAND } from '../../lib/reconcile/measureLoads';
import { placeholderProblems } from '../../lib/config/placeholders';
import { parseConfig, parseConfigText, type Config } from '../../lib/config/load';
import { DOCUMENT_RESERVE_BYTES, encodePayload, MAX_PAYLOAD_BYTES, SSM_DOCUMENT_LIMIT_BYTES } from '../../lib/haproxy/payload';
import { alarmSpec } from '../../lib/plan/alarms';
import { CONFIG_DIGEST_TAG, DEREGISTERED_AT_TAG } from '../../lib/plan/types';

/** A raw fleet entry as an operator would write it; defaults come from the real parser. */
const rawFleet = (name: string, overrides: Record<string, unknown> = {}) => ({
  name,
  autoScalingGroupName: `${name}-haproxy`,
  dns: { hostedZoneId: 'Z0EXAMPLE1234567890AB', recordName: `${name}.Example.com.` },
  healthCheck: { protocol: 'HTTP', port: 8404, path: '/healthz' },
  ...overrides,
});

const config = (fleets: unknown[], deployment: Record<string, unknown> = {}): Config => parseConfig({ fleets, deployment });

const hooksOf = (resources: Record<string, CfnResource>) => Object.entries(resources).filter(([, r]) => r.Type === 'AWS::AutoScaling::LifecycleHook');

const statement = (statements: PolicyStatement[], sid: string) => {
  const s = statements.find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid}`);
  return s;
};

/** A fleet with an Elastic IP pool and alarms (managed or not), defaults from the real parser. */
const eipFleet = (name: string, manage: boolean, overrides: Record<string, unknown> = {}) =>
  rawFleet(name, {
    elasticIps: {},
    alarms: { manage },
    dns: { hostedZoneId: 'Z0EXAMPLE1234567890AB', recordName: `${name}.example.com`, address: 'elastic-ip' },
    ...overrides,
  });

/** A fleet with an haproxy section (one backend from an Auto Scaling group), defaults from the real parser. */
const haproxyFleet = (name: string, overrides: Record<string, unknown> = {}) =>
  rawFleet(name, { haproxy: { backends: [{ name: 'web', servers: { autoScalingGroup: `${name}-web` }, port: 8080 }] }, ...overrides });

/** The node-side script the configuration document embeds, as deploy/serverless-vars.cjs reads it. */
const APPLY_SCRIPT = readFileSync(new URL('../../lib/haproxy/apply-config.sh', import.meta.url), 'utf8');
const MEASURE_SCRIPT = readFileSync(new URL('../../lib/haproxy/measure.sh', import.meta.url), 'utf8');

const alarmArn = (Prefix: string) => ({ 'Fn::Sub': ['arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${Prefix}*', { Prefix }] });
const ec2Arn = (type: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:${type}/*` });

/** The SDK commands a lib/aws adapter sends, read from the source so a new call fails the tests. */
const commandsOf = (...files: string[]) =>
  // `new XCommand(` and the SDK's paginators, `paginateX(`.
  files.flatMap((f) =>
    [...readFileSync(new URL(`../../lib/aws/${f}.ts`, import.meta.url), 'utf8').matchAll(/new (\w+)Command\(|paginate(\w+)\(/g)].map((m) => (m[1] ?? m[2])!),
  );

/** Commands no statement grants under any of the services' prefixes. */
const ungranted = (commands: string[], statements: PolicyStatement[], prefixes: string[]) => {
  const granted = new Set(statements.flatMap((s) => s.Action));
  return commands.filter((c) => !prefixes.some((p) => granted.has(`${p}:${c}`)));
};

describe('lifecycle trigger', () => {
  it('eventbridge mode: one rule for our groups and hook names, and nothing of sns mode', () => {
    // Prepare
    const cfg = config([rawFleet('edge'), rawFleet('edge-us', { lifecycleHooks: { launching: { name: 'custom-launch' } } })]);

    // Act
    const { lifecycleEvents, resources } = generateDeployment(cfg);

    // Assess
    expect(lifecycleEvents).toEqual([
      {
        eventBridge: {
          pattern: {
            'source': ['aws.autoscaling'],
            'detail-type': ['EC2 Instance-launch Lifecycle Action', 'EC2 Instance-terminate Lifecycle Action'],
            'detail': {
              AutoScalingGroupName: ['edge-haproxy', 'edge-us-haproxy'],
              LifecycleHookName: ['edge-hfc-launching', 'edge-hfc-terminating', 'custom-launch', 'edge-us-hfc-terminating'],
            },
          },
        },
      },
    ]);
    // No topic, publish role, policy or output that nothing would use.
    for (const id of [LOGICAL_IDS.lifecycleTopic, LOGICAL_IDS.lifecycleTopicRole, LOGICAL_IDS.lifecycleTopicPolicy])
      expect(resources.Resources[id]).toBeUndefined();
    expect(resources.Outputs.LifecycleTopicArn).toBeUndefined();
    for (const [, hook] of hooksOf(resources.Resources)) expect(hook.DependsOn).toBeUndefined();
  });

  it("sns mode: every hook waits for the publish role, the topic policy and the function's subscription (IAM propagation before the test message)", () => {
    const { resources } = generateDeployment(config([rawFleet('edge'), rawFleet('edge-us')], { lifecycleEvents: 'sns' }));
    const hooks = hooksOf(resources.Resources);
    expect(hooks).toHaveLength(4);
    for (const [, hook] of hooks) {
      expect(hook.DependsOn).toEqual([
        LOGICAL_IDS.lifecycleTopicRole,
        LOGICAL_IDS.lifecycleTopicPolicy,
        'LifecycleSnsSubscriptionLifecycle',
        'LifecycleLambdaPermissionLifecycleSNS',
      ]);
      expect(hook.Properties).toMatchObject({
        NotificationTargetARN: { Ref: LOGICAL_IDS.lifecycleTopic },
        RoleARN: { 'Fn::GetAtt': [LOGICAL_IDS.lifecycleTopicRole, 'Arn'] },
      });
    }
  });

  it('sns mode: subscribes to our topic, which only Auto Scaling may publish to', () => {
    // Prepare
    const cfg = config([rawFleet('edge')], { lifecycleEvents: 'sns' });

    // Act
    const { lifecycleEvents, resources } = generateDeployment(cfg);

    // Assess
    expect(lifecycleEvents).toEqual([{ sns: { arn: { Ref: LOGICAL_IDS.lifecycleTopic }, topicName: 'lifecycle' } }]);
    expect(resources.Resources[LOGICAL_IDS.lifecycleTopic]?.Type).toBe('AWS::SNS::Topic');
    const role = resources.Resources[LOGICAL_IDS.lifecycleTopicRole]?.Properties;
    expect(role?.AssumeRolePolicyDocument).toMatchObject({ Statement: [{ Principal: { Service: 'autoscaling.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    expect(role?.Policies).toMatchObject([{ PolicyDocument: { Statement: [{ Action: ['sns:Publish'], Resource: [{ Ref: LOGICAL_IDS.lifecycleTopic }] }] } }]);
    expect(resources.Outputs.LifecycleTopicArn).toBeDefined();
  });

  it('the reconcile runs on the configured schedule, rate(1 minute) by default', () => {
    expect(generateDeployment(config([rawFleet('edge')])).reconcileEvents).toEqual([{ schedule: { rate: ['rate(1 minute)'] } }]);
    expect(generateDeployment(config([rawFleet('edge')], { schedule: 'cron(0/5 * * * ? *)' })).reconcileEvents).toEqual([
      { schedule: { rate: ['cron(0/5 * * * ? *)'] } },
    ]);
  });
});

describe('lifecycle hooks', () => {
  it.each([
    ['eventbridge', false],
    ['sns', true],
  ] as const)('one hook per fleet and transition (%s mode, notification target: %s)', (mode, hasTarget) => {
    // Prepare
    const cfg = config(
      [rawFleet('edge', { lifecycleHooks: { launching: { heartbeatTimeoutSeconds: 600 }, terminating: { defaultResult: 'ABANDON' } } }), rawFleet('edge-us')],
      { lifecycleEvents: mode },
    );

    // Act
    const hooks = Object.fromEntries(hooksOf(generateDeployment(cfg).resources.Resources));

    // Assess
    expect(Object.keys(hooks).sort()).toEqual(['EdgeFleetLaunchingHook', 'EdgeFleetTerminatingHook', 'EdgeUsFleetLaunchingHook', 'EdgeUsFleetTerminatingHook']);
    expect(hooks.EdgeFleetLaunchingHook?.Properties).toMatchObject({
      AutoScalingGroupName: 'edge-haproxy',
      LifecycleHookName: 'edge-hfc-launching',
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      HeartbeatTimeout: 600,
      DefaultResult: 'ABANDON',
    });
    expect(hooks.EdgeFleetTerminatingHook?.Properties).toMatchObject({
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
      HeartbeatTimeout: 300,
      DefaultResult: 'ABANDON',
    });
    for (const hook of Object.values(hooks)) {
      expect('NotificationTargetARN' in hook.Properties).toBe(hasTarget);
      expect('RoleARN' in hook.Properties).toBe(hasTarget);
    }
  });

  it('refuses fleet names that would share a logical id', () => {
    // Prepare: digits have no upper case, so the dash is all that tells these apart.
    const cfg = config([rawFleet('edge1'), rawFleet('edge-1')]);

    // Act & Assess
    expect(() => generateDeployment(cfg)).toThrow(/"edge1" and "edge-1" map to the same CloudFormation logical id Edge1Fleet/);
  });
});

describe('function roles', () => {
  const cfg = config([
    rawFleet('edge'),
    rawFleet('edge-us', { dns: { hostedZoneId: '/hostedzone/Z0OTHERZONE00000000AB', recordName: 'US.Example.org' } }),
    rawFleet('edge-eu', { dns: { hostedZoneId: 'Z0EXAMPLE1234567890AB', recordName: 'eu.example.com' } }),
  ]);
  const statements = functionPolicy(cfg, LOGICAL_IDS.lifecycleLogGroup);

  it("record changes: per zone, only types A and AAAA (a fleet that changes family removes its old records) and that zone's normalized names", () => {
    // Act
    const first = statement(statements, 'ChangeFleetRecordsZ0EXAMPLE1234567890AB');
    const other = statement(statements, 'ChangeFleetRecordsZ0OTHERZONE00000000AB');

    // Assess
    expect(first.Action).toEqual(['route53:ChangeResourceRecordSets']);
    expect(first.Resource).toEqual([{ 'Fn::Sub': ['arn:${AWS::Partition}:route53:::hostedzone/${Zone}', { Zone: 'Z0EXAMPLE1234567890AB' }] }]);
    expect(first.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsRecordTypes': ['A', 'AAAA'],
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['edge.example.com', 'eu.example.com'],
      },
    });
    expect(other.Condition?.['ForAllValues:StringEquals']?.['route53:ChangeResourceRecordSetsNormalizedRecordNames']).toEqual(['us.example.org']);
    expect(statement(statements, 'ListFleetRecords').Resource).toHaveLength(2);
  });

  it('lifecycle completion only on the configured groups', () => {
    const s = statement(statements, 'CompleteFleetLifecycleActions');
    expect(s.Resource).toEqual(
      ['edge-eu-haproxy', 'edge-haproxy', 'edge-us-haproxy'].map((Group) => ({
        'Fn::Sub': ['arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/${Group}', { Group }],
      })),
    );
  });

  it('"*" only for actions that accept no resource, and nothing mutating beyond CreateHealthCheck', () => {
    // Act
    const star = statements
      .filter((s) => s.Resource === '*')
      .flatMap((s) => s.Action)
      .sort();

    // Assess
    expect(star).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeAutoScalingInstances',
      'autoscaling:DescribeWarmPool',
      'ec2:DescribeInstances',
      'route53:CreateHealthCheck',
      'route53:ListHealthChecks',
    ]);
  });

  it("covers every AWS call the adapters make, and logs to the function's own group only", () => {
    // Prepare: a configuration that uses everything (Elastic IPs, managed alarms, the HAProxy push).
    const full = functionPolicy(config([rawFleet('edge'), eipFleet('edge-eu', true), haproxyFleet('edge-us')]), LOGICAL_IDS.lifecycleLogGroup);
    const commands = commandsOf('route53', 'autoscaling', 'ec2', 'addresses', 'cloudwatch', 'ssm');

    // Act
    const missing = ungranted(commands, full, ['route53', 'autoscaling', 'ec2', 'cloudwatch', 'ssm']);

    // Assess
    expect(commands).toEqual(
      expect.arrayContaining([
        'AssociateAddress',
        'AssignPrivateIpAddresses',
        'DescribeAddresses',
        'DescribeAlarms',
        'PutMetricAlarm',
        'DeleteAlarms',
        'ListTagsForResource',
      ]),
    );
    expect(commands).toEqual(expect.arrayContaining(['DescribeInstanceInformation', 'SendCommand', 'GetCommandInvocation', 'ListCommandInvocations']));
    expect(missing).toEqual([]);
    // PutMetricAlarm with Tags also needs TagResource, which no adapter calls by name.
    expect(full.flatMap((s) => s.Action)).toContain('cloudwatch:TagResource');
    expect(statement(statements, 'WriteOwnLogs').Resource).toEqual([{ 'Fn::GetAtt': [LOGICAL_IDS.lifecycleLogGroup, 'Arn'] }]);
  });

  it('one role per function, each writing only to its own log group', () => {
    // Act
    const { Resources } = generateDeployment(cfg).resources;
    const logs = (id: string) =>
      (Resources[id]!.Properties.Policies as unknown as [{ PolicyDocument: { Statement: PolicyStatement[] } }])[0].PolicyDocument.Statement[0];

    // Assess
    expect(logs(LOGICAL_IDS.lifecycleRole)?.Resource).toEqual([{ 'Fn::GetAtt': ['LifecycleLogGroup', 'Arn'] }]);
    expect(logs(LOGICAL_IDS.reconcileRole)?.Resource).toEqual([{ 'Fn::GetAtt': ['ReconcileLogGroup', 'Arn'] }]);
    expect(logs(LOGICAL_IDS.alarmRole)?.Resource).toEqual([{ 'Fn::GetAtt': ['AlarmLogGroup', 'Arn'] }]);
  });

  it('refuses a group name IAM would read as a wildcard (the configuration schema, before the template)', () => {
    expect(() => config([rawFleet('edge', { autoScalingGroupName: 'edge-*' })])).toThrow(
      /fleets\[0\]\.autoScalingGroupName: must not contain control characters \(such as newlines\), "\*" or "\?"/,
    );
  });
});

describe('Elastic IP failover: IAM', () => {
  const cfg = config([
    rawFleet('plain'),
    eipFleet('edge', true),
    eipFleet('edge-us', false, { elasticIps: { pool: 'shared:us' }, alarms: { namePrefix: 'us-node-' } }),
  ]);
  const statements = functionPolicy(cfg, LOGICAL_IDS.reconcileLogGroup);
  const alarm = alarmFunctionPolicy(cfg);

  it("addresses: associate and tag only pool addresses, only onto the fleets' instances", () => {
    // Act
    const associate = statement(alarm, 'AssociatePoolAddresses');
    const instances = statement(alarm, 'AssociateToFleetInstances');
    const interfaces = statement(alarm, 'UseNetworkInterfaces');
    const tags = statement(alarm, 'TagPoolAddresses');

    // Assess
    const inPool = { StringEquals: { 'ec2:ResourceTag/hfc:pool': ['hfc:edge', 'shared:us'] } };
    expect(associate).toMatchObject({ Action: ['ec2:AssociateAddress'], Resource: [ec2Arn('elastic-ip')], Condition: inPool });
    expect(instances).toMatchObject({
      Action: ['ec2:AssociateAddress'],
      Resource: [ec2Arn('instance')],
      // Only the groups of fleets with Elastic IPs, not "plain".
      Condition: { StringEquals: { 'ec2:ResourceTag/aws:autoscaling:groupName': ['edge-haproxy', 'edge-us-haproxy'] } },
    });
    // Interfaces carry no group tag: any interface, but nothing else is allowed on them.
    expect(interfaces).toEqual({
      Sid: 'UseNetworkInterfaces',
      Effect: 'Allow',
      Action: ['ec2:AssignPrivateIpAddresses', 'ec2:AssociateAddress'],
      Resource: [ec2Arn('network-interface')],
    });
    expect(tags).toMatchObject({
      Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
      Resource: [ec2Arn('elastic-ip')],
      Condition: { ...inPool, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['hfc:home', 'hfc:moved-at', 'hfc:moved-to'] } },
    });
    // The lifecycle and reconcile roles move addresses too (claims, failback, spare IPs).
    for (const sid of ['AssociatePoolAddresses', 'AssociateToFleetInstances', 'UseNetworkInterfaces', 'TagPoolAddresses']) {
      expect(statement(statements, sid)).toEqual(statement(alarm, sid));
    }
  });

  it("alarms: tags read and managed alarms changed only under the fleets' name prefixes", () => {
    // Act
    const put = statement(statements, 'PutFleetAlarms');
    const tag = statement(statements, 'TagFleetAlarms');
    const del = statement(statements, 'DeleteFleetAlarms');

    // Assess
    expect(statement(statements, 'ReadFleetAlarmTags')).toMatchObject({
      Action: ['cloudwatch:ListTagsForResource'],
      Resource: [alarmArn('hfc-hfc-edge-'), alarmArn('us-node-')],
    });
    expect(statement(alarm, 'ReadFleetAlarmTags').Resource).toEqual([alarmArn('hfc-hfc-edge-'), alarmArn('us-node-')]);
    // Only "edge" manages its alarms.
    expect(put).toMatchObject({
      Action: ['cloudwatch:PutMetricAlarm'],
      Resource: [alarmArn('hfc-hfc-edge-')],
      Condition: { 'ForAllValues:StringEquals': { 'cloudwatch:AlarmActions': [{ Ref: LOGICAL_IDS.alarmTopic }] } },
    });
    expect(tag).toMatchObject({
      Action: ['cloudwatch:TagResource'],
      Resource: [alarmArn('hfc-hfc-edge-')],
      Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ALARM_TAG_KEYS } },
    });
    expect(del).toMatchObject({ Action: ['cloudwatch:DeleteAlarms'], Resource: [alarmArn('hfc-hfc-edge-')] });
  });

  it('grants exactly the tag keys the code writes', () => {
    // Prepare: the tags a managed alarm is created with.
    const fleet = cfg.fleets.find((f) => f.name === 'edge')!;
    const spec = alarmSpec(fleet, 'i-0123456789abcdef0', 'arn:aws:sns:eu-west-1:123456789012:t');

    // Assess
    expect(Object.keys(spec.tags).sort()).toEqual(ALARM_TAG_KEYS);
    expect(ADDRESS_TAG_KEYS).toEqual(['hfc:home', 'hfc:moved-at', 'hfc:moved-to']);
  });

  it('"*" only for read-only describes that accept no resource (and CreateHealthCheck)', () => {
    // Act
    const star = (xs: PolicyStatement[]) =>
      xs
        .filter((s) => s.Resource === '*')
        .flatMap((s) => s.Action)
        .sort();

    // Assess
    expect(star(statements)).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeAutoScalingInstances',
      'autoscaling:DescribeWarmPool',
      'cloudwatch:DescribeAlarms',
      'ec2:DescribeAddresses',
      'ec2:DescribeInstances',
      'route53:CreateHealthCheck',
      'route53:ListHealthChecks',
    ]);
    expect(star(alarm)).toEqual(['autoscaling:DescribeAutoScalingGroups', 'cloudwatch:DescribeAlarms', 'ec2:DescribeAddresses', 'ec2:DescribeInstances']);
  });

  it('the alarm function gets the failover path only: every call it makes, no DNS, no lifecycle, no alarm changes', () => {
    // Prepare: the failover path (lib/reconcile/failover.ts) uses the address adapter, the CloudWatch
    // reads, the group describe and the instance describe.
    const commands = [...commandsOf('addresses'), 'DescribeAlarms', 'ListTagsForResource', 'DescribeAutoScalingGroups', 'DescribeInstances'];

    // Act
    const actions = alarm.flatMap((s) => s.Action);

    // Assess
    expect(ungranted(commands, alarm, ['ec2', 'autoscaling', 'cloudwatch'])).toEqual([]);
    expect(actions.filter((a) => /^(route53|autoscaling:Complete|cloudwatch:(Put|Delete|Tag))/.test(a))).toEqual([]);
    // Its tags are the addresses' and one instance key, hfc:ending (MarkEndingInstances): not MarkFleetInstances.
    expect(alarm.map((s) => s.Sid)).not.toContain('MarkFleetInstances');
    expect(statement(alarm, 'MarkEndingInstances').Condition?.['ForAllValues:StringEquals']).toEqual({ 'aws:TagKeys': [ENDING_TAG] });
    expect(statement(alarm, 'SendFailedEvents').Resource).toEqual([{ 'Fn::GetAtt': [LOGICAL_IDS.failedEventsQueue, 'Arn'] }]);
  });

  it('announced ends: the alarm function notes hfc:ending, and nothing else, only on the instances of fleets with Elastic IPs, never deletes it', () => {
    // Act
    const mark = statement(alarm, 'MarkEndingInstances');

    // Assess
    expect(mark).toEqual({
      Sid: 'MarkEndingInstances',
      Effect: 'Allow',
      Action: ['ec2:CreateTags'],
      Resource: [ec2Arn('instance')],
      Condition: {
        // Only the groups of fleets with Elastic IPs, not "plain".
        StringEquals: { 'ec2:ResourceTag/aws:autoscaling:groupName': ['edge-haproxy', 'edge-us-haproxy'] },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['hfc:ending'] },
        Null: { 'aws:TagKeys': ['false'] },
      },
    });
    // The key the handler writes is the one granted, and the lifecycle and reconcile roles never write it.
    expect(ENDING_TAG).toBe('hfc:ending');
    expect(statements.map((s) => s.Sid)).not.toContain('MarkEndingInstances');
    expect(statement(statements, 'MarkFleetInstances').Condition?.['ForAllValues:StringEquals']?.['aws:TagKeys']).not.toContain(ENDING_TAG);
    // Without a fleet with Elastic IPs: no rule, no statement.
    const plain = config([rawFleet('plain'), rawFleet('edge', { alarms: { manage: true } })]);
    expect(alarmFunctionPolicy(plain).map((s) => s.Sid)).not.toContain('MarkEndingInstances');
    expect(generateDeployment(plain).alarmEvents).toEqual([]);
  });

  it('refuses an alarm name prefix IAM would read as a wildcard', () => {
    expect(() => config([eipFleet('edge', true, { alarms: { namePrefix: 'edge-*' } })])).toThrow(/fleets\[0\]\.alarms\.namePrefix: must not contain .*"\*"/);
  });
});

describe('Elastic IP failover: triggers, topic and environment', () => {
  const cfg = config([rawFleet('plain'), eipFleet('edge', true), eipFleet('edge-us', false, { alarms: { namePrefix: 'us-node-' } })]);
  const pieces = generateDeployment(cfg);

  it("the alarm function: the alarm topic and an EventBridge rule for the fleets' alarm name prefixes", () => {
    expect(pieces.alarmEvents).toEqual([
      { sns: { arn: { Ref: LOGICAL_IDS.alarmTopic }, topicName: 'alarms' } },
      {
        eventBridge: {
          pattern: {
            'source': ['aws.cloudwatch'],
            'detail-type': ['CloudWatch Alarm State Change'],
            'detail': { alarmName: [{ prefix: 'hfc-hfc-edge-' }, { prefix: 'us-node-' }] },
          },
        },
      },
      {
        eventBridge: {
          pattern: { 'source': ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning', 'EC2 Instance Rebalance Recommendation'] },
        },
      },
      {
        eventBridge: {
          pattern: {
            'source': ['aws.ec2'],
            'detail-type': ['EC2 Instance State-change Notification'],
            'detail': { state: ['stopping', 'shutting-down', 'stopped', 'terminated'] },
          },
        },
      },
    ]);
  });

  it("EC2's announced ends: the rules match the events EC2 sends (the samples in events/), never pending or running", () => {
    // Prepare
    const patterns = pieces.alarmEvents.flatMap((e) => (e.eventBridge ? [(e.eventBridge as { pattern: CfnValue }).pattern] : []));
    const sampleEvent = (name: string) => JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8'));
    const matches = (event: Record<string, unknown>) => patterns.some((p) => matchesPattern(p, event));
    const running = { ...sampleEvent('ec2-state-change-stopping.json'), detail: { 'instance-id': 'i-0a1b2c3d4e5f60718', state: 'running' } };

    // Assess
    for (const name of [
      'ec2-spot-interruption-warning.json',
      'ec2-rebalance-recommendation.json',
      'ec2-state-change-stopping.json',
      'ec2-state-change-shutting-down.json',
    ])
      expect(matches(sampleEvent(name)), name).toBe(true);
    expect(matches(running)).toBe(false);
    expect(matches({ ...running, detail: { ...running.detail, state: 'pending' } })).toBe(false);
  });

  it("the topic: only CloudWatch may publish, for this account's alarms with a fleet's prefix", () => {
    // Act
    const { Resources, Outputs } = pieces.resources;
    const policy = Resources[LOGICAL_IDS.alarmTopicPolicy];

    // Assess
    expect(Resources[LOGICAL_IDS.alarmTopic]).toEqual({ Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': '${AWS::StackName}-alarms' } } });
    expect(policy?.Type).toBe('AWS::SNS::TopicPolicy');
    expect(policy?.Properties).toEqual({
      Topics: [{ Ref: LOGICAL_IDS.alarmTopic }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'FleetAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: LOGICAL_IDS.alarmTopic },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': [alarmArn('hfc-hfc-edge-'), alarmArn('us-node-')] },
            },
          },
          {
            Sid: 'NoPrincipalOfTheAccountPublishes',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: { Ref: LOGICAL_IDS.alarmTopic },
            Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' } },
          },
        ],
      },
    });
    expect(Outputs.AlarmTopicArn).toMatchObject({ Value: { Ref: LOGICAL_IDS.alarmTopic } });
    expect(Resources[LOGICAL_IDS.alarmRole]?.Type).toBe('AWS::IAM::Role');
  });

  it('ALARM_TOPIC_ARN for every function whenever a fleet manages its alarms, even without Elastic IPs', () => {
    expect(pieces.functionEnvironment).toEqual({ HFC_MODE: 'active', ALARM_TOPIC_ARN: { Ref: LOGICAL_IDS.alarmTopic } });

    // Alarms alone (the schema allows them without a pool): topic and variable, but no failover trigger.
    const alarmsOnly = generateDeployment(config([rawFleet('edge', { alarms: { manage: true } })]));
    expect(alarmsOnly.functionEnvironment).toEqual({ HFC_MODE: 'active', ALARM_TOPIC_ARN: { Ref: LOGICAL_IDS.alarmTopic } });
    expect(alarmsOnly.resources.Resources[LOGICAL_IDS.alarmTopic]).toBeDefined();
    expect(alarmsOnly.alarmEvents).toEqual([]);
    expect(alarmFunctionPolicy(config([rawFleet('edge', { alarms: { manage: true } })])).map((s) => s.Sid)).toEqual(['WriteOwnLogs', 'SendFailedEvents']);

    // The operator's alarms (manage: false): the topic exists for them, but no function needs its
    // ARN, so `serverless invoke local` has no Ref to resolve; a mix with a managed fleet gets it.
    const operators = rawFleet('edge', {
      dns: { hostedZoneId: 'Z0EXAMPLE1234567890AB', recordName: 'edge.example.com.', address: 'elastic-ip' },
      elasticIps: {},
      alarms: { manage: false },
    });
    const unmanaged = generateDeployment(config([operators]));
    expect(unmanaged.functionEnvironment).toEqual({ HFC_MODE: 'active' });
    expect(unmanaged.resources.Resources[LOGICAL_IDS.alarmTopic]).toBeDefined();
    const mixed = generateDeployment(config([operators, rawFleet('other', { alarms: { manage: true } })]));
    expect(mixed.functionEnvironment).toEqual({ HFC_MODE: 'active', ALARM_TOPIC_ARN: { Ref: LOGICAL_IDS.alarmTopic } });
  });

  it('a configuration without elasticIps and alarms generates none of it', () => {
    // Prepare
    const cfg0 = config([rawFleet('edge'), rawFleet('edge-us')]);

    // Act
    const plain = generateDeployment(cfg0);
    const actions = [...functionPolicy(cfg0, LOGICAL_IDS.lifecycleLogGroup), ...alarmFunctionPolicy(cfg0)].flatMap((s) => s.Action);

    // Assess
    expect(plain.alarmEvents).toEqual([]);
    expect(plain.functionEnvironment).toEqual({ HFC_MODE: 'active' });
    expect(plain.resources.Resources[LOGICAL_IDS.alarmTopic]).toBeUndefined();
    expect(plain.resources.Resources[LOGICAL_IDS.alarmTopicPolicy]).toBeUndefined();
    expect(plain.resources.Outputs.AlarmTopicArn).toBeUndefined();
    expect(actions.filter((a) => a.startsWith('cloudwatch:') || /Address/.test(a))).toEqual([]);
    // The alarm function still exists (serverless.yml), with a role that can only log.
    expect(alarmFunctionPolicy(cfg0).map((s) => s.Sid)).toEqual(['WriteOwnLogs', 'SendFailedEvents']);
  });
});

describe('docs/fleet.config.elastic-ip.json', () => {
  it('is a valid configuration with a pool and managed alarms, and generates the failover pieces', () => {
    // Act
    const cfg = parseConfigText(readFileSync(new URL('../../docs/fleet.config.elastic-ip.json', import.meta.url), 'utf8'), 'docs/fleet.config.elastic-ip.json');
    const pieces = generateDeployment(cfg);

    // Assess
    expect(cfg.fleets[0]).toMatchObject({
      dns: { address: 'elastic-ip' },
      elasticIps: { pool: 'hfc:edge' },
      alarms: { manage: true, namePrefix: 'hfc-hfc-edge-' },
    });
    expect(pieces.alarmEvents).toHaveLength(4);
    expect(pieces.functionEnvironment).toEqual({ HFC_MODE: 'active', ALARM_TOPIC_ARN: { Ref: LOGICAL_IDS.alarmTopic } });
    expect(functionPolicy(cfg, LOGICAL_IDS.lifecycleLogGroup).map((s) => s.Sid)).toEqual(
      expect.arrayContaining(['PutFleetAlarms', 'TagFleetAlarms', 'DeleteFleetAlarms']),
    );
  });
});

describe('HAProxy configuration push: the SSM document', () => {
  const cfg = config([haproxyFleet('edge')]);
  const resources = generateDeployment(cfg, { applyScript: APPLY_SCRIPT, measureScript: MEASURE_SCRIPT }).resources;
  const doc = resources.Resources[LOGICAL_IDS.configDocument];
  const content = doc?.Properties.Content as { [key: string]: CfnValue };
  const step = (content.mainSteps as [{ action: string; name: string; inputs: { timeoutSeconds: string; runCommand: string[] } }])[0];
  const runCommand = step.inputs.runCommand;

  /** The script between the here-document's first and last line. */
  const embedded = () => {
    const start = runCommand.indexOf(`cat >"$f" <<'${SCRIPT_DELIMITER}'`);
    const end = runCommand.indexOf(SCRIPT_DELIMITER);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    return runCommand.slice(start + 1, end);
  };

  it('is a Command document (schema 2.2) with three validated String parameters and one runShellScript step', () => {
    // Assess
    expect(doc).toMatchObject({ Type: 'AWS::SSM::Document', Properties: { DocumentType: 'Command', DocumentFormat: 'JSON' } });
    // No Name: a changed script replaces the document under a new name instead of failing on the old one.
    expect(doc?.Properties.Name).toBeUndefined();
    expect(content.schemaVersion).toBe('2.2');
    expect(content.parameters).toEqual({
      payload: { type: 'String', description: expect.any(String), allowedPattern: '^[A-Za-z0-9+/]+={0,2}$' },
      digest: { type: 'String', description: expect.any(String), allowedPattern: '^[0-9a-f]{64}$' },
      version: { type: 'String', description: expect.any(String), allowedPattern: '^[0-9]{1,18}$' },
    });
    expect(content.mainSteps).toHaveLength(1);
    expect(step).toMatchObject({ action: 'aws:runShellScript', name: 'applyConfig', inputs: { timeoutSeconds: String(CONFIG_APPLY_TIMEOUT_SECONDS) } });
    // Longer than the script's own wait for a concurrent apply (flock -w 120).
    expect(CONFIG_APPLY_TIMEOUT_SECONDS).toBeGreaterThan(120);
    expect(resources.Outputs.ConfigDocumentName).toMatchObject({ Value: { Ref: LOGICAL_IDS.configDocument } });
    expect(resources.Outputs.MeasureDocumentName).toMatchObject({ Value: { Ref: LOGICAL_IDS.measureDocument } });
  });

  it('runs the script from a temporary file with the parameters and the instance id from IMDSv2', () => {
    // Assess
    expect(runCommand.slice(0, 2)).toEqual(['f="$(mktemp)" || exit 1', `trap 'rm -f "$f"' EXIT`]);
    const tail = runCommand.slice(runCommand.indexOf(SCRIPT_DELIMITER) + 1);
    expect(tail[0]).toMatch(
      /^t="\$\(curl -fsS --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http:\/\/169\.254\.169\.254\/latest\/api\/token\)" \|\| /,
    );
    expect(tail[1]).toMatch(
      /^i="\$\(curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: \$t" http:\/\/169\.254\.169\.254\/latest\/meta-data\/instance-id\)" \|\| /,
    );
    expect(tail[2]).toBe(`bash "$f" --payload '{{ payload }}' --digest '{{ digest }}' --version '{{ version }}' --peer-name "$i"`);
    expect(tail).toHaveLength(3);
    // The parameters appear there and nowhere else.
    expect(runCommand.filter((l) => l.includes('{{'))).toEqual([tail[2]]);
  });

  it("embeds the repository's script: the same lines without comment-only and blank ones and without indentation, shebang kept", () => {
    // Prepare
    const lines = APPLY_SCRIPT.split('\n');
    const code = lines.filter((l) => !/^\s*(#.*)?$/.test(l)).map((l) => l.trimStart());

    // Act
    const script = embedded();

    // Assess
    expect(script[0]).toBe(lines[0]);
    expect(script[0]).toMatch(/^#!/);
    expect(script.slice(1)).toEqual(code);
    expect(script.slice(1).some((l) => /^\s*#/.test(l))).toBe(false);
  });

  it('fits: smaller than DOCUMENT_RESERVE_BYTES minus 2 KB, so a full payload and the other parameters stay within 64 KB', () => {
    // Act: the content as SSM stores it (DocumentFormat JSON).
    const bytes = Buffer.byteLength(JSON.stringify(content));
    const parameters = Buffer.byteLength(JSON.stringify({ payload: ['x'.repeat(MAX_PAYLOAD_BYTES)], digest: ['0'.repeat(64)], version: ['9'.repeat(18)] }));

    // Assess
    expect(bytes).toBeLessThan(DOCUMENT_RESERVE_BYTES - 2048);
    expect(bytes + parameters).toBeLessThan(SSM_DOCUMENT_LIMIT_BYTES);
  });

  it('allowedPatterns: accept what the push sends, refuse anything that could leave its single quotes', () => {
    // Prepare: what lib/reconcile/applyConfig.ts sends.
    const sent = encodePayload('global\n    maxconn 100\n');
    const pattern = (name: keyof typeof CONFIG_DOCUMENT_PARAMETERS) => new RegExp(CONFIG_DOCUMENT_PARAMETERS[name].allowedPattern);

    // Assess
    expect(sent.payload).toMatch(pattern('payload'));
    expect(sent.digest).toMatch(pattern('digest'));
    expect(String(Date.now())).toMatch(pattern('version'));
    for (const name of ['payload', 'digest', 'version'] as const) {
      for (const c of ["'", '"', ' ', '$', '`', ';', '\\', '\n', '{', '}', '(', '|', '&']) {
        expect(`0${c}0`).not.toMatch(pattern(name));
        expect(`${'0'.repeat(64)}${c}`).not.toMatch(pattern(name));
      }
      expect('').not.toMatch(pattern(name));
    }
  });

  it.skipIf(process.platform !== 'linux')('runs as SSM would run it: applies a configuration, passes the exit code on, leaves no temporary file', () => {
    // Prepare: stubs for IMDS (curl), HAProxy, and a bash that points the script at a scratch
    // directory instead of /etc/haproxy; the document's text with the parameters interpolated.
    const dir = mkdtempSync(join(tmpdir(), 'hfc-document-'));
    // A stand-in for HAProxy's master process (the script verifies a reload by a new child of the
    // master named in the pid file): on SIGUSR2 it replaces its "worker" child, as a reload does.
    // It writes the pid file once its traps are set, and is named haproxy (argv[0]), as the local
    // peer report requires of the process it reads.
    const pidFile = join(dir, 'haproxy.pid');
    const master = spawn(
      'sh',
      [
        '-c',
        `trap 'kill $w; sleep 60 & w=$!' USR2; trap 'kill $w; exit 0' TERM; sleep 60 & w=$!; echo $$ >"${pidFile}.tmp"; mv "${pidFile}.tmp" "${pidFile}"; while :; do wait; done`,
      ],
      { stdio: 'ignore', argv0: 'haproxy' },
    );
    try {
      const bin = join(dir, 'bin');
      const tmp = join(dir, 'tmp');
      for (const d of [bin, tmp, join(dir, 'etc')]) mkdirSync(d);
      const realBash = spawnSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).stdout.trim();
      const stub = (name: string, body: string) => writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      stub(
        'curl',
        [
          'case "$*" in',
          `  *"-X PUT -H X-aws-ec2-metadata-token-ttl-seconds: 60 http://169.254.169.254/latest/api/token") printf TOKEN ;;`,
          `  *"-H X-aws-ec2-metadata-token: TOKEN http://169.254.169.254/latest/meta-data/instance-id") printf i-0123456789abcdef0 ;;`,
          '  *) exit 22 ;;',
          'esac',
        ].join('\n'),
      );
      stub('haproxy', `echo "$*" >>"${dir}/haproxy.log"`);
      stub(
        'bash',
        `exec "${realBash}" "$@" --config "${dir}/etc/haproxy.cfg" --state-dir "${dir}/state" --reload-cmd 'kill -USR2 ${master.pid}' --pidfile "${pidFile}" --haproxy "${bin}/haproxy"`,
      );
      for (const t = Date.now(); !existsSync(pidFile) && Date.now() - t < 5000; ) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      const run = (parameters: { payload: string; digest: string; version: string }) => {
        const text = runCommand.join('\n').replace(/\{\{ (payload|digest|version) \}\}/g, (_, name: keyof typeof parameters) => parameters[name]);
        writeFileSync(join(dir, '_script.sh'), text);
        return spawnSync('sh', [join(dir, '_script.sh')], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, TMPDIR: tmp } });
      };
      const cfgText = 'global\n    maxconn 100\n';
      const sent = encodePayload(cfgText);

      // Act
      const applied = run({ payload: sent.payload, digest: sent.digest, version: '1700000000000' });
      const corrupt = run({ payload: sent.payload, digest: 'f'.repeat(64), version: '1700000000001' });

      // Assess
      expect(applied.stderr).toBe('');
      expect(applied.status).toBe(0);
      // Then the local peer report: the stand-in master was started without -L (its host name),
      // and the name expected is the instance id the document read from IMDS.
      const host =
        hostname()
          .replace(/[^A-Za-z0-9._-]/g, '?')
          .slice(0, 64) || '?';
      expect(applied.stdout).toBe(
        `applied version 1700000000000 digest ${sent.digest}\nhfc-local-peer: mismatch running=${host} expected=i-0123456789abcdef0 source=hostname\n`,
      );
      expect(readFileSync(join(dir, 'etc', 'haproxy.cfg'), 'utf8')).toBe(cfgText);
      expect(readFileSync(join(dir, 'haproxy.log'), 'utf8')).toMatch(/-L i-0123456789abcdef0$/m);
      // The script's exit code is the command's (2: payload corrupt), and the old file stays.
      expect(corrupt.status).toBe(2);
      expect(corrupt.stderr).toMatch(/payload corrupt/);
      expect(readFileSync(join(dir, 'etc', 'haproxy.cfg'), 'utf8')).toBe(cfgText);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      master.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a script it cannot embed safely, and a haproxy fleet without a script', () => {
    expect(() => configDocumentContent('echo hi\n')).toThrow(/shebang/);
    expect(() => configDocumentContent(`#!/bin/bash\necho '{{ payload }}'\n`)).toThrow(/"\{\{"/);
    expect(() => configDocumentContent(`#!/bin/bash\n${SCRIPT_DELIMITER}\n`)).toThrow(/here-document/);
    expect(() => generateDeployment(cfg)).toThrow(/no apply script was given/);
  });
});

describe('drains: the measure document', () => {
  const cfg = config([haproxyFleet('edge')]);
  const resources = generateDeployment(cfg, { applyScript: APPLY_SCRIPT, measureScript: MEASURE_SCRIPT }).resources;
  const doc = resources.Resources[LOGICAL_IDS.measureDocument];
  const content = doc?.Properties.Content as { [key: string]: CfnValue };
  const step = (content.mainSteps as [{ action: string; name: string; inputs: { timeoutSeconds: string; runCommand: string[] } }])[0];
  const runCommand = step.inputs.runCommand;

  it('is a Command document with one validated parameter, embedding measure.sh (comments dropped) and running it with the servers', () => {
    expect(doc).toMatchObject({ Type: 'AWS::SSM::Document', Properties: { DocumentType: 'Command', DocumentFormat: 'JSON' } });
    expect(doc?.Properties.Name).toBeUndefined();
    expect(content.parameters).toEqual({
      servers: { type: 'String', description: expect.any(String), allowedPattern: MEASURE_DOCUMENT_PARAMETERS.servers.allowedPattern },
    });
    const start = runCommand.indexOf(`cat >"$f" <<'${SCRIPT_DELIMITER}'`);
    const end = runCommand.indexOf(SCRIPT_DELIMITER);
    expect(runCommand.slice(start + 1, end).slice(1)).toEqual(
      MEASURE_SCRIPT.split('\n')
        .filter((l) => !/^\s*(#.*)?$/.test(l))
        .map((l) => l.trimStart()),
    );
    expect(runCommand.slice(end + 1)).toEqual([`bash "$f" --servers '{{ servers }}'`]);
    expect(runCommand.filter((l) => l.includes('{{'))).toHaveLength(1);
  });

  it('allowedPattern: accepts none and instance ids, refuses anything that could leave its single quotes', () => {
    const pattern = new RegExp(MEASURE_DOCUMENT_PARAMETERS.servers.allowedPattern);
    expect('none').toMatch(pattern);
    expect('i-0123456789abcdef0,i-0aaaaaaaaaaaaaaa1').toMatch(pattern);
    // As many ids as the control plane sends in one command, and no more.
    const ids = (n: number) => Array.from({ length: n }, () => 'i-0123456789abcdef0').join(',');
    expect(ids(MEASURE_SERVERS_PER_COMMAND)).toMatch(pattern);
    expect(ids(MEASURE_SERVERS_PER_COMMAND + 1)).not.toMatch(pattern);
    for (const c of ["'", '"', ' ', '$', '`', ';', '\\', '\n', '{', '}', '(', '|', '&']) expect(`i-0123456789abcdef0${c}`).not.toMatch(pattern);
    expect('').not.toMatch(pattern);
  });

  it.skipIf(process.platform !== 'linux')('runs as SSM would run it: on a node without HAProxy it says not ready (exit 6) and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hfc-measure-'));
    try {
      const text = runCommand
        .join('\n')
        .replace('{{ servers }}', 'none')
        .replace(`bash "$f" --servers`, `bash "$f" --master-socket '${dir}/none.sock' --servers`);
      writeFileSync(join(dir, '_script.sh'), text);
      mkdirSync(join(dir, 'tmp'));
      const r = spawnSync('sh', [join(dir, '_script.sh')], { encoding: 'utf8', env: { ...process.env, TMPDIR: join(dir, 'tmp') } });
      expect(r.status).toBe(6);
      expect(r.stderr).toMatch(/^measure: not ready: no HAProxy master CLI at/);
      expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a script it cannot embed safely, and a haproxy fleet without the measure script', () => {
    expect(() => measureDocumentContent('echo hi\n')).toThrow(/shebang/);
    expect(() => measureDocumentContent(`#!/bin/bash\necho '{{ servers }}'\n`)).toThrow(/"\{\{"/);
    expect(() => generateDeployment(cfg, { applyScript: APPLY_SCRIPT })).toThrow(/no measure script was given/);
  });

  it("the functions may tag only hfc:drain-since, only on the application groups' instances", () => {
    const appCfg = config([haproxyFleet('edge', { haproxy: { backends: [{ name: 'app', servers: { autoScalingGroup: 'app-servers' }, port: 80 }] } })]);
    const statements = functionPolicy(appCfg, LOGICAL_IDS.reconcileLogGroup);
    expect(statements.find((s) => s.Sid === 'MarkDrainingServers')).toEqual({
      Sid: 'MarkDrainingServers',
      Effect: 'Allow',
      Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
      Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*' }],
      Condition: {
        StringEquals: { 'ec2:ResourceTag/aws:autoscaling:groupName': ['app-servers'] },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['hfc:drain-since'] },
        Null: { 'aws:TagKeys': ['false'] },
      },
    });
  });
});

describe('HAProxy configuration push: IAM and environment', () => {
  const cfg = config([rawFleet('plain'), haproxyFleet('edge'), haproxyFleet('edge-us')]);
  const pieces = generateDeployment(cfg, { applyScript: APPLY_SCRIPT, measureScript: MEASURE_SCRIPT });
  const policyOf = (id: string) =>
    (pieces.resources.Resources[id]!.Properties.Policies as unknown as [{ PolicyDocument: { Statement: PolicyStatement[] } }])[0].PolicyDocument.Statement;

  it("the lifecycle and reconcile roles send only our document, only to the haproxy fleets' instances", () => {
    for (const role of [LOGICAL_IDS.lifecycleRole, LOGICAL_IDS.reconcileRole]) {
      // Act
      const statements = policyOf(role);

      // Assess
      expect(statement(statements, 'SendConfigDocument')).toEqual({
        Sid: 'SendConfigDocument',
        Effect: 'Allow',
        Action: ['ssm:SendCommand'],
        Resource: [
          { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/${ConfigDocument}' },
          { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/${MeasureDocument}' },
        ],
      });
      expect(statement(statements, 'SendCommandToFleetInstances')).toEqual({
        Sid: 'SendCommandToFleetInstances',
        Effect: 'Allow',
        Action: ['ssm:SendCommand'],
        Resource: [ec2Arn('instance')],
        // Not "plain": it has no haproxy section.
        Condition: { StringEquals: { 'ssm:resourceTag/aws:autoscaling:groupName': ['edge-haproxy', 'edge-us-haproxy'] } },
      });
      // Neither read supports a resource type: "*" is the only valid Resource.
      expect(statement(statements, 'ReadRunCommandState')).toEqual({
        Sid: 'ReadRunCommandState',
        Effect: 'Allow',
        Action: ['ssm:DescribeInstanceInformation', 'ssm:GetCommandInvocation', 'ssm:ListCommandInvocations'],
        Resource: '*',
      });
    }
  });

  it("the applied digest is one more instance tag key, on the fleets' instances only", () => {
    // Act
    const mark = statement(policyOf(LOGICAL_IDS.reconcileRole), 'MarkFleetInstances');
    const plain = statement(functionPolicy(config([rawFleet('plain')]), LOGICAL_IDS.reconcileLogGroup), 'MarkFleetInstances');

    // Assess
    expect(CONFIG_DIGEST_TAG).toBe('hfc:config-digest');
    expect(mark.Condition).toEqual({
      'StringEquals': { 'ec2:ResourceTag/aws:autoscaling:groupName': ['edge-haproxy', 'edge-us-haproxy', 'plain-haproxy'] },
      'ForAllValues:StringEquals': { 'aws:TagKeys': [CONFIG_DIGEST_TAG, DEREGISTERED_AT_TAG, HEARTBEAT_AT_TAG] },
      'Null': { 'aws:TagKeys': ['false'] },
    });
    expect(plain.Condition?.['ForAllValues:StringEquals']).toEqual({ 'aws:TagKeys': [DEREGISTERED_AT_TAG, HEARTBEAT_AT_TAG] });
  });

  it('"*" only for read-only actions that accept no resource (and CreateHealthCheck)', () => {
    const star = policyOf(LOGICAL_IDS.lifecycleRole)
      .filter((s) => s.Resource === '*')
      .flatMap((s) => s.Action)
      .sort();
    expect(star).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeAutoScalingInstances',
      'autoscaling:DescribeWarmPool',
      'ec2:DescribeInstances',
      'route53:CreateHealthCheck',
      'route53:ListHealthChecks',
      'ssm:DescribeInstanceInformation',
      'ssm:GetCommandInvocation',
      'ssm:ListCommandInvocations',
    ]);
  });

  it('the alarm function gets no SSM permission', () => {
    expect(
      policyOf(LOGICAL_IDS.alarmRole)
        .flatMap((s) => s.Action)
        .filter((a) => a.startsWith('ssm:')),
    ).toEqual([]);
  });

  it('CONFIG_DOCUMENT_NAME and MEASURE_DOCUMENT_NAME for every function (baseDeps requires them at every cold start), next to ALARM_TOPIC_ARN', () => {
    expect(pieces.functionEnvironment).toEqual({
      HFC_MODE: 'active',
      CONFIG_DOCUMENT_NAME: { Ref: LOGICAL_IDS.configDocument },
      MEASURE_DOCUMENT_NAME: { Ref: LOGICAL_IDS.measureDocument },
    });
    const both = generateDeployment(
      config([eipFleet('edge', true, { haproxy: { backends: [{ name: 'web', servers: { tags: { role: 'web' } }, port: 80 }] } })]),
      { applyScript: APPLY_SCRIPT, measureScript: MEASURE_SCRIPT },
    );
    expect(both.functionEnvironment).toEqual({
      HFC_MODE: 'active',
      ALARM_TOPIC_ARN: { Ref: LOGICAL_IDS.alarmTopic },
      CONFIG_DOCUMENT_NAME: { Ref: LOGICAL_IDS.configDocument },
      MEASURE_DOCUMENT_NAME: { Ref: LOGICAL_IDS.measureDocument },
    });
  });

  it('a configuration without haproxy generates none of it, and needs no script', () => {
    // Prepare
    const cfg0 = config([rawFleet('edge'), eipFleet('edge-eu', true)]);

    // Act
    const plain = generateDeployment(cfg0);
    const actions = [...functionPolicy(cfg0, LOGICAL_IDS.lifecycleLogGroup), ...alarmFunctionPolicy(cfg0)].flatMap((s) => s.Action);

    // Assess
    expect(plain.resources.Resources[LOGICAL_IDS.configDocument]).toBeUndefined();
    expect(Object.values(plain.resources.Resources).filter((r) => r.Type === 'AWS::SSM::Document')).toEqual([]);
    expect(plain.resources.Outputs.ConfigDocumentName).toBeUndefined();
    expect(plain.resources.Outputs.MeasureDocumentName).toBeUndefined();
    expect(plain.functionEnvironment).not.toHaveProperty('CONFIG_DOCUMENT_NAME');
    expect(actions.filter((a) => a.startsWith('ssm:'))).toEqual([]);
    expect(generateDeployment(cfg0, { applyScript: APPLY_SCRIPT, measureScript: MEASURE_SCRIPT })).toEqual(plain);
  });
});

describe('docs/fleet.config.haproxy.json', () => {
  it('is a valid configuration with an haproxy section, and generates the push pieces', () => {
    // Act
    const cfg = parseConfigText(readFileSync(new URL('../../docs/fleet.config.haproxy.json', import.meta.url), 'utf8'), 'docs/fleet.config.haproxy.json');
    const pieces = generateDeployment(cfg, { applyScript: APPLY_SCRIPT, measureScript: MEASURE_SCRIPT });

    // Assess
    expect(cfg.fleets[0]?.haproxy?.backends.map((b) => b.servers)).toEqual([
      { autoScalingGroup: 'web-app' },
      { autoScalingGroup: 'api-app' },
      { tags: { 'hfc:backend': 'client-a' } },
    ]);
    expect(pieces.resources.Resources[LOGICAL_IDS.configDocument]?.Type).toBe('AWS::SSM::Document');
    expect(pieces.functionEnvironment).toEqual({
      HFC_MODE: 'active',
      CONFIG_DOCUMENT_NAME: { Ref: LOGICAL_IDS.configDocument },
      MEASURE_DOCUMENT_NAME: { Ref: LOGICAL_IDS.measureDocument },
    });
    expect(functionPolicy(cfg, LOGICAL_IDS.lifecycleLogGroup).map((s) => s.Sid)).toEqual(
      expect.arrayContaining(['SendConfigDocument', 'SendCommandToFleetInstances', 'ReadRunCommandState']),
    );
  });
});

describe('dead-letter queue', () => {
  it('keeps failed events 14 days, encrypted', () => {
    const q = generateDeployment(config([rawFleet('edge')])).resources.Resources[LOGICAL_IDS.failedEventsQueue];
    expect(q).toMatchObject({ Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true } });
  });
});

describe('normalizedRecordName', () => {
  it.each([
    ['lb.example.com.', 'lb.example.com'],
    ['LB.Example.COM', 'lb.example.com'],
    ['_x-y.example.com.', '_x-y.example.com'],
    ['*.example.com', '\\052.example.com'],
  ])('%s -> %s', (name, expected) => {
    expect(normalizedRecordName(name)).toBe(expected);
  });
});

describe('serverless-vars.cjs', () => {
  type Vars = Record<string, (params?: { options?: { param?: string[] } }) => Promise<unknown>> & { reset: () => void };
  const vars = createRequire(import.meta.url)('../../deploy/serverless-vars.cjs') as Vars;
  const repoConfig = () => parseConfigText(readFileSync(new URL('../../fleet.config.json', import.meta.url), 'utf8'));

  it("returns the generator's pieces for the repository's fleet.config.json", async () => {
    // Prepare
    vars.reset();
    const expected = generateDeployment(repoConfig(), { applyScript: APPLY_SCRIPT, measureScript: MEASURE_SCRIPT });

    // Act & Assess
    expect(await vars.lifecycleEvents?.()).toEqual(expected.lifecycleEvents);
    expect(await vars.reconcileEvents?.()).toEqual(expected.reconcileEvents);
    expect(await vars.alarmEvents?.()).toEqual(expected.alarmEvents);
    expect(await vars.functionEnvironment?.()).toEqual(expected.functionEnvironment);
    expect(await vars.resources?.()).toEqual(expected.resources);
  });

  it.each([
    [['mode=shadow'], 'shadow'],
    [['dryRun=true'], 'shadow'],
    [['mode=active'], 'active'],
    [[], 'active'],
  ])('--param %j deploys %s mode', async (param, mode) => {
    vars.reset();
    expect(await vars.functionEnvironment!({ options: { param } })).toMatchObject({ HFC_MODE: mode });
  });

  /** Runs `fn` as if serverless had been started with `command`. */
  async function as<T>(command: string, fn: () => Promise<T>): Promise<T> {
    const argv = process.argv;
    process.argv = [argv[0]!, 'serverless', command, '--stage', 'prod'];
    try {
      return await fn();
    } finally {
      process.argv = argv;
    }
  }

  it("serverless deploy refuses the example's placeholders, naming each field and how to find the real value; the problems are printed once", async () => {
    vars.reset();
    const deploy = as('deploy', async () => Promise.allSettled([vars.resources!(), vars.lifecycleEvents!()]));
    const [resources, events] = await deploy;
    expect(resources).toMatchObject({ status: 'rejected' });
    const message = (resources as PromiseRejectedResult).reason.message as string;
    expect(message).toContain('fill them in before deploying (nothing was deployed)');
    expect(message).toContain(
      'fleets[0].dns.hostedZoneId: "Z0EXAMPLE1234567890AB" is the example\'s placeholder: put your hosted zone\'s id (aws route53 list-hosted-zones',
    );
    expect(message).toContain('fleets[0].autoScalingGroupName: "edge-haproxy" is the example\'s group name');
    expect(message).toContain('fleets[0].dns.recordName: "lb.example.com." is a name reserved for documentation');
    expect((events as PromiseRejectedResult).reason.message).not.toContain('fleets[0]');
    vars.reset();
  });

  it('serverless package only warns (CI, the demo and offline work package the example); placeholders=allow deploys', async () => {
    vars.reset();
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      await expect(as('package', () => vars.resources!())).resolves.toBeDefined();
      vars.reset();
      await expect(as('deploy', () => vars.resources!({ options: { param: ['placeholders=allow'] } }))).resolves.toBeDefined();
    } finally {
      process.stderr.write = write;
      vars.reset();
    }
    expect(written.join('')).toContain("warning: fleet.config.json has the example's placeholder values");
  });

  it.each([
    [
      ['mdoe=shadow'],
      '--param: unknown parameter "mdoe"; this service takes mode (active or shadow), placeholders (allow), sharedGroups (allow) and the deprecated dryRun',
    ],
    [['mode=shadow', 'mode=active'], '--param: mode is given twice, as "shadow" and as "active"'],
    [['shadow'], '--param="shadow" is not key=value'],
  ])('--param %j is refused: a typo must not deploy an active control plane', async (param, message) => {
    vars.reset();
    await expect(vars.resources!({ options: { param } })).rejects.toThrow(message);
    vars.reset();
  });

  it('keys are matched case-insensitively', async () => {
    vars.reset();
    expect(await vars.functionEnvironment!({ options: { param: ['Mode=shadow'] } })).toMatchObject({ HFC_MODE: 'shadow' });
    vars.reset();
  });

  it("serverless.yml params (default, then the stage's) give the mode, and --param overrides them", async () => {
    const withDev = { params: { default: { mode: 'shadow' }, dev: { mode: 'active' } }, provider: { stage: 'dev' } };
    const defaultOnly = { params: { default: { mode: 'shadow' } }, provider: { stage: 'dev' } };
    const modeOf = async (yml: object, options: { stage?: string; param?: string[] }) => {
      vars.reset();
      const resolveConfigurationProperty = async (path: string[]) => path.reduce<any>((o, k) => o?.[k], yml);
      return ((await vars.functionEnvironment!({ options, resolveConfigurationProperty } as never)) as { HFC_MODE: string }).HFC_MODE;
    };
    expect(await modeOf(withDev, {})).toBe('active');
    expect(await modeOf(withDev, { stage: 'dev' })).toBe('active');
    expect(await modeOf(defaultOnly, {})).toBe('shadow');
    expect(await modeOf(withDev, { param: ['mode=shadow'] })).toBe('shadow');
    // (another stage reads its own fleet.config.<stage>.json: the repository has none, so it is refused)
    await expect(as('package', () => modeOf(withDev, { stage: 'prod' }))).rejects.toThrow(/stage "prod" would deploy fleet.config.json/);
    vars.reset();
  });

  it('DRY_RUN=true in the shell at deploy or package time deploys shadow mode, never an active control plane; contradictions are refused', async () => {
    const argv = process.argv;
    process.argv = [argv[0]!, 'serverless', 'package'];
    process.env.DRY_RUN = 'true';
    try {
      vars.reset();
      expect(await vars.functionEnvironment!()).toMatchObject({ HFC_MODE: 'shadow' });
      vars.reset();
      await expect(vars.resources!({ options: { param: ['mode=active'] } })).rejects.toThrow(
        'mode=active and dryRun=true (or DRY_RUN=true) contradict each other',
      );
    } finally {
      delete process.env.DRY_RUN;
      process.argv = argv;
      vars.reset();
    }
  });

  it('placeholders takes only allow; deploy list is not a deploy', async () => {
    vars.reset();
    await expect(vars.resources!({ options: { param: ['placeholders=yes'] } })).rejects.toThrow('placeholders="yes": the only value is allow');
    const argv = process.argv;
    process.argv = [argv[0]!, 'serverless', 'deploy', 'list'];
    try {
      vars.reset();
      await expect(vars.resources!()).resolves.toBeDefined();
    } finally {
      process.argv = argv;
      vars.reset();
    }
  });

  it('serverless deploy function must be told the mode (it re-sends HFC_MODE without the hooks)', async () => {
    vars.reset();
    const argv = process.argv;
    process.argv = [argv[0]!, 'serverless', 'deploy', 'function', '-f', 'lifecycle'];
    try {
      await expect(vars.resources!()).rejects.toThrow("serverless deploy function re-sends the function's environment (HFC_MODE) but not the hooks");
      vars.reset();
      await expect(vars.resources!({ options: { param: ['mode=shadow', 'placeholders=allow'] } })).resolves.toBeDefined();
    } finally {
      process.argv = argv;
      vars.reset();
    }
  });

  it('an unknown mode fails the package, naming the parameter', async () => {
    vars.reset();
    await expect(vars.resources!({ options: { param: ['mode=shdow'] } })).rejects.toThrow(
      '--param="mode=shdow" is not a mode: use mode=active (the default) or mode=shadow',
    );
    vars.reset();
  });
});

describe('shadow mode (serverless deploy --param="mode=shadow")', () => {
  // Every hook kind: load balancers and application groups, ABANDON and CONTINUE configured.
  const cfg = config([
    rawFleet('edge', {
      lifecycleHooks: { launching: { heartbeatTimeoutSeconds: 900, defaultResult: 'ABANDON' }, terminating: { defaultResult: 'ABANDON' } },
      haproxy: { backends: [{ name: 'app', servers: { autoScalingGroup: 'app-servers' }, port: 8080 }] },
      appLifecycleHooks: { launching: { defaultResult: 'ABANDON' } },
    }),
  ]);

  it('every hook times out with CONTINUE after 30 s, whatever the configuration says', () => {
    const hooks = hooksOf(generateDeployment(cfg, { applyScript: APPLY_SCRIPT, measureScript: MEASURE_SCRIPT, mode: 'shadow' }).resources.Resources);
    expect(hooks).toHaveLength(4);
    for (const [, hook] of hooks) expect(hook.Properties).toMatchObject({ DefaultResult: 'CONTINUE', HeartbeatTimeout: SHADOW_HEARTBEAT_SECONDS });
    expect(SHADOW_HEARTBEAT_SECONDS).toBe(30);
  });

  it('active mode keeps the configured results and heartbeats', () => {
    const hooks = Object.fromEntries(hooksOf(generateDeployment(cfg, { applyScript: APPLY_SCRIPT, measureScript: MEASURE_SCRIPT }).resources.Resources));
    expect(hooks.EdgeFleetLaunchingHook?.Properties).toMatchObject({ DefaultResult: 'ABANDON', HeartbeatTimeout: 900 });
  });

  it('the functions run with HFC_MODE=shadow, which the handlers read as a dry run', () => {
    const env = generateDeployment(cfg, { applyScript: APPLY_SCRIPT, measureScript: MEASURE_SCRIPT, mode: 'shadow' }).functionEnvironment;
    expect(env.HFC_MODE).toBe('shadow');
    expect(env).not.toHaveProperty('DRY_RUN');
    expect(readRuntimeSettings({ HFC_MODE: 'shadow' })).toEqual({ dryRun: true, mode: 'shadow' });
    expect(readRuntimeSettings({ HFC_MODE: 'active' })).toEqual({ dryRun: false, mode: 'active' });
    expect(() => readRuntimeSettings({ HFC_MODE: 'rehearsal' })).toThrow('HFC_MODE="rehearsal" must be active or shadow');
  });

  it.each([
    [undefined, undefined, 'active'],
    ['shadow', undefined, 'shadow'],
    ['SHADOW', 'false', 'shadow'],
    ['active', 'true', 'shadow'],
  ])('deploymentMode(mode=%s, dryRun=%s) = %s', (mode, dryRun, want) => {
    expect(deploymentMode(mode, dryRun)).toBe(want);
  });

  it('refuses values it does not understand', () => {
    expect(() => deploymentMode('dry', undefined)).toThrow('--param="mode=dry" is not a mode');
    expect(() => deploymentMode(undefined, 'yes please')).toThrow('--param="dryRun=yes please" must be true or false');
  });
});

describe('application group hooks (haproxy backends from Auto Scaling groups)', () => {
  it('hooks on every application group, in the EventBridge pattern and the lifecycle completion scope', () => {
    // Prepare: the documented example, whose backends take servers from Auto Scaling groups
    const cfg = parseConfigText(readFileSync(new URL('../../docs/fleet.config.haproxy.json', import.meta.url), 'utf8'));
    const fleet = cfg.fleets[0]!;
    const groups = fleet.haproxy!.backends.flatMap((b) => ('autoScalingGroup' in b.servers ? [b.servers.autoScalingGroup] : []));
    expect(groups.length).toBeGreaterThan(0);

    // Act
    const script = readFileSync(new URL('../../lib/haproxy/apply-config.sh', import.meta.url), 'utf8');
    const { resources, lifecycleEvents } = generateDeployment(cfg, { applyScript: script, measureScript: MEASURE_SCRIPT });

    // Assess
    const hooks = Object.values(resources.Resources)
      .filter((r) => r.Type === 'AWS::AutoScaling::LifecycleHook')
      .map((r) => r.Properties);
    for (const g of groups) {
      expect(
        hooks
          .filter((h) => h.AutoScalingGroupName === g)
          .map((h) => [h.LifecycleHookName, h.LifecycleTransition, h.DefaultResult])
          .sort(),
      ).toEqual([
        [fleet.appLifecycleHooks.launching.name, 'autoscaling:EC2_INSTANCE_LAUNCHING', 'CONTINUE'],
        [fleet.appLifecycleHooks.terminating.name, 'autoscaling:EC2_INSTANCE_TERMINATING', 'CONTINUE'],
      ]);
    }
    const pattern = JSON.stringify(lifecycleEvents);
    for (const g of groups) expect(pattern).toContain(`"${g}"`);
    expect(pattern).toContain(fleet.appLifecycleHooks.launching.name);
    const complete = JSON.stringify(functionPolicy(cfg, LOGICAL_IDS.lifecycleLogGroup).find((st) => st.Sid === 'CompleteFleetLifecycleActions'));
    for (const g of groups) expect(complete).toContain(g);
  });
});

describe('deployment.reservedConcurrency', () => {
  it('defaults to 1 (one decider per function); a number is taken as is; false reserves nothing', () => {
    expect(generateDeployment(config([rawFleet('edge')])).reservedConcurrency).toBe(1);
    expect(generateDeployment(config([rawFleet('edge')], { reservedConcurrency: 2 })).reservedConcurrency).toBe(2);
    expect(generateDeployment(config([rawFleet('edge')], { reservedConcurrency: false })).reservedConcurrency).toBeNull();
  });

  it.each([0, true, 'off', 1.5])('refuses %j, saying what is allowed', (value) => {
    expect(() => config([rawFleet('edge')], { reservedConcurrency: value })).toThrow(
      'deployment.reservedConcurrency: must be a number of executions from 1 to 1000, or false (no reservation)',
    );
  });
});

describe('placeholderProblems', () => {
  it('a filled-in configuration has none', () => {
    const cfg = parseConfig({
      fleets: [
        {
          name: 'edge',
          autoScalingGroupName: 'prod-lb',
          dns: { hostedZoneId: 'Z04414252OHF0UNW4Y8QO', recordName: 'lb.acme.io' },
          healthCheck: { protocol: 'TCP', port: 443 },
        },
      ],
    });
    expect(placeholderProblems(cfg)).toEqual([]);
  });

  it.each(['lb.example.org', 'x.example', 'edge.test', 'a.b.invalid', 'host.localhost'])('%s is a reserved name', (recordName) => {
    const cfg = parseConfig({
      fleets: [
        {
          name: 'edge',
          autoScalingGroupName: 'prod-lb',
          dns: { hostedZoneId: 'Z04414252OHF0UNW4Y8QO', recordName },
          healthCheck: { protocol: 'TCP', port: 443 },
        },
      ],
    });
    expect(placeholderProblems(cfg)).toEqual([expect.stringMatching(/^fleets\[0\]\.dns\.recordName: /)]);
  });

  it('the example application groups too', () => {
    const raw = JSON.parse(readFileSync(new URL('../../docs/fleet.config.haproxy.json', import.meta.url), 'utf8'));
    expect(placeholderProblems(parseConfig(raw)).map((p) => p.split(':')[0])).toEqual([
      'fleets[0].dns.hostedZoneId',
      'fleets[0].dns.recordName',
      'fleets[0].autoScalingGroupName',
      'fleets[0].haproxy.backends[0].servers.autoScalingGroup',
      'fleets[0].haproxy.backends[1].servers.autoScalingGroup',
    ]);
  });
});

describe('IAM inline policy size', () => {
  const full = (i: number) =>
    haproxyFleet(`edge-${i}`, { autoScalingGroupName: `lb-${i}`, dns: { hostedZoneId: `Z0EXAMPLE${i}`, recordName: `lb${i}.example.com` } });

  it('a deployment whose role policy IAM would refuse fails at package time, saying what to do', () => {
    const many = config(Array.from({ length: 20 }, (_, i) => full(i)));
    expect(() => generateDeployment(many, { applyScript: APPLY_SCRIPT, measureScript: MEASURE_SCRIPT })).toThrow(
      /function's IAM policy would take up to \d+ characters, and IAM allows 10240 of inline policy per role: split the fleets/,
    );
  });

  it('the resolved size is an upper bound: intrinsics count as their longest values', () => {
    const doc: CfnValue = {
      Statement: [{ Resource: [{ 'Fn::Sub': ['arn:${AWS::Partition}:route53:::hostedzone/${Zone}', { Zone: 'Z1' }] }, { Ref: 'AWS::AccountId' }] }],
    };
    expect(resolvedPolicyLength(doc)).toBe(JSON.stringify({ Statement: [{ Resource: ['arn:aws-us-gov:route53:::hostedzone/Z1', '123456789012'] }] }).length);
  });
});

describe('application groups whose names differ only in case or punctuation', () => {
  it('each gets its own pair of hooks', () => {
    const cfg = config([
      haproxyFleet('edge', {
        haproxy: {
          backends: [
            { name: 'a', servers: { autoScalingGroup: 'web_app' }, port: 80 },
            { name: 'b', servers: { autoScalingGroup: 'Web-App' }, port: 81 },
          ],
        },
      }),
    ]);
    const hooks = hooksOf(generateDeployment(cfg, { applyScript: APPLY_SCRIPT, measureScript: MEASURE_SCRIPT }).resources.Resources).map(
      ([, h]) => h.Properties.AutoScalingGroupName,
    );
    expect(hooks.filter((g) => g === 'web_app')).toHaveLength(2);
    expect(hooks.filter((g) => g === 'Web-App')).toHaveLength(2);
  });
});
