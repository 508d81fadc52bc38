/**
 * The alarm function's metrics: the same embedded metric format lines Powertools Metrics writes
 * (emf.ts), written directly. The alarm function is the failover path, and loading Powertools
 * Metrics, even on first use, took its module load to 1.58x its floor's (bound 1.5x; npm run
 * bench:bundle); a test holds both writers to the same output.
 */
import type { MetricsSink } from './emf';
import { METRICS_NAMESPACE, type MetricPoint } from './points';

export class EmfLineSink implements MetricsSink {
  constructor(
    private readonly serviceName: string,
    private readonly write: (line: string) => void = (line) => void process.stdout.write(line),
  ) {}

  emit(points: readonly MetricPoint[]): void {
    const groups = new Map<string, MetricPoint[]>();
    for (const p of points) {
      const key = JSON.stringify(Object.entries(p.dimensions).sort());
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    for (const group of groups.values()) {
      const dimensions = { service: this.serviceName, ...group[0]!.dimensions };
      const line = {
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [
            { Namespace: METRICS_NAMESPACE, Dimensions: [Object.keys(dimensions)], Metrics: group.map((p) => ({ Name: p.name, Unit: p.unit })) },
          ],
        },
        ...dimensions,
        ...Object.fromEntries(group.map((p) => [p.name, p.value])),
      };
      this.write(`${JSON.stringify(line)}\n`);
    }
  }
}
