/**
 * Route53Adapter against a mocked Route53Client: what the adapter SENDS (inputs, number and order
 * of calls, pagination parameters) and how it maps answers and AWS errors. The mock replaces
 * `send`, so there are no SDK retries here: each rejection is seen exactly once.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  HealthCheckAlreadyExists,
  HealthCheckInUse,
  InvalidChangeBatch,
  InvalidInput,
  ListHealthChecksCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourcesCommand,
  NoSuchHealthCheck,
  PriorRequestNotComplete,
  Route53Client,
  Route53ServiceException,
  type Change,
  type HealthCheck,
  type ListTagsForResourcesCommandInput,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { Route53Adapter, toHealthCheckConfig, toSpec, type RecordChange } from '../../lib/aws/route53';
import { ConflictError } from '../../lib/errors';
import type { HealthCheckSpec, RecordState } from '../../lib/plan/types';

const route53Mock = mockClient(Route53Client);
let adapter: Route53Adapter;

const ZONE = 'Z0123456789ABCDEFGHIJ';
const NAME = 'lb.example.com.';

beforeEach(() => {
  route53Mock.reset();
  adapter = new Route53Adapter(new Route53Client({ region: 'us-east-1' }));
});

// ---- helpers ----

/** The inputs of every call of `command`, in order. */
function inputs<T>(command: new (...args: any[]) => { input: T }): T[] {
  return route53Mock.commandCalls(command as any).map((c) => c.args[0].input as T);
}

/** The error a promise rejects with; fails the test when it resolves. */
async function failure(p: Promise<unknown>): Promise<any> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err) => err,
  );
}

const weightedSet = (setIdentifier: string, ip: string, extra: Partial<ResourceRecordSet> = {}): ResourceRecordSet => ({
  Name: NAME,
  Type: 'A',
  SetIdentifier: setIdentifier,
  Weight: 100,
  TTL: 60,
  ResourceRecords: [{ Value: ip }],
  HealthCheckId: `hc-${setIdentifier}`,
  ...extra,
});

const record = (i: number, extra: Partial<RecordState> = {}): RecordState => ({
  name: NAME,
  type: 'A',
  setIdentifier: `hfc:edge:i-${String(i).padStart(17, '0')}`,
  weight: 100,
  ttl: 60,
  values: [`54.170.${Math.floor(i / 250)}.${(i % 250) + 1}`],
  healthCheckId: `hc-${i}`,
  ...extra,
});

const REF = 'hfc-3f2a9c1b-i-0123456789abcdef0-5d41402abc-1';

const httpSpec: HealthCheckSpec = {
  type: 'HTTP',
  ipAddress: '54.170.0.10',
  port: 8404,
  resourcePath: '/health',
  requestInterval: 30,
  failureThreshold: 3,
};

// ---- listRecords ----

