/** CloudWatch adapter: the fleet's per-node alarms (read, create, delete). Decides nothing. */
import { INSTANCE_ID_TAG } from '../plan/tags';
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  type CloudWatchClient,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';

/** One alarm as the planners need it. */
export interface AlarmInfo {
  name: string;
  arn?: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  /** When the state value last changed (StateTransitionedTimestamp): the start of a hold-down. */
  stateUpdated?: string;
  /** The InstanceId dimension, when the metric has one. */
  instanceId?: string;
  raw: MetricAlarm;
}

/** What a managed alarm should be. */
export interface AlarmSpec {
  name: string;
  description: string;
  instanceId: string;
  namespace: string;
  metricName: string;
  statistic: 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount';
  periodSeconds: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
  treatMissingData: string;
  /** The alarm function's topic: notified on ALARM and on OK. */
  actions: string[];
  tags: Record<string, string>;
}

/** DeleteAlarms takes at most 100 names. */
const DELETE_BATCH = 100;

export class CloudWatchAdapter {
  constructor(private readonly client: CloudWatchClient) {}

  /** Every metric alarm whose name starts with `prefix`, across pages. */
  async describeAlarms(prefix: string): Promise<AlarmInfo[]> {
    const out: AlarmInfo[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, AlarmTypes: ['MetricAlarm'], MaxRecords: 100, ...(token ? { NextToken: token } : {}) }));
      for (const a of res.MetricAlarms ?? []) {
        const instanceId = a.Dimensions?.find((d) => d.Name === 'InstanceId')?.Value;
        out.push({
          name: a.AlarmName ?? '',
          state: (a.StateValue ?? 'INSUFFICIENT_DATA') as AlarmInfo['state'],
          raw: a,
          ...(a.AlarmArn ? { arn: a.AlarmArn } : {}),
          // StateUpdatedTimestamp also moves when only the reason or evaluation state changes.
          ...((a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp) ? { stateUpdated: new Date((a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp)!).toISOString() } : {}),
          ...(instanceId ? { instanceId } : {}),
        });
      }
      token = res.NextToken;
    } while (token);
    return out;
  }

  /** The instance an alarm names in its `hfc:instance-id` tag (for alarms without an InstanceId dimension). */
  async instanceTag(alarmArn: string): Promise<string | undefined> {
    const res = await this.client.send(new ListTagsForResourceCommand({ ResourceARN: alarmArn }));
    return res.Tags?.find((t) => t.Key === INSTANCE_ID_TAG)?.Value;
  }

  /** Creates or replaces a managed alarm. */
  async putAlarm(spec: AlarmSpec): Promise<void> {
    await this.client.send(
      new PutMetricAlarmCommand({
        AlarmName: spec.name,
        AlarmDescription: spec.description,
        Namespace: spec.namespace,
        MetricName: spec.metricName,
        Dimensions: [{ Name: 'InstanceId', Value: spec.instanceId }],
        Statistic: spec.statistic,
        Period: spec.periodSeconds,
        EvaluationPeriods: spec.evaluationPeriods,
        Threshold: spec.threshold,
        ComparisonOperator: spec.comparisonOperator,
        TreatMissingData: spec.treatMissingData,
        ActionsEnabled: true,
        AlarmActions: spec.actions,
        OKActions: spec.actions,
        Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
  }

  async deleteAlarms(names: readonly string[]): Promise<void> {
    for (let i = 0; i < names.length; i += DELETE_BATCH) {
      await this.client.send(new DeleteAlarmsCommand({ AlarmNames: names.slice(i, i + DELETE_BATCH) }));
    }
  }
}
