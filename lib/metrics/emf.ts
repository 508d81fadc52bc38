/**
 * Writes metric points as CloudWatch embedded metric format (EMF) log lines, with Powertools
 * Metrics: CloudWatch Logs turns them into metrics, no PutMetricData call and no permission
 * needed. One line per set of dimensions (EMF gives every metric of a line the same ones).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricPoint } from './points';

/** Where the control plane's metrics go. */
export interface MetricsSink {
  emit(points: readonly MetricPoint[]): void;
}

/** The namespace of every metric (the dashboard and the alarms read it: deploy/cloudformation.ts). */
export const METRICS_NAMESPACE = 'HaproxyFleetControl';

const UNITS = { Count: MetricUnit.Count, Milliseconds: MetricUnit.Milliseconds, Seconds: MetricUnit.Seconds } as const;

export class EmfSink implements MetricsSink {
  private readonly metrics: Metrics;

  constructor(serviceName: string) {
    this.metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  }

  emit(points: readonly MetricPoint[]): void {
    const groups = new Map<string, MetricPoint[]>();
    for (const p of points) {
      const key = JSON.stringify(Object.entries(p.dimensions).sort());
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    for (const group of groups.values()) {
      this.metrics.addDimensions(group[0]!.dimensions);
      for (const p of group) this.metrics.addMetric(p.name, UNITS[p.unit], p.value);
      this.metrics.publishStoredMetrics();
    }
  }
}
