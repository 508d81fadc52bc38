/**
 * The simulated CloudWatch alarms, driven through a real SDK client (`maxAttempts: 1`): creating,
 * replacing, describing (filters, pagination), deleting and tagging alarms, state changes with
 * their timestamps, the SNS notifications (only on a change, only with actions) and the
 * EventBridge events, and the errors CloudWatch raises where it raises them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  InvalidParameterCombinationException,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  ResourceNotFound,
  SetAlarmStateCommand,
  TagResourceCommand,
  type CloudWatchClient,
  type DescribeAlarmsCommandInput,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { SimAccount } from '../../sim/account';
import { alarmEventBridgeEvent, alarmSnsEvent } from '../../sim/envelopes';
import { parseAlarmEvent } from '../../lib/events/alarm';

let account: SimAccount;
let cw: CloudWatchClient;

beforeEach(() => {
  account = new SimAccount();
  cw = account.clients({ maxAttempts: 1 }).cloudWatch;
});

// ---- helpers ----

async function failure(call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number }; Code?: string }> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err) => err,
  );
}

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hfc-alarms';
const INSTANCE = 'i-0123456789abcdef0';

/** A node-health alarm like the control plane's (override any field). */
const alarmInput = (name: string, extra: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput => ({
  AlarmName: name,
  AlarmDescription: `HAProxy node ${INSTANCE} unhealthy`,
  Namespace: 'AWS/EC2',
  MetricName: 'StatusCheckFailed',
  Dimensions: [{ Name: 'InstanceId', Value: INSTANCE }],
  Statistic: 'Maximum',
  Period: 10,
  EvaluationPeriods: 3,
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  TreatMissingData: 'breaching',
  AlarmActions: [TOPIC],
  OKActions: [TOPIC],
  ...extra,
});

const put = (name: string, extra: Partial<PutMetricAlarmCommandInput> = {}) => cw.send(new PutMetricAlarmCommand(alarmInput(name, extra)));

async function describeOne(name: string): Promise<MetricAlarm> {
  const res = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  expect(res.MetricAlarms).toHaveLength(1);
  return res.MetricAlarms![0]!;
}

async function names(input: DescribeAlarmsCommandInput): Promise<string[]> {
  return ((await cw.send(new DescribeAlarmsCommand(input))).MetricAlarms ?? []).map((a) => a.AlarmName!);
}

// ---- PutMetricAlarm / DescribeAlarms ----

describe('PutMetricAlarm', () => {
  it('creates an alarm in INSUFFICIENT_DATA, stamped with the account clock, and returns every field AWS returns', async () => {
    // Act
    await put('hfc-edge-node-a', { DatapointsToAlarm: 2 });

    // Assess
    const now = account.now();
    expect(await describeOne('hfc-edge-node-a')).toEqual({
      AlarmName: 'hfc-edge-node-a',
      AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:hfc-edge-node-a',
      AlarmDescription: `HAProxy node ${INSTANCE} unhealthy`,
      AlarmConfigurationUpdatedTimestamp: now,
      ActionsEnabled: true,
      OKActions: [TOPIC],
      AlarmActions: [TOPIC],
      InsufficientDataActions: [],
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'Unchecked: Initial alarm creation',
      StateUpdatedTimestamp: now,
      MetricName: 'StatusCheckFailed',
      Namespace: 'AWS/EC2',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'InstanceId', Value: INSTANCE }],
      Period: 10,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'breaching',
      StateTransitionedTimestamp: now,
    });
    expect(account.cloudWatch.takeNotifications()).toEqual([]);
    expect(account.cloudWatch.takeStateChanges()).toEqual([]);
  });

  it.each([10, 20, 30, 60, 300, 3600])('accepts Period %i', async (period) => {
    // Act
    await put('p', { Period: period, EvaluationPeriods: 1 });

    // Assess
    expect((await describeOne('p')).Period).toBe(period);
  });

  it.each([0, 5, 15, 45, 90, 100])('refuses Period %i with ValidationError', async (period) => {
    // Act
    const err = await failure(put('p', { Period: period }));

    // Assess
    expect(err.name).toBe('ValidationException');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(account.cloudWatch.alarmNames()).toEqual([]);
  });

  it.each<[string, Partial<PutMetricAlarmCommandInput>]>([
    ['EvaluationPeriods 0', { EvaluationPeriods: 0 }],
    ['Period x EvaluationPeriods over a day', { Period: 3600, EvaluationPeriods: 25 }],
    ['DatapointsToAlarm over EvaluationPeriods', { DatapointsToAlarm: 4 }],
    ['Statistic and ExtendedStatistic', { ExtendedStatistic: 'p99' }],
    ['neither Statistic nor ExtendedStatistic', { Statistic: undefined }],
    ['an unknown ComparisonOperator', { ComparisonOperator: 'Above' as PutMetricAlarmCommandInput['ComparisonOperator'] }],
    ['no Threshold', { Threshold: undefined }],
    ['an unknown TreatMissingData', { TreatMissingData: 'zero' }],
    ['six AlarmActions', { AlarmActions: Array.from({ length: 6 }, (_, i) => `${TOPIC}-${i}`) }],
  ])('refuses %s with ValidationError', async (_what, extra) => {
    // Act
    const err = await failure(put('bad', extra));

    // Assess
    expect(err.name).toBe('ValidationException');
    expect(account.cloudWatch.alarmNames()).toEqual([]);
  });

  it('accepts an ExtendedStatistic instead of a Statistic', async () => {
    // Act
    await put('pct', { Statistic: undefined, ExtendedStatistic: 'p99.9' });

    // Assess
    const a = await describeOne('pct');
    expect(a.ExtendedStatistic).toBe('p99.9');
    expect(a).not.toHaveProperty('Statistic');
  });

  it('replacing an alarm keeps its state, state timestamps and tags, and overwrites its configuration', async () => {
    // Prepare
    await put('node-a', { Tags: [{ Key: 'hfc:instance-id', Value: INSTANCE }] });
    account.advance(30);
    account.cloudWatch.setState('node-a', 'ALARM');
    const changedAt = account.now();
    account.advance(60);

    // Act
    await put('node-a', { Threshold: 2, AlarmActions: [], Tags: [{ Key: 'ignored', Value: 'x' }] });

    // Assess
    const a = await describeOne('node-a');
    expect(a).toMatchObject({ StateValue: 'ALARM', StateUpdatedTimestamp: changedAt, StateTransitionedTimestamp: changedAt, Threshold: 2, AlarmActions: [] });
    expect(a.AlarmConfigurationUpdatedTimestamp).toEqual(account.now());
    const tags = await cw.send(new ListTagsForResourceCommand({ ResourceARN: a.AlarmArn }));
    expect(tags.Tags).toEqual([{ Key: 'hfc:instance-id', Value: INSTANCE }]);
  });
});

