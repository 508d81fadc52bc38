/**
 * The control plane's own metrics: the points each run gives (from its report, on the simulated
 * account) and the EMF lines they are written as (what CloudWatch Logs turns into metrics).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmfSink, METRICS_NAMESPACE, type MetricsSink } from '../../lib/metrics/emf';
import { EmfLineSink } from '../../lib/metrics/emfLines';
import type { MetricPoint } from '../../lib/metrics/points';
import { FailoverWorld } from '../harness/failoverWorld';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

function recording(): MetricsSink & { points: MetricPoint[] } {
  const points: MetricPoint[] = [];
  return { points, emit: (p) => void points.push(...p) };
}
const find = (points: MetricPoint[], name: string, dims: Record<string, string> = {}) =>
  points.filter((p) => p.name === name && Object.entries(dims).every(([k, v]) => p.dimensions[k] === v));

describe('reconcile metrics', () => {
  it('a burst of launches: planned and applied changes by kind, completions, duration, nothing waiting', async () => {
    // Prepare
    const world = new FleetWorld();
    const sink = recording();
    world.deps.metrics = sink;
    world.account.autoScaling.takeNotifications();
    world.account.autoScaling.scaleOut(GROUP, 3);
    world.account.autoScaling.takeNotifications();

    // Act
    await world.schedule();

    // Assess
    const p = sink.points;
    expect(find(p, 'PlannedChanges', { Fleet: 'edge', Kind: 'createHealthCheck' }).map((x) => x.value)).toEqual([3]);
    expect(find(p, 'AppliedChanges', { Fleet: 'edge', Kind: 'createRecord' }).map((x) => x.value)).toEqual([3]);
    expect(find(p, 'CompletedActions', { Fleet: 'edge' }).map((x) => x.value)).toEqual([3]);
    expect(find(p, 'NodesWaiting')).toEqual([]);
    expect(find(p, 'LongestWaitSeconds', { Fleet: 'edge' }).map((x) => x.value)).toEqual([0]);
    expect(find(p, 'ReconcileFailures', { Fleet: 'edge' }).map((x) => x.value)).toEqual([0]);
    const [duration] = find(p, 'ReconcileDuration', { Fleet: 'edge' });
    expect(duration).toMatchObject({ unit: 'Milliseconds' });
    expect(duration!.value).toBeGreaterThanOrEqual(0);
  });

  it('a launch Route 53 refuses: a failure, the node waiting by reason, and for how long since its launch', async () => {
    const world = new FleetWorld();
    const sink = recording();
    world.deps.metrics = sink;
    world.account.autoScaling.takeNotifications();
    world.account.faults.fail({ service: 'route53', ops: ['CreateHealthCheck'], error: { code: 'AccessDenied', message: 'denied', status: 403 } });
    world.account.autoScaling.scaleOut(GROUP, 1);
    world.account.autoScaling.takeNotifications();
    world.account.advance(90);

    await world.schedule().catch(() => undefined);

    expect(find(sink.points, 'ReconcileFailures', { Fleet: 'edge' }).map((x) => x.value)).toEqual([1]);
    expect(find(sink.points, 'NodesWaiting', { Fleet: 'edge', Reason: 'dns-failed' }).map((x) => x.value)).toEqual([1]);
    expect(find(sink.points, 'LongestWaitSeconds', { Fleet: 'edge' })[0]!.value).toBeGreaterThanOrEqual(90);
    expect(find(sink.points, 'AppliedChanges', { Kind: 'createRecord' })).toEqual([]);
  });

  it("a node in its deregistration delay waits, but that wait does not count as the fleet's longest (the configuration bounds it)", async () => {
    const world = new FleetWorld();
    world.account.autoScaling.takeNotifications();
    const [a] = world.account.autoScaling.scaleOut(GROUP, 2);
    await world.deliverAll();
    world.account.advance(1);
    world.account.autoScaling.terminate(a!);
    await world.deliverAll();
    world.account.advance(100);
    const sink = recording();
    world.deps.metrics = sink;
    await world.schedule();
    expect(find(sink.points, 'NodesWaiting', { Reason: 'draining' }).map((x) => x.value)).toEqual([1]);
    expect(find(sink.points, 'LongestWaitSeconds').map((x) => x.value)).toEqual([0]);
  });

  it("the retries a run's AWS calls needed: Route 53 throttling CreateHealthCheck twice shows as 2", async () => {
    const world = new FleetWorld();
    const sink = recording();
    world.deps.metrics = sink;
    world.account.autoScaling.scaleOut(GROUP, 1);
    world.account.autoScaling.takeNotifications();
    world.account.faults.throttle({ service: 'route53', ops: ['CreateHealthCheck'], rate: 1, times: 2 });
    await world.schedule();
    expect(find(sink.points, 'RetriedCalls', { Fleet: 'edge' }).map((x) => x.value)).toEqual([2]);
    const quiet = recording();
    world.deps.metrics = quiet;
    await world.schedule();
    expect(find(quiet.points, 'RetriedCalls', { Fleet: 'edge' }).map((x) => x.value)).toEqual([0]);
  });

  it('a dry run plans but applies nothing', async () => {
    const world = new FleetWorld({ dryRun: true });
    const sink = recording();
    world.deps.metrics = sink;
    world.account.autoScaling.scaleOut(GROUP, 1);
    await world.schedule();
    expect(find(sink.points, 'PlannedChanges', { Kind: 'createRecord' }).map((x) => x.value)).toEqual([1]);
    expect(find(sink.points, 'AppliedChanges')).toEqual([]);
  });
});

describe('failover metrics', () => {
  it('a failed node: its addresses moved, and the time from the alarm to the move', async () => {
    const world = new FailoverWorld({ eips: 2 });
    world.account.autoScaling.takeNotifications();
    const [a] = await world.launch(2);
    const sink = recording();
    world.deps.metrics = sink;
    world.fail(a!);
    world.account.advance(2);
    await world.deliverAlarms();
    expect(find(sink.points, 'Failovers', { Fleet: 'edge' }).map((x) => x.value)).toEqual([1]);
    expect(find(sink.points, 'FailoverFailures', { Fleet: 'edge' }).map((x) => x.value)).toEqual([0]);
    expect(find(sink.points, 'AlarmToAssociation', { Fleet: 'edge' }).map((x) => x.value)).toEqual([2000]);
  });
});

describe('EmfLineSink (the alarm function)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes what Powertools Metrics writes for the same points (the Timestamp aside)', async () => {
    const points: MetricPoint[] = [
      { name: 'Failovers', unit: 'Count', value: 2, dimensions: { Fleet: 'edge' } },
      { name: 'AlarmToAssociation', unit: 'Milliseconds', value: 850, dimensions: { Fleet: 'edge' } },
      { name: 'NodesWaiting', unit: 'Count', value: 1, dimensions: { Fleet: 'edge', Reason: 'no-address' } },
    ];
    const ours: string[] = [];
    new EmfLineSink('haproxy-fleet-control', (l) => ours.push(l)).emit(points);
    const theirs: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      theirs.push(String(chunk));
      return true;
    });
    await new EmfSink('haproxy-fleet-control').emit(points);
    const parse = (lines: string[]) =>
      lines
        .flatMap((l) => l.split('\n'))
        .filter((l) => l.startsWith('{'))
        .map((l) => {
          const o = JSON.parse(l);
          delete o._aws.Timestamp;
          o._aws.CloudWatchMetrics[0].Dimensions[0].sort();
          return o;
        });
    expect(parse(ours)).toEqual(parse(theirs));
    expect(parse(ours)).toHaveLength(2);
  });
});

describe('EmfSink', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes one EMF line per set of dimensions, in the namespace the dashboard and alarms read', async () => {
    // Prepare
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });

    // Act
    await new EmfSink('haproxy-fleet-control').emit([
      { name: 'ReconcileDuration', unit: 'Milliseconds', value: 120, dimensions: { Fleet: 'edge' } },
      { name: 'LongestWaitSeconds', unit: 'Seconds', value: 0, dimensions: { Fleet: 'edge' } },
      { name: 'NodesWaiting', unit: 'Count', value: 2, dimensions: { Fleet: 'edge', Reason: 'no-address' } },
    ]);

    // Assess
    const emf = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(emf).toHaveLength(2);
    expect(emf[0]._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [expect.arrayContaining(['service', 'Fleet'])],
      Metrics: [
        { Name: 'ReconcileDuration', Unit: 'Milliseconds' },
        { Name: 'LongestWaitSeconds', Unit: 'Seconds' },
      ],
    });
    expect(emf[0]).toMatchObject({ Fleet: 'edge', ReconcileDuration: 120, LongestWaitSeconds: 0, service: 'haproxy-fleet-control' });
    expect(emf[1]).toMatchObject({ Fleet: 'edge', Reason: 'no-address', NodesWaiting: 2 });
    expect(emf[1]).not.toHaveProperty('ReconcileDuration');
  });
});
