/**
 * The simulated Route 53, driven through real SDK clients: every request is serialised by the
 * SDK, reaches the simulation through the account's middleware, and errors come back as the SDK
 * raises them. Clients use `maxAttempts: 1` unless a test is about the SDK's retries, so each
 * assertion sees the raw answer of one attempt.
 */
import { describe, it, expect, beforeEach } from 'vitest';
import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  GetChangeCommand,
  GetHealthCheckCommand,
  GetHostedZoneCommand,
  ListHealthChecksCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourceCommand,
  ListTagsForResourcesCommand,
  UpdateHealthCheckCommand,
  type Change,
  type HealthCheckConfig,
  type ListResourceRecordSetsCommandInput,
  type ListResourceRecordSetsCommandOutput,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { SimAccount } from '../../sim/account';

let account: SimAccount;
let route53: Route53Client;
let zoneId: string;

beforeEach(() => {
  account = new SimAccount();
  route53 = account.clients({ maxAttempts: 1 }).route53;
  zoneId = account.route53.createHostedZone('example.com');
});

// ---- helpers ----

function a(name: string, ip: string | string[], extra: Partial<ResourceRecordSet> = {}): ResourceRecordSet {
  const ips = Array.isArray(ip) ? ip : [ip];
  return { Name: name, Type: 'A', TTL: 60, ResourceRecords: ips.map((Value) => ({ Value })), ...extra };
}

function weighted(name: string, setIdentifier: string, ip: string, extra: Partial<ResourceRecordSet> = {}): ResourceRecordSet {
  return a(name, ip, { SetIdentifier: setIdentifier, Weight: 100, ...extra });
}

const create = (r: ResourceRecordSet): Change => ({ Action: 'CREATE', ResourceRecordSet: r });
const del = (r: ResourceRecordSet): Change => ({ Action: 'DELETE', ResourceRecordSet: r });
const upsert = (r: ResourceRecordSet): Change => ({ Action: 'UPSERT', ResourceRecordSet: r });

function change(...changes: Change[]) {
  return route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }));
}

/** The error a call fails with; fails the test when the call succeeds. */
async function failure(call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number }; messages?: string[] }> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err) => err,
  );
}

/** Every record of the zone, through the API, one page of `maxItems` at a time. */
async function listAll(maxItems: number, start: Partial<ListResourceRecordSetsCommandInput> = {}) {
  const records: ResourceRecordSet[] = [];
  let pages = 0;
  let next: Partial<ListResourceRecordSetsCommandInput> | undefined = start;
  while (next) {
    const page: ListResourceRecordSetsCommandOutput = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: maxItems, ...next }),
    );
    pages += 1;
    records.push(...(page.ResourceRecordSets ?? []));
    next = page.IsTruncated
      ? {
          StartRecordName: page.NextRecordName,
          StartRecordType: page.NextRecordType,
          ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
        }
      : undefined;
  }
  return { records, pages };
}

/** A distinct public address per index. */
const ip = (i: number) => `54.170.${Math.floor(i / 250)}.${(i % 250) + 1}`;

const ids = (records: ResourceRecordSet[]) => records.map((r) => `${r.Name} ${r.Type}${r.SetIdentifier ? ` ${r.SetIdentifier}` : ''}`);

const httpCheck = (ip = '54.170.0.10', extra: Partial<HealthCheckConfig> = {}): HealthCheckConfig => ({
  Type: 'HTTP',
  IPAddress: ip,
  Port: 8404,
  ResourcePath: '/health',
  ...extra,
});

function createCheck(callerReference: string, config: HealthCheckConfig = httpCheck()) {
  return route53.send(new CreateHealthCheckCommand({ CallerReference: callerReference, HealthCheckConfig: config }));
}

async function checkId(callerReference: string, config?: HealthCheckConfig): Promise<string> {
  return (await createCheck(callerReference, config)).HealthCheck?.Id as string;
}

// ---- record changes ----

