/**
 * The AWS SDK clients the control plane uses, created once per cold start (module-level default)
 * and injectable everywhere else, so tests and the simulated account pass their own.
 *
 * Endpoints and credentials come from the SDK's normal chain, so `AWS_ENDPOINT_URL` (or
 * `AWS_ENDPOINT_URL_ROUTE_53`, ...) points the handlers at any AWS-compatible endpoint unchanged.
 */
import { Route53Client } from '@aws-sdk/client-route-53';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DEFAULTS, ROUTE53_DEFAULTS, type ClientOverrides } from './clientDefaults';
import { countRetries } from './retries';

/** The clients one reconcile needs. */
export interface AwsClients {
  route53: Route53Client;
  autoScaling: AutoScalingClient;
  ec2: EC2Client;
  cloudWatch: CloudWatchClient;
  ssm: SSMClient;
}

/**
 * Creates the clients. Route 53 is global: the SDK's endpoint rules map any region to its
 * partition's Route 53 endpoint (us-east-1 signing in aws, cn-northwest-1 in aws-cn, ...).
 */
export function createClients(overrides: ClientOverrides = {}): AwsClients {
  const common = overrides as Record<string, unknown>;
  return {
    route53: countRetries(new Route53Client({ ...ROUTE53_DEFAULTS, ...common })),
    autoScaling: countRetries(new AutoScalingClient({ ...DEFAULTS, ...common })),
    ec2: countRetries(new EC2Client({ ...DEFAULTS, ...common })),
    cloudWatch: countRetries(new CloudWatchClient({ ...DEFAULTS, ...common })),
    ssm: countRetries(new SSMClient({ ...DEFAULTS, ...common })),
  };
}

let defaults: AwsClients | undefined;

/** The process-wide clients, created on first use (once per Lambda cold start). */
export function defaultClients(): AwsClients {
  defaults ??= createClients();
  return defaults;
}
