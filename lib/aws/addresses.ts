/**
 * Elastic IP adapter: the fleet's address pool (by tag), associations, claims (tags) and the
 * secondary private IPs that receive peers' addresses. Decides nothing.
 */
import { literalFilterValue } from './filters';
import {
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeAddressesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { HOME_TAG, MOVED_AT_TAG, MOVED_TO_TAG, POOL_TAG, type Placement, type PoolAddress } from '../plan/addressTypes';

/** `i-123/eni-456/10.0.1.7`: where we last put an address, in one tag value. */
export function encodePlacement(p: Placement): string {
  return `${p.instanceId}/${p.eniId}/${p.privateIp}`;
}

export function decodePlacement(v: string | undefined): Placement | undefined {
  const [instanceId, eniId, privateIp] = (v ?? '').split('/');
  return instanceId && eniId && privateIp ? { instanceId, eniId, privateIp } : undefined;
}

export class AddressAdapter {
  constructor(private readonly client: EC2Client) {}

  /** The pool's addresses (tag `hfc:pool` = pool), with their claims, holders and our last moves. */
  async describePool(pool: string): Promise<PoolAddress[]> {
    const res = await this.client.send(new DescribeAddressesCommand({ Filters: [{ Name: `tag:${POOL_TAG}`, Values: [literalFilterValue(pool)] }] }));
    return (
      (res.Addresses ?? [])
        // The filter is the request; the tag is the truth: never take another pool's address.
        .filter((a) => a.AllocationId && a.PublicIp && (a.Tags ?? []).some((t) => t.Key === POOL_TAG && t.Value === pool))
        .map((a) => {
          const tags = Object.fromEntries((a.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
          const movedTo = decodePlacement(tags[MOVED_TO_TAG]);
          return {
            allocationId: a.AllocationId!,
            publicIp: a.PublicIp!,
            ...(tags[HOME_TAG] ? { home: tags[HOME_TAG] } : {}),
            ...(a.InstanceId && a.NetworkInterfaceId && a.PrivateIpAddress
              ? { holder: { instanceId: a.InstanceId, eniId: a.NetworkInterfaceId, privateIp: a.PrivateIpAddress } }
              : {}),
            ...(movedTo && tags[MOVED_AT_TAG] ? { lastMove: { to: movedTo, at: tags[MOVED_AT_TAG] } } : {}),
          };
        })
    );
  }

  /**
   * Associates an address with a private IP of an interface. AllowReassociation: the address is
   * moved from wherever it is, in one call (that is the failover).
   */
  async associate(allocationId: string, to: Placement): Promise<string> {
    const res = await this.client.send(
      new AssociateAddressCommand({ AllocationId: allocationId, NetworkInterfaceId: to.eniId, PrivateIpAddress: to.privateIp, AllowReassociation: true }),
    );
    return res.AssociationId ?? '';
  }

  async tagAddress(allocationId: string, tags: Record<string, string>): Promise<void> {
    await this.client.send(new CreateTagsCommand({ Resources: [allocationId], Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
  }

  /** Deletes tags; with a Value, EC2 deletes the tag only if it still has that value. */
  async untagAddress(allocationId: string, tags: { Key: string; Value?: string }[]): Promise<void> {
    await this.client.send(new DeleteTagsCommand({ Resources: [allocationId], Tags: tags }));
  }

  async assignSecondaryIps(eniId: string, count: number): Promise<string[]> {
    const res = await this.client.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: count }));
    return (res.AssignedPrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress ?? '');
  }
}
