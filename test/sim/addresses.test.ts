/**
 * The simulated EC2's network side, driven through a real SDK client (`maxAttempts: 1`): each
 * instance's primary network interface and its secondary private IPs, Elastic IPs and their
 * associations, the errors EC2 raises where it raises them, and the optional association lag.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DisassociateAddressCommand,
  UnassignPrivateIpAddressesCommand,
  type Address,
  type AssociateAddressCommandInput,
  type DescribeAddressesCommandInput,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { SimAccount } from '../../sim/account';

let account: SimAccount;
let ec2: EC2Client;

beforeEach(() => {
  account = new SimAccount();
  ec2 = account.clients({ maxAttempts: 1 }).ec2;
});

// ---- helpers ----

async function failure(call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err) => err,
  );
}

/** Launches a node; returns its instance id, interface id and primary private IP. */
function launch(opts: { instanceType?: string; availabilityZone?: string; publicIp?: boolean } = {}) {
  const inst = account.ec2.runInstance({ availabilityZone: opts.availabilityZone ?? 'eu-west-1a', ...opts });
  return { id: inst.instanceId, eni: account.ec2.primaryEni(inst.instanceId)!.eniId, primaryIp: inst.privateIp, autoPublicIp: inst.publicIp };
}

async function instance(id: string): Promise<Instance> {
  const res = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return res.Reservations![0]!.Instances![0]!;
}

async function addresses(input: DescribeAddressesCommandInput = {}): Promise<Address[]> {
  return (await ec2.send(new DescribeAddressesCommand(input))).Addresses ?? [];
}

async function address(allocationId: string): Promise<Address> {
  return (await addresses({ AllocationIds: [allocationId] }))[0]!;
}

const associate = (input: AssociateAddressCommandInput) => ec2.send(new AssociateAddressCommand(input));
const assign = (eni: string, count: number) =>
  ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, SecondaryPrivateIpAddressCount: count }));
const secondaries = (inst: Instance) => (inst.NetworkInterfaces?.[0]?.PrivateIpAddresses ?? []).filter((p) => !p.Primary).map((p) => p.PrivateIpAddress);
const dns = (ip: string) => `ec2-${ip.replace(/\./g, '-')}.eu-west-1.compute.amazonaws.com`;

// ---- secondary private IPs ----