describe('listRecords', () => {
  it('starts the listing at the name and type and converts the sets to RecordState', async () => {
    // Prepare
    route53Mock.on(ListResourceRecordSetsCommand).resolves({
      IsTruncated: false,
      MaxItems: 300,
      ResourceRecordSets: [
        weightedSet('hfc:edge:i-1', '54.170.0.1', { Name: 'LB.Example.COM.' }),
        weightedSet('hfc:edge:i-2', '54.170.0.2', { HealthCheckId: undefined }),
      ],
    });

    // Act
    const records = await adapter.listRecords(ZONE, NAME, ['A']);

    // Assess
    expect(route53Mock).toHaveReceivedCommandTimes(ListResourceRecordSetsCommand, 1);
    expect(inputs(ListResourceRecordSetsCommand)).toEqual([{ HostedZoneId: ZONE, StartRecordName: NAME, StartRecordType: 'A', MaxItems: 300 }]);
    expect(records).toEqual([
      { name: 'lb.example.com.', type: 'A', setIdentifier: 'hfc:edge:i-1', weight: 100, ttl: 60, values: ['54.170.0.1'], healthCheckId: 'hc-hfc:edge:i-1' },
      { name: 'lb.example.com.', type: 'A', setIdentifier: 'hfc:edge:i-2', weight: 100, ttl: 60, values: ['54.170.0.2'] },
    ]);
    expect(records[1]).not.toHaveProperty('healthCheckId');
  });

  it('follows truncated pages while the next record has the same name and type, passing StartRecordIdentifier', async () => {
    // Prepare
    route53Mock
      .on(ListResourceRecordSetsCommand)
      .resolvesOnce({
        IsTruncated: true,
        MaxItems: 300,
        ResourceRecordSets: [weightedSet('hfc:edge:i-1', '54.170.0.1')],
        NextRecordName: 'LB.example.com.',
        NextRecordType: 'A',
        NextRecordIdentifier: 'hfc:edge:i-2',
      })
      .resolvesOnce({
        IsTruncated: true,
        MaxItems: 300,
        ResourceRecordSets: [weightedSet('hfc:edge:i-2', '54.170.0.2')],
        NextRecordName: NAME,
        NextRecordType: 'A',
        NextRecordIdentifier: 'hfc:edge:i-3',
      })
      .resolvesOnce({ IsTruncated: false, MaxItems: 300, ResourceRecordSets: [weightedSet('hfc:edge:i-3', '54.170.0.3')] });

    // Act
    const records = await adapter.listRecords(ZONE, NAME, ['A']);

    // Assess
    expect(records.map((r) => r.setIdentifier)).toEqual(['hfc:edge:i-1', 'hfc:edge:i-2', 'hfc:edge:i-3']);
    expect(inputs(ListResourceRecordSetsCommand)).toEqual([
      { HostedZoneId: ZONE, StartRecordName: NAME, StartRecordType: 'A', MaxItems: 300 },
      { HostedZoneId: ZONE, StartRecordName: NAME, StartRecordType: 'A', StartRecordIdentifier: 'hfc:edge:i-2', MaxItems: 300 },
      { HostedZoneId: ZONE, StartRecordName: NAME, StartRecordType: 'A', StartRecordIdentifier: 'hfc:edge:i-3', MaxItems: 300 },
    ]);
  });

  it('stops at the first record of another name: the listing runs on through the zone', async () => {
    // Prepare
    route53Mock.on(ListResourceRecordSetsCommand).resolves({
      IsTruncated: true,
      MaxItems: 300,
      ResourceRecordSets: [
        weightedSet('hfc:edge:i-1', '54.170.0.1'),
        { Name: 'mail.example.com.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '54.170.9.9' }] },
      ],
      NextRecordName: 'www.example.com.',
      NextRecordType: 'A',
    });

    // Act
    const records = await adapter.listRecords(ZONE, NAME, ['A']);

    // Assess
    expect(route53Mock).toHaveReceivedCommandTimes(ListResourceRecordSetsCommand, 1);
    expect(records.map((r) => r.setIdentifier)).toEqual(['hfc:edge:i-1']);
  });

  it('stops at a record of the same name but another type', async () => {
    // Prepare
    route53Mock.on(ListResourceRecordSetsCommand).resolves({
      IsTruncated: true,
      MaxItems: 300,
      ResourceRecordSets: [
        weightedSet('hfc:edge:i-1', '54.170.0.1'),
        { Name: NAME, Type: 'AAAA', SetIdentifier: 'v6', Weight: 1, TTL: 60, ResourceRecords: [{ Value: '2001:db8::1' }] },
      ],
      NextRecordName: NAME,
      NextRecordType: 'AAAA',
      NextRecordIdentifier: 'v6-2',
    });

    // Act
    const records = await adapter.listRecords(ZONE, NAME, ['A']);

    // Assess
    expect(route53Mock).toHaveReceivedCommandTimes(ListResourceRecordSetsCommand, 1);
    expect(records.map((r) => `${r.type} ${r.setIdentifier}`)).toEqual(['A hfc:edge:i-1']);
  });

  it('lists A and AAAA together: one listing from A, across a page that ends between the types, stopping at the next type', async () => {
    // Prepare: A and AAAA sort next to each other (ASCII order of type); CAA follows
    route53Mock
      .on(ListResourceRecordSetsCommand)
      .resolvesOnce({
        IsTruncated: true,
        MaxItems: 300,
        ResourceRecordSets: [weightedSet('hfc:edge:i-1', '54.170.0.1')],
        NextRecordName: NAME,
        NextRecordType: 'AAAA',
        NextRecordIdentifier: 'hfc:edge:i-1',
      })
      .resolvesOnce({
        IsTruncated: true,
        MaxItems: 300,
        ResourceRecordSets: [
          {
            Name: NAME,
            Type: 'AAAA',
            SetIdentifier: 'hfc:edge:i-1',
            Weight: 100,
            TTL: 60,
            ResourceRecords: [{ Value: '2001:0db8:0000:0000:0000:0000:0000:0001' }],
          },
          { Name: NAME, Type: 'CAA', TTL: 300, ResourceRecords: [{ Value: '0 issue "amazon.com"' }] },
        ],
        NextRecordName: NAME,
        NextRecordType: 'TXT',
      });

    // Act
    const records = await adapter.listRecords(ZONE, NAME, ['AAAA', 'A']);

    // Assess: started at A, went on at AAAA, stopped at CAA; IPv6 read in one written form
    expect(inputs(ListResourceRecordSetsCommand)).toEqual([
      { HostedZoneId: ZONE, StartRecordName: NAME, StartRecordType: 'A', MaxItems: 300 },
      { HostedZoneId: ZONE, StartRecordName: NAME, StartRecordType: 'AAAA', StartRecordIdentifier: 'hfc:edge:i-1', MaxItems: 300 },
    ]);
    expect(records.map((r) => `${r.type} ${r.setIdentifier} ${r.values[0]}`)).toEqual(['A hfc:edge:i-1 54.170.0.1', 'AAAA hfc:edge:i-1 2001:db8::1']);
  });

  it('stops when a full page of ours is truncated but the next record is another name', async () => {
    // Prepare
    route53Mock.on(ListResourceRecordSetsCommand).resolves({
      IsTruncated: true,
      MaxItems: 300,
      ResourceRecordSets: [weightedSet('hfc:edge:i-1', '54.170.0.1')],
      NextRecordName: 'mail.example.com.',
      NextRecordType: 'A',
    });

    // Act
    const records = await adapter.listRecords(ZONE, NAME, ['A']);

    // Assess
    expect(route53Mock).toHaveReceivedCommandTimes(ListResourceRecordSetsCommand, 1);
    expect(records).toHaveLength(1);
  });

  it('returns nothing when the first record listed is already another name', async () => {
    // Prepare
    route53Mock.on(ListResourceRecordSetsCommand).resolves({
      IsTruncated: false,
      MaxItems: 300,
      ResourceRecordSets: [{ Name: 'mail.example.com.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '54.170.9.9' }] }],
    });

    // Act
    const records = await adapter.listRecords(ZONE, NAME, ['A']);

    // Assess
    expect(records).toEqual([]);
  });
});

// ---- changeRecords ----

describe('changeRecords', () => {
  it('sends one batch with the zone, the comment and the exact Change objects', async () => {
    // Prepare
    route53Mock.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
    const changes: RecordChange[] = [
      { action: 'CREATE', record: record(1) },
      { action: 'UPSERT', record: record(2, { weight: 0, ttl: 30 }) },
      { action: 'DELETE', record: record(3, { healthCheckId: undefined }) },
    ];

    // Act
    const ids = await adapter.changeRecords(ZONE, changes, 'hfc edge: node i-1 up');

    // Assess
    expect(ids).toEqual(['/change/C1']);
    expect(route53Mock).toHaveReceivedCommandExactlyOnceWith(ChangeResourceRecordSetsCommand, {
      HostedZoneId: ZONE,
      ChangeBatch: {
        Comment: 'hfc edge: node i-1 up',
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: NAME,
              Type: 'A',
              SetIdentifier: 'hfc:edge:i-00000000000000001',
              Weight: 100,
              TTL: 60,
              ResourceRecords: [{ Value: '54.170.0.2' }],
              HealthCheckId: 'hc-1',
            },
          },
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: NAME,
              Type: 'A',
              SetIdentifier: 'hfc:edge:i-00000000000000002',
              Weight: 0,
              TTL: 30,
              ResourceRecords: [{ Value: '54.170.0.3' }],
              HealthCheckId: 'hc-2',
            },
          },
          {
            Action: 'DELETE',
            ResourceRecordSet: {
              Name: NAME,
              Type: 'A',
              SetIdentifier: 'hfc:edge:i-00000000000000003',
              Weight: 100,
              TTL: 60,
              ResourceRecords: [{ Value: '54.170.0.4' }],
            },
          },
        ],
      },
    });
    // A record without a health check carries no HealthCheckId key at all (not even undefined).
    const sent = inputs(ChangeResourceRecordSetsCommand)[0]!.ChangeBatch!.Changes![2]!.ResourceRecordSet!;
    expect(Object.keys(sent)).not.toContain('HealthCheckId');
  });

  it('splits into batches of at most 1,000 record elements, an UPSERT counting twice, in order', async () => {
    // Prepare
    let n = 0;
    route53Mock.on(ChangeResourceRecordSetsCommand).callsFake(() => ({ ChangeInfo: { Id: `/change/C${++n}`, Status: 'PENDING', SubmittedAt: new Date() } }));
    // 400 UPSERTs (800 elements) + 300 CREATEs: the 201st CREATE opens the second batch.
    const changes: RecordChange[] = [
      ...Array.from({ length: 400 }, (_, i) => ({ action: 'UPSERT' as const, record: record(i) })),
      ...Array.from({ length: 300 }, (_, i) => ({ action: 'CREATE' as const, record: record(400 + i) })),
    ];

    // Act
    const ids = await adapter.changeRecords(ZONE, changes, 'scale out');

    // Assess
    expect(ids).toEqual(['/change/C1', '/change/C2']);
    expect(route53Mock).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 2);
    const sent = inputs(ChangeResourceRecordSetsCommand);
    expect(sent.map((s) => s.ChangeBatch?.Changes?.length)).toEqual([600, 100]);
    expect(sent.every((s) => s.HostedZoneId === ZONE && s.ChangeBatch?.Comment === 'scale out')).toBe(true);
    const flat = sent.flatMap((s) => s.ChangeBatch?.Changes ?? []);
    expect(flat.map((c: Change) => `${c.Action} ${c.ResourceRecordSet?.SetIdentifier}`)).toEqual(changes.map((c) => `${c.action} ${c.record.setIdentifier}`));
    expect(route53Mock).toHaveReceivedNthCommandWith(ChangeResourceRecordSetsCommand, 2, {
      HostedZoneId: ZONE,
      ChangeBatch: expect.objectContaining({ Comment: 'scale out', Changes: expect.arrayContaining([expect.objectContaining({ Action: 'CREATE' })]) }),
    });
  });

  it('splits 1,001 CREATEs into 1,000 + 1', async () => {
    // Prepare
    route53Mock.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C', Status: 'PENDING', SubmittedAt: new Date() } });
    const changes = Array.from({ length: 1001 }, (_, i): RecordChange => ({ action: 'CREATE', record: record(i) }));

    // Act
    await adapter.changeRecords(ZONE, changes, 'c');

    // Assess
    expect(inputs(ChangeResourceRecordSetsCommand).map((s) => s.ChangeBatch?.Changes?.length)).toEqual([1000, 1]);
  });

  it('sends nothing for no change', async () => {
    // Act
    const ids = await adapter.changeRecords(ZONE, [], 'nothing');

    // Assess
    expect(ids).toEqual([]);
    expect(route53Mock).not.toHaveReceivedAnyCommand();
  });

  it('turns InvalidChangeBatch into a ConflictError keeping the cause, and sends no later batch', async () => {
    // Prepare
    const rejected = new InvalidChangeBatch({
      message: "Tried to create resource record set [name='lb.example.com.', type='A', set-identifier='x'] but it already exists",
      messages: ['Tried to create resource record set ... but it already exists'],
      $metadata: { httpStatusCode: 400 },
    });
    route53Mock
      .on(ChangeResourceRecordSetsCommand)
      .resolvesOnce({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } })
      .rejectsOnce(rejected);
    const changes = Array.from({ length: 2500 }, (_, i): RecordChange => ({ action: 'CREATE', record: record(i) }));

    // Act
    const err = await failure(adapter.changeRecords(ZONE, changes, 'c'));

    // Assess
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.name).toBe('ConflictError');
    expect(err.cause).toBe(rejected);
    expect(err.message).toContain('InvalidChangeBatch');
    expect(err.message).toContain('already exists');
    expect(route53Mock).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 2);
  });

  it.each([
    [
      'PriorRequestNotComplete',
      () => new PriorRequestNotComplete({ message: 'The request was rejected because Route 53 was still processing a prior request.', $metadata: {} }),
    ],
    ['Throttling', () => new Route53ServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' })],
    ['InvalidInput', () => new InvalidInput({ message: 'Invalid request', $metadata: {} })],
    ['a non-AWS error', () => new TypeError('socket hang up')],
  ])('lets %s pass through unchanged', async (_what, make) => {
    // Prepare
    const original = make();
    route53Mock.on(ChangeResourceRecordSetsCommand).rejects(original);

    // Act
    const err = await failure(adapter.changeRecords(ZONE, [{ action: 'CREATE', record: record(1) }], 'c'));

    // Assess
    expect(err).toBe(original);
    expect(err).not.toBeInstanceOf(ConflictError);
  });
});

