/**
 * SSM adapter: which nodes' agents are online, Run Command of the configuration document, and
 * each invocation's result. Decides nothing.
 */
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { isAwsError } from './errors';

/** SendCommand takes at most 50 instance ids (aws-facts.md). */
export const SEND_BATCH = 50;

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

const DONE = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled', 'Undeliverable', 'Terminated', 'DeliveryTimedOut', 'ExecutionTimedOut']);

export class SsmAdapter {
  constructor(private readonly client: SSMClient) {}

  /** The instances (of those given) whose SSM agent is online now. */
  async onlineInstances(instanceIds: readonly string[]): Promise<Set<string>> {
    const online = new Set<string>();
    for (let i = 0; i < instanceIds.length; i += SEND_BATCH) {
      let token: string | undefined;
      do {
        const res = await this.client.send(
          new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: instanceIds.slice(i, i + SEND_BATCH) }], MaxResults: 50, ...(token ? { NextToken: token } : {}) }),
        );
        for (const info of res.InstanceInformationList ?? []) if (info.InstanceId && info.PingStatus === 'Online') online.add(info.InstanceId);
        token = res.NextToken;
      } while (token);
    }
    return online;
  }

  /** Sends the document to the instances, 50 per call; returns the command id of each call. */
  async send(documentName: string, instanceIds: readonly string[], parameters: Record<string, string>, comment: string): Promise<{ commandId: string; instanceIds: string[] }[]> {
    const out: { commandId: string; instanceIds: string[] }[] = [];
    const Parameters = Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, [v]]));
    for (let i = 0; i < instanceIds.length; i += SEND_BATCH) {
      const ids = instanceIds.slice(i, i + SEND_BATCH);
      const res = await this.client.send(new SendCommandCommand({ DocumentName: documentName, InstanceIds: ids, Parameters, Comment: comment.slice(0, 100), TimeoutSeconds: 60 }));
      out.push({ commandId: res.Command?.CommandId ?? '', instanceIds: ids });
    }
    return out;
  }

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