describe('AssignPrivateIpAddresses', () => {
  it('assigns N secondary IPs from the subnet, shown on the interface after the primary', async () => {
    // Prepare
    const node = launch();

    // Act
    const res = await assign(node.eni, 2);

    // Assess
    const ips = res.AssignedPrivateIpAddresses!.map((p) => p.PrivateIpAddress!);
    expect(res.NetworkInterfaceId).toBe(node.eni);
    expect(ips).toHaveLength(2);
    for (const ip of ips) expect(ip).toMatch(/^10\.0\.\d+\.\d+$/);
    expect(new Set([...ips, node.primaryIp]).size).toBe(3);
    const inst = await instance(node.id);
    expect(inst.NetworkInterfaces![0]!.PrivateIpAddresses).toEqual([
      { PrivateIpAddress: node.primaryIp, Primary: true, Association: expect.objectContaining({ IpOwnerId: 'amazon' }) },
      { PrivateIpAddress: ips[0], Primary: false },
      { PrivateIpAddress: ips[1], Primary: false },
    ]);
    expect(inst.NetworkInterfaces![0]!.Attachment!.DeviceIndex).toBe(0);
  });

  it('assigns the IPs asked for, never one another interface holds (without AllowReassignment)', async () => {
    // Prepare
    const a = launch();
    const b = launch();

    // Act
    const res = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a.eni, PrivateIpAddresses: ['10.0.200.7'] }));
    const taken = await failure(ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b.eni, PrivateIpAddresses: ['10.0.200.7'] })));
    const primary = await failure(
      ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b.eni, PrivateIpAddresses: [a.primaryIp], AllowReassignment: true })),
    );
    const outside = await failure(ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b.eni, PrivateIpAddresses: ['192.168.0.9'] })));

    // Assess
    expect(res.AssignedPrivateIpAddresses).toEqual([{ PrivateIpAddress: '10.0.200.7' }]);
    expect(taken.name).toBe('InvalidIPAddress.InUse');
    expect(taken.message).toBe('Address 10.0.200.7 is in use.');
    expect(primary.name).toBe('InvalidIPAddress.InUse');
    expect(outside.name).toBe('InvalidParameterValue');
    expect(secondaries(await instance(b.id))).toEqual([]);
  });

  it('with AllowReassignment moves a secondary IP from another interface, and the Elastic IP on it moves too', async () => {
    // Prepare
    const a = launch();
    const b = launch();
    const [ip] = (await assign(a.eni, 1)).AssignedPrivateIpAddresses!.map((p) => p.PrivateIpAddress!);
    const eip = account.ec2.allocateAddress();
    await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: a.eni, PrivateIpAddress: ip! });

    // Act
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b.eni, PrivateIpAddresses: [ip!], AllowReassignment: true }));

    // Assess
    expect(secondaries(await instance(a.id))).toEqual([]);
    expect(secondaries(await instance(b.id))).toEqual([ip]);
    expect(await address(eip.allocationId)).toMatchObject({ InstanceId: b.id, NetworkInterfaceId: b.eni, PrivateIpAddress: ip });
  });

  it('fails with InvalidNetworkInterfaceID.NotFound for an unknown interface', async () => {
    // Act
    const err = await failure(assign('eni-0123456789abcdef0', 1));

    // Assess
    expect(err.name).toBe('InvalidNetworkInterfaceID.NotFound');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toBe("The networkInterface ID 'eni-0123456789abcdef0' does not exist");
  });

  it('c7g.large: 10 IPv4 addresses per interface, primary included; past that PrivateIpAddressLimitExceeded, nothing assigned', async () => {
    // Prepare
    const node = launch();
    await assign(node.eni, 8);

    // Act
    const tooMany = await failure(assign(node.eni, 2));
    const last = await assign(node.eni, 1);
    const full = await failure(assign(node.eni, 1));

    // Assess
    expect(tooMany.name).toBe('PrivateIpAddressLimitExceeded');
    expect(last.AssignedPrivateIpAddresses).toHaveLength(1);
    expect(full.name).toBe('PrivateIpAddressLimitExceeded');
    expect(secondaries(await instance(node.id))).toHaveLength(9);
  });

  it('the limit follows the instance type (t3.micro: 2 per interface)', async () => {
    // Prepare
    const node = launch({ instanceType: 't3.micro' });

    // Act
    const err = await failure(assign(node.eni, 2));

    // Assess
    expect(err.name).toBe('PrivateIpAddressLimitExceeded');
    expect((await instance(node.id)).InstanceType).toBe('t3.micro');
  });

  it('takes either a count or addresses: both is InvalidParameterCombination, neither MissingParameter', async () => {
    // Prepare
    const node = launch();

    // Act
    const both = await failure(
      ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: node.eni, PrivateIpAddresses: ['10.0.200.1'], SecondaryPrivateIpAddressCount: 1 })),
    );
    const neither = await failure(ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: node.eni })));

    // Assess
    expect(both.name).toBe('InvalidParameterCombination');
    expect(neither.name).toBe('MissingParameter');
  });
});

