/**
 * The executor sends a dual-stack node's records together: a record batch that goes out while
 * one of the node's checks is still being made (the waves of creates flush every ten) holds back
 * the node's other record too, so "its records landed" (and the launch going on) means both.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import type { RecordChange } from '../../lib/aws/route53';
import { planDns } from '../../lib/plan/dns';
import type { HealthCheckSpec } from '../../lib/plan/types';
import { applyPlan } from '../../lib/reconcile/apply';
import type { DnsWriter } from '../../lib/reconcile/ports';
import { check, fleetConfig, node, record } from '../fixtures/fleet';

const fleet = fleetConfig({ dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', dualStack: true } });
const ids = Array.from({ length: 8 }, (_, i) => `i-0${String(i + 1).padStart(16, '0')}`);
const nodes = ids.map((id, i) => ({ ...node(id, 'Pending:Wait', `203.0.113.${i + 1}`), address6: `2001:db8::${i + 1}` }));
const SLOW = ids[4]!; // the fifth node's IPv6 check is made only after the first record batch

describe('applyPlan with dual-stack nodes', () => {
  it("never sends one of a node's records without the other", async () => {
    // Prepare
    const plan = planDns(fleet, { nodes, records: [], healthChecks: [] });
    const batches: RecordChange[][] = [];
    let firstBatch!: () => void;
    const batchSent = new Promise<void>((resolve) => (firstBatch = resolve));
    let n = 0;
    const aws: DnsWriter = {
      ec2: { tagInstance: async () => undefined, untagInstance: async () => undefined },
      route53: {
        createHealthCheck: async (ref: string, spec: HealthCheckSpec) => {
          if (spec.ipAddress === '2001:db8::5') await batchSent;
          return { id: `hc-${++n}`, callerReference: ref, attempts: 1 };
        },
        tagHealthCheck: async () => undefined,
        changeRecords: async (_zone: string, changes: readonly RecordChange[]) => {
          batches.push([...changes]);
          firstBatch();
          return [`C${batches.length}`];
        },
        deleteHealthCheck: async () => 'deleted' as const,
        listHealthChecks: async () => [],
        listRecords: async () => [],
      } as unknown as DnsWriter['route53'],
    };
    const landed: string[][] = [];

    // Act
    await applyPlan(fleet, plan, aws, new Logger({ logLevel: 'SILENT' }), { onLanded: async (l) => void landed.push([...l]) });

    // Assess: more than one batch went out, and in each a node has both records or none
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      const types = new Map<string, string[]>();
      for (const c of batch) types.set(c.record.setIdentifier, [...(types.get(c.record.setIdentifier) ?? []), c.record.type]);
      for (const [setId, t] of types) expect(t.sort(), setId).toEqual(['A', 'AAAA']);
    }
    expect(landed[0]).not.toContain(SLOW);
    expect(landed.flat().sort()).toEqual([...ids, ...ids].sort());
  });
});

/** A DnsWriter that records what it is sent; `refuse` picks the checks Route 53 refuses. */
function writer(refuse: (spec: HealthCheckSpec) => boolean = () => false) {
  const sent: RecordChange[][] = [];
  const created: string[] = [];
  let n = 0;
  const aws: DnsWriter = {
    ec2: { tagInstance: async () => undefined, untagInstance: async () => undefined },
    route53: {
      createHealthCheck: async (ref: string, spec: HealthCheckSpec) => {
        if (refuse(spec)) throw Object.assign(new Error('refused'), { name: 'InvalidInput' });
        created.push(spec.ipAddress ?? '');
        return { id: `hc-new-${++n}`, callerReference: ref, attempts: 1 };
      },
      tagHealthCheck: async () => undefined,
      changeRecords: async (_zone: string, changes: readonly RecordChange[]) => {
        sent.push([...changes]);
        return ['C1'];
      },
      deleteHealthCheck: async () => 'deleted' as const,
      listHealthChecks: async () => [],
      listRecords: async () => [],
    } as unknown as DnsWriter['route53'],
  };
  return { aws, sent, created };
}
const silent = new Logger({ logLevel: 'SILENT' });

describe('applyPlan guards with dual-stack nodes', () => {
  it("a leaving node's records go while a serving node keeps its A record, even if that node's AAAA check cannot be made", async () => {
    // Prepare: A leaves (A and AAAA records); B serves on its A record, its AAAA record still to make
    const [a, b] = ids;
    const leaving = { ...node(a!, 'Terminating:Wait', '203.0.113.1'), address6: '2001:db8::1' };
    const serving = { ...node(b!, 'InService', '203.0.113.2'), address6: '2001:db8::2' };
    const plain = fleetConfig({ dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com' } });
    const records = [
      record(a!, { values: ['203.0.113.1'], healthCheckId: 'hc-1' }, plain),
      record(a!, { type: 'AAAA', values: ['2001:db8::1'], healthCheckId: 'hc-2' }, plain),
      record(b!, { values: ['203.0.113.2'], healthCheckId: 'hc-3' }, plain),
    ];
    const checks = [check(a!, '203.0.113.1', 'hc-1', plain), check(a!, '2001:db8::1', 'hc-2', plain), check(b!, '203.0.113.2', 'hc-3', plain)];
    const plan = planDns(fleet, { nodes: [leaving, serving], records, healthChecks: checks });
    const { aws, sent } = writer((spec) => spec.ipAddress === '2001:db8::2');

    // Act
    const result = await applyPlan(fleet, plan, aws, silent);

    // Assess: A's two deletions went; B failed (its AAAA check), A was not held back
    expect(sent.flat().map((c) => `${c.action} ${c.record.type} ${c.record.values[0]}`)).toEqual(['DELETE A 203.0.113.1', 'DELETE AAAA 2001:db8::1']);
    expect([...result.deferred]).toEqual([]);
    expect([...result.failed.keys()]).toEqual([b]);
  });

  it("a lifecycle run makes every check of the event's node first (a dual-stack node has two)", async () => {
    const plan = planDns(fleet, { nodes, records: [], healthChecks: [] });
    const { aws, created } = writer();
    await applyPlan(fleet, plan, aws, silent, { order: { direction: 'ascending', first: SLOW } });
    expect(created.slice(0, 2).sort()).toEqual(['2001:db8::5', '203.0.113.5']);
  });
});
