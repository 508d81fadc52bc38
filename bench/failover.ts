/**
 * The failover path's depth: from the alarm event to AssociateAddress, in round trips. Every
 * simulated call takes exactly ROUND_TRIP_MS (no jitter), so the moment AssociateAddress is sent
 * says how many sequential waves of calls came before it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { FailoverWorld } from '../test/harness/failoverWorld';

const ROUND_TRIP_MS = 100;

export interface FailoverDepth {
  /** Round trips until AssociateAddress is answered (the reads before it, and itself). */
  roundTrips: number;
  /** Calls made until AssociateAddress is answered. */
  calls: number;
}

/** From the alarm event (`alarm`) or EC2's Spot interruption warning (`announced`) to AssociateAddress. */
export async function measureFailover(trigger: 'alarm' | 'announced' = 'alarm'): Promise<FailoverDepth> {
  const world = new FailoverWorld({ eips: 4, seed: 11, logger: new Logger({ logLevel: 'SILENT' }) });
  const ids = await world.launch(4);
  await world.schedule();
  world.account.cloudWatch.takeNotifications();
  world.account.cloudWatch.takeStateChanges();
  world.account.ec2.takeEvents();
  world.account.faults.latency({ ms: ROUND_TRIP_MS });

  const sent: { op: string; at: number }[] = [];
  world.account.beforeCall = (_service, op) => sent.push({ op, at: performance.now() });
  if (trigger === 'alarm') world.fail(ids[0]!);
  else world.account.ec2.spotInterruptionWarning(ids[0]!, 'terminate');
  const t0 = performance.now();
  if (trigger === 'alarm') await world.deliverAlarms();
  else await world.deliverEc2Events();
  world.account.beforeCall = undefined;
  const associate = sent.findIndex((c) => c.op === 'AssociateAddress');
  if (associate < 0) throw new Error('the failover bench moved no address: the scenario is broken');
  return {
    roundTrips: Math.floor((sent[associate]!.at - t0) / ROUND_TRIP_MS) + 1,
    calls: associate + 1,
  };
}
