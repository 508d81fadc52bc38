/** Announced ends (lib/plan/health.ts): the decision tables for EC2 events and a marked node's health. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/load';
import type { Ec2InstanceEvent, Ec2Signal } from '../../lib/events/ec2';
import { planAddresses } from '../../lib/plan/addresses';
import type { AddressNode, PoolAddress } from '../../lib/plan/addressTypes';
import { decideEnding, endingAnnounced, endingStands, type EndingMark, type NodeAlarm, nodeHealth, parseEndingMark } from '../../lib/plan/health';
import { ENDING_TAG } from '../../lib/plan/tags';

const ID = 'i-0a1b2c3d4e5f60718';
const AT = '2026-11-22T10:06:00.000Z';
const event = (signal: Ec2Signal, time = AT): Ec2InstanceEvent => ({ instanceId: ID, signal, time, eventId: 'e' });

const config = parseConfig({
  fleets: [
    {
      name: 'edge',
      autoScalingGroupName: 'edge-haproxy',
      dns: { hostedZoneId: 'Z0EXAMPLE1234567890AB', recordName: 'edge.example.com', address: 'elastic-ip' },
      healthCheck: { protocol: 'HTTP', port: 8404, path: '/healthz' },
      elasticIps: {},
      alarms: { manage: true },
      haproxy: { backends: [{ name: 'web', servers: { autoScalingGroup: 'edge-web' }, port: 8080 }] },
    },
    {
      name: 'plain',
      autoScalingGroupName: 'plain-haproxy',
      dns: { hostedZoneId: 'Z0EXAMPLE1234567890AB', recordName: 'plain.example.com' },
      healthCheck: { protocol: 'HTTP', port: 8404, path: '/healthz' },
    },
  ],
});

const instance = (tags: Record<string, string>, launchTime = '2026-11-22T09:00:00.000Z', state = 'running') => ({ state, launchTime, tags });
const ours = (extra: Record<string, string> = {}) => ({ 'aws:autoscaling:groupName': 'edge-haproxy', ...extra });

describe('endingAnnounced: from the event alone, before any AWS call', () => {
  it.each<[string, Ec2Signal, string | undefined]>([
    ['Spot interruption warning (terminate)', { kind: 'spot-interruption', action: 'terminate' }, 'spot-interruption:terminate'],
    ['Spot interruption warning (stop)', { kind: 'spot-interruption', action: 'stop' }, 'spot-interruption:stop'],
    ['rebalance recommendation', { kind: 'rebalance-recommendation' }, 'rebalance-recommendation'],
    ['stopping', { kind: 'state-change', state: 'stopping' }, 'stopping'],
    ['shutting-down', { kind: 'state-change', state: 'shutting-down' }, 'shutting-down'],
    ['stopped', { kind: 'state-change', state: 'stopped' }, 'stopped'],
    ['terminated', { kind: 'state-change', state: 'terminated' }, 'terminated'],
    ['pending', { kind: 'state-change', state: 'pending' }, undefined],
    ['running', { kind: 'state-change', state: 'running' }, undefined],
  ])('%s', (_name, signal, cause) => {
    const out = endingAnnounced(event(signal));
    if (cause) expect(out).toEqual({ mark: { at: AT, cause } });
    else expect(out).toEqual({ ignore: expect.objectContaining({ code: 'not-ending' }) });
  });
});

describe('decideEnding: from the instance as EC2 describes it', () => {
  const mark: EndingMark = { at: AT, cause: 'spot-interruption:terminate' };
  const decide = (i: Parameters<typeof decideEnding>[3]) => decideEnding(config, event({ kind: 'spot-interruption', action: 'terminate' }), mark, i);

  it.each<[string, Parameters<typeof decideEnding>[3], string]>([
    ['EC2 does not list it', undefined, 'not-fleet-node'],
    ['in no Auto Scaling group', instance({}), 'not-fleet-node'],
    ['in a group no fleet manages', instance({ 'aws:autoscaling:groupName': 'batch' }), 'not-fleet-node'],
    ['in the group of a fleet without Elastic IPs', instance({ 'aws:autoscaling:groupName': 'plain-haproxy' }), 'not-fleet-node'],
    ["in a fleet's application group", instance({ 'aws:autoscaling:groupName': 'edge-web' }), 'not-fleet-node'],
    ['started again after the event', instance(ours(), '2026-11-22T10:07:30.000Z'), 'ending-superseded'],
  ])('ignored: %s', (_name, i, code) => {
    expect(decide(i)).toEqual({ act: false, reason: expect.objectContaining({ code }) });
  });

  it('a running node of a fleet with Elastic IPs: marked and failed over', () => {
    expect(decide(instance(ours()))).toMatchObject({ act: true, fleet: { name: 'edge' }, mark, write: true, reason: { code: 'node-ending' } });
  });

  it.each<[string, Record<string, string>, string, boolean]>([
    ['the same mark already noted (a duplicate)', { [ENDING_TAG]: `${AT} spot-interruption:terminate` }, 'running', false],
    ['a later mark noted (this event came late)', { [ENDING_TAG]: '2026-11-22T10:07:00.000Z rebalance-recommendation' }, 'running', false],
    ['an earlier mark noted (a rebalance recommendation before)', { [ENDING_TAG]: '2026-11-22T10:01:00.000Z rebalance-recommendation' }, 'running', true],
    ["a mark from before the instance's last start", { [ENDING_TAG]: '2026-11-22T08:00:00.000Z stopped' }, 'running', true],
    ['an unreadable mark', { [ENDING_TAG]: 'soon' }, 'running', true],
    ['a terminated instance (never runs again)', {}, 'terminated', false],
  ])('written or not: %s', (_name, tags, state, write) => {
    expect(decide(instance(ours(tags), undefined, state))).toMatchObject({ act: true, write });
  });
});

describe('a marked node', () => {
  const ok: NodeAlarm[] = [{ name: `hfc-hfc-edge-${ID}`, state: 'OK', stateUpdated: '2026-11-22T09:30:00.000Z' }];
  const health = (tags: Record<string, string>, launchTime?: string, announced?: EndingMark) =>
    nodeHealth(ID, ok, 'hfc-hfc-edge-', { tags, ...(launchTime ? { launchTime } : {}) }, announced);

  it('counts as failed whatever its alarms say, until it is started again', () => {
    expect(health({ [ENDING_TAG]: `${AT} stopping` }, '2026-11-22T09:00:00.000Z')).toEqual({ health: 'alarm', ending: { at: AT, cause: 'stopping' } });
    expect(health({ [ENDING_TAG]: `${AT} stopping` })).toMatchObject({ health: 'alarm' });
    // Started at 10:09: a fresh node, whose hold-down counts from its start, not from its alarm's last change.
    expect(health({ [ENDING_TAG]: `${AT} stopping` }, '2026-11-22T10:09:00.000Z')).toEqual({ health: 'ok', healthSince: '2026-11-22T10:09:00.000Z' });
  });

  it('the mark the alarm function is acting on counts before it can be read back', () => {
    expect(health({}, '2026-11-22T09:00:00.000Z', { at: AT, cause: 'rebalance-recommendation' })).toMatchObject({ health: 'alarm' });
  });

  it('without a mark: its alarms, the hold-down from the later of their last change and its last start', () => {
    expect(health({}, '2026-11-22T09:00:00.000Z')).toEqual({ health: 'ok', healthSince: '2026-11-22T09:30:00.000Z' });
  });

  it('marks: read back as written; whole seconds decide whether a start came after', () => {
    expect(parseEndingMark(`${AT} spot-interruption:stop`)).toEqual({ at: AT, cause: 'spot-interruption:stop' });
    expect(parseEndingMark('2026-11-22T10:06:00Z')).toEqual({ at: AT, cause: 'announced' });
    expect(parseEndingMark('')).toBeUndefined();
    expect(parseEndingMark('tomorrow stopping')).toBeUndefined();
    expect(endingStands({ at: AT, cause: 'x' }, '2026-11-22T10:06:00.400Z')).toBe(true);
    expect(endingStands({ at: AT, cause: 'x' }, '2026-11-22T10:06:01.000Z')).toBe(false);
  });

  it("the address planner moves a marked node's address to a healthy peer, and says why", () => {
    // Prepare
    const node = (id: string, ip: string, extra: Partial<AddressNode> = {}): AddressNode => ({
      instanceId: id,
      lifecycleState: 'InService',
      availabilityZone: 'eu-west-1a',
      health: 'ok',
      healthSince: '2026-11-22T09:00:00.000Z',
      eni: { id: `eni-${id.slice(2)}`, primaryIp: ip, secondaryIps: [`${ip}0`] },
      ...extra,
    });
    const a = { ...node(ID, '10.0.1.1'), ...health({ [ENDING_TAG]: `${AT} spot-interruption:terminate` }, '2026-11-22T09:00:00.000Z') };
    const b = node('i-0b1b2c3d4e5f60718', '10.0.1.2');
    const pool: PoolAddress[] = [
      { allocationId: 'eipalloc-1', publicIp: '52.16.0.1', home: a.instanceId, holder: { instanceId: a.instanceId, eniId: a.eni!.id, privateIp: '10.0.1.1' } },
      { allocationId: 'eipalloc-2', publicIp: '52.16.0.2', home: b.instanceId, holder: { instanceId: b.instanceId, eniId: b.eni!.id, privateIp: '10.0.1.2' } },
    ];

    // Act
    const plan = planAddresses([a, b], pool, { sparePrivateIps: 1, failbackHoldDownSeconds: 60 }, new Date('2026-11-22T10:06:02Z'));

    // Assess
    const move = plan.actions.find((x) => x.kind === 'associateAddress');
    expect(move).toMatchObject({ allocationId: 'eipalloc-1', to: { instanceId: b.instanceId, privateIp: '10.0.1.20' }, reason: { code: 'failover' } });
    expect(move?.reason.message).toContain(`home ${ID} announced ending (spot-interruption:terminate at ${AT})`);
    expect(plan.homeOf.get(ID)).toBe('52.16.0.1'); // it keeps its claim while it lives
  });
});
