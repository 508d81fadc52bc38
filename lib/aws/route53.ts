/**
 * Route 53 adapter: the narrow interface the reconciler needs over the SDK client, with
 * pagination, batching, idempotent health check creation and error mapping. It decides nothing.
 */
import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  paginateListHealthChecks,
  ListResourceRecordSetsCommand,
  ListTagsForResourcesCommand,
  type Change,
  type HealthCheck,
  type ListResourceRecordSetsCommandOutput,
  type ListTagsForResourcesCommandOutput,
  type HealthCheckConfig,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { ConflictError } from '../errors';
import { canonicalIp } from '../plan/ip';
import type { HealthCheckSpec, RecordState } from '../plan/types';
import { describeAwsError, isAwsError } from './errors';
import { batchChanges } from './route53Batches';
import { inParallel } from '../parallel';

/** A record change as the planner states it. */
/**
 * A record change. REPLACE is a DELETE of `previous` and a CREATE of `record` in the same atomic
 * batch: it costs what an UPSERT costs, but, unlike an UPSERT, it fails ("not found", "values do
 * not match") when another writer changed or removed the record since we read it, so a stale plan
 * can never write back the record of a node that has just been deregistered.
 */
export interface RecordChange {
  action: 'CREATE' | 'UPSERT' | 'DELETE' | 'REPLACE';
  /** The record as Route 53 holds it now (REPLACE only). */
  previous?: RecordState;
  record: RecordState;
}

/** ListTagsForResources takes at most 10 ids. */
const TAG_BATCH = 10;

export function toResourceRecordSet(r: RecordState): ResourceRecordSet {
  return {
    Name: r.name,
    Type: r.type,
    SetIdentifier: r.setIdentifier,
    Weight: r.weight,
    TTL: r.ttl,
    ResourceRecords: r.values.map((Value) => ({ Value })),
    ...(r.healthCheckId ? { HealthCheckId: r.healthCheckId } : {}),
  };
}

/** Route 53 escapes some characters in names as \\ooo octal; ours are plain, so lower-case is enough. */
const sameName = (a: string | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();

export function toRecordState(rr: ResourceRecordSet): RecordState {
  return {
    name: (rr.Name ?? '').toLowerCase(),
    type: rr.Type as 'A' | 'AAAA',
    setIdentifier: rr.SetIdentifier ?? '',
    weight: rr.Weight ?? 0,
    ttl: rr.TTL ?? 0,
    values: (rr.ResourceRecords ?? []).map((v) => canonicalIp(v.Value ?? '')),
    ...(rr.HealthCheckId ? { healthCheckId: rr.HealthCheckId } : {}),
  };
}

export function toHealthCheckConfig(spec: HealthCheckSpec): HealthCheckConfig {
  // A metric check has no endpoint: only the alarm it watches and what it says without data.
  if (spec.type === 'CLOUDWATCH_METRIC')
    return {
      Type: spec.type,
      AlarmIdentifier: { Region: spec.alarmRegion as never, Name: spec.alarmName },
      InsufficientDataHealthStatus: spec.insufficientDataHealthStatus,
    };
  return {
    Type: spec.type,
    IPAddress: spec.ipAddress,
    Port: spec.port,
    ...(spec.resourcePath !== undefined ? { ResourcePath: spec.resourcePath } : {}),
    ...(spec.fullyQualifiedDomainName !== undefined ? { FullyQualifiedDomainName: spec.fullyQualifiedDomainName } : {}),
    ...(spec.searchString !== undefined ? { SearchString: spec.searchString } : {}),
    RequestInterval: spec.requestInterval,
    FailureThreshold: spec.failureThreshold,
    ...(spec.type.startsWith('HTTPS') && spec.fullyQualifiedDomainName ? { EnableSNI: true } : {}),
  };
}

export function toSpec(c: HealthCheckConfig): HealthCheckSpec {
  if (c.Type === 'CLOUDWATCH_METRIC')
    return {
      type: 'CLOUDWATCH_METRIC',
      ...(c.AlarmIdentifier?.Region ? { alarmRegion: c.AlarmIdentifier.Region } : {}),
      ...(c.AlarmIdentifier?.Name ? { alarmName: c.AlarmIdentifier.Name } : {}),
      // Route 53's default, should an answer leave it out: a converged check must never look drifted.
      insufficientDataHealthStatus: c.InsufficientDataHealthStatus ?? 'LastKnownStatus',
    };
  return {
    type: c.Type as HealthCheckSpec['type'],
    // Route 53 answers an IPv6 address uncompressed: compared in one form (lib/plan/ip.ts).
    ipAddress: canonicalIp(c.IPAddress ?? ''),
    port: c.Port ?? 0,
    ...(c.ResourcePath !== undefined ? { resourcePath: c.ResourcePath } : {}),
    ...(c.FullyQualifiedDomainName !== undefined ? { fullyQualifiedDomainName: c.FullyQualifiedDomainName } : {}),
    ...(c.SearchString !== undefined ? { searchString: c.SearchString } : {}),
    requestInterval: c.RequestInterval ?? 30,
    failureThreshold: c.FailureThreshold ?? 3,
  };
}

/**
 * Route 53 rejections that mean "the zone is not what you planned against" (another writer got
 * there first), as opposed to a batch that can never succeed (a plain record or a CNAME in the
 * way: "... conflicting RRSet ... already exists", a name outside the zone, the 100-member
 * limit): only the first kind is worth observing again. Matched on Route 53's exact wording.
 */
const CONFLICT_MESSAGES =
  /Tried to create resource record set .* but it already exists|Tried to delete resource record set .* but it was not found|but the values provided do not match the current values/i;

export function isConflict(err: unknown): boolean {
  if (isAwsError(err, 'NoSuchHealthCheck')) return true; // a record referenced a check deleted meanwhile
  return isAwsError(err, 'InvalidChangeBatch') && CONFLICT_MESSAGES.test((err as Error).message);
}

/** ListTagsForResources calls in flight at once (the account-wide bucket refills at 10 per second). */
const TAG_READS_IN_FLIGHT = 4;

/** The tags we know of each health check, per client (that is, per execution environment). */
const tagCaches = new WeakMap<Route53Client, TagCache>();
function tagCache(client: Route53Client): TagCache {
  const cache = tagCaches.get(client) ?? new TagCache();
  tagCaches.set(client, cache);
  return cache;
}

/** How long tags read or written are trusted: tags removed by hand are put back within this. */
const TAG_CACHE_MS = 15 * 60_000;

/** Tags known per check id, each for TAG_CACHE_MS; entries of checks no longer listed age out. */
class TagCache {
  private readonly entries = new Map<string, { tags: Record<string, string>; at: number }>();

  get(id: string): Record<string, string> | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    if (Date.now() - e.at > TAG_CACHE_MS) {
      this.entries.delete(id);
      return undefined;
    }
    return e.tags;
  }

  set(id: string, tags: Record<string, string>): void {
    this.entries.set(id, { tags, at: Date.now() });
  }

  delete(id: string): void {
    this.entries.delete(id);
  }
}

