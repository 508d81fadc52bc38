/**
 * Simulated SSM Run Command, as the control plane uses it to push HAProxy configuration to the
 * nodes: managed instances whose agent is online or not, Command documents, SendCommand with one
 * invocation per instance, and the invocations' results.
 *
 * Managed instances. An EC2 instance of the simulated account becomes a managed instance the first
 * time its agent is online. By default the agent of a running instance is online
 * `agentOnlineAfterSeconds` after its launch (0: at once); `setAgentOnline(id, online)` overrides
 * that from then on. A stopped instance's agent is offline; a terminated (or shutting-down)
 * instance is never online and is no managed instance any more: DescribeInstanceInformation no
 * longer lists it and SendCommand rejects it (`InvalidInstanceId`), as it rejects instances whose
 * agent was never online. A registered instance whose agent is offline is listed as
 * `ConnectionLost` and still accepts commands: their invocations end `Failed` with StatusDetails
 * `Undeliverable` (what GetCommandInvocation answers for a node whose agent lost its
 * connection). Registration is noticed whenever the simulation looks (every SSM call, every
 * `account.advance`), so an instance that was online only between two looks is missed.
 *
 * Running. Each SendCommand creates one invocation per instance; what an invocation does is
 * decided by `runner` (default: Success with no output). With `runImmediately` (the default)
 * invocations run inside SendCommand, so GetCommandInvocation sees the result at once; without
 * it they stay `Pending` until the next `account.advance()` (or `runPending()`), when each runs if
 * its agent is online then and is `Undeliverable` otherwise. MaxConcurrency and MaxErrors are
 * echoed but do not stagger or stop invocations (at most 50 targets all start together).
 *
 * Limits: at most 50 InstanceIds (ValidationException), and a document with its parameter
 * values at most 64 KB (`MaxDocumentSizeExceeded`). How SSM counts those 64 KB is not published;
 * here it is the UTF-8 bytes of the document content plus, for every parameter passed, its name
 * and each of its values (`commandSize`). GetCommandInvocation returns the first 24,000
 * characters of stdout and 8,000 of stderr; the plugin `Output` of ListCommandInvocations (with
 * Details) the first 2,500 characters.
 *
 * Only JSON Command documents (schema 2.2 or 1.2) are modelled; `Targets`, document versions
 * other than the first, YAML content, ListCommands filters and ListCommandInvocations filters
 * other than DocumentName, Status, InvokedAfter and InvokedBefore fail loudly.
 */
import type {
  CloudWatchOutputConfig,
  Command,
  CommandInvocation,
  CommandInvocationStatus,
  CommandPlugin,
  CreateDocumentCommandInput,
  CreateDocumentCommandOutput,
  DescribeDocumentCommandInput,
  DescribeDocumentCommandOutput,
  DescribeInstanceInformationCommandInput,
  DescribeInstanceInformationCommandOutput,
  DocumentDescription,
  GetCommandInvocationCommandInput,
  GetCommandInvocationCommandOutput,
  InstanceInformation,
  ListCommandInvocationsCommandInput,
  ListCommandInvocationsCommandOutput,
  ListCommandsCommandInput,
  ListCommandsCommandOutput,
  NotificationConfig,
  SendCommandCommandInput,
  SendCommandCommandOutput,
} from '@aws-sdk/client-ssm';
import { createHash } from 'node:crypto';
import type { SimAccount } from './account';
import type { SimInstance } from './ec2';
import { IdGen } from './ids';
import { ServiceSim } from './service';

type Out<T> = Omit<T, '$metadata'>;

/** SSM's limit on a document together with its runtime parameter values. */
export const SSM_DOCUMENT_LIMIT_BYTES = 64 * 1024;
export const MAX_INSTANCE_IDS = 50;
export const STDOUT_LIMIT = 24_000;
export const STDERR_LIMIT = 8_000;
export const PLUGIN_OUTPUT_LIMIT = 2_500;

/** What the runner is told about one invocation. */
export interface SsmInvocationRequest {
  commandId: string;
  instanceId: string;
  documentName: string;
  parameters: Record<string, string[]>;
}

/** What one invocation did on its node. */
export interface SsmRunResult {
  status: 'Success' | 'Failed' | 'TimedOut';
  stdout?: string;
  stderr?: string;
  /** Defaults: 0 for Success, 1 for Failed, -1 for TimedOut. */
  exitCode?: number;
}

export type SsmRunner = (invocation: SsmInvocationRequest) => SsmRunResult;

/** One invocation as the simulation holds it (full output, not truncated). */
export interface SimInvocation {
  commandId: string;
  instanceId: string;
  documentName: string;
  parameters: Record<string, string[]>;
  requested: Date;
  status: CommandInvocationStatus;
  statusDetails: string;
  responseCode: number;
  stdout: string;
  stderr: string;
  started?: Date;
  ended?: Date;
}

/** One command as sent (with its parameters). */
export interface SimCommand {
  commandId: string;
  documentName: string;
  documentVersion: string;
  comment: string;
  parameters: Record<string, string[]>;
  instanceIds: string[];
  requested: Date;
  timeoutSeconds: number;
  expiresAfter: Date;
  maxConcurrency: string;
  maxErrors: string;
  outputS3Region?: string;
  outputS3BucketName: string;
  outputS3KeyPrefix: string;
  serviceRole: string;
  notificationConfig: NotificationConfig;
  cloudWatchOutputConfig: CloudWatchOutputConfig;
}

