/**
 * The address planner: where each Elastic IP of the fleet's pool should be, decided from the
 * observed fleet alone. Pure and deterministic (everything is sorted), so two runs that see the
 * same state make the same decision, and a run that sees its own recent move (the `hfc:moved-to`
 * tag, within MOVE_GRACE_MS) never fights it.
 *
 *   address's home node                   address goes to
 *   ------------------------------------  -----------------------------------------------------
 *   can serve, and the address is on it    stays
 *   can serve, address on a healthy peer   home once the home is InService, its alarms are OK,
 *                                           and have been for the hold-down; until then stays
 *                                           (no bouncing while the home flaps, no pulling a
 *                                           serving address onto a node not yet proven)
 *   can serve, address nowhere or on a     home
 *     node that cannot serve
 *   cannot serve (ALARM, leaving, gone)     stays on its holder if that is a healthy peer;
 *                                           else the best healthy peer: a free secondary private
 *                                           IP first, same AZ as the home, fewest addresses,
 *                                           instance id; when no peer has a free IP, the best
 *                                           peer gets a new one in the same run
 *   no healthy peer at all                 stays where it is (reported as stuck)
 *   unclaimed, and placed before            kept alive on a healthy peer the same way
 *
 * "Can serve" = InService (or launching: Pending, Pending:Wait, Pending:Proceed, for its own
 * address only) and not in ALARM. Only InService, non-ALARM nodes receive peers' addresses.
 * Homes: one per node (a second claim is released); a node without one claims a free pool
 * address (free = no home, or a home that cannot hold one), unassociated ones first, then by
 * allocation id.
 */
import { MOVE_GRACE_MS, type AddressAction, type AddressNode, type AddressPlan, type Placement, type PoolAddress } from './addressTypes';
import { failureOf } from './health';
import { IN_SERVICE, LAUNCHING } from './lifecycle';
import { type Reason, reason } from './reasons';

export interface AddressSettings {
  /** Free secondary private IPs each receiving node keeps. */
  sparePrivateIps: number;
  /** How long a recovered home must stay out of ALARM before its addresses move back. */
  failbackHoldDownSeconds: number;
}

const byId = <T extends { instanceId: string }>(a: T, b: T) => a.instanceId.localeCompare(b.instanceId);
const samePlacement = (a?: Placement, b?: Placement) => !!a && !!b && a.eniId === b.eniId && a.privateIp === b.privateIp;

/** Can hold its own home address (claim it, have it associated). */
export function canHoldHome(n: AddressNode): boolean {
  return (n.lifecycleState === IN_SERVICE || LAUNCHING.has(n.lifecycleState)) && !!n.eni;
}

/** Can serve traffic on its addresses right now. */
function canServe(n: AddressNode): boolean {
  return canHoldHome(n) && n.health !== 'alarm';
}

/** Can take over peers' addresses. */
function canReceive(n: AddressNode): boolean {
  return n.lifecycleState === IN_SERVICE && n.health !== 'alarm' && !!n.eni;
}

/** Where the address really is: our own recent move wins over a describe that may lag. */
export function effectiveHolder(a: PoolAddress, now: Date): Placement | undefined {
  if (a.lastMove && !samePlacement(a.lastMove.to, a.holder) && now.getTime() - Date.parse(a.lastMove.at) < MOVE_GRACE_MS) return a.lastMove.to;
  return a.holder;
}

export interface AddressPlanOptions {
  /**
   * Nodes that serve on their own public IPv4 (registered with it when the pool had no free
   * address): they never claim a home, because associating one with the primary private IP
   * makes EC2 release that IPv4 at once, while resolvers still hand out the record naming it.
   */
  keepOwnAddress?: ReadonlySet<string>;
  /** False: nobody claims a home in this plan (the failover path, which reads no records to tell who may). */
  claimHomes?: boolean;
}

