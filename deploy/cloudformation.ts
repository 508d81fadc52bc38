/**
 * The config-driven half of the deployment: from a validated fleet configuration, the function
 * events and environment and the CloudFormation resources (lifecycle hooks, SNS topics,
 * dead-letter queue, the HAProxy configuration document, one least-privilege IAM role per
 * function) that serverless.yml pulls in through deploy/serverless-vars.cjs. Pure: no I/O (the
 * apply script the document embeds is passed in), no AWS calls, deterministic output.
 *
 * Why generated rather than written in serverless.yml: the hooks, the EventBridge pattern and the
 * IAM scoping all follow the fleets listed in fleet.config.json, and that file is validated by the
 * same parser the handlers use, so the stack cannot disagree with what the functions will manage.
 * docs/iam.md explains every statement.
 */
import { createHash } from 'node:crypto';
import type { Config, FleetConfig } from '../lib/config/load';
import { appGroupsOf } from '../lib/config/schema';
import { HOME_TAG, MOVED_AT_TAG, MOVED_TO_TAG, POOL_TAG } from '../lib/plan/addressTypes';
import { CONFIG_DIGEST_TAG, DEREGISTERED_AT_TAG } from '../lib/plan/types';
import { REBALANCE_RECOMMENDATION, SPOT_INTERRUPTION, STATE_CHANGE } from '../lib/events/ec2';
import { ENDING_STATES } from '../lib/plan/health';
import { LISTED_TYPES } from '../lib/plan/families';
import { DRAIN_SINCE_TAG, ENDING_TAG, HEARTBEAT_AT_TAG } from '../lib/plan/tags';
import { AUTO_SCALING_GROUP_TAG, FLEET_TAG, INSTANCE_ID_TAG, OWNER_TAG } from '../lib/plan/tags';
import { MEASURE_SERVERS_PER_COMMAND } from '../lib/reconcile/measureLoads';
import { TOKENS } from '../lib/tokens';

import { arnOf, type CfnResource, type CfnValue, fleetIds, pascal, ref, sub } from './cfn';
import { OPERATOR_IDS, operatorResources } from './operatorView';

export type { CfnResource, CfnValue } from './cfn';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: CfnValue[] | '*';
  Condition?: { [operator: string]: { [key: string]: CfnValue[] } };
}

/** One entry of a serverless function's `events` list. */
export type ServerlessEvent = { [type: string]: CfnValue };

export interface DeploymentPieces {
  /** `functions.lifecycle.events` */
  lifecycleEvents: ServerlessEvent[];
  /** `functions.reconcile.events` */
  reconcileEvents: ServerlessEvent[];
  /** `functions.alarm.events`: empty unless a fleet has `elasticIps` */
  alarmEvents: ServerlessEvent[];
  /** `functions.<each>.reservedConcurrency`: null reserves nothing (serverless then sets none) */
  reservedConcurrency: number | null;
  /**
   * `functions.<each>.environment`: ALARM_TOPIC_ARN when a fleet has `alarms.manage`, CONFIG_DOCUMENT_NAME
   * when a fleet has `haproxy`; empty otherwise
   */
  functionEnvironment: { [name: string]: CfnValue };
  /** `resources` (merged by serverless into the compiled template) */
  resources: { Resources: { [logicalId: string]: CfnResource }; Outputs: { [name: string]: CfnValue } };
}

/**
 * How the deployed control plane acts:
 *   active   observes, plans and changes the fleet; the hooks' DefaultResult is the configured one
 *   shadow   observes, plans and logs what it would do, changes nothing (HFC_MODE=shadow), and
 *            every hook it installs times out with CONTINUE after the minimum heartbeat (30 s): a
 *            control plane that changes nothing must never hold a launch or a termination back,
 *            nor make Auto Scaling ABANDON an instance because it did not complete the action
 */
export type DeploymentMode = 'active' | 'shadow';
export const DEPLOYMENT_MODES: readonly DeploymentMode[] = ['active', 'shadow'];

/** The hook heartbeat in shadow mode: Auto Scaling's minimum, so a rehearsal delays launches least. */
export const SHADOW_HEARTBEAT_SECONDS = 30;

/**
 * The mode from the deploy parameters (`--param="mode=shadow"`). The old `--param="dryRun=true"`
 * means shadow mode: it used to deploy a dry-run control plane whose launch hooks still
 * ABANDONed every instance it held back.
 * @throws Error naming the parameter when a value is not understood
 */
export function deploymentMode(mode: unknown, dryRun: unknown): DeploymentMode {
  const m = String(mode ?? 'active')
    .trim()
    .toLowerCase();
  if (!DEPLOYMENT_MODES.includes(m as DeploymentMode))
    throw new Error(`--param="mode=${String(mode)}" is not a mode: use mode=active (the default) or mode=shadow (observe and log only)`);
  const d = String(dryRun ?? 'false')
    .trim()
    .toLowerCase();
  if (!['true', 'false', ''].includes(d)) throw new Error(`--param="dryRun=${String(dryRun)}" must be true or false (prefer --param="mode=shadow")`);
  return d === 'true' ? 'shadow' : (m as DeploymentMode);
}

/** What the generator needs besides the configuration; read from the repository by deploy/serverless-vars.cjs. */
export interface DeploymentInputs {
  /** Defaults to active. */
  mode?: DeploymentMode;
  /**
   * The text of lib/haproxy/apply-config.sh, embedded in the configuration document. Required
   * when a fleet has `haproxy`.
   */
  applyScript?: string;
  /** The text of lib/haproxy/measure.sh, embedded in the measure document. Required when a fleet has `haproxy`. */
  measureScript?: string;
}

/**
 * Logical ids serverless.yml refers to by name (function `role`, `destinations`). Serverless
 * names each function's log group `<Function>LogGroup`; the roles reference those.
 */
export const LOGICAL_IDS = {
  lifecycleRole: 'LifecycleFunctionRole',
  reconcileRole: 'ReconcileFunctionRole',
  alarmRole: 'AlarmFunctionRole',
  failedEventsQueue: 'FailedEventsQueue',
  lifecycleTopic: 'LifecycleTopic',
  lifecycleTopicRole: 'LifecycleTopicPublishRole',
  lifecycleTopicPolicy: 'LifecycleTopicPolicy',
  alarmTopic: 'AlarmTopic',
  alarmTopicPolicy: 'AlarmTopicPolicy',
  configDocument: 'ConfigDocument',
  measureDocument: 'MeasureDocument',
  lifecycleLogGroup: 'LifecycleLogGroup',
  reconcileLogGroup: 'ReconcileLogGroup',
  alarmLogGroup: 'AlarmLogGroup',
} as const;

