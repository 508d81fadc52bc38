/**
 * Simulated EC2: instances with private and public IPv4 addresses and their states. Models the
 * DescribeInstances semantics the control plane depends on: an unknown id in `InstanceIds` fails
 * the whole call (`InvalidInstanceID.NotFound`), filters never do, terminated instances stay
 * visible with state `terminated` and no public address.
 */
import type { CreateTagsCommandInput, DescribeInstancesCommandInput, DescribeInstancesCommandOutput, Instance, Filter } from '@aws-sdk/client-ec2';
import type { SimAccount } from './account';
import { IdGen } from './ids';
import { ServiceSim } from './service';

type StateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';
const STATE_CODE: Record<StateName, number> = {
  pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80,
};

export interface SimInstance {
  instanceId: string;
  state: StateName;
  availabilityZone: string;
  privateIp: string;
  publicIp?: string;
  tags: Record<string, string>;
  launchTime: Date;
}

export class Ec2Sim extends ServiceSim {
  protected readonly service = 'ec2' as const;
  readonly ids: IdGen;
  private readonly instances = new Map<string, SimInstance>();
  private ipSeq = 0;

  constructor(private readonly account: SimAccount, seed: number) {
    super();
    this.ids = new IdGen(seed);
  }

  // ---- scenario helpers (lower-case: never dispatched as AWS operations) ----

  /** Launches an instance, running at once, with a public IPv4 unless `publicIp` is false. */
  runInstance(opts: { availabilityZone: string; tags?: Record<string, string>; publicIp?: boolean }): SimInstance {
    this.ipSeq += 1;
    const inst: SimInstance = {
      instanceId: this.ids.instanceId(),
      state: 'running',
      availabilityZone: opts.availabilityZone,
      privateIp: `10.0.${(this.ipSeq >> 8) & 255}.${(this.ipSeq & 255) || 1}`,
      tags: { ...(opts.tags ?? {}) },
      launchTime: this.account.now(),
    };
    if (opts.publicIp !== false) inst.publicIp = `54.170.${(this.ipSeq >> 8) & 255}.${(this.ipSeq & 255) || 1}`;
    this.instances.set(inst.instanceId, inst);
    return inst;
  }

  terminateInstance(instanceId: string): void {
    const inst = this.instances.get(instanceId);
    if (!inst) return;
    inst.state = 'terminated';
    delete inst.publicIp;
  }

  /** Stops an instance (a warm-pool instance after it is put away): no public IPv4 while stopped. */
  stopInstance(instanceId: string): void {
    const inst = this.instances.get(instanceId);
    if (!inst) return;
    inst.state = 'stopped';
    delete inst.publicIp;
  }

  instance(instanceId: string): SimInstance | undefined {
    return this.instances.get(instanceId);
  }

  /** Changes an instance's public address, as a stop/start or an EIP association would. */
  setPublicIp(instanceId: string, ip: string | undefined): void {
    const inst = this.instances.get(instanceId);
    if (!inst) throw new Error(`no simulated instance ${instanceId}`);
    if (ip) inst.publicIp = ip;
    else delete inst.publicIp;
  }

  // ---- AWS operations ----

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
    return {
      Reservations: selected.map((i) => ({
        ReservationId: `r-${i.instanceId.slice(2)}`,
        OwnerId: this.account.accountId,
        Instances: [this.toInstance(i)],
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  CreateTags(input: CreateTagsCommandInput): Record<string, never> {
    const ids = input.Resources ?? [];
    if (ids.length === 0) this.fail('MissingParameter', 'The request must contain the parameter resourceIdSet');
    const missing = ids.filter((id) => !this.instances.has(id));
    if (missing.length) this.fail('InvalidInstanceID.NotFound', `The instance ID '${missing.join(', ')}' does not exist`);
    for (const tag of input.Tags ?? []) {
      if (!tag.Key || tag.Key.startsWith('aws:')) this.fail('InvalidParameterValue', `Tag key "${tag.Key}" is invalid: keys may not start with aws:`);
    }
    for (const id of ids) for (const tag of input.Tags ?? []) this.instances.get(id)!.tags[tag.Key!] = tag.Value ?? '';
    return {};
  }

  private matches(i: SimInstance, f: Filter): boolean {
    const values = f.Values ?? [];
    switch (f.Name) {
      case 'instance-id':
        return values.includes(i.instanceId);
      case 'instance-state-name':
        return values.includes(i.state);
      case 'availability-zone':
        return values.includes(i.availabilityZone);
      case 'tag-key':
        return values.some((k) => k in i.tags);
      default:
        if (f.Name?.startsWith('tag:')) {
          const v = i.tags[f.Name.slice(4)];
          return v !== undefined && values.includes(v);
        }
        return this.fail('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
    }
  }

  private toInstance(i: SimInstance): Instance {
    return {
      InstanceId: i.instanceId,
      State: { Name: i.state, Code: STATE_CODE[i.state] },
      Placement: { AvailabilityZone: i.availabilityZone },
      PrivateIpAddress: i.privateIp,
      ...(i.publicIp ? { PublicIpAddress: i.publicIp } : {}),
      LaunchTime: i.launchTime,
      Tags: Object.entries(i.tags).map(([Key, Value]) => ({ Key, Value })),
    };
  }
}
