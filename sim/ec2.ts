/**
 * Simulated EC2: instances with private and public IPv4 addresses and their states, each with a
 * primary network interface (secondary private IPs), and Elastic IPs (sim/ec2-addresses.ts).
 * Models the DescribeInstances semantics the control plane depends on: an unknown id in
 * `InstanceIds` fails the whole call (`InvalidInstanceID.NotFound`), filters never do,
 * terminated instances stay visible with state `terminated`, no public address and no network
 * interface.
 */
import type {
  AssignPrivateIpAddressesCommandInput,
  AssignPrivateIpAddressesCommandOutput,
  AssociateAddressCommandInput,
  AssociateAddressCommandOutput,
  CreateTagsCommandInput,
  DeleteTagsCommandInput,
  DescribeAddressesCommandInput,
  DescribeAddressesCommandOutput,
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  DescribeNetworkInterfacesCommandInput,
  DescribeNetworkInterfacesCommandOutput,
  DisassociateAddressCommandInput,
  Instance,
  Filter,
  UnassignPrivateIpAddressesCommandInput,
} from '@aws-sdk/client-ec2';
import { filterMatches } from './filters';
import type { SimAccount } from './account';
import { DEFAULT_INSTANCE_TYPE, Network, type SimAddress, type SimEni } from './ec2-addresses';
import { SecurityCatalog } from './ec2-security';
import { IdGen } from './ids';
import { ServiceSim } from './service';

type Out<T> = Omit<T, '$metadata'>;

type StateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';
const STATE_CODE: Record<StateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/**
 * An event EC2 sends to EventBridge about an instance (source aws.ec2; docs/aws-facts.md, EC2
 * events): every state change the simulation makes, and the Spot announcements a scenario
 * plays. `sim/envelopes.ts` `ec2Event` wraps one as EventBridge delivers it.
 */
export type SimEc2Event =
  | { kind: 'state-change'; instanceId: string; state: StateName; time: Date }
  | { kind: 'spot-interruption'; instanceId: string; action: 'hibernate' | 'stop' | 'terminate'; time: Date }
  | { kind: 'rebalance-recommendation'; instanceId: string; time: Date };

export interface SimInstance {
  instanceId: string;
  state: StateName;
  availabilityZone: string;
  instanceType: string;
  /** The primary private IP (of the primary network interface). */
  privateIp: string;
  /** The public IPv4 it has now: an EIP on its primary private IP, or the auto-assigned one. */
  publicIp?: string;
  /** Its primary IPv6 address (launched into a subnet with an IPv6 CIDR). */
  ipv6?: string;
  /** Its security groups (ids). */
  securityGroups?: string[];
  tags: Record<string, string>;
  launchTime: Date;
}

export class Ec2Sim extends ServiceSim {
  protected readonly service = 'ec2' as const;
  readonly ids: IdGen;
  private readonly instances = new Map<string, SimInstance>();
  private ipSeq = 0;
  private restartSeq = 0;
  /** EC2's events since the last `takeEvents`, in order. */
  private events: SimEc2Event[] = [];
  /** Network interfaces and Elastic IPs. */
  readonly network: Network;
  /** Security groups, instance types and managed prefix lists. */
  readonly security: SecurityCatalog;
  /**
   * Eventual consistency of associations, off by default: when > 0, after an AssociateAddress,
   * DisassociateAddress or UnassignPrivateIpAddresses that moves an address, the next N describe
   * calls (DescribeAddresses, DescribeInstances, DescribeNetworkInterfaces) still show the
   * address, and the public IPv4 of the instances concerned, as they were before.
   */
  associationLagDescribes = 0;

  constructor(
    private readonly account: SimAccount,
    seed: number,
  ) {
    super();
    this.ids = new IdGen(seed);
    // Interface and address ids come from their own generator, so instance ids stay as they were.
    this.network = new Network(
      new IdGen(seed * 7919 + 17),
      account.accountId,
      account.region,
      (id) => this.instances.get(id),
      (code, message, status) => this.fail(code, message, status),
    );
    this.security = new SecurityCatalog(new IdGen(seed * 104729 + 3), account.accountId, account.region, (code, message, status) =>
      this.fail(code, message, status),
    );
  }

  // ---- scenario helpers (lower-case: never dispatched as AWS operations) ----

