/**
 * The simulated EC2 DescribeInstances, driven through a real SDK client (`maxAttempts: 1`), and
 * the account's fault injection (throttling, scripted failures, the call log) as the SDK's retry
 * strategy sees it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DescribeInstancesCommand, type DescribeInstancesCommandInput, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { ListHealthChecksCommand } from '@aws-sdk/client-route-53';
import { CompleteLifecycleActionCommand, DescribeAutoScalingGroupsCommand, PutLifecycleHookCommand } from '@aws-sdk/client-auto-scaling';
import { SimAccount } from '../../sim/account';

let account: SimAccount;
let ec2: EC2Client;

beforeEach(() => {
  account = new SimAccount();
  ec2 = account.clients({ maxAttempts: 1 }).ec2;
});

// ---- helpers ----

/** The error a call fails with; fails the test when the call succeeds. */
async function failure(call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number; attempts?: number } }> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err) => err,
  );
}

const launch = (n: number, opts: { availabilityZone?: string; tags?: Record<string, string> } = {}) =>
  Array.from(
    { length: n },
    () => account.ec2.runInstance({ availabilityZone: opts.availabilityZone ?? 'eu-west-1a', ...(opts.tags ? { tags: opts.tags } : {}) }).instanceId,
  );

async function describe_(input: DescribeInstancesCommandInput): Promise<{ instances: Instance[]; nextToken?: string }> {
  const res = await ec2.send(new DescribeInstancesCommand(input));
  return { instances: (res.Reservations ?? []).flatMap((r) => r.Instances ?? []), ...(res.NextToken ? { nextToken: res.NextToken } : {}) };
}

const idsOf = (instances: Instance[]) => instances.map((i) => i.InstanceId).sort();

/** Well-formed (i- and 17 hex digits) but never launched. */
const UNKNOWN = 'i-0123456789abcdef0';

// ---- DescribeInstances ----

describe('DescribeInstances with InstanceIds', () => {
  it('returns the instances with their addresses, type, state, zone, primary network interface and tags', async () => {
    // Prepare
    const [id] = launch(1, { availabilityZone: 'eu-west-1b', tags: { Name: 'edge' } });

    // Act
    const { instances } = await describe_({ InstanceIds: [id!] });

    // Assess
    const inst = account.ec2.instance(id!)!;
    const eniId = account.ec2.primaryEni(id!)!.eniId;
    const publicSide = {
      IpOwnerId: 'amazon',
      PublicDnsName: `ec2-${inst.publicIp!.replace(/\./g, '-')}.eu-west-1.compute.amazonaws.com`,
      PublicIp: inst.publicIp,
    };
    expect(instances).toEqual([
      {
        InstanceId: id,
        InstanceType: 'c7g.large',
        State: { Name: 'running', Code: 16 },
        Placement: { AvailabilityZone: 'eu-west-1b' },
        PrivateIpAddress: expect.stringMatching(/^10\.0\.\d+\.\d+$/),
        PublicIpAddress: expect.stringMatching(/^54\.170\.\d+\.\d+$/),
        SecurityGroups: [],
        NetworkInterfaces: [
          {
            NetworkInterfaceId: expect.stringMatching(/^eni-0[0-9a-f]{16}$/),
            Attachment: {
              AttachmentId: expect.stringMatching(/^eni-attach-0[0-9a-f]{16}$/),
              DeviceIndex: 0,
              NetworkCardIndex: 0,
              Status: 'attached',
              DeleteOnTermination: true,
            },
            OwnerId: account.accountId,
            Status: 'in-use',
            InterfaceType: 'interface',
            SourceDestCheck: true,
            PrivateIpAddress: inst.privateIp,
            PrivateIpAddresses: [{ PrivateIpAddress: inst.privateIp, Primary: true, Association: publicSide }],
            Association: publicSide,
          },
        ],
        LaunchTime: account.now(),
        Tags: [{ Key: 'Name', Value: 'edge' }],
      },
    ]);
    expect(instances[0]?.NetworkInterfaces?.[0]?.NetworkInterfaceId).toBe(eniId);
  });

  it('fails the whole call with InvalidInstanceID.NotFound when one id is unknown', async () => {
    // Prepare
    const ids = launch(2);

    // Act
    const err = await failure(describe_({ InstanceIds: [...ids, UNKNOWN] }));

    // Assess
    expect(err.name).toBe('InvalidInstanceID.NotFound');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toBe(`The instance ID '${UNKNOWN}' does not exist`);
  });

  it('names every unknown id when several are unknown', async () => {
    // Act
    const err = await failure(describe_({ InstanceIds: [UNKNOWN, 'i-0123456789abcdef1'] }));

    // Assess
    expect(err.name).toBe('InvalidInstanceID.NotFound');
    expect(err.message).toBe(`The instance IDs '${UNKNOWN}, i-0123456789abcdef1' do not exist`);
  });

  it.each(['i-xyz', 'instance-1', 'i-0123456789abcdef', 'i-0123456789ABCDEF0'])('fails with InvalidInstanceID.Malformed for %j', async (bad) => {
    // Prepare
    const [id] = launch(1);

    // Act
    const err = await failure(describe_({ InstanceIds: [id!, bad] }));

    // Assess
    expect(err.name).toBe('InvalidInstanceID.Malformed');
    expect(err.message).toContain(bad);
  });

  it('accepts the short (8 hex digit) form of an id, unknown ones being NotFound', async () => {
    // Act
    const err = await failure(describe_({ InstanceIds: ['i-0123abcd'] }));

    // Assess
    expect(err.name).toBe('InvalidInstanceID.NotFound');
  });

  it('refuses MaxResults together with InstanceIds (InvalidParameterCombination)', async () => {
    // Prepare
    const [id] = launch(1);

    // Act
    const err = await failure(describe_({ InstanceIds: [id!], MaxResults: 5 }));

    // Assess
    expect(err.name).toBe('InvalidParameterCombination');
    expect(err.message).toBe('The parameter instancesSet cannot be used with the parameter maxResults');
  });
});

