/**
 * The simulated AWS account: a stateful, in-memory slice of Route 53, EC2 (instances, network
 * interfaces, Elastic IPs), Auto Scaling, CloudWatch alarms and SSM Run Command that real SDK
 * clients talk to. It is plugged in *below* the adapters, as the last middleware before the HTTP
 * handler, so everything above it runs for real: the product's adapters, the SDK's serialisation
 * of inputs and its retry strategy (a `Throttling` thrown here is retried by the SDK exactly as
 * one from AWS).
 *
 * Test infrastructure only: nothing in functions/ or lib/ imports it.
 */
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { createClients, type AwsClients } from '../lib/aws/clients';
import { awsError } from './errors';
import { Faults } from './faults';
import { Route53Sim } from './route53';
import { Ec2Sim } from './ec2';
import { AutoScalingSim } from './autoscaling';
import { CloudWatchSim } from './cloudwatch';
import { SsmSim } from './ssm';
import type { ServiceSim } from './service';
import type { CallRecord, SimService } from './types';

export interface SimAccountOptions {
  /** Seed for fault injection and generated ids, so runs replay exactly. */
  seed?: number;
  region?: string;
  accountId?: string;
}

const READ_ONLY = /^(Describe|List|Get)/;

export class SimAccount {
  readonly region: string;
  readonly accountId: string;
  readonly faults: Faults;
  readonly calls: CallRecord[] = [];
  readonly ec2: Ec2Sim;
  readonly route53: Route53Sim;
  readonly autoScaling: AutoScalingSim;
  readonly cloudWatch: CloudWatchSim;
  readonly ssm: SsmSim;
  /** Virtual time in ms; advanced explicitly by scenarios (lifecycle timeouts, change sync). */
  private nowMs = Date.parse('2026-11-22T10:00:00Z');

  constructor(opts: SimAccountOptions = {}) {
    this.region = opts.region ?? 'eu-west-1';
    this.accountId = opts.accountId ?? '123456789012';
    this.faults = new Faults(opts.seed ?? 1);
    this.ec2 = new Ec2Sim(this, opts.seed ?? 1);
    this.route53 = new Route53Sim(this);
    this.autoScaling = new AutoScalingSim(this);
    this.cloudWatch = new CloudWatchSim(this);
    this.ssm = new SsmSim(this, opts.seed ?? 1);
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  /**
   * Moves virtual time forward; lifecycle heartbeats expire, Route 53 changes sync, SSM agents
   * come online and pending Run Command invocations run.
   */
  advance(seconds: number): void {
    this.ssm.beforeTick();
    this.nowMs += seconds * 1000;
    this.autoScaling.onTick();
    this.ssm.onTick();
  }

  /**
   * Real SDK clients wired to this account. Retries keep the SDK's classification but wait
   * only `backoffMs`, so a throttled scenario runs in milliseconds.
   */
  clients(opts: { maxAttempts?: number; backoffMs?: number } = {}): AwsClients {
    const maxAttempts = opts.maxAttempts ?? 8;
    const clients = createClients({
      region: this.region,
      credentials: { accessKeyId: 'AKIASIMULATED', secretAccessKey: 'simulated' },
      maxAttempts,
      retryStrategy: new ConfiguredRetryStrategy(maxAttempts, opts.backoffMs ?? 0),
    });
    this.plug(clients.route53, 'route53', this.route53);
    this.plug(clients.autoScaling, 'autoScaling', this.autoScaling);
    this.plug(clients.ec2, 'ec2', this.ec2);
    this.plug(clients.cloudWatch, 'cloudWatch', this.cloudWatch);
    this.plug(clients.ssm, 'ssm', this.ssm);
    return clients;
  }

  /** Attempts recorded so far, optionally only those matching the filter. */
  callsWhere(filter: { service?: SimService; op?: string; mutating?: boolean; failed?: boolean } = {}): CallRecord[] {
    return this.calls.filter(
      (c) =>
        (!filter.service || c.service === filter.service) &&
        (!filter.op || c.op === filter.op) &&
        (filter.mutating === undefined || !READ_ONLY.test(c.op) === filter.mutating) &&
        (filter.failed === undefined || (c.error !== undefined) === filter.failed),
    );
  }

  /** Index into `calls`, to count what one step did: `account.callsSince(mark)`. */
  mark(): number {
    return this.calls.length;
  }

  callsSince(mark: number): CallRecord[] {
    return this.calls.slice(mark);
  }

  private plug(client: { middlewareStack: any }, service: SimService, sim: ServiceSim): void {
    client.middlewareStack.add(
      (_next: unknown, context: { commandName?: string }) => async (args: { input: unknown }) => {
        const op = (context.commandName ?? '').replace(/Command$/, '');
        const record: CallRecord = { seq: this.calls.length + 1, service, op, input: structuredClone(args.input) };
        this.calls.push(record);
        const delay = this.faults.delayFor(service);
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        const injected = this.faults.check(service, op, args.input);
        try {
          if (injected) throw awsError(service, injected.code, injected.message, injected.status);
          // Outputs are deep-copied so callers can never mutate simulated state by reference.
          const output = structuredClone(sim.handle(op, structuredClone(args.input)) ?? {});
          return { output: { $metadata: { httpStatusCode: 200 }, ...(output as object) }, response: {} };
        } catch (err) {
          record.error = (err as Error).name;
          throw err;
        }
      },
      { step: 'deserialize', priority: 'high', name: 'simulatedAccount', override: true },
    );
  }
}