describe('DescribeAlarms', () => {
  it('selects by AlarmNames, AlarmNamePrefix and StateValue, in name order', async () => {
    // Prepare
    for (const n of ['hfc-b', 'hfc-a', 'other-c']) await put(n);
    account.cloudWatch.setState('hfc-b', 'ALARM');

    // Act + Assess
    expect(await names({})).toEqual(['hfc-a', 'hfc-b', 'other-c']);
    expect(await names({ AlarmNames: ['other-c', 'hfc-a', 'missing'] })).toEqual(['hfc-a', 'other-c']);
    expect(await names({ AlarmNamePrefix: 'hfc-' })).toEqual(['hfc-a', 'hfc-b']);
    expect(await names({ AlarmNamePrefix: 'hfc-', StateValue: 'ALARM' })).toEqual(['hfc-b']);
    expect(await names({ StateValue: 'INSUFFICIENT_DATA' })).toEqual(['hfc-a', 'other-c']);
    expect(await names({ AlarmTypes: ['CompositeAlarm'] })).toEqual([]);
  });

  it('refuses AlarmNames together with AlarmNamePrefix (InvalidParameterCombination)', async () => {
    // Act
    const err = await failure(cw.send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'a' })));

    // Assess
    expect(err).toBeInstanceOf(InvalidParameterCombinationException);
    expect(err.name).toBe('InvalidParameterCombinationException');
    expect(err.Code).toBe('InvalidParameterCombination');
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it('refuses more than 100 AlarmNames, and MaxRecords outside 1-100, with ValidationError', async () => {
    // Act
    const tooMany = await failure(cw.send(new DescribeAlarmsCommand({ AlarmNames: Array.from({ length: 101 }, (_, i) => `a${i}`) })));
    const zero = await failure(cw.send(new DescribeAlarmsCommand({ MaxRecords: 0 })));
    const big = await failure(cw.send(new DescribeAlarmsCommand({ MaxRecords: 101 })));

    // Assess
    expect([tooMany.name, zero.name, big.name]).toEqual(['ValidationException', 'ValidationException', 'ValidationException']);
  });

  it('pages with MaxRecords/NextToken, each alarm exactly once, in name order', async () => {
    // Prepare
    const all = Array.from({ length: 7 }, (_, i) => `hfc-${String(i).padStart(2, '0')}`);
    for (const n of [...all].reverse()) await put(n);

    // Act
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const res = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'hfc-', MaxRecords: 3, ...(token ? { NextToken: token } : {}) }));
      pages.push((res.MetricAlarms ?? []).map((a) => a.AlarmName!));
      token = res.NextToken;
    } while (token);

    // Assess
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(all);
  });

  it('returns 50 alarms a page by default', async () => {
    // Prepare
    for (let i = 0; i < 51; i++) await put(`a-${String(i).padStart(3, '0')}`);

    // Act
    const res = await cw.send(new DescribeAlarmsCommand({}));

    // Assess
    expect(res.MetricAlarms).toHaveLength(50);
    expect(res.NextToken).toBeDefined();
  });

  it('refuses a NextToken it did not issue (InvalidNextToken)', async () => {
    // Act
    const err = await failure(cw.send(new DescribeAlarmsCommand({ NextToken: 'not-a-token' })));

    // Assess
    expect(err.name).toBe('InvalidNextToken');
  });
});

