/**
 * A scale-out burst on the simulated account, as deployed: N instances launch at once; Auto
 * Scaling holds each in Pending:Wait on the launching hook (heartbeat 300 s, ABANDON at timeout)
 * and sends one lifecycle event per instance; the lifecycle function (reserved concurrency 1,
 * 60 s timeout, 2 retries) and the scheduled reconcile (every minute, 120 s timeout, concurrency
 * 1) run on virtual time against Route 53's real token buckets and quotas, each AWS call taking
 * 50-150 ms, with the SDK retry settings the functions deploy with.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { instanceOfCallerReference } from '../lib/plan/naming';
import { eventBridgeEvent, scheduledEvent } from '../sim/envelopes';
import { FleetWorld } from '../test/harness/fleetWorld';
import { LambdaFunction, refuseFrozen } from './lambda';
import { seeded } from '../sim/faults';
import { VirtualTime } from './virtualTime';

export interface ScaleOutOptions {
  nodes: number;
  seed?: number;
  /** Module load of a new environment, ms (npm run bench:bundle measures it). */
  coldStartMs: number;
  /** Account quota of health checks (default 200; raised by request). */
  healthCheckQuota?: number;
  /** The launching hook's heartbeat timeout, seconds (the configuration's default, 300, when unset). */
  launchHeartbeatSeconds?: number;
  /** Fleets the nodes are split across (one record name holds at most 100): ceil(nodes / 100) by default. */
  fleets?: number;
  /** Give up after this much virtual time. */
  limitSeconds?: number;
  /** The functions' log level (diagnostics; SILENT by default). */
  logLevel?: 'INFO' | 'DEBUG' | 'SILENT';
  /** Called with the world before the burst (diagnostics). */
  setup?: (world: FleetWorld) => void;
  /** Called with the world and the launch time once the burst is over (diagnostics). */
  inspect?: (world: FleetWorld, t0: number) => void;
}

export interface ScaleOutResult {
  nodes: number;
  /** Seconds from the launch until each node's action was completed with CONTINUE, sorted. */
  completedAt: number[];
  abandoned: number;
  /** Nodes still waiting when the run gave up. */
  unfinished: number;
  calls: number;
  route53Calls: number;
  /** Health checks created beyond one per node (each later deleted again). */
  duplicateHealthChecks: number;
  lifecycleInvocations: number;
  reconcileInvocations: number;
  timeouts: number;
  /** Calls a duplicate lifecycle event costs once the node's work is done (per invocation in the window). */
  lateEventCalls: number;
  /** Those calls' operations (throttled attempts marked). */
  lateEventOps: string[];
  /** Calls of the burst (before the late event) by operation, throttled attempts included. */
  callsByOp: Record<string, number>;
}

export const LATENCY_MS = { min: 50, max: 150 };

export async function runScaleOut(opts: ScaleOutOptions): Promise<ScaleOutResult> {
  const time = new VirtualTime();
  // The SDK's retry jitter draws on Math.random: seeded too, so a run is reproducible from its seed.
  const random = Math.random;
  Math.random = seeded((opts.seed ?? opts.nodes) + 7919);
  try {
    return await scenario(time, opts);
  } finally {
    Math.random = random;
    time.uninstall();
  }
}

