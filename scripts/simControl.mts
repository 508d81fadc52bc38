/**
 * The served account's control endpoint (`/_sim/...`, JSON): what a demo or a test needs that no
 * AWS API does. Documented in docs/operations.md ("Invoke locally").
 *
 *   GET  /_sim                      what it serves: operations, endpoints, the seeded fleets
 *   GET  /_sim/state                groups and their instances' lifecycle states, records, checks,
 *                                   Elastic IPs and where they are, alarms and their states
 *   POST /_sim/advance?seconds=N    moves the clock: lifecycle heartbeats expire, SSM invocations
 *                                   run, Route 53 changes sync
 *   POST /_sim/alarm?name=A&state=S sets an alarm's state (OK, ALARM, INSUFFICIENT_DATA), as its
 *                                   metric would
 *   POST /_sim/prepare?event=F      makes what the sample event F announces true: an alarm in the
 *                                   event's state, an instance scaled in with the sample's token,
 *                                   an instance stopping or shutting down, a Spot warning
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { SimAccount } from '../sim/account';
import type { Dispatcher } from '../sim/wire/dispatch';
import { readSample, type Seeded } from './simSeed.mjs';

export interface Clock {
  advance(seconds: number): void;
}

export function controlHandler(account: SimAccount, seeded: Seeded, clock: Clock, dispatcher: () => Dispatcher, eventsDir: string) {
  const state = () => ({
    now: account.now().toISOString(),
    fleets: seeded.fleets.map((f) => ({
      name: f.name,
      group: f.group,
      instances: account.autoScaling.instances(f.group).map((i) => {
        const inst = account.ec2.instance(i.instanceId);
        return { instanceId: i.instanceId, lifecycleState: i.state, ec2State: inst?.state, publicIp: inst?.publicIp, privateIp: inst?.privateIp };
      }),
      records: account.route53
        .records(f.zoneId)
        .filter((r) => r.SetIdentifier)
        .map((r) => ({
          name: r.Name,
          type: r.Type,
          setIdentifier: r.SetIdentifier,
          weight: r.Weight,
          values: (r.ResourceRecords ?? []).map((v) => v.Value),
          healthCheckId: r.HealthCheckId,
        })),
      elasticIps: account.ec2
        .addresses()
        .filter((a) => f.pool.includes(a.allocationId))
        .map((a) => ({ allocationId: a.allocationId, publicIp: a.publicIp, associatedWith: a.association?.instanceId, tags: a.tags })),
    })),
    healthChecks: account.route53.healthChecks().map((h) => ({ id: h.Id, ip: h.HealthCheckConfig?.IPAddress, callerReference: h.CallerReference })),
    alarms: account.cloudWatch.alarmNames().map((name) => ({ name, state: account.cloudWatch.alarm(name)?.StateValue })),
  });

  const prepare = (file: string) => {
    // Only a sample: a .json file of the events folder, named by its name (events/x.json or x.json).
    const name = basename(file);
    const path = resolve(eventsDir, name);
    if (!name.endsWith('.json') || !existsSync(path) || !statSync(path).isFile() || statSync(path).size > 1024 * 1024) {
      throw new Error(`event: ${file} is not a sample event of ${eventsDir} (a .json file there)`);
    }
    const sample = readSample(file, JSON.parse(readFileSync(path, 'utf8')));
    const done: string[] = [];
    if (sample.kind === 'alarm') {
      if (!account.cloudWatch.alarm(sample.alarmName!)) {
        throw new Error(
          `alarm ${sample.alarmName} does not exist yet: the functions create a node's alarm when it launches (invoke the launching sample first)`,
        );
      }
      account.cloudWatch.setState(sample.alarmName!, sample.alarmState as never, 'set by the control endpoint to fit the sample event');
      done.push(`alarm ${sample.alarmName} is ${sample.alarmState}`);
    } else if (sample.kind === 'terminating') {
      const gi = account.autoScaling.instances(sample.group!).find((i) => i.instanceId === sample.instanceId);
      if (!gi) throw new Error(`${sample.instanceId} is not in group ${sample.group}`);
      if (!gi.state.startsWith('Terminating')) {
        account.autoScaling.presetToken(sample.instanceId!, 'autoscaling:EC2_INSTANCE_TERMINATING', sample.token!);
        account.autoScaling.terminate(sample.instanceId!);
        account.autoScaling.takeNotifications();
      }
      done.push(`${sample.instanceId} is ${account.autoScaling.instances(sample.group!).find((i) => i.instanceId === sample.instanceId)?.state}`);
    } else if (sample.kind === 'ec2') {
      const id = sample.instanceId!;
      if (sample.ec2 === 'stopping') account.ec2.beginStop(id);
      else if (sample.ec2 === 'shutting-down') account.ec2.beginShutdown(id);
      else if (sample.ec2 === 'EC2 Spot Instance Interruption Warning') account.ec2.spotInterruptionWarning(id);
      else if (sample.ec2 === 'EC2 Instance Rebalance Recommendation') account.ec2.rebalanceRecommendation(id);
      account.ec2.takeEvents();
      done.push(`${id}: ${sample.ec2} (EC2 state ${account.ec2.instance(id)?.state})`);
    } else done.push('nothing to prepare: the account already fits it');
    return { event: file, function: sample.fn, prepared: done };
  };

  return async (method: string, path: string, query: URLSearchParams): Promise<{ status?: number; body: unknown }> => {
    const route = `${method} ${path.replace(/\/$/, '')}`;
    switch (route) {
      case 'GET /_sim':
        return {
          body: {
            operations: dispatcher().operations(),
            stack: seeded.stackName,
            fleets: seeded.fleets,
            sampleInstances: seeded.sampleInstances,
            notes: seeded.notes,
          },
        };
      case 'GET /_sim/state':
        return { body: state() };
      case 'POST /_sim/advance': {
        const seconds = Number(query.get('seconds'));
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86400) throw new Error('seconds: a number of seconds from 1 to 86400');
        clock.advance(seconds);
        return { body: { now: account.now().toISOString() } };
      }
      case 'POST /_sim/alarm': {
        const name = query.get('name') ?? '';
        const value = query.get('state') ?? '';
        if (!['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(value)) throw new Error('state: OK, ALARM or INSUFFICIENT_DATA');
        if (!account.cloudWatch.alarm(name)) return { status: 404, body: { error: `no alarm named ${name}` } };
        account.cloudWatch.setState(name, value as never, 'set by the control endpoint');
        return { body: { alarm: name, state: value } };
      }
      case 'POST /_sim/prepare': {
        const event = query.get('event');
        if (!event) throw new Error('event: the sample event file, e.g. events/alarm-sns-alarm.json');
        return { body: prepare(event) };
      }
      default:
        return { status: 404, body: { error: `no control endpoint ${route}: GET /_sim lists them` } };
    }
  };
}
