/**
 * The operator's view in the stack: alarms on the control plane itself and the dashboard, checked
 * against what the functions really write (the EMF sink's dimensions) and what CloudFormation
 * will substitute.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CfnValue, generateDeployment } from '../../deploy/cloudformation';
import { OPERATOR_IDS } from '../../deploy/operatorView';
import { parseConfig } from '../../lib/config/load';
import { EmfSink, METRICS_NAMESPACE } from '../../lib/metrics/emf';

const fleet = (name: string) => ({
  name,
  autoScalingGroupName: `${name}-haproxy`,
  dns: { hostedZoneId: 'Z0EXAMPLE', recordName: `${name}.example.com` },
  healthCheck: { protocol: 'HTTP', port: 8404 },
});
const resourcesOf = (deployment: Record<string, unknown> = {}) =>
  generateDeployment(parseConfig({ fleets: [fleet('edge'), fleet('edge-eu')], deployment })).resources;
type Props = Record<string, CfnValue>;
const props = (r: ReturnType<typeof resourcesOf>, id: string) => r.Resources[id]!.Properties as Props;

describe('alarms on the control plane', () => {
  afterEach(() => vi.restoreAllMocks());

  it('failed events, errors and lasting throttles of each function, a stalled schedule, and a long wait per fleet: all notify the operator topic', () => {
    const r = resourcesOf();
    const alarms = Object.entries(r.Resources).filter(([, x]) => x.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.map(([id]) => id).sort()).toEqual(
      [
        'AlarmErrorsAlarm',
        'AlarmThrottlesAlarm',
        'EdgeEuFleetLongestWaitAlarm',
        'EdgeFleetLongestWaitAlarm',
        'FailedEventsAlarm',
        'LifecycleErrorsAlarm',
        'LifecycleThrottlesAlarm',
        'ReconcileErrorsAlarm',
        'ReconcileThrottlesAlarm',
        'ScheduleStalledAlarm',
      ].sort(),
    );
    for (const [, a] of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: OPERATOR_IDS.topic }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: OPERATOR_IDS.topic }]);
    }
    expect(props(r, 'FailedEventsAlarm')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailedEventsQueue', 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    // A burst throttles the one-at-a-time functions briefly, by design: only 15 minutes of it alarms.
    expect(props(r, 'LifecycleThrottlesAlarm')).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 3, Period: 300 });
    // No invocation at all is the failure: missing data counts.
    expect(props(r, 'ScheduleStalledAlarm')).toMatchObject({
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'ReconcileLambdaFunction' } }],
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(props(r, 'EdgeFleetLongestWaitAlarm')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: 'LongestWaitSeconds',
      Threshold: 900,
      Statistic: 'Maximum',
    });
    expect(r.Outputs.OperatorTopicArn).toMatchObject({ Value: { Ref: OPERATOR_IDS.topic } });
  });

  it('the wait alarm watches exactly the metric the functions write (namespace, name, every dimension)', async () => {
    // Prepare: what the EMF sink prints for a fleet's LongestWaitSeconds
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    await new EmfSink('haproxy-fleet-control').emit([{ name: 'LongestWaitSeconds', unit: 'Seconds', value: 1, dimensions: { Fleet: 'edge-eu' } }]);
    const emf = JSON.parse(lines.join('').trim().split('\n')[0]!);
    const written = emf._aws.CloudWatchMetrics[0];
    const dims = Object.fromEntries((written.Dimensions[0] as string[]).map((d) => [d, emf[d]]));

    // Act
    const alarm = props(resourcesOf(), 'EdgeEuFleetLongestWaitAlarm');

    // Assess
    expect(alarm.Namespace).toBe(written.Namespace);
    expect(written.Metrics.map((m: { Name: string }) => m.Name)).toEqual([alarm.MetricName]);
    expect(Object.fromEntries((alarm.Dimensions as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]))).toEqual(dims);
  });

  it('an email subscription only when configured; none of it when operatorAlarms.enabled is false (the dashboard stays)', () => {
    const withEmail = resourcesOf({ operatorAlarms: { email: 'oncall@example.com', maxWaitSeconds: 600 } });
    expect(props(withEmail, OPERATOR_IDS.emailSubscription)).toEqual({
      TopicArn: { Ref: OPERATOR_IDS.topic },
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    expect(props(withEmail, 'EdgeFleetLongestWaitAlarm').Threshold).toBe(600);
    expect(resourcesOf().Resources[OPERATOR_IDS.emailSubscription]).toBeUndefined();
    const off = resourcesOf({ operatorAlarms: { enabled: false } });
    expect(Object.values(off.Resources).filter((x) => x.Type === 'AWS::CloudWatch::Alarm' || x.Properties.TopicName === '${AWS::StackName}-operator')).toEqual(
      [],
    );
    expect(off.Resources[OPERATOR_IDS.dashboard]).toBeDefined();
    expect(off.Outputs.OperatorTopicArn).toBeUndefined();
    expect(() => parseConfig({ fleets: [fleet('edge')], deployment: { operatorAlarms: { email: 'not-an-address' } } })).toThrow(/operatorAlarms\.email/);
  });
});

describe('the stalled-schedule alarm', () => {
  it.each([
    ['rate(1 minute)', 3, 15],
    ['rate(20 minutes)', 12, 60],
    ['cron(0 * * * ? *)', 288, 1440],
  ])('schedule %s: %i periods of 5 minutes (%i minutes without a run)', (schedule, periods, minutes) => {
    // (a slow schedule needs a launching hook long enough for two of its runs)
    const hooks = { launching: { heartbeatTimeoutSeconds: 7200 }, terminating: { heartbeatTimeoutSeconds: 600 } };
    const config = parseConfig({ fleets: [{ ...fleet('edge'), lifecycleHooks: hooks }], deployment: { schedule } });
    const a = props(generateDeployment(config).resources, OPERATOR_IDS.scheduleStalledAlarm);
    expect(a).toMatchObject({ Period: 300, EvaluationPeriods: periods, DatapointsToAlarm: periods });
    expect(JSON.stringify(a.AlarmDescription)).toContain(`has not run for ${minutes} minutes`);
  });
});

describe('the dashboard', () => {
  it("is valid JSON once CloudFormation substitutes it, with a row per fleet over the fleet's own metrics, and the functions and queue", () => {
    // Prepare: substitute as Fn::Sub would
    const r = resourcesOf();
    const body = (props(r, OPERATOR_IDS.dashboard).DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
    const vars: Record<string, string> = {
      'AWS::Region': 'eu-west-1',
      LifecycleLambdaFunction: 'hfc-prod-lifecycle',
      ReconcileLambdaFunction: 'hfc-prod-reconcile',
      AlarmLambdaFunction: 'hfc-prod-alarm',
      'FailedEventsQueue.QueueName': 'hfc-prod-failed-events',
    };
    const unknown = [...body.matchAll(/\$\{([^!][^}]*)\}/g)].map((m) => m[1]!).filter((v) => !(v in vars));
    expect(unknown).toEqual([]);
    const dashboard = JSON.parse(body.replace(/\$\{([^!][^}]*)\}/g, (_, v: string) => vars[v]!));

    // Assess
    const titles = dashboard.widgets.map((w: { properties: { title?: string; markdown?: string } }) => w.properties.title ?? w.properties.markdown);
    expect(titles).toContain('## Fleet edge-eu (group edge-eu-haproxy, edge-eu.example.com.)');
    expect(titles).toContain('edge: nodes waiting, by reason');
    const waiting = dashboard.widgets.find((w: { properties: { title?: string } }) => w.properties.title === 'edge-eu: nodes waiting, by reason');
    expect(waiting.properties.metrics[0][0].expression).toBe(
      `SEARCH('{${METRICS_NAMESPACE},Reason,Fleet,service} MetricName="NodesWaiting" Fleet="edge-eu"', 'Maximum', 300)`,
    );
    const errors = dashboard.widgets.find((w: { properties: { title?: string } }) => w.properties.title === 'function errors');
    expect(errors.properties.metrics.map((m: unknown[]) => m[3])).toEqual(['hfc-prod-lifecycle', 'hfc-prod-reconcile', 'hfc-prod-alarm']);
    expect(dashboard.widgets.every((w: { type: string; properties: { region?: string } }) => w.type === 'text' || w.properties.region === 'eu-west-1')).toBe(
      true,
    );
    expect(r.Outputs.DashboardName).toEqual({ Description: expect.any(String), Value: { Ref: OPERATOR_IDS.dashboard } });
  });
});
