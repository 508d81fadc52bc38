/**
 * Apply: execute a plan's DNS actions, logging each change before it is made (so a failure
 * mid-way leaves a trail of exactly what was done). What to change, and why, is the plan's; this
 * decides only how to send it within Route 53's quotas: health checks in waves (ten in flight
 * until Route 53 throttles, then one at a time), the ready records in a batch every few checks
 * so launches go on as their records land (`onLanded`), the order a trigger asks for, and
 * reading back what a concurrent run made (docs/scaling.md, "Bursts of launches").
 *
 * Failures are isolated per node: a node whose check cannot be created (quota, throttling past
 * the retries) is left out of the record batches, and a batch Route 53 rejects for good is
 * retried as its deregistrations alone, then its registrations alone, so one bad record never
 * holds up a leaving node. The result says which nodes failed, so their lifecycle actions are
 * not completed; everyone else's are. Only a conflict (the zone changed under the plan) aborts
 * the whole apply, so that the caller observes and plans again.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { FleetConfig } from '../config/schema';
import { ConflictError } from '../errors';
import { describeAwsError, isAwsError, isThrottling } from '../aws/errors';
import { nextGeneration, withoutGeneration } from '../plan/naming';
import { inParallel } from '../parallel';
import { familiesOf, LISTED_TYPES } from '../plan/families';
import type { RecordChange } from '../aws/route53';
import { DEREGISTERED_AT_TAG, type Action, type Plan } from '../plan/types';
import type { DnsWriter } from './ports';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;
type RecordAction = Of<'createRecord'> | Of<'updateRecord'> | Of<'deleteRecord'>;

export interface ApplyOptions {
  /** Epoch ms after which no new health check is started, and a running one is abandoned. */
  deadline?: number;
  /**
   * Which end of the fleet to create checks from: lifecycle runs go up from the event's node,
   * the schedule comes down, so two overlapping runs meet instead of sending the same creates.
   */
  order?: { direction: 'ascending' | 'descending'; first?: string };
  /** Called after each record batch lands, with its nodes (their lifecycle actions may go on now). */
  onLanded?: (instanceIds: string[], sofar: ApplyResult) => Promise<void>;
}

/** Record batches go out after this many new checks, or this long after the first one ready. */
const FLUSH_EVERY = 10;
const FLUSH_INTERVAL_MS = 3_000;
/** While creates are paced, the checks are read again before a create at most this often. */
const REREAD_CHECKS_MS = 1_000;
/** CreateHealthCheck calls in flight at once. */
const CREATES_IN_FLIGHT = 10;

export interface ApplyResult {
  /** Nodes whose work failed, with the reason: their lifecycle actions must not be completed. */
  failed: Map<string, string>;
  /** Nodes left for the next run (out of time, or CreateHealthCheck throttled). */
  deferred: Set<string>;
}

/** A loggable summary of one action. */
export function describeAction(a: Action): Record<string, unknown> {
  const base = { action: a.kind, instanceId: a.instanceId, reason: a.reason };
  switch (a.kind) {
    case 'createHealthCheck':
      return {
        ...base,
        callerReference: a.callerReference,
        target:
          a.spec.type === 'CLOUDWATCH_METRIC'
            ? `CLOUDWATCH_METRIC alarm ${a.spec.alarmName} (${a.spec.alarmRegion})`
            : `${a.spec.type} ${a.spec.ipAddress}:${a.spec.port}${a.spec.resourcePath ?? ''}`,
      };
    case 'tagHealthCheck':
    case 'deleteHealthCheck':
      return { ...base, healthCheckId: a.healthCheckId };
    case 'createRecord':
    case 'updateRecord':
      return { ...base, setIdentifier: a.record.setIdentifier, value: a.record.values.join(','), weight: a.record.weight };
    case 'deleteRecord':
      return { ...base, setIdentifier: a.record.setIdentifier, value: a.record.values.join(',') };
    case 'markDeregistered':
      return { ...base, at: a.at };
    case 'unmarkDeregistered':
      return base;
  }
}