interface DocParameter {
  type?: string;
  description?: string;
  default?: unknown;
  allowedValues?: string[];
  allowedPattern?: string;
  minChars?: number;
  maxChars?: number;
  minItems?: number;
  maxItems?: number;
}

interface SimDocument {
  name: string;
  content: string;
  schemaVersion: string;
  description: string;
  parameters: Record<string, DocParameter>;
  stepNames: string[];
  created: Date;
  owner: string;
  hash: string;
}

interface AgentRecord {
  /** Set by `setAgentOnline`: the agent's state from `at` on, instead of the launch delay. */
  override?: { online: boolean; at: Date };
  registeredAt?: Date;
  lastPing?: Date;
}

const TERMINAL: readonly CommandInvocationStatus[] = ['Success', 'Failed', 'TimedOut', 'Cancelled'];
/** The Status filter values ListCommandInvocations accepts, as the simulation knows them. */
const INVOCATION_STATUSES: readonly string[] = [
  'Pending',
  'InProgress',
  'Delayed',
  'Success',
  'Cancelled',
  'Failed',
  'TimedOut',
  'DeliveryTimedOut',
  'ExecutionTimedOut',
  'Undeliverable',
];
const INSTANCE_ID = /^(i-(\w{8}|\w{17})|mi-\w{17})$/;
const DOCUMENT_NAME = /^[a-zA-Z0-9_\-.:/]{3,128}$/;
const MAX_CONCURRENCY = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;
const MAX_ERRORS = /^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$/;
const TOKEN_PREFIX = 'hfc-sim:ssm:';

/** `Value '...' at 'field' failed to satisfy constraint: ...`, one of SSM's validation errors. */
const violation = (field: string, value: unknown, rule: string) =>
  `Value ${value === undefined || value === null ? 'null' : `'${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}'`} at '${field}' failed to satisfy constraint: ${rule}`;

/** AWS-RunShellScript, as AWS publishes it (abridged description). */
const RUN_SHELL_SCRIPT = JSON.stringify({
  schemaVersion: '1.2',
  description: 'Run a shell script or specify the commands to run.',
  parameters: {
    commands: { type: 'StringList', description: '(Required) Specify a shell script or a command to run.', minItems: 1, displayType: 'textarea' },
    workingDirectory: { type: 'String', default: '', description: '(Optional) The path to the working directory on your instance.', maxChars: 4096 },
    executionTimeout: {
      type: 'String',
      default: '3600',
      description:
        '(Optional) The time in seconds for a command to complete before it is considered to have failed. Default is 3600 (1 hour). Maximum is 172800 (48 hours).',
      allowedPattern: '([1-9][0-9]{0,4})|(1[0-6][0-9]{4})|(17[0-1][0-9]{3})|(172[0-7][0-9]{2})|(172800)',
    },
  },
  runtimeConfig: {
    'aws:runShellScript': {
      properties: [
        { id: '0.aws:runShellScript', runCommand: '{{ commands }}', workingDirectory: '{{ workingDirectory }}', timeoutSeconds: '{{ executionTimeout }}' },
      ],
    },
  },
});

export class SsmSim extends ServiceSim {
  protected readonly service = 'ssm' as const;
  /** 0: an instance's agent is online as soon as it is launched; N: N seconds after its launch. */
  agentOnlineAfterSeconds = 0;
  /** Run invocations inside SendCommand (default), or leave them Pending until the next advance. */
  runImmediately = true;
  /** What each invocation does on its node. Default: succeeds with no output. */
  runner: SsmRunner = () => ({ status: 'Success' });
  /** The SSM Agent version managed instances report. */
  agentVersion = '3.3.1142.0';
  /**
   * Propagation right after SendCommand, off by default: when > 0, the first N GetCommandInvocation
   * calls for each new invocation answer InvocationDoesNotExist, as AWS briefly does.
   */
  invocationLagCalls = 0;

  private readonly ids: IdGen;
  private readonly agents = new Map<string, AgentRecord>();
  private readonly documents = new Map<string, SimDocument>();
  private readonly sent: SimCommand[] = [];
  private readonly runs = new Map<string, SimInvocation>();
  private readonly lag = new Map<string, number>();

  constructor(
    private readonly account: SimAccount,
    seed: number,
  ) {
    super();
    this.ids = new IdGen(seed * 104729 + 31);
    this.documents.set('AWS-RunShellScript', this.parseDocument('AWS-RunShellScript', RUN_SHELL_SCRIPT, 'Amazon'));
  }

  override handle(op: string, input: unknown): unknown {
    this.observeAll();
    return super.handle(op, input);
  }

  // ---- scenario helpers (lower-case: never dispatched as AWS operations) ----

  /** Turns an instance's agent on or off from now on (instead of the launch delay). */
  setAgentOnline(instanceId: string, online: boolean): void {
    if (!this.account.ec2.instance(instanceId)) throw new Error(`no simulated instance ${instanceId}`);
    this.observe(instanceId);
    const rec = this.record(instanceId);
    rec.override = { online, at: this.account.now() };
    this.observe(instanceId);
  }

  /** Whether the instance's agent is online now. */
  agentOnline(instanceId: string): boolean {
    const inst = this.account.ec2.instance(instanceId);
    return inst !== undefined && this.onlineSince(inst) !== undefined;
  }

