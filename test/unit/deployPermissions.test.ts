/**
 * docs/deploy-permissions.md against what the stack really needs: every CloudFormation resource
 * type the generated stacks can hold (every deployment shape) has its handlers' permissions in
 * deploy/deployPermissions.ts, and the document's example policy grants every one of them and
 * every call osls makes, but for the actions the document lists as left out (with why).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateDeployment } from '../../deploy/cloudformation';
import { DEPLOY_PERMISSIONS, FRAMEWORK_PERMISSIONS } from '../../deploy/deployPermissions';
import { parseConfig } from '../../lib/config/load';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const APPLY_SCRIPT = read('lib/haproxy/apply-config.sh');
const MEASURE_SCRIPT = read('lib/haproxy/measure.sh');
const DOC = read('docs/deploy-permissions.md');

/** The resource types serverless adds to every stack of serverless.yml (deployment bucket, functions and their triggers). */
const SERVERLESS_TYPES = [
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::Logs::LogGroup',
  'AWS::Lambda::Function',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Lambda::Permission',
  'AWS::Events::Rule',
  'AWS::SNS::Subscription',
];

/** Every deployment shape: the repository's configuration, both lifecycle modes, Elastic IPs, the configuration push, shadow mode. */
function stackTypes(): Set<string> {
  const types = new Set(SERVERLESS_TYPES);
  const configs = [read('fleet.config.json'), read('docs/fleet.config.elastic-ip.json'), read('docs/fleet.config.haproxy.json')].map((t) => JSON.parse(t));
  for (const raw of configs) {
    for (const lifecycleEvents of ['eventbridge', 'sns']) {
      for (const mode of ['active', 'shadow'] as const) {
        const config = parseConfig({ ...raw, deployment: { ...(raw.deployment ?? {}), lifecycleEvents } });
        for (const r of Object.values(generateDeployment(config, { applyScript: APPLY_SCRIPT, measureScript: MEASURE_SCRIPT, mode }).resources.Resources))
          types.add(r.Type);
      }
    }
  }
  return types;
}

/** The actions the document's JSON policy blocks grant (an action may end in `*`). */
function granted(): string[] {
  const blocks = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!));
  return blocks.flatMap((p: { Statement: { Effect: string; Action: string | string[] }[] }) =>
    p.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat()),
  );
}

/**
 * The actions the document lists under "Left out of the example policy". Not iam:PassRole: only
 * passing roles to other services is left out, and that is a condition, checked below.
 */
function leftOut(): string[] {
  const section = DOC.slice(DOC.indexOf('### Left out of the example policy'), DOC.indexOf('### Checking a principal'));
  return [...section.matchAll(/`([a-z0-9-]+:[A-Za-z*]+)`/g)].map((m) => m[1]!).filter((a) => a !== 'iam:PassRole');
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** The example policy's statements, with REGION, ACCOUNT and STAGE filled in as a user would. */
function statements(): Statement[] {
  const text = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .join('\n---\n')
    .replace(/REGION/g, 'eu-west-1')
    .replace(/ACCOUNT/g, '123456789012')
    .replace(/STAGE/g, 'prod');
  return text.split('\n---\n').flatMap((b) => (JSON.parse(b) as { Statement: Statement[] }).Statement);
}

/** Whether some Allow statement grants `action` on `arn` (a Resource of `*` or a pattern). */
const allows = (action: string, arn: string, context: Record<string, string> = {}) =>
  statements().some(
    (st) =>
      st.Effect === 'Allow' &&
      [st.Action].flat().some((a) => covers(a, action)) &&
      [st.Resource].flat().some((r) => covers(r, arn)) &&
      Object.values(st.Condition ?? {}).every((keys) => Object.entries(keys).every(([k, v]) => context[k] !== undefined && [v].flat().includes(context[k]!))),
  );

/** Calls IAM never authorizes (AWS STS user guide: GetCallerIdentity needs no permission and cannot be denied). */
const NEEDS_NO_PERMISSION = ['sts:GetCallerIdentity'];

const covers = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);

