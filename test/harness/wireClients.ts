/**
 * Plain SDK v3 clients of the five services pointed at a served account (sim/wire/server.ts),
 * exactly as `AWS_ENDPOINT_URL` points them: nothing in between, so the SDK's own protocol code
 * serialises every request and parses every response.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { SimClients } from '../../sim/account';

export function wireClients(endpoint: string, opts: { region: string; maxAttempts?: number }): SimClients {
  const maxAttempts = opts.maxAttempts ?? 3;
  const common = {
    region: opts.region,
    endpoint,
    credentials: { accessKeyId: 'AKIASIMULATED', secretAccessKey: 'simulated' },
    maxAttempts,
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, 0),
  };
  return {
    route53: new Route53Client({ ...common, region: 'us-east-1' }),
    autoScaling: new AutoScalingClient(common),
    ec2: new EC2Client(common),
    cloudWatch: new CloudWatchClient(common),
    ssm: new SSMClient(common),
  };
}
