/**
 * The served account (sim/wire/) checked against the SDK itself: two accounts set up alike, one
 * in-process (the SDK's middleware, no wire) and one served over HTTP to plain SDK v3 clients,
 * which serialise every request and parse every response with their own protocol code. Every
 * served operation is called both ways and must give the same answer or the same error; an
 * operation the account does not serve gets an AWS-shaped error naming it, per protocol.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as asg from '@aws-sdk/client-auto-scaling';
import * as cw from '@aws-sdk/client-cloudwatch';
import * as ec2 from '@aws-sdk/client-ec2';
import * as r53 from '@aws-sdk/client-route-53';
import * as ssm from '@aws-sdk/client-ssm';
import { SimAccount, type SimClients } from '../../sim/account';
import type { SimService } from '../../sim/types';
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { serveAccount, type ServedAccount } from '../../sim/wire/server';
import { wireClients } from '../harness/wireClients';

const ZONE = 'Z0EXAMPLE1234567890AB';
const DOC = 'hfc-apply';

/** The same world in both accounts: a zone, a group with a hook, instances, a pooled address, a document. */
function setUp(account: SimAccount) {
  account.route53.createHostedZone('example.com', ZONE);
  const preexisting = account.autoScaling.createGroup({ name: 'edge', instances: 2 });
  account.autoScaling.PutLifecycleHook({
    AutoScalingGroupName: 'edge',
    LifecycleHookName: 'edge-launching',
    LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
    HeartbeatTimeout: 300,
    DefaultResult: 'ABANDON',
  });
  const [launching] = account.autoScaling.scaleOut('edge', 1);
  account.ec2.allocateAddress({ tags: { 'hfc:pool': 'edge' } });
  account.ssm.createDocument(DOC, {
    schemaVersion: '2.2',
    parameters: { payload: { type: 'String' } },
    mainSteps: [{ action: 'aws:runShellScript', name: 'apply', inputs: { runCommand: ['echo {{ payload }}'] } }],
  });
  account.advance(120);
  return { preexisting, launching: launching! };
}

type Answer = { output: Record<string, unknown> } | { error: Record<string, unknown> };

async function answer(client: { send(c: unknown): Promise<unknown> }, command: unknown): Promise<Answer> {
  try {
    const { $metadata: _, ...output } = (await client.send(command)) as Record<string, unknown>;
    return { output };
  } catch (err) {
    const e = err as Error & { $fault?: string; $metadata?: { httpStatusCode?: number }; Code?: string; Type?: string; Error?: unknown };
    // What adapters can look at: the class, name, message, fault, status, and the wire code and type.
    return {
      error: {
        class: e.constructor.name,
        name: e.name,
        message: e.message,
        fault: e.$fault,
        status: e.$metadata?.httpStatusCode,
        code: e.Code,
        type: e.Type,
        // The error document's Type, Code and Message (the SDK also copies its raw member XML there).
        detail: e.Error && Object.fromEntries(Object.entries(e.Error as object).filter(([k]) => ['Type', 'Code', 'Message'].includes(k))),
        // Every other field the exception carries (modelled members such as InvalidChangeBatch's
        // messages), but the wire's own bookkeeping.
        members: Object.fromEntries(
          Object.entries(e).filter(
            ([k]) => !['$fault', '$metadata', '$response', 'Code', 'Type', 'Error', 'RequestId', 'xmlns', '__type', 'message', 'Message', 'name'].includes(k),
          ),
        ),
      },
    };
  }
}

let local: SimAccount;
let remote: SimAccount;
let served: ServedAccount;
let localClients: SimClients;
let remoteClients: SimClients;
let world: ReturnType<typeof setUp>;
const called = new Map<SimService, Set<string>>();

beforeAll(async () => {
  local = new SimAccount({ seed: 3 });
  remote = new SimAccount({ seed: 3 });
  world = setUp(local);
  setUp(remote);
  served = await serveAccount(remote);
  localClients = local.clients({ maxAttempts: 1 });
  remoteClients = wireClients(served.url, { region: remote.region, maxAttempts: 1 });
});

afterAll(async () => {
  await served.close();
});