describe('ChangeResourceRecordSets', () => {
  it('creates a record, stores its name in Route 53 form and answers PENDING with a change id', async () => {
    // Act
    const res = await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: `/hostedzone/${zoneId}`,
        ChangeBatch: { Comment: 'node up', Changes: [create(a('WWW.Example.COM', '54.170.0.10'))] },
      }),
    );

    // Assess
    expect(res.ChangeInfo).toEqual({ Id: expect.stringMatching(/^\/change\/C[0-9A-Z]+$/), Status: 'PENDING', SubmittedAt: account.now(), Comment: 'node up' });
    expect(account.route53.records(zoneId)).toContainEqual(a('www.example.com.', '54.170.0.10'));
  });

  it('fails with NoSuchHostedZone (404) for an unknown zone', async () => {
    const err = await failure(
      route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: 'Z0NOPE', ChangeBatch: { Changes: [create(a('x.example.com', '54.170.0.1'))] } })),
    );

    expect(err.name).toBe('NoSuchHostedZone');
    expect(err.$metadata.httpStatusCode).toBe(404);
  });

  it('refuses to CREATE a record that exists, naming it with its set identifier', async () => {
    // Prepare
    await change(create(weighted('www.example.com', 'i-1', '54.170.0.10')));

    // Act
    const err = await failure(change(create(weighted('www.example.com', 'i-1', '54.170.0.11'))));

    // Assess
    expect(err.name).toBe('InvalidChangeBatch');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.messages).toEqual(["Tried to create resource record set [name='www.example.com.', type='A', set-identifier='i-1'] but it already exists"]);
    expect(err.message).toBe(`[${err.messages?.[0]}]`);
  });

  it('refuses to DELETE a record that does not exist', async () => {
    const err = await failure(change(del(a('gone.example.com', '54.170.0.10'))));

    expect(err.name).toBe('InvalidChangeBatch');
    expect(err.messages).toEqual(["Tried to delete resource record set [name='gone.example.com.', type='A'] but it was not found"]);
  });

  it.each([
    ['TTL', { TTL: 300 }],
    ['values', { ResourceRecords: [{ Value: '54.170.0.99' }] }],
    ['weight', { Weight: 5 }],
    ['health check', { HealthCheckId: 'other' }],
  ])('refuses a DELETE whose %s differs from the stored record', async (_what, different) => {
    // Prepare
    const other = await checkId('other-check');
    const hc = await checkId('mine', httpCheck('54.170.0.20'));
    const stored = weighted('www.example.com', 'i-1', '54.170.0.10', { HealthCheckId: hc });
    await change(create(stored));
    const stale = { ...stored, ...different };
    if (stale.HealthCheckId === 'other') stale.HealthCheckId = other;

    // Act
    const err = await failure(change(del(stale)));

    // Assess
    expect(err.name).toBe('InvalidChangeBatch');
    expect(err.messages).toEqual([
      "Tried to delete resource record set [name='www.example.com.', type='A', set-identifier='i-1'] but the values provided do not match the current values",
    ]);
    expect(account.route53.records(zoneId)).toHaveLength(3);
  });

  it('matches a DELETE case-insensitively and whatever the order of its values', async () => {
    await change(create(a('www.example.com', ['54.170.0.1', '54.170.0.2'])));

    await change(del(a('WWW.EXAMPLE.COM.', ['54.170.0.2', '54.170.0.1'])));

    expect(ids(account.route53.records(zoneId))).toEqual(['example.com. NS', 'example.com. SOA']);
  });

  it('refuses a name outside the zone', async () => {
    const err = await failure(change(create(a('www.example.org', '54.170.0.1'))));

    expect(err.name).toBe('InvalidChangeBatch');
    expect(err.messages).toEqual(['RRSet with DNS name www.example.org. is not permitted in zone example.com.']);
  });

  it('counts an UPSERT twice towards the 1,000 ResourceRecord limit', async () => {
    const batch = (n: number, make: (r: ResourceRecordSet) => Change) => Array.from({ length: n }, (_, i) => make(a(`n${i}.example.com`, ip(i))));

    await change(...batch(1000, create));
    await change(...batch(500, upsert));
    const err = await failure(change(...batch(501, upsert)));

    expect(err.name).toBe('InvalidChangeBatch');
    expect(err.messages).toEqual(['Number of records limit of 1000 exceeded.']);
  });

  it('counts an UPSERT twice towards the 32,000 character limit', async () => {
    const txt = (): ResourceRecordSet => ({
      Name: 'big.example.com',
      Type: 'TXT',
      TTL: 60,
      ResourceRecords: Array.from({ length: 100 }, (_, i) => ({ Value: `"${String(i).padStart(159, 'x')}"` })), // 161 chars each
    });

    const err = await failure(change(upsert(txt())));
    await change(create(txt()));

    expect(err.name).toBe('InvalidChangeBatch');
    expect(err.messages?.[0]).toMatch(/32000/);
    expect(account.route53.records(zoneId).some((r) => r.Type === 'TXT')).toBe(true);
  });

  it('allows 100 weighted records per name and type, not 101', async () => {
    const w = (i: number) => create(weighted('lb.example.com', `i-${i}`, `54.170.1.${i + 1}`));

    await change(...Array.from({ length: 100 }, (_, i) => w(i)));
    const err = await failure(change(w(100)));

    expect(err.name).toBe('InvalidChangeBatch');
    expect(err.messages?.[0]).toMatch(/at most 100 weighted/);
  });

  it('refuses to mix weighted and non-weighted records of the same name and type, both ways round', async () => {
    // Prepare
    await change(create(a('plain.example.com', '54.170.0.1')), create(weighted('lb.example.com', 'i-1', '54.170.0.2')));

    // Act
    const weightedOverPlain = await failure(change(create(weighted('plain.example.com', 'i-2', '54.170.0.3'))));
    const plainOverWeighted = await failure(change(create(a('lb.example.com', '54.170.0.4'))));

    // Assess
    expect(weightedOverPlain.messages).toEqual([
      'RRSet with DNS name plain.example.com., type A, SetIdentifier i-2 cannot be created as a non-weighted set exists with the same name and type.',
    ]);
    expect(plainOverWeighted.name).toBe('InvalidChangeBatch');
    expect(plainOverWeighted.messages?.[0]).toMatch(/lb\.example\.com\., type A cannot be created as weighted sets exist/);
  });

  it('refuses the same record set twice in one batch, except DELETE followed by CREATE', async () => {
    // Prepare
    await change(create(a('www.example.com', '54.170.0.1')));

    // Act
    const twice = await failure(change(upsert(a('www.example.com', '54.170.0.2')), upsert(a('www.example.com', '54.170.0.3'))));
    await change(del(a('www.example.com', '54.170.0.1')), create(a('www.example.com', '54.170.0.9')));

    // Assess
    expect(twice.name).toBe('InvalidChangeBatch');
    expect(twice.messages).toEqual(["The request contains an invalid set of changes for a resource record set 'A www.example.com.'"]);
    expect(account.route53.records(zoneId)).toContainEqual(a('www.example.com.', '54.170.0.9'));
  });

  it('turns a weighted set into a plain record in one batch (DELETE then CREATE)', async () => {
    await change(create(weighted('lb.example.com', 'i-1', '54.170.0.1')));

    await change(del(weighted('lb.example.com', 'i-1', '54.170.0.1')), create(a('lb.example.com', '54.170.0.1')));

    expect(ids(account.route53.records(zoneId))).toContain('lb.example.com. A');
  });

  it('fails with NoSuchHealthCheck when a record points at a check that does not exist, yet deletes such a record', async () => {
    // Prepare
    const hc = await checkId('node-1');
    const record = weighted('lb.example.com', 'i-1', '54.170.0.1', { HealthCheckId: hc });
    await change(create(record));
    await route53.send(new DeleteHealthCheckCommand({ HealthCheckId: hc }));

    // Act
    const err = await failure(change(create(weighted('lb.example.com', 'i-2', '54.170.0.2', { HealthCheckId: hc }))));
    await change(del(record));

    // Assess
    expect(err.name).toBe('NoSuchHealthCheck');
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(ids(account.route53.records(zoneId))).not.toContain('lb.example.com. A i-1');
  });

  it('is atomic: one bad change rejects the batch, reports every problem and applies nothing', async () => {
    // Prepare
    await change(create(a('keep.example.com', '54.170.0.1')));
    const before = account.route53.records(zoneId);

    // Act
    const err = await failure(
      change(
        create(a('new.example.com', '54.170.0.2')),
        del(a('keep.example.com', '54.170.0.1')),
        del(a('missing.example.com', '54.170.0.3')),
        create(a('bad.example.com', '1.2.3')),
      ),
    );

    // Assess
    expect(err.name).toBe('InvalidChangeBatch');
    expect(err.messages).toEqual([
      "Tried to delete resource record set [name='missing.example.com.', type='A'] but it was not found",
      "Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '1.2.3''",
    ]);
    expect(account.route53.records(zoneId)).toEqual(before);
  });

  it('answers InvalidInput for a record with neither values nor an alias target', async () => {
    const err = await failure(change(create({ Name: 'x.example.com', Type: 'A' })));

    expect(err.name).toBe('InvalidInput');
    expect(err.message).toBe(
      'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=CREATE, Name=x.example.com, Type=A, SetIdentifier=null]',
    );
  });

  it('enforces the CNAME rules', async () => {
    await change(create(a('www.example.com', '54.170.0.1')));
    const cname = (name: string): ResourceRecordSet => ({ Name: name, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'lb.example.net' }] });

    const atApex = await failure(change(create(cname('example.com'))));
    const besideA = await failure(change(create(cname('www.example.com'))));

    expect(atApex.messages?.[0]).toMatch(/not permitted at apex/);
    expect(besideA.messages?.[0]).toMatch(/conflicts with other records/);
  });

  it('keeps the apex SOA, but lets NS be replaced in one batch', async () => {
    const [ns, soa] = account.route53.records(zoneId) as [ResourceRecordSet, ResourceRecordSet];

    const err = await failure(change(del(soa)));
    await change(del(ns), create({ ...ns, TTL: 3600 }));

    expect(err.messages).toEqual(['A HostedZone must contain exactly one SOA record.']);
    expect(account.route53.records(zoneId)[0]?.TTL).toBe(3600);
  });
});