describe("the deploying principal's permissions", () => {
  it("every resource type a stack can hold has its handlers' permissions listed", () => {
    const missing = [...stackTypes()].filter((t) => !(t in DEPLOY_PERMISSIONS)).sort();
    expect(missing).toEqual([]);
  });

  it('the example policy grants every action of create, update, delete and read, and every osls call, but those it lists as left out', () => {
    const policy = granted();
    const out = leftOut();
    expect(policy.length).toBeGreaterThan(50);
    const needed = new Set([
      ...[...stackTypes()].flatMap((t) => {
        const p = DEPLOY_PERMISSIONS[t]!;
        return [...p.create, ...p.update, ...p.delete, ...p.read];
      }),
      ...FRAMEWORK_PERMISSIONS.flatMap((f) => f.actions),
    ]);
    const uncovered = [...needed].filter((a) => !NEEDS_NO_PERMISSION.includes(a) && !policy.some((p) => covers(p, a)) && !out.some((o) => covers(o, a))).sort();
    expect(uncovered).toEqual([]);
  });

  it("iam:PassRole is granted for the stack's roles to Lambda and Auto Scaling only", () => {
    const role = 'arn:aws:iam::123456789012:role/haproxy-fleet-control-prod-LifecycleFunctionRole-1A2B3C4D5E6F';
    expect(allows('iam:PassRole', role, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe(true);
    expect(allows('iam:PassRole', role, { 'iam:PassedToService': 'autoscaling.amazonaws.com' })).toBe(true);
    expect(allows('iam:PassRole', role, { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(false);
    expect(allows('iam:PassRole', 'arn:aws:iam::123456789012:role/admin', { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe(false);
  });

  it.each([
    // What the stack creates on a first deploy with the repository's configuration (stage prod),
    // named as serverless and CloudFormation name it.
    ['cloudformation:CreateChangeSet', 'arn:aws:cloudformation:eu-west-1:123456789012:stack/haproxy-fleet-control-prod/8d1e2f30-0000-11ef-9a1b-0a1b2c3d4e5f'],
    ['s3:CreateBucket', 'arn:aws:s3:::haproxy-fleet-control-prod-serverlessdeploymentbucket-1a2b3c4d5e6f'],
    [
      's3:PutObject',
      'arn:aws:s3:::haproxy-fleet-control-prod-serverlessdeploymentbucket-1a2b3c4d5e6f/serverless/haproxy-fleet-control/prod/1700000000000/lifecycle.zip',
    ],
    ['iam:CreateRole', 'arn:aws:iam::123456789012:role/haproxy-fleet-control-prod-LifecycleFunctionRole-1A2B3C4D5E6F'],
    ['lambda:CreateFunction', 'arn:aws:lambda:eu-west-1:123456789012:function:haproxy-fleet-control-prod-lifecycle'],
    ['lambda:PutFunctionConcurrency', 'arn:aws:lambda:eu-west-1:123456789012:function:haproxy-fleet-control-prod-alarm'],
    ['logs:CreateLogGroup', 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/haproxy-fleet-control-prod-reconcile'],
    ['events:PutRule', 'arn:aws:events:eu-west-1:123456789012:rule/haproxy-fleet-control-prod-lifecycle-rule-1'],
    ['events:PutRule', 'arn:aws:events:eu-west-1:123456789012:rule/haproxy-fleet-control-prod-ReconcileEventsRuleSchedule1-1A2B3C4D5E6F'],
    ['sqs:CreateQueue', 'arn:aws:sqs:eu-west-1:123456789012:haproxy-fleet-control-prod-failed-events'],
    ['sns:CreateTopic', 'arn:aws:sns:eu-west-1:123456789012:haproxy-fleet-control-prod-lifecycle'],
    [
      'autoscaling:PutLifecycleHook',
      'arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:6d8a4c2e-3b1f-4e5a-9c7d-2f1e0b9a8c7d:autoScalingGroupName/edge-haproxy',
    ],
    ['ssm:CreateDocument', 'arn:aws:ssm:eu-west-1:123456789012:document/haproxy-fleet-control-prod-ConfigDocument-1A2B3C4D5E6F'],
    ['cloudwatch:PutMetricAlarm', 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:haproxy-fleet-control-prod-FailedEventsAlarm-1A2B3C4D5E6F'],
    ['cloudwatch:PutDashboard', 'arn:aws:cloudwatch::123456789012:dashboard/haproxy-fleet-control-prod'],
    ['sns:CreateTopic', 'arn:aws:sns:eu-west-1:123456789012:haproxy-fleet-control-prod-operator'],
  ])('the example policy allows %s on %s', (action, arn) => {
    expect(allows(action, arn)).toBe(true);
  });

  it('every action is written service:Action', () => {
    const all = [
      ...Object.values(DEPLOY_PERMISSIONS).flatMap((p) => [...p.create, ...p.update, ...p.delete, ...p.read]),
      ...FRAMEWORK_PERMISSIONS.flatMap((f) => f.actions),
    ];
    expect(all.filter((a) => !/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a))).toEqual([]);
  });
});