describe('UnassignPrivateIpAddresses', () => {
  it('frees a secondary IP, which another interface can then take', async () => {
    // Prepare
    const a = launch();
    const b = launch();
    const [ip] = (await assign(a.eni, 1)).AssignedPrivateIpAddresses!.map((p) => p.PrivateIpAddress!);

    // Act
    await ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: a.eni, PrivateIpAddresses: [ip!] }));
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b.eni, PrivateIpAddresses: [ip!] }));

    // Assess
    expect(secondaries(await instance(a.id))).toEqual([]);
    expect(secondaries(await instance(b.id))).toEqual([ip]);
  });

  it('refuses the primary IP, an IP the interface does not hold, and an unknown interface; changes nothing', async () => {
    // Prepare
    const node = launch();
    const [ip] = (await assign(node.eni, 1)).AssignedPrivateIpAddresses!.map((p) => p.PrivateIpAddress!);
    const unassign = (eni: string, ips: string[]) => ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, PrivateIpAddresses: ips }));

    // Act
    const primary = await failure(unassign(node.eni, [node.primaryIp]));
    const notHeld = await failure(unassign(node.eni, [ip!, '10.0.250.250']));
    const unknown = await failure(unassign('eni-0123456789abcdef0', [ip!]));

    // Assess
    expect(primary.name).toBe('InvalidParameterValue');
    expect(notHeld.name).toBe('InvalidParameterValue');
    expect(notHeld.message).toBe(`Some of the specified addresses are not assigned to interface ${node.eni}`);
    expect(unknown.name).toBe('InvalidNetworkInterfaceID.NotFound');
    expect(secondaries(await instance(node.id))).toEqual([ip]);
  });

  it('disassociates the Elastic IP on the unassigned IP (it stays allocated)', async () => {
    // Prepare
    const node = launch();
    const [ip] = (await assign(node.eni, 1)).AssignedPrivateIpAddresses!.map((p) => p.PrivateIpAddress!);
    const eip = account.ec2.allocateAddress();
    await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: node.eni, PrivateIpAddress: ip! });

    // Act
    await ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: node.eni, PrivateIpAddresses: [ip!] }));

    // Assess
    const a = await address(eip.allocationId);
    expect(a).not.toHaveProperty('AssociationId');
    expect(a).not.toHaveProperty('InstanceId');
  });
});

describe('DescribeNetworkInterfaces', () => {
  it('finds interfaces by attachment.instance-id, network-interface-id and NetworkInterfaceIds, with the Elastic IPs on them', async () => {
    // Prepare
    const a = launch();
    const b = launch();
    const eip = account.ec2.allocateAddress();
    const { AssociationId } = await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: a.eni });

    // Act
    const byInstance = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [a.id] }] }));
    const byFilterId = await ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'network-interface-id', Values: [b.eni, 'eni-0123456789abcdef0'] }] }),
    );
    const byIds = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [a.eni, b.eni] }));

    // Assess
    expect(byInstance.NetworkInterfaces).toEqual([
      expect.objectContaining({
        NetworkInterfaceId: a.eni,
        Attachment: expect.objectContaining({ InstanceId: a.id, DeviceIndex: 0, Status: 'attached' }),
        AvailabilityZone: 'eu-west-1a',
        PrivateIpAddress: a.primaryIp,
        Association: { IpOwnerId: account.accountId, PublicDnsName: dns(eip.publicIp), PublicIp: eip.publicIp, AllocationId: eip.allocationId, AssociationId },
      }),
    ]);
    expect(byFilterId.NetworkInterfaces!.map((n) => n.NetworkInterfaceId)).toEqual([b.eni]);
    expect(byIds.NetworkInterfaces!.map((n) => n.NetworkInterfaceId).sort()).toEqual([a.eni, b.eni].sort());
  });

  it('fails the whole call for an unknown id in NetworkInterfaceIds; an unknown filter is InvalidParameterValue', async () => {
    // Prepare
    const a = launch();

    // Act
    const unknown = await failure(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [a.eni, 'eni-0123456789abcdef0'] })));
    const badFilter = await failure(ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'owner', Values: ['x'] }] })));

    // Assess
    expect(unknown.name).toBe('InvalidNetworkInterfaceID.NotFound');
    expect(badFilter.name).toBe('InvalidParameterValue');
  });
});

// ---- Elastic IPs ----