// ---- health checks ----

describe('listHealthChecks', () => {
  const check = (id: string): HealthCheck => ({
    Id: id,
    CallerReference: `ref-${id}`,
    HealthCheckConfig: { Type: 'HTTP', IPAddress: '54.170.0.1', Port: 8404 },
    HealthCheckVersion: 1,
  });

  it('follows Marker/NextMarker across pages, MaxItems 1000, no Marker on the first call', async () => {
    // Prepare: the SDK's paginator reuses one input object, so inputs are copied as they are sent
    const pages = [
      { HealthChecks: [check('a'), check('b')], IsTruncated: true, NextMarker: 'm-2', Marker: '', MaxItems: 1000 },
      { HealthChecks: [check('c')], IsTruncated: true, NextMarker: 'm-3', Marker: 'm-2', MaxItems: 1000 },
      { HealthChecks: [check('d')], IsTruncated: false, Marker: 'm-3', MaxItems: 1000 },
    ];
    const seen: unknown[] = [];
    route53Mock.on(ListHealthChecksCommand).callsFake((input: object) => {
      seen.push({ ...input });
      return pages.shift();
    });

    // Act
    const checks = await adapter.listHealthChecks();

    // Assess
    expect(checks.map((c) => c.Id)).toEqual(['a', 'b', 'c', 'd']);
    expect(seen).toEqual([{ MaxItems: 1000 }, { MaxItems: 1000, Marker: 'm-2' }, { MaxItems: 1000, Marker: 'm-3' }]);
  });

  it('makes one call when the first page is complete', async () => {
    // Prepare
    route53Mock.on(ListHealthChecksCommand).resolves({ HealthChecks: [], IsTruncated: false, Marker: '', MaxItems: 1000 });

    // Act
    const checks = await adapter.listHealthChecks();

    // Assess
    expect(checks).toEqual([]);
    expect(route53Mock).toHaveReceivedCommandExactlyOnceWith(ListHealthChecksCommand, { MaxItems: 1000 });
  });
});

