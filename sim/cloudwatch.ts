/**
 * Simulated CloudWatch alarms: metric alarms (created, replaced, described, deleted, tagged) whose
 * state scenarios move with `setState` (or the SetAlarmState operation), as a metric evaluation
 * would. Metrics themselves are not modelled: a state changes only when a scenario says so.
 *
 * A state change (and only a change: the same state again is nothing) moves
 * StateUpdatedTimestamp and StateTransitionedTimestamp to the account's clock and
 *   - is recorded in `stateChanges` (what EventBridge receives: "CloudWatch Alarm State Change"
 *     events are sent for every change, actions or not; build them with
 *     `alarmEventBridgeEvent` in sim/envelopes.ts);
 *   - when actions are enabled and the alarm has actions for the new state (AlarmActions for
 *     ALARM, OKActions for OK, InsufficientDataActions for INSUFFICIENT_DATA), puts the SNS
 *     message body CloudWatch publishes into `outbox` (wrap it with `alarmSnsEvent`).
 * A new alarm starts in INSUFFICIENT_DATA ("Unchecked: Initial alarm creation") without
 * notifying; replacing an alarm (PutMetricAlarm on an existing name) keeps its state and tags.
 */
import type {
  ComparisonOperator,
  DeleteAlarmsCommandInput,
  DescribeAlarmsCommandInput,
  DescribeAlarmsCommandOutput,
  Dimension,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  MetricAlarm,
  PutMetricAlarmCommandInput,
  SetAlarmStateCommandInput,
  StandardUnit,
  StateValue,
  Statistic,
  TagResourceCommandInput,
  UntagResourceCommandInput,
} from '@aws-sdk/client-cloudwatch';
import type { SimAccount } from './account';
import { ServiceSim } from './service';

/** The names CloudWatch uses for regions in notifications ("Region": "EU (Ireland)"). */
export const REGION_NAMES: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'ca-central-1': 'Canada (Central)',
  'eu-west-1': 'EU (Ireland)',
  'eu-west-2': 'EU (London)',
  'eu-west-3': 'EU (Paris)',
  'eu-central-1': 'EU (Frankfurt)',
  'eu-north-1': 'EU (Stockholm)',
  'eu-south-1': 'EU (Milan)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-northeast-2': 'Asia Pacific (Seoul)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'sa-east-1': 'South America (Sao Paulo)',
};

