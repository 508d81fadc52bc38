/** CloudWatch adapter: the fleet's per-node alarms (read, create, delete). Decides nothing. */
import type { AlarmSpec } from '../plan/alarms';
import type { AlarmSettings, NodeAlarm } from '../plan/health';
import { INSTANCE_ID_TAG } from '../plan/tags';
import {
  DeleteAlarmsCommand,
  ListTagsForResourceCommand,
  paginateDescribeAlarms,
  PutMetricAlarmCommand,
  type CloudWatchClient,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';

/** The settings of an SDK MetricAlarm, in the planner's terms. */
function settingsOf(a: MetricAlarm): AlarmSettings {
  return {
    namespace: a.Namespace ?? '',
    metricName: a.MetricName ?? '',
    // As observed: an alarm edited to a percentile has no Statistic, and must not read as Maximum.
    ...(a.Statistic ? { statistic: a.Statistic as NonNullable<AlarmSettings['statistic']> } : {}),
    ...(a.ExtendedStatistic ? { extendedStatistic: a.ExtendedStatistic } : {}),
    periodSeconds: a.Period ?? 0,
    evaluationPeriods: a.EvaluationPeriods ?? 0,
    threshold: a.Threshold ?? 0,
    comparisonOperator: (a.ComparisonOperator ?? 'GreaterThanOrEqualToThreshold') as AlarmSettings['comparisonOperator'],
    treatMissingData: a.TreatMissingData ?? 'missing',
    alarmActions: a.AlarmActions ?? [],
    okActions: a.OKActions ?? [],
  };
}

/** DeleteAlarms takes at most 100 names. */
const DELETE_BATCH = 100;

export class CloudWatchAdapter {
  constructor(private readonly client: CloudWatchClient) {}

  /** Every metric alarm whose name starts with `prefix`, across pages. */
  async describeAlarms(prefix: string): Promise<NodeAlarm[]> {
    const out: NodeAlarm[] = [];
    for await (const res of paginateDescribeAlarms({ client: this.client, pageSize: 100 }, { AlarmNamePrefix: prefix, AlarmTypes: ['MetricAlarm'] })) {
      for (const a of res.MetricAlarms ?? []) {
        const instanceId = a.Dimensions?.find((d) => d.Name === 'InstanceId')?.Value;
        out.push({
          name: a.AlarmName ?? '',
          state: (a.StateValue ?? 'INSUFFICIENT_DATA') as NodeAlarm['state'],
          settings: settingsOf(a),
          ...(a.AlarmArn ? { arn: a.AlarmArn } : {}),
          // StateUpdatedTimestamp also moves when only the reason or evaluation state changes.
          ...((a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp)
            ? { stateUpdated: new Date((a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp)!).toISOString() }
            : {}),
          ...(instanceId ? { instanceId } : {}),
        });
      }
    }
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
        AlarmActions: spec.alarmActions,
        OKActions: spec.okActions,
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