describe('DescribeInstances with filters', () => {
  it('simply leaves out unknown ids of an instance-id filter', async () => {
    // Prepare
    const ids = launch(3);

    // Act
    const { instances } = await describe_({ Filters: [{ Name: 'instance-id', Values: [ids[0]!, UNKNOWN, ids[2]!] }] });

    // Assess
    expect(idsOf(instances)).toEqual([ids[0], ids[2]].sort());
  });

  it('answers an empty list, not an error, when no id of the filter is known', async () => {
    // Act
    const res = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [UNKNOWN] }] }));

    // Assess
    expect(res.Reservations).toEqual([]);
  });

  it('filters by tag:<key> value, tag-key, zone and state; values OR, filters AND', async () => {
    // Prepare
    const edge = launch(2, { tags: { 'aws:autoscaling:groupName': 'edge-asg', Team: 'net' } });
    const other = launch(1, { availabilityZone: 'eu-west-1b', tags: { 'aws:autoscaling:groupName': 'other-asg' } });
    const untagged = launch(1);
    account.ec2.terminateInstance(edge[1]!);

    // Act
    const byGroup = await describe_({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: ['edge-asg'] }] });
    const byEitherGroup = await describe_({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: ['edge-asg', 'other-asg'] }] });
    const byKey = await describe_({ Filters: [{ Name: 'tag-key', Values: ['Team'] }] });
    const runningEdge = await describe_({
      Filters: [
        { Name: 'tag:aws:autoscaling:groupName', Values: ['edge-asg'] },
        { Name: 'instance-state-name', Values: ['running'] },
      ],
    });
    const inB = await describe_({ Filters: [{ Name: 'availability-zone', Values: ['eu-west-1b'] }] });

    // Assess
    expect(idsOf(byGroup.instances)).toEqual([...edge].sort());
    expect(idsOf(byEitherGroup.instances)).toEqual([...edge, ...other].sort());
    expect(idsOf(byKey.instances)).toEqual([...edge].sort());
    expect(idsOf(runningEdge.instances)).toEqual([edge[0]]);
    expect(idsOf(inB.instances)).toEqual(other);
    expect(idsOf(byEitherGroup.instances)).not.toContain(untagged[0]);
  });

  it('refuses an unknown filter name with InvalidParameterValue', async () => {
    // Prepare
    launch(1);

    // Act
    const err = await failure(describe_({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] }));

    // Assess
    expect(err.name).toBe('InvalidParameterValue');
  });
});

