/**
 * The simulated SSM Run Command, driven through a real SDK client (`maxAttempts: 1`): managed
 * instances (agent online, offline, the launch delay, termination), DescribeInstanceInformation
 * (filters, pagination), documents, SendCommand and its limits at their boundaries (50 instance
 * ids, 64 KB of document and parameters), the invocations' results from the pluggable runner
 * (success, failure with truncated output, execution timeout, undeliverable when the agent went
 * away), and the errors SSM raises where it raises them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CreateDocumentCommand,
  DescribeDocumentCommand,
  DescribeInstanceInformationCommand,
  DocumentAlreadyExists,
  GetCommandInvocationCommand,
  InvalidDocument,
  InvalidDocumentContent,
  InvalidFilterKey,
  InvalidInstanceId,
  InvalidInstanceInformationFilterValue,
  InvalidNextToken,
  InvalidParameters,
  InvocationDoesNotExist,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  MaxDocumentSizeExceeded,
  SendCommandCommand,
  SSMServiceException,
  ValidationException,
  type DescribeInstanceInformationCommandInput,
  type SendCommandCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { SimAccount } from '../../sim/account';
import type { SsmInvocationRequest } from '../../sim/ssm';

let account: SimAccount;
let ssm: SSMClient;

beforeEach(() => {
  account = new SimAccount();
  ssm = account.clients({ maxAttempts: 1 }).ssm;
  account.ssm.createDocument(DOC, DOC_CONTENT);
});

// ---- helpers ----

type SdkError = Error & { $metadata: { httpStatusCode?: number; attempts?: number }; $fault: string };

/** The error a call fails with; fails the test when the call succeeds. */
async function failure(call: Promise<unknown>): Promise<SdkError> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err) => err,
  );
}

/** A document like the control plane's: the compressed config, its digest, version and peer name. */
const DOC = 'hfc-apply-haproxy-config';
const DOC_CONTENT = {
  schemaVersion: '2.2',
  description: 'Applies an HAProxy configuration pushed by haproxy-fleet-control.',
  parameters: {
    payload: { type: 'String', description: 'base64(gzip(haproxy.cfg))' },
    digest: { type: 'String', description: 'sha256 of the configuration', allowedPattern: '[0-9a-f]{64}' },
    version: { type: 'String', description: 'monotonic version' },
    peerName: { type: 'String', description: 'the local peer name', default: '' },
  },
  mainSteps: [{ action: 'aws:runShellScript', name: 'applyConfig', inputs: { runCommand: ['/opt/hfc/apply-config.sh --payload "{{ payload }}"'] } }],
};
const DIGEST = 'a'.repeat(64);
const params = (payload = 'H4sIAAAA', extra: Record<string, string[]> = {}) => ({ payload: [payload], digest: [DIGEST], version: ['7'], ...extra });

const launch = (n: number, opts: { tags?: Record<string, string> } = {}) =>
  Array.from({ length: n }, () => account.ec2.runInstance({ availabilityZone: 'eu-west-1a', ...(opts.tags ? { tags: opts.tags } : {}) }).instanceId);

const send = (instanceIds: string[], extra: Partial<SendCommandCommandInput> = {}) =>
  ssm.send(
    new SendCommandCommand({ DocumentName: DOC, InstanceIds: instanceIds, Parameters: params(), Comment: 'hfc config v7', TimeoutSeconds: 600, ...extra }),
  );

async function sendOk(instanceIds: string[], extra: Partial<SendCommandCommandInput> = {}): Promise<string> {
  return (await send(instanceIds, extra)).Command!.CommandId!;
}

const invocation = (commandId: string, instanceId: string) => ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));

async function managed(input: DescribeInstanceInformationCommandInput = {}): Promise<{ id: string; ping: string }[]> {
  const res = await ssm.send(new DescribeInstanceInformationCommand(input));
  return (res.InstanceInformationList ?? []).map((i) => ({ id: i.InstanceId!, ping: i.PingStatus! }));
}

const sorted = (ids: string[]) => [...ids].sort();

/** Well-formed (i- and 17 hex digits) but never launched. */
const UNKNOWN = 'i-0123456789abcdef0';

// ---- managed instances ----