describe('healthCheckTags', () => {
  it('asks for at most 10 ids per call (23 ids -> 10, 10, 3) and maps every tag set', async () => {
    // Prepare
    const ids = Array.from({ length: 23 }, (_, i) => `hc-${i}`);
    route53Mock.on(ListTagsForResourcesCommand).callsFake((input: ListTagsForResourcesCommandInput) => ({
      ResourceTagSets: (input.ResourceIds ?? []).map((id) => ({
        ResourceType: 'healthcheck',
        ResourceId: id,
        Tags: [
          { Key: 'Name', Value: `edge ${id}` },
          { Key: 'hfc:fleet', Value: 'edge' },
        ],
      })),
    }));

    // Act
    const tags = await adapter.healthCheckTags(ids);

    // Assess
    const sent = inputs(ListTagsForResourcesCommand);
    expect(sent.map((s) => s.ResourceIds?.length)).toEqual([10, 10, 3]);
    expect(sent.every((s) => s.ResourceType === 'healthcheck')).toBe(true);
    expect(sent.flatMap((s) => s.ResourceIds)).toEqual(ids);
    expect(route53Mock).toHaveReceivedNthCommandWith(ListTagsForResourcesCommand, 3, { ResourceType: 'healthcheck', ResourceIds: ['hc-20', 'hc-21', 'hc-22'] });
    expect(tags.size).toBe(23);
    expect(tags.get('hc-7')).toEqual({ Name: 'edge hc-7', 'hfc:fleet': 'edge' });
  });

  it('sends nothing for no id, and maps a check without tags to an empty object', async () => {
    // Act
    expect((await adapter.healthCheckTags([])).size).toBe(0);
    expect(route53Mock).not.toHaveReceivedAnyCommand();

    // Prepare
    route53Mock.on(ListTagsForResourcesCommand).resolves({ ResourceTagSets: [{ ResourceType: 'healthcheck', ResourceId: 'hc-1', Tags: [] }] });

    // Act
    const tags = await adapter.healthCheckTags(['hc-1']);

    // Assess
    expect([...tags]).toEqual([['hc-1', {}]]);
  });
});

