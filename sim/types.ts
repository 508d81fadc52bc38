/** Shared types of the simulated AWS account. */
/** `cloudFormation` only serves the stack to `serverless invoke local` (sim/cloudformation.ts). */
export type SimService = 'route53' | 'autoScaling' | 'ec2' | 'cloudWatch' | 'ssm' | 'cloudFormation';

/** One attempt that reached the simulated account (SDK retries show as separate attempts). */
export interface CallRecord {
  seq: number;
  service: SimService;
  op: string;
  input: unknown;
  /** The account's time (epoch ms) when the call arrived. */
  atMs: number;
  /** Error code when the attempt failed, for example `Throttling`. */
  error?: string;
}