  /** Whether the instance is a managed instance now (SendCommand accepts it). */
  isManaged(instanceId: string): boolean {
    this.observe(instanceId);
    const inst = this.account.ec2.instance(instanceId);
    return inst !== undefined && !gone(inst) && this.agents.get(instanceId)?.registeredAt !== undefined;
  }

  /**
   * Registers a Command document (JSON text or object, schema 2.2 or 1.2, `parameters` as SSM
   * documents declare them), as CreateDocument does; replaces one of the same name.
   */
  createDocument(name: string, content: string | object): void {
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    this.documents.set(
      name,
      this.parseDocument(name, text, this.account.accountId, (msg) => {
        throw new Error(`simulated SSM document ${name}: ${msg}`);
      }),
    );
  }

  /**
   * The bytes SendCommand counts against the 64 KB limit for this document and these parameters
   * (the document's UTF-8 content, and every parameter name and value passed).
   */
  commandSize(documentName: string, parameters: Record<string, string[]> = {}): number {
    const doc = this.documents.get(documentName);
    if (!doc) throw new Error(`no simulated SSM document ${documentName}`);
    return (
      Buffer.byteLength(doc.content) +
      Object.entries(parameters).reduce((n, [k, vs]) => n + Buffer.byteLength(k) + vs.reduce((m, v) => m + Buffer.byteLength(v), 0), 0)
    );
  }

  /** Every command sent, oldest first, with its parameters. */
  commands(): SimCommand[] {
    return structuredClone(this.sent);
  }

  /** Every invocation (or those of one command), in the order they were created. */
  invocations(commandId?: string): SimInvocation[] {
    return structuredClone([...this.runs.values()].filter((i) => commandId === undefined || i.commandId === commandId));
  }

  /** Runs every Pending invocation now (what the next `account.advance` does). */
  runPending(): void {
    for (const inv of this.runs.values()) if (inv.status === 'Pending') this.run(inv);
  }

  /** Called by the account before its clock moves: agents seen online until now register. */
  beforeTick(): void {
    this.observeAll();
  }

  /** Called by the account after its clock moved: agents come online, pending invocations run. */
  onTick(): void {
    this.observeAll();
    this.runPending();
  }

  // ---- AWS operations ----

