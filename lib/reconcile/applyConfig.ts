/**
 * Pushes a configuration plan (lib/plan/config.ts) to the load balancers that are behind: only
 * to those whose SSM agent is online, 50 per command, then waits for the results (one listing per
 * command and round) and records each success on the node (`hfc:config-digest`). A burst of
 * events therefore never means a push per event: once a node has the digest, nothing is sent to
 * it again until the rendered text changes. Decides nothing: the plan said what and to whom.
 *
 * The version sent with a push is the time the run started observing, so of two overlapping
 * runs the one that saw the fleet later always wins on the node (the script refuses older ones).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { describeAwsError } from '../aws/errors';
import type { ConfigPlan, ConfigPlanOutcome } from '../plan/config';
import { CONFIG_DIGEST_TAG } from '../plan/tags';
import { assertToken } from '../tokens';
import type { ConfigPusher } from './ports';

export interface ConfigPushResult {
  /** Load balancers that run the plan's configuration once this run is over. */
  current: string[];
  pushed: string[];
  failed: { instanceId: string; status: string; output: string }[];
  /** Behind, but their agent is not online (or the node not ready) yet. */
  offline: string[];
}

export interface PushOptions {
  documentName: string;
  /** When this run started observing the fleet (epoch ms): the configuration's version. */
  version: number;
  dryRun?: boolean;
  /** Epoch ms: stop waiting for results then (the next run reads the tags again). */
  deadline?: number;
  /** Between polls of the invocations' results. */
  pollIntervalMs?: number;
}

/** The apply script's "not ready yet" (haproxy not installed): a booting node, not a failure. */
const NOT_READY_EXIT = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function applyConfig(fleetName: string, plan: ConfigPlan, aws: ConfigPusher, logger: Logger, opts: PushOptions): Promise<ConfigPushResult> {
  const result: ConfigPushResult = { current: [...plan.current], pushed: [], failed: [], offline: [] };
  if (plan.behind.length === 0) return result;

  const online = await aws.ssm.onlineInstances(plan.behind);
  result.offline = plan.behind.filter((id) => !online.has(id));
  const targets = plan.behind.filter((id) => online.has(id));
  logger.info('HAProxy configuration to push', { digest: plan.digest, bytes: plan.bytes, servers: plan.servers, targets, offline: result.offline });
  if (opts.dryRun || targets.length === 0) return result;

  // The parameters are interpolated into the document's shell text: asserted here as well as by
  // SSM's allowedPattern (the same token kinds), so a bug can never send one that is not.
  const parameters = {
    payload: assertToken('ssmPayload', plan.payload, 'SSM parameter payload'),
    digest: assertToken('sha256', plan.digest, 'SSM parameter digest'),
    version: assertToken('ssmVersion', String(opts.version), 'SSM parameter version'),
  };
  for (const id of targets) assertToken('instanceId', id, 'SendCommand target');
  const { commands, refused } = await aws.ssm.send(opts.documentName, targets, parameters, `haproxy-fleet-control ${fleetName} ${plan.digest.slice(0, 12)}`);
  result.offline.push(...refused);
  result.pushed = targets.filter((id) => !refused.includes(id));
  const pending = new Map(commands.flatMap((c) => c.instanceIds.map((id) => [id, c.commandId] as const)));
  for (let round = 0; pending.size > 0; round++) {
    if (round > 0) {
      if (opts.deadline !== undefined && Date.now() + (opts.pollIntervalMs ?? 1000) > opts.deadline) break;
      await sleep(opts.pollIntervalMs ?? 1000);
    }
    // One listing per command per round, whatever the number of nodes.
    const listed = new Map<string, Awaited<ReturnType<typeof aws.ssm.results>>>();
    for (const commandId of new Set(pending.values())) listed.set(commandId, await aws.ssm.results(commandId));
    for (const [id, commandId] of [...pending]) {
      let r = listed.get(commandId)?.get(id);
      if (!r?.done) continue;
      // A failure's diagnostics are in its full stderr, which only GetCommandInvocation returns;
      // if that call lags behind the listing, the listing's answer (and its output) stands.
      if (r.status !== 'Success' && !r.undelivered && r.exitCode !== NOT_READY_EXIT) {
        const full = await aws.ssm.result(commandId, id);
        if (full.done) r = full;
      }
      pending.delete(id);
      if (r.undelivered || r.exitCode === NOT_READY_EXIT) {
        // The agent went away before delivery, or the node is still booting: not its failure,
        // but it is not current either (excused from the gate only if it never served).
        result.offline.push(id);
        logger.info('configuration not applied yet (agent offline or node not ready); the next run pushes again', { instanceId: id, status: r.status });
      } else if (r.status === 'Success') {
        try {
          await aws.ec2.tagInstance(id, { [CONFIG_DIGEST_TAG]: assertToken('sha256', plan.digest, 'tag hfc:config-digest') });
          result.current.push(id);
          logger.info('node applied the configuration', { instanceId: id, digest: plan.digest, output: r.stdout.slice(-500) });
        } catch (err) {
          result.failed.push({ instanceId: id, status: 'applied, but recording it failed', output: describeAwsError(err) });
        }
      } else {
        result.failed.push({ instanceId: id, status: r.status, output: `${r.stderr}\n${r.stdout}`.trim().slice(-2000) });
        logger.error('node refused or failed the configuration; it keeps its old one, the next run retries', {
          instanceId: id,
          status: r.status,
          exitCode: r.exitCode,
          stderr: r.stderr.slice(-2000),
        });
      }
    }
  }
  if (pending.size) logger.warn('still waiting for nodes to apply the configuration; the next run checks again', { nodes: [...pending.keys()] });
  return result;
}

/**
 * The configuration step of a run: push what the plan says, or say why nothing is pushed.
 * @returns the push's result, and why it failed (the run then fails and the next one retries)
 */
export async function pushPlannedConfig(
  fleetName: string,
  outcome: ConfigPlanOutcome | undefined,
  aws: ConfigPusher,
  logger: Logger,
  opts: PushOptions,
): Promise<{ result?: ConfigPushResult; failure?: string }> {
  if (!outcome) return {};
  if (!outcome.ok) {
    logger.error('the HAProxy configuration is not pushed; the next run retries', { reason: outcome.reason });
    return { failure: outcome.reason.message };
  }
  try {
    return { result: await applyConfig(fleetName, outcome.plan, aws, logger, opts) };
  } catch (err) {
    logger.error('pushing the HAProxy configuration failed; the next run retries', { error: err as Error });
    return { failure: describeAwsError(err) };
  }
}