export function planAddresses(
  nodes: readonly AddressNode[],
  pool: readonly PoolAddress[],
  settings: AddressSettings,
  now: Date,
  opts: AddressPlanOptions = {},
): AddressPlan {
  const actions: AddressAction[] = [];
  const stuck: AddressPlan['stuck'] = [];
  const sortedNodes = [...nodes].sort(byId);
  const node = new Map(sortedNodes.map((n) => [n.instanceId, n]));
  const addresses = [...pool].sort((a, b) => a.allocationId.localeCompare(b.allocationId));
  const where = new Map<string, Placement | undefined>(addresses.map((a) => [a.allocationId, effectiveHolder(a, now)]));
  const onPrimaryOf = (a: PoolAddress, n: AddressNode) =>
    samePlacement(where.get(a.allocationId), { instanceId: n.instanceId, eniId: n.eni?.id ?? '', privateIp: n.eni?.primaryIp ?? '' });

  // 1. Homes: one per node (the one on its primary IP, else the lowest allocation id).
  const home = new Map<string, string | undefined>(); // allocationId -> home instance
  const homeOf = new Map<string, string>(); // instance -> allocationId
  const valid = (a: PoolAddress) => !!a.home && !!node.get(a.home) && canHoldHome(node.get(a.home)!);
  const byPreference = [...addresses].sort(
    (x, y) =>
      Number(y.home ? onPrimaryOf(y, node.get(y.home) ?? ({} as AddressNode)) : 0) -
      Number(x.home ? onPrimaryOf(x, node.get(x.home) ?? ({} as AddressNode)) : 0),
  );
  for (const a of byPreference) {
    if (valid(a) && !homeOf.has(a.home!)) {
      home.set(a.allocationId, a.home);
      homeOf.set(a.home!, a.allocationId);
    }
  }
  const claimers =
    opts.claimHomes === false ? [] : sortedNodes.filter((n) => canHoldHome(n) && !homeOf.has(n.instanceId) && !opts.keepOwnAddress?.has(n.instanceId));
  // Unassociated addresses first: claiming one that serves elsewhere would pull it off its peer.
  const free = addresses.filter((a) => !home.get(a.allocationId)).sort((x, y) => Number(!!where.get(x.allocationId)) - Number(!!where.get(y.allocationId)));
  for (const a of free) {
    const claimer = claimers.shift();
    if (claimer) {
      home.set(a.allocationId, claimer.instanceId);
      homeOf.set(claimer.instanceId, a.allocationId);
      const why = !a.home ? 'unclaimed' : valid(a) ? `a second home of ${a.home}` : `its home ${a.home} is gone or leaving`;
      actions.push({
        kind: 'claimAddress',
        allocationId: a.allocationId,
        instanceId: claimer.instanceId,
        reason: reason('home-missing', `node has no home address; ${a.allocationId} is ${why}`),
      });
    } else if (a.home) {
      const why = valid(a) ? `${a.home} already has a home address` : `home ${a.home} is gone or leaving`;
      actions.push({ kind: 'releaseAddress', allocationId: a.allocationId, instanceId: a.home, reason: reason('home-released', why) });
    }
  }

  // 2. Which private IPs are taken: by our addresses, and by any other Elastic IP on them.
  const key = (p: Placement) => `${p.eniId}/${p.privateIp}`;
  const taken = new Set([...where.values()].filter((p): p is Placement => !!p).map(key));
  for (const n of sortedNodes) for (const ip of n.eni?.associatedIps ?? []) taken.add(`${n.eni!.id}/${ip}`);
  const freeSecondaries = (n: AddressNode) => (n.eni?.secondaryIps ?? []).filter((ip) => !taken.has(`${n.eni!.id}/${ip}`)).sort();
  const load = (instanceId: string) => [...where.values()].filter((p) => p?.instanceId === instanceId).length;
  const receivers = sortedNodes.filter(canReceive);

  // 3. Placement.
  const holdDownMs = settings.failbackHoldDownSeconds * 1000;
  const move = (a: PoolAddress, to: Placement, why: Reason, assignIp = false) => {
    const from = where.get(a.allocationId);
    if (from) taken.delete(key(from));
    taken.add(key(to));
    where.set(a.allocationId, to);
    actions.push({
      kind: 'associateAddress',
      allocationId: a.allocationId,
      publicIp: a.publicIp,
      to: assignIp ? { ...to, privateIp: '' } : to,
      ...(from ? { from } : {}),
      ...(assignIp ? { assignIp: true as const } : {}),
      reason: why,
    });
  };
  /** Onto the best healthy peer: a free secondary IP if any peer has one, else a new one. */
  const rescue = (a: PoolAddress, exclude: string, preferAz: string | undefined, why: string) => {
    const rank = (p: AddressNode, q: AddressNode) =>
      Number(q.availabilityZone === preferAz) - Number(p.availabilityZone === preferAz) || load(p.instanceId) - load(q.instanceId) || byId(p, q);
    const peers = receivers.filter((p) => p.instanceId !== exclude);
    const withRoom = peers.filter((p) => freeSecondaries(p).length > 0).sort(rank)[0];
    if (withRoom)
      return move(a, { instanceId: withRoom.instanceId, eniId: withRoom.eni!.id, privateIp: freeSecondaries(withRoom)[0]! }, reason('failover', why));
    const best = [...peers].sort(rank)[0];
    if (best)
      return move(
        a,
        { instanceId: best.instanceId, eniId: best.eni!.id, privateIp: `new:${a.allocationId}` },
        reason('failover', `${why} (no free secondary IP: assigning one)`),
        true,
      );
    stuck.push({ allocationId: a.allocationId, reason: reason('no-receiver', `${why}, and no healthy peer can receive it; left where it is`) });
  };

  for (const a of addresses) {
    const homeId = home.get(a.allocationId);
    const current = where.get(a.allocationId);
    const holder = current ? node.get(current.instanceId) : undefined;
    const holderServes = !!holder && canReceive(holder);

    if (!homeId) {
      // Unclaimed: keep an entry point that has served alive; leave a never-used one alone.
      if (holderServes || (!current && !a.lastMove)) continue;
      rescue(
        a,
        current?.instanceId ?? '',
        holder?.availabilityZone,
        current ? `unclaimed and its holder ${current.instanceId} cannot serve` : 'unclaimed and not associated',
      );
      continue;
    }
    const h = node.get(homeId)!;
    const atHome: Placement = { instanceId: h.instanceId, eniId: h.eni!.id, privateIp: h.eni!.primaryIp };
    if (samePlacement(current, atHome) && canServe(h)) continue;

    if (canServe(h)) {
      if (holderServes && holder!.instanceId !== h.instanceId) {
        const since = h.healthSince ? now.getTime() - Date.parse(h.healthSince) : -1;
        const proven = h.lifecycleState === IN_SERVICE && h.health === 'ok' && since >= holdDownMs;
        if (proven) move(a, atHome, reason('to-home', `home ${h.instanceId} OK for the hold-down`));
        continue;
      }
      move(a, atHome, reason('to-home', `home ${h.instanceId} can serve`));
      continue;
    }

    // The home cannot serve: keep the address on a healthy peer, or find one.
    if (holderServes && holder!.instanceId !== h.instanceId) continue;
    rescue(a, h.instanceId, h.availabilityZone, h.health === 'alarm' ? `home ${h.instanceId} ${failureOf(h)}` : `home ${h.instanceId} is ${h.lifecycleState}`);
  }

  // 4. Spare secondary IPs, counted after the moves, on every node that may receive addresses.
  for (const n of sortedNodes) {
    if (!canReceive(n) && !(LAUNCHING.has(n.lifecycleState) && n.eni)) continue;
    const missing = settings.sparePrivateIps - freeSecondaries(n).length;
    if (missing > 0)
      actions.push({
        kind: 'assignSecondaryIps',
        instanceId: n.instanceId,
        eniId: n.eni!.id,
        count: missing,
        reason: reason('spare-ips', `keeps ${settings.sparePrivateIps} free secondary private IP(s) to receive peers' addresses`),
      });
  }

  const homes = new Map<string, string>();
  for (const [instanceId, allocationId] of homeOf) homes.set(instanceId, addresses.find((a) => a.allocationId === allocationId)!.publicIp);
  const holders = new Map([...where].map(([id, p]) => [id, p?.instanceId]));
  return { actions, homeOf: homes, stuck, holders, anyReceiver: receivers.length > 0 };
}