describe('DeleteAlarms', () => {
  it('deletes the named alarms', async () => {
    // Prepare
    for (const n of ['a', 'b', 'c']) await put(n);

    // Act
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: ['a', 'c'] }));

    // Assess
    expect(await names({})).toEqual(['b']);
  });

  it('an unknown name fails the call with ResourceNotFound (404) and deletes none', async () => {
    // Prepare
    await put('a');

    // Act
    const err = await failure(cw.send(new DeleteAlarmsCommand({ AlarmNames: ['a', 'gone'] })));

    // Assess
    expect(err).toBeInstanceOf(ResourceNotFound);
    expect(err.name).toBe('ResourceNotFound');
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(await names({})).toEqual(['a']);
  });

  it('refuses more than 100 names (ValidationError)', async () => {
    // Act
    const err = await failure(cw.send(new DeleteAlarmsCommand({ AlarmNames: Array.from({ length: 101 }, (_, i) => `a${i}`) })));

    // Assess
    expect(err.name).toBe('ValidationException');
  });
});

describe('tags', () => {
  it('TagResource adds to the creation tags; ListTagsForResource lists them; an unknown ARN is ResourceNotFoundException (404)', async () => {
    // Prepare
    await put('a', { Tags: [{ Key: 'hfc:fleet', Value: 'edge' }] });
    const arn = (await describeOne('a')).AlarmArn!;

    // Act
    await cw.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'hfc:instance-id', Value: INSTANCE }] }));
    const listed = await cw.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    const unknown = await failure(cw.send(new ListTagsForResourceCommand({ ResourceARN: `${arn}-gone` })));

    // Assess
    expect(listed.Tags).toEqual([
      { Key: 'hfc:fleet', Value: 'edge' },
      { Key: 'hfc:instance-id', Value: INSTANCE },
    ]);
    expect(unknown.name).toBe('ResourceNotFoundException');
    expect(unknown.$metadata.httpStatusCode).toBe(404);
  });
});

// ---- state changes ----