describe('DescribeInstances pagination', () => {
  it('returns each instance exactly once across MaxResults/NextToken pages', async () => {
    // Prepare
    const ids = launch(12);

    // Act
    const pages: Instance[][] = [];
    let token: string | undefined;
    do {
      const page = await describe_({ MaxResults: 5, ...(token ? { NextToken: token } : {}) });
      pages.push(page.instances);
      token = page.nextToken;
    } while (token);

    // Assess
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    const seen = pages.flat().map((i) => i.InstanceId);
    expect(new Set(seen).size).toBe(12);
    expect([...seen].sort()).toEqual([...ids].sort());
  });

  it('paginates a filtered listing too', async () => {
    // Prepare
    const ids = launch(7, { tags: { fleet: 'edge' } });
    launch(3);

    // Act
    const first = await describe_({ Filters: [{ Name: 'tag:fleet', Values: ['edge'] }], MaxResults: 5 });
    const second = await describe_({ Filters: [{ Name: 'tag:fleet', Values: ['edge'] }], MaxResults: 5, NextToken: first.nextToken! });

    // Assess
    expect(first.instances).toHaveLength(5);
    expect(second.instances).toHaveLength(2);
    expect(second.nextToken).toBeUndefined();
    expect(idsOf([...first.instances, ...second.instances])).toEqual([...ids].sort());
  });

  it.each([4, 1001])('refuses MaxResults %i (outside 5-1000) with InvalidParameterValue', async (max) => {
    // Act
    const err = await failure(describe_({ MaxResults: max }));

    // Assess
    expect(err.name).toBe('InvalidParameterValue');
  });
});

describe('terminated instances', () => {
  it('stay visible (by id and by filter) with state terminated and no PublicIpAddress', async () => {
    // Prepare
    const [id] = launch(1);

    // Act
    account.ec2.terminateInstance(id!);

    // Assess
    const byId = await describe_({ InstanceIds: [id!] });
    const byFilter = await describe_({ Filters: [{ Name: 'instance-id', Values: [id!] }] });
    for (const { instances } of [byId, byFilter]) {
      expect(instances).toHaveLength(1);
      expect(instances[0]?.State).toEqual({ Name: 'terminated', Code: 48 });
      expect(instances[0]).not.toHaveProperty('PublicIpAddress');
      expect(instances[0]?.PrivateIpAddress).toMatch(/^10\./);
    }
  });
});

// ---- fault injection ----

