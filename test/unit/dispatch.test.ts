/**
 * What a lifecycle message asks of us, decided before any AWS call (lib/plan/dispatch.ts): the
 * whole table of fleet, hook ownership, route and warm-pool moves.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../lib/config/load';
import type { LifecycleMessage } from '../../lib/events/types';
import { dispatchLifecycle } from '../../lib/plan/dispatch';

const config = parseConfigText(readFileSync(new URL('../../docs/fleet.config.haproxy.json', import.meta.url), 'utf8'));
const edge = config.fleets[0]!;
const [LB_LAUNCH, LB_TERM] = [edge.lifecycleHooks.launching.name, edge.lifecycleHooks.terminating.name];
const [APP_LAUNCH, APP_TERM] = [edge.appLifecycleHooks.launching.name, edge.appLifecycleHooks.terminating.name];

const msg = (over: Partial<LifecycleMessage>): LifecycleMessage => ({
  kind: 'lifecycle',
  groupName: 'edge-haproxy',
  instanceId: 'i-0aaaaaaaaaaaaaaa1',
  transition: 'launching',
  hookName: LB_LAUNCH,
  token: 't',
  origin: 'EC2',
  destination: 'AutoScalingGroup',
  via: 'sns',
  ...over,
});

const cases: { name: string; msg: LifecycleMessage; want: string; tier?: string; says?: string }[] = [
  { name: 'our launch hook on the load balancers', msg: msg({}), want: 'reconcile', tier: 'load-balancers' },
  {
    name: 'our terminate hook on the load balancers',
    msg: msg({ transition: 'terminating', hookName: LB_TERM, origin: 'AutoScalingGroup', destination: 'EC2' }),
    want: 'reconcile',
    tier: 'load-balancers',
  },
  { name: 'our launch hook on an application group', msg: msg({ groupName: 'web-app', hookName: APP_LAUNCH }), want: 'reconcile', tier: 'application' },
  {
    name: 'our terminate hook on an application group',
    msg: msg({ groupName: 'api-app', transition: 'terminating', hookName: APP_TERM, origin: 'AutoScalingGroup', destination: 'EC2' }),
    want: 'reconcile',
    tier: 'application',
  },
  { name: 'a group no fleet manages', msg: msg({ groupName: 'batch' }), want: 'ignore', says: 'no fleet manages Auto Scaling group batch' },
  { name: "another team's hook on our group", msg: msg({ hookName: 'security-scan' }), want: 'ignore', says: 'security-scan is not this fleet' },
  {
    name: "the load balancers' hook name on an application group is not ours there",
    msg: msg({ groupName: 'web-app', hookName: LB_LAUNCH }),
    want: 'ignore',
    says: `(${APP_LAUNCH})`,
  },
  {
    name: 'our launch hook name under the terminating transition',
    msg: msg({ transition: 'terminating', origin: 'AutoScalingGroup', destination: 'EC2' }),
    want: 'ignore',
  },
  { name: 'a launch from the group to EC2 is a route Auto Scaling never sends', msg: msg({ origin: 'AutoScalingGroup', destination: 'EC2' }), want: 'reject' },
  { name: 'a made-up origin', msg: msg({ origin: 'Elsewhere' }), want: 'reject', tier: 'load-balancers' },
  { name: 'a launch into the warm pool', msg: msg({ destination: 'WarmPool' }), want: 'warm-pool-move', tier: 'load-balancers' },
  {
    name: 'a termination from the warm pool',
    msg: msg({ transition: 'terminating', hookName: LB_TERM, origin: 'WarmPool', destination: 'EC2' }),
    want: 'warm-pool-move',
  },
  { name: 'out of the warm pool into service is a launch to reconcile', msg: msg({ origin: 'WarmPool' }), want: 'reconcile' },
  {
    name: 'a scale-in back to the warm pool is a termination to reconcile (it must leave DNS)',
    msg: msg({ transition: 'terminating', hookName: LB_TERM, origin: 'AutoScalingGroup', destination: 'WarmPool' }),
    want: 'reconcile',
  },
];

describe('dispatchLifecycle', () => {
  it.each(cases)('$name: $want', ({ msg: m, want, tier, says }) => {
    const got = dispatchLifecycle(config, m);
    expect(got.kind).toBe(want);
    if (tier && 'tier' in got) expect(got.tier).toBe(tier);
    if ('fleet' in got) expect(got.fleet.name).toBe('edge');
    if (says) expect('reason' in got && got.reason).toContain(says);
  });
});