// ---- PriorRequestNotComplete ----

describe('PriorRequestNotComplete', () => {
  it('rejects the next calls for a zone after each change, and only for that zone', async () => {
    // Prepare
    account.route53.priorRequestRejections = 2;
    const otherZone = account.route53.createHostedZone('example.net');
    await change(create(a('one.example.com', '54.170.0.1')));

    // Act
    const first = await failure(change(create(a('two.example.com', '54.170.0.2'))));
    const second = await failure(change(create(a('two.example.com', '54.170.0.2'))));
    await route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: otherZone, ChangeBatch: { Changes: [create(a('x.example.net', '54.170.0.3'))] } }));
    await change(create(a('two.example.com', '54.170.0.2')));

    // Assess
    expect(first.name).toBe('PriorRequestNotComplete');
    expect(first.$metadata.httpStatusCode).toBe(400);
    expect(first.message).toBe('The request was rejected because Route 53 was still processing a prior request.');
    expect(second.name).toBe('PriorRequestNotComplete');
    expect(ids(account.route53.records(zoneId))).toContain('two.example.com. A');
  });

  it('is retried by the SDK with its default retry classification', async () => {
    // Prepare
    const retrying = account.clients().route53;
    account.route53.priorRequestRejections = 2;
    await change(create(a('one.example.com', '54.170.0.1')));
    const mark = account.mark();

    // Act
    await retrying.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [create(a('two.example.com', '54.170.0.2'))] } }));

    // Assess
    expect(account.callsSince(mark).map((c) => c.error ?? 'ok')).toEqual(['PriorRequestNotComplete', 'PriorRequestNotComplete', 'ok']);
  });
});

// ---- listing ----

describe('ListResourceRecordSets', () => {
  // Route 53's order: reversed labels compared as one string, trailing dot included, so
  // 'a-b.example.com.' ('com.example.a-b.') comes before 'a.example.com.' ('com.example.a.').
  const expectedOrder = [
    'example.com. NS',
    'example.com. SOA',
    'a-b.example.com. A',
    'a.example.com. A',
    'b.a.example.com. A',
    'mail.example.com. MX',
    'www.example.com. A i-1',
    'www.example.com. A i-2',
    'www.example.com. A i-3',
    'z.example.com. A',
    'z.example.com. TXT',
  ];

  beforeEach(async () => {
    await change(
      create(a('z.example.com', '54.170.0.9')),
      create({ Name: 'z.example.com', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"hello"' }] }),
      create(weighted('www.example.com', 'i-3', '54.170.0.3')),
      create(weighted('www.example.com', 'i-1', '54.170.0.1')),
      create(a('b.a.example.com', '54.170.0.5')),
      create({ Name: 'mail.example.com', Type: 'MX', TTL: 60, ResourceRecords: [{ Value: '10 mx.example.com' }] }),
      create(weighted('www.example.com', 'i-2', '54.170.0.2')),
      create(a('a.example.com', '54.170.0.4')),
      create(a('a-b.example.com', '54.170.0.6')),
    );
  });

  it('lists the whole zone, SOA and NS included, in DNS order', async () => {
    const res = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));

    expect(ids(res.ResourceRecordSets ?? [])).toEqual(expectedOrder);
    expect(res.IsTruncated).toBe(false);
    expect(res.MaxItems).toBe(300);
  });

  it.each([1, 2, 3, 4])('returns every record exactly once across pages of %i', async (maxItems) => {
    const { records, pages } = await listAll(maxItems);

    expect(ids(records)).toEqual(expectedOrder);
    expect(pages).toBe(Math.ceil(expectedOrder.length / maxItems));
  });

  it('gives NextRecordIdentifier only when the next record has a set identifier', async () => {
    const intoWeighted = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: 6 }));
    const intoPlain = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: 9 }));

    expect(intoWeighted).toMatchObject({ IsTruncated: true, NextRecordName: 'www.example.com.', NextRecordType: 'A', NextRecordIdentifier: 'i-1' });
    expect(intoPlain).toMatchObject({ IsTruncated: true, NextRecordName: 'z.example.com.', NextRecordType: 'A' });
    expect(intoPlain.NextRecordIdentifier).toBeUndefined();
  });

  it('starts at the first record at or after the start point and runs on through the rest of the zone', async () => {
    const fromName = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: 'MAIL.example.com' }));
    const fromIdentifier = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: 'www.example.com.', StartRecordType: 'A', StartRecordIdentifier: 'i-2' }),
    );
    const fromMissingName = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: 'n.example.com' }));

    expect(ids(fromName.ResourceRecordSets ?? [])).toEqual(expectedOrder.slice(5));
    expect(ids(fromIdentifier.ResourceRecordSets ?? [])).toEqual(expectedOrder.slice(7));
    expect(ids(fromMissingName.ResourceRecordSets ?? [])).toEqual(expectedOrder.slice(6));
  });

  it('returns names in Route 53 form: a wildcard comes back octal-escaped', async () => {
    await change(create(a('*.example.com', '54.170.0.7')));

    const res = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: '*.example.com', MaxItems: 1 }));

    expect(res.ResourceRecordSets?.[0]?.Name).toBe('\\052.example.com.');
  });

  it('answers InvalidInput for a start type without a start name', async () => {
    const err = await failure(route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordType: 'A' })));

    expect(err.name).toBe('InvalidInput');
  });
});