/** The tag keys the control plane writes on a pool's Elastic IPs (lib/reconcile/applyAddresses.ts). */
export const ADDRESS_TAG_KEYS = [HOME_TAG, MOVED_AT_TAG, MOVED_TO_TAG].sort();

/** The tag keys of a managed alarm (lib/plan/alarms.ts `alarmSpec`). */
export const ALARM_TAG_KEYS = [FLEET_TAG, INSTANCE_ID_TAG, OWNER_TAG].sort();

const TRANSITIONS = {
  launching: 'autoscaling:EC2_INSTANCE_LAUNCHING',
  terminating: 'autoscaling:EC2_INSTANCE_TERMINATING',
} as const;

/** Lambda's async retries take 3 minutes at most; 14 days (the SQS maximum) leaves time to look. */
const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * The value Route 53 compares `route53:ChangeResourceRecordSetsNormalizedRecordNames` with:
 * lower case, no trailing dot, anything but a-z 0-9 - _ . as a \ooo octal escape.
 */
export function normalizedRecordName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/[^a-z0-9_.-]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/**
 * IAM treats `*` and `?` in a resource ARN as wildcards: a group named `edge*` would grant
 * CompleteLifecycleAction on every group starting with "edge". Refuse rather than widen.
 */
function assertNoIamWildcards(config: Config): void {
  for (const f of config.fleets) {
    if (/[*?]/.test(f.autoScalingGroupName)) {
      throw new Error(`fleet "${f.name}": autoScalingGroupName "${f.autoScalingGroupName}" contains "*" or "?", which IAM would read as a wildcard`);
    }
    for (const g of appGroupsOf(f)) {
      if (/[*?]/.test(g)) throw new Error(`fleet "${f.name}": application group "${g}" contains "*" or "?", which IAM would read as a wildcard`);
    }
    // The prefix ends up in alarm ARNs (ArnLike, Resource): `*` there would reach other alarms.
    if (f.alarms && /[*?]/.test(f.alarms.namePrefix)) {
      throw new Error(`fleet "${f.name}": alarms.namePrefix "${f.alarms.namePrefix}" contains "*" or "?", which IAM would read as a wildcard`);
    }
  }
}

const alarmFleets = (config: Config) => config.fleets.filter((f) => f.alarms);
const haproxyFleets = (config: Config) => config.fleets.filter((f) => f.haproxy);
const addressFleets = (config: Config) => config.fleets.filter((f) => f.elasticIps && f.alarms);

/** The alarm name prefixes of the fleets that have alarms, sorted, without duplicates. */
const alarmPrefixes = (fleets: readonly FleetConfig[]) => unique(fleets.map((f) => f.alarms!.namePrefix)).sort();

/** `arn:...:alarm:<prefix>*` for each prefix: every alarm the fleets' alarms may be. */
const alarmArns = (prefixes: readonly string[]) =>
  prefixes.map((Prefix) => sub('arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${Prefix}*', { Prefix }));

const ec2Arn = (type: string) => sub(`arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:${type}/*`);

/** The EventBridge pattern for our groups' lifecycle actions (other hooks are filtered out here, and again in the handler). */
export function lifecycleEventPattern(config: Config): { [key: string]: CfnValue } {
  return {
    'source': ['aws.autoscaling'],
    'detail-type': ['EC2 Instance-launch Lifecycle Action', 'EC2 Instance-terminate Lifecycle Action'],
    'detail': {
      AutoScalingGroupName: unique(config.fleets.flatMap((f) => [f.autoScalingGroupName, ...appGroupsOf(f)])),
      LifecycleHookName: unique(
        config.fleets.flatMap((f) => [
          f.lifecycleHooks.launching.name,
          f.lifecycleHooks.terminating.name,
          ...(appGroupsOf(f).length ? [f.appLifecycleHooks.launching.name, f.appLifecycleHooks.terminating.name] : []),
        ]),
      ),
    },
  };
}

/**
 * The lifecycle function's trigger: our topic in sns mode (the hooks notify it), the EventBridge
 * rule in eventbridge mode. The mode not chosen gets nothing: no topic, role, policy or
 * subscription that nothing would use.
 */
export function lifecycleEvents(config: Config): ServerlessEvent[] {
  // topicName only names serverless's subscription and permission; the topic is ours (resources).
  if (config.deployment.lifecycleEvents === 'sns') return [{ sns: { arn: ref(LOGICAL_IDS.lifecycleTopic), topicName: 'lifecycle' } }];
  return [{ eventBridge: { pattern: lifecycleEventPattern(config) } }];
}

/**
 * What serverless names the lifecycle function's SNS subscription and its invoke permission
 * (`<Function>SnsSubscription<TopicName>`, `<Function>LambdaPermission<TopicName>SNS`, for the
 * `topicName: 'lifecycle'` above). The hooks depend on them; `.ci/run` checks that every
 * DependsOn of the packaged template names a resource of it.
 */
export const SERVERLESS_LIFECYCLE_SUBSCRIPTION_IDS = ['LifecycleSnsSubscriptionLifecycle', 'LifecycleLambdaPermissionLifecycleSNS'];

export function reconcileEvents(config: Config): ServerlessEvent[] {
  return [{ schedule: { rate: [config.deployment.schedule] } }];
}

/** The EventBridge pattern for the state changes of the alarms of fleets with Elastic IPs. */
export function alarmEventPattern(config: Config): { [key: string]: CfnValue } {
  return {
    'source': ['aws.cloudwatch'],
    'detail-type': ['CloudWatch Alarm State Change'],
    'detail': { alarmName: alarmPrefixes(addressFleets(config)).map((prefix) => ({ prefix })) },
  };
}

