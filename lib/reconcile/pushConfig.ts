/**
 * Keep every load balancer on the configuration the fleet's state renders to: render, compare
 * with what each node has verifiably applied (its `hfc:config-digest` tag), push only to the
 * nodes that are behind and whose SSM agent is online, wait for their results, and record each
 * success on the node. A burst of events therefore never means a push per event: once a node has
 * the digest, nothing is sent to it again until the rendered text changes.
 *
 *   load balancer                          pushed to   must be current before an app server
 *                                                      is put in service or let go
 *   -------------------------------------  ----------  ----------------------------------------
 *   in DNS (launching or in service)       yes         yes (an offline agent blocks: it may
 *                                                      still route to the old server list)
 *   draining (Terminating:Wait)            yes         yes (it serves until released)
 *   launching, never configured, offline   -           no (it serves nothing yet)
 *   agent not ready (haproxy not yet       -           no, while it has never been configured
 *     installed: the script's exit 6)
 *
 * The version sent with a push is the time the run started observing, so of two overlapping
 * runs the one that saw the fleet later always wins on the node (the script refuses older ones).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { FleetConfig } from '../config/schema';
import { describeAwsError } from '../aws/errors';
import { checkedPayload } from '../haproxy/payload';
import { renderConfig, type Member } from '../haproxy/render';
import { LAUNCHING, LEAVING } from '../plan/lifecycle';
import { belongsInDns } from '../plan/nodes';
import { CONFIG_DIGEST_TAG, type AppNode, type ObservedNode, type ServersState } from '../plan/types';
import { assertToken } from '../tokens';
import type { Adapters } from './adapters';

export interface PushReport {
  digest: string;
  bytes: number;
  /** Nodes that have the current configuration once this run is over. */
  current: string[];
  pushed: string[];
  failed: { instanceId: string; status: string; output: string }[];
  /** Behind, but their agent is not online (or not ready) yet. */
  offline: string[];
  /** Every load balancer that may carry traffic runs the current configuration. */
  gateOpen: boolean;
  /** The application groups' instances, with their lifecycle states. */
  appNodes: AppNode[];
  /** The servers the configuration lists (instance ids). */
  rendered: Set<string>;
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
const byId = (a: { instanceId: string }, b: { instanceId: string }) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0);

export async function pushConfig(
  fleet: FleetConfig,
  nodes: readonly ObservedNode[],
  tier: ServersState,
  aws: Adapters,
  logger: Logger,
  opts: PushOptions,
): Promise<PushReport> {
  // Peers: the nodes in DNS. Pushed to: those and the draining ones (they still serve).
  const serving = nodes.filter((n) => (belongsInDns(n) || n.lifecycleState === LEAVING) && n.privateIp).sort(byId);
  const peers: Member[] = serving.filter(belongsInDns).map((n) => ({ instanceId: n.instanceId, ip: n.privateIp! }));
  const { servers, appNodes } = tier;
  const hc = fleet.healthCheck;
  const text = renderConfig(fleet.haproxy!, {
    peers,
    servers,
    health: { protocol: hc.protocol, port: hc.port, ...(hc.protocol !== 'TCP' ? { path: hc.path } : {}) },
  });
  const { payload, digest, bytes } = checkedPayload(text);
  const rendered = new Set(Object.values(servers).flatMap((list) => list.map((m) => m.instanceId)));
  const current = new Set(serving.filter((n) => n.configDigest === digest).map((n) => n.instanceId));
  const behind = serving.filter((n) => !current.has(n.instanceId));
  // Only a launching node that has never been configured is excused from the gate.
  const excusable = (id: string) => {
    const n = serving.find((x) => x.instanceId === id)!;
    return LAUNCHING.has(n.lifecycleState) && !n.configDigest;
  };
  const report: PushReport = { digest, bytes, current: [...current], pushed: [], failed: [], offline: [], gateOpen: behind.length === 0, appNodes, rendered };
  if (behind.length === 0) return report;

  const online = await aws.ssm.onlineInstances(behind.map((n) => n.instanceId));
  report.offline = behind.filter((n) => !online.has(n.instanceId)).map((n) => n.instanceId);
  const targets = behind.filter((n) => online.has(n.instanceId)).map((n) => n.instanceId);
  logger.info('HAProxy configuration to push', {
    digest,
    bytes,
    servers: Object.fromEntries(Object.entries(servers).map(([k, v]) => [k, v.length])),
    targets,
    offline: report.offline,
  });
  const settle = () => {
    report.gateOpen = behind.every((n) => report.current.includes(n.instanceId) || (report.offline.includes(n.instanceId) && excusable(n.instanceId)));
  };
  settle();
  if (opts.dryRun || targets.length === 0) return report;

  // The parameters are interpolated into the document's shell text: asserted here as well as by
  // SSM's allowedPattern (the same token kinds), so a bug can never send one that is not.
  const parameters = {
    payload: assertToken('ssmPayload', payload, 'SSM parameter payload'),
    digest: assertToken('sha256', digest, 'SSM parameter digest'),
    version: assertToken('ssmVersion', String(opts.version), 'SSM parameter version'),
  };
  for (const id of targets) assertToken('instanceId', id, 'SendCommand target');
  const { commands, refused } = await aws.ssm.send(opts.documentName, targets, parameters, `haproxy-fleet-control ${fleet.name} ${digest.slice(0, 12)}`);
  report.offline.push(...refused);
  report.pushed = targets.filter((id) => !refused.includes(id));
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
      // A failure's diagnostics are in its full stderr, which only GetCommandInvocation returns.
      if (r.status !== 'Success' && !r.undelivered && r.exitCode !== NOT_READY_EXIT) r = await aws.ssm.result(commandId, id);
      pending.delete(id);
      if (r.undelivered || r.exitCode === NOT_READY_EXIT) {
        // The agent went away before delivery, or the node is still booting: not its failure,
        // but it is not current either (excused from the gate only if it never served).
        report.offline.push(id);
        logger.info('configuration not applied yet (agent offline or node not ready); the next run pushes again', { instanceId: id, status: r.status });
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
  settle();
  return report;
}