describe('DescribeInstanceInformation', () => {
  it('lists an instance whose agent is online, with what SSM reports about it', async () => {
    // Prepare
    const [id] = launch(1);
    const inst = account.ec2.instance(id!)!;

    // Act
    const res = await ssm.send(new DescribeInstanceInformationCommand({}));

    // Assess
    expect(res.InstanceInformationList).toEqual([
      {
        InstanceId: id,
        PingStatus: 'Online',
        LastPingDateTime: account.now(),
        AgentVersion: account.ssm.agentVersion,
        IsLatestVersion: false,
        PlatformType: 'Linux',
        PlatformName: 'Amazon Linux',
        PlatformVersion: '2023',
        ResourceType: 'EC2Instance',
        IPAddress: inst.privateIp,
        ComputerName: `ip-${inst.privateIp.replace(/\./g, '-')}.eu-west-1.compute.internal`,
        RegistrationDate: inst.launchTime,
        SourceId: id,
        SourceType: 'AWS::EC2::Instance',
      },
    ]);
    expect(res.NextToken).toBeUndefined();
  });

  it('lists nothing when no instance runs', async () => {
    // Act
    const res = await ssm.send(new DescribeInstanceInformationCommand({}));

    // Assess
    expect(res.InstanceInformationList).toEqual([]);
  });

  it('with an agent delay, lists an instance only once the delay has passed since its launch', async () => {
    // Prepare
    account.ssm.agentOnlineAfterSeconds = 90;
    const [id] = launch(1);
    const launched = account.ec2.instance(id!)!.launchTime;

    // Act
    const atLaunch = await managed();
    account.advance(89);
    const justBefore = await managed();
    account.advance(1);
    const atDelay = await ssm.send(new DescribeInstanceInformationCommand({}));

    // Assess
    expect(atLaunch).toEqual([]);
    expect(justBefore).toEqual([]);
    expect(atDelay.InstanceInformationList!.map((i) => [i.InstanceId, i.PingStatus])).toEqual([[id, 'Online']]);
    expect(atDelay.InstanceInformationList![0]!.RegistrationDate).toEqual(new Date(launched.getTime() + 90_000));
    expect(account.ssm.agentOnline(id!)).toBe(true);
  });

  it('shows a registered instance whose agent went offline as ConnectionLost, last seen when it left, and Online again when it is back', async () => {
    // Prepare
    const [id] = launch(1);
    account.advance(30);
    const wentAway = account.now();
    account.ssm.setAgentOnline(id!, false);
    account.advance(300);

    // Act
    const offline = (await ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList!;
    account.ssm.setAgentOnline(id!, true);
    const back = (await ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList!;

    // Assess
    expect(offline.map((i) => [i.InstanceId, i.PingStatus, i.LastPingDateTime])).toEqual([[id, 'ConnectionLost', wentAway]]);
    expect(back.map((i) => [i.InstanceId, i.PingStatus, i.LastPingDateTime])).toEqual([[id, 'Online', account.now()]]);
  });

  it('never lists an instance whose agent was turned off before it ever came online', async () => {
    // Prepare
    account.ssm.agentOnlineAfterSeconds = 60;
    const [id] = launch(1);
    account.ssm.setAgentOnline(id!, false);

    // Act
    account.advance(3600);

    // Assess
    expect(await managed()).toEqual([]);
    expect(account.ssm.isManaged(id!)).toBe(false);
  });

  it('drops a terminated instance and shows a stopped one as ConnectionLost', async () => {
    // Prepare
    const [kept, stopped, terminated] = launch(3);
    await managed();
    account.ec2.stopInstance(stopped!);
    account.ec2.terminateInstance(terminated!);

    // Act
    const list = await managed();

    // Assess
    expect(list).toEqual(sorted([kept!, stopped!]).map((id) => ({ id, ping: id === kept ? 'Online' : 'ConnectionLost' })));
  });

  it('filters by InstanceIds (both filter forms), leaving out ids that are no managed instance', async () => {
    // Prepare
    const [a, b, c] = launch(3);

    // Act
    const byFilters = await managed({ Filters: [{ Key: 'InstanceIds', Values: [a!, c!, UNKNOWN] }] });
    const byList = await managed({ InstanceInformationFilterList: [{ key: 'InstanceIds', valueSet: [b!, UNKNOWN] }] });

    // Assess
    expect(byFilters.map((i) => i.id)).toEqual(sorted([a!, c!]));
    expect(byList.map((i) => i.id)).toEqual([b]);
  });

  it('filters by PingStatus and by EC2 tag', async () => {
    // Prepare
    const [edge1, edge2] = launch(2, { tags: { Role: 'edge' } });
    const [app] = launch(1, { tags: { Role: 'app' } });
    account.ssm.setAgentOnline(edge2!, false);

    // Act
    const online = await managed({ Filters: [{ Key: 'PingStatus', Values: ['Online'] }] });
    const edges = await managed({ Filters: [{ Key: 'tag:Role', Values: ['edge'] }] });

    // Assess
    expect(online.map((i) => i.id)).toEqual(sorted([edge1!, app!]));
    expect(edges.map((i) => i.id)).toEqual(sorted([edge1!, edge2!]));
  });

  it('rejects an unknown filter key (InvalidFilterKey) and a filter without values (InvalidInstanceInformationFilterValue)', async () => {
    // Act
    const badKey = await failure(managed({ Filters: [{ Key: 'Colour', Values: ['blue'] }] }));
    const noValues = await failure(managed({ InstanceInformationFilterList: [{ key: 'InstanceIds', valueSet: [] }] }));

    // Assess
    expect(badKey).toBeInstanceOf(InvalidFilterKey);
    expect(noValues).toBeInstanceOf(InvalidInstanceInformationFilterValue);
  });

  it('pages with MaxResults and NextToken, in instance id order', async () => {
    // Prepare
    const ids = launch(12);

    // Act
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const res = await ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5, ...(token ? { NextToken: token } : {}) }));
      pages.push(res.InstanceInformationList!.map((i) => i.InstanceId!));
      token = res.NextToken;
    } while (token);

    // Assess
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat()).toEqual(sorted(ids));
  });

  it.each([
    [4, 'greater than or equal to 5'],
    [51, 'less than or equal to 50'],
  ])('rejects MaxResults %i (ValidationException: %s)', async (max, rule) => {
    // Act
    const err = await failure(managed({ MaxResults: max }));

    // Assess
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.message).toBe(`1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value ${rule}`);
  });

  it.each([5, 50])('accepts MaxResults %i', async (max) => {
    // Prepare
    launch(6);

    // Act
    const list = await managed({ MaxResults: max });

    // Assess
    expect(list).toHaveLength(Math.min(max, 6));
  });

  it('rejects a token it did not issue (InvalidNextToken)', async () => {
    // Act
    const err = await failure(managed({ NextToken: 'bm90LWEtdG9rZW4=' }));

    // Assess
    expect(err).toBeInstanceOf(InvalidNextToken);
  });
});