/**
 * The alarm function's triggers, only when a fleet has Elastic IPs (nothing else to fail over):
 * the alarm topic (managed alarms notify it on ALARM and OK; an operator's own alarms can too)
 * and an EventBridge rule for the same state changes, which CloudWatch emits for every alarm,
 * with or without actions. Both may deliver the same change: the handler re-reads the alarms and the
 * address planner is idempotent, so the second delivery finds nothing to do. Then two rules for
 * the EC2 events that announce a node's end (`ec2EventPatterns`), which move its addresses
 * before it goes.
 */
export function alarmEvents(config: Config): ServerlessEvent[] {
  if (addressFleets(config).length === 0) return [];
  return [
    { sns: { arn: ref(LOGICAL_IDS.alarmTopic), topicName: 'alarms' } },
    { eventBridge: { pattern: alarmEventPattern(config) } },
    ...ec2EventPatterns().map((pattern) => ({ eventBridge: { pattern } })),
  ];
}

/**
 * The EC2 events that announce a node's end before it happens (docs/failover.md, "Announced
 * ends"): Spot interruption warnings and rebalance recommendations, and the state changes that
 * end an instance. EC2's events carry no Auto Scaling group, so no pattern can select our nodes:
 * the rules send every instance of the account and region, and the alarm function drops the
 * others after one DescribeInstances (lib/plan/health.ts `decideEnding`). `pending` and `running`
 * never reach it.
 */
export function ec2EventPatterns(): { [key: string]: CfnValue }[] {
  return [
    { 'source': ['aws.ec2'], 'detail-type': [SPOT_INTERRUPTION, REBALANCE_RECOMMENDATION] },
    { 'source': ['aws.ec2'], 'detail-type': [STATE_CHANGE], 'detail': { state: [...ENDING_STATES] } },
  ];
}

/**
 * One environment for every function. ALARM_TOPIC_ARN when a fleet manages its alarms: the
 * lifecycle and reconcile functions create them, notifying the topic. CONFIG_DOCUMENT_NAME and
 * MEASURE_DOCUMENT_NAME when a fleet has haproxy: the lifecycle and reconcile functions push the
 * configuration, and measure drains, with them. The
 * alarm function uses neither, but it gets both: lib/handlers/baseDeps.ts, which every handler
 * runs at cold start, refuses to start without them when the config needs them. HFC_MODE always.
 */
export function functionEnvironment(config: Config, mode: DeploymentMode = 'active'): { [name: string]: CfnValue } {
  return {
    // DRY_RUN is not set here, so that `DRY_RUN=true serverless invoke local` still works (a
    // function's configured environment overrides the shell's); shadow mode is HFC_MODE.
    HFC_MODE: mode,
    // Only the functions that create alarms need the topic (lib/handlers/baseDeps.ts): without a
    // managed fleet, `serverless invoke local` has no Ref to resolve from a deployed stack.
    ...(alarmFleets(config).some((f) => f.alarms?.manage) ? { ALARM_TOPIC_ARN: ref(LOGICAL_IDS.alarmTopic) } : {}),
    ...(haproxyFleets(config).length > 0
      ? { CONFIG_DOCUMENT_NAME: ref(LOGICAL_IDS.configDocument), MEASURE_DOCUMENT_NAME: ref(LOGICAL_IDS.measureDocument) }
      : {}),
  };
}

/**
 * The read-only describes of the fleet. None of these actions supports resource-level
 * permissions except cloudwatch:DescribeAlarms, whose scoping for a prefix query is not
 * documented (docs/iam.md): all are alone in this "*" statement.
 */
function describeStatement(fleets: readonly FleetConfig[], opts: { warmPool?: boolean } = {}): PolicyStatement {
  const alarms = fleets.some((f) => f.alarms);
  const addresses = fleets.some((f) => f.elasticIps);
  return {
    Sid: 'DescribeFleet',
    Effect: 'Allow',
    Action: [
      'autoscaling:DescribeAutoScalingGroups',
      // A lifecycle event's instance is looked up by id (a late event ends there: lib/plan/late.ts).
      ...(opts.warmPool ? ['autoscaling:DescribeAutoScalingInstances'] : []),
      // Lifecycle events that touch a warm pool, or name an instance the group does not list, are
      // checked against the pool's own view (lib/plan/hints.ts).
      ...(opts.warmPool ? ['autoscaling:DescribeWarmPool'] : []),
      ...(alarms ? ['cloudwatch:DescribeAlarms'] : []),
      ...(addresses ? ['ec2:DescribeAddresses'] : []),
      'ec2:DescribeInstances',
    ],
    Resource: '*',
  };
}

/** An alarm without an InstanceId dimension names its node in a tag: read only the fleets' alarms. */
function alarmTagStatements(fleets: readonly FleetConfig[]): PolicyStatement[] {
  const prefixes = alarmPrefixes(fleets.filter((f) => f.alarms));
  if (prefixes.length === 0) return [];
  return [{ Sid: 'ReadFleetAlarmTags', Effect: 'Allow', Action: ['cloudwatch:ListTagsForResource'], Resource: alarmArns(prefixes) }];
}

/**
 * Moving a pool's Elastic IPs. AssociateAddress authorizes the elastic-ip and, optionally, the
 * network-interface and instance it goes to (Service Authorization Reference): each resource is
 * checked against its own statement. Addresses: only the configured pools (tag hfc:pool).
 * Instances: only those Auto Scaling launched into the fleets' groups. Interfaces: any in the
 * account and region, because Auto Scaling tags the instances but not their interfaces.
 */
function addressStatements(config: Config): PolicyStatement[] {
  const fleets = addressFleets(config);
  if (fleets.length === 0) return [];
  const pools = unique(fleets.map((f) => f.elasticIps!.pool)).sort();
  const groups = unique(fleets.map((f) => f.autoScalingGroupName)).sort();
  const inPool = { StringEquals: { [`ec2:ResourceTag/${POOL_TAG}`]: pools } };
  return [
    { Sid: 'AssociatePoolAddresses', Effect: 'Allow', Action: ['ec2:AssociateAddress'], Resource: [ec2Arn('elastic-ip')], Condition: inPool },
    {
      Sid: 'AssociateToFleetInstances',
      Effect: 'Allow',
      Action: ['ec2:AssociateAddress'],
      Resource: [ec2Arn('instance')],
      Condition: { StringEquals: { [`ec2:ResourceTag/${AUTO_SCALING_GROUP_TAG}`]: groups } },
    },
    { Sid: 'UseNetworkInterfaces', Effect: 'Allow', Action: ['ec2:AssignPrivateIpAddresses', 'ec2:AssociateAddress'], Resource: [ec2Arn('network-interface')] },
    // Claims and move marks live on the addresses: only our three keys, only on pool addresses
    // (so the hfc:pool tag itself can never be changed by the functions).
    {
      Sid: 'TagPoolAddresses',
      Effect: 'Allow',
      Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
      Resource: [ec2Arn('elastic-ip')],
      // Null: a DeleteTags naming no tag would delete every tag (hfc:pool too) and pass ForAllValues.
      Condition: { ...inPool, 'ForAllValues:StringEquals': { 'aws:TagKeys': ADDRESS_TAG_KEYS }, Null: { 'aws:TagKeys': ['false'] } },
    },
  ];
}

