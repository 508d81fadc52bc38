/**
 * The operator's view in the stack: a CloudWatch dashboard of the control plane's own metrics
 * (lib/metrics/points.ts, written as EMF) per fleet and of its functions, and alarms on the
 * control plane itself, notifying an operator topic (and an email address, when configured).
 *
 *   alarm                       fires when                                            why
 *   --------------------------  ----------------------------------------------------  -----------------------------
 *   FailedEventsAlarm           the failed-events queue holds a message (5 min)       an event was lost after retries
 *   <Fn>ErrorsAlarm             a function fails (any error in 5 min)                 a run failed (the log says why)
 *   <Fn>ThrottlesAlarm          throttled in 3 consecutive 5-min periods              throttling that lasts (one run
 *                                                                                     at a time throttles a burst
 *                                                                                     briefly, by design)
 *   ScheduleStalledAlarm        the reconcile function ran not once in 3 schedule     nothing repairs drift or
 *                                 periods (15 min at least; a day for a cron)
 *                                                                                     completes waiting launches
 *   <Fleet>LongestWaitAlarm     a node waits on us longer than maxWaitSeconds         a launch or termination held
 *                                                                                     back: `hfc why` says by what
 */
import type { Config, FleetConfig } from '../lib/config/load';
import { schedulePeriodMs } from '../lib/config/schedule';
import { SERVICE_NAME } from '../lib/handlers/baseDeps';
import { METRICS_NAMESPACE } from '../lib/metrics/emf';
import { type CfnResource, type CfnValue, fleetIds, ref, sub } from './cfn';

export const OPERATOR_IDS = {
  topic: 'OperatorTopic',
  emailSubscription: 'OperatorEmailSubscription',
  dashboard: 'Dashboard',
  failedEventsAlarm: 'FailedEventsAlarm',
  scheduleStalledAlarm: 'ScheduleStalledAlarm',
} as const;

/** Serverless's logical ids of the functions (`<Name>LambdaFunction`): Ref gives the function's name. */
const FUNCTIONS = { lifecycle: 'LifecycleLambdaFunction', reconcile: 'ReconcileLambdaFunction', alarm: 'AlarmLambdaFunction' } as const;

const PERIOD = 300;
/** Fleets drawn on the dashboard (9 widgets each, within CloudWatch's 500 per dashboard). */
export const MAX_DASHBOARD_FLEETS = 50;

function alarm(props: {
  description: string;
  namespace: string;
  metric: string;
  dimensions: { Name: string; Value: CfnValue }[];
  statistic: 'Sum' | 'Maximum';
  comparison: 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold';
  threshold: number;
  periods: number;
  missing: 'notBreaching' | 'breaching';
}): CfnResource {
  const actions = [ref(OPERATOR_IDS.topic)];
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: sub('${AWS::StackName}: ${What}', { What: props.description }),
      Namespace: props.namespace,
      MetricName: props.metric,
      Dimensions: props.dimensions,
      Statistic: props.statistic,
      Period: PERIOD,
      EvaluationPeriods: props.periods,
      DatapointsToAlarm: props.periods,
      ComparisonOperator: props.comparison,
      Threshold: props.threshold,
      TreatMissingData: props.missing,
      AlarmActions: actions,
      OKActions: actions,
    },
  };
}

/** The dimensions the EMF sink writes for a fleet's metrics (Powertools adds `service`). */
export const fleetDimensions = (fleet: FleetConfig) => [
  { Name: 'Fleet', Value: fleet.name },
  { Name: 'service', Value: SERVICE_NAME },
];

/** How long without a scheduled run means the schedule stopped: three of its periods (15 minutes at least; a day for a cron). */
export function stallWindowSeconds(config: Config): number {
  const period = schedulePeriodMs(config.deployment.schedule);
  return period === undefined ? 86_400 : Math.min(86_400, Math.max(900, Math.ceil((3 * period) / 1000 / PERIOD) * PERIOD));
}