  /**
   * Launches an instance, running at once, with a primary network interface and a public IPv4
   * unless `publicIp` is false. `instanceType` (default c7g.large) sets the interface's IPv4 limit.
   */
  runInstance(opts: {
    availabilityZone: string;
    tags?: Record<string, string>;
    publicIp?: boolean;
    ipv6?: boolean;
    instanceType?: string;
    securityGroups?: string[];
    /** A given id instead of a generated one (a served account seeded to fit the sample events). */
    instanceId?: string;
  }): SimInstance {
    // Host part 0 is skipped (10.0.1.0 is not a host): the first 255 instances keep the
    // addresses they always had, later ones no longer collide.
    do this.ipSeq += 1;
    while ((this.ipSeq & 255) === 0 || this.network.isPrivateIpInUse(`10.0.${(this.ipSeq >> 8) & 255}.${this.ipSeq & 255}`));
    const inst: SimInstance = {
      instanceId: opts.instanceId ?? this.ids.instanceId(),
      state: 'running',
      availabilityZone: opts.availabilityZone,
      instanceType: opts.instanceType ?? DEFAULT_INSTANCE_TYPE,
      privateIp: `10.0.${(this.ipSeq >> 8) & 255}.${this.ipSeq & 255}`,
      tags: { ...(opts.tags ?? {}) },
      launchTime: this.account.now(),
      ...(opts.securityGroups ? { securityGroups: [...opts.securityGroups] } : {}),
    };
    if (opts.publicIp !== false) inst.publicIp = `54.170.${(this.ipSeq >> 8) & 255}.${this.ipSeq & 255}`;
    // A subnet with an IPv6 CIDR gives each instance a global address of it.
    if (opts.ipv6) inst.ipv6 = `2600:1f18:4a3:${((this.ipSeq >> 8) & 255).toString(16)}:0:0:0:${(this.ipSeq & 255).toString(16)}`.replace(/(^|:)0(:0)+:/, '::');
    this.instances.set(inst.instanceId, inst);
    this.network.attachPrimary(inst.instanceId, inst.availabilityZone, inst.privateIp);
    return inst;
  }

  /** Terminates an instance: its Elastic IPs are disassociated, its interface (and its IPs) freed. */
  terminateInstance(instanceId: string): void {
    const inst = this.instances.get(instanceId);
    if (!inst || inst.state === 'terminated') return;
    if (inst.state !== 'shutting-down') this.setState(inst, 'shutting-down');
    this.setState(inst, 'terminated');
    delete inst.publicIp;
    this.network.detachAll(instanceId);
  }

  /**
   * An instance begins to terminate (TerminateInstances, or Auto Scaling ending it): it is
   * `shutting-down` until `terminateInstance` finishes it.
   */
  beginShutdown(instanceId: string): void {
    const inst = this.instances.get(instanceId);
    if (inst && inst.state !== 'terminated' && inst.state !== 'shutting-down') this.setState(inst, 'shutting-down');
  }

  /**
   * An instance begins to stop (StopInstances, or a Spot interruption with the stop action): it
   * is `stopping` until `stopInstance` finishes it; it keeps its interface and addresses.
   */
  beginStop(instanceId: string): void {
    const inst = this.instances.get(instanceId);
    if (inst?.state === 'running' || inst?.state === 'pending') this.setState(inst, 'stopping');
  }

  /**
   * Stops an instance (a warm-pool instance after it is put away): its auto-assigned public IPv4
   * is released, an Elastic IP stays associated.
   */
  stopInstance(instanceId: string): void {
    const inst = this.instances.get(instanceId);
    if (!inst || inst.state === 'stopped' || inst.state === 'terminated' || inst.state === 'shutting-down') return;
    if (inst.state !== 'stopping') this.setState(inst, 'stopping');
    this.setState(inst, 'stopped');
    const eip = this.network.eipOnPrimary(instanceId);
    if (eip) inst.publicIp = eip.publicIp;
    else delete inst.publicIp;
  }

  /**
   * Starts a stopped instance again: `pending`, then `running`, with a new LaunchTime (EC2's
   * LaunchTime is the time it was last launched) and a new auto-assigned public IPv4 unless an
   * Elastic IP sits on its primary private IP. Interface and private IPs are kept.
   */
  startInstance(instanceId: string): void {
    const inst = this.instances.get(instanceId);
    if (inst?.state !== 'stopped') throw new Error(`simulated account: instance ${instanceId} is ${inst?.state ?? 'unknown'}, not stopped`);
    this.setState(inst, 'pending');
    this.setState(inst, 'running');
    inst.launchTime = this.account.now();
    const eip = this.network.eipOnPrimary(instanceId);
    this.restartSeq += 1;
    inst.publicIp = eip ? eip.publicIp : `54.171.${(this.restartSeq >> 8) & 255}.${this.restartSeq & 255}`;
  }

  /** EC2 announces that it will interrupt this Spot instance in two minutes (nothing else changes yet). */
  spotInterruptionWarning(instanceId: string, action: 'hibernate' | 'stop' | 'terminate' = 'terminate'): void {
    this.requireInstance(instanceId);
    this.events.push({ kind: 'spot-interruption', instanceId, action, time: this.account.now() });
  }

  /** EC2 recommends rebalancing this Spot instance away (it is at elevated risk of interruption). */
  rebalanceRecommendation(instanceId: string): void {
    this.requireInstance(instanceId);
    this.events.push({ kind: 'rebalance-recommendation', instanceId, time: this.account.now() });
  }