/**
 * Managed alarms (alarms.manage): create, replace, tag and delete only alarms named with the
 * fleets' prefixes; created alarms may only notify the alarm topic, and carry only our tag keys.
 */
function managedAlarmStatements(config: Config): PolicyStatement[] {
  const prefixes = alarmPrefixes(config.fleets.filter((f) => f.alarms?.manage));
  if (prefixes.length === 0) return [];
  return [
    {
      Sid: 'PutFleetAlarms',
      Effect: 'Allow',
      Action: ['cloudwatch:PutMetricAlarm'],
      Resource: alarmArns(prefixes),
      Condition: { 'ForAllValues:StringEquals': { 'cloudwatch:AlarmActions': [ref(LOGICAL_IDS.alarmTopic)] } },
    },
    // PutMetricAlarm with Tags also needs TagResource (CloudWatch user guide, "Alarms and tagging").
    {
      Sid: 'TagFleetAlarms',
      Effect: 'Allow',
      Action: ['cloudwatch:TagResource'],
      Resource: alarmArns(prefixes),
      Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ALARM_TAG_KEYS } },
    },
    { Sid: 'DeleteFleetAlarms', Effect: 'Allow', Action: ['cloudwatch:DeleteAlarms'], Resource: alarmArns(prefixes) },
  ];
}

/** The tag keys the functions write on the fleets' instances (MarkFleetInstances). */
export function instanceTagKeys(config: Config): string[] {
  return [...(haproxyFleets(config).length > 0 ? [CONFIG_DIGEST_TAG] : []), DEREGISTERED_AT_TAG, HEARTBEAT_AT_TAG].sort();
}

/**
 * The configuration push (lib/reconcile/applyConfig.ts, lib/aws/ssm.ts), when a fleet has haproxy.
 * SendCommand authorizes the document and every instance of the request (Service Authorization
 * Reference: `document` required, `instance` with `ssm:resourceTag/${TagKey}`): only our
 * document, only onto instances Auto Scaling launched into the groups of fleets with haproxy.
 * The read-only GetCommandInvocation and DescribeInstanceInformation support no resource type:
 * "*" is their only valid Resource. The digest a node has applied is an instance tag
 * (MarkFleetInstances, extended with hfc:config-digest).
 */
function configPushStatements(config: Config): PolicyStatement[] {
  const fleets = haproxyFleets(config);
  if (fleets.length === 0) return [];
  const groups = unique(fleets.map((f) => f.autoScalingGroupName)).sort();
  const appGroups = unique(fleets.flatMap((f) => appGroupsOf(f))).sort();
  return [
    {
      Sid: 'SendConfigDocument',
      Effect: 'Allow',
      Action: ['ssm:SendCommand'],
      Resource: [LOGICAL_IDS.configDocument, LOGICAL_IDS.measureDocument].map((id) =>
        sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:document/\${${id}}`),
      ),
    },
    {
      Sid: 'SendCommandToFleetInstances',
      Effect: 'Allow',
      Action: ['ssm:SendCommand'],
      Resource: [ec2Arn('instance')],
      Condition: { StringEquals: { [`ssm:resourceTag/${AUTO_SCALING_GROUP_TAG}`]: groups } },
    },
    // A leaving application server's drain clock (lib/reconcile/markDrains.ts): that one key,
    // only on instances Auto Scaling launched into the fleets' application groups.
    ...(appGroups.length
      ? [
          {
            Sid: 'MarkDrainingServers',
            Effect: 'Allow' as const,
            Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
            Resource: [ec2Arn('instance')],
            Condition: {
              StringEquals: { [`ec2:ResourceTag/${AUTO_SCALING_GROUP_TAG}`]: appGroups },
              'ForAllValues:StringEquals': { 'aws:TagKeys': [DRAIN_SINCE_TAG] },
              Null: { 'aws:TagKeys': ['false'] },
            },
          },
        ]
      : []),
    {
      Sid: 'ReadRunCommandState',
      Effect: 'Allow',
      Action: ['ssm:DescribeInstanceInformation', 'ssm:GetCommandInvocation', 'ssm:ListCommandInvocations'],
      Resource: '*',
    },
  ];
}

/** The configuration document's runtime parameters and what SSM lets through for each. */
export const CONFIG_DOCUMENT_PARAMETERS = {
  payload: { description: 'base64(gzip(haproxy.cfg))', allowedPattern: TOKENS.ssmPayload.pattern.source },
  digest: { description: 'sha256 of haproxy.cfg, lower-case hex', allowedPattern: TOKENS.sha256.pattern.source },
  version: { description: 'Increases with every push; the node refuses an older one', allowedPattern: TOKENS.ssmVersion.pattern.source },
} as const;

/**
 * How long the node may take: the script waits up to 120 s for a concurrent apply's lock
 * (lib/haproxy/apply-config.sh), then decodes, validates and reloads in seconds. Written into the
 * step as a string, which is what AWS's own AWS-RunShellScript document passes there.
 */
export const CONFIG_APPLY_TIMEOUT_SECONDS = 180;

/** Ends the embedded script in the document's here-document; refused as a line of the script. */
export const SCRIPT_DELIMITER = 'HFC_APPLY_CONFIG_EOF';

/**
 * The script as embedded: without comment-only and blank lines and without leading indentation
 * (the document, its parameters included, must fit 64 KB, and every byte here is a byte the
 * payload cannot use), shebang kept. Safe for the node scripts because they have no
 * here-documents and no quoted text whose line starts matter: their multi-line strings are awk
 * programs, to which neither a line's indentation nor an awk comment line means anything. A unit
 * test runs the embedded copy.
 */
export function compactScript(text: string): string[] {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .filter((line, i) => (i === 0 && line.startsWith('#!')) || !/^\s*(#.*)?$/.test(line))
    .map((line) => line.trimStart());
}

/** The lines that write a script to a private temporary file, `$f` (removed on exit), checked for what would break out. */
function embeddedScript(text: string, what: string): string[] {
  const script = compactScript(text);
  if (!script[0]?.startsWith('#!')) throw new Error(`the ${what} must start with a shebang line`);
  if (script.includes(SCRIPT_DELIMITER)) throw new Error(`the ${what} contains a line "${SCRIPT_DELIMITER}", which ends its here-document in the document`);
  // SSM would read {{ ... }} in the script as a parameter reference.
  if (script.some((line) => line.includes('{{'))) throw new Error(`the ${what} contains "{{", which SSM would interpolate as a document parameter`);
  return ['f="$(mktemp)" || exit 1', `trap 'rm -f "$f"' EXIT`, `cat >"$f" <<'${SCRIPT_DELIMITER}'`, ...script, SCRIPT_DELIMITER];
}

export function configDocumentContent(applyScript: string): { [key: string]: CfnValue } {
  const embedded = embeddedScript(applyScript, 'apply script');
  const imds = 'http://169.254.169.254/latest';
  const imdsFailed = (what: string) =>
    `{ echo 'apply-config: could not read ${what} from IMDSv2; nothing was changed, the old configuration keeps running' >&2; exit 1; }`;
  const parameters: { [name: string]: CfnValue } = {};
  for (const [name, p] of Object.entries(CONFIG_DOCUMENT_PARAMETERS))
    parameters[name] = { type: 'String', description: p.description, allowedPattern: p.allowedPattern };
  return {
    schemaVersion: '2.2',
    description: 'haproxy-fleet-control: validate, install and reload an HAProxy configuration without dropping connections (lib/haproxy/apply-config.sh)',
    parameters,
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'applyConfig',
        inputs: {
          timeoutSeconds: String(CONFIG_APPLY_TIMEOUT_SECONDS),
          // POSIX sh: the agent's shell. The script itself runs with bash, from a private
          // temporary file (so a noexec /tmp does not matter), removed on every exit.
          runCommand: [
            ...embedded,
            `t="$(curl -fsS --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' ${imds}/api/token)" || ${imdsFailed('a token')}`,
            `i="$(curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: $t" ${imds}/meta-data/instance-id)" || ${imdsFailed('the instance id')}`,
            // Safe only because of the parameters' allowedPatterns (see above).
            `bash "$f" --payload '{{ payload }}' --digest '{{ digest }}' --version '{{ version }}' --peer-name "$i"`,
          ],
        },
      },
    ],
  };
}

