/**
 * Apply: execute a plan's actions in order, logging each change before it is made (so a failure
 * mid-way leaves a trail of exactly what was done). Decides nothing.
 *
 * Failures are isolated per node: a node whose check cannot be created (quota, throttling past
 * the retries) does not stop a leaving node from being deregistered, nor the other joining
 * nodes from being registered. The result says which nodes failed, so their lifecycle actions
 * are not completed; everyone else's are. Only a conflict (the zone changed under the plan)
 * aborts the whole apply, so that the caller observes and plans again.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { FleetConfig } from '../config/schema';
import { ConflictError } from '../errors';
import { describeAwsError, isThrottling } from '../aws/errors';
import type { RecordChange } from '../aws/route53';
import { DEREGISTERED_AT_TAG, type Action, type Plan } from '../plan/types';
import type { Adapters } from './adapters';

const RECORD_ACTION = { createRecord: 'CREATE', updateRecord: 'UPSERT', deleteRecord: 'DELETE' } as const;

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;
type Upsert = Extract<Action, { kind: 'createRecord' | 'updateRecord' }>;

export interface ApplyOptions {
  /** Epoch ms after which no new health check is started (the Lambda's time is running out). */
  deadline?: number;
}

export interface ApplyResult {
  /** Nodes whose work failed, with the reason: their lifecycle actions must not be completed. */
  failed: Map<string, string>;
  /** Nodes left for the next run because time ran out. */
  deferred: Set<string>;
}

/** A loggable summary of one action. */
export function describeAction(a: Action): Record<string, unknown> {
  const base = { action: a.kind, instanceId: a.instanceId, reason: a.reason };
  switch (a.kind) {
    case 'createHealthCheck':
      return { ...base, callerReference: a.callerReference, target: `${a.spec.type} ${a.spec.ipAddress}:${a.spec.port}${a.spec.resourcePath ?? ''}` };
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
  }
}

export async function applyPlan(fleet: FleetConfig, plan: Plan, aws: Adapters, logger: Logger, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const result: ApplyResult = { failed: new Map(), deferred: new Set() };
  const of = <K extends Action['kind']>(kind: K) => plan.actions.filter((a): a is Of<K> => a.kind === kind);
  const ok = (id: string) => !result.failed.has(id) && !result.deferred.has(id);
  const fail = (id: string, step: string, err: unknown) => {
    result.failed.set(id, `${step}: ${describeAwsError(err)}`);
    logger.error(`${step} failed; its lifecycle action will not be completed`, { instanceId: id, error: err as Error });
  };
  const registered = new Set(plan.registered);

  /** One atomic batch (or a few) of record changes; a conflict aborts, other errors fail its nodes. */
  const changeRecords = async (actions: (Upsert | Of<'deleteRecord'>)[], changes: RecordChange[]) => {
    if (changes.length === 0) return;
    for (const a of actions) logger.info('changing record', describeAction(a));
    try {
      const ids = await aws.route53.changeRecords(fleet.dns.hostedZoneId, changes, `haproxy-fleet-control ${fleet.name}`);
      logger.info('record changes submitted', { changeIds: ids, changes: changes.length });
    } catch (err) {
      if (err instanceof ConflictError) throw err;
      for (const a of actions) fail(a.instanceId, `record ${RECORD_ACTION[a.kind]}`, err);
    }
  };

  const deleteCheck = async (a: Of<'deleteHealthCheck'>) => {
    logger.info('deleting health check', describeAction(a));
    const outcome = await aws.route53.deleteHealthCheck(a.healthCheckId);
    if (outcome === 'absent') logger.info('health check was already gone', { healthCheckId: a.healthCheckId });
  };

  // 1. Deregister leaving nodes, whatever happens to joining ones.
  const deletes = of('deleteRecord');
  await changeRecords(deletes, deletes.map((a) => ({ action: 'DELETE', record: a.record })));
  for (const a of of('markDeregistered').filter((x) => ok(x.instanceId))) {
    logger.info('deregistration delay starts', describeAction(a));
    try {
      await aws.ec2.tagInstance(a.instanceId, { [DEREGISTERED_AT_TAG]: a.at });
    } catch (err) {
      fail(a.instanceId, 'marking the deregistration time', err);
    }
  }
  for (const a of of('deleteHealthCheck').filter((x) => !registered.has(x.instanceId) && ok(x.instanceId))) {
    try {
      await deleteCheck(a);
    } catch (err) {
      if (err instanceof ConflictError) throw err;
      fail(a.instanceId, 'health check deletion', err);
    }
  }

  // 2. Register joining and changed nodes: checks first, then one batch of records.
  const created = new Map<string, string>();
  // Once CreateHealthCheck is throttled past the SDK's retries, every further create would burn
  // the same retries (and the account-wide bucket the other calls need): leave the rest for the
  // next run, which starts with a refilled bucket.
  let throttled = false;
  for (const a of of('createHealthCheck')) {
    if (throttled || (opts.deadline !== undefined && Date.now() > opts.deadline)) {
      result.deferred.add(a.instanceId);
      continue;
    }
    logger.info('creating health check', describeAction(a));
    try {
      const hc = await aws.route53.createHealthCheck(a.callerReference, a.spec);
      created.set(a.callerReference, hc.id);
      await tag(hc.id, a.tags, a.instanceId);
      logger.info('health check ready', { instanceId: a.instanceId, healthCheckId: hc.id, callerReference: hc.callerReference });
    } catch (err) {
      if (created.has(a.callerReference)) continue; // only the tags failed; logged in tag()
      fail(a.instanceId, 'health check creation', err);
      throttled = isThrottling(err);
    }
  }
  for (const a of of('tagHealthCheck')) {
    logger.info('tagging health check', describeAction(a));
    await tag(a.healthCheckId, a.tags, a.instanceId);
  }
  const upserts = plan.actions.filter((a): a is Upsert => (a.kind === 'createRecord' || a.kind === 'updateRecord') && ok(a.instanceId));
  await changeRecords(
    upserts,
    upserts.map((a) => {
      const { healthCheck, ...rest } = a.record;
      const healthCheckId = 'id' in healthCheck ? healthCheck.id : created.get(healthCheck.callerReference);
      if (!healthCheckId) throw new Error(`internal: record for ${a.instanceId} references a health check this plan did not create`);
      return { action: RECORD_ACTION[a.kind], record: { ...rest, healthCheckId } };
    }),
  );

  // 3. Checks registered nodes no longer use. Left in place when the node's record step failed
  // (the record may still reference them); a failure here only leaves garbage for the next run.
  for (const a of of('deleteHealthCheck').filter((x) => registered.has(x.instanceId) && ok(x.instanceId))) {
    try {
      await deleteCheck(a);
    } catch (err) {
      if (err instanceof ConflictError) throw err;
      logger.warn('could not delete a replaced health check; the next run retries', { instanceId: a.instanceId, healthCheckId: a.healthCheckId, error: err as Error });
    }
  }
  return result;

  /** Tags are for people: a failure is logged and retried by the next run, never fatal. */
  async function tag(healthCheckId: string, tags: Record<string, string>, instanceId: string): Promise<void> {
    try {
      await aws.route53.tagHealthCheck(healthCheckId, tags);
    } catch (err) {
      logger.warn('could not tag health check; the next run retries', { instanceId, healthCheckId, error: err as Error });
    }
  }
}
