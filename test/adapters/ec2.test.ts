/**
 * Ec2Adapter against a mocked EC2Client: it looks instances up with an `instance-id` filter (an
 * unknown id in `InstanceIds` would fail the whole call), 200 values per filter, following
 * NextToken, and maps addresses, state and zone.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  EC2ServiceException,
  type DescribeInstancesCommandInput,
  type Instance,
} from '@aws-sdk/client-ec2';
import { Ec2Adapter } from '../../lib/aws/ec2';

const ec2Mock = mockClient(EC2Client);
let adapter: Ec2Adapter;

beforeEach(() => {
  ec2Mock.reset();
  adapter = new Ec2Adapter(new EC2Client({ region: 'eu-west-1' }));
});

const sent = () => ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input as DescribeInstancesCommandInput);

const id = (i: number) => `i-0${i.toString(16).padStart(16, '0')}`;

const instance = (instanceId: string, extra: Partial<Instance> = {}): Instance => ({
  InstanceId: instanceId,
  State: { Name: 'running', Code: 16 },
  Placement: { AvailabilityZone: 'eu-west-1a' },
  PrivateIpAddress: '10.0.0.1',
  PublicIpAddress: '54.170.0.1',
  ...extra,
});

/** Answers with one reservation per requested id (as EC2 does for instances launched one by one). */
function answerEveryFilteredId() {
  ec2Mock.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => ({
    Reservations: (input.Filters?.[0]?.Values ?? []).map((v) => ({ ReservationId: `r-${v.slice(2)}`, Instances: [instance(v)] })),
  }));
}

describe('describeInstances', () => {
  it('filters by instance-id, never with InstanceIds, and maps addresses, state and zone', async () => {
    // Prepare
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          ReservationId: 'r-1',
          Instances: [
            instance(id(1), {
              PublicIpAddress: '54.170.0.11',
              PrivateIpAddress: '10.0.0.11',
              Placement: { AvailabilityZone: 'eu-west-1b' },
              Tags: [{ Key: 'hfc:deregistered-at', Value: '2026-11-22T10:00:00.000Z' }],
            }),
            instance(id(2), { State: { Name: 'pending', Code: 0 }, PublicIpAddress: undefined, PrivateIpAddress: '10.0.0.12' }),
          ],
        },
        {
          ReservationId: 'r-2',
          Instances: [instance(id(3), { State: { Name: 'terminated', Code: 48 }, PublicIpAddress: undefined, PrivateIpAddress: undefined, Placement: {} })],
        },
      ],
    });

    // Act
    const found = await adapter.describeInstances([id(1), id(2), id(3), id(4)]);

    // Assess
    expect(sent()).toEqual([{ Filters: [{ Name: 'instance-id', Values: [id(1), id(2), id(3), id(4)] }], MaxResults: 1000 }]);
    expect(sent()[0]).not.toHaveProperty('InstanceIds');
    expect([...found.values()]).toEqual([
      {
        instanceId: id(1),
        state: 'running',
        availabilityZone: 'eu-west-1b',
        privateIp: '10.0.0.11',
        publicIp: '54.170.0.11',
        tags: { 'hfc:deregistered-at': '2026-11-22T10:00:00.000Z' },
      },
      { instanceId: id(2), state: 'pending', availabilityZone: 'eu-west-1a', privateIp: '10.0.0.12', tags: {} },
      { instanceId: id(3), state: 'terminated', tags: {} },
    ]);
    // An id EC2 does not know is simply absent.
    expect(found.has(id(4))).toBe(false);
  });

  it('sends at most 200 filter values per call: 450 ids -> 200, 200, 50, in order', async () => {
    // Prepare
    answerEveryFilteredId();
    const ids = Array.from({ length: 450 }, (_, i) => id(i + 1));

    // Act
    const found = await adapter.describeInstances(ids);

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 3);
    expect(sent().map((s) => s.Filters?.[0]?.Values?.length)).toEqual([200, 200, 50]);
    expect(sent().flatMap((s) => s.Filters?.[0]?.Values ?? [])).toEqual(ids);
    expect(sent().every((s) => s.InstanceIds === undefined && s.Filters?.length === 1 && s.Filters[0]?.Name === 'instance-id')).toBe(true);
    expect(ec2Mock).toHaveReceivedNthCommandWith(DescribeInstancesCommand, 3, { Filters: [{ Name: 'instance-id', Values: ids.slice(400) }] });
    expect(found.size).toBe(450);
  });

  it('follows NextToken within a chunk, repeating the same filter', async () => {
    // Prepare: the SDK's paginator reuses one input object, so inputs are copied as they are sent
    const pages = [
      { Reservations: [{ Instances: [instance(id(1))] }], NextToken: 'page-2' },
      { Reservations: [{ Instances: [instance(id(2))] }], NextToken: 'page-3' },
      { Reservations: [{ Instances: [instance(id(3))] }] },
    ];
    const seen: unknown[] = [];
    ec2Mock.on(DescribeInstancesCommand).callsFake((input: object) => {
      seen.push(structuredClone(input));
      return pages.shift();
    });

    // Act
    const found = await adapter.describeInstances([id(1), id(2), id(3)]);

    // Assess
    const filter = [{ Name: 'instance-id', Values: [id(1), id(2), id(3)] }];
    expect(seen).toEqual([
      { Filters: filter, MaxResults: 1000 },
      { Filters: filter, MaxResults: 1000, NextToken: 'page-2' },
      { Filters: filter, MaxResults: 1000, NextToken: 'page-3' },
    ]);
    expect([...found.keys()]).toEqual([id(1), id(2), id(3)]);
  });

  it("maps the primary IPv6: Instance.Ipv6Address, else the primary interface's (its primary one first); none without", async () => {
    // Prepare
    const eni = (addresses: { Ipv6Address: string; IsPrimaryIpv6?: boolean }[]) => ({ Attachment: { DeviceIndex: 0 }, Ipv6Addresses: addresses });
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            instance(id(1), { Ipv6Address: '2600:1f18::1' }),
            instance(id(2), { NetworkInterfaces: [eni([{ Ipv6Address: '2600:1f18::a' }, { Ipv6Address: '2600:1f18::2', IsPrimaryIpv6: true }])] }),
            instance(id(3), { NetworkInterfaces: [eni([{ Ipv6Address: '2600:1f18::3' }])] }),
            instance(id(4)),
          ],
        },
      ],
    });

    // Act
    const infos = await adapter.describeInstances([id(1), id(2), id(3), id(4)]);

    // Assess
    expect([1, 2, 3, 4].map((i) => infos.get(id(i))?.ipv6)).toEqual(['2600:1f18::1', '2600:1f18::2', '2600:1f18::3', undefined]);
  });

  it('sends nothing for no id', async () => {
    // Act
    const found = await adapter.describeInstances([]);

    // Assess
    expect(found.size).toBe(0);
    expect(ec2Mock).not.toHaveReceivedAnyCommand();
  });

  it('lets EC2 errors pass through unchanged', async () => {
    // Prepare
    const throttled = new EC2ServiceException({
      name: 'RequestLimitExceeded',
      $fault: 'client',
      $metadata: { httpStatusCode: 503 },
      message: 'Request limit exceeded.',
    });
    ec2Mock.on(DescribeInstancesCommand).rejects(throttled);

    // Act
    const err = await adapter.describeInstances([id(1)]).catch((e: unknown) => e);

    // Assess
    expect(err).toBe(throttled);
  });
});