/** The measure document's parameter: the application servers to report on (instance ids), or none. */
export const MEASURE_DOCUMENT_PARAMETERS = {
  servers: {
    description: 'Application servers (instance ids, comma-separated) whose sessions to report, or none',
    allowedPattern: `^(none|i-[0-9a-f]{8,17}(,i-[0-9a-f]{8,17}){0,${MEASURE_SERVERS_PER_COMMAND - 1}})$`,
  },
} as const;

/**
 * The Command document that reports what a load balancer carries (lib/haproxy/measure.sh): its
 * connections and the sessions of the servers asked about, for drains. Read-only on the node. The
 * one parameter is interpolated into the shell text like the configuration document's: its
 * allowedPattern admits no character that could leave its single quotes.
 */
export function measureDocumentContent(measureScript: string): { [key: string]: CfnValue } {
  return {
    schemaVersion: '2.2',
    description: 'haproxy-fleet-control: report the connections and server sessions HAProxy carries, for drains (lib/haproxy/measure.sh)',
    parameters: {
      servers: {
        type: 'String',
        description: MEASURE_DOCUMENT_PARAMETERS.servers.description,
        allowedPattern: MEASURE_DOCUMENT_PARAMETERS.servers.allowedPattern,
      },
    },
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'measure',
        inputs: {
          timeoutSeconds: '60',
          // Safe only because of the parameter's allowedPattern (see above).
          runCommand: [...embeddedScript(measureScript, 'measure script'), `bash "$f" --servers '{{ servers }}'`],
        },
      },
    ],
  };
}

/** The document as a resource: CloudFormation generates its name, which CONFIG_DOCUMENT_NAME and the IAM ARN take from Ref. */
function configDocumentResources(config: Config, inputs: DeploymentInputs): { [logicalId: string]: CfnResource } {
  if (haproxyFleets(config).length === 0) return {};
  if (inputs.applyScript === undefined) {
    throw new Error('a fleet has an haproxy section, but no apply script was given (deploy/serverless-vars.cjs reads lib/haproxy/apply-config.sh)');
  }
  if (inputs.measureScript === undefined) {
    throw new Error('a fleet has an haproxy section, but no measure script was given (deploy/serverless-vars.cjs reads lib/haproxy/measure.sh)');
  }
  return {
    [LOGICAL_IDS.measureDocument]: {
      Type: 'AWS::SSM::Document',
      Properties: { DocumentType: 'Command', DocumentFormat: 'JSON', Content: measureDocumentContent(inputs.measureScript) },
    },
    [LOGICAL_IDS.configDocument]: {
      Type: 'AWS::SSM::Document',
      // No Name: a changed script replaces the document (UpdateMethod's default) under a new
      // generated name, and the functions' CONFIG_DOCUMENT_NAME and IAM follow it in the same
      // deployment. A fixed name would make that replacement fail on the name.
      Properties: { DocumentType: 'Command', DocumentFormat: 'JSON', Content: configDocumentContent(inputs.applyScript) },
    },
  };
}

const writeOwnLogs = (logGroupId: string): PolicyStatement =>
  // Serverless creates the log group (with its retention): the function only writes to it.
  ({ Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [arnOf(logGroupId)] });

// Lambda delivers failed async events with the function's own role.
const sendFailedEvents: PolicyStatement = {
  Sid: 'SendFailedEvents',
  Effect: 'Allow',
  Action: ['sqs:SendMessage'],
  Resource: [arnOf(LOGICAL_IDS.failedEventsQueue)],
};

