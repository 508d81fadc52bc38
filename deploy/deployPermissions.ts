/**
 * What the deploying principal (the user or CI role that runs `serverless deploy` and
 * `serverless remove`) must be allowed to do, per CloudFormation resource type the generated
 * stack can contain, and what osls itself calls outside CloudFormation. Data only: no runtime
 * dependency, nothing here is read by the functions or by deploy/cloudformation.ts.
 *
 * Why the deploying principal needs the resource permissions at all: serverless.yml sets neither
 * `provider.iam.deploymentRole` nor `provider.cfnRole`, so osls passes no `RoleARN` to
 * CloudFormation (node_modules/osls/lib/plugins/aws/lib/get-shared-stack-action-params.js) and
 * CloudFormation creates, updates and deletes every resource with the caller's own credentials.
 * docs/deploy-permissions.md turns these lists into a scoped policy and lists the account and
 * node prerequisites.
 *
 * Structure:
 *   - {@link DEPLOY_PERMISSIONS}: per resource type, the IAM actions its CloudFormation resource
 *     handlers declare, per handler. CloudFormation calls `create` when a resource is added
 *     (first deploy, a new fleet, a new trigger) and for the new copy of a replaced resource,
 *     `update` for an in-place change, `delete` when a resource leaves the template, for the old
 *     copy of a replaced resource and on `serverless remove`, and the inverse of each on a
 *     rollback. An `update` deployment therefore needs all three lists of every type the
 *     stack holds. `read` is what the read handler calls (drift detection; most handlers also
 *     read the resource back at the end of a create or update): grant it too.
 *   - {@link FRAMEWORK_PERMISSIONS}: the AWS calls osls 4.3.1 makes itself (stack and change set
 *     operations, the deployment bucket, the deploy-skip check), found by reading its
 *     `lib/plugins/aws/` code (`deploy/`, `remove/`, `lib/`, `info/`, `package/`, `provider.js`).
 *     osls 4 uses AWS SDK v3 (`client.send(new XxxCommand(...))`); `provider.request()` is only a
 *     stub that throws.
 *
 * Where the lists come from: the CloudFormation registry schemas, the documents CloudFormation
 * itself publishes per region (https://schema.cloudformation.us-east-1.amazonaws.com/CloudformationSchema.zip),
 * field `handlers.<op>.permissions`, read from the copy vendored in pulumi/pulumi-aws-native
 * (`aws-cloudformation-schema/`, snapshot 43eed3b017ff, 2026-08-07, regenerated from that zip).
 * For the types with stack-level tag propagation, `create` and `update` also contain the
 * schema's `tagging.permissions`: osls tags the stack (`STAGE`) and CloudFormation propagates
 * stack tags to every taggable resource. Cross-checked against the older copy cfn-lint vendored
 * (aws-cloudformation/cfn-lint 469fe11, 2024-09-05, the last commit before it dropped `handlers`)
 * and against the open-source provider repositories where they exist (sns, ssm, logs, events).
 *
 * Normalisation: service prefixes lower-cased (`S3:GetBucketWebsite` in the S3 bucket schema),
 * duplicates removed, each list sorted with `Array.prototype.sort`. Every action was checked
 * against the IAM action list of aws-cloudformation/cfn-lint `src/cfnlint/data/AdditionalSpecs/Policies.json`
 * (21bd929, 2026-08-13, generated from the Service Authorization Reference). Names in the
 * schemas that are S3 API operations or log operation names rather than IAM actions were
 * dropped, and each entry's comment says which; the IAM action that authorises each of them is
 * already in the same list.
 *
 * Actions for features the template never uses (VPC, EFS, KMS keys, code signing, layers,
 * S3 Tables, log delivery) are kept, because they are what the schema declares; the example
 * policy in docs/deploy-permissions.md leaves those out and says so.
 */

/** The IAM actions one resource type's CloudFormation handlers declare, per handler. */
export interface ResourceTypePermissions {
  /** `handlers.create.permissions` (plus `tagging.permissions` for taggable types) */
  create: string[];
  /** `handlers.update.permissions` (plus `tagging.permissions` for taggable types); `[]` when every property is create-only */
  update: string[];
  /** `handlers.delete.permissions` */
  delete: string[];
  /** `handlers.read.permissions`; `[]` when the schema declares no read handler */
  read: string[];
  /** The schema the lists were read from and the provider repository, if it is open source. */
  source: string;
}

