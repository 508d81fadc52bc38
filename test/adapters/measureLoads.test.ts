/**
 * Measuring drains through SSM (lib/reconcile/measureLoads.ts) against a mocked SSM client: what
 * we send (only to online agents, the measure document, the servers as one parameter) and how
 * answers are read (a cut-short listing is read again in full; a failure is "unmeasured", never 0).
 */
import 'aws-sdk-client-mock-vitest/extend';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
  type CommandInvocationStatus,
  type SendCommandCommandInput,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SsmAdapter } from '../../lib/aws/ssm';
import { MEASURE_DOCUMENT_PARAMETERS } from '../../deploy/cloudformation';
import { measureLoads } from '../../lib/reconcile/measureLoads';

const ssmMock = mockClient(SSMClient);
const id = (n: number) => `i-0${String(n).padStart(16, '0')}`;
const SERVER = 'i-0aaaaaaaaaaaaaaa1';
const logger = new Logger({ logLevel: 'SILENT' });
const now = () => new Date('2026-12-02T12:00:00Z');
let aws: { ssm: SsmAdapter };

beforeEach(() => {
  ssmMock.reset();
  aws = { ssm: new SsmAdapter(new SSMClient({ region: 'eu-west-1' })) };
  ssmMock.on(DescribeInstanceInformationCommand).resolves({
    InstanceInformationList: [
      { InstanceId: id(1), PingStatus: 'Online' },
      { InstanceId: id(2), PingStatus: 'Online' },
      { InstanceId: id(3), PingStatus: 'ConnectionLost' },
    ],
  });
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
});

const invocation = (instanceId: string, output: string, status: CommandInvocationStatus = 'Success', code = 0) => ({
  InstanceId: instanceId,
  Status: status,
  CommandPlugins: [{ ResponseCode: code, Output: output }],
});

describe('measureLoads', () => {
  it('sends the measure document once, to the online load balancers only, with the servers as one parameter; reads each answer', async () => {
    // Prepare
    ssmMock.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [invocation(id(1), `workers 1\nconnections 4\nserver ${SERVER} 2 0\nend\n`), invocation(id(2), 'workers 2\nconnections 0\nend\n')],
    });

    // Act
    const m = await measureLoads({ loadBalancers: [id(1), id(2), id(3)], servers: [SERVER] }, aws, logger, { documentName: 'Measure', now, pollIntervalMs: 1 });

    // Assess
    const sent = ssmMock.commandCalls(SendCommandCommand).map((c) => c.args[0].input as SendCommandCommandInput);
    expect(sent).toEqual([expect.objectContaining({ DocumentName: 'Measure', InstanceIds: [id(1), id(2)], Parameters: { servers: [SERVER] } })]);
    expect(m.loads).toEqual({ [id(1)]: { connections: 4, servers: { [SERVER]: { sessions: 2, weights: [0] } } }, [id(2)]: { connections: 0, servers: {} } });
    expect(m.unmeasured).toEqual({ [id(3)]: 'its SSM agent is not online' });
  });

  it('more servers than one command takes (the document admits 200 ids): one command per 200, answers merged', async () => {
    // Prepare: each command's answer lists the servers it asked about
    const servers = Array.from({ length: 450 }, (_, i) => `i-0${String(i).padStart(16, 'a')}`);
    let commands = 0;
    ssmMock.on(SendCommandCommand).callsFake(() => ({ Command: { CommandId: `cmd-${++commands}` } }));
    ssmMock.on(ListCommandInvocationsCommand).callsFake((input: { CommandId: string }) => {
      const asked = (
        ssmMock.commandCalls(SendCommandCommand)[Number(input.CommandId.slice(4)) - 1]!.args[0].input as SendCommandCommandInput
      ).Parameters!.servers![0]!.split(',');
      const out = `workers 1\nconnections 3\n${asked.map((id) => `server ${id} 0 0`).join('\n')}\nend\n`;
      return { CommandInvocations: [invocation(id(1), out)] };
    });

    // Act
    const m = await measureLoads({ loadBalancers: [id(1)], servers }, aws, logger, { documentName: 'Measure', now, pollIntervalMs: 1 });

    // Assess
    const sent = ssmMock.commandCalls(SendCommandCommand).map((c) => (c.args[0].input as SendCommandCommandInput).Parameters!.servers![0]!.split(',').length);
    expect(sent).toEqual([200, 200, 50]);
    for (const p of ssmMock.commandCalls(SendCommandCommand))
      expect((p.args[0].input as SendCommandCommandInput).Parameters!.servers![0]).toMatch(new RegExp(MEASURE_DOCUMENT_PARAMETERS.servers.allowedPattern));
    expect(Object.keys(m.loads[id(1)]!.servers)).toHaveLength(450);
    expect(m.loads[id(1)]!.connections).toBe(3);
  });

  it('"none" when no server is asked about (a load balancer drain)', async () => {
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [invocation(id(1), 'workers 1\nconnections 0\nend\n')] });
    await measureLoads({ loadBalancers: [id(1)], servers: [] }, aws, logger, { documentName: 'Measure', now, pollIntervalMs: 1 });
    expect(ssmMock).toHaveReceivedCommandWith(SendCommandCommand, { Parameters: { servers: ['none'] } });
  });

  it('an answer the listing cut short is read again in full (GetCommandInvocation); a failed one is unmeasured', async () => {
    // Prepare: the listing cuts output at 2,500 characters (no "end" line)
    ssmMock.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [invocation(id(1), `workers 1\nconnections 0\nserver ${SERVER} 0 0\n`), invocation(id(2), '', 'Failed', 6)],
    });
    ssmMock
      .on(GetCommandInvocationCommand, { InstanceId: id(1) })
      .resolves({ Status: 'Success', ResponseCode: 0, StandardOutputContent: `workers 1\nconnections 0\nserver ${SERVER} 1 0\nend\n` });

    // Act
    const m = await measureLoads({ loadBalancers: [id(1), id(2)], servers: [SERVER] }, aws, logger, { documentName: 'Measure', now, pollIntervalMs: 1 });

    // Assess
    expect(m.loads[id(1)]!.servers[SERVER]).toEqual({ sessions: 1, weights: [0] });
    expect(m.loads[id(2)]).toBeUndefined();
    expect(m.unmeasured[id(2)]).toMatch(/the measure failed \(Failed, exit 6\)/);
  });

  it('no answer within the wait: unmeasured, with why', async () => {
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [{ InstanceId: id(1), Status: 'InProgress' }] });
    const m = await measureLoads({ loadBalancers: [id(1)], servers: [] }, aws, logger, { documentName: 'Measure', now, waitMs: 30, pollIntervalMs: 10 });
    expect(m.unmeasured).toEqual({ [id(1)]: 'no answer in time' });
  });

  it('an SSM error on the way is unmeasured for every load balancer not measured yet, and the run goes on', async () => {
    ssmMock.on(SendCommandCommand).rejects(new Error('AccessDeniedException: not allowed'));
    const m = await measureLoads({ loadBalancers: [id(1), id(2)], servers: [] }, aws, logger, { documentName: 'Measure', now });
    expect(Object.keys(m.unmeasured).sort()).toEqual([id(1), id(2)]);
    expect(m.unmeasured[id(1)]).toContain('not allowed');
  });
});