  DescribeInstanceInformation(input: DescribeInstanceInformationCommandInput): Out<DescribeInstanceInformationCommandOutput> {
    const max = input.MaxResults ?? 50;
    if (max < 5 || max > 50) {
      this.fail(
        'ValidationException',
        `1 validation error detected: ${violation('maxResults', max, `Member must have value ${max < 5 ? 'greater than or equal to 5' : 'less than or equal to 50'}`)}`,
      );
    }
    const tests: ((info: InstanceInformation, inst: SimInstance) => boolean)[] = [];
    for (const f of input.InstanceInformationFilterList ?? []) tests.push(this.filterTest(f.key, f.valueSet, false));
    for (const f of input.Filters ?? []) tests.push(this.filterTest(f.Key, f.Values, true));

    const start = this.pageStart(input.NextToken);
    const matching = this.account.ec2
      .allInstances()
      .filter((inst) => this.isManaged(inst.instanceId))
      .sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0))
      .map((inst) => [this.info(inst), inst] as const)
      .filter(([info, inst]) => tests.every((t) => t(info, inst)));
    const page = matching.slice(start, start + max);
    return {
      InstanceInformationList: page.map(([info]) => info),
      ...(start + max < matching.length ? { NextToken: this.token(start + max) } : {}),
    };
  }

  CreateDocument(input: CreateDocumentCommandInput): Out<CreateDocumentCommandOutput> {
    const name = input.Name;
    if (!name || !DOCUMENT_NAME.test(name) || name.includes('/') || name.includes(':')) {
      this.fail(
        'ValidationException',
        `1 validation error detected: ${violation('name', name, 'Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.]{3,128}$')}`,
      );
    }
    if ((input.DocumentType ?? 'Command') !== 'Command') throw new Error(`simulated account: SSM documents of type ${input.DocumentType} are not modelled`);
    if ((input.DocumentFormat ?? 'JSON') !== 'JSON') throw new Error(`simulated account: SSM documents in ${input.DocumentFormat} are not modelled`);
    const content = input.Content ?? '';
    if (Buffer.byteLength(content) > SSM_DOCUMENT_LIMIT_BYTES)
      this.fail('MaxDocumentSizeExceeded', `The document content exceeds the maximum size of ${SSM_DOCUMENT_LIMIT_BYTES / 1024} KB.`);
    if (this.documents.has(name)) this.fail('DocumentAlreadyExists', `Document with same name ${name} already exists`);
    const doc = this.parseDocument(name, content, this.account.accountId, (msg) => this.fail('InvalidDocumentContent', msg));
    this.documents.set(name, doc);
    return { DocumentDescription: this.describe(doc) };
  }

  DescribeDocument(input: DescribeDocumentCommandInput): Out<DescribeDocumentCommandOutput> {
    const doc = this.document(input.Name, input.DocumentVersion);
    return { Document: this.describe(doc) };
  }

  SendCommand(input: SendCommandCommandInput): Out<SendCommandCommandOutput> {
    if (input.Targets && input.Targets.length > 0) throw new Error('simulated account: SendCommand with Targets is not modelled (pass InstanceIds)');
    const ids = input.InstanceIds ?? [];
    if (ids.length === 0) throw new Error('simulated account: SendCommand without InstanceIds is not modelled');

    // Input validation, all violations in one ValidationException as SSM words them.
    const problems: string[] = [];
    if (ids.length > MAX_INSTANCE_IDS) problems.push(violation('instanceIds', ids, `Member must have length less than or equal to ${MAX_INSTANCE_IDS}`));
    ids.forEach((id, i) => {
      if (!INSTANCE_ID.test(id))
        problems.push(violation(`instanceIds.${i + 1}.member`, id, 'Member must satisfy regular expression pattern: (^i-(\\w{8}|\\w{17})$)|(^mi-\\w{17}$)'));
    });
    if (!input.DocumentName || !DOCUMENT_NAME.test(input.DocumentName)) {
      problems.push(violation('documentName', input.DocumentName, 'Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.:/]{3,128}$'));
    }
    if (input.Comment !== undefined && input.Comment.length > 100)
      problems.push(violation('comment', input.Comment, 'Member must have length less than or equal to 100'));
    if (input.TimeoutSeconds !== undefined && (input.TimeoutSeconds < 30 || input.TimeoutSeconds > 2592000)) {
      problems.push(
        violation(
          'timeoutSeconds',
          input.TimeoutSeconds,
          `Member must have value ${input.TimeoutSeconds < 30 ? 'greater than or equal to 30' : 'less than or equal to 2592000'}`,
        ),
      );
    }
    if (input.MaxConcurrency !== undefined && !MAX_CONCURRENCY.test(input.MaxConcurrency)) {
      problems.push(violation('maxConcurrency', input.MaxConcurrency, `Member must satisfy regular expression pattern: ${MAX_CONCURRENCY.source}`));
    }
    if (input.MaxErrors !== undefined && !MAX_ERRORS.test(input.MaxErrors)) {
      problems.push(violation('maxErrors', input.MaxErrors, `Member must satisfy regular expression pattern: ${MAX_ERRORS.source}`));
    }
    if (problems.length > 0) {
      this.fail('ValidationException', `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`);
    }

    const doc = this.document(input.DocumentName!, input.DocumentVersion);
    const parameters = input.Parameters ?? {};
    this.checkParameters(doc, parameters);
    const size = this.commandSize(doc.name, parameters);
    if (size > SSM_DOCUMENT_LIMIT_BYTES) {
      this.fail('MaxDocumentSizeExceeded', `The document with its parameter values is ${size} bytes; the maximum is ${SSM_DOCUMENT_LIMIT_BYTES} (64 KB).`);
    }
    const instanceIds = [...new Set(ids)];
    const invalid = instanceIds.filter((id) => !this.isManaged(id));
    if (invalid.length > 0) this.fail('InvalidInstanceId', `Instances [[${invalid.join(', ')}]] not in a valid state for account ${this.account.accountId}`);

    const now = this.account.now();
    const timeoutSeconds = input.TimeoutSeconds ?? 3600;
    const executionTimeout = Number(parameters.executionTimeout?.[0] ?? doc.parameters.executionTimeout?.default ?? 3600) || 3600;
    const cmd: SimCommand = {
      commandId: this.ids.uuid(),
      documentName: doc.name,
      documentVersion: input.DocumentVersion ?? '$DEFAULT',
      comment: input.Comment ?? '',
      parameters: structuredClone(parameters),
      instanceIds,
      requested: now,
      timeoutSeconds,
      expiresAfter: new Date(now.getTime() + (timeoutSeconds + executionTimeout) * 1000),
      maxConcurrency: input.MaxConcurrency ?? '50',
      maxErrors: input.MaxErrors ?? '0',
      ...(input.OutputS3Region !== undefined ? { outputS3Region: input.OutputS3Region } : {}),
      outputS3BucketName: input.OutputS3BucketName ?? '',
      outputS3KeyPrefix: input.OutputS3KeyPrefix ?? '',
      serviceRole: input.ServiceRoleArn ?? '',
      notificationConfig: {
        NotificationArn: input.NotificationConfig?.NotificationArn ?? '',
        NotificationEvents: [...(input.NotificationConfig?.NotificationEvents ?? [])],
        NotificationType: input.NotificationConfig?.NotificationType ?? ('' as NotificationConfig['NotificationType']),
      },
      cloudWatchOutputConfig: {
        CloudWatchLogGroupName: input.CloudWatchOutputConfig?.CloudWatchLogGroupName ?? '',
        CloudWatchOutputEnabled: input.CloudWatchOutputConfig?.CloudWatchOutputEnabled ?? false,
      },
    };
    this.sent.push(cmd);
    const created: SimInvocation[] = instanceIds.map((instanceId) => ({
      commandId: cmd.commandId,
      instanceId,
      documentName: doc.name,
      parameters: structuredClone(parameters),
      requested: now,
      status: 'Pending',
      statusDetails: 'Pending',
      responseCode: -1,
      stdout: '',
      stderr: '',
    }));
    for (const inv of created) {
      this.runs.set(key(inv.commandId, inv.instanceId), inv);
      if (this.invocationLagCalls > 0) this.lag.set(key(inv.commandId, inv.instanceId), this.invocationLagCalls);
    }
    // The answer shows the command as it was sent: Pending, even when it already ran.
    const answer = this.toCommand(cmd);
    if (this.runImmediately) for (const inv of created) this.run(inv);
    return { Command: answer };
  }

  GetCommandInvocation(input: GetCommandInvocationCommandInput): Out<GetCommandInvocationCommandOutput> {
    const k = key(input.CommandId ?? '', input.InstanceId ?? '');
    const inv = this.runs.get(k);
    const lag = this.lag.get(k) ?? 0;
    if (lag > 0) this.lag.set(k, lag - 1);
    // InvocationDoesNotExist and InvalidPluginName carry no message: the SDK says UnknownError.
    if (!inv || lag > 0) this.fail('InvocationDoesNotExist', 'UnknownError');
    const cmd = this.command(inv.commandId);
    const doc = this.documents.get(inv.documentName);
    const steps = doc?.stepNames ?? [];
    if (input.PluginName !== undefined && !steps.includes(input.PluginName)) this.fail('InvalidPluginName', 'UnknownError');
    return {
      CommandId: inv.commandId,
      InstanceId: inv.instanceId,
      Comment: cmd.comment,
      DocumentName: inv.documentName,
      DocumentVersion: cmd.documentVersion,
      PluginName: input.PluginName ?? steps[0] ?? '',
      ResponseCode: inv.responseCode,
      ExecutionStartDateTime: inv.started?.toISOString() ?? '',
      ExecutionElapsedTime: inv.started && inv.ended ? `PT${((inv.ended.getTime() - inv.started.getTime()) / 1000).toFixed(3)}S` : '',
      ExecutionEndDateTime: inv.ended?.toISOString() ?? '',
      Status: inv.status,
      StatusDetails: inv.statusDetails,
      StandardOutputContent: inv.stdout.slice(0, STDOUT_LIMIT),
      StandardOutputUrl: '',
      StandardErrorContent: inv.stderr.slice(0, STDERR_LIMIT),
      StandardErrorUrl: '',
      CloudWatchOutputConfig: { ...cmd.cloudWatchOutputConfig },
    };
  }

  /**
   * Newest first; an unknown command or instance gives an empty list. Filters (all must hold):
   * `DocumentName`, `Status` (an invocation's status, or its details for `DeliveryTimedOut`,
   * `ExecutionTimedOut` and `Undeliverable`; `TimedOut` is either timeout), `InvokedAfter` and
   * `InvokedBefore` (RequestedDateTime, inclusive); `ExecutionStage` is ListCommands' only.
   */
  ListCommandInvocations(input: ListCommandInvocationsCommandInput): Out<ListCommandInvocationsCommandOutput> {
    const max = this.maxResults(input.MaxResults);
    const tests = (input.Filters ?? []).map((f): ((i: SimInvocation) => boolean) => {
      const value = f.value ?? '';
      switch (f.key) {
        case 'DocumentName':
          return (i) => i.documentName === value;
        case 'Status':
          if (!INVOCATION_STATUSES.includes(value)) throw new Error(`simulated account: ListCommandInvocations Status filter value ${value} is not modelled`);
          return (i) =>
            i.status === value ||
            i.statusDetails === value ||
            (value === 'TimedOut' && (i.statusDetails === 'DeliveryTimedOut' || i.statusDetails === 'ExecutionTimedOut'));
        case 'InvokedAfter':
        case 'InvokedBefore': {
          const at = Date.parse(value);
          if (Number.isNaN(at)) throw new Error(`simulated account: ListCommandInvocations ${f.key} value ${value} is not a timestamp`);
          return (i) => (f.key === 'InvokedAfter' ? i.requested.getTime() >= at : i.requested.getTime() <= at);
        }
        default:
          // ExecutionStage: "can't be used with the ListCommandInvocations operation, only with ListCommands".
          throw new Error(`simulated account: ListCommandInvocations filter ${String(f.key)} is not modelled`);
      }
    });
    const start = this.pageStart(input.NextToken);
    const matching = [...this.runs.values()]
      .filter(
        (i) =>
          (input.CommandId === undefined || i.commandId === input.CommandId) &&
          (input.InstanceId === undefined || i.instanceId === input.InstanceId) &&
          tests.every((t) => t(i)),
      )
      .reverse();
    const page = matching.slice(start, start + max);
    return {
      CommandInvocations: page.map((i) => this.toInvocation(i, input.Details ?? false)),
      ...(start + max < matching.length ? { NextToken: this.token(start + max) } : {}),
    };
  }

  /** Newest first; an unknown command or instance gives an empty list. */
  ListCommands(input: ListCommandsCommandInput): Out<ListCommandsCommandOutput> {
    if (input.Filters && input.Filters.length > 0) throw new Error('simulated account: ListCommands filters are not modelled');
    const max = this.maxResults(input.MaxResults);
    const start = this.pageStart(input.NextToken);
    const matching = [...this.sent]
      .filter(
        (c) =>
          (input.CommandId === undefined || c.commandId === input.CommandId) && (input.InstanceId === undefined || c.instanceIds.includes(input.InstanceId)),
      )
      .reverse();
    const page = matching.slice(start, start + max);
    return {
      Commands: page.map((c) => this.toCommand(c)),
      ...(start + max < matching.length ? { NextToken: this.token(start + max) } : {}),
    };
  }

  // ---- internals: agents ----

  private record(instanceId: string): AgentRecord {
    let rec = this.agents.get(instanceId);
    if (!rec) {
      rec = {};
      this.agents.set(instanceId, rec);
    }
    return rec;
  }

  /** When the agent came online, if it is online now. */
  private onlineSince(inst: SimInstance): Date | undefined {
    if (inst.state !== 'running') return undefined;
    const override = this.agents.get(inst.instanceId)?.override;
    if (override) return override.online ? override.at : undefined;
    const at = new Date(inst.launchTime.getTime() + this.agentOnlineAfterSeconds * 1000);
    return at.getTime() <= this.account.now().getTime() ? at : undefined;
  }

  /** Records what the agent is doing now: an online agent registers and pings. */
  private observe(instanceId: string): void {
    const inst = this.account.ec2.instance(instanceId);
    if (!inst) return;
    const since = this.onlineSince(inst);
    if (!since) return;
    const rec = this.record(instanceId);
    rec.registeredAt ??= since;
    rec.lastPing = this.account.now();
  }

  private observeAll(): void {
    for (const inst of this.account.ec2.allInstances()) this.observe(inst.instanceId);
  }

  private info(inst: SimInstance): InstanceInformation {
    const rec = this.agents.get(inst.instanceId)!;
    const online = this.onlineSince(inst) !== undefined;
    return {
      InstanceId: inst.instanceId,
      PingStatus: online ? 'Online' : 'ConnectionLost',
      LastPingDateTime: rec.lastPing!,
      AgentVersion: this.agentVersion,
      IsLatestVersion: false,
      PlatformType: 'Linux',
      PlatformName: 'Amazon Linux',
      PlatformVersion: '2023',
      ResourceType: 'EC2Instance',
      IPAddress: inst.privateIp,
      ComputerName: `ip-${inst.privateIp.replace(/\./g, '-')}.${this.account.region}.compute.internal`,
      RegistrationDate: rec.registeredAt!,
      SourceId: inst.instanceId,
      SourceType: 'AWS::EC2::Instance',
    };
  }

  private filterTest(key: string | undefined, values: string[] | undefined, stringFilter: boolean): (info: InstanceInformation, inst: SimInstance) => boolean {
    if (!values || values.length === 0) this.fail('InvalidInstanceInformationFilterValue', `The filter ${key} must have at least one value.`);
    switch (key) {
      case 'InstanceIds':
        return (info) => values.includes(info.InstanceId!);
      case 'PingStatus':
        return (info) => values.includes(info.PingStatus!);
      case 'PlatformTypes':
        return (info) => values.includes(info.PlatformType!);
      case 'ResourceType':
        return (info) => values.includes(info.ResourceType!);
      case 'AgentVersion':
        return (info) => values.includes(info.AgentVersion!);
      case 'ActivationIds':
      case 'IamRole':
      case 'AssociationStatus':
        throw new Error(`simulated account: DescribeInstanceInformation filter ${key} is not modelled`);
      default:
        if (stringFilter && key === 'tag-key') return (_info, inst) => values.some((k) => k in inst.tags);
        if (stringFilter && key?.startsWith('tag:')) {
          const tag = key.slice(4);
          return (_info, inst) => inst.tags[tag] !== undefined && values.includes(inst.tags[tag]!);
        }
        return this.fail('InvalidFilterKey', `The filter key ${key} is not valid.`);
    }
  }

  // ---- internals: documents ----

  private parseDocument(
    name: string,
    content: string,
    owner: string,
    invalid: (msg: string) => never = (msg) => this.fail('InvalidDocumentContent', msg),
  ): SimDocument {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(content) as Record<string, unknown>;
    } catch {
      return invalid('JSON not well-formed.');
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) return invalid('The document content must be a JSON object.');
    const schemaVersion = json.schemaVersion;
    if (schemaVersion !== '2.2' && schemaVersion !== '1.2')
      return invalid(`Document schema version, ${String(schemaVersion)}, is not supported for Command documents.`);
    const parameters = (json.parameters ?? {}) as Record<string, DocParameter>;
    if (typeof parameters !== 'object' || Array.isArray(parameters)) return invalid('parameters must be an object.');
    let stepNames: string[];
    if (schemaVersion === '2.2') {
      const steps = json.mainSteps;
      if (!Array.isArray(steps) || steps.length === 0) return invalid('mainSteps must list at least one step.');
      stepNames = steps.map((s: { name?: unknown }) => (typeof s?.name === 'string' ? s.name : invalid('Every step needs a name.')));
    } else {
      const runtime = json.runtimeConfig;
      if (!runtime || typeof runtime !== 'object') return invalid('runtimeConfig is required in schema version 1.2.');
      stepNames = Object.keys(runtime);
    }
    for (const [p, spec] of Object.entries(parameters)) {
      if (!/^[a-zA-Z0-9]+$/.test(p)) return invalid(`Parameter name ${p} is not valid.`);
      if (!spec || typeof spec !== 'object') return invalid(`Parameter ${p} must be an object.`);
    }
    return {
      name,
      content,
      schemaVersion,
      description: typeof json.description === 'string' ? json.description : '',
      parameters,
      stepNames,
      created: this.account.now(),
      owner,
      hash: createHash('sha256').update(content).digest('hex'),
    };
  }

  private document(name: string | undefined, version: string | undefined): SimDocument {
    const doc = name ? this.documents.get(name) : undefined;
    if (!doc) this.fail('InvalidDocument', `Document with name ${name} does not exist.`);
    if (version !== undefined && !['1', '$DEFAULT', '$LATEST'].includes(version)) {
      this.fail('InvalidDocumentVersion', `Document version ${version} of ${name} does not exist.`);
    }
    return doc;
  }

  private describe(doc: SimDocument): DocumentDescription {
    return {
      Name: doc.name,
      Hash: doc.hash,
      HashType: 'Sha256',
      Owner: doc.owner,
      CreatedDate: doc.created,
      Status: 'Active',
      DocumentVersion: '1',
      Description: doc.description,
      Parameters: Object.entries(doc.parameters).map(([Name, p]) => ({
        Name,
        Type: (p.type ?? 'String') as 'String' | 'StringList',
        Description: p.description ?? '',
        ...(p.default !== undefined ? { DefaultValue: typeof p.default === 'string' ? p.default : JSON.stringify(p.default) } : {}),
      })),
      PlatformTypes: ['Linux', 'MacOS'],
      DocumentType: 'Command',
      SchemaVersion: doc.schemaVersion,
      LatestVersion: '1',
      DefaultVersion: '1',
      DocumentFormat: 'JSON',
      Tags: [],
    };
  }

  /** InvalidParameters for names the document does not declare, missing required ones, bad values. */
  private checkParameters(doc: SimDocument, given: Record<string, string[]>): void {
    const declared = Object.keys(doc.parameters);
    const unknown = Object.keys(given).filter((p) => !declared.includes(p));
    if (unknown.length > 0) {
      if (declared.length === 0) this.fail('InvalidParameters', `document ${doc.name} does not support parameters.`);
      this.fail('InvalidParameters', `Parameters [${unknown.join(', ')}] are not defined in document ${doc.name}.`);
    }
    for (const [p, spec] of Object.entries(doc.parameters)) {
      const values = given[p];
      if (values === undefined) {
        if (spec.default === undefined) this.fail('InvalidParameters', `Parameter ${p} is required by document ${doc.name}.`);
        continue;
      }
      const bad = (why: string): never => this.fail('InvalidParameters', `Parameter ${p} of document ${doc.name}: ${why}`);
      const type = spec.type ?? 'String';
      if (type === 'StringList') {
        if (spec.minItems !== undefined && values.length < spec.minItems) bad(`at least ${spec.minItems} value(s) required`);
        if (spec.maxItems !== undefined && values.length > spec.maxItems) bad(`at most ${spec.maxItems} value(s) allowed`);
      } else if (values.length !== 1) {
        bad(`a ${type} takes exactly one value`);
      }
      for (const v of values) {
        if (type === 'Integer' && !/^-?\d+$/.test(v)) bad(`${v} is not an Integer`);
        if (type === 'Boolean' && v !== 'true' && v !== 'false') bad(`${v} is not a Boolean`);
        if (spec.allowedValues && !spec.allowedValues.includes(v)) bad(`${v} is not one of the allowed values`);
        if (spec.allowedPattern && !new RegExp(`^(?:${spec.allowedPattern})$`).test(v)) bad('the value does not match the allowed pattern');
        if (spec.minChars !== undefined && v.length < spec.minChars) bad(`values have at least ${spec.minChars} characters`);
        if (spec.maxChars !== undefined && v.length > spec.maxChars) bad(`values have at most ${spec.maxChars} characters`);
      }
    }
  }

  // ---- internals: commands and invocations ----

  private command(commandId: string): SimCommand {
    return this.sent.find((c) => c.commandId === commandId)!;
  }

  private run(inv: SimInvocation): void {
    const now = this.account.now();
    const inst = this.account.ec2.instance(inv.instanceId);
    if (!inst || !this.onlineSince(inst)) {
      // The agent is not there to receive it: never started, no exit code, no output.
      Object.assign(inv, { status: 'Failed', statusDetails: 'Undeliverable', responseCode: -1, ended: now });
      return;
    }
    const result = this.runner({
      commandId: inv.commandId,
      instanceId: inv.instanceId,
      documentName: inv.documentName,
      parameters: structuredClone(inv.parameters),
    });
    const details = { Success: 'Success', Failed: 'Failed', TimedOut: 'ExecutionTimedOut' }[result.status];
    if (!details) throw new Error(`simulated SSM runner returned status ${String(result.status)}`);
    const exit = result.exitCode ?? { Success: 0, Failed: 1, TimedOut: -1 }[result.status];
    Object.assign(inv, {
      status: result.status,
      statusDetails: details,
      responseCode: exit,
      stdout: result.stdout ?? '',
      stderr: result.stderr ?? '',
      started: now,
      ended: now,
    });
  }

  private toInvocation(inv: SimInvocation, details: boolean): CommandInvocation {
    const cmd = this.command(inv.commandId);
    const steps = this.documents.get(inv.documentName)?.stepNames ?? [];
    const plugin = (name: string): CommandPlugin => {
      const output = inv.stderr ? `${inv.stdout}\n----------ERROR-------\n${inv.stderr}` : inv.stdout;
      return {
        Name: name,
        Status: inv.statusDetails === 'Undeliverable' ? 'Failed' : inv.status === 'Delayed' || inv.status === 'Cancelling' ? 'InProgress' : inv.status,
        StatusDetails: inv.statusDetails,
        ResponseCode: inv.responseCode,
        ...(inv.started ? { ResponseStartDateTime: inv.started } : {}),
        ...(inv.ended && inv.started ? { ResponseFinishDateTime: inv.ended } : {}),
        Output: output.slice(0, PLUGIN_OUTPUT_LIMIT),
        StandardOutputUrl: '',
        StandardErrorUrl: '',
        OutputS3BucketName: cmd.outputS3BucketName,
        OutputS3KeyPrefix: cmd.outputS3KeyPrefix,
      };
    };
    return {
      CommandId: inv.commandId,
      InstanceId: inv.instanceId,
      InstanceName: '',
      Comment: cmd.comment,
      DocumentName: inv.documentName,
      DocumentVersion: cmd.documentVersion,
      RequestedDateTime: inv.requested,
      Status: inv.status,
      StatusDetails: inv.statusDetails,
      TraceOutput: '',
      StandardOutputUrl: '',
      StandardErrorUrl: '',
      CommandPlugins: details ? steps.map(plugin) : [],
      ServiceRole: cmd.serviceRole,
      NotificationConfig: structuredClone(cmd.notificationConfig),
      CloudWatchOutputConfig: { ...cmd.cloudWatchOutputConfig },
    };
  }

  /**
   * A command with its aggregate status: Pending until one invocation ran, InProgress until all
   * did; then Success when all succeeded, otherwise Failed (StatusDetails `Failed` when more
   * invocations failed than MaxErrors allows, `Incomplete` when not) or TimedOut when the errors
   * are execution timeouts only. Undeliverable invocations complete but count as no error.
   */
  private toCommand(c: SimCommand): Command {
    const invs = c.instanceIds.map((id) => this.runs.get(key(c.commandId, id))!);
    const done = invs.filter((i) => TERMINAL.includes(i.status));
    const failed = invs.filter((i) => i.statusDetails === 'Failed').length;
    const timedOut = invs.filter((i) => i.statusDetails === 'ExecutionTimedOut').length;
    const errors = failed + timedOut;
    let status: Command['Status'];
    let details: string;
    if (done.length < invs.length) {
      status = done.length === 0 ? 'Pending' : 'InProgress';
      details = status === 'Pending' ? 'Pending' : 'In Progress';
    } else if (done.every((i) => i.status === 'Success')) {
      status = 'Success';
      details = 'Success';
    } else if (errors > allowedErrors(c.maxErrors, invs.length)) {
      status = failed > 0 ? 'Failed' : 'TimedOut';
      details = failed > 0 ? 'Failed' : 'Execution Timed Out';
    } else {
      status = 'Failed';
      details = 'Incomplete';
    }
    return {
      CommandId: c.commandId,
      DocumentName: c.documentName,
      DocumentVersion: c.documentVersion,
      Comment: c.comment,
      ExpiresAfter: c.expiresAfter,
      Parameters: structuredClone(c.parameters),
      InstanceIds: [...c.instanceIds],
      Targets: [],
      RequestedDateTime: c.requested,
      Status: status,
      StatusDetails: details,
      ...(c.outputS3Region !== undefined ? { OutputS3Region: c.outputS3Region } : {}),
      OutputS3BucketName: c.outputS3BucketName,
      OutputS3KeyPrefix: c.outputS3KeyPrefix,
      MaxConcurrency: c.maxConcurrency,
      MaxErrors: c.maxErrors,
      TargetCount: invs.length,
      CompletedCount: done.length,
      ErrorCount: errors,
      DeliveryTimedOutCount: 0,
      ServiceRole: c.serviceRole,
      NotificationConfig: structuredClone(c.notificationConfig),
      CloudWatchOutputConfig: { ...c.cloudWatchOutputConfig },
      TimeoutSeconds: c.timeoutSeconds,
    };
  }

  // ---- internals: paging ----

  private maxResults(value: number | undefined): number {
    const max = value ?? 50;
    if (max < 1 || max > 50) {
      this.fail(
        'ValidationException',
        `1 validation error detected: ${violation('maxResults', max, `Member must have value ${max < 1 ? 'greater than or equal to 1' : 'less than or equal to 50'}`)}`,
      );
    }
    return max;
  }

  private token(index: number): string {
    return Buffer.from(`${TOKEN_PREFIX}${index}`).toString('base64');
  }

  private pageStart(token: string | undefined): number {
    if (token === undefined) return 0;
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const n = Number(decoded.slice(TOKEN_PREFIX.length));
    if (!decoded.startsWith(TOKEN_PREFIX) || !Number.isInteger(n) || n < 0) this.fail('InvalidNextToken', "The specified token isn't valid.");
    return n;
  }
}

const key = (commandId: string, instanceId: string) => `${commandId}/${instanceId}`;

/** Shutting-down and terminated instances are no managed instances. */
const gone = (inst: SimInstance) => inst.state === 'terminated' || inst.state === 'shutting-down';

/** MaxErrors as a count of targets ("0", "3", "10%"). */
function allowedErrors(maxErrors: string, targets: number): number {
  return maxErrors.endsWith('%') ? Math.floor((Number(maxErrors.slice(0, -1)) / 100) * targets) : Number(maxErrors);
}
