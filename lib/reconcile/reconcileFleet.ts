/**
 * One fleet, one pass: observe, plan, apply, then complete the lifecycle actions whose work is
 * done. Every trigger (lifecycle event, schedule) runs exactly this; an event only adds a hint.
 *
 * Concurrent runs (the schedule and a lifecycle event) are safe without a lock: Route 53 is read
 * before the group (observe.ts), and when Route 53 rejects a change because another run got
 * there first (ConflictError), the pass observes and plans again, up to three times. A second
 * pass over a converged fleet plans nothing and makes no mutating call.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { FleetConfig } from '../config/schema';
import { ConflictError, ReconcileError, StaleEventError } from '../errors';
import type { LifecycleHint, LifecycleMessage } from '../events/types';
import { describeAwsError } from '../aws/errors';
import { planCompletions, type Completion, type CompletionPlan } from '../plan/completions';
import { planDns } from '../plan/dns';
import { passNonce } from '../plan/naming';
import type { Action, Plan } from '../plan/types';
import type { Adapters } from './adapters';
import { applyPlan, describeAction, type ApplyResult } from './apply';
import { observeFleet } from './observe';
import { applyAddressPlan } from './applyAddresses';
import { applyAlarms } from './applyAlarms';
import { pushConfig, type PushReport } from './pushConfig';
import { planAddresses } from '../plan/addresses';
import { planAlarms, type AlarmAction } from '../plan/alarms';
import type { AddressAction, AddressPlan } from '../plan/addressTypes';
import { LAUNCH_WAIT, LEAVING } from '../plan/lifecycle';
import type { ObservedFleet } from '../plan/types';

/** In elastic-ip mode a node registers its home address (wherever that address floats now). */
function withHomeAddresses(observed: ObservedFleet, homeOf: ReadonlyMap<string, string>): ObservedFleet {
  return { ...observed, nodes: observed.nodes.map((n) => (homeOf.has(n.instanceId) ? { ...n, address: homeOf.get(n.instanceId)! } : n)) };
}

const MAX_PASSES = 3;

export interface CompletionOutcome extends Completion {
  outcome: 'completed' | 'no-active-action' | 'dry-run';
}

/** What one reconcile did, for the handler's log, its return value and the demo. */
export interface FleetReport {
  fleet: string;
  group: string;
  dryRun: boolean;
  passes: number;
  /** Actions applied (or, in a dry run, planned), in order. */
  actions: Action[];
  registered: string[];
  /** Nodes that cannot be registered yet. */
  waiting: Plan['waiting'];
  /** Leaving nodes in their deregistration delay. */
  draining: CompletionPlan['draining'];
  /** Nodes left for the next run because the invocation ran out of time. */
  deferred: string[];
  completions: CompletionOutcome[];
  /** Elastic IP changes applied (or planned, in a dry run). */
  addressActions: AddressAction[];
  /** Managed alarm changes applied (or planned). */
  alarmActions: AlarmAction[];
  /** The HAProxy configuration push, for fleets with `haproxy`. */
  config?: PushReport;
  /** The lifecycle event folded in, and how it came to be trusted. */
  hint?: LifecycleHint;
}

export interface ReconcileOptions {
  dryRun?: boolean;
  hint?: LifecycleMessage;
  /** The clock (the simulated account passes its own). */
  now?: () => Date;
  /** Epoch ms after which no new health check is started. */
  deadline?: number;
  /** The topic managed alarms notify; without it no alarm is managed. */
  alarmTopicArn?: string;
  /** The SSM document that applies an HAProxy configuration on a node; without it nothing is pushed. */
  configDocumentName?: string;
  /** A lifecycle event of one of the fleet's application groups. */
  appHint?: LifecycleMessage;
}