/**
 * What the lifecycle and reconcile functions may do. They share one reconcile path (observe,
 * plan, apply, complete; plus the fleets' addresses and managed alarms when configured), so they
 * need the same AWS actions; only the log group differs. Scoping, per statement:
 * record changes to the configured zones, names and type A; health check changes to health checks
 * (Route 53 has no finer ARN or tag condition for them); lifecycle completion to the configured
 * groups; addresses to the configured pools; alarms to the configured name prefixes. The actions
 * that take no resource ARN at all are alone in the "*" statements.
 */
export function functionPolicy(config: Config, logGroupId: string): PolicyStatement[] {
  const byZone = new Map<string, string[]>();
  for (const f of config.fleets) byZone.set(f.dns.hostedZoneId, [...(byZone.get(f.dns.hostedZoneId) ?? []), normalizedRecordName(f.dns.recordName)]);
  const zoneArn = (zone: string) => sub('arn:${AWS::Partition}:route53:::hostedzone/${Zone}', { Zone: zone });
  const zones = [...byZone.keys()].sort();

  return [
    writeOwnLogs(logGroupId),
    // One statement per zone so each zone only accepts its own record names.
    ...zones.map(
      (zone): PolicyStatement => ({
        Sid: `ChangeFleetRecords${zone}`,
        Effect: 'Allow',
        Action: ['route53:ChangeResourceRecordSets'],
        Resource: [zoneArn(zone)],
        Condition: {
          // Multivalued keys (one value per change in the batch): every change must match.
          'ForAllValues:StringEquals': {
            // Both families for every fleet: one that changed dns.address or dns.dualStack removes
            // its records of the family it dropped (lib/plan/families.ts).
            'route53:ChangeResourceRecordSetsRecordTypes': [...LISTED_TYPES],
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': unique(byZone.get(zone) ?? []).sort(),
          },
        },
      }),
    ),
    { Sid: 'ListFleetRecords', Effect: 'Allow', Action: ['route53:ListResourceRecordSets'], Resource: zones.map(zoneArn) },
    {
      Sid: 'ManageHealthChecks',
      Effect: 'Allow',
      Action: ['route53:ChangeTagsForResource', 'route53:DeleteHealthCheck', 'route53:ListTagsForResources'],
      Resource: [sub('arn:${AWS::Partition}:route53:::healthcheck/*')],
    },
    // CreateHealthCheck and ListHealthChecks accept no resource ARN (Service Authorization
    // Reference): "*" is the only valid Resource. Ownership rests on the CallerReference, and every
    // later change goes through the scoped statement above.
    { Sid: 'CreateAndListHealthChecks', Effect: 'Allow', Action: ['route53:CreateHealthCheck', 'route53:ListHealthChecks'], Resource: '*' },
    describeStatement(config.fleets, { warmPool: true }),
    {
      Sid: 'CompleteFleetLifecycleActions',
      Effect: 'Allow',
      // The heartbeat confirms that an event which contradicts the describe names an active action (lib/plan/hints.ts).
      Action: ['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat'],
      // The load-balancer groups, and the application groups whose servers the configuration lists.
      Resource: unique(config.fleets.flatMap((f) => [f.autoScalingGroupName, ...appGroupsOf(f)]))
        .sort()
        .map((group) =>
          sub('arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/${Group}', { Group: group }),
        ),
    },
    // The deregistration delay is noted on the leaving instance itself (state lives in AWS), and
    // with haproxy, the configuration digest a node has verifiably applied: only those tag keys,
    // only on instances Auto Scaling launched into the configured groups.
    {
      Sid: 'MarkFleetInstances',
      Effect: 'Allow',
      Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
      Resource: [sub('arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*')],
      Condition: {
        StringEquals: { [`ec2:ResourceTag/${AUTO_SCALING_GROUP_TAG}`]: unique(config.fleets.map((f) => f.autoScalingGroupName)).sort() },
        'ForAllValues:StringEquals': { 'aws:TagKeys': instanceTagKeys(config) },
        // A DeleteTags naming no tag would delete every tag and still pass ForAllValues.
        Null: { 'aws:TagKeys': ['false'] },
      },
    },
    ...alarmTagStatements(config.fleets),
    ...addressStatements(config),
    ...managedAlarmStatements(config),
    ...configPushStatements(config),
    sendFailedEvents,
  ];
}

/**
 * What the alarm function may do: the failover path only (lib/reconcile/failover.ts). Read the
 * fleet, its alarms and pool; move, claim and mark pool addresses; keep spare private IPs. No
 * Route 53, no lifecycle completion, no alarm management. Without a fleet with Elastic IPs the
 * handler ignores every alarm before any AWS call, so the role only writes logs.
 */
export function alarmFunctionPolicy(config: Config): PolicyStatement[] {
  const fleets = addressFleets(config);
  if (fleets.length === 0) return [writeOwnLogs(LOGICAL_IDS.alarmLogGroup), sendFailedEvents];
  return [
    writeOwnLogs(LOGICAL_IDS.alarmLogGroup),
    describeStatement(fleets),
    ...alarmTagStatements(fleets),
    ...addressStatements(config),
    markEndingStatement(fleets),
    sendFailedEvents,
  ];
}

/**
 * The announced end of a node (an EC2 event: lib/handlers/alarm.ts) is noted on the instance,
 * like MarkFleetInstances: only the hfc:ending key, only on instances Auto Scaling launched into
 * the groups of fleets with Elastic IPs, and never a delete (the mark is outlived by a restart,
 * through the instance's LaunchTime, not removed).
 */
function markEndingStatement(fleets: readonly FleetConfig[]): PolicyStatement {
  return {
    Sid: 'MarkEndingInstances',
    Effect: 'Allow',
    Action: ['ec2:CreateTags'],
    Resource: [ec2Arn('instance')],
    Condition: {
      StringEquals: { [`ec2:ResourceTag/${AUTO_SCALING_GROUP_TAG}`]: unique(fleets.map((f) => f.autoScalingGroupName)).sort() },
      'ForAllValues:StringEquals': { 'aws:TagKeys': [ENDING_TAG] },
      Null: { 'aws:TagKeys': ['false'] },
    },
  };
}

