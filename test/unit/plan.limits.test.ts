/** The DNS planner never plans past Route 53's quotas: the nodes that do not fit wait, with the reason. */
import { describe, expect, it } from 'vitest';
import { planDns } from '../../lib/plan/dns';
import type { ObservedNode } from '../../lib/plan/types';
import { check, FLEET, fleetConfig, node, record } from '../fixtures/fleet';

/** n instance ids in order, i-0000000000000001 ... */
const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `i-${(from + i).toString(16).padStart(17, '0')}`);
const launching = (list: string[]): ObservedNode[] => list.map((id) => node(id, 'Pending:Wait'));
const waitCodes = (plan: ReturnType<typeof planDns>) => plan.waiting.map((w) => `${w.instanceId}:${w.reason.code}`);

describe('Route 53 quotas in the plan', () => {
  it('registers up to 100 weighted records per name, counting records that are not ours; the rest wait with record-limit', () => {
    // Prepare: 95 of ours registered, 3 records at the name made by hand, 5 new nodes
    const serving = ids(95);
    const joining = ids(5, 1000);
    const observed = {
      nodes: [...serving.map((id) => node(id)), ...launching(joining)],
      records: serving.map((id) => record(id)),
      healthChecks: serving.map((id, i) => check(id, undefined, `hc-${i}`)),
      otherRecords: { A: 3 },
    };

    // Act
    const plan = planDns(fleetConfig({ limits: { healthCheckQuota: 1000 } }), observed);

    // Assess: two slots left, taken in instance-id order; no check made for a node that cannot have a record
    expect(plan.actions.filter((a) => a.kind === 'createRecord').map((a) => a.instanceId)).toEqual(joining.slice(0, 2));
    expect(plan.actions.filter((a) => a.kind === 'createHealthCheck').map((a) => a.instanceId)).toEqual(joining.slice(0, 2));
    expect(waitCodes(plan)).toEqual(joining.slice(2).map((id) => `${id}:record-limit`));
    expect(plan.waiting[0]!.reason.message).toContain('docs/scaling.md');
  });

  it("creates no check past the account's quota, counting other checks in the account; a node waits with health-check-quota", () => {
    // Prepare: quota 10, 4 checks of other tools, 3 of ours, 5 joining
    const serving = ids(3);
    const joining = ids(5, 500);
    const observed = {
      nodes: [...serving.map((id) => node(id)), ...launching(joining)],
      records: serving.map((id) => record(id)),
      healthChecks: serving.map((id, i) => check(id, undefined, `hc-${i}`)),
      otherHealthChecks: 4,
    };

    // Act
    const plan = planDns(fleetConfig({ limits: { healthCheckQuota: 10 } }), observed);

    // Assess
    expect(plan.actions.filter((a) => a.kind === 'createHealthCheck').map((a) => a.instanceId)).toEqual(joining.slice(0, 3));
    expect(waitCodes(plan)).toEqual(joining.slice(3).map((id) => `${id}:health-check-quota`));
    expect(plan.registered).not.toContain(joining[4]);
  });

  it('counts a replacement check (made before the old one goes) against the quota: a settings change and a launch do not both fit in one free slot', () => {
    // Prepare: quota 4, three nodes with a check each; the first's address changed; one node joins
    const serving = ids(3);
    const [joining] = ids(1, 900);
    const observed = {
      nodes: [node(serving[0]!, 'InService', '54.9.9.9'), node(serving[1]!), node(serving[2]!), ...launching([joining!])],
      records: serving.map((id) => record(id)),
      healthChecks: serving.map((id, i) => check(id, undefined, `hc-${i}`)),
      otherHealthChecks: 0,
    };

    // Act
    const plan = planDns(fleetConfig({ limits: { healthCheckQuota: 4 } }), observed);

    // Assess: one create in all (the first in instance order), the other waits with the reason
    expect(plan.actions.filter((a) => a.kind === 'createHealthCheck').map((a) => a.instanceId)).toEqual([serving[0]]);
    expect(waitCodes(plan)).toEqual([`${joining}:health-check-quota`]);
  });

  it('dual stack: the 100 are counted per type (AAAA full while A has room: the node waits), and a node needs two checks', () => {
    // Prepare: 99 AAAA records of others at the name, 2 dual-stack nodes joining, quota for 3 checks
    const dual = fleetConfig({ dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', dualStack: true }, limits: { healthCheckQuota: 3 } });
    const joining = ids(2, 700).map((id, i) => ({ ...node(id, 'Pending:Wait'), address6: `2001:db8::${i + 1}` }));

    // Act
    const byType = planDns(dual, { nodes: joining, records: [], healthChecks: [], otherRecords: { A: 0, AAAA: 99 } });
    const byChecks = planDns(dual, { nodes: joining, records: [], healthChecks: [], otherRecords: {} });

    // Assess: one AAAA slot (the first node); the second waits naming the type
    expect(byType.registered).toEqual([joining[0]!.instanceId]);
    expect(waitCodes(byType)).toEqual([`${joining[1]!.instanceId}:record-limit`]);
    expect(byType.waiting[0]!.reason.message).toContain('weighted AAAA records');
    // three checks of quota: the first node's two, the second's two do not fit
    expect(byChecks.actions.filter((a) => a.kind === 'createHealthCheck').map((a) => a.instanceId)).toEqual([joining[0]!.instanceId, joining[0]!.instanceId]);
    expect(waitCodes(byChecks)).toEqual([`${joining[1]!.instanceId}:health-check-quota`]);
  });

  it('a fleet within its quotas plans every node (the default fleet, 3 nodes)', () => {
    const joining = ids(3);
    const plan = planDns(FLEET, { nodes: launching(joining), records: [], healthChecks: [], otherRecords: { A: 0 }, otherHealthChecks: 0 });
    expect(plan.waiting).toEqual([]);
    expect(plan.registered).toEqual(joining);
  });
});