export async function reconcileFleet(fleet: FleetConfig, aws: Adapters, logger: Logger, opts: ReconcileOptions = {}): Promise<FleetReport> {
  const dryRun = opts.dryRun ?? false;
  const now = opts.now ?? (() => new Date());
  let plan!: Plan;
  let completions!: CompletionPlan;
  let applied: ApplyResult = { failed: new Map(), deferred: new Set() };
  let addressPlan: AddressPlan | undefined;
  let addressFailures = new Set<string>();
  let alarmActions: AlarmAction[] = [];
  let lastObserved: ObservedFleet | undefined;
  /** When the last pass started observing: the version of the configuration it pushes. */
  let observedAt = 0;
  let push: PushReport | undefined;
  let configError: Error | undefined;
  let passes = 0;

  try {
    for (;;) {
      passes += 1;
      try {
        observedAt = now().getTime();
        const observed = await observeFleet(fleet, aws, {
          ...(opts.hint ? { hint: opts.hint } : {}),
          ...(opts.appHint ? { appHint: opts.appHint } : {}),
          servers: !!(fleet.haproxy && opts.configDocumentName),
          dryRun,
        });
        lastObserved = observed;
        const at = now();
        // Addresses first: a node's home Elastic IP is what DNS registers for it.
        addressPlan =
          fleet.elasticIps && observed.addressState ? planAddresses(observed.addressState.nodes, observed.addressState.pool, fleet.elasticIps, at) : undefined;
        alarmActions = observed.addressState && opts.alarmTopicArn ? planAlarms(fleet, observed.nodes, observed.addressState.alarms, opts.alarmTopicArn) : [];
        const forDns = fleet.dns.address === 'elastic-ip' && addressPlan ? withHomeAddresses(observed, addressPlan.homeOf) : observed;
        // The nonce comes from the wall clock, not `now`: it must differ between passes, even in a simulation.
        plan = planDns(fleet, forDns, { nonce: passNonce(), now: at });
        completions = planCompletions(fleet, forDns, plan, { now: at });
        const changes = plan.actions.length + (addressPlan?.actions.length ?? 0) + alarmActions.length;
        logger.info(changes ? 'planned changes' : 'fleet in sync', {
          pass: passes,
          nodes: observed.nodes.length,
          records: observed.records.length,
          healthChecks: observed.healthChecks.length,
          changes: plan.actions.map(describeAction),
          ...(addressPlan ? { addressChanges: addressPlan.actions, stuckAddresses: addressPlan.stuck } : {}),
          ...(alarmActions.length
            ? { alarmChanges: alarmActions.map((a) => ({ kind: a.kind, reason: a.reason, name: a.kind === 'putAlarm' ? a.spec.name : a.name })) }
            : {}),
        });
        if (!dryRun && addressPlan && addressPlan.actions.length > 0) {
          addressFailures = (await applyAddressPlan(addressPlan, aws.addresses, logger, now)).failedNodes;
        }
        if (!dryRun && plan.actions.length > 0) {
          applied = await applyPlan(fleet, plan, aws, logger, opts.deadline !== undefined ? { deadline: opts.deadline } : {});
        }
        if (!dryRun && alarmActions.length > 0) await applyAlarms(alarmActions, aws.cloudWatch, logger);
        break;
      } catch (err) {
        if (!(err instanceof ConflictError) || passes >= MAX_PASSES) throw err;
        logger.warn('another writer changed Route 53 under this pass; observing again', { pass: passes, error: err.message });
      }
    }
  } catch (err) {
    // A stale or forged event: nothing was changed (observing comes first), the handler says why.
    if (err instanceof ReconcileError || err instanceof StaleEventError) throw err;
    throw new ReconcileError(`reconciling fleet ${fleet.name} failed: ${describeAwsError(err)}; no lifecycle action was completed`, fleet.name, { cause: err });
  }

  // The HAProxy configuration follows the fleet: pushed once DNS is in line (pushes are slow;
  // nothing above waits for them). A failed or offline node keeps its old configuration and only
  // holds back its own launch.
  if (fleet.haproxy && opts.configDocumentName && lastObserved?.serversError) {
    configError = lastObserved.serversError;
    logger.error('reading the application tier failed; the configuration is not pushed and launches wait for it, the next run retries', { error: configError });
  } else if (fleet.haproxy && opts.configDocumentName && lastObserved?.servers) {
    try {
      push = await pushConfig(fleet, lastObserved.nodes, lastObserved.servers, aws, logger, {
        documentName: opts.configDocumentName,
        version: observedAt,
        dryRun,
        ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
      });
    } catch (err) {
      // Surfaced at the end (so the run fails visibly), after everything else was done.
      configError = err as Error;
      logger.error('pushing the HAProxy configuration failed; the next run retries', { error: err as Error });
    }
  }
  const configured = (id: string) => !fleet.haproxy || !opts.configDocumentName || (push?.current.includes(id) ?? false);

  const hint = lastObserved?.hint ?? lastObserved?.servers?.hint;
  if (hint?.check === 'assumed (dry run)') {
    logger.warn(
      'the event contradicts Auto Scaling; a dry run does not confirm it (a heartbeat would extend the action): the plan assumes Auto Scaling would',
      { ...hint },
    );
  }
  for (const w of plan.waiting) {
    logger.warn('node cannot be registered yet; its launch is completed once it can be, or ABANDONed when the hook times out', { ...w });
  }
  for (const d of completions.draining) logger.info('leaving node is draining; its termination continues after the deregistration delay', { ...d });
  if (applied.deferred.size)
    logger.warn('nodes left for the next run (out of time, or Route 53 throttling health check creation)', { deferred: [...applied.deferred] });

  const outcomes: CompletionOutcome[] = [];
  /** Completes one lifecycle action with CONTINUE; a failure is reported with the others at the end. */
  const complete = async (c: Completion, groupName: string): Promise<void> => {
    if (dryRun) {
      logger.info('would complete lifecycle action (dry run)', { ...c, group: groupName });
      outcomes.push({ ...c, outcome: 'dry-run' });
      return;
    }
    try {
      const outcome = await aws.autoScaling.completeLifecycleAction({
        groupName,
        hookName: c.hookName,
        instanceId: c.instanceId,
        result: 'CONTINUE',
      });
      logger.info(outcome === 'completed' ? 'lifecycle action completed with CONTINUE' : 'lifecycle action no longer exists; nothing to complete', {
        ...c,
        group: groupName,
      });
      outcomes.push({ ...c, outcome });
    } catch (err) {
      // One node's failure must not keep the others waiting; reported with the rest below.
      applied.failed.set(c.instanceId, `completing the ${c.transition} action: ${describeAwsError(err)}`);
      logger.error('completing the lifecycle action failed; the next run retries', { ...c, group: groupName, error: err as Error });
    }
  };

  for (const c of completions.complete) {
    if (applied.failed.has(c.instanceId) || applied.deferred.has(c.instanceId)) continue;
    if (c.transition === 'launching' && !configured(c.instanceId)) {
      logger.info('launching node has not applied the HAProxy configuration yet (agent offline, push failed or still running); its launch waits', { ...c });
      continue;
    }
    if (addressFailures.has(c.instanceId)) {
      logger.warn('address work for this node failed; its lifecycle action is not completed', { ...c });
      continue;
    }
    // A leaving node still holding a pool address keeps it serving until a peer has taken it
    // (the next run places it); only with no healthy peer at all is it let go.
    const holding = c.transition === 'terminating' && addressPlan ? [...addressPlan.holders].filter(([, h]) => h === c.instanceId).map(([id]) => id) : [];
    if (holding.length && addressPlan?.anyReceiver) {
      logger.warn('leaving node still holds Elastic IPs; its termination continues once a peer has them', { ...c, addresses: holding });
      continue;
    }
    await complete(c, fleet.autoScalingGroupName);
  }

  // Application servers: launching ones once every load balancer that may carry traffic runs a
  // configuration with them, terminating ones once none runs one with them any more.
  for (const n of push?.appNodes ?? []) {
    const transition = n.lifecycleState === LAUNCH_WAIT ? 'launching' : n.lifecycleState === LEAVING ? 'terminating' : undefined;
    if (!transition) continue;
    if (!push!.gateOpen) {
      logger.info('application server waits until every load balancer that may carry traffic has the new configuration', {
        instanceId: n.instanceId,
        transition,
      });
      continue;
    }
    if (transition === 'launching' && !push!.rendered.has(n.instanceId)) {
      logger.info('launching application server is not in the configuration yet (no private IP seen); it waits', { instanceId: n.instanceId });
      continue;
    }
    const hookName = fleet.appLifecycleHooks[transition].name;
    await complete({ instanceId: n.instanceId, transition, hookName, reason: 'every load balancer that may carry traffic has the configuration' }, n.groupName);
  }

  for (const id of addressFailures) if (!applied.failed.has(id)) applied.failed.set(id, 'Elastic IP work failed (see the errors above)');
  if (configError) applied.failed.set(`fleet ${fleet.name} configuration`, describeAwsError(configError));
  logger.info('reconcile finished', {
    passes,
    changes: dryRun ? 0 : plan.actions.length,
    registered: plan.registered.length,
    completed: outcomes.filter((o) => o.outcome === 'completed').length,
    draining: completions.draining.length,
    waiting: plan.waiting.length,
    deferred: applied.deferred.size,
    failed: applied.failed.size,
  });

  if (applied.failed.size > 0) {
    const list = [...applied.failed].map(([id, why]) => `${id} (${why})`).join('; ');
    throw new ReconcileError(
      `fleet ${fleet.name}: ${applied.failed.size} node(s) could not be brought in line, their lifecycle actions were not completed: ${list}`,
      fleet.name,
    );
  }
  return {
    fleet: fleet.name,
    group: fleet.autoScalingGroupName,
    dryRun,
    passes,
    actions: plan.actions,
    registered: plan.registered,
    waiting: plan.waiting,
    draining: completions.draining,
    deferred: [...applied.deferred],
    completions: outcomes,
    addressActions: addressPlan?.actions ?? [],
    alarmActions,
    ...(push ? { config: push } : {}),
    ...(lastObserved?.hint ? { hint: lastObserved.hint } : lastObserved?.servers?.hint ? { hint: lastObserved.servers.hint } : {}),
  };
}