describe('createHealthCheck', () => {
  it.each<[string, HealthCheckSpec, Record<string, unknown>]>([
    ['HTTP', httpSpec, { Type: 'HTTP', IPAddress: '54.170.0.10', Port: 8404, ResourcePath: '/health', RequestInterval: 30, FailureThreshold: 3 }],
    [
      'HTTP_STR_MATCH with its SearchString',
      { ...httpSpec, type: 'HTTP_STR_MATCH', searchString: 'UP', requestInterval: 10, failureThreshold: 2 },
      { Type: 'HTTP_STR_MATCH', IPAddress: '54.170.0.10', Port: 8404, ResourcePath: '/health', SearchString: 'UP', RequestInterval: 10, FailureThreshold: 2 },
    ],
    [
      'HTTPS with a FullyQualifiedDomainName (EnableSNI)',
      { ...httpSpec, type: 'HTTPS', port: 443, fullyQualifiedDomainName: 'lb.example.com' },
      {
        Type: 'HTTPS',
        IPAddress: '54.170.0.10',
        Port: 443,
        ResourcePath: '/health',
        FullyQualifiedDomainName: 'lb.example.com',
        RequestInterval: 30,
        FailureThreshold: 3,
        EnableSNI: true,
      },
    ],
    [
      'HTTPS_STR_MATCH with a FullyQualifiedDomainName (EnableSNI)',
      { ...httpSpec, type: 'HTTPS_STR_MATCH', port: 443, fullyQualifiedDomainName: 'lb.example.com', searchString: 'ok' },
      {
        Type: 'HTTPS_STR_MATCH',
        IPAddress: '54.170.0.10',
        Port: 443,
        ResourcePath: '/health',
        FullyQualifiedDomainName: 'lb.example.com',
        SearchString: 'ok',
        RequestInterval: 30,
        FailureThreshold: 3,
        EnableSNI: true,
      },
    ],
    [
      'HTTPS without a host name (no SNI)',
      { ...httpSpec, type: 'HTTPS', port: 443 },
      { Type: 'HTTPS', IPAddress: '54.170.0.10', Port: 443, ResourcePath: '/health', RequestInterval: 30, FailureThreshold: 3 },
    ],
    [
      'TCP (no ResourcePath)',
      { type: 'TCP', ipAddress: '54.170.0.10', port: 443, requestInterval: 30, failureThreshold: 3 },
      { Type: 'TCP', IPAddress: '54.170.0.10', Port: 443, RequestInterval: 30, FailureThreshold: 3 },
    ],
    [
      'CLOUDWATCH_METRIC (a private node: the alarm, no endpoint)',
      { type: 'CLOUDWATCH_METRIC', alarmRegion: 'eu-west-1', alarmName: 'hfc-hfc-edge-i-0abc', insufficientDataHealthStatus: 'LastKnownStatus' },
      { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Region: 'eu-west-1', Name: 'hfc-hfc-edge-i-0abc' }, InsufficientDataHealthStatus: 'LastKnownStatus' },
    ],
  ])('sends the CallerReference and the HealthCheckConfig of a %s spec', async (_what, spec, config) => {
    // Prepare
    route53Mock
      .on(CreateHealthCheckCommand)
      .resolves({ HealthCheck: { Id: 'hc-new', CallerReference: REF, HealthCheckConfig: config as any, HealthCheckVersion: 1 }, Location: 'x' });

    // Act
    const res = await adapter.createHealthCheck(REF, spec);

    // Assess
    expect(res).toEqual({ id: 'hc-new', callerReference: REF, attempts: 1 });
    // Exact: no key beyond those expected (no ResourcePath on TCP, no EnableSNI without a host).
    expect(inputs(CreateHealthCheckCommand)).toEqual([{ CallerReference: REF, HealthCheckConfig: config }]);
    expect(Object.keys(inputs(CreateHealthCheckCommand)[0]!.HealthCheckConfig!).sort()).toEqual(Object.keys(config).sort());
  });

  it('sends the reference once and rethrows HealthCheckAlreadyExists (the executor takes the next generation)', async () => {
    // Prepare
    const refused = new HealthCheckAlreadyExists({ message: 'A health check with this CallerReference already exists', $metadata: {} });
    route53Mock.on(CreateHealthCheckCommand).rejects(refused);

    // Act
    const err = await failure(adapter.createHealthCheck(REF, httpSpec));

    // Assess
    expect(err).toBe(refused);
    expect(inputs(CreateHealthCheckCommand).map((i) => i.CallerReference)).toEqual([REF]);
  });

  it('rethrows any other error at once', async () => {
    // Prepare
    const other = new Route53ServiceException({ name: 'TooManyHealthChecks', $fault: 'client', $metadata: {}, message: 'quota of 200 reached' });
    route53Mock.on(CreateHealthCheckCommand).rejects(other);

    // Act
    const err = await failure(adapter.createHealthCheck(REF, httpSpec));

    // Assess
    expect(err).toBe(other);
    expect(route53Mock).toHaveReceivedCommandTimes(CreateHealthCheckCommand, 1);
  });
});