/** A group of AWS calls osls makes itself, outside any CloudFormation resource handler. */
export interface FrameworkPermission {
  /** IAM actions, `service:Action`, sorted */
  actions: string[];
  /** Which osls code calls them, when, and on which resource. */
  why: string;
}

const REGISTRY = 'CloudFormation registry schema (CloudformationSchema.zip, us-east-1), handlers.{create,update,delete,read}.permissions';
const VENDORED = 'read from pulumi/pulumi-aws-native aws-cloudformation-schema';
const PULUMI_SNAPSHOT = '@ 43eed3b017ff (2026-08-07)';
const schema = (file: string, changed: string, provider: string, extra = ''): string =>
  `${REGISTRY}${extra}, ${VENDORED}/${file} ${PULUMI_SNAPSHOT}, file last changed ${changed}; provider: ${provider}`;
const TAGGING = ' + tagging.permissions (stack tag propagation)';

/**
 * Per CloudFormation resource type the generated stacks can contain (across every
 * configuration: sns or eventbridge lifecycle events, with or without `alarms`, `elasticIps`,
 * `haproxy`), the IAM actions its handlers declare. See the module comment for how to read it.
 */
export const DEPLOY_PERMISSIONS: Record<string, ResourceTypePermissions> = {
  /**
   * `ServerlessDeploymentBucket`, always (osls core template: SSE-S3 `BucketEncryption`, no name, so
   * CloudFormation generates one from the stack name). osls empties it before `remove`; the delete
   * handler only deletes the empty bucket. `iam:PassRole` serves replication roles, which this
   * bucket does not have. Dropped as not IAM actions: `s3:DeleteBucketAnalyticsConfiguration`,
   * `s3:DeleteBucketCors`, `s3:DeleteBucketEncryption`, `s3:DeleteBucketLifecycle`,
   * `s3:DeleteBucketMetricsConfiguration`, `s3:DeleteBucketReplication`, `s3:DeleteBucketTagging`,
   * `s3:PutBucketReplication`, `s3:PutObjectLockConfiguration`: S3 API operation names. The IAM
   * actions that authorise them are in the lists: `s3:PutAnalyticsConfiguration`, `s3:PutBucketCORS`,
   * `s3:PutEncryptionConfiguration`, `s3:PutLifecycleConfiguration`, `s3:PutMetricsConfiguration`,
   * `s3:PutReplicationConfiguration`, `s3:PutBucketTagging`, `s3:PutBucketObjectLockConfiguration`.
   */
  'AWS::S3::Bucket': {
    create: [
      'iam:PassRole',
      's3:CreateBucket',
      's3:CreateBucketMetadataTableConfiguration',
      's3:DeleteObject',
      's3:GetBucketAcl',
      's3:GetBucketMetadataTableConfiguration',
      's3:GetBucketTagging',
      's3:ListBucket',
      's3:ListTagsForResource',
      's3:PutAccelerateConfiguration',
      's3:PutAnalyticsConfiguration',
      's3:PutBucketAbac',
      's3:PutBucketCORS',
      's3:PutBucketLogging',
      's3:PutBucketNotification',
      's3:PutBucketObjectLockConfiguration',
      's3:PutBucketOwnershipControls',
      's3:PutBucketPublicAccessBlock',
      's3:PutBucketTagging',
      's3:PutBucketVersioning',
      's3:PutBucketWebsite',
      's3:PutEncryptionConfiguration',
      's3:PutIntelligentTieringConfiguration',
      's3:PutInventoryConfiguration',
      's3:PutLifecycleConfiguration',
      's3:PutMetricsConfiguration',
      's3:PutObjectAcl',
      's3:PutReplicationConfiguration',
      's3:TagResource',
      's3:UntagResource',
      's3tables:CreateNamespace',
      's3tables:CreateTable',
      's3tables:CreateTableBucket',
      's3tables:GetTable',
      's3tables:GetTableMetadataLocation',
      's3tables:PutTableBucketPolicy',
      's3tables:PutTableEncryption',
      's3tables:PutTablePolicy',
      's3tables:UpdateTableMetadataLocation',
    ],
    update: [
      'iam:PassRole',
      's3:CreateBucketMetadataTableConfiguration',
      's3:DeleteBucketMetadataTableConfiguration',
      's3:DeleteBucketWebsite',
      's3:GetBucketMetadataTableConfiguration',
      's3:GetBucketTagging',
      's3:ListBucket',
      's3:ListTagsForResource',
      's3:PutAccelerateConfiguration',
      's3:PutAnalyticsConfiguration',
      's3:PutBucketAbac',
      's3:PutBucketAcl',
      's3:PutBucketCORS',
      's3:PutBucketLogging',
      's3:PutBucketNotification',
      's3:PutBucketObjectLockConfiguration',
      's3:PutBucketOwnershipControls',
      's3:PutBucketPublicAccessBlock',
      's3:PutBucketTagging',
      's3:PutBucketVersioning',
      's3:PutBucketWebsite',
      's3:PutEncryptionConfiguration',
      's3:PutIntelligentTieringConfiguration',
      's3:PutInventoryConfiguration',
      's3:PutLifecycleConfiguration',
      's3:PutMetricsConfiguration',
      's3:PutReplicationConfiguration',
      's3:TagResource',
      's3:UntagResource',
      's3:UpdateBucketMetadataAnnotationTableConfiguration',
      's3:UpdateBucketMetadataInventoryTableConfiguration',
      's3:UpdateBucketMetadataJournalTableConfiguration',
      's3tables:CreateNamespace',
      's3tables:CreateTable',
      's3tables:CreateTableBucket',
      's3tables:GetTable',
      's3tables:GetTableMetadataLocation',
      's3tables:PutTableBucketPolicy',
      's3tables:PutTableEncryption',
      's3tables:PutTablePolicy',
      's3tables:UpdateTableMetadataLocation',
    ],
    delete: ['s3:DeleteBucket', 's3:ListBucket'],
    read: [
      's3:GetAccelerateConfiguration',
      's3:GetAnalyticsConfiguration',
      's3:GetBucketAbac',
      's3:GetBucketCORS',
      's3:GetBucketLogging',
      's3:GetBucketMetadataTableConfiguration',
      's3:GetBucketNotification',
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketOwnershipControls',
      's3:GetBucketPublicAccessBlock',
      's3:GetBucketTagging',
      's3:GetBucketVersioning',
      's3:GetBucketWebsite',
      's3:GetEncryptionConfiguration',
      's3:GetIntelligentTieringConfiguration',
      's3:GetInventoryConfiguration',
      's3:GetLifecycleConfiguration',
      's3:GetMetricsConfiguration',
      's3:GetReplicationConfiguration',
      's3:ListBucket',
      's3:ListTagsForResource',
    ],
    source: schema('aws-s3-bucket.json', '2026-06-24', 'not open source', TAGGING),
  },
  /**
   * `ServerlessDeploymentBucketPolicy`, always (osls core template: deny every request without TLS).
   */
  'AWS::S3::BucketPolicy': {
    create: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'],
    update: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'],
    delete: ['s3:DeleteBucketPolicy', 's3:GetBucketPolicy'],
    read: ['s3:GetBucketPolicy'],
    source: schema('aws-s3-bucketpolicy.json', '2025-09-02', 'not open source'),
  },
  /**
   * `LifecycleLogGroup`, `ReconcileLogGroup`, `AlarmLogGroup`, always (osls, `/aws/lambda/<function name>`,
   * `RetentionInDays` from `provider.logRetentionInDays`). Dropped as not an IAM action:
   * `s3:REST.PUT.OBJECT` (an S3 server access log operation name; log delivery to S3 is not used).
   */
  'AWS::Logs::LogGroup': {
    create: [
      'firehose:TagDeliveryStream',
      'logs:CreateLogDelivery',
      'logs:CreateLogGroup',
      'logs:DescribeIndexPolicies',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:GetDataProtectionPolicy',
      'logs:ListTagsForResource',
      'logs:PutBearerTokenAuthentication',
      'logs:PutDataProtectionPolicy',
      'logs:PutIndexPolicy',
      'logs:PutResourcePolicy',
      'logs:PutRetentionPolicy',
      'logs:TagResource',
      'logs:UntagResource',
    ],
    update: [
      'firehose:TagDeliveryStream',
      'logs:AssociateKmsKey',
      'logs:CreateLogDelivery',
      'logs:DeleteIndexPolicy',
      'logs:DeleteResourcePolicy',
      'logs:DeleteRetentionPolicy',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:DisassociateKmsKey',
      'logs:GetDataProtectionPolicy',
      'logs:ListTagsForResource',
      'logs:PutBearerTokenAuthentication',
      'logs:PutDataProtectionPolicy',
      'logs:PutIndexPolicy',
      'logs:PutLogGroupDeletionProtection',
      'logs:PutResourcePolicy',
      'logs:PutRetentionPolicy',
      'logs:TagResource',
      'logs:UntagResource',
    ],
    delete: ['logs:DeleteDataProtectionPolicy', 'logs:DeleteLogGroup', 'logs:DescribeLogGroups'],
    read: ['logs:DescribeIndexPolicies', 'logs:DescribeLogGroups', 'logs:DescribeResourcePolicies', 'logs:GetDataProtectionPolicy', 'logs:ListTagsForResource'],
    source: schema('aws-logs-loggroup.json', '2026-05-04', 'aws-cloudformation/aws-cloudformation-resource-providers-logs', TAGGING),
  },
  /**
   * The three functions, always: code in the deployment bucket (`s3:GetObject` on the zip, read with
   * the caller's credentials), `Role` = the stack's own role (`iam:PassRole`, passed to
   * `lambda.amazonaws.com`), `ReservedConcurrentExecutions` from `deployment.reservedConcurrency`
   * (`lambda:PutFunctionConcurrency`; `false` after a number calls `lambda:DeleteFunctionConcurrency`).
   * No VPC, EFS, KMS key, layers, code signing or
   * capacity provider: the `ec2:`, `elasticfilesystem:`, `s3files:`, `kms:` and code signing, layer and
   * capacity provider actions are declared by the schema but not exercised by this template.
   */
  'AWS::Lambda::Function': {
    create: [
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcs',
      'elasticfilesystem:DescribeMountTargets',
      'iam:PassRole',
      'kms:CreateGrant',
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'lambda:CreateFunction',
      'lambda:GetCodeSigningConfig',
      'lambda:GetFunction',
      'lambda:GetFunctionCodeSigningConfig',
      'lambda:GetFunctionRecursionConfig',
      'lambda:GetLayerVersion',
      'lambda:GetRuntimeManagementConfig',
      'lambda:ListTags',
      'lambda:PassCapacityProvider',
      'lambda:PutFunctionConcurrency',
      'lambda:PutFunctionRecursionConfig',
      'lambda:PutFunctionScalingConfig',
      'lambda:PutRuntimeManagementConfig',
      'lambda:TagResource',
      'lambda:UntagResource',
      's3:GetObject',
      's3:GetObjectVersion',
      's3files:ListMountTargets',
    ],
    update: [
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcs',
      'elasticfilesystem:DescribeMountTargets',
      'iam:PassRole',
      'kms:CreateGrant',
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:GenerateDataKey',
      'lambda:DeleteFunctionCodeSigningConfig',
      'lambda:DeleteFunctionConcurrency',
      'lambda:GetCodeSigningConfig',
      'lambda:GetFunction',
      'lambda:GetFunctionCodeSigningConfig',
      'lambda:GetFunctionRecursionConfig',
      'lambda:GetRuntimeManagementConfig',
      'lambda:ListTags',
      'lambda:PassCapacityProvider',
      'lambda:PublishVersion',
      'lambda:PutFunctionCodeSigningConfig',
      'lambda:PutFunctionConcurrency',
      'lambda:PutFunctionRecursionConfig',
      'lambda:PutFunctionScalingConfig',
      'lambda:PutRuntimeManagementConfig',
      'lambda:TagResource',
      'lambda:UntagResource',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      's3:GetObject',
      's3:GetObjectVersion',
      's3files:ListMountTargets',
    ],
    delete: ['ec2:DescribeNetworkInterfaces', 'lambda:DeleteFunction', 'lambda:GetFunction'],
    read: [
      'kms:Decrypt',
      'lambda:GetFunction',
      'lambda:GetFunctionCodeSigningConfig',
      'lambda:GetFunctionRecursionConfig',
      'lambda:GetFunctionScalingConfig',
      'lambda:GetRuntimeManagementConfig',
    ],
    source: schema('aws-lambda-function.json', '2026-07-13', 'not open source', TAGGING),
  },
  /**
   * `<Function>LambdaEvConf`, always (`maximumRetryAttempts` and the SQS on-failure destination).
   * Lambda checks that the function's execution role may `sqs:SendMessage` to the destination
   * (the generated roles have `SendFailedEvents`); the caller needs no SQS permission for it.
   */
  'AWS::Lambda::EventInvokeConfig': {
    create: ['lambda:PutFunctionEventInvokeConfig'],
    update: ['lambda:UpdateFunctionEventInvokeConfig'],
    delete: ['lambda:DeleteFunctionEventInvokeConfig'],
    read: ['lambda:GetFunctionEventInvokeConfig'],
    source: schema('aws-lambda-eventinvokeconfig.json', '2025-12-04', 'aws-cloudformation/aws-cloudformation-rpdk (schema sourceUrl)'),
  },
  /**
   * One per trigger: the schedule rule, the EventBridge pattern rules, the SNS subscriptions. Every
   * property is create-only, so a change replaces it (create, then delete): there is no update handler.
   */
  'AWS::Lambda::Permission': {
    create: ['lambda:AddPermission'],
    update: [],
    delete: ['lambda:RemovePermission'],
    read: ['lambda:GetPolicy'],
    source: schema('aws-lambda-permission.json', '2026-08-03', 'not open source'),
  },
  /**
   * The reconcile schedule, always; the lifecycle pattern rule (eventbridge mode); the alarm state
   * change rule (a fleet with `elasticIps`). Targets are Lambda functions without `RoleArn`, so the
   * schema's `iam:PassRole` is never exercised.
   */
  'AWS::Events::Rule': {
    create: [
      'events:DescribeRule',
      'events:ListTagsForResource',
      'events:PutRule',
      'events:PutTargets',
      'events:TagResource',
      'events:UntagResource',
      'iam:PassRole',
    ],
    update: [
      'events:DescribeRule',
      'events:ListTagsForResource',
      'events:PutRule',
      'events:PutTargets',
      'events:RemoveTargets',
      'events:TagResource',
      'events:UntagResource',
      'iam:PassRole',
    ],
    delete: ['events:DeleteRule', 'events:DescribeRule', 'events:ListTargetsByRule', 'events:RemoveTargets', 'iam:PassRole'],
    read: ['events:DescribeRule', 'events:ListTagsForResource', 'events:ListTargetsByRule', 'iam:PassRole'],
    source: schema('aws-events-rule.json', '2025-08-26', 'aws-cloudformation/aws-cloudformation-resource-providers-events', TAGGING),
  },
  /**
   * `LifecycleTopic` (sns mode), `AlarmTopic` (a fleet with `alarms`). `iam:GetRole`/`iam:PassRole`
   * serve delivery status logging roles, which these topics do not have.
   */
  'AWS::SNS::Topic': {
    create: [
      'iam:GetRole',
      'iam:PassRole',
      'sns:CreateTopic',
      'sns:GetTopicAttributes',
      'sns:ListTagsForResource',
      'sns:PutDataProtectionPolicy',
      'sns:Subscribe',
      'sns:TagResource',
      'sns:UntagResource',
    ],
    update: [
      'iam:GetRole',
      'iam:PassRole',
      'sns:GetDataProtectionPolicy',
      'sns:GetTopicAttributes',
      'sns:ListSubscriptionsByTopic',
      'sns:ListTagsForResource',
      'sns:PutDataProtectionPolicy',
      'sns:SetTopicAttributes',
      'sns:Subscribe',
      'sns:TagResource',
      'sns:Unsubscribe',
      'sns:UntagResource',
    ],
    delete: ['sns:DeleteTopic', 'sns:GetTopicAttributes'],
    read: ['sns:GetDataProtectionPolicy', 'sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic', 'sns:ListTagsForResource'],
    source: schema('aws-sns-topic.json', '2026-08-03', 'aws-cloudformation/aws-cloudformation-resource-providers-sns', TAGGING),
  },
  /**
   * `LifecycleTopicPolicy` (sns mode), `AlarmTopicPolicy` (alarms). The schema declares no read handler.
   */
  'AWS::SNS::TopicPolicy': {
    create: ['sns:SetTopicAttributes'],
    update: ['sns:SetTopicAttributes'],
    delete: ['sns:SetTopicAttributes'],
    read: [],
    source: schema('aws-sns-topicpolicy.json', '2026-03-09', 'aws-cloudformation/aws-cloudformation-resource-providers-sns'),
  },
  /**
   * The lambda-protocol subscriptions osls compiles from the `sns` events: the lifecycle function to
   * `LifecycleTopic` (sns mode), the alarm function to `AlarmTopic` (`elasticIps`). `iam:GetRole`/
   * `iam:PassRole` serve Firehose subscription roles (not used). The open-source provider
   * repository's older schema also lists `sns:GetSubscriptionAttributes` and `sns:GetTopicAttributes`
   * for create and update: the example policy grants both (they are in the topic and read lists).
   */
  'AWS::SNS::Subscription': {
    create: ['iam:GetRole', 'iam:PassRole', 'sns:Subscribe'],
    update: ['iam:GetRole', 'iam:PassRole', 'sns:SetSubscriptionAttributes'],
    delete: ['sns:GetSubscriptionAttributes', 'sns:Unsubscribe'],
    read: ['sns:GetSubscriptionAttributes'],
    source: schema('aws-sns-subscription.json', '2024-09-11', 'aws-cloudformation/aws-cloudformation-resource-providers-sns'),
  },
  /**
   * `FailedEventsQueue`, always (`SqsManagedSseEnabled`: an SQS-owned key, so no KMS permission).
   */
  'AWS::SQS::Queue': {
    create: ['sqs:CreateQueue', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags', 'sqs:TagQueue', 'sqs:UntagQueue'],
    update: ['sqs:GetQueueAttributes', 'sqs:ListQueueTags', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'],
    delete: ['sqs:DeleteQueue', 'sqs:GetQueueAttributes'],
    read: ['sqs:GetQueueAttributes', 'sqs:ListQueueTags'],
    source: schema('aws-sqs-queue.json', '2026-07-13', 'aws-cloudformation/aws-cloudformation-resource-providers-sqs', TAGGING),
  },
  /**
   * The three function roles, always, and `LifecycleTopicPublishRole` (sns mode): inline policies
   * (`iam:PutRolePolicy`), no managed policies, no permissions boundary, no explicit name.
   */
  'AWS::IAM::Role': {
    create: [
      'iam:AttachRolePolicy',
      'iam:CreateRole',
      'iam:GetRole',
      'iam:GetRolePolicy',
      'iam:ListRoleTags',
      'iam:PutRolePolicy',
      'iam:TagRole',
      'iam:UntagRole',
    ],
    update: [
      'iam:AttachRolePolicy',
      'iam:DeleteRolePermissionsBoundary',
      'iam:DeleteRolePolicy',
      'iam:DetachRolePolicy',
      'iam:ListRoleTags',
      'iam:PutRolePermissionsBoundary',
      'iam:PutRolePolicy',
      'iam:TagRole',
      'iam:UntagRole',
      'iam:UpdateAssumeRolePolicy',
      'iam:UpdateRole',
      'iam:UpdateRoleDescription',
    ],
    delete: [
      'iam:DeleteRole',
      'iam:DeleteRolePolicy',
      'iam:DetachRolePolicy',
      'iam:GetRole',
      'iam:ListAttachedRolePolicies',
      'iam:ListRolePolicies',
      'iam:TagRole',
      'iam:UntagRole',
    ],
    read: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
    source: schema('aws-iam-role.json', '2025-06-05', 'aws-cloudformation/aws-cloudformation-resource-providers-iam', TAGGING),
  },
  /**
   * Two per fleet, plus two per application group of a fleet with `haproxy`, on Auto Scaling groups
   * this stack does not own. In sns mode each hook has `NotificationTargetARN` and `RoleARN`
   * (`LifecycleTopicPublishRole`): `iam:PassRole`, passed to `autoscaling.amazonaws.com`. In eventbridge
   * mode no role is passed.
   */
  'AWS::AutoScaling::LifecycleHook': {
    create: ['autoscaling:DescribeLifecycleHooks', 'autoscaling:PutLifecycleHook', 'iam:PassRole'],
    update: ['autoscaling:DescribeLifecycleHooks', 'autoscaling:PutLifecycleHook', 'iam:PassRole'],
    delete: ['autoscaling:DeleteLifecycleHook', 'autoscaling:DescribeLifecycleHooks'],
    read: ['autoscaling:DescribeLifecycleHooks'],
    source: schema('aws-autoscaling-lifecyclehook.json', '2022-12-07', 'aws-cloudformation/aws-cloudformation-resource-providers-autoscaling'),
  },
  /**
   * The alarms on the control plane itself (deploy/operatorView.ts, unless
   * `deployment.operatorAlarms.enabled` is false), no explicit names: CloudFormation names them
   * `<stack>-<logical id>-<suffix>`. No tags, so `cloudwatch:TagResource` is not exercised.
   */
  'AWS::CloudWatch::Alarm': {
    create: ['cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'],
    update: ['cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'],
    delete: ['cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms'],
    read: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
    source: schema(
      'aws-cloudwatch-alarm.json',
      'unknown (read at commit 11ac7b3942)',
      'aws-cloudformation/aws-cloudformation-resource-providers-cloudwatch',
      TAGGING,
    ),
  },
  /** `Dashboard`, always, named after the stack. Not taggable. */
  'AWS::CloudWatch::Dashboard': {
    create: ['cloudwatch:GetDashboard', 'cloudwatch:PutDashboard'],
    update: ['cloudwatch:PutDashboard'],
    delete: ['cloudwatch:DeleteDashboards', 'cloudwatch:GetDashboard'],
    read: ['cloudwatch:GetDashboard'],
    source: schema(
      'aws-cloudwatch-dashboard.json',
      'unknown (read at commit 786d4b3a51)',
      'aws-cloudformation/aws-cloudformation-resource-providers-cloudwatch',
    ),
  },
  /**
   * `ConfigDocument` (a fleet with `haproxy`): `DocumentType: Command`, JSON content inline, no
   * name, so a changed script replaces it (create, then delete). `s3:GetObject` and `iam:PassRole`
   * serve attachments and are not exercised.
   */
  'AWS::SSM::Document': {
    create: [
      'iam:PassRole',
      's3:GetObject',
      'ssm:AddTagsToResource',
      'ssm:CreateDocument',
      'ssm:GetDocument',
      'ssm:ListTagsForResource',
      'ssm:RemoveTagsFromResource',
    ],
    update: [
      'iam:PassRole',
      's3:GetObject',
      'ssm:AddTagsToResource',
      'ssm:DescribeDocument',
      'ssm:ListTagsForResource',
      'ssm:RemoveTagsFromResource',
      'ssm:UpdateDocument',
      'ssm:UpdateDocumentDefaultVersion',
    ],
    delete: ['ssm:DeleteDocument', 'ssm:GetDocument'],
    read: ['ssm:DescribeDocument', 'ssm:GetDocument', 'ssm:ListTagsForResource'],
    source: schema('aws-ssm-document.json', '2025-12-17', 'aws-cloudformation/aws-cloudformation-resource-providers-ssm', TAGGING),
  },
};

/**
 * The AWS calls osls 4.3.1 makes itself during `serverless deploy` and `serverless remove` with
 * this serverless.yml (paths relative to node_modules/osls/lib/plugins/aws/). Resources: the stack
 * `haproxy-fleet-control-<stage>` (osls names it `<service>-<stage>`; its change set is
 * `<stack>-change-set`) and the deployment bucket, objects under
 * `serverless/haproxy-fleet-control/<stage>/`.
 *
 * Not listed, because this serverless.yml does not reach them: `cloudformation:SetStackPolicy`
 * (`provider.stackPolicy`), `cloudformation:UpdateTerminationProtection`
 * (`provider.deletionProtection`), `cloudformation:ListExports` (HTTP API imports),
 * `s3:ListBucketVersions` and `s3:DeleteObjectVersion` (`provider.deploymentBucket.versioning`),
 * `logs:DescribeSubscriptionFilters` and `logs:DeleteSubscriptionFilter` (`cloudwatchLog` events),
 * the `ecr:` and `apigateway:` calls (container images, API Gateway). `remove` always calls
 * `ecr:DescribeRepositories` (lib/check-if-ecr-repository-exists.js) but treats AccessDenied as
 * "no repository", so it needs no grant. `s3:GetBucketLocation` is never called: the bucket's
 * region comes from the `x-amz-bucket-region` header of HeadBucket.
 */
export const FRAMEWORK_PERMISSIONS: FrameworkPermission[] = [
  {
    actions: [
      'cloudformation:DescribeStackEvents',
      'cloudformation:DescribeStackResource',
      'cloudformation:DescribeStacks',
      'cloudformation:ListStackResources',
    ],
    why: 'Stack reads, on the stack. DescribeStacks: does the stack exist and in which state (deploy/lib/create-stack.js), its outputs for the summary (info/get-stack-info.js, run by deploy), the deletion protection check before remove (remove/lib/stack.js, denial tolerated there). DescribeStackResource: the physical name of ServerlessDeploymentBucket (provider.js getServerlessDeploymentBucketName, deploy and remove). DescribeStackEvents: progress until the operation ends (lib/monitor-stack.js, deploy and remove). ListStackResources: the resource count in the summary (info/get-resource-count.js).',
  },
  {
    actions: ['cloudformation:CreateChangeSet', 'cloudformation:DeleteChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:ExecuteChangeSet'],
    why: 'The default deploymentMethod (changesets), on the stack: the first deploy creates the stack from a CREATE change set of the core template (deployment bucket and its policy, TemplateBody), every deploy then runs an UPDATE change set of the full template (TemplateURL in the deployment bucket), deleting the previous or an empty change set first (deploy/lib/create-stack.js, lib/update-stack.js, lib/wait-for-change-set-creation.js, deploy/lib/ensure-valid-bucket-exists.js). Change sets carry Capabilities CAPABILITY_IAM and CAPABILITY_NAMED_IAM and the stack tag STAGE.',
  },
  {
    actions: ['cloudformation:ValidateTemplate'],
    why: 'deploy/lib/validate-template.js validates the uploaded template (TemplateURL) before the update. The action has no resource type: Resource "*".',
  },
  {
    actions: ['cloudformation:GetTemplate'],
    why: 'deploy/lib/ensure-valid-bucket-exists.js, only when the stack exists but has no ServerlessDeploymentBucket (a custom deployment bucket was removed from the configuration): it reads the template, adds the bucket and runs a change set. On the stack.',
  },
  {
    actions: ['cloudformation:CreateStack', 'cloudformation:UpdateStack'],
    why: 'Only with provider.deploymentMethod: direct, which serverless.yml does not set (deploy/lib/create-stack.js, lib/update-stack.js). Listed because a stage may switch to it; on the stack they allow nothing CreateChangeSet and ExecuteChangeSet do not already.',
  },
  {
    actions: ['cloudformation:DeleteStack'],
    why: "serverless remove (remove/lib/stack.js), after osls has emptied the deployment bucket. CloudFormation then runs every resource delete handler with the caller's credentials (DEPLOY_PERMISSIONS[type].delete).",
  },
  {
    actions: ['s3:ListBucket'],
    why: 'On the deployment bucket: HeadBucket (lib/check-if-bucket-exists.js, deploy/lib/ensure-valid-bucket-exists.js, remove) and ListObjectsV2 under serverless/haproxy-fleet-control/<stage>/ (deploy/lib/check-for-changes.js, deploy/lib/cleanup-s3-bucket.js, remove/lib/bucket.js).',
  },
  {
    actions: ['s3:AbortMultipartUpload', 's3:PutObject'],
    why: 'Uploads of the compiled template, the state file and the function zips (deploy/lib/upload-artifacts.js, lib/upload-s3-object.js) with @aws-sdk/lib-storage Upload: one PutObject per file up to 5 MB, above that a multipart upload (CreateMultipartUpload, UploadPart and CompleteMultipartUpload are authorised by s3:PutObject), aborted on failure (leavePartsOnError: false). No ACL, no SSE header (the bucket encrypts by default).',
  },
  {
    actions: ['s3:GetObject'],
    why: 'HeadObject of the previous deployment\'s files, to compare hashes and skip an unchanged deploy (deploy/lib/check-for-changes.js). CloudFormation also reads the TemplateURL of ValidateTemplate and CreateChangeSet with the caller\'s access ("TemplateURL must reference a valid S3 object to which you have access"), and Lambda reads the function zips for CreateFunction and UpdateFunctionCode the same way (AWS::Lambda::Function lists s3:GetObject).',
  },
  {
    actions: ['s3:DeleteObject'],
    why: 'DeleteObjects (authorised per key by s3:DeleteObject): deployments older than the last 5 after each deploy, or the artifacts of a deploy whose change set was empty (deploy/lib/cleanup-s3-bucket.js); every object of the service before remove deletes the stack (remove/lib/bucket.js).',
  },
  {
    actions: ['lambda:GetFunction'],
    why: "The three functions' LastModified, part of the check that skips an unchanged deploy (deploy/lib/check-for-changes.js). Optional: on AccessDenied osls warns and always deploys.",
  },
  {
    actions: ['sts:GetCallerIdentity'],
    why: 'The account id, at the start of deploy and remove (provider.js getAccountId). GetCallerIdentity needs no permission and cannot be denied; listed for completeness.',
  },
  {
    actions: ['logs:DescribeLogStreams', 'logs:FilterLogEvents'],
    why: 'Not deploy or remove: `serverless logs -f <function>` (logs.js), on the three /aws/lambda/haproxy-fleet-control-<stage>-* log groups. Grant it to whoever reads the logs through osls.',
  },
];
