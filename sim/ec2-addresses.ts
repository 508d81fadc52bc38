/**
 * The network side of the simulated EC2: each instance's primary network interface (device index
 * 0) with its primary and secondary private IPv4 addresses, and the account's Elastic IPs with
 * their associations. The operations themselves stay methods of `Ec2Sim`; this module holds the
 * state and the rules, so `ec2.ts` stays readable.
 *
 * Semantics modelled on EC2 as documented (see the tests in test/sim/addresses.test.ts):
 * - An EIP associated with the primary private IP replaces the instance's auto-assigned public
 *   IPv4, which is released; disassociating it leaves the instance without a public IPv4 (a
 *   simplification: EC2 may assign a fresh one after a few minutes).
 * - Re-associating an address that is already associated is automatic unless
 *   `AllowReassociation` is false (then `Resource.AlreadyAssociated`); an EIP already on the
 *   target private IP is disassociated (it stays allocated); every association gets a new id.
 * - Moving a secondary private IP (`AllowReassignment`) moves the EIP associated with it.
 * - Association lag (optional): after an association change the next N describe calls still
 *   show the address (and the instances' public IPv4) as they were.
 */
import type { Address, Filter, InstanceNetworkInterface, InstanceNetworkInterfaceAssociation, NetworkInterface } from '@aws-sdk/client-ec2';
import type { IdGen } from './ids';
import { filterMatches } from './filters';

/** IPv4 addresses per network interface (primary included), by instance type. */
export const IPV4_PER_ENI: Record<string, number> = {
  't3.micro': 2,
  't3.small': 4,
  'c7g.medium': 4,
  'c7g.large': 10,
  'c7g.xlarge': 15,
  'm7g.large': 10,
};
export const DEFAULT_INSTANCE_TYPE = 'c7g.large';

/** The simulated VPC's subnet: private IPs outside it are refused. */
const SUBNET = /^10\.0\.(\d{1,3})\.(\d{1,3})$/;

export interface SimEni {
  eniId: string;
  attachmentId: string;
  instanceId: string;
  availabilityZone: string;
  primaryIp: string;
  /** In assignment order. */
  secondaryIps: string[];
  tags: Record<string, string>;
}

export interface SimAssociation {
  associationId: string;
  eniId: string;
  instanceId: string;
  privateIp: string;
}

export interface SimAddress {
  allocationId: string;
  publicIp: string;
  tags: Record<string, string>;
  association?: SimAssociation;
}

/** What the network needs to know of an instance. */
export interface NetInstance {
  instanceId: string;
  state: string;
  instanceType: string;
  /** The public IPv4 the instance has now (an EIP on its primary IP, or the auto-assigned one). */
  publicIp?: string;
}

type Fail = (code: string, message: string, status?: number) => never;

/** A view that lags: what describe calls keep showing for `remaining` more calls. */
interface Lagged<T> {
  value: T;
  remaining: number;
}

export class Network {
  private readonly enis = new Map<string, SimEni>();
  private readonly addresses = new Map<string, SimAddress>();
  /** Private IP -> ENI holding it (primary or secondary). */
  private readonly ipOwner = new Map<string, string>();
  private secondarySeq = 0;
  private eipSeq = 0;
  /** Previous association of an address, shown while the change is still propagating. */
  private readonly laggedAddress = new Map<string, Lagged<SimAssociation | undefined>>();
  /** Previous public IPv4 of an instance, shown while the change is still propagating. */
  private readonly laggedPublicIp = new Map<string, Lagged<string | undefined>>();

  constructor(
    private readonly ids: IdGen,
    private readonly accountId: string,
    private readonly region: string,
    private readonly instance: (id: string) => NetInstance | undefined,
    private readonly fail: Fail,
  ) {}

  // ---- set-up (scenario helpers call these) ----

  /** Creates and attaches the primary interface of a new instance. */
  attachPrimary(instanceId: string, availabilityZone: string, primaryIp: string): SimEni {
    const eni: SimEni = {
      eniId: this.ids.prefixed('eni-0', 16),
      attachmentId: this.ids.prefixed('eni-attach-0', 16),
      instanceId,
      availabilityZone,
      primaryIp,
      secondaryIps: [],
      tags: {},
    };
    this.enis.set(eni.eniId, eni);
    this.ipOwner.set(primaryIp, eni.eniId);
    return eni;
  }

