/**
 * The command line: `hfc <command> [arguments] [--flags]`. Parsed strictly: an unknown flag or a
 * missing value is an error that names it, never silently ignored.
 */
export const COMMANDS = ['status', 'plan', 'why', 'doctor', 'adopt', 'help'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  command: Command;
  /** Positional arguments after the command (`why <instance-id>`). */
  positional: string[];
  json: boolean;
  debug: boolean;
  /** adopt only: carry the plan out. */
  apply: boolean;
  fleet?: string;
  stage?: string;
  config?: string;
  region?: string;
  profile?: string;
  alarmTopicArn?: string;
  configDocument?: string;
  measureDocument?: string;
}

/** Flags that take a value, by name, and the field each sets. */
const VALUED = {
  '--fleet': 'fleet',
  '--stage': 'stage',
  '--config': 'config',
  '--region': 'region',
  '--profile': 'profile',
  '--alarm-topic-arn': 'alarmTopicArn',
  '--config-document': 'configDocument',
  '--measure-document': 'measureDocument',
} as const;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliArgs {
  const out: CliArgs = { command: 'help', positional: [], json: false, debug: false, apply: false };
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--json') out.json = true;
    else if (flag === '--debug') out.debug = true;
    else if (flag === '--apply') out.apply = true;
    else if (flag === '--help' || flag === '-h') command = 'help';
    else if (flag in VALUED) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      out[VALUED[flag as keyof typeof VALUED]] = value;
    } else if (flag.startsWith('-')) throw new UsageError(`unknown flag ${flag} (hfc help lists them)`);
    else if (command === undefined) command = arg;
    else out.positional.push(arg);
  }
  command ??= 'help';
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}"; commands: ${COMMANDS.join(', ')}`);
  out.command = command as Command;
  if (out.command === 'why' && out.positional.length !== 1) throw new UsageError('hfc why takes one instance id: hfc why i-0123456789abcdef0');
  if (out.command !== 'why' && out.positional.length) throw new UsageError(`hfc ${out.command} takes no argument "${out.positional[0]}"`);
  if (out.apply && out.command !== 'adopt') throw new UsageError('--apply is for hfc adopt only: every other command changes nothing');
  return out;
}

export const USAGE = `hfc: the operator's view of haproxy-fleet-control

  hfc status [--fleet F]        every node: lifecycle state, records, checks, addresses, alarm,
                                configuration applied against the one rendered now, and why it waits
  hfc plan [--fleet F]          what a reconcile would do now, with reasons; exit 0 in sync, 2 changes pending
  hfc why <instance-id>         every gate of one node: registered? completed? waiting on what, until when?
  hfc doctor [--fleet F]        pre-flight and health checks, each pass, warn or fail with what to change;
                                exit 1 when one fails
  hfc adopt [--apply]           take over a fleet registered by hand: its weighted records at the name
                                and its Elastic IPs; printed, carried out with --apply
  hfc help                      this text

Read-only, but for hfc adopt --apply: every command observes and plans, none changes anything.

Flags
  --json                        machine-readable output
  --fleet NAME                  one fleet of the configuration (default: all)
  --stage NAME                  read fleet.config.NAME.json when it exists (else fleet.config.json)
  --config FILE                 the fleet configuration file (default: by --stage, in the current directory)
  --region R, --profile P       AWS region and profile (default: the SDK's chain; AWS_ENDPOINT_URL is honoured)
  --alarm-topic-arn ARN         the stack's AlarmTopicArn output (or ALARM_TOPIC_ARN); needed by fleets with managed alarms
  --config-document NAME        the stack's ConfigDocumentName output (or CONFIG_DOCUMENT_NAME); fleets with haproxy
  --measure-document NAME       the stack's MeasureDocumentName output (or MEASURE_DOCUMENT_NAME); fleets with haproxy
  --debug                       print the stack of an error
`;
