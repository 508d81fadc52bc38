/** EC2 adapter: the addresses and states of the fleet's instances. */
import { CreateTagsCommand, DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';

export interface InstanceInfo {
  instanceId: string;
  state: string;
  availabilityZone?: string;
  privateIp?: string;
  publicIp?: string;
  tags: Record<string, string>;
}

/**
 * A filter, unlike `InstanceIds`, does not fail the whole call when one id is unknown (a
 * just-launched instance can be invisible for a moment; a terminated one disappears after an
 * hour). EC2 takes at most 200 values per filter.
 */
const FILTER_VALUES = 200;

export class Ec2Adapter {
  constructor(private readonly client: EC2Client) {}

  async describeInstances(instanceIds: readonly string[]): Promise<Map<string, InstanceInfo>> {
    const out = new Map<string, InstanceInfo>();
    for (let i = 0; i < instanceIds.length; i += FILTER_VALUES) {
      const ids = instanceIds.slice(i, i + FILTER_VALUES);
      let token: string | undefined;
      do {
        const res = await this.client.send(
          new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: ids }], MaxResults: 1000, ...(token ? { NextToken: token } : {}) }),
        );
        for (const inst of (res.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
          out.set(inst.InstanceId ?? '', {
            instanceId: inst.InstanceId ?? '',
            state: inst.State?.Name ?? 'unknown',
            ...(inst.Placement?.AvailabilityZone ? { availabilityZone: inst.Placement.AvailabilityZone } : {}),
            ...(inst.PrivateIpAddress ? { privateIp: inst.PrivateIpAddress } : {}),
            ...(inst.PublicIpAddress ? { publicIp: inst.PublicIpAddress } : {}),
            tags: Object.fromEntries((inst.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
          });
        }
        token = res.NextToken;
      } while (token);
    }
    return out;
  }

  /** Writes bookkeeping tags on an instance (what the control plane has done to it). */
  async tagInstance(instanceId: string, tags: Record<string, string>): Promise<void> {
    await this.client.send(new CreateTagsCommand({ Resources: [instanceId], Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
  }
}