describe('allocateAddress and DescribeAddresses', () => {
  it('allocates eipalloc- ids from 52.16.0.0/16; an unassociated address has no association fields', async () => {
    // Act
    const eip = account.ec2.allocateAddress({ tags: { 'hfc:pool': 'edge' } });

    // Assess
    expect(eip.allocationId).toMatch(/^eipalloc-0[0-9a-f]{16}$/);
    expect(eip.publicIp).toMatch(/^52\.16\.\d+\.\d+$/);
    expect(await addresses()).toEqual([
      {
        AllocationId: eip.allocationId,
        PublicIp: eip.publicIp,
        Domain: 'vpc',
        PublicIpv4Pool: 'amazon',
        NetworkBorderGroup: 'eu-west-1',
        Tags: [{ Key: 'hfc:pool', Value: 'edge' }],
      },
    ]);
  });

  it('filters by allocation-id, tag:<key>, tag-key, instance-id, network-interface-id, association-id, domain and public-ip', async () => {
    // Prepare
    const node = launch();
    const edge = account.ec2.allocateAddress({ tags: { 'hfc:pool': 'edge' } });
    const other = account.ec2.allocateAddress({ tags: { 'hfc:pool': 'other' } });
    const bare = account.ec2.allocateAddress();
    const { AssociationId } = await associate({ AllocationId: edge.allocationId, NetworkInterfaceId: node.eni });
    const ids = async (Filters: DescribeAddressesCommandInput['Filters']) => (await addresses({ Filters })).map((a) => a.AllocationId).sort();

    // Act + Assess
    expect(await ids([{ Name: 'allocation-id', Values: [other.allocationId] }])).toEqual([other.allocationId]);
    expect(await ids([{ Name: 'tag:hfc:pool', Values: ['edge', 'other'] }])).toEqual([edge.allocationId, other.allocationId].sort());
    expect(await ids([{ Name: 'tag-key', Values: ['hfc:pool'] }])).toEqual([edge.allocationId, other.allocationId].sort());
    expect(await ids([{ Name: 'instance-id', Values: [node.id] }])).toEqual([edge.allocationId]);
    expect(await ids([{ Name: 'network-interface-id', Values: [node.eni] }])).toEqual([edge.allocationId]);
    expect(await ids([{ Name: 'association-id', Values: [AssociationId!] }])).toEqual([edge.allocationId]);
    expect(await ids([{ Name: 'domain', Values: ['vpc'] }])).toEqual([edge.allocationId, other.allocationId, bare.allocationId].sort());
    expect(await ids([{ Name: 'public-ip', Values: [bare.publicIp] }])).toEqual([bare.allocationId]);
    expect(
      await ids([
        { Name: 'tag:hfc:pool', Values: ['edge'] },
        { Name: 'domain', Values: ['standard'] },
      ]),
    ).toEqual([]);
  });

  it('fails the whole call for an unknown allocation id (InvalidAllocationID.NotFound) or public IP; an unknown filter is InvalidParameterValue', async () => {
    // Prepare
    const eip = account.ec2.allocateAddress();

    // Act
    const byId = await failure(addresses({ AllocationIds: [eip.allocationId, 'eipalloc-0123456789abcdef0'] }));
    const byIp = await failure(addresses({ PublicIps: ['198.51.100.1'] }));
    const badFilter = await failure(addresses({ Filters: [{ Name: 'color', Values: ['red'] }] }));

    // Assess
    expect(byId.name).toBe('InvalidAllocationID.NotFound');
    expect(byId.message).toBe("The allocation ID 'eipalloc-0123456789abcdef0' does not exist");
    expect(byIp.name).toBe('InvalidAddress.NotFound');
    expect(badFilter.name).toBe('InvalidParameterValue');
  });
});

