import { describe, expect, it } from 'vitest';
import { planDns } from '../../lib/plan/dns';
import { nodeWeight } from '../../lib/reconcile/observe';
import { setIdentifier } from '../../lib/plan/naming';
import type { Action, ObservedFleet } from '../../lib/plan/types';
import { A, B, C, FLEET, check, fleetConfig, node, record } from '../fixtures/fleet';

/** `kind:instance` for each action, in order: what the table below asserts. */
const summary = (actions: Action[]) => actions.map((a) => `${a.kind}:${a.instanceId}`);

interface Case {
  name: string;
  observed: ObservedFleet;
  want: string[];
  fleet?: ReturnType<typeof fleetConfig>;
  waiting?: string[];
  /** The reason code of each action, in order, where the case says why. */
  codes?: string[];
}

const cases: Case[] = [
  { name: 'empty fleet, nothing to do', observed: { nodes: [], records: [], healthChecks: [] }, want: [] },
  {
    name: 'new InService node: check first, then the record',
    observed: { nodes: [node(A)], records: [], healthChecks: [] },
    want: [`createHealthCheck:${A}`, `createRecord:${A}`],
    codes: ['node-joined', 'node-joined'],
  },
  {
    name: 'launching node in Pending:Wait is registered',
    observed: { nodes: [node(A, 'Pending:Wait')], records: [], healthChecks: [] },
    want: [`createHealthCheck:${A}`, `createRecord:${A}`],
  },
  {
    name: 'converged node: nothing',
    observed: { nodes: [node(A)], records: [record(A)], healthChecks: [check(A)] },
    want: [],
  },
  {
    name: 'Pending:Proceed stays registered (between our CONTINUE and InService)',
    observed: { nodes: [node(A, 'Pending:Proceed')], records: [record(A)], healthChecks: [check(A)] },
    want: [],
  },
  {
    name: 'Terminating:Wait: the deregistration time noted first, then the record, then its check',
    observed: { nodes: [node(A, 'Terminating:Wait')], records: [record(A)], healthChecks: [check(A)] },
    want: [`markDeregistered:${A}`, `deleteRecord:${A}`, `deleteHealthCheck:${A}`],
    codes: ['delay-starts', 'node-left', 'node-left'],
  },
  {
    name: 'Standby is taken out of DNS',
    observed: { nodes: [node(A, 'Standby')], records: [record(A)], healthChecks: [check(A)] },
    want: [`deleteRecord:${A}`, `deleteHealthCheck:${A}`],
  },
  {
    name: 'no delay configured: nothing to note',
    fleet: fleetConfig({ dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', deregistrationDelaySeconds: 0 } }),
    observed: {
      nodes: [node(A, 'Terminating:Wait')],
      records: [record(A, {}, fleetConfig({ dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', deregistrationDelaySeconds: 0 } }))],
      healthChecks: [],
    },
    want: [`deleteRecord:${A}`],
  },
  {
    name: 'node gone from the group: both removed',
    observed: { nodes: [], records: [record(A)], healthChecks: [check(A)] },
    want: [`deleteRecord:${A}`, `deleteHealthCheck:${A}`],
  },
  {
    name: 'orphan check without a record or node is deleted',
    observed: { nodes: [], records: [], healthChecks: [check(B)] },
    want: [`deleteHealthCheck:${B}`],
  },
  {
    name: 'record deleted by hand: recreated with the existing check',
    observed: { nodes: [node(A)], records: [], healthChecks: [check(A)] },
    want: [`createRecord:${A}`],
    codes: ['node-joined'],
  },
  {
    name: 'check deleted by hand: new check, record repointed',
    observed: { nodes: [node(A)], records: [record(A)], healthChecks: [] },
    want: [`createHealthCheck:${A}`, `updateRecord:${A}`],
    codes: ['check-missing', 'record-drifted'],
  },
  {
    name: 'address changed: new check, record updated, old check deleted last',
    observed: { nodes: [node(A, 'InService', '54.9.9.9')], records: [record(A)], healthChecks: [check(A)] },
    want: [`createHealthCheck:${A}`, `updateRecord:${A}`, `deleteHealthCheck:${A}`],
    codes: ['check-settings-changed', 'record-drifted', 'check-superseded'],
  },
  {
    name: 'weight changed in config: record updated in place',
    fleet: fleetConfig({ dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', weight: 50 } }),
    observed: { nodes: [node(A)], records: [record(A)], healthChecks: [check(A)] },
    want: [`updateRecord:${A}`],
    codes: ['record-drifted'],
  },
  {
    name: 'health check port changed in config: check replaced',
    fleet: fleetConfig({ healthCheck: { protocol: 'HTTP', port: 9000, path: '/healthz' } }),
    observed: { nodes: [node(A)], records: [record(A)], healthChecks: [check(A)] },
    want: [`createHealthCheck:${A}`, `updateRecord:${A}`, `deleteHealthCheck:${A}`],
  },
  {
    name: 'duplicate checks: the one the record uses is kept',
    observed: { nodes: [node(A)], records: [record(A)], healthChecks: [check(A, undefined, 'hc-zzz'), check(A)] },
    want: [`deleteHealthCheck:${A}`],
    codes: ['check-superseded'],
  },
  {
    name: 'missing tags are added, nothing else',
    observed: { nodes: [node(A)], records: [record(A)], healthChecks: [{ ...check(A), tags: {} }] },
    want: [`tagHealthCheck:${A}`],
    codes: ['check-untagged'],
  },
  {
    name: 'node without an address waits and changes nothing',
    observed: { nodes: [node(A, 'Pending:Wait', null)], records: [], healthChecks: [] },
    want: [],
    waiting: [A],
  },
  {
    name: 'a leaving node with neither record nor note still gets its note (a missing note never skips the delay)',
    observed: { nodes: [node(A, 'Terminating:Wait')], records: [], healthChecks: [] },
    want: [`markDeregistered:${A}`],
  },
  {
    name: 'a leaving node already noted and deregistered: nothing more',
    observed: { nodes: [{ ...node(A, 'Terminating:Wait'), deregisteredAt: '2026-11-22T09:59:00.000Z' }], records: [], healthChecks: [] },
    want: [],
  },
  {
    name: 'a node back in service carrying an old note has it cleared',
    observed: { nodes: [{ ...node(A), deregisteredAt: '2026-11-01T00:00:00.000Z' }], records: [record(A)], healthChecks: [check(A)] },
    want: [`unmarkDeregistered:${A}`],
    codes: ['back-in-service'],
  },
  {
    name: 'a serving node EC2 answered without an address keeps its record and check',
    observed: { nodes: [node(A, 'InService', null)], records: [record(A)], healthChecks: [check(A)] },
    want: [],
    waiting: [A],
  },
  {
    name: 'mixed fleet: notes, then checks, then one record batch, then check deletions; sorted by instance within a step',
    observed: {
      nodes: [node(C), node(A, 'InService', '54.9.9.9'), node(B, 'Terminating:Wait')],
      records: [record(B), record(A)],
      healthChecks: [check(B), check(A)],
    },
    want: [
      `markDeregistered:${B}`,
      `createHealthCheck:${A}`,
      `createHealthCheck:${C}`,
      `updateRecord:${A}`,
      `deleteRecord:${B}`,
      `createRecord:${C}`,
      `deleteHealthCheck:${A}`,
      `deleteHealthCheck:${B}`,
    ],
  },
];

describe('planDns', () => {
  it.each(cases)('$name', ({ observed, want, fleet, waiting, codes }) => {
    // Act
    const plan = planDns(fleet ?? FLEET, observed);
    // Assess
    expect(summary(plan.actions)).toEqual(want);
    expect(plan.waiting.map((w) => w.instanceId)).toEqual(waiting ?? []);
    if (codes) expect(plan.actions.map((a) => a.reason.code)).toEqual(codes);
    for (const w of plan.waiting) expect(w.reason.code).toBe('no-address');
  });

  it('points a new record at the check the same plan creates', () => {
    const plan = planDns(FLEET, { nodes: [node(A)], records: [], healthChecks: [] });
    const create = plan.actions.find((a) => a.kind === 'createHealthCheck');
    const rec = plan.actions.find((a) => a.kind === 'createRecord');
    expect(create?.kind === 'createHealthCheck' && rec?.kind === 'createRecord' && rec.record.healthCheck).toEqual({
      callerReference: create?.kind === 'createHealthCheck' ? create.callerReference : '',
    });
  });

  it('writes the configured record: name, weight, TTL, address, set identifier', () => {
    const plan = planDns(FLEET, { nodes: [node(A)], records: [], healthChecks: [check(A)] });
    expect(plan.actions).toEqual([
      expect.objectContaining({
        kind: 'createRecord',
        record: {
          name: 'lb.example.com.',
          type: 'A',
          setIdentifier: setIdentifier(FLEET, A),
          weight: 100,
          ttl: 60,
          values: ['54.0.0.1'],
          healthCheck: { id: 'hc-1' },
        },
      }),
    ]);
  });

  it('deletes a record with exactly the values Route 53 holds (DELETE must match)', () => {
    const stored = record(A, { ttl: 300, weight: 7, values: ['54.1.1.1'] });
    const plan = planDns(FLEET, { nodes: [], records: [stored], healthChecks: [] });
    expect(plan.actions[0]).toMatchObject({ kind: 'deleteRecord', record: { ttl: 300, weight: 7, values: ['54.1.1.1'] } });
  });

  it('is deterministic: shuffled observations give the same plan', () => {
    const observed: ObservedFleet = {
      nodes: [node(A), node(B), node(C, 'Terminating:Wait')],
      records: [record(C), record(B)],
      healthChecks: [check(C), check(B)],
    };
    const reversed: ObservedFleet = {
      nodes: [...observed.nodes].reverse(),
      records: [...observed.records].reverse(),
      healthChecks: [...observed.healthChecks].reverse(),
    };
    expect(planDns(FLEET, reversed)).toEqual(planDns(FLEET, observed));
  });
});

describe('per-node weights (dns.weightTag)', () => {
  const weighted = (n: ReturnType<typeof node>, weight: number) => ({ ...n, weight });

  it("a node's own weight goes into its record; a node without one gets dns.weight; 0 is allowed (standby)", () => {
    const plan = planDns(FLEET, { nodes: [weighted(node(A), 1), node(B), weighted(node(C), 0)], records: [], healthChecks: [] }, { now: new Date() });
    const weights = Object.fromEntries(
      plan.actions.filter((a) => a.kind === 'createRecord').map((a) => [a.instanceId, a.kind === 'createRecord' ? a.record.weight : -1]),
    );
    expect(weights).toEqual({ [A]: 1, [B]: FLEET.dns.weight, [C]: 0 });
  });

  it('a changed weight replaces the record, saying so; the same weight changes nothing', () => {
    const changed = planDns(FLEET, { nodes: [weighted(node(A), 5)], records: [record(A)], healthChecks: [check(A)] }, { now: new Date() });
    expect(changed.actions).toEqual([
      expect.objectContaining({
        kind: 'updateRecord',
        instanceId: A,
        reason: expect.objectContaining({ code: 'record-drifted', message: `weight ${FLEET.dns.weight} -> 5` }),
      }),
    ]);
    expect(
      planDns(FLEET, { nodes: [weighted(node(A), FLEET.dns.weight)], records: [record(A)], healthChecks: [check(A)] }, { now: new Date() }).actions,
    ).toEqual([]);
  });

  it('an invalid tag: registered with dns.weight, and a note says what to fix', () => {
    const read = nodeWeight('hfc:weight', '300');
    expect(read).toEqual({ weightTagProblem: 'tag hfc:weight is "300", not a whole number from 0 to 255' });
    expect(nodeWeight('hfc:weight', ' 7 ')).toEqual({ weight: 7 });
    expect(nodeWeight('hfc:weight', '-1')).toHaveProperty('weightTagProblem');
    expect(nodeWeight('hfc:weight', '1e2')).toHaveProperty('weightTagProblem');
    const plan = planDns(FLEET, { nodes: [{ ...node(A), ...read }], records: [record(A)], healthChecks: [check(A)] }, { now: new Date() });
    expect(plan.actions).toEqual([]);
    expect(plan.notes).toEqual([{ instanceId: A, reason: expect.objectContaining({ code: 'weight-tag-invalid' }) }]);
  });

  it('no address: the reason names the setting and what to change', () => {
    const plan = planDns(FLEET, { nodes: [node(A, 'Pending:Wait', null)], records: [], healthChecks: [] }, { now: new Date() });
    expect(plan.waiting[0]!.reason.message).toMatch(/no public IPv4 address seen.*dns\.address is public-ipv4/);
  });
});