function alarms(config: Config): { [id: string]: CfnResource } {
  const stall = stallWindowSeconds(config);
  const out: { [id: string]: CfnResource } = {
    [OPERATOR_IDS.failedEventsAlarm]: alarm({
      description: 'an event failed after every retry and is in the failed-events queue',
      namespace: 'AWS/SQS',
      metric: 'ApproximateNumberOfMessagesVisible',
      dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailedEventsQueue', 'QueueName'] } }],
      statistic: 'Maximum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      periods: 1,
      missing: 'notBreaching',
    }),
    [OPERATOR_IDS.scheduleStalledAlarm]: alarm({
      description: `the scheduled reconcile has not run for ${stall / 60} minutes`,
      namespace: 'AWS/Lambda',
      metric: 'Invocations',
      dimensions: [{ Name: 'FunctionName', Value: ref(FUNCTIONS.reconcile) }],
      statistic: 'Sum',
      comparison: 'LessThanThreshold',
      threshold: 1,
      periods: stall / PERIOD,
      missing: 'breaching',
    }),
  };
  for (const [name, id] of Object.entries(FUNCTIONS)) {
    const fn = [{ Name: 'FunctionName', Value: ref(id) }];
    const Fn = name.charAt(0).toUpperCase() + name.slice(1);
    out[`${Fn}ErrorsAlarm`] = alarm({
      description: `the ${name} function failed`,
      namespace: 'AWS/Lambda',
      metric: 'Errors',
      dimensions: fn,
      statistic: 'Sum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      periods: 1,
      missing: 'notBreaching',
    });
    out[`${Fn}ThrottlesAlarm`] = alarm({
      description: `the ${name} function has been throttled for 15 minutes`,
      namespace: 'AWS/Lambda',
      metric: 'Throttles',
      dimensions: fn,
      statistic: 'Sum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      periods: 3,
      missing: 'notBreaching',
    });
  }
  const ids = fleetIds(config.fleets);
  for (const fleet of config.fleets)
    out[`${ids.get(fleet)}LongestWaitAlarm`] = alarm({
      description: `a node of fleet ${fleet.name} has waited on the control plane longer than ${config.deployment.operatorAlarms.maxWaitSeconds} s (hfc why <instance> says by what)`,
      namespace: METRICS_NAMESPACE,
      metric: 'LongestWaitSeconds',
      dimensions: fleetDimensions(fleet),
      statistic: 'Maximum',
      comparison: 'GreaterThanThreshold',
      threshold: config.deployment.operatorAlarms.maxWaitSeconds,
      periods: 1,
      missing: 'notBreaching',
    });
  return out;
}

