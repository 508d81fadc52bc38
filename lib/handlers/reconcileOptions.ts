/** The reconcile options every handler derives the same way from its dependencies and invocation. */
import { heartbeatHeadroomSeconds } from '../config/schedule';
import type { ReconcileOptions } from '../reconcile/reconcileFleet';
import type { BaseDeps } from './baseDeps';
import type { Invocation } from './wrap';

export function reconcileOptions(deps: BaseDeps, invocation: Invocation): ReconcileOptions {
  return {
    dryRun: deps.settings.dryRun,
    heartbeatHeadroomSeconds: heartbeatHeadroomSeconds(deps.config.deployment.schedule),
    ...(deps.now ? { now: deps.now } : {}),
    ...(invocation.deadline !== undefined ? { deadline: invocation.deadline } : {}),
    ...(deps.settings.alarmTopicArn ? { alarmTopicArn: deps.settings.alarmTopicArn } : {}),
    ...(deps.settings.configDocumentName ? { configDocumentName: deps.settings.configDocumentName } : {}),
    ...(deps.settings.measureDocumentName ? { measureDocumentName: deps.settings.measureDocumentName } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  };
}