describe('AssociateAddress', () => {
  it('on the primary private IP (the default) replaces the auto-assigned public IPv4, which is released', async () => {
    // Prepare
    const node = launch();
    const eip = account.ec2.allocateAddress();

    // Act
    const res = await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: node.eni });

    // Assess
    expect(res.AssociationId).toMatch(/^eipassoc-0[0-9a-f]{16}$/);
    const inst = await instance(node.id);
    const eipSide = { IpOwnerId: account.accountId, PublicDnsName: dns(eip.publicIp), PublicIp: eip.publicIp };
    expect(inst.PublicIpAddress).toBe(eip.publicIp);
    expect(inst.NetworkInterfaces![0]!.Association).toEqual(eipSide);
    expect(inst.NetworkInterfaces![0]!.PrivateIpAddresses).toEqual([{ PrivateIpAddress: node.primaryIp, Primary: true, Association: eipSide }]);
    expect(await address(eip.allocationId)).toEqual({
      AllocationId: eip.allocationId,
      PublicIp: eip.publicIp,
      Domain: 'vpc',
      PublicIpv4Pool: 'amazon',
      NetworkBorderGroup: 'eu-west-1',
      AssociationId: res.AssociationId,
      InstanceId: node.id,
      NetworkInterfaceId: node.eni,
      NetworkInterfaceOwnerId: account.accountId,
      PrivateIpAddress: node.primaryIp,
      Tags: [],
    });
  });

  it('disassociating from the primary IP leaves the instance without a public IPv4 (the old one is not given back)', async () => {
    // Prepare
    const node = launch();
    const eip = account.ec2.allocateAddress();
    const { AssociationId } = await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: node.eni });

    // Act
    await ec2.send(new DisassociateAddressCommand({ AssociationId }));

    // Assess
    const inst = await instance(node.id);
    expect(inst).not.toHaveProperty('PublicIpAddress');
    expect(inst.NetworkInterfaces![0]).not.toHaveProperty('Association');
    expect(await address(eip.allocationId)).not.toHaveProperty('AssociationId');
  });

  it('by InstanceId goes on the primary IP of the primary interface', async () => {
    // Prepare
    const node = launch();
    const eip = account.ec2.allocateAddress();

    // Act
    await associate({ AllocationId: eip.allocationId, InstanceId: node.id });

    // Assess
    expect(await address(eip.allocationId)).toMatchObject({ InstanceId: node.id, NetworkInterfaceId: node.eni, PrivateIpAddress: node.primaryIp });
  });

  it('on a secondary private IP leaves the instance its own public IPv4', async () => {
    // Prepare
    const node = launch();
    const [ip] = (await assign(node.eni, 1)).AssignedPrivateIpAddresses!.map((p) => p.PrivateIpAddress!);
    const eip = account.ec2.allocateAddress();

    // Act
    await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: node.eni, PrivateIpAddress: ip! });

    // Assess
    const inst = await instance(node.id);
    expect(inst.PublicIpAddress).toBe(node.autoPublicIp);
    expect(inst.NetworkInterfaces![0]!.PrivateIpAddresses![1]).toEqual({
      PrivateIpAddress: ip,
      Primary: false,
      Association: { IpOwnerId: account.accountId, PublicDnsName: dns(eip.publicIp), PublicIp: eip.publicIp },
    });
  });

  it('refuses a private IP the interface does not hold (InvalidParameterValue), and changes nothing', async () => {
    // Prepare
    const a = launch();
    const b = launch();
    const eip = account.ec2.allocateAddress();

    // Act
    const err = await failure(associate({ AllocationId: eip.allocationId, NetworkInterfaceId: a.eni, PrivateIpAddress: b.primaryIp }));

    // Assess
    expect(err.name).toBe('InvalidParameterValue');
    expect(await address(eip.allocationId)).not.toHaveProperty('AssociationId');
    expect((await instance(a.id)).PublicIpAddress).toBe(a.autoPublicIp);
  });

  it('moves an address already associated elsewhere when AllowReassociation is omitted or true; each association has a new id', async () => {
    // Prepare
    const a = launch();
    const b = launch();
    const c = launch();
    const eip = account.ec2.allocateAddress();
    const first = (await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: a.eni })).AssociationId!;

    // Act
    const second = (await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: b.eni })).AssociationId!;
    const third = (await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: c.eni, AllowReassociation: true })).AssociationId!;

    // Assess
    expect(new Set([first, second, third]).size).toBe(3);
    expect(await address(eip.allocationId)).toMatchObject({ AssociationId: third, InstanceId: c.id });
    expect((await instance(a.id)).PublicIpAddress).toBeUndefined();
    expect((await instance(b.id)).PublicIpAddress).toBeUndefined();
    expect((await instance(c.id)).PublicIpAddress).toBe(eip.publicIp);
    const stale = await failure(ec2.send(new DisassociateAddressCommand({ AssociationId: first })));
    expect(stale.name).toBe('InvalidAssociationID.NotFound');
  });

  it('with AllowReassociation=false refuses an address associated elsewhere (Resource.AlreadyAssociated), and changes nothing', async () => {
    // Prepare
    const a = launch();
    const b = launch();
    const eip = account.ec2.allocateAddress();
    const { AssociationId } = await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: a.eni });

    // Act
    const err = await failure(associate({ AllocationId: eip.allocationId, NetworkInterfaceId: b.eni, AllowReassociation: false }));
    const again = await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: a.eni, AllowReassociation: false });

    // Assess
    expect(err.name).toBe('Resource.AlreadyAssociated');
    expect(err.message).toBe(`resource ${eip.allocationId} is already associated with associate-id ${AssociationId}`);
    expect(again.AssociationId).not.toBe(AssociationId);
    expect(await address(eip.allocationId)).toMatchObject({ InstanceId: a.id, AssociationId: again.AssociationId });
    expect((await instance(b.id)).PublicIpAddress).toBe(b.autoPublicIp);
  });

  it('replaces an Elastic IP already on the target private IP: the old one is disassociated but stays allocated', async () => {
    // Prepare
    const node = launch();
    const old = account.ec2.allocateAddress();
    const incoming = account.ec2.allocateAddress();
    await associate({ AllocationId: old.allocationId, NetworkInterfaceId: node.eni });

    // Act
    await associate({ AllocationId: incoming.allocationId, NetworkInterfaceId: node.eni });

    // Assess
    const oldNow = await address(old.allocationId);
    expect(oldNow).toEqual(expect.objectContaining({ AllocationId: old.allocationId, PublicIp: old.publicIp }));
    expect(oldNow).not.toHaveProperty('AssociationId');
    expect(await address(incoming.allocationId)).toMatchObject({ NetworkInterfaceId: node.eni, PrivateIpAddress: node.primaryIp });
    expect((await instance(node.id)).PublicIpAddress).toBe(incoming.publicIp);
  });

  it("failover: moving a node's address to a peer's secondary IP leaves the node without a public IPv4 and the peer with both", async () => {
    // Prepare
    const home = launch();
    const peer = launch();
    const eip = account.ec2.allocateAddress();
    await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: home.eni });
    const [spare] = (await assign(peer.eni, 1)).AssignedPrivateIpAddresses!.map((p) => p.PrivateIpAddress!);

    // Act
    await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: peer.eni, PrivateIpAddress: spare!, AllowReassociation: true });

    // Assess
    expect((await instance(home.id)).PublicIpAddress).toBeUndefined();
    const p = await instance(peer.id);
    expect(p.PublicIpAddress).toBe(peer.autoPublicIp);
    expect(p.NetworkInterfaces![0]!.PrivateIpAddresses!.map((x) => x.Association?.PublicIp)).toEqual([peer.autoPublicIp, eip.publicIp]);
  });

  it('raises the EC2 error for each bad target: unknown allocation, interface or instance, a terminated instance, both or neither target', async () => {
    // Prepare
    const node = launch();
    const gone = launch();
    account.ec2.terminateInstance(gone.id);
    const eip = account.ec2.allocateAddress();
    const cases: [AssociateAddressCommandInput, string][] = [
      [{ AllocationId: 'eipalloc-0123456789abcdef0', NetworkInterfaceId: node.eni }, 'InvalidAllocationID.NotFound'],
      [{ AllocationId: eip.allocationId, NetworkInterfaceId: 'eni-0123456789abcdef0' }, 'InvalidNetworkInterfaceID.NotFound'],
      [{ AllocationId: eip.allocationId, InstanceId: 'i-0123456789abcdef0' }, 'InvalidInstanceID.NotFound'],
      [{ AllocationId: eip.allocationId, InstanceId: gone.id }, 'IncorrectInstanceState'],
      [{ AllocationId: eip.allocationId, NetworkInterfaceId: gone.eni }, 'InvalidNetworkInterfaceID.NotFound'],
      [{ AllocationId: eip.allocationId, InstanceId: node.id, NetworkInterfaceId: node.eni }, 'InvalidParameterCombination'],
      [{ AllocationId: eip.allocationId }, 'MissingParameter'],
    ];

    for (const [input, code] of cases) {
      // Act
      const err = await failure(associate(input));

      // Assess
      expect([input, err.name]).toEqual([input, code]);
      expect(err.$metadata.httpStatusCode).toBe(400);
    }
    expect(await address(eip.allocationId)).not.toHaveProperty('AssociationId');
  });
});

