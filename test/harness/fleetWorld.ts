/**
 * A ready-made world for scenarios and the demo: a simulated account with a hosted zone, a
 * load-balancer Auto Scaling group carrying this fleet's lifecycle hooks, the fleet's
 * configuration, and the real handlers (functions/) wired to the account's clients.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { generateDeployment, type DeploymentMode } from '../../deploy/cloudformation';
import { createHandler as createLifecycleHandler } from '../../functions/lifecycle';
import { createHandler as createReconcileHandler } from '../../functions/reconcile';
import { parseConfig, type Config, type FleetConfig } from '../../lib/config/load';
import type { HandlerDeps } from '../../lib/handlers/deps';
import type { MessageOutcome } from '../../lib/handlers/lifecycle';
import { instanceOfCallerReference, instanceOfSetIdentifier } from '../../lib/plan/naming';
import type { FleetReport } from '../../lib/reconcile/reconcileFleet';
import { SimAccount } from '../../sim/account';
import { productClients, productionClients } from './clients';
import type { LifecycleNotification, TestNotification } from '../../sim/autoscaling';
import { eventBridgeEvent, scheduledEvent, snsEvent } from '../../sim/envelopes';

export type Via = 'sns' | 'eventbridge';

export interface WorldOptions {
  seed?: number;
  /** Instances in the group before the hooks exist (the hook never tells us about them). */
  preexisting?: number;
  via?: Via;
  dryRun?: boolean;
  /** The deployment mode: `shadow` deploys hooks that time out with CONTINUE and functions that change nothing. */
  mode?: DeploymentMode;
  logger?: Logger;
  /** Overrides of the fleet's configuration. */
  fleet?: Record<string, unknown>;
  /** The world's hosted zone is private (answers in one VPC), as an internal fleet's is. */
  privateZone?: boolean;
  /** Overrides of the fleet's `dns` settings (the zone is always the world's). */
  dns?: Record<string, unknown>;
  /** An external clock for the account (benchmarks: virtual time). */
  clock?: () => number;
  /** `production`: the SDK retries with the deployed settings and their real back-off (benchmarks); default: no back-off. */
  retries?: 'instant' | 'production';
  /**
   * More fleets like the first in the same account and zone (benchmarks: a group larger than one
   * record name's 100 weighted records is split this way): fleet `edge<k>`, group `edge-haproxy-<k>`,
   * record `lb<k>.example.com`, for k = 2..fleets.
   */
  fleets?: number;
}

export const GROUP = 'edge-haproxy';
export const ZONE = 'example.com';

