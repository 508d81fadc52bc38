/**
 * Simulated Route 53: hosted zones with their record sets, change batches and their sync status,
 * health checks with tags, and (optionally) the real API rate limits. It reproduces the behaviour
 * the control plane has to survive, with the error codes and messages Route 53 uses:
 *
 * - ChangeResourceRecordSets is atomic: changes are validated in order against a working copy of
 *   the zone (so DELETE then CREATE of the same record is a valid replace), every problem is
 *   reported in one InvalidChangeBatch, and nothing is applied unless all of them pass.
 * - Record identity is (name, type, SetIdentifier); a DELETE must repeat the stored values.
 * - Names come back lower-cased, dot-terminated and octal-escaped, listed in Route 53's DNS order.
 * - CreateHealthCheck is idempotent per CallerReference, with AWS's rules for deleted checks.
 * - PriorRequestNotComplete is deterministic (`priorRequestRejections`), so a test can count the
 *   retries it causes; GetChange turns INSYNC after `changeSyncSeconds` of virtual time.
 *
 * Deliberately as AWS documents it today (and unlike older docs): DeleteHealthCheck succeeds even
 * while records still reference the check; `HealthCheckInUse` is "not in use" any more. Set
 * `rejectDeletingReferencedHealthChecks` to get the old behaviour, and use
 * `danglingHealthCheckReferences()` to assert a scenario never leaves such records behind.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type {
  ChangeResourceRecordSetsCommandInput,
  ChangeResourceRecordSetsCommandOutput,
  ChangeTagsForResourceCommandInput,
  ChangeTagsForResourceCommandOutput,
  CreateHealthCheckCommandInput,
  CreateHealthCheckCommandOutput,
  DeleteHealthCheckCommandInput,
  DeleteHealthCheckCommandOutput,
  GetChangeCommandInput,
  GetChangeCommandOutput,
  GetHealthCheckCommandInput,
  GetHealthCheckCommandOutput,
  GetHostedZoneCommandInput,
  GetHostedZoneCommandOutput,
  HealthCheck,
  HealthCheckConfig,
  ListHealthChecksCommandInput,
  ListHealthChecksCommandOutput,
  ListResourceRecordSetsCommandInput,
  ListResourceRecordSetsCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  ListTagsForResourcesCommandInput,
  ListTagsForResourcesCommandOutput,
  ResourceRecordSet,
  ResourceTagSet,
  Tag,
  UpdateHealthCheckCommandInput,
  UpdateHealthCheckCommandOutput,
} from '@aws-sdk/client-route-53';
import type { SimAccount } from './account';
import { awsError, NotModelledError } from './errors';
import { IdGen } from './ids';
import { compareRecordKeys, isInZone, normaliseName } from './route53-names';
import { ServiceSim } from './service';
import { TokenBucket } from './token-bucket';

type Out<T> = Omit<T, '$metadata'>;
type Action = 'CREATE' | 'DELETE' | 'UPSERT';
type ResourceType = 'healthcheck' | 'hostedzone';

interface Zone {
  id: string;
  name: string;
  callerReference: string;
  nameServers: string[];
  records: Map<string, ResourceRecordSet>;
  tags: Map<string, string>;
  /** ChangeResourceRecordSets calls still to be refused with PriorRequestNotComplete. */
  busyFor: number;
  /** A private hosted zone: the VPC it answers in (no delegation set). */
  vpc?: { region: string; id: string };
}

interface StoredCheck {
  check: HealthCheck;
  tags: Map<string, string>;
}

interface ParsedChange {
  action: Action;
  record: ResourceRecordSet;
  key: string;
}

/** Burst and refill of one bucket (docs/aws-facts.md, Route 53: API throttling). */
interface BucketSpec {
  burst: number;
  refill: number;
}

export interface RateLimitOptions {
  /** Multiplies every bucket's burst (benchmarks run "a busy hour" in seconds). */
  burstScale?: number;
  /** Multiplies every bucket's refill rate. */
  refillScale?: number;
  /** Milliseconds clock; wall-clock `Date.now` by default, a hand-moved one in tests. */
  clock?: () => number;
}

const ACCOUNT_LIMIT: BucketSpec = { burst: 50, refill: 10 };
const DEFAULT_ACTION_LIMIT: BucketSpec = { burst: 50, refill: 10 };
const ACTION_LIMITS: Record<string, BucketSpec> = {
  CreateHealthCheck: { burst: 50, refill: 0.5 },
  DeleteHealthCheck: { burst: 15, refill: 3 },
  UpdateHealthCheck: { burst: 50, refill: 5 },
  GetHealthCheckStatus: { burst: 4, refill: 1 },
};
const RECORD_CHANGE_LIMIT: BucketSpec = { burst: 1500, refill: 100 };