  /** EC2's events since the last call (state changes and announcements), oldest first. */
  takeEvents(): SimEc2Event[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  private setState(inst: SimInstance, state: StateName): void {
    inst.state = state;
    this.events.push({ kind: 'state-change', instanceId: inst.instanceId, state, time: this.account.now() });
  }

  private requireInstance(instanceId: string): SimInstance {
    const inst = this.instances.get(instanceId);
    if (!inst) throw new Error(`no simulated instance ${instanceId}`);
    return inst;
  }

  instance(instanceId: string): SimInstance | undefined {
    return this.instances.get(instanceId);
  }

  /** Every instance ever launched, terminated ones included, in launch order. */
  allInstances(): SimInstance[] {
    return [...this.instances.values()];
  }

  /** Allocates an Elastic IP (eipalloc-..., from 52.16.0.0/16) to the account. */
  allocateAddress(opts: { tags?: Record<string, string> } = {}): { allocationId: string; publicIp: string } {
    const a = this.network.allocate(opts.tags);
    return { allocationId: a.allocationId, publicIp: a.publicIp };
  }

  /** An Elastic IP as it is now (not as a lagging describe shows it). */
  address(allocationId: string): SimAddress | undefined {
    return this.network.address(allocationId);
  }

  /** Every Elastic IP of the account, as it is now. */
  addresses(): SimAddress[] {
    return this.network.allAddresses();
  }

  /** The primary network interface of an instance (gone once it is terminated). */
  primaryEni(instanceId: string): SimEni | undefined {
    return this.network.primaryEniOf(instanceId);
  }

  /** Changes an instance's public address, as a stop/start would (no EIP bookkeeping). */
  setPublicIp(instanceId: string, ip: string | undefined): void {
    const inst = this.instances.get(instanceId);
    if (!inst) throw new Error(`no simulated instance ${instanceId}`);
    if (ip) inst.publicIp = ip;
    else delete inst.publicIp;
  }

  // ---- AWS operations ----

  DescribeSecurityGroups(input: Parameters<SecurityCatalog['DescribeSecurityGroups']>[0]) {
    return this.security.DescribeSecurityGroups(input);
  }

  DescribeInstanceTypes(input: Parameters<SecurityCatalog['DescribeInstanceTypes']>[0]) {
    return this.security.DescribeInstanceTypes(input);
  }

  DescribeManagedPrefixLists(input: Parameters<SecurityCatalog['DescribeManagedPrefixLists']>[0]) {
    return this.security.DescribeManagedPrefixLists(input);
  }

  DescribeInstances(input: DescribeInstancesCommandInput): Omit<DescribeInstancesCommandOutput, '$metadata'> {
    const ids = input.InstanceIds ?? [];
    if (ids.length > 0 && input.MaxResults !== undefined) {
      this.fail('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
    }
    for (const id of ids) {
      if (!/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id)) this.fail('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
    }
    const missing = ids.filter((id) => !this.instances.has(id));
    if (missing.length === 1) this.fail('InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`);
    if (missing.length > 1) this.fail('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);

    let selected = [...this.instances.values()]
      .filter((i) => ids.length === 0 || ids.includes(i.instanceId))
      .filter((i) => (input.Filters ?? []).every((f) => this.matches(i, f)));
    selected.sort((a, b) => a.instanceId.localeCompare(b.instanceId));

    const start = input.NextToken ? Number(input.NextToken) : 0;
    const max = input.MaxResults ?? 1000;
    if (input.MaxResults !== undefined && (max < 5 || max > 1000)) {
      this.fail('InvalidParameterValue', `Value ( ${max} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
    }
    const page = selected.slice(start, start + max);
    const next = start + max < selected.length ? String(start + max) : undefined;
    selected = page;
    const out = {
      Reservations: selected.map((i) => ({
        ReservationId: `r-${i.instanceId.slice(2)}`,
        OwnerId: this.account.accountId,
        Instances: [this.toInstance(i)],
      })),
      ...(next ? { NextToken: next } : {}),
    };
    this.network.tickDescribe();
    return out;
  }

  /** Tags instances (i-), Elastic IPs (eipalloc-) and network interfaces (eni-). */
  CreateTags(input: CreateTagsCommandInput): Record<string, never> {
    const targets = this.taggable(input.Resources);
    for (const tag of input.Tags ?? []) {
      if (!tag.Key || tag.Key.startsWith('aws:')) this.fail('InvalidParameterValue', `Tag key "${tag.Key}" is invalid: keys may not start with aws:`);
    }
    for (const tags of targets) for (const tag of input.Tags ?? []) tags[tag.Key!] = tag.Value ?? '';
    return {};
  }

  /**
   * Removes tags: a tag given without a value goes whatever its value, with a value (even "")
   * only when it matches; no tags at all removes every tag (but `aws:` ones).
   */
  DeleteTags(input: DeleteTagsCommandInput): Record<string, never> {
    const targets = this.taggable(input.Resources);
    for (const tag of input.Tags ?? []) {
      if (tag.Key?.startsWith('aws:')) this.fail('InvalidParameterValue', `Tag key "${tag.Key}" is invalid: keys may not start with aws:`);
    }
    for (const tags of targets) {
      if (input.Tags === undefined) {
        for (const k of Object.keys(tags)) if (!k.startsWith('aws:')) delete tags[k];
        continue;
      }
      for (const tag of input.Tags) {
        if (tag.Key === undefined || !(tag.Key in tags)) continue;
        if (tag.Value === undefined || tags[tag.Key] === tag.Value) delete tags[tag.Key];
      }
    }
    return {};
  }

  AssignPrivateIpAddresses(input: AssignPrivateIpAddressesCommandInput): Out<AssignPrivateIpAddressesCommandOutput> {
    const assigned = this.network.assign(input);
    return {
      NetworkInterfaceId: input.NetworkInterfaceId!,
      AssignedPrivateIpAddresses: assigned.map((PrivateIpAddress) => ({ PrivateIpAddress })),
      AssignedIpv4Prefixes: [],
    };
  }

  /** An Elastic IP associated with an unassigned secondary IP is disassociated with it. */
  UnassignPrivateIpAddresses(input: UnassignPrivateIpAddressesCommandInput): Record<string, never> {
    this.network.unassign(input, this.associationLagDescribes);
    return {};
  }

  DescribeNetworkInterfaces(input: DescribeNetworkInterfacesCommandInput): Out<DescribeNetworkInterfacesCommandOutput> {
    const out = { NetworkInterfaces: this.network.describeInterfaces(input) };
    this.network.tickDescribe();
    return out;
  }

  DescribeAddresses(input: DescribeAddressesCommandInput): Out<DescribeAddressesCommandOutput> {
    const out = { Addresses: this.network.describeAddresses(input) };
    this.network.tickDescribe();
    return out;
  }

  AssociateAddress(input: AssociateAddressCommandInput): Out<AssociateAddressCommandOutput> {
    return { AssociationId: this.network.associate(input, this.associationLagDescribes) };
  }

  DisassociateAddress(input: DisassociateAddressCommandInput): Record<string, never> {
    this.network.disassociate(input.AssociationId, this.associationLagDescribes);
    return {};
  }

  /** The tag maps of the named resources; an unknown id fails the whole call. */
  private taggable(ids: string[] | undefined): Record<string, string>[] {
    if (!ids || ids.length === 0) this.fail('MissingParameter', 'The request must contain the parameter resourceIdSet');
    return ids.map((id) => {
      if (id.startsWith('i-')) {
        const inst = this.instances.get(id);
        if (!inst) this.fail('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
        return inst.tags;
      }
      if (id.startsWith('eipalloc-')) return this.network.requireAddress(id).tags;
      if (id.startsWith('eni-')) return this.network.requireEni(id).tags;
      return this.fail('InvalidID', `The ID '${id}' is not valid`);
    });
  }

  private matches(i: SimInstance, f: Filter): boolean {
    const values = f.Values ?? [];
    switch (f.Name) {
      case 'instance-id':
        return filterMatches(values, i.instanceId);
      case 'instance-state-name':
        return filterMatches(values, i.state);
      case 'availability-zone':
        return filterMatches(values, i.availabilityZone);
      case 'tag-key':
        return Object.keys(i.tags).some((k) => filterMatches(values, k));
      default:
        if (f.Name?.startsWith('tag:')) return filterMatches(values, i.tags[f.Name.slice(4)]);
        return this.fail('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
    }
  }

  private toInstance(i: SimInstance): Instance {
    const publicIp = this.network.visiblePublicIp(i);
    return {
      InstanceId: i.instanceId,
      InstanceType: i.instanceType as Instance['InstanceType'],
      State: { Name: i.state, Code: STATE_CODE[i.state] },
      Placement: { AvailabilityZone: i.availabilityZone },
      PrivateIpAddress: i.privateIp,
      ...(publicIp ? { PublicIpAddress: publicIp } : {}),
      ...(i.ipv6 && i.state !== 'terminated' ? { Ipv6Address: i.ipv6 } : {}),
      NetworkInterfaces: this.network.instanceInterfaces(i),
      LaunchTime: i.launchTime,
      SecurityGroups: (i.securityGroups ?? []).map((GroupId) => ({ GroupId, GroupName: this.security.group(GroupId)?.groupName ?? GroupId })),
      Tags: Object.entries(i.tags).map(([Key, Value]) => ({ Key, Value })),
    };
  }
}