export class Route53Adapter {
  constructor(private readonly client: Route53Client) {}

  /**
   * Every record of exactly this name and these types (all weighted set members), across pages.
   * The types must sort next to each other (ListResourceRecordSets lists a name's records in
   * ASCII order of type: A, AAAA, CAA, ...): the listing starts at the first and stops at the
   * first record of another name or type.
   */
  async listRecords(zoneId: string, name: string, types: readonly RecordState['type'][]): Promise<RecordState[]> {
    const wanted = [...types].sort();
    const out: RecordState[] = [];
    let start: { name: string; type: string; id?: string } | undefined = { name, type: wanted[0]! };
    while (start) {
      const page: ListResourceRecordSetsCommandOutput = await this.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: start.name,
          StartRecordType: start.type as 'A',
          ...(start.id ? { StartRecordIdentifier: start.id } : {}),
          MaxItems: 300,
        }),
      );
      const sets = page.ResourceRecordSets ?? [];
      // The listing runs on through the rest of the zone: stop at the first other name or type.
      const ours = (n: string | undefined, t: string | undefined) => sameName(n, name) && wanted.includes(t as RecordState['type']);
      const end = sets.findIndex((rr) => !ours(rr.Name, rr.Type));
      const mine = end < 0 ? sets : sets.slice(0, end);
      out.push(...mine.map(toRecordState));
      const more = page.IsTruncated && end < 0 && ours(page.NextRecordName, page.NextRecordType);
      start = more ? { name, type: page.NextRecordType!, ...(page.NextRecordIdentifier ? { id: page.NextRecordIdentifier } : {}) } : undefined;
    }
    return out;
  }

  /**
   * Applies record changes in as few atomic batches as Route 53's limits allow.
   * @throws ConflictError when Route 53 rejects a batch because the zone no longer matches the
   *   plan (a record created or deleted by someone else meanwhile): the caller re-plans.
   */
  async changeRecords(zoneId: string, changes: readonly RecordChange[], comment: string): Promise<string[]> {
    const ids: string[] = [];
    for (const batch of batchChanges(changes)) {
      const Changes: Change[] = batch.flatMap((c): Change[] =>
        c.action === 'REPLACE'
          ? [
              { Action: 'DELETE', ResourceRecordSet: toResourceRecordSet(c.previous!) },
              { Action: 'CREATE', ResourceRecordSet: toResourceRecordSet(c.record) },
            ]
          : [{ Action: c.action, ResourceRecordSet: toResourceRecordSet(c.record) }],
      );
      try {
        const res = await this.client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Comment: comment, Changes } }));
        ids.push(res.ChangeInfo?.Id ?? '');
      } catch (err) {
        if (isConflict(err)) throw new ConflictError(`Route 53 rejected the change batch: ${describeAwsError(err)}`, { cause: err });
        throw err;
      }
    }
    return ids;
  }

  /** Every health check in the account (the planner keeps only ours), across pages. */
  async listHealthChecks(): Promise<HealthCheck[]> {
    // Route 53 sends NextMarker only while IsTruncated is true (API reference, ListHealthChecks),
    // so the SDK's paginator, which follows NextMarker, reads every page.
    const out: HealthCheck[] = [];
    for await (const page of paginateListHealthChecks({ client: this.client, pageSize: 1000 }, {})) out.push(...(page.HealthChecks ?? []));
    return out;
  }

  /**
   * Tags of the given health checks, ten per call, a few calls at a time. What we wrote or read
   * is remembered with the client for 15 minutes, so a burst of runs does not re-read the tags of
   * every check on every pass (they change only by hand, and only label the checks for people:
   * ownership rests on the CallerReference); tags removed by hand are put back within that.
   * @throws ConflictError when one was deleted since it was listed (another run): observe again.
   */
  async healthCheckTags(ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const known = tagCache(this.client);
    const out = new Map<string, Record<string, string>>();
    const missing: string[] = [];
    for (const id of ids) {
      const tags = known.get(id);
      if (tags) out.set(id, { ...tags });
      else missing.push(id);
    }
    const chunks = Array.from({ length: Math.ceil(missing.length / TAG_BATCH) }, (_, i) => missing.slice(i * TAG_BATCH, (i + 1) * TAG_BATCH));
    await inParallel(chunks, TAG_READS_IN_FLIGHT, async (chunk) => {
      let res: ListTagsForResourcesCommandOutput;
      try {
        res = await this.client.send(new ListTagsForResourcesCommand({ ResourceType: 'healthcheck', ResourceIds: chunk }));
      } catch (err) {
        if (isAwsError(err, 'NoSuchHealthCheck'))
          throw new ConflictError(`a health check disappeared while its tags were read: ${describeAwsError(err)}`, { cause: err });
        throw err;
      }
      for (const set of res.ResourceTagSets ?? []) {
        const tags = Object.fromEntries((set.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
        known.set(set.ResourceId ?? '', tags);
        out.set(set.ResourceId ?? '', { ...tags });
      }
    });
    return out;
  }

  /**
   * Creates a health check. The SDK's retries resend the same CallerReference, so a create whose
   * response was lost returns the existing check instead of making a second one.
   */
  /**
   * Creates a health check (or gets back the one this reference already made). `attempts` is
   * how many tries the SDK needed: more than one means Route 53 is throttling creates, and the
   * caller should stop sending them in parallel.
   */
  async createHealthCheck(
    callerReference: string,
    spec: HealthCheckSpec,
    opts: { timeoutMs?: number } = {},
  ): Promise<{ id: string; callerReference: string; attempts: number }> {
    // The timeout bounds the SDK's retries too (throttled creates can otherwise retry for a minute).
    const res = await this.client.send(
      new CreateHealthCheckCommand({ CallerReference: callerReference, HealthCheckConfig: toHealthCheckConfig(spec) }),
      opts.timeoutMs !== undefined ? { abortSignal: AbortSignal.timeout(opts.timeoutMs) } : {},
    );
    return { id: res.HealthCheck?.Id ?? '', callerReference, attempts: res.$metadata?.attempts ?? 1 };
  }

  async tagHealthCheck(id: string, tags: Record<string, string>): Promise<void> {
    const AddTags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    await this.client.send(new ChangeTagsForResourceCommand({ ResourceType: 'healthcheck', ResourceId: id, AddTags }));
    const known = tagCache(this.client);
    known.set(id, { ...known.get(id), ...tags });
  }

  /**
   * Deletes a health check; one that is already gone counts as deleted. Route 53 no longer
   * refuses to delete a check a record still references (HealthCheckInUse is deprecated), so
   * the plan's order (records first) is what protects records; an endpoint that still raises
   * it gets a re-plan.
   */
  async deleteHealthCheck(id: string): Promise<'deleted' | 'absent'> {
    tagCache(this.client).delete(id);
    try {
      await this.client.send(new DeleteHealthCheckCommand({ HealthCheckId: id }));
      return 'deleted';
    } catch (err) {
      if (isAwsError(err, 'NoSuchHealthCheck')) return 'absent';
      if (isAwsError(err, 'HealthCheckInUse'))
        throw new ConflictError(`health check ${id} is still referenced by a record: ${describeAwsError(err)}`, { cause: err });
      throw err;
    }
  }
}