  isPrivateIpInUse(ip: string): boolean {
    return this.ipOwner.has(ip);
  }

  allocate(tags: Record<string, string> = {}): SimAddress {
    do this.eipSeq += 1;
    while ((this.eipSeq & 255) === 0);
    const address: SimAddress = {
      allocationId: this.ids.prefixed('eipalloc-0', 16),
      publicIp: `52.16.${(this.eipSeq >> 8) & 255}.${this.eipSeq & 255}`,
      tags: { ...tags },
    };
    this.addresses.set(address.allocationId, address);
    return address;
  }

  /** An instance is terminated: its addresses are disassociated, its interface deleted. */
  detachAll(instanceId: string): void {
    for (const a of this.addresses.values()) {
      if (a.association?.instanceId === instanceId) delete a.association;
    }
    for (const eni of [...this.enis.values()].filter((e) => e.instanceId === instanceId)) {
      for (const ip of [eni.primaryIp, ...eni.secondaryIps]) this.ipOwner.delete(ip);
      this.enis.delete(eni.eniId);
    }
    this.laggedPublicIp.delete(instanceId);
  }

  // ---- lookups ----

  address(allocationId: string): SimAddress | undefined {
    return this.addresses.get(allocationId);
  }
  /** Every Elastic IP of the account, as it is now (deep copies). */
  allAddresses(): SimAddress[] {
    return [...this.addresses.values()].map((a) => structuredClone(a));
  }

  eni(eniId: string): SimEni | undefined {
    return this.enis.get(eniId);
  }

  primaryEniOf(instanceId: string): SimEni | undefined {
    return [...this.enis.values()].find((e) => e.instanceId === instanceId);
  }

  /** The EIP associated (now, not as describe shows it) with the instance's primary private IP. */
  eipOnPrimary(instanceId: string): SimAddress | undefined {
    const eni = this.primaryEniOf(instanceId);
    return eni ? this.addressAt(eni.eniId, eni.primaryIp) : undefined;
  }

  private addressAt(eniId: string, privateIp: string): SimAddress | undefined {
    return [...this.addresses.values()].find((a) => a.association?.eniId === eniId && a.association.privateIp === privateIp);
  }

  // ---- private IPs ----

  assign(input: {
    NetworkInterfaceId?: string;
    PrivateIpAddresses?: string[];
    SecondaryPrivateIpAddressCount?: number;
    AllowReassignment?: boolean;
  }): string[] {
    const eni = this.requireEni(input.NetworkInterfaceId);
    const wanted = input.PrivateIpAddresses ?? [];
    const count = input.SecondaryPrivateIpAddressCount;
    if (wanted.length > 0 && count !== undefined) {
      this.fail('InvalidParameterCombination', 'You may specify secondaryPrivateIpAddressCount or specific secondary private IP addresses, but not both.');
    }
    if (wanted.length === 0 && (count === undefined || count < 1)) {
      this.fail('MissingParameter', 'Either the parameter secondaryPrivateIpAddressCount or privateIpAddresses must be specified.');
    }
    const n = wanted.length || count!;
    const limit = IPV4_PER_ENI[this.instance(eni.instanceId)?.instanceType ?? DEFAULT_INSTANCE_TYPE] ?? 10;
    if (1 + eni.secondaryIps.length + n > limit) {
      this.fail(
        'PrivateIpAddressLimitExceeded',
        `Number of private addresses will exceed limit. The network interface ${eni.eniId} can have at most ${limit} IPv4 addresses.`,
      );
    }
    if (new Set(wanted).size !== wanted.length) this.fail('InvalidParameterValue', 'The same address is specified more than once');
    const moves: { ip: string; from: SimEni }[] = [];
    for (const ip of wanted) {
      const m = SUBNET.exec(ip);
      if (!m || Number(m[1]) > 255 || Number(m[2]) > 255) this.fail('InvalidParameterValue', `Address ${ip} does not fall within the subnet's address range`);
      const holder = this.ipOwner.get(ip);
      if (holder === eni.eniId) this.fail('InvalidParameterValue', `Address ${ip} is already assigned to ${eni.eniId}`);
      if (holder) {
        const from = this.enis.get(holder)!;
        if (from.primaryIp === ip || !input.AllowReassignment) this.fail('InvalidIPAddress.InUse', `Address ${ip} is in use.`);
        moves.push({ ip, from });
      }
    }
    const assigned = wanted.length ? [...wanted] : Array.from({ length: n }, () => this.nextSecondaryIp());
    for (const { ip, from } of moves) {
      from.secondaryIps = from.secondaryIps.filter((s) => s !== ip);
      // "When you move a secondary private IP address to another network interface, any Elastic
      // IP address that is associated with the IP address is also moved."
      const eip = this.addressAt(from.eniId, ip);
      if (eip?.association) eip.association = { ...eip.association, eniId: eni.eniId, instanceId: eni.instanceId };
    }
    for (const ip of assigned) {
      eni.secondaryIps.push(ip);
      this.ipOwner.set(ip, eni.eniId);
    }
    return assigned;
  }