const STATES: readonly StateValue[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
const STATISTICS: readonly Statistic[] = ['Average', 'Maximum', 'Minimum', 'SampleCount', 'Sum'];
const STATIC_OPERATORS: readonly string[] = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'];
const BAND_OPERATORS: readonly string[] = ['LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'];
const TREAT_MISSING = ['breaching', 'notBreaching', 'ignore', 'missing'];
const MAX_ACTIONS = 5;

/** `2025-08-13T08:08:23.374+0000`: how CloudWatch writes times in notifications. */
export const cwTime = (d: Date) => d.toISOString().replace('Z', '+0000');

/** The state of an alarm at one moment, as the EventBridge event carries it. */
export interface AlarmStateDetail {
  value: StateValue;
  reason: string;
  reasonData?: string;
  timestamp: Date;
}

/** One state change: the alarm after it, and the states on both sides. */
export interface AlarmStateChange {
  alarm: MetricAlarm;
  newState: AlarmStateDetail;
  oldState: AlarmStateDetail;
}

/** The SNS `Message` CloudWatch publishes for a state change (field order as AWS writes it). */
export interface AlarmNotification {
  AlarmName: string;
  AlarmDescription: string | null;
  AWSAccountId: string;
  AlarmConfigurationUpdatedTimestamp: string;
  NewStateValue: StateValue;
  NewStateReason: string;
  StateChangeTime: string;
  Region: string;
  AlarmArn: string;
  OldStateValue: StateValue;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  Trigger: {
    MetricName: string;
    Namespace: string;
    StatisticType: 'Statistic' | 'ExtendedStatistic';
    Statistic?: string;
    ExtendedStatistic?: string;
    Unit: string | null;
    Dimensions: { value: string; name: string }[];
    Period: number;
    EvaluationPeriods: number;
    DatapointsToAlarm?: number;
    ComparisonOperator: string;
    Threshold: number;
    TreatMissingData: string;
    EvaluateLowSampleCountPercentile: string;
  };
}

interface SimAlarm {
  name: string;
  arn: string;
  description?: string;
  configUpdated: Date;
  actionsEnabled: boolean;
  okActions: string[];
  alarmActions: string[];
  insufficientDataActions: string[];
  state: StateValue;
  stateReason: string;
  stateReasonData?: string;
  stateUpdated: Date;
  stateTransitioned: Date;
  /** Every state it was in and since when (Route 53's LastKnownStatus reads it: route53.ts healthStatus). */
  history: { seq: number; state: StateValue }[];
  metricName: string;
  namespace: string;
  statistic?: Statistic;
  extendedStatistic?: string;
  dimensions: Dimension[];
  period: number;
  unit?: StandardUnit;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  threshold?: number;
  comparisonOperator: ComparisonOperator;
  treatMissingData?: string;
  evaluateLowSampleCountPercentile?: string;
  tags: Record<string, string>;
}

/** `1 validation error detected: ...`, as CloudWatch words its input validation. */
const constraint = (field: string, value: unknown, rule: string) =>
  `1 validation error detected: Value ${value === undefined || value === null ? 'null' : `'${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}'`} at '${field}' failed to satisfy constraint: ${rule}`;

export class CloudWatchSim extends ServiceSim {
  protected readonly service = 'cloudWatch' as const;
  private readonly alarms = new Map<string, SimAlarm>();
  /** Orders every state change of every alarm (lastKnownState). */
  private seq = 0;
  /** SNS messages published for state changes, oldest first. Drain with `takeNotifications`. */
  readonly outbox: AlarmNotification[] = [];
  /** Every state change (EventBridge gets them all), oldest first. Drain with `takeStateChanges`. */
  readonly stateChanges: AlarmStateChange[] = [];

  constructor(private readonly account: SimAccount) {
    super();
  }

  // ---- scenario helpers (lower-case: never dispatched as AWS operations) ----

  /**
   * Moves an alarm to `state`, as an evaluation of its metric would. Returns whether the state
   * changed (the same state again changes nothing: no timestamp, no notification).
   */
  setState(alarmName: string, state: StateValue, reason?: string, reasonData?: string): boolean {
    const alarm = this.alarms.get(alarmName);
    if (!alarm) throw new Error(`no simulated alarm ${alarmName}`);
    return this.transition(alarm, state, reason ?? `Simulated: the metric moved the alarm to ${state}`, reasonData);
  }

  takeNotifications(): AlarmNotification[] {
    return this.outbox.splice(0, this.outbox.length);
  }

  takeStateChanges(): AlarmStateChange[] {
    return this.stateChanges.splice(0, this.stateChanges.length);
  }

  /** An alarm as DescribeAlarms returns it (undefined when there is none). */
  alarm(alarmName: string): MetricAlarm | undefined {
    const a = this.alarms.get(alarmName);
    return a ? this.toMetricAlarm(a) : undefined;
  }

  /** A point in the alarms' history (state changes are ordered, even within one instant of the clock). */
  historyMark(): number {
    return this.seq;
  }

  /**
   * The alarm's last state with data (OK or ALARM) from `mark` (historyMark) on, the state it
   * was in at the mark included; undefined when it had none in that time.
   */
  lastKnownState(alarmName: string, mark: number): 'OK' | 'ALARM' | undefined {
    const history = this.alarms.get(alarmName)?.history ?? [];
    const atMark = history.filter((h) => h.seq <= mark).at(-1);
    const after = history.filter((h) => h.seq > mark);
    const known = [...(atMark ? [atMark] : []), ...after].filter((h) => h.state !== 'INSUFFICIENT_DATA').at(-1);
    return known?.state as 'OK' | 'ALARM' | undefined;
  }

  alarmNames(): string[] {
    return [...this.alarms.keys()].sort();
  }

  // ---- AWS operations ----

  PutMetricAlarm(input: PutMetricAlarmCommandInput): Record<string, never> {
    if (input.Metrics && input.Metrics.length > 0) throw new Error('simulated account: metric math alarms (Metrics) are not modelled');
    if (!input.AlarmName) this.fail('ValidationError', constraint('alarmName', input.AlarmName, 'Member must not be null'));
    if (input.AlarmName.length > 255)
      this.fail('ValidationError', constraint('alarmName', input.AlarmName, 'Member must have length less than or equal to 255'));
    if (input.AlarmDescription !== undefined && input.AlarmDescription.length > 1024) {
      this.fail('ValidationError', constraint('alarmDescription', '...', 'Member must have length less than or equal to 1024'));
    }
    if (!input.MetricName) this.fail('ValidationError', constraint('metricName', input.MetricName, 'Member must not be null'));
    if (!input.Namespace) this.fail('ValidationError', constraint('namespace', input.Namespace, 'Member must not be null'));
    if (input.EvaluationPeriods === undefined || input.EvaluationPeriods < 1) {
      this.fail('ValidationError', constraint('evaluationPeriods', input.EvaluationPeriods, 'Member must have value greater than or equal to 1'));
    }
    const period = input.Period;
    if (period === undefined) this.fail('ValidationError', 'Period must not be null for an alarm on a metric');
    if (period < 1) this.fail('ValidationError', constraint('period', period, 'Member must have value greater than or equal to 1'));
    if (![10, 20, 30].includes(period) && period % 60 !== 0) {
      this.fail('ValidationError', `Period (${period}) must be 10, 20, 30 or a multiple of 60`);
    }
    if (period * input.EvaluationPeriods > 86400) {
      this.fail('ValidationError', 'Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= 86400)');
    }
    if (input.DatapointsToAlarm !== undefined) {
      if (input.DatapointsToAlarm < 1)
        this.fail('ValidationError', constraint('datapointsToAlarm', input.DatapointsToAlarm, 'Member must have value greater than or equal to 1'));
      if (input.DatapointsToAlarm > input.EvaluationPeriods) this.fail('ValidationError', 'DatapointsToAlarm must be less than or equal to EvaluationPeriods');
    }
    if ((input.Statistic === undefined) === (input.ExtendedStatistic === undefined)) {
      this.fail('ValidationError', 'Exactly one of Statistic and ExtendedStatistic must be specified');
    }
    if (input.Statistic !== undefined && !STATISTICS.includes(input.Statistic)) {
      this.fail('ValidationError', constraint('statistic', input.Statistic, `Member must satisfy enum value set: [${STATISTICS.join(', ')}]`));
    }
    if (input.ExtendedStatistic !== undefined && !/^p(100(\.0+)?|\d{1,2}(\.\d+)?)$/.test(input.ExtendedStatistic)) {
      this.fail('InvalidParameterValue', `The value ${input.ExtendedStatistic} for parameter ExtendedStatistic is not supported.`);
    }
    const op = input.ComparisonOperator;
    if (!op || (!STATIC_OPERATORS.includes(op) && !BAND_OPERATORS.includes(op))) {
      this.fail(
        'ValidationError',
        constraint('comparisonOperator', op, `Member must satisfy enum value set: [${[...STATIC_OPERATORS, ...BAND_OPERATORS].join(', ')}]`),
      );
    }
    if (BAND_OPERATORS.includes(op)) throw new Error('simulated account: anomaly detection alarms are not modelled');
    if (input.Threshold === undefined) this.fail('ValidationError', 'Threshold must not be null for an alarm with a static threshold');
    if (input.TreatMissingData !== undefined && !TREAT_MISSING.includes(input.TreatMissingData)) {
      this.fail('ValidationError', `The value ${input.TreatMissingData} is not a valid TreatMissingData value; valid values are ${TREAT_MISSING.join(', ')}`);
    }
    for (const [field, list] of [
      ['alarmActions', input.AlarmActions],
      ['oKActions', input.OKActions],
      ['insufficientDataActions', input.InsufficientDataActions],
    ] as const) {
      if ((list?.length ?? 0) > MAX_ACTIONS)
        this.fail('ValidationError', constraint(field, list, `Member must have length less than or equal to ${MAX_ACTIONS}`));
      for (const arn of list ?? []) if (!arn.startsWith('arn:')) this.fail('ValidationError', `Invalid arn syntax: ${arn}`);
    }
    if ((input.Dimensions?.length ?? 0) > 30) this.fail('ValidationError', constraint('dimensions', '...', 'Member must have length less than or equal to 30'));

    const now = this.account.now();
    const existing = this.alarms.get(input.AlarmName);
    const alarm: SimAlarm = {
      name: input.AlarmName,
      arn: `arn:aws:cloudwatch:${this.account.region}:${this.account.accountId}:alarm:${input.AlarmName}`,
      ...(input.AlarmDescription !== undefined ? { description: input.AlarmDescription } : {}),
      configUpdated: now,
      actionsEnabled: input.ActionsEnabled ?? true,
      okActions: [...(input.OKActions ?? [])],
      alarmActions: [...(input.AlarmActions ?? [])],
      insufficientDataActions: [...(input.InsufficientDataActions ?? [])],
      // Creating starts in INSUFFICIENT_DATA; replacing keeps the state ("its state is left unchanged").
      state: existing?.state ?? 'INSUFFICIENT_DATA',
      stateReason: existing?.stateReason ?? 'Unchecked: Initial alarm creation',
      ...(existing?.stateReasonData !== undefined ? { stateReasonData: existing.stateReasonData } : {}),
      stateUpdated: existing?.stateUpdated ?? now,
      stateTransitioned: existing?.stateTransitioned ?? now,
      history: existing?.history ?? [{ seq: ++this.seq, state: 'INSUFFICIENT_DATA' }],
      metricName: input.MetricName,
      namespace: input.Namespace,
      ...(input.Statistic !== undefined ? { statistic: input.Statistic } : {}),
      ...(input.ExtendedStatistic !== undefined ? { extendedStatistic: input.ExtendedStatistic } : {}),
      dimensions: (input.Dimensions ?? []).map((d) => ({ Name: d.Name!, Value: d.Value! })),
      period,
      ...(input.Unit !== undefined ? { unit: input.Unit } : {}),
      evaluationPeriods: input.EvaluationPeriods,
      ...(input.DatapointsToAlarm !== undefined ? { datapointsToAlarm: input.DatapointsToAlarm } : {}),
      threshold: input.Threshold,
      comparisonOperator: op as ComparisonOperator,
      ...(input.TreatMissingData !== undefined ? { treatMissingData: input.TreatMissingData } : {}),
      ...(input.EvaluateLowSampleCountPercentile !== undefined ? { evaluateLowSampleCountPercentile: input.EvaluateLowSampleCountPercentile } : {}),
      // "If you are using this operation to update an existing alarm, any tags you specify in this parameter are ignored."
      tags: existing ? existing.tags : Object.fromEntries((input.Tags ?? []).map((t) => [t.Key!, t.Value ?? ''])),
    };
    this.alarms.set(alarm.name, alarm);
    return {};
  }

  DescribeAlarms(input: DescribeAlarmsCommandInput): Omit<DescribeAlarmsCommandOutput, '$metadata'> {
    const names = input.AlarmNames;
    if (names && names.length > 100) this.fail('ValidationError', constraint('alarmNames', names, 'Member must have length less than or equal to 100'));
    if (names && input.AlarmNamePrefix !== undefined) {
      this.fail('InvalidParameterCombination', 'AlarmNamePrefix and AlarmNames.member are mutually exclusive');
    }
    const max = input.MaxRecords ?? 50;
    if (max < 1 || max > 100) {
      this.fail(
        'ValidationError',
        constraint('maxRecords', max, `Member must have value ${max < 1 ? 'greater than or equal to 1' : 'less than or equal to 100'}`),
      );
    }
    if (input.StateValue !== undefined && !STATES.includes(input.StateValue)) {
      this.fail('ValidationError', constraint('stateValue', input.StateValue, `Member must satisfy enum value set: [${STATES.join(', ')}]`));
    }
    let start = '';
    if (input.NextToken !== undefined) {
      const decoded = Buffer.from(input.NextToken, 'base64').toString('utf8');
      if (!decoded.startsWith('hfc-sim:')) this.fail('InvalidNextToken', 'Invalid NextToken');
      start = decoded.slice('hfc-sim:'.length);
    }
    const metricAlarmsWanted = !input.AlarmTypes || input.AlarmTypes.includes('MetricAlarm');
    const matching = [...this.alarms.values()]
      .filter(() => metricAlarmsWanted)
      .filter((a) => !names || names.includes(a.name))
      .filter((a) => input.AlarmNamePrefix === undefined || a.name.startsWith(input.AlarmNamePrefix))
      .filter((a) => input.StateValue === undefined || a.state === input.StateValue)
      .filter(
        (a) =>
          input.ActionPrefix === undefined || [...a.alarmActions, ...a.okActions, ...a.insufficientDataActions].some((x) => x.startsWith(input.ActionPrefix!)),
      )
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .filter((a) => a.name >= start);
    const page = matching.slice(0, max);
    const next = matching[max];
    return {
      MetricAlarms: page.map((a) => this.toMetricAlarm(a)),
      CompositeAlarms: [],
      ...(next ? { NextToken: Buffer.from(`hfc-sim:${next.name}`).toString('base64') } : {}),
    };
  }

  /** All or nothing: one unknown name fails the call and deletes none. */
  DeleteAlarms(input: DeleteAlarmsCommandInput): Record<string, never> {
    const names = input.AlarmNames ?? [];
    if (names.length === 0) this.fail('MissingParameter', 'The parameter AlarmNames is required.');
    if (names.length > 100) this.fail('ValidationError', constraint('alarmNames', names, 'Member must have length less than or equal to 100'));
    const missing = names.filter((n) => !this.alarms.has(n));
    if (missing.length) this.fail('ResourceNotFound', `Alarm(s) not found: ${missing.join(', ')}`, 404);
    for (const n of names) this.alarms.delete(n);
    return {};
  }

  /** Sets the state, as `setState` does; a change runs the new state's actions. */
  SetAlarmState(input: SetAlarmStateCommandInput): Record<string, never> {
    if (!input.AlarmName) this.fail('ValidationError', constraint('alarmName', input.AlarmName, 'Member must not be null'));
    if (!input.StateValue || !STATES.includes(input.StateValue)) {
      this.fail('ValidationError', constraint('stateValue', input.StateValue, `Member must satisfy enum value set: [${STATES.join(', ')}]`));
    }
    if (input.StateReason === undefined) this.fail('ValidationError', constraint('stateReason', undefined, 'Member must not be null'));
    if (input.StateReason.length > 1023) this.fail('ValidationError', constraint('stateReason', '...', 'Member must have length less than or equal to 1023'));
    if (input.StateReasonData !== undefined) {
      try {
        JSON.parse(input.StateReasonData);
      } catch {
        this.fail('InvalidFormat', 'StateReasonData is not valid JSON');
      }
    }
    const alarm = this.alarms.get(input.AlarmName);
    if (!alarm) this.fail('ResourceNotFound', `Alarm ${input.AlarmName} not found`, 404);
    this.transition(alarm, input.StateValue, input.StateReason, input.StateReasonData);
    return {};
  }

  ListTagsForResource(input: ListTagsForResourceCommandInput): Omit<ListTagsForResourceCommandOutput, '$metadata'> {
    const alarm = this.byArn(input.ResourceARN);
    return { Tags: Object.entries(alarm.tags).map(([Key, Value]) => ({ Key, Value })) };
  }

  TagResource(input: TagResourceCommandInput): Record<string, never> {
    const alarm = this.byArn(input.ResourceARN);
    if (!input.Tags || input.Tags.length === 0) this.fail('ValidationError', constraint('tags', undefined, 'Member must not be null'));
    const merged = { ...alarm.tags, ...Object.fromEntries(input.Tags.map((t) => [t.Key!, t.Value ?? ''])) };
    if (Object.keys(merged).length > 50) this.fail('LimitExceededException', 'A resource can have at most 50 tags');
    alarm.tags = merged;
    return {};
  }

  UntagResource(input: UntagResourceCommandInput): Record<string, never> {
    const alarm = this.byArn(input.ResourceARN);
    for (const k of input.TagKeys ?? []) delete alarm.tags[k];
    return {};
  }

  // ---- internals ----

  private byArn(arn: string | undefined): SimAlarm {
    if (!arn || !/^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:/.test(arn)) this.fail('InvalidParameterValue', `Invalid ARN: ${arn}`);
    const alarm = [...this.alarms.values()].find((a) => a.arn === arn);
    if (!alarm) this.fail('ResourceNotFoundException', `Resource ${arn} not found`, 404);
    return alarm;
  }

  private transition(alarm: SimAlarm, state: StateValue, reason: string, reasonData?: string): boolean {
    if (alarm.state === state) return false;
    const now = this.account.now();
    const oldState: AlarmStateDetail = {
      value: alarm.state,
      reason: alarm.stateReason,
      ...(alarm.stateReasonData !== undefined ? { reasonData: alarm.stateReasonData } : {}),
      timestamp: alarm.stateUpdated,
    };
    alarm.state = state;
    alarm.history.push({ seq: ++this.seq, state });
    alarm.stateReason = reason;
    if (reasonData !== undefined) alarm.stateReasonData = reasonData;
    else delete alarm.stateReasonData;
    alarm.stateUpdated = now;
    alarm.stateTransitioned = now;
    const newState: AlarmStateDetail = { value: state, reason, ...(reasonData !== undefined ? { reasonData } : {}), timestamp: now };
    this.stateChanges.push({ alarm: this.toMetricAlarm(alarm), newState, oldState });
    const actions = state === 'ALARM' ? alarm.alarmActions : state === 'OK' ? alarm.okActions : alarm.insufficientDataActions;
    if (alarm.actionsEnabled && actions.length > 0) this.outbox.push(this.notification(alarm, oldState.value));
    return true;
  }

  private notification(a: SimAlarm, oldState: StateValue): AlarmNotification {
    return {
      AlarmName: a.name,
      AlarmDescription: a.description ?? null,
      AWSAccountId: this.account.accountId,
      AlarmConfigurationUpdatedTimestamp: cwTime(a.configUpdated),
      NewStateValue: a.state,
      NewStateReason: a.stateReason,
      StateChangeTime: cwTime(a.stateUpdated),
      Region: REGION_NAMES[this.account.region] ?? this.account.region,
      AlarmArn: a.arn,
      OldStateValue: oldState,
      OKActions: [...a.okActions],
      AlarmActions: [...a.alarmActions],
      InsufficientDataActions: [...a.insufficientDataActions],
      Trigger: {
        MetricName: a.metricName,
        Namespace: a.namespace,
        ...(a.statistic
          ? { StatisticType: 'Statistic' as const, Statistic: a.statistic.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() }
          : { StatisticType: 'ExtendedStatistic' as const, ExtendedStatistic: a.extendedStatistic! }),
        Unit: a.unit ?? null,
        Dimensions: a.dimensions.map((d) => ({ value: d.Value!, name: d.Name! })),
        Period: a.period,
        EvaluationPeriods: a.evaluationPeriods,
        ...(a.datapointsToAlarm !== undefined ? { DatapointsToAlarm: a.datapointsToAlarm } : {}),
        ComparisonOperator: a.comparisonOperator,
        Threshold: a.threshold!,
        TreatMissingData: a.treatMissingData ?? 'missing',
        EvaluateLowSampleCountPercentile: a.evaluateLowSampleCountPercentile ?? '',
      },
    };
  }

  private toMetricAlarm(a: SimAlarm): MetricAlarm {
    return {
      AlarmName: a.name,
      AlarmArn: a.arn,
      ...(a.description !== undefined ? { AlarmDescription: a.description } : {}),
      AlarmConfigurationUpdatedTimestamp: a.configUpdated,
      ActionsEnabled: a.actionsEnabled,
      OKActions: [...a.okActions],
      AlarmActions: [...a.alarmActions],
      InsufficientDataActions: [...a.insufficientDataActions],
      StateValue: a.state,
      StateReason: a.stateReason,
      ...(a.stateReasonData !== undefined ? { StateReasonData: a.stateReasonData } : {}),
      StateUpdatedTimestamp: a.stateUpdated,
      MetricName: a.metricName,
      Namespace: a.namespace,
      ...(a.statistic !== undefined ? { Statistic: a.statistic } : {}),
      ...(a.extendedStatistic !== undefined ? { ExtendedStatistic: a.extendedStatistic } : {}),
      Dimensions: a.dimensions.map((d) => ({ ...d })),
      Period: a.period,
      ...(a.unit !== undefined ? { Unit: a.unit } : {}),
      EvaluationPeriods: a.evaluationPeriods,
      ...(a.datapointsToAlarm !== undefined ? { DatapointsToAlarm: a.datapointsToAlarm } : {}),
      ...(a.threshold !== undefined ? { Threshold: a.threshold } : {}),
      ComparisonOperator: a.comparisonOperator,
      ...(a.treatMissingData !== undefined ? { TreatMissingData: a.treatMissingData } : {}),
      ...(a.evaluateLowSampleCountPercentile !== undefined ? { EvaluateLowSampleCountPercentile: a.evaluateLowSampleCountPercentile } : {}),
      StateTransitionedTimestamp: a.stateTransitioned,
    };
  }
}
