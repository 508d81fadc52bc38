/**
 * Apply: execute a plan's actions in order, logging each change before it is made (so a failure
 * mid-way leaves a trail of exactly what was done). Decides nothing.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { FleetConfig } from '../config/schema';
import type { RecordChange } from '../aws/route53';
import type { Action, Plan } from '../plan/types';
import type { Adapters } from './adapters';

const RECORD_ACTION = { createRecord: 'CREATE', updateRecord: 'UPSERT', deleteRecord: 'DELETE' } as const;

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
  }
}

export async function applyPlan(fleet: FleetConfig, plan: Plan, aws: Adapters, logger: Logger): Promise<void> {
  // Health checks a new record will reference, by the CallerReference the planner chose.
  const created = new Map<string, string>();
  const recordChanges: RecordChange[] = [];
  const deletions: Extract<Action, { kind: 'deleteHealthCheck' }>[] = [];

  for (const a of plan.actions) {
    if (a.kind === 'createHealthCheck') {
      logger.info('creating health check', describeAction(a));
      const hc = await aws.route53.createHealthCheck(a.callerReference, a.spec);
      created.set(a.callerReference, hc.id);
      await aws.route53.tagHealthCheck(hc.id, a.tags);
      logger.info('health check ready', { instanceId: a.instanceId, healthCheckId: hc.id, callerReference: hc.callerReference });
    } else if (a.kind === 'tagHealthCheck') {
      logger.info('tagging health check', describeAction(a));
      await aws.route53.tagHealthCheck(a.healthCheckId, a.tags);
    } else if (a.kind === 'deleteRecord') {
      recordChanges.push({ action: 'DELETE', record: a.record });
    } else if (a.kind === 'deleteHealthCheck') {
      deletions.push(a);
    } else {
      const { healthCheck, ...rest } = a.record;
      const healthCheckId = 'id' in healthCheck ? healthCheck.id : created.get(healthCheck.callerReference);
      if (!healthCheckId) throw new Error(`internal: record for ${a.instanceId} references a health check this plan did not create`);
      recordChanges.push({ action: RECORD_ACTION[a.kind], record: { ...rest, healthCheckId } });
    }
  }

  if (recordChanges.length > 0) {
    for (const a of plan.actions.filter((x) => x.kind in RECORD_ACTION)) logger.info('changing record', describeAction(a));
    const ids = await aws.route53.changeRecords(fleet.dns.hostedZoneId, recordChanges, `haproxy-fleet-control ${fleet.name}`);
    logger.info('record changes submitted', { changeIds: ids, changes: recordChanges.length });
  }

  for (const a of deletions) {
    logger.info('deleting health check', describeAction(a));
    const outcome = await aws.route53.deleteHealthCheck(a.healthCheckId);
    if (outcome === 'absent') logger.info('health check was already gone', { healthCheckId: a.healthCheckId });
  }
}