/** Text from the configuration inside the Fn::Sub'd body: a `${` in it stays literal. */
const literal = (text: string) => text.replace(/\$\{/g, '${!');

/** A metric of ours for one fleet, by SEARCH over a dimension whose values come from the runs (kinds, reasons). */
const search = (fleet: FleetConfig, metric: string, by: string, stat: string) => ({
  expression: `SEARCH('{${METRICS_NAMESPACE},${by},Fleet,service} MetricName="${metric}" Fleet="${fleet.name}"', '${stat}', ${PERIOD})`,
  label: `${metric} by ${by}`,
});

/** The dashboard's widgets: a row per fleet, then the functions and the failed-events queue. */
export function dashboardWidgets(config: Config): unknown[] {
  const widgets: unknown[] = [];
  let y = 0;
  const widget = (x: number, title: string, metrics: unknown[], extra: object = {}) => ({
    type: 'metric',
    x,
    y,
    width: 6,
    height: 6,
    properties: { title, region: '${AWS::Region}', period: PERIOD, view: 'timeSeries', metrics, ...extra },
  });
  const own = (fleet: FleetConfig, metric: string, stat: string) => [METRICS_NAMESPACE, metric, 'Fleet', fleet.name, 'service', SERVICE_NAME, { stat }];
  // CloudWatch holds 500 widgets per dashboard: 9 per fleet, 5 for the control plane.
  const shown = config.fleets.slice(0, MAX_DASHBOARD_FLEETS);
  if (shown.length < config.fleets.length) {
    widgets.push({
      type: 'text',
      x: 0,
      y,
      width: 24,
      height: 1,
      properties: {
        markdown: literal(
          `Fleets ${config.fleets
            .slice(MAX_DASHBOARD_FLEETS)
            .map((f) => f.name)
            .join(', ')} are not shown (500 widgets per dashboard); their metrics and alarms are there.`,
        ),
      },
    });
    y += 1;
  }
  for (const fleet of shown) {
    widgets.push({
      type: 'text',
      x: 0,
      y,
      width: 24,
      height: 1,
      properties: { markdown: literal(`## Fleet ${fleet.name} (group ${fleet.autoScalingGroupName}, ${fleet.dns.recordName})`) },
    });
    y += 1;
    widgets.push(
      widget(0, `${fleet.name}: changes applied`, [[{ ...search(fleet, 'AppliedChanges', 'Kind', 'Sum'), id: 'applied' }]]),
      widget(6, `${fleet.name}: nodes waiting, by reason`, [[{ ...search(fleet, 'NodesWaiting', 'Reason', 'Maximum'), id: 'waiting' }]]),
      widget(12, `${fleet.name}: longest wait (s)`, [own(fleet, 'LongestWaitSeconds', 'Maximum')], {
        annotations: { horizontal: [{ label: 'alarm', value: config.deployment.operatorAlarms.maxWaitSeconds }] },
      }),
      widget(18, `${fleet.name}: reconcile duration (ms), failures, retried calls`, [
        own(fleet, 'ReconcileDuration', 'Maximum'),
        own(fleet, 'ReconcileFailures', 'Sum'),
        own(fleet, 'RetriedCalls', 'Sum'),
      ]),
    );
    y += 6;
    widgets.push(
      widget(0, `${fleet.name}: lifecycle actions completed`, [own(fleet, 'CompletedActions', 'Sum')]),
      widget(6, `${fleet.name}: failovers, and alarm to association (ms)`, [own(fleet, 'Failovers', 'Sum'), own(fleet, 'AlarmToAssociation', 'Maximum')]),
      widget(12, `${fleet.name}: configuration pushes, nodes behind`, [own(fleet, 'ConfigPushes', 'Sum'), own(fleet, 'NodesBehind', 'Maximum')]),
      widget(18, `${fleet.name}: changes planned`, [[{ ...search(fleet, 'PlannedChanges', 'Kind', 'Sum'), id: 'planned' }]]),
    );
    y += 6;
  }
  widgets.push({ type: 'text', x: 0, y, width: 24, height: 1, properties: { markdown: '## The control plane' } });
  y += 1;
  const lambda = (metric: string, stat: string) => Object.values(FUNCTIONS).map((id) => ['AWS/Lambda', metric, 'FunctionName', `\${${id}}`, { stat }]);
  widgets.push(
    widget(0, 'function errors', lambda('Errors', 'Sum')),
    widget(6, 'function throttles', lambda('Throttles', 'Sum')),
    widget(12, 'function duration (ms)', lambda('Duration', 'Maximum')),
    widget(18, 'failed events (queue depth)', [
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', '${FailedEventsQueue.QueueName}', { stat: 'Maximum' }],
    ]),
  );
  return widgets;
}

export function operatorResources(config: Config): { [id: string]: CfnResource } {
  const { enabled, email } = config.deployment.operatorAlarms;
  return {
    [OPERATOR_IDS.dashboard]: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: sub('${AWS::StackName}'),
        // Fn::Sub fills in the region, the functions' names and the queue's name.
        DashboardBody: sub(JSON.stringify({ widgets: dashboardWidgets(config) })),
      },
    },
    ...(enabled
      ? {
          [OPERATOR_IDS.topic]: { Type: 'AWS::SNS::Topic', Properties: { TopicName: sub('${AWS::StackName}-operator') } },
          ...(email
            ? {
                [OPERATOR_IDS.emailSubscription]: {
                  Type: 'AWS::SNS::Subscription',
                  Properties: { TopicArn: ref(OPERATOR_IDS.topic), Protocol: 'email', Endpoint: email },
                },
              }
            : {}),
          ...alarms(config),
        }
      : {}),
  };
}
