/**
 * FleetWorld with Elastic IP entry points: a pool of addresses tagged for the fleet, managed
 * per-node alarms, and the alarm function wired to the simulated account. Scenarios fail and
 * recover nodes through their alarms, exactly as CloudWatch would, and announce nodes' ends
 * through EC2's events, delivered as the stack's EventBridge rules would.
 */
import { createHandler as createAlarmHandler } from '../../functions/alarm';
import { alarmEvents, type CfnValue } from '../../deploy/cloudformation';
import type { AlarmFunctionOutcome, AlarmOutcome, Ec2Outcome } from '../../lib/handlers/alarm';
import { FleetWorld, GROUP, type Via, type WorldOptions } from './fleetWorld';
import { alarmEventBridgeEvent, alarmLambdaActionEvent, alarmSnsEvent, ec2Event } from '../../sim/envelopes';

export const ALARM_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:haproxy-fleet-control-dev-alarms';

export interface FailoverWorldOptions extends WorldOptions {
  /** Addresses in the pool. */
  eips?: number;
  /** Overrides of the fleet's `elasticIps` settings. */
  elasticIps?: Record<string, unknown>;
}

const context = { getRemainingTimeInMillis: () => 30000, awsRequestId: 'sim-alarm', functionName: 'alarm' } as never;

export class FailoverWorld extends FleetWorld {
  private readonly alarmHandler;

  constructor(opts: FailoverWorldOptions = {}) {
    super({
      ...opts,
      fleet: { elasticIps: { ...(opts.elasticIps ?? {}) }, alarms: { manage: true }, ...(opts.fleet ?? {}) },
      dns: { address: 'elastic-ip', ...(opts.dns ?? {}) },
    });
    this.deps.settings.alarmTopicArn = ALARM_TOPIC;
    for (let i = 0; i < (opts.eips ?? 0); i++) {
      this.account.ec2.allocateAddress({ tags: { 'hfc:pool': this.fleet.elasticIps!.pool } });
    }
    this.alarmHandler = createAlarmHandler(this.deps);
  }

  /** The managed alarm of a node. */
  alarmName(instanceId: string): string {
    return `${this.fleet.alarms!.namePrefix}${instanceId}`;
  }

  /** The node's metric breaches: its alarm goes to ALARM (CloudWatch notifies; deliver with `deliverAlarms`). */
  fail(instanceId: string): void {
    this.account.cloudWatch.setState(this.alarmName(instanceId), 'ALARM');
  }

  recover(instanceId: string): void {
    this.account.cloudWatch.setState(this.alarmName(instanceId), 'OK');
  }

  /** Sends one raw event to the alarm function. */
  invokeAlarm(event: unknown): Promise<AlarmFunctionOutcome[]> {
    return this.alarmHandler(event, context);
  }

  /**
   * Drains EC2's events (state changes, Spot announcements) and delivers, in order, each one the
   * stack's EventBridge rules for the alarm function match (deploy/cloudformation.ts
   * `alarmEvents`): the others never reach it. Returns the outcomes and how many were dropped.
   */
  async deliverEc2Events(): Promise<{ outcomes: Ec2Outcome[]; dropped: number }> {
    const events = this.account.ec2.takeEvents().map((e) => ec2Event(this.account, e));
    const patterns = alarmEvents(this.config)
      .map((e) => (e.eventBridge as { pattern?: CfnValue } | undefined)?.pattern)
      .filter((p): p is CfnValue => !!p);
    const routed = events.filter((e) => patterns.some((p) => matchesPattern(p, e)));
    const outcomes: Ec2Outcome[] = [];
    for (const e of routed) outcomes.push(...((await this.invokeAlarm(e)) as Ec2Outcome[]));
    return { outcomes, dropped: events.length - routed.length };
  }

  /** Drains CloudWatch's notifications and delivers each to the alarm function, in order. */
  async deliverAlarms(via: Via | 'lambda-action' = this.via): Promise<AlarmOutcome[]> {
    const sns = this.account.cloudWatch.takeNotifications();
    const changes = this.account.cloudWatch.takeStateChanges();
    const events =
      via === 'sns'
        ? sns.map((n) => alarmSnsEvent(this.account, n))
        : changes.map((c) => (via === 'lambda-action' ? alarmLambdaActionEvent : alarmEventBridgeEvent)(this.account, c.alarm, c.newState, c.oldState));
    const out: AlarmOutcome[] = [];
    // Alarm events give alarm outcomes only.
    for (const e of events) out.push(...((await this.invokeAlarm(e)) as AlarmOutcome[]));
    return out;
  }

  /** Where every pool address is: its home node and the node and private IP holding it. */
  eipTable(): { publicIp: string; home: string; holder: string; privateIp: string }[] {
    return this.account.ec2
      .addresses()
      .filter((a) => a.tags['hfc:pool'] === this.fleet.elasticIps!.pool)
      .map((a) => ({
        publicIp: a.publicIp,
        home: a.tags['hfc:home'] ?? '-',
        holder: a.association?.instanceId ?? '-',
        privateIp: a.association?.privateIp ?? '-',
      }))
      .sort((x, y) => x.publicIp.localeCompare(y.publicIp));
  }

  /** The instance holding an address (by public IP). */
  holderOf(publicIp: string): string | undefined {
    const row = this.eipTable().find((r) => r.publicIp === publicIp);
    return row && row.holder !== '-' ? row.holder : undefined;
  }

  /** Scales out and runs every resulting event, then lets Auto Scaling put the nodes in service. */
  async launch(count: number): Promise<string[]> {
    const ids = this.account.autoScaling.scaleOut(GROUP, count);
    await this.deliverAll();
    this.account.advance(1);
    return ids;
  }
}

/**
 * EventBridge's matching for the patterns the stack uses: every key of the pattern must be in the
 * event; an array lists the accepted values (or `{prefix}` objects); an object matches nested.
 */
export function matchesPattern(pattern: CfnValue, event: unknown): boolean {
  if (Array.isArray(pattern))
    return pattern.some((p) =>
      p && typeof p === 'object' && !Array.isArray(p) && 'prefix' in p ? typeof event === 'string' && event.startsWith(String(p.prefix)) : p === event,
    );
  if (pattern && typeof pattern === 'object') {
    if (!event || typeof event !== 'object') return false;
    return Object.entries(pattern).every(([k, p]) => matchesPattern(p, (event as Record<string, unknown>)[k]));
  }
  return pattern === event;
}
