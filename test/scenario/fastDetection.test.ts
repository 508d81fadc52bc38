/**
 * The fast-detection recipe of docs/failover.md, as written there: its `alarms` section is a valid
 * configuration, the managed alarms it makes are 10 s high-resolution alarms on the node's
 * InstanceId, and a breach of one moves the node's address like any alarm.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FailoverWorld } from '../harness/failoverWorld';

/** The JSON block after `<!-- recipe:alarms -->` in docs/failover.md. */
function recipe(): { alarms: { manage: boolean; metric: Record<string, unknown> } } {
  const doc = readFileSync(new URL('../../docs/failover.md', import.meta.url), 'utf8');
  const block = /<!-- recipe:alarms -->\s*```json\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error('docs/failover.md has no recipe:alarms block');
  return JSON.parse(`{${block[1]}}`);
}

describe('the fast-detection recipe (docs/failover.md)', () => {
  it('makes 10 s high-resolution managed alarms on each node, and a breach moves its address', async () => {
    // Prepare
    const { alarms } = recipe();
    const world = new FailoverWorld({ eips: 2, fleet: { alarms } });
    world.account.autoScaling.takeNotifications();
    const [a, b] = await world.launch(2);
    await world.schedule();

    // Act
    const alarm = world.account.cloudWatch.DescribeAlarms({ AlarmNames: [world.alarmName(a!)] }).MetricAlarms?.[0];
    const home = world.eipTable().find((r) => r.home === a)!.publicIp;
    world.fail(a!);
    const [outcome] = await world.deliverAlarms('lambda-action');

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'HAProxyFleet',
      MetricName: 'NodeUp',
      Statistic: 'Minimum',
      Period: 10,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      Dimensions: [{ Name: 'InstanceId', Value: a }],
    });
    expect(outcome?.status).toBe('handled');
    expect(world.holderOf(home)).toBe(b);
  });
});
