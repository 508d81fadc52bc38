/**
 * The address planner: where each Elastic IP of the fleet's pool should be, decided from the
 * observed fleet alone. Pure and deterministic (everything is sorted), so two runs that see the
 * same state make the same decision, and a run that sees its own recent move (the `hfc:moved-to`
 * tag, within MOVE_GRACE_MS) never fights it.
 *
 *   address's home node                   address goes to
 *   ------------------------------------  -----------------------------------------------------
 *   can serve, and the address is on it    stays
 *   can serve, address elsewhere            home, if the home has been out of ALARM for the
 *                                           hold-down or the address's holder cannot serve;
 *                                           otherwise stays (no bouncing while the home flaps)
 *   cannot serve (ALARM, leaving, gone)     stays on its holder if that is a healthy peer;
 *                                           else the best healthy peer with a free secondary
 *                                           private IP: same AZ as the home first, then the
 *                                           fewest addresses, then instance id
 *   no healthy peer with a free IP          stays where it is (reported as stuck)
 *
 * "Can serve" = InService (or launching: Pending, Pending:Wait, Pending:Proceed, for its own
 * address only) and not in ALARM. Only InService, non-ALARM nodes receive peers' addresses.
 * Claims: a node that can hold a home address and has none claims the free pool address with
 * the lowest allocation id (free = no home, or a home that can no longer hold one).
 */
import {
  MOVE_GRACE_MS,
  type AddressAction,
  type AddressNode,
  type AddressPlan,
  type Placement,
  type PoolAddress,
} from './addressTypes';

export interface AddressSettings {
  /** Free secondary private IPs each receiving node keeps. */
  sparePrivateIps: number;
  /** How long a recovered home must stay out of ALARM before its addresses move back. */
  failbackHoldDownSeconds: number;
}

const LAUNCHING = new Set(['Pending', 'Pending:Wait', 'Pending:Proceed']);
const byId = <T extends { instanceId: string }>(a: T, b: T) => a.instanceId.localeCompare(b.instanceId);
const samePlacement = (a?: Placement, b?: Placement) => !!a && !!b && a.eniId === b.eniId && a.privateIp === b.privateIp;

/** Can hold its own home address (claim it, have it associated). */
export function canHoldHome(n: AddressNode): boolean {
  return (n.lifecycleState === 'InService' || LAUNCHING.has(n.lifecycleState)) && !!n.eni;
}

/** Can serve traffic on its addresses right now. */
function canServe(n: AddressNode): boolean {
  return canHoldHome(n) && n.health !== 'alarm';
}

/** Can take over peers' addresses. */
function canReceive(n: AddressNode): boolean {
  return n.lifecycleState === 'InService' && n.health !== 'alarm' && !!n.eni;
}

/** Where the address really is: our own recent move wins over a describe that may lag. */
export function effectiveHolder(a: PoolAddress, now: Date): Placement | undefined {
  if (a.lastMove && !samePlacement(a.lastMove.to, a.holder) && now.getTime() - Date.parse(a.lastMove.at) < MOVE_GRACE_MS) return a.lastMove.to;
  return a.holder;
}