  unassign(input: { NetworkInterfaceId?: string; PrivateIpAddresses?: string[] }, lag: number): void {
    const eni = this.requireEni(input.NetworkInterfaceId);
    const ips = input.PrivateIpAddresses ?? [];
    if (ips.length === 0) this.fail('MissingParameter', 'The request must contain the parameter privateIpAddress');
    if (ips.includes(eni.primaryIp)) this.fail('InvalidParameterValue', `The primary private IP address ${eni.primaryIp} of ${eni.eniId} cannot be unassigned`);
    if (ips.some((ip) => !eni.secondaryIps.includes(ip)))
      this.fail('InvalidParameterValue', `Some of the specified addresses are not assigned to interface ${eni.eniId}`);
    for (const ip of ips) {
      const eip = this.addressAt(eni.eniId, ip);
      if (eip) this.setAssociation(eip, undefined, lag);
      eni.secondaryIps = eni.secondaryIps.filter((s) => s !== ip);
      this.ipOwner.delete(ip);
    }
  }

  private nextSecondaryIp(): string {
    // Secondary IPs come from the upper half of the simulated subnet (10.0.128.0/17), so they
    // never collide with the primary IPs handed out from the bottom.
    for (;;) {
      this.secondarySeq += 1;
      const ip = `10.0.${128 + ((this.secondarySeq >> 8) & 127)}.${this.secondarySeq & 255}`;
      const host = this.secondarySeq & 255;
      if (host === 0 || host === 255 || this.ipOwner.has(ip)) continue;
      return ip;
    }
  }

  // ---- Elastic IPs ----

  associate(
    input: {
      AllocationId?: string;
      InstanceId?: string;
      NetworkInterfaceId?: string;
      PrivateIpAddress?: string;
      AllowReassociation?: boolean;
      PublicIp?: string;
    },
    lag: number,
  ): string {
    if (!input.AllocationId) {
      if (input.PublicIp)
        this.fail('InvalidParameterValue', 'You must specify an allocation id when mapping an address to a VPC instance or network interface');
      this.fail('MissingParameter', 'The request must contain the parameter AllocationId');
    }
    const address = this.requireAddress(input.AllocationId);
    if (!input.InstanceId && !input.NetworkInterfaceId) this.fail('MissingParameter', 'Either an instance ID or a network interface ID must be specified');
    if (input.InstanceId && input.NetworkInterfaceId) {
      this.fail('InvalidParameterCombination', 'You can specify either the instance ID or the network interface ID, but not both');
    }
    let eni: SimEni;
    if (input.InstanceId) {
      const inst = this.instance(input.InstanceId);
      if (!inst) this.fail('InvalidInstanceID.NotFound', `The instance ID '${input.InstanceId}' does not exist`);
      const found = this.primaryEniOf(inst.instanceId);
      if (!found || inst.state === 'terminated' || inst.state === 'shutting-down') {
        this.fail('IncorrectInstanceState', `The instance '${inst.instanceId}' is not in a valid state for this operation.`);
      }
      eni = found;
    } else {
      eni = this.requireEni(input.NetworkInterfaceId);
    }
    const privateIp = input.PrivateIpAddress ?? eni.primaryIp;
    if (privateIp !== eni.primaryIp && !eni.secondaryIps.includes(privateIp)) {
      this.fail('InvalidParameterValue', `The private IP address ${privateIp} is not assigned to network interface ${eni.eniId}`);
    }
    const current = address.association;
    const sameTarget = current?.eniId === eni.eniId && current.privateIp === privateIp;
    if (current && !sameTarget && input.AllowReassociation === false) {
      this.fail('Resource.AlreadyAssociated', `resource ${address.allocationId} is already associated with associate-id ${current.associationId}`);
    }
    // An EIP already on the target private IP is replaced: disassociated, still allocated.
    const occupant = this.addressAt(eni.eniId, privateIp);
    if (occupant && occupant !== address) this.setAssociation(occupant, undefined, lag);
    const association: SimAssociation = { associationId: this.ids.prefixed('eipassoc-0', 16), eniId: eni.eniId, instanceId: eni.instanceId, privateIp };
    this.setAssociation(address, association, lag);
    return association.associationId;
  }