/**
 * Launching nodes (Pending, Pending:Wait, Pending:Proceed) the plan leaves without a home
 * address, with why. In elastic-ip mode such a node registers its own public IPv4 and goes on
 * (holding it would only end in Auto Scaling abandoning it at the hook's timeout); from then on
 * it keeps that address and claims no pool address (planAddresses `keepOwnAddress`), so the
 * IPv4 its record names is never released under it.
 *
 * @param plan the plan made from these nodes and this pool (its homes)
 */
export function launchesWithoutHome(
  nodes: readonly AddressNode[],
  pool: readonly PoolAddress[],
  plan: Pick<AddressPlan, 'homeOf'>,
): { instanceId: string; reason: Reason }[] {
  return nodes
    .filter((n) => LAUNCHING.has(n.lifecycleState) && !plan.homeOf.has(n.instanceId))
    .sort(byId)
    .map((n) => {
      const why = !n.eni
        ? 'no network interface seen for it yet, so it cannot claim a pool address'
        : pool.length === 0
          ? 'the Elastic IP pool has no address (tag hfc:pool)'
          : `every address of the Elastic IP pool (${pool.length}) has a home on another node`;
      return {
        instanceId: n.instanceId,
        reason: reason('no-elastic-ip', `${why}: registered on its own public IPv4, which it keeps (it claims no pool address later)`),
      };
    });
}
