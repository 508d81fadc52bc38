/**
 * Writes metric points as CloudWatch embedded metric format (EMF) log lines, with Powertools
 * Metrics: CloudWatch Logs turns them into metrics, no PutMetricData call and no permission
 * needed. One line per set of dimensions (EMF gives every metric of a line the same ones).
 *
 * Powertools Metrics is loaded on the first emit, not with the function: the alarm function's
 * cold start is the failover path, and its metrics are written after the addresses moved
 * (measured: loading it up front took the alarm function's module load from 1.36-1.48x its
 * floor's to 1.56x, past the 1.5x bound; npm run bench:bundle).
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, type MetricPoint } from './points';

export { METRICS_NAMESPACE };

/** Where the control plane's metrics go. */
export interface MetricsSink {
  emit(points: readonly MetricPoint[]): Promise<void> | void;
}

export class EmfSink implements MetricsSink {
  private metrics?: Promise<{ metrics: Metrics; units: Record<MetricPoint['unit'], string> }>;

  constructor(private readonly serviceName: string) {}

  private load() {
    this.metrics ??= import('@aws-lambda-powertools/metrics').then(({ Metrics, MetricUnit }) => ({
      metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: this.serviceName }),
      units: { Count: MetricUnit.Count, Milliseconds: MetricUnit.Milliseconds, Seconds: MetricUnit.Seconds },
    }));
    return this.metrics;
  }

  async emit(points: readonly MetricPoint[]): Promise<void> {
    const { metrics, units } = await this.load();
    const groups = new Map<string, MetricPoint[]>();
    for (const p of points) {
      const key = JSON.stringify(Object.entries(p.dimensions).sort());
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    for (const group of groups.values()) {
      metrics.addDimensions(group[0]!.dimensions);
      for (const p of group) metrics.addMetric(p.name, units[p.unit] as never, p.value);
      metrics.publishStoredMetrics();
    }
  }
}