// ---- GetChange and GetHostedZone ----

describe('GetChange', () => {
  it('reports PENDING until 60 s of virtual time have passed, then INSYNC', async () => {
    // Prepare
    const { ChangeInfo } = await change(create(a('www.example.com', '54.170.0.1')));
    const Id = ChangeInfo?.Id as string;

    // Act
    const atOnce = await route53.send(new GetChangeCommand({ Id }));
    account.advance(59);
    const after59 = await route53.send(new GetChangeCommand({ Id }));
    account.advance(1);
    const after60 = await route53.send(new GetChangeCommand({ Id }));

    // Assess
    expect([atOnce, after59, after60].map((r) => r.ChangeInfo?.Status)).toEqual(['PENDING', 'PENDING', 'INSYNC']);
    expect(after60.ChangeInfo).toMatchObject({ Id, SubmittedAt: ChangeInfo?.SubmittedAt });
  });

  it('fails with NoSuchChange (404) for an unknown id', async () => {
    const err = await failure(route53.send(new GetChangeCommand({ Id: '/change/C0UNKNOWN' })));

    expect(err.name).toBe('NoSuchChange');
    expect(err.$metadata.httpStatusCode).toBe(404);
  });
});

describe('GetHostedZone', () => {
  it('describes the zone, counting its SOA and NS records', async () => {
    await change(create(a('www.example.com', '54.170.0.1')));

    const res = await route53.send(new GetHostedZoneCommand({ Id: `/hostedzone/${zoneId}` }));

    expect(res.HostedZone).toMatchObject({ Id: `/hostedzone/${zoneId}`, Name: 'example.com.', Config: { PrivateZone: false }, ResourceRecordSetCount: 3 });
    expect(res.DelegationSet?.NameServers).toHaveLength(4);
  });

  it('fails with NoSuchHostedZone for an unknown zone', async () => {
    const err = await failure(route53.send(new GetHostedZoneCommand({ Id: 'Z0NOPE' })));

    expect(err.name).toBe('NoSuchHostedZone');
  });
});

// ---- health checks ----