  disassociate(associationId: string | undefined, lag: number): void {
    if (!associationId) this.fail('MissingParameter', 'The request must contain the parameter AssociationId');
    const address = [...this.addresses.values()].find((a) => a.association?.associationId === associationId);
    if (!address) this.fail('InvalidAssociationID.NotFound', `The association ID '${associationId}' does not exist`);
    this.setAssociation(address, undefined, lag);
  }

  /**
   * Moves an address, keeping what describe calls showed before (when lag is on) and the
   * instances' public IPv4 in step: an EIP on the primary IP is the instance's public IPv4.
   */
  private setAssociation(address: SimAddress, association: SimAssociation | undefined, lag: number): void {
    const touched = new Set([address.association?.instanceId, association?.instanceId].filter((id): id is string => !!id));
    if (lag > 0) {
      const prev = this.laggedAddress.get(address.allocationId);
      this.laggedAddress.set(address.allocationId, { value: prev && prev.remaining > 0 ? prev.value : address.association, remaining: lag });
      for (const id of touched) {
        const prevIp = this.laggedPublicIp.get(id);
        this.laggedPublicIp.set(id, { value: prevIp && prevIp.remaining > 0 ? prevIp.value : this.instance(id)?.publicIp, remaining: lag });
      }
    }
    const before = address.association;
    if (association) address.association = association;
    else delete address.association;
    for (const id of touched) {
      const inst = this.instance(id);
      const eni = this.primaryEniOf(id);
      if (!inst || !eni) continue;
      const onPrimary = this.addressAt(eni.eniId, eni.primaryIp);
      if (onPrimary) inst.publicIp = onPrimary.publicIp;
      else if (before?.instanceId === id && before.privateIp === eni.primaryIp) delete inst.publicIp;
    }
  }

  // ---- describe views (lag applies) ----

  /** Called once per describe call, after it has been answered. */
  tickDescribe(): void {
    for (const m of [this.laggedAddress, this.laggedPublicIp] as Map<string, Lagged<unknown>>[]) {
      for (const [k, v] of m) {
        v.remaining -= 1;
        if (v.remaining <= 0) m.delete(k);
      }
    }
  }

  private visibleAssociation(a: SimAddress): SimAssociation | undefined {
    const lagged = this.laggedAddress.get(a.allocationId);
    return lagged && lagged.remaining > 0 ? lagged.value : a.association;
  }

  /** The public IPv4 describe calls show for an instance. */
  visiblePublicIp(inst: NetInstance): string | undefined {
    const lagged = this.laggedPublicIp.get(inst.instanceId);
    return lagged && lagged.remaining > 0 ? lagged.value : inst.publicIp;
  }

  private visibleAddressAt(eniId: string, privateIp: string): SimAddress | undefined {
    return [...this.addresses.values()].find((a) => {
      const v = this.visibleAssociation(a);
      return v?.eniId === eniId && v.privateIp === privateIp;
    });
  }

  private dnsName(ip: string): string {
    return `ec2-${ip.replace(/\./g, '-')}.${this.region}.compute.amazonaws.com`;
  }