/** The creates in the order the trigger asks for (the plan lists them by instance id). */
function ordered(creates: Of<'createHealthCheck'>[], opts: ApplyOptions): Of<'createHealthCheck'>[] {
  const out = opts.order?.direction === 'descending' ? [...creates].reverse() : [...creates];
  // The event's node first, all of its checks (a dual-stack node has two).
  const first = out.filter((a) => a.instanceId === opts.order?.first);
  return [...first, ...out.filter((a) => a.instanceId !== opts.order?.first)];
}

export async function applyPlan(fleet: FleetConfig, plan: Plan, aws: DnsWriter, logger: Logger, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const result: ApplyResult = { failed: new Map(), deferred: new Set() };
  const of = <K extends Action['kind']>(kind: K) => plan.actions.filter((a): a is Of<K> => a.kind === kind);
  const ok = (id: string) => !result.failed.has(id) && !result.deferred.has(id);
  const fail = (id: string, step: string, err: unknown) => {
    result.failed.set(id, `${step}: ${describeAwsError(err)}`);
    logger.error(`${step} failed; its lifecycle action will not be completed`, { instanceId: id, error: err as Error });
  };
  const registered = new Set(plan.registered);

  // 1. Notes on instances: when a leaving node's record goes (before it goes), stale notes cleared.
  for (const a of of('markDeregistered')) {
    logger.info('deregistration delay starts', describeAction(a));
    try {
      await aws.ec2.tagInstance(a.instanceId, { [DEREGISTERED_AT_TAG]: a.at });
    } catch (err) {
      fail(a.instanceId, 'noting the deregistration time', err); // its record stays until the note is written
    }
  }
  for (const a of of('unmarkDeregistered')) {
    try {
      await aws.ec2.untagInstance(a.instanceId, [DEREGISTERED_AT_TAG]);
    } catch (err) {
      logger.warn('could not clear an old deregistration note; the next run retries', { instanceId: a.instanceId, error: err as Error });
    }
  }

  // 2 and 3. Health checks, then records, in waves. CreateHealthCheck is Route 53's scarcest
  // quota (a burst of 50, then one every 2 s), so a burst of launches cannot all be registered
  // at once: every few checks (FLUSH_EVERY, or FLUSH_INTERVAL_MS after the first one ready) the
  // records of the nodes whose checks are ready go out in one batch, and `onLanded` lets the
  // caller complete those nodes' lifecycle actions at once instead of at the end of the run.
  const created = new Map<string, string>();
  const creates = ordered(of('createHealthCheck'), opts);
  const recordActions = plan.actions.filter((a): a is RecordAction => a.kind === 'deleteRecord' || a.kind === 'createRecord' || a.kind === 'updateRecord');
  // A node's records go out together, once every check they reference exists (a dual-stack node's
  // A and AAAA records land in one batch, so "its records landed" means all of them).
  const checkReady = (a: RecordAction): boolean =>
    a.kind === 'deleteRecord' || 'id' in a.record.healthCheck || created.has(a.record.healthCheck.callerReference);
  const recordsOf = new Map<string, RecordAction[]>();
  for (const a of recordActions) recordsOf.set(a.instanceId, [...(recordsOf.get(a.instanceId) ?? []), a]);
  const ready = (a: RecordAction): boolean => ok(a.instanceId) && recordsOf.get(a.instanceId)!.every(checkReady);
  let unsent = recordActions;
  let lastFlush = Date.now();
  let sinceFlush = 0;
  // What another run made since this one observed (the schedule and a lifecycle run, working
  // from opposite ends, meet in the middle): read again after each batch while creates are paced,
  // so this run neither repeats a create (each costs a 2 s token) nor sends a record already there.
  const theirs = new Map<string, string>(); // CallerReference without its generation -> check id
  const theirRecords = new Set<string>(); // type|SetIdentifier|value|check of records that exist now
  const recordKey = (r: { type: string; setIdentifier: string; values: readonly string[] }, checkId: string | undefined) =>
    `${r.type}|${r.setIdentifier}|${r.values.join(',')}|${checkId}`;
  let checksReadAt = 0;
  const refresh = async (what: { records: boolean }): Promise<void> => {
    try {
      checksReadAt = Date.now();
      const [checks, records] = await Promise.all([
        aws.route53.listHealthChecks(),
        what.records ? aws.route53.listRecords(fleet.dns.hostedZoneId, fleet.dns.recordName, LISTED_TYPES) : [],
      ]);
      for (const c of checks) if (c.CallerReference && c.Id) theirs.set(withoutGeneration(c.CallerReference), c.Id);
      for (const r of records) theirRecords.add(recordKey(r, r.healthCheckId));
      // The schedule yields to a lifecycle run at work on the same launches (any check of its
      // list that it did not make has appeared): one paced creator, not two racing for the same
      // 2 s tokens. Lifecycle runs are one at a time, so they never yield to each other; with no
      // lifecycle run at work (events lost), nothing appears and the schedule goes on.
      if (opts.order?.direction === 'descending' && creates.some((a) => !created.has(a.callerReference) && theirs.has(withoutGeneration(a.callerReference))))
        met = true;
    } catch (err) {
      logger.warn("could not read back what other runs made; going on with this run's plan", { error: describeAwsError(err) });
    }
  };
  const alreadyThere = (a: RecordAction): boolean => {
    if (a.kind !== 'createRecord') return false;
    const checkId = 'id' in a.record.healthCheck ? a.record.healthCheck.id : created.get(a.record.healthCheck.callerReference);
    return theirRecords.has(recordKey(a.record, checkId));
  };

  const flush = async (final: boolean): Promise<void> => {
    const done = unsent.filter((a) => ready(a) && alreadyThere(a));
    unsent = unsent.filter((a) => !done.includes(a));
    let batch = unsent.filter(ready);
    // A set replaced whole must never be empty in between: deletions wait for a batch that also
    // adds a record, unless one of ours stays or nothing else is coming.
    const adds = batch.some((a) => a.kind !== 'deleteRecord');
    // A registered node stays in DNS unless every record it will have is still to create (a
    // dual-stack node with its A record and its AAAA pending stays).
    const creating = new Map<string, number>();
    for (const a of unsent) if (a.kind === 'createRecord') creating.set(a.instanceId, (creating.get(a.instanceId) ?? 0) + 1);
    const families = familiesOf(fleet).length;
    const stays = plan.registered.some((id) => (creating.get(id) ?? 0) < families);
    if (!adds && !stays && (!final || plan.registered.length > 0)) {
      // The last of our records would go while the nodes that replace them have none yet (their
      // checks deferred, throttled or failed): the leaving nodes keep their records and wait for
      // the next run, so the name never answers with nothing while the fleet has nodes.
      const held = batch.filter((a) => a.kind === 'deleteRecord');
      if (final) for (const a of held) result.deferred.add(a.instanceId);
      batch = batch.filter((a) => a.kind !== 'deleteRecord');
    }
    if (!final && batch.length === 0 && done.length === 0) return;
    unsent = unsent.filter((a) => !batch.includes(a));
    lastFlush = Date.now();
    sinceFlush = 0;
    const landed = [...done.map((a) => a.instanceId), ...(await submitRecords(batch))];
    if (landed.length && opts.onLanded) await opts.onLanded(landed, result);
    if (!final && paced) await refresh({ records: true });
  };

  let stopCreating = false;
  const tagging: Promise<void>[] = [];
  // Ten creates in flight: the burst of 50 goes in a few round trips. Flushes are serialised on
  // one chain. `stopCreating`: throttled past the retries, or the account at its quota.
  let flushing: Promise<void> = Promise.resolve();
  // Once Route 53 throttles (a create needed retries), one create at a time: the quota refills one
  // every 2 s, and parallel creates would only burn the account-wide bucket on throttled tries.
  let paced = false;
  let met = false;
  const createOne = async (a: Of<'createHealthCheck'>): Promise<void> => {
    const left = opts.deadline === undefined ? Infinity : opts.deadline - Date.now();
    if (stopCreating || met || left <= 0) {
      result.deferred.add(a.instanceId);
      return;
    }
    // Paced, each create costs a 2 s token: one ListHealthChecks first (the account-wide bucket
    // refills at 10 a second) is cheap insurance against making what the other run just made.
    if (paced && Date.now() - checksReadAt >= REREAD_CHECKS_MS) await refresh({ records: false });
    const made = theirs.get(withoutGeneration(a.callerReference));
    if (made) {
      // Another run made it (same node, same settings): the two runs have met, and what lies
      // further on is that run's work. Stop creating; the nodes left wait for the next run.
      created.set(a.callerReference, made);
      met = true;
      sinceFlush++;
      return;
    }
    logger.info('creating health check', describeAction(a));
    try {
      const hc = await createOneGeneration(a, Number.isFinite(left) ? { timeoutMs: left } : {});
      created.set(a.callerReference, hc.id);
      if (hc.attempts > 1 && !paced) {
        paced = true;
        logger.info('Route 53 is throttling health check creation; creating one at a time', { attempts: hc.attempts });
      }
      logger.info('health check ready', { instanceId: a.instanceId, healthCheckId: hc.id, callerReference: hc.callerReference });
      tagging.push(tag(hc.id, a.tags, a.instanceId)); // in the background: tags are for people
      sinceFlush++;
    } catch (err) {
      if ((err as Error).name === 'AbortError' || (err as Error).name === 'TimeoutError' || isThrottling(err)) {
        // Out of time, or throttled past the SDK's retries: every further create would burn the
        // same retries (and the account-wide bucket the other calls need). The rest wait for the
        // next run, which sends the same references and gets the same checks.
        logger.warn('health check creation left for the next run', { instanceId: a.instanceId, error: describeAwsError(err) });
        result.deferred.add(a.instanceId);
        stopCreating ||= isThrottling(err);
        return;
      }
      if (isAwsError(err, 'TooManyHealthChecks')) {
        // The account is at its quota although the plan counted room (a limits.healthCheckQuota
        // above the real one, or another tool's checks made since): no further create can
        // succeed; the nodes wait, and the error says what to fix.
        logger.error(
          'Route 53 refused a health check: the account is at its health-check quota; raise it (Service Quotas) or set limits.healthCheckQuota to the real one',
          { instanceId: a.instanceId, error: describeAwsError(err) },
        );
        result.deferred.add(a.instanceId);
        stopCreating = true;
        return;
      }
      fail(a.instanceId, 'health check creation', err);
    }
    if (sinceFlush >= FLUSH_EVERY || (sinceFlush > 0 && Date.now() - lastFlush >= FLUSH_INTERVAL_MS)) await queueFlush();
  };
  const queueFlush = (): Promise<void> => {
    sinceFlush = 0;
    flushing = flushing.then(() => flush(false));
    flushing.catch(() => undefined); // awaited below; this only keeps a failure from counting as unhandled
    return flushing;
  };
  // Ready records also go out on time while a create is stuck in the SDK's back-off (throttled
  // retries can wait many seconds): a node whose check exists never waits for another's.
  const timer = setInterval(() => {
    if (sinceFlush > 0 && Date.now() - lastFlush >= FLUSH_INTERVAL_MS) void queueFlush();
  }, FLUSH_INTERVAL_MS);
  try {
    await inParallel(creates, CREATES_IN_FLIGHT, createOne, (worker) => worker > 0 && paced);
  } finally {
    clearInterval(timer);
  }
  await flushing;
  for (const a of of('tagHealthCheck')) {
    logger.info('tagging health check', describeAction(a));
    tagging.push(tag(a.healthCheckId, a.tags, a.instanceId));
  }
  await flush(true);
  await Promise.all(tagging);

  // 4. Checks no record uses any more. Left in place when the node's record step failed (a
  // record may still reference them); a failure here only leaves garbage for the next run.
  for (const a of of('deleteHealthCheck').filter((x) => ok(x.instanceId))) {
    logger.info('deleting health check', describeAction(a));
    try {
      const outcome = await aws.route53.deleteHealthCheck(a.healthCheckId);
      if (outcome === 'absent') logger.info('health check was already gone', { healthCheckId: a.healthCheckId });
    } catch (err) {
      if (err instanceof ConflictError) throw err;
      // No record uses it any more: a check left behind costs money, never traffic, and every
      // later run deletes it (ours by its CallerReference). It holds back no lifecycle action,
      // which may already have gone on when its record's removal landed.
      logger.warn(`could not delete ${registered.has(a.instanceId) ? 'a replaced' : "a leaving node's"} health check; the next run retries`, {
        instanceId: a.instanceId,
        healthCheckId: a.healthCheckId,
        error: err as Error,
      });
    }
  }
  return result;

  /**
   * One atomic batch: leaving records out, joining records in, changed ones replaced. A batch
   * Route 53 rejects for good (not a conflict) is split, so a bad registration never blocks a
   * deregistration. Returns the nodes whose records landed.
   */
  async function submitRecords(actions: RecordAction[]): Promise<string[]> {
    if (actions.length === 0) return [];
    const rejected = await submit(actions);
    if (!rejected) return actions.map((a) => a.instanceId);
    logger.warn('Route 53 rejected the record batch; retrying deregistrations and registrations separately', { error: describeAwsError(rejected) });
    const landed: string[] = [];
    // Split by node, never within one: a node that is registered keeps its deletions with its
    // creations (a family switch replaces its A record by an AAAA record: the A record must not
    // go without the AAAA record), so only the leaving nodes' deletions go on their own.
    const registering = new Set(actions.filter((a) => a.kind !== 'deleteRecord').map((a) => a.instanceId));
    for (const part of [actions.filter((a) => !registering.has(a.instanceId)), actions.filter((a) => registering.has(a.instanceId))]) {
      const err = await submit(part);
      if (!err) landed.push(...part.map((a) => a.instanceId));
      else for (const a of part) fail(a.instanceId, `record ${a.kind === 'deleteRecord' ? 'DELETE' : a.kind === 'createRecord' ? 'CREATE' : 'REPLACE'}`, err);
    }
    return landed;
  }

  async function submit(actions: RecordAction[]): Promise<unknown> {
    if (actions.length === 0) return undefined;
    for (const a of actions) logger.info('changing record', describeAction(a));
    try {
      const ids = await aws.route53.changeRecords(fleet.dns.hostedZoneId, actions.map(changeOf), `haproxy-fleet-control ${fleet.name}`);
      logger.info('record changes submitted', { changeIds: ids, changes: actions.length });
      return undefined;
    } catch (err) {
      if (err instanceof ConflictError) throw err;
      return err;
    }
  }

  function changeOf(a: RecordAction): RecordChange {
    if (a.kind === 'deleteRecord') return { action: 'DELETE', record: a.record };
    const { healthCheck, ...rest } = a.record;
    const healthCheckId = 'id' in healthCheck ? healthCheck.id : created.get(healthCheck.callerReference);
    if (!healthCheckId) throw new Error(`internal: record for ${a.instanceId} references a health check this plan did not create`);
    return a.kind === 'createRecord'
      ? { action: 'CREATE', record: { ...rest, healthCheckId } }
      : { action: 'REPLACE', previous: a.previous, record: { ...rest, healthCheckId } };
  }

  /**
   * Route 53 refuses the reference of a check deleted in the last days (a node back with the same
   * settings): walk the generations in order, so concurrent runs still meet on one check.
   */
  async function createOneGeneration(
    a: Of<'createHealthCheck'>,
    opts: { timeoutMs?: number },
  ): Promise<{ id: string; callerReference: string; attempts: number }> {
    let ref: string | undefined = a.callerReference;
    for (;;) {
      try {
        return await aws.route53.createHealthCheck(ref, a.spec, opts);
      } catch (err) {
        const next: string | undefined = isAwsError(err, 'HealthCheckAlreadyExists') ? nextGeneration(ref) : undefined;
        if (!next) throw err;
        logger.info('health check reference was used by a deleted check; taking the next generation', { instanceId: a.instanceId, refused: ref, next });
        ref = next;
      }
    }
  }

  /** Tags are for people: a failure is logged and retried by the next run, never fatal. */
  async function tag(healthCheckId: string, tags: Record<string, string>, instanceId: string): Promise<void> {
    try {
      await aws.route53.tagHealthCheck(healthCheckId, tags);
    } catch (err) {
      logger.warn('could not tag health check; the next run retries', { instanceId, healthCheckId, error: err as Error });
    }
  }
}
