/**
 * Measures what load balancers carry, for drains (lib/plan/drain.ts): one SSM Run Command of the
 * measure document (lib/haproxy/measure.sh) to every load balancer asked whose agent is online,
 * 50 per command, results read with one listing per command and round. No port is opened on the
 * nodes. Decides nothing: a load balancer that does not answer in time is reported unmeasured,
 * with why, and the plan treats it as still carrying.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { describeAwsError } from '../aws/errors';
import type { SsmAdapter } from '../aws/ssm';
import { parseMeasureOutput } from '../haproxy/measureOutput';
import type { MeasureRequest } from '../plan/drain';
import type { LoadMeasurements } from '../plan/types';
import { assertToken } from '../tokens';

export type LoadMeter = { ssm: Pick<SsmAdapter, 'onlineInstances' | 'send' | 'results' | 'result'> };

export interface MeasureOptions {
  documentName: string;
  now: () => Date;
  /** Give up waiting for answers after this long (ms). */
  waitMs?: number;
  /** The invocation's deadline (epoch ms): answers are not waited for past 10 s before it. */
  deadline?: number;
  pollIntervalMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Servers asked about per command: the measure document's parameter admits this many instance ids
 * (deploy/cloudformation.ts builds its allowedPattern from it), and the answer, a line of about 35
 * characters per server, stays well inside the 24,000 characters SSM returns.
 */
export const MEASURE_SERVERS_PER_COMMAND = 200;

export async function measureLoads(req: MeasureRequest, aws: LoadMeter, logger: Logger, opts: MeasureOptions): Promise<LoadMeasurements> {
  const at = opts.now().toISOString();
  // More servers than one command takes: one command per slice, answers merged (a load balancer
  // is measured only if it answered every one).
  const slices: string[][] = [];
  for (let i = 0; i < req.servers.length; i += MEASURE_SERVERS_PER_COMMAND) slices.push(req.servers.slice(i, i + MEASURE_SERVERS_PER_COMMAND));
  const out: LoadMeasurements = { at, loads: {}, unmeasured: {} };
  const parts = [];
  for (const servers of slices.length ? slices : [[]]) parts.push(await measureOnce({ loadBalancers: req.loadBalancers, servers }, aws, opts));
  for (const id of req.loadBalancers) {
    const why = parts.map((p) => p.unmeasured[id]).find((w) => w !== undefined);
    if (why !== undefined || parts.some((p) => !p.loads[id])) {
      out.unmeasured[id] = why ?? 'no answer';
      continue;
    }
    out.loads[id] = { connections: parts[0]!.loads[id]!.connections, servers: Object.assign({}, ...parts.map((p) => p.loads[id]!.servers)) };
  }
  logger.info('load balancers measured for drains', {
    servers: req.servers,
    loads: Object.fromEntries(Object.entries(out.loads).map(([id, l]) => [id, { connections: l.connections, servers: l.servers }])),
    unmeasured: out.unmeasured,
  });
  return out;
}

/** One command of the measure document to the load balancers, for at most MEASURE_SERVERS_PER_COMMAND servers. */
async function measureOnce(req: MeasureRequest, aws: LoadMeter, opts: MeasureOptions): Promise<Omit<LoadMeasurements, 'at'>> {
  const out: Omit<LoadMeasurements, 'at'> = { loads: {}, unmeasured: {} };
  try {
    const online = await aws.ssm.onlineInstances(req.loadBalancers);
    for (const id of req.loadBalancers) if (!online.has(id)) out.unmeasured[id] = 'its SSM agent is not online';
    const targets = req.loadBalancers.filter((id) => online.has(id));
    if (targets.length === 0) return out;
    for (const id of [...targets, ...req.servers]) assertToken('instanceId', id, 'measure target');
    const servers = req.servers.length ? req.servers.join(',') : 'none';
    const { commands, refused } = await aws.ssm.send(opts.documentName, targets, { servers }, 'haproxy-fleet-control measure');
    for (const id of refused) out.unmeasured[id] = 'SSM refused the command (terminated or deregistered)';
    const pending = new Map(commands.flatMap((c) => c.instanceIds.map((id) => [id, c.commandId] as const)));
    // Never past the invocation's deadline, with time left for the rest of the run.
    const waitUntil = Math.min(Date.now() + (opts.waitMs ?? 20_000), opts.deadline !== undefined ? opts.deadline - 10_000 : Number.POSITIVE_INFINITY);
    for (let round = 0; pending.size > 0; round++) {
      if (round > 0) {
        if (Date.now() + (opts.pollIntervalMs ?? 1000) > waitUntil) break;
        await sleep(opts.pollIntervalMs ?? 1000);
      }
      for (const commandId of new Set(pending.values())) {
        const listed = await aws.ssm.results(commandId);
        for (const [id, r] of listed) {
          if (pending.get(id) !== commandId || !r.done) continue;
          pending.delete(id);
          if (r.status !== 'Success') {
            out.unmeasured[id] = r.undelivered
              ? 'the command was not delivered'
              : `the measure failed (${r.status}, exit ${r.exitCode ?? '?'}): ${r.stdout.slice(-300)}`;
            continue;
          }
          let load = parseMeasureOutput(r.stdout);
          // The listing cuts output at 2,500 characters: the invocation itself has up to 24,000.
          if ('error' in load) {
            const full = await aws.ssm.result(commandId, id);
            if (full.done && full.status === 'Success') load = parseMeasureOutput(full.stdout);
          }
          if ('error' in load) out.unmeasured[id] = `its answer is unreadable: ${load.error}`;
          else out.loads[id] = load;
        }
      }
    }
    for (const id of pending.keys()) out.unmeasured[id] = 'no answer in time';
  } catch (err) {
    for (const id of req.loadBalancers) if (!out.loads[id]) out.unmeasured[id] ??= `measuring failed: ${describeAwsError(err)}`;
  }
  return out;
}