describe('CreateHealthCheck', () => {
  it('fills in the defaults AWS applies and answers with a Location', async () => {
    const res = await createCheck('node-1', { Type: 'HTTPS', IPAddress: '54.170.0.10', ResourcePath: '/health' });

    expect(res.HealthCheck).toEqual({
      Id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/),
      CallerReference: 'node-1',
      HealthCheckVersion: 1,
      HealthCheckConfig: {
        Type: 'HTTPS',
        IPAddress: '54.170.0.10',
        Port: 443,
        ResourcePath: '/health',
        RequestInterval: 30,
        FailureThreshold: 3,
        MeasureLatency: false,
        Inverted: false,
        Disabled: false,
        EnableSNI: true,
      },
    });
    expect(res.Location).toBe(`https://route53.amazonaws.com/2013-04-01/healthcheck/${res.HealthCheck?.Id}`);
  });

  it('returns the existing check for the same CallerReference and settings (spelled-out defaults included)', async () => {
    const first = await checkId('node-1');

    const again = await checkId('node-1', httpCheck('54.170.0.10', { RequestInterval: 30, FailureThreshold: 3 }));

    expect(again).toBe(first);
    expect(account.route53.healthChecks()).toHaveLength(1);
  });

  it('fails with HealthCheckAlreadyExists (409) for the same CallerReference with other settings', async () => {
    await checkId('node-1');

    const err = await failure(createCheck('node-1', httpCheck('54.170.0.11')));

    expect(err.name).toBe('HealthCheckAlreadyExists');
    expect(err.$metadata.httpStatusCode).toBe(409);
  });

  it("fails with HealthCheckAlreadyExists for a deleted check's CallerReference, whatever the settings", async () => {
    const id = await checkId('node-1');
    await route53.send(new DeleteHealthCheckCommand({ HealthCheckId: id }));

    const same = await failure(createCheck('node-1'));
    const other = await failure(createCheck('node-1', httpCheck('54.170.0.11')));

    expect([same.name, other.name]).toEqual(['HealthCheckAlreadyExists', 'HealthCheckAlreadyExists']);
  });

  it('creates a second check for a new CallerReference with identical settings', async () => {
    const first = await checkId('node-1');

    const second = await checkId('node-1-b');

    expect(second).not.toBe(first);
  });

  it.each([
    ['private 10/8', httpCheck('10.0.1.5')],
    ['private 172.16/12', httpCheck('172.31.255.1')],
    ['private 192.168/16', httpCheck('192.168.1.1')],
    ['loopback', httpCheck('127.0.0.1')],
    ['link-local', httpCheck('169.254.169.254')],
    ['shared address space', httpCheck('100.64.0.1')],
    ['documentation range', httpCheck('203.0.113.5')],
    ['IPv6 unique-local', httpCheck('fd00::1')],
    ['IPv6 loopback written out', httpCheck('0:0:0:0:0:0:0:1')],
    ['IPv6 documentation range with leading zeros', httpCheck('2001:0db8:0:0:0:0:0:5')],
    ['IPv6 link-local', httpCheck('fe80::1')],
    ['IPv6 multicast', httpCheck('ff02::1')],
    ['IPv4-mapped IPv6', httpCheck('::ffff:54.170.0.1')],
    ['IPv4-mapped IPv6 in hex', httpCheck('::ffff:36aa:1')],
    ['not an address', httpCheck('54.170.0')],
    ['port 0', httpCheck(undefined, { Port: 0 })],
    ['port 65536', httpCheck(undefined, { Port: 65536 })],
    ['interval 20', httpCheck(undefined, { RequestInterval: 20 })],
    ['threshold 0', httpCheck(undefined, { FailureThreshold: 0 })],
    ['threshold 11', httpCheck(undefined, { FailureThreshold: 11 })],
    ['string match without SearchString', httpCheck(undefined, { Type: 'HTTP_STR_MATCH' })],
    ['SearchString of 256 characters', httpCheck(undefined, { Type: 'HTTP_STR_MATCH', SearchString: 'x'.repeat(256) })],
    ['ResourcePath of 256 characters', httpCheck(undefined, { ResourcePath: `/${'x'.repeat(255)}` })],
    ['TCP without a port', { Type: 'TCP', IPAddress: '54.170.0.10' }],
    ['TCP with both an address and a name', { Type: 'TCP', IPAddress: '54.170.0.10', Port: 80, FullyQualifiedDomainName: 'a.example.com' }],
    ['no endpoint', { Type: 'HTTP', Port: 80 }],
  ] satisfies [string, HealthCheckConfig][])('answers InvalidInput for %s', async (_what, config) => {
    const err = await failure(createCheck('bad', config));

    expect(err.name).toBe('InvalidInput');
    expect(account.route53.healthChecks()).toHaveLength(0);
  });

  it('accepts the edges of the valid ranges', async () => {
    await checkId('a', httpCheck('54.170.0.1', { Port: 1, RequestInterval: 10, FailureThreshold: 1 }));
    await checkId('b', httpCheck('54.170.0.2', { Port: 65535, FailureThreshold: 10 }));
    await checkId('c', httpCheck('54.170.0.3', { Type: 'HTTPS_STR_MATCH', SearchString: 'x'.repeat(255) }));

    expect(account.route53.healthChecks()).toHaveLength(3);
  });

  it('fails with TooManyHealthChecks beyond the quota, yet still replays an existing CallerReference', async () => {
    account.route53.healthCheckLimit = 2;
    await checkId('a');
    await checkId('b');

    const err = await failure(createCheck('c'));
    const replay = await checkId('a');

    expect(err.name).toBe('TooManyHealthChecks');
    expect(replay).toBe(account.route53.healthChecks()[0]?.Id);
  });
});

/** A standard-resolution alarm, as a node's managed alarm is (what a CLOUDWATCH_METRIC check watches). */
const putAlarm = (name: string, period = 60) =>
  account.clients({ maxAttempts: 1 }).cloudWatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'AWS/EC2',
      MetricName: 'StatusCheckFailed',
      Statistic: 'Maximum',
      Period: period,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'InstanceId', Value: 'i-0123456789abcdef0' }],
    }),
  );

describe('CreateHealthCheck of type CLOUDWATCH_METRIC (a private node)', () => {
  // The simulated account's region (eu-west-1); the table below is built before any account exists.
  const metric = (name: string, region = 'eu-west-1'): HealthCheckConfig => ({
    Type: 'CLOUDWATCH_METRIC',
    AlarmIdentifier: { Region: region as never, Name: name },
  });

  it('watches an existing alarm: no endpoint, InsufficientDataHealthStatus defaulted', async () => {
    await putAlarm('node-alarm');
    const res = await createCheck('m-1', metric('node-alarm'));
    expect(res.HealthCheck?.HealthCheckConfig).toEqual({
      Type: 'CLOUDWATCH_METRIC',
      AlarmIdentifier: { Region: account.region, Name: 'node-alarm' },
      InsufficientDataHealthStatus: 'LastKnownStatus',
      Inverted: false,
      Disabled: false,
    });
  });

  it.each([
    ['an alarm that does not exist (yet)', async () => {}, metric('missing'), /does not exist/],
    ['an alarm in another region', async () => void (await putAlarm('node-alarm')), metric('node-alarm', 'us-east-1'), /does not exist in us-east-1/],
    ['a high-resolution alarm', async () => void (await putAlarm('fast', 10)), metric('fast'), /high-resolution/],
    ['no AlarmIdentifier', async () => {}, { Type: 'CLOUDWATCH_METRIC' } as HealthCheckConfig, /AlarmIdentifier/],
    [
      'an endpoint as well',
      async () => void (await putAlarm('node-alarm')),
      { ...metric('node-alarm'), IPAddress: '54.170.0.10', Port: 80 },
      /not valid for CLOUDWATCH_METRIC/,
    ],
  ])('refuses %s (InvalidInput)', async (_what, prepare, config, message) => {
    await prepare();
    await expect(createCheck('m-2', config)).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringMatching(message) });
  });
});

