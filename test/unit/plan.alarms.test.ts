/** Managed alarms (lib/plan/alarms.ts): created as nodes join, deleted as they leave, repaired when edited. */
import { describe, expect, it } from 'vitest';
import { alarmSpec, planAlarms } from '../../lib/plan/alarms';
import type { NodeAlarm } from '../../lib/plan/health';
import { A, fleetConfig, node } from '../fixtures/fleet';

const FLEET = fleetConfig({ alarms: { manage: true } });
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hfc-alarms';
const managed = (settings: Partial<NonNullable<NodeAlarm['settings']>> = {}): NodeAlarm => {
  const { name, description: _d, instanceId: _i, tags: _t, ...spec } = alarmSpec(FLEET, A, TOPIC);
  return { name, state: 'OK', instanceId: A, settings: { ...spec, ...settings } };
};

describe('planAlarms', () => {
  it('an alarm that matches its spec is left alone', () => {
    expect(planAlarms(FLEET, [node(A)], [managed()], TOPIC)).toEqual([]);
  });

  it('an alarm edited by hand to a percentile (no Statistic) is put back, not read as Maximum', () => {
    const edited = managed({ statistic: undefined, extendedStatistic: 'p99' });
    delete edited.settings!.statistic;
    expect(planAlarms(FLEET, [node(A)], [edited], TOPIC)).toEqual([
      expect.objectContaining({ kind: 'putAlarm', reason: { code: 'alarm-drifted', message: expect.stringContaining('statistic undefined -> Maximum') } }),
    ]);
  });

  it('an alarm whose actions were changed is put back', () => {
    expect(planAlarms(FLEET, [node(A)], [managed({ okActions: [] })], TOPIC)).toEqual([
      expect.objectContaining({ kind: 'putAlarm', reason: { code: 'alarm-drifted', message: 'settings changed: actions' } }),
    ]);
  });

  it('a node that left loses its alarm', () => {
    expect(planAlarms(FLEET, [], [managed()], TOPIC)).toEqual([expect.objectContaining({ kind: 'deleteAlarm', instanceId: A })]);
  });
});