const RR_TYPES = new Set(['A', 'AAAA', 'CAA', 'CNAME', 'DS', 'HTTPS', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SPF', 'SRV', 'SSHFP', 'SVCB', 'TLSA', 'TXT']);
const ENDPOINT_CHECK_TYPES = new Set(['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP']);
const MAX_RECORDS_PER_BATCH = 1000;
const MAX_VALUE_CHARS_PER_BATCH = 32000;
const MAX_WEIGHTED_PER_NAME_AND_TYPE = 100;
const MAX_TAG_CHANGES_PER_CALL = 10;
const MAX_RESOURCES_PER_TAG_LISTING = 10;

/**
 * Ranges Route 53 refuses to health-check (RFC 5735 special-use IPv4, RFC 6598 shared address
 * space): its checkers live on the internet and cannot reach them. Includes the documentation
 * ranges (192.0.2/24, 198.51.100/24, 203.0.113/24), so tests must use routable-looking addresses.
 */
const UNCHECKABLE_IPV4: readonly [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

export class Route53Sim extends ServiceSim {
  protected readonly service = 'route53' as const;

  /** Account quota of health checks (AWS default 200). */
  healthCheckLimit = 200;
  /**
   * When > 0, each successful change to a zone makes the next N ChangeResourceRecordSets calls for
   * that zone fail with PriorRequestNotComplete, as while Route 53 is still applying a change.
   */
  priorRequestRejections = 0;
  /** Virtual seconds after which a change reports INSYNC ("normally within 60 s"). */
  changeSyncSeconds = 60;
  /** Old (pre-deprecation) behaviour: refuse to delete a health check that records reference. */
  rejectDeletingReferencedHealthChecks = false;

  private readonly ids = new IdGen(53);
  private readonly zones = new Map<string, Zone>();
  private readonly changes = new Map<string, { submittedAt: Date; comment?: string }>();
  /** Insertion order is creation order, which is the order ListHealthChecks pages through. */
  private readonly checks = new Map<string, StoredCheck>();
  /** Creation sequence of every check ever created, so a deleted check still works as a Marker. */
  private readonly checkSeq = new Map<string, number>();
  /** The CallerReference of every check ever created, deleted ones included. */
  private readonly everCreated = new Map<string, string>();
  private readonly liveCallerRefs = new Map<string, string>();
  private readonly deletedCallerRefs = new Set<string>();
  /** Where the alarms' history stood when each check was created (its LastKnownStatus starts there). */
  private readonly createdAt = new Map<string, number>();
  /** Endpoints Route 53's checkers find unhealthy (expanded form for IPv6). */
  private readonly unhealthyEndpoints = new Set<string>();
  private limits?: { clock: () => number; burstScale: number; refillScale: number; buckets: Map<string, TokenBucket> };

  constructor(private readonly account: SimAccount) {
    super();
  }

  /** Rate limiting happens at the front door, before the operation looks at its input. */
  override handle(op: string, input: unknown): unknown {
    const modelled = /^[A-Z]/.test(op) && typeof (this as unknown as Record<string, unknown>)[op] === 'function';
    if (this.limits && modelled) this.admit(op, input);
    return super.handle(op, input);
  }

  // ---- scenario helpers (lower-case: never dispatched as AWS operations) ----

  /**
   * Creates a hosted zone with its SOA and NS records; returns the bare id ("Z0SIM..."). With
   * `vpc`, a private hosted zone: the same record API, answered only inside that VPC.
   */
  createHostedZone(name: string, id?: string, opts: { vpc?: { region: string; id: string } } = {}): string {
    const zoneId = id ? bareId(id) : `Z0SIM${this.ids.prefixed('', 16).toUpperCase()}`;
    if (this.zones.has(zoneId)) throw new Error(`simulated hosted zone ${zoneId} already exists`);
    const zoneName = normaliseName(name);
    const n = this.zones.size;
    const nameServers = [
      `ns-${(n * 97 + 1301) % 2048}.awsdns-${String((n * 7 + 11) % 64).padStart(2, '0')}.org.`,
      `ns-${(n * 89 + 523) % 2048}.awsdns-${String((n * 5 + 1) % 64).padStart(2, '0')}.co.uk.`,
      `ns-${(n * 83 + 101) % 2048}.awsdns-${String((n * 3 + 12) % 64).padStart(2, '0')}.com.`,
      `ns-${(n * 79 + 777) % 2048}.awsdns-${String((n * 11 + 33) % 64).padStart(2, '0')}.net.`,
    ];
    const zone: Zone = {
      id: zoneId,
      name: zoneName,
      callerReference: this.ids.uuid(),
      nameServers,
      records: new Map(),
      tags: new Map(),
      busyFor: 0,
      ...(opts.vpc ? { vpc: opts.vpc } : {}),
    };
    this.store(zone.records, { Name: zoneName, Type: 'NS', TTL: 172800, ResourceRecords: nameServers.map((Value) => ({ Value })) });
    this.store(zone.records, {
      Name: zoneName,
      Type: 'SOA',
      TTL: 900,
      ResourceRecords: [{ Value: `${nameServers[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400` }],
    });
    this.zones.set(zoneId, zone);
    return zoneId;
  }

  /** Every record of a zone, in listing order (copies). */
  records(zoneId: string): ResourceRecordSet[] {
    return structuredClone(this.sorted(this.zoneOrThrow(zoneId)));
  }

  /** Every health check ever created (deleted ones included): id and CallerReference. */
  createdHealthChecks(): { id: string; callerReference: string }[] {
    return [...this.everCreated].map(([id, callerReference]) => ({ id, callerReference }));
  }

  /** Every health check, in creation order (copies). */
  healthChecks(): HealthCheck[] {
    return [...this.checks.values()].map((s) => structuredClone(s.check));
  }

  /** Makes Route 53's checkers see an endpoint (an IPAddress) as healthy or not; every endpoint is healthy until said otherwise. */
  setEndpointHealth(ip: string, healthy: boolean): void {
    const key = isIPv6(ip) ? expandIPv6(ip) : ip;
    if (healthy) this.unhealthyEndpoints.delete(key);
    else this.unhealthyEndpoints.add(key);
  }

  /**
   * What Route 53 decides about a check now. CLOUDWATCH_METRIC: the alarm's state (OK healthy,
   * ALARM unhealthy; without data, InsufficientDataHealthStatus, where LastKnownStatus is the last
   * state with data and healthy for a check that never had one); endpoint checks: as set with
   * setEndpointHealth (docs/aws-facts.md, Route 53: alarm-based checks).
   */
  healthStatus(checkId: string): 'Healthy' | 'Unhealthy' {
    const stored = this.checks.get(checkId);
    if (!stored) throw new Error(`no simulated health check ${checkId}`);
    const config = stored.check.HealthCheckConfig!;
    // A disabled check is healthy whatever it sees; an inverted one says the opposite.
    if (config.Disabled) return 'Healthy';
    const seen = this.observedStatus(config, this.createdAt.get(checkId) ?? 0);
    return config.Inverted ? (seen === 'Healthy' ? 'Unhealthy' : 'Healthy') : seen;
  }

  /** @param createdAt the alarms' history mark when the check was created */
  private observedStatus(config: HealthCheckConfig, createdAt: number): 'Healthy' | 'Unhealthy' {
    if (config.Type === 'CLOUDWATCH_METRIC') {
      const name = config.AlarmIdentifier!.Name!;
      const inRegion = config.AlarmIdentifier!.Region === this.account.region;
      const alarm = inRegion ? this.account.cloudWatch.alarm(name) : undefined;
      const state = alarm?.StateValue ?? 'INSUFFICIENT_DATA';
      if (state !== 'INSUFFICIENT_DATA') return state === 'OK' ? 'Healthy' : 'Unhealthy';
      const when = config.InsufficientDataHealthStatus ?? 'LastKnownStatus';
      if (when !== 'LastKnownStatus') return when;
      // The check's own last status: what the alarm said since the check exists (healthy if nothing).
      return inRegion && this.account.cloudWatch.lastKnownState(name, createdAt) === 'ALARM' ? 'Unhealthy' : 'Healthy';
    }
    const ip = config.IPAddress ?? '';
    return this.unhealthyEndpoints.has(isIPv6(ip) ? expandIPv6(ip) : ip) ? 'Unhealthy' : 'Healthy';
  }

  /**
   * The values a resolver can get for a name and type, by weighted routing with health checks:
   * the healthy records with a weight above 0; if none, the healthy ones of weight 0; if no
   * record is healthy, all of them as if healthy (then again weight above 0 first). A record
   * without a check is healthy. (docs/aws-facts.md, Route 53: weighted records.)
   */
  answers(zoneId: string, name: string, type: string): string[] {
    const set = this.sorted(this.zoneOrThrow(zoneId)).filter((r) => r.Name === normaliseName(name) && r.Type === type && r.SetIdentifier !== undefined);
    const healthy = set.filter((r) => !r.HealthCheckId || this.healthStatus(r.HealthCheckId) === 'Healthy');
    const pool = healthy.length ? healthy : set;
    const weighted = pool.filter((r) => (r.Weight ?? 0) > 0);
    return (weighted.length ? weighted : pool).flatMap((r) => (r.ResourceRecords ?? []).map((v) => v.Value!)).sort();
  }

  /** Tags of a health check (default) or hosted zone, as a plain object. */
  tags(resourceId: string, resourceType: ResourceType = 'healthcheck'): Record<string, string> {
    const tags = resourceType === 'healthcheck' ? this.checks.get(resourceId)?.tags : this.zones.get(bareId(resourceId))?.tags;
    if (!tags) throw new Error(`no simulated ${resourceType} ${resourceId}`);
    return Object.fromEntries(tags);
  }

  /** An operator's console edit: stores the record as given (name normalised), no validation. */
  putRecordByHand(zoneId: string, rrset: ResourceRecordSet): void {
    this.store(this.zoneOrThrow(zoneId).records, rrset);
  }

  /** An operator's console delete; true when a record was removed. */
  deleteRecordByHand(zoneId: string, name: string, type: string, setIdentifier?: string): boolean {
    return this.zoneOrThrow(zoneId).records.delete(recordKey(normaliseName(name), type, setIdentifier));
  }

  /** An operator creating a check in the console: defaults filled in, no validation or quota. */
  createHealthCheckByHand(config: HealthCheckConfig, tags: Record<string, string> = {}): HealthCheck {
    const stored = this.storeCheck(this.ids.uuid(), withDefaults(config));
    for (const [k, v] of Object.entries(tags)) stored.tags.set(k, v);
    return structuredClone(stored.check);
  }

  /** An operator deleting a check in the console (records referencing it are left dangling). */
  deleteHealthCheckByHand(id: string): void {
    if (!this.checks.has(id)) throw new Error(`no simulated health check ${id}`);
    this.removeCheck(id);
  }

  /** Records that reference a health check which no longer exists: undefined routing on AWS. */
  danglingHealthCheckReferences(): { zoneId: string; record: ResourceRecordSet }[] {
    const out: { zoneId: string; record: ResourceRecordSet }[] = [];
    for (const zone of this.zones.values()) {
      for (const record of this.sorted(zone)) {
        if (record.HealthCheckId && !this.checks.has(record.HealthCheckId)) out.push({ zoneId: zone.id, record: structuredClone(record) });
      }
    }
    return out;
  }

  /** Turns on the real token buckets (docs/aws-facts.md, Route 53: API throttling); off by default. */
  enableRateLimits(opts: RateLimitOptions = {}): void {
    this.limits = {
      clock: opts.clock ?? Date.now,
      burstScale: opts.burstScale ?? 1,
      refillScale: opts.refillScale ?? 1,
      buckets: new Map(),
    };
  }

  disableRateLimits(): void {
    this.limits = undefined;
  }

  // ---- AWS operations: records ----

  ChangeResourceRecordSets(input: ChangeResourceRecordSetsCommandInput): Out<ChangeResourceRecordSetsCommandOutput> {
    const zone = this.zoneOrFail(input.HostedZoneId);
    if (zone.busyFor > 0) {
      zone.busyFor -= 1;
      this.fail('PriorRequestNotComplete', 'The request was rejected because Route 53 was still processing a prior request.', 400);
    }
    const changes = input.ChangeBatch?.Changes ?? [];
    if (changes.length === 0) this.fail('InvalidInput', 'Invalid request: the change batch must contain at least one Change.');
    const parsed = changes.map((c) => this.parseChange(c.Action, c.ResourceRecordSet));
    this.checkBatchSize(parsed);

    // Validate in order against a working copy; the zone only sees it if every change passes.
    const working = new Map(zone.records);
    const seen = new Map<string, Action[]>();
    const messages: string[] = [];
    for (const change of parsed) {
      const problem = this.applyChange(zone, working, change, seen);
      if (problem) messages.push(problem);
    }
    if (messages.length === 0) messages.push(...this.zoneInvariants(zone, working, parsed));
    if (messages.length > 0) this.invalidChangeBatch(messages);

    zone.records = working;
    zone.busyFor = this.priorRequestRejections;
    const id = `C0${this.ids.prefixed('', 19).toUpperCase()}`;
    const comment = input.ChangeBatch?.Comment;
    const submittedAt = this.account.now();
    this.changes.set(id, comment === undefined ? { submittedAt } : { submittedAt, comment });
    return { ChangeInfo: { Id: `/change/${id}`, Status: 'PENDING', SubmittedAt: submittedAt, ...(comment === undefined ? {} : { Comment: comment }) } };
  }

  ListResourceRecordSets(input: ListResourceRecordSetsCommandInput): Out<ListResourceRecordSetsCommandOutput> {
    const zone = this.zoneOrFail(input.HostedZoneId);
    if (input.StartRecordType && !input.StartRecordName) {
      this.fail('InvalidInput', 'The input is not valid: StartRecordType requires StartRecordName.');
    }
    if (input.StartRecordIdentifier && !input.StartRecordType) {
      this.fail('InvalidInput', 'The input is not valid: StartRecordIdentifier requires StartRecordType.');
    }
    const maxItems = this.pageSize(input.MaxItems, 300, 300);
    const all = this.sorted(zone);
    let start = 0;
    if (input.StartRecordName) {
      const from = { name: normaliseName(input.StartRecordName), type: input.StartRecordType ?? '', setIdentifier: input.StartRecordIdentifier ?? '' };
      start = all.findIndex((r) => compareRecordKeys(sortFields(r), from) >= 0);
      if (start < 0) start = all.length;
    }
    const page = all.slice(start, start + maxItems);
    const next = all[start + maxItems];
    return {
      ResourceRecordSets: page,
      IsTruncated: next !== undefined,
      MaxItems: maxItems,
      ...(next
        ? {
            NextRecordName: next.Name,
            NextRecordType: next.Type,
            ...(next.SetIdentifier === undefined ? {} : { NextRecordIdentifier: next.SetIdentifier }),
          }
        : {}),
    };
  }

  GetChange(input: GetChangeCommandInput): Out<GetChangeCommandOutput> {
    const id = (input.Id ?? '').replace(/^\/change\//, '');
    const change = this.changes.get(id);
    if (!change) this.fail('NoSuchChange', `A change with the specified change ID does not exist: ${id}`, 404);
    const synced = this.account.now().getTime() - change.submittedAt.getTime() >= this.changeSyncSeconds * 1000;
    return {
      ChangeInfo: {
        Id: `/change/${id}`,
        Status: synced ? 'INSYNC' : 'PENDING',
        SubmittedAt: change.submittedAt,
        ...(change.comment === undefined ? {} : { Comment: change.comment }),
      },
    };
  }

  GetHostedZone(input: GetHostedZoneCommandInput): Out<GetHostedZoneCommandOutput> {
    const zone = this.zoneOrFail(input.Id);
    return {
      HostedZone: {
        Id: `/hostedzone/${zone.id}`,
        Name: zone.name,
        CallerReference: zone.callerReference,
        Config: { PrivateZone: !!zone.vpc },
        ResourceRecordSetCount: zone.records.size,
      },
      // A private zone has no delegation set; it lists the VPCs it answers in.
      ...(zone.vpc ? { VPCs: [{ VPCRegion: zone.vpc.region as 'eu-west-1', VPCId: zone.vpc.id }] } : { DelegationSet: { NameServers: [...zone.nameServers] } }),
    };
  }

  // ---- AWS operations: health checks ----

  CreateHealthCheck(input: CreateHealthCheckCommandInput): Out<CreateHealthCheckCommandOutput> {
    const ref = input.CallerReference;
    if (!ref || ref.length > 64) this.fail('InvalidInput', 'Invalid parameter : CallerReference must be 1 to 64 characters long.');
    if (!input.HealthCheckConfig) this.fail('InvalidInput', 'Invalid parameter : HealthCheckConfig is required.');
    const config = withDefaults(input.HealthCheckConfig);
    this.validateCheckConfig(config);

    // Idempotency (CreateHealthCheck API reference): a CallerReference is bound to one check.
    if (this.deletedCallerRefs.has(ref)) {
      this.fail('HealthCheckAlreadyExists', `A health check with CallerReference ${ref} was already created and has since been deleted.`, 409);
    }
    const existingId = this.liveCallerRefs.get(ref);
    if (existingId) {
      const existing = (this.checks.get(existingId) as StoredCheck).check;
      if (!sameSettings(existing.HealthCheckConfig as HealthCheckConfig, config)) {
        this.fail('HealthCheckAlreadyExists', `A health check with CallerReference ${ref} already exists with different settings.`, 409);
      }
      return { HealthCheck: existing, Location: location(existingId) };
    }
    if (this.checks.size >= this.healthCheckLimit) {
      this.fail('TooManyHealthChecks', `You have reached the maximum number of active health checks for this account (${this.healthCheckLimit}).`, 400);
    }
    const stored = this.storeCheck(this.ids.uuid(), config, ref);
    return { HealthCheck: stored.check, Location: location(stored.check.Id as string) };
  }

  GetHealthCheck(input: GetHealthCheckCommandInput): Out<GetHealthCheckCommandOutput> {
    return { HealthCheck: this.checkOrFail(input.HealthCheckId).check };
  }

  /**
   * What the checkers last saw: one observation per checker region, as the API reports them
   * (`Success: ...` or `Failure: ...`); a CLOUDWATCH_METRIC check reports its alarm's verdict.
   */
  GetHealthCheckStatus(input: { HealthCheckId?: string }) {
    const stored = this.checkOrFail(input.HealthCheckId);
    const healthy = this.healthStatus(stored.check.Id!) === 'Healthy';
    const config = stored.check.HealthCheckConfig!;
    const report = healthy ? 'Success: HTTP Status Code 200, OK' : 'Failure: Connection timed out. The endpoint or the internet connection is down.';
    const regions = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'];
    return {
      HealthCheckObservations: regions.map((Region, i) => ({
        Region: Region as never,
        ...(config.IPAddress ? { IPAddress: `15.177.${i}.1` } : {}),
        StatusReport: { Status: report, CheckedTime: this.account.now() },
      })),
    };
  }

  UpdateHealthCheck(input: UpdateHealthCheckCommandInput): Out<UpdateHealthCheckCommandOutput> {
    const stored = this.checkOrFail(input.HealthCheckId);
    const check = stored.check;
    if (input.HealthCheckVersion !== undefined && input.HealthCheckVersion !== check.HealthCheckVersion) {
      this.fail(
        'HealthCheckVersionMismatch',
        `The value of HealthCheckVersion in the request (${input.HealthCheckVersion}) doesn't match the current version (${check.HealthCheckVersion}).`,
        409,
      );
    }
    const current = check.HealthCheckConfig as HealthCheckConfig;
    // The API reference: you can change IPAddress but not add one to (or remove it from) a check.
    if (input.IPAddress !== undefined && current.IPAddress === undefined) {
      this.fail('InvalidInput', 'Invalid parameter : IPAddress cannot be added to a health check that was created without one.');
    }
    const next: HealthCheckConfig = { ...current };
    const fields = next as unknown as Record<string, unknown>;
    const updatable = [
      'IPAddress',
      'Port',
      'ResourcePath',
      'FullyQualifiedDomainName',
      'SearchString',
      'FailureThreshold',
      'Inverted',
      'Disabled',
      'EnableSNI',
    ] as const;
    for (const field of updatable) {
      if (input[field] !== undefined) fields[field] = input[field];
    }
    for (const element of input.ResetElements ?? []) delete fields[element];
    this.validateCheckConfig(next);
    check.HealthCheckConfig = next;
    check.HealthCheckVersion = (check.HealthCheckVersion ?? 1) + 1;
    return { HealthCheck: check };
  }

  DeleteHealthCheck(input: DeleteHealthCheckCommandInput): Out<DeleteHealthCheckCommandOutput> {
    const id = this.checkOrFail(input.HealthCheckId).check.Id as string;
    if (this.rejectDeletingReferencedHealthChecks && this.isReferenced(id)) {
      this.fail('HealthCheckInUse', `The health check ${id} is still referenced from parent health check or resource record set.`, 400);
    }
    this.removeCheck(id);
    return {};
  }

  ListHealthChecks(input: ListHealthChecksCommandInput): Out<ListHealthChecksCommandOutput> {
    const maxItems = this.pageSize(input.MaxItems, 100, 1000);
    const all = [...this.checks.values()].map((s) => s.check);
    let start = 0;
    if (input.Marker) {
      const seq = this.checkSeq.get(input.Marker);
      if (seq === undefined) this.fail('InvalidInput', `Invalid parameter : marker ${input.Marker} is not a health check id.`);
      start = all.findIndex((c) => (this.checkSeq.get(c.Id as string) as number) >= seq);
      if (start < 0) start = all.length;
    }
    const page = all.slice(start, start + maxItems);
    const next = all[start + maxItems];
    return {
      HealthChecks: page,
      Marker: input.Marker ?? '',
      IsTruncated: next !== undefined,
      MaxItems: maxItems,
      ...(next ? { NextMarker: next.Id } : {}),
    };
  }

  // ---- AWS operations: tags ----

  ChangeTagsForResource(input: ChangeTagsForResourceCommandInput): Out<ChangeTagsForResourceCommandOutput> {
    const add = input.AddTags ?? [];
    const remove = input.RemoveTagKeys ?? [];
    if (add.length > MAX_TAG_CHANGES_PER_CALL || remove.length > MAX_TAG_CHANGES_PER_CALL) {
      this.fail('InvalidInput', `Invalid parameter : at most ${MAX_TAG_CHANGES_PER_CALL} tags can be added or removed per request.`);
    }
    if (add.some((t) => !t.Key)) this.fail('InvalidInput', 'Invalid parameter : every tag needs a Key.');
    const tags = this.tagsOrFail(input.ResourceType, input.ResourceId);
    for (const key of remove) tags.delete(key);
    for (const tag of add) tags.set(tag.Key as string, tag.Value ?? '');
    return {};
  }

  ListTagsForResource(input: ListTagsForResourceCommandInput): Out<ListTagsForResourceCommandOutput> {
    return { ResourceTagSet: this.tagSet(input.ResourceType, input.ResourceId) };
  }

  ListTagsForResources(input: ListTagsForResourcesCommandInput): Out<ListTagsForResourcesCommandOutput> {
    const ids = input.ResourceIds ?? [];
    if (ids.length === 0 || ids.length > MAX_RESOURCES_PER_TAG_LISTING) {
      this.fail('InvalidInput', `Invalid parameter : ResourceIds must contain 1 to ${MAX_RESOURCES_PER_TAG_LISTING} ids.`);
    }
    return { ResourceTagSets: ids.map((id) => this.tagSet(input.ResourceType, id)) };
  }

  // ---- change batches ----

  /** Shape checks Route 53 makes before looking at the zone: InvalidInput, thrown at once. */
  private parseChange(action: string | undefined, rrset: ResourceRecordSet | undefined): ParsedChange {
    if (action !== 'CREATE' && action !== 'DELETE' && action !== 'UPSERT') {
      this.fail('InvalidInput', `Invalid request: Action must be one of CREATE, DELETE, UPSERT, got ${String(action)}.`);
    }
    if (!rrset?.Name || !rrset.Type) this.fail('InvalidInput', 'Invalid request: every change needs a ResourceRecordSet with Name and Type.');
    if (!RR_TYPES.has(rrset.Type)) this.fail('InvalidInput', `Invalid request: unknown record type ${rrset.Type}.`);
    const where = `in Change with [Action=${action}, Name=${rrset.Name}, Type=${rrset.Type}, SetIdentifier=${rrset.SetIdentifier ?? 'null'}]`;
    const hasValues = rrset.TTL !== undefined || (rrset.ResourceRecords?.length ?? 0) > 0;
    const complete = rrset.TTL !== undefined && (rrset.ResourceRecords?.length ?? 0) > 0;
    if (rrset.AliasTarget ? hasValues : !complete) {
      const found = rrset.AliasTarget ? 'more than one' : 'none';
      this.fail(
        'InvalidInput',
        `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${found} ${where}`,
      );
    }
    if (rrset.TTL !== undefined && (!Number.isInteger(rrset.TTL) || rrset.TTL < 0 || rrset.TTL > 2147483647)) {
      this.fail('InvalidInput', `Invalid request: TTL must be an integer between 0 and 2147483647 ${where}`);
    }
    const routed =
      rrset.Weight !== undefined || rrset.Region || rrset.Failover || rrset.GeoLocation || rrset.MultiValueAnswer !== undefined || rrset.CidrRoutingConfig;
    if (rrset.SetIdentifier !== undefined && !routed) this.fail('InvalidInput', `Invalid request: Missing field 'Weight' ${where}`);
    if (rrset.SetIdentifier === undefined && routed) this.fail('InvalidInput', `Invalid request: Missing field 'SetIdentifier' ${where}`);
    if (rrset.Weight !== undefined && (!Number.isInteger(rrset.Weight) || rrset.Weight < 0 || rrset.Weight > 255)) {
      this.fail('InvalidInput', `Invalid request: Weight must be an integer between 0 and 255 ${where}`);
    }
    // A record may only point at a health check that exists; a DELETE still has to be able to
    // remove a record whose check was deleted in the meantime.
    if (action !== 'DELETE' && rrset.HealthCheckId && !this.checks.has(rrset.HealthCheckId)) {
      this.fail('NoSuchHealthCheck', `No health check exists with the ID ${rrset.HealthCheckId}.`, 404);
    }
    const record = normaliseRecord(rrset);
    return { action, record, key: keyOf(record) };
  }

  /** The batch-wide quotas; UPSERT counts twice because it is a DELETE plus a CREATE. */
  private checkBatchSize(changes: ParsedChange[]): void {
    let records = 0;
    let chars = 0;
    for (const { action, record } of changes) {
      const factor = action === 'UPSERT' ? 2 : 1;
      records += factor * (record.ResourceRecords?.length ?? 0);
      chars += factor * (record.ResourceRecords ?? []).reduce((n, rr) => n + (rr.Value ?? '').length, 0);
    }
    if (records > MAX_RECORDS_PER_BATCH) this.invalidChangeBatch([`Number of records limit of ${MAX_RECORDS_PER_BATCH} exceeded.`]);
    if (chars > MAX_VALUE_CHARS_PER_BATCH) this.invalidChangeBatch([`Number of characters limit of ${MAX_VALUE_CHARS_PER_BATCH} exceeded.`]);
  }

  /** Applies one change to the working copy; returns Route 53's message when it is invalid. */
  private applyChange(zone: Zone, working: Map<string, ResourceRecordSet>, change: ParsedChange, seen: Map<string, Action[]>): string | undefined {
    const { action, record, key } = change;
    const name = record.Name as string;
    const type = record.Type as string;
    if (!isInZone(name, zone.name)) return `RRSet with DNS name ${name} is not permitted in zone ${zone.name}`;

    // One change per record set, except the replace idiom DELETE followed by CREATE or UPSERT.
    const before = seen.get(key) ?? [];
    seen.set(key, [...before, action]);
    const replace = before.length === 1 && before[0] === 'DELETE' && action !== 'DELETE';
    if (before.length > 0 && !replace) return `The request contains an invalid set of changes for a resource record set '${type} ${name}'`;

    if (action === 'DELETE') {
      const existing = working.get(key);
      if (!existing) return `Tried to delete resource record set ${describe(record)} but it was not found`;
      if (!sameValues(existing, record))
        return `Tried to delete resource record set ${describe(record)} but the values provided do not match the current values`;
      working.delete(key);
      return undefined;
    }
    if (action === 'CREATE' && working.has(key)) return `Tried to create resource record set ${describe(record)} but it already exists`;
    const problem = valueProblem(record) ?? this.conflict(zone, working, record);
    if (problem) return problem;
    working.set(key, record);
    return undefined;
  }

  /** Conflicts with the other record sets of the same name (CNAME rules, weighted mixing). */
  private conflict(zone: Zone, working: Map<string, ResourceRecordSet>, record: ResourceRecordSet): string | undefined {
    const name = record.Name as string;
    const type = record.Type as string;
    if (type === 'CNAME' && name === zone.name) return `RRSet of type CNAME with DNS name ${name} is not permitted at apex in zone ${zone.name}`;
    const sameName = [...working.values()].filter((r) => r.Name === name);
    if (type === 'CNAME' && sameName.some((r) => r.Type !== 'CNAME')) {
      return `RRSet of type CNAME with DNS name ${name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`;
    }
    if (type !== 'CNAME' && sameName.some((r) => r.Type === 'CNAME')) {
      return `RRSet of type ${type} with DNS name ${name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zone.name}`;
    }
    const sameType = sameName.filter((r) => r.Type === type && r.SetIdentifier !== record.SetIdentifier);
    if (record.SetIdentifier !== undefined && sameType.some((r) => r.SetIdentifier === undefined)) {
      return `RRSet with DNS name ${name}, type ${type}, SetIdentifier ${record.SetIdentifier} cannot be created as a non-weighted set exists with the same name and type.`;
    }
    if (record.SetIdentifier === undefined && sameType.some((r) => r.SetIdentifier !== undefined)) {
      return `RRSet with DNS name ${name}, type ${type} cannot be created as weighted sets exist with the same name and type.`;
    }
    return undefined;
  }

  /** Rules about the zone as a whole, checked on the state the batch would leave behind. */
  private zoneInvariants(zone: Zone, working: Map<string, ResourceRecordSet>, changes: ParsedChange[]): string[] {
    const messages: string[] = [];
    const apex = [...working.values()].filter((r) => r.Name === zone.name);
    if (apex.filter((r) => r.Type === 'SOA').length !== 1) messages.push('A HostedZone must contain exactly one SOA record.');
    if (!apex.some((r) => r.Type === 'NS')) messages.push('A HostedZone must contain at least one NS record for the zone itself.');
    const touched = new Set(changes.filter((c) => c.record.SetIdentifier !== undefined).map((c) => `${c.record.Name} ${c.record.Type}`));
    for (const nameType of touched) {
      const [name, type] = nameType.split(' ');
      const count = [...working.values()].filter((r) => r.Name === name && r.Type === type && r.SetIdentifier !== undefined).length;
      if (count > MAX_WEIGHTED_PER_NAME_AND_TYPE) {
        messages.push(
          `Tried to create resource record sets [name='${name}', type='${type}'] but at most ${MAX_WEIGHTED_PER_NAME_AND_TYPE} ` +
            `weighted resource record sets can have the same name and type (found ${count}).`,
        );
      }
    }
    return messages;
  }

  /** InvalidChangeBatch carries one message per problem; the SDK shows them as "[a, b]". */
  private invalidChangeBatch(messages: string[]): never {
    const err = awsError(this.service, 'InvalidChangeBatch', `[${messages.join(', ')}]`, 400);
    Object.assign(err, { messages });
    throw err;
  }

  // ---- health checks ----

  private validateCheckConfig(config: HealthCheckConfig): void {
    const type = config.Type;
    if (!type) this.fail('InvalidInput', 'Invalid parameter : HealthCheckConfig.Type is required.');
    if (type === 'CLOUDWATCH_METRIC') {
      this.validateMetricCheck(config);
      return;
    }
    if (!ENDPOINT_CHECK_TYPES.has(type)) {
      if (['CALCULATED', 'RECOVERY_CONTROL'].includes(type)) throw new NotModelledError(this.service, `CreateHealthCheck (Type=${type})`);
      this.fail('InvalidInput', `Invalid parameter : unknown health check type ${type}.`);
    }
    if (!config.IPAddress && !config.FullyQualifiedDomainName) this.invalidParameter('a health check needs an IPAddress or a FullyQualifiedDomainName.');
    if (type === 'TCP' && config.IPAddress && config.FullyQualifiedDomainName) {
      this.fail('InvalidInput', 'TCP health checks that have IP address must not have a fully qualified domain name specified.');
    }
    if (config.IPAddress !== undefined) {
      const ip = config.IPAddress;
      if (!isIPv4(ip) && !isIPv6(ip)) this.invalidParameter(`IPAddress ${ip} is not a valid IPv4 or IPv6 address.`);
      if (isUncheckable(ip)) this.invalidParameter(`IPAddress ${ip} is in a local, private, non-routable or multicast range that Route 53 cannot check.`);
    }
    if (config.Port === undefined) this.invalidParameter('Port is required for TCP health checks.');
    if (!Number.isInteger(config.Port) || config.Port < 1 || config.Port > 65535) this.invalidParameter(`Port ${config.Port} must be between 1 and 65535.`);
    if (config.RequestInterval !== 10 && config.RequestInterval !== 30) this.invalidParameter(`RequestInterval ${config.RequestInterval} must be 10 or 30.`);
    const threshold = config.FailureThreshold as number;
    if (!Number.isInteger(threshold) || threshold < 1 || threshold > 10) this.invalidParameter(`FailureThreshold ${threshold} must be between 1 and 10.`);
    if (type.endsWith('_STR_MATCH')) {
      if (!config.SearchString) this.invalidParameter(`SearchString is required for ${type} health checks.`);
    } else if (config.SearchString !== undefined) {
      this.invalidParameter(`SearchString is only valid for HTTP_STR_MATCH and HTTPS_STR_MATCH health checks.`);
    }
    if ((config.SearchString?.length ?? 0) > 255) this.invalidParameter('SearchString must be at most 255 characters.');
    if ((config.ResourcePath?.length ?? 0) > 255) this.invalidParameter('ResourcePath must be at most 255 characters.');
  }

  /**
   * A CLOUDWATCH_METRIC check watches an alarm (AlarmIdentifier: Region, Name) instead of an
   * endpoint; Route 53 supports alarms on standard-resolution metrics with a plain statistic only
   * (API reference, AlarmIdentifier). That the alarm must exist when the check is created is
   * modelled here (docs/aws-facts.md, Route 53: health checks).
   */
  private validateMetricCheck(config: HealthCheckConfig): void {
    const alarm = config.AlarmIdentifier;
    if (!alarm?.Region || !alarm.Name) this.invalidParameter('AlarmIdentifier with Region and Name is required for CLOUDWATCH_METRIC health checks.');
    if (alarm.Name.length > 256) this.invalidParameter('AlarmIdentifier.Name must be at most 256 characters.');
    if (config.IPAddress !== undefined || config.Port !== undefined)
      this.invalidParameter('IPAddress and Port are not valid for CLOUDWATCH_METRIC health checks.');
    const status = config.InsufficientDataHealthStatus;
    if (status !== undefined && !['Healthy', 'Unhealthy', 'LastKnownStatus'].includes(status))
      this.invalidParameter(`InsufficientDataHealthStatus ${status} must be Healthy, Unhealthy or LastKnownStatus.`);
    const found = alarm.Region === this.account.region ? this.account.cloudWatch.alarm(alarm.Name) : undefined;
    if (!found) this.invalidParameter(`the CloudWatch alarm ${alarm.Name} does not exist in ${alarm.Region}.`);
    if ((found.Period ?? 60) < 60)
      this.invalidParameter(`the CloudWatch alarm ${alarm.Name} uses a high-resolution metric, which Route 53 health checks do not support.`);
    if (found.ExtendedStatistic)
      this.invalidParameter(`the CloudWatch alarm ${alarm.Name} uses an extended statistic, which Route 53 health checks do not support.`);
  }

  private invalidParameter(message: string): never {
    return this.fail('InvalidInput', `Invalid parameter : ${message}`);
  }

  private storeCheck(id: string, config: HealthCheckConfig, callerReference = this.ids.uuid()): StoredCheck {
    const stored: StoredCheck = { check: { Id: id, CallerReference: callerReference, HealthCheckConfig: config, HealthCheckVersion: 1 }, tags: new Map() };
    this.checks.set(id, stored);
    this.createdAt.set(id, this.account.cloudWatch.historyMark());
    this.checkSeq.set(id, this.checkSeq.size);
    this.everCreated.set(id, callerReference);
    this.liveCallerRefs.set(callerReference, id);
    return stored;
  }

  private removeCheck(id: string): void {
    const ref = (this.checks.get(id) as StoredCheck).check.CallerReference as string;
    this.checks.delete(id);
    this.liveCallerRefs.delete(ref);
    this.deletedCallerRefs.add(ref);
  }

  private isReferenced(id: string): boolean {
    for (const zone of this.zones.values()) {
      for (const r of zone.records.values()) if (r.HealthCheckId === id) return true;
    }
    return false;
  }

  private checkOrFail(id: string | undefined): StoredCheck {
    const stored = this.checks.get(id ?? '');
    if (!stored) this.fail('NoSuchHealthCheck', `No health check exists with the ID ${id}.`, 404);
    return stored;
  }

  // ---- tags ----

  private tagsOrFail(type: string | undefined, id: string | undefined): Map<string, string> {
    if (type === 'healthcheck') return this.checkOrFail(id).tags;
    if (type === 'hostedzone') return this.zoneOrFail(id).tags;
    return this.fail('InvalidInput', `Invalid parameter : ResourceType must be healthcheck or hostedzone, got ${String(type)}.`);
  }

  private tagSet(type: string | undefined, id: string | undefined): ResourceTagSet {
    const tags = this.tagsOrFail(type, id);
    const resourceId = type === 'hostedzone' ? bareId(id ?? '') : (id as string);
    const list: Tag[] = [...tags].map(([Key, Value]) => ({ Key, Value }));
    return { ResourceType: type as ResourceType, ResourceId: resourceId, Tags: list };
  }

  // ---- zones and listing ----

  private zoneOrFail(id: string | undefined): Zone {
    const bare = bareId(id ?? '');
    const zone = this.zones.get(bare);
    if (!zone) this.fail('NoSuchHostedZone', `No hosted zone found with ID: ${bare}`, 404);
    return zone;
  }

  private zoneOrThrow(id: string): Zone {
    const zone = this.zones.get(bareId(id));
    if (!zone) throw new Error(`no simulated hosted zone ${id}`);
    return zone;
  }

  private sorted(zone: Zone): ResourceRecordSet[] {
    return [...zone.records.values()].sort((a, b) => compareRecordKeys(sortFields(a), sortFields(b)));
  }

  private store(records: Map<string, ResourceRecordSet>, rrset: ResourceRecordSet): void {
    const record = normaliseRecord(rrset);
    records.set(keyOf(record), record);
  }

  private pageSize(requested: number | string | undefined, fallback: number, max: number): number {
    if (requested === undefined) return fallback;
    const n = Number(requested);
    if (!Number.isInteger(n) || n < 1) this.fail('InvalidInput', `Invalid parameter : MaxItems ${requested} must be a positive integer.`);
    return Math.min(n, max);
  }

  // ---- rate limits ----

  /** Takes a token from every bucket the call draws on, or throttles it without taking any. */
  private admit(op: string, input: unknown): void {
    const limits = this.limits;
    if (!limits) return;
    const draws: [TokenBucket, number][] = [
      [this.bucket('account', ACCOUNT_LIMIT), 1],
      [this.bucket(`action:${op}`, ACTION_LIMITS[op] ?? DEFAULT_ACTION_LIMIT), 1],
    ];
    if (op === 'ChangeResourceRecordSets') {
      const changes = (input as ChangeResourceRecordSetsCommandInput).ChangeBatch?.Changes ?? [];
      const cost = changes.reduce((n, c) => n + (c.Action === 'UPSERT' ? 2 : 1), 0);
      draws.push([this.bucket('record-changes', RECORD_CHANGE_LIMIT), cost]);
    }
    if (draws.some(([bucket, cost]) => !bucket.canTake(cost))) this.fail('Throttling', 'Rate exceeded', 400);
    for (const [bucket, cost] of draws) bucket.take(cost);
  }

  private bucket(name: string, spec: BucketSpec): TokenBucket {
    const limits = this.limits as NonNullable<typeof this.limits>;
    let bucket = limits.buckets.get(name);
    if (!bucket) {
      bucket = new TokenBucket(spec.burst * limits.burstScale, spec.refill * limits.refillScale, limits.clock);
      limits.buckets.set(name, bucket);
    }
    return bucket;
  }
}

// ---- pure helpers ----

function bareId(id: string): string {
  return id.replace(/^\/(hostedzone|change)\//, '');
}

function recordKey(name: string, type: string, setIdentifier?: string): string {
  return `${name}\u0000${type}\u0000${setIdentifier ?? ''}`;
}

function keyOf(record: ResourceRecordSet): string {
  return recordKey(record.Name as string, record.Type as string, record.SetIdentifier);
}

function sortFields(r: ResourceRecordSet): { name: string; type: string; setIdentifier: string } {
  return { name: r.Name as string, type: r.Type as string, setIdentifier: r.SetIdentifier ?? '' };
}

/** A stored copy: name (and alias target) in Route 53's form, no undefined fields. */
function normaliseRecord(rrset: ResourceRecordSet): ResourceRecordSet {
  const record = structuredClone(rrset);
  record.Name = normaliseName(rrset.Name as string);
  if (record.AliasTarget?.DNSName) record.AliasTarget.DNSName = normaliseName(record.AliasTarget.DNSName);
  for (const key of Object.keys(record) as (keyof ResourceRecordSet)[]) if (record[key] === undefined) delete record[key];
  return record;
}

/** "[name='x.example.com.', type='A', set-identifier='y']", as Route 53 names a record set. */
function describe(r: ResourceRecordSet): string {
  const set = r.SetIdentifier === undefined ? '' : `, set-identifier='${r.SetIdentifier}'`;
  return `[name='${r.Name}', type='${r.Type}'${set}]`;
}

/** Values a DELETE must repeat exactly; ResourceRecords compare as a set. */
function sameValues(a: ResourceRecordSet, b: ResourceRecordSet): boolean {
  const canon = (r: ResourceRecordSet) =>
    JSON.stringify([
      r.TTL ?? null,
      (r.ResourceRecords ?? []).map((rr) => rr.Value ?? '').sort(),
      r.Weight ?? null,
      r.HealthCheckId ?? null,
      r.SetIdentifier ?? null,
      r.Failover ?? null,
      r.Region ?? null,
      r.MultiValueAnswer ?? null,
      r.GeoLocation ?? null,
      r.AliasTarget ? [r.AliasTarget.HostedZoneId, r.AliasTarget.DNSName, r.AliasTarget.EvaluateTargetHealth ?? false] : null,
    ]);
  return canon(a) === canon(b);
}

/** Route 53's per-value checks for the address types. */
function valueProblem(record: ResourceRecordSet): string | undefined {
  for (const { Value } of record.ResourceRecords ?? []) {
    const v = Value ?? '';
    if (record.Type === 'A' && !isIPv4(v)) {
      return `Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${v}''`;
    }
    if (record.Type === 'AAAA' && !isIPv6(v)) {
      return `Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '${v}''`;
    }
  }
  return undefined;
}

/** The settings AWS fills in when a request leaves them out (as GetHealthCheck shows them). */
function withDefaults(config: HealthCheckConfig): HealthCheckConfig {
  const type = config.Type;
  if (type === 'CLOUDWATCH_METRIC') {
    const metric: HealthCheckConfig = {
      Type: type,
      AlarmIdentifier: config.AlarmIdentifier,
      InsufficientDataHealthStatus: config.InsufficientDataHealthStatus ?? 'LastKnownStatus',
      Inverted: config.Inverted ?? false,
      Disabled: config.Disabled ?? false,
    };
    if (config.IPAddress !== undefined) metric.IPAddress = config.IPAddress;
    if (config.Port !== undefined) metric.Port = config.Port;
    return metric;
  }
  const https = type === 'HTTPS' || type === 'HTTPS_STR_MATCH';
  const defaultPort = type === 'TCP' ? undefined : https ? 443 : 80;
  const out: HealthCheckConfig = {
    // Route 53 answers an IPv6 IPAddress uncompressed ("2600:1f18:0:0:0:0:0:1"), whatever form it
    // was sent in (docs/aws-facts.md, Route 53: health checks).
    IPAddress: config.IPAddress && isIPv6(config.IPAddress) ? expandIPv6(config.IPAddress) : config.IPAddress,
    Port: config.Port ?? defaultPort,
    Type: type,
    ResourcePath: config.ResourcePath,
    FullyQualifiedDomainName: config.FullyQualifiedDomainName,
    SearchString: config.SearchString,
    RequestInterval: config.RequestInterval ?? 30,
    FailureThreshold: config.FailureThreshold ?? 3,
    MeasureLatency: config.MeasureLatency ?? false,
    Inverted: config.Inverted ?? false,
    Disabled: config.Disabled ?? false,
    EnableSNI: config.EnableSNI ?? https,
  };
  for (const key of Object.keys(out) as (keyof HealthCheckConfig)[]) if (out[key] === undefined) delete out[key];
  return out;
}

/** Settings equality after defaults, so spelling out a default is not a "different setting". */
function sameSettings(a: HealthCheckConfig, b: HealthCheckConfig): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof HealthCheckConfig>;
  return [...keys].every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/** An IPv6 address with every group written out and no `::` (leading zeros dropped). */
function expandIPv6(ip: string): string {
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':');
}

function location(id: string): string {
  return `https://route53.amazonaws.com/2013-04-01/healthcheck/${id}`;
}

function isUncheckable(ip: string): boolean {
  if (isIPv4(ip)) {
    const n = ipv4ToInt(ip);
    return UNCHECKABLE_IPV4.some(([base, bits]) => n >>> (32 - bits) === ipv4ToInt(base) >>> (32 - bits));
  }
  // RFC 5156: unspecified, loopback, IPv4-mapped, unique-local, link-local, multicast,
  // documentation; read from the expanded form, so any spelling of an address counts the same.
  if (ip.includes('.')) return true; // IPv4-mapped or -embedded, dotted
  const g = expandIPv6(ip)
    .split(':')
    .map((x) => parseInt(x, 16));
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(8) || (zeros(7) && g[7] === 1) || (zeros(5) && g[5] === 0xffff)) return true; // unspecified, loopback, IPv4-mapped
  const first = g[0]!;
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00 || (first === 0x2001 && g[1] === 0xdb8);
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, octet) => ((n << 8) | Number(octet)) >>> 0, 0);
}