const context = (): Context =>
  ({
    functionName: 'haproxy-fleet-control-sim',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:haproxy-fleet-control-sim',
    memoryLimitInMB: '512',
    awsRequestId: `sim-${Math.random().toString(16).slice(2)}`,
    logGroupName: '/aws/lambda/sim',
    logStreamName: 'sim',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

export class FleetWorld {
  readonly account: SimAccount;
  readonly zoneId: string;
  readonly config: Config;
  /** The configuration as a file would hold it (before defaults), for the CLI's tests. */
  readonly rawConfig: { fleets: Record<string, unknown>[] };
  readonly fleet: FleetConfig;
  readonly deps: HandlerDeps;
  readonly via: Via;
  readonly mode: DeploymentMode;
  /** Instances that were InService before the hooks were created. */
  readonly preexisting: string[];
  /** The load-balancer groups, one per fleet (GROUP first). */
  readonly groups: string[];
  readonly lifecycleHandler;
  readonly reconcileHandler;

  constructor(opts: WorldOptions = {}) {
    this.account = new SimAccount({ seed: opts.seed ?? 7, ...(opts.clock ? { clock: opts.clock } : {}) });
    this.via = opts.via ?? 'sns';
    this.zoneId = this.account.route53.createHostedZone(
      ZONE,
      undefined,
      opts.privateZone ? { vpc: { region: this.account.region, id: 'vpc-0fleet000000000001' } } : {},
    );
    this.preexisting = this.account.autoScaling.createGroup({ name: GROUP, instances: opts.preexisting ?? 0 });
    this.groups = [GROUP];
    for (let k = 2; k <= (opts.fleets ?? 1); k++) {
      this.groups.push(`${GROUP}-${k}`);
      this.account.autoScaling.createGroup({ name: `${GROUP}-${k}`, instances: 0 });
    }
    this.rawConfig = {
      fleets: this.groups.map((group, i) => ({
        name: i === 0 ? 'edge' : `edge${i + 1}`,
        autoScalingGroupName: group,
        dns: { recordName: `lb${i === 0 ? '' : i + 1}.${ZONE}`, ...(opts.dns ?? {}), hostedZoneId: this.zoneId },
        healthCheck: { protocol: 'HTTP', port: 8404, path: '/healthz' },
        ...(opts.fleet ?? {}),
      })),
    };
    this.config = parseConfig(structuredClone(this.rawConfig));
    this.fleet = this.config.fleets[0]!;
    this.mode = opts.mode ?? 'active';
    for (const group of this.groups) this.putHooks(group);
    this.deps = {
      config: this.config,
      settings: { dryRun: (opts.dryRun ?? false) || this.mode === 'shadow', ...(opts.mode ? { mode: opts.mode } : {}) },
      clients: opts.retries === 'production' ? productionClients(this.account) : productClients(this.account),
      logger: opts.logger ?? new Logger({ serviceName: 'haproxy-fleet-control', logLevel: 'SILENT' }),
      now: () => this.account.now(),
    };
    this.lifecycleHandler = createLifecycleHandler(this.deps);
    this.reconcileHandler = createReconcileHandler(this.deps);
  }

  /**
   * Puts the lifecycle hooks the stack creates on `group`, exactly as deploy/cloudformation.ts
   * generates them for this configuration and mode (names, transitions, heartbeats, default
   * results); in sns mode each notifies a topic.
   */
  protected putHooks(group: string): void {
    // __filename, not __dirname: tsx gives a module loaded from an .mts script a data: URL __dirname.
    const script = (name: string) => readFileSync(join(dirname(__filename), '..', '..', 'lib', 'haproxy', name), 'utf8');
    const { Resources } = generateDeployment(this.config, {
      applyScript: script('apply-config.sh'),
      measureScript: script('measure.sh'),
      mode: this.mode,
    }).resources;
    for (const r of Object.values(Resources)) {
      if (r.Type !== 'AWS::AutoScaling::LifecycleHook' || r.Properties.AutoScalingGroupName !== group) continue;
      const p = r.Properties as { LifecycleHookName: string; LifecycleTransition: string; HeartbeatTimeout: number; DefaultResult: string };
      this.account.autoScaling.PutLifecycleHook({
        AutoScalingGroupName: group,
        LifecycleHookName: p.LifecycleHookName,
        LifecycleTransition: p.LifecycleTransition,
        HeartbeatTimeout: p.HeartbeatTimeout,
        DefaultResult: p.DefaultResult,
        ...(this.via === 'sns'
          ? { NotificationTargetARN: 'arn:aws:sns:eu-west-1:123456789012:lifecycle', RoleARN: 'arn:aws:iam::123456789012:role/asg-sns' }
          : {}),
      });
    }
  }

  /** Sends one raw event to the lifecycle function, as Lambda would. */
  invokeLifecycle(event: unknown): Promise<MessageOutcome[]> {
    return this.lifecycleHandler(event, context());
  }

  /** Delivers one notification through the world's transport (test notifications only exist on SNS). */
  deliver(n: LifecycleNotification | TestNotification, via: Via = this.via): Promise<MessageOutcome[]> {
    if ('Event' in n) return this.invokeLifecycle(snsEvent(this.account, n));
    return this.invokeLifecycle(via === 'sns' ? snsEvent(this.account, n) : eventBridgeEvent(this.account, n));
  }

  /** Drains the hook notifications and delivers each once, in order. */
  async deliverAll(via: Via = this.via): Promise<MessageOutcome[]> {
    const out: MessageOutcome[] = [];
    for (const n of this.account.autoScaling.takeNotifications()) out.push(...(await this.deliver(n, via)));
    return out;
  }

  /** One run of the scheduled reconcile. */
  schedule(): Promise<FleetReport[]> {
    return this.reconcileHandler(scheduledEvent(this.account), context());
  }

  /**
   * Lets the deregistration delay pass and runs the schedule, which releases the leaving nodes;
   * then lets Auto Scaling finish their termination.
   */
  async drain(): Promise<FleetReport[]> {
    this.account.advance(this.fleet.dns.deregistrationDelaySeconds + 1);
    const reports = await this.schedule();
    this.account.advance(1);
    return reports;
  }

  /** Our weighted records, as a table: set identifier, weight, value, health check. */
  dnsTable() {
    return this.account.route53
      .records(this.zoneId)
      .filter((r) => instanceOfSetIdentifier(this.fleet, r.SetIdentifier))
      .map((r) => ({
        name: r.Name ?? '',
        setIdentifier: r.SetIdentifier ?? '',
        weight: r.Weight,
        ttl: r.TTL,
        value: (r.ResourceRecords ?? []).map((v) => v.Value).join(','),
        healthCheckId: r.HealthCheckId ?? '',
      }));
  }

  /** Our health checks with the instance each belongs to. */
  ourHealthChecks() {
    return this.account.route53
      .healthChecks()
      .filter((h) => instanceOfCallerReference(this.fleet, h.CallerReference))
      .map((h) => ({
        id: h.Id ?? '',
        instanceId: instanceOfCallerReference(this.fleet, h.CallerReference)!,
        ip: h.HealthCheckConfig?.IPAddress ?? '',
        callerReference: h.CallerReference ?? '',
      }));
  }

  /** The group's instances and their lifecycle states. */
  nodes() {
    return this.account.autoScaling.instances(GROUP);
  }

  /**
   * The invariant every scenario ends on: each node that belongs in DNS has exactly one record
   * with its public address and exactly one of our checks for that address, referenced by the
   * record; nothing else of ours exists. Returns the problems found (empty when converged).
   */
  convergenceProblems(): string[] {
    const problems: string[] = [];
    const table = this.dnsTable();
    const checks = this.ourHealthChecks();
    const live = this.nodes().filter((n) => ['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService'].includes(n.state));
    for (const n of live) {
      const ip = this.account.ec2.instance(n.instanceId)?.publicIp;
      const recs = table.filter((r) => r.setIdentifier.endsWith(n.instanceId));
      const hcs = checks.filter((c) => c.instanceId === n.instanceId);
      if (recs.length !== 1) problems.push(`${n.instanceId}: ${recs.length} records`);
      if (hcs.length !== 1) problems.push(`${n.instanceId}: ${hcs.length} health checks`);
      if (recs[0] && recs[0].value !== ip) problems.push(`${n.instanceId}: record value ${recs[0].value}, address ${ip}`);
      if (recs[0] && hcs[0] && recs[0].healthCheckId !== hcs[0].id)
        problems.push(`${n.instanceId}: record references ${recs[0].healthCheckId}, check is ${hcs[0].id}`);
      if (hcs[0] && hcs[0].ip !== ip) problems.push(`${n.instanceId}: health check checks ${hcs[0].ip}, address ${ip}`);
    }
    const liveIds = new Set(live.map((n) => n.instanceId));
    for (const r of table) if (![...liveIds].some((id) => r.setIdentifier.endsWith(id))) problems.push(`stray record ${r.setIdentifier}`);
    for (const c of checks) if (!liveIds.has(c.instanceId)) problems.push(`stray health check ${c.id} for ${c.instanceId}`);
    return problems;
  }
}