// ---- documents ----

describe('documents', () => {
  it('CreateDocument registers a Command document that DescribeDocument then shows with its parameters', async () => {
    // Prepare
    const content = JSON.stringify({ ...DOC_CONTENT, description: 'second' });

    // Act
    const created = await ssm.send(new CreateDocumentCommand({ Name: 'hfc-other', Content: content, DocumentType: 'Command', DocumentFormat: 'JSON' }));
    const described = await ssm.send(new DescribeDocumentCommand({ Name: 'hfc-other' }));

    // Assess
    expect(created.DocumentDescription).toEqual(described.Document);
    expect(described.Document).toMatchObject({
      Name: 'hfc-other',
      Owner: '123456789012',
      Status: 'Active',
      DocumentType: 'Command',
      SchemaVersion: '2.2',
      DocumentVersion: '1',
      Description: 'second',
      HashType: 'Sha256',
      Parameters: [
        { Name: 'payload', Type: 'String', Description: 'base64(gzip(haproxy.cfg))' },
        { Name: 'digest', Type: 'String', Description: 'sha256 of the configuration' },
        { Name: 'version', Type: 'String', Description: 'monotonic version' },
        { Name: 'peerName', Type: 'String', Description: 'the local peer name', DefaultValue: '' },
      ],
    });
  });

  it('rejects a second document of the same name (DocumentAlreadyExists), content that is not JSON (InvalidDocumentContent) and content over 64 KB (MaxDocumentSizeExceeded)', async () => {
    // Prepare
    const big = JSON.stringify({ ...DOC_CONTENT, description: 'x'.repeat(64 * 1024) });

    // Act
    const again = await failure(ssm.send(new CreateDocumentCommand({ Name: DOC, Content: JSON.stringify(DOC_CONTENT), DocumentType: 'Command' })));
    const notJson = await failure(ssm.send(new CreateDocumentCommand({ Name: 'hfc-broken', Content: '{"schemaVersion": ', DocumentType: 'Command' })));
    const tooBig = await failure(ssm.send(new CreateDocumentCommand({ Name: 'hfc-big', Content: big, DocumentType: 'Command' })));

    // Assess
    expect(again).toBeInstanceOf(DocumentAlreadyExists);
    expect(notJson).toBeInstanceOf(InvalidDocumentContent);
    expect(tooBig).toBeInstanceOf(MaxDocumentSizeExceeded);
  });

  it('DescribeDocument of an unknown document fails with InvalidDocument', async () => {
    // Act
    const err = await failure(ssm.send(new DescribeDocumentCommand({ Name: 'hfc-missing' })));

    // Assess
    expect(err).toBeInstanceOf(InvalidDocument);
  });
});

