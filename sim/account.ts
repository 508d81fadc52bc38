/**
 * The simulated AWS account: a stateful, in-memory slice of Route 53, EC2 (instances, network
 * interfaces, Elastic IPs), Auto Scaling, CloudWatch alarms and SSM Run Command that real SDK
 * clients talk to. It is plugged in *below* the adapters, as the last middleware before the HTTP
 * handler, so everything above it runs for real: the product's adapters, the SDK's serialisation
 * of inputs and its retry strategy (a `Throttling` thrown here is retried by the SDK exactly as
 * one from AWS).
 *
 * Test infrastructure only: nothing in functions/ or lib/ imports it, and it imports nothing of
 * theirs (only the SDK): the harness that drives the handlers against it is test/harness/.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { awsError } from './errors';
import { Faults } from './faults';
import { Route53Sim } from './route53';
import { Ec2Sim } from './ec2';
import { AutoScalingSim } from './autoscaling';
import { CloudWatchSim } from './cloudwatch';
import { SsmSim } from './ssm';
import { CloudFormationSim } from './cloudformation';
import type { ServiceSim } from './service';
import type { CallRecord, SimService } from './types';

/** Plain SDK clients of the five services the account simulates. */
export interface SimClients {
  route53: Route53Client;
  autoScaling: AutoScalingClient;
  ec2: EC2Client;
  cloudWatch: CloudWatchClient;
  ssm: SSMClient;
}

/** What `attach` needs of a client: its middleware stack. */
type Attachable = { middlewareStack: any };

export interface SimAccountOptions {
  /** Seed for fault injection and generated ids, so runs replay exactly. */
  seed?: number;
  /**
   * A clock (epoch ms) the account follows instead of its own hand-moved one: benchmarks run the
   * account on virtual time (fake timers), and call `tick()` to let time-driven state move.
   */
  clock?: () => number;
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
  readonly cloudFormation: CloudFormationSim;
  /** Virtual time in ms; advanced explicitly by scenarios (lifecycle timeouts, change sync). */
  private nowMs = Date.parse('2026-11-22T10:00:00Z');
  private readonly clock: (() => number) | undefined;
  /**
   * Called before each call reaches the account: a benchmark throws here for a call made by a
   * Lambda invocation that has already timed out (its process would be frozen; nothing is sent).
   */
  beforeCall: ((service: SimService, op: string) => void) | undefined;

  constructor(opts: SimAccountOptions = {}) {
    this.region = opts.region ?? 'eu-west-1';
    this.accountId = opts.accountId ?? '123456789012';
    this.clock = opts.clock;
    this.faults = new Faults(opts.seed ?? 1);
    this.ec2 = new Ec2Sim(this, opts.seed ?? 1);
    this.route53 = new Route53Sim(this);
    this.autoScaling = new AutoScalingSim(this);
    this.cloudWatch = new CloudWatchSim(this);
    this.ssm = new SsmSim(this, opts.seed ?? 1);
    this.cloudFormation = new CloudFormationSim(this);
  }

  now(): Date {
    return new Date(this.clock ? this.clock() : this.nowMs);
  }

  /** With an external clock: lets time-driven state move (timeouts, syncs, agents). */
  tick(): void {
    this.ssm.beforeTick();
    this.autoScaling.onTick();
    this.ssm.onTick();
  }

  /**
   * Moves virtual time forward; lifecycle heartbeats expire, Route 53 changes sync, SSM agents
   * come online and pending Run Command invocations run.
   */
  advance(seconds: number): void {
    if (this.clock) throw new Error('this account follows an external clock: move that clock, then tick()');
    this.ssm.beforeTick();
    this.nowMs += seconds * 1000;
    this.autoScaling.onTick();
    this.ssm.onTick();
  }

  /**
   * Plain SDK clients wired to this account (the harness wires the product's own: test/harness).
   * Retries keep the SDK's classification but wait only `backoffMs`, so a throttled scenario runs
   * in milliseconds.
   */
  clients(opts: { maxAttempts?: number; backoffMs?: number } = {}): SimClients {
    const maxAttempts = opts.maxAttempts ?? 8;
    const common = {
      region: this.region,
      credentials: { accessKeyId: 'AKIASIMULATED', secretAccessKey: 'simulated' },
      maxAttempts,
      retryStrategy: new ConfiguredRetryStrategy(maxAttempts, opts.backoffMs ?? 0),
    };
    const clients: SimClients = {
      route53: new Route53Client(common),
      autoScaling: new AutoScalingClient(common),
      ec2: new EC2Client(common),
      cloudWatch: new CloudWatchClient(common),
      ssm: new SSMClient(common),
    };
    return this.attachAll(clients);
  }

  /** Wires every client of a set to this account (each by its service). */
  attachAll<T extends Record<keyof SimClients, Attachable>>(clients: T): T {
    this.attach(clients.route53, 'route53');
    this.attach(clients.autoScaling, 'autoScaling');
    this.attach(clients.ec2, 'ec2');
    this.attach(clients.cloudWatch, 'cloudWatch');
    this.attach(clients.ssm, 'ssm');
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

  /**
   * One call as it reaches the account: recorded, delayed and faulted as configured, then handled
   * by the service's simulation. The SDK middleware below and the served endpoint (sim/wire/) both
   * come through here, so both see the same account.
   */
  async call(service: SimService, op: string, input: unknown): Promise<object> {
    this.beforeCall?.(service, op);
    const record: CallRecord = { seq: this.calls.length + 1, service, op, input: structuredClone(input), atMs: this.now().getTime() };
    this.calls.push(record);
    const delay = this.faults.delayFor(service);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const injected = this.faults.check(service, op, input);
    try {
      if (injected) throw awsError(service, injected.code, injected.message, injected.status);
      // Outputs are deep-copied so callers can never mutate simulated state by reference.
      return structuredClone(this.simOf(service).handle(op, structuredClone(input)) ?? {}) as object;
    } catch (err) {
      record.error = (err as Error).name;
      throw err;
    }
  }

  /** The simulation of one service. */
  simOf(service: SimService): ServiceSim {
    return {
      route53: this.route53,
      autoScaling: this.autoScaling,
      ec2: this.ec2,
      cloudWatch: this.cloudWatch,
      ssm: this.ssm,
      cloudFormation: this.cloudFormation,
    }[service];
  }

  private attach(client: Attachable, service: SimService): void {
    client.middlewareStack.add(
      (_next: unknown, context: { commandName?: string }) => async (args: { input: unknown }) => {
        const op = (context.commandName ?? '').replace(/Command$/, '');
        const output = await this.call(service, op, args.input);
        return { output: { $metadata: { httpStatusCode: 200 }, ...output }, response: {} };
      },
      { step: 'deserialize', priority: 'high', name: 'simulatedAccount', override: true },
    );
  }
}
