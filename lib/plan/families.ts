/**
 * Which records a node gets: one weighted record per address family the fleet registers.
 *
 *   dns.address     dns.dualStack   records           check of the AAAA record
 *   --------------  -------------   ----------------  ------------------------------------------
 *   public-ipv4     false           A                 -
 *   elastic-ip      false           A (home address)  -
 *   private-ipv4    false           A                 -
 *   ipv6            (refused true)  AAAA              probes the IPv6 address
 *   public-ipv4 /   true            A and AAAA        its own, probing the IPv6 address
 *     elastic-ip
 *   private-ipv4    true            A and AAAA        the A record's: both watch the node's alarm
 *
 * The A and AAAA records of a node share its SetIdentifier: Route 53 keys weighted records by
 * name, type and SetIdentifier, so the two never collide and ownership reads the same.
 */
import type { FleetConfig } from '../config/schema';
import type { ObservedNode, RecordState } from './types';

export type RecordType = RecordState['type'];

/** The record types a fleet keeps at its name, the fleet's own type first. */
export function familiesOf(fleet: Pick<FleetConfig, 'dns'>): RecordType[] {
  return fleet.dns.dualStack && fleet.dns.recordType === 'A' ? ['A', 'AAAA'] : [fleet.dns.recordType];
}

/**
 * The record types the control plane reads and may change at a fleet's name: both families,
 * whatever the fleet registers now, so that a fleet switched from one family to the other (or
 * out of dual stack) finds its old records and removes them. A and AAAA sort next to each other
 * (ListResourceRecordSets orders types in ASCII order), so one listing reads both.
 */
export const LISTED_TYPES: readonly RecordType[] = ['A', 'AAAA'];

/** Health checks a node needs: one per family, except that a private node's records share the check on its alarm. */
export function checksPerNode(dns: { address?: unknown; dualStack?: unknown }): number {
  return dns.dualStack === true && dns.address !== 'private-ipv4' ? 2 : 1;
}

/** What a node registers, one address per record type; or, when an address is missing, which. */
export type NodeAddresses = { addresses: { type: RecordType; address: string }[] } | { missing: string };

export function addressesOf(fleet: Pick<FleetConfig, 'dns'>, node: Pick<ObservedNode, 'address' | 'address6'>): NodeAddresses {
  const kind = fleet.dns.address;
  if (!node.address) {
    return {
      missing:
        kind === 'private-ipv4'
          ? 'no private IPv4 address seen; nothing registered or removed (dns.address is private-ipv4)'
          : kind === 'ipv6'
            ? "no IPv6 address seen; nothing registered or removed (dns.address is ipv6: give the subnet an IPv6 CIDR and the launch template's network interface an IPv6 address)"
            : `no ${kind === 'elastic-ip' ? 'address (home Elastic IP or public IPv4)' : 'public IPv4 address'} seen; nothing registered or removed (dns.address is ${kind}: give the launch template's network interface a public IPv4, or set dns.address to "private-ipv4" for an internal fleet)`,
    };
  }
  const families = familiesOf(fleet);
  if (families.length === 1) return { addresses: [{ type: families[0]!, address: node.address }] };
  if (!node.address6)
    return {
      missing:
        "no IPv6 address seen; nothing registered or removed (dns.dualStack is true, so each node needs an AAAA record too: give the subnet an IPv6 CIDR and the launch template's network interface an IPv6 address, or set dns.dualStack to false)",
    };
  return {
    addresses: [
      { type: 'A', address: node.address },
      { type: 'AAAA', address: node.address6 },
    ],
  };
}
