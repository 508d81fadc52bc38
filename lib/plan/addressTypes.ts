/**
 * Elastic IP entry points: what the address planner sees and what it decides. Plain data; the
 * EC2 and CloudWatch adapters translate.
 */

/** A node as the address planner needs it. */
export interface AddressNode {
  instanceId: string;
  /** Auto Scaling LifecycleState (with an event's hint folded in). */
  lifecycleState: LifecycleState;
  availabilityZone?: string;
  /** From the node's alarms: any in ALARM -> 'alarm'; all OK -> 'ok'; none, or no data -> 'unknown'. */
  health: 'ok' | 'alarm' | 'unknown';
  /** When the node's alarms last changed state: the start of the hold-down after a recovery. */
  healthSince?: string;
  /** The primary network interface; `associatedIps`: its private IPs that hold any Elastic IP. */
  eni?: { id: string; primaryIp: string; secondaryIps: string[]; associatedIps?: string[] };
}

/** Where an address is associated: a private IP of a node's interface. */
export interface Placement {
  instanceId: string;
  eniId: string;
  privateIp: string;
}

/** An Elastic IP of the fleet's pool (tag `hfc:pool`). */
export interface PoolAddress {
  allocationId: string;
  publicIp: string;
  /** The node this address belongs to (tag `hfc:home`), if claimed. */
  home?: string;
  /** Where DescribeAddresses says it is. */
  holder?: Placement;
  /** Our own last move (tags `hfc:moved-to`, `hfc:moved-at`): trusted over a lagging describe. */
  lastMove?: { to: Placement; at: string };
}

export type AddressAction =
  | { kind: 'claimAddress'; allocationId: string; instanceId: string; reason: Reason }
  | { kind: 'releaseAddress'; allocationId: string; instanceId: string; reason: Reason }
  | { kind: 'assignSecondaryIps'; instanceId: string; eniId: string; count: number; reason: Reason }
  /** `assignIp`: the peer has no free secondary IP: assign one, then associate with it (to.privateIp is '' until then). */
  | { kind: 'associateAddress'; allocationId: string; publicIp: string; to: Placement; from?: Placement; assignIp?: true; reason: Reason };

export interface AddressPlan {
  actions: AddressAction[];
  /** The home address of each node once the plan is applied (instance id -> public IP). */
  homeOf: Map<string, string>;
  /** Addresses left where they are although their node cannot hold them, with the reason. */
  stuck: { allocationId: string; reason: Reason }[];
  /** Where each address is once the plan is applied (instance id), for lifecycle decisions. */
  holders: Map<string, string | undefined>;
  /** True when some node can receive addresses (InService, not in ALARM). */
  anyReceiver: boolean;
}

/** How long our own recorded move is trusted over DescribeAddresses (association is eventually consistent). */
export const MOVE_GRACE_MS = 30_000;

export { HOME_TAG, MOVED_AT_TAG, MOVED_TO_TAG, POOL_TAG } from './tags';
import type { LifecycleState } from './lifecycle';
import type { Reason } from './reasons';
