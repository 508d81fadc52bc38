/**
 * Keep every load balancer on the configuration the fleet's state renders to: render, compare
 * with what each node has verifiably applied (its `hfc:config-digest` tag), push only to the
 * nodes that are behind and whose SSM agent is online, wait for their results, and record each
 * success on the node. A burst of events therefore never means a push per event: once a node has
 * the digest, nothing is sent to it again until the rendered text changes.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { FleetConfig } from '../config/schema';
import { describeAwsError } from '../aws/errors';
import { checkedPayload } from '../haproxy/payload';
import { renderConfig, type Member } from '../haproxy/render';
import { belongsInDns } from '../plan/nodes';
import { CONFIG_DIGEST_TAG, type ObservedNode } from '../plan/types';
import type { Adapters } from './adapters';
import { observeServers, type AppNode } from './observeServers';
import type { LifecycleMessage } from '../events/types';

export interface PushReport {
  digest: string;
  bytes: number;
  /** Nodes that have the current configuration once this run is over. */
  current: string[];
  pushed: string[];
  failed: { instanceId: string; status: string; output: string }[];
  /** Behind, but their agent is not online yet: they get it as soon as it is. */
  offline: string[];
  /** Every load balancer whose agent is online has the current configuration. */
  allOnlineCurrent: boolean;
  /** The application groups' instances, with their lifecycle states. */
  appNodes: AppNode[];
}

export interface PushOptions {
  documentName: string;
  dryRun?: boolean;
  now?: () => Date;
  /** Epoch ms: stop waiting for results then (the next run reads the tags again). */
  deadline?: number;
  /** Between polls of the invocations' results. */
  pollIntervalMs?: number;
  /** A lifecycle event of an application group. */
  appHint?: LifecycleMessage;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function pushConfig(fleet: FleetConfig, nodes: readonly ObservedNode[], aws: Adapters, logger: Logger, opts: PushOptions): Promise<PushReport> {
  const lbs = nodes.filter((n) => belongsInDns(n) && n.privateIp).sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  const peers: Member[] = lbs.map((n) => ({ instanceId: n.instanceId, ip: n.privateIp! }));
  const { servers, appNodes } = await observeServers(fleet, aws, opts.appHint);
  const text = renderConfig(fleet.haproxy!, { peers, servers });
  const { payload, digest, bytes } = checkedPayload(text);
  const current = new Set(lbs.filter((n) => n.configDigest === digest).map((n) => n.instanceId));
  const behind = lbs.filter((n) => !current.has(n.instanceId)).map((n) => n.instanceId);
  const report: PushReport = { digest, bytes, current: [...current], pushed: [], failed: [], offline: [], allOnlineCurrent: behind.length === 0, appNodes };
  if (behind.length === 0) return report;

  const online = await aws.ssm.onlineInstances(behind);
  report.offline = behind.filter((id) => !online.has(id));
  const targets = behind.filter((id) => online.has(id));
  logger.info('HAProxy configuration to push', { digest, bytes, servers: Object.fromEntries(Object.entries(servers).map(([k, v]) => [k, v.length])), targets, offline: report.offline });
  report.allOnlineCurrent = targets.length === 0;
  if (opts.dryRun || targets.length === 0) return report;

  const version = String((opts.now ?? (() => new Date()))().getTime());
  const commands = await aws.ssm.send(opts.documentName, targets, { payload, digest, version }, `haproxy-fleet-control ${fleet.name} ${digest.slice(0, 12)}`);
  report.pushed = targets;
  const pending = new Map(commands.flatMap((c) => c.instanceIds.map((id) => [id, c.commandId] as const)));
  for (let round = 0; pending.size > 0; round++) {
    if (round > 0) {
      if (opts.deadline !== undefined && Date.now() + (opts.pollIntervalMs ?? 1000) > opts.deadline) break;
      await sleep(opts.pollIntervalMs ?? 1000);
    }
    for (const [id, commandId] of [...pending]) {
      const r = await aws.ssm.result(commandId, id);
      if (!r.done) continue;
      pending.delete(id);
      if (r.undelivered) {
        // The agent went away between our check and the delivery: not a failure of the node.
        report.offline.push(id);
        logger.info('configuration not delivered (agent offline); the next run pushes again', { instanceId: id });
      } else if (r.status === 'Success') {
        try {
          await aws.ec2.tagInstance(id, { [CONFIG_DIGEST_TAG]: digest });
          report.current.push(id);
          logger.info('node applied the configuration', { instanceId: id, digest, output: r.stdout.slice(-500) });
        } catch (err) {
          report.failed.push({ instanceId: id, status: 'applied, but recording it failed', output: describeAwsError(err) });
        }
      } else {
        report.failed.push({ instanceId: id, status: r.status, output: `${r.stderr}\n${r.stdout}`.trim().slice(-2000) });
        logger.error('node refused or failed the configuration; it keeps its old one, the next run retries', { instanceId: id, status: r.status, exitCode: r.exitCode, stderr: r.stderr.slice(-2000) });
      }
    }
  }
  if (pending.size) logger.warn('still waiting for nodes to apply the configuration; the next run checks again', { nodes: [...pending.keys()] });
  report.allOnlineCurrent = targets.every((id) => report.current.includes(id) || report.offline.includes(id));
  return report;
}