describe("Route 53's view: health status and weighted answers (scenario helpers)", () => {
  const metricCheck = async (ref: string, alarm: string, insufficient?: 'Healthy' | 'Unhealthy' | 'LastKnownStatus') =>
    checkId(ref, {
      Type: 'CLOUDWATCH_METRIC',
      AlarmIdentifier: { Region: account.region as never, Name: alarm },
      ...(insufficient ? { InsufficientDataHealthStatus: insufficient } : {}),
    });

  it('a metric check follows its alarm; without data, InsufficientDataHealthStatus (LastKnownStatus: the last state with data, healthy when none)', async () => {
    // Prepare
    await putAlarm('n1');
    await putAlarm('n2');
    const last = await metricCheck('c1', 'n1');
    const unhealthy = await metricCheck('c2', 'n2', 'Unhealthy');
    const status = () => [account.route53.healthStatus(last), account.route53.healthStatus(unhealthy)];

    // Act / Assess: new alarms, no data yet
    expect(status()).toEqual(['Healthy', 'Unhealthy']);
    account.cloudWatch.setState('n1', 'ALARM');
    account.cloudWatch.setState('n2', 'OK');
    expect(status()).toEqual(['Unhealthy', 'Healthy']);
    account.cloudWatch.setState('n1', 'INSUFFICIENT_DATA');
    account.cloudWatch.setState('n2', 'INSUFFICIENT_DATA');
    expect(status()).toEqual(['Unhealthy', 'Unhealthy']);
    account.cloudWatch.setState('n1', 'OK');
    account.cloudWatch.setState('n1', 'INSUFFICIENT_DATA');
    expect(status()[0]).toBe('Healthy');
  });

  it("LastKnownStatus is the check's own: a check made while its alarm has no data is healthy, whatever the alarm said before", async () => {
    await putAlarm('n3');
    account.cloudWatch.setState('n3', 'ALARM');
    account.cloudWatch.setState('n3', 'INSUFFICIENT_DATA');
    account.advance(1);
    const fresh = await metricCheck('c3', 'n3');
    expect(account.route53.healthStatus(fresh)).toBe('Healthy');
    account.cloudWatch.setState('n3', 'ALARM');
    account.cloudWatch.setState('n3', 'INSUFFICIENT_DATA');
    expect(account.route53.healthStatus(fresh)).toBe('Unhealthy');
  });

  it('a disabled check is healthy whatever it sees; an inverted one says the opposite', async () => {
    const id = await checkId('ci', httpCheck('54.170.0.9'));
    account.route53.setEndpointHealth('54.170.0.9', false);
    await route53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, Inverted: true }));
    expect(account.route53.healthStatus(id)).toBe('Healthy');
    await route53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, Inverted: false, Disabled: true }));
    expect(account.route53.healthStatus(id)).toBe('Healthy');
    await route53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, Disabled: false }));
    expect(account.route53.healthStatus(id)).toBe('Unhealthy');
  });

  it('an endpoint check is healthy until its endpoint is said not to be, in any spelling of the address', async () => {
    const v6 = await checkId('c6', httpCheck('2600:1f18::7'));
    account.route53.setEndpointHealth('2600:1f18:0:0:0:0:0:7', false);
    expect(account.route53.healthStatus(v6)).toBe('Unhealthy');
    account.route53.setEndpointHealth('2600:1f18::7', true);
    expect(account.route53.healthStatus(v6)).toBe('Healthy');
  });

  it('answers: healthy records above weight 0; else the healthy ones at 0; with none healthy, all as if healthy', async () => {
    // Prepare: x and y at 100, z at 0 (standby), each with its own check
    const ids = {
      x: await checkId('x', httpCheck('54.170.0.1')),
      y: await checkId('y', httpCheck('54.170.0.2')),
      z: await checkId('z', httpCheck('54.170.0.3')),
    };
    await change(
      create(weighted('lb.example.com', 'x', '54.170.0.1', { HealthCheckId: ids.x })),
      create(weighted('lb.example.com', 'y', '54.170.0.2', { HealthCheckId: ids.y })),
      create(weighted('lb.example.com', 'z', '54.170.0.3', { HealthCheckId: ids.z, Weight: 0 })),
    );
    const answers = () => account.route53.answers(zoneId, 'lb.example.com', 'A');

    // Act / Assess
    expect(answers()).toEqual(['54.170.0.1', '54.170.0.2']);
    account.route53.setEndpointHealth('54.170.0.1', false);
    expect(answers()).toEqual(['54.170.0.2']);
    account.route53.setEndpointHealth('54.170.0.2', false);
    expect(answers()).toEqual(['54.170.0.3']);
    account.route53.setEndpointHealth('54.170.0.3', false);
    expect(answers()).toEqual(['54.170.0.1', '54.170.0.2']);
  });

  it('a private hosted zone: GetHostedZone says so and names its VPC, with no delegation set', async () => {
    const id = account.route53.createHostedZone('internal.example', undefined, { vpc: { region: account.region, id: 'vpc-0abc' } });
    const res = await route53.send(new GetHostedZoneCommand({ Id: id }));
    expect(res.HostedZone?.Config?.PrivateZone).toBe(true);
    expect(res.VPCs).toEqual([{ VPCRegion: account.region, VPCId: 'vpc-0abc' }]);
    expect(res.DelegationSet).toBeUndefined();
  });
});