async function scenario(time: VirtualTime, opts: ScaleOutOptions): Promise<ScaleOutResult> {
  const seed = opts.seed ?? opts.nodes;
  const random = seeded(seed);
  const fleets = opts.fleets ?? Math.ceil(opts.nodes / 100);
  const quota = opts.healthCheckQuota ?? 200;
  const world = new FleetWorld({
    seed,
    clock: () => time.now(),
    retries: 'production',
    via: 'eventbridge',
    logger: new Logger({ logLevel: opts.logLevel ?? 'SILENT' }),
    fleets,
    fleet: {
      limits: { maxNodes: Math.ceil(opts.nodes / fleets), healthCheckQuota: quota },
      ...(opts.launchHeartbeatSeconds ? { lifecycleHooks: { launching: { heartbeatTimeoutSeconds: opts.launchHeartbeatSeconds } } } : {}),
    },
  });
  const { account } = world;
  account.route53.enableRateLimits({ clock: () => time.now() });
  account.route53.healthCheckLimit = quota;
  account.faults.latency({ ms: LATENCY_MS.min, jitterMs: LATENCY_MS.max - LATENCY_MS.min });
  account.beforeCall = refuseFrozen;
  opts.setup?.(world);
  account.autoScaling.takeNotifications();

  const lifecycle = new LambdaFunction({
    name: 'lifecycle',
    concurrency: 1,
    timeoutMs: 60_000,
    retries: 2,
    coldStartMs: opts.coldStartMs,
    handler: world.lifecycleHandler,
    random,
  });
  const reconcile = new LambdaFunction({
    name: 'reconcile',
    concurrency: 1,
    timeoutMs: 120_000,
    retries: 0,
    coldStartMs: opts.coldStartMs,
    handler: world.reconcileHandler,
    random,
  });
  const t0 = time.now();
  const ticker = setInterval(() => account.tick(), 1000);
  // The schedule fires at a minute boundary unrelated to the burst: the first run comes 0-60 s in.
  const firstSchedule = random() * 60_000;
  let schedule: ReturnType<typeof setInterval> | undefined;
  const scheduler = setTimeout(() => {
    reconcile.invokeAsync(scheduledEvent(account));
    schedule = setInterval(() => reconcile.invokeAsync(scheduledEvent(account)), 60_000);
  }, firstSchedule);

  // The burst: the nodes split evenly across the fleets' groups, all launched at once.
  const ids = new Set(world.groups.flatMap((g, i) => account.autoScaling.scaleOut(g, Math.floor(opts.nodes / fleets) + (i < opts.nodes % fleets ? 1 : 0))));
  const events = account.autoScaling.takeNotifications();
  for (const n of events) if (!('Event' in n)) lifecycle.invokeAsync(eventBridgeEvent(account, n));

  const ended = () => account.autoScaling.ended.filter((e) => ids.has(e.instanceId) && e.transition === 'autoscaling:EC2_INSTANCE_LAUNCHING');
  const limit = t0 + (opts.limitSeconds ?? 3 * 3600) * 1000;
  await time.run(() => ended().length >= ids.size, limit);

  const done = ended();
  const completedAt = done
    .filter((e) => e.result === 'CONTINUE')
    .map((e) => (e.atMs - t0) / 1000)
    .sort((a, b) => a - b);
  const calls = account.calls.length;
  const route53Calls = account.callsWhere({ service: 'route53' }).length;
  const ours = account.route53.createdHealthChecks().filter((c) => world.config.fleets.some((f) => instanceOfCallerReference(f, c.callerReference)));

  const callsByOp: Record<string, number> = {};
  for (const c of account.calls) callsByOp[c.op] = (callsByOp[c.op] ?? 0) + 1;

  // A duplicate of the first node's event, once all is done: what a late or repeated event costs
  // (the schedule stopped first, so that only the event's own calls are counted).
  clearTimeout(scheduler);
  if (schedule) clearInterval(schedule);
  await time.run(() => !lifecycle.busy() && !reconcile.busy(), time.now() + 600_000);
  const first = events.find((n) => !('Event' in n));
  const mark = account.mark();
  const before = lifecycle.invocations.length;
  if (first && !('Event' in first)) {
    lifecycle.invokeAsync(eventBridgeEvent(account, first));
    await time.run(() => !lifecycle.busy(), time.now() + 120_000);
  }
  // Events of the burst that Lambda still had queued (throttled, retried later) can run in the
  // same window; with the burst done, every one of them is late too: the cost is per invocation.
  const lateEventOps = account.callsSince(mark).map((c) => `${c.op}${c.error ? `!${c.error}` : ''}`);
  const lateEventCalls = lateEventOps.length / Math.max(1, lifecycle.invocations.length - before);
  opts.inspect?.(world, t0);

  clearInterval(ticker);
  clearTimeout(scheduler);
  if (schedule) clearInterval(schedule);
  const invocations = [...lifecycle.invocations, ...reconcile.invocations];
  return {
    nodes: opts.nodes,
    completedAt,
    abandoned: done.filter((e) => e.result === 'ABANDON').length,
    unfinished: ids.size - done.length,
    calls,
    route53Calls,
    duplicateHealthChecks: Math.max(0, ours.length - opts.nodes),
    lifecycleInvocations: lifecycle.invocations.length,
    reconcileInvocations: reconcile.invocations.length,
    timeouts: invocations.filter((i) => i.outcome === 'timeout').length,
    lateEventCalls,
    lateEventOps,
    callsByOp,
  };
}
