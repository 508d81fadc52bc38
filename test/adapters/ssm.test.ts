import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  GetCommandInvocationCommand,
  InvalidInstanceId,
  InvocationDoesNotExist,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
  type SendCommandCommandInput,
} from '@aws-sdk/client-ssm';
import { SsmAdapter } from '../../lib/aws/ssm';

const ssmMock = mockClient(SSMClient);
let adapter: SsmAdapter;
const id = (n: number) => `i-0${String(n).padStart(16, '0')}`;

beforeEach(() => {
  ssmMock.reset();
  adapter = new SsmAdapter(new SSMClient({ region: 'eu-west-1' }));
});

const sent = () => ssmMock.commandCalls(SendCommandCommand).map((c) => c.args[0].input as SendCommandCommandInput);

describe('send', () => {
  it('50 instances per call, the parameters as single-value lists', async () => {
    // Prepare
    ssmMock.on(SendCommandCommand).callsFake((input: SendCommandCommandInput) => ({ Command: { CommandId: `c-${input.InstanceIds!.length}` } }));
    const ids = Array.from({ length: 120 }, (_, i) => id(i));

    // Act
    const { commands, refused } = await adapter.send('Doc', ids, { payload: 'cGF5', digest: 'ab', version: '7' }, 'comment');

    // Assess
    expect(sent().map((s) => s.InstanceIds!.length)).toEqual([50, 50, 20]);
    expect(sent()[0]).toMatchObject({ DocumentName: 'Doc', Parameters: { payload: ['cGF5'], digest: ['ab'], version: ['7'] }, TimeoutSeconds: 60 });
    expect(commands.flatMap((c) => c.instanceIds)).toEqual(ids);
    expect(refused).toEqual([]);
  });

  it('an instance SSM refuses (terminated meanwhile) is dropped and the call repeated for the others', async () => {
    // Prepare
    ssmMock
      .on(SendCommandCommand)
      .rejectsOnce(new InvalidInstanceId({ message: `Instances [[${id(2)}]] not in a valid state for account 123456789012`, $metadata: {} }))
      .resolves({ Command: { CommandId: 'c-1' } });

    // Act
    const { commands, refused } = await adapter.send('Doc', [id(1), id(2), id(3)], { payload: 'x', digest: 'y', version: '1' }, 'c');

    // Assess
    expect(refused).toEqual([id(2)]);
    expect(sent().map((s) => s.InstanceIds)).toEqual([
      [id(1), id(2), id(3)],
      [id(1), id(3)],
    ]);
    expect(commands).toEqual([{ commandId: 'c-1', instanceIds: [id(1), id(3)] }]);
  });
});

describe('result', () => {
  it('maps Status, exit code and output; Undeliverable is "never reached the node"; a timeout is not', async () => {
    ssmMock
      .on(GetCommandInvocationCommand)
      .resolvesOnce({ Status: 'Success', ResponseCode: 0, StandardOutputContent: 'applied' })
      .resolvesOnce({ Status: 'Failed', StatusDetails: 'Undeliverable', ResponseCode: -1 })
      .resolvesOnce({ Status: 'Failed', StatusDetails: 'DeliveryTimedOut', ResponseCode: -1 })
      .rejectsOnce(new InvocationDoesNotExist({ message: 'not yet', $metadata: {} }));
    const a = await adapter.result('c', id(1));
    const b = await adapter.result('c', id(1));
    const c = await adapter.result('c', id(1));
    const d = await adapter.result('c', id(1));
    expect([a.done, a.status, a.exitCode, a.stdout, a.undelivered]).toEqual([true, 'Success', 0, 'applied', false]);
    expect([b.done, b.undelivered]).toEqual([true, true]);
    expect([c.done, c.undelivered]).toEqual([true, false]);
    expect([d.done, d.status]).toEqual([false, 'Pending']);
  });
});

describe('results', () => {
  it('one ListCommandInvocations (with Details) per page of a command: status, exit code and the plugin output of every node', async () => {
    // Prepare: two pages
    ssmMock
      .on(ListCommandInvocationsCommand, { CommandId: 'c-1', Details: true, MaxResults: 50 })
      .resolvesOnce({
        CommandInvocations: [{ InstanceId: id(1), Status: 'Success', CommandPlugins: [{ ResponseCode: 0, Output: 'applied version 7' }] }],
        NextToken: 'next',
      })
      .resolvesOnce({
        CommandInvocations: [
          { InstanceId: id(2), Status: 'Failed', StatusDetails: 'Undeliverable', CommandPlugins: [{ ResponseCode: -1, Output: '' }] },
          { InstanceId: id(3), Status: 'InProgress', CommandPlugins: [{}] },
        ],
      });

    // Act
    const results = await adapter.results('c-1');

    // Assess
    expect(ssmMock).toHaveReceivedCommandTimes(ListCommandInvocationsCommand, 2);
    expect(results.get(id(1))).toMatchObject({ status: 'Success', done: true, exitCode: 0, stdout: 'applied version 7', undelivered: false });
    expect(results.get(id(2))).toMatchObject({ status: 'Failed', done: true, undelivered: true });
    expect(results.get(id(2))).not.toHaveProperty('exitCode');
    expect(results.get(id(3))).toMatchObject({ done: false });
  });
});

describe('lastSucceeded', () => {
  it("one ListCommandInvocations for the instance, filtered by document and Success, with Details; newest first, only that document's successes kept", async () => {
    // Prepare: listed out of order, with an invocation that does not match what was asked
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    ssmMock.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        {
          CommandId: 'old',
          InstanceId: id(1),
          DocumentName: 'Doc',
          Status: 'Success',
          RequestedDateTime: at(1),
          CommandPlugins: [{ ResponseCode: 0, Output: 'a' }],
        },
        {
          CommandId: 'new',
          InstanceId: id(1),
          DocumentName: 'Doc',
          Status: 'Success',
          RequestedDateTime: at(9),
          CommandPlugins: [{ ResponseCode: 0, Output: 'b' }],
        },
        { CommandId: 'other', InstanceId: id(1), DocumentName: 'Other', Status: 'Success', RequestedDateTime: at(20), CommandPlugins: [{ Output: 'c' }] },
      ],
    });

    // Act
    const listed = await adapter.lastSucceeded(id(1), 'Doc');

    // Assess
    expect(ssmMock).toHaveReceivedCommandExactlyOnceWith(ListCommandInvocationsCommand, {
      InstanceId: id(1),
      Details: true,
      MaxResults: 5,
      Filters: [
        { key: 'DocumentName', value: 'Doc' },
        { key: 'Status', value: 'Success' },
      ],
    });
    expect(listed.map((l) => [l.commandId, l.requested, l.stdout, l.exitCode])).toEqual([
      ['new', at(9), 'b', 0],
      ['old', at(1), 'a', 0],
    ]);
  });
});