// ---- SendCommand ----

describe('SendCommand', () => {
  it('answers with the command, Pending, and records it with its parameters', async () => {
    // Prepare
    const ids = launch(2);

    // Act
    const res = await send(ids, { MaxConcurrency: '50', MaxErrors: '0' });

    // Assess
    const now = account.now();
    const cmd = res.Command!;
    expect(cmd).toEqual({
      CommandId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/),
      DocumentName: DOC,
      DocumentVersion: '$DEFAULT',
      Comment: 'hfc config v7',
      ExpiresAfter: new Date(now.getTime() + (600 + 3600) * 1000),
      Parameters: params(),
      InstanceIds: ids,
      Targets: [],
      RequestedDateTime: now,
      Status: 'Pending',
      StatusDetails: 'Pending',
      OutputS3BucketName: '',
      OutputS3KeyPrefix: '',
      MaxConcurrency: '50',
      MaxErrors: '0',
      TargetCount: 2,
      CompletedCount: 0,
      ErrorCount: 0,
      DeliveryTimedOutCount: 0,
      ServiceRole: '',
      NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
      CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
      TimeoutSeconds: 600,
    });
    expect(account.ssm.commands()).toMatchObject([{ commandId: cmd.CommandId, documentName: DOC, parameters: params(), instanceIds: ids }]);
    expect(account.ssm.invocations(cmd.CommandId).map((i) => i.instanceId)).toEqual(ids);
  });

  it('fails with InvalidDocument for a document that does not exist', async () => {
    // Prepare
    const ids = launch(1);

    // Act
    const err = await failure(send(ids, { DocumentName: 'hfc-missing' }));

    // Assess
    expect(err).toBeInstanceOf(InvalidDocument);
    expect(err.name).toBe('InvalidDocument');
    expect(account.ssm.commands()).toEqual([]);
  });

  it('fails with InvalidParameters for a parameter the document does not declare, and for a missing required one', async () => {
    // Prepare
    const ids = launch(1);

    // Act
    const undeclared = await failure(send(ids, { Parameters: params('H4sI', { colour: ['blue'] }) }));
    const missing = await failure(send(ids, { Parameters: { payload: ['H4sI'], version: ['7'] } }));
    const badValue = await failure(send(ids, { Parameters: { ...params(), digest: ['not-a-digest'] } }));

    // Assess
    expect(undeclared).toBeInstanceOf(InvalidParameters);
    expect(undeclared.message).toContain('colour');
    expect(missing).toBeInstanceOf(InvalidParameters);
    expect(missing.message).toContain('digest');
    expect(badValue).toBeInstanceOf(InvalidParameters);
    expect(account.ssm.commands()).toEqual([]);
  });

  it('words InvalidParameters as SSM does for a document without parameters', async () => {
    // Prepare
    const ids = launch(1);
    account.ssm.createDocument('hfc-noparams', {
      schemaVersion: '2.2',
      mainSteps: [{ action: 'aws:runShellScript', name: 'run', inputs: { runCommand: ['true'] } }],
    });

    // Act
    const err = await failure(send(ids, { DocumentName: 'hfc-noparams', Parameters: { x: ['1'] } }));

    // Assess
    expect(err).toBeInstanceOf(InvalidParameters);
    expect(err.message).toBe('document hfc-noparams does not support parameters.');
  });

  it('fails with InvalidInstanceId, naming the instances, for one whose agent was never online', async () => {
    // Prepare
    account.ssm.agentOnlineAfterSeconds = 120;
    const [ready] = launch(1);
    account.advance(120);
    const [fresh] = launch(1);

    // Act
    const err = await failure(send([ready!, fresh!]));

    // Assess
    expect(err).toBeInstanceOf(InvalidInstanceId);
    expect(err.$fault).toBe('client');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toBe(`Instances [[${fresh}]] not in a valid state for account 123456789012`);
    expect(account.ssm.commands()).toEqual([]);
  });

  it('fails with InvalidInstanceId for a terminated instance and for an id that was never launched', async () => {
    // Prepare
    const [gone] = launch(1);
    await managed();
    account.ec2.terminateInstance(gone!);

    // Act
    const terminated = await failure(send([gone!]));
    const unknown = await failure(send([UNKNOWN]));

    // Assess
    expect(terminated).toBeInstanceOf(InvalidInstanceId);
    expect(terminated.message).toBe(`Instances [[${gone}]] not in a valid state for account 123456789012`);
    expect(unknown).toBeInstanceOf(InvalidInstanceId);
  });

  it('accepts 50 instance ids', async () => {
    // Prepare
    const ids = launch(50);

    // Act
    const res = await send(ids);

    // Assess
    expect(res.Command!.TargetCount).toBe(50);
    expect(account.ssm.invocations(res.Command!.CommandId)).toHaveLength(50);
  });

  it('rejects 51 instance ids with a ValidationException and sends nothing', async () => {
    // Prepare
    const ids = launch(51);

    // Act
    const err = await failure(send(ids));

    // Assess
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.message).toBe(
      `1 validation error detected: Value '[${ids.join(', ')}]' at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50`,
    );
    expect(account.ssm.commands()).toEqual([]);
  });

  it('accepts a document whose content and parameter values make exactly 64 KB, and rejects one byte more (MaxDocumentSizeExceeded)', async () => {
    // Prepare
    const ids = launch(1);
    const base = account.ssm.commandSize(DOC, params(''));
    const fits = 'A'.repeat(64 * 1024 - base);
    const over = `${fits}A`;

    // Act
    const ok = await send(ids, { Parameters: params(fits) });
    const err = await failure(send(ids, { Parameters: params(over) }));

    // Assess
    expect(account.ssm.commandSize(DOC, params(fits))).toBe(65536);
    expect(ok.Command!.Status).toBe('Pending');
    expect(err).toBeInstanceOf(MaxDocumentSizeExceeded);
    expect(account.ssm.commands()).toHaveLength(1);
  });

  it('counts parameter values in UTF-8 bytes, not characters', async () => {
    // Prepare
    const ids = launch(1);
    const base = account.ssm.commandSize(DOC, params(''));
    const twoByteChars = 'é'.repeat(Math.floor((64 * 1024 - base) / 2) + 1);

    // Act
    const err = await failure(send(ids, { Parameters: params(twoByteChars) }));

    // Assess
    expect(twoByteChars.length).toBeLessThan(64 * 1024 - base);
    expect(err).toBeInstanceOf(MaxDocumentSizeExceeded);
  });

  it('rejects a comment over 100 characters and a TimeoutSeconds under 30 in one ValidationException', async () => {
    // Prepare
    const ids = launch(1);

    // Act
    const err = await failure(send(ids, { Comment: 'c'.repeat(101), TimeoutSeconds: 29 }));

    // Assess
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.message).toMatch(
      /^2 validation errors detected: Value 'c{101}' at 'comment' failed to satisfy constraint: Member must have length less than or equal to 100; Value '29' at 'timeoutSeconds'/,
    );
  });

  it('is throttled with ThrottlingException, which the SDK retries', async () => {
    // Prepare
    const ids = launch(1);
    account.faults.throttle({ service: 'ssm', ops: ['SendCommand'], rate: 1, times: 2 });
    const retrying = account.clients({ maxAttempts: 3 }).ssm;

    // Act
    const res = await retrying.send(new SendCommandCommand({ DocumentName: DOC, InstanceIds: ids, Parameters: params() }));

    // Assess
    expect(res.$metadata.attempts).toBe(3);
    expect(account.callsWhere({ service: 'ssm', op: 'SendCommand' }).map((c) => c.error ?? 'ok')).toEqual(['ThrottlingException', 'ThrottlingException', 'ok']);
  });
});

