/**
 * Environment settings, parsed once per cold start. Like the configuration file, a bad value
 * fails loudly instead of silently meaning "false".
 */
import { ConfigError } from '../errors';

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no', '']);

/** Parses a boolean environment variable; anything but true/false/1/0/yes/no is an error. */
export function envFlag(env: NodeJS.ProcessEnv, name: string, fallback = false): boolean {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new ConfigError(`environment variable ${name}="${raw}" must be true or false`, [`${name}: must be true or false`]);
}

/**
 * How the functions act: `active` changes the fleet; `shadow` (a rehearsal deployment,
 * HFC_MODE=shadow, set by `serverless deploy --param="mode=shadow"`) observes, plans and logs
 * only. DRY_RUN=true does the same for one `invoke local`.
 */
export type RunMode = 'active' | 'shadow';

/** Settings that come from the environment rather than the configuration file. */
export interface RuntimeSettings {
  /** Observe and plan, log the planned changes, change nothing (DRY_RUN=true, or HFC_MODE=shadow). */
  dryRun: boolean;
  /** HFC_MODE; absent means active. */
  mode?: RunMode;
  /** The SNS topic managed alarms notify (ALARM_TOPIC_ARN, set by serverless.yml). */
  alarmTopicArn?: string;
  /** The SSM document that applies an HAProxy configuration (CONFIG_DOCUMENT_NAME, set by serverless.yml). */
  configDocumentName?: string;
  /** The SSM document that measures what a load balancer carries, for drains (MEASURE_DOCUMENT_NAME, set by serverless.yml). */
  measureDocumentName?: string;
}

export function readRuntimeSettings(env: NodeJS.ProcessEnv = process.env): RuntimeSettings {
  const topic = env.ALARM_TOPIC_ARN?.trim();
  if (topic && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(topic)) {
    throw new ConfigError(`environment variable ALARM_TOPIC_ARN="${topic}" is not an SNS topic ARN`, ['ALARM_TOPIC_ARN: not an SNS topic ARN']);
  }
  const doc = env.CONFIG_DOCUMENT_NAME?.trim();
  if (doc && !/^[a-zA-Z0-9_.-]{3,128}$/.test(doc)) {
    throw new ConfigError(`environment variable CONFIG_DOCUMENT_NAME="${doc}" is not an SSM document name`, ['CONFIG_DOCUMENT_NAME: not a document name']);
  }
  const measure = env.MEASURE_DOCUMENT_NAME?.trim();
  if (measure && !/^[a-zA-Z0-9_.-]{3,128}$/.test(measure)) {
    throw new ConfigError(`environment variable MEASURE_DOCUMENT_NAME="${measure}" is not an SSM document name`, [
      'MEASURE_DOCUMENT_NAME: not a document name',
    ]);
  }
  const mode = (env.HFC_MODE ?? '').trim().toLowerCase();
  if (mode && mode !== 'active' && mode !== 'shadow') {
    throw new ConfigError(`environment variable HFC_MODE="${env.HFC_MODE}" must be active or shadow`, ['HFC_MODE: must be active or shadow']);
  }
  const shadow = mode === 'shadow';
  return {
    dryRun: envFlag(env, 'DRY_RUN') || shadow,
    ...(mode ? { mode: mode as RunMode } : {}),
    ...(topic ? { alarmTopicArn: topic } : {}),
    ...(doc ? { configDocumentName: doc } : {}),
    ...(measure ? { measureDocumentName: measure } : {}),
  };
}