describe('DisassociateAddress', () => {
  it('fails with InvalidAssociationID.NotFound for an unknown association id', async () => {
    // Act
    const err = await failure(ec2.send(new DisassociateAddressCommand({ AssociationId: 'eipassoc-0123456789abcdef0' })));

    // Assess
    expect(err.name).toBe('InvalidAssociationID.NotFound');
    expect(err.message).toBe("The association ID 'eipassoc-0123456789abcdef0' does not exist");
  });
});

describe('CreateTags and DeleteTags on Elastic IPs', () => {
  it('tag and untag addresses (with instances in the same call); DeleteTags honours a given value', async () => {
    // Prepare
    const node = launch();
    const eip = account.ec2.allocateAddress({ tags: { 'hfc:pool': 'edge' } });
    const tags = async () => Object.fromEntries(((await address(eip.allocationId)).Tags ?? []).map((t) => [t.Key, t.Value]));

    // Act + Assess
    await ec2.send(
      new CreateTagsCommand({
        Resources: [eip.allocationId, node.id],
        Tags: [
          { Key: 'hfc:home', Value: node.id },
          { Key: 'hfc:moved-at', Value: 't1' },
        ],
      }),
    );
    expect(await tags()).toEqual({ 'hfc:pool': 'edge', 'hfc:home': node.id, 'hfc:moved-at': 't1' });
    expect(account.ec2.instance(node.id)!.tags['hfc:home']).toBe(node.id);

    await ec2.send(new DeleteTagsCommand({ Resources: [eip.allocationId], Tags: [{ Key: 'hfc:moved-at', Value: 'other' }, { Key: 'hfc:home' }] }));
    expect(await tags()).toEqual({ 'hfc:pool': 'edge', 'hfc:moved-at': 't1' });

    await ec2.send(new DeleteTagsCommand({ Resources: [eip.allocationId], Tags: [{ Key: 'hfc:moved-at', Value: 't1' }] }));
    expect(await tags()).toEqual({ 'hfc:pool': 'edge' });
  });

  it('an unknown allocation id fails the whole call (InvalidAllocationID.NotFound), tagging nothing', async () => {
    // Prepare
    const eip = account.ec2.allocateAddress();

    // Act
    const err = await failure(
      ec2.send(new CreateTagsCommand({ Resources: [eip.allocationId, 'eipalloc-0123456789abcdef0'], Tags: [{ Key: 'k', Value: 'v' }] })),
    );
    const del = await failure(ec2.send(new DeleteTagsCommand({ Resources: ['eipalloc-0123456789abcdef0'], Tags: [{ Key: 'k' }] })));

    // Assess
    expect(err.name).toBe('InvalidAllocationID.NotFound');
    expect(del.name).toBe('InvalidAllocationID.NotFound');
    expect((await address(eip.allocationId)).Tags).toEqual([]);
  });
});