describe('tagInstance', () => {
  it('sends CreateTags for that one instance with the given tags', async () => {
    // Prepare
    ec2Mock.on(CreateTagsCommand).resolves({});

    // Act
    await adapter.tagInstance(id(7), { 'hfc:deregistered-at': '2026-11-22T10:00:00.000Z' });

    // Assess
    expect(ec2Mock.commandCalls(CreateTagsCommand).map((c) => c.args[0].input)).toEqual([
      { Resources: [id(7)], Tags: [{ Key: 'hfc:deregistered-at', Value: '2026-11-22T10:00:00.000Z' }] },
    ]);
  });
});

describe('untagInstance', () => {
  it('sends DeleteTags for that one instance and those keys', async () => {
    // Prepare
    ec2Mock.on(DeleteTagsCommand).resolves({});

    // Act
    await adapter.untagInstance(id(7), ['hfc:deregistered-at']);

    // Assess
    expect(ec2Mock.commandCalls(DeleteTagsCommand).map((c) => c.args[0].input)).toEqual([{ Resources: [id(7)], Tags: [{ Key: 'hfc:deregistered-at' }] }]);
  });
});

describe('describeTagged: configuration values are literal, never EC2 filter wildcards', () => {
  it('escapes *, ? and \\ in the filter values, and keeps only instances whose tags are exactly the values', async () => {
    // Prepare: EC2 reads `*` as a wildcard; an answer that matched one must not be taken
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          ReservationId: 'r-1',
          Instances: [instance(id(1), { Tags: [{ Key: 'role', Value: 'app*' }] }), instance(id(2), { Tags: [{ Key: 'role', Value: 'app-server' }] })],
        },
      ],
    });

    // Act
    const found = await adapter.describeTagged({ role: 'app*' });

    // Assess
    expect(sent()[0]!.Filters).toContainEqual({ Name: 'tag:role', Values: ['app\\*'] });
    expect([...found.keys()]).toEqual([id(1)]);
  });
});

describe('describeGroupInstances: found by the tag Auto Scaling puts on the instances it launches', () => {
  it("filters on aws:autoscaling:groupName (literal value) and running or pending, and keeps only the group's own instances", async () => {
    // Prepare: a wildcard-looking group name, and an answer that also holds another group's instance
    const group = 'edge*';
    const asg = (name: string) => [{ Key: 'aws:autoscaling:groupName', Value: name }];
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [{ ReservationId: 'r-1', Instances: [instance(id(1), { Tags: asg(group) }), instance(id(2), { Tags: asg('edge-haproxy') })] }],
    });

    // Act
    const found = await adapter.describeGroupInstances(group);

    // Assess: the key is Auto Scaling's, exactly (lib/plan/tags.ts AUTO_SCALING_GROUP_TAG)
    expect(sent()).toEqual([
      {
        Filters: [
          { Name: 'tag:aws:autoscaling:groupName', Values: ['edge\\*'] },
          { Name: 'instance-state-name', Values: ['pending', 'running'] },
        ],
        MaxResults: 1000,
      },
    ]);
    expect([...found.keys()]).toEqual([id(1)]);
  });
});
