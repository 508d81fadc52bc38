/**
 * Who may publish to the stack's topics, evaluated the way IAM evaluates a request in the same
 * account (test/fixtures/policyEval.ts), with the worst-case caller: one whose own identity policy
 * allows sns:Publish on everything. Only Auto Scaling's publish role may publish lifecycle
 * notifications, and only CloudWatch, for the fleets' alarms, may publish alarm notifications.
 */
import { describe, expect, it } from 'vitest';
import { generateDeployment, LOGICAL_IDS } from '../../deploy/cloudformation';
import { parseConfig } from '../../lib/config/load';
import { evaluate, resolve, type Json } from '../fixtures/policyEval';

const ACCOUNT = '123456789012';
const LIFECYCLE_TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:hfc-dev-lifecycle`;
const ALARM_TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:hfc-dev-alarms`;
const PUBLISH_ROLE = `arn:aws:iam::${ACCOUNT}:role/hfc-dev-LifecycleTopicPublishRole-1ABC`;
const refs = {
  [LOGICAL_IDS.lifecycleTopic]: LIFECYCLE_TOPIC,
  [LOGICAL_IDS.alarmTopic]: ALARM_TOPIC,
  [`${LOGICAL_IDS.lifecycleTopicRole}.Arn`]: PUBLISH_ROLE,
  'AWS::AccountId': ACCOUNT,
  'AWS::Region': 'eu-west-1',
  'AWS::Partition': 'aws',
};

const config = parseConfig({
  deployment: { lifecycleEvents: 'sns' },
  fleets: [
    {
      name: 'edge',
      autoScalingGroupName: 'edge-haproxy',
      dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', address: 'elastic-ip' },
      healthCheck: { protocol: 'HTTP', port: 8404, path: '/healthz' },
      elasticIps: {},
      alarms: { manage: true },
    },
  ],
});
const { Resources } = generateDeployment(config).resources;

/** The policy document of a topic policy, intrinsics resolved; Fn::Sub of the alarm ARNs resolved too. */
function policyOf(id: string): { Statement: Json[] } {
  const doc = resolve(Resources[id]!.Properties.PolicyDocument as Json, refs) as Record<string, Json>;
  const text = JSON.stringify(doc).replace(
    /\{"Fn::Sub":\["arn:\$\{AWS::Partition\}:cloudwatch:\$\{AWS::Region\}:\$\{AWS::AccountId\}:alarm:\$\{Prefix\}\*",\{"Prefix":"([^"]+)"\}\]\}/g,
    (_, p) => `"arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:${p}*"`,
  );
  return JSON.parse(text);
}

const publish = (principal: { arn: string } | { service: string }, context: Record<string, string> = {}) => ({
  action: 'sns:Publish',
  principal,
  context,
  identityAllows: true,
});

describe('LifecycleTopicPolicy', () => {
  const policy = policyOf(LOGICAL_IDS.lifecycleTopicPolicy);

  it('is attached to the lifecycle topic', () => {
    expect(Resources[LOGICAL_IDS.lifecycleTopicPolicy]).toMatchObject({
      Type: 'AWS::SNS::TopicPolicy',
      Properties: { Topics: [{ Ref: LOGICAL_IDS.lifecycleTopic }] },
    });
  });

  it.each([
    ['Auto Scaling, through the publish role', { arn: PUBLISH_ROLE }, 'allow'],
    ['an IAM user allowed sns:* by its own policy', { arn: `arn:aws:iam::${ACCOUNT}:user/ops` }, 'deny'],
    ['another role of the account (a compromised CI role)', { arn: `arn:aws:iam::${ACCOUNT}:role/ci-deployer` }, 'deny'],
    ['the account root', { arn: `arn:aws:iam::${ACCOUNT}:root` }, 'deny'],
    ['a service principal', { service: 'events.amazonaws.com' }, 'deny'],
  ] as const)('%s: %s', (_, principal, want) => {
    expect(evaluate(policy, publish(principal))).toBe(want);
  });
});

describe('AlarmTopicPolicy', () => {
  const policy = policyOf(LOGICAL_IDS.alarmTopicPolicy);
  const alarm = (name: string) => ({ 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:${name}` });

  it.each([
    ["CloudWatch, for a fleet's alarm", { service: 'cloudwatch.amazonaws.com' }, alarm('hfc-hfc-edge-i-0123456789abcdef0'), 'allow'],
    ['CloudWatch, for another alarm', { service: 'cloudwatch.amazonaws.com' }, alarm('billing'), 'implicit-deny'],
    [
      'CloudWatch, for another account',
      { service: 'cloudwatch.amazonaws.com' },
      { ...alarm('hfc-hfc-edge-x'), 'aws:SourceAccount': '999999999999' },
      'implicit-deny',
    ],
    ['an IAM user allowed sns:* by its own policy', { arn: `arn:aws:iam::${ACCOUNT}:user/ops` }, {}, 'deny'],
    ['the lifecycle functions', { arn: `arn:aws:iam::${ACCOUNT}:role/hfc-dev-LifecycleFunctionRole` }, {}, 'deny'],
  ] as const)('%s: %s', (_, principal, context, want) => {
    expect(evaluate(policy, publish(principal, context))).toBe(want);
  });
});
