/**
 * What every command needs: the fleet configuration the stage runs, the deployment's names (the
 * stack's outputs: alarm topic and SSM documents), and the same adapters the functions use, on
 * the SDK's normal credential and endpoint chain (so AWS_ENDPOINT_URL points the CLI anywhere).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createClients, type AwsClients } from '../lib/aws/clients';
import { parseConfigText, type Config, type FleetConfig } from '../lib/config/load';
import { readRuntimeSettings } from '../lib/config/env';
import { configFileFor } from '../lib/config/stageFile';
import { adaptersFor, type Adapters } from '../lib/reconcile/adapters';
import { type CliArgs, UsageError } from './args';

export interface CliContext {
  configFile: string;
  config: Config;
  /** The fleets the command is about (--fleet, or all). */
  fleets: FleetConfig[];
  aws: Adapters;
  /** The SDK clients under the adapters (doctor reads what the functions never need). */
  clients: AwsClients;
  alarmTopicArn?: string;
  configDocumentName?: string;
  measureDocumentName?: string;
  now: () => Date;
}

export interface CliEnvironment {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Injected clients (tests, the simulated account); default: created from the SDK's chain. */
  clients?: AwsClients;
  now?: () => Date;
}

export function loadContext(args: CliArgs, io: CliEnvironment): CliContext {
  // The stage serverless deploys without --stage is dev: read what it deploys.
  const stage = args.stage ?? 'dev';
  const configFile = args.config ?? configFileFor(io.cwd, stage);
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read the fleet configuration ${configFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (pass --config FILE or run in the repository)`,
    );
  }
  const config = parseConfigText(text, configFile);
  // A stage without its own file reads fleet.config.json only if that file is the stage's (a typo
  // in --stage must not show another stage's fleet as if it were this one).
  const own = config.deployment.stage ?? 'dev';
  if (!args.config && basename(configFile) === 'fleet.config.json' && own !== stage)
    throw new UsageError(
      `stage "${stage}" has no fleet.config.${stage}.json, and fleet.config.json is stage "${own}"'s (pass --stage ${own}, or --config FILE)`,
    );
  const fleets = args.fleet ? config.fleets.filter((f) => f.name === args.fleet) : config.fleets;
  if (fleets.length === 0) throw new UsageError(`${configFile} has no fleet "${args.fleet}"; its fleets: ${config.fleets.map((f) => f.name).join(', ')}`);

  const settings = readRuntimeSettings(io.env);
  const alarmTopicArn = args.alarmTopicArn ?? settings.alarmTopicArn;
  const configDocumentName = args.configDocument ?? settings.configDocumentName;
  const measureDocumentName = args.measureDocument ?? settings.measureDocumentName;
  if (alarmTopicArn !== undefined) readRuntimeSettings({ ALARM_TOPIC_ARN: alarmTopicArn }); // the same check as the functions'
  // Without the deployment's names the plan would differ from the functions' (alarms unmanaged,
  // nothing pushed): refused, saying where the names are.
  const managing = fleets.filter((f) => f.alarms?.manage).map((f) => f.name);
  if (managing.length && !alarmTopicArn)
    throw new UsageError(
      `fleet ${managing.join(', ')} manages its alarms: pass --alarm-topic-arn (the stack's AlarmTopicArn output, npx serverless info --verbose) or set ALARM_TOPIC_ARN`,
    );
  const pushing = fleets.filter((f) => f.haproxy).map((f) => f.name);
  if (pushing.length && (!configDocumentName || !measureDocumentName))
    throw new UsageError(
      `fleet ${pushing.join(', ')} has an haproxy section: pass --config-document and --measure-document (the stack's ConfigDocumentName and MeasureDocumentName outputs) or set CONFIG_DOCUMENT_NAME and MEASURE_DOCUMENT_NAME`,
    );
  if (args.region) io.env.AWS_REGION = args.region;
  if (args.profile) io.env.AWS_PROFILE = args.profile;
  const clients = io.clients ?? createClients();
  return {
    configFile,
    config,
    fleets,
    aws: adaptersFor(clients),
    clients,
    ...(alarmTopicArn ? { alarmTopicArn } : {}),
    ...(configDocumentName ? { configDocumentName } : {}),
    ...(measureDocumentName ? { measureDocumentName } : {}),
    now: io.now ?? (() => new Date()),
  };
}
