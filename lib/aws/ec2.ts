/** EC2 adapter: the addresses and states of the fleet's instances. */
import { AUTO_SCALING_GROUP_TAG } from '../plan/tags';
import { literalFilterValue } from './filters';
import { CreateTagsCommand, DeleteTagsCommand, paginateDescribeInstances, type EC2Client, type Filter, type Instance } from '@aws-sdk/client-ec2';

export interface InstanceInfo {
  instanceId: string;
  state: string;
  availabilityZone?: string;
  privateIp?: string;
  publicIp?: string;
  /** Its primary IPv6 address, when its interface has one. */
  ipv6?: string;
  /** When EC2 last started it (ISO 8601). */
  launchTime?: string;
  tags: Record<string, string>;
  /** The primary network interface (device index 0); `associatedIps` hold an Elastic IP. */
  eni?: { id: string; primaryIp: string; secondaryIps: string[]; associatedIps: string[] };
}

/**
 * A filter, unlike `InstanceIds`, does not fail the whole call when one id is unknown (a
 * just-launched instance can be invisible for a moment; a terminated one disappears after an
 * hour). EC2 takes at most 200 values per filter.
 */
const FILTER_VALUES = 200;

/** The instance's primary IPv6 (Instance.Ipv6Address), else the first of its primary interface. */
function ipv6Of(inst: Instance): Pick<InstanceInfo, 'ipv6'> {
  const primary = inst.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0);
  const ip = inst.Ipv6Address ?? primary?.Ipv6Addresses?.find((a) => a.IsPrimaryIpv6)?.Ipv6Address ?? primary?.Ipv6Addresses?.[0]?.Ipv6Address;
  return ip ? { ipv6: ip } : {};
}

function primaryEni(inst: Instance): Pick<InstanceInfo, 'eni'> {
  const eni = (inst.NetworkInterfaces ?? []).find((n) => n.Attachment?.DeviceIndex === 0) ?? inst.NetworkInterfaces?.[0];
  if (!eni?.NetworkInterfaceId) return {};
  const ips = eni.PrivateIpAddresses ?? [];
  return {
    eni: {
      id: eni.NetworkInterfaceId,
      primaryIp: ips.find((p) => p.Primary)?.PrivateIpAddress ?? eni.PrivateIpAddress ?? '',
      secondaryIps: ips
        .filter((p) => !p.Primary && p.PrivateIpAddress)
        .map((p) => p.PrivateIpAddress!)
        .sort(),
      // An auto-assigned public IPv4 (IpOwnerId "amazon") is not an Elastic IP.
      associatedIps: ips
        .filter((p) => p.Association?.PublicIp && p.Association.IpOwnerId !== 'amazon')
        .map((p) => p.PrivateIpAddress!)
        .sort(),
    },
  };
}

export class Ec2Adapter {
  constructor(private readonly client: EC2Client) {}

  async describeInstances(instanceIds: readonly string[]): Promise<Map<string, InstanceInfo>> {
    const out = new Map<string, InstanceInfo>();
    for (let i = 0; i < instanceIds.length; i += FILTER_VALUES) {
      await this.describe([{ Name: 'instance-id', Values: instanceIds.slice(i, i + FILTER_VALUES) }], out);
    }
    return out;
  }

  /**
   * The running (or starting) instances Auto Scaling launched into a group, found by the tag it
   * puts on them: one call, no need to ask Auto Scaling first (the failover path saves a round trip).
   */
  async describeGroupInstances(groupName: string): Promise<Map<string, InstanceInfo>> {
    const out = new Map<string, InstanceInfo>();
    await this.describe(
      [
        { Name: `tag:${AUTO_SCALING_GROUP_TAG}`, Values: [literalFilterValue(groupName)] },
        { Name: 'instance-state-name', Values: ['pending', 'running'] },
      ],
      out,
    );
    for (const [id, info] of out) if (info.tags[AUTO_SCALING_GROUP_TAG] !== groupName) out.delete(id);
    return out;
  }

  /** Running (or starting) instances carrying every one of these tags. */
  async describeTagged(tags: Record<string, string>): Promise<Map<string, InstanceInfo>> {
    const out = new Map<string, InstanceInfo>();
    const filters: Filter[] = Object.entries(tags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => ({ Name: `tag:${k}`, Values: [literalFilterValue(v)] }));
    await this.describe([...filters, { Name: 'instance-state-name', Values: ['pending', 'running'] }], out);
    // The filter is the request; the tags are the truth.
    for (const [id, info] of out) if (Object.entries(tags).some(([k, v]) => info.tags[k] !== v)) out.delete(id);
    return out;
  }

  private async describe(Filters: Filter[], out: Map<string, InstanceInfo>): Promise<void> {
    for await (const res of paginateDescribeInstances({ client: this.client, pageSize: 1000 }, { Filters })) {
      for (const inst of (res.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
        out.set(inst.InstanceId ?? '', {
          instanceId: inst.InstanceId ?? '',
          state: inst.State?.Name ?? 'unknown',
          ...(inst.LaunchTime ? { launchTime: inst.LaunchTime.toISOString() } : {}),
          ...(inst.Placement?.AvailabilityZone ? { availabilityZone: inst.Placement.AvailabilityZone } : {}),
          ...(inst.PrivateIpAddress ? { privateIp: inst.PrivateIpAddress } : {}),
          ...(inst.PublicIpAddress ? { publicIp: inst.PublicIpAddress } : {}),
          ...ipv6Of(inst),
          tags: Object.fromEntries((inst.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
          ...primaryEni(inst),
        });
      }
    }
  }

  /** Writes bookkeeping tags on an instance (what the control plane has done to it). */
  async tagInstance(instanceId: string, tags: Record<string, string>): Promise<void> {
    await this.tagInstances([instanceId], tags);
  }

  /** The same tags on many instances: one CreateTags call per 1,000 (EC2 takes up to 1,000 resource ids). */
  async tagInstances(instanceIds: readonly string[], tags: Record<string, string>): Promise<void> {
    const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    for (let i = 0; i < instanceIds.length; i += 1000) await this.client.send(new CreateTagsCommand({ Resources: instanceIds.slice(i, i + 1000), Tags }));
  }

  async untagInstance(instanceId: string, keys: readonly string[]): Promise<void> {
    await this.client.send(new DeleteTagsCommand({ Resources: [instanceId], Tags: keys.map((Key) => ({ Key })) }));
  }
}