describe('state changes', () => {
  it('move StateUpdatedTimestamp and StateTransitionedTimestamp only when the state actually changes', async () => {
    // Prepare
    await put('a');
    account.advance(40);

    // Act
    const changed = account.cloudWatch.setState('a', 'ALARM', 'Threshold Crossed');
    const at = account.now();
    account.advance(40);
    const again = account.cloudWatch.setState('a', 'ALARM', 'Threshold Crossed again');

    // Assess
    expect([changed, again]).toEqual([true, false]);
    expect(await describeOne('a')).toMatchObject({
      StateValue: 'ALARM',
      StateReason: 'Threshold Crossed',
      StateUpdatedTimestamp: at,
      StateTransitionedTimestamp: at,
    });
    expect(account.cloudWatch.takeNotifications()).toHaveLength(1);
    expect(account.cloudWatch.takeStateChanges()).toHaveLength(1);
  });

  it('notify (SNS) only for a state that has actions; every change still goes to EventBridge', async () => {
    // Prepare: ALARM actions only.
    await put('a', { OKActions: [] });

    // Act
    account.cloudWatch.setState('a', 'OK');
    account.cloudWatch.setState('a', 'ALARM');
    account.cloudWatch.setState('a', 'OK');

    // Assess
    expect(account.cloudWatch.takeNotifications().map((n) => [n.OldStateValue, n.NewStateValue])).toEqual([['OK', 'ALARM']]);
    expect(account.cloudWatch.takeStateChanges().map((c) => [c.oldState.value, c.newState.value])).toEqual([
      ['INSUFFICIENT_DATA', 'OK'],
      ['OK', 'ALARM'],
      ['ALARM', 'OK'],
    ]);
  });

  it('notify for INSUFFICIENT_DATA through InsufficientDataActions, and never while ActionsEnabled is false', async () => {
    // Prepare
    await put('with', { InsufficientDataActions: [TOPIC] });
    await put('disabled', { ActionsEnabled: false });
    account.cloudWatch.setState('with', 'OK');
    account.cloudWatch.takeNotifications();

    // Act
    account.cloudWatch.setState('with', 'INSUFFICIENT_DATA');
    account.cloudWatch.setState('disabled', 'ALARM');

    // Assess
    expect(account.cloudWatch.takeNotifications().map((n) => [n.AlarmName, n.NewStateValue])).toEqual([['with', 'INSUFFICIENT_DATA']]);
  });

  it('the SNS message is the body CloudWatch publishes, field for field and in its order', async () => {
    // Prepare
    await put('node-a', { DatapointsToAlarm: 2 });
    const configured = account.now();
    account.advance(12.345);

    // Act
    account.cloudWatch.setState('node-a', 'ALARM', 'Threshold Crossed: 2 out of the last 3 datapoints were greater than or equal to the threshold (1.0).');

    // Assess
    const [n] = account.cloudWatch.takeNotifications();
    expect(n).toEqual({
      AlarmName: 'node-a',
      AlarmDescription: `HAProxy node ${INSTANCE} unhealthy`,
      AWSAccountId: '123456789012',
      AlarmConfigurationUpdatedTimestamp: configured.toISOString().replace('Z', '+0000'),
      NewStateValue: 'ALARM',
      NewStateReason: 'Threshold Crossed: 2 out of the last 3 datapoints were greater than or equal to the threshold (1.0).',
      StateChangeTime: '2026-11-22T10:00:12.345+0000',
      Region: 'EU (Ireland)',
      AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:node-a',
      OldStateValue: 'INSUFFICIENT_DATA',
      OKActions: [TOPIC],
      AlarmActions: [TOPIC],
      InsufficientDataActions: [],
      Trigger: {
        MetricName: 'StatusCheckFailed',
        Namespace: 'AWS/EC2',
        StatisticType: 'Statistic',
        Statistic: 'MAXIMUM',
        Unit: null,
        Dimensions: [{ value: INSTANCE, name: 'InstanceId' }],
        Period: 10,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        TreatMissingData: 'breaching',
        EvaluateLowSampleCountPercentile: '',
      },
    });
    expect(Object.keys(n!)).toEqual([
      'AlarmName',
      'AlarmDescription',
      'AWSAccountId',
      'AlarmConfigurationUpdatedTimestamp',
      'NewStateValue',
      'NewStateReason',
      'StateChangeTime',
      'Region',
      'AlarmArn',
      'OldStateValue',
      'OKActions',
      'AlarmActions',
      'InsufficientDataActions',
      'Trigger',
    ]);
    expect(Object.keys(n!.Trigger)).toEqual([
      'MetricName',
      'Namespace',
      'StatisticType',
      'Statistic',
      'Unit',
      'Dimensions',
      'Period',
      'EvaluationPeriods',
      'DatapointsToAlarm',
      'ComparisonOperator',
      'Threshold',
      'TreatMissingData',
      'EvaluateLowSampleCountPercentile',
    ]);
  });

  it('the message has AlarmDescription null without a description, SAMPLE_COUNT for SampleCount, and TreatMissingData "missing" by default', async () => {
    // Prepare
    await put('bare', { AlarmDescription: undefined, Statistic: 'SampleCount', TreatMissingData: undefined });

    // Act
    account.cloudWatch.setState('bare', 'ALARM');

    // Assess
    const [n] = account.cloudWatch.takeNotifications();
    expect(n!.AlarmDescription).toBeNull();
    expect(n!.Trigger.Statistic).toBe('SAMPLE_COUNT');
    expect(n!.Trigger.TreatMissingData).toBe('missing');
    expect(n!.Trigger).not.toHaveProperty('DatapointsToAlarm');
    expect(await describeOne('bare')).not.toHaveProperty('TreatMissingData');
  });
});

