/**
 * SSM adapter: which nodes' agents are online, Run Command of the configuration document, and
 * each invocation's result. Decides nothing.
 */
import {
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  type ListCommandInvocationsCommandOutput,
  paginateDescribeInstanceInformation,
  paginateListCommandInvocations,
  SendCommandCommand,
  type CommandInvocation,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { isAwsError } from './errors';

/** SendCommand takes at most 50 instance ids (docs/aws-facts.md, SSM: Run Command). */
export const SEND_BATCH = 50;
/** ListCommandInvocations (with Details) cuts each plugin's Output at 2,500 characters (docs/aws-facts.md, SSM: Run Command). */
export const PLUGIN_OUTPUT_LIMIT = 2500;

export interface InvocationResult {
  instanceId: string;
  status: string;
  /** Done: Success, Failed, TimedOut, Cancelled, ... */
  done: boolean;
  /**
   * Never reached the node: SSM reports an invocation for an agent that went offline as
   * Status Failed with StatusDetails Undeliverable, ResponseCode -1.
   */
  undelivered: boolean;
  exitCode?: number;
  stdout: string;
  stderr: string;
}

/** An invocation as listed for one instance: which command, and when it was sent. */
export interface ListedInvocation extends InvocationResult {
  commandId: string;
  requested?: Date;
}

const DONE = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled', 'Undeliverable', 'Terminated', 'DeliveryTimedOut', 'ExecutionTimedOut']);

export class SsmAdapter {
  constructor(private readonly client: SSMClient) {}

  /** The instances (of those given) whose SSM agent is online now. */
  async onlineInstances(instanceIds: readonly string[]): Promise<Set<string>> {
    const online = new Set<string>();
    for (let i = 0; i < instanceIds.length; i += SEND_BATCH) {
      const pages = paginateDescribeInstanceInformation(
        { client: this.client, pageSize: 50 },
        { Filters: [{ Key: 'InstanceIds', Values: instanceIds.slice(i, i + SEND_BATCH) }] },
      );
      for await (const page of pages) {
        for (const info of page.InstanceInformationList ?? []) if (info.InstanceId && info.PingStatus === 'Online') online.add(info.InstanceId);
      }
    }
    return online;
  }

  /**
   * Sends the document to the instances, 50 per call; returns the command id of each call and
   * the instances SSM refused (terminated or deregistered since they were seen online: SSM fails
   * the whole call for one of them, so the call is repeated without them).
   */
  async send(
    documentName: string,
    instanceIds: readonly string[],
    parameters: Record<string, string>,
    comment: string,
  ): Promise<{ commands: { commandId: string; instanceIds: string[] }[]; refused: string[] }> {
    const commands: { commandId: string; instanceIds: string[] }[] = [];
    const refused: string[] = [];
    const Parameters = Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, [v]]));
    for (let i = 0; i < instanceIds.length; i += SEND_BATCH) {
      let ids = instanceIds.slice(i, i + SEND_BATCH);
      while (ids.length > 0) {
        try {
          const res = await this.client.send(
            new SendCommandCommand({ DocumentName: documentName, InstanceIds: ids, Parameters, Comment: comment.slice(0, 100), TimeoutSeconds: 60 }),
          );
          commands.push({ commandId: res.Command?.CommandId ?? '', instanceIds: ids });
          break;
        } catch (err) {
          // "Instances [[i-1, i-2]] not in a valid state for account ...": drop them, send again.
          const bad = isAwsError(err, 'InvalidInstanceId') ? ids.filter((id) => (err as Error).message.includes(id)) : [];
          if (bad.length === 0) throw err;
          refused.push(...bad);
          ids = ids.filter((id) => !bad.includes(id));
        }
      }
    }
    return { commands, refused };
  }

  /**
   * Every invocation of a command, in one call per 50 (ListCommandInvocations with Details):
   * what a poll round needs, whatever the number of nodes. The plugins' Output is stdout and
   * stderr together, cut at 2,500 characters; `result` has the full streams (for failures).
   */
  async results(commandId: string): Promise<Map<string, InvocationResult>> {
    const out = new Map<string, InvocationResult>();
    for await (const page of paginateListCommandInvocations({ client: this.client, pageSize: 50 }, { CommandId: commandId, Details: true })) {
      for (const inv of page.CommandInvocations ?? []) if (inv.InstanceId) out.set(inv.InstanceId, fromListing(inv));
    }
    return out;
  }

  /**
   * The newest successful invocations of a document on one instance, newest first: one
   * ListCommandInvocations with Details, filtered by DocumentName and Status Success (filter keys:
   * docs/aws-facts.md, SSM: Run Command), at most `max` (SSM lists the newest first; they are
   * sorted again by RequestedDateTime). The plugins' Output is cut at 2,500 characters, as in
   * `results`. Read-only (`hfc doctor`).
   */
  async lastSucceeded(instanceId: string, documentName: string, max = 5): Promise<ListedInvocation[]> {
    // A filtered listing may answer an empty page with a NextToken: a few pages are followed.
    const found: NonNullable<ListCommandInvocationsCommandOutput['CommandInvocations']> = [];
    let token: string | undefined;
    for (let page = 0; page < 4 && found.length === 0; page++) {
      const res: ListCommandInvocationsCommandOutput = await this.client.send(
        new ListCommandInvocationsCommand({
          InstanceId: instanceId,
          Details: true,
          MaxResults: max,
          Filters: [
            { key: 'DocumentName', value: documentName },
            { key: 'Status', value: 'Success' },
          ],
          ...(token ? { NextToken: token } : {}),
        }),
      );
      found.push(...(res.CommandInvocations ?? []));
      token = res.NextToken;
      if (!token) break;
    }
    return found
      .filter((inv) => inv.InstanceId === instanceId && inv.DocumentName === documentName && inv.Status === 'Success')
      .map((inv) => ({ ...fromListing(inv), commandId: inv.CommandId ?? '', ...(inv.RequestedDateTime ? { requested: inv.RequestedDateTime } : {}) }))
      .sort((a, b) => (b.requested?.getTime() ?? 0) - (a.requested?.getTime() ?? 0));
  }

  /** One invocation, with up to 24,000 characters of stdout and 8,000 of stderr. */
  async result(commandId: string, instanceId: string): Promise<InvocationResult> {
    try {
      const r = await this.client.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
      const status = r.Status ?? 'Pending';
      return {
        instanceId,
        status,
        done: DONE.has(status),
        // Only Undeliverable means "never reached the node"; a delivery or execution timeout may
        // have run on the node, so it counts as a failure.
        undelivered: r.StatusDetails === 'Undeliverable',
        ...(r.ResponseCode !== undefined && r.ResponseCode >= 0 ? { exitCode: r.ResponseCode } : {}),
        stdout: r.StandardOutputContent ?? '',
        stderr: r.StandardErrorContent ?? '',
      };
    } catch (err) {
      // Right after SendCommand the invocation may not exist yet (SSM is eventually consistent).
      if (isAwsError(err, 'InvocationDoesNotExist')) return { instanceId, status: 'Pending', done: false, undelivered: false, stdout: '', stderr: '' };
      throw err;
    }
  }
}

/** An invocation as ListCommandInvocations (with Details) reports it: one shell step, one plugin. */
function fromListing(inv: CommandInvocation): InvocationResult {
  const status = inv.Status ?? 'Pending';
  const plugin = inv.CommandPlugins?.[0];
  const code = plugin?.ResponseCode;
  return {
    instanceId: inv.InstanceId ?? '',
    status,
    done: DONE.has(status),
    undelivered: inv.StatusDetails === 'Undeliverable',
    ...(code !== undefined && code >= 0 ? { exitCode: code } : {}),
    stdout: plugin?.Output ?? '',
    stderr: '',
  };
}