describe('GetHealthCheck, UpdateHealthCheck and DeleteHealthCheck', () => {
  it('fails with NoSuchHealthCheck (404) for an unknown id', async () => {
    const get = await failure(route53.send(new GetHealthCheckCommand({ HealthCheckId: 'nope' })));
    const update = await failure(route53.send(new UpdateHealthCheckCommand({ HealthCheckId: 'nope', Port: 80 })));
    const remove = await failure(route53.send(new DeleteHealthCheckCommand({ HealthCheckId: 'nope' })));

    expect([get.name, update.name, remove.name]).toEqual(['NoSuchHealthCheck', 'NoSuchHealthCheck', 'NoSuchHealthCheck']);
    expect(get.$metadata.httpStatusCode).toBe(404);
  });

  it('updates a check, bumps its version and refuses a stale version', async () => {
    // Prepare
    const id = await checkId('node-1');

    // Act
    const updated = await route53.send(
      new UpdateHealthCheckCommand({ HealthCheckId: id, HealthCheckVersion: 1, IPAddress: '54.170.0.99', FailureThreshold: 2 }),
    );
    const stale = await failure(route53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, HealthCheckVersion: 1, Port: 80 })));
    const got = await route53.send(new GetHealthCheckCommand({ HealthCheckId: id }));

    // Assess
    expect(updated.HealthCheck).toMatchObject({ HealthCheckVersion: 2, HealthCheckConfig: { IPAddress: '54.170.0.99', FailureThreshold: 2, Port: 8404 } });
    expect(stale.name).toBe('HealthCheckVersionMismatch');
    expect(stale.$metadata.httpStatusCode).toBe(409);
    expect(got.HealthCheck).toEqual(updated.HealthCheck);
  });

  it('validates an update like a creation', async () => {
    const id = await checkId('node-1');

    const err = await failure(route53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, IPAddress: '10.0.0.1' })));

    expect(err.name).toBe('InvalidInput');
  });

  it('deletes a check that records still reference, as Route 53 does today, leaving them dangling', async () => {
    // Prepare
    const id = await checkId('node-1');
    await change(create(weighted('lb.example.com', 'i-1', '54.170.0.1', { HealthCheckId: id })));

    // Act
    await route53.send(new DeleteHealthCheckCommand({ HealthCheckId: id }));

    // Assess
    expect(account.route53.healthChecks()).toEqual([]);
    expect(account.route53.danglingHealthCheckReferences()).toEqual([{ zoneId, record: expect.objectContaining({ HealthCheckId: id }) }]);
  });

  it('refuses with HealthCheckInUse when the legacy behaviour is switched on', async () => {
    account.route53.rejectDeletingReferencedHealthChecks = true;
    const id = await checkId('node-1');
    await change(create(weighted('lb.example.com', 'i-1', '54.170.0.1', { HealthCheckId: id })));

    const err = await failure(route53.send(new DeleteHealthCheckCommand({ HealthCheckId: id })));

    expect(err.name).toBe('HealthCheckInUse');
    expect(account.route53.healthChecks()).toHaveLength(1);
  });
});

describe('ListHealthChecks', () => {
  it('pages through every check once, in creation order', async () => {
    // Prepare
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push(await checkId(`node-${i}`, httpCheck(`54.170.0.${i + 1}`)));

    // Act
    const seen: string[] = [];
    const markers: (string | undefined)[] = [];
    let marker: string | undefined;
    do {
      const page = await route53.send(new ListHealthChecksCommand({ MaxItems: 2, ...(marker ? { Marker: marker } : {}) }));
      markers.push(page.Marker);
      seen.push(...(page.HealthChecks ?? []).map((h) => h.Id as string));
      marker = page.IsTruncated ? page.NextMarker : undefined;
    } while (marker);

    // Assess
    expect(seen).toEqual(created);
    expect(markers).toEqual(['', created[2], created[4]]);
  });

  it('returns at most 1,000 per page and 100 by default', async () => {
    for (let i = 0; i < 3; i++) await checkId(`node-${i}`, httpCheck(`54.170.0.${i + 1}`));

    const big = await route53.send(new ListHealthChecksCommand({ MaxItems: 5000 }));
    const byDefault = await route53.send(new ListHealthChecksCommand({}));

    expect(big).toMatchObject({ MaxItems: 1000, IsTruncated: false });
    expect(byDefault.MaxItems).toBe(100);
    expect(big.NextMarker).toBeUndefined();
  });
});

// ---- tags ----

describe('tags', () => {
  it('adds, replaces and removes tags of a health check', async () => {
    const id = await checkId('node-1');

    await route53.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'healthcheck',
        ResourceId: id,
        AddTags: [
          { Key: 'Name', Value: 'n1' },
          { Key: 'fleet', Value: 'edge' },
        ],
      }),
    );
    await route53.send(
      new ChangeTagsForResourceCommand({ ResourceType: 'healthcheck', ResourceId: id, AddTags: [{ Key: 'Name', Value: 'n1b' }], RemoveTagKeys: ['fleet'] }),
    );
    const res = await route53.send(new ListTagsForResourceCommand({ ResourceType: 'healthcheck', ResourceId: id }));

    expect(res.ResourceTagSet).toEqual({ ResourceType: 'healthcheck', ResourceId: id, Tags: [{ Key: 'Name', Value: 'n1b' }] });
    expect(account.route53.tags(id)).toEqual({ Name: 'n1b' });
  });

  it('answers InvalidInput for more than 10 tags in one call', async () => {
    const id = await checkId('node-1');
    const AddTags = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));

    const err = await failure(route53.send(new ChangeTagsForResourceCommand({ ResourceType: 'healthcheck', ResourceId: id, AddTags })));

    expect(err.name).toBe('InvalidInput');
    expect(account.route53.tags(id)).toEqual({});
  });

  it('fails with NoSuchHealthCheck when tagging an unknown check', async () => {
    const err = await failure(
      route53.send(new ChangeTagsForResourceCommand({ ResourceType: 'healthcheck', ResourceId: 'nope', AddTags: [{ Key: 'a', Value: 'b' }] })),
    );

    expect(err.name).toBe('NoSuchHealthCheck');
  });

  it('lists tags of up to 10 checks per call', async () => {
    // Prepare
    const checks: string[] = [];
    for (let i = 0; i < 11; i++) checks.push(await checkId(`node-${i}`, httpCheck(`54.170.0.${i + 1}`)));
    await route53.send(new ChangeTagsForResourceCommand({ ResourceType: 'healthcheck', ResourceId: checks[0], AddTags: [{ Key: 'Name', Value: 'n0' }] }));

    // Act
    const ten = await route53.send(new ListTagsForResourcesCommand({ ResourceType: 'healthcheck', ResourceIds: checks.slice(0, 10) }));
    const eleven = await failure(route53.send(new ListTagsForResourcesCommand({ ResourceType: 'healthcheck', ResourceIds: checks })));
    const unknown = await failure(route53.send(new ListTagsForResourcesCommand({ ResourceType: 'healthcheck', ResourceIds: [checks[0] as string, 'nope'] })));

    // Assess
    expect(ten.ResourceTagSets?.map((s) => s.ResourceId)).toEqual(checks.slice(0, 10));
    expect(ten.ResourceTagSets?.[0]?.Tags).toEqual([{ Key: 'Name', Value: 'n0' }]);
    expect(eleven.name).toBe('InvalidInput');
    expect(unknown.name).toBe('NoSuchHealthCheck');
  });
});