/**
 * IAM keeps a role's inline policies to 10,240 characters together, whitespace excluded (IAM
 * user guide, IAM and STS quotas); CloudFormation only finds out when it creates the role, and
 * the first deploy rolls back. So the size is checked here, with every intrinsic function
 * resolved to its longest plausible value (the GovCloud partition, a long region name, logical
 * ids as long generated names).
 */
export const INLINE_POLICY_LIMIT = 10_240;
const LONGEST: Record<string, string> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'ap-southeast-3',
  'AWS::AccountId': '123456789012',
  'AWS::StackName': 'x'.repeat(64),
};
const LONG_NAME = 'x'.repeat(128);
const LONG_ARN = `arn:aws-us-gov:service:ap-southeast-3:123456789012:resource/${LONG_NAME}`;

/** The characters a policy document takes once CloudFormation has resolved it (an upper bound). */
export function resolvedPolicyLength(doc: CfnValue): number {
  const resolve = (v: CfnValue): CfnValue => {
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === 'object') {
      if ('Ref' in v) return LONGEST[String(v.Ref)] ?? LONG_ARN;
      if ('Fn::GetAtt' in v) return LONG_ARN;
      if ('Fn::Sub' in v) {
        const [template, vars] = Array.isArray(v['Fn::Sub']) ? (v['Fn::Sub'] as [string, Record<string, string>]) : [String(v['Fn::Sub']), {}];
        return template.replace(/\$\{([^}]+)\}/g, (_m, name: string) => vars[name] ?? LONGEST[name] ?? LONG_NAME);
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    }
    return v;
  };
  return JSON.stringify(resolve(doc)).length;
}

function lambdaRole(policyName: string, statements: PolicyStatement[]): CfnResource {
  const document: CfnValue = { Version: '2012-10-17', Statement: statements as unknown as CfnValue };
  const size = resolvedPolicyLength(document);
  if (size > INLINE_POLICY_LIMIT) {
    throw new Error(
      `the ${policyName} function's IAM policy would take up to ${size} characters, and IAM allows ${INLINE_POLICY_LIMIT} of inline policy per role: ` +
        'split the fleets over more than one deployment (each with its own fleet.config.json and stage)',
    );
  }
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [{ PolicyName: policyName, PolicyDocument: document }],
    },
  };
}

/**
 * In sns mode Auto Scaling publishes a test message with the role as soon as a hook is created,
 * and a role that IAM has not propagated yet fails the hook ("Unable to publish test message to
 * notification target ... using IAM role"), rolling the whole stack back. So the hooks wait for
 * the role, the topic policy that admits it, and the function's subscription and permission
 * (the test message is then delivered and acknowledged); those take the seconds IAM needs.
 */
const snsHookDependencies = () => [LOGICAL_IDS.lifecycleTopicRole, LOGICAL_IDS.lifecycleTopicPolicy, ...SERVERLESS_LIFECYCLE_SUBSCRIPTION_IDS];

function lifecycleHooks(config: Config, mode: DeploymentMode): { [logicalId: string]: CfnResource } {
  const sns = config.deployment.lifecycleEvents === 'sns';
  const shadow = mode === 'shadow';
  const ids = fleetIds(config.fleets);
  const out: { [logicalId: string]: CfnResource } = {};
  const hookResource = (
    group: string,
    hook: { name: string; heartbeatTimeoutSeconds: number; defaultResult: string },
    transition: keyof typeof TRANSITIONS,
  ): CfnResource => ({
    Type: 'AWS::AutoScaling::LifecycleHook',
    ...(sns ? { DependsOn: snsHookDependencies() } : {}),
    Properties: {
      // The group is not ours: it is created and scaled outside this stack.
      AutoScalingGroupName: group,
      LifecycleHookName: hook.name,
      LifecycleTransition: TRANSITIONS[transition],
      HeartbeatTimeout: shadow ? SHADOW_HEARTBEAT_SECONDS : hook.heartbeatTimeoutSeconds,
      DefaultResult: shadow ? 'CONTINUE' : hook.defaultResult,
      // Without a target Auto Scaling still emits the EventBridge event.
      ...(sns ? { NotificationTargetARN: ref(LOGICAL_IDS.lifecycleTopic), RoleARN: arnOf(LOGICAL_IDS.lifecycleTopicRole) } : {}),
    },
  });
  // Group names map to logical ids by their letters and digits: `web_app` and `Web-App` would
  // share one, and one group would silently get no hooks. The second gets a digest of its name.
  const groupIds = new Map<string, string>();
  const idOfGroup = (fleetId: string, group: string) => {
    let gid = `${fleetId}App${pascal(group.replace(/[^A-Za-z0-9-]/g, '-').toLowerCase())}`;
    const taken = [...groupIds].find(([g, id]) => id === gid && g !== group);
    if (taken) gid = `${gid}${createHash('sha256').update(group).digest('hex').slice(0, 8)}`;
    groupIds.set(group, gid);
    return gid;
  };
  for (const fleet of config.fleets) {
    for (const transition of ['launching', 'terminating'] as const) {
      out[`${ids.get(fleet)}${pascal(transition)}Hook`] = hookResource(fleet.autoScalingGroupName, fleet.lifecycleHooks[transition], transition);
      // Application groups get hooks too: a server is put in service (or let go) only once every
      // load balancer's configuration agrees.
      for (const group of appGroupsOf(fleet)) {
        out[`${groupIds.get(group) ?? idOfGroup(ids.get(fleet)!, group)}${pascal(transition)}Hook`] = hookResource(
          group,
          fleet.appLifecycleHooks[transition],
          transition,
        );
      }
    }
  }
  return out;
}

/**
 * The SNS topic, the role Auto Scaling assumes to publish to it, and the topic's policy. The
 * policy replaces SNS's default one (any principal acting for the account may publish) with the
 * one publisher the topic has: that role. An Allow alone would not do it, because in the same
 * account an identity policy granting sns:Publish is enough; the Deny stops every other principal
 * (users, other roles, services) whatever their own policies say. Auto Scaling publishes as a
 * session of the role, whose aws:PrincipalArn is the role's ARN.
 */
