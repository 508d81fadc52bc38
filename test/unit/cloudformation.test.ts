import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  functionPolicy, generateDeployment, LOGICAL_IDS, normalizedRecordName, type CfnResource, type PolicyStatement,
} from '../../deploy/cloudformation';
import { parseConfig, parseConfigText, type Config } from '../../lib/config/load';

/** A raw fleet entry as an operator would write it; defaults come from the real parser. */
const rawFleet = (name: string, overrides: Record<string, unknown> = {}) => ({
  name,
  autoScalingGroupName: `${name}-haproxy`,
  dns: { hostedZoneId: 'Z0EXAMPLE1234567890AB', recordName: `${name}.Example.com.` },
  healthCheck: { protocol: 'HTTP', port: 8404, path: '/healthz' },
  ...overrides,
});

const config = (fleets: unknown[], deployment: Record<string, unknown> = {}): Config => parseConfig({ fleets, deployment });

const hooksOf = (resources: Record<string, CfnResource>) =>
  Object.entries(resources).filter(([, r]) => r.Type === 'AWS::AutoScaling::LifecycleHook');

const statement = (statements: PolicyStatement[], sid: string) => {
  const s = statements.find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid}`);
  return s;
};

describe('lifecycle trigger', () => {
  it('eventbridge mode: one rule for our groups and hook names, and the topic subscription', () => {
    // Prepare
    const cfg = config([rawFleet('edge'), rawFleet('edge-us', { lifecycleHooks: { launching: { name: 'custom-launch' } } })]);

    // Act
    const { lifecycleEvents, resources } = generateDeployment(cfg);

    // Assess
    expect(lifecycleEvents).toEqual([
      { sns: { arn: { Ref: LOGICAL_IDS.lifecycleTopic }, topicName: 'lifecycle' } },
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
    // The topic exists in both modes, so switching a hook to it needs no new resources.
    expect(resources.Resources[LOGICAL_IDS.lifecycleTopic]?.Type).toBe('AWS::SNS::Topic');
    expect(resources.Resources[LOGICAL_IDS.lifecycleTopicRole]?.Type).toBe('AWS::IAM::Role');
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
    expect(role?.Policies).toMatchObject([
      { PolicyDocument: { Statement: [{ Action: ['sns:Publish'], Resource: [{ Ref: LOGICAL_IDS.lifecycleTopic }] }] } },
    ]);
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

  it('record changes: per zone, only type A and that zone\'s normalized names', () => {
    // Act
    const first = statement(statements, 'ChangeFleetRecordsZ0EXAMPLE1234567890AB');
    const other = statement(statements, 'ChangeFleetRecordsZ0OTHERZONE00000000AB');

    // Assess
    expect(first.Action).toEqual(['route53:ChangeResourceRecordSets']);
    expect(first.Resource).toEqual([{ 'Fn::Sub': ['arn:${AWS::Partition}:route53:::hostedzone/${Zone}', { Zone: 'Z0EXAMPLE1234567890AB' }] }]);
    expect(first.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsRecordTypes': ['A'],
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
    const star = statements.filter((s) => s.Resource === '*').flatMap((s) => s.Action).sort();

    // Assess
    expect(star).toEqual(['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances', 'route53:CreateHealthCheck', 'route53:ListHealthChecks']);
  });

  it('covers every AWS call the adapters make, and logs to the function\'s own group only', () => {
    // Prepare: the SDK commands lib/aws sends, read from the source so a new call fails here.
    const source = ['route53', 'autoscaling', 'ec2'].map((f) => readFileSync(new URL(`../../lib/aws/${f}.ts`, import.meta.url), 'utf8')).join('\n');
    const service = { route53: 'route53', autoscaling: 'autoscaling', ec2: 'ec2' } as const;
    const commands = [...source.matchAll(/new (\w+)Command\(/g)].map((m) => m[1]);
    const granted = new Set(statements.flatMap((s) => s.Action));

    // Act
    const missing = commands.filter((c) => !Object.values(service).some((p) => granted.has(`${p}:${c}`)));

    // Assess
    expect(commands.length).toBeGreaterThan(5);
    expect(missing).toEqual([]);
    expect(statement(statements, 'WriteOwnLogs').Resource).toEqual([{ 'Fn::GetAtt': [LOGICAL_IDS.lifecycleLogGroup, 'Arn'] }]);
  });

  it('one role per function, each writing only to its own log group', () => {
    // Act
    const { Resources } = generateDeployment(cfg).resources;
    const logs = (id: string) => (Resources[id]?.Properties.Policies as unknown as [{ PolicyDocument: { Statement: PolicyStatement[] } }])[0].PolicyDocument.Statement[0];

    // Assess
    expect(logs(LOGICAL_IDS.lifecycleRole)?.Resource).toEqual([{ 'Fn::GetAtt': ['LifecycleLogGroup', 'Arn'] }]);
    expect(logs(LOGICAL_IDS.reconcileRole)?.Resource).toEqual([{ 'Fn::GetAtt': ['ReconcileLogGroup', 'Arn'] }]);
  });

  it('refuses a group name IAM would read as a wildcard', () => {
    expect(() => generateDeployment(config([rawFleet('edge', { autoScalingGroupName: 'edge-*' })]))).toThrow(/IAM would read as a wildcard/);
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
  it('returns the generator\'s pieces for the repository\'s fleet.config.json', () => {
    // Prepare
    const vars = createRequire(import.meta.url)('../../deploy/serverless-vars.cjs') as Record<string, () => unknown>;
    const expected = generateDeployment(parseConfigText(readFileSync(new URL('../../fleet.config.json', import.meta.url), 'utf8')));

    // Act & Assess
    expect(vars.lifecycleEvents?.()).toEqual(expected.lifecycleEvents);
    expect(vars.reconcileEvents?.()).toEqual(expected.reconcileEvents);
    expect(vars.resources?.()).toEqual(expected.resources);
  });
});
