/**
 * FleetWorld with Elastic IP entry points: a pool of addresses tagged for the fleet, managed
 * per-node alarms, and the alarm function wired to the simulated account. Scenarios fail and
 * recover nodes through their alarms, exactly as CloudWatch would.
 */
import { createHandler as createAlarmHandler } from '../../functions/alarm';
import type { AlarmOutcome } from '../../lib/handlers/alarm';
import { FleetWorld, GROUP, type Via, type WorldOptions } from './fleetWorld';
import { alarmEventBridgeEvent, alarmLambdaActionEvent, alarmSnsEvent } from '../../sim/envelopes';

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
  invokeAlarm(event: unknown): Promise<AlarmOutcome[]> {
    return this.alarmHandler(event, context);
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
    for (const e of events) out.push(...(await this.invokeAlarm(e)));
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