  /** The public side of one private IP, as DescribeInstances and DescribeNetworkInterfaces show it. */
  private ipAssociation(
    inst: NetInstance,
    eni: SimEni,
    privateIp: string,
  ): (InstanceNetworkInterfaceAssociation & { AllocationId?: string; AssociationId?: string }) | undefined {
    const eip = this.visibleAddressAt(eni.eniId, privateIp);
    if (eip) {
      const assoc = this.visibleAssociation(eip)!;
      return {
        IpOwnerId: this.accountId,
        PublicDnsName: this.dnsName(eip.publicIp),
        PublicIp: eip.publicIp,
        AllocationId: eip.allocationId,
        AssociationId: assoc.associationId,
      };
    }
    const pub = privateIp === eni.primaryIp ? this.visiblePublicIp(inst) : undefined;
    return pub ? { IpOwnerId: 'amazon', PublicDnsName: this.dnsName(pub), PublicIp: pub } : undefined;
  }

  /** `NetworkInterfaces` of a DescribeInstances answer (none once terminated: the interface is deleted). */
  instanceInterfaces(inst: NetInstance): InstanceNetworkInterface[] {
    const eni = this.primaryEniOf(inst.instanceId);
    if (!eni) return [];
    // DescribeInstances' association has no AllocationId/AssociationId (unlike DescribeNetworkInterfaces').
    const strip = (a: ReturnType<Network['ipAssociation']>): InstanceNetworkInterfaceAssociation | undefined =>
      a ? { IpOwnerId: a.IpOwnerId!, PublicDnsName: a.PublicDnsName!, PublicIp: a.PublicIp! } : undefined;
    const primaryAssoc = strip(this.ipAssociation(inst, eni, eni.primaryIp));
    return [
      {
        NetworkInterfaceId: eni.eniId,
        Attachment: { AttachmentId: eni.attachmentId, DeviceIndex: 0, NetworkCardIndex: 0, Status: 'attached', DeleteOnTermination: true },
        OwnerId: this.accountId,
        Status: 'in-use',
        InterfaceType: 'interface',
        SourceDestCheck: true,
        PrivateIpAddress: eni.primaryIp,
        PrivateIpAddresses: [eni.primaryIp, ...eni.secondaryIps].map((ip) => {
          const a = strip(this.ipAssociation(inst, eni, ip));
          return { PrivateIpAddress: ip, Primary: ip === eni.primaryIp, ...(a ? { Association: a } : {}) };
        }),
        ...(primaryAssoc ? { Association: primaryAssoc } : {}),
      },
    ];
  }