describe('instance lifecycle', () => {
  it('terminating an instance disassociates its Elastic IPs, frees its private IPs and deletes its interface', async () => {
    // Prepare
    const node = launch();
    const other = launch();
    const [ip] = (await assign(node.eni, 1)).AssignedPrivateIpAddresses!.map((p) => p.PrivateIpAddress!);
    const onPrimary = account.ec2.allocateAddress();
    const onSecondary = account.ec2.allocateAddress();
    await associate({ AllocationId: onPrimary.allocationId, NetworkInterfaceId: node.eni });
    await associate({ AllocationId: onSecondary.allocationId, NetworkInterfaceId: node.eni, PrivateIpAddress: ip! });

    // Act
    account.ec2.terminateInstance(node.id);

    // Assess
    for (const a of await addresses()) expect(a).not.toHaveProperty('AssociationId');
    const inst = await instance(node.id);
    expect(inst.State?.Name).toBe('terminated');
    expect(inst).not.toHaveProperty('PublicIpAddress');
    expect(inst.NetworkInterfaces).toEqual([]);
    expect((await failure(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [node.eni] })))).name).toBe(
      'InvalidNetworkInterfaceID.NotFound',
    );
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: other.eni, PrivateIpAddresses: [ip!] }));
    expect(secondaries(await instance(other.id))).toEqual([ip]);
  });

  it('a stopped instance keeps its Elastic IP (and so a public IPv4), but not an auto-assigned one', async () => {
    // Prepare
    const withEip = launch();
    const plain = launch();
    const eip = account.ec2.allocateAddress();
    await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: withEip.eni });

    // Act
    account.ec2.stopInstance(withEip.id);
    account.ec2.stopInstance(plain.id);

    // Assess
    expect((await instance(withEip.id)).PublicIpAddress).toBe(eip.publicIp);
    expect(await address(eip.allocationId)).toMatchObject({ InstanceId: withEip.id });
    expect(await instance(plain.id)).not.toHaveProperty('PublicIpAddress');
  });
});