function snsResources(): { [logicalId: string]: CfnResource } {
  const topic = ref(LOGICAL_IDS.lifecycleTopic);
  const role = arnOf(LOGICAL_IDS.lifecycleTopicRole);
  return {
    [LOGICAL_IDS.lifecycleTopic]: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: sub('${AWS::StackName}-lifecycle') },
    },
    [LOGICAL_IDS.lifecycleTopicPolicy]: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [topic],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'AutoScalingPublishes', Effect: 'Allow', Principal: { AWS: role }, Action: 'sns:Publish', Resource: topic },
            {
              Sid: 'NobodyElsePublishes',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sns:Publish',
              Resource: topic,
              Condition: { ArnNotEquals: { 'aws:PrincipalArn': role } },
            },
          ],
        },
      },
    },
    [LOGICAL_IDS.lifecycleTopicRole]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'autoscaling.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [
          {
            PolicyName: 'publish-lifecycle-notifications',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Sid: 'PublishToLifecycleTopic', Effect: 'Allow', Action: ['sns:Publish'], Resource: [topic] }],
            },
          },
        ],
      },
    },
  };
}

/**
 * The topic the alarms notify (managed alarms: AlarmActions and OKActions), when a fleet has
 * alarms. Its policy replaces SNS's default one (which lets any principal or service acting for
 * the account publish) with the one publisher it needs: CloudWatch, for this account's alarms in
 * this region whose names start with a fleet's prefix. A CloudWatch alarm publishes as the
 * service principal cloudwatch.amazonaws.com, so a topic policy without it refuses the alarm
 * ("... alarm:NAME is not authorized to perform: SNS:Publish", AWS re:Post knowledge center).
 * Unencrypted on purpose: the AWS managed SNS key's policy cannot admit CloudWatch.
 */
function alarmTopicResources(config: Config): { [logicalId: string]: CfnResource } {
  const prefixes = alarmPrefixes(alarmFleets(config));
  if (prefixes.length === 0) return {};
  return {
    [LOGICAL_IDS.alarmTopic]: { Type: 'AWS::SNS::Topic', Properties: { TopicName: sub('${AWS::StackName}-alarms') } },
    [LOGICAL_IDS.alarmTopicPolicy]: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [ref(LOGICAL_IDS.alarmTopic)],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'FleetAlarmsPublish',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: ref(LOGICAL_IDS.alarmTopic),
              // Confused deputy: only alarms of this account, and only the fleets' alarms.
              Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') }, ArnLike: { 'aws:SourceArn': alarmArns(prefixes) } },
            },
            {
              // In the same account an identity policy granting sns:Publish would be enough without
              // this: no user or role may publish, only a service (and the Allow admits CloudWatch
              // alone). aws:PrincipalIsAWSService is present in every request.
              Sid: 'NoPrincipalOfTheAccountPublishes',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sns:Publish',
              Resource: ref(LOGICAL_IDS.alarmTopic),
              Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' } },
            },
          ],
        },
      },
    },
  };
}

/**
 * Every config-driven piece of the stack. `inputs.applyScript` is required when a fleet has
 * haproxy. @throws Error when the config cannot be expressed safely.
 */
export function generateDeployment(config: Config, inputs: DeploymentInputs = {}): DeploymentPieces {
  assertNoIamWildcards(config);
  const Resources: { [logicalId: string]: CfnResource } = {
    [LOGICAL_IDS.failedEventsQueue]: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: sub('${AWS::StackName}-failed-events'),
        MessageRetentionPeriod: DLQ_RETENTION_SECONDS,
        // SSE with an SQS-owned key: encrypted at rest without a KMS grant for Lambda.
        SqsManagedSseEnabled: true,
      },
    },
    [LOGICAL_IDS.lifecycleRole]: lambdaRole('lifecycle', functionPolicy(config, LOGICAL_IDS.lifecycleLogGroup)),
    [LOGICAL_IDS.reconcileRole]: lambdaRole('reconcile', functionPolicy(config, LOGICAL_IDS.reconcileLogGroup)),
    [LOGICAL_IDS.alarmRole]: lambdaRole('alarm', alarmFunctionPolicy(config)),
    ...(config.deployment.lifecycleEvents === 'sns' ? snsResources() : {}),
    ...alarmTopicResources(config),
    ...configDocumentResources(config, inputs),
    ...lifecycleHooks(config, inputs.mode ?? 'active'),
    ...operatorResources(config),
  };
  const Outputs: { [name: string]: CfnValue } = {
    FailedEventsQueueUrl: { Description: 'Async invocations that failed after retries', Value: ref(LOGICAL_IDS.failedEventsQueue) },
    DashboardName: { Description: "The control plane's CloudWatch dashboard", Value: ref(OPERATOR_IDS.dashboard) },
    ...(Resources[OPERATOR_IDS.topic]
      ? { OperatorTopicArn: { Description: 'The alarms on the control plane itself notify this topic: subscribe to it', Value: ref(OPERATOR_IDS.topic) } }
      : {}),
    ...(Resources[LOGICAL_IDS.lifecycleTopic]
      ? { LifecycleTopicArn: { Description: "The lifecycle hooks' notification target (sns mode)", Value: ref(LOGICAL_IDS.lifecycleTopic) } }
      : {}),
    ...(Resources[LOGICAL_IDS.alarmTopic]
      ? {
          AlarmTopicArn: {
            Description: "Alarm notification target (managed alarms use it; point your own fleet alarms' actions at it)",
            Value: ref(LOGICAL_IDS.alarmTopic),
          },
        }
      : {}),
    ...(Resources[LOGICAL_IDS.configDocument]
      ? {
          ConfigDocumentName: {
            Description: 'The SSM Command document that applies an HAProxy configuration on a node',
            Value: ref(LOGICAL_IDS.configDocument),
          },
        }
      : {}),
    // The CLI (hfc --measure-document) plans drains with it, as the functions do.
    ...(Resources[LOGICAL_IDS.measureDocument]
      ? {
          MeasureDocumentName: {
            Description: 'The SSM Command document that measures what a load balancer carries (drains)',
            Value: ref(LOGICAL_IDS.measureDocument),
          },
        }
      : {}),
  };
  return {
    lifecycleEvents: lifecycleEvents(config),
    reconcileEvents: reconcileEvents(config),
    alarmEvents: alarmEvents(config),
    reservedConcurrency: config.deployment.reservedConcurrency === false ? null : config.deployment.reservedConcurrency,
    functionEnvironment: functionEnvironment(config, inputs.mode ?? 'active'),
    resources: { Resources, Outputs },
  };
}