export function planAddresses(nodes: readonly AddressNode[], pool: readonly PoolAddress[], settings: AddressSettings, now: Date): AddressPlan {
  const actions: AddressAction[] = [];
  const stuck: AddressPlan['stuck'] = [];
  const sortedNodes = [...nodes].sort(byId);
  const node = new Map(sortedNodes.map((n) => [n.instanceId, n]));
  const addresses = [...pool].sort((a, b) => a.allocationId.localeCompare(b.allocationId));

  // 1. Homes: keep valid claims, release dead ones, give every node without one a free address.
  const home = new Map<string, string | undefined>(); // allocationId -> home instance
  for (const a of addresses) home.set(a.allocationId, a.home && node.get(a.home) && canHoldHome(node.get(a.home)!) ? a.home : undefined);
  const homed = new Set([...home.values()].filter((h): h is string => !!h));
  const claimers = sortedNodes.filter((n) => canHoldHome(n) && !homed.has(n.instanceId));
  for (const a of addresses) {
    if (home.get(a.allocationId)) continue;
    const claimer = claimers.shift();
    if (claimer) {
      home.set(a.allocationId, claimer.instanceId);
      const why = a.home ? `its home ${a.home} is gone or leaving` : 'unclaimed';
      actions.push({ kind: 'claimAddress', allocationId: a.allocationId, instanceId: claimer.instanceId, reason: `node has no home address; ${a.allocationId} is ${why}` });
    } else if (a.home) {
      actions.push({ kind: 'releaseAddress', allocationId: a.allocationId, instanceId: a.home, reason: `home ${a.home} is gone or leaving` });
    }
  }

  // 2. Where each address sits now, and which private IPs are taken.
  const where = new Map<string, Placement | undefined>(addresses.map((a) => [a.allocationId, effectiveHolder(a, now)]));
  const taken = new Set([...where.values()].filter((p): p is Placement => !!p).map((p) => `${p.eniId}/${p.privateIp}`));
  const freeSecondaries = (n: AddressNode) => (n.eni?.secondaryIps ?? []).filter((ip) => !taken.has(`${n.eni!.id}/${ip}`)).sort();
  const load = (instanceId: string) => [...where.values()].filter((p) => p?.instanceId === instanceId).length;

  // 3. Spare secondary IPs on every node that may receive addresses.
  for (const n of sortedNodes) {
    if (!canReceive(n) && !(LAUNCHING.has(n.lifecycleState) && n.eni)) continue;
    const missing = settings.sparePrivateIps - freeSecondaries(n).length;
    if (missing > 0) actions.push({ kind: 'assignSecondaryIps', instanceId: n.instanceId, eniId: n.eni!.id, count: missing, reason: `keeps ${settings.sparePrivateIps} free secondary private IP(s) to receive peers' addresses` });
  }

  // 4. Placement.
  const holdDownMs = settings.failbackHoldDownSeconds * 1000;
  const move = (a: PoolAddress, to: Placement, reason: string) => {
    const from = where.get(a.allocationId);
    if (from) taken.delete(`${from.eniId}/${from.privateIp}`);
    taken.add(`${to.eniId}/${to.privateIp}`);
    where.set(a.allocationId, to);
    actions.push({ kind: 'associateAddress', allocationId: a.allocationId, publicIp: a.publicIp, to, ...(from ? { from } : {}), reason });
  };
  /** The best healthy peer with a free secondary IP: same AZ first, fewest addresses, id. */
  const pickPeer = (exclude: string, preferAz: string | undefined): Placement | undefined => {
    const peer = sortedNodes
      .filter((p) => p.instanceId !== exclude && canReceive(p) && freeSecondaries(p).length > 0)
      .sort((p, q) => Number(q.availabilityZone === preferAz) - Number(p.availabilityZone === preferAz) || load(p.instanceId) - load(q.instanceId) || byId(p, q))[0];
    return peer ? { instanceId: peer.instanceId, eniId: peer.eni!.id, privateIp: freeSecondaries(peer)[0]! } : undefined;
  };
  /** Off a holder that cannot serve, onto a peer; or report it stuck. */
  const rescue = (a: PoolAddress, exclude: string, preferAz: string | undefined, why: string) => {
    const to = pickPeer(exclude, preferAz);
    if (to) move(a, to, why);
    else stuck.push({ allocationId: a.allocationId, reason: `${why}, and no healthy peer has a free secondary private IP; left where it is` });
  };

  for (const a of addresses) {
    const homeId = home.get(a.allocationId);
    const current = where.get(a.allocationId);
    const holder = current ? node.get(current.instanceId) : undefined;
    const holderServes = !!holder && canReceive(holder);

    if (!homeId) {
      // Unclaimed (its home left, and no node needs one): keep the entry point alive anyway.
      if (current && !holderServes) rescue(a, current.instanceId, holder?.availabilityZone, `unclaimed and its holder ${current.instanceId} cannot serve`);
      continue;
    }
    const h = node.get(homeId)!;
    const atHome: Placement = { instanceId: h.instanceId, eniId: h.eni!.id, privateIp: h.eni!.primaryIp };
    if (samePlacement(current, atHome) && canServe(h)) continue;

    if (canServe(h)) {
      const onPeer = holderServes && holder!.instanceId !== h.instanceId;
      const recovered = !h.healthSince || now.getTime() - Date.parse(h.healthSince) >= holdDownMs;
      if (!onPeer || recovered) move(a, atHome, onPeer ? `home ${h.instanceId} out of ALARM for the hold-down` : `home ${h.instanceId} can serve`);
      continue;
    }

    // The home cannot serve: keep the address on a healthy peer, or find one.
    if (holderServes && holder!.instanceId !== h.instanceId) continue;
    rescue(a, h.instanceId, h.availabilityZone, h.health === 'alarm' ? `home ${h.instanceId} in ALARM` : `home ${h.instanceId} is ${h.lifecycleState}`);
  }

  const homeOf = new Map<string, string>();
  for (const a of addresses) {
    const h = home.get(a.allocationId);
    if (h && !homeOf.has(h)) homeOf.set(h, a.publicIp);
  }
  return { actions, homeOf, stuck };
}