describe('association lag (associationLagDescribes)', () => {
  it('is off by default: the next describe shows the new association', async () => {
    // Prepare
    const node = launch();
    const eip = account.ec2.allocateAddress();

    // Act
    await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: node.eni });

    // Assess
    expect(account.ec2.associationLagDescribes).toBe(0);
    expect(await address(eip.allocationId)).toMatchObject({ InstanceId: node.id });
    expect((await instance(node.id)).PublicIpAddress).toBe(eip.publicIp);
  });

  it('when N > 0, the next N DescribeAddresses/DescribeInstances calls still show the previous association and public IPv4', async () => {
    // Prepare
    const a = launch();
    const b = launch();
    const eip = account.ec2.allocateAddress();
    await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: a.eni });
    account.ec2.associationLagDescribes = 2;

    // Act
    await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: b.eni });
    const first = await address(eip.allocationId);
    const second = await instance(b.id);
    const third = await address(eip.allocationId);

    // Assess
    expect(first).toMatchObject({ InstanceId: a.id, NetworkInterfaceId: a.eni });
    expect(second.PublicIpAddress).toBe(b.autoPublicIp);
    expect(third).toMatchObject({ InstanceId: b.id, NetworkInterfaceId: b.eni });
    expect((await instance(b.id)).PublicIpAddress).toBe(eip.publicIp);
    expect((await instance(a.id)).PublicIpAddress).toBeUndefined();
    expect(account.ec2.address(eip.allocationId)!.association!.instanceId).toBe(b.id);
  });

  it('lags a disassociation too, and the instance still shows the address on its interface meanwhile', async () => {
    // Prepare
    const node = launch();
    const eip = account.ec2.allocateAddress();
    const { AssociationId } = await associate({ AllocationId: eip.allocationId, NetworkInterfaceId: node.eni });
    account.ec2.associationLagDescribes = 1;

    // Act
    await ec2.send(new DisassociateAddressCommand({ AssociationId }));
    const during = await instance(node.id);
    const after = await instance(node.id);

    // Assess
    expect(during.PublicIpAddress).toBe(eip.publicIp);
    expect(during.NetworkInterfaces![0]!.Association?.PublicIp).toBe(eip.publicIp);
    expect(after).not.toHaveProperty('PublicIpAddress');
    expect(await address(eip.allocationId)).not.toHaveProperty('AssociationId');
  });
});
