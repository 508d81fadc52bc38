import { describe, expect, it } from 'vitest';
import type { AddressAction, AddressNode, PoolAddress } from '../../lib/plan/addressTypes';
import { effectiveHolder, launchesWithoutHome, planAddresses } from '../../lib/plan/addresses';

const NOW = new Date('2026-11-22T10:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();
const SETTINGS = { sparePrivateIps: 1, failbackHoldDownSeconds: 60 };

/** Node `n` (1..9): eni-n, primary 10.0.0.n, one secondary 10.0.1.n; AZ a for odd, b for even. */
const node = (n: number, over: Partial<AddressNode> = {}): AddressNode => ({
  instanceId: `i-${n}`,
  lifecycleState: 'InService',
  availabilityZone: n % 2 ? 'eu-west-1a' : 'eu-west-1b',
  health: 'ok',
  healthSince: ago(3600),
  eni: { id: `eni-${n}`, primaryIp: `10.0.0.${n}`, secondaryIps: [`10.0.1.${n}`] },
  ...over,
});
const onPrimary = (n: number) => ({ instanceId: `i-${n}`, eniId: `eni-${n}`, privateIp: `10.0.0.${n}` });
const onSecondary = (n: number) => ({ instanceId: `i-${n}`, eniId: `eni-${n}`, privateIp: `10.0.1.${n}` });
/** Address `k` homed on node `home`, sitting on `holder`. */
const eip = (k: number, home: number | undefined, holder = home ? onPrimary(home) : undefined, over: Partial<PoolAddress> = {}): PoolAddress => ({
  allocationId: `eipalloc-${k}`,
  publicIp: `52.16.0.${k}`,
  ...(home ? { home: `i-${home}` } : {}),
  ...(holder ? { holder } : {}),
  ...over,
});

/** `kind allocation -> instance/ip` for each action: what the table asserts. */
function summary(actions: AddressAction[]): string[] {
  return actions.map((a) => {
    switch (a.kind) {
      case 'associateAddress':
        return `move ${a.allocationId} -> ${a.to.instanceId}/${a.assignIp ? '(new IP)' : a.to.privateIp}`;
      case 'claimAddress':
        return `claim ${a.allocationId} for ${a.instanceId}`;
      case 'releaseAddress':
        return `release ${a.allocationId} from ${a.instanceId}`;
      case 'assignSecondaryIps':
        return `assign ${a.count} to ${a.instanceId}`;
      default:
        throw new Error(`unknown action ${JSON.stringify(a satisfies never)}`);
    }
  });
}

const CODE_OF = { claimAddress: 'home-missing', releaseAddress: 'home-released', assignSecondaryIps: 'spare-ips' } as const;

const cases: { name: string; nodes: AddressNode[]; pool: PoolAddress[]; want: string[]; stuck?: string[] }[] = [
  { name: 'converged: every address at home', nodes: [node(1), node(2)], pool: [eip(1, 1), eip(2, 2)], want: [] },
  {
    name: 'a new node claims the lowest free address and gets it on its primary IP',
    nodes: [node(1), node(2, { lifecycleState: 'Pending:Wait', health: 'unknown', healthSince: ago(5) })],
    pool: [eip(1, 1), eip(3, undefined), eip(2, undefined)],
    want: ['claim eipalloc-2 for i-2', 'move eipalloc-2 -> i-2/10.0.0.2'],
  },
  {
    name: "a failed node: its address moves to a healthy peer's free secondary IP",
    nodes: [node(1, { health: 'alarm' }), node(2), node(3)],
    pool: [eip(1, 1), eip(2, 2), eip(3, 3)],
    // node 3 shares node 1's AZ (a): preferred over node 2
    want: ['move eipalloc-1 -> i-3/10.0.1.3', 'assign 1 to i-3'],
  },
  {
    name: 'same AZ first, then the fewest addresses',
    nodes: [node(1, { health: 'alarm' }), node(2), node(3), node(5, { eni: { id: 'eni-5', primaryIp: '10.0.0.5', secondaryIps: ['10.0.1.5'] } })],
    pool: [eip(1, 1), eip(2, 2), eip(3, 3), eip(5, 5), eip(9, 9, onSecondary(3))],
    // nodes 3 and 5 are both in AZ a; 3 already holds two addresses, 5 holds one
    want: ['release eipalloc-9 from i-9', 'move eipalloc-1 -> i-5/10.0.1.5', 'assign 1 to i-3', 'assign 1 to i-5'],
  },
  {
    name: 'two addresses of a failed node spread over two peers',
    nodes: [node(1, { health: 'alarm', eni: { id: 'eni-1', primaryIp: '10.0.0.1', secondaryIps: ['10.0.1.1', '10.0.2.1'] } }), node(3), node(5)],
    pool: [eip(1, 1), eip(3, 3), eip(5, 5), eip(7, 1, onSecondary(1), { home: 'i-1' })],
    // eipalloc-7 was a second home of i-1 (one per node): released, then rescued like the first
    want: ['release eipalloc-7 from i-1', 'move eipalloc-1 -> i-3/10.0.1.3', 'move eipalloc-7 -> i-5/10.0.1.5', 'assign 1 to i-3', 'assign 1 to i-5'],
  },
  {
    name: "a terminating node's address moves and its claim is released for a replacement",
    nodes: [node(1, { lifecycleState: 'Terminating:Wait' }), node(2)],
    pool: [eip(1, 1), eip(2, 2)],
    want: ['release eipalloc-1 from i-1', 'move eipalloc-1 -> i-2/10.0.1.2', 'assign 1 to i-2'],
    stuck: [],
  },
  {
    name: 'never onto a node in ALARM, Terminating or not InService; with no peer, stays and says why',
    nodes: [
      node(1, { health: 'alarm' }),
      node(2, { health: 'alarm' }),
      node(3, { lifecycleState: 'Terminating:Wait' }),
      node(5, { lifecycleState: 'Pending:Wait' }),
    ],
    pool: [eip(1, 1), eip(2, 2), eip(5, 5)],
    // node 5 (launching) keeps its own address but receives no peer's
    want: [],
    stuck: ['eipalloc-1', 'eipalloc-2'],
  },
  {
    name: 'recovered but inside the hold-down: stays on the peer (which keeps a spare IP)',
    nodes: [node(1, { healthSince: ago(30) }), node(3)],
    pool: [eip(1, 1, onSecondary(3)), eip(3, 3)],
    want: ['assign 1 to i-3'],
  },
  {
    name: 'recovered past the hold-down: moves home',
    nodes: [node(1, { healthSince: ago(61) }), node(3, { eni: { id: 'eni-3', primaryIp: '10.0.0.3', secondaryIps: ['10.0.1.3', '10.0.2.3'] } })],
    pool: [eip(1, 1, onSecondary(3)), eip(3, 3)],
    want: ['move eipalloc-1 -> i-1/10.0.0.1'],
  },
  {
    name: 'inside the hold-down but the peer holding it failed too: home at once',
    nodes: [node(1, { healthSince: ago(5) }), node(3, { health: 'alarm' })],
    pool: [eip(1, 1, onSecondary(3)), eip(3, 3)],
    want: ['move eipalloc-1 -> i-1/10.0.0.1', 'move eipalloc-3 -> i-1/10.0.1.1', 'assign 1 to i-1'],
  },
  {
    name: 'on a healthy peer while the home is still failed: stays (no bouncing between peers)',
    nodes: [node(1, { health: 'alarm' }), node(2), node(3)],
    pool: [eip(1, 1, onSecondary(2)), eip(2, 2), eip(3, 3)],
    want: ['assign 1 to i-2'],
  },
  {
    name: 'two homes on one node (a race between runs): the one on its primary stays, the other goes to a node without one',
    nodes: [node(1), node(2)],
    pool: [eip(1, 1), eip(3, 1, undefined)],
    want: ['claim eipalloc-3 for i-2', 'move eipalloc-3 -> i-2/10.0.0.2'],
  },
  {
    name: 'two homes on one node and nobody needs one: the extra claim is released',
    nodes: [node(1)],
    pool: [eip(1, 1), eip(3, 1, undefined)],
    want: ['release eipalloc-3 from i-1'],
  },
  {
    name: 'a claimer takes an unassociated free address before one that serves on a peer',
    nodes: [node(1), node(2), node(4, { lifecycleState: 'Pending:Wait', health: 'unknown', healthSince: ago(5) })],
    pool: [eip(1, 1), eip(2, 2), eip(3, undefined, onSecondary(2), { lastMove: { to: onSecondary(2), at: ago(300) } }), eip(5, undefined)],
    want: ['claim eipalloc-5 for i-4', 'move eipalloc-5 -> i-4/10.0.0.4', 'assign 1 to i-2'],
  },
  {
    name: 'a launching node does not pull its claimed address off a healthy peer before it is proven',
    nodes: [node(1), node(2, { lifecycleState: 'Pending:Wait', health: 'unknown', healthSince: ago(300) })],
    pool: [eip(1, 1), eip(3, undefined, onSecondary(1), { lastMove: { to: onSecondary(1), at: ago(300) } })],
    want: ['claim eipalloc-3 for i-2', 'assign 1 to i-1'],
  },
  {
    name: 'a released address that lost its association is placed again on a healthy peer',
    nodes: [node(1), node(2)],
    pool: [eip(1, 1), eip(2, 2), eip(3, undefined, undefined, { lastMove: { to: onSecondary(9), at: ago(600) } })],
    want: ['move eipalloc-3 -> i-1/10.0.1.1', 'assign 1 to i-1'],
  },
  {
    name: 'a never-used unclaimed address is left alone',
    nodes: [node(1)],
    pool: [eip(1, 1), eip(3, undefined)],
    want: [],
  },
  {
    name: 'no peer has a free secondary IP: the best peer gets a new one and the address in the same run',
    nodes: [node(1, { health: 'alarm' }), node(3, { eni: { id: 'eni-3', primaryIp: '10.0.0.3', secondaryIps: [] } })],
    pool: [eip(1, 1), eip(3, 3)],
    want: ['move eipalloc-1 -> i-3/(new IP)', 'assign 1 to i-3'],
  },
  {
    name: 'after ALARM, INSUFFICIENT_DATA is not a recovery: the address stays on the peer',
    nodes: [
      node(1, { health: 'unknown', healthSince: ago(600) }),
      node(3, { eni: { id: 'eni-3', primaryIp: '10.0.0.3', secondaryIps: ['10.0.1.3', '10.0.2.3'] } }),
    ],
    pool: [eip(1, 1, onSecondary(3)), eip(3, 3)],
    want: [],
  },
  {
    name: 'a secondary IP holding an Elastic IP from outside the pool is not free',
    nodes: [
      node(1, { health: 'alarm' }),
      node(3, { eni: { id: 'eni-3', primaryIp: '10.0.0.3', secondaryIps: ['10.0.1.3', '10.0.2.3'], associatedIps: ['10.0.0.3', '10.0.1.3'] } }),
    ],
    pool: [eip(1, 1), eip(3, 3)],
    want: ['move eipalloc-1 -> i-3/10.0.2.3', 'assign 1 to i-3'],
  },
  {
    name: 'a node short of free secondary IPs gets one assigned',
    nodes: [node(1, { eni: { id: 'eni-1', primaryIp: '10.0.0.1', secondaryIps: [] } }), node(2)],
    pool: [eip(1, 1), eip(2, 2)],
    want: ['assign 1 to i-1'],
  },
];

describe('planAddresses', () => {
  it.each(cases)('$name', ({ nodes, pool, want, stuck }) => {
    // Act
    const plan = planAddresses(nodes, pool, SETTINGS, NOW);
    // Assess
    expect(summary(plan.actions), JSON.stringify(summary(plan.actions))).toEqual(want);
    if (stuck) expect(plan.stuck.map((s) => s.allocationId)).toEqual(stuck);
    // Every change says why with the code of its kind; a move says whether it fails over or goes home.
    for (const a of plan.actions) expect(a.reason.code).toBe(a.kind === 'associateAddress' ? a.reason.code : CODE_OF[a.kind]);
    for (const a of plan.actions.filter((x) => x.kind === 'associateAddress'))
      expect(a.reason.code).toBe(plan.homeOf.get(a.to.instanceId) === a.publicIp ? 'to-home' : 'failover');
    for (const st of plan.stuck) expect(st.reason.code).toBe('no-receiver');
  });

  it('is deterministic: the same state in any order gives the same plan', () => {
    const nodes = [node(1, { health: 'alarm' }), node(2), node(3), node(4)];
    const pool = [eip(1, 1), eip(2, 2), eip(3, 3), eip(4, 4), eip(8, undefined)];
    expect(planAddresses([...nodes].reverse(), [...pool].reverse(), SETTINGS, NOW)).toEqual(planAddresses(nodes, pool, SETTINGS, NOW));
  });

  it('maps every node to its home address', () => {
    const plan = planAddresses([node(1), node(2)], [eip(1, 1), eip(2, undefined)], SETTINGS, NOW);
    expect([...plan.homeOf]).toEqual([
      ['i-1', '52.16.0.1'],
      ['i-2', '52.16.0.2'],
    ]);
  });
});

describe('launchesWithoutHome', () => {
  const launching = (n: number, over: Partial<AddressNode> = {}) => node(n, { lifecycleState: 'Pending:Wait', health: 'unknown', ...over });
  const homeless = (nodes: AddressNode[], pool: PoolAddress[]) => {
    const plan = planAddresses(nodes, pool, SETTINGS, NOW);
    return launchesWithoutHome(nodes, pool, plan).map((h) => [h.instanceId, h.reason.code, h.reason.message]);
  };

  it('the pool has no free address: every launching node left without a home, with no-elastic-ip', () => {
    expect(homeless([node(1), launching(2), launching(3, { lifecycleState: 'Pending' })], [eip(1, 1)])).toEqual([
      ['i-2', 'no-elastic-ip', expect.stringContaining('every address of the Elastic IP pool (1) has a home on another node')],
      ['i-3', 'no-elastic-ip', expect.stringContaining('every address of the Elastic IP pool (1)')],
    ]);
  });

  it('an empty pool, or a node whose interface is not seen yet, says so', () => {
    expect(homeless([launching(2)], [])).toEqual([['i-2', 'no-elastic-ip', expect.stringContaining('the Elastic IP pool has no address')]]);
    const { eni: _, ...noEni } = launching(2);
    expect(homeless([noEni], [eip(5, undefined)])).toEqual([['i-2', 'no-elastic-ip', expect.stringContaining('no network interface seen')]]);
  });

  it('nobody is listed when a free address is claimed, and serving or leaving nodes without a home never are', () => {
    expect(homeless([node(1), launching(2)], [eip(1, 1), eip(2, undefined)])).toEqual([]);
    expect(homeless([node(1), node(2), node(3, { lifecycleState: 'Terminating:Wait' })], [eip(1, 1)])).toEqual([]);
  });
});

describe('effectiveHolder', () => {
  it('trusts our own move for 30 s over a describe that still shows the old holder', () => {
    const a = eip(1, 1, onPrimary(1), { lastMove: { to: onSecondary(3), at: ago(10) } });
    expect(effectiveHolder(a, NOW)).toEqual(onSecondary(3));
    expect(effectiveHolder({ ...a, lastMove: { to: onSecondary(3), at: ago(31) } }, NOW)).toEqual(onPrimary(1));
  });
});
