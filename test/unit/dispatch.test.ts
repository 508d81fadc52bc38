/**
 * What a lifecycle message asks of us, decided before any AWS call (lib/plan/dispatch.ts): the
 * whole table of fleet, hook ownership, route and warm-pool moves, each answer with its reason code.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../lib/config/load';
import type { LifecycleMessage, TestMessage } from '../../lib/events/types';
import { dispatchLifecycle, unconfirmed } from '../../lib/plan/dispatch';
import type { ReasonCode } from '../../lib/plan/reasons';

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

const cases: { name: string; msg: LifecycleMessage; want: string; code?: ReasonCode; tier?: string; says?: string }[] = [
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
  {
    name: 'a group no fleet manages',
    msg: msg({ groupName: 'batch' }),
    want: 'ignore',
    code: 'group-not-managed',
    says: 'no fleet manages Auto Scaling group batch',
  },
  {
    name: "another team's hook on our group",
    msg: msg({ hookName: 'security-scan' }),
    want: 'ignore',
    code: 'hook-not-ours',
    says: 'security-scan is not this fleet',
  },
  {
    name: "the load balancers' hook name on an application group is not ours there",
    msg: msg({ groupName: 'web-app', hookName: LB_LAUNCH }),
    want: 'ignore',
    code: 'hook-not-ours',
    says: `(${APP_LAUNCH})`,
  },
  {
    name: 'our launch hook name under the terminating transition',
    msg: msg({ transition: 'terminating', origin: 'AutoScalingGroup', destination: 'EC2' }),
    want: 'ignore',
    code: 'hook-not-ours',
  },
  {
    name: 'a launch from the group to EC2 is a route Auto Scaling never sends',
    msg: msg({ origin: 'AutoScalingGroup', destination: 'EC2' }),
    want: 'reject',
    code: 'route-impossible',
    says: 'never goes from AutoScalingGroup to EC2',
  },
  { name: 'a made-up origin', msg: msg({ origin: 'Elsewhere' }), want: 'reject', code: 'route-impossible', tier: 'load-balancers' },
  {
    name: 'a launch into the warm pool',
    msg: msg({ destination: 'WarmPool' }),
    want: 'warm-pool-move',
    code: 'warm-pool-move',
    tier: 'load-balancers',
    says: 'launched into the warm pool',
  },
  {
    name: 'a termination from the warm pool',
    msg: msg({ transition: 'terminating', hookName: LB_TERM, origin: 'WarmPool', destination: 'EC2' }),
    want: 'warm-pool-move',
    code: 'warm-pool-move',
    says: 'terminated from the warm pool',
  },
  { name: 'out of the warm pool into service is a launch to reconcile', msg: msg({ origin: 'WarmPool' }), want: 'reconcile' },
  {
    name: 'a scale-in back to the warm pool is a termination to reconcile (it must leave DNS)',
    msg: msg({ transition: 'terminating', hookName: LB_TERM, origin: 'AutoScalingGroup', destination: 'WarmPool' }),
    want: 'reconcile',
  },
];

describe('dispatchLifecycle', () => {
  it.each(cases)('$name: $want', ({ msg: m, want, code, tier, says }) => {
    const got = dispatchLifecycle(config, m);
    expect(got.kind).toBe(want);
    if (tier && 'tier' in got) expect(got.tier).toBe(tier);
    if ('fleet' in got) expect(got.fleet.name).toBe('edge');
    // Every answer but reconcile carries a reason from the catalog; reconcile's reasons are the plan's.
    if (want === 'reconcile') expect('reason' in got).toBe(false);
    else expect('reason' in got && got.reason.code).toBe(code);
    if (says) expect('reason' in got && got.reason.message).toContain(says);
  });

  it("Auto Scaling's test notification is ignored, whatever the group", () => {
    const test: TestMessage = { kind: 'test', groupName: 'edge-haproxy', via: 'sns' };
    expect(dispatchLifecycle(config, test)).toEqual({ kind: 'ignore', reason: { code: 'test-notification', message: 'test notification' } });
  });

  it('an event the reconcile finds unconfirmed is rejected with its sentence', () => {
    expect(unconfirmed('the group shows instance i-1 InService')).toEqual({ code: 'event-unconfirmed', message: 'the group shows instance i-1 InService' });
  });
});
