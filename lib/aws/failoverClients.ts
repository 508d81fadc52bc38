/**
 * The clients of the failover path only (EC2, Auto Scaling, CloudWatch): the alarm function
 * imports this instead of clients.ts, so Route 53's client is not in its bundle.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { DEFAULTS } from './clientDefaults';

export interface FailoverClients {
  autoScaling: AutoScalingClient;
  ec2: EC2Client;
  cloudWatch: CloudWatchClient;
}

let defaults: FailoverClients | undefined;

/** Created on first use (once per cold start). */
export function defaultFailoverClients(): FailoverClients {
  defaults ??= { autoScaling: new AutoScalingClient({ ...DEFAULTS }), ec2: new EC2Client({ ...DEFAULTS }), cloudWatch: new CloudWatchClient({ ...DEFAULTS }) };
  return defaults;
}
