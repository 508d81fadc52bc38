/**
 * The simulated EC2's security groups, instance types and AWS-managed prefix lists: what
 * `hfc doctor` reads to check the fleet's prerequisites (DescribeSecurityGroups,
 * DescribeInstanceTypes, DescribeManagedPrefixLists).
 */
import type {
  DescribeInstanceTypesCommandInput,
  DescribeInstanceTypesCommandOutput,
  DescribeManagedPrefixListsCommandInput,
  DescribeManagedPrefixListsCommandOutput,
  DescribeSecurityGroupsCommandInput,
  DescribeSecurityGroupsCommandOutput,
  IpPermission,
} from '@aws-sdk/client-ec2';
import { IPV4_PER_ENI } from './ec2-addresses';
import type { IdGen } from './ids';

type Out<T> = Omit<T, '$metadata'>;

/** Network interfaces per instance type (EC2 user guide, "Maximum IP addresses per network interface"). */
const INTERFACES: Record<string, number> = { 't3.micro': 2, 't3.small': 3, 'c7g.medium': 2, 'c7g.large': 3, 'c7g.xlarge': 4, 'm7g.large': 3 };

export interface SimSecurityGroup {
  groupId: string;
  groupName: string;
  ingress: IpPermission[];
}

export class SecurityCatalog {
  private readonly groups = new Map<string, SimSecurityGroup>();

  constructor(
    private readonly ids: IdGen,
    private readonly accountId: string,
    private readonly region: string,
    private readonly fail: (code: string, message: string, status?: number) => never,
  ) {}

  /** The AWS-managed prefix lists of Route 53's health checkers in this region (ids are per region). */
  prefixLists() {
    return [
      { id: 'pl-0a1b2c3d4e5f60718', name: `com.amazonaws.${this.region}.route53-healthchecks`, family: 'IPv4' },
      { id: 'pl-0f9e8d7c6b5a40312', name: `com.amazonaws.${this.region}.ipv6.route53-healthchecks`, family: 'IPv6' },
    ];
  }

  create(groupName: string, ingress: IpPermission[]): string {
    const groupId = this.ids.prefixed('sg-', 17);
    this.groups.set(groupId, { groupId, groupName, ingress: structuredClone(ingress) });
    return groupId;
  }

  group(groupId: string): SimSecurityGroup | undefined {
    return this.groups.get(groupId);
  }

  DescribeSecurityGroups(input: DescribeSecurityGroupsCommandInput): Out<DescribeSecurityGroupsCommandOutput> {
    const ids = input.GroupIds ?? [...this.groups.keys()];
    const missing = ids.find((id) => !this.groups.has(id));
    if (missing) this.fail('InvalidGroup.NotFound', `The security group '${missing}' does not exist`);
    return {
      SecurityGroups: ids.map((id) => {
        const g = this.groups.get(id)!;
        return { GroupId: g.groupId, GroupName: g.groupName, OwnerId: this.accountId, IpPermissions: structuredClone(g.ingress) };
      }),
    };
  }

  DescribeInstanceTypes(input: DescribeInstanceTypesCommandInput): Out<DescribeInstanceTypesCommandOutput> {
    const types = input.InstanceTypes ?? Object.keys(IPV4_PER_ENI);
    const unknown = types.find((t) => !(t in IPV4_PER_ENI));
    if (unknown) this.fail('InvalidInstanceType', `The following supplied instance types do not exist: [${unknown}]`);
    return {
      InstanceTypes: types.map((t) => ({
        InstanceType: t as never,
        NetworkInfo: { MaximumNetworkInterfaces: INTERFACES[t] ?? 3, Ipv4AddressesPerInterface: IPV4_PER_ENI[t]!, Ipv6AddressesPerInterface: IPV4_PER_ENI[t]! },
      })),
    };
  }

  DescribeManagedPrefixLists(input: DescribeManagedPrefixListsCommandInput): Out<DescribeManagedPrefixListsCommandOutput> {
    const byName = input.Filters?.find((f) => f.Name === 'prefix-list-name')?.Values;
    const lists = this.prefixLists().filter((l) => !byName || byName.includes(l.name));
    return {
      PrefixLists: lists.map((l) => ({
        PrefixListId: l.id,
        PrefixListName: l.name,
        AddressFamily: l.family,
        OwnerId: 'AWS',
        State: 'create-complete',
        PrefixListArn: `arn:aws:ec2:${this.region}:aws:prefix-list/${l.id}`,
      })),
    };
  }
}