describe('tagHealthCheck', () => {
  it('sends ChangeTagsForResource with AddTags for the check', async () => {
    // Prepare
    route53Mock.on(ChangeTagsForResourceCommand).resolves({});

    // Act
    await adapter.tagHealthCheck('hc-1', { Name: 'edge i-1', 'hfc:fleet': 'edge' });

    // Assess
    expect(inputs(ChangeTagsForResourceCommand)).toEqual([
      {
        ResourceType: 'healthcheck',
        ResourceId: 'hc-1',
        AddTags: [
          { Key: 'Name', Value: 'edge i-1' },
          { Key: 'hfc:fleet', Value: 'edge' },
        ],
      },
    ]);
  });
});

describe('deleteHealthCheck', () => {
  it("sends DeleteHealthCheck and answers 'deleted'", async () => {
    // Prepare
    route53Mock.on(DeleteHealthCheckCommand).resolves({});

    // Act
    const res = await adapter.deleteHealthCheck('hc-1');

    // Assess
    expect(res).toBe('deleted');
    expect(route53Mock).toHaveReceivedCommandExactlyOnceWith(DeleteHealthCheckCommand, { HealthCheckId: 'hc-1' });
  });

  it("answers 'absent' for NoSuchHealthCheck", async () => {
    // Prepare
    route53Mock
      .on(DeleteHealthCheckCommand)
      .rejects(new NoSuchHealthCheck({ message: 'A health check with id hc-1 does not exist.', $metadata: { httpStatusCode: 404 } }));

    // Act
    const res = await adapter.deleteHealthCheck('hc-1');

    // Assess
    expect(res).toBe('absent');
  });

  it('turns HealthCheckInUse into a ConflictError keeping the cause', async () => {
    // Prepare
    const inUse = new HealthCheckInUse({ message: 'The health check is in use.', $metadata: {} });
    route53Mock.on(DeleteHealthCheckCommand).rejects(inUse);

    // Act
    const err = await failure(adapter.deleteHealthCheck('hc-1'));

    // Assess
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.cause).toBe(inUse);
    expect(err.message).toContain('hc-1');
  });

  it('lets other errors pass through unchanged', async () => {
    // Prepare
    const throttled = new Route53ServiceException({ name: 'Throttling', $fault: 'client', $metadata: {}, message: 'Rate exceeded' });
    route53Mock.on(DeleteHealthCheckCommand).rejects(throttled);

    // Act
    const err = await failure(adapter.deleteHealthCheck('hc-1'));

    // Assess
    expect(err).toBe(throttled);
  });
});