// ---- invocations ----

describe('invocations', () => {
  it('by default succeed at once with no output', async () => {
    // Prepare
    const [id] = launch(1);

    // Act
    const commandId = await sendOk([id!]);
    const inv = await invocation(commandId, id!);

    // Assess
    const now = account.now().toISOString();
    expect(inv).toEqual({
      $metadata: expect.anything(),
      CommandId: commandId,
      InstanceId: id,
      Comment: 'hfc config v7',
      DocumentName: DOC,
      DocumentVersion: '$DEFAULT',
      PluginName: 'applyConfig',
      ResponseCode: 0,
      ExecutionStartDateTime: now,
      ExecutionElapsedTime: 'PT0.000S',
      ExecutionEndDateTime: now,
      Status: 'Success',
      StatusDetails: 'Success',
      StandardOutputContent: '',
      StandardOutputUrl: '',
      StandardErrorContent: '',
      StandardErrorUrl: '',
      CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
    });
  });

  it('get what the runner returns, and the runner is told the command, instance, document and parameters', async () => {
    // Prepare
    const ids = launch(2);
    const seen: SsmInvocationRequest[] = [];
    account.ssm.runner = (req) => {
      seen.push(req);
      return { status: 'Success', stdout: `applied v7 on ${req.instanceId}\n` };
    };

    // Act
    const commandId = await sendOk(ids);
    const outputs = await Promise.all(ids.map(async (id) => (await invocation(commandId, id)).StandardOutputContent));

    // Assess
    expect(seen).toEqual(ids.map((instanceId) => ({ commandId, instanceId, documentName: DOC, parameters: params() })));
    expect(outputs).toEqual(ids.map((id) => `applied v7 on ${id}\n`));
  });

  it('that fail report the exit code and the first 24,000 characters of stdout and 8,000 of stderr', async () => {
    // Prepare
    const [id] = launch(1);
    const stdout = `${'o'.repeat(24_000)}TAIL`;
    const stderr = `${'e'.repeat(8_000)}TAIL`;
    account.ssm.runner = () => ({ status: 'Failed', exitCode: 4, stdout, stderr });

    // Act
    const commandId = await sendOk([id!]);
    const inv = await invocation(commandId, id!);

    // Assess
    expect(inv).toMatchObject({ Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 4 });
    expect(inv.StandardOutputContent).toBe('o'.repeat(24_000));
    expect(inv.StandardErrorContent).toBe('e'.repeat(8_000));
    expect(account.ssm.invocations(commandId)[0]).toMatchObject({ stdout, stderr });
  });

  it('keep output of exactly 24,000 and 8,000 characters whole', async () => {
    // Prepare
    const [id] = launch(1);
    account.ssm.runner = () => ({ status: 'Failed', stdout: 'o'.repeat(24_000), stderr: 'e'.repeat(8_000) });

    // Act
    const inv = await invocation(await sendOk([id!]), id!);

    // Assess
    expect(inv.StandardOutputContent).toHaveLength(24_000);
    expect(inv.StandardErrorContent).toHaveLength(8_000);
    expect(inv.ResponseCode).toBe(1);
  });

  it('that time out report TimedOut with StatusDetails ExecutionTimedOut', async () => {
    // Prepare
    const [id] = launch(1);
    account.ssm.runner = () => ({ status: 'TimedOut', stderr: 'killed' });

    // Act
    const inv = await invocation(await sendOk([id!]), id!);

    // Assess
    expect(inv).toMatchObject({ Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut', ResponseCode: -1, StandardErrorContent: 'killed' });
  });

  it('without runImmediately stay Pending until the next advance, then run', async () => {
    // Prepare
    const [id] = launch(1);
    account.ssm.runImmediately = false;
    let runs = 0;
    account.ssm.runner = () => {
      runs += 1;
      return { status: 'Success', stdout: 'ok' };
    };

    // Act
    const commandId = await sendOk([id!]);
    const before = await invocation(commandId, id!);
    account.advance(5);
    const after = await invocation(commandId, id!);

    // Assess
    expect(before).toMatchObject({
      Status: 'Pending',
      StatusDetails: 'Pending',
      ResponseCode: -1,
      ExecutionStartDateTime: '',
      ExecutionEndDateTime: '',
      StandardOutputContent: '',
    });
    expect(after).toMatchObject({ Status: 'Success', ResponseCode: 0, StandardOutputContent: 'ok', ExecutionStartDateTime: account.now().toISOString() });
    expect(runs).toBe(1);
  });

  it('are Undeliverable (Status Failed, no exit code, not run) when the agent went offline before they ran', async () => {
    // Prepare
    const [id] = launch(1);
    account.ssm.runImmediately = false;
    let runs = 0;
    account.ssm.runner = () => {
      runs += 1;
      return { status: 'Success' };
    };
    const commandId = await sendOk([id!]);

    // Act
    account.ssm.setAgentOnline(id!, false);
    account.advance(5);
    const inv = await invocation(commandId, id!);

    // Assess
    expect(inv).toMatchObject({
      Status: 'Failed',
      StatusDetails: 'Undeliverable',
      ResponseCode: -1,
      ExecutionStartDateTime: '',
      StandardOutputContent: '',
      StandardErrorContent: '',
    });
    expect(runs).toBe(0);
  });

  it('to a registered instance whose agent lost its connection are accepted, then Undeliverable', async () => {
    // Prepare
    const [online, lost] = launch(2);
    account.ssm.setAgentOnline(lost!, false);

    // Act
    const commandId = await sendOk([online!, lost!]);

    // Assess
    expect((await invocation(commandId, online!)).Status).toBe('Success');
    expect(await invocation(commandId, lost!)).toMatchObject({ Status: 'Failed', StatusDetails: 'Undeliverable', ResponseCode: -1 });
  });

  it('that do not exist fail with InvocationDoesNotExist', async () => {
    // Prepare
    const [a, b] = launch(2);
    const commandId = await sendOk([a!]);

    // Act
    const otherInstance = await failure(invocation(commandId, b!));
    const unknownCommand = await failure(invocation('00000000-0000-4000-a000-000000000000', a!));

    // Assess
    expect(otherInstance).toBeInstanceOf(InvocationDoesNotExist);
    expect(unknownCommand).toBeInstanceOf(InvocationDoesNotExist);
    expect(unknownCommand).toBeInstanceOf(SSMServiceException);
  });

  it('can lag behind SendCommand: with invocationLagCalls the first lookups fail with InvocationDoesNotExist', async () => {
    // Prepare
    const [id] = launch(1);
    account.ssm.invocationLagCalls = 1;
    const commandId = await sendOk([id!]);

    // Act
    const first = await failure(invocation(commandId, id!));
    const second = await invocation(commandId, id!);

    // Assess
    expect(first).toBeInstanceOf(InvocationDoesNotExist);
    expect(second.Status).toBe('Success');
  });
});

// ---- ListCommandInvocations / ListCommands ----

describe('ListCommandInvocations and ListCommands', () => {
  it("list a command's invocations, with the plugin output (first 2,500 characters) when Details is set", async () => {
    // Prepare
    const [a, b] = launch(2);
    account.ssm.runner = ({ instanceId }) =>
      instanceId === a ? { status: 'Success', stdout: 'x'.repeat(3000) } : { status: 'Failed', exitCode: 4, stdout: '', stderr: 'haproxy -c failed' };
    const commandId = await sendOk([a!, b!]);

    // Act
    const plain = await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId }));
    const detailed = await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, Details: true }));

    // Assess
    expect(plain.CommandInvocations!.map((i) => [i.InstanceId, i.Status, i.CommandPlugins])).toEqual(
      expect.arrayContaining([
        [a, 'Success', []],
        [b, 'Failed', []],
      ]),
    );
    const plugins = Object.fromEntries(detailed.CommandInvocations!.map((i) => [i.InstanceId!, i.CommandPlugins![0]!]));
    expect(plugins[a!]).toMatchObject({ Name: 'applyConfig', Status: 'Success', ResponseCode: 0, Output: 'x'.repeat(2500) });
    expect(plugins[b!]).toMatchObject({ Name: 'applyConfig', Status: 'Failed', ResponseCode: 4, Output: '\n----------ERROR-------\nhaproxy -c failed' });
  });

  it("ListCommandInvocations filters by DocumentName, Status and time (every filter must hold), newest first; ExecutionStage is ListCommands' only", async () => {
    // Prepare: on one instance, a success and a failure of DOC, then a success of another document
    const [a] = launch(1);
    account.ssm.createDocument('other-doc', {
      schemaVersion: '2.2',
      mainSteps: [{ action: 'aws:runShellScript', name: 'run', inputs: { runCommand: ['true'] } }],
    });
    let fail = false;
    account.ssm.runner = () => (fail ? { status: 'Failed', exitCode: 4 } : { status: 'Success', stdout: 'ok' });
    const first = await sendOk([a!]);
    account.advance(60);
    fail = true;
    const failed = await sendOk([a!]);
    account.advance(60);
    fail = false;
    const other = (await ssm.send(new SendCommandCommand({ DocumentName: 'other-doc', InstanceIds: [a!] }))).Command!.CommandId!;
    const list = async (...filters: [string, string][]) =>
      (
        await ssm.send(
          new ListCommandInvocationsCommand({ InstanceId: a!, Details: true, Filters: filters.map(([key, value]) => ({ key: key as 'Status', value })) }),
        )
      ).CommandInvocations!.map((i) => i.CommandId);
    const at = (offsetSeconds: number) => new Date(account.now().getTime() + offsetSeconds * 1000).toISOString();

    // Act / Assess
    expect(await list()).toEqual([other, failed, first]);
    expect(await list(['DocumentName', DOC])).toEqual([failed, first]);
    expect(await list(['DocumentName', DOC], ['Status', 'Success'])).toEqual([first]);
    expect(await list(['Status', 'Failed'])).toEqual([failed]);
    expect(await list(['InvokedAfter', at(-90)])).toEqual([other, failed]);
    expect(await list(['InvokedBefore', at(-90)], ['DocumentName', DOC])).toEqual([first]);
    await expect(list(['ExecutionStage', 'Executing'])).rejects.toThrow(/ExecutionStage is not modelled/);
  });

  it('ListCommands shows the aggregate status and counts once the invocations ran', async () => {
    // Prepare
    const [a, b, c] = launch(3);
    account.ssm.runner = ({ instanceId }) => (instanceId === b ? { status: 'Failed' } : { status: 'Success' });
    const good = await sendOk([a!, c!]);
    const bad = await sendOk([a!, b!, c!]);

    // Act
    const res = await ssm.send(new ListCommandsCommand({}));

    // Assess
    expect(res.Commands!.map((cmd) => [cmd.CommandId, cmd.Status, cmd.StatusDetails, cmd.TargetCount, cmd.CompletedCount, cmd.ErrorCount])).toEqual([
      [bad, 'Failed', 'Failed', 3, 3, 1],
      [good, 'Success', 'Success', 2, 2, 0],
    ]);
  });

  it('ListCommands pages newest first and filters by command and by instance', async () => {
    // Prepare
    const [a, b] = launch(2);
    const sent = [await sendOk([a!]), await sendOk([b!]), await sendOk([a!, b!])];

    // Act
    const first = await ssm.send(new ListCommandsCommand({ MaxResults: 2 }));
    const rest = await ssm.send(new ListCommandsCommand({ MaxResults: 2, NextToken: first.NextToken! }));
    const one = await ssm.send(new ListCommandsCommand({ CommandId: sent[1]! }));
    const ofB = await ssm.send(new ListCommandsCommand({ InstanceId: b! }));

    // Assess
    expect([...first.Commands!, ...rest.Commands!].map((c) => c.CommandId)).toEqual([...sent].reverse());
    expect(rest.NextToken).toBeUndefined();
    expect(one.Commands!.map((c) => c.CommandId)).toEqual([sent[1]]);
    expect(ofB.Commands!.map((c) => c.CommandId)).toEqual([sent[2], sent[1]]);
  });
});
