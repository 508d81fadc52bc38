/**
 * What `hfc doctor` reads beyond the reconcile's own view: the group's size and instance types,
 * its hooks, the instance types' IP capacity, the load balancers' security groups and Route 53's
 * checker prefix lists, the SSM agents. Read-only, like every command of the CLI.
 */
import { DescribeAutoScalingGroupsCommand, DescribeLifecycleHooksCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeInstanceTypesCommand, DescribeManagedPrefixListsCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import type { CliContext } from './context';
import type { DoctorFacts, Ingress } from './doctorChecks';
import type { FleetView } from './inspect';

export async function doctorFacts(ctx: CliContext, view: FleetView): Promise<DoctorFacts> {
  const { clients } = ctx;
  const { fleet, observed } = view;
  const groupName = fleet.autoScalingGroupName;
  const region = await clients.ec2.config.region();
  const [groups, hooks, lists] = await Promise.all([
    clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] })),
    clients.autoScaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: groupName })),
    clients.ec2.send(
      new DescribeManagedPrefixListsCommand({
        Filters: [{ Name: 'prefix-list-name', Values: [`com.amazonaws.${region}.route53-healthchecks`, `com.amazonaws.${region}.ipv6.route53-healthchecks`] }],
      }),
    ),
  ]);
  const group = groups.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === groupName);
  const instanceTypes = [...new Set((group?.Instances ?? []).map((i) => i.InstanceType).filter((t): t is string => !!t))].sort();
  const lbIds = observed.nodes.map((n) => n.instanceId);

  const [types, instances, online] = await Promise.all([
    // A type EC2 does not describe is reported by the check (capacity unknown), not a failure of the command.
    instanceTypes.length
      ? clients.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: instanceTypes as never })).catch(() => ({ InstanceTypes: [] }))
      : { InstanceTypes: [] },
    lbIds.length ? clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: lbIds })) : { Reservations: [] },
    fleet.haproxy ? ctx.aws.ssm.onlineInstances(lbIds) : Promise.resolve(undefined),
  ]);
  const sgOf = new Map<string, string[]>();
  for (const r of instances.Reservations ?? [])
    for (const i of r.Instances ?? [])
      if (i.InstanceId && i.State?.Name === 'running') sgOf.set(i.InstanceId, (i.SecurityGroups ?? []).map((g) => g.GroupId!).filter(Boolean));
  const sgIds = [...new Set([...sgOf.values()].flat())];
  const sgs = sgIds.length ? await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: sgIds })) : { SecurityGroups: [] };
  const rulesOf = new Map<string, Ingress[]>(
    (sgs.SecurityGroups ?? []).map((g) => [
      g.GroupId!,
      (g.IpPermissions ?? []).map((p) => ({
        protocol: p.IpProtocol ?? '-1',
        ...(p.FromPort !== undefined ? { fromPort: p.FromPort } : {}),
        ...(p.ToPort !== undefined ? { toPort: p.ToPort } : {}),
        cidrs: (p.IpRanges ?? []).map((x) => x.CidrIp!).filter(Boolean),
        ipv6Cidrs: (p.Ipv6Ranges ?? []).map((x) => x.CidrIpv6!).filter(Boolean),
        prefixLists: (p.PrefixListIds ?? []).map((x) => x.PrefixListId!).filter(Boolean),
      })),
    ]),
  );
  const list = (family: string) => lists.PrefixLists?.find((l) => l.AddressFamily === family)?.PrefixListId;
  const ipv4 = list('IPv4');
  const ipv6 = list('IPv6');
  return {
    view,
    group: group ? { maxSize: group.MaxSize ?? 0, instanceTypes } : undefined,
    hooks: new Map(
      (hooks.LifecycleHooks ?? []).map((h) => [
        h.LifecycleHookName!,
        { transition: h.LifecycleTransition ?? '', heartbeatTimeout: h.HeartbeatTimeout ?? 0, defaultResult: h.DefaultResult ?? '' },
      ]),
    ),
    ipv4PerInterface: new Map((types.InstanceTypes ?? []).map((t) => [t.InstanceType as string, t.NetworkInfo?.Ipv4AddressesPerInterface ?? 0])),
    ingress: new Map([...sgOf].map(([id, groupIds]) => [id, groupIds.flatMap((g) => rulesOf.get(g) ?? [])])),
    checkerPrefixLists: { ...(ipv4 ? { ipv4 } : {}), ...(ipv6 ? { ipv6 } : {}) },
    ...(online ? { ssmOnline: online } : {}),
    // The reconcile's own read counted them (ours, and everyone else's in the account).
    accountHealthChecks: observed.healthChecks.length + (observed.otherHealthChecks ?? 0),
  };
}