// ---- helpers that model an operator's console edits ----

describe('by-hand helpers', () => {
  it('put and delete records without validation', async () => {
    await change(create(weighted('lb.example.com', 'i-1', '54.170.0.1')));

    account.route53.putRecordByHand(zoneId, a('LB.example.com', '54.170.0.2'));
    const listed = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: 'lb.example.com' }));
    const removed = account.route53.deleteRecordByHand(zoneId, 'lb.example.com', 'A', 'i-1');

    expect(ids(listed.ResourceRecordSets ?? [])).toEqual(['lb.example.com. A', 'lb.example.com. A i-1']);
    expect(removed).toBe(true);
    expect(ids(account.route53.records(zoneId))).toEqual(['example.com. NS', 'example.com. SOA', 'lb.example.com. A']);
  });

  it('create and delete health checks without validation, remembering the CallerReference', async () => {
    const check = account.route53.createHealthCheckByHand(httpCheck('10.0.0.5'), { Name: 'by-hand' });

    const got = await route53.send(new GetHealthCheckCommand({ HealthCheckId: check.Id }));
    account.route53.deleteHealthCheckByHand(check.Id as string);
    const reuse = await failure(createCheck(check.CallerReference as string));

    expect(got.HealthCheck?.HealthCheckConfig).toMatchObject({ IPAddress: '10.0.0.5', RequestInterval: 30 });
    expect(reuse.name).toBe('HealthCheckAlreadyExists');
  });

  it('hand out copies, so callers cannot change the simulated state', async () => {
    await change(create(a('www.example.com', '54.170.0.1')));

    const copy = account.route53.records(zoneId);
    (copy[2] as ResourceRecordSet).TTL = 1;

    expect(account.route53.records(zoneId)[2]?.TTL).toBe(60);
  });
});

// ---- rate limits ----

describe('rate limits', () => {
  let clockMs: number;

  beforeEach(() => {
    clockMs = 0;
    account.route53.enableRateLimits({ clock: () => clockMs });
  });

  const get = (id: string) => route53.send(new GetHealthCheckCommand({ HealthCheckId: id }));

  it('are off by default', async () => {
    account.route53.disableRateLimits();
    const id = await checkId('node-1');

    for (let i = 0; i < 120; i++) await get(id);
  });

  it('throttle beyond the account burst of 50 and refill at 10 per second', async () => {
    // Prepare
    const id = account.route53.createHealthCheckByHand(httpCheck()).Id as string;
    for (let i = 0; i < 50; i++) await get(id);

    // Act
    const throttled = await failure(get(id));
    clockMs += 100;
    await get(id);
    const again = await failure(get(id));

    // Assess
    expect(throttled.name).toBe('Throttling');
    expect(throttled.message).toBe('Rate exceeded');
    expect(throttled.$metadata.httpStatusCode).toBe(400);
    expect(again.name).toBe('Throttling');
  });

  it('let CreateHealthCheck burst to 50, then allow one every 2 s', async () => {
    // Prepare: 50 creations over one second (the account bucket refills 10 meanwhile, this
    // action's bucket only 0.5).
    for (let i = 0; i < 50; i++) {
      await checkId(`node-${i}`, httpCheck(ip(i)));
      clockMs += 20;
    }

    // Act
    const throttled = await failure(createCheck('node-50', httpCheck(ip(50))));
    clockMs += 500;
    const stillThrottled = await failure(createCheck('node-50', httpCheck(ip(50))));
    clockMs += 500; // two seconds after the burst was spent, one token is back
    await createCheck('node-50', httpCheck(ip(50)));

    // Assess
    expect([throttled.name, stillThrottled.name]).toEqual(['Throttling', 'Throttling']);
    expect(account.route53.healthChecks()).toHaveLength(51);
  });

  it('charge record changes to their own bucket: 1,500 burst, UPSERT costs 2, 100 per second', async () => {
    // Prepare: 500 UPSERTs cost 1,000 of the 1,500 tokens.
    const upserts = Array.from({ length: 500 }, (_, i) => upsert(a(`n${i}.example.com`, ip(i))));
    await change(...upserts);

    // Act
    const throttled = await failure(change(...upserts));
    clockMs += 5000;
    await change(...upserts);

    // Assess
    expect(throttled.name).toBe('Throttling');
  });

  it('scale burst and refill for benchmarks', async () => {
    account.route53.enableRateLimits({ clock: () => clockMs, burstScale: 0.1, refillScale: 10 });
    const id = account.route53.createHealthCheckByHand(httpCheck()).Id as string;
    for (let i = 0; i < 5; i++) await get(id);

    const throttled = await failure(get(id));
    clockMs += 10; // 100 tokens per second: one more after 10 ms
    await get(id);

    expect(throttled.name).toBe('Throttling');
  });

  it('are retried by the SDK until the retries run out', async () => {
    const retrying = account.clients({ maxAttempts: 3 }).route53;
    const id = account.route53.createHealthCheckByHand(httpCheck()).Id as string;
    for (let i = 0; i < 50; i++) await get(id);
    const mark = account.mark();

    const err = await failure(retrying.send(new GetHealthCheckCommand({ HealthCheckId: id })));

    expect(err.name).toBe('Throttling');
    expect(account.callsSince(mark).map((c) => c.error)).toEqual(['Throttling', 'Throttling', 'Throttling']);
  });
});
