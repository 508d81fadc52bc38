/**
 * One dry run of the functions' own reconcile per fleet: the same observe and plan code, with
 * every change left out (dryRun: no write, no heartbeat, no measurement command). What the CLI
 * shows is what the scheduled reconcile would do now.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { heartbeatHeadroomSeconds } from '../lib/config/schedule';
import type { FleetConfig } from '../lib/config/load';
import type { FleetPlan } from '../lib/plan/fleet';
import type { ObservedFleet } from '../lib/plan/types';
import type { PassOutcome } from '../lib/reconcile/pass';
import { type FleetReport, reconcileFleet } from '../lib/reconcile/reconcileFleet';
import type { CheckHealth } from './checkHealth';
import type { CliContext } from './context';

export interface FleetView {
  fleet: FleetConfig;
  observed: ObservedFleet;
  plan: FleetPlan;
  report: FleetReport;
  /** Route 53's verdict on each of our checks, when read (status, why). */
  checkHealth?: Map<string, CheckHealth>;
}

export async function inspectFleet(ctx: CliContext, fleet: FleetConfig, debug = false): Promise<FleetView> {
  let pass: PassOutcome | undefined;
  const logger = new Logger({ serviceName: 'hfc', logLevel: debug ? 'DEBUG' : 'SILENT' });
  const report = await reconcileFleet(fleet, ctx.aws, logger, {
    dryRun: true,
    now: ctx.now,
    heartbeatHeadroomSeconds: heartbeatHeadroomSeconds(ctx.config.deployment.schedule),
    ...(ctx.alarmTopicArn ? { alarmTopicArn: ctx.alarmTopicArn } : {}),
    ...(ctx.configDocumentName ? { configDocumentName: ctx.configDocumentName } : {}),
    ...(ctx.measureDocumentName ? { measureDocumentName: ctx.measureDocumentName } : {}),
    inspect: (p) => {
      pass = p;
    },
  });
  return { fleet, observed: pass!.observed, plan: pass!.plan, report };
}