describe('SetAlarmState', () => {
  it("changes the state through the API and runs the new state's actions", async () => {
    // Prepare
    await put('a');

    // Act
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'a', StateValue: 'ALARM', StateReason: 'testing failover', StateReasonData: '{"version":"1.0"}' }));

    // Assess
    expect(await describeOne('a')).toMatchObject({ StateValue: 'ALARM', StateReason: 'testing failover', StateReasonData: '{"version":"1.0"}' });
    expect(account.cloudWatch.takeNotifications().map((n) => n.NewStateReason)).toEqual(['testing failover']);
  });

  it('an unknown alarm is ResourceNotFound (404); StateReasonData that is not JSON is InvalidFormat', async () => {
    // Prepare
    await put('a');

    // Act
    const unknown = await failure(cw.send(new SetAlarmStateCommand({ AlarmName: 'gone', StateValue: 'ALARM', StateReason: 'x' })));
    const badData = await failure(cw.send(new SetAlarmStateCommand({ AlarmName: 'a', StateValue: 'ALARM', StateReason: 'x', StateReasonData: '{not json' })));

    // Assess
    expect(unknown.name).toBe('ResourceNotFound');
    expect(unknown.$metadata.httpStatusCode).toBe(404);
    expect(badData.name).toBe('InvalidFormatFault');
    expect(badData.Code).toBe('InvalidFormat');
    expect((await describeOne('a')).StateValue).toBe('INSUFFICIENT_DATA');
  });
});

// ---- envelopes ----

describe('alarm envelopes', () => {
  it("alarmSnsEvent: an SNS event from the action's topic whose Message is the notification", async () => {
    // Prepare
    await put('node-a');
    account.cloudWatch.setState('node-a', 'ALARM');
    const [n] = account.cloudWatch.takeNotifications();

    // Act
    const event = alarmSnsEvent(account, n!);

    // Assess
    const sns = event.Records[0]!.Sns;
    expect(event.Records[0]!.EventSource).toBe('aws:sns');
    expect(sns.TopicArn).toBe(TOPIC);
    expect(sns.Subject).toBe('ALARM: "node-a" in EU (Ireland)');
    expect(sns.Timestamp).toBe(account.now().toISOString());
    expect(JSON.parse(sns.Message)).toEqual(n);
    expect(parseAlarmEvent(event)).toEqual([
      {
        alarmName: 'node-a',
        alarmArn: n!.AlarmArn,
        newState: 'ALARM',
        oldState: 'INSUFFICIENT_DATA',
        time: n!.StateChangeTime,
        instanceId: INSTANCE,
        via: 'sns',
      },
    ]);
  });

  it('alarmEventBridgeEvent: a "CloudWatch Alarm State Change" shaped as AWS\'s single-metric sample', async () => {
    // Prepare
    await put('node-a');
    account.advance(5);
    account.cloudWatch.setState('node-a', 'ALARM', 'Threshold Crossed');
    const [change] = account.cloudWatch.takeStateChanges();

    // Act
    const event = alarmEventBridgeEvent(account, change!.alarm, change!.newState, change!.oldState);

    // Assess
    expect(event).toEqual({
      version: '0',
      id: expect.any(String),
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: '123456789012',
      time: '2026-11-22T10:00:05Z',
      region: 'eu-west-1',
      resources: ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:node-a'],
      detail: {
        alarmName: 'node-a',
        configuration: {
          description: `HAProxy node ${INSTANCE} unhealthy`,
          metrics: [
            {
              id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
              metricStat: { metric: { dimensions: { InstanceId: INSTANCE }, name: 'StatusCheckFailed', namespace: 'AWS/EC2' }, period: 10, stat: 'Maximum' },
              returnData: true,
            },
          ],
        },
        previousState: { reason: 'Unchecked: Initial alarm creation', timestamp: '2026-11-22T10:00:00.000+0000', value: 'INSUFFICIENT_DATA' },
        state: { reason: 'Threshold Crossed', timestamp: '2026-11-22T10:00:05.000+0000', value: 'ALARM' },
      },
    });
    expect(parseAlarmEvent(event)).toEqual([
      expect.objectContaining({ alarmName: 'node-a', newState: 'ALARM', oldState: 'INSUFFICIENT_DATA', instanceId: INSTANCE, via: 'eventbridge' }),
    ]);
  });
});

describe('fault injection', () => {
  it('throttles CloudWatch with Throttling, which the default clients retry', async () => {
    // Prepare
    await put('a');
    account.faults.throttle({ service: 'cloudWatch', ops: ['DescribeAlarms'], rate: 1, times: 2 });
    const retrying = account.clients({ maxAttempts: 3 }).cloudWatch;

    // Act
    const res = await retrying.send(new DescribeAlarmsCommand({}));

    // Assess
    expect(res.MetricAlarms!.map((a) => a.AlarmName)).toEqual(['a']);
    expect(account.callsWhere({ service: 'cloudWatch', op: 'DescribeAlarms' }).map((c) => c.error ?? 'ok')).toEqual(['Throttling', 'Throttling', 'ok']);
  });
});