describe('REPLACE and conflict classification', () => {
  it('sends a REPLACE as DELETE of the old record and CREATE of the new, in the same batch', async () => {
    // Prepare
    route53Mock.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
    const old = record(1);
    const changed = { ...record(1), weight: 50 };

    // Act
    await adapter.changeRecords(ZONE, [{ action: 'REPLACE', previous: old, record: changed }], 'c');

    // Assess
    const changes = inputs(ChangeResourceRecordSetsCommand)[0]!.ChangeBatch!.Changes!;
    expect(changes.map((c) => [c.Action, c.ResourceRecordSet!.Weight])).toEqual([
      ['DELETE', old.weight],
      ['CREATE', 50],
    ]);
  });

  it.each([
    ["Tried to create resource record set [name='lb.example.com.', type='A', set-identifier='x'] but it already exists", true],
    ["Tried to delete resource record set [name='lb.example.com.', type='A', set-identifier='x'] but it was not found", true],
    [
      "Tried to delete resource record set [name='lb.example.com.', type='A', set-identifier='x'] but the values provided do not match the current values",
      true,
    ],
    [
      'RRSet of type A with DNS name lb.example.com. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone example.com.',
      false,
    ],
    ['RRSet with DNS name lb.other.org. is not permitted in zone example.com.', false],
  ])('InvalidChangeBatch "%s" -> conflict: %s', async (message, conflict) => {
    // Prepare
    route53Mock.on(ChangeResourceRecordSetsCommand).rejects(new InvalidChangeBatch({ message, $metadata: {} }));

    // Act
    const err = await failure(adapter.changeRecords(ZONE, [{ action: 'CREATE', record: record(1) }], 'c'));

    // Assess
    expect(err instanceof ConflictError).toBe(conflict);
  });
});

describe('toSpec', () => {
  it('reads a CLOUDWATCH_METRIC check back as the spec it was made from (whatever else Route 53 returns), so a converged private node is not replaced', () => {
    const spec: HealthCheckSpec = { type: 'CLOUDWATCH_METRIC', alarmRegion: 'eu-west-1', alarmName: 'a', insufficientDataHealthStatus: 'Unhealthy' };
    expect(toSpec({ ...toHealthCheckConfig(spec), Inverted: false, Disabled: false })).toEqual(spec);
  });
});