  describeInterfaces(input: { NetworkInterfaceIds?: string[]; Filters?: Filter[] }): NetworkInterface[] {
    const ids = input.NetworkInterfaceIds ?? [];
    const missing = ids.filter((id) => !this.enis.has(id));
    if (missing.length === 1) this.fail('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${missing[0]}' does not exist`);
    if (missing.length > 1) this.fail('InvalidNetworkInterfaceID.NotFound', `The networkInterface IDs '${missing.join(', ')}' do not exist`);
    const out: NetworkInterface[] = [];
    for (const eni of [...this.enis.values()].sort((a, b) => a.eniId.localeCompare(b.eniId))) {
      if (ids.length && !ids.includes(eni.eniId)) continue;
      if (!(input.Filters ?? []).every((f) => this.eniMatches(eni, f))) continue;
      const inst = this.instance(eni.instanceId)!;
      const primary = this.ipAssociation(inst, eni, eni.primaryIp);
      out.push({
        NetworkInterfaceId: eni.eniId,
        AvailabilityZone: eni.availabilityZone,
        Attachment: {
          AttachmentId: eni.attachmentId,
          DeviceIndex: 0,
          NetworkCardIndex: 0,
          InstanceId: eni.instanceId,
          InstanceOwnerId: this.accountId,
          Status: 'attached',
          DeleteOnTermination: true,
        },
        OwnerId: this.accountId,
        Status: 'in-use',
        InterfaceType: 'interface',
        SourceDestCheck: true,
        PrivateIpAddress: eni.primaryIp,
        PrivateIpAddresses: [eni.primaryIp, ...eni.secondaryIps].map((ip) => {
          const a = this.ipAssociation(inst, eni, ip);
          return { PrivateIpAddress: ip, Primary: ip === eni.primaryIp, ...(a ? { Association: a } : {}) };
        }),
        ...(primary ? { Association: primary } : {}),
        TagSet: Object.entries(eni.tags).map(([Key, Value]) => ({ Key, Value })),
      });
    }
    return out;
  }

  private eniMatches(eni: SimEni, f: Filter): boolean {
    const values = f.Values ?? [];
    switch (f.Name) {
      case 'network-interface-id':
        return filterMatches(values, eni.eniId);
      case 'attachment.instance-id':
        return filterMatches(values, eni.instanceId);
      case 'availability-zone':
        return filterMatches(values, eni.availabilityZone);
      case 'private-ip-address':
      case 'addresses.private-ip-address':
        return [eni.primaryIp, ...eni.secondaryIps].some((ip) => filterMatches(values, ip));
      default:
        return this.fail('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
    }
  }

  describeAddresses(input: { AllocationIds?: string[]; PublicIps?: string[]; Filters?: Filter[] }): Address[] {
    const allocationIds = input.AllocationIds ?? [];
    const missing = allocationIds.filter((id) => !this.addresses.has(id));
    if (missing.length === 1) this.fail('InvalidAllocationID.NotFound', `The allocation ID '${missing[0]}' does not exist`);
    if (missing.length > 1) this.fail('InvalidAllocationID.NotFound', `The allocation IDs '${missing.join(', ')}' do not exist`);
    const all = [...this.addresses.values()];
    const unknownIps = (input.PublicIps ?? []).filter((ip) => !all.some((a) => a.publicIp === ip));
    if (unknownIps.length) this.fail('InvalidAddress.NotFound', `Address '${unknownIps.join(', ')}' not found.`);
    return all
      .filter((a) => allocationIds.length === 0 || allocationIds.includes(a.allocationId))
      .filter((a) => (input.PublicIps ?? []).length === 0 || input.PublicIps!.includes(a.publicIp))
      .map((a) => this.toAddress(a))
      .filter((a) => (input.Filters ?? []).every((f) => this.addressMatches(a, f)))
      .sort((x, y) => x.AllocationId!.localeCompare(y.AllocationId!));
  }

  private toAddress(a: SimAddress): Address {
    const assoc = this.visibleAssociation(a);
    return {
      AllocationId: a.allocationId,
      PublicIp: a.publicIp,
      Domain: 'vpc',
      PublicIpv4Pool: 'amazon',
      NetworkBorderGroup: this.region,
      ...(assoc
        ? {
            AssociationId: assoc.associationId,
            InstanceId: assoc.instanceId,
            NetworkInterfaceId: assoc.eniId,
            NetworkInterfaceOwnerId: this.accountId,
            PrivateIpAddress: assoc.privateIp,
          }
        : {}),
      Tags: Object.entries(a.tags).map(([Key, Value]) => ({ Key, Value })),
    };
  }

  private addressMatches(a: Address, f: Filter): boolean {
    const values = f.Values ?? [];
    const has = (v: string | undefined) => filterMatches(values, v);
    switch (f.Name) {
      case 'allocation-id':
        return has(a.AllocationId);
      case 'association-id':
        return has(a.AssociationId);
      case 'domain':
        return has(a.Domain);
      case 'instance-id':
        return has(a.InstanceId);
      case 'network-interface-id':
        return has(a.NetworkInterfaceId);
      case 'network-interface-owner-id':
        return has(a.NetworkInterfaceOwnerId);
      case 'private-ip-address':
        return has(a.PrivateIpAddress);
      case 'public-ip':
        return has(a.PublicIp);
      case 'network-border-group':
        return has(a.NetworkBorderGroup);
      case 'tag-key':
        return (a.Tags ?? []).some((t) => has(t.Key));
      default:
        if (f.Name?.startsWith('tag:')) return (a.Tags ?? []).some((t) => t.Key === f.Name!.slice(4) && has(t.Value));
        return this.fail('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
    }
  }

  // ---- shared ----

  requireEni(eniId: string | undefined): SimEni {
    if (!eniId) this.fail('MissingParameter', 'The request must contain the parameter networkInterfaceId');
    const eni = this.enis.get(eniId);
    if (!eni) this.fail('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${eniId}' does not exist`);
    return eni;
  }

  requireAddress(allocationId: string): SimAddress {
    const a = this.addresses.get(allocationId);
    if (!a) this.fail('InvalidAllocationID.NotFound', `The allocation ID '${allocationId}' does not exist`);
    return a;
  }
}