/** Sends one command both ways; the two answers must agree. Returns the served one. */
async function both(service: keyof SimClients, command: { constructor: { name: string } }): Promise<Answer> {
  const op = command.constructor.name.replace(/Command$/, '');
  if (!called.has(service)) called.set(service, new Set());
  called.get(service)!.add(op);
  const [a, b] = [await answer(localClients[service], command), await answer(remoteClients[service], command)];
  expect(b, `${service} ${op}`).toEqual(a);
  return b;
}

const ok = (a: Answer) => {
  if ('error' in a) throw new Error(`expected an answer, got ${JSON.stringify(a.error)}`);
  return a.output;
};

describe('every served operation answers over the wire as in-process', () => {
  it('Route 53: checks, records, tags, changes, zone', async () => {
    const ip = local.ec2.instance(world.preexisting[0]!)!.publicIp!;
    const created = ok(
      await both(
        'route53',
        new r53.CreateHealthCheckCommand({
          CallerReference: 'ref-1',
          HealthCheckConfig: { Type: 'HTTP', IPAddress: ip, Port: 8404, ResourcePath: '/healthz', RequestInterval: 30, FailureThreshold: 3 },
        }),
      ),
    );
    expect(created.Location).toMatch(/healthcheck\//);
    const id = (created.HealthCheck as { Id: string }).Id;
    await both('route53', new r53.GetHealthCheckCommand({ HealthCheckId: id }));
    await both('route53', new r53.GetHealthCheckStatusCommand({ HealthCheckId: id }));
    await both('route53', new r53.UpdateHealthCheckCommand({ HealthCheckId: id, FailureThreshold: 2, HealthCheckVersion: 1 }));
    await both('route53', new r53.ListHealthChecksCommand({ MaxItems: 1 }));
    await both(
      'route53',
      new r53.ChangeTagsForResourceCommand({ ResourceType: 'healthcheck', ResourceId: id, AddTags: [{ Key: 'hfc:fleet', Value: 'edge' }] }),
    );
    await both('route53', new r53.ListTagsForResourceCommand({ ResourceType: 'healthcheck', ResourceId: id }));
    await both('route53', new r53.ListTagsForResourcesCommand({ ResourceType: 'healthcheck', ResourceIds: [id] }));
    const change = ok(
      await both(
        'route53',
        new r53.ChangeResourceRecordSetsCommand({
          HostedZoneId: ZONE,
          ChangeBatch: {
            Comment: 'weighted & <escaped>',
            Changes: [
              {
                Action: 'CREATE',
                ResourceRecordSet: {
                  Name: 'lb.example.com',
                  Type: 'A',
                  SetIdentifier: 'hfc:edge:a',
                  Weight: 100,
                  TTL: 60,
                  ResourceRecords: [{ Value: ip }],
                  HealthCheckId: id,
                },
              },
            ],
          },
        }),
      ),
    );
    await both('route53', new r53.GetChangeCommand({ Id: (change.ChangeInfo as { Id: string }).Id }));
    await both('route53', new r53.ListResourceRecordSetsCommand({ HostedZoneId: ZONE, StartRecordName: 'lb.example.com', StartRecordType: 'A', MaxItems: 1 }));
    await both('route53', new r53.GetHostedZoneCommand({ Id: `/hostedzone/${ZONE}` }));
    // Errors: a record that exists, a check that does not, a zone that does not.
    await both(
      'route53',
      new r53.ChangeResourceRecordSetsCommand({
        HostedZoneId: ZONE,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: { Name: 'lb.example.com', Type: 'A', SetIdentifier: 'hfc:edge:a', Weight: 1, TTL: 60, ResourceRecords: [{ Value: ip }] },
            },
          ],
        },
      }),
    );
    await both('route53', new r53.GetHealthCheckCommand({ HealthCheckId: 'b0b0b0b0-0000-4000-8000-000000000000' }));
    await both('route53', new r53.GetHostedZoneCommand({ Id: 'Z0NOSUCHZONE0000000' }));
    await both('route53', new r53.DeleteHealthCheckCommand({ HealthCheckId: id }));
  });

  it('EC2: instances, interfaces, addresses, tags, security groups, prefix lists, instance types', async () => {
    const [a, b] = world.preexisting as [string, string];
    await both('ec2', new ec2.DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: ['edge'] }] }));
    await both('ec2', new ec2.DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] }));
    const eni = local.ec2.primaryEni(a)!.eniId;
    await both('ec2', new ec2.AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, SecondaryPrivateIpAddressCount: 1 }));
    const nics = ok(await both('ec2', new ec2.DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] })));
    const secondary = (nics.NetworkInterfaces as { PrivateIpAddresses: { PrivateIpAddress: string; Primary: boolean }[] }[])[0]!.PrivateIpAddresses.find(
      (p) => !p.Primary,
    )!;
    const addresses = ok(await both('ec2', new ec2.DescribeAddressesCommand({ Filters: [{ Name: 'tag:hfc:pool', Values: ['edge'] }] })));
    const allocation = (addresses.Addresses as { AllocationId: string }[])[0]!.AllocationId;
    const assoc = ok(
      await both(
        'ec2',
        new ec2.AssociateAddressCommand({
          AllocationId: allocation,
          NetworkInterfaceId: eni,
          PrivateIpAddress: secondary.PrivateIpAddress,
          AllowReassociation: true,
        }),
      ),
    );
    await both('ec2', new ec2.AssociateAddressCommand({ AllocationId: allocation, InstanceId: b, AllowReassociation: false }));
    await both('ec2', new ec2.DisassociateAddressCommand({ AssociationId: assoc.AssociationId as string }));
    await both('ec2', new ec2.UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, PrivateIpAddresses: [secondary.PrivateIpAddress] }));
    await both(
      'ec2',
      new ec2.CreateTagsCommand({
        Resources: [allocation],
        Tags: [
          { Key: 'hfc:home', Value: a },
          { Key: 'empty', Value: '' },
        ],
      }),
    );
    await both('ec2', new ec2.DeleteTagsCommand({ Resources: [allocation], Tags: [{ Key: 'empty' }] }));
    await both('ec2', new ec2.DescribeAddressesCommand({ AllocationIds: [allocation] }));
    const groups = local.ec2.instance(a)!.securityGroups ?? [];
    await both('ec2', new ec2.DescribeSecurityGroupsCommand(groups.length ? { GroupIds: groups } : {}));
    await both(
      'ec2',
      new ec2.DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.eu-west-1.route53-healthchecks'] }] }),
    );
    await both('ec2', new ec2.DescribeInstanceTypesCommand({ InstanceTypes: ['c7g.large'] }));
  });

  it('Auto Scaling: groups, instances, hooks, lifecycle actions, warm pool', async () => {
    await both('autoScaling', new asg.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['edge'] }));
    await both('autoScaling', new asg.DescribeAutoScalingInstancesCommand({ InstanceIds: [world.launching, ...world.preexisting] }));
    await both('autoScaling', new asg.DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'edge' }));
    await both('autoScaling', new asg.DescribeWarmPoolCommand({ AutoScalingGroupName: 'edge' }));
    await both(
      'autoScaling',
      new asg.RecordLifecycleActionHeartbeatCommand({ AutoScalingGroupName: 'edge', LifecycleHookName: 'edge-launching', InstanceId: world.launching }),
    );
    const complete = new asg.CompleteLifecycleActionCommand({
      AutoScalingGroupName: 'edge',
      LifecycleHookName: 'edge-launching',
      InstanceId: world.launching,
      LifecycleActionResult: 'CONTINUE',
    });
    await both('autoScaling', complete);
    // Again: no active action any more (a ValidationError).
    await both('autoScaling', complete);
    await both(
      'autoScaling',
      new asg.PutLifecycleHookCommand({
        AutoScalingGroupName: 'edge',
        LifecycleHookName: 'edge-terminating',
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        HeartbeatTimeout: 300,
        DefaultResult: 'CONTINUE',
        NotificationMetadata: '{"fleet":"edge"}',
      }),
    );
    await both('autoScaling', new asg.DeleteLifecycleHookCommand({ AutoScalingGroupName: 'edge', LifecycleHookName: 'edge-terminating' }));
  });

  it('CloudWatch: alarms, their state and tags, and its query-compatible errors', async () => {
    const alarm = {
      AlarmName: 'hfc-edge-a',
      MetricName: 'StatusCheckFailed',
      Namespace: 'AWS/EC2',
      Statistic: 'Maximum' as const,
      Period: 60,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold' as const,
      Dimensions: [{ Name: 'InstanceId', Value: world.preexisting[0]! }],
      AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:alarms'],
      Tags: [{ Key: 'hfc:fleet', Value: 'edge' }],
    };
    await both('cloudWatch', new cw.PutMetricAlarmCommand(alarm));
    await both('cloudWatch', new cw.SetAlarmStateCommand({ AlarmName: 'hfc-edge-a', StateValue: 'ALARM', StateReason: 'forced' }));
    await both('cloudWatch', new cw.DescribeAlarmsCommand({ AlarmNamePrefix: 'hfc-', AlarmTypes: ['MetricAlarm'] }));
    const arn = `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:hfc-edge-a`;
    await both('cloudWatch', new cw.TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'k', Value: 'v' }] }));
    await both('cloudWatch', new cw.UntagResourceCommand({ ResourceARN: arn, TagKeys: ['k'] }));
    await both('cloudWatch', new cw.ListTagsForResourceCommand({ ResourceARN: arn }));
    await both('cloudWatch', new cw.SetAlarmStateCommand({ AlarmName: 'no-such-alarm', StateValue: 'OK', StateReason: 'x' }));
    await both('cloudWatch', new cw.PutMetricAlarmCommand({ ...alarm, AlarmName: '' }));
    await both('cloudWatch', new cw.DeleteAlarmsCommand({ AlarmNames: ['hfc-edge-a'] }));
    await both('cloudWatch', new cw.DescribeAlarmsCommand({ AlarmNames: ['hfc-edge-a'] }));
  });

  it('SSM: managed instances, documents, commands and their invocations', async () => {
    await both('ssm', new ssm.DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: world.preexisting }] }));
    await both('ssm', new ssm.DescribeDocumentCommand({ Name: DOC }));
    await both('ssm', new ssm.CreateDocumentCommand({ Name: 'hfc-other', Content: '{"schemaVersion":"2.2","mainSteps":[]}', DocumentType: 'Command' }));
    await both('ssm', new ssm.CreateDocumentCommand({ Name: DOC, Content: '{"schemaVersion":"2.2","mainSteps":[]}', DocumentType: 'Command' }));
    const sent = ok(
      await both('ssm', new ssm.SendCommandCommand({ DocumentName: DOC, InstanceIds: world.preexisting, Parameters: { payload: ['x'] }, TimeoutSeconds: 600 })),
    );
    const commandId = (sent.Command as { CommandId: string }).CommandId;
    for (const account of [local, remote]) account.advance(5);
    await both('ssm', new ssm.GetCommandInvocationCommand({ CommandId: commandId, InstanceId: world.preexisting[0]! }));
    await both('ssm', new ssm.ListCommandInvocationsCommand({ CommandId: commandId, Details: true }));
    await both('ssm', new ssm.ListCommandsCommand({ CommandId: commandId }));
    await both('ssm', new ssm.GetCommandInvocationCommand({ CommandId: commandId, InstanceId: 'i-0123456789abcdef0' }));
  });

  it('CloudFormation: the deployed stack that serverless invoke local resolves Refs from', async () => {
    const resources = Array.from({ length: 101 }, (_, i) => ({ logicalId: `R${i}`, physicalId: `p-${i}`, type: 'AWS::SNS::Topic' }));
    for (const account of [local, remote]) account.cloudFormation.putStack('haproxy-fleet-control-dev', resources);
    const client = new CloudFormationClient({
      region: remote.region,
      endpoint: served.url,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
    const first = await client.send(new ListStackResourcesCommand({ StackName: 'haproxy-fleet-control-dev' }));
    const second = await client.send(new ListStackResourcesCommand({ StackName: 'haproxy-fleet-control-dev', NextToken: first.NextToken! }));
    const { $metadata: _, ...out } = first;
    expect(out).toEqual(local.cloudFormation.handle('ListStackResources', { StackName: 'haproxy-fleet-control-dev' }));
    expect([...first.StackResourceSummaries!, ...second.StackResourceSummaries!].map((r) => r.PhysicalResourceId)).toEqual(resources.map((r) => r.physicalId));
    const missing = await answer(client, new ListStackResourcesCommand({ StackName: 'other' }));
    expect('error' in missing && missing.error).toMatchObject({ name: 'ValidationError', message: 'Stack with id other does not exist', status: 400 });
    if (!called.has('cloudFormation')) called.set('cloudFormation', new Set());
    called.get('cloudFormation')!.add('ListStackResources');
  });

  it('has called every operation the account serves', () => {
    expect(Object.fromEntries([...called].map(([s, ops]) => [s, [...ops].sort()]))).toEqual(served.dispatcher.operations());
  });
});

