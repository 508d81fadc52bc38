/**
 * What `hfc doctor` reads beyond the reconcile's own view: the group's size and instance types,
 * its hooks, the instance types' IP capacity, the load balancers' security groups and Route 53's
 * checker prefix lists, the SSM agents, and (fleets with stick tables) the local peer name each
 * load balancer's last successful configuration push reported. Read-only, like every command of
 * the CLI.
 */
import { DescribeAutoScalingGroupsCommand, DescribeLifecycleHooksCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeInstanceTypesCommand, DescribeManagedPrefixListsCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { describeAwsError } from '../lib/aws/errors';
import { PLUGIN_OUTPUT_LIMIT } from '../lib/aws/ssm';
import { conclusive, parseLocalPeerReport } from '../lib/haproxy/localPeer';
import { inParallel } from '../lib/parallel';
import type { CliContext } from './context';
import type { DoctorFacts, Ingress, LocalPeerFact } from './doctorChecks';
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

  const [types, instances, online, localPeers] = await Promise.all([
    // A type EC2 does not describe is reported by the check (capacity unknown), not a failure of the command.
    instanceTypes.length
      ? clients.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: instanceTypes as never })).catch(() => ({ InstanceTypes: [] }))
      : { InstanceTypes: [] },
    lbIds.length ? clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: lbIds })) : { Reservations: [] },
    fleet.haproxy ? ctx.aws.ssm.onlineInstances(lbIds) : Promise.resolve(undefined),
    fleet.haproxy?.backends.some((b) => b.stickOnSource) && ctx.configDocumentName
      ? readLocalPeers(
          ctx,
          ctx.configDocumentName,
          observed.nodes.filter((n) => n.lifecycleState === 'InService').map((n) => n.instanceId),
        )
      : Promise.resolve(undefined),
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
    ...(localPeers ? { localPeers } : {}),
    // The reconcile's own read counted them (ours, and everyone else's in the account).
    accountHealthChecks: observed.healthChecks.length + (observed.otherHealthChecks ?? 0),
  };
}

/**
 * The local peer name each node's HAProxy runs under, as the apply script reported it after the
 * node's newest successful push of the configuration document (lib/haproxy/localPeer.ts): one
 * ListCommandInvocations per node, four at a time; GetCommandInvocation only when the listing's
 * output (cut at 2,500 characters) holds no report. A node whose invocations cannot be read is
 * said so (its check warns), not a failure of the command.
 */
async function readLocalPeers(ctx: CliContext, documentName: string, instanceIds: readonly string[]): Promise<Map<string, LocalPeerFact>> {
  const out = new Map<string, LocalPeerFact>();
  await inParallel([...instanceIds], 4, async (id) => {
    try {
      const [last] = await ctx.aws.ssm.lastSucceeded(id, documentName);
      if (!last) {
        out.set(id, {});
        return;
      }
      let report = parseLocalPeerReport(last.stdout);
      // The listing's output is cut at 2,500 characters: a report missing or cut there is read whole.
      if (!conclusive(report) && last.stdout.length >= PLUGIN_OUTPUT_LIMIT)
        report = parseLocalPeerReport((await ctx.aws.ssm.result(last.commandId, id)).stdout);
      out.set(id, { ...(last.requested ? { pushedAt: last.requested } : {}), pushed: true, ...(report ? { report } : {}) });
    } catch (err) {
      out.set(id, { error: describeAwsError(err) });
    }
  });
  return out;
}