describe('fault injection', () => {
  let zoneCalls: () => ReturnType<SimAccount['callsWhere']>;

  beforeEach(() => {
    account.route53.createHostedZone('example.com');
    zoneCalls = () => account.callsWhere({ service: 'route53', op: 'ListHealthChecks' });
  });

  it('throttle rate 1 fails Route 53 calls with Throttling (400, "Rate exceeded"), logged as failed attempts', async () => {
    // Prepare
    const route53 = account.clients({ maxAttempts: 1 }).route53;
    account.faults.throttle({ service: 'route53', rate: 1 });

    // Act
    const err = await failure(route53.send(new ListHealthChecksCommand({})));

    // Assess
    expect(err.name).toBe('Throttling');
    expect(err.message).toBe('Rate exceeded');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(zoneCalls()).toEqual([
      { seq: expect.any(Number), atMs: expect.any(Number), service: 'route53', op: 'ListHealthChecks', input: {}, error: 'Throttling' },
    ]);
  });

  it('throttle rate 1 exhausts the default 8 attempts: 8 failed attempts in the log', async () => {
    // Prepare
    const route53 = account.clients().route53;
    account.faults.throttle({ service: 'route53', rate: 1 });

    // Act
    const err = await failure(route53.send(new ListHealthChecksCommand({})));

    // Assess
    expect(err.name).toBe('Throttling');
    expect(err.$metadata.attempts).toBe(8);
    expect(zoneCalls()).toHaveLength(8);
    expect(zoneCalls().every((c) => c.error === 'Throttling')).toBe(true);
  });

  it('with the default clients and rate 1/3, the SDK retries through every throttled call', async () => {
    // Prepare
    const route53 = account.clients().route53;
    account.faults.throttle({ service: 'route53', rate: 1 / 3 });

    // Act
    for (let i = 0; i < 30; i++) await route53.send(new ListHealthChecksCommand({}));

    // Assess: every call succeeded; the log has the failed attempts too, each retried.
    const calls = zoneCalls();
    const failed = calls.filter((c) => c.error !== undefined);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((c) => c.error === 'Throttling')).toBe(true);
    expect(calls.length - failed.length).toBe(30);
    expect(calls.at(-1)?.error).toBeUndefined();
    expect(account.callsWhere({ service: 'route53', failed: true })).toEqual(failed);
  });

  it('throttles EC2 with RequestLimitExceeded, which the SDK also retries', async () => {
    // Prepare
    const [id] = launch(1);
    account.faults.throttle({ service: 'ec2', rate: 1, times: 2 });

    // Act
    const raw = await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: [id!] })));
    const res = await account.clients().ec2.send(new DescribeInstancesCommand({ InstanceIds: [id!] }));

    // Assess
    expect(raw.name).toBe('RequestLimitExceeded');
    expect(res.Reservations?.[0]?.Instances?.[0]?.InstanceId).toBe(id);
    expect(account.callsWhere({ service: 'ec2' }).map((c) => c.error ?? 'ok')).toEqual(['RequestLimitExceeded', 'RequestLimitExceeded', 'ok']);
  });

  it('fail({ ops, error, times }) fires exactly `times` times, only for the named operations, before the simulation is reached', async () => {
    // Prepare
    const { autoScaling } = account.clients({ maxAttempts: 1 });
    account.autoScaling.createGroup({ name: 'edge-asg' });
    await autoScaling.send(
      new PutLifecycleHookCommand({ AutoScalingGroupName: 'edge-asg', LifecycleHookName: 'launch', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING' }),
    );
    const [id] = account.autoScaling.scaleOut('edge-asg', 1);
    account.faults.fail({
      service: 'autoScaling',
      ops: ['CompleteLifecycleAction'],
      error: { code: 'ServiceUnavailable', message: 'try later', status: 503 },
      times: 2,
    });
    const complete = () =>
      autoScaling.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: 'edge-asg',
          LifecycleHookName: 'launch',
          InstanceId: id!,
          LifecycleActionResult: 'CONTINUE',
        }),
      );

    // Act
    const first = await failure(complete());
    await autoScaling.send(new DescribeAutoScalingGroupsCommand({})); // another op: not affected
    const second = await failure(complete());
    await complete();

    // Assess
    for (const err of [first, second]) {
      expect(err.name).toBe('ServiceUnavailable');
      expect(err.$metadata.httpStatusCode).toBe(503);
    }
    expect(account.autoScaling.instances('edge-asg').map((i) => i.state)).toEqual(['Pending:Proceed']);
    expect(account.callsWhere({ service: 'autoScaling', op: 'CompleteLifecycleAction' }).map((c) => c.error ?? 'ok')).toEqual([
      'ServiceUnavailable',
      'ServiceUnavailable',
      'ok',
    ]);
    expect(account.callsWhere({ service: 'autoScaling', failed: false }).map((c) => c.op)).toEqual([
      'PutLifecycleHook',
      'DescribeAutoScalingGroups',
      'CompleteLifecycleAction',
    ]);
  });

  it('a scripted 5xx failure is retried by the default clients: one failed and one good attempt', async () => {
    // Prepare
    const route53 = account.clients().route53;
    account.faults.fail({ service: 'route53', ops: ['ListHealthChecks'], error: { code: 'InternalFailure', message: 'boom', status: 500 }, times: 1 });

    // Act
    const res = await route53.send(new ListHealthChecksCommand({}));

    // Assess
    expect(res.HealthChecks).toEqual([]);
    expect(res.$metadata.attempts).toBe(2);
    expect(zoneCalls().map((c) => c.error ?? 'ok')).toEqual(['InternalFailure', 'ok']);
  });

  it('clear() removes every rule', async () => {
    // Prepare
    const route53 = account.clients({ maxAttempts: 1 }).route53;
    account.faults.throttle({ service: 'route53', rate: 1 });
    account.faults.clear();

    // Act
    const res = await route53.send(new ListHealthChecksCommand({}));

    // Assess
    expect(res.HealthChecks).toEqual([]);
  });
});

describe('EC2 filter values are patterns, as in EC2', () => {
  it('* and ? are wildcards, \\ escapes them', async () => {
    const { filterMatches } = await import('../../sim/filters');
    expect(filterMatches(['*'], 'anything')).toBe(true);
    expect(filterMatches(['app-?'], 'app-')).toBe(true);
    expect(filterMatches(['app-?'], 'app-12')).toBe(false);
    expect(filterMatches(['app\\*'], 'app-server')).toBe(false);
    expect(filterMatches(['app\\*'], 'app*')).toBe(true);
    expect(filterMatches(['a\\\\b'], 'a\\b')).toBe(true);
    expect(filterMatches(['x.y'], 'xzy')).toBe(false);
  });
});