describe('what the account does not serve, and faults', () => {
  it('answers an operation it does not implement with an AWS error naming it, in each protocol', async () => {
    const cases: [keyof SimClients, unknown, RegExp][] = [
      ['ec2', new ec2.RunInstancesCommand({ MinCount: 1, MaxCount: 1 }), /does not implement ec2 RunInstances/],
      [
        'autoScaling',
        new asg.UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'edge', MaxSize: 3 }),
        /does not implement autoscaling UpdateAutoScalingGroup/,
      ],
      [
        'cloudWatch',
        new cw.GetMetricDataCommand({ MetricDataQueries: [], StartTime: new Date(), EndTime: new Date() }),
        /does not implement monitoring GetMetricData/,
      ],
      ['ssm', new ssm.DeleteDocumentCommand({ Name: DOC }), /does not implement ssm DeleteDocument/],
      ['route53', new r53.CreateHostedZoneCommand({ Name: 'other.example.com', CallerReference: 'z' }), /does not implement route53 CreateHostedZone/],
    ];
    for (const [service, command, message] of cases) {
      const a = await answer(remoteClients[service], command);
      expect('error' in a && a.error, String(service)).toMatchObject({ message: expect.stringMatching(message), fault: 'client' });
    }
  });

  it('a throttled call over the wire is retried by the SDK and then answered', async () => {
    remote.faults.throttle({ service: 'route53', ops: ['GetHostedZone'], rate: 1, times: 1 });
    const retrying = wireClients(served.url, { region: remote.region, maxAttempts: 3 });
    const mark = remote.mark();
    const out = await retrying.route53.send(new r53.GetHostedZoneCommand({ Id: ZONE }));
    expect(out.$metadata.attempts).toBe(2);
    expect(remote.callsSince(mark).map((c) => c.error ?? 'ok')).toEqual(['Throttling', 'ok']);
  });

  it('answers a request for no known service with an error naming it, in the protocol its client speaks', async () => {
    const plain = await fetch(`${served.url}/nothing`, { method: 'POST', body: 'hello' });
    expect(plain.status).toBe(400);
    expect(await plain.text()).toMatch(/<Code>InvalidAction<\/Code><Message>the simulated account does not serve POST \/nothing/);
    // A JSON service (CloudWatch Logs) named by its signature: a JSON error the SDK can read.
    const logs = await fetch(`${served.url}/`, {
      method: 'POST',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/20261202/eu-west-1/logs/aws4_request, SignedHeaders=host, Signature=x',
        'x-amz-target': 'Logs_20140328.DescribeLogGroups',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(logs.status).toBe(400);
    expect(await logs.json()).toEqual({ __type: 'UnknownOperationException', message: expect.stringMatching(/does not serve logs DescribeLogGroups/) });
  });

  it('refuses what it cannot read with a 400 naming the problem', async () => {
    const badXml = await fetch(`${served.url}/2013-04-01/hostedzone/${ZONE}/rrset`, {
      method: 'POST',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/20261202/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=x' },
      body: '<ChangeResourceRecordSetsRequest><ChangeBatch>',
    });
    expect(badXml.status).toBe(400);
    expect(await badXml.text()).toMatch(/<Code>InvalidInput<\/Code>/);
    const ssmBad = await fetch(`${served.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSSM.SendCommand', 'content-type': 'application/x-amz-json-1.1' },
      body: '{"DocumentName": ',
    });
    expect(ssmBad.status).toBe(400);
    expect(((await ssmBad.json()) as { __type: string }).__type).toMatch(/SerializationException/);
  });

  it('serves only this machine: a request naming another host, or from a browser, is refused', async () => {
    // fetch will not send another Host: node's http client will (a DNS-rebinding page's request names its own host).
    const other = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: served.port, path: '/_sim', headers: { host: 'evil.example.com' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(other).toBe(403);
    const browser = await fetch(`${served.url}/_sim`, { headers: { origin: 'https://evil.example.com' } });
    expect(browser.status).toBe(403);
    expect(await browser.text()).toMatch(/does not serve browsers/);
  });
});
